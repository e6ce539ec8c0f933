//! Slicing a frame and walking every option and extension header allocates nothing.
// Counting allocations needs a GlobalAlloc, whose methods are unsafe to implement.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use wirestate_packet::{LinkType, Net, Sliced, Transport};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: forwards to the system allocator with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let mut touched = 0;
    for f in &frames {
        touched += walk(f);
    }
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert!(touched > 0);
    assert_eq!(after - before, 0, "slicing allocated");
}
