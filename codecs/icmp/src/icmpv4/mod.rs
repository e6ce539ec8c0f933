//! ICMPv4 (RFC 792): the [`Packet`] view, the [`Repr`] value, the [`Message`] types
//! and the code points of the error messages.
//!
//! The view covers the whole ICMP message, which is the whole IPv4 payload: the
//! checksum covers exactly that, so the caller hands over the payload as the IP
//! header's total length delimits it, without link-layer padding.

mod message;
mod packet;
mod repr;

pub use message::{dst_unreachable, param_problem, redirect, time_exceeded, Message};
pub use packet::{field, Packet, HEADER_LEN};
pub use repr::Repr;

#[cfg(test)]
mod tests;
