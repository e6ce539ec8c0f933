//! The fixed IPv6 header view (RFC 8200 §3).

use core::net::Ipv6Addr;

use wirestate_wire::bytes::{need, read_array, read_u16, read_u32, write_u16, write_u32};
use wirestate_wire::{Error, IpProtocol, Result};

use super::ext::ExtHeaders;
use super::field;

/// The flow label's 20 bits in the first word.
const FLOW_MASK: u32 = 0x000f_ffff;

/// An IPv6 packet over a buffer `T`: the fixed header and its payload (RFC 8200 §3).
///
/// [`Packet::new_checked`] and [`Packet::new_checked_header`] prove every getter in
/// bounds; [`Packet::new_unchecked`] proves nothing (getters panic on a short buffer).
///
/// ```
/// use wirestate_ip::{ipv6::Packet, Error, IpProtocol};
/// let mut bytes = [0u8; 48];
/// bytes[0] = 0x60;
/// bytes[5] = 8; // payload length
/// bytes[6] = 17; // UDP
/// bytes[7] = 64;
/// let packet = Packet::new_checked(&bytes[..])?;
/// assert_eq!(packet.next_header(), IpProtocol::UDP);
/// assert_eq!(packet.upper_layer()?, (IpProtocol::UDP, 0));
///
/// let err = Packet::new_checked(&bytes[..47]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("ipv6 payload", 40));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

/// Checks what every fixed-header getter relies on.
#[inline(always)]
pub(super) fn check_header(b: &[u8]) -> Result<()> {
    need(b, 0, field::HEADER_LEN, "ipv6 header")?;
    if b[field::VER_TC_FLOW] >> 4 != 6 {
        return Err(Error::malformed("version", field::VER_TC_FLOW, "RFC 8200 §3: version is 6"));
    }
    Ok(())
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buf` without checking anything; getters panic if it is too short.
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Self { buf }
    }

    /// Wraps a whole packet: 40 header bytes, version 6, and `payload_len` bytes after
    /// the header. Bytes past them (link-layer padding) are ignored.
    ///
    /// # Errors
    /// `Truncated` "ipv6 header" (fewer than 40 bytes), `Malformed` "version",
    /// `Truncated` "ipv6 payload" (offset 40: `payload_len` past the input).
    #[inline(always)]
    pub fn new_checked(buf: T) -> Result<Self> {
        let packet = Self::new_checked_header(buf)?;
        let len = usize::from(packet.payload_len());
        need(packet.buf.as_ref(), field::HEADER_LEN, len, "ipv6 payload")?;
        Ok(packet)
    }

    /// Wraps a header whose payload may be cut short: the checks of
    /// [`Packet::new_checked`] but the payload length. This is the packet an ICMPv6
    /// error quotes (RFC 4443 §3.1: "as much of invoking packet as possible") and a
    /// truncated capture; [`Packet::payload`] then returns what is present, up to
    /// `payload_len`.
    ///
    /// # Errors
    /// `Truncated` "ipv6 header", `Malformed` "version".
    #[inline]
    pub fn new_checked_header(buf: T) -> Result<Self> {
        check_header(buf.as_ref())?;
        Ok(Self { buf })
    }

    /// The buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The whole buffer, for the repr to re-check.
    pub(super) fn as_bytes(&self) -> &[u8] {
        self.buf.as_ref()
    }

    /// The length of the fixed header, 40.
    #[inline]
    pub fn header_len(&self) -> usize {
        field::HEADER_LEN
    }

    fn first_word(&self) -> u32 {
        read_u32(self.buf.as_ref(), field::VER_TC_FLOW)
    }

    /// The version field (6 in a checked view).
    #[inline]
    pub fn version(&self) -> u8 {
        self.buf.as_ref()[field::VER_TC_FLOW] >> 4
    }

    /// The traffic class (RFC 8200 §7): DSCP and ECN.
    pub fn traffic_class(&self) -> u8 {
        (self.first_word() >> 20) as u8
    }

    /// The DSCP, the traffic class's high six bits (RFC 2474 §3).
    pub fn dscp(&self) -> u8 {
        self.traffic_class() >> 2
    }

    /// The ECN field, the traffic class's low two bits (RFC 3168 §5).
    pub fn ecn(&self) -> u8 {
        self.traffic_class() & 0x03
    }

    /// The 20-bit flow label (RFC 6437).
    pub fn flow_label(&self) -> u32 {
        self.first_word() & FLOW_MASK
    }

    /// The payload length: bytes after the fixed header, extension headers included.
    #[inline]
    pub fn payload_len(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::PAYLOAD_LEN)
    }

    /// The next header: the first extension header or the upper-layer protocol.
    #[inline]
    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.buf.as_ref()[field::NEXT_HEADER])
    }

    /// The hop limit.
    pub fn hop_limit(&self) -> u8 {
        self.buf.as_ref()[field::HOP_LIMIT]
    }

    /// The source address.
    pub fn src_addr(&self) -> Ipv6Addr {
        Ipv6Addr::from(read_array::<16>(self.buf.as_ref(), field::SRC_ADDR))
    }

    /// The destination address.
    pub fn dst_addr(&self) -> Ipv6Addr {
        Ipv6Addr::from(read_array::<16>(self.buf.as_ref(), field::DST_ADDR))
    }

    /// Where the payload lies in a buffer of `len` bytes.
    fn payload_range(&self, len: usize) -> (usize, usize) {
        let end = field::HEADER_LEN + usize::from(self.payload_len());
        (field::HEADER_LEN, end.min(len).max(field::HEADER_LEN))
    }

    /// The payload: `payload_len` bytes after the header, or fewer if the buffer ends
    /// first (only possible in a [`Packet::new_checked_header`] view).
    #[inline]
    pub fn payload(&self) -> &[u8] {
        let b = self.buf.as_ref();
        let (start, end) = self.payload_range(b.len());
        b.get(start..end).unwrap_or(&[])
    }

    /// The extension headers of the payload, walked lazily from `next_header`.
    pub fn ext_headers(&self) -> ExtHeaders<'_> {
        ExtHeaders::new(self.next_header(), self.payload())
    }

    /// Walks the extension headers and returns the upper-layer protocol and its offset
    /// within the payload (add 40 for the offset in the packet). For a non-first
    /// fragment the offset is the start of the fragment's data, not of an upper-layer
    /// header; see [`ExtHeaders::fragment`].
    ///
    /// # Errors
    /// The first error of [`ExtHeaders`].
    pub fn upper_layer(&self) -> Result<(IpProtocol, usize)> {
        self.ext_headers().finish()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_first_word(&mut self, value: u32) {
        write_u32(self.buf.as_mut(), field::VER_TC_FLOW, value);
    }

    /// Sets the version field (low four bits of `value`).
    pub fn set_version(&mut self, value: u8) {
        let w = self.first_word() & 0x0fff_ffff;
        self.set_first_word(w | (u32::from(value & 0x0f) << 28));
    }

    /// Sets the traffic class.
    pub fn set_traffic_class(&mut self, value: u8) {
        let w = self.first_word() & 0xf00f_ffff;
        self.set_first_word(w | (u32::from(value) << 20));
    }

    /// Sets the DSCP (low six bits of `value`), keeping the ECN bits.
    pub fn set_dscp(&mut self, value: u8) {
        let tc = (self.traffic_class() & 0x03) | (value << 2);
        self.set_traffic_class(tc);
    }

    /// Sets the ECN field (low two bits of `value`), keeping the DSCP.
    pub fn set_ecn(&mut self, value: u8) {
        let tc = (self.traffic_class() & 0xfc) | (value & 0x03);
        self.set_traffic_class(tc);
    }

    /// Sets the flow label (low 20 bits of `value`).
    pub fn set_flow_label(&mut self, value: u32) {
        let w = self.first_word() & !FLOW_MASK;
        self.set_first_word(w | (value & FLOW_MASK));
    }

    /// Sets the payload length.
    pub fn set_payload_len(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::PAYLOAD_LEN, value);
    }

    /// Sets the next header.
    pub fn set_next_header(&mut self, value: IpProtocol) {
        self.buf.as_mut()[field::NEXT_HEADER] = value.0;
    }

    /// Sets the hop limit.
    pub fn set_hop_limit(&mut self, value: u8) {
        self.buf.as_mut()[field::HOP_LIMIT] = value;
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, addr: Ipv6Addr) {
        self.buf.as_mut()[field::SRC_ADDR..field::SRC_ADDR + 16].copy_from_slice(&addr.octets());
    }

    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, addr: Ipv6Addr) {
        self.buf.as_mut()[field::DST_ADDR..field::DST_ADDR + 16].copy_from_slice(&addr.octets());
    }

    /// The payload, as [`Packet::payload`] delimits it, to write into.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let len = self.buf.as_ref().len();
        let (start, end) = self.payload_range(len);
        self.buf.as_mut().get_mut(start..end).unwrap_or(&mut [])
    }
}
