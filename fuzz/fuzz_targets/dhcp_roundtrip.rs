#![no_main]
//! Arbitrary DHCP reprs: emit, parse back, compare. A repr is canonical when its
//! option octets are valid options (arbitrary octets often are not); for the
//! others, parsing the emitted message fails exactly as validating the options does.

use libfuzzer_sys::fuzz_target;
use wirestate_dhcp::{Message, Options, Repr};

fuzz_target!(|repr: Repr| {
    let mut buf = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut buf[..]));
    let msg = Message::new_checked(&buf[..]).expect("emitted header and cookie are valid");
    match Options::new(&buf).validate() {
        Ok(_) => assert_eq!(Repr::parse(&msg).expect("valid options parse"), repr),
        Err(e) => assert_eq!(Repr::parse(&msg).expect_err("invalid options fail"), e),
    }
});
