//! `cargo xtask vectors [--bless]`: every spec vector through the CLI.
//!
//! A vector is `spec-vectors/<format>/<name>.json`:
//! `{"description", "source", "format", "hex", "options"?, "expect"}`. `format` is a
//! `wirestate parse` format (plus `frame` for a whole Ethernet frame and `raw-ip`
//! for a bare IP packet, which print every layer); `expect` is what
//! `wirestate parse FORMAT --hex` prints for `hex`; `options` may name the HTTP
//! `method` a response answers and `lenient` leniencies to enable.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::{cargo, json_files, root, sh};

pub fn run(args: &[String]) -> Result<(), String> {
    let bless = args.iter().any(|a| a == "--bless");
    sh(cargo().args(["build", "--quiet", "--bin", "wirestate"]))?;
    let exe = root().join("target/debug/wirestate");
    let files = json_files(&root().join("spec-vectors"));
    let (mut checked, mut failed) = (0usize, Vec::new());
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut vector: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let (Some(format), Some(hex)) = (
            vector["format"].as_str().map(str::to_string),
            vector["hex"].as_str().map(str::to_string),
        ) else {
            continue; // not a vector (e.g. a capture's index file)
        };
        let mut extra = Vec::new();
        if let Some(m) = vector["options"]["method"].as_str() {
            extra.extend(["--method".to_string(), m.to_string()]);
        }
        for l in vector["options"]["lenient"].as_array().into_iter().flatten() {
            extra.extend(["--lenient".to_string(), l.as_str().unwrap_or_default().to_string()]);
        }
        let actual = parse_with_cli(&exe, &format, &hex, &extra)?;
        checked += 1;
        if bless {
            if vector.get("expect") != Some(&actual) {
                vector["expect"] = actual;
                let mut out = serde_json::to_string_pretty(&vector).map_err(|e| e.to_string())?;
                out.push('\n');
                std::fs::write(path, out).map_err(|e| e.to_string())?;
                eprintln!("blessed {}", path.display());
            }
        } else if vector.get("expect") != Some(&actual) {
            failed.push(format!(
                "{}:\n  expected {}\n  actual   {}",
                path.display(),
                vector.get("expect").map_or("(none)".into(), Value::to_string),
                actual
            ));
        }
    }
    for f in &failed {
        eprintln!("MISMATCH {f}");
    }
    eprintln!("vectors: {checked} checked, {} mismatched", failed.len());
    if checked == 0 {
        return Err("no vectors found under spec-vectors/".into());
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} vectors differ (run `cargo xtask vectors --bless` after review)",
            failed.len()
        ))
    }
}

fn parse_with_cli(
    exe: &std::path::Path,
    format: &str,
    hex: &str,
    extra: &[String],
) -> Result<Value, String> {
    let mut child = Command::new(exe)
        .args(["parse", format, "-", "--hex"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    child.stdin.take().ok_or("no stdin")?.write_all(hex.as_bytes()).map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "wirestate parse {format}: not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let is_error =
        value.get("error").is_some_and(|e| !e.is_null()) && value.get("layers").is_none();
    let expected_code = if is_error { 1 } else { 0 };
    if out.status.code() != Some(expected_code) {
        return Err(format!("wirestate parse {format}: exit {:?} for {value}", out.status.code()));
    }
    Ok(value)
}
