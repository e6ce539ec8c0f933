//! Reads a scenario file into a [`Scenario`]; see the module doc of
//! `replay` for the format. Every error names the line it is on.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use wirestate_dns::{NameBuf, Rcode, RecordBuf, Type};
use wirestate_dns_resolver::Config;

/// A whole scenario: the resolver's settings, the servers, the steps.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub title: String,
    pub config: Config,
    pub seed: u64,
    /// `; EXPECT_FAIL: <reason>`: the scenario shows a known resolver bug and
    /// must fail.
    pub expect_fail: Option<String>,
    pub ranges: Vec<Range>,
    pub steps: Vec<Step>,
}

/// Canned answers, given by the servers at `addresses` (every server when
/// empty) while the step number is within `from..=to`.
#[derive(Debug, Clone)]
pub struct Range {
    pub from: u32,
    pub to: u32,
    pub addresses: Vec<IpAddr>,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub n: u32,
    pub line: usize,
    pub kind: StepKind,
}

#[derive(Debug, Clone)]
pub enum StepKind {
    /// The user asks the entry's question.
    Query(Entry),
    /// The next answer to the entry's question is as described.
    CheckAnswer(Entry),
    /// The next query the resolver sends matches the entry.
    CheckOutQuery(Entry),
    /// The clock moves on.
    TimePasses(Duration),
    /// The resolver's next timer fires.
    Timeout,
    /// `name=value` pairs of `Resolver::stats`.
    CheckStats(Vec<(String, u64)>),
}

/// One `ENTRY_BEGIN` .. `ENTRY_END` block.
#[derive(Debug, Clone)]
pub struct Entry {
    pub line: usize,
    /// `MATCH` keywords, lower-cased (`qname`, `tcp`, `ede=3`, ...).
    pub matches: Vec<String>,
    /// `ADJUST` keywords, lower-cased.
    pub adjust: Vec<String>,
    /// `REPLY` flags, upper-cased (`QR`, `AA`, `TC`, `RD`, `RA`, `EDNS`).
    pub flags: Vec<String>,
    /// The `REPLY` rcode, NOERROR when none is given.
    pub rcode: Rcode,
    /// `ADDRESS` inside a `CHECK_OUT_QUERY` entry: the server asked.
    pub address: Option<IpAddr>,
    /// The question: the name as written, and the type.
    pub question: Option<(String, Type)>,
    pub answer: Vec<RecordBuf>,
    pub authority: Vec<RecordBuf>,
    pub additional: Vec<RecordBuf>,
}

impl Entry {
    fn new(line: usize) -> Self {
        Entry {
            line,
            matches: Vec::new(),
            adjust: Vec::new(),
            flags: Vec::new(),
            rcode: Rcode::NOERROR,
            address: None,
            question: None,
            answer: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
        }
    }
    pub fn has(&self, keyword: &str) -> bool {
        self.matches.iter().any(|m| m == keyword)
    }
    /// The value of a `MATCH key=value` keyword.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.matches.iter().find_map(|m| m.strip_prefix(key)?.strip_prefix('='))
    }
    pub fn flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
    pub fn adjusts(&self, what: &str) -> bool {
        self.adjust.iter().any(|a| a == what)
    }
    /// The question's name as a `NameBuf`.
    pub fn qname(&self) -> Option<NameBuf> {
        self.question.as_ref().and_then(|(n, _)| NameBuf::parse_str(n).ok())
    }
}

/// The TTL of a record line that gives none (unbound's default too).
const DEFAULT_TTL: u32 = 3600;

const RANGE_MATCH: &[&str] =
    &["opcode", "qname", "qtype", "subdomain", "tcp", "udp", "edns", "noedns", "rd", "nord"];
const ANSWER_MATCH: &[&str] = &["all", "ttl", "ede=3", "cached", "uncached"];
const FLAGS: &[&str] = &["QR", "AA", "TC", "RD", "RA", "EDNS"];
const RCODES: &[(&str, Rcode)] = &[
    ("NOERROR", Rcode::NOERROR),
    ("FORMERR", Rcode::FORMERR),
    ("SERVFAIL", Rcode::SERVFAIL),
    ("NXDOMAIN", Rcode::NXDOMAIN),
    ("NOTIMP", Rcode::NOTIMP),
    ("REFUSED", Rcode::REFUSED),
];
/// The failures `MATCH error=` names.
pub const ERRORS: &[&str] = &[
    "timed-out",
    "servfail",
    "no-servers",
    "limit-referrals",
    "limit-cname",
    "limit-sends",
    "limit-ns",
];

/// Where an entry is used decides which keywords it may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Range,
    Query,
    CheckAnswer,
    CheckOutQuery,
}

type Lines<'a> = std::iter::Peekable<std::iter::Enumerate<std::str::Lines<'a>>>;

/// Parses a scenario.
///
/// # Errors
/// `line N: what is wrong` for the first line that does not fit the format.
pub fn parse(text: &str) -> Result<Scenario, String> {
    let mut sc = Scenario {
        title: String::new(),
        config: Config::stub(Vec::new()),
        seed: 11,
        expect_fail: None,
        ranges: Vec::new(),
        steps: Vec::new(),
    };
    let mut header = Header::default();
    let mut lines: Lines<'_> = text.lines().enumerate().peekable();
    let mut in_scenario = false;
    let mut ended = false;
    while let Some((i, raw)) = lines.next() {
        let n = i + 1;
        let at = |e: String| format!("line {n}: {e}");
        if let Some(reason) = raw.trim().strip_prefix("; EXPECT_FAIL:") {
            sc.expect_fail = Some(reason.trim().to_string());
            continue;
        }
        let line = strip_comment(raw);
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        if ended {
            return Err(at("text after SCENARIO_END".into()));
        }
        if !in_scenario {
            match first {
                "SCENARIO_BEGIN" => {
                    sc.title = words.collect::<Vec<_>>().join(" ");
                    sc.config = header.config().map_err(at)?;
                    sc.seed = header.seed;
                    in_scenario = true;
                }
                "server:" | "CONFIG_END" => {}
                _ => header.setting(line).map_err(at)?,
            }
            continue;
        }
        match first {
            "RANGE_BEGIN" => {
                let range = parse_range(&mut lines, n, &mut words)?;
                sc.ranges.push(range);
            }
            "STEP" => sc.steps.push(parse_step(&mut lines, n, &mut words)?),
            "SCENARIO_END" => ended = true,
            other => return Err(at(format!("unexpected {other:?}"))),
        }
    }
    if !ended {
        return Err("no SCENARIO_END".into());
    }
    if sc.steps.windows(2).any(|w| w[0].n > w[1].n) {
        return Err("STEP numbers go down".into());
    }
    Ok(sc)
}

/// The text before a `;` that is outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

fn number<T: std::str::FromStr>(word: Option<&str>, what: &str) -> Result<T, String> {
    let w = word.ok_or_else(|| format!("{what} missing"))?;
    w.parse().map_err(|_| format!("{what}: {w:?} is not a number"))
}

fn parse_range(
    lines: &mut Lines<'_>,
    n: usize,
    words: &mut std::str::SplitWhitespace<'_>,
) -> Result<Range, String> {
    let at = |e: String| format!("line {n}: {e}");
    let from = number(words.next(), "RANGE_BEGIN start").map_err(at)?;
    let to = number(words.next(), "RANGE_BEGIN end").map_err(at)?;
    let mut range = Range { from, to, addresses: Vec::new(), entries: Vec::new() };
    while let Some((i, raw)) = lines.next() {
        let n = i + 1;
        let mut words = strip_comment(raw).split_whitespace();
        match words.next() {
            None => {}
            Some("ADDRESS") => {
                let a = words.next().unwrap_or("");
                let ip = a.parse().map_err(|_| format!("line {n}: bad ADDRESS {a:?}"))?;
                range.addresses.push(ip);
            }
            Some("ENTRY_BEGIN") => range.entries.push(parse_entry(lines, n, Use::Range)?),
            Some("RANGE_END") => return Ok(range),
            Some(other) => return Err(format!("line {n}: unexpected {other:?} in a range")),
        }
    }
    Err(at("no RANGE_END".into()))
}

fn parse_step(
    lines: &mut Lines<'_>,
    n: usize,
    words: &mut std::str::SplitWhitespace<'_>,
) -> Result<Step, String> {
    let at = |e: String| format!("line {n}: {e}");
    let step: u32 = number(words.next(), "STEP number").map_err(at)?;
    let what = words.next().ok_or_else(|| at("STEP without a kind".into()))?;
    let mut entry = |u: Use| -> Result<Entry, String> {
        loop {
            match lines.next() {
                Some((i, raw)) if strip_comment(raw).trim() == "ENTRY_BEGIN" => {
                    return parse_entry(lines, i + 1, u);
                }
                Some((_, raw)) if strip_comment(raw).trim().is_empty() => continue,
                _ => return Err(at(format!("STEP {step} {what} needs an entry"))),
            }
        }
    };
    let kind = match what {
        "QUERY" => StepKind::Query(entry(Use::Query)?),
        "CHECK_ANSWER" => StepKind::CheckAnswer(entry(Use::CheckAnswer)?),
        "CHECK_OUT_QUERY" => StepKind::CheckOutQuery(entry(Use::CheckOutQuery)?),
        "TIMEOUT" => StepKind::Timeout,
        "TIME_PASSES" => {
            if words.next() != Some("ELAPSE") {
                return Err(at("TIME_PASSES needs ELAPSE <seconds>".into()));
            }
            let secs: f64 = number(words.next(), "ELAPSE").map_err(at)?;
            StepKind::TimePasses(Duration::from_secs_f64(secs))
        }
        "CHECK_STATS" => {
            let mut pairs = Vec::new();
            for w in words.by_ref() {
                let (k, v) = w.split_once('=').ok_or_else(|| at(format!("{w:?}: not k=v")))?;
                pairs.push((k.to_string(), number(Some(v), k).map_err(at)?));
            }
            StepKind::CheckStats(pairs)
        }
        other => return Err(at(format!("unknown step kind {other:?}"))),
    };
    Ok(Step { n: step, line: n, kind })
}

/// Which section record lines go to.
#[derive(Clone, Copy)]
enum Sec {
    None,
    Question,
    Answer,
    Authority,
    Additional,
}

fn parse_entry(lines: &mut Lines<'_>, start: usize, u: Use) -> Result<Entry, String> {
    let mut e = Entry::new(start);
    let mut sec = Sec::None;
    for (i, raw) in lines.by_ref() {
        let n = i + 1;
        let at = |e: String| format!("line {n}: {e}");
        let line = strip_comment(raw).trim();
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        match first {
            "ENTRY_END" => return check_entry(e, u).map_err(|m| format!("line {start}: {m}")),
            "MATCH" => {
                for w in words {
                    e.matches.push(match_word(w, u).map_err(at)?);
                }
            }
            "ADJUST" => e.adjust.extend(words.map(str::to_ascii_lowercase)),
            "REPLY" => reply_words(&mut e, words).map_err(at)?,
            "ADDRESS" if u == Use::CheckOutQuery => {
                let a = words.next().unwrap_or("");
                e.address = Some(a.parse().map_err(|_| at(format!("bad ADDRESS {a:?}")))?);
            }
            "SECTION" => {
                sec = match words.next() {
                    Some("QUESTION") => Sec::Question,
                    Some("ANSWER") => Sec::Answer,
                    Some("AUTHORITY") => Sec::Authority,
                    Some("ADDITIONAL") => Sec::Additional,
                    other => return Err(at(format!("unknown SECTION {other:?}"))),
                }
            }
            _ => record_line(&mut e, sec, line).map_err(at)?,
        }
    }
    Err(format!("line {start}: no ENTRY_END"))
}

fn match_word(w: &str, u: Use) -> Result<String, String> {
    let w = w.to_ascii_lowercase();
    let ok = match u {
        Use::Range | Use::CheckOutQuery => RANGE_MATCH.contains(&w.as_str()),
        Use::CheckAnswer => {
            ANSWER_MATCH.contains(&w.as_str())
                || w.strip_prefix("error=").is_some_and(|k| ERRORS.contains(&k))
        }
        Use::Query => w == "search",
    };
    if ok {
        Ok(w)
    } else {
        Err(format!("MATCH {w} is not known here"))
    }
}

fn reply_words<'a>(e: &mut Entry, words: impl Iterator<Item = &'a str>) -> Result<(), String> {
    for w in words {
        let up = w.to_ascii_uppercase();
        if let Some((_, r)) = RCODES.iter().find(|(name, _)| *name == up) {
            e.rcode = *r;
        } else if FLAGS.contains(&up.as_str()) {
            e.flags.push(up);
        } else {
            return Err(format!("REPLY {w} is not known"));
        }
    }
    Ok(())
}

fn record_line(e: &mut Entry, sec: Sec, line: &str) -> Result<(), String> {
    let list = match sec {
        Sec::None => return Err(format!("{line:?} outside a SECTION")),
        Sec::Question => {
            let w: Vec<&str> = line.split_whitespace().collect();
            let (name, rest) = w.split_first().ok_or("empty question")?;
            let ty = rest.last().ok_or_else(|| format!("{line:?}: question without a type"))?;
            let ty: Type = ty.parse().map_err(|_| format!("{line:?}: unknown type"))?;
            e.question = Some((name.to_string(), ty));
            return Ok(());
        }
        Sec::Answer => &mut e.answer,
        Sec::Authority => &mut e.authority,
        Sec::Additional => &mut e.additional,
    };
    let mut r = RecordBuf::parse_line(line).map_err(|err| format!("{line:?}: {err}"))?;
    // A line without a TTL gets the default (RecordBuf's own default is 0).
    let w: Vec<&str> = line.split_whitespace().collect();
    if !w.iter().skip(1).take(2).any(|t| t.bytes().all(|b| b.is_ascii_digit())) {
        r.ttl = DEFAULT_TTL;
    }
    list.push(r);
    Ok(())
}

fn check_entry(e: Entry, u: Use) -> Result<Entry, String> {
    let needs_question = u != Use::Range || e.has("qname") || e.has("qtype") || e.has("subdomain");
    if needs_question && e.question.is_none() {
        return Err("the entry needs a SECTION QUESTION".into());
    }
    if e.value("error").is_some() && e.rcode != Rcode::SERVFAIL {
        return Err("MATCH error= goes with REPLY SERVFAIL".into());
    }
    Ok(e)
}

/// The settings before `SCENARIO_BEGIN`.
#[derive(Debug)]
struct Header {
    stub: Vec<SocketAddr>,
    hints: Vec<(NameBuf, IpAddr)>,
    settings: Vec<(String, String)>,
    seed: u64,
}

impl Default for Header {
    fn default() -> Self {
        Header { stub: Vec::new(), hints: Vec::new(), settings: Vec::new(), seed: 11 }
    }
}

impl Header {
    fn setting(&mut self, line: &str) -> Result<(), String> {
        let (k, v) = line.split_once(':').ok_or_else(|| format!("{line:?}: not key: value"))?;
        let (k, v) = (k.trim(), v.trim());
        match k {
            "stub" => {
                let a = v.parse().or_else(|_| v.parse().map(|ip| SocketAddr::new(ip, 53)));
                self.stub.push(a.map_err(|_| format!("bad address {v:?}"))?);
            }
            "root-hint" => {
                let mut w = v.split_whitespace();
                let name = w.next().and_then(|n| NameBuf::parse_str(n).ok());
                let ip = w.next().and_then(|a| a.parse().ok());
                let (Some(name), Some(ip)) = (name, ip) else {
                    return Err(format!("root-hint: want <name> <address>, got {v:?}"));
                };
                self.hints.push((name, ip));
            }
            "seed" => self.seed = number(Some(v), "seed")?,
            _ => self.settings.push((k.to_string(), v.to_string())),
        }
        Ok(())
    }

    fn config(&self) -> Result<Config, String> {
        let mut c = match (self.stub.is_empty(), self.hints.is_empty()) {
            (false, true) => Config::stub(self.stub.clone()),
            (true, false) => Config::iterative(self.hints.clone()),
            _ => return Err("give either stub: or root-hint: lines, not both or none".into()),
        };
        for (k, v) in &self.settings {
            apply(&mut c, k, v).map_err(|e| format!("{k}: {e}"))?;
        }
        Ok(c)
    }
}

fn yes(v: &str) -> Result<bool, String> {
    match v {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(format!("{v:?}: want yes or no")),
    }
}

fn apply(c: &mut Config, k: &str, v: &str) -> Result<(), String> {
    let secs = |v: &str| number::<u64>(Some(v), "seconds").map(Duration::from_secs);
    match k {
        "qname-minimisation" => c.qname_minimisation = yes(v)?,
        "0x20" => c.case_randomization = yes(v)?,
        "edns" => c.edns_udp_size = if v == "no" { None } else { Some(number(Some(v), "size")?) },
        "serve-stale" => c.serve_stale = if v == "no" { None } else { Some(secs(v)?) },
        "search" => c.search.push(NameBuf::parse_str(v).map_err(|e| e.to_string())?),
        "ndots" => c.ndots = number(Some(v), "ndots")?,
        "query-timeout" => c.query_timeout = secs(v)?,
        "lame-ttl" => c.lame_ttl = secs(v)?,
        "max-referrals" => c.max_referrals = number(Some(v), "count")?,
        "max-cname-chain" => c.max_cname_chain = number(Some(v), "count")?,
        "max-sends" => c.max_sends = number(Some(v), "count")?,
        "max-ns-lookups" => c.max_ns_lookups = number(Some(v), "count")?,
        "min-ttl" => c.min_ttl = number(Some(v), "seconds")?,
        "max-ttl" => c.max_ttl = number(Some(v), "seconds")?,
        "max-negative-ttl" => c.max_negative_ttl = number(Some(v), "seconds")?,
        _ => return Err("unknown setting".into()),
    }
    Ok(())
}
