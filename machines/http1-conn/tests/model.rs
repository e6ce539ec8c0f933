#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The model test (issue #17): random sequences of requests and responses pass
//! from a client machine to a server machine and back through byte streams cut
//! at random places; both sides see exactly the messages sent, and agree on
//! whether, and after which exchange, the connection ends.
//!
//! The script draws methods (HEAD among them), request bodies of every framing
//! (none, Content-Length, chunked with trailers), HTTP/1.0 with and without
//! keep-alive, `Connection: close` on either side, `Expect: 100-continue`
//! answered by a 100, by the client's deadline or by an early final response,
//! 103 interim responses, statuses with and without a body (204, 304), response
//! bodies framed by the server's fields or by the machine (chunked, or until the
//! close for HTTP/1.0), early answers before a request's body, pipelining up to
//! the client's `max_pipeline` against a server reading fewer ahead, small
//! buffers, and a client that hangs up at the end.

mod common;
#[path = "model/drive.rs"]
mod drive;
#[path = "model/script.rs"]
mod script;

use common::Ev;
use drive::Run;
use proptest::prelude::*;
use script::{Script, Wait};
use wirestate_http1_conn::{CloseReason, Closed};

/// `got` is what `want` would read cut short: equal but for the last event,
/// which may be body data the expected data starts with.
fn is_prefix(got: &[Ev], want: &[Ev]) -> bool {
    if got.len() > want.len() {
        return false;
    }
    got.iter().zip(want).enumerate().all(|(k, (g, w))| match (g, w) {
        (Ev::Data(g), Ev::Data(w)) if k + 1 == got.len() => w.starts_with(g),
        _ => g == w,
    })
}

/// The server's log cut into one list per request read, and the `Closed` at
/// its end (nothing may follow it).
fn split_requests(log: &[Ev]) -> (Vec<Vec<Ev>>, Option<Closed>) {
    let mut groups: Vec<Vec<Ev>> = Vec::new();
    let mut closed = None;
    for (k, e) in log.iter().enumerate() {
        match e {
            Ev::Closed(c) => {
                assert_eq!(k + 1, log.len(), "server: events after Closed: {log:?}");
                closed = Some(*c);
            }
            Ev::Request { .. } => groups.push(vec![e.clone()]),
            _ => groups.last_mut().expect("an event before any request").push(e.clone()),
        }
    }
    (groups, closed)
}

fn check(s: &Script, r: &Run<'_>) {
    let n = s.ex.len();
    let sv = &r.sv;
    let cl = &r.cl;
    for (side, log) in [("client", &cl.log), ("server", &sv.log)] {
        assert!(
            !log.iter().any(|e| matches!(e, Ev::Error(_) | Ev::Switched(_))),
            "{side} failed: {log:#?}"
        );
    }
    // Nothing is left anywhere: no octet owed, none refused by a receiver.
    for (what, left) in [
        ("client owes", r.client.transmit_pending().len()),
        ("server owes", r.server.transmit_pending().len()),
        ("left on the way to the server", r.c2s.bytes.len()),
        ("left on the way to the client", r.s2c.bytes.len()),
    ] {
        assert_eq!(left, 0, "{what} {left} octets at the end");
    }
    // The client's deadline ended only waits the server chose not to end.
    let waits = s.ex[..cl.sent].iter().filter(|x| x.req.expects() && x.req.wait == Wait::Timeout);
    assert!(r.timeouts <= waits.count(), "{} waits for 100 ended by the deadline", r.timeouts);
    // Where the connection must end: the first exchange that does not persist.
    let last = sv.persist.iter().position(|p| !p);
    let answered = last.map_or(n, |c| c + 1);
    assert_eq!(sv.answered, answered, "server: responses completed");
    assert_eq!(sv.persist.len(), answered, "server: responses begun");

    // Client: every response to the requests answered, in order, exactly as
    // sent, then the end (with the requests sent after the last one unanswered).
    let mut want: Vec<Ev> = Vec::new();
    for i in 0..answered {
        want.extend(s.ex[i].resp_events(i, &sv.interims[i], sv.persist[i]));
    }
    let client_end = match last {
        Some(c) => Some(Closed { reason: CloseReason::NotPersistent, unanswered: cl.sent - c - 1 }),
        None if s.hangup => Some(Closed { reason: CloseReason::Local, unanswered: 0 }),
        None => None,
    };
    want.extend(client_end.map(Ev::Closed));
    if cl.log != want {
        let at = cl
            .log
            .iter()
            .zip(&want)
            .position(|(a, b)| a != b)
            .unwrap_or(want.len().min(cl.log.len()));
        panic!(
            "client: events differ at #{at}\n got: {:#?}\nwant: {:#?}",
            cl.log.get(at..).unwrap_or_default(),
            want.get(at..).unwrap_or_default()
        );
    }
    assert_eq!(r.client.is_closed(), client_end.is_some(), "client: is_closed");

    // The client sent every request up to the last answered one, and stopped
    // only because the connection was ending.
    assert!(cl.sent >= answered, "client sent {} of {answered} answered", cl.sent);
    match (cl.stopped, last) {
        (None, _) => assert_eq!(cl.sent, n, "client: requests left unsent"),
        (Some((k, body)), Some(c)) => {
            assert!(
                k >= c && (body || k > c),
                "client: refused at #{k} (body {body}), close after #{c}"
            )
        }
        (Some(k), None) => panic!("client: refused at {k:?} on a persistent connection"),
    }

    // Server: every request up to the last answered one in full (unless it was
    // answered before its body and closed the connection: then as far as it
    // read), then any it read ahead, cut anywhere, unanswered.
    let (groups, closed) = split_requests(&sv.log);
    assert!(groups.len() >= answered, "server read {} requests, answered {answered}", groups.len());
    for (i, got) in groups.iter().enumerate() {
        let want = s.ex[i].req.events(i);
        let partial = i >= answered || (Some(i) == last && sv.early_final[i]);
        let ok = if partial { is_prefix(got, &want) } else { got == &want };
        assert!(
            ok,
            "server: request #{i} (partial allowed: {partial})\n got: {got:#?}\nwant: {want:#?}"
        );
    }
    let extra = groups.len() - answered;
    let server_end = match last {
        Some(_) => Some(Closed { reason: CloseReason::NotPersistent, unanswered: extra }),
        None if s.hangup => Some(Closed { reason: CloseReason::PeerClosed, unanswered: 0 }),
        None => None,
    };
    assert_eq!(closed, server_end, "server: the end");
    assert_eq!(r.server.is_closed(), server_end.is_some(), "server: is_closed");
    if server_end.is_none() {
        assert_eq!(extra, 0);
        assert!(r.server.is_idle() && r.client.is_idle(), "both idle at the end");
    }
}

fn run(s: &Script) {
    let mut r = Run::new(s);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        r.run();
        check(s, &r);
    }));
    if let Err(e) = outcome {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        panic!("{msg}\nscript:\n{}", s.describe());
    }
}

/// A response its caller marks `Connection: close` ends the connection on both
/// sides (RFC 9112 §9.6: a server that sends close "MUST initiate closing of the
/// connection after it sends the response containing close").
#[test]
fn user_close_ends_the_server_side_too() {
    use wirestate_http1_conn::{Config, Connection, RequestHead, ResponseHead};
    let now = wirestate_wire::Instant::ZERO;
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    for target in ["/a", "/b"] {
        client.send_request(now, &RequestHead::get(target, &[("Host", "h")])).unwrap();
        client.send_end(now, &[]).unwrap();
    }
    server.handle_input(now, &client.take_transmit()).unwrap();
    while server.poll_event().is_some() {}
    let head = ResponseHead::new(200, "OK", &[("Content-Length", "0"), ("Connection", "close")]);
    server.send_response(now, &head).unwrap();
    server.send_end(now, &[]).unwrap();
    client.handle_input(now, &server.take_transmit()).unwrap();
    while client.poll_event().is_some() {}
    assert!(client.is_closed(), "the client ends the connection after the close");
    assert!(server.is_closed(), "so must the server: it sent the close");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
    #[test]
    fn both_sides_see_the_messages_sent_and_agree_on_the_end(s in script::script()) {
        run(&s);
    }
}
