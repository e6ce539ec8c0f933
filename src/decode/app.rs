//! Application layers found in transport payloads: DNS (UDP and TCP port 53, mDNS
//! on UDP 5353), DHCP (UDP 67 and 68) and HTTP heads (TCP 80 and 8080), as JSON
//! layers and as the text view's part of a line.

use core::fmt::Write as _;

use serde_json::{json, Value};
use wirestate_dns as dns;
use wirestate_packet::{Sliced, Transport};
use wirestate_wire::Error;

use super::{layer, Obj};

/// Which application codec a transport payload belongs to, by port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    /// A DNS message (UDP).
    Dns,
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
            App::Dns | App::DnsTcp => "dns",
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
            if either(ports, 53) || either(ports, 5353) {
                Some(App::Dns)
            } else if either(ports, 67) || either(ports, 68) {
                Some(App::Dhcp)
            } else {
                None
            }
        }
        Transport::Tcp(t) => {
            // Only a segment that starts with a whole length prefix can be decoded
            // on its own; the rest of a stream stays payload.
            let payload = s.payload();
            let claimed = payload.get(..2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
            let starts_message = claimed.is_some_and(|n| n > 0 && n + 2 <= payload.len());
            let ports = (t.src_port(), t.dst_port());
            if either(ports, 53) && starts_message {
                Some(App::DnsTcp)
            } else if (either(ports, 80) || either(ports, 8080))
                && super::http::starts_head(payload)
            {
                Some(App::Http)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Decodes `payload` as `app`: the layer and how many payload bytes it took, or
/// `None` when the message does not end in this segment. Errors count offsets from
/// the payload's start.
pub fn decode(app: App, payload: &[u8]) -> Result<Option<(Obj, usize)>, Error> {
    Ok(Some(match app {
        App::Http => return super::http::head_layer(payload),
        App::Dns => (dns_obj(payload, None)?, payload.len()),
        App::Dhcp => (super::dhcp::dhcp_obj(payload)?, payload.len()),
        App::DnsTcp => {
            // `classify` checked the prefix is there and fits.
            let len = tcp_prefix(payload);
            let msg = payload.get(2..2 + len).unwrap_or_default();
            (dns_obj(msg, Some(len)).map_err(|e| e.at(2))?, 2 + len)
        }
    }))
}

/// The length a DNS-over-TCP payload's two-byte prefix claims (RFC 1035 §4.2.2).
fn tcp_prefix(payload: &[u8]) -> usize {
    payload.get(..2).map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])))
}

/// Appends the application layer of a sliced frame to its text line, as tcpdump
/// prints it after the transport: `": "` and the message, or, when the message does
/// not decode, ` [malformed dns: ...]` with the error's offset in the frame.
///
/// Nothing is added when no application layer is recognised, when an earlier layer
/// failed, when the capture is cut short (part of a message at best, as the JSON
/// leaves it), or when an HTTP head continues in a later segment.
pub fn write_line(line: &mut String, s: &Sliced<'_>) {
    if s.error.is_some() || s.is_cut() {
        return;
    }
    let Some(app) = classify(s) else { return };
    let payload = s.payload();
    let start = line.len();
    line.push_str(": ");
    let written = match app {
        App::Dns => dns_line(line, payload),
        App::DnsTcp => {
            // `classify` checked the prefix is there and fits.
            let msg = payload.get(2..2 + tcp_prefix(payload)).unwrap_or_default();
            dns_line(line, msg).map_err(|e| e.at(2))
        }
        App::Dhcp => super::dhcp::dhcp_line(line, payload),
        App::Http => super::http::head_line(line, payload),
    };
    match written {
        Ok(true) => {}
        Ok(false) => line.truncate(start),
        Err(e) => {
            line.truncate(start);
            let _ = write!(line, " [malformed {}: {}]", app.name(), e.at(s.payload_offset()));
        }
    }
}

/// One DNS message in tcpdump's form: a query `54912+ [1au] A? www.example.test. (57)`,
/// a response `54912* 1/0/1 A 10.99.0.1 (61)` or `7 NXDOMAIN- 0/1/0 (92)`.
///
/// After the id: the opcode unless QUERY; for a query `+` for RD and `%` for CD, then
/// the counts of the sections other than the question in brackets (`[1au]`: one
/// additional record), then each question `TYPE? name` (the class too unless IN);
/// for a response the rcode unless NOERROR, `*` for AA, `-` without RA, `|` for TC,
/// `$` for AD, then answer/authority/additional counts and each answer's type and
/// data. Last the message's length. `Ok(true)` once written; the message is checked
/// whole before anything is written.
pub fn dns_line(line: &mut String, bytes: &[u8]) -> Result<bool, Error> {
    let msg = dns::Message::new_checked(bytes)?;
    let repr = dns::Repr::parse(&msg)?;
    let h = repr.header;
    let (qd, an, ns, ar) = (msg.qdcount(), msg.ancount(), msg.nscount(), msg.arcount());
    let _ = write!(line, "{}", h.id);
    if h.opcode != dns::Opcode::QUERY {
        let _ = write!(line, " {}", h.opcode);
    }
    if h.qr {
        let rcode = repr.rcode();
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
        let answers = repr.records().flatten().filter(|r| r.section == dns::Section::Answer);
        for (i, r) in answers.enumerate() {
            line.push_str(if i == 0 { " " } else { ", " });
            let _ = write!(line, "{} {}", r.rtype, r.rdata);
        }
    } else {
        for (on, mark) in [(h.rd, '+'), (h.cd, '%')] {
            if on {
                line.push(mark);
            }
        }
        for (count, what) in [(an, "a"), (ns, "n"), (ar, "au")] {
            if count != 0 {
                let _ = write!(line, " [{count}{what}]");
            }
        }
        if qd != 1 {
            let _ = write!(line, " [{qd}q]");
        }
        for (i, q) in repr.questions().flatten().enumerate() {
            line.push_str(if i == 0 { " " } else { ", " });
            let _ = write!(line, "{}", q.qtype);
            if q.qclass != dns::Class::IN {
                let _ = write!(line, " {}", q.qclass);
            }
            let _ = write!(line, "? {}", q.name);
        }
    }
    let _ = write!(line, " ({})", bytes.len());
    Ok(true)
}

/// The `dns` layer of one message.
pub fn dns_obj(bytes: &[u8], tcp_len: Option<usize>) -> Result<Obj, Error> {
    let msg = dns::Message::new_checked(bytes)?;
    let repr = dns::Repr::parse(&msg)?;
    let h = repr.header;
    let mut o = layer("dns");
    if let Some(n) = tcp_len {
        o.insert("tcp_len", n.into());
    }
    o.insert("id", h.id.into());
    o.insert("qr", h.qr.into());
    o.insert("opcode", h.opcode.to_string().into());
    o.insert("aa", h.aa.into());
    o.insert("tc", h.tc.into());
    o.insert("rd", h.rd.into());
    o.insert("ra", h.ra.into());
    o.insert("z", h.z.into());
    o.insert("ad", h.ad.into());
    o.insert("cd", h.cd.into());
    o.insert("rcode", repr.rcode().to_string().into());
    let mut questions = Vec::new();
    for q in repr.questions() {
        let q = q?;
        questions.push(json!({
            "name": q.name.to_string(), "type": q.qtype.to_string(), "class": q.qclass.to_string()
        }));
    }
    o.insert("questions", Value::Array(questions));
    let (mut answers, mut authorities, mut additionals) = (Vec::new(), Vec::new(), Vec::new());
    for r in repr.records() {
        let r = r?;
        let json = match dns::Opt::from_record(&r)? {
            Some(opt) => opt_json(&opt),
            None => json!({
                "name": r.name.to_string(), "type": r.rtype.to_string(),
                "class": r.class.to_string(), "ttl": r.ttl, "data": r.rdata.to_string()
            }),
        };
        match r.section {
            dns::Section::Answer => answers.push(json),
            dns::Section::Authority => authorities.push(json),
            dns::Section::Additional => additionals.push(json),
        }
    }
    o.insert("answers", Value::Array(answers));
    o.insert("authorities", Value::Array(authorities));
    o.insert("additionals", Value::Array(additionals));
    Ok(o)
}

/// The OPT pseudo-record in the form of docs/decode-json.md (its options were
/// validated when the message was parsed).
fn opt_json(opt: &dns::Opt<'_>) -> Value {
    let options: Vec<Value> = opt
        .options
        .into_iter()
        .map(|o| json!({"code": o.code(), "name": o.name(), "data": o.to_string()}))
        .collect();
    json!({
        "name": ".", "type": "OPT", "udp_size": opt.udp_size, "ext_rcode": opt.ext_rcode,
        "version": opt.version, "do": opt.dnssec_ok, "options": options
    })
}
