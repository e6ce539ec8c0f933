//! HTTP/1.1 message heads (RFC 9110, RFC 9112), chunked coding, header semantics and URLs.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod config;
mod error;
mod head;
mod scan;
mod table;

pub use config::ParserConfig;
pub use error::suggested_status;
pub use head::{find_header, Header, Parser, Request, Response, Status, Version, EMPTY_HEADER};
pub use wirestate_wire::{Error, Result};
