//! Properties: arbitrary bytes never panic and re-emit equal when they parse;
//! generated records survive text -> builder -> parse; captures re-emit byte for byte.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

use proptest::prelude::*;
use wirestate_dns::*;

/// Walks everything a decoder would: every iterator, every name, every Display.
fn drain(bytes: &[u8]) {
    let Ok(msg) = Message::new_checked(bytes) else { return };
    for q in msg.questions().flatten() {
        let _ = (q.to_string(), q.name.labels().count());
    }
    for r in msg.records().flatten() {
        let _ = r.to_string();
        if let RData::Opt(o) = r.rdata {
            o.iter().for_each(|o| drop(o.to_string()));
        }
    }
    let _ = (msg.opt(), msg.rcode(), msg.tsig());
    let Ok(repr) = Repr::parse(&msg) else { return };
    let mut buf = vec![0u8; repr.buffer_len()];
    let mut b = Builder::new(&mut buf, &repr.header).unwrap();
    assert!(repr.emit(&mut b).unwrap());
    let len = b.finish();
    let again = Message::new_checked(&buf[..len]).unwrap();
    assert_eq!(Repr::parse(&again).unwrap(), repr);
}

fn label() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["www", "mail", "example", "test", "a", "ns1", "_tcp", "x-y"])
        .prop_map(String::from)
}

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 0..4).prop_map(|l| {
        if l.is_empty() {
            ".".into()
        } else {
            l.join(".") + "."
        }
    })
}

fn rdata() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|a| ("A".into(), std::net::Ipv4Addr::from(a).to_string())),
        any::<[u8; 16]>().prop_map(|a| ("AAAA".into(), std::net::Ipv6Addr::from(a).to_string())),
        name().prop_map(|n| ("NS".into(), n)),
        name().prop_map(|n| ("CNAME".into(), n)),
        name().prop_map(|n| ("DNAME".into(), n)),
        (any::<u16>(), name()).prop_map(|(p, n)| ("MX".into(), format!("{p} {n}"))),
        (name(), name(), any::<[u32; 5]>()).prop_map(|(m, r, v)| (
            "SOA".into(),
            format!("{m} {r} {} {} {} {} {}", v[0], v[1], v[2], v[3], v[4])
        )),
        prop::collection::vec("[ -~]{0,20}", 1..3).prop_map(|s| (
            "TXT".into(),
            s.iter()
                .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect::<Vec<_>>()
                .join(" ")
        )),
        (any::<[u16; 3]>(), name())
            .prop_map(|(v, n)| ("SRV".into(), format!("{} {} {} {n}", v[0], v[1], v[2]))),
        (any::<u16>(), any::<u8>(), any::<u8>(), prop::collection::vec(any::<u8>(), 1..40))
            .prop_map(|(t, a, d, g)| (
                "DS".into(),
                format!("{t} {a} {d} {}", g.iter().map(|b| format!("{b:02X}")).collect::<String>())
            )),
        (prop::collection::vec(any::<u16>(), 0..5), name()).prop_map(|(types, n)| (
            "NSEC".into(),
            format!(
                "{n} {}",
                types.iter().map(|t| Type(*t).to_string()).collect::<Vec<_>>().join(" ")
            )
            .trim_end()
            .to_string()
        )),
        (any::<[u8; 2]>(), prop::collection::vec(any::<u8>(), 1..40)).prop_map(|(v, d)| (
            ["SSHFP", "TLSA", "SMIMEA"][usize::from(v[0] % 3)].into(),
            format!(
                "{} {}{} {}",
                v[0],
                v[1],
                if v[0] % 3 == 0 { String::new() } else { format!(" {}", v[1] / 2) },
                hex_upper(&d)
            )
        )),
        (any::<u16>(), any::<u16>(), "[!-~]{1,30}").prop_map(|(p, w, t)| (
            "URI".into(),
            format!("{p} {w} \"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
        )),
        (any::<u16>(), name(), name()).prop_map(|(v, a, b)| match v % 4 {
            0 => ("RP".into(), format!("{a} {b}")),
            1 => ("AFSDB".into(), format!("{v} {a}")),
            2 => ("KX".into(), format!("{v} {a}")),
            _ => ("LP".into(), format!("{v} {a}")),
        }),
        (any::<[u8; 8]>(), any::<bool>()).prop_map(|(e, long)| {
            let n = if long { 8 } else { 6 };
            let text = e[..n].iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join("-");
            ((if long { "EUI64" } else { "EUI48" }).into(), text)
        }),
        (any::<u32>(), any::<[u8; 2]>(), prop::collection::vec(any::<u8>(), 12..60)).prop_map(
            |(s, v, d)| ("ZONEMD".into(), format!("{s} {} {} {}", v[0], v[1], hex_upper(&d)))
        ),
        (any::<u16>(), any::<u64>(), any::<[u8; 4]>()).prop_map(|(p, id, a)| match p % 3 {
            0 => ("NID".into(), format!("{p} {}", ilnp64(id))),
            1 => ("L64".into(), format!("{p} {}", ilnp64(id))),
            _ => ("L32".into(), format!("{p} {}", std::net::Ipv4Addr::from(a))),
        }),
        (any::<u32>(), any::<u16>(), prop::collection::vec(any::<u16>(), 0..5)).prop_map(
            |(s, fl, types)| (
                "CSYNC".into(),
                format!(
                    "{s} {fl} {}",
                    types.iter().map(|t| Type(*t).to_string()).collect::<Vec<_>>().join(" ")
                )
                .trim_end()
                .to_string()
            )
        ),
        (any::<[u16; 2]>(), any::<u8>(), prop::collection::vec(any::<u8>(), 1..30))
            .prop_map(|(v, a, d)| ("CERT".into(), format!("{} {} {a} {}", v[0], v[1], base64(&d)))),
        prop::collection::vec(any::<u8>(), 1..60).prop_map(|d| ("OPENPGPKEY".into(), base64(&d))),
        prop::collection::vec(any::<u8>(), 0..20).prop_map(|d| (
            "TYPE65280".into(),
            format!("\\# {} {}", d.len(), d.iter().map(|b| format!("{b:02X}")).collect::<String>())
                .trim_end()
                .to_string()
        )),
    ]
}

fn hex_upper(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02X}")).collect()
}

fn ilnp64(v: u64) -> String {
    let g = |i: u32| (v >> (48 - 16 * i)) & 0xffff;
    format!("{:04x}:{:04x}:{:04x}:{:04x}", g(0), g(1), g(2), g(3))
}

/// Padded base64 in one word (RFC 4648 §4).
fn base64(d: &[u8]) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for g in d.chunks(3) {
        let v = u32::from(g[0]) << 16
            | u32::from(*g.get(1).unwrap_or(&0)) << 8
            | u32::from(*g.get(2).unwrap_or(&0));
        for k in 0..4 {
            out.push(if k <= g.len() {
                char::from(B64[(v >> (18 - 6 * k) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

fn record() -> impl Strategy<Value = (u8, RecordBuf)> {
    (0u8..3, name(), any::<u32>(), rdata()).prop_map(|(s, n, ttl, (t, d))| {
        let line = format!("{n} {ttl} IN {t} {d}");
        (s, line.parse().unwrap_or_else(|e| panic!("{line}: {e}")))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        drain(&bytes);
    }

    #[test]
    fn header_with_garbage_never_panics(counts in any::<[u8; 8]>(), body in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = vec![0u8, 1, 0x81, 0x80];
        bytes.extend_from_slice(&counts.map(|c| c % 4));
        bytes.extend_from_slice(&body);
        drain(&bytes);
    }

    #[test]
    fn generated_messages_round_trip(qname in name(), mut records in prop::collection::vec(record(), 0..12)) {
        records.sort_by_key(|r| r.0);
        let section = |s: u8| [Section::Answer, Section::Authority, Section::Additional][usize::from(s)];
        let m = MessageBuf {
            header: Header { id: 7, qr: true, ..Header::default() },
            questions: vec![(qname.parse().unwrap(), Type::A, Class::IN)],
            records: records.into_iter().map(|(s, r)| (section(s), r)).collect(),
        };
        let bytes = m.to_vec().unwrap();
        let msg = Message::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&msg).unwrap();
        prop_assert_eq!(MessageBuf::from_repr(&repr), m.clone());
        // Text round trip of each record.
        for (_, r) in &m.records {
            prop_assert_eq!(&r.to_string().parse::<RecordBuf>().unwrap(), r);
        }
        drain(&bytes);
    }

    #[test]
    fn name_order_is_total_and_eq_consistent(a in name(), b in name(), c in name()) {
        let (a, b, c): (NameBuf, NameBuf, NameBuf) = (a.parse().unwrap(), b.parse().unwrap(), c.parse().unwrap());
        let (a, b, c) = (a.as_name(), b.as_name(), c.as_name());
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a.cmp(&b) == core::cmp::Ordering::Equal, a == b);
        if a <= b && b <= c { prop_assert!(a <= c); }
    }

    #[test]
    fn names_print_and_parse_back(labels in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..10), 0..5)) {
        let mut wire = Vec::new();
        for l in &labels { wire.push(l.len() as u8); wire.extend_from_slice(l); }
        wire.push(0);
        let (n, _) = Name::parse(&wire, 0, "name").unwrap();
        let back: NameBuf = n.to_string().parse().unwrap();
        prop_assert_eq!(back.as_wire(), &wire[..]);
    }
}

/// dnsmasq compresses owner names as this builder does (not RDATA names: its MX and
/// CNAME answers come out shorter here), so these responses
/// re-emit byte for byte.
#[test]
fn real_responses_reemit_byte_for_byte() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec-vectors/dns");
    for file in [
        "capture-02-response-www-example-test-1.json",
        "capture-04-response-www-example-test-28.json",
        "capture-18-response-www-example-test-1.json",
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let hex = text.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let msg = Message::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&msg).unwrap();
        let mut buf = vec![0u8; repr.buffer_len()];
        let mut b = Builder::new(&mut buf, &repr.header).unwrap();
        repr.emit(&mut b).unwrap();
        let len = b.finish();
        assert_eq!(&buf[..len], &bytes[..], "{file}");
    }
}
