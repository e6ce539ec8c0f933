//! `wirestate decode --json` agrees field for field with `tshark -T json` on a capture
//! of real traffic (spec-vectors/captures/real-traffic.pcap), on a capture built
//! from the DHCP spec vectors (BOOTP messages without the magic cookie, options
//! without the end option), and on a capture of each other link type it reads
//! (spec-vectors/captures/linktypes: Linux cooked v1/v2, BSD NULL/LOOP, PPP, raw
//! IPv4/IPv6, and a pcapng mixing them with per-interface timestamp units and offsets).
//! The lax cases and IP fragment reassembly are in tshark_fragments.rs.
//!
//! tshark must be installed (`.ci/setup` installs it). Without it the test says so and
//! passes, unless `WIRESTATE_REQUIRE_TSHARK=1` (set by `cargo xtask ci`), so that in CI
//! it cannot silently check nothing.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;

use common::fields::*;
use pcap_file::pcap::PcapReader;
use serde_json::Value;
use wirestate::decode;
use wirestate_packet::LinkType;

const CAPTURE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/real-traffic.pcap");

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
