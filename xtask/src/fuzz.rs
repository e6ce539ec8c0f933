//! `cargo xtask fuzz [TARGET] [--seconds N]`.

use std::path::Path;
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
        let mut cmd = Command::new("cargo");
        cmd.args(&toolchain).args(["fuzz", "run", target.as_str()]);
        cmd.arg(&corpus);
        cmd.args(["--", &format!("-max_total_time={seconds}"), "-rss_limit_mb=2048"]);
        if !nightly {
            // cargo-fuzz needs -Z flags; stable accepts them only under this variable.
            cmd.env("RUSTC_BOOTSTRAP", "1");
        }
        cmd.current_dir(&fuzz_dir);
        sh(&mut cmd)?;
    }
    Ok(())
}

fn seed_corpus(target: &str, corpus: &Path) -> Result<(), String> {
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
        std::fs::write(corpus.join(format!("vector-{name}")), bytes).map_err(|e| e.to_string())?;
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
