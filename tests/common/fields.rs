//! Field-for-field comparison of our decode JSON with `tshark -T json`: finding a
//! field in tshark's nested trees, reading its number and flag forms, and the
//! per-layer comparisons the agreement tests share.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

/// The first value of `key` anywhere inside `v` (tshark nests fields in `*_tree`s).
pub fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m.get(key).or_else(|| m.values().find_map(|c| find(c, key))),
        Value::Array(a) => a.iter().find_map(|c| find(c, key)),
        _ => None,
    }
}

pub fn ours_layer<'a>(layers: &'a [Value], proto: &str) -> Option<&'a Value> {
    layers.iter().find(|l| l["proto"] == proto)
}

/// tshark prints numbers as decimal or `0x` hex strings.
pub fn num(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

pub fn bool_of(s: &str) -> Option<bool> {
    match s {
        "1" | "True" | "true" => Some(true),
        "0" | "False" | "false" => Some(false),
        _ => None,
    }
}

/// tshark's checksum status: 0 bad, 1 good, 2 unverified.
pub fn status(s: &str) -> Value {
    match s {
        "0" => Value::Bool(false),
        "1" => Value::Bool(true),
        _ => Value::Null,
    }
}

pub enum Kind {
    Num,
    Str,
    Bool,
    Status,
}

pub struct Check {
    pub packet: u64,
    pub cut: bool,
    pub compared: usize,
    pub mismatches: Vec<String>,
}

impl Check {
    /// Counts one comparison; `what` describes it when `equal` is false.
    pub fn expect(&mut self, equal: bool, what: impl FnOnce() -> String) {
        self.compared += 1;
        if !equal {
            self.mismatches.push(format!("packet {}: {}", self.packet, what()));
        }
    }

    pub fn field(&mut self, theirs: &Value, tkey: &str, ours: &Value, okey: &str, kind: Kind) {
        let Some(t) = find(theirs, tkey).and_then(Value::as_str) else {
            self.mismatches.push(format!("packet {}: tshark has no {tkey}", self.packet));
            return;
        };
        let o = &ours[okey];
        let equal = match kind {
            Kind::Num => num(t).is_some() && o.as_u64() == num(t),
            Kind::Str => o.as_str() == Some(t),
            Kind::Bool => bool_of(t).is_some() && o.as_bool() == bool_of(t),
            Kind::Status => *o == status(t),
        };
        self.compared += 1;
        if !equal {
            self.mismatches.push(format!("packet {}: {tkey}={t} but {okey}={o}", self.packet));
        }
    }
}

pub fn compare(check: &mut Check, theirs: &Value, layers: &[Value]) {
    use Kind::*;
    link_layers(check, theirs, layers);
    if let (Some(t), Some(o)) = (theirs.get("eth"), ours_layer(layers, "ethernet")) {
        check.field(t, "eth.src", o, "src", Str);
        check.field(t, "eth.dst", o, "dst", Str);
        check.field(t, "eth.type", o, "ethertype", Num);
    }
    if let (Some(t), Some(o)) = (theirs.get("arp"), ours_layer(layers, "arp")) {
        check.field(t, "arp.hw.type", o, "htype", Num);
        check.field(t, "arp.proto.type", o, "ptype", Num);
        check.field(t, "arp.hw.size", o, "hlen", Num);
        check.field(t, "arp.proto.size", o, "plen", Num);
        check.field(t, "arp.opcode", o, "op", Num);
        check.field(t, "arp.src.hw_mac", o, "sha", Str);
        check.field(t, "arp.src.proto_ipv4", o, "spa", Str);
        check.field(t, "arp.dst.hw_mac", o, "tha", Str);
        check.field(t, "arp.dst.proto_ipv4", o, "tpa", Str);
    }
    if let (Some(t), Some(o)) = (theirs.get("ip"), ours_layer(layers, "ipv4")) {
        check.field(t, "ip.hdr_len", o, "header_len", Num);
        check.field(t, "ip.dsfield.dscp", o, "dscp", Num);
        check.field(t, "ip.dsfield.ecn", o, "ecn", Num);
        check.field(t, "ip.len", o, "total_len", Num);
        check.field(t, "ip.id", o, "id", Num);
        check.field(t, "ip.flags.df", o, "df", Bool);
        check.field(t, "ip.flags.mf", o, "mf", Bool);
        // tshark counts the offset in 8-octet units, the JSON in octets.
        let units = json!({"frag_units": o["frag_offset"].as_u64().map(|b| b / 8)});
        check.field(t, "ip.frag_offset", &units, "frag_units", Num);
        check.field(t, "ip.ttl", o, "ttl", Num);
        check.field(t, "ip.proto", o, "protocol", Num);
        check.field(t, "ip.checksum", o, "checksum", Num);
        check.field(t, "ip.checksum.status", o, "checksum_ok", Status);
        check.field(t, "ip.src", o, "src", Str);
        check.field(t, "ip.dst", o, "dst", Str);
    }
    if let (Some(t), Some(o)) = (theirs.get("ipv6"), ours_layer(layers, "ipv6")) {
        check.field(t, "ipv6.tclass", o, "traffic_class", Num);
        check.field(t, "ipv6.flow", o, "flow_label", Num);
        check.field(t, "ipv6.plen", o, "payload_len", Num);
        check.field(t, "ipv6.nxt", o, "next_header", Num);
        check.field(t, "ipv6.hlim", o, "hop_limit", Num);
        check.field(t, "ipv6.src", o, "src", Str);
        check.field(t, "ipv6.dst", o, "dst", Str);
    }
    if let (Some(t), Some(o)) = (theirs.get("udp"), ours_layer(layers, "udp")) {
        check.field(t, "udp.srcport", o, "src_port", Num);
        check.field(t, "udp.dstport", o, "dst_port", Num);
        check.field(t, "udp.length", o, "len", Num);
        check.field(t, "udp.checksum", o, "checksum", Num);
        check.field(t, "udp.checksum.status", o, "checksum_ok", Status);
    }
    if let (Some(t), Some(o)) = (theirs.get("tcp"), ours_layer(layers, "tcp")) {
        check.field(t, "tcp.srcport", o, "src_port", Num);
        check.field(t, "tcp.dstport", o, "dst_port", Num);
        check.field(t, "tcp.seq_raw", o, "seq", Num);
        check.field(t, "tcp.ack_raw", o, "ack", Num);
        check.field(t, "tcp.hdr_len", o, "data_offset", Num);
        check.field(t, "tcp.flags", o, "flags", Num);
        check.field(t, "tcp.window_size_value", o, "window", Num);
        check.field(t, "tcp.checksum", o, "checksum", Num);
        check.field(t, "tcp.checksum.status", o, "checksum_ok", Status);
        check.field(t, "tcp.urgent_pointer", o, "urgent", Num);
        check.field(t, "tcp.len", o, "payload_len", Num);
        tcp_options(check, t, o);
    }
    match (theirs.get("dns"), ours_layer(layers, "dns")) {
        (Some(t), Some(o)) => dns(check, t, o),
        // In a capture cut short, tshark shows what it can of a message; so do we,
        // unless the cut leaves less than the DNS header.
        (Some(_), None) if !check.cut => {
            check.mismatches.push(format!("packet {}: tshark decodes DNS, we do not", check.packet))
        }
        _ => {}
    }
    if let (Some(t), Some(o)) = (theirs.get("dhcp"), ours_layer(layers, "dhcp")) {
        dhcp(check, t, o);
    }
    if let (Some(t), Some(o)) = (theirs.get("http"), ours_layer(layers, "http")) {
        if o["kind"] == "request" {
            check.field(t, "http.request.method", o, "method", Kind::Str);
            check.field(t, "http.request.uri", o, "target", Kind::Str);
        } else {
            check.field(t, "http.response.code", o, "status", Kind::Num);
        }
        if o.get("body_len").is_some() && find(t, "http.content_length_header").is_some() {
            check.field(t, "http.content_length_header", o, "body_len", Kind::Num);
        }
    }
    if let (Some(t), Some(o)) = (theirs.get("icmp"), ours_layer(layers, "icmpv4")) {
        check.field(t, "icmp.type", o, "type", Num);
        check.field(t, "icmp.code", o, "code", Num);
        check.field(t, "icmp.checksum", o, "checksum", Num);
        check.field(t, "icmp.checksum.status", o, "checksum_ok", Status);
        if o.get("id").is_some() {
            check.field(t, "icmp.ident", o, "id", Num);
            check.field(t, "icmp.seq", o, "seq", Num);
        }
    }
    if let (Some(t), Some(o)) = (theirs.get("icmpv6"), ours_layer(layers, "icmpv6")) {
        check.field(t, "icmpv6.type", o, "type", Num);
        check.field(t, "icmpv6.code", o, "code", Num);
        check.field(t, "icmpv6.checksum", o, "checksum", Num);
        check.field(t, "icmpv6.checksum.status", o, "checksum_ok", Status);
        if o.get("target").is_some() {
            let key = if o["type"] == 135 {
                "icmpv6.nd.ns.target_address"
            } else {
                "icmpv6.nd.na.target_address"
            };
            check.field(t, key, o, "target", Str);
        }
    }
}

/// The link headers of captures other than Ethernet: Linux cooked v1 and v2
/// (tshark's `sll` for both), BSD loopback (`null` for NULL and LOOP) and PPP.
pub fn link_layers(check: &mut Check, theirs: &Value, layers: &[Value]) {
    use Kind::*;
    if let (Some(t), Some(o)) = (theirs.get("sll"), ours_layer(layers, "sll")) {
        check.field(t, "sll.pkttype", o, "pkttype", Num);
        check.field(t, "sll.hatype", o, "hatype", Num);
        check.field(t, "sll.halen", o, "halen", Num);
        check.field(t, "sll.etype", o, "protocol", Num);
        // tshark shows a 6-byte address of an Ethernet or loopback device as a MAC.
        if find(t, "sll.src.eth").is_some() {
            check.field(t, "sll.src.eth", o, "addr", Str);
        }
        if o["version"] == 2 {
            check.field(t, "sll.ifindex", o, "ifindex", Num);
        }
    }
    if let (Some(t), Some(o)) = (theirs.get("null"), ours_layer(layers, "null")) {
        check.field(t, "null.family", o, "family", Num);
    }
    if let (Some(t), Some(o)) = (theirs.get("ppp"), ours_layer(layers, "ppp")) {
        check.field(t, "ppp.protocol", o, "protocol", Num);
        if o.get("address").is_some() {
            check.field(t, "ppp.address", o, "address", Num);
            check.field(t, "ppp.control", o, "control", Num);
        } else {
            let has = find(t, "ppp.address").is_some();
            check.expect(!has, || "ppp.address present but we saw it compressed".to_string());
        }
    }
}

/// tshark's name for each layer we name, for the layers both decode in these captures.
pub const SAME_LAYERS: &[(&str, &str)] = &[
    ("sll", "sll"),
    ("null", "null"),
    ("ppp", "ppp"),
    ("eth", "ethernet"),
    ("arp", "arp"),
    ("ip", "ipv4"),
    ("ipv6", "ipv6"),
    ("icmp", "icmpv4"),
    ("icmpv6", "icmpv6"),
    ("udp", "udp"),
    ("tcp", "tcp"),
];

/// Each layer one side decodes, the other decodes too (`compare` only looks at
/// layers both have).
pub fn same_layers(check: &mut Check, theirs: &Value, layers: &[Value]) {
    // tshark nests the datagram an ICMP error quotes inside its ICMP layer.
    let outer: Vec<Value> = layers.iter().filter(|l| l.get("in_icmp").is_none()).cloned().collect();
    for (tname, oname) in SAME_LAYERS {
        let (t, o) = (theirs.get(*tname).is_some(), ours_layer(&outer, oname).is_some());
        check.expect(t == o, || format!("tshark has {tname}: {t}, we have {oname}: {o}"));
    }
}

/// `decode --json` of `capture` by the CLI, one value per packet.
pub fn decode_json(capture: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_wirestate"))
        .args(["decode", "--json"])
        .arg(capture)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        capture.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// tshark's `frame.time_epoch` (seconds, nanoseconds) cut to our `ts`'s microseconds.
pub fn epoch_micros(theirs: &Value) -> String {
    let t = find(&theirs["frame"], "frame.time_epoch").and_then(Value::as_str).unwrap();
    let (secs, frac) = t.split_once('.').unwrap_or((t, ""));
    format!("{secs}.{:0<6.6}", frac)
}

/// The fixed header, the names in `sname` and `file`, the magic cookie or BOOTP
/// vendor area, and whether the end option was there.
pub fn dhcp(check: &mut Check, t: &Value, o: &Value) {
    check.field(t, "dhcp.type", o, "op", Kind::Num);
    check.field(t, "dhcp.hw.type", o, "htype", Kind::Num);
    check.field(t, "dhcp.hw.len", o, "hlen", Kind::Num);
    check.field(t, "dhcp.hops", o, "hops", Kind::Num);
    check.field(t, "dhcp.id", o, "xid", Kind::Num);
    check.field(t, "dhcp.secs", o, "secs", Kind::Num);
    check.field(t, "dhcp.ip.client", o, "ciaddr", Kind::Str);
    check.field(t, "dhcp.ip.your", o, "yiaddr", Kind::Str);
    check.field(t, "dhcp.ip.server", o, "siaddr", Kind::Str);
    check.field(t, "dhcp.ip.relay", o, "giaddr", Kind::Str);
    check.field(t, "dhcp.hw.mac_addr", o, "chaddr", Kind::Str);
    for (tkey, okey) in [("dhcp.server", "sname"), ("dhcp.file", "file")] {
        if o[okey].is_null() {
            // Overloaded (RFC 2131 §4.1): tshark shows the options there, no name.
            let has = find(t, tkey).is_some();
            check.expect(!has, || format!("{tkey} present but {okey} is overloaded"));
        } else {
            check.field(t, tkey, o, okey, Kind::Str);
        }
    }
    // The magic cookie (RFC 2131 §3), or a BOOTP message (RFC 951) whose vendor
    // area tshark shows as dhcp.vendor_specific_options with dhcp.bootp set.
    let cookie = o["magic_cookie"].as_bool();
    let has_cookie = find(t, "dhcp.cookie").is_some();
    check.expect(cookie == Some(has_cookie), || {
        format!("dhcp.cookie present: {has_cookie} but magic_cookie={}", o["magic_cookie"])
    });
    if cookie == Some(false) {
        check.field(t, "dhcp.bootp", &json!({"bootp": true}), "bootp", Kind::Bool);
        let ours = o["vendor"].as_str().unwrap_or("?");
        match find(t, "dhcp.vendor_specific_options").and_then(Value::as_str) {
            Some(v) => {
                let theirs = v.replace(':', "");
                check.expect(theirs == ours, || format!("vendor area {theirs} but vendor={ours}"));
            }
            // tshark 4.0 reads a fixed 64-octet vendor area and calls a shorter
            // one malformed, without the field; we keep what there is.
            None => check.expect(ours.len() < 128, || format!("no vendor area but vendor={ours}")),
        }
    }
    // RFC 2131 §4.1's end option, in the options field or an overloaded field.
    if let Some(end) = o["end_option"].as_bool() {
        let missing = [
            "dhcp.end_option_missing",
            "dhcp.option.option_overload.file_end_missing",
            "dhcp.option.option_overload.sname_end_missing",
        ]
        .into_iter()
        .find(|k| find(t, k).is_some());
        check.expect(end == missing.is_none(), || format!("{missing:?} but end_option={end}"));
    }
}

pub fn dns(check: &mut Check, t: &Value, o: &Value) {
    check.field(t, "dns.id", o, "id", Kind::Num);
    check.field(t, "dns.flags.response", o, "qr", Kind::Bool);
    check.field(t, "dns.flags.recdesired", o, "rd", Kind::Bool);
    let count = |k: &str| json!(o[k].as_array().map_or(0, Vec::len));
    // A message decoded as far as it goes says the header's counts apart.
    let counts = match o.get("counts") {
        Some(c) => c.clone(),
        None => json!({
            "questions": count("questions"), "answers": count("answers"),
            "authorities": count("authorities"), "additionals": count("additionals"),
        }),
    };
    check.field(t, "dns.count.queries", &counts, "questions", Kind::Num);
    check.field(t, "dns.count.answers", &counts, "answers", Kind::Num);
    check.field(t, "dns.count.auth_rr", &counts, "authorities", Kind::Num);
    check.field(t, "dns.count.add_rr", &counts, "additionals", Kind::Num);
    // tshark prints names without the root's trailing dot.
    if let Some(name) = o["questions"][0]["name"].as_str() {
        let relative = json!({"name": name.strip_suffix('.').unwrap_or(name)});
        check.field(t, "dns.qry.name", &relative, "name", Kind::Str);
    }
    if o.get("tcp_len").is_some() {
        check.field(t, "dns.length", o, "tcp_len", Kind::Num);
    }
}

pub fn tcp_options(check: &mut Check, t: &Value, o: &Value) {
    let opts = o["options"].as_array().cloned().unwrap_or_default();
    let get = |kind: &str| opts.iter().find(|x| x["kind"] == kind).cloned();
    if let Some(mss) = get("mss") {
        check.field(t, "tcp.options.mss_val", &mss, "value", Kind::Num);
    }
    if let Some(ws) = get("window_scale") {
        check.field(t, "tcp.options.wscale.shift", &ws, "shift", Kind::Num);
    }
    if let Some(ts) = get("timestamps") {
        check.field(t, "tcp.options.timestamp.tsval", &ts, "tsval", Kind::Num);
        check.field(t, "tcp.options.timestamp.tsecr", &ts, "tsecr", Kind::Num);
    }
}

/// `tshark -T json` of `capture` (with `extra` arguments), or `None` (test
/// skipped) without tshark.
pub fn tshark_json(capture: &str, extra: &[&str]) -> Option<Vec<Value>> {
    let checks = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"];
    tshark_with(capture, &[extra, &checks, &["-o", "udp.check_checksum:TRUE"]].concat())
}

/// `tshark -T json` of `capture` with `args` only (checksums unchecked, its default).
pub fn tshark_with(capture: &str, args: &[&str]) -> Option<Vec<Value>> {
    super::tshark(Path::new(capture), args)
}
