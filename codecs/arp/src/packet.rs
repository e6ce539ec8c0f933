//! The ARP packet view, for any hardware and protocol type.

use core::ops::Range;

use wirestate_wire::bytes::{need, read_u16, write_u16};
use wirestate_wire::Result;

use crate::Operation;

/// Length of the fixed part: hardware type, protocol type, the two address lengths,
/// operation.
pub const HEADER_LEN: usize = 8;

/// Byte offsets of the fixed fields (RFC 826 "Packet format"). The addresses follow
/// at [`field::SHA`]; where each one starts depends on `hlen` and `plen`.
pub mod field {
    /// `ar$hrd`, hardware type, 2 bytes.
    pub const HTYPE: usize = 0;
    /// `ar$pro`, protocol type (an EtherType), 2 bytes.
    pub const PTYPE: usize = 2;
    /// `ar$hln`, hardware address length, 1 byte.
    pub const HLEN: usize = 4;
    /// `ar$pln`, protocol address length, 1 byte.
    pub const PLEN: usize = 5;
    /// `ar$op`, operation, 2 bytes.
    pub const OPER: usize = 6;
    /// `ar$sha`, sender hardware address: the first address.
    pub const SHA: usize = 8;
}

/// An ARP packet over `T`.
///
/// [`new_checked`](Self::new_checked) proves the fixed fields and all four addresses
/// in bounds, whatever their lengths. Bytes after them (link padding) are ignored.
/// The address accessors locate their field from the current `hlen` and `plen`: set
/// those first, on a buffer large enough for the result, or the accessors panic.
///
/// ```
/// use wirestate_arp::{Error, Operation, Packet};
/// // An ARP request as on a LAN: who has 192.168.1.1? tell 192.168.1.100.
/// let bytes = [
///     0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, // Ethernet, IPv4, 6, 4, request
///     0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 192, 168, 1, 100, // sender
///     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 168, 1, 1, // target
/// ];
/// let p = Packet::new_checked(&bytes[..]).unwrap();
/// assert_eq!(p.operation(), Operation::Request);
/// assert_eq!(p.target_protocol_addr(), &[192, 168, 1, 1]);
///
/// let err = Packet::new_checked(&bytes[..27]).unwrap_err();
/// assert_eq!(err, Error::Truncated { field: "arp addresses", offset: 8, need: 28, have: 27 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Length of the fixed part, [`HEADER_LEN`].
    pub const HEADER_LEN: usize = HEADER_LEN;

    /// Wraps `buf` without checking it; getters panic if it is too short.
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Self { buf }
    }

    /// Wraps `buf` after checking it holds the fixed part and the four addresses.
    ///
    /// # Errors
    /// [`Error::Truncated`](crate::Error::Truncated):
    /// - field "arp header", offset 0: fewer than 8 bytes;
    /// - field "arp addresses", offset 8: fewer than `8 + 2 * (hlen + plen)` bytes.
    #[inline]
    pub fn new_checked(buf: T) -> Result<Self> {
        need(buf.as_ref(), 0, HEADER_LEN, "arp header")?;
        let packet = Self { buf };
        packet.check_addresses()?;
        Ok(packet)
    }

    /// Checks the four addresses fit, given that the fixed part does.
    #[inline]
    pub(crate) fn check_addresses(&self) -> Result<()> {
        let addresses = self.packet_len() - HEADER_LEN;
        need(self.buf.as_ref(), field::SHA, addresses, "arp addresses")
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// `ar$hrd`, the hardware type (1: Ethernet).
    pub fn hardware_type(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::HTYPE)
    }

    /// `ar$pro`, the protocol type, an EtherType (0x0800: IPv4).
    pub fn protocol_type(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::PTYPE)
    }

    /// `ar$hln`, the length of each hardware address.
    pub fn hardware_len(&self) -> u8 {
        self.buf.as_ref()[field::HLEN]
    }

    /// `ar$pln`, the length of each protocol address.
    pub fn protocol_len(&self) -> u8 {
        self.buf.as_ref()[field::PLEN]
    }

    /// `ar$op`, the operation.
    pub fn operation(&self) -> Operation {
        Operation::from(read_u16(self.buf.as_ref(), field::OPER))
    }

    /// Length of the packet, `8 + 2 * (hlen + plen)`: the fixed part and the four
    /// addresses, without any padding after them.
    pub fn packet_len(&self) -> usize {
        // At most 8 + 2 * (255 + 255): no overflow.
        HEADER_LEN + 2 * (usize::from(self.hardware_len()) + usize::from(self.protocol_len()))
    }

    /// `ar$sha`, the sender hardware address.
    pub fn sender_hardware_addr(&self) -> &[u8] {
        &self.buf.as_ref()[self.sha()]
    }

    /// `ar$spa`, the sender protocol address.
    pub fn sender_protocol_addr(&self) -> &[u8] {
        &self.buf.as_ref()[self.spa()]
    }

    /// `ar$tha`, the target hardware address.
    pub fn target_hardware_addr(&self) -> &[u8] {
        &self.buf.as_ref()[self.tha()]
    }

    /// `ar$tpa`, the target protocol address.
    pub fn target_protocol_addr(&self) -> &[u8] {
        &self.buf.as_ref()[self.tpa()]
    }

    /// The bytes after the packet (Ethernet pads ARP to 46 bytes); ignored by parsing.
    pub fn padding(&self) -> &[u8] {
        &self.buf.as_ref()[self.packet_len()..]
    }

    fn sha(&self) -> Range<usize> {
        let start = field::SHA;
        start..start + usize::from(self.hardware_len())
    }

    fn spa(&self) -> Range<usize> {
        let start = self.sha().end;
        start..start + usize::from(self.protocol_len())
    }

    fn tha(&self) -> Range<usize> {
        let start = self.spa().end;
        start..start + usize::from(self.hardware_len())
    }

    fn tpa(&self) -> Range<usize> {
        let start = self.tha().end;
        start..start + usize::from(self.protocol_len())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets `ar$hrd`.
    pub fn set_hardware_type(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::HTYPE, value);
    }

    /// Sets `ar$pro`.
    pub fn set_protocol_type(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::PTYPE, value);
    }

    /// Sets `ar$hln`; this moves every address after the sender hardware address.
    pub fn set_hardware_len(&mut self, value: u8) {
        self.buf.as_mut()[field::HLEN] = value;
    }

    /// Sets `ar$pln`; this moves every address after the sender protocol address.
    pub fn set_protocol_len(&mut self, value: u8) {
        self.buf.as_mut()[field::PLEN] = value;
    }

    /// Sets `ar$op`.
    pub fn set_operation(&mut self, value: Operation) {
        write_u16(self.buf.as_mut(), field::OPER, value.into());
    }

    /// `ar$sha`, writable.
    pub fn sender_hardware_addr_mut(&mut self) -> &mut [u8] {
        let r = self.sha();
        &mut self.buf.as_mut()[r]
    }

    /// `ar$spa`, writable.
    pub fn sender_protocol_addr_mut(&mut self) -> &mut [u8] {
        let r = self.spa();
        &mut self.buf.as_mut()[r]
    }

    /// `ar$tha`, writable.
    pub fn target_hardware_addr_mut(&mut self) -> &mut [u8] {
        let r = self.tha();
        &mut self.buf.as_mut()[r]
    }

    /// `ar$tpa`, writable.
    pub fn target_protocol_addr_mut(&mut self) -> &mut [u8] {
        let r = self.tpa();
        &mut self.buf.as_mut()[r]
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Packet<T> {
    fn as_ref(&self) -> &[u8] {
        self.buf.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    /// An ARP reply as a home router sends it (see `tests/vectors.rs`), with the
    /// 18 bytes of zero padding that bring the Ethernet payload to 46 bytes.
    const REPLY_PADDED: [u8; 46] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, // fixed part
        0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56, 192, 168, 1, 1, // sender
        0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 192, 168, 1, 100, // target
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // padding
    ];

    #[test]
    fn reads_fields_and_ignores_padding() {
        let p = Packet::new_checked(&REPLY_PADDED[..]).unwrap();
        assert_eq!(p.hardware_type(), 1);
        assert_eq!(p.protocol_type(), 0x0800);
        assert_eq!(p.hardware_len(), 6);
        assert_eq!(p.protocol_len(), 4);
        assert_eq!(p.operation(), Operation::Reply);
        assert_eq!(p.sender_hardware_addr(), &[0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56]);
        assert_eq!(p.sender_protocol_addr(), &[192, 168, 1, 1]);
        assert_eq!(p.target_hardware_addr(), &[0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]);
        assert_eq!(p.target_protocol_addr(), &[192, 168, 1, 100]);
        assert_eq!(p.packet_len(), 28);
        assert_eq!(p.padding(), &[0; 18]);
        assert_eq!(Packet::<&[u8]>::HEADER_LEN, 8);
        assert_eq!(p.into_inner().len(), 46);
    }

    #[test]
    fn other_address_lengths_are_viewed() {
        // hlen 2, plen 3 (no real link has these; the view must not care).
        let bytes = [0, 9, 0x12, 0x34, 2, 3, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xee];
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(p.operation(), Operation::Unknown(7));
        assert_eq!(p.sender_hardware_addr(), &[1, 2]);
        assert_eq!(p.sender_protocol_addr(), &[3, 4, 5]);
        assert_eq!(p.target_hardware_addr(), &[6, 7]);
        assert_eq!(p.target_protocol_addr(), &[8, 9, 10]);
        assert_eq!(p.padding(), &[0xee]);
    }

    #[test]
    fn setters_write_in_place() {
        let mut buf = [0u8; 46];
        let mut p = Packet::new_unchecked(&mut buf[..]);
        p.set_hardware_type(1);
        p.set_protocol_type(0x0800);
        p.set_hardware_len(6);
        p.set_protocol_len(4);
        p.set_operation(Operation::Reply);
        p.sender_hardware_addr_mut().copy_from_slice(&[0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56]);
        p.sender_protocol_addr_mut().copy_from_slice(&[192, 168, 1, 1]);
        p.target_hardware_addr_mut().copy_from_slice(&[0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]);
        p.target_protocol_addr_mut().copy_from_slice(&[192, 168, 1, 100]);
        assert_eq!(buf, REPLY_PADDED);
    }

    #[test]
    fn short_fixed_part_is_truncated_header() {
        for len in 0..8 {
            assert_eq!(
                Packet::new_checked(&REPLY_PADDED[..len]),
                Err(Error::truncated("arp header", 0, 8, len))
            );
        }
    }

    #[test]
    fn short_addresses_are_truncated_addresses() {
        for len in 8..28 {
            assert_eq!(
                Packet::new_checked(&REPLY_PADDED[..len]),
                Err(Error::truncated("arp addresses", 8, 28, len))
            );
        }
        // The largest lengths a header can claim are measured without overflow.
        let big = [0, 1, 8, 0, 0xff, 0xff, 0, 1];
        assert_eq!(
            Packet::new_checked(&big[..]),
            Err(Error::truncated("arp addresses", 8, 1028, 8))
        );
    }
}
