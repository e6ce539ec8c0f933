//! The resolver: queries in, messages out, answers as events.

mod engine;
mod output;
mod reply;

use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use wirestate_dns::{Message, NameBuf, Rcode, RecordBuf, Type};
use wirestate_wire::{Entropy, Instant, SeededRandom};

use crate::cache::{Cache, Cached, Limits, Rank};
use crate::config::{Config, Mode};
use crate::error::CallError;
use crate::event::{Answer, Event, QueryId};
use crate::infra::Infra;

pub use output::{Transmit, Transport};

/// RFC 8767 §4: after a failed refresh, stale data answers for 30 s without
/// another attempt.
pub(crate) const FAILURE_RECHECK: Duration = Duration::from_secs(30);
/// The most (name, type) pairs remembered for the failure recheck.
pub(crate) const MAX_RECHECK: usize = 1024;

/// RFC 8767 §5: the client response timer, 1.8 s.
const STALE_ANSWER_AFTER: Duration = Duration::from_millis(1800);

/// Counters of what the resolver did and refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Queries asked by the user.
    pub queries: u64,
    /// Of those, answered from the cache at once.
    pub cache_hits: u64,
    /// Queries merged into an identical one in flight.
    pub merged: u64,
    /// Messages handed out by `poll_transmit`.
    pub sent: u64,
    /// Messages given to `handle_datagram` or `handle_stream`.
    pub received: u64,
    /// Dropped: no query in flight to that server, port and id, or a question
    /// that is not the one asked (case included with 0x20), or not a response.
    pub mismatched: u64,
    /// Records dropped because their owner is outside the zone of the server
    /// that sent them (the bailiwick rule).
    pub out_of_bailiwick: u64,
    /// Queries that drew no answer in time.
    pub timeouts: u64,
    /// Answers that marked a server lame for a zone (SERVFAIL, REFUSED, a
    /// referral that does not lead down).
    pub lame: u64,
    /// Answers with an rcode other than NOERROR or NXDOMAIN (SERVFAIL,
    /// REFUSED, ...): the next server was asked.
    pub skipped: u64,
    /// Truncated answers retried over TCP.
    pub tcp_retries: u64,
    /// Answers over UDP whose question came back in another case than sent
    /// (0x20), asked again over TCP.
    pub case_fallbacks: u64,
    /// Servers asked again without EDNS after FORMERR.
    pub edns_fallbacks: u64,
    /// Answers served stale (RFC 8767).
    pub stale_answers: u64,
}

/// One query to one server, in flight or about to be sent.
#[derive(Debug, Clone)]
pub(crate) struct Outstanding {
    pub server: SocketAddr,
    pub id: u16,
    pub port: u16,
    /// The name as sent (its case randomised with 0x20).
    pub name: NameBuf,
    pub qtype: Type,
    pub tcp: bool,
    pub edns: bool,
    /// When it left; `None` until `poll_transmit` hands it out.
    pub sent_at: Option<Instant>,
    /// When it is given up on.
    pub expires: Option<Instant>,
}

/// The work one query has done (the limits of `Config`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Work {
    pub referrals: u32,
    pub cnames: u32,
    pub sends: u32,
    pub ns_lookups: u32,
    /// Minimised queries sent (RFC 9156 §2.3 bounds them).
    pub minimised: u32,
}

/// One resolution in progress: a user query (possibly several merged), or a
/// lookup of a name server's address for another task.
#[derive(Debug, Clone)]
pub(crate) struct Task {
    pub waiters: Vec<QueryId>,
    /// The name asked for (the current search candidate in stub mode).
    pub asked: NameBuf,
    /// The name being resolved now: `asked`, or where the CNAMEs led.
    pub qname: NameBuf,
    pub qtype: Type,
    pub chain: Vec<RecordBuf>,
    pub deadline: Instant,
    /// Stub mode: the names to try, in order, and which is being tried.
    pub candidates: Vec<NameBuf>,
    pub candidate: usize,
    /// The zone cut whose servers are asked (the root in stub mode).
    pub cut: NameBuf,
    pub servers: Vec<IpAddr>,
    /// Name servers of the cut without a known address.
    pub pending_ns: Vec<NameBuf>,
    pub tried: Vec<IpAddr>,
    /// QNAME minimisation: labels below the cut shown to its servers (0: the
    /// whole name).
    pub minimise: usize,
    pub work: Work,
    pub out: Option<Outstanding>,
    /// The task this one finds a name server address for.
    pub parent: Option<u64>,
    /// Other tasks waiting for the same address, merged into this lookup
    /// rather than asking again (RFC 5452 §5: one query in flight per question).
    pub also_parents: Vec<u64>,
    /// The task whose identical minimised query this one waits for.
    pub waiting_on: Option<u64>,
    /// Tasks waiting for this one's reply; they start again when it comes.
    pub woken: Vec<u64>,
    /// RFC 8767 §5's client response timer: a stale answer is given to the
    /// waiters then if the resolution is not done (it goes on, to refresh the
    /// cache).
    pub stale_at: Option<Instant>,
    /// Name server lookups this task waits for.
    pub children: u32,
    pub depth: u8,
    /// Stub mode: rounds through the server list.
    pub round: u32,
}

/// A sans-IO DNS resolver, stub or iterative.
///
/// # Contract
///
/// - **Inputs**: [`query`](Self::query) (or [`query_str`](Self::query_str) with
///   the search list), every UDP datagram that arrives on a port the resolver
///   sent from ([`handle_datagram`](Self::handle_datagram)), every DNS message
///   read back on a TCP stream it asked for ([`handle_stream`](Self::handle_stream)),
///   and [`handle_timeout`](Self::handle_timeout) at [`poll_timeout`](Self::poll_timeout).
/// - **After any input**, drain [`poll_transmit`](Self::poll_transmit) until
///   `Ok(None)`, then [`poll_event`](Self::poll_event), then read `poll_timeout`.
///   A [`Transmit`] says where to send, from which UDP port, and whether over
///   TCP (then the bytes carry the two-octet length, RFC 1035 §4.2.2: open a
///   stream to the server, write them, read one framed reply and hand it to
///   `handle_stream` without its length).
/// - **Time**: `now` never goes back; an early `handle_timeout` does nothing.
///   The deadlines are per resolution (`Config::query_timeout`) and per query
///   in flight (the server's retransmission timeout), not a fixed table of
///   timers as in the TCP and DHCP machines: there are as many as queries.
///   Every input runs those already due first.
/// - **Randomness** (transaction ids, source ports, 0x20 case, server choice)
///   comes from the [`Entropy`] given to [`new`](Self::new).
/// - **Replies** are taken only from the address and port asked, on the port
///   the query left from, with its id, the question asked (its exact case with
///   0x20), QR set, and only records in the bailiwick of the zone the server
///   was asked about; everything else is counted in [`stats`](Self::stats).
/// - **Bounded**: `Config::max_queries` resolutions at once, each bounded in
///   time and work (`Config`'s `max_*`); the cache and the server table have
///   fixed sizes. Every [`QueryId`] gets exactly one [`Event`].
///
/// # Deliberate departures
///
/// - Name server addresses found on the way are looked up as A records only.
/// - DNSSEC is not validated (the DO bit is not set).
/// - A stub tries the search list on NXDOMAIN and on NODATA alike, and reports
///   the last candidate's answer.
#[derive(Debug, Clone)]
pub struct Resolver<R: Entropy = SeededRandom> {
    pub(crate) config: Config,
    pub(crate) rng: R,
    pub(crate) cache: Cache,
    pub(crate) infra: Infra,
    pub(crate) tasks: BTreeMap<u64, Task>,
    pub(crate) next_task: u64,
    pub(crate) next_query: u64,
    pub(crate) events: VecDeque<Event>,
    /// Tasks whose outstanding query waits for `poll_transmit`.
    pub(crate) sendq: VecDeque<u64>,
    pub(crate) stats: Stats,
    /// RFC 8767 §4's failure recheck: (name key, type) whose refresh failed,
    /// and until when stale data answers them without asking again.
    pub(crate) recheck: BTreeMap<(alloc::boxed::Box<[u8]>, u16), Instant>,
}

impl<R: Entropy> Resolver<R> {
    /// A resolver with an empty cache.
    pub fn new(config: Config, rng: R) -> Self {
        let limits = Limits {
            max_entries: config.cache_entries.max(8),
            max_bytes: config.cache_bytes.max(64 * 1024),
            min_ttl: config.min_ttl,
            max_ttl: config.max_ttl,
            max_negative_ttl: config.max_negative_ttl,
            stale_for: config.serve_stale.unwrap_or(Duration::ZERO),
        };
        let mut rng = rng;
        let mut hash_key = [0u8; 16];
        for chunk in hash_key.chunks_mut(4) {
            chunk.copy_from_slice(&rng.next_u32().to_le_bytes());
        }
        Resolver {
            cache: Cache::new(limits, hash_key),
            infra: Infra::new(config.infra_entries),
            config,
            rng,
            tasks: BTreeMap::new(),
            next_task: 0,
            next_query: 0,
            events: VecDeque::new(),
            sendq: VecDeque::new(),
            stats: Stats::default(),
            recheck: BTreeMap::new(),
        }
    }

    /// Resolves (`name`, `qtype`) in class IN. A fresh cache entry answers at
    /// once (the event is queued before this returns); an identical query in
    /// flight is joined.
    ///
    /// # Errors
    /// [`CallError::TooManyQueries`] at `Config::max_queries`.
    pub fn query(
        &mut self,
        now: Instant,
        name: &NameBuf,
        qtype: Type,
    ) -> Result<QueryId, CallError> {
        check_type(qtype)?;
        // The cache first, before anything is allocated: this is the hot path.
        if let Some(answer) = self.cached_answer(now, name, qtype, false) {
            self.run_due(now);
            self.stats.queries += 1;
            self.stats.cache_hits += 1;
            let id = QueryId(self.next_query);
            self.next_query += 1;
            self.events.push_back(Event::Answer(id, alloc::boxed::Box::new(answer)));
            return Ok(id);
        }
        if self.config.serve_stale.is_some() {
            let key = (crate::names::key(name), qtype.0);
            if self.recheck.get(&key).is_some_and(|until| now < *until) {
                if let Some(answer) = self.cached_answer(now, name, qtype, true) {
                    self.stats.queries += 1;
                    self.stats.stale_answers += 1;
                    let id = QueryId(self.next_query);
                    self.next_query += 1;
                    self.events.push_back(Event::Answer(id, alloc::boxed::Box::new(answer)));
                    return Ok(id);
                }
            }
        }
        self.start_query(now, alloc::vec![*name], qtype)
    }

    /// Resolves a name as typed, with the search list (stub mode, resolv.conf
    /// semantics): a name ending in a dot is absolute; one with fewer than
    /// `Config::ndots` dots is tried with each search domain first, then as is;
    /// otherwise as is first, then with each search domain.
    ///
    /// # Errors
    /// [`CallError::BadName`] for a name that does not parse;
    /// [`CallError::TooManyQueries`] as for [`query`](Self::query).
    pub fn query_str(
        &mut self,
        now: Instant,
        name: &str,
        qtype: Type,
    ) -> Result<QueryId, CallError> {
        check_type(qtype)?;
        let candidates = self.candidates(name)?;
        self.start_query(now, candidates, qtype)
    }

    fn candidates(&self, name: &str) -> Result<Vec<NameBuf>, CallError> {
        let parse = |s: &str| NameBuf::parse_str(s).map_err(|_| CallError::BadName);
        if name.ends_with('.') {
            return Ok(alloc::vec![parse(name)?]);
        }
        let as_is = parse(&alloc::format!("{name}."))?;
        let with: Vec<NameBuf> = self
            .config
            .search
            .iter()
            .filter_map(|d| {
                let joined = if d.as_wire() == [0] {
                    alloc::format!("{name}.")
                } else {
                    alloc::format!("{name}.{d}")
                };
                NameBuf::parse_str(&joined).ok()
            })
            .collect();
        let dots = name.bytes().filter(|&b| b == b'.').count();
        Ok(if dots < usize::from(self.config.ndots) {
            with.into_iter().chain([as_is]).collect()
        } else {
            [as_is].into_iter().chain(with).collect()
        })
    }

    fn start_query(
        &mut self,
        now: Instant,
        candidates: Vec<NameBuf>,
        qtype: Type,
    ) -> Result<QueryId, CallError> {
        self.run_due(now);
        let first = *candidates.first().ok_or(CallError::BadName)?;
        self.stats.queries += 1;
        let id = QueryId(self.next_query);
        if candidates.len() == 1 {
            if let Some(answer) = self.cached_answer(now, &first, qtype, false) {
                self.next_query += 1;
                self.stats.cache_hits += 1;
                self.events.push_back(Event::Answer(id, alloc::boxed::Box::new(answer)));
                return Ok(id);
            }
            let same = self.tasks.values_mut().find(|t| {
                t.parent.is_none()
                    && t.candidates.len() == 1
                    && t.qtype == qtype
                    && t.asked == first
            });
            if let Some(task) = same {
                self.next_query += 1;
                self.stats.merged += 1;
                task.waiters.push(id);
                return Ok(id);
            }
        }
        if self.tasks.len() >= self.config.max_queries {
            return Err(CallError::TooManyQueries);
        }
        self.next_query += 1;
        let deadline = now + self.config.query_timeout;
        let tid = self.new_task(first, qtype, deadline, None, 0);
        let stale_ready = self.config.serve_stale.is_some()
            && self.cached_answer(now, &first, qtype, true).is_some_and(|a| a.stale);
        if let Some(t) = self.tasks.get_mut(&tid) {
            t.waiters.push(id);
            t.candidates = candidates;
            t.stale_at = stale_ready.then_some(now + STALE_ANSWER_AFTER);
        }
        self.begin(now, tid);
        Ok(id)
    }

    /// The answer the cache gives for (`name`, `qtype`), CNAMEs followed; with
    /// `stale`, entries past their TTL within the serve-stale window count.
    pub(crate) fn cached_answer(
        &mut self,
        now: Instant,
        name: &NameBuf,
        qtype: Type,
        stale: bool,
    ) -> Option<Answer> {
        let mut current = *name;
        let mut chain = Vec::new();
        let mut any_stale = false;
        let mut ttl = u32::MAX;
        for _ in 0..=self.config.max_cname_chain {
            // Only answers are given out: glue and referral NS sets serve the
            // resolver itself (RFC 2181 §5.4.1).
            let hit = self
                .cache
                .get(now, &current, qtype)
                .filter(|h| (stale || !h.stale) && h.rank >= Rank::Answer);
            if let Some(hit) = hit {
                any_stale |= hit.stale;
                ttl = ttl.min(hit.ttl);
                let (rcode, records): (Rcode, Arc<[RecordBuf]>) = match hit.data {
                    Cached::Records(r) => (Rcode::NOERROR, r),
                    Cached::NxDomain(_) => (Rcode::NXDOMAIN, Arc::from(Vec::new())),
                    Cached::NoData(_) => (Rcode::NOERROR, Arc::from(Vec::new())),
                };
                // RFC 8767 §4: a stale answer's TTL is 30 s.
                let ttl = if any_stale { 30 } else { ttl };
                return Some(Answer {
                    name: *name,
                    qtype,
                    rcode,
                    chain,
                    records,
                    rotation: hit.rotation,
                    ttl,
                    from_cache: true,
                    stale: any_stale,
                });
            }
            let Some(cname) = self
                .cache
                .get(now, &current, Type::CNAME)
                .filter(|h| (stale || !h.stale) && h.rank >= Rank::Answer)
            else {
                return self.denied_above(now, name, &current, qtype, chain);
            };
            let Cached::Records(r) = cname.data else { return None };
            let first = r.first()?;
            let Ok(wirestate_dns::RData::Cname(target)) = first.data() else { return None };
            any_stale |= cname.stale;
            ttl = ttl.min(cname.ttl);
            chain.push(first.clone());
            current = NameBuf::from_name(&target);
        }
        None
    }

    /// An NXDOMAIN cached for an ancestor of `current` answers for it too:
    /// nothing exists below a name that does not exist (RFC 8020 §2).
    fn denied_above(
        &mut self,
        now: Instant,
        name: &NameBuf,
        current: &NameBuf,
        qtype: Type,
        chain: Vec<RecordBuf>,
    ) -> Option<Answer> {
        let labels = crate::names::label_count(current);
        for keep in (1..labels).rev() {
            let above = crate::names::ancestor(current, keep);
            let Some(hit) = self.cache.get(now, &above, qtype).filter(|h| !h.stale) else {
                continue;
            };
            if let Cached::NxDomain(_) = hit.data {
                return Some(Answer {
                    name: *name,
                    qtype,
                    rcode: Rcode::NXDOMAIN,
                    chain,
                    records: Arc::from(Vec::new()),
                    rotation: 0,
                    ttl: hit.ttl,
                    from_cache: true,
                    stale: false,
                });
            }
        }
        None
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The earliest deadline: a query to give up on, or a resolution's end.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.tasks
            .values()
            .flat_map(|t| [Some(t.deadline), t.out.as_ref().and_then(|o| o.expires), t.stale_at])
            .flatten()
            .min()
    }

    /// Runs what is due at `now`: queries unanswered in time go to the next
    /// server (their server's timeout backs off), resolutions past
    /// `Config::query_timeout` fail.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.run_due(now);
    }

    /// A UDP datagram from `from` that arrived on local port `port`.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, port: u16, bytes: &[u8]) {
        self.run_due(now);
        self.stats.received += 1;
        self.on_message(now, from, Some(port), bytes);
    }

    /// A DNS message read from a TCP stream to `from` opened for a
    /// [`Transport::Tcp`] transmit, without its two-octet length.
    pub fn handle_stream(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        self.run_due(now);
        self.stats.received += 1;
        self.on_message(now, from, None, bytes);
    }

    fn on_message(&mut self, now: Instant, from: SocketAddr, port: Option<u16>, bytes: &[u8]) {
        let Ok(msg) = Message::new_checked(bytes) else {
            self.stats.mismatched += 1;
            return;
        };
        let found = self.tasks.iter().find_map(|(tid, t)| {
            let o = t.out.as_ref()?;
            let port_ok = match port {
                Some(p) => !o.tcp && o.port == p,
                None => o.tcp,
            };
            (o.sent_at.is_some() && o.server == from && port_ok && o.id == msg.id()).then_some(*tid)
        });
        let Some(tid) = found else {
            self.stats.mismatched += 1;
            return;
        };
        self.on_reply(now, tid, &msg);
    }

    /// Statistics.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    /// Resolutions in flight (user queries and name server lookups).
    pub fn in_flight(&self) -> usize {
        self.tasks.len()
    }
    /// Entries in the cache.
    pub fn cache_len(&self) -> usize {
        self.cache.len()
    }
    /// Servers remembered.
    pub fn servers_known(&self) -> usize {
        self.infra.len()
    }
    /// The smoothed RTT of a server in milliseconds (376 if never measured).
    pub fn srtt(&self, server: IpAddr) -> u32 {
        self.infra.srtt(server)
    }
    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// True in stub mode.
    pub(crate) fn is_stub(&self) -> bool {
        matches!(self.config.mode, Mode::Stub { .. })
    }
}

/// Meta-types and QTYPEs (RFC 6895 §3.1: 128-255, OPT, TKEY, TSIG, IXFR, AXFR,
/// MAILA/B, ANY) are not asked for through a resolver: a server's refusal of one
/// would only cost a round of servers.
fn check_type(qtype: Type) -> Result<(), CallError> {
    if qtype.0 == 41 || (128..=255).contains(&qtype.0) {
        return Err(CallError::BadType);
    }
    Ok(())
}
