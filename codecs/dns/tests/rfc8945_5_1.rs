//! RFC 8945 §5.1: "This TSIG record MUST be the only TSIG RR in the message and
//! MUST be the last record in the additional data section." Whole-message checks
//! (`Repr::parse`, `Message::tsig`) refuse any other place, naming the record's
//! offset; the record walk stays lenient. And the TSIG RDATA of §4.2.

#![allow(clippy::unwrap_used, reason = "tests")]

use wirestate_dns::{Class, Header, Message, MessageBuf, RData, Rcode, Repr, Section, Type};

const TSIG: &str = "key.example. 0 ANY TSIG hmac-sha256. 1700000000 300 32 \
                    awbk/XHbkDiKUdzCu7DpnXVAkVxsix1Lut3owyXSrmU= 35141 NOERROR 0";
const A: &str = "www.example. 60 IN A 192.0.2.1";

fn message(records: &[(Section, &str)]) -> Vec<u8> {
    let mut m =
        MessageBuf { header: Header { id: 0x8945, ..Header::default() }, ..MessageBuf::default() };
    m.questions.push(("www.example.".parse().unwrap(), Type::A, Class::IN));
    for (section, line) in records {
        m.records.push((*section, line.parse().unwrap()));
    }
    m.to_vec().unwrap()
}

/// Where each record starts, by the lenient walk.
fn offsets(bytes: &[u8]) -> Vec<usize> {
    let msg = Message::new_checked(bytes).unwrap();
    msg.records().map(|r| r.unwrap().offset).collect()
}

fn refused(bytes: &[u8]) -> (&'static str, usize, String) {
    let msg = Message::new_checked(bytes).unwrap();
    let by_tsig = msg.tsig().unwrap_err();
    let by_repr = Repr::parse(&msg).unwrap_err();
    assert_eq!(by_tsig, by_repr);
    (by_repr.field(), by_repr.offset(), by_repr.to_string())
}

#[test]
fn a_tsig_record_last_in_the_additional_section_is_accepted() {
    let bytes =
        message(&[(Section::Answer, A), (Section::Additional, A), (Section::Additional, TSIG)]);
    let msg = Message::new_checked(&bytes[..]).unwrap();
    let repr = Repr::parse(&msg).unwrap();
    let tsig = repr.tsig().unwrap();
    assert_eq!(tsig.offset, offsets(&bytes)[2]);
    assert_eq!(msg.tsig().unwrap(), Some(tsig));
    let RData::Tsig { algorithm, time_signed, fudge, mac, original_id, error, other } = tsig.rdata
    else {
        panic!("{:?}", tsig.rdata)
    };
    assert_eq!(algorithm.to_string(), "hmac-sha256.");
    assert_eq!((time_signed, fudge, mac.len(), original_id), (1_700_000_000, 300, 32, 35141));
    assert_eq!((error, other), (Rcode::NOERROR, &[][..]));
    assert_eq!(tsig.to_string(), TSIG);
}

#[test]
fn a_message_without_tsig_has_none() {
    let bytes = message(&[(Section::Answer, A)]);
    let msg = Message::new_checked(&bytes[..]).unwrap();
    assert_eq!(msg.tsig().unwrap(), None);
    assert_eq!(Repr::parse(&msg).unwrap().tsig(), None);
}

#[test]
fn a_record_after_the_tsig_record_is_refused_at_the_tsig_record() {
    let bytes = message(&[(Section::Additional, TSIG), (Section::Additional, A)]);
    let (field, offset, text) = refused(&bytes);
    assert_eq!((field, offset), ("tsig", offsets(&bytes)[0]));
    assert!(text.contains("RFC 8945 §5.1: a TSIG record is the last record"), "{text}");
}

#[test]
fn a_tsig_record_in_the_answer_or_authority_section_is_refused() {
    for section in [Section::Answer, Section::Authority] {
        // Even as the last record of the message: it is not in the additional section.
        let bytes = message(&[(Section::Answer, A), (section, TSIG)]);
        let (field, offset, _) = refused(&bytes);
        assert_eq!((field, offset), ("tsig", offsets(&bytes)[1]), "{section:?}");
    }
}

#[test]
fn a_second_tsig_record_is_refused_at_the_second() {
    let bytes = message(&[(Section::Additional, TSIG), (Section::Additional, TSIG)]);
    let (field, offset, text) = refused(&bytes);
    assert_eq!((field, offset), ("tsig", offsets(&bytes)[1]));
    assert!(text.contains("RFC 8945 §5.1: at most one TSIG record"), "{text}");
}

#[test]
fn the_record_walk_yields_a_misplaced_tsig_record_without_complaint() {
    let bytes =
        message(&[(Section::Answer, TSIG), (Section::Additional, TSIG), (Section::Additional, A)]);
    let msg = Message::new_checked(&bytes[..]).unwrap();
    let types: Vec<Type> = msg.records().map(|r| r.unwrap().rtype).collect();
    assert_eq!(types, [Type::TSIG, Type::TSIG, Type::A]);
}

#[test]
fn the_dnspython_signed_query_parses_and_prints_as_dnspython() {
    // spec-vectors/dns/dnspython-rfc8945-tsig-signed.json: a query for www.example. A
    // signed by dnspython 2.3.0 with hmac-sha256 at time 1700000000.
    let bytes = hex(include_str!("../../../spec-vectors/dns/dnspython-rfc8945-tsig-signed.json"));
    let msg = Message::new_checked(&bytes[..]).unwrap();
    let tsig = Repr::parse(&msg).unwrap().tsig().unwrap();
    assert_eq!(tsig.to_string(), TSIG);
}

#[test]
fn tsig_rdata_errors_name_their_field_and_offset() {
    // hmac-md5.sig-alg.reg.int. would be long; a one-label algorithm "a.".
    let good = b"\x01a\x00\x00\x00\x65\x53\xf1\x00\x01\x2c\x00\x02\xab\xcd\x12\x34\x00\x00\x00\x00";
    let rdata = RData::parse(good, 0, good.len(), Type::TSIG).unwrap();
    assert_eq!(rdata.to_string(), "a. 1700000000 300 2 q80= 4660 NOERROR 0");
    // A MAC size past the RDATA.
    let mut long_mac = *good;
    long_mac[12] = 0x20;
    let e = RData::parse(&long_mac, 0, long_mac.len(), Type::TSIG).unwrap_err();
    assert_eq!((e.field(), e.offset()), ("mac", 13));
    // The algorithm name compressed (RFC 3597 §4: not in TSIG).
    let pointer = b"\x00\xc0\x00\x00\x00\x65\x53\xf1\x00\x01\x2c\x00\x00\x12\x34\x00\x00\x00\x00";
    let e = RData::parse(pointer, 1, pointer.len() - 1, Type::TSIG).unwrap_err();
    assert_eq!((e.field(), e.offset()), ("algorithm", 1));
    // An octet after Other Data.
    let mut trailing = good.to_vec();
    trailing.push(0);
    let e = RData::parse(&trailing, 0, trailing.len(), Type::TSIG).unwrap_err();
    assert_eq!((e.field(), e.offset()), ("rdata", good.len()));
}

#[test]
fn tsig_error_16_prints_as_badsig_and_reads_back() {
    let line = "key.example. 0 ANY TSIG hmac-sha256. 1700000000 300 0 35141 BADSIG 0";
    let r: wirestate_dns::RecordBuf = line.parse().unwrap();
    assert!(matches!(r.data().unwrap(), RData::Tsig { error: Rcode(16), .. }));
    assert_eq!(r.to_string(), line);
}

fn hex(vector: &str) -> Vec<u8> {
    let hex = vector.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}
