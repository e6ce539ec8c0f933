//! IPv4 (RFC 791) with options and IPv6 (RFC 8200) with extension headers.
//!
//! - [`ipv4`]: the IPv4 header view [`ipv4::Packet`], its options walk
//!   [`ipv4::Options`] (RFC 791 §3.1, RFC 2113 router alert) and the value
//!   [`ipv4::Repr`].
//! - [`ipv6`]: the fixed IPv6 header view [`ipv6::Packet`] and value [`ipv6::Repr`],
//!   the allocation-free extension-header walk [`ipv6::ExtHeaders`] (RFC 8200 §4,
//!   RFC 4302 AH) with typed accessors, the option TLVs [`ipv6::Tlvs`] of hop-by-hop
//!   and destination options, and builders for fragment and option headers.
//!
//! The contract is the one of every wirestate codec: a view's checked constructor
//! proves every getter in bounds, and no input makes a parser panic, loop or read out
//! of bounds; every refusal is an [`Error`] naming the field and its offset from the
//! start of the IP header. A bad header checksum is not an error for
//! [`ipv4::Repr::parse`] (decoders report it as a flag); [`ipv4::Repr::parse_verified`]
//! asks for it.
//!
//! ```
//! use wirestate_ip::{ipv4, IpProtocol};
//! // RFC 791 header of a UDP datagram, 115 bytes long in total.
//! let mut bytes = [0u8; 115];
//! bytes[..20].copy_from_slice(&[
//!     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
//!     0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
//! ]);
//! let packet = ipv4::Packet::new_checked(&bytes[..])?;
//! assert!(packet.verify_checksum());
//! assert_eq!(packet.protocol(), IpProtocol::UDP);
//! // The same header alone claims 95 payload bytes that are not there.
//! assert!(ipv4::Packet::new_checked(&bytes[..20]).is_err());
//! # Ok::<(), wirestate_ip::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]

// Unit tests build vectors with `std`; the library itself needs only `core`.
#[cfg(test)]
extern crate std;

pub mod ipv4;
pub mod ipv6;

pub use wirestate_wire::{Error, IpProtocol, Result};
