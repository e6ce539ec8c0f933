//! Interop over loopback TCP against real peers: curl against the server role,
//! nginx (and python3's `http.server`) against the client role. Each test skips
//! with a note when its peer is not installed, unless `WIRESTATE_REQUIRE_PEERS=1`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::io::ErrorKind::{Interrupted, TimedOut, WouldBlock};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::{events, Ev};
use wirestate_http1_conn::*;
use wirestate_wire::Instant;

/// The longest any one test waits for its peer, in wall time.
const WALL: Duration = Duration::from_secs(20);
/// The longest one socket read waits.
const TICK: Duration = Duration::from_millis(50);
/// Bound on every driver loop's iterations (WALL / TICK, with room).
const MAX_STEPS: usize = 2_000;

// Peers, processes, files.

/// The peer binary, or `None` (with a note) when it is not installed; with
/// `WIRESTATE_REQUIRE_PEERS=1` a missing peer fails the test.
fn peer(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin"].map(PathBuf::from));
    let found = dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file());
    if found.is_none() {
        let required = std::env::var("WIRESTATE_REQUIRE_PEERS").is_ok_and(|v| v == "1");
        assert!(!required, "{name} is not installed and WIRESTATE_REQUIRE_PEERS=1");
        eprintln!("interop: skipped, `{name}` is not installed");
    }
    found
}

/// A directory of its own under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir()
            .join(format!("wirestate-interop-{}-{tag}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    fn write(&self, rel: &str, data: &[u8]) -> PathBuf {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, data).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A child process this test started; killed by its own handle on drop.
struct Proc(Child);

impl Proc {
    /// Waits for the child to exit, at most `WALL`; kills it past that.
    fn wait(&mut self) -> std::process::ExitStatus {
        for _ in 0..WALL.as_millis() / 10 {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            thread::sleep(Duration::from_millis(10));
        }
        let _ = self.0.kill();
        panic!("child {} did not exit in {WALL:?}", self.0.id());
    }

    fn exited(&mut self) -> bool {
        matches!(self.0.try_wait(), Ok(Some(_)))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if !self.exited() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts a server process, its stderr to `log`.
fn spawn(bin: PathBuf, args: &[&str], log: &Path) -> Proc {
    let mut cmd = Command::new(bin);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::null());
    Proc(cmd.stderr(fs::File::create(log).unwrap()).spawn().unwrap())
}

/// A port free on 127.0.0.1 a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits (at most 5 s) until a starting server accepts connections.
fn wait_listening(port: u16, child: &mut Proc, log: &Path) {
    for _ in 0..250 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if child.exited() {
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    panic!("peer did not listen on {port}: {}", fs::read_to_string(log).unwrap_or_default());
}

// Driving a machine over a socket.

/// One connection machine over one TCP stream.
struct Driver {
    conn: Connection,
    sock: TcpStream,
    /// The machine's clock counts from here.
    start: std::time::Instant,
    /// Octets read and not yet taken by `handle_input` (its buffer was full).
    pending: Vec<u8>,
    eof: bool,
}

impl Driver {
    fn new(config: Config, sock: TcpStream) -> Self {
        sock.set_nodelay(true).unwrap();
        sock.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        let start = std::time::Instant::now();
        Driver { conn: Connection::new(config), sock, start, pending: Vec::new(), eof: false }
    }

    fn client(port: u16) -> Self {
        Driver::new(Config::client(), TcpStream::connect(("127.0.0.1", port)).unwrap())
    }

    fn now(&self) -> Instant {
        Instant::from_nanos(u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX))
    }

    /// Writes all the machine owes; a peer that went away aborts the machine.
    fn flush(&mut self) {
        for _ in 0..MAX_STEPS {
            let out = self.conn.transmit_pending();
            if out.is_empty() {
                return;
            }
            match self.sock.write(out) {
                Ok(0) => break,
                Ok(n) => self.conn.transmit_advance(n),
                Err(e) if e.kind() == Interrupted => {}
                Err(e) => {
                    eprintln!("interop: write failed: {e}");
                    break;
                }
            }
        }
        // The peer is gone (or stuck): what is owed can never go.
        let now = self.now();
        self.conn.abort(now);
    }

    /// One step: flushes, then returns the events due; reads (at most `TICK`,
    /// less when a deadline is nearer) only when there are none, and runs
    /// deadlines that passed.
    fn step(&mut self) -> Vec<Ev> {
        self.flush();
        let got = events(&mut self.conn);
        if !got.is_empty() || self.conn.is_closed() {
            return got;
        }
        if !self.pending.is_empty() {
            let n = self.conn.handle_input(self.now(), &self.pending).unwrap();
            self.pending.drain(..n);
        } else if !self.eof {
            let now = self.now();
            let wait =
                self.conn.poll_timeout().map_or(TICK, |at| at.saturating_duration_since(now));
            let wait = wait.clamp(Duration::from_millis(1), TICK);
            self.sock.set_read_timeout(Some(wait)).unwrap();
            let mut buf = [0u8; 16 * 1024];
            match self.sock.read(&mut buf) {
                Ok(0) => {
                    self.eof = true;
                    self.conn.handle_eof(self.now());
                }
                Ok(n) => {
                    let took = self.conn.handle_input(self.now(), &buf[..n]).unwrap();
                    self.pending.extend_from_slice(&buf[took..n]);
                }
                Err(e) if matches!(e.kind(), WouldBlock | TimedOut | Interrupted) => {}
                Err(e) => {
                    eprintln!("interop: read failed: {e}");
                    self.eof = true;
                    self.conn.handle_eof(self.now());
                }
            }
        } else {
            thread::sleep(Duration::from_millis(5));
        }
        let now = self.now();
        if self.conn.poll_timeout().is_some_and(|at| at <= now) {
            self.conn.handle_timeout(now);
        }
        events(&mut self.conn)
    }

    /// Steps until `done` holds for the events so far or the connection closed.
    fn run_until(&mut self, what: &str, done: impl Fn(&[Ev]) -> bool) -> Vec<Ev> {
        let start = std::time::Instant::now();
        let mut all = Vec::new();
        for _ in 0..MAX_STEPS {
            all.extend(self.step());
            if done(&all) || closed(&all).is_some() {
                self.flush();
                return all;
            }
            assert!(start.elapsed() < WALL, "{what}: no end in {WALL:?}: {all:?}");
        }
        panic!("{what}: no end in {MAX_STEPS} steps: {all:?}");
    }

    /// Steps until `n` more messages ended (or the connection closed).
    fn run_ends(&mut self, what: &str, n: usize) -> Vec<Ev> {
        self.run_until(what, |e| e.iter().filter(|e| **e == Ev::End).count() >= n)
    }

    /// Half-closes, then reads until the peer closes too (RFC 9112 §9.6), briefly.
    fn linger(&mut self) {
        let _ = self.sock.shutdown(Shutdown::Write);
        let _ = self.sock.set_read_timeout(Some(TICK));
        let start = std::time::Instant::now();
        let mut buf = [0u8; 4096];
        while start.elapsed() < Duration::from_secs(2) {
            match self.sock.read(&mut buf) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), WouldBlock | TimedOut) => {}
                Err(_) => return,
            }
        }
    }
}

/// A final response read by a client: status, fields, body, trailers.
#[derive(Debug, Default)]
struct Resp {
    code: u16,
    headers: Vec<(String, String)>,
    keep_alive: bool,
    body: Vec<u8>,
    trailers: Vec<(String, String)>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

fn header<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// The final responses in `evs`, in order (interim ones are left out).
fn responses(evs: &[Ev]) -> Vec<Resp> {
    let mut out: Vec<Resp> = Vec::new();
    for e in evs {
        match e {
            Ev::Response { code, headers, keep_alive, .. } if *code >= 200 => out.push(Resp {
                code: *code,
                headers: headers.clone(),
                keep_alive: *keep_alive,
                ..Resp::default()
            }),
            Ev::Data(d) => out.last_mut().unwrap().body.extend_from_slice(d),
            Ev::Trailers(t) => out.last_mut().unwrap().trailers.clone_from(t),
            _ => {}
        }
    }
    out
}

fn closed(evs: &[Ev]) -> Option<Closed> {
    evs.iter().find_map(|e| match e {
        Ev::Closed(c) => Some(*c),
        _ => None,
    })
}

/// Deterministic filler: `len` octets of a pattern that starts with `seed`.
fn filler(seed: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + ((i + usize::from(seed)) % 26) as u8).collect()
}

// Server role: a small site the machine serves, curl as the client.

/// A request as the server read it.
#[derive(Debug, Default, Clone)]
struct Req {
    method: String,
    target: String,
    version: Option<Version>,
    headers: Vec<(String, String)>,
    body_kind: Option<BodyKind>,
    expects_continue: bool,
    body: Vec<u8>,
    /// The site answered it before its body (a refused `Expect`).
    answered: bool,
}

/// One TCP connection the server served.
#[derive(Debug, Default)]
struct ConnLog {
    requests: Vec<Req>,
    error: Option<ConnectionError>,
    closed: Option<Closed>,
}

/// Sends a whole response, writing to the socket when the send buffer fills.
fn respond(d: &mut Driver, code: u16, headers: &[(&str, &str)], body: &[u8]) {
    let now = d.now();
    d.conn.send_response(now, &ResponseHead::new(code, "Whatever", headers)).unwrap();
    let mut at = 0;
    for _ in 0..MAX_STEPS {
        if at == body.len() {
            break;
        }
        at += d.conn.send_data(now, &body[at..]).unwrap();
        d.flush();
    }
    assert_eq!(at, body.len(), "the response body did not go");
    d.conn.send_end(now, &[]).unwrap();
}

/// The site, when a request's head was read (`end` false) or all of it (`end` true).
fn site(end: bool, req: &mut Req, d: &mut Driver) {
    let now = d.now();
    let path = req.target.clone();
    if !end {
        if req.expects_continue {
            req.answered = true;
            match path.as_str() {
                "/reject417" => respond(d, 417, &[("Content-Length", "16")], b"no expectations\n"),
                "/reject413" => respond(d, 413, &[("Content-Length", "10")], b"too large\n"),
                _ => {
                    req.answered = false;
                    d.conn.send_continue(now).unwrap();
                }
            }
        }
        return;
    }
    if std::mem::replace(&mut req.answered, true) {
        return;
    }
    let framing = match req.body_kind {
        Some(BodyKind::Chunked) => "chunked",
        Some(BodyKind::Length(_)) => "length",
        _ => "none",
    };
    let body = req.body.clone();
    match path.as_str() {
        "/echo" | "/reject417" => {
            let len = body.len().to_string();
            respond(d, 200, &[("Content-Length", &len), ("X-Framing", framing)], &body);
        }
        "/echo-chunked" => respond(d, 200, &[("X-Framing", framing)], &body),
        "/trailers" => {
            let h = [("Transfer-Encoding", "chunked"), ("Trailer", "X-Checksum")];
            d.conn.send_response(now, &ResponseHead::new(200, "OK", &h)).unwrap();
            for part in [&b"first,"[..], b"second,", b"third\n"] {
                assert_eq!(d.conn.send_data(now, part).unwrap(), part.len());
            }
            d.conn.send_end(now, &[("X-Checksum", "sum-19")]).unwrap();
        }
        "/close" => {
            respond(d, 200, &[("Content-Length", "6"), ("Connection", "close")], b"close\n")
        }
        // No framing fields: chunked to HTTP/1.1, delimited by the close to 1.0.
        "/stream" => respond(d, 200, &[], b"streamed body\n"),
        _ => {
            let body = format!("this is {path}\n");
            let len = body.len().to_string();
            // A HEAD response says the Content-Length of the GET, and has no body.
            let body = if req.method == "HEAD" { "" } else { body.as_str() };
            respond(d, 200, &[("Content-Length", &len)], body.as_bytes());
        }
    }
}

/// Serves one accepted connection with `site` until the machine closes it.
fn serve_one(sock: TcpStream) -> ConnLog {
    let mut d = Driver::new(Config::server(), sock);
    let mut log = ConnLog::default();
    let start = std::time::Instant::now();
    for _ in 0..MAX_STEPS {
        for e in d.step() {
            match e {
                Ev::Request {
                    method, target, version, headers, body, expects_continue, ..
                } => {
                    log.requests.push(Req {
                        method,
                        target,
                        version: Some(version),
                        headers,
                        body_kind: Some(body),
                        expects_continue,
                        ..Req::default()
                    });
                    site(false, log.requests.last_mut().unwrap(), &mut d);
                }
                Ev::Data(b) => log.requests.last_mut().unwrap().body.extend_from_slice(&b),
                Ev::Trailers(_) => {}
                Ev::End => site(true, log.requests.last_mut().unwrap(), &mut d),
                Ev::Error(e) => log.error = Some(e),
                Ev::Closed(c) => log.closed = Some(c),
                other => panic!("server: unexpected {other:?}"),
            }
        }
        if log.closed.is_some() || start.elapsed() > WALL {
            break;
        }
    }
    d.flush();
    d.linger();
    log
}

/// Accepts connections one after another (curl uses them in turn) until `stop`.
fn serve(listener: TcpListener, stop: &AtomicBool) -> Vec<ConnLog> {
    listener.set_nonblocking(true).unwrap();
    let start = std::time::Instant::now();
    let mut logs = Vec::new();
    while !stop.load(Ordering::SeqCst) && start.elapsed() < WALL && logs.len() < 16 {
        match listener.accept() {
            Ok((sock, _)) => {
                sock.set_nonblocking(false).unwrap();
                logs.push(serve_one(sock));
            }
            Err(e) if e.kind() == WouldBlock => thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("accept: {e}"),
        }
    }
    logs
}

/// What curl printed.
struct CurlRun {
    ok: bool,
    stdout: Vec<u8>,
    text: String,
    stderr: String,
    /// The received heads (and trailers), from `-D`.
    heads: String,
}

/// Runs curl with `args` (`{}` in an argument becomes `127.0.0.1:port`) against
/// the site; returns what curl printed and the connections the server saw.
fn curl(tmp: &TempDir, args: &[&str]) -> Option<(CurlRun, Vec<ConnLog>)> {
    let bin = peer("curl")?;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("127.0.0.1:{}", listener.local_addr().unwrap().port());
    let stop = Arc::new(AtomicBool::new(false));
    let server = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || serve(listener, &stop))
    };
    let (out, err, heads) = (tmp.path("curl.out"), tmp.path("curl.err"), tmp.path("curl.heads"));
    let mut child = Proc(
        Command::new(bin)
            .args(["-sS", "--max-time", "10", "-D"])
            .arg(&heads)
            .args(args.iter().map(|a| a.replace("{}", &base)))
            .stdin(Stdio::null())
            .stdout(fs::File::create(&out).unwrap())
            .stderr(fs::File::create(&err).unwrap())
            .spawn()
            .unwrap(),
    );
    let status = child.wait();
    stop.store(true, Ordering::SeqCst);
    let logs = server.join().unwrap();
    let stdout = fs::read(&out).unwrap();
    let run = CurlRun {
        ok: status.success(),
        text: String::from_utf8_lossy(&stdout).into_owned(),
        stdout,
        stderr: fs::read_to_string(&err).unwrap(),
        heads: fs::read_to_string(&heads).unwrap_or_default(),
    };
    Some((run, logs))
}

fn targets(log: &ConnLog) -> Vec<&str> {
    log.requests.iter().map(|r| r.target.as_str()).collect()
}

#[test]
fn curl_reuses_one_connection_for_several_urls() {
    let tmp = TempDir::new("curl-reuse");
    let args = ["--http1.1", "http://{}/a", "http://{}/b", "http://{}/c"];
    let Some((run, logs)) = curl(&tmp, &args) else { return };
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.text, "this is /a\nthis is /b\nthis is /c\n");
    assert_eq!(logs.len(), 1, "one TCP connection: {logs:?}");
    assert_eq!(targets(&logs[0]), ["/a", "/b", "/c"]);
    assert!(logs[0].requests.iter().all(|r| r.version == Some(Version::Http11)));
    let c = logs[0].closed.unwrap();
    assert_eq!((c.reason, c.unanswered), (CloseReason::PeerClosed, 0));
    assert_eq!(logs[0].error, None);
}

#[test]
fn curl_uploads_with_content_length_and_chunked_are_echoed() {
    let tmp = TempDir::new("curl-upload");
    // Larger than the machine's 128 KiB receive buffer, so input is taken in parts.
    let data = filler(3, 300_000);
    let file = tmp.write("upload.bin", &data);
    let at = format!("@{}", file.display());
    for (url, te, framing) in [
        ("http://{}/echo", None, "length"),
        ("http://{}/echo", Some("Transfer-Encoding: chunked"), "chunked"),
        ("http://{}/echo-chunked", Some("Transfer-Encoding: chunked"), "chunked"),
    ] {
        let mut args = vec!["--http1.1", "-H", "Expect:", "--data-binary", &at];
        if let Some(te) = te {
            args.extend(["-H", te]);
        }
        args.push(url);
        let Some((run, logs)) = curl(&tmp, &args) else { return };
        assert!(run.ok, "{}", run.stderr);
        assert!(run.stdout == data, "{url} {te:?}: echo differs ({} octets)", run.stdout.len());
        assert_eq!(logs.len(), 1);
        let req = &logs[0].requests[0];
        assert_eq!((req.method.as_str(), req.body.len()), ("POST", data.len()));
        let kind = if te.is_some() { BodyKind::Chunked } else { BodyKind::Length(300_000) };
        assert_eq!(req.body_kind, Some(kind));
        assert_eq!(header(&req.headers, "Transfer-Encoding").is_some(), te.is_some());
        let heads = run.heads.to_ascii_lowercase();
        assert!(heads.contains(&format!("x-framing: {framing}")), "{heads}");
        assert_eq!(heads.contains("transfer-encoding: chunked"), url.ends_with("chunked"));
    }
}

#[test]
fn curl_expect_100_continue_gets_the_body_after_100() {
    let tmp = TempDir::new("curl-expect");
    let data = filler(7, 5000);
    let file = tmp.write("upload.bin", &data);
    let at = format!("@{}", file.display());
    let args = ["--http1.1", "-H", "Expect: 100-continue", "--data-binary", &at, "http://{}/echo"];
    let Some((run, logs)) = curl(&tmp, &args) else { return };
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout == data, "echo differs");
    assert!(run.heads.starts_with("HTTP/1.1 100 Continue\r\n"), "{}", run.heads);
    assert!(logs[0].requests[0].expects_continue);
    assert_eq!(logs[0].requests[0].body.len(), 5000);
}

#[test]
fn curl_expect_answered_early_with_413_or_417() {
    let tmp = TempDir::new("curl-early");
    let file = tmp.write("upload.bin", &filler(1, 5000));
    let at = format!("@{}", file.display());
    for (path, code, body) in
        [("/reject413", 413, "too large\n"), ("/reject417", 417, "no expectations\n")]
    {
        let url = format!("http://{{}}{path}");
        let expect = ["--http1.1", "-H", "Expect: 100-continue", "--data-binary", &at];
        let args = [&expect[..], &["-w", "code=%{http_code}", &url]].concat();
        let Some((run, logs)) = curl(&tmp, &args) else { return };
        assert!(run.ok, "{}", run.stderr);
        let first = &logs[0];
        assert!(first.requests[0].expects_continue);
        assert!(first.requests[0].body.is_empty(), "curl sent the body after a final response");
        assert_eq!(first.closed.map(|c| c.reason), Some(CloseReason::NotPersistent));
        assert_eq!(first.error, None);
        assert!(run.heads.to_ascii_lowercase().contains("connection: close"), "{}", run.heads);
        // curl 7.88 reports the status; a later curl may retry a 417 without the
        // expectation, on a new connection since this one closed.
        if logs.len() == 1 {
            assert_eq!(run.text, format!("{body}code={code}"));
        } else {
            assert!(code == 417 && run.text.ends_with("code=200"), "{logs:?}");
            assert!(!logs[1].requests[0].expects_continue);
        }
    }
}

#[test]
fn curl_head_then_head_on_the_same_connection() {
    let tmp = TempDir::new("curl-head");
    let Some((run, logs)) = curl(&tmp, &["--http1.1", "-I", "http://{}/a", "http://{}/bb"]) else {
        return;
    };
    assert!(run.ok, "{}", run.stderr);
    // The Content-Length of the GET it stands for, and no body.
    assert!(run.text.contains("Content-Length: 11\r\n"), "{}", run.text);
    assert!(run.text.contains("Content-Length: 12\r\n"), "{}", run.text);
    assert_eq!(run.text.matches("HTTP/1.1 200").count(), 2, "{}", run.text);
    assert_eq!(logs.len(), 1);
    assert!(logs[0].requests.iter().all(|r| r.method == "HEAD"));
}

#[test]
fn curl_http10_with_and_without_keep_alive() {
    let tmp = TempDir::new("curl-10");
    // Without keep-alive: a connection per request; a body without framing
    // fields is delimited by the close.
    let Some((run, logs)) = curl(&tmp, &["-0", "http://{}/a", "http://{}/stream"]) else {
        return;
    };
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.text, "this is /a\nstreamed body\n");
    assert_eq!(logs.len(), 2, "{logs:?}");
    for log in &logs {
        assert_eq!(log.requests.len(), 1);
        assert_eq!(log.requests[0].version, Some(Version::Http10));
        assert_eq!(log.closed.unwrap().reason, CloseReason::NotPersistent);
    }
    assert_eq!(run.heads.to_ascii_lowercase().matches("connection: close").count(), 2);

    // With keep-alive: the Content-Length response says keep-alive and persists.
    let args = ["-0", "-H", "Connection: keep-alive", "http://{}/a", "http://{}/b"];
    let Some((run, logs)) = curl(&tmp, &args) else { return };
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.text, "this is /a\nthis is /b\n");
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(targets(&logs[0]), ["/a", "/b"]);
    assert_eq!(run.heads.to_ascii_lowercase().matches("connection: keep-alive").count(), 2);
}

#[test]
fn curl_reads_a_chunked_response_with_trailers() {
    let tmp = TempDir::new("curl-trailers");
    let Some((run, _)) = curl(&tmp, &["--http1.1", "http://{}/trailers"]) else { return };
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.text, "first,second,third\n");
    // curl hands trailers to the header output.
    assert!(run.heads.contains("X-Checksum: sum-19"), "{}", run.heads);

    let Some((run, _)) = curl(&tmp, &["--http1.1", "--raw", "http://{}/trailers"]) else {
        return;
    };
    assert!(run.ok, "{}", run.stderr);
    let raw = "6\r\nfirst,\r\n7\r\nsecond,\r\n6\r\nthird\n\r\n0\r\nX-Checksum: sum-19\r\n\r\n";
    assert_eq!(run.text, raw);
}

#[test]
fn curl_reconnects_after_connection_close() {
    let tmp = TempDir::new("curl-close");
    let Some((run, logs)) = curl(&tmp, &["--http1.1", "http://{}/close", "http://{}/a"]) else {
        return;
    };
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.text, "close\nthis is /a\n");
    assert_eq!(logs.len(), 2, "two TCP connections: {logs:?}");
    assert_eq!(targets(&logs[0]), ["/close"]);
    assert_eq!(targets(&logs[1]), ["/a"]);
    assert_eq!(logs[0].closed.unwrap().reason, CloseReason::NotPersistent);
}

// Client role against nginx.

/// nginx running in the foreground on a free port, serving files from `www/`.
struct Nginx {
    // Dropped first: nginx is killed before its directory is removed.
    proc: Proc,
    tmp: TempDir,
    port: u16,
}

impl Nginx {
    /// Starts nginx with `keepalive_requests` and `www` files (path, content).
    fn start(tag: &str, keepalive_requests: u32, files: &[(&str, &[u8])]) -> Option<Nginx> {
        let bin = peer("nginx")?;
        let tmp = TempDir::new(tag);
        for (path, data) in files {
            tmp.write(&format!("www/{path}"), data);
        }
        fs::create_dir_all(tmp.path("www/dav")).unwrap();
        let port = free_port();
        let d = tmp.0.display().to_string();
        let conf = format!(
            "daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    types {{ text/plain txt; text/html html shtml; }}
    default_type application/octet-stream;
    gzip off;
    keepalive_requests {keepalive_requests};
    keepalive_timeout 30s;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {d}/www;
        location /dav/ {{ dav_methods PUT; client_max_body_size 1m; }}
        location /small/ {{ dav_methods PUT; client_max_body_size 1; }}
        location /ssi/ {{ ssi on; chunked_transfer_encoding on; add_trailer X-Trailer done; }}
    }}
}}
"
        );
        let conf = tmp.write("nginx.conf", conf.as_bytes()).display().to_string();
        let log = format!("{d}/error.log");
        let stderr = tmp.path("stderr.log");
        let mut proc = spawn(bin, &["-p", &d, "-e", &log, "-c", &conf], &stderr);
        wait_listening(port, &mut proc, &stderr);
        Some(Nginx { proc, tmp, port })
    }

    fn client(&mut self) -> Driver {
        let log = fs::read_to_string(self.tmp.path("error.log")).unwrap_or_default();
        assert!(!self.proc.exited(), "nginx exited: {log}");
        Driver::client(self.port)
    }
}

const HOST: (&str, &str) = ("Host", "localhost");

fn get(d: &mut Driver, target: &str, extra: &[(&str, &str)]) {
    let h = [&[HOST][..], extra].concat();
    let now = d.now();
    d.conn.send_request(now, &RequestHead::get(target, &h)).unwrap();
    d.conn.send_end(now, &[]).unwrap();
}

/// A closing connection takes no new request.
fn assert_refused(d: &mut Driver) {
    let r = d.conn.send_request(d.now(), &RequestHead::get("/", &[HOST]));
    assert_eq!(r, Err(CallError::Closing));
}

#[test]
fn nginx_answers_ten_pipelined_gets_in_order() {
    let files: Vec<(String, Vec<u8>)> =
        (0..10).map(|i| (format!("f{i}.txt"), filler(i, 1000 + 3000 * usize::from(i)))).collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, d)| (p.as_str(), d.as_slice())).collect();
    let Some(mut nginx) = Nginx::start("nginx-pipeline", 100, &refs) else { return };
    let mut d = nginx.client();
    for (path, _) in &files {
        get(&mut d, &format!("/{path}"), &[]);
    }
    assert_eq!(d.conn.in_flight(), 10);
    // All ten go out before any response is read.
    d.flush();
    assert!(d.conn.transmit_pending().is_empty());
    let evs = d.run_ends("pipelined GETs", 10);
    let got = responses(&evs);
    assert_eq!(got.len(), 10, "{evs:?}");
    for (r, (path, data)) in got.iter().zip(&files) {
        assert_eq!(r.code, 200, "{path}");
        assert!(r.body == *data, "{path}: body differs");
        assert!(r.keep_alive);
    }
    assert!(d.conn.is_idle() && !d.conn.is_closing());
}

#[test]
fn nginx_head_conditional_get_and_404() {
    let files = [("page.txt", &b"hello, nginx\n"[..])];
    let Some(mut nginx) = Nginx::start("nginx-cond", 100, &files) else { return };
    let mut d = nginx.client();
    let now = d.now();
    d.conn.send_request(now, &RequestHead::new("HEAD", "/page.txt", &[HOST])).unwrap();
    d.conn.send_end(now, &[]).unwrap();
    let evs = d.run_ends("HEAD", 1);
    assert!(
        matches!(&evs[..], [Ev::Response { code: 200, body: BodyKind::None, .. }, Ev::End]),
        "{evs:?}"
    );
    let head = responses(&evs).remove(0);
    assert_eq!(head.header("Content-Length"), Some("13"));

    get(&mut d, "/page.txt", &[]);
    let full = responses(&d.run_ends("GET", 1)).remove(0);
    assert_eq!(full.body, b"hello, nginx\n");
    let modified = full.header("Last-Modified").expect("Last-Modified").to_owned();
    assert_eq!(head.header("Last-Modified"), Some(modified.as_str()));

    get(&mut d, "/page.txt", &[("If-Modified-Since", &modified)]);
    let evs = d.run_ends("conditional GET", 1);
    assert!(
        matches!(&evs[..], [Ev::Response { code: 304, body: BodyKind::None, .. }, Ev::End]),
        "{evs:?}"
    );

    get(&mut d, "/missing.txt", &[]);
    let r = responses(&d.run_ends("404", 1)).remove(0);
    assert_eq!(r.code, 404);
    assert!(String::from_utf8_lossy(&r.body).contains("404 Not Found"));
    assert_eq!(r.header("Content-Length"), Some(r.body.len().to_string().as_str()));
    assert!(d.conn.is_idle() && !d.conn.is_closing(), "four exchanges on one connection");
}

/// Sends a request with `Expect: 100-continue` and `body`, stepping the
/// connection while the send buffer is full; returns the events meanwhile.
fn send_expecting(d: &mut Driver, method: &str, target: &str, body: &[u8]) -> Vec<Ev> {
    let len = body.len().to_string();
    let h = [HOST, ("Content-Length", len.as_str()), ("Expect", "100-continue")];
    d.conn.send_request(d.now(), &RequestHead::new(method, target, &h)).unwrap();
    assert!(d.conn.transmit_pending().ends_with(b"\r\n\r\n"), "the body waits for a 100");
    let (mut at, mut evs) = (0, Vec::new());
    for _ in 0..MAX_STEPS {
        at += d.conn.send_data(d.now(), &body[at..]).unwrap();
        if at == body.len() {
            break;
        }
        evs.extend(d.step());
    }
    assert_eq!(at, body.len(), "the body was not taken: {evs:?}");
    d.conn.send_end(d.now(), &[]).unwrap();
    evs
}

#[test]
fn nginx_expect_continue_put_then_413_drops_the_held_body() {
    let files = [("page.txt", &b"static\n"[..])];
    let Some(mut nginx) = Nginx::start("nginx-expect", 100, &files) else { return };
    // Past the 64 KiB send buffer: the machine takes the body as the 100 lets it go.
    let data = filler(5, 500_000);
    let mut d = nginx.client();
    let mut evs = send_expecting(&mut d, "PUT", "/dav/up.bin", &data);
    if !evs.contains(&Ev::End) {
        evs.extend(d.run_ends("PUT", 1));
    }
    assert!(
        matches!(
            &evs[..],
            [Ev::Response { code: 100, .. }, Ev::Response { code: 201, .. }, .., Ev::End]
        ),
        "{evs:?}"
    );
    assert!(fs::read(nginx.tmp.path("www/dav/up.bin")).unwrap() == data, "the file nginx wrote");
    assert!(d.conn.is_idle() && !d.conn.is_closing());

    // Over client_max_body_size: nginx answers 413 without a 100 and closes; the
    // body held for the 100 is never sent.
    assert!(send_expecting(&mut d, "PUT", "/small/x.bin", &data[..20_000]).is_empty());
    let evs = d.run_until("413", |e| closed(e).is_some());
    let r = responses(&evs);
    assert_eq!((r.len(), r[0].code, r[0].keep_alive), (1, 413, false), "{evs:?}");
    assert_eq!(r[0].header("Connection"), Some("close"));
    assert_eq!(closed(&evs), Some(Closed { reason: CloseReason::NotPersistent, unanswered: 0 }));
    assert!(d.conn.transmit_pending().is_empty());
    assert_refused(&mut d);
    assert!(!nginx.tmp.path("www/small/x.bin").exists());
}

#[test]
fn nginx_expect_continue_post_to_a_static_file_is_405() {
    let files = [("page.txt", &b"static\n"[..])];
    let Some(mut nginx) = Nginx::start("nginx-405", 100, &files) else { return };
    let mut d = nginx.client();
    assert!(send_expecting(&mut d, "POST", "/page.txt", &filler(0, 3000)).is_empty());
    let evs = d.run_ends("POST", 1);
    let r = responses(&evs);
    assert_eq!((r.len(), r[0].code), (1, 405), "{evs:?}");
    assert!(!evs.iter().any(|e| matches!(e, Ev::Response { code: 100, .. })), "{evs:?}");
    // nginx 1.22 keeps the connection and discards the body, so the machine sends
    // the held body (the framing needs it) and the next request is read as one.
    // Were it to close instead, the machine must follow.
    if r[0].keep_alive {
        get(&mut d, "/page.txt", &[]);
        let next = responses(&d.run_ends("GET after 405", 1));
        assert_eq!((next[0].code, next[0].body.as_slice()), (200, &b"static\n"[..]), "{evs:?}");
    } else {
        let evs = d.run_until("close after 405", |e| closed(e).is_some());
        assert_eq!(closed(&evs).map(|c| c.unanswered), Some(0));
    }
}

#[test]
fn nginx_keepalive_requests_limit_leaves_the_rest_unanswered() {
    let files = [("page.txt", &b"page\n"[..])];
    let Some(mut nginx) = Nginx::start("nginx-keepalive", 5, &files) else { return };
    let mut d = nginx.client();
    for _ in 0..8 {
        get(&mut d, "/page.txt", &[]);
    }
    d.flush();
    let evs = d.run_until("keepalive limit", |e| closed(e).is_some());
    let r = responses(&evs);
    assert_eq!(r.len(), 5, "{evs:?}");
    assert!(r.iter().all(|r| r.code == 200 && r.body == b"page\n"));
    assert!(r[..4].iter().all(|r| r.keep_alive));
    assert_eq!((r[4].keep_alive, r[4].header("Connection")), (false, Some("close")));
    assert_eq!(closed(&evs), Some(Closed { reason: CloseReason::NotPersistent, unanswered: 3 }));
    assert_refused(&mut d);
}

#[test]
fn nginx_chunked_response_with_trailer() {
    // SSI output has no length known up front: nginx sends it chunked, and
    // add_trailer puts a trailer after the last chunk.
    let text = "before <!--# echo var=\"uri\" --> after\n".repeat(2000);
    let files = [("ssi/page.shtml", text.as_bytes())];
    let Some(mut nginx) = Nginx::start("nginx-chunked", 100, &files) else { return };
    let mut d = nginx.client();
    for _ in 0..2 {
        get(&mut d, "/ssi/page.shtml", &[]);
    }
    let evs = d.run_ends("SSI", 2);
    let got = responses(&evs);
    assert_eq!(got.len(), 2, "{evs:?}");
    for r in got {
        assert_eq!(r.code, 200);
        assert_eq!(r.header("Transfer-Encoding"), Some("chunked"), "{:?}", r.headers);
        assert_eq!(r.body, "before /ssi/page.shtml after\n".repeat(2000).as_bytes());
        assert_eq!(r.trailers, [("X-Trailer".to_owned(), "done".to_owned())]);
    }
    assert!(evs.iter().any(|e| matches!(e, Ev::Response { body: BodyKind::Chunked, .. })));
    assert!(d.conn.is_idle());
}

// Client role against python3's http.server: HTTP/1.0, close-delimited bodies.

const PY_SERVER: &str = r#"
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"close-delimited %s\n" % self.path.encode() * 500)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"#;

#[test]
fn python_http10_close_delimited_body() {
    let Some(bin) = peer("python3") else { return };
    let tmp = TempDir::new("python");
    let port = free_port();
    let stderr = tmp.path("stderr.log");
    let mut proc = spawn(bin, &["-c", PY_SERVER, &port.to_string()], &stderr);
    wait_listening(port, &mut proc, &stderr);
    for round in 0..2 {
        let mut d = Driver::client(port);
        get(&mut d, &format!("/r{round}"), &[]);
        let evs = d.run_until("python GET", |e| closed(e).is_some());
        let Some(Ev::Response { code, version, body, keep_alive, .. }) = evs.first() else {
            panic!("{evs:?}")
        };
        let head = (*code, *version, *body, *keep_alive);
        assert_eq!(head, (200, Version::Http10, BodyKind::UntilClose, false));
        let r = responses(&evs);
        assert_eq!(r[0].body, format!("close-delimited /r{round}\n").repeat(500).as_bytes());
        assert_eq!(
            closed(&evs),
            Some(Closed { reason: CloseReason::NotPersistent, unanswered: 0 })
        );
        assert_refused(&mut d);
    }
}
