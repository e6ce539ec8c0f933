//! Neighbour discovery options (RFC 4861 §4.6): [`NdpOption`] decodes and encodes
//! one, [`Options`] walks a message's.
//!
//! Every option is a type octet, a length octet counting 8-octet units (never 0),
//! and data. A builder composes a message's options by summing
//! [`NdpOption::buffer_len`] and calling [`NdpOption::emit`] at each offset:
//!
//! ```
//! use core::net::Ipv6Addr;
//! use wirestate_icmp::ndp::{NdpOption, Options};
//! let options = [
//!     NdpOption::SourceLinkAddr(&[0x02, 0, 0x5e, 0, 0x53, 0x01]),
//!     NdpOption::Mtu(1500),
//! ];
//! let mut buf = [0u8; 16];
//! let mut at = 0;
//! for option in &options {
//!     option.emit(&mut buf[at..]);
//!     at += option.buffer_len();
//! }
//! let decoded: Result<Vec<_>, _> = Options::new(&buf).collect();
//! assert_eq!(decoded.unwrap(), options);
//! // A truncated option is an error at its start.
//! assert!(Options::new(&buf[..12]).nth(1).unwrap().is_err());
//! ```

mod option;
mod options;

pub use option::{kind, NdpOption, MAX_LEN};
#[cfg(any(test, feature = "arbitrary"))]
pub(crate) use options::valid_prefix;
pub use options::Options;

#[cfg(test)]
mod tests;
