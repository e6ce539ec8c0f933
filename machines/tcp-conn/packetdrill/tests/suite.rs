//! The vendored FreeBSD tcp-testsuite, whole (it runs in well under a second):
//! no script may FAIL unless an RFC clause explains it (`RFC_DEVIATIONS`) or it
//! tests a feature this TCP lacks (`KNOWN_GAPS`, each listed in
//! CONFORMANCE.md). A script that starts failing, or a gap that closes,
//! shows here.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use wirestate_packetdrill::{run_tree, Profile, ProfileName, Verdict, KNOWN_GAPS};

#[test]
fn freebsd_suite_has_no_unexplained_failure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tcp-testsuite");
    let results = run_tree(&root, &Profile::new(ProfileName::FreeBsd));
    assert!(results.len() > 1000, "{} scripts", results.len());
    let mut unexplained = Vec::new();
    let mut gaps_failing = 0;
    for r in &results {
        if !r.is_unexpected_failure() {
            continue;
        }
        let name = r.path.to_string_lossy();
        if KNOWN_GAPS.iter().any(|(p, _)| name.contains(p)) {
            gaps_failing += 1;
        } else {
            unexplained.push(format!("{}: {}", name, r.outcome));
        }
    }
    assert!(unexplained.is_empty(), "{}", unexplained.join("\n"));
    // When a gap closes its scripts pass: take them off the list.
    assert!(gaps_failing > 0, "no KNOWN_GAPS script fails any more: update the list");
    let passed = results
        .iter()
        .filter(|r| matches!(r.outcome.verdict, Verdict::Pass | Verdict::Tuning))
        .count();
    assert!(passed >= 640, "only {passed} scripts pass");
}
