//! ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) with the neighbour discovery messages and
//! options of RFC 4861.
//!
//! - [`icmpv4`]: the [`icmpv4::Packet`] view over an ICMP message (the IPv4 payload)
//!   and the [`icmpv4::Repr`] of echo, the error messages and anything else.
//! - [`icmpv6`]: the [`icmpv6::Packet`] view, whose checked constructor proves the
//!   fixed part of every known message type, and the [`icmpv6::Repr`] of echo, the
//!   error messages and the neighbour discovery messages (RS, RA, NS, NA, redirect).
//! - [`ndp`]: the neighbour discovery options (RFC 4861 §4.6), walked by a borrowed
//!   iterator and written by [`ndp::NdpOption::emit`].
//!
//! The contract: no input makes a parser panic or read out of bounds; the checked
//! constructors prove every getter's bounds for the message type they saw; a
//! [`icmpv6::Repr`] that parsed holds NDP options whose walk yields no error.
//! Quoted datagrams of error messages are handed out as bytes, unvalidated: the
//! caller parses them with the IP codec, which knows how much of a truncated
//! datagram it can use.
//!
//! Checks that need the IP header are the caller's: ICMPv6 checksums take the
//! addresses as arguments, and the RFC 4861 rules on the hop limit (255) and on
//! source and destination addresses (§6.1, §7.1, §8.1) are not checked here.
//!
//! ```
//! use wirestate_icmp::icmpv4::{Packet, Repr};
//! let bytes = [8, 0, 0xf7, 0xfe, 0, 1, 0, 0];
//! let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
//! assert_eq!(repr, Repr::EchoRequest { ident: 1, seq_no: 0, data: &[] });
//! assert!(Packet::new_checked(&bytes[..7]).is_err());
//! ```
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

pub mod icmpv4;
pub mod icmpv6;
pub mod ndp;

pub use wirestate_wire::{Error, Result};

#[cfg(test)]
mod test_util;
