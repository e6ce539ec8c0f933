#![allow(clippy::unwrap_used, clippy::panic)]

use super::*;
use crate::ast::*;
use std::path::{Path, PathBuf};

fn script(text: &str) -> Script {
    match parse(text) {
        Ok(s) => s,
        Err(e) => panic!("{text:?} did not parse: {e}"),
    }
}

fn one(text: &str) -> Event {
    let mut s = script(text);
    assert_eq!(s.events.len(), 1, "{text:?}");
    s.events.remove(0)
}

fn packet(text: &str) -> Packet {
    match one(text).action {
        Action::Packet(p) => p,
        other => panic!("not a packet: {other:?}"),
    }
}

fn tcp(text: &str) -> TcpSegment {
    match packet(text).body {
        PacketBody::Tcp(t) => t,
        other => panic!("not TCP: {other:?}"),
    }
}

fn syscall(text: &str) -> Syscall {
    match one(text).action {
        Action::Syscall(s) => s,
        other => panic!("not a system call: {other:?}"),
    }
}

/// The error's line, and its message (which must contain `needle`).
fn error(text: &str, needle: &str) -> usize {
    let e = parse(text).unwrap_err();
    assert!(e.message.contains(needle), "{text:?}: {e} does not mention {needle:?}");
    e.line
}

fn time(kind: TimeKind, start_us: i64, end_us: Option<i64>, blocking_end_us: Option<i64>) -> Time {
    Time { kind, start_us, end_us, blocking_end_us }
}

fn seg(flags: &str, seq: u32, end: u32, len: u32) -> TcpSegment {
    TcpSegment {
        flags: flags.into(),
        seq: Some(seq),
        end: Some(end),
        len,
        ack: None,
        win: None,
        urg: None,
        options: TcpOptions::None,
    }
}

fn sym(s: &str) -> Expr {
    Expr::Symbol(s.into())
}

// --- times ---

#[test]
fn times_are_microseconds_absolute_or_relative() {
    let cases = [
        ("0.100 close(3) = 0", time(TimeKind::Absolute, 100_000, None, None)),
        ("2 close(3) = 0", time(TimeKind::Absolute, 2_000_000, None, None)),
        ("+0.1 close(3) = 0", time(TimeKind::Relative, 100_000, None, None)),
        ("+.25 close(3) = 0", time(TimeKind::Relative, 250_000, None, None)),
        ("+ 0.5 close(3) = 0", time(TimeKind::Relative, 500_000, None, None)),
        (".000001 close(3) = 0", time(TimeKind::Absolute, 1, None, None)),
        ("0.0000019 close(3) = 0", time(TimeKind::Absolute, 1, None, None)),
        ("* > . 1:1(0) ack 1", time(TimeKind::Any, 0, None, None)),
    ];
    for (text, want) in cases {
        assert_eq!(one(text).time, want, "{text}");
    }
}

#[test]
fn ranges_give_end_us_of_the_same_kind() {
    assert_eq!(
        one("0.1~0.2 > . 1:1(0) ack 1").time,
        time(TimeKind::Absolute, 100_000, Some(200_000), None)
    );
    assert_eq!(
        one("+0.1~+0.25 > . 1:1(0) ack 1").time,
        time(TimeKind::Relative, 100_000, Some(250_000), None)
    );
    assert_eq!(
        one("+0 ~ +1 > . 1:1(0) ack 1").time,
        time(TimeKind::Relative, 0, Some(1_000_000), None)
    );
}

#[test]
fn blocking_spans_give_blocking_end_us() {
    let e = one("+0...0.2 accept(3, ..., ...) = 4");
    assert_eq!(e.time, time(TimeKind::Relative, 0, None, Some(200_000)));
    let e = one("0.1...0.3 accept(3, ..., ...) = 4");
    assert_eq!(e.time, time(TimeKind::Absolute, 100_000, None, Some(300_000)));
    let e = one(" 1.00...6.00 connect(3, ..., ...) = -1 ETIMEDOUT (Operation timed out)");
    assert_eq!(e.time, time(TimeKind::Absolute, 1_000_000, None, Some(6_000_000)));
    assert_eq!(
        one("+0...+0.2 read(3, ..., 1) = 1").time,
        time(TimeKind::Relative, 0, None, Some(200_000))
    );
}

#[test]
fn time_errors_name_the_rule() {
    assert_eq!(error("close(3) = 0", "expected an event time"), 1);
    assert_eq!(error("0 close(3) = 0\n-1 close(3) = 0", "expected an event time"), 2);
    assert_eq!(error("* close(3) = 0", "`*` can only be used with outbound packets"), 1);
    assert_eq!(error("* < . 1:1(0) ack 1 win 1", "`*` can only be used with outbound packets"), 1);
    assert_eq!(error("0.1~0.2 close(3) = 0", "time range can only be used with outbound"), 1);
    assert_eq!(error("\n0.3~0.2 > . 1:1(0) ack 1", "time range ends before it starts"), 2);
    assert_eq!(error("+0.1~0.2 > . 1:1(0)", "expected `+`"), 1);
    assert_eq!(
        error("0.1...0.3 > . 1:1(0)", "blocking span (`...`) can only be used with a system call"),
        1
    );
    assert_eq!(
        error("0.3...0.1 accept(3, ..., ...) = 4", "blocking span ends before it starts"),
        1
    );
    assert_eq!(error("99999999999999999 close(3) = 0", "out of range"), 1);
    assert_eq!(error("0x10 close(3) = 0", "expected an event time"), 1);
    assert_eq!(error("+0.1\n< S 0:0(0) win 1", "found the end of the line"), 1);
}

// --- header options, comments, layout ---

#[test]
fn header_options_keep_name_and_value() {
    let s = script("--ip_version=ipv4\n--tolerance_usecs=50000 --verbose\n--define=\"A B\"\n--local_ip=192.168.0.1 // comment\n0 close(3) = 0\n");
    let want: Vec<(String, Option<String>)> = vec![
        ("ip_version".into(), Some("ipv4".into())),
        ("tolerance_usecs".into(), Some("50000".into())),
        ("verbose".into(), None),
        ("define".into(), Some("A B".into())),
        ("local_ip".into(), Some("192.168.0.1".into())),
    ];
    assert_eq!(s.options, want);
    assert_eq!(s.events.len(), 1);
}

#[test]
fn header_option_errors() {
    assert_eq!(error("0 close(3) = 0\n--mtu=1500\n", "must come before the first event"), 2);
    assert_eq!(error("--mtu= 1500\n", "expected a value after `--mtu=`"), 1);
}

#[test]
fn comments_and_blank_lines_are_skipped() {
    let s = script(
        "// header\n\n/* a\n   block */\n0 close(3) = 0 // trailing\n+0 /* inline */ close(4) = 0\n+0 close(5) /* spans\n lines */ = 0\n\n",
    );
    let lines: Vec<usize> = s.events.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![5, 6, 7]);
    assert_eq!(s, Script { options: vec![], events: s.events.clone() });
    assert_eq!(script("").events, vec![]);
    assert_eq!(script("// only a comment").events, vec![]);
}

#[test]
fn one_event_per_line() {
    assert_eq!(
        error(
            "0 close(3) = 0 +0 close(4) = 0",
            "expected the end of the line after the event, found `+`"
        ),
        1
    );
    assert_eq!(error("0 < S 0:0(0) win 1 banana", "found `banana`"), 1);
    assert_eq!(error("0 close(3) = 0\n\nfoo bar", "expected an event time"), 3);
}

// --- TCP segments ---

#[test]
fn tcp_segment_with_every_option_kind() {
    let t = tcp("0 > S. 0:0(0) ack 1 win 65535 urg 3 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0,eol,sack 1:2 3:4,sack,FO abcd,FO,md5 valid,exp-fast-open 0a0b>");
    let want = TcpSegment {
        ack: Some(1),
        win: Some(65535),
        urg: Some(3),
        options: TcpOptions::List(vec![
            TcpOption::Mss(1460),
            TcpOption::Nop,
            TcpOption::WindowScale(6),
            TcpOption::SackPermitted,
            TcpOption::Timestamp { val: 100, ecr: 0 },
            TcpOption::Eol,
            TcpOption::Sack(vec![(1, 2), (3, 4)]),
            TcpOption::Sack(vec![]),
            TcpOption::Other("FO abcd".into()),
            TcpOption::Other("FO".into()),
            TcpOption::Other("md5 valid".into()),
            TcpOption::Other("exp-fast-open 0a0b".into()),
        ]),
        ..seg("S.", 0, 0, 0)
    };
    assert_eq!(t, want);
}

#[test]
fn tcp_packet_is_inbound_or_outbound_with_exact_fields() {
    let p = packet("+0.1 < S 0:0(0) win 32767 <mss 1460,sackOK,eol,eol>");
    let want = Packet {
        direction: Direction::Inbound,
        ecn: None,
        body: PacketBody::Tcp(TcpSegment {
            win: Some(32767),
            options: TcpOptions::List(vec![
                TcpOption::Mss(1460),
                TcpOption::SackPermitted,
                TcpOption::Eol,
                TcpOption::Eol,
            ]),
            ..seg("S", 0, 0, 0)
        }),
    };
    assert_eq!(p, want);
    let t = tcp("+0 > P. 1:1001(1000) ack 1");
    assert_eq!(t, TcpSegment { ack: Some(1), ..seg("P.", 1, 1001, 1000) });
    assert_eq!(packet("+0 > P. 1:1001(1000) ack 1").direction, Direction::Outbound);
}

#[test]
fn keywords_in_any_order_and_options_any_or_none() {
    let t = tcp("0 > . 1:1(0) win 10 <...> ack 2");
    assert_eq!(
        t,
        TcpSegment { ack: Some(2), win: Some(10), options: TcpOptions::Any, ..seg(".", 1, 1, 0) }
    );
    assert_eq!(tcp("0 < . 1:1(0) ack 1 win 1").options, TcpOptions::None);
    assert_eq!(
        tcp("0 > . 1:1(0) ack 1 <nop, nop, TS val 100 ecr 100>").options,
        TcpOptions::List(vec![
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Timestamp { val: 100, ecr: 100 },
        ])
    );
}

#[test]
fn flag_strings() {
    for (text, flags) in [
        ("0 < S 0:0(0) win 1", "S"),
        ("0 < . 1:1(0) ack 1 win 1", "."),
        ("0 < F . 1:1(0) ack 1 win 1", "F."),
        ("0 < FP. 1:1(0) ack 1 win 1", "FP."),
        ("0 > SEW 0:0(0) win 1", "SEW"),
        ("0 < SE. 0:0(0) ack 1 win 1", "SE."),
        ("0 < .E 1:1(0) ack 1 win 1", ".E"),
        ("0 < U. 1:1(0) ack 1 urg 1", "U."),
        ("0 < R 1:1(0) win 0", "R"),
        ("0 < SN 0:0(0) win 1", "SN"),
        ("0 < - 1:1(0) win 1", ""),
    ] {
        assert_eq!(tcp(text).flags, flags, "{text}");
    }
}

#[test]
fn sequence_numbers_may_wrap_be_omitted_or_ignored() {
    let t = tcp("0 < . 4294967295:0(1) ack 4294967295 win 1");
    assert_eq!(t, TcpSegment { ack: Some(u32::MAX), win: Some(1), ..seg(".", u32::MAX, 0, 1) });
    let t = tcp("0 > S. ...(0) ack 4 win 65535");
    assert_eq!((t.seq, t.end, t.len, t.ack), (None, None, 0, Some(4)));
    let t = tcp("0 > . ack 1");
    assert_eq!((t.seq, t.end, t.len, t.ack), (None, None, 0, Some(1)));
}

#[test]
fn tcp_segment_errors() {
    assert_eq!(error("0 < . 1:2(0) ack 1", "inconsistent TCP sequence numbers"), 1);
    assert_eq!(error("0 < . ack 1", "inbound segment must give its sequence numbers"), 1);
    assert_eq!(error("0 < . ...(0) ack 1", "`...(len)` can only be used with outbound packets"), 1);
    assert_eq!(
        error("0 < . 1:1(0) <...>", "<...> for TCP options can only be used with outbound packets"),
        1
    );
    assert_eq!(error("0 < . 1:1(0) ack 1 ack 2", "`ack` given twice"), 1);
    assert_eq!(
        error(
            "0\t< . 1:1(0) ack\n+0 close(3) = 0",
            "expected a number after `ack`, found the end of the line"
        ),
        1
    );
    assert_eq!(error("0 < . 1:1(0) win 4294967296", "out of range"), 1);
    assert_eq!(error("0 < . 1:1 ack 1", "expected `(` and the payload length"), 1);
    assert_eq!(error("0 < XYZ 0:0(0)", "expected TCP flags"), 1);
    assert_eq!(error("0 < 0:0(0)", "expected TCP flags"), 1);
    assert_eq!(error("0 < S 0:0(0) <mss 70000>", "mss 70000 is out of range"), 1);
    assert_eq!(error("0 < S 0:0(0) <wscale 256>", "wscale 256 is out of range"), 1);
    assert_eq!(error("0 < S 0:0(0) <mss>", "expected `mss N`"), 1);
    assert_eq!(error("0 < S 0:0(0) <nop 1>", "`nop` takes no value"), 1);
    assert_eq!(error("0 < S 0:0(0) <TS val 1>", "expected `TS val N ecr N`"), 1);
    assert_eq!(error("0 < S 0:0(0) <sack 1:>", "expected `sack L:R L:R ...`"), 1);
    assert_eq!(error("0 < S 0:0(0) <mss 1,>", "expected a TCP option"), 1);
    assert_eq!(error("0 < S 0:0(0) <>", "expected a TCP option"), 1);
    assert_eq!(
        error("0 < S 0:0(0) <mss 1\n+0 close(3) = 0", "expected `,` or `>` in the TCP options"),
        1
    );
}

#[test]
fn unusual_timestamps_stay_text() {
    let t = tcp("0 > . 1:1(0) ack 1 <TS val ... ecr 5!>");
    assert_eq!(t.options, TcpOptions::List(vec![TcpOption::Other("TS val ... ecr 5!".into())]));
}

#[test]
fn ecn_marks() {
    for (text, mark) in [
        ("0 > [noecn] P. 1:2(1) ack 1", EcnMark::NotEct),
        ("0 >[ect0] P. 1:2(1) ack 1", EcnMark::Ect0),
        ("0 > [ect1] P. 1:2(1) ack 1", EcnMark::Ect1),
        ("0 < [ce] P. 1:2(1) ack 1", EcnMark::Ce),
        ("0 > [ect01] P. 1:2(1) ack 1", EcnMark::Ect01),
        ("0 > (ect0) P. 1:2(1) ack 1", EcnMark::Ect0),
        ("0 > [ecn ce] P. 1:2(1) ack 1", EcnMark::Ce),
    ] {
        let p = packet(text);
        assert_eq!(p.ecn, Some(mark), "{text}");
        assert_eq!(
            p.body,
            PacketBody::Tcp(TcpSegment { ack: Some(1), ..seg("P.", 1, 2, 1) }),
            "{text}"
        );
    }
    assert_eq!(
        error("0 < [ect01] . 1:1(0) ack 1", "[ect01] can only be used with outbound packets"),
        1
    );
    assert_eq!(error("0 < [ect0, ce] . 1:1(0) ack 1", "ECN mark given twice"), 1);
    assert_eq!(error("0 < [] . 1:1(0) ack 1", "expected IP fields or an ECN mark"), 1);
}

#[test]
fn other_protocols_keep_kind_and_text() {
    let p = packet("+0.1 < icmp unreachable port_unreachable [4294967295:4294967295(0)]");
    let body = PacketBody::Other {
        kind: "icmp".into(),
        text: "unreachable port_unreachable [4294967295:4294967295(0)]".into(),
    };
    assert_eq!(p, Packet { direction: Direction::Inbound, ecn: None, body });
    let p = packet("0 > [ect0] udp (1472)");
    assert_eq!(
        (p.ecn, p.body),
        (Some(EcnMark::Ect0), PacketBody::Other { kind: "udp".into(), text: "(1472)".into() })
    );
    let p = packet("0 < sctp: INIT[flgs=0, tag=1,\n   a_rwnd=1500]");
    assert_eq!(
        p.body,
        PacketBody::Other {
            kind: "sctp".into(),
            text: ": INIT[flgs=0, tag=1, a_rwnd=1500]".into()
        }
    );
}

#[test]
fn tcp_features_the_ast_does_not_model_become_other_tcp() {
    for (text, rest) in [
        ("0 > (ttl 64) S 0:0(0) win 1", "(ttl 64) S 0:0(0) win 1"),
        ("0 > (tos 0x28, ect0) . 1:1(0) ack 1", "(tos 0x28, ect0) . 1:1(0) ack 1"),
        ("0 > R. 0:0(0)! ack 2 win 0", "R. 0:0(0)! ack 2 win 0"),
        (
            "0 > F. 1:1(0) ack 2 <nop,nop,md5 valid>/udp(9811 > 1)",
            "F. 1:1(0) ack 2 <nop,nop,md5 valid>/udp(9811 > 1)",
        ),
        ("0 < 8080 > 80 S 0:0(0) win 1", "8080 > 80 S 0:0(0) win 1"),
        ("0 > R 1:1(0) [code 1, pen 2]", "R 1:1(0) [code 1, pen 2]"),
        ("0 > [ect0] R 1:1(0)!", "R 1:1(0)!"),
    ] {
        assert_eq!(
            packet(text).body,
            PacketBody::Other { kind: "tcp".into(), text: rest.into() },
            "{text}"
        );
    }
    assert_eq!(packet("0 > (tos 0x28, ect0) . 1:1(0) ack 1").ecn, Some(EcnMark::Ect0));
}

// --- system calls ---

#[test]
fn syscall_with_struct_list_or_and_string_args() {
    let s = syscall(
        "0 setsockopt(3, IPPROTO_TCP, TCP_FUNCTION_BLK, {function_set_name=\"freebsd\", pcbcnt=0, inner={a: -1, 0x10}}, [1, [O_RDWR | O_NONBLOCK | 4]], []) = 0",
    );
    let want = Syscall {
        name: "setsockopt".into(),
        args: vec![
            Expr::Int(3),
            sym("IPPROTO_TCP"),
            sym("TCP_FUNCTION_BLK"),
            Expr::Struct(vec![
                ("function_set_name".into(), Expr::Str("freebsd".into())),
                ("pcbcnt".into(), Expr::Int(0)),
                (
                    "inner".into(),
                    Expr::Struct(vec![("a".into(), Expr::Int(-1)), (String::new(), Expr::Int(16))]),
                ),
            ]),
            Expr::List(vec![
                Expr::Int(1),
                Expr::List(vec![Expr::Or(vec![sym("O_RDWR"), sym("O_NONBLOCK"), Expr::Int(4)])]),
            ]),
            Expr::List(vec![]),
        ],
        ret: Expr::Int(0),
        errno: None,
        note: None,
    };
    assert_eq!(s, want);
}

#[test]
fn syscall_errno_and_note() {
    let s = syscall("+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
    assert_eq!(s.args, vec![Expr::Int(3), Expr::Ellipsis, Expr::Ellipsis]);
    assert_eq!(s.ret, Expr::Int(-1));
    assert_eq!(s.errno.as_deref(), Some("EINPROGRESS"));
    assert_eq!(s.note.as_deref(), Some("Operation now in progress"));
    let s = syscall("+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)");
    assert_eq!((s.ret, s.errno, s.note.as_deref()), (Expr::Int(2), None, Some("flags O_RDWR")));
    let s = syscall("+0 read(3, ..., 1) = -1 EAGAIN");
    assert_eq!((s.errno.as_deref(), s.note), (Some("EAGAIN"), None));
    let s = syscall("+0 getpid() = ...");
    assert_eq!((s.args, s.ret), (vec![], Expr::Ellipsis));
    let s = syscall("+0 write(3, \"a\\\"b\\n\", 4) = 4");
    assert_eq!(s.args.get(1), Some(&Expr::Str("a\"b\n".into())));
}

#[test]
fn unclosed_brackets_continue_the_line() {
    let s = script("0 setsockopt(3, SOL_SOCKET,\n             SO_LINGER, {onoff=1,\n linger=0},\n 8) = 0\n+0 close(3) = 0\n");
    assert_eq!(s.events.len(), 2);
    assert_eq!(s.events.get(1).map(|e| e.line), Some(5));
    let Some(Action::Syscall(call)) = s.events.first().map(|e| &e.action) else { panic!() };
    assert_eq!(
        call.args.get(3),
        Some(&Expr::Struct(vec![("onoff".into(), Expr::Int(1)), ("linger".into(), Expr::Int(0))]))
    );
}

#[test]
fn syscall_errors() {
    assert_eq!(error("0 close 3 = 0", "expected `(` after the system call name `close`"), 1);
    assert_eq!(
        error(
            "0 close(3)\n",
            "expected `=` and the expected return value, found the end of the script"
        ),
        1
    );
    assert_eq!(error("0 close(3) =\n+0 close(4) = 0", "expected an expression"), 1);
    assert_eq!(error("0 close(3 4) = 0", "expected `,` or `)`"), 1);
    assert_eq!(error("\n0 close(3,\n4\n", "never closed"), 2);
    assert_eq!(error("0 f([1, 2) = 0", "expected `,` or `]`"), 1);
    assert_eq!(error("0 bind(3, {sin_port=htons(80)}, 16) = 0", "function-call expressions"), 1);
    assert_eq!(error("0 write(3, \"ab\"..., 2) = 2", "not supported"), 1);
    assert_eq!(error("0 f(0xffffffffffffffff) = 0", "out of range"), 1);
    assert_eq!(error("0 f(1.5) = 0", "expected an expression"), 1);
}

// --- commands, code, #ifdef ---

#[test]
fn commands_and_code_blocks_may_span_lines() {
    let s = script("0 `sysctl -w a=1`\n+0 `echo 'x\ny' | sh`\n+0 %{\nimport os\nassert 1\n}%\n+0 %{ assert tcpi_state == 1 }%\n+0 close(3) = 0\n");
    let actions: Vec<(usize, Action)> = s.events.into_iter().map(|e| (e.line, e.action)).collect();
    assert_eq!(
        actions,
        vec![
            (1, Action::Command("sysctl -w a=1".into())),
            (2, Action::Command("echo 'x\ny' | sh".into())),
            (4, Action::Code("\nimport os\nassert 1\n".into())),
            (8, Action::Code("assert tcpi_state == 1".into())),
            (
                9,
                Action::Syscall(Syscall {
                    name: "close".into(),
                    args: vec![Expr::Int(3)],
                    ret: Expr::Int(0),
                    errno: None,
                    note: None
                })
            ),
        ]
    );
}

#[test]
fn untimed_commands_are_init_and_cleanup() {
    let s = script("--x=1\n  `setup\n more`\n0 close(3) = 0\n  `cleanup`\n");
    let kinds: Vec<(usize, TimeKind, Action)> =
        s.events.into_iter().map(|e| (e.line, e.time.kind, e.action)).collect();
    assert_eq!(
        kinds,
        vec![
            (2, TimeKind::Init, Action::Command("setup\n more".into())),
            (
                4,
                TimeKind::Absolute,
                Action::Syscall(Syscall {
                    name: "close".into(),
                    args: vec![Expr::Int(3)],
                    ret: Expr::Int(0),
                    errno: None,
                    note: None
                })
            ),
            (5, TimeKind::Cleanup, Action::Command("cleanup".into())),
        ]
    );
    assert_eq!(error("`a`\n`b`\n", "expected an event time"), 2);
    assert_eq!(
        error("0 close(3) = 0\n`a`\n0 close(3) = 0\n", "nothing may follow the cleanup command"),
        3
    );
    assert_eq!(error("`a`\n--x=1\n", "must come before the first event"), 2);
}

#[test]
fn ifdef_blocks_follow_the_defines() {
    let text = "0 close(3) = 0\n#ifdef STANDARD\n+0 close(4) = 0\n#endif\n#ifdef FreeBSD\n+0 close(5) = 0\n+0 close(6) = 0\n#endif\n+0 close(7) = 0\n";
    let lines = |defines: &[&str]| -> Vec<usize> {
        parse_with_defines(text, defines).unwrap().events.iter().map(|e| e.line).collect()
    };
    assert_eq!(lines(&[]), vec![1, 9]);
    assert_eq!(lines(&["STANDARD"]), vec![1, 3, 9]);
    assert_eq!(lines(&["FreeBSD", "STANDARD"]), vec![1, 3, 6, 7, 9]);
    // Skipped blocks are not read at all.
    assert_eq!(parse("#ifdef X\nnot a script (\n#endif\n0 close(3) = 0").unwrap().events.len(), 1);
}

#[test]
fn ifdef_errors() {
    assert_eq!(
        error("0 close(3) = 0\n#ifdef X\n+0 close(3) = 0\n", "this #ifdef has no #endif"),
        2
    );
    assert_eq!(parse_with_defines("\n#ifdef X\n", &["X"]).unwrap_err().line, 2);
    assert_eq!(error("#endif\n", "#endif without #ifdef"), 1);
    assert_eq!(parse_with_defines("#ifdef X\n#ifdef Y\n#endif\n", &["X"]).unwrap_err().line, 2);
    assert_eq!(error("#ifdef\n", "expected a name after #ifdef"), 1);
}

// --- lexical errors ---

#[test]
fn unterminated_things_report_where_they_start() {
    assert_eq!(error("0 close(3) = 0\n/* open\n\n", "unterminated /* comment"), 2);
    assert_eq!(error("0 close(3) = 0\n+0 `sysctl\n\n", "unterminated backquoted command"), 2);
    assert_eq!(error("\n\n+0 %{ x\n", "unterminated %{ code block"), 3);
    assert_eq!(error("0 write(3, \"abc\n, 3) = 3", "unterminated string"), 1);
    // An earlier syntax error wins over a later lexical one.
    assert_eq!(error("0 banana\n/* open", "expected `(`"), 1);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("0 f({}) = 0", "[".repeat(100_000));
    assert_eq!(error(&deep, "nested too deeply"), 1);
    let deep = format!("0 < icmp {}", "(".repeat(100_000));
    assert_eq!(error(&deep, "nested too deeply"), 1);
}

#[test]
fn errors_display_with_their_line() {
    let e = parse("\n\n0 close(").unwrap_err();
    assert_eq!(e.to_string(), format!("line {}: {}", e.line, e.message));
    assert_eq!(e.line, 3);
}

// --- the vendored FreeBSD suite ---

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tcp-testsuite")
}

fn pkt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            pkt_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "pkt") {
            out.push(path);
        }
    }
}

/// Suite files packetdrill itself rejects, with the line that breaks.
const KNOWN_INVALID: &[(&str, usize)] = &[
    // Line 1 is `s//` (a stray `s` before the licence comment).
    ("fast-open/client/client-handle-cookie-update-of-length-17.pkt", 1),
];

#[test]
fn every_suite_script_parses() {
    let mut files = Vec::new();
    pkt_files(&suite_dir(), &mut files);
    files.sort();
    assert!(files.len() > 1000, "only {} .pkt files", files.len());
    let mut failures = Vec::new();
    let mut parsed = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(suite_dir()).unwrap().to_string_lossy().replace('\\', "/");
        let known = KNOWN_INVALID.iter().find(|(f, _)| *f == rel).map(|&(_, line)| line);
        // `#ifdef STANDARD` / `#ifdef FreeBSD` blocks: read each side once.
        for defines in [&[][..], &["STANDARD"][..], &["FreeBSD"][..]] {
            match (parse_with_defines(&text, defines), known) {
                (Ok(s), None) => {
                    assert!(!s.events.is_empty(), "{rel}: no events");
                    parsed += 1;
                }
                (Err(e), Some(line)) if e.line == line => {}
                (Ok(_), Some(_)) => {
                    failures.push(format!("{rel}: parsed, but is listed as invalid"))
                }
                (Err(e), _) => failures.push(format!("{rel} (defines {defines:?}): {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(parsed, 3 * (files.len() - KNOWN_INVALID.len()));
}

// --- never panics ---

/// A script using most of the syntax, for the mutation tests.
const RICH: &str = "--ip_version=ipv4\n--tolerance_usecs=10000\n`init`\n/* block\n comment */\n0 `sysctl -w a=1`\n\
+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3 // comment\n+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0\n\
+0 setsockopt(3, SOL_SOCKET, SO_X, {a=1, b: [2, \"s\\\"\"], 3}, 4) = -1 EINVAL (Invalid argument)\n\
+0...0.2 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n\
+0 > SEW 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0,sack 1:2 3:4,FO 0102>\n\
+0.1 < [ect0] S. 0:0(0) ack 1 win 32767 <mss 1460,sackOK,eol,eol>\n0.2~0.3 > (ttl 64) . 1:1(0)! ack 1 <...>/udp(1 > 2)\n\
* > . 1:1(0) ack 1\n+.1 < icmp unreachable port_unreachable [1:1(0)]\n#ifdef X\n+0 close(4) = 0\n#endif\n\
+0 %{ assert x == 1 }%\n+0 close(3) = 0\n`cleanup`\n";

#[test]
fn rich_script_parses() {
    let s = script(RICH);
    assert_eq!(s.options.len(), 2);
    assert_eq!(s.events.len(), 14);
}

#[test]
fn truncation_at_every_byte_never_panics() {
    let suite_file = std::fs::read_to_string(
        suite_dir().join("socket-api/setsockopt/socket-api-setsockopt-md5-active-ipv4.pkt"),
    )
    .unwrap();
    for text in [RICH, suite_file.as_str()] {
        for cut in 0..=text.len() {
            if let Some(prefix) = text.get(..cut) {
                let _ = parse(prefix);
                let _ = parse_with_defines(prefix, &["X"]);
            }
        }
    }
}

#[test]
fn random_byte_flips_never_panic() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const SPECIAL: &[u8] = b"<>[](){}.:,|=+*~!/%`\"#-0123456789 \n\t\\SF.RPab";
    let base = RICH.as_bytes().to_vec();
    for round in 0..4000 {
        let mut bytes = base.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % bytes.len() as u64) as usize;
            let value = if round % 2 == 0 {
                SPECIAL.get((next() % SPECIAL.len() as u64) as usize).copied().unwrap_or(b' ')
            } else {
                (next() & 0xff) as u8
            };
            if let Some(b) = bytes.get_mut(at) {
                *b = value;
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text);
        let _ = parse_with_defines(&text, &["X"]);
    }
}
