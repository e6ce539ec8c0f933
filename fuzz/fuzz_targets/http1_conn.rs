//! The HTTP/1.1 connection in both roles under arbitrary bytes, end of stream,
//! deadlines and commands, with the client and the server also piped into each
//! other: no panic; every message read keeps to its framing (no `Data` after a
//! head without a body, never more than its Content-Length, exactly that much
//! before `End`, nothing between messages); no event after `Closed`; no message
//! event after `Switched`, and no output added after `Switched` or `Closed`
//! beyond what was owed then; memory bounded (the receive buffer never holds
//! more than `recv_buffer`, `send_data` never takes more than `send_buffer`).
#![no_main]

use core::time::Duration;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wirestate_http1_conn::{
    BodyKind, Config, Connection, Event, ParserConfig, RequestHead, ResponseHead, Version,
};
use wirestate_wire::Instant;

const METHODS: [&str; 8] = ["GET", "HEAD", "POST", "PUT", "CONNECT", "OPTIONS", "DELETE", "BREW"];
const TARGETS: [&str; 6] = ["/", "/a/b?c=d", "*", "origin.test:443", "http://h.test/x", "/%zz"];
const LENGTHS: [&str; 7] = ["0", "1", "5", "300", "5, 5", "x", "18446744073709551616"];
const CODES: [u16; 14] = [100, 101, 102, 199, 200, 201, 204, 206, 304, 400, 404, 417, 500, 600];

/// Which connection an operation addresses.
#[derive(Debug, Arbitrary, Clone, Copy)]
enum Side {
    Client,
    Server,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Req {
    method: u8,
    target: u8,
    http10: bool,
    /// Bits: Host, a second Host, Content-Length, Transfer-Encoding chunked,
    /// Transfer-Encoding "gzip, chunked", Expect 100-continue, Upgrade with
    /// Connection upgrade, Connection close (or keep-alive, in HTTP/1.0).
    shape: u8,
    length: u8,
}

#[derive(Debug, Arbitrary)]
struct Res {
    code: u8,
    /// Any status at all instead of one from the table.
    raw_code: Option<u16>,
    /// Bits: Content-Length, Transfer-Encoding chunked, Connection close,
    /// Upgrade with Connection upgrade, Connection keep-alive, a CR in a value.
    shape: u8,
    length: u8,
}

#[derive(Debug, Arbitrary)]
enum Op {
    /// Raw octets to one connection, offered in pieces of this size (0: whole),
    /// each piece offered again from where the last call stopped taking.
    Input {
        side: Side,
        bytes: Vec<u8>,
        piece: u8,
    },
    /// Up to `max` owed octets of one connection go to the other.
    Pipe {
        from: Side,
        max: u16,
    },
    /// Up to `max` owed octets of one connection are written away.
    Drain {
        side: Side,
        max: u16,
    },
    Eof(Side),
    /// Time passes (milliseconds); due deadlines run in both.
    Advance(u16),
    /// A deadline call at the current time, due or not.
    Timeout(Side),
    Request(Req),
    Response(Res),
    Continue,
    Data {
        side: Side,
        len: u16,
    },
    End {
        side: Side,
        trailers: bool,
    },
    Close(Side),
    Abort(Side),
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// Small limits and deadlines, so they are reached.
    small: bool,
    max_pipeline: u8,
    ops: Vec<Op>,
}

/// An event with what the checks need, owned (an event borrows its connection).
#[derive(Debug)]
enum Seen {
    Request(BodyKind),
    Response { body: BodyKind, interim: bool },
    Data(usize),
    Trailers,
    End,
    Switched,
    Error,
    Closed,
    Other,
}

fn seen(e: &Event<'_>) -> Seen {
    match e {
        Event::Request(r) => Seen::Request(r.body),
        Event::Response(r) => Seen::Response { body: r.body, interim: r.is_interim() },
        Event::Data(d) => Seen::Data(d.len()),
        Event::Trailers(_) => Seen::Trailers,
        Event::End => Seen::End,
        Event::Switched { .. } => Seen::Switched,
        Event::Error(_) => Seen::Error,
        Event::Closed(_) => Seen::Closed,
        _ => Seen::Other,
    }
}

/// What one connection delivered so far, against which each event is checked.
#[derive(Default)]
struct Track {
    /// The message being read: its framing, and the body octets seen.
    message: Option<(BodyKind, u64)>,
    /// A tunnel response was read: `Switched` comes next.
    tunnel: bool,
    errors: usize,
    closed: bool,
    switched: bool,
    /// After `Switched` or `Closed`: what was owed then, and what was written
    /// away since.
    owed: Option<(usize, usize)>,
}

impl Track {
    fn event(&mut self, conn: &Connection, e: Seen) {
        assert!(!self.closed, "event after Closed: {e:?}");
        let message_event = !matches!(e, Seen::Switched | Seen::Error | Seen::Closed);
        assert!(!(self.switched && message_event), "message event after Switched: {e:?}");
        match e {
            Seen::Request(body) => {
                assert!(self.message.is_none() && !self.tunnel, "a head inside a message");
                assert!(
                    matches!(body, BodyKind::None | BodyKind::Length(_) | BodyKind::Chunked),
                    "request framing {body:?}"
                );
                self.message = Some((body, 0));
            }
            Seen::Response { body, interim } => {
                assert!(self.message.is_none() && !self.tunnel, "a head inside a message");
                if body == BodyKind::Tunnel {
                    self.tunnel = true;
                } else if !interim {
                    self.message = Some((body, 0));
                }
            }
            Seen::Data(len) => {
                let Some((kind, seen)) = self.message.as_mut() else {
                    panic!("Data outside a message")
                };
                *seen += len as u64;
                match *kind {
                    BodyKind::None => panic!("Data in a message without a body"),
                    BodyKind::Length(n) => assert!(*seen <= n, "{seen} octets of Length({n})"),
                    BodyKind::Tunnel => panic!("Data in a tunnel response"),
                    _ => {}
                }
                assert!(*seen <= conn.config().max_body, "past max_body");
            }
            Seen::Trailers => {
                assert!(
                    matches!(self.message, Some((BodyKind::Chunked, _))),
                    "trailers outside a chunked body"
                );
            }
            Seen::End => {
                let Some((kind, seen)) = self.message.take() else {
                    panic!("End outside a message")
                };
                if let BodyKind::Length(n) = kind {
                    assert_eq!(seen, n, "End before the Content-Length");
                }
            }
            Seen::Switched => {
                assert!(self.message.is_none(), "Switched inside a message");
                self.switched = true;
                self.tunnel = false;
                self.owed.get_or_insert((conn.transmit_pending().len(), 0));
            }
            Seen::Error => {
                self.errors += 1;
                assert_eq!(self.errors, 1, "Error raised twice");
            }
            Seen::Closed => {
                self.closed = true;
                self.owed.get_or_insert((conn.transmit_pending().len(), 0));
            }
            Seen::Other => {}
        }
    }

    /// After `Switched` or `Closed` the output only shrinks.
    fn check_output(&self, conn: &Connection) {
        if let Some((owed, written)) = self.owed {
            let now = conn.transmit_pending().len();
            assert!(now + written <= owed, "output grew after the end: {now} + {written} > {owed}");
        }
    }
}

/// Octets the connection holds unread.
fn buffered(conn: &Connection) -> usize {
    conn.buffered()
}

struct Run {
    conns: [Connection; 2],
    tracks: [Track; 2],
    now: Instant,
    body: &'static [u8],
    /// The small limits are in force (the receive buffer is then checked).
    small: bool,
}

impl Run {
    /// Reads every event of both connections, checking each.
    fn events(&mut self) {
        for (conn, track) in self.conns.iter_mut().zip(self.tracks.iter_mut()) {
            let mut quiet = false;
            for _ in 0..100_000 {
                let Some(e) = conn.poll_event().map(|e| seen(&e)) else {
                    quiet = true;
                    break;
                };
                track.event(conn, e);
            }
            assert!(quiet, "events without end");
            assert!(conn.poll_event().is_none(), "an event after None");
            track.check_output(conn);
        }
    }

    fn check_buffers(&self) {
        for conn in &self.conns {
            let n = buffered(conn);
            assert!(n <= conn.config().recv_buffer, "{n} octets buffered");
        }
    }

    /// Offers `bytes` once. A connection that reads no more takes everything
    /// and drops it, so what it buffers is checked apart ([`buffered`]).
    fn input(&mut self, side: Side, bytes: &[u8]) -> usize {
        let conn = &mut self.conns[side.index()];
        match conn.handle_input(self.now, bytes) {
            Ok(n) => {
                assert!(n <= bytes.len(), "took {n} of {}", bytes.len());
                n
            }
            Err(_) => 0,
        }
    }

    /// Offers `bytes` in pieces; between calls, events are read (they free room).
    fn feed(&mut self, side: Side, bytes: &[u8], piece: usize) -> usize {
        let piece = if piece == 0 { bytes.len().max(1) } else { piece };
        let mut at = 0;
        let mut stalled = 0;
        while at < bytes.len() && stalled < 2 {
            let end = (at + piece).min(bytes.len());
            let n = self.input(side, &bytes[at..end]);
            at += n;
            stalled = if n == 0 { stalled + 1 } else { 0 };
            self.events();
        }
        at
    }

    /// Writes away up to `max` owed octets of one side; returns them.
    fn take(&mut self, side: Side, max: usize) -> Vec<u8> {
        let i = side.index();
        let out: Vec<u8> = self.conns[i].transmit_pending().iter().take(max).copied().collect();
        self.conns[i].transmit_advance(out.len());
        if let Some((_, written)) = self.tracks[i].owed.as_mut() {
            *written += out.len();
        }
        out
    }

    fn request(&mut self, r: &Req) {
        let method = METHODS[usize::from(r.method) % METHODS.len()];
        let target = TARGETS[usize::from(r.target) % TARGETS.len()];
        let length = LENGTHS[usize::from(r.length) % LENGTHS.len()];
        let mut h: Vec<(&str, &str)> = Vec::new();
        let bit = |i: u8| r.shape & (1 << i) != 0;
        if bit(0) {
            h.push(("Host", "h.test"));
        }
        if bit(1) {
            h.push(("host", "other.test"));
        }
        if bit(2) {
            h.push(("Content-Length", length));
        }
        if bit(3) {
            h.push(("Transfer-Encoding", "chunked"));
        }
        if bit(4) {
            h.push(("Transfer-Encoding", "gzip, chunked"));
        }
        if bit(5) {
            h.push(("Expect", "100-continue"));
        }
        if bit(6) {
            h.push(("Upgrade", "websocket"));
            h.push(("Connection", "Upgrade"));
        }
        if bit(7) {
            h.push(("Connection", if r.http10 { "keep-alive" } else { "close" }));
        }
        let mut head = RequestHead::new(method, target, &h);
        if r.http10 {
            head.version = Version::Http10;
        }
        let _ = self.conns[0].send_request(self.now, &head);
    }

    fn response(&mut self, r: &Res) {
        let code = r.raw_code.unwrap_or(CODES[usize::from(r.code) % CODES.len()]);
        let length = LENGTHS[usize::from(r.length) % LENGTHS.len()];
        let mut h: Vec<(&str, &str)> = Vec::new();
        let bit = |i: u8| r.shape & (1 << i) != 0;
        if bit(0) {
            h.push(("Content-Length", length));
        }
        if bit(1) {
            h.push(("Transfer-Encoding", "chunked"));
        }
        if bit(2) {
            h.push(("Connection", "close"));
        }
        if bit(3) {
            h.push(("Upgrade", "websocket"));
            h.push(("Connection", "upgrade"));
        }
        if bit(4) {
            h.push(("Connection", "keep-alive"));
        }
        if bit(5) {
            h.push(("X-Injected", "a\r\nSet-Cookie: b"));
        }
        let _ = self.conns[1].send_response(self.now, &ResponseHead::new(code, "Reason", &h));
    }
}

/// Body octets to send, made once.
fn body() -> &'static [u8] {
    static BODY: OnceLock<Vec<u8>> = OnceLock::new();
    BODY.get_or_init(|| (0..=255u8).cycle().take(70_000).collect())
}

fn config(base: Config, small: bool, max_pipeline: u8) -> Config {
    if !small {
        return base;
    }
    Config {
        parser: ParserConfig {
            max_head_len: 200,
            max_line_len: 100,
            max_headers: 8,
            ..base.parser
        },
        max_body: 64,
        max_pipeline: usize::from(max_pipeline % 4),
        recv_buffer: 0,
        send_buffer: 32,
        head_timeout: Some(Duration::from_millis(100)),
        body_timeout: Some(Duration::from_millis(200)),
        idle_timeout: Some(Duration::from_millis(300)),
        continue_timeout: Duration::from_millis(50),
        ..base
    }
}

fuzz_target!(|input: Input| {
    let mut run = Run {
        conns: [
            Connection::new(config(Config::client(), input.small, input.max_pipeline)),
            Connection::new(config(Config::server(), input.small, input.max_pipeline)),
        ],
        tracks: [Track::default(), Track::default()],
        now: Instant::ZERO,
        body: body(),
        small: input.small,
    };
    for op in input.ops.iter().take(300) {
        match op {
            Op::Input { side, bytes, piece } => {
                run.feed(*side, bytes, usize::from(*piece));
            }
            Op::Pipe { from, max } => {
                let to = match from {
                    Side::Client => Side::Server,
                    Side::Server => Side::Client,
                };
                // Only what the other side takes is written away.
                let i = from.index();
                let owed: Vec<u8> = run.conns[i]
                    .transmit_pending()
                    .iter()
                    .take(usize::from(*max))
                    .copied()
                    .collect();
                let n = run.feed(to, &owed, 0);
                run.take(*from, n);
            }
            Op::Drain { side, max } => {
                run.take(*side, usize::from(*max));
            }
            Op::Eof(side) => run.conns[side.index()].handle_eof(run.now),
            Op::Advance(ms) => {
                run.now += Duration::from_millis(u64::from(*ms));
                for conn in &mut run.conns {
                    if conn.poll_timeout().is_some_and(|t| t <= run.now) {
                        conn.handle_timeout(run.now);
                    }
                }
            }
            Op::Timeout(side) => run.conns[side.index()].handle_timeout(run.now),
            Op::Request(r) => run.request(r),
            Op::Response(r) => run.response(r),
            Op::Continue => {
                let _ = run.conns[1].send_continue(run.now);
            }
            Op::Data { side, len } => {
                let len = usize::from(*len).min(run.body.len());
                let conn = &mut run.conns[side.index()];
                if let Ok(n) = conn.send_data(run.now, &run.body[..len]) {
                    assert!(n <= len && n <= conn.config().send_buffer, "send_data took {n}");
                }
            }
            Op::End { side, trailers } => {
                let t: &[(&str, &str)] = if *trailers { &[("Digest", "x")] } else { &[] };
                let _ = run.conns[side.index()].send_end(run.now, t);
            }
            Op::Close(side) => run.conns[side.index()].close(run.now),
            Op::Abort(side) => run.conns[side.index()].abort(run.now),
        }
        run.events();
        if run.small {
            run.check_buffers();
        }
    }
    run.check_buffers();
});
