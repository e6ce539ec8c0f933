//! `packetdrill [PATH...] [--profile linux|freebsd|rfc] [--verbose] [--write FILE]`:
//! runs packetdrill scripts (files, or every `.pkt` under a directory; the
//! vendored FreeBSD suite by default) against wirestate-tcp-conn, prints one line
//! per script that did not pass and a table per directory, and exits 1 if any
//! script FAILs without an RFC clause that explains it. `--write FILE` puts the
//! table into FILE between the `<!-- packetdrill:begin -->` and
//! `<!-- packetdrill:end -->` markers.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wirestate_packetdrill::{
    run_file, run_tree, table, FileOutcome, Profile, ProfileName, Verdict,
};

const BEGIN: &str = "<!-- packetdrill:begin -->";
const END: &str = "<!-- packetdrill:end -->";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut paths = Vec::new();
    let mut profile = ProfileName::FreeBsd;
    let mut verbose = false;
    let mut write = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--profile" => match it.next().map(|p| p.parse()) {
                Some(Ok(p)) => profile = p,
                Some(Err(e)) => return usage(&e),
                None => return usage("--profile needs a value"),
            },
            "--verbose" | "-v" => verbose = true,
            "--write" => match it.next() {
                Some(f) => write = Some(PathBuf::from(f)),
                None => return usage("--write needs a file"),
            },
            flag if flag.starts_with('-') => return usage(&format!("unknown flag {flag}")),
            path => paths.push(PathBuf::from(path)),
        }
    }
    if paths.is_empty() {
        paths.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tcp-testsuite"));
    }
    let profile = Profile::new(profile);
    let mut results: Vec<FileOutcome> = Vec::new();
    for path in &paths {
        if path.is_dir() {
            results.extend(run_tree(path, &profile));
        } else {
            let outcome = run_file(path, &profile);
            results.push(FileOutcome { path: path.clone(), outcome, rfc_clause: None });
        }
    }
    for r in &results {
        let show = verbose || !matches!(r.outcome.verdict, Verdict::Pass | Verdict::Tuning);
        if show {
            println!("{:<7} {}: {}", r.outcome.verdict.label(), r.path.display(), r.outcome);
        }
    }
    let report = table(&results);
    println!("\n{report}");
    if let Some(file) = write {
        if let Err(e) = write_between_markers(&file, &report) {
            eprintln!("packetdrill: {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    }
    let unexpected = results.iter().filter(|r| r.is_unexpected_failure()).count();
    if unexpected > 0 {
        eprintln!("packetdrill: {unexpected} script(s) FAIL");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn write_between_markers(file: &Path, report: &str) -> std::io::Result<()> {
    let old = std::fs::read_to_string(file).unwrap_or_default();
    let before = old.find(BEGIN).and_then(|b| old.get(..b));
    let after = old.find(END).and_then(|e| old.get(e..));
    let new = match (before, after) {
        (Some(before), Some(after)) if before.len() < old.len() - after.len() => {
            format!("{before}{BEGIN}\n\n{report}\n{after}")
        }
        _ => format!("{old}\n{BEGIN}\n\n{report}\n{END}\n"),
    };
    std::fs::write(file, new)
}

fn usage(why: &str) -> ExitCode {
    eprintln!("packetdrill: {why}\nusage: packetdrill [PATH...] [--profile linux|freebsd|rfc] [--verbose] [--write FILE]");
    ExitCode::from(2)
}
