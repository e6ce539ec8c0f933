#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wirestate_packet::{LinkType, Sliced};

use super::{Config, Datagram, Defragmenter, Fragment};

/// An IPv4 fragment (raw IP) of datagram `id`, protocol ICMP, `data` at `offset`.
fn v4(id: u16, offset: usize, more: bool, data: &[u8]) -> Vec<u8> {
    v4_with(id, 1, offset, more, data)
}

fn v4_with(id: u16, protocol: u8, offset: usize, more: bool, data: &[u8]) -> Vec<u8> {
    let total = (20 + data.len()) as u16;
    let flags = (if more { 0x2000 } else { 0 }) | (offset / 8) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(&flags.to_be_bytes());
    p.extend_from_slice(&[64, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    p.extend_from_slice(data);
    p
}

/// An IPv6 fragment (raw IP) of datagram `id`, next header ICMPv6, `data` at
/// `offset`, with a hop-by-hop options header before the fragment header when
/// `hop_by_hop`.
fn v6(id: u32, offset: usize, more: bool, data: &[u8], hop_by_hop: bool) -> Vec<u8> {
    let mut ext = Vec::new();
    let first = if hop_by_hop {
        // Hop-by-hop: next header 44 (fragment), length 0, a PadN of 4.
        ext.extend_from_slice(&[44, 0, 1, 4, 0, 0, 0, 0]);
        0
    } else {
        44
    };
    ext.extend_from_slice(&[58, 0]);
    ext.extend_from_slice(&((offset as u16) | u16::from(more)).to_be_bytes());
    ext.extend_from_slice(&id.to_be_bytes());
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&((ext.len() + data.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[first, 64]);
    p.extend_from_slice(&[0xfd, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    p.extend_from_slice(&[0xfd, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    p.extend_from_slice(&ext);
    p.extend_from_slice(data);
    p
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

struct Run {
    d: Defragmenter,
    frame: u64,
}

impl Run {
    fn new() -> Self {
        Self::with(Config::default())
    }

    fn with(config: Config) -> Self {
        Run { d: Defragmenter::new(config), frame: 0 }
    }

    fn feed(&mut self, packet: &[u8]) -> Option<Fragment> {
        self.frame += 1;
        self.d.frame(self.frame, &Sliced::new(LinkType::Ip, packet))
    }

    fn held(&mut self, packet: &[u8]) {
        assert_eq!(self.feed(packet), Some(Fragment::Held), "frame {}", self.frame + 1);
    }

    fn complete(&mut self, packet: &[u8]) -> Datagram {
        match self.feed(packet) {
            Some(Fragment::Complete(d)) => d,
            other => panic!("frame {}: {other:?}", self.frame),
        }
    }
}

/// The data of a rebuilt datagram.
fn payload(d: &Datagram) -> &[u8] {
    &d.packet[d.data_offset..]
}

#[test]
fn fragments_in_order_complete_on_the_last() {
    let all = data(3000);
    let mut r = Run::new();
    r.held(&v4(7, 0, true, &all[..1480]));
    r.held(&v4(7, 1480, true, &all[1480..2960]));
    let d = r.complete(&v4(7, 2960, false, &all[2960..]));
    assert_eq!(payload(&d), &all[..]);
    assert_eq!((d.fragments, d.first_frame, d.len()), (3, 1, 3000));
    // The rebuilt header: the whole length, no fragment fields, a sound checksum.
    let whole = Sliced::new(LinkType::Ip, &d.packet);
    assert!(whole.error.is_none() && !whole.is_fragment());
    assert_eq!(u16::from_be_bytes([d.packet[2], d.packet[3]]), 3020);
    match whole.net() {
        Some(wirestate_packet::Net::Ipv4(p)) => assert!(p.verify_checksum()),
        other => panic!("{other:?}"),
    }
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (0, 0));
}

#[test]
fn fragments_out_of_order_and_the_last_first_complete_on_the_one_that_fills_the_hole() {
    let all = data(3000);
    let mut r = Run::new();
    r.held(&v4(9, 2960, false, &all[2960..]));
    r.held(&v4(9, 0, true, &all[..1480]));
    let d = r.complete(&v4(9, 1480, true, &all[1480..2960]));
    assert_eq!(payload(&d), &all[..]);
    assert_eq!((d.fragments, d.first_frame), (3, 1));
}

#[test]
fn a_non_fragment_is_not_taken() {
    let mut r = Run::new();
    assert_eq!(r.feed(&v4(1, 0, false, &data(100))), None);
    // An IPv6 atomic fragment (offset 0, no M; RFC 6946) is a whole packet.
    assert_eq!(r.feed(&v6(1, 0, false, &data(16), false)), None);
    assert_eq!(r.d.datagrams(), 0);
}

#[test]
fn an_exact_duplicate_adds_nothing_but_is_counted() {
    let all = data(2000);
    let mut r = Run::new();
    r.held(&v4(3, 0, true, &all[..1000]));
    r.held(&v4(3, 0, true, &all[..1000]));
    assert_eq!(r.d.held_bytes(), 1000);
    let d = r.complete(&v4(3, 1000, false, &all[1000..]));
    assert_eq!(payload(&d), &all[..]);
    // tshark's ip.fragment.count counts the duplicate too.
    assert_eq!(d.fragments, 3);
}

/// tshark's order: by offset, equal offsets by arrival; each octet comes from the
/// fragment of lowest offset that holds it.
#[test]
fn ipv4_overlaps_are_resolved_in_offset_order_as_tshark_does() {
    let all = data(3000);
    let mut r = Run::new();
    r.held(&v4(5, 0, true, &all[..1480]));
    r.held(&v4(5, 1480, true, &all[1480..2960]));
    // Inside the first: the first's octets stay.
    r.held(&v4(5, 8, true, &[0xdd; 8]));
    // Across the first two, at a lower offset than the second: wins at 1480..1488.
    r.held(&v4(5, 1472, true, &[0xee; 16]));
    let d = r.complete(&v4(5, 2960, false, &all[2960..]));
    let mut want = all.clone();
    want[1480..1488].fill(0xee);
    assert_eq!(payload(&d), &want[..]);
    assert_eq!(d.fragments, 5);
}

#[test]
fn ipv6_fragments_out_of_order_complete_without_the_unfragmentable_part() {
    let all = data(3000);
    let mut r = Run::new();
    r.held(&v6(0xabc, 1448, true, &all[1448..2896], true));
    r.held(&v6(0xabc, 2896, false, &all[2896..], true));
    let d = r.complete(&v6(0xabc, 0, true, &all[..1448], true));
    assert_eq!(payload(&d), &all[..]);
    assert_eq!((d.fragments, d.first_frame, d.data_offset), (3, 1, 40));
    // The fixed header names the fragmentable part's first header; the payload
    // length is the whole data's.
    assert_eq!(d.packet[6], 58);
    assert_eq!(u16::from_be_bytes([d.packet[4], d.packet[5]]), 3000);
}

#[test]
fn an_ipv6_overlap_abandons_the_datagram_and_its_later_fragments() {
    let all = data(3000);
    let mut r = Run::new();
    r.held(&v6(0x55, 0, true, &all[..1448], false));
    r.held(&v6(0x55, 8, true, &[0xcc; 16], false));
    assert_eq!(r.d.held_bytes(), 0);
    r.held(&v6(0x55, 1448, true, &all[1448..2896], false));
    r.held(&v6(0x55, 2896, false, &all[2896..], false));
    // Even the whole datagram sent again: the identification is remembered.
    r.held(&v6(0x55, 0, true, &all[..1448], false));
    assert_eq!(r.d.held_bytes(), 0);
    // Another identification is not affected.
    r.held(&v6(0x56, 0, true, &all[..1448], false));
    r.held(&v6(0x56, 1448, true, &all[1448..2896], false));
    let d = r.complete(&v6(0x56, 2896, false, &all[2896..], false));
    assert_eq!(payload(&d), &all[..]);
}

#[test]
fn an_ipv6_exact_duplicate_is_no_overlap() {
    let all = data(2000);
    let mut r = Run::new();
    r.held(&v6(8, 0, true, &all[..1000], false));
    r.held(&v6(8, 0, true, &all[..1000], false));
    let d = r.complete(&v6(8, 1000, false, &all[1000..], false));
    assert_eq!((payload(&d), d.fragments), (&all[..], 3));
}

#[test]
fn an_ipv6_fragment_with_more_and_a_length_not_a_multiple_of_8_is_discarded() {
    let all = data(2000);
    let mut r = Run::new();
    r.held(&v6(4, 0, true, &all[..1001], false));
    r.held(&v6(4, 1000, false, &all[1000..], false));
    assert_eq!(r.d.held_bytes(), 1000);
    // The right first fragment completes it.
    let d = r.complete(&v6(4, 0, true, &all[..1000], false));
    assert_eq!(d.fragments, 2);
}

#[test]
fn a_datagram_over_65535_octets_is_refused_and_dropped() {
    let mut r = Run::new();
    r.held(&v4(2, 0, true, &data(1480)));
    // 20 + 65512 + 8 = 65540 octets of total length.
    r.held(&v4(2, 65512, false, &[0; 8]));
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (0, 0));
    // At the limit exactly, it completes: 20 + 65512 + 3 = 65535.
    let mut r = Run::new();
    let big = data(65515);
    for at in (0..65512).step_by(1480) {
        let end = (at + 1480).min(65512);
        r.held(&v4(2, at, true, &big[at..end]));
    }
    let d = r.complete(&v4(2, 65512, false, &big[65512..]));
    assert_eq!((d.len(), d.packet.len()), (65515, 65535));
}

#[test]
fn an_ipv6_payload_over_65535_octets_is_refused() {
    let mut r = Run::new();
    r.held(&v6(2, 0, true, &data(1448), false));
    r.held(&v6(2, 65528, false, &[0; 16], false));
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (0, 0));
}

#[test]
fn last_fragments_that_disagree_on_the_end_drop_the_datagram() {
    let mut r = Run::new();
    r.held(&v4(6, 1000, false, &data(1000)));
    r.held(&v4(6, 1000, false, &data(800)));
    assert_eq!(r.d.datagrams(), 0);
    // Data past the end set by the last fragment.
    r.held(&v4(6, 1000, false, &data(1000)));
    r.held(&v4(6, 2000, true, &data(8)));
    assert_eq!(r.d.datagrams(), 0);
}

#[test]
fn a_fragment_cut_by_the_snap_length_drops_its_datagram() {
    let all = data(2000);
    let mut r = Run::new();
    r.held(&v4(11, 1000, false, &all[1000..]));
    let first = v4(11, 0, true, &all[..1000]);
    r.frame += 1;
    let cut = Sliced::new_captured(LinkType::Ip, &first[..500], first.len());
    assert_eq!(r.d.frame(r.frame, &cut), Some(Fragment::Held));
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (0, 0));
}

#[test]
fn datagrams_past_the_count_bound_forget_the_least_recently_used() {
    let all = data(2000);
    let mut r = Run::with(Config { max_datagrams: 2, ..Config::default() });
    r.held(&v4(1, 0, true, &all[..1000]));
    r.held(&v4(2, 0, true, &all[..1000]));
    // Datagram 1 used again: 2 is now the least recently used.
    r.held(&v4(1, 0, true, &all[..1000]));
    r.held(&v4(3, 0, true, &all[..1000]));
    assert_eq!(r.d.datagrams(), 2);
    r.complete(&v4(1, 1000, false, &all[1000..]));
    r.held(&v4(2, 1000, false, &all[1000..]));
    r.complete(&v4(3, 1000, false, &all[1000..]));
}

#[test]
fn bytes_past_the_total_bound_forget_the_least_recently_used() {
    let all = data(3000);
    let config = Config { max_total_bytes: 4000, ..Config::default() };
    let mut r = Run::with(config);
    for id in 1..=3 {
        r.held(&v4(id, 0, true, &all[..1480]));
        assert!(r.d.held_bytes() <= 4000);
    }
    // 3 × 1480 is over 4000: datagram 1 went.
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (2, 2960));
    // Datagram 1 again starts afresh, and pushes out 2, now the oldest.
    r.held(&v4(1, 1480, false, &all[1480..]));
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (2, 1480 + 1520));
    // Adding to 3 pushes out 1: 3 is whole, never evicted for its own fragment.
    r.held(&v4(3, 1480, true, &all[1480..2960]));
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (1, 2960));
    r.complete(&v4(3, 2960, false, &all[2960..]));
}

#[test]
fn a_datagram_over_its_own_bound_is_dropped() {
    let config = Config { max_datagram_bytes: 3000, ..Config::default() };
    let mut r = Run::with(config);
    r.held(&v4(1, 0, true, &data(1480)));
    r.held(&v4(1, 8, true, &[1; 1480]));
    // 2,960 held; one more overlapping fragment goes over 3,000.
    r.held(&v4(1, 16, true, &[2; 1480]));
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (0, 0));
}

#[test]
fn a_datagram_of_more_than_max_fragments_is_dropped() {
    let mut r = Run::new();
    // 8-octet fragments: the largest count a datagram may have, then one more.
    for i in 0..super::MAX_FRAGMENTS {
        r.held(&v4(1, 8 * i, true, &[i as u8; 8]));
    }
    assert_eq!(r.d.datagrams(), 1);
    r.held(&v4(1, 8 * super::MAX_FRAGMENTS, false, &[0; 8]));
    assert_eq!((r.d.datagrams(), r.d.held_bytes()), (0, 0));
    // One fewer completes.
    let mut r = Run::new();
    for i in 0..super::MAX_FRAGMENTS - 1 {
        r.held(&v4(1, 8 * i, true, &[i as u8; 8]));
    }
    let d = r.complete(&v4(1, 8 * (super::MAX_FRAGMENTS - 1), false, &[0; 8]));
    assert_eq!(d.fragments as usize, super::MAX_FRAGMENTS);
}

#[test]
fn fragments_of_different_datagrams_interleave() {
    let (a, b) = (data(2000), data(1600));
    let mut r = Run::new();
    r.held(&v4(1, 0, true, &a[..1000]));
    r.held(&v4_with(1, 17, 0, true, &b[..800]));
    // Same id, other protocol: another datagram (RFC 791's key has the protocol).
    let db = r.complete(&v4_with(1, 17, 800, false, &b[800..]));
    let da = r.complete(&v4(1, 1000, false, &a[1000..]));
    assert_eq!((payload(&da), payload(&db)), (&a[..], &b[..]));
    assert_eq!((da.first_frame, db.first_frame), (1, 2));
}

#[test]
fn a_completed_datagram_decodes_whole_on_its_frame_and_fragments_show_as_payload() {
    // An ICMP echo of 2,000 octets of data, checksum over the whole message.
    let mut icmp = vec![8, 0, 0, 0, 0, 1, 0, 1];
    icmp.extend_from_slice(&data(2000));
    let sum = wirestate_wire::checksum::checksum(&icmp);
    icmp[2..4].copy_from_slice(&sum.to_be_bytes());
    let (first, last) = (v4(21, 0, true, &icmp[..1480]), v4(21, 1480, false, &icmp[1480..]));
    let mut r = Run::new();
    let f = r.feed(&first);
    let decoded = super::super::with_defrag(&Sliced::new(LinkType::Ip, &first), f, None);
    let protos: Vec<_> = decoded.layers.iter().map(|l| l.get("proto").cloned()).collect();
    assert_eq!(protos, [Some("ipv4".into()), Some("payload".into())]);
    assert_eq!(decoded.layers[1].get("len"), Some(&1480u64.into()));
    assert!(decoded.error.is_none());
    let f = r.feed(&last);
    let decoded = super::super::with_defrag(&Sliced::new(LinkType::Ip, &last), f, None);
    let json = decoded.to_json();
    assert_eq!(json["layers"][0]["reassembled"]["fragments"], 2);
    assert_eq!(json["layers"][0]["reassembled"]["first_frame"], 1);
    assert_eq!(json["layers"][0]["reassembled"]["len"], 2008);
    assert_eq!(json["layers"][1]["proto"], "icmpv4");
    assert_eq!(json["layers"][1]["checksum_ok"], true);
    assert_eq!(json["layers"][1]["data_len"], 2000);
    assert!(json["error"].is_null() && json["layers"].as_array().unwrap().len() == 2);
    // Without IP reassembly, the first fragment is decoded laxly, as before.
    let alone = super::super::sliced(&Sliced::new(LinkType::Ip, &first)).to_json();
    assert_eq!(
        (alone["layers"][1]["proto"].as_str(), alone["error"]["field"].as_str()),
        (Some("icmpv4"), Some("fragment"))
    );
}
