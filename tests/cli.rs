//! The `wirestate` binary end to end: decode over pcap and pcapng, filters, counts,
//! stats, and `parse` with its exit statuses.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PCAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/real-traffic.pcap");
const PCAPNG: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/real-traffic.pcapng");

fn wirestate(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirestate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        pipe.write_all(input).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn pcap_and_pcapng_decode_to_the_same_json() {
    let a = wirestate(&["decode", PCAP, "--json"], None);
    let b = wirestate(&["decode", PCAPNG, "--json"], None);
    assert!(a.status.success() && b.status.success());
    let (a, b) = (json_lines(&a), json_lines(&b));
    assert_eq!(a.len(), 91);
    assert_eq!(a, b);
    assert_eq!(a[0]["index"], 1);
    assert!(a.iter().all(|p| p["error"].is_null()));
}

#[test]
fn filter_and_count_select_packets() {
    let out = wirestate(&["decode", PCAP, "--json", "--filter", "tcp and port 80"], None);
    let packets = json_lines(&out);
    assert!(!packets.is_empty());
    for p in &packets {
        let tcp = p["layers"].as_array().unwrap().iter().find(|l| l["proto"] == "tcp").unwrap();
        assert!(tcp["src_port"] == 80 || tcp["dst_port"] == 80);
    }
    let out =
        wirestate(&["decode", PCAP, "--json", "--filter", "arp or icmp6", "--count", "3"], None);
    let packets = json_lines(&out);
    assert_eq!(packets.len(), 3);
    let bad = wirestate(&["decode", PCAP, "--filter", "tcp and"], None);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn stats_count_every_protocol() {
    let out = wirestate(&["decode", PCAP, "--stats", "--count", "0"], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("total") && text.contains("0 packets"), "{text}");
    let out = wirestate(&["decode", PCAP, "--stats"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    let tcp = text.lines().find(|l| l.starts_with("tcp ")).unwrap();
    assert!(tcp.contains(" 44 packets"), "{tcp}");
    assert!(text.lines().last().unwrap().contains("91 packets"));
}

#[test]
fn parse_prints_a_layer_or_a_typed_error() {
    let ok = wirestate(&["parse", "udp", "-", "--hex"], Some(b"9e cf 00 35 00 08 00 00"));
    assert_eq!(ok.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!((v["proto"].as_str(), v["dst_port"].as_u64()), (Some("udp"), Some(53)));

    let bad = wirestate(&["parse", "udp", "--hex"], Some(b"9ecf 0035 0007 0000"));
    assert_eq!(bad.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(v["error"]["field"], "length");
    assert_eq!(v["error"]["offset"], 4);
    assert_eq!(v["error"]["layer"], "udp");

    let raw = wirestate(&["parse", "ethernet"], Some(&[0u8; 14]));
    assert_eq!(raw.status.code(), Some(0));
    assert_eq!(wirestate(&["parse", "nosuch", "--hex"], Some(b"00")).status.code(), Some(2));
    assert_eq!(wirestate(&["parse", "udp", "--hex"], Some(b"abc")).status.code(), Some(2));
}

#[test]
fn unsupported_link_types_and_garbage_are_errors_not_panics() {
    let dir = std::env::temp_dir();
    let garbage = dir.join(format!("wirestate-garbage-{}.pcap", std::process::id()));
    std::fs::write(&garbage, b"this is not a capture at all").unwrap();
    let out = wirestate(&["decode", garbage.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wirestate decode"));
    // A pcap header with link type 105 (802.11).
    let mut wifi = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    wifi.extend_from_slice(&65535u32.to_le_bytes());
    wifi.extend_from_slice(&105u32.to_le_bytes());
    std::fs::write(&garbage, &wifi).unwrap();
    let out = wirestate(&["decode", garbage.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported"));
    let _ = std::fs::remove_file(&garbage);
}

const LINKTYPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/linktypes");

/// A cooked capture counts its `sll` layer in `--stats`, filters on what it carries,
/// and `--json` names the header's fields; a pcapng mixing link types per interface
/// reads each packet by its own interface's type.
#[test]
fn cooked_and_mixed_captures_decode_with_their_link_layer() {
    let sll = format!("{LINKTYPES}/sll.pcap");
    let out = wirestate(&["decode", &sll, "--stats"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.lines().any(|l| l.starts_with("sll ") && l.contains(" 23 packets")), "{text}");
    assert!(text.contains("23 packets") && text.contains("0 malformed"), "{text}");
    let out = wirestate(&["decode", &sll, "--json", "--filter", "arp"], None);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    let link = &lines[0]["layers"][0];
    assert_eq!((link["proto"].as_str(), link["version"].as_u64()), (Some("sll"), Some(1)));
    assert_eq!((link["hatype"].as_u64(), link["protocol"].as_u64()), (Some(1), Some(0x0806)));
    assert_eq!(lines[0]["layers"][1]["proto"], "arp");
    let mixed = format!("{LINKTYPES}/mixed.pcapng");
    let lines = json_lines(&wirestate(&["decode", &mixed, "--json"], None));
    let firsts: Vec<&str> =
        lines.iter().take(3).map(|p| p["layers"][0]["proto"].as_str().unwrap()).collect();
    assert_eq!(firsts, ["sll", "null", "ppp"]);
    assert_eq!(lines.last().unwrap()["layers"][0]["proto"], "ipv4");
}
