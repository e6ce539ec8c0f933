//! Every scenario under `tests/scenarios/*.rpl` replayed against the
//! resolver (the format is described in `tests/replay/mod.rs`). Run with
//! `--nocapture` for a table of results; `RPL=<part of a file name>` runs only
//! the matching scenarios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod replay;

use std::path::{Path, PathBuf};

/// How one scenario came out.
enum Outcome {
    Pass,
    Fail(String),
    /// Marked `EXPECT_FAIL` and failed: the reason, and how it failed.
    ExpectedFail(String, String),
    /// Marked `EXPECT_FAIL` but passed: the bug is gone, or the scenario is wrong.
    UnexpectedPass(String),
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let filter = std::env::var("RPL").unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rpl"))
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&filter))
        .collect();
    files.sort();
    files
}

fn play(path: &Path) -> Outcome {
    let text = std::fs::read_to_string(path).unwrap();
    let sc = match replay::parse(&text) {
        Ok(sc) => sc,
        Err(e) => return Outcome::Fail(format!("does not parse: {e}")),
    };
    match (replay::run(&sc), sc.expect_fail) {
        (Ok(()), None) => Outcome::Pass,
        (Err(e), None) => Outcome::Fail(e),
        (Err(e), Some(reason)) => Outcome::ExpectedFail(reason, e),
        (Ok(()), Some(reason)) => Outcome::UnexpectedPass(reason),
    }
}

#[test]
fn every_scenario_replays_as_written() {
    let files = scenario_files();
    assert!(!files.is_empty(), "no scenarios found");
    let mut failures = Vec::new();
    println!("{:<44} result", "scenario");
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let (status, detail) = match play(path) {
            Outcome::Pass => ("pass", String::new()),
            Outcome::Fail(e) => {
                failures.push(format!("{file}: {e}"));
                ("FAIL", e)
            }
            Outcome::ExpectedFail(reason, e) => ("xfail", format!("{reason} [{e}]")),
            Outcome::UnexpectedPass(reason) => {
                failures.push(format!("{file}: marked EXPECT_FAIL ({reason}) but passed"));
                ("XPASS", reason)
            }
        };
        println!("{file:<44} {status:<5} {detail}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// The runner itself: a scenario that expects the wrong address must fail,
/// naming the step and both sides.
#[test]
fn a_wrong_expectation_fails_with_the_step_and_both_sides() {
    let text =
        "root-hint: a.root.test. 192.0.2.1\nqname-minimisation: no\nSCENARIO_BEGIN self-test\n\
        RANGE_BEGIN 0 100\nADDRESS 192.0.2.1\nENTRY_BEGIN\nMATCH qname qtype\n\
        ADJUST copy_id copy_query\nREPLY QR AA NOERROR\nSECTION QUESTION\nx.test. IN A\n\
        SECTION ANSWER\nx.test. 60 IN A 192.0.2.7\nENTRY_END\nRANGE_END\n\
        STEP 1 QUERY\nENTRY_BEGIN\nSECTION QUESTION\nx.test. IN A\nENTRY_END\n\
        STEP 2 CHECK_ANSWER\nENTRY_BEGIN\nSECTION QUESTION\nx.test. IN A\n\
        SECTION ANSWER\nx.test. 60 IN A 192.0.2.8\nENTRY_END\nSCENARIO_END\n";
    let sc = replay::parse(text).unwrap();
    let err = replay::run(&sc).unwrap_err();
    assert!(err.starts_with("STEP 2 (line 21)"), "{err}");
    assert!(err.contains("192.0.2.8") && err.contains("192.0.2.7"), "{err}");
    let bad = text.replace("MATCH qname qtype", "MATCH qname bogus");
    assert!(replay::parse(&bad).unwrap_err().starts_with("line 7:"));
}
