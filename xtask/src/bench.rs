//! `cargo xtask bench`, and the timing helpers `cargo xtask decode-speed` shares.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::util::{cargo, json_files, root, sh};

/// The implementation every ratio is taken against.
pub(crate) const OURS: &str = "wirestate";

pub fn run(args: &[String]) -> Result<(), String> {
    let criterion = root().join("target/criterion");
    if !args.iter().any(|a| a == "--report-only") {
        let _ = std::fs::remove_dir_all(&criterion);
        sh(cargo().args(["bench", "-p", "wirestate-benches", "--"]).args([
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
        ]))?;
    }
    if !args.iter().any(|a| a == "--report-only") {
        // The five worst inputs of each corpus, timed again for longer.
        crate::corpus_report::confirm(&criterion, 5)?;
    }
    let rows = collect(&criterion)?;
    let table = render(&rows);
    println!("{table}");
    let corpora = crate::corpus_report::render(&rows);
    println!("{corpora}");
    let mut doc = String::from("# Benchmark results\n\n");
    let _ = writeln!(
        doc,
        "Written by `cargo xtask bench`; the last run's table, with the machine it ran on.\n"
    );
    let _ = writeln!(doc, "- date: {}", capture("date", &["-u", "+%Y-%m-%d %H:%M UTC"]));
    let _ = writeln!(doc, "- cpu: {} ({} cores)", cpu_model(), capture("nproc", &[]));
    let _ = writeln!(doc, "- rustc: {}", capture("rustc", &["--version"]));
    let _ = writeln!(
        doc,
        "\nTimes are criterion's mean per iteration. `x ours` is the peer's time divided by"
    );
    let _ = writeln!(doc, "wirestate's: above 1 means wirestate does the same work faster.\n");
    doc.push_str(&table);
    doc.push('\n');
    doc.push_str(&corpora);
    std::fs::write(root().join("benches/RESULTS.md"), doc).map_err(|e| e.to_string())?;
    Ok(())
}

/// One criterion benchmark: `group/imp` (`group/imp/input` for a corpus input).
pub(crate) struct Row {
    pub group: String,
    pub imp: String,
    /// The input's name, for the per-input corpus benches (`BenchmarkId::new(imp, input)`).
    pub input: Option<String>,
    /// Criterion's mean per iteration, in ns.
    pub ns: f64,
    /// Criterion's median per iteration, in ns.
    pub median_ns: f64,
}

pub(crate) fn collect(criterion: &Path) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for path in json_files(criterion) {
        // target/criterion/<group>/<impl>/new/estimates.json, or
        // target/criterion/<group>/<impl>/<input>/new/estimates.json
        if !path.ends_with("new/estimates.json") {
            continue;
        }
        let Some(imp_dir) = path.parent().and_then(Path::parent) else { continue };
        let Some(group_dir) = imp_dir.parent() else { continue };
        let bench_json = imp_dir.join("new/benchmark.json");
        let (group, imp, input) = match std::fs::read_to_string(&bench_json)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        {
            Some(b) => {
                let function = b["function_id"].as_str();
                let value = b["value_str"].as_str().map(str::to_string);
                (
                    b["group_id"].as_str().unwrap_or_default().to_string(),
                    function.or(value.as_deref()).unwrap_or_default().to_string(),
                    // An input only when both parts of the id are there.
                    function.and(value),
                )
            }
            None => (name(group_dir), name(imp_dir), None),
        };
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let v: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let Some(ns) = v["mean"]["point_estimate"].as_f64() else { continue };
        let median_ns = v["median"]["point_estimate"].as_f64().unwrap_or(ns);
        rows.push(Row { group, imp, input, ns, median_ns });
    }
    rows.sort_by(|a, b| a.group.cmp(&b.group).then(a.imp.cmp(&b.imp)).then(a.input.cmp(&b.input)));
    if rows.is_empty() {
        return Err(format!("no criterion results under {}", criterion.display()));
    }
    Ok(rows)
}

fn name(p: &Path) -> String {
    p.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The main table: every benchmark but the per-input corpus ones (summarised by
/// `corpus_report::render`).
fn render(rows: &[Row]) -> String {
    let mut out = String::from("| bench | implementation | time | x ours |\n|---|---|---:|---:|\n");
    for r in rows.iter().filter(|r| r.input.is_none()) {
        let ours = rows
            .iter()
            .find(|o| o.group == r.group && o.input.is_none() && o.imp.starts_with(OURS));
        let ratio = match ours {
            Some(o) if !r.imp.starts_with(OURS) => format!("{:.2}", r.ns / o.ns),
            _ => "—".into(),
        };
        let _ = writeln!(out, "| {} | {} | {} | {} |", r.group, r.imp, human(r.ns), ratio);
    }
    out
}

pub(crate) fn human(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.2} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

pub fn capture(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

pub fn time(cmd: &mut Command) -> Result<f64, String> {
    let start = Instant::now();
    let status =
        cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("{} failed: {status}", crate::util::describe(cmd)));
    }
    Ok(start.elapsed().as_secs_f64())
}
