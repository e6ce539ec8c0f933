//! One HTTP/1.1 connection (RFC 9110, RFC 9112) in the client role or the server
//! role, over any byte stream, sans-IO: bytes and commands in, bytes and events out.
//! What h11 is to Python, built on the strict zero-copy codec of `wirestate-http1`.
//!
//! - [`Connection`]: the machine. Bytes from the peer go in through
//!   [`Connection::handle_input`] and come out as [`Event`]s (heads, body data
//!   borrowed from the machine's buffer, trailers, end of message, a protocol
//!   switch, the end of the connection). Messages go out through
//!   [`Connection::send_request`] / [`Connection::send_response`],
//!   [`Connection::send_data`] and [`Connection::send_end`], which the machine
//!   frames (Content-Length, chunked, or until close) and refuses when they would
//!   break the protocol.
//! - Framing exactly per RFC 9112 §6.3, persistence per §9.3, pipelining with
//!   responses matched first in first out, `Expect: 100-continue` in both roles,
//!   Upgrade / 101 and CONNECT handing the stream back, deadlines ([`Timer`]) and
//!   limits ([`Config`]) with the status a server answers before it closes.
//!
//! ```
//! use wirestate_http1_conn::{Config, Connection, Event, RequestHead, ResponseHead};
//! use wirestate_wire::Instant;
//!
//! let now = Instant::ZERO;
//! let mut client = Connection::new(Config::client());
//! let mut server = Connection::new(Config::server());
//!
//! client.send_request(now, &RequestHead::get("/", &[("Host", "www.example.test")])).unwrap();
//! client.send_end(now, &[]).unwrap();
//! let wire = client.take_transmit();
//! assert_eq!(wire, b"GET / HTTP/1.1\r\nHost: www.example.test\r\n\r\n");
//!
//! server.handle_input(now, &wire).unwrap();
//! match server.poll_event() {
//!     Some(Event::Request(req)) => assert_eq!((req.method, req.target), ("GET", "/")),
//!     other => panic!("{other:?}"),
//! }
//! assert!(matches!(server.poll_event(), Some(Event::End)));
//! server.send_response(now, &ResponseHead::new(200, "OK", &[("Content-Length", "2")])).unwrap();
//! server.send_data(now, b"hi").unwrap();
//! server.send_end(now, &[]).unwrap();
//!
//! client.handle_input(now, &server.take_transmit()).unwrap();
//! assert!(matches!(client.poll_event(), Some(Event::Response(r)) if r.code == 200));
//! assert!(matches!(client.poll_event(), Some(Event::Data(b"hi"))));
//! assert!(matches!(client.poll_event(), Some(Event::End)));
//! assert!(client.poll_event().is_none());
//! ```
#![no_std]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

mod config;
mod conn;
mod error;
mod event;
mod head;

pub use config::{Config, Role};
pub use conn::{Connection, Timer};
pub use error::{CallError, ConnectionError};
pub use event::{CloseReason, Closed, Event};
pub use head::{Fields, ReceivedRequest, ReceivedResponse, RequestHead, ResponseHead};
pub use wirestate_http1::{BodyKind, Header, ParserConfig, Version};
