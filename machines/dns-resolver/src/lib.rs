//! A sans-IO DNS resolver: a stub that asks recursive servers, and an
//! iterative resolver that walks from the root (RFC 1034 §5.3.3).
//!
//! [`Resolver`] takes queries and the messages that come back, and hands out
//! queries to send ([`Transmit`]) and answers ([`Event`]). It caches RRsets and
//! negative answers (RFC 2308) in a bounded cache, serves stale entries when
//! asked to (RFC 8767), follows referrals with glue and resolves name servers
//! without glue on the way, chases CNAMEs and DNAMEs, accepts records only in
//! the bailiwick of the server that sent them, picks servers by smoothed RTT
//! and remembers lame ones, randomises ids, ports and the case of names, falls
//! back from EDNS on FORMERR and to TCP on truncation, and minimises the names it
//! shows (RFC 9156). Time is passed in and randomness comes through
//! [`Entropy`], so a run replays exactly.
//!
//! ```
//! use wirestate_dns::{Builder, Class, Header, Message, NameBuf, RData, Section, Type};
//! use wirestate_dns_resolver::{Config, Event, Resolver, SeededRandom};
//! use wirestate_wire::Instant;
//!
//! let server = "192.0.2.53:53".parse().unwrap();
//! let mut r = Resolver::new(Config::stub(vec![server]), SeededRandom::new(1));
//! let now = Instant::ZERO;
//! let name = NameBuf::parse_str("www.example.test.").unwrap();
//! r.query(now, &name, Type::A).unwrap();
//! let mut buf = vec![0u8; r.transmit_buffer_len()];
//! let t = r.poll_transmit(now, &mut buf).unwrap().unwrap();
//! assert_eq!(t.dst, server);
//!
//! // The recursive server's answer, to the port and id the query used.
//! let query = Message::new_checked(&buf[..t.len]).unwrap();
//! let question = query.questions().next().unwrap().unwrap();
//! let mut reply = vec![0u8; 512];
//! let header = Header { id: query.id(), qr: true, rd: true, ra: true, ..Header::default() };
//! let mut b = Builder::new(&mut reply, &header).unwrap();
//! b.question(&question.name, Type::A, Class::IN).unwrap();
//! b.push(Section::Answer, &question.name, Class::IN, 300, &RData::A([192, 0, 2, 80].into())).unwrap();
//! let len = b.finish();
//! r.handle_datagram(now, server, t.src_port, &reply[..len]);
//!
//! let Some(Event::Answer(_, answer)) = r.poll_event() else { panic!() };
//! assert_eq!(answer.addresses().next().unwrap().to_string(), "192.0.2.80");
//! // Asked again, the cache answers at once.
//! r.query(now, &name, Type::A).unwrap();
//! assert!(matches!(r.poll_event(), Some(Event::Answer(_, a)) if a.from_cache));
//! ```
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod cache;
mod config;
mod error;
mod event;
mod infra;
mod names;
mod resolver;

pub use config::{root_hints, Config, Mode};
pub use error::{CallError, Limit, ResolveError};
pub use event::{Answer, Event, QueryId};
pub use resolver::{Resolver, Stats, Transmit, Transport};
pub use wirestate_wire::{Entropy, SeededRandom};
