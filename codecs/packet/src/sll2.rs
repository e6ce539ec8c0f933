//! The Linux cooked capture header, version 2 (LINKTYPE_LINUX_SLL2, 276): version 1
//! reordered, with the interface index added and the packet type and address
//! length cut to one byte each.
//!
//! Twenty bytes, big-endian (tcpdump.org, "LINKTYPE_LINUX_SLL2"): protocol,
//! reserved, interface index, ARPHRD_ hardware type, packet type, address length,
//! eight bytes of address.

use wirestate_wire::bytes::{need, read_u16, read_u32};
use wirestate_wire::Result;

use crate::sll::used_addr;

/// Length of the header.
pub const HEADER_LEN: usize = 20;

/// Byte offsets of the header's fields.
pub mod field {
    /// What the payload is (an EtherType for most devices), 2 bytes.
    pub const PROTOCOL: usize = 0;
    /// Reserved (mbz), 2 bytes.
    pub const RESERVED: usize = 2;
    /// The capturing interface's index, 4 bytes.
    pub const IFINDEX: usize = 4;
    /// ARPHRD_ hardware type of the device, 2 bytes.
    pub const HATYPE: usize = 8;
    /// Packet type (see [`crate::sll::packet_type_name`]), 1 byte.
    pub const PKTTYPE: usize = 10;
    /// How many bytes of the address field are used, 1 byte.
    pub const HALEN: usize = 11;
    /// The sender's link-layer address, 8 bytes.
    pub const ADDR: usize = 12;
}

/// A Linux cooked capture v2 header over `T`, checked to hold its 20 bytes.
///
/// ```
/// use wirestate_packet::sll2;
/// let bytes = [0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 2, 0, 0, 0, 0, 10, 0, 0];
/// let h = sll2::Header::new_checked(&bytes[..]).unwrap();
/// assert_eq!((h.protocol(), h.ifindex(), h.hatype(), h.pkttype()), (0x86dd, 2, 1, 4));
/// assert_eq!(h.addr(), &[2, 0, 0, 0, 0, 10]);
///
/// let err = sll2::Header::new_checked(&bytes[..16]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("sll2 header", 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Header<T> {
    /// Wraps `buf` after checking it holds the 20-byte header.
    ///
    /// # Errors
    /// [`Error::Truncated`](crate::Error::Truncated), field "sll2 header", offset 0,
    /// if `buf` is shorter than 20 bytes.
    pub fn new_checked(buf: T) -> Result<Self> {
        need(buf.as_ref(), 0, HEADER_LEN, "sll2 header")?;
        Ok(Self { buf })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// What follows: an EtherType, unless [`hatype`](Self::hatype) says otherwise.
    pub fn protocol(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::PROTOCOL)
    }

    /// The reserved field, as recorded.
    pub fn reserved(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::RESERVED)
    }

    /// The index of the interface the packet was captured on.
    pub fn ifindex(&self) -> u32 {
        read_u32(self.buf.as_ref(), field::IFINDEX)
    }

    /// The device's ARPHRD_ hardware type (1 Ethernet, 772 loopback, ...).
    pub fn hatype(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::HATYPE)
    }

    /// The packet type: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    pub fn pkttype(&self) -> u8 {
        // `new_checked` saw the whole header; 0 cannot be reached.
        self.buf.as_ref().get(field::PKTTYPE).copied().unwrap_or(0)
    }

    /// The length of the sender's address, as recorded (it may exceed the field).
    pub fn halen(&self) -> u8 {
        self.buf.as_ref().get(field::HALEN).copied().unwrap_or(0)
    }

    /// The sender's address: the first `halen` bytes of the field, at most eight.
    pub fn addr(&self) -> &[u8] {
        let field = self.buf.as_ref().get(field::ADDR..HEADER_LEN).unwrap_or_default();
        used_addr(field, usize::from(self.halen()))
    }
}
