//! The run: a client machine and a server machine joined by two simulated
//! streams that move octets in pieces of the script's sizes, each driven by an
//! application that follows the script, with time moving only when everything
//! waits on a deadline.

use std::collections::VecDeque;
use std::time::Duration;

use wirestate_http1_conn::{
    CallError, Config, Connection, ParserConfig, RequestHead, ResponseHead,
};
use wirestate_wire::Instant;

use super::script::{Script, Wait, LINK};
use crate::common::{own, Ev};

/// One direction of the byte stream.
#[derive(Default)]
pub struct Pipe {
    pub bytes: VecDeque<u8>,
    /// The sender closed its end (after draining its machine).
    closed: bool,
    /// The receiver was told (`handle_eof`).
    eof_told: bool,
}

enum Op {
    Data(Vec<u8>),
    End(Vec<(String, String)>),
}

fn ops(body: &[u8], pieces: &[usize], trailers: &[(String, String)]) -> VecDeque<Op> {
    let mut out = VecDeque::new();
    let mut at = 0;
    for &n in pieces.iter().cycle() {
        if at >= body.len() {
            break;
        }
        let end = (at + n).min(body.len());
        out.push_back(Op::Data(body[at..end].to_vec()));
        at = end;
    }
    out.push_back(Op::End(trailers.to_vec()));
    out
}

enum Step {
    /// The send buffer is full.
    Blocked,
    Moved,
    /// The message is sent.
    Ended,
}

/// Sends what the machine takes of the next piece of a message, or its end.
fn send_next(
    conn: &mut Connection,
    ops: &mut VecDeque<Op>,
    now: Instant,
) -> Result<Step, CallError> {
    match ops.front_mut().expect("a message being sent") {
        Op::Data(d) => {
            let n = conn.send_data(now, d)?;
            d.drain(..n);
            if d.is_empty() {
                ops.pop_front();
            }
            Ok(if n == 0 { Step::Blocked } else { Step::Moved })
        }
        Op::End(tr) => {
            conn.send_end(now, &refs(tr))?;
            Ok(Step::Ended)
        }
    }
}

fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

/// Adds `e` to `log`, merging body data.
fn push(log: &mut Vec<Ev>, e: Ev) {
    if let (Some(Ev::Data(prev)), Ev::Data(d)) = (log.last_mut(), &e) {
        prev.extend_from_slice(d);
        return;
    }
    log.push(e);
}

#[derive(Default)]
pub struct ClientApp {
    /// Requests sent (`send_request` succeeded): always the first `sent`.
    pub sent: usize,
    writing: Option<VecDeque<Op>>,
    /// The machine refused to go on (`Closing`): at this request, and whether
    /// it was its body (rather than its head) that was refused.
    pub stopped: Option<(usize, bool)>,
    pub hung_up: bool,
    /// Final responses read to their end.
    pub ends: usize,
    pub log: Vec<Ev>,
}

#[derive(Default)]
pub struct ServerApp {
    /// Per request read: whether its `End` was read.
    pub end_seen: Vec<bool>,
    /// Per request read: whether body data of it was read.
    pub data_seen: Vec<bool>,
    /// Responses completed (`send_end` succeeded).
    pub answered: usize,
    writing: Option<VecDeque<Op>>,
    /// Per response begun: the interim codes sent before the final one.
    pub interims: Vec<Vec<u16>>,
    /// Per response begun: whether it began before the request's `End`.
    pub early_final: Vec<bool>,
    /// Per response begun: whether the connection persists after it, as the
    /// model has it (with whether the server answered an unmet expectation).
    pub persist: Vec<bool>,
    /// A 100 went to the request being answered.
    sent100: bool,
    pub log: Vec<Ev>,
}

pub struct Run<'s> {
    s: &'s Script,
    now: Instant,
    pub client: Connection,
    pub server: Connection,
    pub cl: ClientApp,
    pub sv: ServerApp,
    cut: usize,
    pub c2s: Pipe,
    pub s2c: Pipe,
    /// How many times the client's 100-continue deadline was reached.
    pub timeouts: usize,
}

fn configs(s: &Script) -> (Config, Config) {
    let small = |mut c: Config| {
        if s.small_buffers {
            c.parser = ParserConfig { max_head_len: 512, ..c.parser };
            c.recv_buffer = 0;
            c.send_buffer = 64;
        }
        c
    };
    let client = Config {
        max_pipeline: s.depth,
        continue_timeout: Duration::from_secs(1),
        ..small(Config::client())
    };
    let server = Config {
        max_pipeline: s.server_pipeline,
        head_timeout: Some(Duration::from_secs(3600)),
        body_timeout: Some(Duration::from_secs(3600)),
        idle_timeout: Some(Duration::from_secs(3600)),
        ..small(Config::server())
    };
    (client, server)
}

impl<'s> Run<'s> {
    pub fn new(s: &'s Script) -> Self {
        let (c, sv) = configs(s);
        Run {
            s,
            now: Instant::ZERO,
            client: Connection::new(c),
            server: Connection::new(sv),
            c2s: Pipe::default(),
            s2c: Pipe::default(),
            cl: ClientApp::default(),
            sv: ServerApp::default(),
            cut: 0,
            timeouts: 0,
        }
    }

    fn next_cut(&mut self) -> usize {
        let n = self.s.cuts[self.cut % self.s.cuts.len()];
        self.cut += 1;
        n
    }

    /// Runs until nothing moves and no deadline is armed.
    pub fn run(&mut self) {
        for round in 0.. {
            assert!(round < 1_000_000, "the run does not end");
            let first = usize::from(self.s.order[round % self.s.order.len()]);
            // A lazy server answers only when nothing else can move, so it reads
            // as far ahead as it may (and past a close).
            let lazy = self.s.lazy_server;
            let moved = (0..6).any(|k| {
                let which = (first + k) % 6;
                !(lazy && which == 3) && self.act(which)
            }) || lazy && self.act(3);
            if !moved && !self.fire_deadline() {
                return;
            }
        }
    }

    fn act(&mut self, which: usize) -> bool {
        match which {
            0 => self.client_app(),
            1 => {
                let n = self.next_cut();
                transmit(&mut self.client, &mut self.c2s, n)
            }
            2 => {
                let n = self.next_cut();
                deliver(&mut self.server, &mut self.c2s, n, self.now) | self.server_events()
            }
            3 => self.server_app(),
            4 => {
                let n = self.next_cut();
                transmit(&mut self.server, &mut self.s2c, n)
            }
            _ => {
                let n = self.next_cut();
                deliver(&mut self.client, &mut self.s2c, n, self.now) | self.client_events()
            }
        }
    }

    /// Everything waits: the only deadline that may be armed and due is the
    /// client's wait for a 100 (the server's are an hour away).
    fn fire_deadline(&mut self) -> bool {
        let Some(at) = self.client.poll_timeout() else { return false };
        assert!(
            at.saturating_duration_since(Instant::ZERO) < Duration::from_secs(60),
            "a deadline far away is all that is left: {at:?}"
        );
        // The only wait a deadline may end: the server holds back its answer to
        // a request expecting 100 until the body comes, and the client holds the
        // body until a 100 comes.
        let i = self.sv.answered;
        let waiting =
            self.s.ex.get(i).is_some_and(|x| x.req.expects() && x.req.wait == Wait::Timeout);
        assert!(
            waiting && self.sv.end_seen.get(i) == Some(&false) && self.sv.writing.is_none(),
            "the run stalled with the client's 100-continue deadline armed, the server at #{i}"
        );
        self.now = self.now.max(at);
        self.timeouts += 1;
        self.client.handle_timeout(self.now);
        self.server.handle_timeout(self.now);
        self.client_events();
        self.server_events();
        true
    }

    fn client_app(&mut self) -> bool {
        let mut moved = false;
        let now = self.now;
        while self.cl.stopped.is_none() {
            let index = self.cl.sent;
            if let Some(ops) = self.cl.writing.as_mut() {
                match send_next(&mut self.client, ops, now) {
                    Ok(Step::Blocked) => break,
                    Ok(Step::Moved) => {}
                    Ok(Step::Ended) => self.cl.writing = None,
                    Err(CallError::Closing) => self.cl.stopped = Some((index - 1, true)),
                    Err(e) => panic!("client, request #{}: body refused: {e}", index - 1),
                }
                moved = true;
                continue;
            }
            if index < self.s.ex.len() {
                let req = &self.s.ex[index].req;
                let headers = req.headers(index);
                let h = refs(&headers);
                let head = RequestHead {
                    method: req.method,
                    target: &req.target,
                    version: req.version(),
                    headers: &h,
                };
                let in_flight = self.client.in_flight();
                match self.client.send_request(now, &head) {
                    Ok(()) => {
                        let pieces = &self.s.ex[index].pieces;
                        self.cl.writing = Some(ops(&req.body, pieces, &req.trailers));
                        self.cl.sent += 1;
                    }
                    Err(CallError::PipelineFull) => {
                        assert_eq!(
                            in_flight, self.s.depth,
                            "PipelineFull with {in_flight} in flight"
                        );
                        break;
                    }
                    Err(CallError::Closing) => {
                        assert!(self.client.is_closing());
                        self.cl.stopped = Some((index, false));
                    }
                    Err(e) => panic!("client, request #{index}: head refused: {e}"),
                }
                moved = true;
                continue;
            }
            if self.s.hangup && !self.cl.hung_up && !self.client.is_closing() {
                self.client.close(now);
                self.cl.hung_up = true;
                moved = true;
            }
            break;
        }
        self.client_events() | moved
    }

    fn client_events(&mut self) -> bool {
        let mut any = false;
        while let Some(e) = self.client.poll_event() {
            let e = own(e);
            any = true;
            if e == Ev::End {
                let i = self.cl.ends;
                self.cl.ends += 1;
                let persist = *self.sv.persist.get(i).unwrap_or_else(|| {
                    panic!("client: a response #{i} ended that the server did not send")
                });
                let last = self.cl.hung_up && i + 1 == self.s.ex.len();
                assert_eq!(
                    self.client.is_closed(),
                    !persist || last,
                    "client: closed after response #{i} (persists: {persist})"
                );
            }
            push(&mut self.cl.log, e);
        }
        any
    }

    fn server_app(&mut self) -> bool {
        let mut moved = false;
        let now = self.now;
        while !self.server.is_closed() {
            let i = self.sv.answered;
            if let Some(ops) = self.sv.writing.as_mut() {
                match send_next(&mut self.server, ops, now) {
                    Ok(Step::Blocked) => break,
                    Ok(Step::Moved) => {}
                    Ok(Step::Ended) => {
                        self.sv.writing = None;
                        self.sv.answered += 1;
                        self.sv.sent100 = false;
                        let closed = self.server.is_closed();
                        assert_eq!(
                            closed, !self.sv.persist[i],
                            "server: closed after response #{i}"
                        );
                    }
                    Err(e) => panic!("server, response #{i}: body refused: {e}"),
                }
                moved = true;
                continue;
            }
            if i >= self.sv.end_seen.len() {
                break;
            }
            let x = &self.s.ex[i];
            let end_seen = self.sv.end_seen[i];
            if self.sv.interims.len() == i {
                self.sv.interims.push(Vec::new());
            }
            if x.req.expects() && x.req.wait == Wait::Continue && !self.sv.sent100 && !end_seen {
                self.server.send_continue(now).unwrap_or_else(|e| panic!("server #{i}: 100: {e}"));
                self.sv.sent100 = true;
                self.sv.interims[i].push(100);
                moved = true;
                continue;
            }
            let answer_now = end_seen
                || match (x.req.expects(), x.req.wait) {
                    (true, Wait::Early) => true,
                    (true, Wait::Continue) | (false, _) => x.req.early,
                    (true, Wait::Timeout) => false,
                };
            if !answer_now {
                break;
            }
            for _ in 0..x.resp.hints {
                self.server
                    .send_response(now, &ResponseHead::new(103, "Early Hints", &[LINK]))
                    .unwrap_or_else(|e| panic!("server #{i}: 103: {e}"));
                self.sv.interims[i].push(103);
            }
            // Body octets of this request already read (and it the only one
            // unanswered) show the client is sending: no doubt left.
            let sending = i + 1 == self.sv.end_seen.len() && self.sv.data_seen[i];
            let unsure = x.req.expects() && !self.sv.sent100 && !end_seen && !sending;
            self.sv.early_final.push(!end_seen);
            self.sv.persist.push(x.persist(unsure));
            let headers = x.resp_headers(i);
            let h = refs(&headers);
            self.server
                .send_response(now, &ResponseHead::new(x.resp.code, "R", &h))
                .unwrap_or_else(|e| panic!("server #{i}: response refused: {e}"));
            let body: &[u8] = if x.bodyless() { &[] } else { &x.resp.body };
            self.sv.writing = Some(ops(body, &x.pieces, x.resp_trailers()));
            moved = true;
        }
        self.server_events() | moved
    }

    fn server_events(&mut self) -> bool {
        let mut any = false;
        while let Some(e) = self.server.poll_event() {
            let e = own(e);
            any = true;
            match e {
                Ev::Request { .. } => {
                    self.sv.end_seen.push(false);
                    self.sv.data_seen.push(false);
                }
                Ev::Data(_) => {
                    if let Some(seen) = self.sv.data_seen.last_mut() {
                        *seen = true;
                    }
                }
                Ev::End => {
                    let last = self.sv.end_seen.last_mut().expect("End before a request");
                    *last = true;
                }
                _ => {}
            }
            push(&mut self.sv.log, e);
        }
        any
    }
}

/// Moves up to `n` owed octets into the stream; once the machine is closed and
/// drained, closes the stream.
fn transmit(conn: &mut Connection, pipe: &mut Pipe, n: usize) -> bool {
    let pending = conn.transmit_pending();
    if !pending.is_empty() {
        let n = n.min(pending.len());
        pipe.bytes.extend(&pending[..n]);
        conn.transmit_advance(n);
        return true;
    }
    if conn.is_closed() && !pipe.closed {
        pipe.closed = true;
        return true;
    }
    false
}

/// Hands up to `n` octets from the stream to the machine (what it does not take
/// stays), or the stream's end once it is empty.
fn deliver(conn: &mut Connection, pipe: &mut Pipe, n: usize, now: Instant) -> bool {
    if !pipe.bytes.is_empty() {
        let n = n.min(pipe.bytes.len());
        let piece: Vec<u8> = pipe.bytes.iter().take(n).copied().collect();
        let took = conn.handle_input(now, &piece).expect("handle_input");
        pipe.bytes.drain(..took);
        return took > 0;
    }
    if pipe.closed && !pipe.eof_told {
        pipe.eof_told = true;
        conn.handle_eof(now);
        return true;
    }
    false
}
