//! The `wirestate` command-line tool.
//!
//! - `wirestate decode FILE [--json] [--time FORM] [--count N] [--filter EXPR] [--stats]`:
//!   every packet of a pcap or pcapng capture through every codec, one line each or
//!   JSON Lines.
//! - `wirestate parse FORMAT [FILE|-] [--hex] [--link TYPE]`: one message of one format
//!   (`--link`: the link layer a `frame` starts with).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wirestate::decode;
use wirestate_packet::LinkType;

mod capture;
mod clock;
mod pipeline;

/// Decoding builds and drops a few small objects per field: mimalloc takes
/// `decode --json` from 0.46 s to 0.38 s of CPU on 200,000 packets (glibc malloc
/// and free were a fifth of the profile).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Print JSON Lines (docs/decode-json.md in the repository) instead of one line per packet.
        #[arg(long)]
        json: bool,
        /// The time column of the text view, in UTC (tcpdump prints local time; UTC
        /// prints the same on every machine).
        #[arg(long, value_enum, default_value_t, value_name = "FORM", conflicts_with = "json")]
        time: clock::TimeFormat,
        /// Stop after this many packets (counted after the filter).
        #[arg(long)]
        count: Option<u64>,
        /// Keep only packets that match, e.g. "tcp and port 80", "udp or arp".
        #[arg(long)]
        filter: Option<String>,
        /// Print a line per protocol at the end: packets and bytes.
        #[arg(long)]
        stats: bool,
        /// Decode each packet on its own: no IP fragment reassembly, and no stream
        /// reassembly of DNS over TCP and HTTP messages that span segments.
        #[arg(long)]
        no_reassembly: bool,
    },
    /// Decode one message of one format; print its JSON, or its error with exit status 1.
    Parse {
        /// The message's format.
        #[arg(value_enum)]
        format: decode::Format,
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
        /// `frame`: the link layer the frame starts with, as a capture's link type
        /// names it (Ethernet unless told).
        #[arg(long, value_enum, value_name = "TYPE")]
        link: Option<LinkName>,
    },
}

/// The link types `parse frame --link` takes, as libpcap names them (lowercase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LinkName {
    /// Ethernet II (LINKTYPE_ETHERNET).
    Ethernet,
    /// A bare IPv4 or IPv6 packet (LINKTYPE_RAW); the same as `parse raw-ip`.
    Raw,
    /// Linux cooked capture v1, as `tcpdump -i any` writes it (LINKTYPE_LINUX_SLL).
    LinuxSll,
    /// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2).
    LinuxSll2,
    /// BSD loopback, the family in the capturing host's byte order (LINKTYPE_NULL).
    Null,
    /// BSD loopback, the family in network byte order (LINKTYPE_LOOP).
    Loop,
    /// PPP (LINKTYPE_PPP).
    Ppp,
}

impl From<LinkName> for LinkType {
    fn from(l: LinkName) -> LinkType {
        match l {
            LinkName::Ethernet => LinkType::Ethernet,
            LinkName::Raw => LinkType::Ip,
            LinkName::LinuxSll => LinkType::LinuxSll,
            LinkName::LinuxSll2 => LinkType::LinuxSll2,
            LinkName::Null => LinkType::Null,
            LinkName::Loop => LinkType::Loop,
            LinkName::Ppp => LinkType::Ppp,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode { file, json, time, count, filter, stats, no_reassembly } => {
            let filter = match filter.as_deref().map(str::parse::<decode::Filter>).transpose() {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("wirestate decode: {e}");
                    return ExitCode::from(2);
                }
            };
            let reassembly = !no_reassembly;
            let opts = DecodeOptions { json, time, count, filter, stats, reassembly };
            match run_decode(&file, &opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("wirestate decode: {}: {e}", file.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Parse { format, file, hex, lenient, method, link } => {
            let http = decode::HttpOptions { lenient, method };
            if let Err(name) = http.config() {
                eprintln!("wirestate parse: unknown leniency '{name}'");
                return ExitCode::from(2);
            }
            if link.is_some() && format != decode::Format::Frame {
                eprintln!("wirestate parse: --link goes with the frame format only");
                return ExitCode::from(2);
            }
            run_parse(format, file.as_deref(), hex, &http, link.map(LinkType::from))
        }
    }
}

struct DecodeOptions {
    json: bool,
    time: clock::TimeFormat,
    count: Option<u64>,
    filter: Option<decode::Filter>,
    stats: bool,
    reassembly: bool,
}

/// What the in-order step hands the formatter for a packet shown.
struct Shown {
    /// The time column as it stood before this packet.
    stamp: clock::Stamper,
    /// The application layers stream reassembly gave this packet (JSON only).
    reassembled: Option<decode::reassembly::Reassembled>,
    /// What IP reassembly made of it, if it is a fragment (JSON only).
    fragment: Option<decode::defrag::Fragment>,
    /// What the text view's TCP numbers are printed less.
    tcp: decode::TcpBase,
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
    let mut stamper = clock::Stamper::new(opts.time);
    let mut reassembler = (opts.json && opts.reassembly)
        .then(|| decode::reassembly::Reassembler::new(Default::default()));
    let mut defragmenter = (opts.json && opts.reassembly)
        .then(|| decode::defrag::Defragmenter::new(Default::default()));
    // The text view's TCP numbers, relative to each connection's first, as tcpdump's.
    let mut tcp_seqs = (!opts.json).then(decode::TcpSeqs::new);
    // In order: the count, the filter, the statistics, IP and stream reassembly, the
    // time column's first and previous packet and each TCP connection's first
    // numbers. On every core: each packet's decode
    // and its line.
    let ordered = |pkt: &capture::Packet<'_>| {
        if opts.count.is_some_and(|c| shown >= c) {
            return Ok(pipeline::Step::Stop);
        }
        let sliced = wirestate_packet::Sliced::new_captured(pkt.link, pkt.data, pkt.wire_len);
        // Every fragment and segment goes through reassembly, shown or not: a
        // datagram or a message may end on a packet the filter keeps. A datagram put
        // back together is what stream reassembly sees, not its fragments.
        let fragment = defragmenter.as_mut().and_then(|d| d.frame(pkt.index, &sliced));
        let whole = match &fragment {
            Some(decode::defrag::Fragment::Complete(d)) => {
                Some(wirestate_packet::Sliced::new(wirestate_packet::LinkType::Ip, &d.packet))
            }
            _ => None,
        };
        let reassembled = match (&fragment, &whole) {
            (None, _) => reassembler.as_mut().and_then(|r| r.frame(pkt.index, &sliced)),
            (Some(_), Some(w)) => reassembler.as_mut().and_then(|r| r.frame(pkt.index, w)),
            (Some(_), None) => None,
        };
        // The filter sees the frame as captured, and a reassembled datagram too.
        let keep = |f: &decode::Filter| f.matches(&sliced) || whole.is_some_and(|w| f.matches(&w));
        if opts.filter.as_ref().is_some_and(|f| !keep(f)) {
            return Ok(pipeline::Step::Skip);
        }
        shown += 1;
        stats.add(&sliced, pkt.wire_len);
        // The column as it stands before this packet: it writes this one's time.
        let stamp = stamper.clone();
        stamper.note(pkt.timestamp);
        let tcp = tcp_seqs.as_mut().map(|t| t.base(&sliced)).unwrap_or_default();
        Ok(pipeline::Step::Keep(Shown { stamp, reassembled, fragment, tcp }))
    };
    let format = |pkt: &capture::Packet<'_>, shown: &mut Shown, out: &mut Vec<u8>| {
        let sliced = wirestate_packet::Sliced::new_captured(pkt.link, pkt.data, pkt.wire_len);
        if opts.json {
            let decoded =
                decode::with_defrag(&sliced, shown.fragment.take(), shown.reassembled.take());
            capture::write_json_line(out, pkt, &decoded)
        } else {
            let mut line = String::with_capacity(256);
            let _ = write!(line, "{} ", pkt.index);
            shown.stamp.clone().write(&mut line, pkt.timestamp);
            line.push(' ');
            let cx = decode::LineContext { wire_len: Some(pkt.wire_len), tcp: shown.tcp };
            decode::write_summary_with(&mut line, &sliced, &cx);
            line.push('\n');
            out.write_all(line.as_bytes())
        }
    };
    let result = pipeline::run(reader, ordered, format, &mut out);
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

fn run_parse(
    format: decode::Format,
    file: Option<&Path>,
    hex: bool,
    http: &decode::HttpOptions,
    link: Option<LinkType>,
) -> ExitCode {
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
    let parsed = match link {
        Some(link) => Ok(decode::frame(link, &bytes, bytes.len()).to_json()),
        None => decode::parse_with(format, &bytes, http),
    };
    let (value, code) = match parsed {
        Ok(v) => (v, ExitCode::SUCCESS),
        Err(v) => (v, ExitCode::FAILURE),
    };
    println!("{value}");
    code
}
