//! One authoritative DNS server, sans IO: queries in, responses out.
//!
//! The type, its accessors and the transmit side are here; [`input`] reads a
//! query (and TCP framing) and decides what to answer, [`lookup`] searches a
//! zone as RFC 1034 §4.3.2 orders, and [`output`] writes the response.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::net::SocketAddr;

use wirestate_dns::{Class, Name, MAX_MESSAGE_LEN};
use wirestate_wire::Instant;

use crate::config::Config;
use crate::error::CallError;
use crate::zone::Zone;

mod event;
mod input;
pub(crate) mod lookup;
mod output;

pub use event::{Event, Outcome};

use event::Events;

/// How a query came and its response goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    /// One message a datagram, at most 512 octets or the EDNS(0) size
    /// (RFC 1035 §4.2.1, RFC 6891 §6.2.5).
    Udp,
    /// A stream of messages, each after a two-octet length (RFC 1035 §4.2.2).
    Tcp,
}

/// A response written by [`Server::poll_transmit`]: `buf[..len]` goes to `dst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transmit {
    /// Octets written; over TCP the two-octet length prefix is included.
    pub len: usize,
    /// Where it goes: the query's source.
    pub dst: SocketAddr,
    /// Over what: the query's transport.
    pub transport: Transport,
}

/// The largest transmit: a 65535-octet message after its TCP length prefix.
pub const MAX_TRANSMIT: usize = 2 + MAX_MESSAGE_LEN;

/// Counters a user can read; each counts from the start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Messages handed in: UDP datagrams and whole messages off TCP streams.
    pub received: u64,
    /// Of those, over TCP.
    pub tcp: u64,
    /// Answers with records from a zone (NOERROR).
    pub answers: u64,
    /// Referrals, upward ones included.
    pub referrals: u64,
    /// NODATA answers (NOERROR, no answer, the SOA).
    pub nodata: u64,
    /// NXDOMAIN answers.
    pub nxdomain: u64,
    /// REFUSED answers.
    pub refused: u64,
    /// FORMERR answers.
    pub formerr: u64,
    /// NOTIMP answers.
    pub notimp: u64,
    /// BADVERS answers.
    pub badvers: u64,
    /// YXDOMAIN answers.
    pub yxdomain: u64,
    /// Responses with TC set.
    pub truncated: u64,
    /// Responses written by `poll_transmit`.
    pub sent: u64,
    /// Messages dropped without an answer because no header could be read
    /// (under 12 octets), or because they are responses (QR set): a server
    /// never answers a response, so two cannot loop.
    pub dropped_malformed: u64,
    /// Queries dropped because of [`Config::drop_all`].
    pub dropped_by_config: u64,
    /// Queries dropped because `Config::max_pending` responses were waiting.
    pub dropped_queue_full: u64,
    /// Partial TCP messages dropped because `Config::max_tcp_streams` peers
    /// had one waiting, and bytes dropped from a peer after that (its stream
    /// cannot be framed again: the host should close it; see
    /// [`Server::tcp_broken`]).
    pub dropped_tcp: u64,
    /// Events dropped because `Config::max_events` were waiting.
    pub events_dropped: u64,
}

/// A zone and whether this server answers for it with authority.
#[derive(Debug, Clone)]
pub(crate) struct Hosted {
    pub zone: Zone,
    pub authoritative: bool,
}

/// A response owed.
#[derive(Debug, Clone)]
struct Pending {
    dst: SocketAddr,
    transport: Transport,
    /// The message, with its length prefix over TCP.
    bytes: Vec<u8>,
}

/// An authoritative DNS server for a set of zones, driven by its caller and
/// touching no socket, clock or thread.
///
/// What goes in: queries ([`handle_query`](Self::handle_query), with their
/// source and transport; over TCP, the octets of the stream as they come).
/// What comes out: responses ([`poll_transmit`](Self::poll_transmit)), a log
/// of the queries served ([`poll_event`](Self::poll_event)) and counters
/// ([`stats`](Self::stats)). There are no timers.
///
/// How a query is answered, in order (each step names its RFC in the code):
/// no header, or QR set: dropped; [`Config::drop_all`]: dropped; a message
/// that does not parse, or QDCOUNT other than 1, or records in the answer or
/// authority section: FORMERR; an opcode other than QUERY: NOTIMP; an OPT
/// record to a server without [`Config::edns`]: FORMERR without OPT; an EDNS
/// version above 0: BADVERS (RFC 6891 §6.1.3); a meta-type other than ANY
/// (AXFR, IXFR, ...): NOTIMP; a lame server ([`Config::lame`]): REFUSED or an
/// upward referral; a name in none of its zones (of the query's class):
/// REFUSED; otherwise the answer from the deepest zone that holds the name
/// (RFC 1034 §4.3.2): its RRset (AA), CNAMEs and DNAMEs followed within the
/// zone, a wildcard's records under the asked name (RFC 4592), a referral
/// below a delegation (no AA, NS in authority, glue in additional), NODATA
/// or NXDOMAIN with the SOA (RFC 2308 §3). The question is echoed octet for
/// octet, so the case of a 0x20-randomised name comes back as sent.
///
/// # The contract
///
/// - **Order.** After [`handle_query`](Self::handle_query), drain
///   [`poll_transmit`](Self::poll_transmit) until it returns `Ok(None)`, then
///   [`poll_event`](Self::poll_event) until `None`. Responses leave in the
///   order their queries came.
/// - **Time.** `now` never goes back. It is taken for the shape of the
///   machine pattern and changes nothing: the server reads no clock, draws no
///   random numbers and has no timers ([`poll_timeout`](Self::poll_timeout)
///   is always `None`), so the same calls give the same bytes.
/// - **The transmit buffer.** [`poll_transmit`](Self::poll_transmit) needs
///   [`transmit_buffer_len`](Self::transmit_buffer_len) octets
///   ([`MAX_TRANSMIT`], a whole TCP message and its prefix); a shorter buffer
///   returns [`CallError::BufferTooSmall`] and no response is lost.
/// - **Sizes.** A UDP response is at most 512 octets, or with EDNS the
///   smaller of the query's payload size and [`Config::max_udp_payload`]
///   (never below 512); what does not fit is left out by whole RRsets and TC
///   is set (RFC 2181 §9), so the client asks again over TCP, where the
///   limit is 65535.
/// - **Input.** No input makes the server panic. Whatever is not a query it
///   can answer is answered with an error or dropped, and counted in [`Stats`].
/// - **Memory.** At most `Config::max_pending` responses,
///   `Config::max_events` events and `Config::max_tcp_streams` partial TCP
///   messages wait; what happens at each limit is on the field.
///
/// # Deliberate departures from the RFCs
///
/// - Minimal responses: a positive answer has no NS RRset in authority
///   (RFC 1034 §4.3.2 step 4 puts it there), and additional processing
///   (step 6) adds only addresses the zone holds for NS, MX and SRV targets.
/// - CNAME and DNAME chains are followed within the zone that answers, not
///   through every zone of the server (step 3a says "go back to step 1"); a
///   chain that leaves the zone, enters a delegation, loops or passes
///   [`Config::max_chain`] ends there, NOERROR, with what it has.
/// - ANY is answered with one RRset, the lowest type at the name (RFC 8482
///   §4.1), not all of them.
/// - Zone transfers (AXFR, IXFR) and the other meta-types are NOTIMP, and
///   no NOTIFY, UPDATE or DNSSEC processing is done (records of DNSSEC types
///   are served like any other, DO is only echoed).
/// - Referral glue: the addresses of in-domain name servers must fit or TC
///   is set (RFC 9471 §3); sibling glue is added when it fits.
///
/// ```
/// use wirestate_dns_server::{CallError, Config, Server, Transport};
/// use wirestate_wire::Instant;
///
/// let mut server = Server::new(Config::default());
/// let from = "192.0.2.99:5300".parse().unwrap();
/// // A query (id 7, "a." IN A): no zone holds it, so it is REFUSED.
/// server.handle_query(Instant::ZERO, from, b"\0\x07\0\0\0\x01\0\0\0\0\0\0\x01a\0\0\x01\0\x01", Transport::Udp);
/// let need = server.transmit_buffer_len();
/// let mut short = [0u8; 512];
/// assert_eq!(server.poll_transmit(Instant::ZERO, &mut short), Err(CallError::BufferTooSmall { need }));
/// let mut buf = vec![0u8; need];
/// let t = server.poll_transmit(Instant::ZERO, &mut buf)?.expect("a response");
/// assert_eq!((t.dst, t.transport, buf[3] & 0x0f), (from, Transport::Udp, 5));
/// assert_eq!(server.poll_transmit(Instant::ZERO, &mut buf)?, None);
/// # Ok::<(), CallError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Server {
    cfg: Config,
    zones: Vec<Hosted>,
    /// Responses owed, oldest first, at most `Config::max_pending`.
    pending: VecDeque<Pending>,
    /// Per TCP peer, the start of a message not yet whole.
    streams: BTreeMap<SocketAddr, Vec<u8>>,
    /// TCP peers whose partial message was dropped: the rest of their stream
    /// cannot be framed (RFC 1035 §4.2.2), so their bytes are dropped until the
    /// connection closes. Bounded; oldest forgotten first.
    broken: alloc::collections::VecDeque<SocketAddr>,
    events: Events,
    stats: Stats,
}

impl Server {
    /// A server with `config` and no zones: it refuses everything until
    /// [`add_zone`](Self::add_zone).
    pub fn new(config: Config) -> Self {
        Server {
            cfg: config,
            zones: Vec::new(),
            pending: VecDeque::new(),
            streams: BTreeMap::new(),
            broken: alloc::collections::VecDeque::new(),
            events: Events::default(),
            stats: Stats::default(),
        }
    }

    /// Serves `zone` with authority (AA). A zone already served with the same
    /// apex and class is replaced and returned.
    pub fn add_zone(&mut self, zone: Zone) -> Option<Zone> {
        self.host(zone, true)
    }

    /// Serves `zone` without authority: the same answers, but AA is never
    /// set, as a lame server holding a stale or cached copy would answer.
    /// A zone already served with the same apex and class is replaced and
    /// returned.
    pub fn add_lame_zone(&mut self, zone: Zone) -> Option<Zone> {
        self.host(zone, false)
    }

    fn host(&mut self, zone: Zone, authoritative: bool) -> Option<Zone> {
        let old = self.take_zone(&zone.apex().as_name(), zone.class());
        self.zones.push(Hosted { zone, authoritative });
        old
    }

    /// Stops serving the zone at `apex` of class `class`, returning it.
    pub fn remove_zone(&mut self, apex: &Name<'_>, class: Class) -> Option<Zone> {
        self.take_zone(apex, class)
    }

    fn take_zone(&mut self, apex: &Name<'_>, class: Class) -> Option<Zone> {
        let i = self
            .zones
            .iter()
            .position(|h| h.zone.class() == class && h.zone.apex().as_name() == *apex)?;
        Some(self.zones.remove(i).zone)
    }

    /// The zones served.
    pub fn zones(&self) -> impl Iterator<Item = &Zone> + '_ {
        self.zones.iter().map(|h| &h.zone)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The configuration, to change: changes apply from the next query on.
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.cfg
    }

    /// The counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Responses waiting for [`poll_transmit`](Self::poll_transmit).
    pub fn pending_responses(&self) -> usize {
        self.pending.len()
    }

    /// Events waiting for [`poll_event`](Self::poll_event).
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    /// The oldest event not yet polled.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// Always `None`: the server has no timers.
    pub fn poll_timeout(&self) -> Option<Instant> {
        None
    }

    /// Does nothing: the server has no timers. There for the machine pattern.
    pub fn handle_timeout(&mut self, _now: Instant) {}

    /// The least buffer [`poll_transmit`](Self::poll_transmit) accepts:
    /// [`MAX_TRANSMIT`].
    pub fn transmit_buffer_len(&self) -> usize {
        MAX_TRANSMIT
    }

    /// Writes the oldest response owed into `buf` and says where it goes;
    /// `Ok(None)` when none is owed.
    ///
    /// # Errors
    /// [`CallError::BufferTooSmall`] when `buf` is shorter than
    /// [`transmit_buffer_len`](Self::transmit_buffer_len); the response stays owed.
    pub fn poll_transmit(
        &mut self,
        _now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<Transmit>, CallError> {
        let need = self.transmit_buffer_len();
        if buf.len() < need {
            return Err(CallError::BufferTooSmall { need });
        }
        let Some(p) = self.pending.pop_front() else { return Ok(None) };
        let len = p.bytes.len();
        let Some(dst) = buf.get_mut(..len) else {
            debug_assert!(false, "a response is never longer than MAX_TRANSMIT");
            return Ok(None);
        };
        dst.copy_from_slice(&p.bytes);
        self.stats.sent += 1;
        Ok(Some(Transmit { len, dst: p.dst, transport: p.transport }))
    }

    /// Forgets the partial message of a TCP peer whose connection closed.
    pub fn handle_tcp_close(&mut self, from: SocketAddr) {
        self.streams.remove(&from);
        self.broken.retain(|p| *p != from);
    }

    /// True if `peer`'s TCP stream lost a partial message at the
    /// `Config::max_tcp_streams` limit and can no longer be framed: the host
    /// should close that connection (then [`handle_tcp_close`](Self::handle_tcp_close)).
    pub fn tcp_broken(&self, peer: SocketAddr) -> bool {
        self.broken.contains(&peer)
    }

    /// Queues `e`, or counts it dropped at the limit.
    fn raise(&mut self, e: Event) {
        if !self.events.raise(e, self.cfg.max_events) {
            self.stats.events_dropped += 1;
        }
    }
}
