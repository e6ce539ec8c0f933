//! `wirestate decode --json` agrees field for field with `tshark -T json` on a capture
//! of real traffic (spec-vectors/captures/real-traffic.pcap), on a capture built
//! from the DHCP spec vectors (BOOTP messages without the magic cookie, options
//! without the end option), and on a capture of each other link type it reads
//! (spec-vectors/captures/linktypes: Linux cooked v1/v2, BSD NULL/LOOP, PPP, raw
//! IPv4/IPv6, and a pcapng mixing them with per-interface timestamp units and offsets),
//! and, with IP fragment reassembly, on the fragments of spec-vectors/captures/lax and
//! spec-vectors/captures/defrag.
//!
//! tshark must be installed (`.ci/setup` installs it). Without it the test says so and
//! passes, unless `WIRESTATE_REQUIRE_TSHARK=1` (set by `cargo xtask ci`), so that in CI
//! it cannot silently check nothing.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use pcap_file::pcap::PcapReader;
use serde_json::{json, Value};
use wirestate::decode;
use wirestate_packet::LinkType;

const CAPTURE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/real-traffic.pcap");

/// The first value of `key` anywhere inside `v` (tshark nests fields in `*_tree`s).
fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m.get(key).or_else(|| m.values().find_map(|c| find(c, key))),
        Value::Array(a) => a.iter().find_map(|c| find(c, key)),
        _ => None,
    }
}

fn ours_layer<'a>(layers: &'a [Value], proto: &str) -> Option<&'a Value> {
    layers.iter().find(|l| l["proto"] == proto)
}

/// tshark prints numbers as decimal or `0x` hex strings.
fn num(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

fn bool_of(s: &str) -> Option<bool> {
    match s {
        "1" | "True" | "true" => Some(true),
        "0" | "False" | "false" => Some(false),
        _ => None,
    }
}

/// tshark's checksum status: 0 bad, 1 good, 2 unverified.
fn status(s: &str) -> Value {
    match s {
        "0" => Value::Bool(false),
        "1" => Value::Bool(true),
        _ => Value::Null,
    }
}

enum Kind {
    Num,
    Str,
    Bool,
    Status,
}

struct Check {
    packet: u64,
    cut: bool,
    compared: usize,
    mismatches: Vec<String>,
}

impl Check {
    /// Counts one comparison; `what` describes it when `equal` is false.
    fn expect(&mut self, equal: bool, what: impl FnOnce() -> String) {
        self.compared += 1;
        if !equal {
            self.mismatches.push(format!("packet {}: {}", self.packet, what()));
        }
    }

    fn field(&mut self, theirs: &Value, tkey: &str, ours: &Value, okey: &str, kind: Kind) {
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

fn compare(check: &mut Check, theirs: &Value, layers: &[Value]) {
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
fn link_layers(check: &mut Check, theirs: &Value, layers: &[Value]) {
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
const SAME_LAYERS: &[(&str, &str)] = &[
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
fn same_layers(check: &mut Check, theirs: &Value, layers: &[Value]) {
    // tshark nests the datagram an ICMP error quotes inside its ICMP layer.
    let outer: Vec<Value> = layers.iter().filter(|l| l.get("in_icmp").is_none()).cloned().collect();
    for (tname, oname) in SAME_LAYERS {
        let (t, o) = (theirs.get(*tname).is_some(), ours_layer(&outer, oname).is_some());
        check.expect(t == o, || format!("tshark has {tname}: {t}, we have {oname}: {o}"));
    }
}

/// `decode --json` of `capture` by the CLI, one value per packet.
fn decode_json(capture: &Path) -> Vec<Value> {
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
fn epoch_micros(theirs: &Value) -> String {
    let t = find(&theirs["frame"], "frame.time_epoch").and_then(Value::as_str).unwrap();
    let (secs, frac) = t.split_once('.').unwrap_or((t, ""));
    format!("{secs}.{:0<6.6}", frac)
}

const LINKTYPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/linktypes");

/// The captures in spec-vectors/captures/linktypes, one per link type and a pcapng
/// mixing them: each packet's link header, IP, ARP, ICMP, UDP and TCP fields and
/// time agree with tshark's, and neither side decodes a layer the other does not.
#[test]
fn every_link_type_agrees_with_tshark() {
    // Each file, and how many of its packets have each of the layers named.
    let files: [(&str, &[(&str, usize)]); 9] = [
        ("sll.pcap", &[("sll", 23), ("arp", 2), ("tcp", 10), ("udp", 1), ("icmpv6", 5)]),
        ("sll2.pcap", &[("sll", 23), ("arp", 2), ("tcp", 10), ("udp", 1), ("icmpv6", 5)]),
        ("null.pcap", &[("null", 21), ("ipv6", 5), ("tcp", 10)]),
        ("loop.pcap", &[("null", 21), ("ipv6", 5), ("tcp", 10)]),
        ("ppp.pcap", &[("ppp", 21), ("ipv6", 5), ("tcp", 10)]),
        ("ipv4.pcap", &[("ipv4", 16), ("tcp", 10)]),
        ("ipv6.pcap", &[("ipv6", 5)]),
        ("raw12.pcap", &[("ipv4", 16), ("ipv6", 5)]),
        ("mixed.pcapng", &[("sll", 8), ("null", 8), ("ppp", 8), ("ipv4", 16)]),
    ];
    let mut total = 0;
    for (file, expected) in files {
        let path = Path::new(LINKTYPES).join(file);
        let Some(theirs) = tshark_json(path.to_str().unwrap(), &[]) else { return };
        let ours = decode_json(&path);
        assert_eq!(ours.len(), theirs.len(), "{file}: packet count");
        let mut check = Check { packet: 0, cut: false, compared: 0, mismatches: Vec::new() };
        let mut seen = vec![0; expected.len()];
        for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            check.packet = i as u64 + 1;
            assert!(o["error"].is_null(), "{file} packet {}: {}", i + 1, o["error"]);
            let layers = o["layers"].as_array().unwrap();
            for (n, (proto, _)) in seen.iter_mut().zip(expected) {
                let outer =
                    layers.iter().any(|l| l["proto"] == *proto && l.get("in_icmp").is_none());
                *n += usize::from(outer);
            }
            let t = &t["_source"]["layers"];
            let ts = epoch_micros(t);
            check.expect(o["ts"] == ts.as_str(), || format!("ts {} but tshark {ts}", o["ts"]));
            same_layers(&mut check, t, layers);
            compare(&mut check, t, layers);
        }
        assert!(
            check.mismatches.is_empty(),
            "{file}: {} mismatches:\n{}",
            check.mismatches.len(),
            check.mismatches.join("\n")
        );
        // The layers compared were there: a link type read wrong shows here.
        let want: Vec<usize> = expected.iter().map(|(_, n)| *n).collect();
        assert_eq!(seen, want, "{file}: packets with each of {expected:?}");
        eprintln!("{file}: {} packets, {} fields compared", ours.len(), check.compared);
        total += check.compared;
    }
    assert!(total > 3000, "{total} fields");
}

/// mixed.pcapng's interfaces differ in if_tsresol (ns, µs, 2^-20 s, ms) and
/// if_tsoffset (+1700000000 s, none, +86400 s, -1000 s): each packet's time is
/// tshark's `frame.time_epoch`, and the offsets matter (without them the times
/// would be decades apart).
#[test]
fn pcapng_timestamps_follow_if_tsresol_and_if_tsoffset_as_tshark_does() {
    let path = Path::new(LINKTYPES).join("mixed.pcapng");
    let Some(theirs) = tshark_json(path.to_str().unwrap(), &[]) else { return };
    let ours = decode_json(&path);
    assert_eq!(ours.len(), theirs.len());
    let mut offset_packets = 0;
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let t = &t["_source"]["layers"];
        assert_eq!(o["ts"], epoch_micros(t).as_str(), "packet {}", i + 1);
        offset_packets += usize::from(o["layers"][0]["proto"] != "null");
    }
    // The recorded times are from late 2026: every packet, offset or not, reads so.
    assert!(ours.iter().all(|o| o["ts"].as_str().unwrap().starts_with("17966")));
    assert!(ours.len() >= 28 && offset_packets >= 20, "{} {offset_packets}", ours.len());
}

/// The fixed header, the names in `sname` and `file`, the magic cookie or BOOTP
/// vendor area, and whether the end option was there.
fn dhcp(check: &mut Check, t: &Value, o: &Value) {
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

fn dns(check: &mut Check, t: &Value, o: &Value) {
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

fn tcp_options(check: &mut Check, t: &Value, o: &Value) {
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

#[test]
fn decode_agrees_with_tshark_field_for_field() {
    agree_with_tshark(CAPTURE, 1500);
}

/// The same capture cut to 80 bytes a packet, as `tcpdump -s 80` would record it:
/// headers still decode, checksums over missing bytes are `null` on both sides.
#[test]
fn decode_of_a_snap_length_capture_agrees_with_tshark() {
    let cut = std::env::temp_dir().join(format!("wirestate-snap80-{}.pcap", std::process::id()));
    let editcap =
        Command::new("editcap").args(["-F", "pcap", "-s", "80", CAPTURE]).arg(&cut).status();
    if !matches!(editcap, Ok(s) if s.success()) {
        let required = std::env::var("WIRESTATE_REQUIRE_TSHARK").is_ok_and(|v| v == "1");
        assert!(!required, "editcap (from tshark's packages) is required here: {editcap:?}");
        eprintln!("SKIPPED: editcap is not installed (run ./.ci/setup)");
        return;
    }
    agree_with_tshark(cut.to_str().unwrap(), 1000);
    let _ = std::fs::remove_file(&cut);
}

/// `tshark -T json` of `capture` (with `extra` arguments), or `None` (test
/// skipped) without tshark.
fn tshark_json(capture: &str, extra: &[&str]) -> Option<Vec<Value>> {
    let checks = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"];
    tshark_with(capture, &[extra, &checks, &["-o", "udp.check_checksum:TRUE"]].concat())
}

/// `tshark -T json` of `capture` with `args` only (checksums unchecked, its default).
fn tshark_with(capture: &str, args: &[&str]) -> Option<Vec<Value>> {
    let tshark = Command::new("tshark").args(["-r", capture, "-T", "json"]).args(args).output();
    match tshark {
        Ok(out) if out.status.success() => Some(serde_json::from_slice(&out.stdout).unwrap()),
        other => {
            let required = std::env::var("WIRESTATE_REQUIRE_TSHARK").is_ok_and(|v| v == "1");
            assert!(!required, "tshark is required here but did not run: {other:?}");
            eprintln!("SKIPPED: tshark is not installed (run ./.ci/setup)");
            None
        }
    }
}

fn agree_with_tshark(capture: &str, min_fields: usize) {
    let Some(theirs) = tshark_json(capture, &[]) else { return };
    let mut reader = PcapReader::new(std::fs::File::open(capture).unwrap()).unwrap();
    let mut check = Check { packet: 0, cut: false, compared: 0, mismatches: Vec::new() };
    let mut packets = 0;
    while let Some(pkt) = reader.next_raw_packet() {
        let pkt = pkt.unwrap();
        let decoded = decode::frame(LinkType::Ethernet, &pkt.data, pkt.orig_len as usize);
        if let Some(e) = &decoded.error {
            // Only a header cut by the snap length may fail, and only as truncated;
            // the layers before it are still compared.
            let cut = pkt.data.len() < pkt.orig_len as usize;
            let truncated = e["message"].as_str().is_some_and(|m| m.contains("need"));
            assert!(cut && truncated, "packet {}: {e}", packets + 1);
        }
        let t = &theirs[packets]["_source"]["layers"];
        check.packet = packets as u64 + 1;
        check.cut = pkt.data.len() < pkt.orig_len as usize;
        compare(&mut check, t, &decoded.layers_json());
        packets += 1;
    }
    assert_eq!(packets, theirs.len());
    assert!(
        check.mismatches.is_empty(),
        "{} mismatches:\n{}",
        check.mismatches.len(),
        check.mismatches.join("\n")
    );
    // The capture has every layer above: make sure they were really compared.
    assert!(
        packets >= 70 && check.compared > min_fields,
        "{packets} packets, {} fields",
        check.compared
    );
    eprintln!("tshark agreement: {packets} packets, {} fields compared", check.compared);
}

/// `payload` in UDP (68 -> 67 for a request, 67 -> 68 for a reply) in IPv4 in
/// Ethernet. UDP checksum 0 (none, RFC 768): unchecked on both sides.
fn dhcp_frame(payload: &[u8]) -> Vec<u8> {
    let (sport, dport) = if payload.first() == Some(&2) { (67u16, 68u16) } else { (68, 67) };
    let udp_len = 8 + payload.len() as u16;
    let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
    ip[2..4].copy_from_slice(&(20 + udp_len).to_be_bytes());
    let sum: u32 = ip.chunks(2).map(|w| u32::from(u16::from_be_bytes([w[0], w[1]]))).sum();
    let folded = (sum & 0xffff) + (sum >> 16);
    ip[10..12].copy_from_slice(&(!((folded & 0xffff) + (folded >> 16)) as u16).to_be_bytes());
    let mut f = vec![0xff; 6];
    f.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x00]);
    f.extend_from_slice(&ip);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&udp_len.to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(payload);
    f
}

/// Every DHCP spec vector that decodes, framed and written to a capture: the
/// header, the magic cookie or BOOTP vendor area (RFC 951) and the end option
/// (RFC 2131 §4.1) agree with tshark, lenient and BOOTP vectors included.
#[test]
fn dhcp_vectors_agree_with_tshark() {
    use pcap_file::pcap::{PcapPacket, PcapWriter};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-vectors/dhcp");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let mut frames = Vec::new();
    for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let (Some("dhcp"), Some(hex)) = (v["format"].as_str(), v["hex"].as_str()) else { continue };
        let bytes = decode::unhex(hex).unwrap();
        let http = decode::HttpOptions::default();
        if decode::parse_with(decode::Format::Dhcp, &bytes, &http).is_ok() {
            frames.push(dhcp_frame(&bytes));
        }
    }
    let capture = std::env::temp_dir().join(format!("wirestate-dhcp-{}.pcap", std::process::id()));
    let mut w = PcapWriter::new(std::fs::File::create(&capture).unwrap()).unwrap();
    for (i, f) in frames.iter().enumerate() {
        let ts = std::time::Duration::from_secs(1_700_000_000 + i as u64);
        w.write_packet(&PcapPacket::new(ts, f.len() as u32, f)).unwrap();
    }
    drop(w);
    // Without --no-duplicate-keys, tshark repeats `dhcp.option.type_tree` in one
    // object and the last one hides the expert note inside the overload option.
    let theirs = tshark_json(capture.to_str().unwrap(), &["--no-duplicate-keys"]);
    let _ = std::fs::remove_file(&capture);
    let Some(theirs) = theirs else { return };
    assert_eq!(theirs.len(), frames.len());
    let mut check = Check { packet: 0, cut: false, compared: 0, mismatches: Vec::new() };
    let (mut bootp, mut no_end) = (0, 0);
    for (i, (f, t)) in frames.iter().zip(&theirs).enumerate() {
        let decoded = decode::frame(LinkType::Ethernet, f, f.len());
        assert!(decoded.error.is_none(), "frame {}: {:?}", i + 1, decoded.error);
        let layers = decoded.layers_json();
        let o = ours_layer(&layers, "dhcp").unwrap();
        bootp += usize::from(o["magic_cookie"] == false);
        no_end += usize::from(o["end_option"] == false);
        check.packet = i as u64 + 1;
        compare(&mut check, &t["_source"]["layers"], &layers);
    }
    assert!(
        check.mismatches.is_empty(),
        "{} mismatches:\n{}",
        check.mismatches.len(),
        check.mismatches.join("\n")
    );
    // The BOOTP and lenient vectors were there and compared.
    assert!(
        bootp >= 2 && no_end >= 3 && check.compared > 500,
        "{bootp} {no_end} {}",
        check.compared
    );
    eprintln!(
        "tshark agreement (dhcp vectors): {} packets, {} fields",
        frames.len(),
        check.compared
    );
}

const LAX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/lax/lax.pcap");

/// The lax cases of spec-vectors/captures/lax (first fragments, ICMP errors
/// quoting a datagram, DNS and HTTP messages cut by the end of their segment)
/// agree with tshark field for field, each saying in `error` where its decode
/// stopped: per packet against tshark without TCP reassembly, and with our stream
/// reassembly against tshark's (the cut messages then decode whole on the frame
/// that completes them). IP fragments are not reassembled on either side.
#[test]
fn lax_cases_agree_with_tshark() {
    lax_cases(false);
    lax_cases(true);
}

fn lax_cases(reassemble: bool) {
    let mut args =
        vec!["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "--no-duplicate-keys"];
    if !reassemble {
        args.extend(["-o", "tcp.desegment_tcp_streams:FALSE"]);
    }
    // tshark does not reassemble segments whose checksum it finds bad, and the
    // capture's were left to offload: with reassembly it runs without checking
    // them, and the app layers are what is compared (the rest is the per-packet
    // run's).
    let theirs = if reassemble { tshark_with(LAX, &args) } else { tshark_json(LAX, &args) };
    let Some(theirs) = theirs else { return };
    let mut reassembler = decode::reassembly::Reassembler::new(Default::default());
    let mut reader = PcapReader::new(std::fs::File::open(LAX).unwrap()).unwrap();
    let mut check = Check { packet: 0, cut: false, compared: 0, mismatches: Vec::new() };
    let (mut fragments, mut quoted, mut dns_cut, mut http_cut) = (0, 0, 0, 0);
    let (mut dns, mut http) = (0, 0);
    let mut index = 0;
    while let Some(pkt) = reader.next_raw_packet() {
        let pkt = pkt.unwrap();
        let sliced = wirestate_packet::Sliced::new_captured(
            LinkType::Ethernet,
            &pkt.data,
            pkt.orig_len as usize,
        );
        let whole = reassemble.then(|| reassembler.frame(index as u64 + 1, &sliced)).flatten();
        let decoded = decode::with_reassembly(&sliced, whole);
        let layers = decoded.layers_json();
        dns += usize::from(ours_layer(&layers, "dns").is_some());
        http += usize::from(ours_layer(&layers, "http").is_some());
        let t = &theirs[index]["_source"]["layers"];
        index += 1;
        check.packet = index as u64;
        let outer: Vec<Value> =
            layers.iter().filter(|l| l.get("in_icmp").is_none()).cloned().collect();
        if reassemble {
            let mut apps = serde_json::Map::new();
            for key in ["dns", "http"] {
                if let Some(v) = t.get(key) {
                    apps.insert(key.into(), v.clone());
                }
            }
            compare(&mut check, &Value::Object(apps), &outer);
            if let Some(o) = ours_layer(&outer, "http").filter(|o| o["kind"] == "response") {
                let segments = find(t, "tcp.segment.count").and_then(Value::as_str);
                check.expect(segments == Some("2"), || format!("tcp.segment.count {segments:?}"));
                check.expect(o["reassembled"]["segments"] == 2, || o.to_string());
            }
        } else {
            compare(&mut check, t, &outer);
        }
        // The quoted datagram: tshark nests it inside the ICMP layer.
        let inner: Vec<Value> =
            layers.iter().filter(|l| l.get("in_icmp").is_some()).cloned().collect();
        if !inner.is_empty() && reassemble {
            quoted += 1;
        } else if !inner.is_empty() {
            let icmp = t.get("icmp").or_else(|| t.get("icmpv6")).unwrap();
            let nested = json!({
                "ip": icmp.get("ip"), "ipv6": icmp.get("ipv6"), "udp": icmp.get("udp"),
            });
            let before = check.compared;
            compare(&mut check, &nested, &inner);
            assert!(check.compared >= before + 10, "packet {index}: nested layers not compared");
            quoted += 1;
        }
        if let Some(e) = &decoded.error {
            let field = e["field"].as_str().unwrap();
            match (e["layer"].as_str().unwrap(), field) {
                ("icmpv4" | "icmpv6" | "udp" | "tcp", "fragment") => fragments += 1,
                ("dns", _) => {
                    assert_eq!(ours_layer(&layers, "dns").unwrap()["partial"], true);
                    dns_cut += 1;
                }
                ("http", "head") => {
                    let o = ours_layer(&layers, "http").unwrap();
                    assert_eq!(o["partial"], true);
                    // Every complete field line we show is one tshark shows.
                    let lines =
                        find(t, "http.response.line").or_else(|| find(t, "http.request.line"));
                    let lines: Vec<&str> = match lines {
                        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                        Some(Value::String(s)) => vec![s.as_str()],
                        _ => vec![],
                    };
                    for h in o["headers"].as_array().unwrap() {
                        let line =
                            format!("{}: {}\r\n", h[0].as_str().unwrap(), h[1].as_str().unwrap());
                        check.expect(lines.contains(&line.as_str()), || {
                            format!("{line:?} not in {lines:?}")
                        });
                    }
                    http_cut += 1;
                }
                other => panic!("packet {index}: unexpected error {other:?}: {e}"),
            }
        }
    }
    assert_eq!(index, theirs.len());
    assert!(
        check.mismatches.is_empty(),
        "{} mismatches:\n{}",
        check.mismatches.len(),
        check.mismatches.join("\n")
    );
    // Two pings each way over IPv4 and IPv6, two port unreachables; per packet one
    // cut head and one cut DNS answer, which reassembly decodes whole: all there and
    // compared (the request and the query too).
    let cut = usize::from(!reassemble);
    assert_eq!((fragments, quoted, dns_cut, http_cut), (4, 2, cut, cut));
    assert_eq!((dns, http), (2, 2));
    assert!(check.compared > if reassemble { 20 } else { 400 }, "{} fields", check.compared);
    let mode = if reassemble { "reassembled" } else { "per packet" };
    eprintln!("tshark agreement (lax, {mode}): {index} packets, {} fields", check.compared);
}

const FRAGMENTS: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/defrag/fragments.pcap");
const DNS_FRAGMENTS: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/defrag/dns-fragments.pcap");

/// IP fragment reassembly agrees with tshark's, which is on by default
/// (`ip.defragment`, `ipv6.defragment`): on the `ping -s 3000` of
/// spec-vectors/captures/lax (IPv4 and IPv6, each way), on the DNS answers over UDP
/// the kernel fragmented in spec-vectors/captures/defrag/dns-fragments.pcap, and on
/// the fragments of
/// spec-vectors/captures/defrag (out of order, the last first, duplicates, IPv4
/// overlaps, interleaved datagrams, DNS answers over UDP, a datagram over 65,535
/// octets, a wrong UDP checksum), every layer and field of every packet agrees, the
/// frame that completes a datagram included; fragments that do not complete one
/// show as tshark's `data`. One departure: an IPv6 datagram with overlapping
/// fragments, which RFC 5722 abandons and tshark reassembles (frame 22).
#[test]
fn reassembled_fragments_agree_with_tshark() {
    let Some(lax) = defragmented_agree(LAX, &[]) else { return };
    // Two echo requests and two replies, of 3 fragments each.
    assert_eq!((lax.completed, lax.held), (4, 8), "lax");
    let Some(dns) = defragmented_agree(DNS_FRAGMENTS, &[]) else { return };
    // An answer over IPv4 and one over IPv6, of 2 fragments each.
    assert_eq!((dns.completed, dns.held), (2, 2), "dns-fragments.pcap");
    let Some(made) = defragmented_agree(FRAGMENTS, &[22]) else { return };
    // A, B, C, E (IPv4 echoes), F, H (IPv6 echoes), I, J (DNS), K (2), M (UDP);
    // 38 frames, less the 11 that complete and frame 22.
    assert_eq!((made.completed, made.held), (11, 26), "fragments.pcap");
    assert!(lax.compared > 1500 && made.compared > 1000, "{} {}", lax.compared, made.compared);
    assert!(
        lax.on_completed >= 130 && made.on_completed >= 400,
        "{} {}",
        lax.on_completed,
        made.on_completed
    );
    assert!(dns.on_completed >= 60, "{}", dns.on_completed);
    eprintln!(
        "tshark agreement (IP reassembly): lax.pcap {} fields ({} on the 4 frames that \
         complete a datagram), dns-fragments.pcap {} ({} on the 2), fragments.pcap {} \
         ({} on the 11)",
        lax.compared,
        lax.on_completed,
        dns.compared,
        dns.on_completed,
        made.compared,
        made.on_completed
    );
}

struct Defragmented {
    completed: usize,
    held: usize,
    /// Fields compared in all, and on the frames that complete a datagram.
    compared: usize,
    on_completed: usize,
}

/// Decodes `capture` with IP reassembly and compares every packet with tshark's
/// defaults; `rfc5722` are the frames where an IPv6 overlap makes us abandon what
/// tshark reassembles.
fn defragmented_agree(capture: &str, rfc5722: &[u64]) -> Option<Defragmented> {
    let args = ["--no-duplicate-keys", "-o", "tcp.desegment_tcp_streams:FALSE"];
    let theirs = tshark_json(capture, &args)?;
    let mut defrag = decode::defrag::Defragmenter::new(Default::default());
    let mut reader = PcapReader::new(std::fs::File::open(capture).unwrap()).unwrap();
    let mut check = Check { packet: 0, cut: false, compared: 0, mismatches: Vec::new() };
    let mut out = Defragmented { completed: 0, held: 0, compared: 0, on_completed: 0 };
    let mut index = 0u64;
    while let Some(pkt) = reader.next_raw_packet() {
        let pkt = pkt.unwrap();
        index += 1;
        check.packet = index;
        let sliced = wirestate_packet::Sliced::new_captured(
            LinkType::Ethernet,
            &pkt.data,
            pkt.orig_len as usize,
        );
        let fragment = defrag.frame(index, &sliced);
        let held = fragment == Some(decode::defrag::Fragment::Held);
        let decoded = decode::with_defrag(&sliced, fragment, None);
        let layers = decoded.layers_json();
        let t = &theirs[index as usize - 1]["_source"]["layers"];
        let ip = layers.iter().find(|l| l["proto"] == "ipv4" || l["proto"] == "ipv6").cloned();
        let (tip, v) = if t.get("ipv6").is_some() { ("ipv6", "ipv6") } else { ("ip", "ip") };
        if rfc5722.contains(&index) {
            assert!(held, "frame {index}: {layers:?}");
            assert!(find(t, &format!("{v}.fragment.count")).is_some(), "frame {index}");
            continue;
        }
        let outer: Vec<Value> =
            layers.iter().filter(|l| l.get("in_icmp").is_none()).cloned().collect();
        let before = check.compared;
        same_layers(&mut check, t, &outer);
        compare(&mut check, t, &outer);
        let reassembled = ip.as_ref().and_then(|l| l.get("reassembled")).cloned();
        if let Some(r) = reassembled {
            out.completed += 1;
            let theirs_ip = &t[tip];
            check.field(theirs_ip, &format!("{v}.fragment.count"), &r, "fragments", Kind::Num);
            check.field(theirs_ip, &format!("{v}.reassembled.length"), &r, "len", Kind::Num);
            let frames: Vec<u64> = match find(theirs_ip, &format!("{v}.fragment")) {
                Some(Value::Array(a)) => {
                    a.iter().filter_map(|f| f.as_str()?.parse().ok()).collect()
                }
                _ => vec![],
            };
            let first = frames.iter().min().copied();
            check.expect(first == r["first_frame"].as_u64(), || format!("{frames:?} but {r}"));
            icmp_data_len(&mut check, t, &outer);
            out.on_completed += check.compared - before;
        } else if held {
            out.held += 1;
            let ours = ours_layer(&outer, "payload").map(|p| p["len"].clone());
            let tlen = t.get("data").and_then(|d| find(d, "data.len")).and_then(Value::as_str);
            check.expect(ours.as_ref().and_then(Value::as_u64) == tlen.and_then(num), || {
                format!("data.len {tlen:?} but payload {ours:?}")
            });
            let done = find(t, &format!("{v}.fragment.count")).is_some();
            check.expect(!done, || "tshark reassembled a datagram here, we did not".into());
        }
        check.expect(decoded.error.is_none() || !held, || format!("error {:?}", decoded.error));
    }
    assert_eq!(index as usize, theirs.len(), "{capture}");
    assert!(
        check.mismatches.is_empty(),
        "{capture}: {} mismatches:\n{}",
        check.mismatches.len(),
        check.mismatches.join("\n")
    );
    out.compared = check.compared;
    Some(out)
}

/// The data of a reassembled echo: tshark shows an 8-octet timestamp at the start
/// of an ICMPv4 echo's data apart (`icmp.data_time`), and `data.len` after it.
fn icmp_data_len(check: &mut Check, t: &Value, layers: &[Value]) {
    for (tname, oname, time) in [("icmp", "icmpv4", "icmp.data_time"), ("icmpv6", "icmpv6", "")] {
        let (Some(ti), Some(o)) = (t.get(tname), ours_layer(layers, oname)) else { continue };
        let Some(len) = ti.get("data").and_then(|d| find(d, "data.len")) else { continue };
        let stamp = if !time.is_empty() && find(ti, time).is_some() { 8 } else { 0 };
        let theirs = len.as_str().and_then(num).map(|n| n + stamp);
        check.expect(theirs == o["data_len"].as_u64(), || {
            format!("{tname} data.len {len} (+{stamp}) but data_len {}", o["data_len"])
        });
    }
}

/// A DNS answer over TCP whose first segment was sent in two IPv4 fragments
/// (spec-vectors/captures/defrag/tcp-fragments.pcap): `decode --json` hands the
/// datagram put back together to stream reassembly, and the answer decodes whole on
/// the second segment, as tshark (defragmentation and desegmentation on) shows it.
#[test]
fn a_fragmented_tcp_segment_goes_on_to_stream_reassembly_as_in_tshark() {
    let path = FRAGMENTS.replace("fragments.pcap", "tcp-fragments.pcap");
    let Some(theirs) = tshark_json(&path, &["--no-duplicate-keys"]) else { return };
    let ours = decode_json(Path::new(&path));
    assert_eq!((ours.len(), theirs.len()), (3, 3));
    let mut check = Check { packet: 0, cut: false, compared: 0, mismatches: Vec::new() };
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        check.packet = i as u64 + 1;
        let t = &t["_source"]["layers"];
        let layers = o["layers"].as_array().unwrap();
        same_layers(&mut check, t, layers);
        compare(&mut check, t, layers);
    }
    let ip = &ours[1]["layers"][1]["reassembled"];
    check.field(
        &theirs[1]["_source"]["layers"]["ip"],
        "ip.fragment.count",
        ip,
        "fragments",
        Kind::Num,
    );
    check.field(
        &theirs[1]["_source"]["layers"]["ip"],
        "ip.reassembled.length",
        ip,
        "len",
        Kind::Num,
    );
    let dns = ours_layer(ours[2]["layers"].as_array().unwrap(), "dns").unwrap();
    let t3 = &theirs[2]["_source"]["layers"];
    check.field(t3, "tcp.segment.count", &dns["reassembled"], "segments", Kind::Num);
    check.field(t3, "tcp.reassembled.length", &dns["reassembled"], "len", Kind::Num);
    assert!(
        check.mismatches.is_empty(),
        "{} mismatches:\n{}",
        check.mismatches.len(),
        check.mismatches.join("\n")
    );
    assert_eq!(dns["answers"].as_array().unwrap().len(), 120);
    assert!(check.compared >= 90, "{} fields", check.compared);
    eprintln!("tshark agreement (TCP over IP fragments): 3 packets, {} fields", check.compared);
}
