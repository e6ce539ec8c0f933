//! `cargo xtask decode-speed`: `wirestate decode` beside tcpdump and tshark on one
//! synthetic capture, the packets of spec-vectors/captures/real-traffic.pcap
//! repeated.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use pcap_file::pcap::{PcapPacket, PcapReader, PcapWriter};

use crate::bench::{capture, cpu_model, time};
use crate::util::{cargo, flag_value, has, root, sh};

/// Timed runs of each command but tshark; the median is reported.
const RUNS: usize = 3;

/// The capture whose packets are repeated.
const SOURCE: &str = "spec-vectors/captures/real-traffic.pcap";

/// One view of `wirestate decode` and the peer that prints the same kind of output.
struct Pair {
    view: &'static str,
    ours: &'static [&'static str],
    peer: &'static str,
    peer_args: &'static [&'static str],
}

const PAIRS: &[Pair] = &[
    // The text view prints `tcpdump -nn`'s lines (tests/tcpdump_text.rs), so that is
    // its peer: the same work, not -v's longer lines.
    Pair { view: "text", ours: &[], peer: "tcpdump", peer_args: &["-nn", "-r"] },
    Pair { view: "json", ours: &["--json"], peer: "tshark", peer_args: &["-T", "json", "-r"] },
];

pub fn run(args: &[String]) -> Result<(), String> {
    let packets: u64 = flag_value(args, "--packets")
        .map_or(Ok(1_000_000), str::parse)
        .map_err(|e| format!("--packets: {e}"))?;
    let only = flag_value(args, "--only");
    if let Some(v) = only.filter(|v| !PAIRS.iter().any(|p| p.view == *v)) {
        return Err(format!("--only {v}: text or json"));
    }
    let pairs: Vec<&Pair> = PAIRS
        .iter()
        .filter(|p| only.is_none_or(|v| v == p.view))
        .filter(|p| {
            let there = has(p.peer, &["--version"]);
            if !there {
                eprintln!("{} is not installed: the {} view is not timed", p.peer, p.view);
            }
            there
        })
        .collect();
    if pairs.is_empty() {
        return Err(
            "neither tcpdump nor tshark is installed (apt-get install tcpdump tshark)".into()
        );
    }
    sh(cargo().args(["build", "--release", "--quiet", "--bin", "wirestate"]))?;
    let exe = root().join("target/release/wirestate");
    let capture_path = root().join(format!("target/decode-speed-{packets}.pcap"));
    synth(&root().join(SOURCE), &capture_path, packets)?;

    let mut lines = Vec::new();
    for p in pairs {
        let ours = median_time(
            || {
                let mut c = Command::new(&exe);
                c.arg("decode").arg(&capture_path).args(p.ours);
                c
            },
            RUNS,
        )?;
        let flags =
            if p.ours.is_empty() { String::new() } else { format!(" {}", p.ours.join(" ")) };
        eprintln!("wirestate decode{flags}: {ours:.2} s");
        let peer_flags = p.peer_args.iter().filter(|a| **a != "-r").copied().collect::<Vec<_>>();
        let peer_name = format!("{} {}", p.peer, peer_flags.join(" "));
        // tshark takes over a minute a run: one run, the capture already cached by ours.
        let peer_runs = if p.peer == "tshark" { 1 } else { RUNS };
        let peer = || {
            let mut c = Command::new(p.peer);
            c.args(p.peer_args).arg(&capture_path);
            c
        };
        let theirs =
            if peer_runs == 1 { time(&mut peer())? } else { median_time(peer, peer_runs)? };
        eprintln!("{peer_name}: {theirs:.2} s");
        let rate = |secs: f64| packets as f64 / secs;
        let line = format!(
            "| `wirestate decode{flags}` | {ours:.2} s ({:.0} packets/s) | `{peer_name}` | {theirs:.2} s ({:.0} packets/s) | {:.1}x |",
            rate(ours),
            rate(theirs),
            theirs / ours
        );
        println!("{line}");
        lines.push((p.peer, line));
    }

    // Its own file: `cargo xtask bench` rewrites RESULTS.md whole.
    let mut doc = String::from("# decode beside tcpdump and tshark\n\n");
    let _ = writeln!(
        doc,
        "Written by `cargo xtask decode-speed`: one synthetic capture of {packets} packets\n\
         ({SOURCE} repeated, built by the xtask),\n\
         output to /dev/null. The text view is timed beside `tcpdump -nn` (whose lines it prints), the JSON beside\n\
         `tshark -T json`; the last column is the peer's time divided by wirestate's. Each time is the\n\
         median of {RUNS} wall-clock runs after an untimed one, but tshark's: one run (over a minute each).\n"
    );
    let _ = writeln!(doc, "- date: {}", capture("date", &["-u", "+%Y-%m-%d %H:%M UTC"]));
    let _ = writeln!(doc, "- cpu: {} ({} cores)", cpu_model(), capture("nproc", &[]));
    for (peer, _) in &lines {
        let version = capture(peer, &["--version"]);
        let _ = writeln!(doc, "- {peer}: {}", version.lines().next().unwrap_or(""));
    }
    doc.push_str("\n| wirestate | time | peer | time | x |\n|---|---:|---|---:|---:|\n");
    for (_, line) in &lines {
        doc.push_str(line);
        doc.push('\n');
    }
    std::fs::write(root().join("benches/DECODE_SPEED.md"), doc).map_err(|e| e.to_string())
}

/// Writes `packets` packets cycled from the pcap `from` into a new pcap at `out`, one
/// microsecond apart, with `from`'s link type.
fn synth(from: &Path, out: &Path, packets: u64) -> Result<(), String> {
    let err = |e: pcap_file::PcapError| format!("{}: {e}", from.display());
    let file = File::open(from).map_err(|e| format!("{}: {e}", from.display()))?;
    let mut reader = PcapReader::new(BufReader::new(file)).map_err(err)?;
    let header = reader.header();
    let mut frames: Vec<Vec<u8>> = Vec::new();
    while let Some(pkt) = reader.next_packet() {
        frames.push(pkt.map_err(err)?.data.into_owned());
    }
    if frames.is_empty() {
        return Err(format!("{}: no packets", from.display()));
    }
    let file = File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut w = PcapWriter::with_header(BufWriter::new(file), header).map_err(err)?;
    for (i, data) in (0..packets).zip(frames.iter().cycle()) {
        let ts = Duration::from_secs(1_700_000_000) + Duration::from_micros(i);
        let len = u32::try_from(data.len()).map_err(|e| e.to_string())?;
        w.write_packet(&PcapPacket::new(ts, len, data)).map_err(err)?;
    }
    let file = w.into_writer().into_inner().map_err(|e| format!("{}: {e}", out.display()))?;
    // On disk before anything is timed: the kernel writing the file back while a
    // decode reads it made the first timed run up to 40% slower.
    file.sync_all().map_err(|e| format!("{}: {e}", out.display()))
}

/// The median of `runs` timed runs of the command `make` builds, after one untimed
/// run (the capture in the page cache, the binary loaded).
fn median_time(make: impl Fn() -> Command, runs: usize) -> Result<f64, String> {
    time(&mut make())?;
    let mut times = (0..runs).map(|_| time(&mut make())).collect::<Result<Vec<f64>, _>>()?;
    times.sort_by(f64::total_cmp);
    Ok(times.get(runs / 2).copied().unwrap_or(f64::NAN))
}
