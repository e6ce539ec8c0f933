//! Whole trees of scripts: run every `.pkt` file under a directory and
//! tabulate the verdicts per directory.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::profile::Profile;
use crate::run::{run_script, Difference, Outcome, Verdict};

/// Scripts whose expectation contradicts the RFCs' text: the stack follows
/// the RFC and the script fails, as it should. Each names the clause.
pub const RFC_DEVIATIONS: &[(&str, &str)] = &[
    (
        "rcv-syn-ack-listen/",
        "RFC 9293 §3.10.7.2 (LISTEN, second check: any acknowledgment is bad, \
         answered with <SEQ=SEG.ACK><CTL=RST>; FreeBSD answers a SYN,ACK as a SYN)",
    ),
    (
        "rcv-syn-fin-with-data-syn-sent-dropping-disabled",
        "RFC 9293 §3.10.7.3 (SYN-SENT, fourth step: other controls on the SYN are \
         queued and processed once ESTABLISHED, so the FIN counts; FreeBSD drops it)",
    ),
];

/// Scripts that are not valid packetdrill (packetdrill refuses them too).
pub const INVALID_SCRIPTS: &[&str] =
    &["fast-open/client/client-handle-cookie-update-of-length-17.pkt"];

/// One script's result.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// The script, relative to the tree's root.
    pub path: PathBuf,
    /// Its verdict and tuning differences.
    pub outcome: Outcome,
    /// The RFC clause the stack follows where this script expects otherwise
    /// (from [`RFC_DEVIATIONS`]); such a FAIL is expected.
    pub rfc_clause: Option<&'static str>,
}

impl FileOutcome {
    /// A FAIL not explained by an RFC clause.
    pub fn is_unexpected_failure(&self) -> bool {
        matches!(self.outcome.verdict, Verdict::Fail(_)) && self.rfc_clause.is_none()
    }
}

/// Reads, parses and runs one script. A script the parser cannot read is a
/// FAIL at the line it names (the runner, not the stack, is at fault, and
/// that must not hide).
pub fn run_file(path: &Path, profile: &Profile) -> Outcome {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return Outcome {
                verdict: Verdict::Skip(format!("unreadable: {e}")),
                tuning: Vec::new(),
            }
        }
    };
    match crate::parse_with_defines(&text, &["STANDARD"]) {
        Ok(script) => run_script(&script, profile),
        Err(e) => Outcome {
            verdict: Verdict::Fail(Difference {
                line: e.line,
                field: "script".into(),
                expected: "packetdrill syntax the runner reads".into(),
                got: e.message,
            }),
            tuning: Vec::new(),
        },
    }
}

/// Every `.pkt` file under `root` (sorted), run with `profile`.
pub fn run_tree(root: &Path, profile: &Profile) -> Vec<FileOutcome> {
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).map(Path::to_path_buf).unwrap_or(path.clone());
            let name = rel.to_string_lossy();
            let outcome = if INVALID_SCRIPTS.iter().any(|p| name.ends_with(p)) {
                Outcome {
                    verdict: Verdict::Skip(
                        "not a valid script (packetdrill refuses it too)".into(),
                    ),
                    tuning: Vec::new(),
                }
            } else {
                run_file(&path, profile)
            };
            let rfc_clause =
                RFC_DEVIATIONS.iter().find(|(p, _)| name.contains(p)).map(|(_, clause)| *clause);
            FileOutcome { path: rel, outcome, rfc_clause }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "pkt") {
            out.push(path);
        }
    }
}

/// The directory a result is counted under: the first component of its path.
fn group(path: &Path) -> String {
    path.components().next().map_or_else(String::new, |c| c.as_os_str().to_string_lossy().into())
}

/// A Markdown report: counts per directory, then every FAIL with its line, the
/// skip reasons with their counts, and the tuning differences by field.
pub fn table(results: &[FileOutcome]) -> String {
    let mut rows: BTreeMap<String, [usize; 5]> = BTreeMap::new();
    let mut skips: BTreeMap<String, usize> = BTreeMap::new();
    let mut tunings: BTreeMap<String, usize> = BTreeMap::new();
    for r in results {
        let row = rows.entry(group(&r.path)).or_default();
        match &r.outcome.verdict {
            Verdict::Pass => row[0] += 1,
            Verdict::Tuning => row[1] += 1,
            Verdict::Fail(_) if r.rfc_clause.is_some() => row[3] += 1,
            Verdict::Fail(_) => row[2] += 1,
            Verdict::Skip(why) => {
                row[4] += 1;
                *skips
                    .entry(why.split_once(": ").map_or(why.as_str(), |(_, w)| w).to_string())
                    .or_default() += 1;
            }
        }
        if !matches!(r.outcome.verdict, Verdict::Skip(_)) {
            for d in &r.outcome.tuning {
                *tunings.entry(d.field.clone()).or_default() += 1;
            }
        }
    }
    let mut s = String::new();
    s.push_str("| directory | pass | tuning | fail | fail (RFC) | skip |\n|---|---:|---:|---:|---:|---:|\n");
    let mut total = [0usize; 5];
    for (dir, row) in &rows {
        let _ = writeln!(
            s,
            "| {dir} | {} | {} | {} | {} | {} |",
            row[0], row[1], row[2], row[3], row[4]
        );
        for (t, v) in total.iter_mut().zip(row) {
            *t += v;
        }
    }
    let _ = writeln!(
        s,
        "| **all** | **{}** | **{}** | **{}** | **{}** | **{}** |",
        total[0], total[1], total[2], total[3], total[4]
    );
    let fails: Vec<&FileOutcome> =
        results.iter().filter(|r| matches!(r.outcome.verdict, Verdict::Fail(_))).collect();
    if !fails.is_empty() {
        s.push_str("\n### FAIL\n\n");
        for r in fails {
            if let Verdict::Fail(d) = &r.outcome.verdict {
                let why = r.rfc_clause.map_or(String::new(), |c| format!(" — follows {c}"));
                let _ = writeln!(s, "- `{}`: {d}{why}", r.path.display());
            }
        }
    }
    if !skips.is_empty() {
        s.push_str("\n### SKIP reasons\n\n| reason | scripts |\n|---|---:|\n");
        for (why, n) in &skips {
            let _ = writeln!(s, "| {why} | {n} |");
        }
    }
    if !tunings.is_empty() {
        s.push_str(
            "\n### Tuning differences (scripts that ran)\n\n| field | occurrences |\n|---|---:|\n",
        );
        for (field, n) in &tunings {
            let _ = writeln!(s, "| {field} | {n} |");
        }
    }
    s
}
