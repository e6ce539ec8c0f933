#![no_main]
//! Raw bytes into the DNS view: never panics; every iterator drains; a message that
//! parses re-emits through the compressing builder to a message that parses equal.

use libfuzzer_sys::fuzz_target;
use wirestate_dns::{Builder, Message, RData, Repr};

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = Message::new_checked(data) else { return };
    for q in msg.questions().flatten() {
        let _ = (q.to_string(), q.name.labels().count());
    }
    for r in msg.records().flatten() {
        let _ = r.to_string();
        if let RData::Opt(options) = r.rdata {
            options.iter().for_each(|o| drop(o.to_string()));
        }
    }
    let _ = (msg.rcode(), msg.tsig());
    let Ok(repr) = Repr::parse(&msg) else { return };
    let mut buf = vec![0u8; repr.buffer_len()];
    let mut b = Builder::new(&mut buf, &repr.header).expect("buffer holds a header");
    // A message past 65535 octets uncompressed may not fit again; nothing to compare.
    if !repr.emit(&mut b).expect("sections in order") {
        return;
    }
    let len = b.finish();
    let again = Message::new_checked(&buf[..len]).expect("emitted header");
    assert_eq!(Repr::parse(&again).expect("emitted message parses"), repr);
});
