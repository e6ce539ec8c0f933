//! Frames and single messages to the decode JSON of `shared/spec/decode-json.md`.
//!
//! [`frame`] turns a captured frame into its `layers` list and `error` (the packet
//! object without `index`, `ts`, `caplen` and `len`); [`parse`] decodes one message of
//! one format, as `wirestate parse FORMAT` prints it. Both are also what the spec
//! vectors are checked against.

mod app;
mod dhcp;
mod filter;
mod http;
mod link;
mod net;
mod obj;
mod summary;
mod transport;

use serde_json::{json, Value};
use wirestate_packet::{LinkType, Sliced};
use wirestate_wire::Error;

pub use filter::{End, Filter, FilterError};
pub use http::HttpOptions;
pub use obj::Obj;
pub use summary::summary;

/// Starts a layer object with its `proto`.
pub(crate) fn layer(proto: &str) -> Obj {
    let mut o = Obj::with_capacity(16);
    o.insert("proto", Value::from(proto));
    o
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Parses hex text, ignoring ASCII whitespace; `None` on an odd count or a non-hex digit.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let val = |d: u8| char::from(d).to_digit(16).map(|v| v as u8);
    digits.chunks(2).map(|p| Some(val(p[0])? << 4 | val(p[1])?)).collect()
}

/// The `error` object for a layer's failure.
pub fn error_json(layer: &str, e: &Error) -> Value {
    json!({"layer": layer, "offset": e.offset(), "field": e.field(), "message": e.to_string()})
}

/// A frame decoded: the layers outermost first and the error that ended the walk.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// One object per layer, ending with `{"proto": "payload", "len": N}` when bytes are left.
    pub layers: Vec<Obj>,
    /// `{"layer", "offset", "field", "message"}` of the layer that failed, if one did.
    pub error: Option<Value>,
}

impl Decoded {
    /// `{"layers": [...], "error": ...}`, the form of `wirestate parse frame`.
    pub fn to_json(&self) -> Value {
        let mut o = Obj::with_capacity(2);
        o.insert("layers", Value::Array(self.layers_json()));
        o.insert("error", self.error.clone().unwrap_or(Value::Null));
        Value::from(o)
    }

    /// The layers as JSON values.
    pub fn layers_json(&self) -> Vec<Value> {
        self.layers.iter().cloned().map(Value::from).collect()
    }
}

/// Decodes a whole frame through every codec.
///
/// `wire_len` is the frame's length on the wire; when the capture holds less
/// (a snap length), checksums that cover missing bytes print as `null`.
pub fn frame(link: LinkType, bytes: &[u8], wire_len: usize) -> Decoded {
    sliced(&Sliced::new_captured(link, bytes, wire_len))
}

/// [`frame`] for a frame already sliced (the CLI slices once for its filter too).
pub fn sliced(sliced: &Sliced<'_>) -> Decoded {
    let truncated = sliced.is_cut();
    let mut layers = Vec::with_capacity(5);
    if let Some(l) = &sliced.link_layer() {
        link::link_layer(l, &mut layers);
    }
    let net = sliced.net();
    if let Some(n) = &net {
        layers.push(net::net(n));
    }
    if let (Some(t), Some(n)) = (&sliced.transport(), &net) {
        layers.push(transport::transport(t, n, truncated));
    }
    let mut error = sliced.error.map(|e| error_json(e.layer.name(), &e.error));
    let mut rest = sliced.payload();
    if let (None, Some(app)) = (&error, app::classify(sliced)) {
        // A capture cut short holds part of the message at best: leave it as payload.
        if !truncated {
            match app::decode(app, rest) {
                Ok(Some((obj, used))) => {
                    layers.push(obj);
                    rest = rest.get(used..).unwrap_or_default();
                }
                Ok(None) => {}
                Err(e) => error = Some(error_json(app.name(), &e.at(sliced.payload_offset()))),
            }
        }
    }
    if error.is_none() && !rest.is_empty() {
        let mut o = layer("payload");
        o.insert("len", rest.len().into());
        layers.push(o);
    }
    Decoded { layers, error }
}

/// The `proto` names of the layers a sliced frame holds, outermost first, for
/// `decode --stats`.
pub fn layer_names<'s>(s: &'s Sliced<'_>) -> impl Iterator<Item = &'static str> + 's {
    use wirestate_packet::{LinkLayer, Net, Transport};
    let link = s.link_layer().into_iter().flat_map(|l| {
        let tags = match &l {
            LinkLayer::Ethernet(e) => e.tag_count(),
            _ => 0,
        };
        core::iter::once(l.name()).chain(core::iter::repeat_n("vlan", tags))
    });
    let net = s.net().into_iter().map(|n| match n {
        Net::Arp(_) => "arp",
        Net::Ipv4(_) => "ipv4",
        Net::Ipv6 { .. } => "ipv6",
    });
    let transport = s.transport().into_iter().map(|t| match t {
        Transport::Udp(_) => "udp",
        Transport::Tcp(_) => "tcp",
        Transport::Icmpv4(_) => "icmpv4",
        Transport::Icmpv6(_) => "icmpv6",
    });
    let app = s.error.is_none().then(|| app::classify(s).map(app::App::name)).flatten();
    let payload =
        (app.is_none() && !s.payload().is_empty() && s.error.is_none()).then_some("payload");
    link.chain(net).chain(transport).chain(app).chain(payload)
}

/// The formats `wirestate parse` knows.
pub const FORMATS: &[&str] = &[
    "ethernet", "arp", "ipv4", "ipv6", "icmpv4", "icmpv6", "udp", "tcp", "dns", "dhcp", "frame",
    "raw-ip",
];

/// Decodes one message of one format: `Ok(layer object)` or `Err({"error": {...}})`.
///
/// `frame` and `raw-ip` decode every layer of an Ethernet frame or a bare IP packet
/// and succeed with `{"layers", "error"}` even when a layer fails (like `decode`).
/// Returns `None` for an unknown format.
pub fn parse(format: &str, bytes: &[u8]) -> Option<Result<Value, Value>> {
    parse_with(format, bytes, &HttpOptions::default())
}

/// [`parse`] with the options `wirestate parse` takes for HTTP messages.
pub fn parse_with(format: &str, bytes: &[u8], http: &HttpOptions) -> Option<Result<Value, Value>> {
    let wrap = |layer: &str, e: Error| json!({ "error": error_json(layer, &e) });
    Some(match format {
        "frame" => Ok(frame(LinkType::Ethernet, bytes, bytes.len()).to_json()),
        "raw-ip" => Ok(frame(LinkType::Ip, bytes, bytes.len()).to_json()),
        "ethernet" => link::parse_ethernet(bytes).map_err(|e| wrap("ethernet", e)),
        "arp" => net::parse_arp(bytes).map_err(|e| wrap("arp", e)),
        "ipv4" => net::parse_ipv4(bytes).map_err(|e| wrap("ipv4", e)),
        "ipv6" => net::parse_ipv6(bytes).map_err(|e| wrap("ipv6", e)),
        "icmpv4" => transport::parse_icmpv4(bytes).map_err(|e| wrap("icmpv4", e)),
        "icmpv6" => transport::parse_icmpv6(bytes).map_err(|e| wrap("icmpv6", e)),
        "udp" => transport::parse_udp(bytes).map_err(|e| wrap("udp", e)),
        "tcp" => transport::parse_tcp(bytes).map_err(|e| wrap("tcp", e)),
        "dns" => app::dns_obj(bytes, None).map(Value::from).map_err(|e| wrap("dns", e)),
        "dhcp" => dhcp::dhcp_obj(bytes).map(Value::from).map_err(|e| wrap("dhcp", e)),
        "http1-request" => http::parse_message(bytes, true, http).map_err(|e| wrap("http", e)),
        "http1-response" => http::parse_message(bytes, false, http).map_err(|e| wrap("http", e)),
        "url" => http::parse_url(bytes).map_err(|e| wrap("url", e)),
        _ => return None,
    })
}
