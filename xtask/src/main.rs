//! `cargo xtask`: the project's chores, in Rust so they run wherever cargo does.
//!
//! - `cargo xtask fuzz [TARGET] [--seconds N]`: every fuzz target (or one) for N seconds
//!   each, seeded from spec-vectors/, with the nightly toolchain when present.
//! - `cargo xtask vectors [--bless]`: every spec vector through `wirestate parse`,
//!   compared with the vector's `expect` (or rewritten with `--bless`).
//! - `cargo xtask bench`: the criterion benches beside their peers; prints the ratios
//!   and writes benches/RESULTS.md (with the per-corpus summary below).
//! - `cargo xtask corpus-report`: from the criterion results already in target/, the
//!   median and worst per-input ratio of each bench corpus and peer, and the five worst
//!   inputs (the benches of spec-vectors/bench-corpora).
//! - `cargo xtask decode-speed [--packets N] [--only text|json]`: `wirestate decode`
//!   against `tcpdump -nn` and `wirestate decode --json` against `tshark -T json`
//!   on one synthetic capture of N packets (default a million), built here.
//! - `cargo xtask packetdrill [PATH...] [--profile linux|freebsd|rfc] [--verbose]`:
//!   packetdrill scripts against wirestate-tcp-conn (the vendored FreeBSD suite by
//!   default; its table goes into machines/tcp-conn/CONFORMANCE.md).
//! - `cargo xtask ci`: exactly what `.ci/run` runs after its set-up.

mod bench;
mod ci;
mod corpus_report;
mod decode_speed;
mod fuzz;
mod packetdrill;
mod util;
mod vectors;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "fuzz" => fuzz::run(rest),
        "vectors" => vectors::run(rest),
        "bench" => bench::run(rest),
        "decode-speed" => decode_speed::run(rest),
        "corpus-report" => corpus_report::run(rest),
        "ci" => ci::run(rest),
        "packetdrill" => packetdrill::run(rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <fuzz [TARGET] [--seconds N] | vectors [--bless] | bench | \
                 decode-speed [--packets N] [--only text|json] | corpus-report | \
                 packetdrill [PATH...] [--profile P] | ci>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {cmd}: {e}");
            ExitCode::FAILURE
        }
    }
}
