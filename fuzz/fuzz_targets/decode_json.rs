#![no_main]
//! Raw bytes through the CLI's decoder: as a frame of any link type (every layer,
//! DNS, DHCP and HTTP included, as JSON and as the text view's line) and through
//! every `wirestate parse` format. Never a panic, the JSON always serialises, and
//! the direct writer of `decode --json` writes the bytes serde_json writes.

use libfuzzer_sys::fuzz_target;
use wirestate::decode;
use wirestate_packet::{LinkType, Sliced};

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    // As packet_slice picks it: even is Ethernet, odd any link type.
    let link = if first & 1 == 0 {
        LinkType::Ethernet
    } else {
        LinkType::ALL[usize::from(first >> 1) % LinkType::ALL.len()]
    };
    // Sometimes pretend the capture was cut short of the wire length.
    let wire_len = bytes.len() + usize::from(first >> 4);
    let decoded = decode::frame(link, bytes, wire_len);
    serde_json::to_string(&decoded.to_json()).expect("serialises");
    // The direct writer `decode --json` uses writes what serde_json writes.
    let mut direct = Vec::new();
    let mut via_serde = Vec::new();
    for (layer, value) in decoded.layers.iter().zip(decoded.layers_json()) {
        layer.write_to(&mut direct);
        serde_json::to_writer(&mut via_serde, &value).expect("serialises");
    }
    assert_eq!(String::from_utf8_lossy(&direct), String::from_utf8_lossy(&via_serde));
    let line = decode::summary(&Sliced::new_captured(link, bytes, wire_len));
    assert!(!line.contains('\n'), "one line: {line:?}");
    let formats = decode::Format::all();
    let format = formats[usize::from(first >> 1) % formats.len()];
    let (Ok(v) | Err(v)) = decode::parse(format, bytes);
    serde_json::to_string(&v).expect("serialises");
});
