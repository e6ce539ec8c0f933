//! UDP datagrams (RFC 768) with pseudo-header checksums.
//!
//! - [`Datagram`] views a datagram: the 8-byte header and the payload its length
//!   field counts. Bytes after that length (link padding) are ignored.
//! - Checksums over the IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1) pseudo-header:
//!   [`Datagram::checksum_ok`], [`Datagram::verify_checksum`],
//!   [`Datagram::fill_checksum`], [`Datagram::compute_checksum`].
//! - [`Repr`] is the header as a value (ports and payload length). The payload stays
//!   in the buffer: [`Repr::emit`] writes header, payload and checksum in one call;
//!   [`Repr::emit_header`] writes only the header for callers that place the payload
//!   themselves and then call [`Datagram::fill_checksum`].
//!
//! The contract: [`Datagram::new_checked`] proves every getter in bounds, so no input
//! can make a getter panic; nothing allocates. IPv6 jumbograms (RFC 2675, length
//! field 0) are not supported: their length is refused as below the header size.
//!
//! ```
//! use core::net::{IpAddr, Ipv4Addr};
//! use wirestate_udp::{Datagram, Repr};
//!
//! let (src, dst) = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
//! let repr = Repr { src_port: 5353, dst_port: 53, payload_len: 3 };
//! let mut buf = vec![0u8; repr.buffer_len()];
//! repr.emit(&mut Datagram::new_unchecked(&mut buf[..]), src, dst, b"abc");
//!
//! let d = Datagram::new_checked(&buf[..]).unwrap();
//! assert_eq!(d.payload(), b"abc");
//! assert_eq!(d.checksum_ok(src, dst), Some(true));
//! assert_eq!(Repr::parse(&d), Ok(repr));
//! assert!(Datagram::new_checked(&buf[..10]).is_err()); // length says 11
//! ```
#![no_std]
#![forbid(unsafe_code)]

// The `Arbitrary` derive names `::std`; the `arbitrary` crate needs std anyway.
#[cfg(feature = "arbitrary")]
extern crate std;

mod checksum;
mod datagram;
mod repr;

pub use datagram::{field, Datagram, HEADER_LEN};
pub use repr::{Repr, MAX_PAYLOAD_LEN};
pub use wirestate_wire::{Error, Result};
