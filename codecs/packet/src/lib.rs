//! A whole frame sliced through every layer in one pass, and a builder that stacks
//! reprs into one.
//!
//! [`Sliced::new`] takes a frame of one of the [`LinkType`]s captures carry and
//! walks it once: Ethernet and up to [`MAX_VLAN_TAGS`] 802.1Q / 802.1ad tags, a
//! Linux cooked capture header ([`sll`], [`sll2`]), a BSD loopback header
//! ([`null`]), a PPP header ([`ppp`]) or none (bare IP), then ARP, IPv4 or IPv6
//! (extension headers walked), then ICMPv4, ICMPv6, UDP or TCP. Every header it
//! hands out is a checked view, so its getters are in bounds; options and extension
//! headers stay walkable through the views' iterators. Slicing allocates nothing
//! and never panics: a layer that fails its check ends the walk with a
//! [`SliceError`] naming the layer, and what was sliced before it stays.
//!
//! [`Builder`] is the way back: stack an Ethernet header, an IP header, a transport
//! header and a payload; it fills the EtherType, protocol numbers, lengths and every
//! checksum.
//!
//! ```
//! use wirestate_packet::{LinkType, Net, Sliced, Transport};
//! # let frame: &[u8] = &[
//! #   0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
//! #   0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1,
//! #   0x30, 0x39, 0, 53, 0, 8, 0, 0];
//! let sliced = Sliced::new(LinkType::Ethernet, frame);
//! assert!(sliced.error.is_none());
//! assert!(matches!(sliced.net(), Some(Net::Ipv4(_))));
//! let Some(Transport::Udp(udp)) = sliced.transport() else { panic!() };
//! assert_eq!(udp.dst_port(), 53);
//!
//! // A frame cut short keeps the layers before the cut and says where it broke.
//! let cut = Sliced::new(LinkType::Ethernet, &frame[..30]);
//! let err = cut.error.unwrap();
//! assert_eq!((err.layer.name(), err.error.offset()), ("ipv4", 14));
//! ```
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod builder;
#[cfg(feature = "arbitrary")]
pub mod fuzzing;
pub mod null;
pub mod ppp;
mod slice;
pub mod sll;
pub mod sll2;

pub use builder::{Builder, Ipv6Ext, NetRepr, TransportRepr};
pub use slice::{
    LayerKind, Link, LinkLayer, LinkType, Net, SliceError, Sliced, Transport, MAX_VLAN_TAGS,
};
pub use wirestate_wire::{Error, Result};
