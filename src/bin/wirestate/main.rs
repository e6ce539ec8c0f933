//! The `wirestate` command-line tool.
//!
//! - `wirestate decode FILE [--json] [--count N] [--filter EXPR] [--stats]`: every
//!   packet of a pcap or pcapng capture through every codec.
//! - `wirestate parse FORMAT [FILE|-] [--hex]`: one message of one format.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wirestate::decode;

mod capture;

#[derive(Parser)]
#[command(
    name = "wirestate",
    version,
    about = "The protocols that carry one web request, decoded."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode every packet of a pcap or pcapng capture: Ethernet, Linux cooked v1/v2
    /// (tcpdump -i any), BSD NULL/LOOP, PPP or raw IP link types.
    Decode {
        /// The capture file.
        file: PathBuf,
        /// Print JSON Lines (shared/spec/decode-json.md) instead of one line per packet.
        #[arg(long)]
        json: bool,
        /// Stop after this many packets (counted after the filter).
        #[arg(long)]
        count: Option<u64>,
        /// Keep only packets that match, e.g. "tcp and port 80", "udp or arp".
        #[arg(long)]
        filter: Option<String>,
        /// Print a line per protocol at the end: packets and bytes.
        #[arg(long)]
        stats: bool,
    },
    /// Decode one message of one format; print its JSON, or its error with exit status 1.
    Parse {
        /// ethernet, arp, ipv4, ipv6, icmpv4, icmpv6, udp, tcp, dns, http1-request,
        /// http1-response, url, or frame / raw-ip (every layer).
        format: String,
        /// The file holding the message; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// The input is hex text (whitespace ignored), not raw bytes.
        #[arg(long)]
        hex: bool,
        /// HTTP: turn on a named leniency (obs_fold, bare_lf, space_before_colon,
        /// leading_empty_lines); may be repeated.
        #[arg(long, value_name = "NAME")]
        lenient: Vec<String>,
        /// HTTP responses: the method of the request answered (HEAD has no body).
        #[arg(long)]
        method: Option<String>,
    },
    /// Write a capture of N packets cycled from another (for `cargo xtask decode-speed`).
    #[command(hide = true)]
    Synth {
        /// How many packets.
        #[arg(long)]
        packets: u64,
        /// Where to write the pcap.
        #[arg(long)]
        out: PathBuf,
        /// The capture whose packets are repeated.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/real-traffic.pcap"))]
        from: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode { file, json, count, filter, stats } => {
            let filter = match filter.as_deref().map(str::parse::<decode::Filter>).transpose() {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("wirestate decode: {e}");
                    return ExitCode::from(2);
                }
            };
            let opts = DecodeOptions { json, count, filter, stats };
            match run_decode(&file, &opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("wirestate decode: {}: {e}", file.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Parse { format, file, hex, lenient, method } => {
            let http = decode::HttpOptions { lenient, method };
            if let Err(name) = http.config() {
                eprintln!("wirestate parse: unknown leniency '{name}'");
                return ExitCode::from(2);
            }
            run_parse(&format, file.as_deref(), hex, &http)
        }
        Command::Synth { packets, out, from } => match capture::synth(&from, &out, packets) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("wirestate synth: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

struct DecodeOptions {
    json: bool,
    count: Option<u64>,
    filter: Option<decode::Filter>,
    stats: bool,
}

fn run_decode(path: &Path, opts: &DecodeOptions) -> io::Result<()> {
    let file = File::open(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let reader: Box<dyn Read> = match &progress {
        Some(bar) => Box::new(bar.wrap_read(BufReader::with_capacity(1 << 16, file))),
        None => Box::new(BufReader::with_capacity(1 << 16, file)),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut stats = capture::Stats::default();
    let mut shown = 0u64;
    let result = capture::for_each_packet(reader, |pkt| {
        if opts.count.is_some_and(|c| shown >= c) {
            return Ok(false);
        }
        let sliced = wirestate_packet::Sliced::new_captured(pkt.link, pkt.data, pkt.wire_len);
        if opts.filter.as_ref().is_some_and(|f| !f.matches(&sliced)) {
            return Ok(true);
        }
        shown += 1;
        stats.add(&sliced, pkt.wire_len);
        if opts.json {
            let decoded = decode::sliced(&sliced);
            capture::write_json_line(&mut out, pkt, &decoded)?;
        } else {
            writeln!(out, "{} {} {}", pkt.index, pkt.ts(), decode::summary(&sliced))?;
        }
        Ok(true)
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    out.flush()?;
    result?;
    if opts.stats {
        if opts.json {
            stats.print(&mut io::stderr().lock())?;
        } else {
            stats.print(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

fn run_parse(format: &str, file: Option<&Path>, hex: bool, http: &decode::HttpOptions) -> ExitCode {
    let mut input = Vec::new();
    let read = match file {
        None => io::stdin().read_to_end(&mut input),
        Some(p) if p == Path::new("-") => io::stdin().read_to_end(&mut input),
        Some(p) => File::open(p).and_then(|mut f| f.read_to_end(&mut input)),
    };
    if let Err(e) = read {
        eprintln!("wirestate parse: {e}");
        return ExitCode::from(2);
    }
    let bytes = if hex {
        match std::str::from_utf8(&input).ok().and_then(decode::unhex) {
            Some(b) => b,
            None => {
                eprintln!("wirestate parse: --hex input is not an even number of hex digits");
                return ExitCode::from(2);
            }
        }
    } else {
        input
    };
    let Some(result) = decode::parse_with(format, &bytes, http) else {
        eprintln!(
            "wirestate parse: unknown format '{format}' (one of: {})",
            decode::FORMATS.join(", ")
        );
        return ExitCode::from(2);
    };
    let (value, code) = match result {
        Ok(v) => (v, ExitCode::SUCCESS),
        Err(v) => (v, ExitCode::FAILURE),
    };
    println!("{value}");
    code
}
