//! Application layers found in transport payloads: DNS (UDP and TCP port 53, mDNS
//! on UDP 5353), DHCP (UDP 67 and 68) and HTTP heads (TCP 80 and 8080), as JSON
//! layers and as the text view's part of a line.

use core::fmt::Write as _;

use wirestate_dns as dns;
use wirestate_packet::{Sliced, Transport};
use wirestate_wire::Error;

use super::{layer, obj, Obj, Val};

/// Which application codec a transport payload belongs to, by port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    /// A DNS message (UDP).
    Dns,
    /// A multicast DNS message (UDP 5353, RFC 6762): the top bit of a question's
    /// class asks for a unicast response (§5.4), of a record's says to flush the
    /// cache (§10.2).
    Mdns,
    /// A DNS message behind a two-byte length (TCP, RFC 1035 §4.2.2).
    DnsTcp,
    /// An HTTP/1.x head at the start of a TCP segment (ports 80 and 8080).
    Http,
    /// A DHCPv4 message (UDP ports 67 and 68).
    Dhcp,
}

impl App {
    /// The `proto` name of the layer.
    pub fn name(self) -> &'static str {
        match self {
            App::Dns | App::Mdns | App::DnsTcp => "dns",
            App::Http => "http",
            App::Dhcp => "dhcp",
        }
    }
}

/// The application protocol of a sliced frame's payload, if one is recognised.
pub fn classify(s: &Sliced<'_>) -> Option<App> {
    let either = |(a, b): (u16, u16), port: u16| a == port || b == port;
    match s.transport()? {
        Transport::Udp(d) => {
            let ports = (d.src_port(), d.dst_port());
            if either(ports, 5353) {
                Some(App::Mdns)
            } else if either(ports, 53) {
                Some(App::Dns)
            } else if either(ports, 67) || either(ports, 68) {
                Some(App::Dhcp)
            } else {
                None
            }
        }
        Transport::Tcp(t) => {
            // A segment that starts with a length prefix is taken for the start of
            // a message (as tshark does without reassembly); one that prefixes less
            // than a DNS header cannot be one.
            let starts_message = tcp_prefix(s.payload()).is_some_and(|n| n >= 12);
            let ports = (t.src_port(), t.dst_port());
            if either(ports, 53) && starts_message {
                Some(App::DnsTcp)
            } else if (either(ports, 80) || either(ports, 8080))
                && super::http::starts_head(s.payload())
            {
                Some(App::Http)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The two-byte length before a DNS message over TCP (RFC 1035 §4.2.2).
fn tcp_prefix(payload: &[u8]) -> Option<usize> {
    payload.get(..2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
}

/// Whether the message at the start of `payload` goes on past its end: a DNS
/// message over TCP whose length prefix says more than the segment holds.
pub fn continues(app: App, payload: &[u8]) -> bool {
    app == App::DnsTcp && tcp_prefix(payload).is_some_and(|n| n + 2 > payload.len())
}

/// Why a message did not decode: the layer as far as it went (marked
/// `"partial": true`; none when nothing could be read), and the error where it
/// stopped.
pub type Stopped = (Option<Obj>, Error);

/// Whether `payload` starts with a whole, non-empty length-prefixed DNS message.
pub fn whole_dns_tcp(payload: &[u8]) -> bool {
    let claimed = payload.get(..2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    claimed.is_some_and(|n| n > 0 && n + 2 <= payload.len())
}

/// Decodes `payload` as `app`: the layer and how many payload bytes it took, or
/// `None` when there is nothing to decode. `cut` says the message may stop short
/// of its end (a cut capture, a first fragment, a message that goes on in a later
/// segment): it is then decoded as far as it goes. An HTTP head that does not end
/// in the payload is always decoded as far as it goes. Errors count offsets from
/// the payload's start.
pub fn decode(app: App, payload: &[u8], cut: bool) -> Result<Option<(Obj, usize)>, Stopped> {
    let whole = |e: Error| (None, e);
    Ok(Some(match app {
        App::Http => return super::http::head_layer(payload),
        App::Dns | App::Mdns if cut => {
            let mdns = app == App::Mdns;
            return dns_lax(payload, None, 0, mdns).map(|o| Some((o, payload.len())));
        }
        App::Dns | App::Mdns => {
            (dns_obj(payload, None, app == App::Mdns).map_err(whole)?, payload.len())
        }
        App::Dhcp => (super::dhcp::dhcp_obj(payload).map_err(whole)?, payload.len()),
        App::DnsTcp => {
            let len = tcp_prefix(payload).unwrap_or(0);
            let end = (2 + len).min(payload.len());
            let msg = payload.get(2..end).unwrap_or_default();
            if end < 2 + len {
                // Without the stream, a segment that continues a message cannot be
                // told from one that starts one: a start is claimed only when its
                // questions decode.
                return match dns_lax(msg, Some(len), 2, false) {
                    Err((Some(o), _)) if !question_cut(&o) => Err((Some(o), cut_error(len, msg))),
                    Err(_) => Ok(None),
                    Ok(o) => Ok(Some((o, end))),
                };
            }
            if cut {
                return dns_lax(msg, Some(len), 2, false).map(|o| Some((o, end)));
            }
            (dns_obj(msg, Some(len), false).map_err(|e| (None, e.at(2)))?, end)
        }
    }))
}

/// Whether a partial `dns` layer stopped before its question section ended.
fn question_cut(o: &Obj) -> bool {
    let want = o.get("counts").and_then(|c| c.get("questions")).and_then(Val::as_u64);
    let got = o.get("questions").and_then(Val::as_list).map(<[Val]>::len);
    want != got.map(|n| n as u64)
}

/// The error of a DNS message over TCP that goes on in a later segment: where the
/// segment ends, from the payload's start.
fn cut_error(len: usize, msg: &[u8]) -> Error {
    Error::truncated("message", 2, 2 + len, 2 + msg.len())
}

/// A DNS message that may be cut: the whole layer when it decodes, else what
/// decodes of it before the cut, with the error there (offsets moved by `at`).
fn dns_lax(msg: &[u8], tcp_len: Option<usize>, at: usize, mdns: bool) -> Result<Obj, Stopped> {
    let e = match dns_obj(msg, tcp_len, mdns) {
        Ok(o) => return Ok(o),
        Err(e) => e,
    };
    let partial = dns::Message::new_checked(msg).ok().map(|m| {
        let mut o = dns_header(&m, tcp_len);
        o.insert("partial", true.into());
        o.insert(
            "counts",
            obj!({
                "questions": m.qdcount(), "answers": m.ancount(),
                "authorities": m.nscount(), "additionals": m.arcount(),
            }),
        );
        let questions: Vec<Val> =
            m.questions().map_while(Result::ok).map(|q| question(q, mdns)).collect();
        o.insert("questions", Val::List(questions));
        let mut sections = Sections::default();
        for r in m.records().map_while(Result::ok) {
            // A malformed OPT is where the decode stops, like any other record.
            let Ok(json) = record(&r, mdns) else { break };
            sections.push(r.section, json);
        }
        sections.insert_into(&mut o);
        o
    });
    Err((partial, e.at(at)))
}

/// Appends what follows a UDP header's ports (`SRC.P > DST.P: `) on the text
/// line: the DNS or DHCP message when one is recognised and decodes, else
/// tcpdump's `UDP, length N` (`len` the payload's length by the headers), with
/// ` [malformed dns: ...]` when the message does not decode (the error's offset in
/// the frame). Returns whether the line shows the frame's error.
///
/// A message is looked for only when no layer failed and the capture is whole. In
/// the first fragment of a datagram a DNS message goes as far as it goes, then
/// `[|domain]`, as tcpdump shows it.
pub fn udp_line(line: &mut String, s: &Sliced<'_>, len: usize) -> bool {
    let app = if s.error.is_some() || s.is_cut() { None } else { classify(s) };
    let start = line.len();
    let written = match app {
        Some(App::Dns | App::Mdns) if s.is_first_fragment() => {
            dns_line_cut(line, s.payload(), app == Some(App::Mdns));
            Ok(true)
        }
        Some(App::Dns) => dns_line(line, s.payload(), false),
        Some(App::Mdns) => dns_line(line, s.payload(), true),
        Some(App::Dhcp) => super::dhcp::dhcp_line(line, s.payload()),
        _ => Ok(false),
    };
    match (written, app) {
        (Ok(true), _) => false,
        (Err(e), Some(app)) => {
            line.truncate(start);
            let _ = write!(
                line,
                "UDP, length {len} [malformed {}: {}]",
                app.name(),
                e.at(s.payload_offset())
            );
            true
        }
        _ => {
            line.truncate(start);
            let _ = write!(line, "UDP, length {len}");
            false
        }
    }
}

/// Appends what follows `, length N` of a TCP segment with a payload on the text
/// line, as tcpdump does by port: on 53 a space and the DNS message when its
/// length prefix covers the rest of the segment exactly (else tcpdump's
/// `[prefix length(P) != length(L)] (invalid)`); on 80 and 8080 `: HTTP`, and the
/// first line when the payload starts like a request or a status line. A DNS
/// message or HTTP head that does not decode adds ` [malformed ...]`. Returns
/// whether the line shows the frame's error.
pub fn tcp_line(line: &mut String, s: &Sliced<'_>) -> bool {
    let Some(Transport::Tcp(t)) = s.transport() else { return false };
    let either = |port: u16| t.src_port() == port || t.dst_port() == port;
    let payload = s.payload();
    if either(53) {
        let Some(prefix) = tcp_prefix(payload) else {
            let _ = write!(line, " [DNS over TCP: length {} < 2] (invalid)", payload.len());
            return false;
        };
        let len = payload.len() - 2;
        if prefix != len {
            let _ = write!(line, " [prefix length({prefix}) != length({len})] (invalid)");
            return false;
        }
        let start = line.len();
        line.push(' ');
        if let Err(e) = dns_line(line, payload.get(2..).unwrap_or_default(), false) {
            line.truncate(start);
            let at = s.payload_offset() + 2;
            let _ = write!(line, " [malformed dns: {}]", e.at(at));
            return true;
        }
        false
    } else if either(80) || either(8080) {
        line.push_str(": HTTP");
        super::http::tcpdump_first_line(line, payload);
        if super::http::starts_head(payload) && s.error.is_none() && !s.is_cut() {
            if let Err(e) = super::http::head_line(&mut String::new(), payload) {
                let _ = write!(line, " [malformed http: {}]", e.at(s.payload_offset()));
                return true;
            }
        }
        false
    } else {
        false
    }
}

/// One DNS message in tcpdump's form: a query `54912+ [1au] A? www.example.test. (57)`,
/// a response `54912* 1/0/1 A 10.99.0.1 (61)` or `7 NXDOMAIN- 0/1/0 (92)`.
///
/// After the id: the opcode unless QUERY; for a query `+` for RD and `%` for CD, then
/// the question count unless 1 (`[2q]`) and the counts of the other sections in
/// brackets (`[1au]`: one additional record), then each question `TYPE? name` (the
/// class too unless IN), space-separated; for a response the rcode unless NOERROR,
/// `*` for AA, `-` without RA, `|` for TC, `$` for AD, then answer/authority/
/// additional counts and each answer's type and data, comma-separated. Last the message's length. `Ok(true)` once written; the message is checked
/// whole before anything is written.
///
/// An answer's class shows before its type unless IN. In multicast DNS (`mdns`) a
/// class loses its top bit: a question then says ` (QU)` or ` (QM)` before the
/// `?`, and an answer with the cache-flush bit says `(Cache flush)` before its
/// type, as tcpdump prints them.
pub fn dns_line(line: &mut String, bytes: &[u8], mdns: bool) -> Result<bool, Error> {
    let msg = dns::Message::new_checked(bytes)?;
    let repr = dns::Repr::parse(&msg)?;
    let parts = (repr.header, repr.rcode(), repr.questions(), repr.records());
    dns_parts(line, &msg, parts, mdns);
    let _ = write!(line, " ({})", bytes.len());
    Ok(true)
}

/// [`dns_line`] for a message that goes on past the frame (the first fragment of
/// a datagram): as far as it goes, then tcpdump's `[|domain]` where it stops (with
/// the type of a record whose data is cut, as tcpdump prints it).
pub fn dns_line_cut(line: &mut String, bytes: &[u8], mdns: bool) {
    let Ok(msg) = dns::Message::new_checked(bytes) else {
        line.push_str("[|domain]");
        return;
    };
    let h = dns::Header::parse(&msg);
    let rcode = dns::Rcode(u16::from(h.rcode));
    if dns_parts(line, &msg, (h, rcode, msg.questions(), msg.records()), mdns) {
        let _ = write!(line, " ({})", bytes.len());
    }
}

/// The header, its marks and counts, and the questions (a query) or the answers (a
/// response) of [`dns_line`]; `false` when the message stopped short, the line then
/// ending in `[|domain]`.
fn dns_parts(
    line: &mut String,
    msg: &dns::Message<&[u8]>,
    (h, rcode, questions, records): (dns::Header, dns::Rcode, dns::Questions<'_>, dns::Records<'_>),
    mdns: bool,
) -> bool {
    let (qd, an, ns, ar) = (msg.qdcount(), msg.ancount(), msg.nscount(), msg.arcount());
    let _ = write!(line, "{}", h.id);
    if h.opcode != dns::Opcode::QUERY {
        let _ = write!(line, " {}", h.opcode);
    }
    if h.qr {
        if rcode != dns::Rcode::NOERROR {
            let _ = write!(line, " {rcode}");
        }
        for (on, mark) in [(h.aa, '*'), (!h.ra, '-'), (h.tc, '|'), (h.ad, '$')] {
            if on {
                line.push(mark);
            }
        }
        if qd != 1 {
            let _ = write!(line, " [{qd}q]");
        }
        let _ = write!(line, " {an}/{ns}/{ar}");
        let answers =
            records.take_while(|r| r.as_ref().map_or(true, |r| r.section == dns::Section::Answer));
        for (i, r) in answers.enumerate() {
            line.push_str(if i == 0 { " " } else { ", " });
            let r = match r {
                Ok(r) => r,
                Err(e) => {
                    // Data cut after a whole record header: its type is the first
                    // of the ten octets before the data (RFC 1035 §4.1.3).
                    let at = e.offset().wrapping_sub(10);
                    let rtype = msg.as_bytes().get(at..at + 2).filter(|_| e.field() == "rdata");
                    if let Some(&[a, b]) = rtype {
                        let _ = write!(line, "{} ", dns::Type(u16::from_be_bytes([a, b])));
                    }
                    line.push_str("[|domain]");
                    return false;
                }
            };
            let (class, flush) = mdns_split(r.class, mdns);
            if class != dns::Class::IN && r.rtype != dns::Type::OPT {
                let _ = write!(line, "{class} ");
            }
            if flush {
                line.push_str("(Cache flush) ");
            }
            let _ = write!(line, "{}", r.rtype);
            rdata_text(line, &r.rdata);
        }
    } else {
        for (on, mark) in [(h.rd, '+'), (h.cd, '%')] {
            if on {
                line.push(mark);
            }
        }
        if qd != 1 {
            let _ = write!(line, " [{qd}q]");
        }
        for (count, what) in [(an, "a"), (ns, "n"), (ar, "au")] {
            if count != 0 {
                let _ = write!(line, " [{count}{what}]");
            }
        }
        for q in questions {
            let Ok(q) = q else {
                line.push_str(" [|domain]");
                return false;
            };
            let _ = write!(line, " {}", q.qtype);
            let (class, unicast) = mdns_split(q.qclass, mdns);
            if class != dns::Class::IN {
                let _ = write!(line, " {class}");
            }
            if mdns {
                line.push_str(if unicast { " (QU)" } else { " (QM)" });
            }
            let _ = write!(line, "? {}", q.name);
        }
    }
    true
}

/// An answer's data as tcpdump prints it at its default verbosity, with the space
/// before it: MX as `exchange preference`, SRV as `target:port priority weight`,
/// SOA not at all; the other types in their presentation form.
fn rdata_text(line: &mut String, rdata: &dns::RData<'_>) {
    let _ = match rdata {
        dns::RData::Mx { preference, exchange } => write!(line, " {exchange} {preference}"),
        dns::RData::Srv { priority, weight, port, target } => {
            write!(line, " {target}:{port} {priority} {weight}")
        }
        dns::RData::Soa { .. } => Ok(()),
        other => write!(line, " {other}"),
    };
}

/// A class and its top bit, in multicast DNS (RFC 6762 §5.4 for a question, the
/// unicast-response bit; §10.2 for a record, the cache-flush bit); in unicast DNS
/// the class whole.
fn mdns_split(class: dns::Class, mdns: bool) -> (dns::Class, bool) {
    if mdns {
        (dns::Class(class.0 & 0x7fff), class.0 & 0x8000 != 0)
    } else {
        (class, false)
    }
}

/// The `dns` layer of one message; `mdns` for multicast DNS, whose questions get
/// `unicast_response` and records `cache_flush` (the class's top bit, RFC 6762).
pub fn dns_obj(bytes: &[u8], tcp_len: Option<usize>, mdns: bool) -> Result<Obj, Error> {
    let msg = dns::Message::new_checked(bytes)?;
    let repr = dns::Repr::parse(&msg)?;
    let mut o = dns_header(&msg, tcp_len);
    o.set("rcode", mnemonic(repr.rcode().mnemonic(), repr.rcode()));
    let mut questions = Vec::new();
    for q in repr.questions() {
        questions.push(question(q?, mdns));
    }
    o.insert("questions", Val::List(questions));
    let mut sections = Sections::default();
    for r in repr.records() {
        let r = r?;
        sections.push(r.section, record(&r, mdns)?);
    }
    sections.insert_into(&mut o);
    Ok(o)
}

/// A code's mnemonic (`"AAAA"`, `"IN"`, `"NXDOMAIN"`) without allocating, or its
/// generic form (`"TYPE65280"`) when it has none.
fn mnemonic(name: Option<&'static str>, code: impl core::fmt::Display) -> Val {
    name.map_or_else(|| Val::Text(code.to_string()), Val::Name)
}

/// The header fields of the `dns` layer; `rcode` is the header's 4 bits here (a
/// whole message's layer replaces it with the EDNS-extended one).
fn dns_header(msg: &dns::Message<&[u8]>, tcp_len: Option<usize>) -> Obj {
    let h = dns::Header::parse(msg);
    let mut o = layer("dns");
    if let Some(n) = tcp_len {
        o.insert("tcp_len", n.into());
    }
    o.insert("id", h.id.into());
    o.insert("qr", h.qr.into());
    o.insert("opcode", mnemonic(h.opcode.mnemonic(), h.opcode));
    o.insert("aa", h.aa.into());
    o.insert("tc", h.tc.into());
    o.insert("rd", h.rd.into());
    o.insert("ra", h.ra.into());
    o.insert("z", h.z.into());
    o.insert("ad", h.ad.into());
    o.insert("cd", h.cd.into());
    let rcode = dns::Rcode(u16::from(h.rcode));
    o.insert("rcode", mnemonic(rcode.mnemonic(), rcode));
    o
}

fn question(q: dns::Question<'_>, mdns: bool) -> Val {
    let (class, unicast) = mdns_split(q.qclass, mdns);
    let mut o = Obj::with_capacity(4);
    o.insert("name", q.name.to_string().into());
    o.insert("type", mnemonic(q.qtype.mnemonic(), q.qtype));
    o.insert("class", mnemonic(class.mnemonic(), class));
    if mdns {
        o.insert("unicast_response", unicast.into());
    }
    Val::Obj(o)
}

fn record(r: &dns::Record<'_>, mdns: bool) -> Result<Val, Error> {
    if let Some(opt) = dns::Opt::from_record(r)? {
        return Ok(opt_json(&opt));
    }
    let (class, flush) = mdns_split(r.class, mdns);
    let mut o = Obj::with_capacity(6);
    o.insert("name", r.name.to_string().into());
    o.insert("type", mnemonic(r.rtype.mnemonic(), r.rtype));
    o.insert("class", mnemonic(class.mnemonic(), class));
    if mdns {
        o.insert("cache_flush", flush.into());
    }
    o.insert("ttl", r.ttl.into());
    o.insert("data", r.rdata.to_string().into());
    Ok(Val::Obj(o))
}

/// The answer, authority and additional records, as they come.
#[derive(Default)]
struct Sections {
    answers: Vec<Val>,
    authorities: Vec<Val>,
    additionals: Vec<Val>,
}

impl Sections {
    fn push(&mut self, section: dns::Section, record: Val) {
        match section {
            dns::Section::Answer => self.answers.push(record),
            dns::Section::Authority => self.authorities.push(record),
            dns::Section::Additional => self.additionals.push(record),
        }
    }

    fn insert_into(self, o: &mut Obj) {
        o.insert("answers", Val::List(self.answers));
        o.insert("authorities", Val::List(self.authorities));
        o.insert("additionals", Val::List(self.additionals));
    }
}

/// The OPT pseudo-record in the form of docs/decode-json.md (its options were
/// validated when the message was parsed).
fn opt_json(opt: &dns::Opt<'_>) -> Val {
    let options: Vec<Val> = opt
        .options
        .into_iter()
        .map(|o| obj!({"code": o.code(), "name": o.name(), "data": o.to_string()}))
        .collect();
    obj!({
        "name": ".", "type": "OPT", "udp_size": opt.udp_size, "ext_rcode": opt.ext_rcode,
        "version": opt.version, "do": opt.dnssec_ok, "options": options
    })
}
