//! The vendored FreeBSD tcp-testsuite, whole (it runs in well under a second):
//! no script may FAIL unless an RFC clause explains it (`RFC_DEVIATIONS`, each
//! listed in CONFORMANCE.md with its clause).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use wirestate_packetdrill::{run_tree, Profile, ProfileName, Verdict, RFC_DEVIATIONS};

#[test]
fn freebsd_suite_has_no_unexplained_failure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tcp-testsuite");
    let results = run_tree(&root, &Profile::new(ProfileName::FreeBsd));
    assert!(results.len() > 1000, "{} scripts", results.len());
    let unexplained: Vec<String> = results
        .iter()
        .filter(|r| r.is_unexpected_failure())
        .map(|r| format!("{}: {}", r.path.display(), r.outcome))
        .collect();
    assert!(unexplained.is_empty(), "{}", unexplained.join("\n"));
    // Every listed deviation still fails as listed (else take it off the list).
    for (pattern, clause) in RFC_DEVIATIONS {
        let listed = results.iter().filter(|r| r.path.to_string_lossy().contains(pattern));
        for r in listed {
            assert!(
                matches!(r.outcome.verdict, Verdict::Fail(_)),
                "{pattern} ({clause}) passes now"
            );
        }
    }
    let passed = results
        .iter()
        .filter(|r| matches!(r.outcome.verdict, Verdict::Pass | Verdict::Tuning))
        .count();
    assert!(passed >= 650, "only {passed} scripts pass");
}
