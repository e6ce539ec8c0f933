#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use wirestate_tcp::Flags;

use super::{Config, Endpoint, Reassembled, Reassembler, Segment};

fn client() -> Endpoint {
    ("192.0.2.1".parse().unwrap(), 40000)
}

fn server(port: u16) -> Endpoint {
    ("192.0.2.2".parse().unwrap(), port)
}

/// A DNS query for `a.test` with `id`, behind its two-octet length.
fn dns_query(id: u16) -> Vec<u8> {
    let mut m = id.to_be_bytes().to_vec();
    m.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    m.extend_from_slice(b"\x01a\x04test\x00\x00\x01\x00\x01");
    let mut out = (m.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(&m);
    out
}

/// Drives one connection: `src` sends to `dst` at `seq` (absolute).
struct Conn {
    r: Reassembler,
    frame: u64,
}

impl Conn {
    fn new() -> Self {
        Self::with(Config::default())
    }

    fn with(config: Config) -> Self {
        Conn { r: Reassembler::new(config), frame: 0 }
    }

    fn send(
        &mut self,
        src: Endpoint,
        dst: Endpoint,
        seq: u32,
        flags: Flags,
        payload: &[u8],
    ) -> Reassembled {
        self.send_ack(src, dst, seq, 0, flags, payload)
    }

    fn send_ack(
        &mut self,
        src: Endpoint,
        dst: Endpoint,
        seq: u32,
        ack: u32,
        flags: Flags,
        payload: &[u8],
    ) -> Reassembled {
        self.frame += 1;
        let seg = Segment { src, dst, seq, ack, flags, payload, wire_len: payload.len() };
        let out = self.r.segment(self.frame, &seg).expect("port 53 or 80");
        assert!(self.r.buffered_bytes() <= self.r.config.max_total_bytes);
        assert!(self.r.max_flow_buffered() <= self.r.config.max_flow_bytes);
        out
    }

    /// Opens a connection to port 53 whose first octet is at `seq`: the reader
    /// starts at a message boundary.
    fn syn(&mut self, src: Endpoint, seq: u32) {
        self.send(src, server(53), seq.wrapping_sub(1), Flags::SYN, b"");
    }

    /// A query to port 53.
    fn dns(&mut self, seq: u32, payload: &[u8]) -> Reassembled {
        self.send(client(), server(53), seq, Flags::ACK, payload)
    }
}

fn protos(r: &Reassembled) -> Vec<String> {
    r.layers.iter().map(|l| l.get("proto").unwrap().as_str().unwrap().to_string()).collect()
}

fn field(r: &Reassembled, i: usize, key: &str) -> Value {
    r.layers[i].get(key).cloned().map_or(Value::Null, Value::from)
}

#[test]
fn a_dns_message_in_three_segments_decodes_on_the_third() {
    let q = dns_query(7);
    let mut c = Conn::new();
    c.syn(client(), 100);
    let a = c.dns(100, &q[..1]);
    let b = c.dns(101, &q[1..10]);
    let d = c.dns(110, &q[10..]);
    assert!(a.layers.is_empty() && a.payload_len == 1);
    assert!(b.layers.is_empty() && b.payload_len == 9);
    assert_eq!(protos(&d), ["dns"]);
    assert_eq!(field(&d, 0, "id"), 7);
    assert_eq!(field(&d, 0, "tcp_len"), q.len() - 2);
    let re = field(&d, 0, "reassembled");
    assert_eq!((re["segments"].as_u64(), re["first_frame"].as_u64()), (Some(3), Some(2)));
    assert_eq!(re["len"].as_u64(), Some(q.len() as u64));
    assert_eq!(d.payload_len, 0);
    assert!(d.error.is_none());
}

#[test]
fn a_message_in_one_segment_has_no_reassembled_field() {
    let mut c = Conn::new();
    let r = c.dns(1, &dns_query(1));
    assert_eq!(protos(&r), ["dns"]);
    assert!(r.layers[0].get("reassembled").is_none());
}

#[test]
fn two_messages_and_the_start_of_a_third_in_one_segment() {
    let mut bytes = dns_query(1);
    bytes.extend(dns_query(2));
    let third = dns_query(3);
    bytes.extend_from_slice(&third[..5]);
    let mut c = Conn::new();
    let r = c.dns(1, &bytes);
    assert_eq!(protos(&r), ["dns", "dns"]);
    assert_eq!((field(&r, 0, "id"), field(&r, 1, "id")), (Value::from(1), Value::from(2)));
    assert_eq!(r.payload_len, 5, "the third message's start is left as payload");
    let r = c.dns(1 + bytes.len() as u32, &third[5..]);
    assert_eq!(field(&r, 0, "id"), 3);
    assert_eq!(field(&r, 0, "reassembled")["segments"], 2);
}

#[test]
fn an_out_of_order_segment_waits_and_the_filler_completes_the_message() {
    let q = dns_query(9);
    let mut c = Conn::new();
    c.syn(client(), 0);
    c.dns(0, &q[..4]);
    let late = c.dns(12, &q[12..]);
    assert!(late.layers.is_empty() && late.payload_len == q.len() - 12);
    let fill = c.dns(4, &q[4..12]);
    assert_eq!(protos(&fill), ["dns"]);
    assert_eq!(field(&fill, 0, "reassembled")["segments"], 3);
    // The message ends in held octets after this segment: none of it is payload.
    assert_eq!(fill.payload_len, 0);
    assert_eq!(c.r.buffered_bytes(), 0);
}

#[test]
fn a_retransmission_is_dropped_and_the_first_copy_wins() {
    let q = dns_query(5);
    let mut c = Conn::new();
    c.dns(0, &q[..10]);
    // The same octets again, but different: ignored.
    let mut forged = q[..10].to_vec();
    forged[2] ^= 0xff; // the id's first octet
    let dup = c.dns(0, &forged);
    assert!(dup.layers.is_empty() && dup.payload_len == 10);
    let end = c.dns(10, &q[10..]);
    assert_eq!(field(&end, 0, "id"), 5);
    // A retransmission of the last segment after the message: nothing new.
    let again = c.dns(10, &q[10..]);
    assert!(again.layers.is_empty() && again.error.is_none());
}

#[test]
fn an_overlapping_segment_adds_only_its_new_octets() {
    let q = dns_query(0x0102);
    let mut c = Conn::new();
    c.dns(0, &q[..8]);
    // Octets 4..end, with 4..8 altered: those were had, the rest is new.
    let mut overlap = q[4..].to_vec();
    overlap[0] ^= 0xff;
    let r = c.dns(4, &overlap);
    assert_eq!(field(&r, 0, "id"), 0x0102);
    assert!(r.error.is_none());
}

#[test]
fn overlapping_out_of_order_segments_keep_the_first_copy() {
    let q = dns_query(0x0304);
    let mut c = Conn::new();
    c.syn(client(), 0);
    c.dns(0, &q[..2]);
    c.dns(10, &q[10..20]);
    let mut second = q[6..16].to_vec(); // 6..16 overlaps the held 10..20
    second[5] ^= 0xff; // offset 11: held already, so this copy loses
    c.dns(6, &second);
    c.dns(20, &q[20..]);
    let r = c.dns(2, &q[2..6]);
    assert_eq!(field(&r, 0, "id"), 0x0304);
    assert!(r.layers.len() == 1 && r.error.is_none());
    assert_eq!(field(&r, 0, "reassembled")["segments"], 5);
    assert_eq!(c.r.buffered_bytes(), 0);
}

#[test]
fn a_message_across_sequence_number_wraparound() {
    let q = dns_query(0x0a0b);
    let mut c = Conn::new();
    let isn = u32::MAX - 5;
    c.send(client(), server(53), isn, Flags::SYN, b"");
    // Data starts at isn + 1 = u32::MAX - 4 and crosses 2^32 in the first segment.
    c.dns(isn.wrapping_add(1), &q[..10]);
    // Out of order across the wrap, then the filler.
    c.dns(isn.wrapping_add(21), &q[20..]);
    let r = c.dns(isn.wrapping_add(11), &q[10..20]);
    assert_eq!(field(&r, 0, "id"), 0x0a0b);
    assert!(r.error.is_none());
}

#[test]
fn data_after_a_syn_starts_a_message_after_the_syns_sequence_number() {
    let q = dns_query(3);
    let mut c = Conn::new();
    c.send(client(), server(53), 999, Flags::SYN, b"");
    let r = c.dns(1000, &q);
    assert_eq!(field(&r, 0, "id"), 3);
}

#[test]
fn octets_the_peer_acknowledged_but_the_capture_missed_are_a_gap() {
    let (q1, q2) = (dns_query(1), dns_query(2));
    let mut c = Conn::new();
    c.dns(0, &q1[..10]); // q1[10..] is never captured
    let held = c.dns(q1.len() as u32, &q2);
    assert!(held.layers.is_empty(), "held behind the hole");
    // The server acknowledges everything: the hole will not be filled.
    let ack = q1.len() as u32 + q2.len() as u32;
    let r = c.send_ack(server(53), client(), 0, ack, Flags::ACK, b"");
    let e = r.error.clone().expect("a gap");
    assert_eq!((e["layer"].as_str(), e["field"].as_str()), (Some("tcp"), Some("seq")));
    assert_eq!(e["missing"]["seq"], 10);
    assert_eq!(e["missing"]["len"], q1.len() - 10);
    assert!(e["message"].as_str().unwrap().contains("192.0.2.1:40000 to 192.0.2.2:53"));
    // q2 started a segment: it decodes after the gap; q1 is dropped, not guessed at.
    assert_eq!(protos(&r), ["dns"]);
    assert_eq!(field(&r, 0, "id"), 2);
    assert_eq!(c.r.buffered_bytes(), 0);
}

#[test]
fn after_a_gap_a_segment_that_does_not_start_like_a_message_is_skipped() {
    let (q1, q2) = (dns_query(1), dns_query(2));
    let mut c = Conn::new();
    c.syn(client(), 0);
    c.dns(0, &q1[..4]); // q1[4..10] is lost
    c.dns(10, &q1[10..]); // the rest of q1 starts a segment
    c.dns(q1.len() as u32, &q2);
    let r = c.send_ack(server(53), client(), 0, q1.len() as u32 + q2.len() as u32, Flags::ACK, b"");
    assert_eq!(r.error.as_ref().unwrap()["missing"]["len"], 6);
    // q1's tail is not read as a message; q2 is.
    assert_eq!(protos(&r), ["dns"]);
    assert_eq!(field(&r, 0, "id"), 2);
}

#[test]
fn a_gap_with_nothing_after_it_resumes_at_the_next_segment_start() {
    let (q1, q2) = (dns_query(1), dns_query(2));
    let mut c = Conn::new();
    c.dns(0, &q1[..10]);
    let r = c.send_ack(server(53), client(), 0, q1.len() as u32, Flags::ACK, b"");
    assert!(r.error.is_some() && r.layers.is_empty());
    let r = c.dns(q1.len() as u32, &q2);
    assert_eq!(field(&r, 0, "id"), 2);
}

#[test]
fn out_of_order_octets_past_the_flow_bound_give_up_the_hole() {
    let config = Config { max_flows: 8, max_flow_bytes: 100, max_total_bytes: 1000 };
    let mut c = Conn::with(config);
    c.syn(client(), 0);
    c.dns(0, &[0]); // one octet, then a hole at 1..40
    let first = c.dns(40, &[0u8; 60]);
    assert!(first.error.is_none(), "60 octets held fit the bound");
    let r = c.dns(100, &[0u8; 40]);
    let e = r.error.expect("past the bound: a gap");
    assert_eq!(e["missing"]["seq"], 1);
    assert_eq!(e["missing"]["len"], 39);
    assert!(c.r.max_flow_buffered() <= 100);
}

#[test]
fn a_message_over_the_flow_bound_is_dropped_with_an_error() {
    let config = Config { max_flows: 8, max_flow_bytes: 16, max_total_bytes: 1000 };
    let mut c = Conn::with(config);
    let q = dns_query(4);
    let r = c.dns(0, &q[..q.len() - 1]);
    let e = r.error.expect("over the bound");
    assert_eq!(e["field"], "reassembly");
    assert_eq!(c.r.buffered_bytes(), 0);
}

#[test]
fn the_least_recently_used_flow_goes_first_past_max_flows() {
    let config = Config { max_flows: 2, ..Config::default() };
    let mut c = Conn::with(config);
    let q = dns_query(1);
    let port = |p: u16| ("192.0.2.1".parse().unwrap(), p);
    c.syn(port(1), 0);
    c.send(port(1), server(53), 0, Flags::ACK, &q[..3]);
    c.syn(port(2), 0);
    c.send(port(2), server(53), 0, Flags::ACK, &q[..3]);
    c.send(port(1), server(53), 3, Flags::ACK, &q[3..5]); // flow 1 used last
    c.syn(port(3), 0);
    assert_eq!(c.r.flows(), 2);
    let one = c.send(port(1), server(53), 5, Flags::ACK, &q[5..]);
    assert_eq!(protos(&one), ["dns"], "flow 1 was kept");
    // Flow 2 was forgotten with part of a message under way: its next segment
    // says so, and starts a new flow mid-message, which is not taken for a message.
    let two = c.send(port(2), server(53), 3, Flags::ACK, &q[3..]);
    assert!(two.layers.is_empty());
    let e = two.error.unwrap();
    assert_eq!(e["field"], "reassembly");
    assert!(e["message"].as_str().unwrap().contains("forgotten"), "{e}");
    assert!(e["message"].as_str().unwrap().contains("messages under way are lost"), "{e}");
    // Said once.
    let again = c.send(port(2), server(53), 3 + q[3..].len() as u32, Flags::ACK, b"");
    assert!(again.error.is_none());
    // Flow 3 held nothing when it went: nothing to say.
    c.syn(port(4), 0);
    c.syn(port(5), 0);
    let three = c.send(port(3), server(53), 0, Flags::ACK, &q);
    assert!(three.error.is_none(), "{:?}", three.error);
}

#[test]
fn the_total_bound_forgets_old_flows() {
    let config = Config { max_flows: 100, max_flow_bytes: 50, max_total_bytes: 120 };
    let mut c = Conn::with(config);
    for p in 1..=10u16 {
        let src = ("192.0.2.1".parse().unwrap(), p);
        c.send(src, server(53), 0, Flags::ACK, &[0]);
        c.send(src, server(53), 10, Flags::ACK, &[0u8; 40]); // 40 held
    }
    assert!(c.r.buffered_bytes() <= 120);
    assert!(c.r.flows() <= 3 && c.r.flows() >= 2, "{}", c.r.flows());
}

#[test]
fn a_reset_with_octets_held_reports_the_gap_and_ends_the_flow() {
    let mut c = Conn::new();
    c.dns(0, &[0, 30]);
    c.dns(10, &[1, 2, 3]);
    let r = c.send(client(), server(53), 13, Flags::RST, b"");
    assert_eq!(r.error.unwrap()["missing"]["len"], 8);
    assert_eq!((c.r.flows(), c.r.buffered_bytes()), (0, 0));
}

#[test]
fn fins_in_both_directions_end_the_flow() {
    let mut c = Conn::new();
    let q = dns_query(1);
    c.send(client(), server(53), 0, Flags::SYN, b"");
    c.send(server(53), client(), 50, Flags::SYN | Flags::ACK, b"");
    c.dns(1, &q);
    c.send(client(), server(53), 1 + q.len() as u32, Flags::FIN | Flags::ACK, b"");
    assert_eq!(c.r.flows(), 1);
    c.send(server(53), client(), 51, Flags::FIN | Flags::ACK, b"");
    assert_eq!(c.r.flows(), 0);
}

#[test]
fn a_segment_cut_by_the_snap_length_leaves_a_gap() {
    let mut c = Conn::new();
    let q = dns_query(1);
    c.frame += 1;
    let seg = Segment {
        src: client(),
        dst: server(53),
        seq: 0,
        ack: 0,
        flags: Flags::ACK,
        payload: &q[..10],
        wire_len: q.len(),
    };
    let r = c.r.segment(c.frame, &seg).unwrap();
    assert_eq!(r.error.unwrap()["missing"]["len"], q.len() - 10);
    let next = c.dns(q.len() as u32, &dns_query(2));
    assert_eq!(field(&next, 0, "id"), 2);
}

#[test]
fn other_ports_are_not_reassembled() {
    let mut r = Reassembler::new(Config::default());
    let seg = Segment {
        src: client(),
        dst: server(443),
        seq: 0,
        ack: 0,
        flags: Flags::ACK,
        payload: b"x",
        wire_len: 1,
    };
    assert!(r.segment(1, &seg).is_none());
}

// HTTP

fn http(c: &mut Conn, to_server: bool, seq: u32, bytes: &[u8]) -> Reassembled {
    let (s, d) = if to_server { (client(), server(80)) } else { (server(80), client()) };
    c.send(s, d, seq, Flags::ACK, bytes)
}

#[test]
fn an_http_response_over_several_segments_decodes_on_the_last() {
    let body = "x".repeat(1000);
    let res = format!("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nServer: t\r\n\r\n{body}");
    let res = res.as_bytes();
    let mut c = Conn::new();
    let req = http(&mut c, true, 0, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(field(&req, 0, "method"), "GET");
    assert_eq!(field(&req, 0, "body_len"), 0);
    let mut at = 0;
    let mut last = None;
    for piece in res.chunks(300) {
        let r = http(&mut c, false, at, piece);
        at += piece.len() as u32;
        last = Some(r);
    }
    let r = last.unwrap();
    assert_eq!(protos(&r), ["http"]);
    assert_eq!(field(&r, 0, "status"), 200);
    assert_eq!(field(&r, 0, "body_len"), 1000);
    assert_eq!(field(&r, 0, "framing"), "content-length");
    assert_eq!(field(&r, 0, "reassembled")["segments"], 4);
    assert_eq!(field(&r, 0, "reassembled")["len"], res.len());
    assert_eq!(field(&r, 0, "headers")[1][0], "Server");
}

#[test]
fn a_head_split_inside_a_line_and_a_chunked_body_split_inside_a_size_line() {
    let res = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n";
    let mut c = Conn::new();
    http(&mut c, true, 0, b"GET / HTTP/1.1\r\n\r\n");
    let cuts = [10, 50, 63, 70, res.len()];
    let mut from = 0;
    let mut out = Vec::new();
    for to in cuts {
        out.push(http(&mut c, false, from as u32, &res[from..to]));
        from = to;
    }
    assert!(out[..4].iter().all(|r| r.layers.is_empty()));
    let r = &out[4];
    assert_eq!(field(r, 0, "framing"), "chunked");
    assert_eq!(field(r, 0, "body_len"), 21);
    assert_eq!(field(r, 0, "reassembled")["len"], res.len());
}

#[test]
fn the_response_to_head_has_no_body_and_the_next_response_is_framed_right() {
    let mut c = Conn::new();
    http(&mut c, true, 0, b"HEAD / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    let two = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    let r = http(&mut c, false, 0, two);
    assert_eq!(protos(&r), ["http", "http"]);
    assert_eq!(
        (field(&r, 0, "body_len"), field(&r, 1, "body_len")),
        (Value::from(0), Value::from(5))
    );
    assert_eq!(field(&r, 0, "framing"), "none");
}

#[test]
fn an_interim_response_does_not_answer_the_request() {
    let mut c = Conn::new();
    http(&mut c, true, 0, b"HEAD / HTTP/1.1\r\n\r\n");
    let r = http(
        &mut c,
        false,
        0,
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n",
    );
    assert_eq!(protos(&r), ["http", "http"]);
    assert_eq!(field(&r, 1, "body_len"), 0, "still the answer to HEAD");
}

#[test]
fn pipelined_requests_in_one_segment_give_one_layer_each() {
    let mut c = Conn::new();
    let r = http(&mut c, true, 0, b"GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\n");
    let targets: Vec<_> = r.layers.iter().map(|l| l.get("target").unwrap().as_str()).collect();
    assert_eq!(targets, [Some("/a"), Some("/b")]);
    assert_eq!(r.payload_len, "GET /c HTTP/1.1\r\n".len());
}

#[test]
fn a_body_until_close_ends_with_the_fin() {
    let mut c = Conn::new();
    http(&mut c, true, 0, b"GET / HTTP/1.1\r\n\r\n");
    let head = b"HTTP/1.0 200 OK\r\n\r\nsome";
    assert!(http(&mut c, false, 0, head).layers.is_empty());
    let more = http(&mut c, false, head.len() as u32, b" more");
    assert!(more.layers.is_empty());
    let fin = c.send(server(80), client(), head.len() as u32 + 5, Flags::FIN | Flags::ACK, b"");
    assert_eq!(field(&fin, 0, "framing"), "until-close");
    assert_eq!(field(&fin, 0, "body_len"), 9);
}

#[test]
fn a_capture_that_starts_mid_body_waits_for_a_head() {
    let mut c = Conn::new();
    let r = http(&mut c, false, 500, b"body octets from before the capture");
    assert!(r.layers.is_empty() && r.error.is_none());
    let r = http(&mut c, false, 535, b"HTTP/1.1 204 No Content\r\n\r\n");
    assert_eq!(field(&r, 0, "status"), 204);
}

#[test]
fn a_malformed_head_is_an_error_and_the_reader_waits_for_the_next_head() {
    let mut c = Conn::new();
    let r = http(&mut c, true, 0, b"GET / HTTP/1.1\r\nBad Header\r\n\r\n");
    assert_eq!(r.error.unwrap()["layer"], "http");
    let r = http(&mut c, true, 30, b"GET /ok HTTP/1.1\r\n\r\n");
    assert_eq!(field(&r, 0, "target"), "/ok");
}

#[test]
fn a_chunked_response_one_octet_per_segment_decodes_as_when_whole() {
    let res = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nExpires: never\r\n\r\n";
    let mut whole = Conn::new();
    http(&mut whole, true, 0, b"GET / HTTP/1.1\r\n\r\n");
    let expected = http(&mut whole, false, 0, res);
    let mut c = Conn::new();
    // Opened with a SYN: the readers start at a message boundary (a capture that
    // starts mid-stream waits for a segment that starts like a head).
    c.send(client(), server(80), u32::MAX, Flags::SYN, b"");
    http(&mut c, true, 0, b"GET / HTTP/1.1\r\n\r\n");
    let mut last = None;
    for (i, b) in res.iter().enumerate() {
        let r = http(&mut c, false, i as u32, std::slice::from_ref(b));
        assert!(r.error.is_none());
        if i + 1 < res.len() {
            assert!(r.layers.is_empty(), "complete early at {i}");
        }
        last = Some(r);
    }
    let r = last.unwrap();
    assert_eq!(field(&r, 0, "body_len"), 5);
    assert_eq!(field(&r, 0, "reassembled")["segments"], res.len());
    let strip = |l: &super::Obj| {
        let mut v = serde_json::Value::from(l.clone());
        v.as_object_mut().unwrap().remove("reassembled");
        v
    };
    assert_eq!(strip(&r.layers[0]), strip(&expected.layers[0]));
}

#[test]
fn a_dns_message_one_octet_per_segment() {
    let q = dns_query(0x4242);
    let mut c = Conn::new();
    c.syn(client(), 0);
    let outs: Vec<_> =
        q.iter().enumerate().map(|(i, b)| c.dns(i as u32, std::slice::from_ref(b))).collect();
    assert!(outs[..q.len() - 1].iter().all(|r| r.layers.is_empty()));
    assert_eq!(field(&outs[q.len() - 1], 0, "id"), 0x4242);
}
