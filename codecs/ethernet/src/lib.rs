//! Ethernet II frames and IEEE 802.1Q / 802.1ad (QinQ) VLAN tags.
//!
//! - [`Frame`] views the 14-byte Ethernet II header (IEEE 802.3-2018 §3.1.1,
//!   "Ethernet II" / DIX framing) and its payload; [`Repr`] is the header as a value.
//! - [`EtherType`] is the 16-bit type field, with the values this project meets.
//!   Values up to 1500 are an IEEE 802.3 length, not a type ([`EtherType::is_length`]).
//! - [`vlan`] views the 4 bytes that follow a VLAN TPID (IEEE 802.1Q-2018 §9.6):
//!   priority, drop eligibility, VLAN id and the inner EtherType. Stacked tags (QinQ,
//!   IEEE 802.1ad) are walked by building one [`vlan::Tag`] over the previous payload.
//!
//! The contract: a view's `new_checked` proves every getter in bounds, so no input
//! can make a getter panic; nothing allocates. The frame check sequence is not part
//! of any view (captures and the OS hand frames over without it).
//!
//! ```
//! use wirestate_ethernet::{EtherType, Frame, MacAddr, Repr};
//! let bytes = [
//!     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination: broadcast
//!     0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, // source
//!     0x08, 0x06, // ARP
//!     0x00, 0x01, // first payload bytes
//! ];
//! let frame = Frame::new_checked(&bytes[..]).unwrap();
//! assert_eq!(Repr::parse(&frame).unwrap().ethertype, EtherType::ARP);
//! assert_eq!(frame.dst(), MacAddr::BROADCAST);
//! assert_eq!(frame.payload(), &[0x00, 0x01]);
//! assert!(Frame::new_checked(&bytes[..13]).is_err());
//! ```
#![no_std]
#![forbid(unsafe_code)]

// The `Arbitrary` derive names `::std`; the `arbitrary` crate needs std anyway.
#[cfg(feature = "arbitrary")]
extern crate std;

mod ethertype;
mod frame;
mod repr;
pub mod vlan;

pub use ethertype::EtherType;
pub use frame::{field, Frame, HEADER_LEN};
pub use repr::Repr;
pub use wirestate_wire::{Error, MacAddr, Result};
