#![no_main]
//! Arbitrary owned messages (records canonicalised by their Arbitrary impl: RDATA
//! that does not decode as its type becomes TYPE65280) survive build -> parse.

use libfuzzer_sys::fuzz_target;
use wirestate_dns::{Message, MessageBuf, Repr};

fuzz_target!(|m: MessageBuf| {
    let Ok(bytes) = m.to_vec() else { return };
    let msg = Message::new_checked(&bytes[..]).expect("built header");
    let repr = Repr::parse(&msg).expect("built message parses");
    // Too many records for 65535 octets are dropped by the builder: compare only
    // what was kept.
    let back = MessageBuf::from_repr(&repr);
    if back.records.len() == m.records.len() && back.questions.len() == m.questions.len() {
        assert_eq!(back, m);
    }
});
