//! How a [`Server`](crate::Server) behaves: sizes, limits, and the knobs that
//! make it misbehave the ways old or misconfigured servers do, for the tests
//! of resolvers.

use alloc::vec::Vec;

use wirestate_dns::RecordBuf;

/// A server's configuration; [`Config::default`] is a well-behaved modern
/// authoritative server.
///
/// ```
/// use wirestate_dns_server::{Config, Lame};
/// let old = Config { edns: false, ..Config::default() };
/// assert_eq!(old.max_udp_payload, 1232);
/// let lame = Config { lame: Some(Lame::Refused), ..Config::default() };
/// assert!(!lame.drop_all);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The largest UDP response, when the query's OPT record offers at least
    /// as much (RFC 6891 §6.2.5: the smaller of the two, and never below
    /// 512); also the payload size this server advertises in its OPT record.
    /// A query without EDNS gets at most 512 octets (RFC 1035 §4.2.1).
    /// Default 1232, the DNS flag day 2020 value that fits an IPv6 minimum
    /// MTU without fragments.
    pub max_udp_payload: u16,
    /// Whether the server speaks EDNS(0). Without it, like the servers RFC
    /// 6891 §7 warns of, every query with an OPT record is answered FORMERR
    /// without one, and a resolver must ask again without EDNS. Default true.
    pub edns: bool,
    /// Makes the server lame: see [`Lame`]. Default `None`.
    pub lame: Option<Lame>,
    /// The root's NS records and their addresses, for [`Lame::UpwardReferral`].
    pub root_hints: Vec<RecordBuf>,
    /// Drops every query unanswered (counted in
    /// [`Stats::dropped_by_config`](crate::Stats::dropped_by_config)): an
    /// unreachable or dead server. Default false.
    pub drop_all: bool,
    /// How many CNAMEs and DNAMEs one answer follows within a zone before it
    /// stops and answers with the chain so far. Default 8.
    pub max_chain: usize,
    /// How many responses wait for [`poll_transmit`](crate::Server::poll_transmit);
    /// a query that finds the queue full is dropped unanswered and counted in
    /// [`Stats::dropped_queue_full`](crate::Stats::dropped_queue_full). Default 64.
    pub max_pending: usize,
    /// How many events wait for [`poll_event`](crate::Server::poll_event);
    /// more are dropped and counted in
    /// [`Stats::events_dropped`](crate::Stats::events_dropped). Default 64;
    /// 0 turns events off.
    pub max_events: usize,
    /// How many TCP peers may have part of a message waiting to be completed;
    /// the partial message of a peer past this limit is dropped and counted in
    /// [`Stats::dropped_tcp`](crate::Stats::dropped_tcp). Default 16.
    pub max_tcp_streams: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_udp_payload: 1232,
            edns: true,
            lame: None,
            root_hints: Vec::new(),
            drop_all: false,
            max_chain: 8,
            max_pending: 64,
            max_events: 64,
            max_tcp_streams: 16,
        }
    }
}

/// How a lame server answers: one named as a zone's server that does not
/// serve it (RFC 1912 §2.8 on lame delegations; RFC 4697 §2.1 on how
/// resolvers should treat them). Each is a behaviour seen in the wild.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lame {
    /// Every query is answered REFUSED, as current BIND, NSD and Knot answer
    /// for a zone they do not serve.
    Refused,
    /// Answers from its zones as usual, but never with AA: a server that
    /// holds a copy it is not authoritative for (a cache, an expired
    /// secondary).
    NotAuthoritative,
    /// Every query is answered with a referral to the root, from
    /// [`Config::root_hints`] (no AA, the root's NS in authority, their
    /// addresses in additional), as old servers did (RFC 4697 §2.1.1 calls it
    /// an upward referral). With no hints, REFUSED.
    UpwardReferral,
}
