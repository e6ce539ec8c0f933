//! What the tests that check us against tshark and tcpdump share: running them.
//!
//! Each peer must be installed (`.ci/setup` installs both). Without one the test
//! says so and passes, unless `WIRESTATE_REQUIRE_TSHARK=1` (set by `cargo xtask
//! ci`), so that in CI it cannot silently check nothing.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod fields;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn required() -> bool {
    std::env::var("WIRESTATE_REQUIRE_TSHARK").is_ok_and(|v| v == "1")
}

/// `tshark -r CAPTURE -T json ARGS`, parsed; `None` (the test skipped) without tshark.
pub fn tshark(capture: &Path, args: &[&str]) -> Option<Vec<Value>> {
    let out =
        Command::new("tshark").arg("-r").arg(capture).args(["-T", "json"]).args(args).output();
    match out {
        Ok(out) if out.status.success() => Some(serde_json::from_slice(&out.stdout).unwrap()),
        other => {
            assert!(!required(), "tshark is required here but did not run: {other:?}");
            eprintln!("SKIPPED: tshark is not installed (run ./.ci/setup)");
            None
        }
    }
}

/// `tcpdump -r CAPTURE ARGS` in UTC, its lines; `None` (the test skipped) without
/// tcpdump.
pub fn tcpdump(capture: &Path, args: &[&str]) -> Option<Vec<String>> {
    let out = Command::new("tcpdump").env("TZ", "UTC").arg("-r").arg(capture).args(args).output();
    match out {
        Ok(out) if out.status.success() => {
            Some(String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect())
        }
        other => {
            assert!(!required(), "tcpdump is required here but did not run: {other:?}");
            eprintln!("SKIPPED: tcpdump is not installed (run ./.ci/setup)");
            None
        }
    }
}
