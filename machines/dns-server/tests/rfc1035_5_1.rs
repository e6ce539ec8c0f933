//! RFC 1035 §5.1 (and RFC 2308 §4 for $TTL): master files read into zones,
//! every directive and shorthand, and every error naming its line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wirestate_dns::{Class, Type};
use wirestate_dns_server::{Zone, ZoneError};

const SOA: &str = "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 3600 IN NS ns1\n";

fn lines(zone: &Zone) -> Vec<String> {
    zone.records().map(|r| r.to_string()).collect()
}

fn parse(text: &str) -> Result<Zone, ZoneError> {
    Zone::parse(Some("example."), &format!("{SOA}{text}"))
}

fn has(zone: &Zone, line: &str) -> bool {
    lines(zone).iter().any(|l| l == line)
}

#[test]
fn origin_names_the_apex_and_relative_names_hang_below_it() {
    let z = Zone::parse(
        None,
        "$ORIGIN example.\n@ 60 SOA ns1 h 1 2 3 4 5\n@ 60 NS ns1.example.\nwww 60 A 192.0.2.1\n",
    )
    .unwrap();
    assert_eq!(z.apex().to_string(), "example.");
    assert_eq!(z.class(), Class::IN);
    assert!(has(&z, "example. 60 IN SOA ns1.example. h.example. 1 2 3 4 5"));
    assert!(has(&z, "www.example. 60 IN A 192.0.2.1"));
    // A relative $ORIGIN is relative to the one before (and the origin argument).
    let z =
        parse("$ORIGIN sub\nwww 60 A 192.0.2.2\n$ORIGIN example.\nftp 60 A 192.0.2.3\n").unwrap();
    assert!(has(&z, "www.sub.example. 60 IN A 192.0.2.2"));
    assert!(has(&z, "ftp.example. 60 IN A 192.0.2.3"));
}

#[test]
fn ttl_defaults_to_dollar_ttl_else_the_last_one_given() {
    // RFC 1035 §5.1: "the last explicitly stated value".
    let z = parse("a 120 A 192.0.2.1\nb A 192.0.2.2\n$TTL 1h30m\nc A 192.0.2.3\nd 5 A 192.0.2.4\ne A 192.0.2.5\n")
        .unwrap();
    assert!(has(&z, "b.example. 120 IN A 192.0.2.2"));
    // RFC 2308 §4: after $TTL, its value, whatever was given before.
    assert!(has(&z, "c.example. 5400 IN A 192.0.2.3"));
    assert!(has(&z, "e.example. 5400 IN A 192.0.2.5"));
    let err = Zone::parse(Some("example."), "@ SOA ns h 1 2 3 4 5\n").unwrap_err();
    assert_eq!(err, ZoneError::NoTtl { line: 1 });
}

#[test]
fn ttl_and_class_may_come_in_either_order_or_not_at_all() {
    let z = parse("a IN 60 A 192.0.2.1\nb 70 IN A 192.0.2.2\nc 80 A 192.0.2.3\nd IN A 192.0.2.4\n")
        .unwrap();
    for l in [
        "a.example. 60 IN A 192.0.2.1",
        "b.example. 70 IN A 192.0.2.2",
        "c.example. 80 IN A 192.0.2.3",
    ] {
        assert!(has(&z, l), "{l}");
    }
    assert!(has(&z, "d.example. 80 IN A 192.0.2.4"));
}

#[test]
fn a_blank_owner_is_the_previous_one_and_at_is_the_origin() {
    let z = parse("www 60 A 192.0.2.1\n    60 AAAA 2001:db8::1\n\t60 TXT \"tab\"\n@ 60 MX 10 @\n")
        .unwrap();
    assert!(has(&z, "www.example. 60 IN AAAA 2001:db8::1"));
    assert!(has(&z, "www.example. 60 IN TXT \"tab\""));
    assert!(has(&z, "example. 60 IN MX 10 example."));
    // The first record cannot have a blank owner.
    let err = Zone::parse(Some("example."), " 60 A 192.0.2.1\n").unwrap_err();
    assert_eq!(err, ZoneError::NoOwner { line: 1 });
}

#[test]
fn parentheses_comments_and_blank_lines_span_an_entry() {
    let text = "\
; a comment line

@   IN  SOA ns1.example.  hostmaster.example. (
                2024010101 ; serial
                2h         ; refresh

                1h 2w      ; retry, expire
                300 )      ; minimum
    3600 IN NS ( ns1 )  ; parentheses on one line
ns1 3600 A 192.0.2.53
";
    let z = Zone::parse(Some("example."), &format!("$TTL 1d\n{text}")).unwrap();
    assert!(has(
        &z,
        "example. 86400 IN SOA ns1.example. hostmaster.example. 2024010101 7200 3600 1209600 300"
    ));
    assert_eq!(z.serial(), 2024010101);
    assert_eq!(z.len(), 3);
}

#[test]
fn quoted_strings_and_escapes_are_kept_whole() {
    let z = parse(
        "t 60 TXT \"with spaces; and a semicolon\" \"quote \\\" inside\" plain\n\
         a\\.b 60 A 192.0.2.1\n\
         \\065bc 60 A 192.0.2.2\n\
         c 60 CAA 0 issue \"ca.example.net\"\n",
    )
    .unwrap();
    assert!(has(
        &z,
        "t.example. 60 IN TXT \"with spaces; and a semicolon\" \"quote \\\" inside\" \"plain\""
    ));
    assert!(has(&z, "a\\.b.example. 60 IN A 192.0.2.1"));
    assert!(has(&z, "Abc.example. 60 IN A 192.0.2.2"));
    assert!(has(&z, "c.example. 60 IN CAA 0 issue \"ca.example.net\""));
}

#[test]
fn names_in_rdata_are_made_absolute() {
    let z = parse(
        "www 60 CNAME host\nhost 60 A 192.0.2.1\n_sip._udp 60 SRV 10 20 5060 host\n\
         1.2 60 PTR host.other.\nd 60 DNAME elsewhere\nsub 60 NS ns.sub\nns.sub 60 A 192.0.2.9\n\
         h 60 HINFO \"cpu\" \"os\"\nv6 60 AAAA 2001:db8::1\n",
    )
    .unwrap();
    for l in [
        "www.example. 60 IN CNAME host.example.",
        "_sip._udp.example. 60 IN SRV 10 20 5060 host.example.",
        "1.2.example. 60 IN PTR host.other.",
        "d.example. 60 IN DNAME elsewhere.example.",
        "sub.example. 60 IN NS ns.sub.example.",
        "h.example. 60 IN HINFO \"cpu\" \"os\"",
    ] {
        assert!(has(&z, l), "{l}");
    }
}

#[test]
fn the_generic_form_reads_any_type() {
    // RFC 3597 §5.
    let z = parse("a 60 TYPE1 \\# 4 c0000201\nb 60 TYPE65280 \\# 3 abcdef\n").unwrap();
    assert!(has(&z, "a.example. 60 IN A 192.0.2.1"));
    let b = z.records().find(|r| r.rtype == Type(65280)).unwrap();
    assert_eq!(b.rdata, [0xab, 0xcd, 0xef]);
}

#[test]
fn syntax_errors_name_their_line() {
    let err = parse("a 60 TXT \"open\n").unwrap_err();
    assert!(matches!(err, ZoneError::Syntax { line: 3, .. }), "{err}");
    let err = parse("\n\na 60 SOA ( 1 2\n3\n").unwrap_err();
    assert!(matches!(err, ZoneError::Syntax { line: 5, .. }), "{err}");
    let err = parse("a 60 A 192.0.2.1 )\n").unwrap_err();
    assert!(matches!(err, ZoneError::Syntax { line: 3, .. }), "{err}");
}

#[test]
fn field_errors_name_their_line_and_token() {
    type Check = fn(&ZoneError) -> bool;
    let cases: [(&str, Check); 8] = [
        ("a..b 60 A 192.0.2.1", |e| matches!(e, ZoneError::Name { line: 3, .. })),
        ("a 99999999999 A 192.0.2.1", |e| matches!(e, ZoneError::Ttl { line: 3, .. })),
        (
            "a 60 IN BOGUS x",
            |e| matches!(e, ZoneError::Type { line: 3, text, .. } if text == "BOGUS"),
        ),
        ("a 60 IN", |e| matches!(e, ZoneError::Type { line: 3, text, .. } if text.is_empty())),
        (
            "a 60 MX ten mail",
            |e| matches!(e, ZoneError::Rdata { line: 3, text, rtype: Type::MX, .. } if text == "ten"),
        ),
        ("a 60 MX 10", |e| matches!(e, ZoneError::Rdata { line: 3, text, .. } if text.is_empty())),
        (
            "a 60 A 192.0.2.1 extra",
            |e| matches!(e, ZoneError::Rdata { line: 3, text, .. } if text == "extra"),
        ),
        ("$INCLUDE other.zone", |e| matches!(e, ZoneError::Directive { line: 3, .. })),
    ];
    for (text, check) in cases {
        let err = parse(text).unwrap_err();
        assert!(check(&err), "{text}: {err:?}");
        assert_eq!(err.line(), Some(3));
    }
    for d in ["$ORIGIN", "$TTL", "$TTL x", "$NOPE a"] {
        assert_eq!(parse(d).unwrap_err().line(), Some(3), "{d}");
    }
}

#[test]
fn relative_names_need_an_origin() {
    let err = Zone::parse(None, "www 60 A 192.0.2.1\n").unwrap_err();
    assert_eq!(err, ZoneError::NoOrigin { line: 1, name: "www".into() });
    let err = Zone::parse(None, "@ 60 A 192.0.2.1\n").unwrap_err();
    assert!(matches!(err, ZoneError::NoOrigin { line: 1, .. }));
}

#[test]
fn a_zone_has_exactly_one_soa_and_ns_at_its_apex() {
    let err = Zone::parse(Some("example."), "@ 60 NS ns\n").unwrap_err();
    assert_eq!((err.clone(), err.line()), (ZoneError::NoSoa, None));
    let err = parse("sub 60 SOA ns h 1 2 3 4 5\n").unwrap_err();
    assert_eq!(err, ZoneError::SecondSoa { line: 3 });
    let err = Zone::parse(Some("example."), "@ 60 SOA ns h 1 2 3 4 5\n").unwrap_err();
    assert_eq!(err, ZoneError::NoApexNs { apex: "example.".into() });
}

#[test]
fn records_out_of_zone_or_of_another_class_are_refused() {
    let err = parse("www.other. 60 A 192.0.2.1\n").unwrap_err();
    assert_eq!(
        err,
        ZoneError::OutOfZone { line: 3, name: "www.other.".into(), apex: "example.".into() }
    );
    let err = parse("www 60 CH A 192.0.2.1\n").unwrap_err();
    assert_eq!(err, ZoneError::Class { line: 3, class: Class::CH, zone: Class::IN });
}

#[test]
fn a_cname_stands_alone() {
    let err = parse("www 60 CNAME a\nwww 60 TXT \"x\"\n").unwrap_err();
    assert!(
        matches!(err, ZoneError::CnameAndOther { line: 4, ref name } if name == "www.example.")
    );
    let err = parse("www 60 TXT \"x\"\nwww 60 CNAME a\n").unwrap_err();
    assert!(matches!(err, ZoneError::CnameAndOther { line: 4, .. }));
    // Not at the apex either.
    assert!(matches!(
        parse("@ 60 CNAME a\n").unwrap_err(),
        ZoneError::CnameAndOther { line: 3, .. }
    ));
}

#[test]
fn glue_below_a_delegation_is_allowed_and_nothing_else() {
    let z = parse("sub 60 NS ns.sub\nsub 60 NS ns.elsewhere.\nns.sub 60 A 192.0.2.1\nns.sub 60 AAAA 2001:db8::1\n")
        .unwrap();
    assert_eq!(z.len(), 6);
    let err = parse("sub 60 NS ns.sub\nwww.sub 60 TXT \"hidden\"\n").unwrap_err();
    assert!(matches!(err, ZoneError::Occluded { line: 4, ref cut, .. } if cut == "sub.example."));
}

#[test]
fn the_error_messages_say_what_and_where() {
    let err = parse("a 60 MX ten mail").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 3: MX RDATA at \"ten\": MX at offset 0: presentation form: a field is missing or malformed"
    );
    assert_eq!(
        ZoneError::NoSoa.to_string(),
        "no SOA record: a zone has exactly one, at its apex (RFC 1035 §5.2)"
    );
}
