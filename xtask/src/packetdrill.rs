//! `cargo xtask packetdrill [PATH...] [--profile P] [--verbose]`: the packetdrill
//! runner over the vendored FreeBSD tcp-testsuite (or the scripts given), with
//! the table written into machines/tcp-conn/CONFORMANCE.md when the whole suite
//! ran with the FreeBSD profile.

use crate::util::{cargo, flag_value, positional, sh};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut cmd = cargo();
    cmd.args(["run", "--release", "--quiet", "-p", "wirestate-packetdrill", "--"]);
    cmd.args(args);
    let profile = flag_value(args, "--profile").unwrap_or("freebsd");
    let whole_suite = positional(args, &["--profile"]).is_empty() && profile == "freebsd";
    if whole_suite {
        cmd.args(["--write", "machines/tcp-conn/CONFORMANCE.md"]);
    }
    sh(&mut cmd)
}
