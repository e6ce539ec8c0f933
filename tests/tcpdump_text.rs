//! The text view against `tcpdump -nn -tttt` on every capture in
//! spec-vectors/captures, and on the whole frames of the spec vectors written to a
//! capture: after our packet number, each line is tcpdump's, but for the
//! exceptions listed in [`EXCEPTIONS`] and [`FRAME_EXCEPTIONS`] (each with its reason).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The captures compared, from spec-vectors/captures.
const CAPTURES: &[&str] = &[
    "real-traffic.pcap",
    "real-traffic.pcapng",
    "lax/lax.pcap",
    "reassembly/dns-tcp.pcap",
    "reassembly/http.pcap",
    "mdns/mdns.pcap",
    "defrag/dns-fragments.pcap",
    "defrag/fragments.pcap",
    "defrag/tcp-fragments.pcap",
    "linktypes/ipv4.pcap",
    "linktypes/ipv6.pcap",
    "linktypes/loop.pcap",
    "linktypes/null.pcap",
    "linktypes/ppp.pcap",
    "linktypes/raw12.pcap",
    "linktypes/sll.pcap",
    "linktypes/sll2.pcap",
    // Not linktypes/mixed.pcapng: its interfaces have different link types, and
    // tcpdump stops at the first packet of the second ("an interface has a type 0
    // different from the type of the first interface").
];

/// Lines that differ on purpose: capture, packet number, and why.
const EXCEPTIONS: &[(&str, u64, &str)] = &[
    // DHCP keeps the summary the issue asked for (the message type, the address,
    // the transaction, the server and lease) where tcpdump's default says
    // `BOOTP/DHCP, Request from MAC, length 300`.
    ("real-traffic.pcap", 16, "DHCP DISCOVER"),
    ("real-traffic.pcap", 22, "DHCP OFFER"),
    ("real-traffic.pcap", 23, "DHCP REQUEST"),
    ("real-traffic.pcap", 24, "DHCP ACK"),
    ("real-traffic.pcap", 91, "DHCP RELEASE"),
    // The same packets in pcapng.
    ("real-traffic.pcapng", 16, "DHCP DISCOVER"),
    ("real-traffic.pcapng", 22, "DHCP OFFER"),
    ("real-traffic.pcapng", 23, "DHCP REQUEST"),
    ("real-traffic.pcapng", 24, "DHCP ACK"),
    ("real-traffic.pcapng", 91, "DHCP RELEASE"),
];

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-vectors/captures").join(name)
}

/// Our lines without the packet number, each with its number.
fn ours(path: &Path) -> Vec<(u64, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_wirestate"))
        .arg("decode")
        .arg(path)
        .args(["--time", "abs"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (n, rest) = l.split_once(' ').unwrap();
            (n.parse().unwrap(), rest.to_string())
        })
        .collect()
}

/// In a Linux cooked v2 capture tcpdump names the interface as the reading host
/// does (`lo`, `ifb0`, or `?`); the capture holds its index, which we print in that
/// column. Both are taken out before the lines are compared.
fn without_interface(line: &str) -> String {
    // The date and time are the first two fields; the interface the third.
    let mut parts = line.splitn(4, ' ');
    let (date, time) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let rest = parts.nth(1).unwrap_or("").trim_start();
    format!("{date} {time} {rest}")
}

#[test]
fn every_line_is_tcpdumps_but_the_listed_exceptions() {
    let mut report = Vec::new();
    for name in CAPTURES {
        let path = capture(name);
        let Some(theirs) = common::tcpdump(&path, &["-nn", "-tttt"]) else { return };
        let ours = ours(&path);
        assert_eq!(ours.len(), theirs.len(), "{name}: line counts");
        let sll2 = name.ends_with("sll2.pcap");
        let mut same = 0;
        let mut excepted = 0;
        for ((n, our), their) in ours.iter().zip(&theirs) {
            let (our, their) = if sll2 {
                (without_interface(our), without_interface(their))
            } else {
                (our.clone(), their.clone())
            };
            let exception = EXCEPTIONS.iter().find(|(c, i, _)| c == name && i == n);
            match exception {
                Some((_, _, what)) => {
                    assert_ne!(our, their, "{name} #{n} is listed as an exception but agrees");
                    assert!(our.contains(what), "{name} #{n}: {our}");
                    excepted += 1;
                }
                None => {
                    assert_eq!(our, their, "{name} packet {n}");
                    same += 1;
                }
            }
        }
        report.push(format!("{name}: {same} of {} identical, {excepted} excepted", theirs.len()));
    }
    for line in &report {
        eprintln!("{line}");
    }
    assert_eq!(report.len(), CAPTURES.len());
}

/// Spec-vector frames whose lines differ on purpose, and why.
const FRAME_EXCEPTIONS: &[(&str, &str)] = &[
    // DHCP keeps its own summary (see EXCEPTIONS).
    ("frames/dhcp-discover.json", "DHCP DISCOVER"),
    // An IEEE 802.3 frame with LLC: tcpdump decodes the spanning tree BPDU in it;
    // we decode no LLC protocol and name the length field instead.
    ("frames/ethernet-8023-length.json", "ethertype Unknown (0x0026)"),
    // Malformed frames keep our bracketed note of the layer that failed where
    // tcpdump prints what it can ("truncated-ip - 10 bytes missing!").
    ("frames/ipv4-truncated-by-total-length.json", "[malformed ipv4:"),
    // Five stacked VLAN tags: tcpdump walks them all; the slicer stops at four.
    ("frames/vlan-five-tags-malformed.json", "[malformed vlan:"),
];

/// Every spec vector in `format: "frame"` (an Ethernet frame), with its path.
fn vector_frames() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-vectors");
    let mut frames = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        let mut files: Vec<_> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "json")) {
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&f).unwrap())
            else {
                continue;
            };
            if v["format"] != "frame" {
                continue;
            }
            let bytes = wirestate::decode::unhex(v["hex"].as_str().unwrap()).unwrap();
            let name = f.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            frames.push((name, bytes));
        }
    }
    frames
}

#[test]
fn every_spec_vector_frame_is_tcpdumps_but_the_listed_exceptions() {
    use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
    let frames = vector_frames();
    assert!(frames.len() > 20, "{} frames", frames.len());
    let path = std::env::temp_dir().join(format!("wirestate-vectors-{}.pcap", std::process::id()));
    let header = PcapHeader { snaplen: 65535, ..Default::default() };
    let mut w = PcapWriter::with_header(std::fs::File::create(&path).unwrap(), header).unwrap();
    for (i, (_, bytes)) in frames.iter().enumerate() {
        let ts = std::time::Duration::from_secs(1_000 + i as u64);
        w.write_packet(&PcapPacket::new(ts, bytes.len() as u32, bytes)).unwrap();
    }
    drop(w);
    let theirs = common::tcpdump(&path, &["-nn", "-tttt"]);
    let ours = ours(&path);
    std::fs::remove_file(&path).unwrap();
    let Some(theirs) = theirs else { return };
    assert_eq!(ours.len(), frames.len());
    assert_eq!(theirs.len(), frames.len());
    let mut same = 0;
    for (((_, our), their), (name, _)) in ours.iter().zip(&theirs).zip(&frames) {
        match FRAME_EXCEPTIONS.iter().find(|(f, _)| f == name) {
            Some((_, what)) => {
                assert_ne!(our, their, "{name} is listed as an exception but agrees");
                assert!(our.contains(what), "{name}: {our}");
            }
            None => {
                assert_eq!(our, their, "{name}");
                same += 1;
            }
        }
    }
    eprintln!("spec-vector frames: {same} of {} identical", frames.len());
}
