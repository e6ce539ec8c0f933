//! ARP (RFC 826) for Ethernet and IPv4: requests, replies, gratuitous ARP.
//!
//! - [`Packet`] views any ARP packet: the 8 fixed bytes and the four addresses, whose
//!   lengths the packet itself gives (RFC 826 "Packet format").
//! - [`Repr`] is the Ethernet/IPv4 packet as a value, the only kind an IPv4 host on
//!   Ethernet sends or answers; other hardware or protocol types parse as a
//!   [`Packet`] but are [`Error::Unsupported`] as a [`Repr`]. Helpers build a request,
//!   the reply to one, and an RFC 5227 announcement.
//! - [`Operation`] is the opcode; unknown values are kept, not refused.
//!
//! The contract: [`Packet::new_checked`] proves every getter in bounds, so no input
//! can make a getter panic; nothing allocates. Bytes after the packet (Ethernet pads
//! a 28-byte ARP packet to 46 bytes) are accepted and ignored.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use wirestate_arp::{Operation, Packet, Repr};
//! use wirestate_arp::MacAddr;
//!
//! let me = MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]);
//! let request = Repr::request(me, Ipv4Addr::new(192, 168, 1, 100), Ipv4Addr::new(192, 168, 1, 1));
//! let mut buf = [0u8; 46]; // as padded on Ethernet
//! request.emit(&mut Packet::new_unchecked(&mut buf[..]));
//!
//! let packet = Packet::new_checked(&buf[..]).unwrap();
//! assert_eq!(packet.operation(), Operation::Request);
//! assert_eq!(Repr::parse(&packet), Ok(request));
//! assert!(Packet::new_checked(&buf[..20]).is_err());
//! ```
#![no_std]
#![forbid(unsafe_code)]

// The `Arbitrary` derive names `::std`; the `arbitrary` crate needs std anyway.
#[cfg(feature = "arbitrary")]
extern crate std;

mod operation;
mod packet;
mod repr;

pub use operation::Operation;
pub use packet::{field, Packet, HEADER_LEN};
pub use repr::{Repr, ETHERNET_IPV4_LEN, HTYPE_ETHERNET, PTYPE_IPV4};
pub use wirestate_wire::{Error, MacAddr, Result};
