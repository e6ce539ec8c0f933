//! IPv4 (RFC 791): the header view, its options, and the header value.
//!
//! - [`Packet`] reads and writes the header in place. [`Packet::new_checked`] proves
//!   the header, its options and `total_len` bytes are present (bytes past
//!   `total_len`, e.g. Ethernet padding, are ignored); [`Packet::new_checked_header`]
//!   proves only the header, for the datagram an ICMP error quotes (RFC 792: the
//!   header and the first 64 bits of data) and for truncated captures.
//! - [`Options`] walks the options area as [`IpOption`]s.
//! - [`Repr`] is the header as a plain value; [`Repr::buffer_len`] is the *header*
//!   length and [`Repr::total_len`] the header plus payload.
//!
//! Error offsets count from the first byte of the IPv4 header.

pub mod field;
mod options;
mod packet;
mod repr;

pub use field::HEADER_LEN;
pub use options::{option_kind, IpOption, Options, Route};
pub use packet::Packet;
pub use repr::Repr;

#[cfg(test)]
mod tests;
