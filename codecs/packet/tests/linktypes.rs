//! Slicing frames of every link type captures carry: Linux cooked v1 and v2, BSD
//! loopback (NULL and LOOP), PPP, raw IPv4 and IPv6, and their broken headers.

mod common;

use common::*;
use wirestate_packet::{
    null, ppp, sll, sll2, LayerKind, LinkLayer, LinkType, Net, Sliced, Transport,
};

/// The IP packet (or ARP body) of one of the common Ethernet frames, and its EtherType.
fn inner(eth_hex: &str) -> (Vec<u8>, [u8; 2]) {
    let f = hex(eth_hex);
    (f[14..].to_vec(), [f[12], f[13]])
}

fn sll_v1(pkttype: u16, hatype: u16, addr: &[u8], protocol: [u8; 2], body: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&pkttype.to_be_bytes());
    f.extend_from_slice(&hatype.to_be_bytes());
    f.extend_from_slice(&(addr.len() as u16).to_be_bytes());
    let mut field = [0u8; 8];
    field[..addr.len().min(8)].copy_from_slice(&addr[..addr.len().min(8)]);
    f.extend_from_slice(&field);
    f.extend_from_slice(&protocol);
    f.extend_from_slice(body);
    f
}

#[test]
fn sll_v1_carrying_tcp_slices_like_the_ethernet_frame() {
    let (ip, ethertype) = inner(HTTP_GET);
    let f = sll_v1(4, 1, &[2, 0, 0, 0, 0, 2], ethertype, &ip);
    let s = Sliced::new(LinkType::LinuxSll, &f);
    assert!(s.error.is_none());
    assert!(s.link().is_none(), "link() is Ethernet's alone");
    let Some(LinkLayer::Sll(h)) = s.link_layer() else { panic!("sll") };
    assert_eq!((h.pkttype(), h.hatype(), h.halen(), h.protocol()), (4, 1, 6, 0x0800));
    assert_eq!(h.addr(), &[2, 0, 0, 0, 0, 2]);
    assert_eq!((s.net_offset(), s.transport_offset(), s.payload_offset()), (16, 36, 68));
    let Some(Transport::Tcp(tcp)) = s.transport() else { panic!("tcp") };
    assert_eq!(tcp.dst_port(), 80);
    assert!(s.payload().starts_with(b"GET / HTTP/1.1\r\n"));
}

#[test]
fn sll_v1_carries_arp_and_an_unknown_protocol_as_payload() {
    let (arp, ethertype) = inner(ARP_REQUEST);
    let f = sll_v1(1, 1, &[2, 0, 0, 0, 0, 1], ethertype, &arp);
    let s = Sliced::new(LinkType::LinuxSll, &f);
    assert!(matches!(s.net(), Some(Net::Arp(_))) && s.error.is_none());
    // LINUX_SLL_P_802_2: an LLC frame, not decoded.
    let f = sll_v1(0, 1, &[2, 0, 0, 0, 0, 1], [0, 4], &[0x42, 0x42, 3]);
    let s = Sliced::new(LinkType::LinuxSll, &f);
    assert!(s.net().is_none() && s.error.is_none());
    assert_eq!(s.payload(), &[0x42, 0x42, 3]);
}

#[test]
fn a_netlink_device_s_protocol_is_not_an_ethertype() {
    let (ip, _) = inner(ICMP_ECHO);
    // Protocol 0x0800 would be IPv4 on any other device; on ARPHRD_NETLINK it is a family.
    let f = sll_v1(4, sll::HATYPE_NETLINK, &[], [0x08, 0x00], &ip);
    let s = Sliced::new(LinkType::LinuxSll, &f);
    assert!(s.net().is_none() && s.error.is_none());
    assert_eq!(s.payload().len(), ip.len());
}

#[test]
fn sll_v1_address_is_cut_to_its_field_and_its_length() {
    let f = sll_v1(0, 772, &[], [0x08, 0x00], &[]);
    let h = sll::Header::new_checked(&f[..]).unwrap();
    assert!(h.addr().is_empty());
    let mut long = f.clone();
    long[5] = 20; // halen beyond the 8-byte field
    assert_eq!(sll::Header::new_checked(&long[..]).unwrap().addr().len(), 8);
}

#[test]
fn sll_v2_carrying_ipv6_udp_slices_with_its_interface_index() {
    let (ip, ethertype) = inner(DNS_UDP6);
    let mut f = Vec::from(ethertype);
    f.extend_from_slice(&[0, 0, 0, 0, 0, 7, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0]);
    f.extend_from_slice(&ip);
    let s = Sliced::new(LinkType::LinuxSll2, &f);
    assert!(s.error.is_none());
    let Some(LinkLayer::Sll2(h)) = s.link_layer() else { panic!("sll2") };
    assert_eq!(
        (h.protocol(), h.ifindex(), h.hatype(), h.pkttype(), h.halen()),
        (0x86dd, 7, 1, 0, 6)
    );
    assert_eq!(h.addr(), &[2, 0, 0, 0, 0, 2]);
    assert_eq!(s.net_offset(), 20);
    let Some(Transport::Udp(udp)) = s.transport() else { panic!("udp") };
    assert_eq!(udp.dst_port(), 53);
}

#[test]
fn null_reads_the_family_in_either_byte_order() {
    let (v6, _) = inner(NA);
    let (v4, _) = inner(ICMP_ECHO);
    for family in [null::AF_INET6_BSD, null::AF_INET6_FREEBSD, null::AF_INET6_DARWIN] {
        for header in [family.to_le_bytes(), family.to_be_bytes()] {
            let f = [&header[..], &v6].concat();
            let s = Sliced::new(LinkType::Null, &f);
            assert!(matches!(s.net(), Some(Net::Ipv6 { .. })) && s.error.is_none(), "{family}");
            let Some(LinkLayer::Null(h)) = s.link_layer() else { panic!("null") };
            assert_eq!(h.family(), family);
        }
    }
    let f = [&2u32.to_be_bytes()[..], &v4].concat();
    let s = Sliced::new(LinkType::Null, &f);
    assert!(matches!(s.transport(), Some(Transport::Icmpv4(_))));
    // AF_ISO: not IP, the rest is payload.
    let f = [&7u32.to_le_bytes()[..], &v4].concat();
    let s = Sliced::new(LinkType::Null, &f);
    assert!(s.net().is_none() && s.error.is_none() && s.payload().len() == v4.len());
}

#[test]
fn loop_reads_the_family_in_network_order_only() {
    let (v6, _) = inner(NA);
    let f = [&24u32.to_be_bytes()[..], &v6].concat();
    let s = Sliced::new(LinkType::Loop, &f);
    assert!(matches!(s.net(), Some(Net::Ipv6 { .. })));
    assert!(matches!(s.link_layer(), Some(LinkLayer::Loop(h)) if h.family_network_order() == 24));
    // Little-endian 24 is 0x18000000 in network order: no family slicing knows.
    let f = [&24u32.to_le_bytes()[..], &v6].concat();
    let s = Sliced::new(LinkType::Loop, &f);
    assert!(s.net().is_none() && s.error.is_none());
}

#[test]
fn ppp_with_and_without_address_control_and_a_compressed_protocol() {
    let (v4, _) = inner(DNS_TCP);
    let (v6, _) = inner(DNS_UDP6);
    let cases: [(&[u8], &[u8], usize); 4] = [
        (&[0xff, 0x03, 0x00, 0x21], &v4, 4),
        (&[0x00, 0x21], &v4, 2),
        (&[0xff, 0x03, 0x57], &v6, 3),
        (&[0x57], &v6, 1),
    ];
    for (header, ip, len) in cases {
        let f = [header, ip].concat();
        let s = Sliced::new(LinkType::Ppp, &f);
        assert!(s.error.is_none() && s.transport().is_some(), "{header:02x?}");
        assert_eq!(s.net_offset(), len);
        let Some(LinkLayer::Ppp(h)) = s.link_layer() else { panic!("ppp") };
        assert_eq!(h.address().is_some(), len >= 3);
        assert_eq!(h.protocol_compressed(), len % 2 == 1);
    }
    // LCP (0xc021): control traffic, left as payload.
    let s = Sliced::new(LinkType::Ppp, &[0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4]);
    assert!(s.net().is_none() && s.error.is_none() && s.payload().len() == 4);
    let Some(LinkLayer::Ppp(h)) = s.link_layer() else { panic!("ppp") };
    assert_eq!(h.protocol(), 0xc021);
    assert_eq!(h.control(), Some(ppp::CONTROL));
}

#[test]
fn raw_ipv4_and_ipv6_link_types_do_not_guess_the_version() {
    let (v4, _) = inner(ICMP_ECHO);
    let (v6, _) = inner(NA);
    assert!(matches!(Sliced::new(LinkType::Ipv4, &v4).net(), Some(Net::Ipv4(_))));
    assert!(matches!(Sliced::new(LinkType::Ipv6, &v6).net(), Some(Net::Ipv6 { .. })));
    assert!(Sliced::new(LinkType::Ipv4, &v4).link_layer().is_none());
    // An IPv6 packet where LINKTYPE_IPV4 promises IPv4 fails as IPv4.
    let e = Sliced::new(LinkType::Ipv4, &v6).error.unwrap();
    assert_eq!((e.layer, e.error.field(), e.error.offset()), (LayerKind::Ipv4, "version", 0));
    let e = Sliced::new(LinkType::Ipv6, &v4).error.unwrap();
    assert_eq!(e.layer, LayerKind::Ipv6);
}

#[test]
fn a_cut_link_header_names_its_layer_field_and_offset() {
    let cases: [(LinkType, &[u8], &str, &str, usize); 5] = [
        (LinkType::LinuxSll, &[0; 15], "sll", "sll header", 0),
        (LinkType::LinuxSll2, &[0; 19], "sll", "sll2 header", 0),
        (LinkType::Null, &[2, 0, 0], "null", "null header", 0),
        (LinkType::Loop, &[], "null", "null header", 0),
        (LinkType::Ppp, &[0xff, 0x03, 0x00], "ppp", "ppp protocol", 2),
    ];
    for (link, bytes, layer, field, offset) in cases {
        let s = Sliced::new(link, bytes);
        let e = s.error.unwrap();
        let got = (e.layer.name(), e.error.field(), e.error.offset());
        assert_eq!(got, (layer, field, offset), "{link:?}");
        assert!(s.link_layer().is_none() && s.net().is_none());
    }
    assert_eq!(Sliced::new(LinkType::LinuxSll2, &[]).error.unwrap().layer, LayerKind::Sll);
    let e = Sliced::new(LinkType::Ppp, &[]).error.unwrap();
    assert_eq!((e.error.field(), e.error.offset()), ("ppp protocol", 0));
}

#[test]
fn an_ip_error_behind_a_link_header_counts_its_offset_from_the_frame_start() {
    let (mut ip, ethertype) = inner(DNS_TCP);
    ip[0] = 0x41; // IHL 1: below the 20-byte header
    let f = sll_v1(0, 1, &[2, 0, 0, 0, 0, 1], ethertype, &ip);
    let e = Sliced::new(LinkType::LinuxSll, &f).error.unwrap();
    assert_eq!((e.layer, e.error.offset()), (LayerKind::Ipv4, 16));
    let s = Sliced::new(LinkType::LinuxSll, &f);
    assert!(matches!(s.link_layer(), Some(LinkLayer::Sll(_))), "the link layer stays");
    let f = [&[0x21u8][..], &ip].concat();
    let e = Sliced::new(LinkType::Ppp, &f).error.unwrap();
    assert_eq!((e.layer, e.error.offset()), (LayerKind::Ipv4, 1));
}

#[test]
fn linktype_numbers_round_trip() {
    for link in LinkType::ALL {
        assert_eq!(LinkType::from_linktype(link.linktype()), Some(link));
    }
    assert_eq!(LinkType::from_linktype(14), Some(LinkType::Ip));
    assert_eq!(LinkType::from_linktype(127), None); // radiotap
    assert_eq!(sll2::HEADER_LEN - sll::HEADER_LEN, 4);
}
