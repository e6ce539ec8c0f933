#![no_main]
//! Raw bytes through the slicer as a frame of any link type: never a panic, and
//! every view it hands out passes its own checked constructor.
//!
//! The first byte picks the link type: even is Ethernet (so the Ethernet frames of
//! the seed corpus slice as such), odd picks `LinkType::ALL[(byte >> 1) % 9]`
//! (`cargo xtask fuzz` seeds every link type this way).

use libfuzzer_sys::fuzz_target;
use wirestate_packet::{fuzzing::exercise, LinkType};

fuzz_target!(|data: &[u8]| {
    let Some((&first, frame)) = data.split_first() else { return };
    let link = if first & 1 == 0 {
        LinkType::Ethernet
    } else {
        LinkType::ALL[usize::from(first >> 1) % LinkType::ALL.len()]
    };
    exercise(link, frame);
});
