//! The RDATA of the types decoded past the core set, each against its RFC's
//! example (the bytes written by dnspython 2.3.0, spec-vectors/dns/dnspython-*.json)
//! and its RFC's rules: fields, errors with field and offset, where names may be
//! compressed (RFC 3597 §4).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use std::net::Ipv4Addr;

use wirestate_dns::{Message, RData, Repr, Type};

fn vector(name: &str) -> Vec<u8> {
    let path = format!("{}/../../spec-vectors/dns/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let hex = text.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// The answers of a vector, as `TYPE rdata` lines.
fn answers(name: &str) -> Vec<String> {
    let bytes = vector(name);
    let msg = Message::new_checked(&bytes[..]).unwrap();
    let repr = Repr::parse(&msg).unwrap();
    repr.records().map(|r| r.unwrap()).map(|r| format!("{} {}", r.rtype, r.rdata)).collect()
}

fn err(bytes: &[u8], rtype: Type) -> (&'static str, usize) {
    let e = RData::parse(bytes, 0, bytes.len(), rtype).unwrap_err();
    (e.field(), e.offset())
}

#[test]
fn rfc4255_3_3_sshfp_prints_algorithm_type_and_hex() {
    assert_eq!(
        answers("dnspython-sshfp"),
        [
            "SSHFP 2 1 123456789ABCDEF67890123456789ABCDEF67890",
            "SSHFP 4 2 A87F1B687AC0E57D2A081A2F282672334D90ED316D2B818CA9580EA3 84D92401",
        ]
    );
    assert_eq!(err(b"\x02", Type::SSHFP), ("fp_type", 1));
}

#[test]
fn rfc6698_2_3_tlsa_and_rfc8162_smimea_print_usage_selector_type_and_hex() {
    assert_eq!(answers("dnspython-tlsa")[2], "TLSA 3 0 0 30820307308201EFA003020102020101");
    assert_eq!(
        answers("dnspython-smimea"),
        ["SMIMEA 3 1 1 D2ABDE240D7CD3EE6B4B28C54DF034B97983A1D16E8A410E4561CB10 6618E971"]
    );
    let bytes = b"\x03\x01\x01\xab";
    assert!(matches!(
        RData::parse(bytes, 0, 4, Type::SMIMEA).unwrap(),
        RData::Smimea { usage: 3, selector: 1, matching_type: 1, data: [0xab] }
    ));
    assert_eq!(err(b"\x03\x01", Type::TLSA), ("matching_type", 2));
}

#[test]
fn rfc7553_4_uri_prints_its_target_quoted() {
    assert_eq!(
        answers("dnspython-uri"),
        ["URI 10 1 \"ftp://ftp1.example.com/public\"", "URI 10 1 \"http://www.example.com/path\"",]
    );
    let r = RData::parse(b"\x00\x01\x00\x02a\"b", 0, 7, Type::URI).unwrap();
    assert_eq!(r.to_string(), "1 2 \"a\\\"b\"");
    assert_eq!(err(b"\x00\x01\x00", Type::URI), ("weight", 2));
}

#[test]
fn rfc7344_3_cds_and_cdnskey_print_as_ds_and_dnskey() {
    let lines = answers("dnspython-cds-cdnskey");
    assert!(lines[0].starts_with("CDS 2371 13 2 32996839A6D808AFE3EB4A795A0E6A7A"));
    assert_eq!(lines[1], "CDS 0 0 0 00"); // RFC 8078 §4: delete the DS RRset
    assert!(lines[2].starts_with("CDNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0d"));
    assert_eq!(lines[3], "CDNSKEY 0 3 0 AA==");
}

#[test]
fn rfc7929_2_openpgpkey_and_rfc4701_3_dhcid_print_base64() {
    assert_eq!(
        answers("dnspython-dhcid")[0],
        "DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="
    );
    assert!(answers("dnspython-openpgpkey")[0].starts_with("OPENPGPKEY mQENBFVHm5sBCADOYpcb"));
}

#[test]
fn rfc7043_3_2_eui48_and_4_2_eui64_print_hyphenated_and_have_fixed_lengths() {
    assert_eq!(
        answers("dnspython-eui"),
        ["EUI48 00-00-5e-00-53-2a", "EUI64 00-00-5e-ef-10-00-00-2a"]
    );
    assert_eq!(err(b"\0\0\x5e\0\x53", Type::EUI48), ("rdata", 0));
    assert_eq!(err(b"\0\0\x5e\0\x53\x2a\0", Type::EUI48), ("rdata", 6));
    assert_eq!(err(&[0; 9], Type::EUI64), ("rdata", 8));
}

#[test]
fn rfc1183_rp_and_afsdb_print_their_names() {
    assert_eq!(
        answers("dnspython-rp-afsdb"),
        [
            "RP louie.trantor.umd.edu. LAM1.people.umd.edu.",
            "RP . .",
            "AFSDB 1 AFSDB.SRI-NIC.ARPA.",
            "AFSDB 2 CHARON.MIT.EDU.",
        ]
    );
}

#[test]
fn rfc3597_4_rp_afsdb_and_lp_names_may_arrive_compressed_kx_names_may_not() {
    // A name "a." at offset 0, then RDATA at offset 3 whose name points to it.
    let mut msg = b"\x01a\x00".to_vec();
    msg.extend_from_slice(b"\x00\x0a\xc0\x00");
    let afsdb = RData::parse(&msg, 3, 4, Type::AFSDB).unwrap();
    assert_eq!(afsdb.to_string(), "10 a.");
    assert_eq!(RData::parse(&msg, 3, 4, Type::LP).unwrap().to_string(), "10 a.");
    let e = RData::parse(&msg, 3, 4, Type::KX).unwrap_err();
    assert_eq!((e.field(), e.offset()), ("exchanger", 5));
    let rp = b"\x01a\x00\xc0\x00\x00";
    assert_eq!(RData::parse(rp, 3, 3, Type::RP).unwrap().to_string(), "a. .");
    // Written back, names are uncompressed.
    assert_eq!(afsdb.wire_len(), 2 + 3);
}

#[test]
fn rfc2230_3_1_kx_prints_preference_and_exchanger() {
    assert_eq!(answers("dnspython-kx"), ["KX 10 kx.example.com."]);
}

#[test]
fn rfc8976_2_2_4_zonemd_digest_is_at_least_12_octets() {
    assert_eq!(
        answers("dnspython-zonemd"),
        ["ZONEMD 2018031900 1 1 C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9 \
         A87153B9A9713B3C9AE5CC27777F98B8E730044C"]
    );
    let mut short = vec![0x78, 0x4a, 0x5c, 0x0c, 1, 1];
    short.extend_from_slice(&[0xaa; 11]);
    assert_eq!(err(&short, Type::ZONEMD), ("digest", 6));
    short.push(0xaa);
    assert!(RData::parse(&short, 0, short.len(), Type::ZONEMD).is_ok());
}

#[test]
fn rfc4398_2_cert_prints_type_and_algorithm_mnemonics() {
    let mut lines = answers("dnspython-cert");
    lines.sort();
    assert_eq!(
        lines,
        [
            "CERT 65000 1 PRIVATEDNS AQID",
            "CERT PGP 0 0 mQENBFVHm5sBCADOYpcbRq5I",
            "CERT PKIX 65535 RSASHA256 MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A",
        ]
    );
    assert_eq!(err(b"\x00\x01\x00\x00", Type::CERT), ("algorithm", 4));
    let r: wirestate_dns::RecordBuf = "a. 0 IN CERT 1 2 8 AQID".parse().unwrap();
    assert_eq!(r.to_string(), "a. 0 IN CERT PKIX 2 RSASHA256 AQID");
    let e = "a. 0 IN CERT 1 2 256 AQID".parse::<wirestate_dns::RecordBuf>().unwrap_err();
    assert_eq!((e.field(), e.offset()), ("CERT", 17));
}

#[test]
fn rfc7477_2_2_csync_prints_serial_flags_and_types() {
    assert_eq!(answers("dnspython-csync"), ["CSYNC 66 3 A NS AAAA"]);
    assert_eq!(err(b"\0\0\0\x42\0\x03\0", Type::CSYNC).0, "type bitmaps");
}

#[test]
fn rfc6742_2_ilnp_records_print_as_written_there() {
    assert_eq!(
        answers("dnspython-ilnp"),
        [
            "NID 10 0014:4fff:ff20:ee64",
            "L32 10 10.1.2.0",
            "L64 10 2001:0db8:1140:1000",
            "LP 10 l64-subnet1.example.com.",
        ]
    );
    let l32 = RData::parse(b"\x00\x0a\x0a\x01\x02\x00", 0, 6, Type::L32).unwrap();
    assert_eq!(l32, RData::L32 { preference: 10, locator: Ipv4Addr::new(10, 1, 2, 0) });
    assert_eq!(err(b"\x00\x0a\x00\x14\x4f", Type::NID), ("locator", 2));
}

#[test]
fn rfc5155_4_nsec3param_rfc4408_spf_and_avc_print_as_dig() {
    assert_eq!(
        answers("dnspython-nsec3param-spf-avc"),
        [
            "NSEC3PARAM 1 0 12 AABBCCDD",
            "NSEC3PARAM 1 0 0 -",
            "SPF \"v=spf1 -all\"",
            "AVC \"app-name:WOLFGANG|app-class:OAM|business=yes\"",
        ]
    );
    assert_eq!(err(b"", Type::SPF), ("spf", 0));
    assert_eq!(err(b"\x01\x00\x00\x0c\x04\xaa", Type::NSEC3PARAM), ("salt", 5));
}

#[test]
fn every_new_type_reemits_to_the_octets_it_came_from() {
    for name in [
        "dnspython-sshfp",
        "dnspython-tlsa",
        "dnspython-uri",
        "dnspython-cert",
        "dnspython-zonemd",
        // Not dnspython-ilnp: dnspython compresses the LP name, this builder does not.
        "dnspython-nsec3param-spf-avc",
        "dnspython-generic-types",
    ] {
        let bytes = vector(name);
        let msg = Message::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&msg).unwrap();
        let mut buf = vec![0u8; repr.buffer_len()];
        let mut b = wirestate_dns::Builder::new(&mut buf, &repr.header).unwrap();
        assert!(repr.emit(&mut b).unwrap());
        let len = b.finish();
        assert_eq!(buf[..len], bytes[..], "{name}");
    }
}
