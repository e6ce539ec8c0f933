//! Slicing a whole frame through every layer, beside etherparse's `SlicedPacket` and
//! smoltcp's checked wire views.
//!
//! Every contender validates each header's lengths and hands back the transport
//! header; each reads the destination port so nothing is optimised away.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use wirestate_packet::{LinkType, Sliced, Transport};

/// Ethernet + IPv4 + TCP (with NOP, NOP, timestamps) + 100 bytes of data: a typical
/// mid-transfer segment, as captured from curl against nginx.
fn ipv4_tcp() -> Vec<u8> {
    let payload = [0x61u8; 100];
    let mut f = vec![
        0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00, // ethernet
        0x45, 0x00, 0x00, 0x00, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10, 99, 0, 146, 10,
        99, 0, 1, // ipv4
        0x93, 0xb0, 0x00, 0x50, 0xd8, 0xac, 0x4b, 0xd6, 0x59, 0x1b, 0x5d, 0x91, 0x80, 0x18, 0x01,
        0xf6, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xc6, 0xd2, 0x25, 0x66, 0x89, 0x6c,
        0x8a, 0x51, // tcp
    ];
    f.extend_from_slice(&payload);
    let total = (f.len() - 14) as u16;
    f[16..18].copy_from_slice(&total.to_be_bytes());
    let ck = wirestate_wire::checksum::checksum(&f[14..34]);
    f[24..26].copy_from_slice(&ck.to_be_bytes());
    f
}

/// Ethernet + IPv6 + UDP carrying a 57-byte DNS query.
fn ipv6_udp() -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x86, 0xdd];
    f.extend_from_slice(&[0x60, 0, 0, 0, 0, 65, 17, 64]);
    f.extend_from_slice(&[0xfd, 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 2]);
    f.extend_from_slice(&[0xfd, 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    f.extend_from_slice(&[0xb7, 0x73, 0x00, 0x35, 0x00, 65, 0x00, 0x00]);
    f.extend_from_slice(&[0x5a; 57]);
    f
}

fn wirestate_port(frame: &[u8]) -> u16 {
    let s = Sliced::new(LinkType::Ethernet, frame);
    match s.transport() {
        Some(Transport::Tcp(t)) => t.dst_port(),
        Some(Transport::Udp(u)) => u.dst_port(),
        _ => 0,
    }
}

/// wirestate's three checked views by hand, the same work as smoltcp's below.
fn wirestate_views_port(frame: &[u8]) -> u16 {
    let Ok(eth) = wirestate_ethernet::Frame::new_checked(frame) else { return 0 };
    let Ok(ip) = wirestate_ip::ipv4::Packet::new_checked(eth.into_payload()) else { return 0 };
    let Ok(tcp) = wirestate_tcp::Segment::new_checked(ip.payload()) else { return 0 };
    tcp.dst_port()
}

fn etherparse_port(frame: &[u8]) -> u16 {
    match etherparse::SlicedPacket::from_ethernet(frame) {
        Ok(p) => match p.transport {
            Some(etherparse::TransportSlice::Tcp(t)) => t.destination_port(),
            Some(etherparse::TransportSlice::Udp(u)) => u.destination_port(),
            _ => 0,
        },
        Err(_) => 0,
    }
}

fn smoltcp_tcp_port(frame: &[u8]) -> u16 {
    use smoltcp::wire::{EthernetFrame, Ipv4Packet, TcpPacket};
    let Ok(eth) = EthernetFrame::new_checked(frame) else { return 0 };
    let Ok(ip) = Ipv4Packet::new_checked(eth.payload()) else { return 0 };
    let Ok(tcp) = TcpPacket::new_checked(ip.payload()) else { return 0 };
    tcp.dst_port()
}

fn smoltcp_udp_port(frame: &[u8]) -> u16 {
    use smoltcp::wire::{EthernetFrame, Ipv6Packet, UdpPacket};
    let Ok(eth) = EthernetFrame::new_checked(frame) else { return 0 };
    let Ok(ip) = Ipv6Packet::new_checked(eth.payload()) else { return 0 };
    let Ok(udp) = UdpPacket::new_checked(ip.payload()) else { return 0 };
    udp.dst_port()
}

fn slice(c: &mut Criterion) {
    type Contender = (&'static str, fn(&[u8]) -> u16);
    let cases: [(&str, Vec<u8>, u16, Vec<Contender>); 2] = [
        (
            "slice_eth_ipv4_tcp",
            ipv4_tcp(),
            80,
            vec![
                ("wirestate", wirestate_port),
                ("wirestate_views", wirestate_views_port),
                ("etherparse", etherparse_port),
                ("smoltcp", smoltcp_tcp_port),
            ],
        ),
        (
            "slice_eth_ipv6_udp",
            ipv6_udp(),
            53,
            vec![
                ("wirestate", wirestate_port),
                ("etherparse", etherparse_port),
                ("smoltcp", smoltcp_udp_port),
            ],
        ),
    ];
    for (name, frame, port, contenders) in &cases {
        let mut g = c.benchmark_group(*name);
        g.throughput(Throughput::Elements(1));
        for (who, f) in contenders {
            assert_eq!(f(frame), *port, "{who} must slice {name}");
            g.bench_function(BenchmarkId::from_parameter(who), |b| b.iter(|| f(black_box(frame))));
        }
        g.finish();
    }
}

criterion_group!(benches, slice);
criterion_main!(benches);
