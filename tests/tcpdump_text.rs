//! The text view against `tcpdump -nn -tttt` on every capture in
//! spec-vectors/captures: after our packet number, each line is tcpdump's, but
//! for the exceptions listed in [`EXCEPTIONS`] (each with its reason).

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
