//! HTTP/1.1 messages (RFC 9110, RFC 9112): heads parsed in place, chunked coding,
//! body framing, header semantics, request targets and URLs.
//!
//! - [`Request`] / [`Response`] and the incremental [`Parser`]: the start line and
//!   header fields parsed into caller-provided [`Header`] slots, zero-copy, strict by
//!   default with named leniencies and limits in [`ParserConfig`].
//! - [`BodyKind`]: how long a body is (RFC 9112 §6), refusing ambiguous framing.
//! - [`ChunkedDecoder`]: the chunked coding decoded incrementally without copying
//!   data; [`write_chunk`] / [`write_last_chunk`] encode it.
//! - [`message`]: one whole message (head and body) at once, for the CLI and for
//!   request-smuggling suites.
//! - [`HeadWriter`]: heads written without header injection.
//! - [`fields`]: the semantics of Connection, Host, Expect, Upgrade, Range,
//!   Content-Range, ETag, If-None-Match, HTTP-dates, Cookie, Set-Cookie and CORS.
//! - [`RequestTarget`], [`Url`]: the four target forms and URLs, with
//!   [`percent_decode`] and [`remove_dot_segments`].
//!
//! The contract: no input makes a parser panic, loop or allocate; every refusal is a
//! [`wirestate_wire::Error`] naming the field and the offset from the start of the
//! input, and [`suggested_status`] says what a server should answer.
//!
//! ```
//! use wirestate_http1::{BodyKind, Request, Status, EMPTY_HEADER};
//! let bytes = b"POST /upload HTTP/1.1\r\nHost: www.example.test\r\nContent-Length: 2\r\n\r\nhi";
//! let mut headers = [EMPTY_HEADER; 16];
//! let mut req = Request::new(&mut headers);
//! let Status::Complete(head_len) = req.parse(bytes).unwrap() else { panic!() };
//! assert_eq!(BodyKind::of_request(&req, bytes).unwrap(), BodyKind::Length(2));
//! assert_eq!(&bytes[head_len..], b"hi");
//!
//! // Whitespace before the colon: the classic smuggling vector, refused.
//! let bad = b"POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n";
//! let err = Request::new(&mut headers).parse(bad).unwrap_err();
//! assert_eq!((err.field(), err.offset()), ("field-name", 34));
//! ```
#![no_std]
// `unsafe` in two places: `simd`, the two calls into the AVX2 head parser after
// the CPU was checked for AVX2 (measured, and checked against the scalar parser; see
// there), and `scan::ascii`, a method or target made `&str` after an ASCII check
// rather than by `from_utf8` (measured; see there).
#![deny(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

mod chunked;
mod config;
mod error;
pub mod fields;
mod framing;
mod grammar;
mod head;
pub mod message;
mod scan;
#[doc(hidden)]
pub mod simd;
mod table;
mod target;
mod unfold;
mod url;
mod writer;

pub use chunked::{
    chunk_len, write_chunk, write_chunk_header, write_last_chunk, Chunk, ChunkedDecoder,
    MAX_CHUNK_HEADER_LEN,
};
pub use config::ParserConfig;
pub use error::suggested_status;
pub use framing::{content_length, framing, response_kind, BodyKind};
pub use head::{
    find_header, leading_empty_lines, parse_headers, Header, Parser, Request, Response, Status,
    Version, EMPTY_HEADER,
};
pub use target::RequestTarget;
pub use unfold::Unfolded;
pub use url::{default_port, percent_decode, remove_dot_segments, Host, Url};
pub use wirestate_wire::{Error, Result};
pub use writer::HeadWriter;
