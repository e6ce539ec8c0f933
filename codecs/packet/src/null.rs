//! The BSD loopback header: LINKTYPE_NULL (0) and LINKTYPE_LOOP (108).
//!
//! Four bytes holding the packet's address family, `AF_INET` or `AF_INET6` of the
//! capturing system. LINKTYPE_NULL writes it in that system's byte order, which a
//! reader does not know; LINKTYPE_LOOP (OpenBSD) in network byte order. IPv6 has a
//! different number on each BSD.

use wirestate_wire::bytes::{need, read_array};
use wirestate_wire::Result;

/// Length of the header.
pub const HEADER_LEN: usize = 4;

/// `AF_INET` on every BSD.
pub const AF_INET: u32 = 2;
/// `AF_INET6` on NetBSD, OpenBSD and BSD/OS.
pub const AF_INET6_BSD: u32 = 24;
/// `AF_INET6` on FreeBSD and DragonFly.
pub const AF_INET6_FREEBSD: u32 = 28;
/// `AF_INET6` on macOS and iOS.
pub const AF_INET6_DARWIN: u32 = 30;

/// Whether an address family is IPv4 (`Some(false)`), IPv6 (`Some(true)`), or neither.
///
/// ```
/// use wirestate_packet::null;
/// assert_eq!(null::is_ipv6(2), Some(false));
/// assert_eq!(null::is_ipv6(30), Some(true));
/// assert_eq!(null::is_ipv6(7), None); // AF_ISO
/// ```
pub fn is_ipv6(family: u32) -> Option<bool> {
    match family {
        AF_INET => Some(false),
        AF_INET6_BSD | AF_INET6_FREEBSD | AF_INET6_DARWIN => Some(true),
        _ => None,
    }
}

/// A BSD loopback header over `T`, checked to hold its 4 bytes.
///
/// ```
/// use wirestate_packet::null;
/// // Written by a little-endian host; read right whatever the reader's order.
/// let h = null::Header::new_checked(&[30u8, 0, 0, 0][..]).unwrap();
/// assert_eq!(h.family(), 30);
/// assert_eq!(null::Header::new_checked(&[0u8, 0, 0, 2][..]).unwrap().family(), 2);
///
/// let err = null::Header::new_checked(&[2u8, 0][..]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("null header", 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Header<T> {
    /// Wraps `buf` after checking it holds the 4-byte header.
    ///
    /// # Errors
    /// [`Error::Truncated`](crate::Error::Truncated), field "null header", offset 0,
    /// if `buf` is shorter than 4 bytes.
    pub fn new_checked(buf: T) -> Result<Self> {
        need(buf.as_ref(), 0, HEADER_LEN, "null header")?;
        Ok(Self { buf })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The family of a LINKTYPE_NULL header, written in an unknown byte order.
    ///
    /// Families are small numbers, so the order that leaves the upper 16 bits zero
    /// is the writer's: read little-endian, and if that is too large, big-endian
    /// (tcpdump's rule, which also takes a LINKTYPE_LOOP header right).
    pub fn family(&self) -> u32 {
        let bytes = read_array::<4>(self.buf.as_ref(), 0);
        let little = u32::from_le_bytes(bytes);
        if little > 0xffff {
            u32::from_be_bytes(bytes)
        } else {
            little
        }
    }

    /// The family of a LINKTYPE_LOOP header: network byte order.
    pub fn family_network_order(&self) -> u32 {
        u32::from_be_bytes(read_array::<4>(self.buf.as_ref(), 0))
    }
}
