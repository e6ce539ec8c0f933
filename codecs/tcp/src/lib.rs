//! TCP segment headers and options (RFC 9293, RFC 7323, RFC 2018).
//!
//! - [`Segment`]: a view over the bytes of one segment (header, options, payload),
//!   with getters, setters and the checksum over the IPv4 or IPv6 pseudo-header
//!   (RFC 9293 §3.1, RFC 8200 §8.1).
//! - [`Options`] / [`TcpOption`]: the option list walked in place; MSS, window scale
//!   (RFC 7323 §2), SACK-permitted and SACK (RFC 2018), timestamps (RFC 7323 §3),
//!   and every other kind as [`TcpOption::Unknown`].
//! - [`Repr`]: the segment as a value, for a connection to act on and to emit.
//! - [`SeqNumber`]: sequence numbers with modulo-2^32 arithmetic (RFC 9293 §3.4);
//!   [`Flags`]: the nine control bits.
//!
//! The contract: [`Segment::new_checked`] proves every getter in bounds, and no input
//! makes parsing panic, loop or allocate. Checksums are never checked by parsing
//! itself; decoders ask [`Segment::checksum_ok`], and [`Repr::parse_verified`] turns
//! a bad one into an error.
//!
//! ```
//! use wirestate_tcp::{Flags, Repr, Segment, SeqNumber, TcpOption};
//! // A Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 10.
//! let bytes = [
//!     0xb7, 0xdc, 0xb2, 0x70, 0x16, 0x67, 0xb5, 0x3e, 0x00, 0x00, 0x00, 0x00,
//!     0xa0, 0x02, 0xfa, 0xf0, 0x85, 0x3e, 0x00, 0x00,
//!     0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x39, 0xd2, 0x5a, 0x06,
//!     0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
//! ];
//! let seg = Segment::new_checked(&bytes[..]).unwrap();
//! assert_eq!(seg.header_len(), 40);
//! let first = seg.options_iter().next().unwrap().unwrap();
//! assert_eq!(first, TcpOption::MaxSegmentSize(1460));
//! let repr = Repr::parse(&seg).unwrap();
//! assert_eq!((repr.flags, repr.window_scale), (Flags::SYN, Some(10)));
//!
//! // Cut inside the options: refused, naming what is missing.
//! let err = Segment::new_checked(&bytes[..30]).unwrap_err();
//! assert_eq!((err.field(), err.offset()), ("tcp options", 20));
//! ```
#![no_std]
#![forbid(unsafe_code)]

pub mod field;
mod flags;
mod options;
mod repr;
mod sack;
mod segment;
mod seq;

pub use flags::Flags;
pub use options::{kind, Options, TcpOption, MAX_WINDOW_SCALE};
pub use repr::{aligned_timestamps, Repr};
pub use sack::{SackBlocks, SackRanges, MAX_SACK_BLOCKS};
pub use segment::{Segment, HEADER_LEN, MAX_HEADER_LEN};
pub use seq::SeqNumber;
pub use wirestate_wire::{Error, Result};

#[cfg(test)]
mod tests;
