//! Helpers shared by the property tests and the fuzz targets (feature `arbitrary`):
//! a generator of layer stacks, and checks that slicing and building agree.
//!
//! These panic on a broken invariant: that is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::vec::Vec;

use arbitrary::Unstructured;
use wirestate_arp as arp;
use wirestate_ethernet::{self as ethernet, vlan};
use wirestate_icmp::{icmpv4, icmpv6};
use wirestate_ip::{ipv4, ipv6};
use wirestate_tcp as tcp;
use wirestate_udp as udp;

use crate::{null, ppp, sll, sll2};
use crate::{
    Builder, Ipv6Ext, LinkLayer, LinkType, Net, NetRepr, Sliced, Transport, TransportRepr,
};

/// Whether `Sliced::new` slices this Ethernet frame on its fast path for the common
/// frame (untagged, IPv4 or IPv6 without extension headers, TCP or UDP, all valid).
/// Tests use it to prove the agreement check in [`exercise`] is not vacuous.
pub fn takes_common_path(frame: &[u8]) -> bool {
    Sliced::common(frame).is_some()
}

/// Slices and touches everything; checks what the views promise.
pub fn exercise(link: LinkType, frame: &[u8]) {
    let s = Sliced::new(link, frame);
    // The common frame's fast path must agree with the general walk, field for field.
    assert_eq!(s, Sliced::walked(link, frame));
    assert!(s.payload_offset() + s.payload().len() <= frame.len());
    if let Some(l) = s.link() {
        assert!(ethernet::Frame::new_checked(frame).is_ok());
        for t in l.tags() {
            let _ = (t.vid(), t.pcp(), t.dei(), t.ethertype());
        }
    }
    exercise_link_layer(&s, frame);
    match s.net() {
        Some(Net::Arp(p)) => assert!(arp::Packet::new_checked(p.into_inner()).is_ok()),
        Some(Net::Ipv4(p)) => {
            for o in p.options_iter() {
                let _ = o;
            }
            assert!(ipv4::Packet::new_checked(p.into_inner()).is_ok());
        }
        Some(Net::Ipv6 { packet, .. }) => {
            for h in packet.ext_headers().flatten() {
                if let Some(t) = h.options() {
                    t.for_each(drop);
                }
            }
            assert!(ipv6::Packet::new_checked(packet.into_inner()).is_ok());
        }
        None => {}
    }
    match s.transport() {
        Some(Transport::Tcp(t)) => {
            t.options_iter().for_each(drop);
            assert!(tcp::Segment::new_checked(t.into_inner()).is_ok());
        }
        // A first fragment holds the header of a datagram that goes on past it.
        Some(Transport::Udp(u)) if s.is_first_fragment() => {
            assert!(udp::Datagram::new_checked_header(u.into_inner()).is_ok());
        }
        Some(Transport::Udp(u)) => assert!(udp::Datagram::new_checked(u.into_inner()).is_ok()),
        Some(Transport::Icmpv4(p)) => {
            let _ = icmpv4::Repr::parse(&p);
        }
        Some(Transport::Icmpv6(p)) => {
            let _ = icmpv6::Repr::parse(&p);
            wirestate_icmp::ndp::Options::new(p.ndp_options()).for_each(drop);
        }
        None => {}
    }
    if let Some(e) = s.error {
        assert!(e.error.offset() <= frame.len() + 60, "{e:?}");
    }
}

/// The link header of any link type: its view re-checks over the frame's start,
/// every getter runs, and the network layer starts where the header ends.
fn exercise_link_layer(s: &Sliced<'_>, frame: &[u8]) {
    let header_len = match s.link_layer() {
        None => return,
        Some(LinkLayer::Ethernet(l)) => l.frame.header_len() + l.tag_count() * vlan::LEN,
        Some(LinkLayer::Sll(h)) => {
            assert!(sll::Header::new_checked(frame).is_ok());
            let _ = (h.pkttype(), h.hatype(), h.protocol());
            assert!(h.addr().len() <= usize::from(h.halen()).min(sll::ADDR_FIELD_LEN));
            sll::HEADER_LEN
        }
        Some(LinkLayer::Sll2(h)) => {
            assert!(sll2::Header::new_checked(frame).is_ok());
            let _ = (h.pkttype(), h.hatype(), h.protocol(), h.ifindex(), h.reserved());
            assert!(h.addr().len() <= usize::from(h.halen()).min(sll::ADDR_FIELD_LEN));
            sll2::HEADER_LEN
        }
        Some(LinkLayer::Null(h) | LinkLayer::Loop(h)) => {
            assert!(null::Header::new_checked(frame).is_ok());
            let _ = (h.family(), h.family_network_order());
            null::HEADER_LEN
        }
        Some(LinkLayer::Ppp(h)) => {
            assert!(ppp::Header::new_checked(frame).is_ok());
            let _ = (h.address(), h.control(), h.protocol());
            assert!((1..=4).contains(&h.header_len()));
            h.header_len()
        }
    };
    if s.net().is_some() {
        assert_eq!(s.net_offset(), header_len);
    }
}

/// A frame described by reprs, generated from raw bytes by `arbitrary`.
#[derive(Debug)]
pub struct Layers<'a> {
    /// The Ethernet header, if any.
    pub ethernet: Option<ethernet::Repr>,
    /// VLAN tags.
    pub tags: Vec<vlan::Repr>,
    /// The network layer.
    pub net: NetRepr<'a>,
    /// IPv6 extension headers.
    pub ext: Vec<Ipv6Ext<'a>>,
    /// The transport layer.
    pub transport: Option<TransportRepr<'a>>,
    /// The payload.
    pub payload: &'a [u8],
}

/// Draws a layer stack from `u`: every combination the builder supports, with the
/// protocol numbers of transport-less packets set so they promise nothing.
pub fn layers<'a>(u: &mut Unstructured<'a>) -> arbitrary::Result<Layers<'a>> {
    let ethernet: Option<ethernet::Repr> = u.arbitrary()?;
    let n_tags = if ethernet.is_some() { u.int_in_range(0..=4)? } else { 0 };
    let tags = (0..n_tags)
        .map(|_| <vlan::Repr as arbitrary::Arbitrary>::arbitrary(u))
        .collect::<Result<_, _>>()?;
    let v6 = u.arbitrary::<bool>()?;
    let net = match u.int_in_range(0..=2)? {
        0 if ethernet.is_some() => NetRepr::Arp(u.arbitrary()?),
        1 | 0 => NetRepr::Ipv4(u.arbitrary()?),
        _ => NetRepr::Ipv6(u.arbitrary()?),
    };
    let transport = match (&net, u.int_in_range(0..=4)?) {
        (NetRepr::Arp(_), _) | (_, 0) => None,
        (_, 1) => Some(TransportRepr::Udp { src_port: u.arbitrary()?, dst_port: u.arbitrary()? }),
        (_, 2) => Some(TransportRepr::Tcp(u.arbitrary()?)),
        (NetRepr::Ipv6(_), _) => Some(TransportRepr::Icmpv6(icmpv6_repr(u)?)),
        _ => Some(TransportRepr::Icmpv4(u.arbitrary()?)),
    };
    let _ = v6;
    // Without a transport, the protocol number must not promise one the payload is not
    // (253 is reserved for experiments, RFC 3692).
    let net = match (net, &transport) {
        (NetRepr::Ipv4(mut r), None) => {
            r.protocol = wirestate_wire::IpProtocol(253);
            NetRepr::Ipv4(r)
        }
        (NetRepr::Ipv6(mut r), None) => {
            r.next_header = wirestate_wire::IpProtocol(253);
            NetRepr::Ipv6(r)
        }
        (net, _) => net,
    };
    let mut ext = Vec::new();
    if matches!(net, NetRepr::Ipv6(_)) {
        for i in 0..u.int_in_range(0..=3)? {
            match u.int_in_range(0..=2)? {
                0 if i == 0 => ext.push(Ipv6Ext::HopByHop(u.arbitrary()?)),
                0 | 1 => ext.push(Ipv6Ext::DestinationOptions(u.arbitrary()?)),
                _ => ext.push(Ipv6Ext::Fragment(u.arbitrary()?)),
            }
        }
    }
    let payload = match (&net, &transport) {
        (NetRepr::Arp(_), _) => &[][..],
        (_, Some(TransportRepr::Icmpv4(_) | TransportRepr::Icmpv6(_))) => &[][..],
        _ => {
            let len = u.int_in_range(0..=64)?;
            u.bytes(len)?
        }
    };
    Ok(Layers { ethernet, tags, net, ext, transport, payload })
}

fn icmpv6_repr<'a>(u: &mut Unstructured<'a>) -> arbitrary::Result<icmpv6::Repr<'a>> {
    u.arbitrary()
}

/// The builder for a generated stack.
pub fn build<'a>(l: &'a Layers<'a>) -> Builder<'a> {
    Builder {
        ethernet: l.ethernet,
        tags: &l.tags,
        net: l.net,
        ipv6_ext: &l.ext,
        transport: l.transport,
        payload: l.payload,
    }
}

/// Slices `frame` and rebuilds it from the parsed reprs.
pub fn rebuild(frame: &[u8], with_ethernet: bool) -> Vec<u8> {
    let link = if with_ethernet { LinkType::Ethernet } else { LinkType::Ip };
    let s = Sliced::new(link, frame);
    assert!(s.error.is_none(), "{:?}", s.error);
    let ethernet = s.link().map(|l| ethernet::Repr::parse(&l.frame).unwrap());
    let tags: Vec<vlan::Repr> = s
        .link()
        .map(|l| l.tags().map(|t| vlan::Repr::parse(&t).unwrap()).collect())
        .unwrap_or_default();
    let mut ext = Vec::new();
    let net = match s.net().unwrap() {
        Net::Arp(p) => NetRepr::Arp(arp::Repr::parse(&p).unwrap()),
        Net::Ipv4(p) => NetRepr::Ipv4(ipv4::Repr::parse(&p).unwrap()),
        Net::Ipv6 { packet, upper, .. } => {
            let bytes = packet.into_inner();
            let payload = &bytes[40..40 + usize::from(packet.payload_len())];
            for h in ipv6::ExtHeaders::new(packet.next_header(), payload) {
                let h = h.unwrap();
                ext.push(match h.kind {
                    wirestate_wire::IpProtocol::HOP_BY_HOP => {
                        Ipv6Ext::HopByHop(ipv6::OptionsRepr::parse(h.bytes).unwrap())
                    }
                    wirestate_wire::IpProtocol::IPV6_OPTS => {
                        Ipv6Ext::DestinationOptions(ipv6::OptionsRepr::parse(h.bytes).unwrap())
                    }
                    wirestate_wire::IpProtocol::IPV6_FRAG => {
                        Ipv6Ext::Fragment(ipv6::FragmentRepr::parse(h.bytes).unwrap())
                    }
                    other => panic!("the builder does not build extension header {other:?}"),
                });
            }
            let mut r = ipv6::Repr::parse(&packet).unwrap();
            r.next_header = upper;
            NetRepr::Ipv6(r)
        }
    };
    let transport = s.transport().map(|t| match t {
        Transport::Udp(d) => TransportRepr::Udp { src_port: d.src_port(), dst_port: d.dst_port() },
        Transport::Tcp(seg) => TransportRepr::Tcp(tcp::Repr::parse(&seg).unwrap()),
        Transport::Icmpv4(p) => TransportRepr::Icmpv4(icmpv4::Repr::parse(&p).unwrap()),
        Transport::Icmpv6(p) => TransportRepr::Icmpv6(icmpv6::Repr::parse(&p).unwrap()),
    });
    let payload = match transport {
        Some(TransportRepr::Icmpv4(_) | TransportRepr::Icmpv6(_)) => &[][..],
        _ => s.payload(),
    };
    let b = Builder { ethernet, tags: &tags, net, ipv6_ext: &ext, transport, payload };
    b.to_vec().unwrap()
}
