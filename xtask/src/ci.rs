//! `cargo xtask ci`: what `.ci/run` runs once the machine is set up.

use std::process::Command;

use crate::util::{cargo, has, sh};

/// The crates that must build without std: the codecs, and the machines that
/// need only `alloc`.
const NO_STD_CRATES: &[&str] = &[
    "wirestate-wire",
    "wirestate-ethernet",
    "wirestate-arp",
    "wirestate-ip",
    "wirestate-icmp",
    "wirestate-udp",
    "wirestate-tcp",
    "wirestate-packet",
    "wirestate-dns",
    "wirestate-dhcp",
    "wirestate-http1",
    "wirestate-dhcp-server",
    "wirestate-dhcp-client",
    "wirestate-dns-server",
    "wirestate-dns-resolver",
    "wirestate-http1-conn",
];

const NO_STD_TARGET: &str = "thumbv7em-none-eabihf";

pub fn run(args: &[String]) -> Result<(), String> {
    let fuzz_seconds: u64 = crate::util::flag_value(args, "--fuzz-seconds")
        .map_or(Ok(10), str::parse)
        .map_err(|e| format!("--fuzz-seconds: {e}"))?;
    sh(cargo().args(["fmt", "--all", "--check"]))?;
    sh(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    // Every public item documented, every intra-doc link resolving.
    sh(cargo()
        .args(["doc", "--quiet", "--no-deps", "--workspace"])
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    // The README's test command; the tshark agreement test must really run here.
    sh(cargo()
        .args(["test", "--workspace"])
        .env("WIRESTATE_REQUIRE_TSHARK", "1")
        .env("WIRESTATE_REQUIRE_PEERS", "1"))?;
    crate::vectors::run(&[])?;
    no_std()?;
    if has("cargo", &["fuzz", "--version"]) {
        let targets = crate::fuzz::all_targets()?;
        crate::fuzz::run_targets(&targets, fuzz_seconds)?;
    } else {
        return Err("cargo-fuzz is missing: .ci/setup installs it".into());
    }
    eprintln!("ci: all green");
    Ok(())
}

/// Builds the codecs for a bare-metal target when its core library is installed;
/// always builds the `#![no_std]` check crate, which fails if `std` is anywhere in
/// the codecs' crate graph (the fallback the issue allows when no target is).
fn no_std() -> Result<(), String> {
    sh(cargo()
        .args(["build", "--quiet", "--manifest-path", "nostd-check/Cargo.toml"])
        .args(["--target-dir", "target/nostd-check"]))?;
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(NO_STD_TARGET))
        .unwrap_or(false);
    if !installed {
        eprintln!("ci: {NO_STD_TARGET} is not installed here; the no_std check crate stood in");
        return Ok(());
    }
    let mut cmd = cargo();
    cmd.args(["build", "--no-default-features", "--target", NO_STD_TARGET]);
    for c in NO_STD_CRATES {
        cmd.args(["-p", c]);
    }
    sh(&mut cmd)
}
