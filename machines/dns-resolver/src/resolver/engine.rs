//! Driving a resolution: where to start, which server to ask next, name
//! server lookups on the way, and how a resolution ends.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};

use wirestate_dns::{NameBuf, RData, Rcode, RecordBuf, Type};
use wirestate_wire::random::below;
use wirestate_wire::{Entropy, Instant};

use super::{Outstanding, Resolver, Task, Work};
use crate::cache::Cached;
use crate::config::Mode;
use crate::error::{Limit, ResolveError};
use crate::event::{Answer, Event};
use crate::names;

/// Rounds through a zone's servers before giving up: a stub's (resolv.conf's
/// `attempts` default) and the iterative resolver's.
const STUB_ROUNDS: u32 = 2;
const ITERATIVE_ROUNDS: u32 = 3;
/// How deep name server lookups may nest (a lookup for a lookup for ...).
const MAX_DEPTH: u8 = 4;
/// Servers within this much of the best smoothed RTT are chosen among at
/// random (unbound's 400 ms band), which keeps measuring the others.
const RTT_BAND_MS: u32 = 400;
/// RFC 9156 §2.3: at most this many minimised queries per resolution; past it
/// the rest of the name goes at once.
const MAX_MINIMISE: u32 = 10;

/// How a resolution ended.
pub(crate) enum Outcome {
    /// Records (possibly none: NODATA) or NXDOMAIN.
    Answer {
        rcode: Rcode,
        records: Vec<RecordBuf>,
        ttl: u32,
    },
    Failed(ResolveError),
}

impl<R: Entropy> Resolver<R> {
    pub(crate) fn new_task(
        &mut self,
        name: NameBuf,
        qtype: Type,
        deadline: Instant,
        parent: Option<u64>,
        depth: u8,
    ) -> u64 {
        let tid = self.next_task;
        self.next_task += 1;
        let task = Task {
            waiters: Vec::new(),
            asked: name,
            qname: name,
            qtype,
            chain: Vec::new(),
            deadline,
            candidates: alloc::vec![name],
            candidate: 0,
            cut: NameBuf::root(),
            servers: Vec::new(),
            pending_ns: Vec::new(),
            tried: Vec::new(),
            minimise: 0,
            work: Work::default(),
            out: None,
            parent,
            also_parents: Vec::new(),
            waiting_on: None,
            woken: Vec::new(),
            stale_at: None,
            children: 0,
            depth,
            round: 0,
        };
        self.tasks.insert(tid, task);
        tid
    }

    /// Starts (or restarts, after a CNAME) a task at the best place it can.
    pub(crate) fn begin(&mut self, now: Instant, tid: u64) {
        let stub = match &self.config.mode {
            Mode::Stub { servers } => Some(servers.iter().map(|s| s.ip()).collect::<Vec<_>>()),
            Mode::Iterative { .. } => None,
        };
        let Some(task) = self.tasks.get(&tid) else { return };
        let qname = task.qname;
        let minimise = self.config.qname_minimisation && stub.is_none();
        let (cut, servers, pending) = match stub {
            Some(servers) => (NameBuf::root(), servers, Vec::new()),
            None => self.closest_cut(now, &qname),
        };
        if let Some(t) = self.tasks.get_mut(&tid) {
            t.cut = cut;
            t.servers = servers;
            t.pending_ns = pending;
            t.tried.clear();
            t.round = 0;
            t.out = None;
            t.minimise = usize::from(minimise);
        }
        self.advance(now, tid);
    }

    /// The deepest zone cut above `qname` whose name servers the cache knows,
    /// with their addresses and the names still without one; the root hints
    /// when none.
    fn closest_cut(
        &mut self,
        now: Instant,
        qname: &NameBuf,
    ) -> (NameBuf, Vec<IpAddr>, Vec<NameBuf>) {
        for keep in (1..=names::label_count(qname)).rev() {
            let zone = names::ancestor(qname, keep);
            let Some(hit) = self.cache.get(now, &zone, Type::NS).filter(|h| !h.stale) else {
                continue;
            };
            let Cached::Records(ns) = hit.data else { continue };
            let (servers, pending) = self.addresses_of(now, &ns);
            // A cut whose servers have no address and are named only inside
            // it cannot be used (their lookups would start here again):
            // the parent's is (unbound's iter_dp_is_useless).
            let reachable = pending.iter().any(|h| !names::is_within(h, &zone));
            if !servers.is_empty() || reachable {
                return (zone, servers, pending);
            }
        }
        let Mode::Iterative { root_hints } = &self.config.mode else {
            return (NameBuf::root(), Vec::new(), Vec::new());
        };
        (NameBuf::root(), root_hints.iter().map(|(_, a)| *a).collect(), Vec::new())
    }

    /// The cached addresses of the name servers in an NS RRset, and the names
    /// without one.
    pub(crate) fn addresses_of(
        &mut self,
        now: Instant,
        ns: &[RecordBuf],
    ) -> (Vec<IpAddr>, Vec<NameBuf>) {
        let (mut servers, mut pending) = (Vec::new(), Vec::new());
        for r in ns {
            let Ok(RData::Ns(host)) = r.data() else { continue };
            let host = NameBuf::from_name(&host);
            let mut found = false;
            for t in [Type::A, Type::AAAA] {
                if let Some(hit) = self.cache.get(now, &host, t).filter(|h| !h.stale) {
                    if let Cached::Records(rs) = hit.data {
                        for a in rs.iter() {
                            match a.data() {
                                Ok(RData::A(v4)) => servers.push(IpAddr::V4(v4)),
                                Ok(RData::Aaaa(v6)) => servers.push(IpAddr::V6(v6)),
                                _ => continue,
                            }
                            found = true;
                        }
                    }
                }
            }
            if !found {
                pending.push(host);
            }
        }
        (servers, pending)
    }

    /// Sends the task's next query, to the best server of its cut not yet
    /// tried; or starts a name server lookup; or ends the task.
    pub(crate) fn advance(&mut self, now: Instant, tid: u64) {
        let Some(task) = self.tasks.get(&tid) else { return };
        if now >= task.deadline {
            return self.fail(now, tid, ResolveError::TimedOut);
        }
        if self.root_work(tid).sends >= self.config.max_sends {
            return self.fail(now, tid, ResolveError::Limit(Limit::Sends));
        }
        let Some(task) = self.tasks.get(&tid) else { return };
        let candidates: Vec<IpAddr> = task
            .servers
            .iter()
            .copied()
            .filter(|a| !task.tried.contains(a) && !self.infra.is_lame(now, *a, &task.cut))
            .collect();
        if candidates.is_empty() {
            // Every server was tried once: another round (resolv.conf's
            // `attempts` for a stub; unbound retries servers likewise), lame
            // ones still left out, each timeout having backed its server off.
            // One lost datagram must not fail a zone with one server.
            let rounds = if self.is_stub() { STUB_ROUNDS } else { ITERATIVE_ROUNDS };
            let usable = task.servers.iter().any(|a| !self.infra.is_lame(now, *a, &task.cut));
            if usable && task.round + 1 < rounds {
                if let Some(t) = self.tasks.get_mut(&tid) {
                    t.round += 1;
                    t.tried.clear();
                }
                return self.advance(now, tid);
            }
            if task.children > 0 {
                return; // a name server lookup will call back
            }
            let nothing_known =
                task.servers.is_empty() && task.tried.is_empty() && task.work.ns_lookups == 0;
            if self.spawn_ns_lookup(now, tid) {
                return;
            }
            let blocked = self.tasks.get(&tid).is_some_and(|t| !t.pending_ns.is_empty());
            if blocked && self.root_work(tid).ns_lookups >= self.config.max_ns_lookups {
                return self.fail(now, tid, ResolveError::Limit(Limit::NsLookups));
            }
            let e = if nothing_known { ResolveError::NoServers } else { ResolveError::ServFail };
            return self.fail(now, tid, e);
        }
        // RFC 5452 §5: one query in flight per question. Another resolution
        // already asking this zone's servers the same minimised question (two
        // cold names under one zone): wait for its reply, which puts the next
        // zone cut in the cache, then start again from there.
        if !self.is_stub() {
            let (qn, qt) = self.question_for(task);
            let cut = task.cut;
            if qn != task.qname {
                let other = self.tasks.iter().find_map(|(id, t)| {
                    let same = t.cut == cut
                        && t.out.as_ref().is_some_and(|o| o.qtype == qt && o.name == qn);
                    (*id != tid && same).then_some(*id)
                });
                if let Some(other) = other {
                    if let Some(o) = self.tasks.get_mut(&other) {
                        o.woken.push(tid);
                    }
                    if let Some(t) = self.tasks.get_mut(&tid) {
                        t.waiting_on = Some(other);
                    }
                    return;
                }
            }
        }
        // A stub goes down its list in order, as resolv.conf does; the
        // iterative resolver chooses by RTT.
        let server = if self.is_stub() { candidates[0] } else { self.pick(&candidates) };
        self.send(now, tid, server, false);
    }

    /// Chooses among `candidates` at random within `RTT_BAND_MS` of the best
    /// smoothed RTT.
    fn pick(&mut self, candidates: &[IpAddr]) -> IpAddr {
        let best = candidates.iter().map(|a| self.infra.srtt(*a)).min().unwrap_or(0);
        let near: Vec<IpAddr> = candidates
            .iter()
            .copied()
            .filter(|a| self.infra.srtt(*a) <= best.saturating_add(RTT_BAND_MS))
            .collect();
        let i = below(&mut self.rng, near.len() as u32) as usize;
        near.get(i).copied().unwrap_or(candidates[0])
    }

    /// Queues a query to `server` (port 53): a new id and port, the name as
    /// minimisation and 0x20 make it.
    pub(crate) fn send(&mut self, now: Instant, tid: u64, server: IpAddr, tcp: bool) {
        let (lo, hi) = self.config.ports;
        let span = u32::from(hi.saturating_sub(lo)) + 1;
        let port = lo.saturating_add(below(&mut self.rng, span) as u16);
        let id = self.rng.next_u32() as u16;
        let Some(task) = self.tasks.get(&tid) else { return };
        let (mut name, qtype) = self.question_for(task);
        let minimised = name != task.qname;
        if self.config.case_randomization {
            name = randomise_case(&name, &mut self.rng);
        }
        let edns = self.config.edns_udp_size.is_some() && !self.infra.no_edns(now, server);
        let root = self.root_of(tid);
        if let Some(r) = self.tasks.get_mut(&root).filter(|_| root != tid) {
            r.work.sends += 1;
        }
        if let Some(t) = self.tasks.get_mut(&tid) {
            t.work.sends += 1;
            t.work.minimised += u32::from(minimised);
            if !t.tried.contains(&server) {
                t.tried.push(server);
            }
            t.out = Some(Outstanding {
                server: SocketAddr::new(server, 53),
                id,
                port,
                name,
                qtype,
                tcp,
                edns,
                sent_at: None,
                expires: None,
            });
        }
        self.sendq.push_back(tid);
    }

    /// The question to ask the cut's servers: the whole one, or with QNAME
    /// minimisation (RFC 9156 §3) the cut plus `minimise` labels, type A.
    pub(crate) fn question_for(&self, task: &Task) -> (NameBuf, Type) {
        let total = names::label_count(&task.qname);
        let shown = names::label_count(&task.cut) + task.minimise;
        if task.minimise == 0 || shown >= total || task.work.minimised >= MAX_MINIMISE {
            (task.qname, task.qtype)
        } else {
            (names::ancestor(&task.qname, shown), Type::A)
        }
    }

    /// Starts a lookup of a name server's address (A) for `tid`; false if
    /// there is none to start (none pending, limits, or a loop: a lookup for a
    /// name an enclosing lookup is already for).
    fn spawn_ns_lookup(&mut self, now: Instant, tid: u64) -> bool {
        let budget = self.root_work(tid).ns_lookups;
        let Some(task) = self.tasks.get(&tid) else { return false };
        if budget >= self.config.max_ns_lookups
            || task.depth >= MAX_DEPTH
            || self.tasks.len() >= self.config.max_queries
        {
            return false;
        }
        let (deadline, depth) = (task.deadline, task.depth);
        let mut pending = task.pending_ns.clone();
        while let Some(host) = pending.pop() {
            if self.in_ancestry(tid, &host) {
                continue;
            }
            let root = self.root_of(tid);
            if let Some(r) = self.tasks.get_mut(&root) {
                r.work.ns_lookups += 1;
            }
            if let Some(t) = self.tasks.get_mut(&tid) {
                t.pending_ns = pending;
                t.children += 1;
            }
            // The same address already being looked up: wait for that lookup.
            let same = self.tasks.iter().find_map(|(id, t)| {
                (t.qtype == Type::A && t.candidates.len() == 1 && t.qname == host).then_some(*id)
            });
            if let Some(other) = same {
                if let Some(t) = self.tasks.get_mut(&other) {
                    t.also_parents.push(tid);
                }
                return true;
            }
            let child = self.new_task(host, Type::A, deadline, Some(tid), depth + 1);
            self.begin(now, child);
            return true;
        }
        if let Some(t) = self.tasks.get_mut(&tid) {
            t.pending_ns.clear();
        }
        false
    }

    /// The user's query a task works for: itself, or the top of its chain of
    /// name server lookups. Its `Work` is the budget of the whole tree, so one
    /// query cannot fan out without bound (NXNS, CVE-2020-12662).
    pub(crate) fn root_of(&self, tid: u64) -> u64 {
        let mut at = tid;
        while let Some(p) = self.tasks.get(&at).and_then(|t| t.parent) {
            at = p;
        }
        at
    }

    fn root_work(&self, tid: u64) -> Work {
        self.tasks.get(&self.root_of(tid)).map(|t| t.work).unwrap_or_default()
    }

    /// True if `tid` or a task it works for resolves `host`.
    fn in_ancestry(&self, tid: u64, host: &NameBuf) -> bool {
        let mut at = Some(tid);
        while let Some(id) = at {
            let Some(t) = self.tasks.get(&id) else { return false };
            if t.qname == *host || t.asked == *host {
                return true;
            }
            at = t.parent;
        }
        false
    }

    /// Ends a task: its waiters get their event, its parent its addresses.
    pub(crate) fn finish(&mut self, now: Instant, tid: u64, outcome: Outcome) {
        let Some(task) = self.tasks.remove(&tid) else { return };
        self.sendq.retain(|t| *t != tid);
        self.wake(now, &task.woken, tid);
        for parent in task.parent.iter().chain(task.also_parents.iter()).copied() {
            if let Some(p) = self.tasks.get_mut(&parent) {
                p.children = p.children.saturating_sub(1);
                if let Outcome::Answer { records, .. } = &outcome {
                    for r in records {
                        if let Ok(RData::A(a)) = r.data() {
                            p.servers.push(IpAddr::V4(a));
                        }
                    }
                }
            }
            if self.tasks.get(&parent).is_some_and(|p| p.out.is_none()) {
                self.advance(now, parent);
            }
        }
        match outcome {
            Outcome::Answer { rcode, records, ttl } => {
                let answer = Answer {
                    name: task.asked,
                    qtype: task.qtype,
                    rcode,
                    chain: task.chain,
                    records: Arc::from(records),
                    rotation: 0,
                    ttl,
                    from_cache: false,
                    stale: false,
                };
                for w in task.waiters {
                    self.events.push_back(Event::Answer(w, alloc::boxed::Box::new(answer.clone())));
                }
            }
            Outcome::Failed(e) => {
                let stale = match self.config.serve_stale {
                    Some(_) => self.cached_answer(now, &task.asked, task.qtype, true),
                    None => None,
                };
                if stale.is_some() && task.parent.is_none() {
                    // RFC 8767 §4: the failure recheck timer.
                    self.recheck.retain(|_, until| now < *until);
                    if self.recheck.len() < super::MAX_RECHECK {
                        let key = (names::key(&task.asked), task.qtype.0);
                        self.recheck.insert(key, now + super::FAILURE_RECHECK);
                    }
                }
                for w in task.waiters {
                    match &stale {
                        Some(a) => {
                            self.stats.stale_answers += 1;
                            self.events
                                .push_back(Event::Answer(w, alloc::boxed::Box::new(a.clone())));
                        }
                        None => self.events.push_back(Event::Failed(w, e)),
                    }
                }
            }
        }
    }

    /// The client response timer ran out: the waiters get the stale answer,
    /// and the resolution goes on without them.
    fn serve_stale_now(&mut self, now: Instant, tid: u64) {
        let Some(task) = self.tasks.get_mut(&tid) else { return };
        task.stale_at = None;
        let (asked, qtype) = (task.asked, task.qtype);
        let Some(answer) = self.cached_answer(now, &asked, qtype, true).filter(|a| a.stale) else {
            return;
        };
        let waiters =
            self.tasks.get_mut(&tid).map(|t| core::mem::take(&mut t.waiters)).unwrap_or_default();
        for w in waiters {
            self.stats.stale_answers += 1;
            self.events.push_back(Event::Answer(w, alloc::boxed::Box::new(answer.clone())));
        }
    }

    /// Starts again the tasks that waited for `tid`'s reply.
    pub(crate) fn wake(&mut self, now: Instant, woken: &[u64], tid: u64) {
        for &w in woken {
            let waiting = self.tasks.get_mut(&w).filter(|t| t.waiting_on == Some(tid));
            if let Some(t) = waiting {
                t.waiting_on = None;
                self.begin(now, w);
            }
        }
    }

    pub(crate) fn fail(&mut self, now: Instant, tid: u64, e: ResolveError) {
        self.finish(now, tid, Outcome::Failed(e));
    }

    /// Queries past their server's timeout go to the next server; tasks past
    /// their deadline fail.
    pub(crate) fn run_due(&mut self, now: Instant) {
        let stale: Vec<u64> = self
            .tasks
            .iter()
            .filter(|(_, t)| t.stale_at.is_some_and(|at| at <= now))
            .map(|(tid, _)| *tid)
            .collect();
        for tid in stale {
            self.serve_stale_now(now, tid);
        }
        let due: Vec<(u64, bool)> = self
            .tasks
            .iter()
            .filter_map(|(tid, t)| {
                let late = t.out.as_ref().and_then(|o| o.expires).is_some_and(|at| at <= now);
                (now >= t.deadline || late).then_some((*tid, now >= t.deadline))
            })
            .collect();
        for (tid, over) in due {
            if over {
                self.fail(now, tid, ResolveError::TimedOut);
                continue;
            }
            let Some(out) = self.tasks.get_mut(&tid).and_then(|t| t.out.take()) else { continue };
            self.stats.timeouts += 1;
            self.infra.timeout(now, out.server.ip());
            self.advance(now, tid);
        }
    }
}

/// The name with each letter's case chosen at random (0x20), one draw per
/// 32 letters.
fn randomise_case(name: &NameBuf, rng: &mut impl Entropy) -> NameBuf {
    let mut wire = [0u8; 255];
    let src = name.as_wire();
    wire[..src.len()].copy_from_slice(src);
    let (mut bits, mut left) = (0u32, 0);
    let mut at = 0;
    while at < src.len() && src[at] != 0 {
        let len = usize::from(src[at]);
        for b in wire.iter_mut().skip(at + 1).take(len) {
            if b.is_ascii_alphabetic() {
                if left == 0 {
                    (bits, left) = (rng.next_u32(), 32);
                }
                *b = if bits & 1 == 1 { b.to_ascii_uppercase() } else { b.to_ascii_lowercase() };
                bits >>= 1;
                left -= 1;
            }
        }
        at += 1 + len;
    }
    wirestate_dns::Name::parse(&wire[..src.len()], 0, "name")
        .map_or(*name, |(n, _)| NameBuf::from_name(&n))
}
