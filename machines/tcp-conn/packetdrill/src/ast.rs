//! A packetdrill script as written: what [`parse`](crate::parse()) builds and the
//! runner walks. Numbers are kept as the script writes them (sequence numbers
//! relative to each side's ISN, times in microseconds); nothing here knows TCP's
//! rules.

/// A whole script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// Command-line options written at the top (`--ip_version=ipv4`,
    /// `--tolerance_usecs=50000`): name without the dashes, and the value if any.
    pub options: Vec<(String, Option<String>)>,
    /// The events, in script order.
    pub events: Vec<Event>,
}

/// One timed line (or a multi-line `%{ }%` / backquoted block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// 1-based line number where the event starts.
    pub line: usize,
    /// When it happens.
    pub time: Time,
    /// What happens.
    pub action: Action,
}

/// How an event's time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    /// `0.100`: from the start of the script.
    Absolute,
    /// `+0.100`: from the previous event's time.
    Relative,
    /// `*`: any time (outbound packets only).
    Any,
    /// No time: packetdrill's init command, an untimed backquoted command
    /// written before the first event; it runs before the script starts.
    /// `start_us` is 0.
    Init,
    /// No time: packetdrill's cleanup command, an untimed backquoted command
    /// written after the last event; it runs when the script ends, whether the
    /// script passed or not. `start_us` is 0.
    Cleanup,
}

/// An event's time. `start_us` is the (absolute or relative) time; a range
/// `0.1~0.2` or `+0.1~+0.2` gives `end_us` (the same kind as the start);
/// a blocking system call `0.1...0.3 accept(...)` gives `blocking_end_us`
/// (the time the call returns, of the same kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    /// Absolute, relative or any.
    pub kind: TimeKind,
    /// Microseconds (0 for `Any`).
    pub start_us: i64,
    /// The end of a `~` range, microseconds.
    pub end_us: Option<i64>,
    /// The end of a blocking call's `...` span, microseconds.
    pub blocking_end_us: Option<i64>,
}

/// What an event does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `<` (injected into the stack) or `>` (expected from it).
    Packet(Packet),
    /// A system call with its expected result.
    Syscall(Syscall),
    /// A backquoted shell command, as written between the backquotes.
    Command(String),
    /// A `%{ ... }%` Python block, as written between the markers.
    Code(String),
}

/// Which way a packet goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `<`: from the remote peer, injected into the stack under test.
    Inbound,
    /// `>`: from the stack under test, expected.
    Outbound,
}

/// The IP ECN field written in brackets before the flags: `[noecn]`, `[ect0]`,
/// `[ect1]`, `[ce]`, `[ect01]` (either ECT codepoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcnMark {
    /// `[noecn]`: Not-ECT (00).
    NotEct,
    /// `[ect0]` (10).
    Ect0,
    /// `[ect1]` (01).
    Ect1,
    /// `[ce]` (11).
    Ce,
    /// `[ect01]`: ECT(0) or ECT(1).
    Ect01,
}

/// A packet line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Inbound or outbound.
    pub direction: Direction,
    /// The ECN mark written, if any.
    pub ecn: Option<EcnMark>,
    /// What the packet is.
    pub body: PacketBody,
}

/// A TCP segment or something the runner does not model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketBody {
    /// A TCP segment.
    Tcp(TcpSegment),
    /// Anything else (`icmp ...`, `udp (...)`, `sctp ...`): the kind's first word
    /// and the rest of the line as written.
    Other {
        /// `icmp`, `udp`, ...
        kind: String,
        /// The rest of the line.
        text: String,
    },
}

/// A TCP segment as a script writes it:
/// `S. 0:0(0) ack 1 win 65535 urg 3 <mss 1460,nop,wscale 6>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpSegment {
    /// The flag letters as written (`S`, `.`, `F`, `R`, `P`, `U`, `E`, `W`, `N`);
    /// `.` is ACK.
    pub flags: String,
    /// Start sequence number (relative); `None` for `*` or when omitted
    /// (an outbound segment may leave it out).
    pub seq: Option<u32>,
    /// End sequence number (relative, `seq + len`).
    pub end: Option<u32>,
    /// Payload length in parentheses.
    pub len: u32,
    /// `ack N` (relative).
    pub ack: Option<u32>,
    /// `win N`.
    pub win: Option<u32>,
    /// `urg N`.
    pub urg: Option<u32>,
    /// The options part.
    pub options: TcpOptions,
}

/// A segment's options as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpOptions {
    /// No `<...>` at all: the segment carries no options.
    None,
    /// `<...>`: any options (not checked).
    Any,
    /// A list, in order.
    List(Vec<TcpOption>),
}

/// One option in a `<...>` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpOption {
    /// `nop`.
    Nop,
    /// `eol`.
    Eol,
    /// `mss N`.
    Mss(u16),
    /// `wscale N`.
    WindowScale(u8),
    /// `sackOK`.
    SackPermitted,
    /// `TS val N ecr M` (relative to each side's first value, as packetdrill maps them).
    Timestamp {
        /// TSval.
        val: u32,
        /// TSecr.
        ecr: u32,
    },
    /// `sack a:b c:d` (relative sequence numbers).
    Sack(Vec<(u32, u32)>),
    /// `FO ...`, `FOEXP ...` (TCP Fast Open), `md5 ...`, or anything else: the
    /// text as written.
    Other(String),
}

/// A system call line: `name(args) = ret [ERRNO (text)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syscall {
    /// `socket`, `connect`, `write`, ...
    pub name: String,
    /// The arguments.
    pub args: Vec<Expr>,
    /// The expected return value.
    pub ret: Expr,
    /// The expected errno's name (`EINPROGRESS`), if written.
    pub errno: Option<String>,
    /// The parenthesised note after the errno, if any.
    pub note: Option<String>,
}

/// An argument or return value of a system call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// An integer (decimal or `0x` hex; may be negative).
    Int(i64),
    /// `...`: anything.
    Ellipsis,
    /// A name: `SOL_SOCKET`, `TCP_NODELAY`, `O_RDWR`.
    Symbol(String),
    /// `A | B | C`.
    Or(Vec<Expr>),
    /// `[a, b]`: an array (also used for pointers to one value: `[1]`).
    List(Vec<Expr>),
    /// `{field=value, ...}` (also `{field: value}`); fields without a name get "".
    Struct(Vec<(String, Expr)>),
    /// A double-quoted string, unescaped.
    Str(String),
}
