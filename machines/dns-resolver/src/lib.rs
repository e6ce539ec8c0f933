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
//! [`Entropy`](wirestate_wire::Entropy), so a run replays exactly.
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
