//! The Linux cooked capture header, version 1 (LINKTYPE_LINUX_SLL, 113): what
//! `tcpdump -i any` records in place of each device's own link header.
//!
//! Sixteen bytes, every field big-endian (tcpdump.org, "LINKTYPE_LINUX_SLL"):
//! packet type, ARPHRD_ hardware type, link-layer address length, eight bytes of
//! address (the first `halen` of them used), and the protocol: an EtherType, or for a
//! few hardware types a Linux-specific value.

use wirestate_wire::bytes::{need, read_u16};
use wirestate_wire::Result;

/// Length of the header.
pub const HEADER_LEN: usize = 16;

/// Byte offsets of the header's fields.
pub mod field {
    /// Packet type (see [`packet_type_name`](super::packet_type_name)), 2 bytes.
    pub const PKTTYPE: usize = 0;
    /// ARPHRD_ hardware type of the device, 2 bytes.
    pub const HATYPE: usize = 2;
    /// How many bytes of the address field are used, 2 bytes.
    pub const HALEN: usize = 4;
    /// The sender's link-layer address, 8 bytes.
    pub const ADDR: usize = 6;
    /// What the payload is (an EtherType for most devices), 2 bytes.
    pub const PROTOCOL: usize = 14;
}

/// The size of the address field of either version: an address longer than this
/// was cut by the kernel.
pub const ADDR_FIELD_LEN: usize = 8;

/// ARPHRD_NETLINK: the payload is a netlink message and the protocol field holds
/// its netlink family, not an EtherType.
pub const HATYPE_NETLINK: u16 = 824;

/// The name Linux gives a packet type (`PACKET_HOST` and the rest, `<linux/if_packet.h>`).
///
/// ```
/// assert_eq!(wirestate_packet::sll::packet_type_name(4), Some("outgoing"));
/// assert_eq!(wirestate_packet::sll::packet_type_name(9), None);
/// ```
pub fn packet_type_name(pkttype: u16) -> Option<&'static str> {
    Some(match pkttype {
        0 => "host",
        1 => "broadcast",
        2 => "multicast",
        3 => "otherhost",
        4 => "outgoing",
        _ => return None,
    })
}

/// The used part of an eight-byte address field.
pub(crate) fn used_addr(field: &[u8], halen: usize) -> &[u8] {
    field.get(..halen.min(field.len())).unwrap_or_default()
}

/// A Linux cooked capture v1 header over `T`, checked to hold its 16 bytes.
///
/// ```
/// use wirestate_packet::sll;
/// let bytes = [0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 10, 0, 0, 0x08, 0x00];
/// let h = sll::Header::new_checked(&bytes[..]).unwrap();
/// assert_eq!((h.pkttype(), h.hatype(), h.protocol()), (4, 1, 0x0800));
/// assert_eq!(h.addr(), &[2, 0, 0, 0, 0, 10]);
///
/// let err = sll::Header::new_checked(&bytes[..15]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("sll header", 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Header<T> {
    /// Wraps `buf` after checking it holds the 16-byte header.
    ///
    /// # Errors
    /// [`Error::Truncated`](crate::Error::Truncated), field "sll header", offset 0,
    /// if `buf` is shorter than 16 bytes.
    pub fn new_checked(buf: T) -> Result<Self> {
        need(buf.as_ref(), 0, HEADER_LEN, "sll header")?;
        Ok(Self { buf })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The packet type: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    pub fn pkttype(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::PKTTYPE)
    }

    /// The device's ARPHRD_ hardware type (1 Ethernet, 772 loopback, ...).
    pub fn hatype(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::HATYPE)
    }

    /// The length of the sender's address, as recorded (it may exceed the field).
    pub fn halen(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::HALEN)
    }

    /// The sender's address: the first `halen` bytes of the field, at most eight.
    pub fn addr(&self) -> &[u8] {
        let field = self.buf.as_ref().get(field::ADDR..field::PROTOCOL).unwrap_or_default();
        used_addr(field, usize::from(self.halen()))
    }

    /// What follows: an EtherType, unless [`hatype`](Self::hatype) says otherwise.
    pub fn protocol(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::PROTOCOL)
    }
}
