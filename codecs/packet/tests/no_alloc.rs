//! Slicing a frame of any link type and walking every option and extension header
//! allocates nothing.

mod common;

use wirestate_packet::{LinkLayer, LinkType, Net, Sliced, Transport};

#[global_allocator]
static GLOBAL: wirestate_testkit::CountingAllocator = wirestate_testkit::CountingAllocator;

fn walk(link: LinkType, frame: &[u8]) -> usize {
    let s = Sliced::new(link, frame);
    let mut touched = s.payload().len();
    match s.link_layer() {
        Some(LinkLayer::Ethernet(l)) => touched += l.tags().count(),
        Some(LinkLayer::Sll(h)) => touched += h.addr().len(),
        Some(LinkLayer::Sll2(h)) => touched += h.addr().len(),
        Some(LinkLayer::Ppp(h)) => touched += h.header_len(),
        _ => {}
    }
    match s.net() {
        Some(Net::Ipv4(p)) => touched += p.options_iter().count(),
        Some(Net::Ipv6 { packet, .. }) => {
            for h in packet.ext_headers().flatten() {
                touched += h.options().map_or(0, Iterator::count);
            }
        }
        _ => {}
    }
    match s.transport() {
        Some(Transport::Tcp(t)) => touched += t.options_iter().count(),
        Some(Transport::Icmpv6(p)) => {
            touched += wirestate_icmp::ndp::Options::new(p.ndp_options()).count()
        }
        _ => {}
    }
    touched
}

#[test]
fn slicing_real_frames_allocates_nothing() {
    let frames: Vec<Vec<u8>> = common::ALL.iter().map(|f| common::hex(f)).collect();
    // The same packets behind a Linux cooked v2 header and a PPP header.
    let sll2: Vec<Vec<u8>> = frames
        .iter()
        .map(|f| {
            [&f[12..14], &[0, 0, 0, 0, 0, 2, 0, 1, 0, 6][..], &f[6..12], &[0, 0], &f[14..]].concat()
        })
        .collect();
    let ppp: Vec<Vec<u8>> = frames
        .iter()
        .map(|f| {
            let v6 = f[12..14] == [0x86, 0xdd];
            [&[0xff, 0x03, 0x00, if v6 { 0x57 } else { 0x21 }][..], &f[14..]].concat()
        })
        .collect();
    let before = wirestate_testkit::allocations();
    let mut touched = 0;
    for f in &frames {
        touched += walk(LinkType::Ethernet, f);
    }
    for (a, b) in sll2.iter().zip(&ppp) {
        touched += walk(LinkType::LinuxSll2, a) + walk(LinkType::Ppp, b);
    }
    let after = wirestate_testkit::allocations();
    assert!(touched > 0);
    assert_eq!(after - before, 0, "slicing allocated");
}
