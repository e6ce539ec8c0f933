//! Unit tests across the modules: field reads from real messages, setters, every
//! section error with its offset, the builder, and presentation round trips.

extern crate std;

use std::string::ToString;
use std::vec::Vec;

use crate::*;

fn hex(s: &str) -> Vec<u8> {
    let s: std::string::String = s.split_whitespace().collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// dig's response from dnsmasq for `www.example.test A` (captured in a netns, see
/// spec-vectors/dns/capture.sh): RD RA, one answer compressed to the question,
/// EDNS with udp size 1232.
const DNSMASQ_A: &str =
    "a1b2 8580 0001 0001 0000 0001 03777777 076578616d706c65 0474657374 00 0001 0001
    c00c 0001 0001 00000000 0004 0a630001
    00 0029 04d0 00000000 0000";

#[test]
fn reads_every_header_field_of_a_real_response() {
    let bytes = hex(DNSMASQ_A);
    let msg = Message::new_checked(&bytes[..]).unwrap();
    assert_eq!(msg.id(), 0xa1b2);
    assert!(msg.qr() && msg.aa() && msg.rd() && msg.ra());
    assert!(!msg.tc() && !msg.z() && !msg.ad() && !msg.cd());
    assert_eq!((msg.opcode(), msg.header_rcode()), (Opcode::QUERY, 0));
    assert_eq!((msg.qdcount(), msg.ancount(), msg.nscount(), msg.arcount()), (1, 1, 0, 1));
    let records: Vec<Record<'_>> = msg.records().map(Result::unwrap).collect();
    assert_eq!(records[0].to_string(), "www.example.test. 0 IN A 10.99.0.1");
    assert_eq!(records[1].section, Section::Additional);
    let opt = msg.opt().unwrap().unwrap();
    assert_eq!((opt.udp_size, opt.version, opt.dnssec_ok), (1232, 0, false));
    assert_eq!(msg.rcode().unwrap(), Rcode::NOERROR);
    let repr = Repr::parse(&msg).unwrap();
    assert_eq!(repr.opt, Some(opt));
}

#[test]
fn setters_write_each_field() {
    let mut buf = [0u8; 12];
    let mut msg = Message::new_unchecked(&mut buf[..]);
    msg.set_id(0xbeef);
    msg.set_qr(true);
    msg.set_opcode(Opcode::UPDATE);
    msg.set_aa(true);
    msg.set_tc(true);
    msg.set_rd(true);
    msg.set_ra(true);
    msg.set_z(true);
    msg.set_ad(true);
    msg.set_cd(true);
    msg.set_header_rcode(0x13);
    msg.set_qdcount(1);
    msg.set_ancount(2);
    msg.set_nscount(3);
    msg.set_arcount(4);
    assert_eq!(buf, [0xbe, 0xef, 0xaf, 0xf3, 0, 1, 0, 2, 0, 3, 0, 4]);
    let msg = Message::new_checked(&buf[..]).unwrap();
    assert_eq!(msg.opcode(), Opcode::UPDATE);
    assert_eq!(msg.header_rcode(), 3);
    let mut msg = Message::new_unchecked(&mut buf[..]);
    msg.set_tc(false);
    msg.set_z(false);
    assert_eq!(&buf[2..4], &[0xad, 0xb3]);
}

#[test]
fn section_errors_name_field_and_offset() {
    let q = hex("0000 0100 0001 0000 0000 0000");
    let err = |bytes: &[u8]| {
        let msg = Message::new_checked(bytes).unwrap();
        msg.questions()
            .chain(core::iter::empty())
            .find_map(Result::err)
            .unwrap_or_else(|| msg.records().find_map(Result::err).unwrap())
    };
    assert_eq!(err(&q), Error::truncated("question", 12, 17, 12));
    let mut b = q.clone();
    b.extend_from_slice(&hex("00 0001 00"));
    assert_eq!(err(&b), Error::truncated("qtype", 13, 17, 16));
    // One answer claimed, none there.
    let mut b = q.clone();
    b[5] = 0;
    b[7] = 1;
    assert_eq!(err(&b), Error::truncated("answer", 12, 23, 12));
    b.extend_from_slice(&hex("00 0001 0001 0000"));
    assert_eq!(err(&b), Error::truncated("rr header", 13, 23, 19));
    b.extend_from_slice(&hex("0000 0005 0a00"));
    assert_eq!(err(&b), Error::truncated("rdata", 23, 28, 25));
    // A wrong RDLENGTH for A.
    let mut b = q;
    b[5] = 0;
    b[11] = 1;
    b.extend_from_slice(&hex("00 0001 0001 00000000 0003 0a0000"));
    assert_eq!((err(&b).field(), err(&b).offset()), ("rdata", 23));
    let mut b2 = b.clone();
    b2[22] = 5;
    b2.extend_from_slice(&[1, 2]);
    assert_eq!((err(&b2).field(), err(&b2).offset()), ("rdata", 27));
}

#[test]
fn rdata_names_compressed_only_where_rfc3597_allows() {
    // Owner "a." at 12, then an MX and a DNAME pointing back to it.
    let mut m = hex("0000 8000 0000 0002 0000 0000");
    m.extend_from_slice(&hex("0161 00 000f 0001 00000000 0004 000a c00c"));
    let mut ok = m.clone();
    ok[7] = 1;
    let msg = Message::new_checked(&ok[..]).unwrap();
    assert_eq!(msg.records().next().unwrap().unwrap().rdata.to_string(), "10 a.");
    m.extend_from_slice(&hex("c00c 0027 0001 00000000 0002 c00c"));
    let msg = Message::new_checked(&m[..]).unwrap();
    let e = msg.records().nth(1).unwrap().unwrap_err();
    assert_eq!((e.field(), e.offset()), ("dname", 41));
}

#[test]
fn opt_rules() {
    // OPT owned by a non-root name.
    let m = hex("0000 8000 0000 0000 0000 0001 0161 00 0029 0200 00000000 0000");
    let msg = Message::new_checked(&m[..]).unwrap();
    assert_eq!(msg.opt().unwrap_err(), Error::malformed("opt", 12, edns_rule()));
    // OPT in the answer section.
    let m = hex("0000 8000 0000 0001 0000 0000 00 0029 0200 00000000 0000");
    let msg = Message::new_checked(&m[..]).unwrap();
    assert_eq!(msg.opt().unwrap_err().field(), "opt");
    // Options: a cookie, padding, ECS and an unknown one; then a truncated option.
    let opts =
        hex("000a 0008 0102030405060708 000c 0002 0000 0008 0007 0001 1800 c00002 fde9 0001 ff");
    let parsed = EdnsOptions::parse(&opts, 0).unwrap();
    let v: Vec<EdnsOption<'_>> = parsed.iter().collect();
    assert_eq!(v[0], EdnsOption::Cookie { client: [1, 2, 3, 4, 5, 6, 7, 8], server: &[] });
    assert_eq!(v[1], EdnsOption::Padding(&[0, 0]));
    assert_eq!(v[2].to_string(), "CLIENT-SUBNET 192.0.2.0/24/0");
    assert_eq!(v[3], EdnsOption::Unknown { code: 0xfde9, data: &[0xff] });
    assert_eq!(
        EdnsOptions::parse(&opts[..opts.len() - 1], 100).unwrap_err(),
        Error::truncated("option length", 100 + 29, 100 + 34, 100 + 33)
    );
    let bad_ecs = hex("0008 0005 0003 1800 c0");
    assert_eq!(EdnsOptions::parse(&bad_ecs, 7).unwrap_err().offset(), 7);
    let bad_cookie = hex("000a 0003 010203");
    assert_eq!(EdnsOptions::parse(&bad_cookie, 0).unwrap_err().field(), "cookie");
}

fn edns_rule() -> &'static str {
    "RFC 6891 §6.1.1: OPT is owned by the root, in the additional section"
}

/// Every record type: text -> wire -> text is the identity, and the wire parses.
#[test]
fn presentation_round_trips_for_every_type() {
    let lines = [
        "www.example. 300 IN A 192.0.2.1",
        "www.example. 300 IN AAAA 2001:db8::1",
        "example. 86400 IN NS ns1.example.",
        "www.example. 300 IN CNAME web.example.",
        "old.example. 300 IN DNAME new.example.",
        "1.2.0.192.in-addr.arpa. 300 IN PTR www.example.",
        "example. 3600 IN SOA ns1.example. hostmaster.example. 2024010101 7200 3600 1209600 300",
        "example. 300 IN MX 10 mail.example.",
        "example. 300 IN TXT \"v=spf1 -all\" \"a \\\"quoted\\\" \\\\ \\255\"",
        "host.example. 300 IN HINFO \"INTEL-386\" \"Windows\"",
        "_http._tcp.example. 300 IN SRV 0 5 80 www.example.",
        "example. 300 IN NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.",
        "example. 300 IN CAA 0 issue \"letsencrypt.org\"",
        "example. 300 IN HTTPS 1 . alpn=\"h2,h3\" port=8443 ipv4hint=192.0.2.1,192.0.2.2",
        "_dns.example. 300 IN SVCB 1 dns.example. mandatory=alpn alpn=\"dot\" no-default-alpn ipv6hint=2001:db8::53 key65000=\"x\"",
        "example. 300 IN DS 2371 13 2 32996839A6D808AFE3EB4A795A0E6A7A39A76FC52FF228B22B76F6D6 3826F2B9",
        "example. 300 IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+ KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
        "example. 300 IN RRSIG A 13 1 300 20240201000000 20240101000000 2371 example. mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+ KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
        "example. 300 IN NSEC a.example. A NS SOA MX RRSIG NSEC DNSKEY TYPE65280",
        "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG",
        "example. 300 IN NSEC3 1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
        "example. 300 IN NSEC3PARAM 1 0 12 AABBCCDD",
        "example. 300 IN NSEC3PARAM 1 0 0 -",
        "example. 300 IN SPF \"v=spf1 -all\"",
        "acc.arpa. 300 IN RP louie.trantor.umd.edu. lam1.people.umd.edu.",
        "sri-nic.arpa. 300 IN AFSDB 1 afsdb.sri-nic.arpa.",
        "example. 300 IN KX 10 kx.example.",
        "example. 300 IN CERT PKIX 65535 RSASHA256 MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A",
        "example. 300 IN CERT 65000 1 RSASHA1NSEC3SHA1 AQID",
        "example. 300 IN CERT URI 0 200 AQID",
        "host.example. 300 IN SSHFP 2 1 123456789ABCDEF67890123456789ABCDEF67890",
        "chi.example. 300 IN DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
        "_443._tcp.www.example. 300 IN TLSA 3 1 1 D2ABDE240D7CD3EE6B4B28C54DF034B97983A1D16E8A410E4561CB10 6618E971",
        "x._smimecert.example. 300 IN SMIMEA 3 0 0 30820307",
        "example. 300 IN CDS 0 0 0 00",
        "example. 300 IN CDNSKEY 0 3 0 AA==",
        "x._openpgpkey.example. 300 IN OPENPGPKEY mQENBFVHm5sBCADOYpcbRq5I",
        "example. 3600 IN CSYNC 66 3 A NS AAAA",
        "example. 86400 IN ZONEMD 2018031900 1 1 C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9 A87153B9A9713B3C9AE5CC27777F98B8E730044C",
        "host1.example. 300 IN NID 10 0014:4fff:ff20:ee64",
        "host1.example. 300 IN L32 10 10.1.2.0",
        "host1.example. 300 IN L64 10 2001:0db8:1140:1000",
        "host1.example. 300 IN LP 10 l64-subnet1.example.",
        "host.example. 300 IN EUI48 00-00-5e-00-53-2a",
        "host.example. 300 IN EUI64 00-00-5e-ef-10-00-00-2a",
        "_ftp._tcp.example. 300 IN URI 10 1 \"ftp://ftp1.example.com/public\"",
        "example. 300 IN AVC \"app-name:WOLFGANG|app-class:OAM|business=yes\"",
        "key.example. 0 ANY TSIG hmac-sha256. 1700000000 300 32 awbk/XHbkDiKUdzCu7DpnXVAkVxsix1Lut3owyXSrmU= 35141 NOERROR 0",
        "key.example. 0 ANY TSIG hmac-sha256. 1700000000 300 0 35141 BADTIME 6 AABlU/EA",
        "example. 300 IN NULL \\# 4 0A000001",
        "www.example. 0 ANY A",
        "www.example. 0 NONE AAAA",
        "example. 300 CLASS5 TYPE65280 \\# 4 0A000001",
        "example. 300 IN TYPE65280 \\# 0",
    ];
    for line in lines {
        let r: RecordBuf = line.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(r.to_string(), line);
        let again: RecordBuf = r.to_string().parse().unwrap();
        assert_eq!(again, r);
    }
    // The generic form is accepted for known types too and prints as the type.
    let r: RecordBuf = "a. 0 IN A \\# 4 C0000201".parse().unwrap();
    assert_eq!(r.to_string(), "a. 0 IN A 192.0.2.1");
}

#[test]
fn text_errors_name_field_and_offset() {
    let cases = [
        ("", ("record", 0)),
        ("a.", ("record", 2)),
        ("a. IN BOGUS 1", ("record", 6)),
        ("a. IN A 1.2.3", ("A", 8)),
        ("a. IN A 1.2.3.4 5", ("A", 16)),
        ("a. IN MX x b.", ("MX", 9)),
        ("a..b IN A 1.2.3.4", ("name", 2)),
        ("a. IN TYPE9 \\# 2 00", ("MR", 17)),
        ("a. IN TYPE65280 \\# 2 00", ("rdata", 21)),
        ("a. IN TXT \"unterminated", ("record", 10)),
    ];
    for (line, (field, offset)) in cases {
        let e = line.parse::<RecordBuf>().unwrap_err();
        assert_eq!((e.field(), e.offset()), (field, offset), "{line}: {e}");
    }
}

fn name(s: &str) -> NameBuf {
    s.parse().unwrap()
}

#[test]
fn builder_compresses_names_and_rdata_names_of_rfc1035_types() {
    let www = name("www.example.com.");
    let mail = name("mail.example.com.");
    let mut buf = [0u8; 512];
    let mut b = Builder::new(&mut buf, &Header { id: 9, qr: true, ..Header::default() }).unwrap();
    b.question(&www.as_name(), Type::MX, Class::IN).unwrap();
    let mx = RData::Mx { preference: 10, exchange: mail.as_name() };
    b.push(Section::Answer, &www.as_name(), Class::IN, 60, &mx).unwrap();
    let srv = RData::Srv { priority: 0, weight: 0, port: 25, target: mail.as_name() };
    b.push(Section::Additional, &www.as_name(), Class::IN, 60, &srv).unwrap();
    let len = b.finish();
    // question 17+4; MX: owner ptr 2 + 10 + 2 + "mail"+ptr 7; SRV: 2 + 10 + 6 + 18 uncompressed.
    assert_eq!(len, 12 + 21 + 21 + 36);
    assert_eq!(&buf[33..35], &[0xc0, 0x0c]);
    assert_eq!(&buf[47..54], b"\x04mail\xc0\x10");
    let msg = Message::new_checked(&buf[..len]).unwrap();
    let text: Vec<std::string::String> = msg.records().map(|r| r.unwrap().to_string()).collect();
    assert_eq!(
        text,
        [
            "www.example.com. 60 IN MX 10 mail.example.com.",
            "www.example.com. 60 IN SRV 0 0 25 mail.example.com."
        ]
    );
}

#[test]
fn builder_points_later_records_of_an_rrset_at_the_first_owner() {
    // No question: the first A record's owner is written in full at 12; the rest of
    // its RRset point there. The root owner of OPT-like records stays one octet.
    let host = name("host.example.");
    let mut buf = [0u8; 512];
    let mut b = Builder::new(&mut buf, &Header::default()).unwrap();
    for last in 1..=3 {
        b.push(Section::Answer, &host.as_name(), Class::IN, 5, &RData::A([10, 0, 0, last].into()))
            .unwrap();
    }
    let root = Name::root();
    for last in 1..=2 {
        b.push(Section::Additional, &root, Class::IN, 5, &RData::A([10, 0, 1, last].into()))
            .unwrap();
    }
    let len = b.finish();
    let first = 12 + 14 + 10 + 4;
    assert_eq!(&buf[first..first + 2], &[0xc0, 0x0c]);
    assert_eq!(&buf[first + 16..first + 18], &[0xc0, 0x0c]);
    assert_eq!(len, first + 2 * 16 + 2 * (1 + 10 + 4));
    assert_eq!(buf[first + 32], 0);
    assert_eq!(buf[first + 47], 0);
    let msg = Message::new_checked(&buf[..len]).unwrap();
    let owners: Vec<std::string::String> =
        msg.records().map(|r| r.unwrap().name.to_string()).collect();
    assert_eq!(owners, ["host.example.", "host.example.", "host.example.", ".", "."]);
}

#[test]
fn builder_drops_whole_rrsets_and_sets_tc() {
    let owner = name("big.example.");
    let other = name("other.example.");
    let header = Header { id: 1, qr: true, ..Header::default() };
    let mut buf = [0u8; 512];
    let mut b = Builder::new(&mut buf, &header).unwrap();
    b.set_limit(12 + 17 + 22 + 16 * 2 + 8);
    b.question(&owner.as_name(), Type::A, Class::IN).unwrap();
    assert!(b
        .push(Section::Answer, &other.as_name(), Class::IN, 1, &RData::A([1; 4].into()))
        .unwrap());
    // The RRset of big.example: 2 records fit, the third does not: both go.
    for i in 0..3u8 {
        let pushed = b
            .push(Section::Answer, &owner.as_name(), Class::IN, 1, &RData::A([i; 4].into()))
            .unwrap();
        assert_eq!(pushed, i < 2, "{i}");
    }
    assert!(b.dropped());
    let len = b.finish();
    let msg = Message::new_checked(&buf[..len]).unwrap();
    assert!(msg.tc());
    assert_eq!(msg.ancount(), 1);
    assert_eq!(Repr::parse(&msg).unwrap().records().count(), 1);

    // In the additional section records are dropped without TC (RFC 2181 §9).
    let mut buf = [0u8; 30];
    let mut b = Builder::new(&mut buf, &header).unwrap();
    assert!(!b
        .push(Section::Additional, &owner.as_name(), Class::IN, 1, &RData::A([1; 4].into()))
        .unwrap());
    let len = b.finish();
    assert!(!Message::new_checked(&buf[..len]).unwrap().tc());
}

#[test]
fn builder_frames_tcp_and_writes_edns() {
    let mut buf = [0u8; 100];
    let mut b =
        Builder::new_tcp(&mut buf, &Header { id: 2, rd: true, ..Header::default() }).unwrap();
    b.question(&name("a.").as_name(), Type::A, Class::IN).unwrap();
    let cookie = EdnsOption::Cookie { client: [7; 8], server: &[] };
    assert!(b.edns(1232, 0, 0, true, &[cookie]).unwrap());
    let len = b.finish();
    assert_eq!(u16::from_be_bytes([buf[0], buf[1]]) as usize, len - 2);
    let msg = Message::new_checked(&buf[2..len]).unwrap();
    let opt = msg.opt().unwrap().unwrap();
    assert!(opt.dnssec_ok);
    assert_eq!(opt.options.iter().next(), Some(cookie));
    assert!(Builder::new(&mut [0u8; 11], &Header::default()).is_err());
    assert_eq!(
        Builder::new_tcp(&mut [0u8; 13], &Header::default()).err().unwrap().field(),
        "header"
    );
}

#[test]
fn rcode_combines_header_and_opt() {
    let mut buf = [0u8; 64];
    let mut b =
        Builder::new(&mut buf, &Header { qr: true, rcode: 7, ..Header::default() }).unwrap();
    b.edns(512, 0xab, 0, false, &[]).unwrap();
    let len = b.finish();
    let msg = Message::new_checked(&buf[..len]).unwrap();
    assert_eq!(msg.rcode().unwrap(), Rcode(0xab7));
    assert_eq!(Repr::parse(&msg).unwrap().rcode(), Rcode(0xab7));
}

#[test]
fn types_and_classes_print_mnemonics_or_generic_forms() {
    assert_eq!(Type(65280).to_string(), "TYPE65280");
    assert_eq!(Class(3).to_string(), "CH");
    assert_eq!(Class(9).to_string(), "CLASS9");
    assert_eq!("class9".parse::<Class>().unwrap(), Class(9));
    assert_eq!("TYPE70000".parse::<Type>().unwrap_err().field(), "TYPE");
}

#[test]
fn compressed_naptr_replacement_reads_and_writes_back_uncompressed() {
    // Found by the dns_roundtrip fuzz target: a NAPTR replacement compressed inside
    // its own RDATA (a label, then a pointer to offset 0, which holds a zero octet:
    // the root). RFC 3597 §4 has receivers accept it; it is sent uncompressed, and
    // the owned form's canonical RDATA (what Arbitrary stores) is that form.
    let rdata = [0, 1, 1, 0, 0, 0, 0, 7, 107, 227, 0, 41, 6, 0, 4, 0xc0, 0];
    let parsed = RData::parse(&rdata, 0, rdata.len(), Type::NAPTR).unwrap();
    let canonical = crate::text::rdata_bytes(&parsed);
    assert_eq!(canonical, [0, 1, 1, 0, 0, 0, 0, 7, 107, 227, 0, 41, 6, 0, 4, 0]);
    let again = RData::parse(&canonical, 0, canonical.len(), Type::NAPTR).unwrap();
    assert_eq!(again, parsed);
    assert_eq!(crate::text::rdata_bytes(&again), canonical);
}
