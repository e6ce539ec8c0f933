//! Helpers the connection tests share: an owned copy of events, and a pump that
//! moves octets between two connections.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wirestate_http1_conn::{BodyKind, Closed, Connection, ConnectionError, Event, Version};
use wirestate_wire::Instant;

/// An event with its borrowed parts copied, to compare and keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ev {
    Request {
        method: String,
        target: String,
        version: Version,
        headers: Vec<(String, String)>,
        body: BodyKind,
        expects_continue: bool,
        keep_alive: bool,
    },
    Response {
        code: u16,
        version: Version,
        headers: Vec<(String, String)>,
        body: BodyKind,
        keep_alive: bool,
    },
    Data(Vec<u8>),
    Trailers(Vec<(String, String)>),
    End,
    Switched(Vec<u8>),
    Error(ConnectionError),
    Closed(Closed),
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn own(e: Event<'_>) -> Ev {
    let fields = |f: wirestate_http1_conn::Fields<'_>| {
        f.iter().map(|h| (text(h.name), text(h.value))).collect::<Vec<_>>()
    };
    match e {
        Event::Request(r) => Ev::Request {
            method: r.method.into(),
            target: r.target.into(),
            version: r.version,
            headers: fields(r.headers),
            body: r.body,
            expects_continue: r.expects_continue,
            keep_alive: r.keep_alive,
        },
        Event::Response(r) => Ev::Response {
            code: r.code,
            version: r.version,
            headers: fields(r.headers),
            body: r.body,
            keep_alive: r.keep_alive,
        },
        Event::Data(d) => Ev::Data(d.to_vec()),
        Event::Trailers(t) => Ev::Trailers(fields(t)),
        Event::End => Ev::End,
        Event::Switched { rest } => Ev::Switched(rest.to_vec()),
        Event::Error(e) => Ev::Error(e),
        Event::Closed(c) => Ev::Closed(c),
        _ => panic!("unknown event"),
    }
}

/// Every event now, owned; body data merged into one `Data` per run.
pub fn events(c: &mut Connection) -> Vec<Ev> {
    let mut out: Vec<Ev> = Vec::new();
    while let Some(e) = c.poll_event() {
        let e = own(e);
        if let (Some(Ev::Data(prev)), Ev::Data(d)) = (out.last_mut(), &e) {
            prev.extend_from_slice(d);
            continue;
        }
        out.push(e);
    }
    out
}

/// Feeds `bytes` into `c` whole (reading events between when the buffer fills).
pub fn feed(c: &mut Connection, now: Instant, bytes: &[u8]) -> Vec<Ev> {
    let mut got = Vec::new();
    let mut at = 0;
    loop {
        let n = c.handle_input(now, &bytes[at..]).unwrap();
        at += n;
        got.extend(events(c));
        if at == bytes.len() {
            return got;
        }
        assert!(
            n > 0 || !got.is_empty() || c.is_closed(),
            "stuck with {} octets left",
            bytes.len() - at
        );
    }
}

pub fn t(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

/// A server with the default configuration.
pub fn server() -> Connection {
    Connection::new(wirestate_http1_conn::Config::server())
}

/// A client with the default configuration.
pub fn client() -> Connection {
    Connection::new(wirestate_http1_conn::Config::client())
}

/// Server: a whole response (head, `body` in one `send_data`, end).
pub fn respond(s: &mut Connection, code: u16, headers: &[(&str, &str)], body: &[u8]) {
    s.send_response(t(0), &wirestate_http1_conn::ResponseHead::new(code, "X", headers)).unwrap();
    if !body.is_empty() {
        assert_eq!(s.send_data(t(0), body).unwrap(), body.len());
    }
    s.send_end(t(0), &[]).unwrap();
}

/// Client: a whole request without body.
pub fn ask(c: &mut Connection, method: &str, target: &str, headers: &[(&str, &str)]) {
    c.send_request(t(0), &wirestate_http1_conn::RequestHead::new(method, target, headers)).unwrap();
    c.send_end(t(0), &[]).unwrap();
}

/// Adjacent `Data` merged into one, so event lists read in different splits compare.
pub fn merge_data(evs: Vec<Ev>) -> Vec<Ev> {
    let mut out: Vec<Ev> = Vec::new();
    for e in evs {
        if let (Some(Ev::Data(prev)), Ev::Data(d)) = (out.last_mut(), &e) {
            prev.extend_from_slice(d);
            continue;
        }
        out.push(e);
    }
    out
}

/// Feeds `bytes` one octet at a time, reading events after each; data merged.
pub fn feed_bytewise(c: &mut Connection, now: Instant, bytes: &[u8]) -> Vec<Ev> {
    let mut got = Vec::new();
    for b in bytes {
        got.extend(feed(c, now, std::slice::from_ref(b)));
    }
    merge_data(got)
}

/// The request-targets of the `Request` events.
pub fn targets(evs: &[Ev]) -> Vec<String> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Request { target, .. } => Some(target.clone()),
            _ => None,
        })
        .collect()
}

/// The status codes of the `Response` events.
pub fn codes(evs: &[Ev]) -> Vec<u16> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Response { code, .. } => Some(*code),
            _ => None,
        })
        .collect()
}

/// Octets as text, for messages.
pub fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// How many times `needle` occurs in `hay`.
pub fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Whether the events end with `Closed` for `reason` and `unanswered`.
pub fn closed_with(
    evs: &[Ev],
    reason: wirestate_http1_conn::CloseReason,
    unanswered: usize,
) -> bool {
    matches!(evs.last(), Some(Ev::Closed(c)) if *c == Closed { reason, unanswered })
}
