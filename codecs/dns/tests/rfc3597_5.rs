//! RFC 3597 §5: a type is written as its mnemonic where one is known and as
//! `TYPEnnn` otherwise; RDATA this crate does not decode is written `\# len hex`.
//! Every type of IANA's registry has its mnemonic, decoded or not.

#![allow(clippy::unwrap_used, reason = "tests")]

use wirestate_dns::{RData, RecordBuf, Type};

#[test]
fn every_registered_type_prints_its_mnemonic_and_reads_back() {
    let mut named = 0;
    for v in 0..=u16::MAX {
        let t = Type(v);
        let text = t.to_string();
        assert_eq!(text.parse::<Type>().unwrap(), t, "{text}");
        assert_eq!(format!("TYPE{v}").parse::<Type>().unwrap(), t);
        if let Some(m) = t.mnemonic() {
            named += 1;
            assert_eq!(text, m);
            assert_eq!(Type::from_mnemonic(&m.to_ascii_lowercase()), Some(t));
        } else {
            assert_eq!(text, format!("TYPE{v}"));
        }
    }
    // IANA's registry as of 2025: 1-53, 55-68, 99-109, 128, 249-264, 32768, 32769
    // (255 written ANY, as dig and dnspython write it).
    assert_eq!(named, 97);
}

#[test]
fn types_dig_used_to_print_as_numbers_have_their_mnemonics() {
    let cases = [
        (10, "NULL"),
        (17, "RP"),
        (18, "AFSDB"),
        (23, "NSAP-PTR"),
        (29, "LOC"),
        (36, "KX"),
        (37, "CERT"),
        (44, "SSHFP"),
        (45, "IPSECKEY"),
        (49, "DHCID"),
        (52, "TLSA"),
        (53, "SMIMEA"),
        (55, "HIP"),
        (59, "CDS"),
        (60, "CDNSKEY"),
        (61, "OPENPGPKEY"),
        (62, "CSYNC"),
        (63, "ZONEMD"),
        (104, "NID"),
        (105, "L32"),
        (106, "L64"),
        (107, "LP"),
        (108, "EUI48"),
        (109, "EUI64"),
        (249, "TKEY"),
        (250, "TSIG"),
        (256, "URI"),
        (258, "AVC"),
        (260, "AMTRELAY"),
        (32769, "DLV"),
    ];
    for (v, m) in cases {
        assert_eq!(Type(v).to_string(), m);
    }
    assert_eq!(Type(54).to_string(), "TYPE54"); // unassigned
    assert_eq!(Type(65280).to_string(), "TYPE65280"); // private use
}

#[test]
fn types_without_a_decoder_keep_the_generic_form_under_their_mnemonic() {
    // RFC 1876's LOC example, as dnspython writes it on the wire.
    let loc = b"\x00\x00\x00\x00\x8b\x0d\x2c\x8c\x7f\xf8\xfc\xa5\x00\x98\x96\x80";
    let rdata = RData::parse(loc, 0, loc.len(), Type::LOC).unwrap();
    assert_eq!(rdata, RData::Unknown { rtype: Type::LOC, data: loc });
    assert_eq!(rdata.to_string(), "\\# 16 000000008B0D2C8C7FF8FCA500989680");
    for line in [
        "example. 300 IN LOC \\# 16 000000008B0D2C8C7FF8FCA500989680",
        "example. 300 IN NULL \\# 4 0A000001",
        "example. 300 IN NULL \\# 0",
        "example. 300 IN AMTRELAY \\# 6 0A01CB00710F",
    ] {
        let r: RecordBuf = line.parse().unwrap();
        assert_eq!(r.to_string(), line);
    }
}

#[test]
fn a_decoded_type_accepts_the_generic_form_and_prints_its_own() {
    let r: RecordBuf = "host.example. 300 IN EUI48 \\# 6 00005E00532A".parse().unwrap();
    assert_eq!(r.to_string(), "host.example. 300 IN EUI48 00-00-5e-00-53-2a");
    let r: RecordBuf = "host.example. 300 IN SSHFP \\# 3 020112".parse().unwrap();
    assert_eq!(r.to_string(), "host.example. 300 IN SSHFP 2 1 12");
}
