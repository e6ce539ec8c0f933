//! Slicing a frame and walking every option and extension header allocates nothing.

mod common;

use wirestate_packet::{LinkType, Net, Sliced, Transport};

#[global_allocator]
static GLOBAL: wirestate_testkit::CountingAllocator = wirestate_testkit::CountingAllocator;

fn walk(frame: &[u8]) -> usize {
    let s = Sliced::new(LinkType::Ethernet, frame);
    let mut touched = s.payload().len();
    if let Some(l) = s.link() {
        touched += l.tags().count();
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
    let before = wirestate_testkit::allocations();
    let mut touched = 0;
    for f in &frames {
        touched += walk(f);
    }
    let after = wirestate_testkit::allocations();
    assert!(touched > 0);
    assert_eq!(after - before, 0, "slicing allocated");
}
