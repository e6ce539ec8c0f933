//! The script of a model run: the exchanges the client's and the server's
//! applications mean to carry, and what each side must see of them.

use proptest::prelude::*;
use wirestate_http1_conn::{BodyKind, Version};

use crate::common::Ev;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conn {
    /// No `Connection` field.
    Default,
    KeepAlive,
    Close,
}

/// How a body is framed by the fields its sender writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Neither field: no body (request), the machine's choice (response).
    Unframed,
    Length,
    Chunked,
}

/// What the server does with a request carrying `Expect: 100-continue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Sends 100 on the head.
    Continue,
    /// Waits for the body: the client's `Timer::Continue` has to release it.
    Timeout,
    /// Answers on the head, before any body (the connection cannot persist).
    Early,
}

#[derive(Debug, Clone)]
pub struct Req {
    pub method: &'static str,
    pub target: String,
    pub http10: bool,
    pub conn: Conn,
    pub framing: Framing,
    pub body: Vec<u8>,
    pub trailers: Vec<(String, String)>,
    pub expect: bool,
    pub wait: Wait,
    /// The server answers on the head, before the body is read.
    pub early: bool,
}

#[derive(Debug, Clone)]
pub struct Resp {
    /// How many 103 (Early Hints) before the final response.
    pub hints: usize,
    pub code: u16,
    pub framing: Framing,
    pub body: Vec<u8>,
    pub trailers: Vec<(String, String)>,
    pub close: bool,
}

#[derive(Debug, Clone)]
pub struct Exchange {
    pub req: Req,
    pub resp: Resp,
    /// Sizes of the `send_data` calls (cycled), for both bodies.
    pub pieces: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Script {
    pub ex: Vec<Exchange>,
    /// Requests the client sends ahead of the responses (its `max_pipeline`).
    pub depth: usize,
    /// The server's `max_pipeline`.
    pub server_pipeline: usize,
    /// Small receive and send buffers, so `handle_input` and `send_data` take part.
    pub small_buffers: bool,
    /// The client calls `close` once every request is sent.
    pub hangup: bool,
    /// The server's application answers only when nothing else moves.
    pub lazy_server: bool,
    /// Sizes of the pieces moved along the streams (cycled).
    pub cuts: Vec<usize>,
    /// Which side acts next (cycled).
    pub order: Vec<u8>,
}

/// How the server's machine sends a response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Nothing,
    Length,
    Chunked { added: bool },
    UntilClose,
}

pub const LINK: (&str, &str) = ("Link", "</s.css>; rel=preload");

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

impl Req {
    /// The request lets the connection persist (RFC 9112 §9.3).
    pub fn persist(&self) -> bool {
        self.conn != Conn::Close && (!self.http10 || self.conn == Conn::KeepAlive)
    }

    /// Both machines treat the expectation as one (HTTP/1.1, with content).
    pub fn expects(&self) -> bool {
        self.expect && !self.http10
    }

    pub fn version(&self) -> Version {
        if self.http10 {
            Version::Http10
        } else {
            Version::Http11
        }
    }

    pub fn headers(&self, i: usize) -> Vec<(String, String)> {
        let mut h = vec![("Host".to_owned(), "h.test".to_owned()), ("X-Seq".into(), i.to_string())];
        match self.conn {
            Conn::Default => {}
            Conn::KeepAlive => h.push(("Connection".into(), "keep-alive".into())),
            Conn::Close => h.push(("Connection".into(), "close".into())),
        }
        match self.framing {
            Framing::Unframed => {}
            Framing::Length => h.push(("Content-Length".into(), self.body.len().to_string())),
            Framing::Chunked => h.push(("Transfer-Encoding".into(), "chunked".into())),
        }
        if self.expect {
            h.push(("Expect".into(), "100-continue".into()));
        }
        h
    }

    pub fn body_kind(&self) -> BodyKind {
        match self.framing {
            Framing::Unframed => BodyKind::None,
            Framing::Length => BodyKind::Length(self.body.len() as u64),
            Framing::Chunked => BodyKind::Chunked,
        }
    }

    /// What the server reads of it, in full.
    pub fn events(&self, i: usize) -> Vec<Ev> {
        let mut v = vec![Ev::Request {
            method: self.method.into(),
            target: self.target.clone(),
            version: self.version(),
            headers: self.headers(i),
            body: self.body_kind(),
            expects_continue: self.expects(),
            keep_alive: self.persist(),
        }];
        body_events(&mut v, &self.body, &self.trailers);
        v
    }
}

fn body_events(v: &mut Vec<Ev>, body: &[u8], trailers: &[(String, String)]) {
    if !body.is_empty() {
        v.push(Ev::Data(body.to_vec()));
    }
    if !trailers.is_empty() {
        v.push(Ev::Trailers(trailers.to_vec()));
    }
    v.push(Ev::End);
}

impl Exchange {
    /// RFC 9112 §6.3 rule 1: the response has no body whatever its fields say.
    pub fn bodyless(&self) -> bool {
        self.req.method == "HEAD" || self.resp.code == 204 || self.resp.code == 304
    }

    pub fn sent(&self) -> Sent {
        match self.resp.framing {
            _ if self.bodyless() => Sent::Nothing,
            Framing::Length => Sent::Length,
            Framing::Chunked => Sent::Chunked { added: false },
            Framing::Unframed if self.req.http10 => Sent::UntilClose,
            Framing::Unframed => Sent::Chunked { added: true },
        }
    }

    /// Whether the connection persists after this exchange, given whether the
    /// server answered an unmet `Expect: 100-continue` before reading the body.
    pub fn persist(&self, unsure: bool) -> bool {
        self.req.persist() && !self.resp.close && self.sent() != Sent::UntilClose && !unsure
    }

    pub fn resp_headers(&self, i: usize) -> Vec<(String, String)> {
        let mut h = vec![("X-Seq".to_owned(), i.to_string())];
        match self.resp.framing {
            _ if self.resp.code == 204 => {}
            Framing::Unframed => {}
            Framing::Length => h.push(("Content-Length".into(), self.resp.body.len().to_string())),
            Framing::Chunked => h.push(("Transfer-Encoding".into(), "chunked".into())),
        }
        if self.resp.close {
            h.push(("Connection".into(), "close".into()));
        }
        h
    }

    /// The trailers actually sent (only a chunked body carries them).
    pub fn resp_trailers(&self) -> &[(String, String)] {
        match self.sent() {
            Sent::Chunked { .. } => &self.resp.trailers,
            _ => &[],
        }
    }

    /// What the client reads of the response: the interim ones the server sent,
    /// then the final one (with the fields the machine adds, RFC 9112 §9.6, §C.2.2).
    pub fn resp_events(&self, i: usize, interims: &[u16], persist: bool) -> Vec<Ev> {
        let mut v: Vec<Ev> = interims
            .iter()
            .map(|&code| Ev::Response {
                code,
                version: Version::Http11,
                headers: if code == 100 { vec![] } else { pairs(&[LINK]) },
                body: BodyKind::None,
                keep_alive: true,
            })
            .collect();
        let mut headers = self.resp_headers(i);
        if self.sent() == (Sent::Chunked { added: true }) {
            headers.push(("Transfer-Encoding".into(), "chunked".into()));
        }
        if !persist && !self.resp.close {
            headers.push(("Connection".into(), "close".into()));
        }
        if persist && self.req.http10 {
            headers.push(("Connection".into(), "keep-alive".into()));
        }
        let body = match self.sent() {
            Sent::Nothing => BodyKind::None,
            Sent::Length => BodyKind::Length(self.resp.body.len() as u64),
            Sent::Chunked { .. } => BodyKind::Chunked,
            Sent::UntilClose => BodyKind::UntilClose,
        };
        v.push(Ev::Response {
            code: self.resp.code,
            version: Version::Http11,
            headers,
            body,
            keep_alive: persist,
        });
        let data: &[u8] = if self.bodyless() { &[] } else { &self.resp.body };
        body_events(&mut v, data, self.resp_trailers());
        v
    }

    /// One line, for failure messages.
    pub fn describe(&self, i: usize) -> String {
        let r = &self.req;
        let p = &self.resp;
        format!(
            "#{i}: {} {}{}{:?} req {:?}/{}B/{}tr{}{} -> {}x103 {} {:?}/{}B/{}tr{}",
            r.method,
            r.target,
            if r.http10 { " HTTP/1.0 " } else { " " },
            r.conn,
            r.framing,
            r.body.len(),
            r.trailers.len(),
            if r.expect { format!(" expect:{:?}", r.wait) } else { String::new() },
            if r.early { " early" } else { "" },
            p.hints,
            p.code,
            p.framing,
            p.body.len(),
            p.trailers.len(),
            if p.close { " close" } else { "" },
        )
    }
}

impl Script {
    pub fn describe(&self) -> String {
        let mut s = format!(
            "depth {} server_pipeline {} small_buffers {} hangup {} lazy_server {}\n",
            self.depth, self.server_pipeline, self.small_buffers, self.hangup, self.lazy_server
        );
        for (i, x) in self.ex.iter().enumerate() {
            s += &x.describe(i);
            s.push('\n');
        }
        s
    }
}

fn trailers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (prop::sample::select(vec!["X-Check", "Digest", "X-Trace"]), "[a-z0-9]{1,8}")
            .prop_map(|(n, v)| (n.to_owned(), v)),
        0..3,
    )
}

fn framing() -> impl Strategy<Value = Framing> {
    prop_oneof![Just(Framing::Unframed), Just(Framing::Length), Just(Framing::Chunked)]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..24),
        1 => prop::collection::vec(any::<u8>(), 0..300),
    ]
}

fn request() -> impl Strategy<Value = Req> {
    (
        (prop::sample::select(vec!["GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS"]), "[a-z0-9]{0,8}"),
        (
            prop::bool::weighted(0.12),
            prop_oneof![10 => Just(Conn::Default), 5 => Just(Conn::KeepAlive), 1 => Just(Conn::Close)],
        ),
        (framing(), body(), trailers()),
        (
            prop::bool::weighted(0.25),
            prop_oneof![2 => Just(Wait::Continue), 1 => Just(Wait::Timeout), 1 => Just(Wait::Early)],
            prop::bool::weighted(0.2),
        ),
    )
        .prop_map(|((method, path), (http10, conn), (framing, body, trailers), (expect, wait, early))| Req {
            method,
            target: format!("/{path}"),
            http10,
            conn,
            framing,
            body,
            trailers,
            expect,
            wait,
            early,
        })
}

fn response() -> impl Strategy<Value = Resp> {
    (
        0usize..3,
        prop::sample::select(vec![200u16, 201, 204, 304, 404, 500]),
        (framing(), body(), trailers()),
        prop::bool::weighted(0.12),
    )
        .prop_map(|(hints, code, (framing, body, trailers), close)| Resp {
            hints,
            code,
            framing,
            body,
            trailers,
            close,
        })
}

/// Makes a drawn exchange one the machines must accept: no Transfer-Encoding or
/// 1xx with HTTP/1.0 (RFC 9112 §6.1, RFC 9110 §15.2), no expectation without
/// content (RFC 9110 §10.1.1), no framing field on a 204 (§8.6), trailers only
/// on a chunked body.
fn normalize(mut req: Req, mut resp: Resp, pieces: Vec<usize>) -> Exchange {
    if req.http10 {
        if req.framing == Framing::Chunked {
            req.framing = Framing::Length;
        }
        if resp.framing == Framing::Chunked {
            resp.framing = Framing::Length;
        }
        resp.hints = 0;
    }
    if req.framing == Framing::Unframed {
        req.body.clear();
    }
    if req.framing != Framing::Chunked {
        req.trailers.clear();
    }
    req.expect &= req.framing == Framing::Chunked || !req.body.is_empty();
    let mut x = Exchange { req, resp, pieces };
    if x.bodyless() {
        x.resp.trailers.clear();
    }
    if !matches!(x.sent(), Sent::Chunked { .. }) {
        x.resp.trailers.clear();
    }
    x
}

pub fn script() -> impl Strategy<Value = Script> {
    let exchange = (request(), response(), prop::collection::vec(1usize..64, 1..4))
        .prop_map(|(req, resp, pieces)| normalize(req, resp, pieces));
    let cut = prop_oneof![3 => 1usize..=3, 2 => 1usize..=40, 1 => 1usize..=600];
    (
        prop::collection::vec(exchange, 1..12),
        (1usize..=4, 1usize..=4, any::<bool>(), any::<bool>(), prop::bool::weighted(0.3)),
        prop::collection::vec(cut, 1..12),
        prop::collection::vec(any::<u8>(), 1..12),
    )
        .prop_map(
            |(ex, (depth, server_pipeline, small_buffers, hangup, lazy_server), cuts, order)| {
                Script {
                    ex,
                    depth,
                    server_pipeline,
                    small_buffers,
                    hangup,
                    lazy_server,
                    cuts,
                    order,
                }
            },
        )
}
