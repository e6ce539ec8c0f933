//! Every spec vector through `wirestate parse`'s decoder, twice checked: against the
//! vector's own `expect` (what other implementations compare with) and against an
//! insta snapshot (so a change to either shows up in review as a diff).

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use wirestate::decode;

#[test]
fn spec_vectors_decode_as_expected() {
    let mut seen = 0;
    insta::glob!("../spec-vectors", "**/*.json", |path| {
        let vector: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let (Some(format), Some(hex)) = (vector["format"].as_str(), vector["hex"].as_str()) else {
            return; // not a vector
        };
        let bytes = decode::unhex(hex).expect("vector hex");
        let http = decode::HttpOptions {
            lenient: vector["options"]["lenient"]
                .as_array()
                .map(|a| a.iter().filter_map(|l| l.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            method: vector["options"]["method"].as_str().map(str::to_string),
        };
        let Ok(format) = format.parse::<decode::Format>() else {
            // A vector for a format the CLI does not decode yet must not claim an
            // expectation it cannot be checked against.
            assert!(vector.get("expect").is_none(), "{}: unknown format {format}", path.display());
            return;
        };
        let result = decode::parse_with(format, &bytes, &http);
        let actual = match result {
            Ok(v) | Err(v) => v,
        };
        seen += 1;
        if let Some(expect) = vector.get("expect") {
            assert_eq!(&actual, expect, "{} differs from its expect", path.display());
        }
        insta::assert_json_snapshot!(actual);
    });
    assert!(seen >= 60, "only {seen} vectors found");
}
