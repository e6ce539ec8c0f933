//! What a reply means (RFC 1034 §5.3.3 step 4, RFC 2308, RFC 9156 §3): an
//! answer, a CNAME to follow, a referral, a negative answer, or a lame server.

use alloc::vec::Vec;
use core::net::IpAddr;

use wirestate_dns::{Class, Message, NameBuf, RData, Rcode, RecordBuf, Section, Type};
use wirestate_wire::{Entropy, Instant};

use super::engine::Outcome;
use super::{Outstanding, Resolver};
use crate::cache::Rank;
use crate::error::{Limit, ResolveError};
use crate::names;

/// How a reply's question compares with the query's.
enum Matched {
    Yes,
    /// The same name, in another case (0x20 over UDP).
    CaseOnly,
    No,
}

/// The records of a reply, by section.
struct Sections {
    answer: Vec<RecordBuf>,
    authority: Vec<RecordBuf>,
    additional: Vec<RecordBuf>,
}

/// Where a chain of CNAMEs (and DNAMEs) in an answer section leads from a name.
struct Chain {
    /// The CNAME records, synthesized ones for DNAMEs included.
    links: Vec<RecordBuf>,
    /// The name at the end.
    end: NameBuf,
    /// The RRset of the asked type at the end, if the section has it.
    rrset: Vec<RecordBuf>,
}

impl<R: Entropy> Resolver<R> {
    /// A message matched to `tid`'s query by server, port and id.
    pub(crate) fn on_reply(&mut self, now: Instant, tid: u64, msg: &Message<&[u8]>) {
        let Some(out) = self.tasks.get(&tid).and_then(|t| t.out.clone()) else { return };
        match self.question_matches(msg, &out) {
            Matched::Yes => {}
            Matched::No => {
                // Not the answer to this query: whoever sent it, the query stays.
                self.stats.mismatched += 1;
                return;
            }
            Matched::CaseOnly => {
                // A server that does not keep the case, or a forger who did not
                // know it: asked again over TCP, where the case need not match.
                self.stats.case_fallbacks += 1;
                if let Some(t) = self.tasks.get_mut(&tid) {
                    t.out = None;
                }
                return self.send(now, tid, out.server.ip(), true);
            }
        }
        let woken =
            self.tasks.get_mut(&tid).map(|t| core::mem::take(&mut t.woken)).unwrap_or_default();
        self.take_reply(now, tid, msg, out);
        self.wake(now, &woken, tid);
    }

    fn take_reply(&mut self, now: Instant, tid: u64, msg: &Message<&[u8]>, out: Outstanding) {
        if let Some(t) = self.tasks.get_mut(&tid) {
            t.out = None;
        }
        let server = out.server.ip();
        if let Some(at) = out.sent_at {
            self.infra.sample(now, server, now.saturating_duration_since(at));
        }
        if msg.tc() && !out.tcp {
            // RFC 7766 §5: a truncated answer is asked again over TCP.
            self.stats.tcp_retries += 1;
            return self.send(now, tid, server, true);
        }
        let rcode = msg.rcode().unwrap_or(Rcode::FORMERR);
        let has_opt = msg.opt().ok().flatten().is_some();
        if rcode == Rcode::FORMERR && out.edns && !has_opt {
            // RFC 6891 §7: a server that does not know EDNS answers FORMERR
            // without an OPT; ask again without it. (A FORMERR with an OPT is
            // about something else.)
            self.stats.edns_fallbacks += 1;
            let until = now + self.config.lame_ttl;
            self.infra.set_no_edns(now, server, until);
            return self.send(now, tid, server, out.tcp);
        }
        // With 0x20 the server echoes the case it was sent, owners included:
        // those owners are given back the name's own case.
        // The name sent is the query name or one of its ancestors (minimised).
        let plain =
            self.tasks.get(&tid).map(|t| names::ancestor(&t.qname, names::label_count(&out.name)));
        let Some(sections) = read_sections(msg, &out.name, plain.as_ref()) else {
            return self.lame(now, tid, server);
        };
        if rcode != Rcode::NOERROR && rcode != Rcode::NXDOMAIN {
            // SERVFAIL, REFUSED, NOTIMP, ...: this server cannot answer this
            // query; the next one is asked. Nothing is remembered: one client's
            // odd query must not make a zone unreachable for everyone (unbound
            // throws such answers away likewise).
            self.stats.skipped += 1;
            return self.advance(now, tid);
        }
        if self.is_stub() {
            self.stub_reply(now, tid, rcode, sections);
        } else {
            self.iterative_reply(now, tid, rcode, msg.aa(), sections, &out);
        }
    }

    /// The reply's question is the one sent: one question, same type, class
    /// IN, the same name (with 0x20, the same case, octet for octet), QR set.
    fn question_matches(&self, msg: &Message<&[u8]>, out: &Outstanding) -> Matched {
        let Some(Ok(q)) = msg.questions().next() else { return Matched::No };
        let name = NameBuf::from_name(&q.name);
        let header =
            msg.qr() && msg.qdcount() == 1 && q.qtype == out.qtype && q.qclass == Class::IN;
        if !header || name != out.name {
            return Matched::No;
        }
        // With 0x20 the case must come back octet for octet over UDP; over TCP,
        // which an off-path forger cannot answer, the name is enough.
        if self.config.case_randomization && !out.tcp && name.as_wire() != out.name.as_wire() {
            return Matched::CaseOnly;
        }
        Matched::Yes
    }

    /// The server is lame for the task's zone (a referral that does not lead
    /// down, an empty answer without authority): remembered for
    /// `Config::lame_ttl`. A stub's recursive server is never marked: it is
    /// only skipped for this query.
    fn lame(&mut self, now: Instant, tid: u64, server: IpAddr) {
        self.stats.lame += 1;
        if let Some(cut) = self.tasks.get(&tid).filter(|_| !self.is_stub()).map(|t| t.cut) {
            let until = now + self.config.lame_ttl;
            self.infra.set_lame(now, server, &cut, until);
        }
        self.advance(now, tid);
    }

    fn stub_reply(&mut self, now: Instant, tid: u64, rcode: Rcode, s: Sections) {
        let Some(task) = self.tasks.get(&tid) else { return };
        let (qname, qtype) = (task.qname, task.qtype);
        let chain = follow(&s.answer, &qname, qtype, self.config.max_cname_chain);
        let on_chain = chain.links.len() + chain.rrset.len();
        self.stats.out_of_bailiwick += (s.answer.len() - on_chain.min(s.answer.len())) as u64;
        if !chain.rrset.is_empty() {
            return self.answered(now, tid, chain, Rank::Answer);
        }
        let more = task.candidate + 1 < task.candidates.len();
        let soa = negative_soa(&s.authority, &chain.end);
        self.cache.put_negative(now, &chain.end, qtype, rcode == Rcode::NXDOMAIN, soa.clone());
        if more {
            if let Some(t) = self.tasks.get_mut(&tid) {
                t.candidate += 1;
                t.asked = t.candidates[t.candidate];
                t.qname = t.asked;
                t.chain.clear();
                t.tried.clear();
                t.round = 0;
            }
            return self.advance(now, tid);
        }
        self.negative(now, tid, rcode, chain, soa);
    }

    fn iterative_reply(
        &mut self,
        now: Instant,
        tid: u64,
        rcode: Rcode,
        aa: bool,
        s: Sections,
        out: &Outstanding,
    ) {
        let Some(task) = self.tasks.get(&tid) else { return };
        let (cut, qname, qtype) = (task.cut, task.qname, task.qtype);
        // The bailiwick rule: a server speaks only for names in its zone.
        let before = s.answer.len() + s.authority.len() + s.additional.len();
        let keep = |v: Vec<RecordBuf>| -> Vec<RecordBuf> {
            v.into_iter().filter(|r| names::is_within(&r.name, &cut)).collect()
        };
        let s = Sections {
            answer: keep(s.answer),
            authority: keep(s.authority),
            additional: keep(s.additional),
        };
        let after = s.answer.len() + s.authority.len() + s.additional.len();
        self.stats.out_of_bailiwick += (before - after) as u64;
        let server = out.server.ip();
        // A referral: NS records for a zone below the cut, on the way to the
        // name asked, and no answer.
        let asked_name = out.name;
        let down = s
            .authority
            .iter()
            .find(|r| {
                r.rtype == Type::NS
                    && names::label_count(&r.name) > names::label_count(&cut)
                    && names::is_within(&asked_name, &r.name)
            })
            .map(|r| r.name);
        if s.answer.is_empty() && rcode == Rcode::NOERROR {
            if let Some(zone) = down {
                return self.referral(now, tid, zone, s);
            }
        }
        // An NS query answered with the NS set of a zone below the cut, not
        // authoritatively: that is the parent's referral, not the zone's answer.
        let parent_ns = qtype == Type::NS
            && !aa
            && names::label_count(&qname) > names::label_count(&cut)
            && s.authority.is_empty()
            && s.answer.iter().all(|r| r.rtype == Type::NS && r.name == qname);
        if parent_ns && !s.answer.is_empty() && rcode == Rcode::NOERROR {
            let s = Sections { authority: s.answer, answer: Vec::new(), additional: s.additional };
            return self.referral(now, tid, qname, s);
        }
        let full = asked_name == qname && out.qtype == qtype;
        if !full {
            // RFC 9156 §3: a minimised query. NXDOMAIN means nothing exists
            // below either (RFC 8020); anything else, one more label.
            if rcode == Rcode::NXDOMAIN && !aa {
                // A denial must come from the zone's authority.
                return self.lame(now, tid, server);
            }
            if rcode == Rcode::NXDOMAIN {
                let soa = negative_soa(&s.authority, &asked_name);
                let chain = Chain { links: Vec::new(), end: qname, rrset: Vec::new() };
                // The denied name itself, which covers everything below it
                // (RFC 8020 §2), and the name asked.
                let denied = names::ancestor(&qname, names::label_count(&asked_name));
                self.cache.put_negative(now, &denied, Type::A, true, soa.clone());
                self.cache.put_negative(now, &qname, qtype, true, soa.clone());
                return self.negative(now, tid, rcode, chain, soa);
            }
            if let Some(t) = self.tasks.get_mut(&tid) {
                t.minimise += 1;
                t.tried.retain(|a| *a != server);
            }
            return self.send(now, tid, server, false);
        }
        // Only the records the name asked for owns are taken, one CNAME link at
        // most: the rest of a chain is asked for on its own, so a forged answer
        // for a random name cannot plant records for another (unbound's scrub
        // does the same).
        let chain = follow(&s.answer, &qname, qtype, 0);
        let rank = if aa { Rank::Authoritative } else { Rank::Answer };
        if !chain.rrset.is_empty() {
            return self.answered(now, tid, chain, rank);
        }
        if !chain.links.is_empty() {
            return self.cname_restart(now, tid, rcode, aa, chain, &s);
        }
        let soa = negative_soa(&s.authority, &qname);
        if aa && (rcode == Rcode::NXDOMAIN || soa.is_some() || s.authority.is_empty()) {
            let nx = rcode == Rcode::NXDOMAIN;
            self.cache.put_negative(now, &qname, qtype, nx, soa.clone());
            return self.negative(now, tid, rcode, chain, soa);
        }
        // No answer, no referral down, not authoritative: lame (RFC 1034 §5.3.3
        // step 4.d; an upward or sideways referral is the classic case).
        self.lame(now, tid, server);
    }

    /// Follows a referral (RFC 1034 §5.3.3 step 4.b): the NS RRset and the
    /// glue for its servers (only glue in the bailiwick, already filtered)
    /// are cached, and the new zone's servers asked.
    fn referral(&mut self, now: Instant, tid: u64, zone: NameBuf, s: Sections) {
        let over = self.tasks.get_mut(&tid).is_some_and(|t| {
            t.work.referrals += 1;
            t.work.referrals > self.config.max_referrals
        });
        if over {
            return self.fail(now, tid, ResolveError::Limit(Limit::Referrals));
        }
        let ns: Vec<RecordBuf> =
            s.authority.into_iter().filter(|r| r.rtype == Type::NS && r.name == zone).collect();
        let hosts: Vec<NameBuf> = ns
            .iter()
            .filter_map(|r| match r.data() {
                Ok(RData::Ns(h)) => Some(NameBuf::from_name(&h)),
                _ => None,
            })
            .collect();
        let glue: Vec<RecordBuf> = s
            .additional
            .into_iter()
            .filter(|r| (r.rtype == Type::A || r.rtype == Type::AAAA) && hosts.contains(&r.name))
            .collect();
        for set in rrsets(glue) {
            self.cache.put_records(now, set, Rank::Glue);
        }
        self.cache.put_records(now, ns.clone(), Rank::Referral);
        let (servers, pending) = self.addresses_of(now, &ns);
        let minimise = usize::from(self.config.qname_minimisation);
        if let Some(t) = self.tasks.get_mut(&tid) {
            t.cut = zone;
            t.servers = servers;
            t.pending_ns = pending;
            t.tried.clear();
            t.round = 0;
            t.minimise = minimise;
        }
        self.advance(now, tid);
    }

    /// A CNAME chain that leaves the answer section without the records:
    /// cached, and resolution starts again for where it leads (RFC 1034
    /// §5.3.3 step 4.c), unless the server said that name does not exist.
    fn cname_restart(
        &mut self,
        now: Instant,
        tid: u64,
        rcode: Rcode,
        aa: bool,
        chain: Chain,
        s: &Sections,
    ) {
        let rank = if aa { Rank::Authoritative } else { Rank::Answer };
        for link in &chain.links {
            self.cache.put_records(now, alloc::vec![link.clone()], rank);
        }
        let over = self.tasks.get_mut(&tid).is_some_and(|t| {
            t.work.cnames += chain.links.len() as u32;
            t.chain.extend(chain.links.iter().cloned());
            t.qname = chain.end;
            t.work.cnames > self.config.max_cname_chain
        });
        if over {
            return self.fail(now, tid, ResolveError::Limit(Limit::CnameChain));
        }
        let Some(qtype) = self.tasks.get(&tid).map(|t| t.qtype) else { return };
        let soa = negative_soa(&s.authority, &chain.end);
        let in_zone = self.tasks.get(&tid).is_some_and(|t| names::is_within(&chain.end, &t.cut));
        // The server speaks for its own zone only: a denial of a CNAME target
        // outside it proves nothing, and the target is asked for.
        if aa && in_zone && (rcode == Rcode::NXDOMAIN || soa.is_some()) {
            self.cache.put_negative(now, &chain.end, qtype, rcode == Rcode::NXDOMAIN, soa.clone());
            let end = Chain { links: Vec::new(), end: chain.end, rrset: Vec::new() };
            return self.negative(now, tid, rcode, end, soa);
        }
        self.begin(now, tid);
    }

    /// The records were found: cached, and the task answered.
    fn answered(&mut self, now: Instant, tid: u64, chain: Chain, rank: Rank) {
        let mut ttl = chain.rrset.iter().map(|r| r.ttl).min().unwrap_or(0);
        for link in &chain.links {
            ttl = ttl.min(link.ttl);
            self.cache.put_records(now, alloc::vec![link.clone()], rank);
        }
        let over = self.tasks.get_mut(&tid).is_some_and(|t| {
            t.work.cnames += chain.links.len() as u32;
            t.chain.extend(chain.links.iter().cloned());
            ttl = t.chain.iter().map(|r| r.ttl).fold(ttl, u32::min);
            t.work.cnames > self.config.max_cname_chain
        });
        if over {
            return self.fail(now, tid, ResolveError::Limit(Limit::CnameChain));
        }
        self.cache.put_records(now, chain.rrset.clone(), rank);
        let ttl = if ttl > i32::MAX as u32 { 0 } else { ttl };
        let ttl = ttl.clamp(self.config.min_ttl, self.config.max_ttl);
        self.finish(now, tid, Outcome::Answer { rcode: Rcode::NOERROR, records: chain.rrset, ttl });
    }

    /// NXDOMAIN or NODATA, with the chain that led there.
    fn negative(
        &mut self,
        now: Instant,
        tid: u64,
        rcode: Rcode,
        chain: Chain,
        soa: Option<RecordBuf>,
    ) {
        let ttl = soa.as_ref().map_or(0, |s| match s.data() {
            Ok(RData::Soa { minimum, .. }) => s.ttl.min(minimum),
            _ => 0,
        });
        if let Some(t) = self.tasks.get_mut(&tid) {
            t.chain.extend(chain.links);
        }
        let rcode = if rcode == Rcode::NXDOMAIN { rcode } else { Rcode::NOERROR };
        let ttl = ttl.min(self.config.max_negative_ttl);
        self.finish(now, tid, Outcome::Answer { rcode, records: Vec::new(), ttl });
    }
}

fn read_sections(
    msg: &Message<&[u8]>,
    sent: &NameBuf,
    plain: Option<&NameBuf>,
) -> Option<Sections> {
    let mut s = Sections { answer: Vec::new(), authority: Vec::new(), additional: Vec::new() };
    for r in msg.records() {
        let r = r.ok()?;
        if r.rtype == Type::OPT || r.class != Class::IN {
            continue;
        }
        let mut buf = RecordBuf::from_record(&r);
        if let Some(plain) = plain.filter(|_| buf.name == *sent) {
            buf.name = *plain;
        }
        match r.section {
            Section::Answer => s.answer.push(buf),
            Section::Authority => s.authority.push(buf),
            Section::Additional => s.additional.push(buf),
        }
    }
    Some(s)
}

/// Follows CNAMEs and DNAMEs (RFC 6672 §2.2) from `name` through `answer`.
fn follow(answer: &[RecordBuf], name: &NameBuf, qtype: Type, limit: u32) -> Chain {
    let mut chain = Chain { links: Vec::new(), end: *name, rrset: Vec::new() };
    for _ in 0..=limit {
        let end = chain.end;
        let rrset: Vec<RecordBuf> =
            answer.iter().filter(|r| r.rtype == qtype && r.name == end).cloned().collect();
        if !rrset.is_empty() {
            chain.rrset = rrset;
            return chain;
        }
        let cname = answer.iter().find(|r| r.rtype == Type::CNAME && r.name == end);
        if let Some(c) = cname {
            let Ok(RData::Cname(target)) = c.data() else { return chain };
            chain.links.push(c.clone());
            chain.end = NameBuf::from_name(&target);
            continue;
        }
        let dname = answer
            .iter()
            .find(|r| r.rtype == Type::DNAME && r.name != end && names::is_within(&end, &r.name));
        let Some(d) = dname else { return chain };
        let Ok(RData::Dname(target)) = d.data() else { return chain };
        let Some(synth) = substitute(&end, &d.name, &NameBuf::from_name(&target)) else {
            return chain;
        };
        // RFC 6672 §2.2: the synthesized CNAME, with the DNAME's TTL.
        let line = alloc::format!("{end} {} IN CNAME {synth}", d.ttl);
        if let Ok(c) = RecordBuf::parse_line(&line) {
            chain.links.push(c);
        }
        chain.end = synth;
    }
    chain
}

/// `name` with its `owner` suffix replaced by `target` (RFC 6672 §2.2); `None`
/// if the result is too long (YXDOMAIN).
fn substitute(name: &NameBuf, owner: &NameBuf, target: &NameBuf) -> Option<NameBuf> {
    let keep = names::label_count(name) - names::label_count(owner);
    let wire = name.as_wire();
    let mut cut = 0;
    for _ in 0..keep {
        cut += 1 + usize::from(*wire.get(cut)?);
    }
    let mut out = Vec::with_capacity(cut + target.as_wire().len());
    out.extend_from_slice(wire.get(..cut)?);
    out.extend_from_slice(target.as_wire());
    if out.len() > 255 {
        return None;
    }
    wirestate_dns::Name::parse(&out, 0, "name").ok().map(|(n, _)| NameBuf::from_name(&n))
}

/// The SOA in the authority section for a negative answer about `name`: its
/// owner must enclose the name (RFC 2308 §3).
fn negative_soa(authority: &[RecordBuf], name: &NameBuf) -> Option<RecordBuf> {
    authority.iter().find(|r| r.rtype == Type::SOA && names::is_within(name, &r.name)).cloned()
}

/// Records grouped into RRsets (owner, type), in order of first appearance.
fn rrsets(records: Vec<RecordBuf>) -> Vec<Vec<RecordBuf>> {
    let mut sets: Vec<Vec<RecordBuf>> = Vec::new();
    for r in records {
        match sets.iter_mut().find(|s| s[0].rtype == r.rtype && s[0].name == r.name) {
            Some(s) => s.push(r),
            None => sets.push(alloc::vec![r]),
        }
    }
    sets
}
