//! Multicast DNS (RFC 6762) from a real responder, avahi-daemon
//! (spec-vectors/captures/mdns/, see its capture.sh): probes, announcements, a
//! query from port 5353 with the unicast-response bit, a legacy unicast query, over
//! IPv4 and IPv6. The `dns` layer agrees with tshark's `mdns` field for field, the
//! class's top bit read as `unicast_response` (a question, §5.4) or `cache_flush`
//! (a record, §10.2); the text view's DNS part is tcpdump's, `(QU)`, `(QM)` and
//! `(Cache flush)` included.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use pcap_file::pcap::PcapReader;
use serde_json::Value;
use wirestate::decode;
use wirestate_dns::{Class, Type};
use wirestate_packet::LinkType;

fn capture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-vectors/captures/mdns/mdns.pcap")
}

/// Our `dns` layer of every frame.
fn ours() -> Vec<Value> {
    let mut reader = PcapReader::new(std::fs::File::open(capture()).unwrap()).unwrap();
    let mut out = Vec::new();
    while let Some(p) = reader.next_raw_packet() {
        let p = p.unwrap();
        let d = decode::frame(LinkType::Ethernet, &p.data, p.orig_len as usize);
        assert_eq!(d.error, None);
        let layers = d.layers_json();
        out.push(layers.into_iter().find(|l| l["proto"] == "dns").expect("a dns layer"));
    }
    out
}

/// The entries of one of tshark's sections ("Queries", "Answers", ...), in order;
/// entries with the same summary come as an array (`--no-duplicate-keys`).
fn entries<'a>(mdns: &'a Value, section: &str) -> Vec<&'a Value> {
    let Some(Value::Object(m)) = mdns.get(section) else { return Vec::new() };
    m.values()
        .flat_map(|v| match v {
            Value::Array(a) => a.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .collect()
}

fn num(v: &Value) -> u64 {
    let s = v.as_str().unwrap();
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).unwrap(),
        None => s.parse().unwrap(),
    }
}

/// tshark prints names without the root's trailing dot.
fn relative(name: &Value) -> String {
    let name = name.as_str().unwrap();
    name.strip_suffix('.').unwrap_or(name).to_string()
}

#[test]
fn mdns_agrees_with_tshark_field_for_field() {
    let Some(theirs) = common::tshark(&capture(), &["--no-duplicate-keys"]) else { return };
    let ours = ours();
    assert_eq!(theirs.len(), ours.len());
    let (mut compared, mut unicast, mut flushed) = (0, [0, 0], [0, 0]);
    for (i, (t, o)) in theirs.iter().zip(&ours).enumerate() {
        let t = &t["_source"]["layers"]["mdns"];
        let at = |what: &str| format!("frame {}: {what}", i + 1);
        assert_eq!(num(&t["dns.id"]), o["id"].as_u64().unwrap(), "{}", at("id"));
        let questions = entries(t, "Queries");
        assert_eq!(questions.len(), o["questions"].as_array().unwrap().len(), "{}", at("qd"));
        for (tq, oq) in questions.iter().zip(o["questions"].as_array().unwrap()) {
            assert_eq!(relative(&oq["name"]), tq["dns.qry.name"], "{}", at("qname"));
            let qtype = Type(num(&tq["dns.qry.type"]) as u16).to_string();
            assert_eq!(oq["type"], qtype, "{}", at("qtype"));
            let class = Class(num(&tq["dns.qry.class"]) as u16).to_string();
            assert_eq!(oq["class"], class, "{}", at("qclass"));
            let qu = tq["dns.qry.qu"] == "1";
            assert_eq!(oq["unicast_response"], qu, "{}", at("qu"));
            unicast[usize::from(qu)] += 1;
            compared += 4;
        }
        for (section, key) in [
            ("Answers", "answers"),
            ("Authoritative nameservers", "authorities"),
            ("Additional records", "additionals"),
        ] {
            let records = entries(t, section);
            let mine = o[key].as_array().unwrap();
            assert_eq!(records.len(), mine.len(), "{}", at(section));
            for (tr, or) in records.iter().zip(mine) {
                // EDNS's OPT (dig's query): its own form, checked elsewhere.
                if or["type"] == "OPT" {
                    assert_eq!(num(&tr["dns.resp.type"]), 41, "{}", at("OPT"));
                    continue;
                }
                assert_eq!(relative(&or["name"]), tr["dns.resp.name"], "{}", at("name"));
                let rtype = Type(num(&tr["dns.resp.type"]) as u16).to_string();
                assert_eq!(or["type"], rtype, "{}", at("type"));
                let class = Class(num(&tr["dns.resp.class"]) as u16).to_string();
                assert_eq!(or["class"], class, "{}", at("class"));
                let flush = tr["dns.resp.cache_flush"] == "1";
                assert_eq!(or["cache_flush"], flush, "{}", at("cache_flush"));
                assert_eq!(or["ttl"].as_u64().unwrap(), num(&tr["dns.resp.ttl"]), "{}", at("ttl"));
                flushed[usize::from(flush)] += 1;
                compared += 5;
            }
        }
    }
    // Both settings of both bits are in the capture, and were compared.
    assert!(unicast.iter().chain(&flushed).all(|&n| n > 0), "{unicast:?} {flushed:?}");
    assert!(compared > 250, "{compared} fields");
    eprintln!("{} frames, {compared} fields agree with tshark", ours.len());
}

#[test]
fn the_text_view_writes_mdns_as_tcpdump_does() {
    let Some(theirs) = common::tcpdump(&capture(), &["-nn", "-tttt"]) else { return };
    let out = Command::new(env!("CARGO_BIN_EXE_wirestate"))
        .arg("decode")
        .arg(capture())
        .args(["--time", "abs"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let ours = String::from_utf8(out.stdout).unwrap();
    // Ours starts with the packet's number; the rest is tcpdump's line.
    let ours: Vec<String> =
        ours.lines().map(|l| l.split_once(' ').unwrap().1.to_string()).collect();
    assert_eq!(ours, theirs);
    assert!(
        ours.iter().any(|l| l.contains("(QU)?"))
            && ours.iter().any(|l| l.contains("(Cache flush)"))
    );
}
