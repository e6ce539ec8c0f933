//! The Ethernet II header view.

use wirestate_wire::bytes::{need, read_array, read_u16, write_u16};
use wirestate_wire::{MacAddr, Result};

use crate::EtherType;

/// Length of the Ethernet II header: destination, source, EtherType.
pub const HEADER_LEN: usize = 14;

/// Byte offsets of the Ethernet II header fields (IEEE 802.3-2018 §3.1.1).
pub mod field {
    /// Destination address, 6 bytes.
    pub const DST: usize = 0;
    /// Source address, 6 bytes.
    pub const SRC: usize = 6;
    /// EtherType (or, at most 1500, an IEEE 802.3 length), 2 bytes.
    pub const ETHERTYPE: usize = 12;
    /// First payload byte.
    pub const PAYLOAD: usize = 14;
}

/// An Ethernet II frame over `T`, without the frame check sequence.
///
/// Built with [`new_checked`](Self::new_checked), every getter is in bounds. The
/// payload is everything after the header, including any padding the sender added
/// to reach the 60-byte minimum: the layer above knows its own length.
///
/// ```
/// use wirestate_ethernet::{EtherType, Error, Frame, MacAddr};
/// let mut buf = [0u8; 16];
/// let mut frame = Frame::new_checked(&mut buf[..]).unwrap();
/// frame.set_dst(MacAddr::BROADCAST);
/// frame.set_ethertype(EtherType::ARP);
/// frame.payload_mut().copy_from_slice(&[0, 1]);
/// assert_eq!(buf[12..], [0x08, 0x06, 0, 1]);
///
/// let err = Frame::new_checked(&buf[..10]).unwrap_err();
/// assert_eq!(err, Error::Truncated { field: "ethernet header", offset: 0, need: 14, have: 10 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Length of the header, [`HEADER_LEN`].
    pub const HEADER_LEN: usize = HEADER_LEN;

    /// Wraps `buf` without checking it; getters panic if it is shorter than 14 bytes.
    /// For emitting into a buffer sized with [`Repr::buffer_len`](crate::Repr::buffer_len).
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Self { buf }
    }

    /// Wraps `buf` after checking it holds the 14-byte header.
    ///
    /// # Errors
    /// [`Error::Truncated`](crate::Error::Truncated), field "ethernet header", offset 0,
    /// if `buf` is shorter than 14 bytes.
    #[inline(always)]
    pub fn new_checked(buf: T) -> Result<Self> {
        need(buf.as_ref(), 0, HEADER_LEN, "ethernet header")?;
        Ok(Self { buf })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// Length of the header: always 14.
    #[inline]
    pub fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// The destination address.
    pub fn dst(&self) -> MacAddr {
        MacAddr(read_array(self.buf.as_ref(), field::DST))
    }

    /// The source address.
    pub fn src(&self) -> MacAddr {
        MacAddr(read_array(self.buf.as_ref(), field::SRC))
    }

    /// The EtherType: the payload's protocol, a VLAN TPID, or an 802.3 length.
    #[inline]
    pub fn ethertype(&self) -> EtherType {
        EtherType(read_u16(self.buf.as_ref(), field::ETHERTYPE))
    }

    /// Everything after the header (padding included).
    #[inline]
    pub fn payload(&self) -> &[u8] {
        &self.buf.as_ref()[field::PAYLOAD..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Frame<T> {
    /// Sets the destination address.
    pub fn set_dst(&mut self, addr: MacAddr) {
        self.buf.as_mut()[field::DST..field::DST + 6].copy_from_slice(&addr.0);
    }

    /// Sets the source address.
    pub fn set_src(&mut self, addr: MacAddr) {
        self.buf.as_mut()[field::SRC..field::SRC + 6].copy_from_slice(&addr.0);
    }

    /// Sets the EtherType.
    pub fn set_ethertype(&mut self, ethertype: EtherType) {
        write_u16(self.buf.as_mut(), field::ETHERTYPE, ethertype.0);
    }

    /// Everything after the header, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buf.as_mut()[field::PAYLOAD..]
    }
}

impl<'a> Frame<&'a [u8]> {
    /// Everything after the header, borrowed for the buffer's lifetime rather than
    /// the view's: what a walk down the layers hands to the next view.
    #[inline]
    pub fn into_payload(self) -> &'a [u8] {
        &self.buf[field::PAYLOAD..]
    }
}

impl<'a> Frame<&'a mut [u8]> {
    /// Everything after the header, writable for the buffer's lifetime: what a
    /// builder hands to the next layer's view.
    #[inline]
    pub fn into_payload_mut(self) -> &'a mut [u8] {
        &mut self.buf[field::PAYLOAD..]
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Frame<T> {
    fn as_ref(&self) -> &[u8] {
        self.buf.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    /// The first 16 bytes of an ARP request as a LAN capture shows it: broadcast
    /// destination, an Intel NIC (OUI 00:1b:21) as source, EtherType 0x0806.
    const ARP_REQUEST_HEAD: [u8; 16] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0x08, 0x06, 0x00,
        0x01,
    ];

    #[test]
    fn reads_fields_of_a_captured_header() {
        let f = Frame::new_checked(&ARP_REQUEST_HEAD[..]).unwrap();
        assert_eq!(f.dst(), MacAddr::BROADCAST);
        assert_eq!(f.src(), MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]));
        assert_eq!(f.ethertype(), EtherType::ARP);
        assert_eq!(f.payload(), &[0x00, 0x01]);
        assert_eq!(f.header_len(), 14);
        assert_eq!(Frame::<&[u8]>::HEADER_LEN, 14);
        assert_eq!(f.as_ref().len(), 16);
        assert_eq!(f.into_inner().len(), 16);
    }

    #[test]
    fn setters_write_in_place() {
        let mut buf = [0u8; 16];
        let mut f = Frame::new_checked(&mut buf[..]).unwrap();
        f.set_dst(MacAddr::BROADCAST);
        f.set_src(MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]));
        f.set_ethertype(EtherType::ARP);
        f.payload_mut().copy_from_slice(&[0x00, 0x01]);
        assert_eq!(buf, ARP_REQUEST_HEAD);
    }

    #[test]
    fn header_only_frame_has_empty_payload() {
        let f = Frame::new_checked(&ARP_REQUEST_HEAD[..14]).unwrap();
        assert!(f.payload().is_empty());
    }

    #[test]
    fn short_buffer_is_truncated_header() {
        for len in 0..14 {
            assert_eq!(
                Frame::new_checked(&ARP_REQUEST_HEAD[..len]),
                Err(Error::truncated("ethernet header", 0, 14, len))
            );
        }
    }
}
