//! Links every codec (and the machines' parts) into a `#![no_std]` library with its own panic handler. If any
//! of them (or anything they depend on) pulled in `std`, rustc would refuse the
//! second `panic_impl` lang item: building this crate is the proof.
#![no_std]
#![forbid(unsafe_code)]

use core::panic::PanicInfo;

use wirestate_packet::{LinkType, Sliced};

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}

/// Runs every codec over `frame`, so their code is really instantiated here.
pub fn payload_len(frame: &[u8]) -> usize {
    let mut headers = [wirestate_http1::EMPTY_HEADER; 8];
    let http = wirestate_http1::Request::new(&mut headers).parse(frame).is_ok();
    let dns = wirestate_dns::Message::new_checked(frame).map(|m| m.questions().count());
    let dhcp = wirestate_dhcp::Message::new_checked(frame).map(|m| m.options().count());
    let mut rtt = wirestate_tcp_conn::RttEstimator::new(Default::default());
    rtt.on_sample(core::time::Duration::from_micros(frame.len() as u64));
    Sliced::new(LinkType::Ethernet, frame).payload().len()
        + usize::from(wirestate_wire::checksum::checksum(frame))
        + usize::from(http)
        + dns.unwrap_or(0)
        + dhcp.unwrap_or(0)
        + rtt.rto().subsec_nanos() as usize
}
