//! DHCPv4 / BOOTP messages (RFC 2131, RFC 2132) and options.
//!
//! - [`Message`]: a view over the BOOTP fixed header and magic cookie (RFC 2131 §2, §3).
//!   [`Message::new_checked`] wants a DHCP message (cookie required);
//!   [`Message::new_checked_bootp`] also takes a BOOTP message (RFC 951) whose
//!   vendor area does not start with the cookie: it has no options, and
//!   [`Message::vendor_area`] gives its octets.
//! - [`Options`]: the options, decoded into [`DhcpOption`], read in RFC 2131 §4.1
//!   order through option overload (52) into `file` then `sname`; a long option
//!   split over several instances (RFC 3396) comes as [`DhcpOption::Long`], a view
//!   of its fragments. [`RawOptions`] gives the instances one by one. A field that
//!   runs to its end without the end option is accepted, as real senders do and
//!   tshark accepts, and reported ([`Message::end_option_missing`],
//!   [`RawOptions::end_missing`]).
//! - [`Repr`]: the fixed fields and the raw options of a DHCP message, checked;
//!   emits back the same bytes.
//! - [`Builder`]: writes a message of any [`MessageType`] into a caller's buffer,
//!   splitting long options (RFC 3396), padding to 300 octets (RFC 1542 §2.1)
//!   within a maximum size.
//!
//! Parsing never allocates and never panics; every error is a
//! [`wirestate_wire::Error`] naming the field and its offset from the start of the
//! message.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod builder;
pub mod field;
mod message;
mod option;
mod options;
mod repr;
mod routes;
mod types;

pub use builder::Builder;
pub use message::{Message, HEADER_LEN, MAGIC_COOKIE, MIN_MESSAGE_LEN};
pub use option::{
    code, option_name, Addrs, DhcpOption, DomainSearch, DomainSearchIter, SubOption, SubOptions,
    SubOptionsIter,
};
pub use options::{Concat, Options, RawOption, RawOptions};
pub use repr::Repr;
pub use routes::{Route, Routes, RoutesIter};
pub use types::{MessageType, Overload};
pub use wirestate_wire::{Error, Result};
