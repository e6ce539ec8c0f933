#![no_main]
//! Arbitrary IPv4 and IPv6 fragments (a few datagrams, any offsets, flags, lengths
//! and octets, some cut short as by a snap length, some IPv6 ones behind a
//! hop-by-hop header) and arbitrary frames, through IP reassembly with small bounds
//! and on as `decode --json` takes them: a completed datagram to stream
//! reassembly, then the frame's decode. Never a panic, the JSON always serialises,
//! a completed datagram is one sound IP packet of at most 65,535 octets, and after
//! every frame the octets held stay within the per-datagram and total bounds and
//! the datagrams within their count.

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wirestate::decode::defrag::{Config, Defragmenter, Fragment};
use wirestate::decode::{self, reassembly::Reassembler};
use wirestate_packet::{LinkType, Sliced};

#[derive(Arbitrary, Debug)]
enum Op {
    Fragment {
        v6: bool,
        /// Which of 4 datagrams.
        id: u8,
        /// The upper protocol: ICMP, UDP, TCP or another.
        upper: u8,
        /// In 8-octet units: near 0 unless `absolute`.
        offset: u16,
        absolute: bool,
        more: bool,
        hop_by_hop: bool,
        data: Vec<u8>,
        /// Octets on the wire past what was captured.
        cut: u8,
    },
    /// Any bytes as a raw IP packet.
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    max_datagrams: u8,
    max_datagram_bytes: u16,
    max_total_bytes: u16,
    ops: Vec<Op>,
}

fn fragment(v6: bool, id: u8, upper: u8, offset: u16, more: bool, hbh: bool, data: &[u8]) -> Vec<u8> {
    let proto = [1u8, 17, 6, 99][usize::from(upper % 4)];
    let len = data.len().min(65_000);
    let data = &data[..len];
    let frag = (offset & 0x1fff) << 3;
    if !v6 {
        let mut p = vec![0x45, 0];
        p.extend_from_slice(&((20 + len) as u16).to_be_bytes());
        p.extend_from_slice(&u16::from(id % 4).to_be_bytes());
        p.extend_from_slice(&((frag >> 3) | if more { 0x2000 } else { 0 }).to_be_bytes());
        p.extend_from_slice(&[64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
        p.extend_from_slice(data);
        return p;
    }
    let proto = if proto == 1 { 58 } else { proto };
    let mut ext = Vec::new();
    if hbh {
        ext.extend_from_slice(&[44, 0, 1, 4, 0, 0, 0, 0]);
    }
    ext.extend_from_slice(&[proto, 0]);
    ext.extend_from_slice(&(frag | u16::from(more)).to_be_bytes());
    ext.extend_from_slice(&u32::from(id % 4).to_be_bytes());
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&((ext.len() + len) as u16).to_be_bytes());
    p.extend_from_slice(&[if hbh { 0 } else { 44 }, 64]);
    p.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    p.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    p.extend_from_slice(&ext);
    p.extend_from_slice(data);
    p
}

fuzz_target!(|input: Input| {
    let config = Config {
        max_datagrams: usize::from(input.max_datagrams % 8) + 1,
        max_datagram_bytes: usize::from(input.max_datagram_bytes) * 4,
        max_total_bytes: usize::from(input.max_total_bytes) * 4,
    };
    let per_datagram = config.max_datagram_bytes.min(config.max_total_bytes);
    let mut defrag = Defragmenter::new(config);
    let mut streams = Reassembler::new(Default::default());
    for (i, op) in input.ops.iter().enumerate() {
        let (packet, cut) = match op {
            Op::Fragment { v6, id, upper, offset, absolute, more, hop_by_hop, data, cut } => {
                let offset = if *absolute { *offset } else { offset % 64 };
                (fragment(*v6, *id, *upper, offset, *more, *hop_by_hop, data), usize::from(cut % 4))
            }
            Op::Raw(bytes) => (bytes.clone(), 0),
        };
        let sliced = Sliced::new_captured(LinkType::Ip, &packet, packet.len() + cut);
        let index = i as u64 + 1;
        let fragment = defrag.frame(index, &sliced);
        let tcp = match &fragment {
            Some(Fragment::Complete(d)) => {
                assert!(d.len() <= 65_535 && d.packet.len() <= 65_535 + 40);
                assert!(d.fragments >= 1 && d.first_frame <= index);
                let whole = Sliced::new(LinkType::Ip, &d.packet);
                assert!(!whole.is_fragment());
                let ip_failed = whole.error.is_some_and(|e| e.layer.name().starts_with("ip"));
                assert!(!ip_failed, "{:?}", whole.error);
                streams.frame(index, &whole)
            }
            Some(Fragment::Held) => None,
            None => streams.frame(index, &sliced),
        };
        let decoded = decode::with_defrag(&sliced, fragment, tcp);
        serde_json::to_string(&decoded.to_json()).expect("serialises");
        assert!(defrag.held_bytes() <= config.max_total_bytes, "{} held", defrag.held_bytes());
        assert!(defrag.max_datagram_held() <= per_datagram, "{}", defrag.max_datagram_held());
        assert!(defrag.datagrams() <= config.max_datagrams);
    }
});
