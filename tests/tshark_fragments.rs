//! `wirestate decode --json` agrees field for field with `tshark -T json` where a
//! strict walk would stop: the lax cases of spec-vectors/captures/lax (first
//! fragments, ICMP errors quoting a datagram, DNS and HTTP messages cut by the end
//! of their segment) and IP fragment reassembly on spec-vectors/captures/lax and
//! spec-vectors/captures/defrag.
//!
//! tshark must be installed (`.ci/setup` installs it). Without it the test says so and
//! passes, unless `WIRESTATE_REQUIRE_TSHARK=1` (set by `cargo xtask ci`), so that in CI
//! it cannot silently check nothing.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::fields::*;
use pcap_file::pcap::PcapReader;
use serde_json::{json, Value};
use wirestate::decode;
use wirestate_packet::LinkType;

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
