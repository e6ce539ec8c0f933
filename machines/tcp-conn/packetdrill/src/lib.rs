//! Runs packetdrill scripts (<https://github.com/google/packetdrill>) against
//! wirestate-tcp-conn, so anyone can check this TCP, or the scripts' stack,
//! with the same tests.
//!
//! - [`parse()`] reads packetdrill's script language into an [`ast::Script`].
//! - [`run_script`] drives [`Connection`](wirestate_tcp_conn::Connection)s and
//!   [`Listener`](wirestate_tcp_conn::Listener)s through it on a virtual clock and
//!   gives an [`Outcome`]: PASS, FAIL (the first line that differs, expected vs
//!   got), TUNING (only values the RFCs leave to the stack differed) or SKIP
//!   (with the reason).
//! - [`Profile`] holds those stack-chosen values for `linux`, `freebsd` and
//!   `rfc`, and maps each stack's `sysctl` knobs.
//!
//! The FreeBSD tcp-testsuite (BSD-2-Clause) is vendored in `tcp-testsuite/`;
//! `cargo xtask packetdrill [DIR]` runs it and writes the table in
//! `machines/tcp-conn/CONFORMANCE.md`.
#![forbid(unsafe_code)]

pub mod ast;
pub mod parse;
mod profile;
mod run;
mod suite;

pub use parse::{parse, parse_with_defines, ParseError};
pub use profile::{Profile, ProfileName, SysctlEffect};
pub use run::{run_script, Difference, Outcome, Verdict};
pub use suite::{run_file, run_tree, table, FileOutcome, INVALID_SCRIPTS, RFC_DEVIATIONS};
