//! A sans-IO authoritative DNS server (RFC 1034 §4.3.2, RFC 1035, RFC 2308,
//! RFC 6891): zones read from master files, answers, referrals and negative
//! answers, EDNS(0), truncation and TCP framing, the same bytes for the same
//! queries.
//!
//! - [`Zone`]: the records of one zone, read from master-file text
//!   (RFC 1035 §5.1: `$ORIGIN`, `$TTL`, `@`, relative names, parentheses,
//!   quoted strings, escapes) and checked (one SOA, NS at the apex, CNAME
//!   alone, only glue below a delegation); errors in [`ZoneError`] name the
//!   line.
//! - [`Server`]: queries in ([`Server::handle_query`], over UDP or TCP),
//!   responses out ([`Server::poll_transmit`]), with AA, the exact RRset,
//!   CNAMEs and DNAMEs (RFC 6672) followed within the zone, wildcards
//!   (RFC 4592), referrals with glue, NXDOMAIN and NODATA with the SOA and
//!   its negative TTL (RFC 2308 §3), REFUSED outside its zones, FORMERR,
//!   NOTIMP, BADVERS, TC by whole RRsets over UDP (RFC 2181 §9) and whole
//!   answers over TCP. The contract (order of calls, the transmit buffer,
//!   sizes, the deliberate departures from the RFCs) is on [`Server`].
//! - [`Config`]: sizes and limits, and the misbehaviours a resolver must
//!   survive: no EDNS (FORMERR to any OPT), lame ([`Lame`]), dead
//!   ([`Config::drop_all`]).
//! - [`hierarchy`]: a root, a TLD and zones below it, each on its own
//!   address, for the tests of resolvers and for a simulated Internet.
//!
//! Nothing here touches a socket, a clock or a random number: the server is
//! meant for tests and for a deterministic network simulator. `no_std` with
//! `alloc`.
//!
//! # Example
//!
//! A zone read from text serves an answer with AA and a name it does not
//! hold with NXDOMAIN and its SOA; a name outside it is refused.
//!
//! ```
//! use wirestate_dns::{Builder, Class, Header, Message, NameBuf, Rcode, Repr, Section, Type};
//! use wirestate_dns_server::{Config, Server, Transport, Zone};
//! use wirestate_wire::Instant;
//!
//! let zone = Zone::parse(Some("example.test."), "\
//! $TTL 3600
//! @    SOA ns1 hostmaster ( 2024010101 7200 3600 1209600 300 )
//!      NS  ns1
//! ns1  A   192.0.2.20
//! www  A   198.51.100.80
//! ")?;
//! let mut server = Server::new(Config::default());
//! server.add_zone(zone);
//!
//! // A query for "www.example.test. A", built with the codec.
//! let ask = |name: &str, id| -> Vec<u8> {
//!     let name: NameBuf = name.parse().unwrap();
//!     Builder::build_vec(&Header { id, rd: true, ..Header::default() }, 512, |b| {
//!         b.question(&name.as_name(), Type::A, Class::IN)?;
//!         Ok(())
//!     })
//!     .unwrap()
//! };
//! let from = "198.51.100.7:53000".parse()?;
//! let now = Instant::ZERO;
//! let mut buf = vec![0u8; server.transmit_buffer_len()];
//!
//! server.handle_query(now, from, &ask("www.example.test.", 1), Transport::Udp);
//! let t = server.poll_transmit(now, &mut buf)?.expect("a response");
//! assert_eq!((t.dst, t.transport), (from, Transport::Udp));
//! let msg = Message::new_checked(&buf[..t.len])?;
//! let repr = Repr::parse(&msg)?;
//! assert!(repr.header.qr && repr.header.aa && !repr.header.ra);
//! let records: Vec<String> = repr.records().map(|r| r.unwrap().to_string()).collect();
//! assert_eq!(records, ["www.example.test. 3600 IN A 198.51.100.80"]);
//!
//! // No such name: NXDOMAIN, and the SOA with TTL min(3600, 300) (RFC 2308 §3).
//! server.handle_query(now, from, &ask("ftp.example.test.", 2), Transport::Udp);
//! let t = server.poll_transmit(now, &mut buf)?.expect("a response");
//! let msg = Message::new_checked(&buf[..t.len])?;
//! let repr = Repr::parse(&msg)?;
//! assert_eq!(repr.rcode(), Rcode::NXDOMAIN);
//! let soa = repr.records().next().unwrap()?;
//! assert_eq!((soa.section, soa.rtype, soa.ttl), (Section::Authority, Type::SOA, 300));
//!
//! // Outside every zone: REFUSED (no recursion here).
//! server.handle_query(now, from, &ask("www.example.net.", 3), Transport::Udp);
//! let t = server.poll_transmit(now, &mut buf)?.expect("a response");
//! let msg = Message::new_checked(&buf[..t.len])?;
//! assert_eq!(msg.rcode()?, Rcode::REFUSED);
//! assert_eq!(server.stats().refused, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod config;
mod error;
pub mod hierarchy;
mod server;
mod zone;

pub use config::{Config, Lame};
pub use error::{CallError, ZoneError};
pub use server::{Event, Outcome, Server, Stats, Transmit, Transport, MAX_TRANSMIT};
pub use zone::Zone;
