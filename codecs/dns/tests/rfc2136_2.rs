//! RFC 2136 §2: the UPDATE message. Its sections are Zone, Prerequisite, Update and
//! Additional; prerequisites (§2.4.1, §2.4.3-§2.4.5) and updates (§2.5.2, §2.5.3)
//! of class ANY or NONE carry no RDATA ("RDLENGTH is zero"), which is accepted in
//! an UPDATE and nowhere else.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use wirestate_dns::{
    Builder, Class, Message, MessageBuf, Opcode, RData, RecordBuf, Repr, Section, Type,
};

/// spec-vectors/dns/dnspython-rfc2136-update.json: zone example., prerequisites
/// ANY ANY, ANY A, IN MX, NONE ANY, NONE AAAA; updates add, delete an RRset, delete
/// all RRsets, delete an RR; built by dnspython 2.3.0.
fn dnspython_update() -> Vec<u8> {
    let vector = include_str!("../../../spec-vectors/dns/dnspython-rfc2136-update.json");
    let hex = vector.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn prerequisites_and_updates_without_rdata_are_accepted_in_an_update() {
    let bytes = dnspython_update();
    let msg = Message::new_checked(&bytes[..]).unwrap();
    assert_eq!(msg.opcode(), Opcode::UPDATE);
    let repr = Repr::parse(&msg).unwrap();
    let zone: Vec<String> = repr.questions().map(|q| q.unwrap().to_string()).collect();
    assert_eq!(zone, ["example. IN SOA"]);
    let lines: Vec<(Section, String)> =
        repr.records().map(|r| r.unwrap()).map(|r| (r.section, r.to_string())).collect();
    let (p, u) = (Section::Answer, Section::Authority);
    let expect = [
        (p, "www.example. 0 ANY ANY"),               // §2.4.4 name is in use
        (p, "www.example. 0 ANY A"),                 // §2.4.1 RRset exists (value independent)
        (p, "mail.example. 0 IN MX 10 mx.example."), // §2.4.2 value dependent
        (p, "gone.example. 0 NONE ANY"),             // §2.4.5 name is not in use
        (p, "gone.example. 0 NONE AAAA"),            // §2.4.3 RRset does not exist
        (u, "new.example. 300 IN A 192.0.2.1"),      // §2.5.1 add to an RRset
        (u, "old.example. 0 ANY A"),                 // §2.5.2 delete an RRset
        (u, "all.example. 0 ANY ANY"),               // §2.5.3 delete all RRsets from a name
        (u, "www.example. 0 NONE A 192.0.2.2"),      // §2.5.4 delete an RR from an RRset
    ];
    let expect: Vec<(Section, String)> = expect.iter().map(|(s, l)| (*s, l.to_string())).collect();
    assert_eq!(lines, expect);
    let empty = repr.records().filter(|r| matches!(r.unwrap().rdata, RData::Empty(_))).count();
    assert_eq!(empty, 6);
    let second = repr.records().nth(1).unwrap().unwrap();
    assert_eq!((second.rdata, second.rdata.rtype()), (RData::Empty(Type::A), Type::A));
    assert_eq!(second.rdata.to_string(), "");
}

#[test]
fn the_same_records_outside_an_update_are_refused() {
    let mut bytes = dnspython_update();
    let mut msg = Message::new_unchecked(&mut bytes[..]);
    msg.set_opcode(Opcode::QUERY);
    let msg = Message::new_checked(&bytes[..]).unwrap();
    // The first prerequisite, www.example. ANY ANY, is kept as TYPE ANY's octets
    // (none); the second, ANY A, is an A record of 0 octets.
    let err = Repr::parse(&msg).unwrap_err();
    assert_eq!(err.field(), "rdata");
    let walk: Vec<_> = msg.records().collect();
    assert!(
        matches!(walk[0], Ok(ref r) if r.rdata == RData::Unknown { rtype: Type::ANY, data: &[] })
    );
    assert_eq!(walk[1].as_ref().unwrap_err(), &err);
}

#[test]
fn empty_rdata_of_class_in_is_refused_even_in_an_update() {
    // UPDATE, one update record: x. 0 IN A with RDLENGTH 0.
    let bytes = b"\x00\x01\x28\x00\x00\x00\x00\x00\x00\x01\x00\x00\
                  \x01x\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00";
    let msg = Message::new_checked(&bytes[..]).unwrap();
    let err = Repr::parse(&msg).unwrap_err();
    assert_eq!((err.field(), err.offset()), ("rdata", bytes.len()));
    // With class NONE it is the §2.4.3 form.
    let mut none = bytes.to_vec();
    none[18] = 0xfe;
    let msg = Message::new_checked(&none[..]).unwrap();
    let r = Repr::parse(&msg).unwrap().records().next().unwrap().unwrap();
    assert_eq!((r.class, r.rdata), (Class::NONE, RData::Empty(Type::A)));
}

#[test]
fn an_opt_record_in_an_update_stays_opt() {
    // UPDATE with one additional record: OPT whose UDP size is 255 (the value of
    // class ANY) and no options.
    let bytes = b"\x00\x01\x28\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x29\x00\xff\0\0\0\0\0\0";
    let msg = Message::new_checked(&bytes[..]).unwrap();
    let opt = msg.opt().unwrap().unwrap();
    assert_eq!(opt.udp_size, 255);
    assert_eq!(Repr::parse(&msg).unwrap().opt, Some(opt));
}

#[test]
fn an_update_rebuilds_and_reparses_equal() {
    let bytes = dnspython_update();
    let msg = Message::new_checked(&bytes[..]).unwrap();
    let repr = Repr::parse(&msg).unwrap();
    let mut buf = vec![0u8; repr.buffer_len()];
    let mut b = Builder::new(&mut buf, &repr.header).unwrap();
    assert!(repr.emit(&mut b).unwrap());
    let len = b.finish();
    // dnspython compresses as this builder does: the same octets.
    assert_eq!(buf[..len], bytes[..]);
    let owned = MessageBuf::from_repr(&repr);
    let again = owned.to_vec().unwrap();
    assert_eq!(
        MessageBuf::from_repr(&Repr::parse(&Message::new_checked(&again[..]).unwrap()).unwrap()),
        owned
    );
}

#[test]
fn a_record_without_rdata_reads_and_prints_as_a_zone_file_line() {
    for line in ["www.example. 0 ANY A", "gone.example. 0 NONE ANY", "x. 0 ANY TYPE65280"] {
        let r: RecordBuf = line.parse().unwrap();
        assert!(r.rdata.is_empty());
        assert!(matches!(r.data().unwrap(), RData::Empty(t) if t == r.rtype));
        assert_eq!(r.to_string(), line);
    }
    // Class IN still needs its RDATA.
    let e = "www.example. 0 IN A".parse::<RecordBuf>().unwrap_err();
    assert_eq!((e.field(), e.offset()), ("A", 19));
}

#[test]
fn section_names_follow_rfc2136_in_an_update() {
    let names =
        |op| [Section::Answer, Section::Authority, Section::Additional].map(|s| s.name_in(op));
    assert_eq!(names(Opcode::UPDATE), ["prerequisite", "update", "additional"]);
    assert_eq!(names(Opcode::QUERY), ["answer", "authority", "additional"]);
}
