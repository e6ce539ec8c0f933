#![no_main]
//! Raw bytes through the slicer, as an Ethernet frame or a bare IP packet: never a
//! panic, and every view it hands out passes its own checked constructor.

use libfuzzer_sys::fuzz_target;
use wirestate_packet::{fuzzing::exercise, LinkType};

fuzz_target!(|data: &[u8]| {
    let Some((&first, frame)) = data.split_first() else { return };
    let link = if first & 1 == 0 { LinkType::Ethernet } else { LinkType::Ip };
    exercise(link, frame);
});
