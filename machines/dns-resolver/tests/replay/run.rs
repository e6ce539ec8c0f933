//! Plays a [`Scenario`] against a [`Resolver`] on a virtual clock; see the
//! module doc of `replay` for what each step does.

use std::fmt::Write as _;
use std::time::Duration;

use wirestate_dns::{
    Builder, Class, Header, Message, NameBuf, Opcode, RData, Rcode, RecordBuf, Section, Type,
};
use wirestate_dns_resolver::{
    Answer, Event, Limit, QueryId, ResolveError, Resolver, SeededRandom, Transmit, Transport,
};
use wirestate_wire::Instant;

use super::parse::{Entry, Scenario, Step, StepKind};

/// Messages exchanged in one go before the runner calls it a runaway.
const MAX_EXCHANGE: usize = 2_000;
/// Timers fired while one step waits.
const MAX_TIMERS: usize = 500;
/// How far the clock may move while one step waits.
const MAX_WAIT: Duration = Duration::from_secs(120);

/// A query the resolver sent, read back.
#[derive(Debug, Clone)]
pub struct Sent {
    pub t: Transmit,
    pub id: u16,
    pub opcode: Opcode,
    pub name: NameBuf,
    pub qtype: Type,
    pub rd: bool,
    pub edns: bool,
}

impl Sent {
    fn describe(&self) -> String {
        let tcp = if self.t.transport == Transport::Tcp { " tcp" } else { "" };
        let edns = if self.edns { "" } else { " noedns" };
        format!("{} {} to {}{tcp}{edns}", self.name, self.qtype, self.t.dst.ip())
    }
}

/// The resolver, its clock, and the network the scenario describes.
pub struct Runner<'a> {
    sc: &'a Scenario,
    r: Resolver<SeededRandom>,
    now: Instant,
    step: u32,
    buf: Vec<u8>,
    /// The user's queries: id, the name as written (lower case, no final
    /// dot), type.
    queries: Vec<(QueryId, String, Type)>,
    /// Events not checked yet, oldest first.
    events: Vec<Event>,
    /// Queries sent since the last QUERY step, and how many were checked.
    log: Vec<Sent>,
    checked: usize,
    /// Queries no range answered, offered again at the next step if the
    /// clock has not moved.
    held: Vec<Sent>,
}

/// Plays `sc`.
///
/// # Errors
/// The first step that did not go as written: its number, line, and what was
/// expected and what came.
pub fn run(sc: &Scenario) -> Result<(), String> {
    let r = Resolver::new(sc.config.clone(), SeededRandom::new(sc.seed));
    let buf = vec![0u8; r.transmit_buffer_len()];
    let mut run = Runner {
        sc,
        r,
        now: Instant::from_millis(1_000),
        step: 0,
        buf,
        queries: Vec::new(),
        events: Vec::new(),
        log: Vec::new(),
        checked: 0,
        held: Vec::new(),
    };
    for step in &sc.steps {
        run.play(step).map_err(|e| format!("STEP {} (line {}): {e}", step.n, step.line))?;
    }
    if let Some(e) = run.events.first() {
        return Err(format!("after the last step: an answer nobody checked: {}", show_event(e)));
    }
    Ok(())
}

impl Runner<'_> {
    fn play(&mut self, step: &Step) -> Result<(), String> {
        self.step = step.n;
        self.reoffer()?;
        match &step.kind {
            StepKind::Query(e) => self.query(e),
            StepKind::CheckAnswer(e) => self.check_answer(e),
            StepKind::CheckOutQuery(e) => self.check_out_query(e),
            StepKind::TimePasses(d) => {
                self.now += *d;
                self.held.clear();
                self.r.handle_timeout(self.now);
                self.exchange()
            }
            StepKind::Timeout => {
                let at = self.r.poll_timeout().ok_or("TIMEOUT with no timer set")?;
                self.fire(at)
            }
            StepKind::CheckStats(pairs) => self.check_stats(pairs),
        }
    }

    fn query(&mut self, e: &Entry) -> Result<(), String> {
        let (text, qtype) = e.question.clone().ok_or("QUERY without a question")?;
        let id = if e.has("search") {
            self.r.query_str(self.now, &text, qtype)
        } else {
            let name = NameBuf::parse_str(&text).map_err(|err| format!("{text:?}: {err}"))?;
            self.r.query(self.now, &name, qtype)
        };
        let id = id.map_err(|err| format!("query {text} {qtype} refused: {err}"))?;
        self.queries.push((id, key(&text), qtype));
        self.log.clear();
        self.checked = 0;
        self.exchange()
    }

    /// Sends what the resolver has to send, answers what the ranges answer,
    /// until the resolver sends nothing more; collects the events.
    fn exchange(&mut self) -> Result<(), String> {
        for _ in 0..MAX_EXCHANGE {
            let mut batch = Vec::new();
            while let Some(t) =
                self.r.poll_transmit(self.now, &mut self.buf).map_err(|e| e.to_string())?
            {
                let raw = &self.buf[..t.len];
                let bytes = if t.transport == Transport::Tcp { &raw[2..] } else { raw };
                let sent = read_query(t, bytes)?;
                self.log.push(sent.clone());
                batch.push(sent);
            }
            while let Some(ev) = self.r.poll_event() {
                self.events.push(ev);
            }
            if batch.is_empty() {
                return Ok(());
            }
            for sent in batch {
                if let Some(reply) = self.reply_to(&sent)? {
                    self.deliver(&sent, &reply);
                } else {
                    self.held.push(sent);
                }
            }
        }
        Err(format!("over {MAX_EXCHANGE} rounds of queries without a pause"))
    }

    /// Queries held from an earlier step, offered to this step's ranges.
    fn reoffer(&mut self) -> Result<(), String> {
        for sent in std::mem::take(&mut self.held) {
            match self.reply_to(&sent)? {
                Some(reply) => self.deliver(&sent, &reply),
                None => self.held.push(sent),
            }
        }
        self.exchange()
    }

    fn deliver(&mut self, sent: &Sent, reply: &[u8]) {
        match sent.t.transport {
            Transport::Udp => self.r.handle_datagram(self.now, sent.t.dst, sent.t.src_port, reply),
            Transport::Tcp => self.r.handle_stream(self.now, sent.t.dst, reply),
        }
    }

    fn fire(&mut self, at: Instant) -> Result<(), String> {
        if at > self.now {
            self.now = at;
            self.held.clear();
        }
        self.r.handle_timeout(self.now);
        self.exchange()
    }

    /// Fires timers until `done` holds, bounded; false if it never did.
    fn wait(&mut self, done: impl Fn(&Self) -> bool) -> Result<bool, String> {
        let limit = self.now + MAX_WAIT;
        for _ in 0..MAX_TIMERS {
            if done(self) {
                return Ok(true);
            }
            match self.r.poll_timeout() {
                Some(at) if at <= limit => self.fire(at)?,
                _ => break,
            }
        }
        Ok(done(self))
    }

    /// The reply the first matching entry of an active range gives, if any.
    fn reply_to(&self, sent: &Sent) -> Result<Option<Vec<u8>>, String> {
        let server = sent.t.dst.ip();
        let active = self.sc.ranges.iter().filter(|r| {
            r.from <= self.step
                && self.step <= r.to
                && (r.addresses.is_empty() || r.addresses.contains(&server))
        });
        for range in active {
            if let Some(e) = range.entries.iter().find(|e| matches(e, sent)) {
                return build_reply(e, sent)
                    .map(Some)
                    .map_err(|err| format!("the entry at line {} does not build: {err}", e.line));
            }
        }
        Ok(None)
    }

    fn check_out_query(&mut self, e: &Entry) -> Result<(), String> {
        let want = self.checked + 1;
        if !self.wait(|me| me.log.len() >= want)? {
            return Err(format!("expected a query {}, none was sent", expected_query(e)));
        }
        let sent = &self.log[self.checked];
        self.checked += 1;
        let address_ok = e.address.is_none_or(|a| a == sent.t.dst.ip());
        if matches(e, sent) && address_ok {
            return Ok(());
        }
        Err(format!("expected the query {}, got {}", expected_query(e), sent.describe()))
    }

    fn check_answer(&mut self, e: &Entry) -> Result<(), String> {
        let (text, qtype) = e.question.clone().ok_or("CHECK_ANSWER without a question")?;
        let k = key(&text);
        let ids: Vec<QueryId> = self
            .queries
            .iter()
            .filter(|(_, qk, qt)| *qk == k && *qt == qtype)
            .map(|(id, _, _)| *id)
            .collect();
        if ids.is_empty() {
            return Err(format!("no QUERY step asked {text} {qtype}"));
        }
        let find = |me: &Self| {
            me.events.iter().position(|ev| event_id(ev).is_some_and(|id| ids.contains(&id)))
        };
        if !self.wait(|me| find(me).is_some())? {
            let others: Vec<String> = self.events.iter().map(show_event).collect();
            return Err(format!(
                "expected an answer to {text} {qtype}, none came (other events: {others:?})"
            ));
        }
        let ev = self.events.remove(find(self).unwrap_or(0));
        compare_answer(e, &ev).map_err(|m| format!("{text} {qtype}: {m}"))
    }

    fn check_stats(&self, pairs: &[(String, u64)]) -> Result<(), String> {
        let s = self.r.stats();
        for (k, want) in pairs {
            let got = match k.as_str() {
                "queries" => s.queries,
                "cache_hits" => s.cache_hits,
                "merged" => s.merged,
                "sent" => s.sent,
                "received" => s.received,
                "mismatched" => s.mismatched,
                "out_of_bailiwick" => s.out_of_bailiwick,
                "timeouts" => s.timeouts,
                "lame" => s.lame,
                "skipped" => s.skipped,
                "case_fallbacks" => s.case_fallbacks,
                "tcp_retries" => s.tcp_retries,
                "edns_fallbacks" => s.edns_fallbacks,
                "stale_answers" => s.stale_answers,
                other => return Err(format!("unknown statistic {other:?}")),
            };
            if got != *want {
                return Err(format!("expected {k}={want}, got {k}={got} ({s:?})"));
            }
        }
        Ok(())
    }
}

/// A name as the user wrote it, for matching QUERY to CHECK_ANSWER.
fn key(text: &str) -> String {
    text.trim_end_matches('.').to_ascii_lowercase()
}

fn read_query(t: Transmit, bytes: &[u8]) -> Result<Sent, String> {
    let m = Message::new_checked(bytes).map_err(|e| format!("the resolver sent garbage: {e}"))?;
    let q = m.questions().next().ok_or("a query without a question")?.map_err(|e| e.to_string())?;
    Ok(Sent {
        t,
        id: m.id(),
        opcode: m.opcode(),
        name: NameBuf::from_name(&q.name),
        qtype: q.qtype,
        rd: m.rd(),
        edns: m.opt().map_err(|e| e.to_string())?.is_some(),
    })
}

/// Whether `sent` is what the entry's `MATCH` keywords ask for.
pub fn matches(e: &Entry, sent: &Sent) -> bool {
    let qname = e.qname();
    let qtype = e.question.as_ref().map(|(_, t)| *t);
    let under = |zone: &NameBuf| {
        let (n, z) = (sent.name.to_string().to_ascii_lowercase(), zone.to_string());
        let z = z.to_ascii_lowercase();
        z == "." || n == z || n.ends_with(&format!(".{z}"))
    };
    e.matches.iter().all(|m| match m.as_str() {
        "opcode" => sent.opcode == Opcode::QUERY,
        "qname" => qname == Some(sent.name),
        "qtype" => qtype == Some(sent.qtype),
        "subdomain" => qname.as_ref().is_some_and(under),
        "tcp" => sent.t.transport == Transport::Tcp,
        "udp" => sent.t.transport == Transport::Udp,
        "edns" => sent.edns,
        "noedns" => !sent.edns,
        "rd" => sent.rd,
        "nord" => !sent.rd,
        _ => false,
    })
}

fn expected_query(e: &Entry) -> String {
    let q = e.question.as_ref().map_or("?".into(), |(n, t)| format!("{n} {t}"));
    let to = e.address.map_or(String::new(), |a| format!(" to {a}"));
    format!("{q}{to} [MATCH {}]", e.matches.join(" "))
}

/// The reply an entry gives to `sent`: `ADJUST copy_id` takes the query's id
/// (else 0), `copy_query` its question (else the entry's).
pub fn build_reply(e: &Entry, sent: &Sent) -> Result<Vec<u8>, wirestate_dns::Error> {
    let mut buf = vec![0u8; 65_535];
    let header = Header {
        id: if e.adjusts("copy_id") { sent.id } else { 0 },
        qr: e.flag("QR"),
        aa: e.flag("AA"),
        tc: e.flag("TC"),
        rd: e.flag("RD"),
        ra: e.flag("RA"),
        rcode: e.rcode.0 as u8,
        ..Header::default()
    };
    let mut b = Builder::new(&mut buf, &header)?;
    let question = match (&e.question, e.adjusts("copy_query")) {
        (Some((name, qtype)), false) => Some((NameBuf::parse_str(name)?, *qtype)),
        _ => Some((sent.name, sent.qtype)),
    };
    if let Some((name, qtype)) = question {
        b.question(&name.as_name(), qtype, Class::IN)?;
    }
    for (section, records) in [
        (Section::Answer, &e.answer),
        (Section::Authority, &e.authority),
        (Section::Additional, &e.additional),
    ] {
        for r in records {
            b.push(section, &r.name.as_name(), r.class, r.ttl, &r.data()?)?;
        }
    }
    if e.flag("EDNS") {
        b.edns(1232, 0, 0, false, &[])?;
    }
    let len = b.finish();
    buf.truncate(len);
    Ok(buf)
}

/// The query an event is for (`Event` is non-exhaustive: a new kind is for none).
fn event_id(ev: &Event) -> Option<QueryId> {
    match ev {
        Event::Answer(id, _) | Event::Failed(id, _) => Some(*id),
        _ => None,
    }
}

fn show_event(ev: &Event) -> String {
    match ev {
        Event::Answer(_, a) => format!("{} {} {}: {:?}", a.name, a.qtype, a.rcode, got_records(a)),
        Event::Failed(_, e) => format!("failed: {e}"),
        other => format!("{other:?}"),
    }
}

fn error_name(e: &ResolveError) -> &'static str {
    match e {
        ResolveError::TimedOut => "timed-out",
        ResolveError::ServFail => "servfail",
        ResolveError::NoServers => "no-servers",
        ResolveError::Limit(Limit::Referrals) => "limit-referrals",
        ResolveError::Limit(Limit::CnameChain) => "limit-cname",
        ResolveError::Limit(Limit::Sends) => "limit-sends",
        ResolveError::Limit(Limit::NsLookups) => "limit-ns",
        _ => "other",
    }
}

/// A record as compared: no TTL, lower case.
fn canonical(r: &RecordBuf) -> String {
    let mut r = r.clone();
    r.ttl = 0;
    r.to_string().to_ascii_lowercase().replacen(" 0 ", " ", 1)
}

fn got_records(a: &Answer) -> Vec<String> {
    a.chain.iter().chain(a.records()).map(canonical).collect()
}

/// The TTL the answer may have at most: the least of the ANSWER lines', or
/// for a negative answer the SOA's in AUTHORITY (RFC 2308 §5).
fn expected_ttl(e: &Entry) -> Option<u32> {
    if !e.answer.is_empty() {
        return e.answer.iter().map(|r| r.ttl).min();
    }
    e.authority.iter().find_map(|r| match r.data() {
        Ok(RData::Soa { minimum, .. }) => Some(r.ttl.min(minimum)),
        _ => None,
    })
}

fn compare_answer(e: &Entry, ev: &Event) -> Result<(), String> {
    let a = match ev {
        Event::Failed(_, err) if e.rcode == Rcode::SERVFAIL => {
            return match e.value("error") {
                Some(want) if want != error_name(err) => {
                    Err(format!("expected failure {want}, got failure {}", error_name(err)))
                }
                _ => Ok(()),
            };
        }
        Event::Failed(_, err) => return Err(format!("expected {}, got failure: {err}", e.rcode)),
        Event::Answer(..) if e.rcode == Rcode::SERVFAIL => {
            return Err(format!("expected a failure, got {}", show_event(ev)));
        }
        Event::Answer(_, a) => a,
        other => return Err(format!("unexpected event {other:?}")),
    };
    let mut problems = String::new();
    if a.rcode != e.rcode {
        let _ = write!(problems, "; rcode: expected {}, got {}", e.rcode, a.rcode);
    }
    let mut want: Vec<String> = e.answer.iter().map(canonical).collect();
    let mut got = got_records(a);
    want.sort();
    got.sort();
    if want != got {
        let _ = write!(problems, "; answer: expected {want:?}, got {got:?}");
    }
    if let Some(ttl) = expected_ttl(e) {
        if e.has("ttl") && a.ttl != ttl {
            let _ = write!(problems, "; ttl: expected {ttl}, got {}", a.ttl);
        } else if a.ttl > ttl {
            let _ = write!(problems, "; ttl: expected at most {ttl}, got {}", a.ttl);
        }
    }
    if a.stale != e.has("ede=3") {
        let _ = write!(problems, "; stale (EDE 3): expected {}, got {}", e.has("ede=3"), a.stale);
    }
    if (e.has("cached") && !a.from_cache) || (e.has("uncached") && a.from_cache) {
        let _ = write!(problems, "; from the cache: got {}", a.from_cache);
    }
    match problems.strip_prefix("; ") {
        None => Ok(()),
        Some(p) => Err(p.to_string()),
    }
}
