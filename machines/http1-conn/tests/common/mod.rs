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
