//! The text view's application-layer forms: each DNS, DHCP and HTTP line, and the
//! error case, from messages built here and from spec-vector frames.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::net::{Ipv4Addr, Ipv6Addr};

use wirestate_dhcp as dhcp;
use wirestate_dns as dns;
use wirestate_packet::{LinkType, Sliced};

use super::{app, dhcp as dhcp_text, http, summary, unhex};

fn line_of(write: impl FnOnce(&mut String) -> Result<bool, wirestate_wire::Error>) -> String {
    let mut line = String::new();
    assert!(write(&mut line).unwrap(), "nothing written");
    line
}

fn dns_message(
    header: dns::Header,
    question: (&str, dns::Type, dns::Class),
    records: &[(dns::Section, &str, dns::RData<'_>)],
    edns: bool,
) -> Vec<u8> {
    let mut buf = vec![0u8; 512];
    let mut b = dns::Builder::new(&mut buf, &header).unwrap();
    let qname = dns::NameBuf::parse_str(question.0).unwrap();
    assert!(b.question(&qname.as_name(), question.1, question.2).unwrap());
    for (section, owner, rdata) in records {
        let owner = dns::NameBuf::parse_str(owner).unwrap();
        assert!(b.push(*section, &owner.as_name(), dns::Class::IN, 300, rdata).unwrap());
    }
    if edns {
        assert!(b.edns(1232, 0, 0, false, &[]).unwrap());
    }
    let len = b.finish();
    buf.truncate(len);
    buf
}

fn dns_line(bytes: &[u8]) -> String {
    line_of(|l| app::dns_line(l, bytes, false))
}

#[test]
fn dns_query_shows_flags_counts_and_the_question() {
    let h = dns::Header { id: 12345, rd: true, ..Default::default() };
    let q = dns_message(h, ("www.example.test.", dns::Type::A, dns::Class::IN), &[], false);
    assert_eq!(dns_line(&q), "12345+ A? www.example.test. (34)");

    // No RD, CD set, an OPT record, a class other than IN.
    let h = dns::Header { id: 7, cd: true, ..Default::default() };
    let q = dns_message(h, ("version.bind.", dns::Type::TXT, dns::Class::CH), &[], true);
    assert_eq!(dns_line(&q), format!("7% [1au] TXT CH? version.bind. ({})", q.len()));

    // An opcode other than QUERY is named.
    let h = dns::Header { id: 9, opcode: dns::Opcode::NOTIFY, aa: true, ..Default::default() };
    let q = dns_message(h, ("example.test.", dns::Type::SOA, dns::Class::IN), &[], false);
    assert_eq!(dns_line(&q), format!("9 NOTIFY SOA? example.test. ({})", q.len()));
}

#[test]
fn dns_response_lists_every_answer() {
    let h = dns::Header { id: 12345, qr: true, rd: true, ra: true, ..Default::default() };
    let cname = dns::NameBuf::parse_str("web.example.test.").unwrap();
    let records = [
        (dns::Section::Answer, "www.example.test.", dns::RData::Cname(cname.as_name())),
        (dns::Section::Answer, "web.example.test.", dns::RData::A(Ipv4Addr::new(192, 0, 2, 80))),
        (dns::Section::Answer, "web.example.test.", dns::RData::A(Ipv4Addr::new(192, 0, 2, 81))),
    ];
    let r = dns_message(h, ("www.example.test.", dns::Type::A, dns::Class::IN), &records, true);
    assert_eq!(
        dns_line(&r),
        format!("12345 3/0/1 CNAME web.example.test., A 192.0.2.80, A 192.0.2.81 ({})", r.len())
    );
}

#[test]
fn dns_nxdomain_and_the_header_flags_of_a_response() {
    let (mname, rname) = (
        dns::NameBuf::parse_str("ns.example.test.").unwrap(),
        dns::NameBuf::parse_str("admin.example.test.").unwrap(),
    );
    let soa = dns::RData::Soa {
        mname: mname.as_name(),
        rname: rname.as_name(),
        serial: 1,
        refresh: 2,
        retry: 3,
        expire: 4,
        minimum: 5,
    };
    // Authoritative, no recursion available: `*` and `-`.
    let h = dns::Header { id: 7, qr: true, aa: true, rcode: 3, ..Default::default() };
    let records = [(dns::Section::Authority, "example.test.", soa)];
    let r =
        dns_message(h, ("nothere.example.test.", dns::Type::A, dns::Class::IN), &records, false);
    assert_eq!(dns_line(&r), format!("7 NXDOMAIN*- 0/1/0 ({})", r.len()));

    // TC and AD; SERVFAIL.
    let h = dns::Header {
        id: 8,
        qr: true,
        ra: true,
        tc: true,
        ad: true,
        rcode: 2,
        ..Default::default()
    };
    let r = dns_message(h, ("example.test.", dns::Type::A, dns::Class::IN), &[], false);
    assert_eq!(dns_line(&r), format!("8 SERVFAIL|$ 0/0/0 ({})", r.len()));
}

#[test]
fn dns_from_real_traffic_reads_as_tcpdump_shows_it() {
    // tcpdump -nn on packets 31 and 32 of real-traffic.pcap:
    //   54912+ [1au] A? www.example.test. (57)
    //   54912* 1/0/1 A 10.99.0.1 (61)
    let line = |name: &str| {
        let frame = vector_hex(&format!("frames/{name}.json"));
        summary(&Sliced::new(LinkType::Ethernet, &frame))
    };
    assert_eq!(
        line("dns-query-udp"),
        "IP 10.99.0.146.38864 > 10.99.0.1.53: 54912+ [1au] A? www.example.test. (57)"
    );
    assert_eq!(
        line("dns-response-udp"),
        "IP 10.99.0.1.53 > 10.99.0.146.38864: 54912* 1/0/1 A 10.99.0.1 (61)"
    );
    // Over TCP, after the two-byte length and a space; the frame alone prints its
    // numbers whole (a capture's lines take them relative to the connection).
    let tcp = line("dns-over-tcp-query");
    assert!(tcp.ends_with("length 55 29864+ [1au] TXT? example.test. (53)"), "{tcp}");
    assert!(tcp.contains(": Flags [P.], seq "), "{tcp}");
}

const MAC: [u8; 6] = [2, 0, 0, 0, 0, 2];
const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 5);
const SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

fn dhcp_line(build: impl FnOnce(&mut [u8]) -> usize) -> String {
    let mut buf = [0u8; 576];
    let len = build(&mut buf);
    line_of(|l| dhcp_text::dhcp_line(l, &buf[..len]))
}

#[test]
fn dhcp_each_message_type() {
    let xid = 0x7c25_457c;
    assert_eq!(
        dhcp_line(|b| dhcp::Builder::discover(b, xid, &MAC).unwrap().finish().unwrap()),
        "DHCP DISCOVER xid 0x7c25457c from 02:00:00:00:00:02"
    );
    assert_eq!(
        dhcp_line(|b| dhcp::Builder::offer(b, xid, &MAC, CLIENT, SERVER, 3600)
            .unwrap()
            .finish()
            .unwrap()),
        "DHCP OFFER 10.0.0.5 xid 0x7c25457c server 10.0.0.1 lease 3600s"
    );
    assert_eq!(
        dhcp_line(|b| {
            let mut r = dhcp::Builder::request(b, xid, &MAC).unwrap();
            r.ipv4(50, CLIENT).unwrap().ipv4(54, SERVER).unwrap();
            r.finish().unwrap()
        }),
        "DHCP REQUEST 10.0.0.5 xid 0x7c25457c from 02:00:00:00:00:02 server 10.0.0.1"
    );
    assert_eq!(
        dhcp_line(|b| dhcp::Builder::decline(b, xid, &MAC, CLIENT, SERVER)
            .unwrap()
            .finish()
            .unwrap()),
        "DHCP DECLINE 10.0.0.5 xid 0x7c25457c from 02:00:00:00:00:02 server 10.0.0.1"
    );
    assert_eq!(
        dhcp_line(|b| dhcp::Builder::ack(b, xid, &MAC, CLIENT, SERVER, u32::MAX)
            .unwrap()
            .finish()
            .unwrap()),
        "DHCP ACK 10.0.0.5 xid 0x7c25457c server 10.0.0.1 lease infinite"
    );
    assert_eq!(
        dhcp_line(|b| {
            let mut n = dhcp::Builder::nak(b, xid, &MAC, SERVER).unwrap();
            n.option(56, b"wrong \"network\"").unwrap();
            n.finish().unwrap()
        }),
        r#"DHCP NAK xid 0x7c25457c server 10.0.0.1 "wrong \"network\"""#
    );
    assert_eq!(
        dhcp_line(|b| dhcp::Builder::release(b, xid, &MAC, CLIENT, SERVER)
            .unwrap()
            .finish()
            .unwrap()),
        "DHCP RELEASE 10.0.0.5 xid 0x7c25457c from 02:00:00:00:00:02 server 10.0.0.1"
    );
    assert_eq!(
        dhcp_line(|b| dhcp::Builder::inform(b, xid, &MAC, CLIENT).unwrap().finish().unwrap()),
        "DHCP INFORM 10.0.0.5 xid 0x7c25457c from 02:00:00:00:00:02"
    );
    assert_eq!(
        dhcp_line(|b| dhcp::Builder::new(b, dhcp::MessageType::Unknown(13), 1, &MAC)
            .unwrap()
            .finish()
            .unwrap()),
        "DHCP type 13 xid 0x00000001 from 02:00:00:00:00:02"
    );
}

#[test]
fn bootp_without_the_cookie_says_request_or_reply() {
    let reply = vector_hex("dhcp/bootp-reply-vendor-area.json");
    let line = line_of(|l| dhcp_text::dhcp_line(l, &reply));
    assert_eq!(line, "BOOTP reply 192.0.2.10 xid 0x0badcafe");
    let request = vector_hex("dhcp/bootp-bad-cookie.json");
    let line = line_of(|l| dhcp_text::dhcp_line(l, &request));
    assert_eq!(line, "BOOTP request xid 0x01020304 from 02:00:00:00:00:01");
}

#[test]
fn http_request_and_status_lines() {
    let req = b"GET /index.html HTTP/1.1\r\nHost: example.test\r\n\r\n";
    assert_eq!(line_of(|l| http::head_line(l, req)), "GET /index.html HTTP/1.1");
    let res = b"HTTP/1.0 404 Not \xffound\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(line_of(|l| http::head_line(l, res)), r"HTTP/1.0 404 Not \xffound");
    // A head that continues in a later segment writes nothing.
    let mut line = String::new();
    assert!(!http::head_line(&mut line, b"GET / HTTP/1.1\r\nHost: exa").unwrap());
    assert!(line.is_empty());
}

#[test]
fn a_message_that_does_not_decode_shows_its_error_in_the_frame() {
    // The query of packet 31 with its first label length made a reserved label type
    // (0b01): DNS rejects the name at byte 54 of the frame (14 + 20 + 8 + 12).
    let mut frame = vector_hex("frames/dns-query-udp.json");
    assert_eq!(frame[54], 3);
    frame[54] = 0x43;
    let line = summary(&Sliced::new(LinkType::Ethernet, &frame));
    assert!(
        line.ends_with(
            ": UDP, length 57 [malformed dns: qname at offset 54: \
             RFC 6891 §5: label types 0x40 and 0x80 are reserved]"
        ),
        "{line}"
    );
    assert!(!line.contains("A?"), "{line}");

    // An HTTP request line with three spaces (RFC 9112 §3): an error, nothing written.
    let mut line = String::new();
    let err = http::head_line(&mut line, b"GET /a b HTTP/1.1\r\n\r\n").unwrap_err();
    assert!(line.is_empty(), "{line}");
    assert!(!err.to_string().is_empty());
}

fn vector_hex(path: &str) -> Vec<u8> {
    let path = format!("{}/spec-vectors/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    unhex(v["hex"].as_str().unwrap()).unwrap()
}

/// A TCP segment from 10.0.0.1:40000 to 10.0.0.2:80 in a bare IPv4 packet.
fn tcp_packet(flags: u8, seq: u32, ack: u32, payload: &[u8]) -> Vec<u8> {
    let total = 20 + 20 + payload.len();
    let mut p = vec![0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0, 0, 64, 6, 0, 0];
    p.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
    p.extend_from_slice(&40000u16.to_be_bytes());
    p.extend_from_slice(&80u16.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ack.to_be_bytes());
    p.extend_from_slice(&[0x50, flags, 0x01, 0x00, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    p
}

/// The handshake and a request as tcpdump numbers them: SYN and SYN-ACK whole,
/// then relative to each side's first number.
#[test]
fn tcp_numbers_are_relative_to_the_connection_as_tcpdump_prints_them() {
    use crate::decode::{write_summary_with, LineContext, TcpSeqs};
    let mut seqs = TcpSeqs::new();
    let mut line_of = |packet: Vec<u8>| {
        let s = Sliced::new(LinkType::Ip, &packet);
        let cx = LineContext { wire_len: None, tcp: seqs.base(&s) };
        let mut line = String::new();
        write_summary_with(&mut line, &s, &cx);
        line
    };
    let syn = line_of(tcp_packet(0x02, 1000, 0, b""));
    assert_eq!(syn, "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 256, length 0");
    let mut reply = tcp_packet(0x12, 5000, 1001, b"");
    reply[12..20].rotate_left(4);
    reply[20..24].rotate_left(2);
    let reply = line_of(reply);
    assert_eq!(
        reply,
        "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 256, length 0"
    );
    let get = line_of(tcp_packet(0x18, 1001, 5001, b"GET / HTTP/1.1\r\n\r\n"));
    assert_eq!(
        get,
        "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:19, ack 1, win 256, \
         length 18: HTTP: GET / HTTP/1.1"
    );
    // A payload on port 80 that is no request or status line: just the protocol.
    let body = line_of(tcp_packet(0x10, 1019, 5001, b"hello"));
    assert!(body.ends_with("seq 19:24, ack 1, win 256, length 5: HTTP"), "{body}");
}

#[test]
fn tcpdumps_first_line_of_an_http_payload() {
    let first = |payload: &[u8]| {
        let mut line = String::new();
        http::tcpdump_first_line(&mut line, payload);
        line
    };
    assert_eq!(first(b"HTTP/1.1 200 OK\r\nA: b\r\n"), ": HTTP/1.1 200 OK");
    assert_eq!(first(b"propfind /x HTTP/1.1\n"), ": propfind /x HTTP/1.1");
    // No line end in the payload: tcpdump's truncation mark.
    assert_eq!(first(b"GET /very/long"), ": GET /very/long [|http]");
    // Not a method, no status code, or a CR not before LF: nothing.
    assert_eq!(first(b"hello world\r\n"), "");
    assert_eq!(first(b"GET /\rx\n"), "");
}

/// A head tcpdump shows the first line of but that does not parse: the line, then
/// the error note.
#[test]
fn a_malformed_http_head_keeps_tcpdumps_line_and_adds_the_error() {
    let packet = tcp_packet(0x18, 1, 1, b"GET /a b HTTP/1.1\r\n\r\n");
    let line = summary(&Sliced::new(LinkType::Ip, &packet));
    assert!(line.contains("length 21: HTTP: GET /a b HTTP/1.1 [malformed http: "), "{line}");
}

/// IPv6 with a hop-by-hop header before UDP: tcpdump writes the addresses, `HBH `,
/// then the ports alone.
#[test]
fn ipv6_extension_headers_come_between_the_addresses_and_the_ports() {
    let mut p = vec![0x60, 0, 0, 0, 0, 8 + 8 + 6, 0, 64];
    p.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
    p.extend_from_slice(&"fd00::2".parse::<Ipv6Addr>().unwrap().octets());
    // Hop-by-hop: next header UDP, length 0 (8 octets), a PadN of 4.
    p.extend_from_slice(&[17, 0, 1, 4, 0, 0, 0, 0]);
    p.extend_from_slice(&[0x9c, 0x40, 0x27, 0x0f, 0, 14, 0, 0]);
    p.extend_from_slice(b"hello!");
    let line = summary(&Sliced::new(LinkType::Ip, &p));
    assert_eq!(line, "IP6 ::1 > fd00::2: HBH 40000 > 9999: UDP, length 6");
}

/// A message cut at the end of a first fragment goes as far as it goes, then
/// `[|domain]`: after the type of a record whose data is cut, after the separator
/// when its header is cut; a header alone cut says only `[|domain]`.
#[test]
fn a_cut_dns_message_stops_where_tcpdump_stops() {
    let h = dns::Header { id: 5, qr: true, rd: true, ra: true, ..Default::default() };
    let a = |last| (dns::Section::Answer, "a.test.", dns::RData::A(Ipv4Addr::new(192, 0, 2, last)));
    let r = dns_message(h, ("a.test.", dns::Type::A, dns::Class::IN), &[a(1), a(2)], false);
    let cut = |n: usize| {
        let mut line = String::new();
        app::dns_line_cut(&mut line, &r[..n], false);
        line
    };
    // Whole: as dns_line writes it.
    assert_eq!(cut(r.len()), format!("5 2/0/0 A 192.0.2.1, A 192.0.2.2 ({})", r.len()));
    // The second answer's data cut (two of its four octets there).
    assert_eq!(cut(r.len() - 2), "5 2/0/0 A 192.0.2.1, A [|domain]");
    // The second answer's header cut (its name, a pointer, and three of its ten octets).
    assert_eq!(cut(r.len() - 4 - 10 + 3), "5 2/0/0 A 192.0.2.1, [|domain]");
    assert_eq!(cut(11), "[|domain]");
}
