//! Slicing real frames, tagged frames and broken frames.

mod common;

use common::*;
use wirestate_packet::{LayerKind, LinkType, Net, Sliced, Transport};
use wirestate_wire::IpProtocol;

fn sliced(hex_frame: &str) -> (Vec<u8>, usize) {
    let f = hex(hex_frame);
    let n = f.len();
    (f, n)
}

#[test]
fn http_get_slices_to_tcp_with_its_request_as_payload() {
    let (f, _) = sliced(HTTP_GET);
    let s = Sliced::new(LinkType::Ethernet, &f);
    assert!(s.error.is_none());
    let link = s.link().unwrap();
    assert_eq!(link.tag_count(), 0);
    assert_eq!((s.net_offset(), s.transport_offset(), s.payload_offset()), (14, 34, 66));
    let Some(Transport::Tcp(tcp)) = s.transport() else { panic!("tcp") };
    assert_eq!(tcp.dst_port(), 80);
    assert!(s.payload().starts_with(b"GET / HTTP/1.1\r\n"));
    let (src, dst) = s.net().unwrap().addrs().unwrap();
    assert!(tcp.verify_checksum(src, dst));
}

#[test]
fn arp_ends_the_walk_with_no_payload() {
    let (f, _) = sliced(ARP_REQUEST);
    let s = Sliced::new(LinkType::Ethernet, &f);
    assert!(matches!(s.net(), Some(Net::Arp(_))));
    assert!(s.transport().is_none() && s.payload().is_empty() && s.error.is_none());
}

#[test]
fn mld_behind_hop_by_hop_reaches_icmpv6() {
    let (f, _) = sliced(MLD_HBH);
    let s = Sliced::new(LinkType::Ethernet, &f);
    assert!(s.error.is_none(), "{:?}", s.error);
    let Some(Net::Ipv6 { upper, upper_offset, .. }) = s.net() else { panic!("ipv6") };
    assert_eq!((upper, upper_offset), (IpProtocol::ICMPV6, 8));
    assert_eq!(s.transport_offset(), 14 + 40 + 8);
    let Some(Transport::Icmpv6(p)) = s.transport() else { panic!("icmpv6") };
    assert_eq!(p.msg_type().0, 143);
}

#[test]
fn single_and_stacked_vlan_tags_are_walked() {
    let base = hex(ICMP_ECHO);
    let one = tagged(&base, &[(0x8100, 0x2064)]); // PCP 1, VID 100
    let s = Sliced::new(LinkType::Ethernet, &one);
    assert!(s.error.is_none());
    let link = s.link().unwrap();
    let tags: Vec<u16> = link.tags().map(|t| t.vid()).collect();
    assert_eq!(tags, [100]);
    assert_eq!(link.tags().next().unwrap().pcp(), 1);
    assert_eq!(s.net_offset(), 18);
    assert!(matches!(s.transport(), Some(Transport::Icmpv4(_))));

    let qinq = tagged(&base, &[(0x88a8, 0x00c8), (0x8100, 0x0064)]);
    let s = Sliced::new(LinkType::Ethernet, &qinq);
    let link = s.link().unwrap();
    assert_eq!(link.tags().map(|t| t.vid()).collect::<Vec<_>>(), [200, 100]);
    assert_eq!(link.tpids().map(|t| t.0).collect::<Vec<_>>(), [0x88a8, 0x8100]);
    assert_eq!(link.ethertype.0, 0x0800);
    assert_eq!(s.net_offset(), 22);
}

#[test]
fn five_stacked_tags_are_malformed_at_the_fifth() {
    let base = hex(ICMP_ECHO);
    let f = tagged(&base, &[(0x88a8, 1), (0x8100, 2), (0x8100, 3), (0x8100, 4), (0x8100, 5)]);
    let s = Sliced::new(LinkType::Ethernet, &f);
    let e = s.error.unwrap();
    assert_eq!((e.layer, e.error.field(), e.error.offset()), (LayerKind::Vlan, "tpid", 30));
    assert_eq!(s.link().unwrap().tag_count(), 4);
}

#[test]
fn every_cut_of_a_frame_names_the_layer_it_cuts() {
    let f = hex(HTTP_GET);
    for cut in 0..f.len() {
        let s = Sliced::new(LinkType::Ethernet, &f[..cut]);
        let e = s.error.unwrap_or_else(|| panic!("cut at {cut} must fail"));
        let want = match cut {
            0..=13 => LayerKind::Ethernet,
            // The IPv4 total length covers the rest: any cut truncates IPv4.
            _ => LayerKind::Ipv4,
        };
        assert_eq!(e.layer, want, "cut at {cut}");
        assert!(e.error.offset() <= f.len());
    }
}

#[test]
fn a_bad_tcp_data_offset_is_reported_at_byte_12_of_tcp() {
    let mut f = hex(HTTP_GET);
    f[34 + 12] = 0x40; // data offset 4 words
    let s = Sliced::new(LinkType::Ethernet, &f);
    let e = s.error.unwrap();
    assert_eq!((e.layer, e.error.field(), e.error.offset()), (LayerKind::Tcp, "data_offset", 46));
    assert!(matches!(s.net(), Some(Net::Ipv4(_))));
    assert!(s.transport().is_none());
}

/// The first fragment carries the transport header (sliced as for a cut capture:
/// the datagram goes on past it); later fragments carry none and stay payload.
#[test]
fn only_the_first_ipv4_fragment_carries_transport() {
    let mut f = hex(ICMP_ECHO);
    f[14 + 6] = 0x20; // MF, offset 0
    let s = Sliced::new(LinkType::Ethernet, &f);
    assert!(s.error.is_none() && s.is_first_fragment() && !s.is_cut() && s.is_fragment());
    assert!(matches!(s.transport(), Some(Transport::Icmpv4(_))));
    f[14 + 7] = 0xb9; // MF, offset 185 units (1480 octets)
    let s = Sliced::new(LinkType::Ethernet, &f);
    assert!(s.error.is_none() && s.transport().is_none() && !s.is_first_fragment());
    assert!(s.is_fragment());
    assert_eq!(s.payload().len(), 28);
    f[14 + 6] = 0x00; // the last fragment
    let s = Sliced::new(LinkType::Ethernet, &f);
    assert!(s.transport().is_none() && !s.is_first_fragment() && s.is_fragment());
    f[14 + 7] = 0x00; // offset 0, no MF: not a fragment
    let s = Sliced::new(LinkType::Ethernet, &f);
    assert!(s.transport().is_some() && !s.is_first_fragment() && !s.is_fragment());
}

#[test]
fn raw_ip_link_type_starts_at_the_ip_header() {
    let f = hex(NA);
    let s = Sliced::new(LinkType::Ip, &f[14..]);
    assert!(s.link().is_none() && s.error.is_none());
    let Some(Transport::Icmpv6(p)) = s.transport() else { panic!("icmpv6") };
    assert_eq!(p.msg_type().0, 136);
    let f = hex(ICMP_ECHO);
    let s = Sliced::new(LinkType::Ip, &f[14..]);
    assert!(matches!(s.transport(), Some(Transport::Icmpv4(_))));
}

#[test]
fn unknown_ethertype_leaves_the_rest_as_payload() {
    let mut f = hex(ICMP_ECHO);
    f[12..14].copy_from_slice(&0x88b5u16.to_be_bytes()); // local experimental
    let s = Sliced::new(LinkType::Ethernet, &f);
    assert!(s.net().is_none() && s.error.is_none());
    assert_eq!(s.payload_offset(), 14);
    assert_eq!(s.payload().len(), f.len() - 14);
}

#[test]
fn a_capture_cut_by_a_snap_length_still_slices_its_headers() {
    let f = hex(HTTP_GET);
    let cut = &f[..80]; // headers (66 bytes) and 14 bytes of the request
                        // Strictly, the IPv4 total length runs past the end...
    let strict = Sliced::new(LinkType::Ethernet, cut);
    assert_eq!(strict.error.map(|e| e.layer), Some(LayerKind::Ipv4));
    // ...but told the frame was longer on the wire, slicing goes on.
    let s = Sliced::new_captured(LinkType::Ethernet, cut, f.len());
    assert!(s.is_cut() && s.error.is_none(), "{:?}", s.error);
    assert!(matches!(s.transport(), Some(Transport::Tcp(_))));
    assert_eq!(s.payload(), &f[66..80]);
    // A whole capture is sliced exactly as `new` does.
    let whole = Sliced::new_captured(LinkType::Ethernet, &f, f.len());
    assert!(!whole.is_cut() && whole.payload().len() == f.len() - 66);
}

#[test]
fn a_cut_udp_datagram_keeps_its_header() {
    let mut f = hex(ICMP_ECHO);
    // Rewrite the echo request into UDP to port 53 with a 20-byte payload, then cut it.
    f[14 + 9] = 17;
    let udp_len: u16 = 28;
    f[34..36].copy_from_slice(&5353u16.to_be_bytes());
    f[36..38].copy_from_slice(&53u16.to_be_bytes());
    f[38..40].copy_from_slice(&udp_len.to_be_bytes());
    let s = Sliced::new_captured(LinkType::Ethernet, &f[..50], f.len());
    assert!(s.error.is_none(), "{:?}", s.error);
    let Some(Transport::Udp(d)) = s.transport() else { panic!("udp") };
    assert_eq!((d.dst_port(), d.len(), d.payload().len()), (53, 28, 8));
}
