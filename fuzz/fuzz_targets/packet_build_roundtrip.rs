#![no_main]
//! A generated layer stack, built, sliced and rebuilt from the parsed reprs: the two
//! frames are the same bytes (lengths, protocol numbers and checksums included).

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use wirestate_packet::fuzzing::{build, layers, rebuild};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(l) = layers(&mut u) else { return };
    let Ok(frame) = build(&l).to_vec() else { return };
    assert_eq!(rebuild(&frame, l.ethernet.is_some()), frame);
});
