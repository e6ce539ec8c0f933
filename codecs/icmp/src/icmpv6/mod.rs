//! ICMPv6 (RFC 4443) and the neighbour discovery messages (RFC 4861 §4): the
//! [`Packet`] view, the [`Repr`] value, the [`Message`] types and the code points
//! of the error messages. The options of the neighbour discovery messages are in
//! [`ndp`](crate::ndp).
//!
//! The checksum covers the IPv6 pseudo-header (RFC 8200 §8.1), so verifying and
//! filling it take the source and destination addresses; the view must be exactly
//! the upper-layer payload (the IPv6 payload after any extension headers).

#[cfg(any(test, feature = "arbitrary"))]
mod arbitrary_repr;
mod message;
mod packet;
mod repr;

pub use message::{dst_unreachable, param_problem, time_exceeded, Message};
pub use packet::{field, fixed_len, neighbor_flags, router_flags, Packet, HEADER_LEN};
pub use repr::Repr;

#[cfg(test)]
mod tests;
