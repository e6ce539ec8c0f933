//! Application layers found in transport payloads: DNS (UDP and TCP port 53, mDNS
//! on UDP 5353).

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
            let starts_message = whole_dns_tcp(payload);
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

/// Whether `payload` starts with a whole, non-empty length-prefixed DNS message.
pub fn whole_dns_tcp(payload: &[u8]) -> bool {
    let claimed = payload.get(..2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    claimed.is_some_and(|n| n > 0 && n + 2 <= payload.len())
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
            let len = payload.get(..2).map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])));
            let msg = payload.get(2..2 + len).unwrap_or_default();
            (dns_obj(msg, Some(len)).map_err(|e| e.at(2))?, 2 + len)
        }
    }))
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

/// The OPT pseudo-record in the form of shared/spec/decode-json.md (its options were
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
