//! `cargo xtask fuzz [TARGET] [--seconds N]`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{flag_value, has, json_files, positional, root, sh};

/// Which spec-vector formats seed which fuzz target's corpus.
const SEEDS: &[(&str, &[&str])] = &[
    ("ethernet_parse", &["frame", "ethernet"]),
    ("arp_parse", &["arp"]),
    ("ipv4_parse", &["ipv4"]),
    ("ipv6_parse", &["ipv6"]),
    ("icmpv4_parse", &["icmpv4"]),
    ("icmpv6_parse", &["icmpv6"]),
    ("udp_parse", &["udp"]),
    ("tcp_parse", &["tcp"]),
    ("packet_slice", &["frame", "ethernet"]),
    ("decode_json", &["frame"]),
    ("dns_parse", &["dns"]),
    ("http1_head", &["http1-request", "http1-response"]),
    ("http1_simd", &["http1-request", "http1-response"]),
    ("http1_url", &["url"]),
    ("dhcp_parse", &["dhcp"]),
];

pub fn run_targets(targets: &[String], seconds: u64) -> Result<(), String> {
    let fuzz_dir = root().join("fuzz");
    let mut toolchain = Vec::new();
    let nightly = has("rustup", &["run", "nightly", "rustc", "--version"]);
    if nightly {
        toolchain.push("+nightly".to_string());
    }
    // One build of every target up front; the runs below then start at once.
    let mut build = Command::new("cargo");
    build.args(&toolchain).args(["fuzz", "build"]).current_dir(&fuzz_dir);
    if !nightly {
        build.env("RUSTC_BOOTSTRAP", "1");
    }
    sh(&mut build)?;
    for target in targets {
        let corpus = fuzz_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        seed_corpus(target, &corpus)?;
        let dict = write_dictionary(target, &fuzz_dir)?;
        let mut cmd = Command::new("cargo");
        cmd.args(&toolchain).args(["fuzz", "run", target.as_str()]);
        cmd.arg(&corpus);
        cmd.args(["--", &format!("-max_total_time={seconds}"), "-rss_limit_mb=2048"]);
        if let Some(dict) = dict {
            cmd.arg(format!("-dict={}", dict.display()));
        }
        if !nightly {
            // cargo-fuzz needs -Z flags; stable accepts them only under this variable.
            cmd.env("RUSTC_BOOTSTRAP", "1");
        }
        cmd.current_dir(&fuzz_dir);
        sh(&mut cmd)?;
    }
    Ok(())
}

/// Which targets take a dictionary: the hand-written base in fuzz/, to which the
/// labels of every name in the spec vectors of the same formats are added.
const DICTIONARIES: &[(&str, &str)] = &[("dns_parse", "dns"), ("dns_roundtrip", "dns")];

/// Writes fuzz/corpus/TARGET.dict for a target that takes a dictionary, and returns
/// its path: the base entries, then one entry per distinct label (length octet
/// and label, as it is on the wire) of the names in the vectors' expected decodes.
fn write_dictionary(target: &str, fuzz_dir: &Path) -> Result<Option<PathBuf>, String> {
    let Some((_, base)) = DICTIONARIES.iter().find(|(t, _)| *t == target) else {
        return Ok(None);
    };
    let base_path = fuzz_dir.join(format!("{base}.dict"));
    let mut dict =
        std::fs::read_to_string(&base_path).map_err(|e| format!("{}: {e}", base_path.display()))?;
    let mut labels = BTreeSet::new();
    for path in json_files(&root().join("spec-vectors").join(base)) {
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        collect_labels(&v, &mut labels);
    }
    dict.push_str("\n# Labels of the names in spec-vectors (written by cargo xtask fuzz).\n");
    for label in &labels {
        let mut entry = format!("\"\\x{:02x}", label.len());
        for b in label.bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                entry.push(char::from(b));
            } else {
                entry.push_str(&format!("\\x{b:02x}"));
            }
        }
        entry.push_str("\"\n");
        dict.push_str(&entry);
    }
    let out = fuzz_dir.join("corpus").join(format!("{target}.dict"));
    std::fs::write(&out, dict).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(Some(out))
}

/// Every label of every `"name"` string in `v` (presentation form, no escapes in
/// the vectors' names), at most 63 octets each.
fn collect_labels(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if let (true, Some(name)) = (key == "name", value.as_str()) {
                    let labels = name.split('.').filter(|l| !l.is_empty() && l.len() <= 63);
                    out.extend(labels.map(str::to_string));
                } else {
                    collect_labels(value, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_labels(i, out)),
        _ => {}
    }
}

fn seed_corpus(target: &str, corpus: &Path) -> Result<(), String> {
    if target == "packetdrill_script" {
        return seed_scripts(&root().join("machines/tcp-conn/packetdrill/tcp-testsuite"), corpus);
    }
    let formats = SEEDS.iter().find(|(t, _)| *t == target).map(|(_, f)| *f).unwrap_or(&[]);
    for path in json_files(&root().join("spec-vectors")) {
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        let format = v.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if !formats.contains(&format) {
            continue;
        }
        let Some(bytes) = v.get("hex").and_then(|h| h.as_str()).and_then(decode_hex) else {
            continue;
        };
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if LINK_TYPE_TARGETS.contains(&target) && format == "frame" {
            for (i, seed) in link_type_seeds(&bytes).into_iter().enumerate() {
                std::fs::write(corpus.join(format!("vector-{name}-link{i}")), seed)
                    .map_err(|e| e.to_string())?;
            }
        }
        std::fs::write(corpus.join(format!("vector-{name}")), bytes).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The targets whose first byte picks the link type: even is Ethernet, odd is
/// `LinkType::ALL[(byte >> 1) % 9]` (see fuzz/fuzz_targets/packet_slice.rs).
const LINK_TYPE_TARGETS: &[&str] = &["packet_slice", "decode_json"];

/// An Ethernet frame's IP packet (or ARP body) behind each other link type's
/// header, each with the first byte that picks that link type, so the fuzzer starts
/// past every link header.
fn link_type_seeds(frame: &[u8]) -> Vec<Vec<u8>> {
    let (Some(ethertype), Some(body)) = (frame.get(12..14), frame.get(14..)) else {
        return Vec::new();
    };
    let v6 = ethertype == [0x86, 0xdd];
    let sll: Vec<u8> = [&[0, 0, 0, 1, 0, 6], &frame[6..12], &[0, 0], ethertype].concat();
    let sll2: Vec<u8> =
        [ethertype, &[0, 0, 0, 0, 0, 2, 0, 1, 0, 6], &frame[6..12], &[0, 0]].concat();
    let family: u32 = if v6 { 30 } else { 2 };
    let ppp: &[u8] = if v6 { &[0xff, 0x03, 0x00, 0x57] } else { &[0xff, 0x03, 0x00, 0x21] };
    // (index in LinkType::ALL, header): Ip, Ipv4 or Ipv6, LinuxSll, LinuxSll2, Null, Loop, Ppp.
    let headers: [(u8, Vec<u8>); 7] = [
        (1, Vec::new()),
        (if v6 { 3 } else { 2 }, Vec::new()),
        (4, sll),
        (5, sll2),
        (6, family.to_le_bytes().to_vec()),
        (7, family.to_be_bytes().to_vec()),
        (8, ppp.to_vec()),
    ];
    headers
        .into_iter()
        .map(|(link, header)| [&[link << 1 | 1][..], &header, body].concat())
        .collect()
}

/// The packetdrill target starts from the vendored suite's scripts.
fn seed_scripts(dir: &Path, corpus: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            seed_scripts(&path, corpus)?;
        } else if path.extension().is_some_and(|x| x == "pkt") {
            let name =
                path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            std::fs::copy(&path, corpus.join(format!("script-{name}")))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok()).collect()
}

/// Every `[[bin]]` name in fuzz/Cargo.toml.
pub fn all_targets() -> Result<Vec<String>, String> {
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml"))
        .map_err(|e| format!("fuzz/Cargo.toml: {e}"))?;
    Ok(manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "wirestate-fuzz")
        .map(str::to_string)
        .collect())
}

pub fn run(args: &[String]) -> Result<(), String> {
    if !has("cargo", &["fuzz", "--version"]) {
        return Err("cargo-fuzz is not installed: `cargo install cargo-fuzz`".into());
    }
    let seconds = flag_value(args, "--seconds")
        .map_or(Ok(60), str::parse)
        .map_err(|e| format!("--seconds: {e}"))?;
    let named = positional(args, &["--seconds"]);
    let targets = if named.is_empty() {
        all_targets()?
    } else {
        named.into_iter().map(str::to_string).collect()
    };
    run_targets(&targets, seconds)
}
