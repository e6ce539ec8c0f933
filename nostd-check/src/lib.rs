//! Links every codec into a `#![no_std]` library with its own panic handler. If any
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

/// Slices a frame, so the codecs' code is really instantiated here.
pub fn payload_len(frame: &[u8]) -> usize {
    Sliced::new(LinkType::Ethernet, frame).payload().len()
        + usize::from(wirestate_wire::checksum::checksum(frame))
}
