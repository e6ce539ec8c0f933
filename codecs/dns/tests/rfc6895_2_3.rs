//! RFC 6895 §2.3: RCODE is 4 bits in the header, 12 with EDNS(0) (RFC 6891
//! §6.1.3); IANA's "DNS RCODEs" registry names some. One without a name prints as
//! its number, as dnspython and dig print it (and as an opcode prints).

#![allow(clippy::unwrap_used, reason = "tests")]

use wirestate_dns::{Builder, Header, Message, Rcode, Repr};

#[test]
fn a_registered_rcode_prints_its_mnemonic() {
    let cases = [
        (0, "NOERROR"),
        (5, "REFUSED"),
        (9, "NOTAUTH"),
        (11, "DSOTYPENI"),
        (16, "BADVERS"),
        (18, "BADTIME"),
        (22, "BADTRUNC"),
        (23, "BADCOOKIE"),
    ];
    for (v, m) in cases {
        assert_eq!(Rcode(v).to_string(), m);
        assert_eq!(Rcode::from_mnemonic(m), Some(Rcode(v)));
    }
}

#[test]
fn an_rcode_without_a_mnemonic_prints_as_its_number() {
    for v in [12, 13, 14, 15, 24, 3841, 4095] {
        assert_eq!(Rcode(v).to_string(), v.to_string());
        assert_eq!(Rcode(v).mnemonic(), None);
    }
}

#[test]
fn a_12_bit_rcode_from_the_header_and_opt_prints_as_its_number() {
    // 3841 = 0xf01: 1 in the header, 0xf0 in OPT's extended RCODE.
    let mut buf = [0u8; 64];
    let mut b =
        Builder::new(&mut buf, &Header { qr: true, rcode: 1, ..Header::default() }).unwrap();
    b.edns(1232, 0xf0, 0, false, &[]).unwrap();
    let len = b.finish();
    let msg = Message::new_checked(&buf[..len]).unwrap();
    assert_eq!(Repr::parse(&msg).unwrap().rcode().to_string(), "3841");
}
