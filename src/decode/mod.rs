//! Frames and single messages to the decode JSON of `docs/decode-json.md`, and
//! frames to the text view's line.
//!
//! [`frame`] turns a captured frame into its `layers` list and `error` (the packet
//! object without `index`, `ts`, `caplen` and `len`); [`parse`] decodes one message of
//! one [`Format`], as `wirestate parse FORMAT` prints it. Both are also what the spec
//! vectors are checked against. [`summary`] is a frame's line in the manner of
//! `tcpdump -nn`, through the application layer.

mod app;
pub mod defrag;
mod dhcp;
mod filter;
mod http;
mod link;
mod net;
mod obj;
pub mod reassembly;
mod summary;
mod text_icmp;
mod text_tcp;
#[cfg(test)]
mod text_tests;
mod transport;

use serde_json::{json, Value};
use wirestate_packet::{LayerKind, LinkType, Sliced, Transport};
use wirestate_wire::Error;

pub use filter::{End, Filter, FilterError};
pub use http::HttpOptions;
pub(crate) use obj::obj;
pub use obj::{Obj, Val};
pub use summary::{summary, write_summary, write_summary_with, LineContext};
pub use text_tcp::{TcpBase, TcpSeqs};

/// Starts a layer object with its `proto`.
pub(crate) fn layer(proto: &'static str) -> Obj {
    // Room for the largest layers (IPv4 has 18 fields, DHCP 20) without a regrow.
    let mut o = Obj::with_capacity(24);
    o.insert("proto", Val::Name(proto));
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
        json!({"layers": self.layers_json(), "error": self.error})
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
///
/// Where tshark decodes more than a strict walk would, so does this, and the
/// `error` says where the decode stopped (never a guess at what is missing):
///
/// - the first fragment of a datagram: its transport header (the rest of the
///   datagram is in later fragments; its checksum cannot be verified);
/// - an ICMP error: the datagram it quotes, as nested network and transport
///   layers marked `"in_icmp": true`;
/// - a DNS or HTTP message cut by the end of its segment or by the snap length:
///   decoded as far as it goes.
pub fn sliced(sliced: &Sliced<'_>) -> Decoded {
    with_reassembly(sliced, None)
}

/// [`sliced`], with the application layers from stream reassembly in place of the
/// segment's own: what [`reassembly::Reassembler::frame`] returned for this frame.
/// `None` decodes the frame on its own.
pub fn with_reassembly(
    sliced: &Sliced<'_>,
    reassembled: Option<reassembly::Reassembled>,
) -> Decoded {
    let truncated = sliced.is_cut();
    let partial = truncated || sliced.is_first_fragment();
    let mut layers = Vec::with_capacity(5);
    if let Some(l) = &sliced.link_layer() {
        link::link_layer(l, &mut layers);
    }
    let net = sliced.net();
    if let Some(n) = &net {
        layers.push(net::net(n));
    }
    let transport = sliced.transport();
    if let (Some(t), Some(n)) = (&transport, &net) {
        layers.push(transport::transport(t, n, partial));
    }
    let mut error = sliced.error.map(|e| error_json(e.layer.name(), &e.error));
    if let (None, Some(r)) = (&error, reassembled) {
        layers.extend(r.layers);
        if r.payload_len > 0 {
            let mut o = layer("payload");
            o.insert("len", r.payload_len.into());
            layers.push(o);
        }
        return Decoded { layers, error: r.error };
    }
    let mut rest = sliced.payload();
    if let (None, Some(t)) = (&error, &transport) {
        if let Some((quoted, at)) = transport::quoted_datagram(t) {
            let at = sliced.transport_offset() + at;
            let icmp = if matches!(t, Transport::Icmpv6(_)) { "icmpv6" } else { "icmpv4" };
            error = quoted_layers(quoted, at, icmp, &mut layers);
            rest = &[];
        }
    }
    if let (None, Some(app)) = (&error, app::classify(sliced)) {
        // DNS over TCP: every whole message in the segment, one layer each (a client
        // may send several queries at once, RFC 7766 §6.2.1.1).
        let mut more = true;
        while more {
            more = false;
            let at = sliced.payload_offset() + (sliced.payload().len() - rest.len());
            let cut = partial || app::continues(app, rest);
            match app::decode(app, rest, cut) {
                Ok(Some((obj, used))) => {
                    layers.push(obj);
                    rest = rest.get(used..).unwrap_or_default();
                    more = app == app::App::DnsTcp && app::whole_dns_tcp(rest);
                }
                Ok(None) => {}
                Err((obj, e)) => {
                    layers.extend(obj);
                    error = Some(error_json(app.name(), &e.at(at)));
                }
            }
        }
    }
    if let (None, Some(t)) = (&error, &transport) {
        if sliced.is_first_fragment() {
            error = Some(fragment_error(t, sliced));
        }
    }
    if error.is_none() && !rest.is_empty() {
        let mut o = layer("payload");
        o.insert("len", rest.len().into());
        layers.push(o);
    }
    Decoded { layers, error }
}

/// [`with_reassembly`] with IP fragment reassembly: what
/// [`defrag::Defragmenter::frame`] returned for this frame (`None`: not a fragment,
/// decoded as [`with_reassembly`] does) and what stream reassembly returned for it
/// (for a completed datagram, for the datagram).
///
/// A fragment that does not complete its datagram shows its IP layer and its data
/// as `payload`, as tshark shows fragments. The frame that completes one shows its
/// own IP layer with `"reassembled": {"fragments", "first_frame", "len"}`, then the
/// whole datagram's layers as an unfragmented packet's; offsets in its `error`
/// count from the start of the datagram rebuilt as one packet (the first
/// fragment's IP header, without an IPv6 fragment header, then the data).
pub fn with_defrag(
    sliced: &Sliced<'_>,
    fragment: Option<defrag::Fragment>,
    reassembled: Option<reassembly::Reassembled>,
) -> Decoded {
    let Some(fragment) = fragment else { return with_reassembly(sliced, reassembled) };
    let mut layers = Vec::with_capacity(5);
    if let Some(l) = &sliced.link_layer() {
        link::link_layer(l, &mut layers);
    }
    let Some(n) = sliced.net() else { return with_reassembly(sliced, reassembled) };
    let mut net = net::net(&n);
    match fragment {
        defrag::Fragment::Held => {
            layers.push(net);
            let data = defrag::fragment_data(&n).map_or(0, <[u8]>::len);
            if data > 0 {
                let mut o = layer("payload");
                o.insert("len", data.into());
                layers.push(o);
            }
            Decoded { layers, error: None }
        }
        defrag::Fragment::Complete(d) => {
            let reassembled_obj = obj!({
                "fragments": d.fragments, "first_frame": d.first_frame, "len": d.len()
            });
            net.insert("reassembled", reassembled_obj);
            layers.push(net);
            let whole = Sliced::new(LinkType::Ip, &d.packet);
            let inner = with_reassembly(&whole, reassembled);
            // The rebuilt packet's own IP layer is the frame's, shown above.
            layers.extend(inner.layers.into_iter().skip(1));
            Decoded { layers, error: inner.error }
        }
    }
}

/// The `error` of a first fragment: the datagram goes on past the frame.
fn fragment_error(t: &Transport<'_>, s: &Sliced<'_>) -> Value {
    let name = match t {
        Transport::Udp(_) => "udp",
        Transport::Tcp(_) => "tcp",
        Transport::Icmpv4(_) => "icmpv4",
        Transport::Icmpv6(_) => "icmpv6",
    };
    let end = s.payload_offset() + s.payload().len();
    json!({
        "layer": name, "offset": end, "field": "fragment",
        "message": format!(
            "{name} at {end}: the first fragment of a datagram ends here; \
             the rest is in later fragments (IP fragments are not reassembled)"
        )
    })
}

/// Pushes the layers of a datagram quoted in an ICMP error (`quoted`, at `at` in
/// the frame), each marked `"in_icmp": true`, and its payload; returns the error
/// where its decode stopped. The quote is usually cut (RFC 792 asks for the IP
/// header and 8 octets; Linux sends up to 576 octets in all), so it is sliced as a
/// cut capture of the length its IP header claims.
fn quoted_layers(quoted: &[u8], at: usize, icmp: &str, layers: &mut Vec<Obj>) -> Option<Value> {
    let claimed = match quoted.first().map(|b| b >> 4) {
        Some(4) => quoted.get(2..4).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))),
        Some(6) => quoted.get(4..6).map(|b| 40 + usize::from(u16::from_be_bytes([b[0], b[1]]))),
        _ => None,
    };
    let wire_len = claimed.unwrap_or(0).max(quoted.len());
    let inner = Sliced::new_captured(LinkType::Ip, quoted, wire_len);
    let mark = |mut o: Obj| {
        o.insert("in_icmp", true.into());
        o
    };
    let net = inner.net();
    if let Some(n) = &net {
        layers.push(mark(net::net(n)));
    }
    if let (Some(t), Some(n)) = (&inner.transport(), &net) {
        // A whole quote's checksums can be checked, as tshark does.
        layers.push(mark(transport::transport(t, n, inner.is_cut())));
    }
    match inner.error {
        Some(e) => {
            // RFC 792's 8 octets of TCP: the ports and the sequence number, as
            // tshark shows them; the rest of the header is not there.
            if e.layer == LayerKind::Tcp {
                if let Some(o) = transport::tcp_prefix(inner.payload()) {
                    layers.push(mark(o));
                }
            }
            Some(error_json(e.layer.name(), &e.error.at(at)))
        }
        None => {
            let rest = inner.payload();
            if !rest.is_empty() {
                let mut o = layer("payload");
                o.insert("len", rest.len().into());
                layers.push(mark(o));
            }
            // Most quotes hold only the start of the datagram: say where it stops.
            inner.is_cut().then(|| {
                let end = at + quoted.len();
                json!({
                    "layer": icmp, "offset": end, "field": "quoted",
                    "message": format!(
                        "quoted at {end}: the ICMP error quotes {} of the datagram's {wire_len} octets",
                        quoted.len()
                    )
                })
            })
        }
    }
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

/// A format `wirestate parse` decodes: the one list the CLI's parser, its help and
/// [`parse_with`] share (clap spells each variant in kebab case: `raw-ip`,
/// `http1-request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// An Ethernet II header, with its VLAN tags.
    Ethernet,
    /// An ARP packet.
    Arp,
    /// An IPv4 header with its options.
    Ipv4,
    /// An IPv6 header with its extension headers.
    Ipv6,
    /// An ICMPv4 message.
    Icmpv4,
    /// An ICMPv6 message, neighbour discovery included.
    Icmpv6,
    /// A UDP header.
    Udp,
    /// A TCP header with its options.
    Tcp,
    /// A DNS message.
    Dns,
    /// A DHCPv4 or BOOTP message.
    Dhcp,
    /// A whole HTTP/1.x request: head, body and trailers.
    Http1Request,
    /// A whole HTTP/1.x response (`--method` names the request's method).
    Http1Response,
    /// A URL's parts.
    Url,
    /// Every layer of an Ethernet frame.
    Frame,
    /// Every layer of a bare IPv4 or IPv6 packet.
    RawIp,
}

impl Format {
    /// Every format, in the order the help lists them.
    pub fn all() -> &'static [Format] {
        <Format as clap::ValueEnum>::value_variants()
    }

    /// The name the command line takes, e.g. `"http1-request"`.
    pub fn name(self) -> String {
        clap::ValueEnum::to_possible_value(&self)
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }
}

impl core::str::FromStr for Format {
    type Err = String;

    /// The format of that name.
    ///
    /// # Errors
    /// A message listing the names, for a name that is none of them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Format as clap::ValueEnum>::from_str(s, false).map_err(|_| {
            let names: Vec<String> = Format::all().iter().map(|f| f.name()).collect();
            format!("unknown format '{s}' (one of: {})", names.join(", "))
        })
    }
}

/// Decodes one message of one format: `Ok(layer object)` or `Err({"error": {...}})`.
///
/// `frame` and `raw-ip` decode every layer of an Ethernet frame or a bare IP packet
/// and succeed with `{"layers", "error"}` even when a layer fails (like `decode`).
///
/// ```
/// use wirestate::decode::{parse, Format};
/// let udp = parse(Format::Udp, &[0x9e, 0xcf, 0, 53, 0, 8, 0, 0]).unwrap();
/// assert_eq!(udp["dst_port"], 53);
/// // A length below the header's 8 bytes is refused, with the field and its offset.
/// let err = parse(Format::Udp, &[0x9e, 0xcf, 0, 53, 0, 7, 0, 0]).unwrap_err();
/// assert_eq!((err["error"]["field"].as_str(), err["error"]["offset"].as_u64()), (Some("length"), Some(4)));
/// ```
pub fn parse(format: Format, bytes: &[u8]) -> Result<Value, Value> {
    parse_with(format, bytes, &HttpOptions::default())
}

/// [`parse`] with the options `wirestate parse` takes for HTTP messages.
pub fn parse_with(format: Format, bytes: &[u8], http: &HttpOptions) -> Result<Value, Value> {
    let wrap = |layer: &str, e: Error| json!({ "error": error_json(layer, &e) });
    match format {
        Format::Frame => Ok(frame(LinkType::Ethernet, bytes, bytes.len()).to_json()),
        Format::RawIp => Ok(frame(LinkType::Ip, bytes, bytes.len()).to_json()),
        Format::Ethernet => link::parse_ethernet(bytes).map_err(|e| wrap("ethernet", e)),
        Format::Arp => net::parse_arp(bytes).map_err(|e| wrap("arp", e)),
        Format::Ipv4 => net::parse_ipv4(bytes).map_err(|e| wrap("ipv4", e)),
        Format::Ipv6 => net::parse_ipv6(bytes).map_err(|e| wrap("ipv6", e)),
        Format::Icmpv4 => transport::parse_icmpv4(bytes).map_err(|e| wrap("icmpv4", e)),
        Format::Icmpv6 => transport::parse_icmpv6(bytes).map_err(|e| wrap("icmpv6", e)),
        Format::Udp => transport::parse_udp(bytes).map_err(|e| wrap("udp", e)),
        Format::Tcp => transport::parse_tcp(bytes).map_err(|e| wrap("tcp", e)),
        Format::Dns => {
            app::dns_obj(bytes, None, false).map(Value::from).map_err(|e| wrap("dns", e))
        }
        Format::Dhcp => dhcp::dhcp_obj(bytes).map(Value::from).map_err(|e| wrap("dhcp", e)),
        Format::Http1Request => http::parse_message(bytes, true, http).map_err(|e| wrap("http", e)),
        Format::Http1Response => {
            http::parse_message(bytes, false, http).map_err(|e| wrap("http", e))
        }
        Format::Url => http::parse_url(bytes).map_err(|e| wrap("url", e)),
    }
}
