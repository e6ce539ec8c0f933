//! The IPv4 header view (RFC 791 §3.1).

use core::net::Ipv4Addr;

use wirestate_wire::bytes::{need, read_array, read_u16, write_u16};
use wirestate_wire::{checksum, Error, IpProtocol, Result};

use super::field;
use super::options::Options;

/// The reserved flag (RFC 791 §3.1 "Bit 0: reserved, must be zero"; RFC 3514's evil bit).
const FLAG_RESERVED: u8 = 0x80;
/// Don't fragment.
const FLAG_DF: u8 = 0x40;
/// More fragments.
const FLAG_MF: u8 = 0x20;
/// The fragment offset's 13 bits in the flags/offset word.
const FRAG_MASK: u16 = 0x1fff;

/// An IPv4 header, its options and payload over a buffer `T` (RFC 791 §3.1).
///
/// Build it with [`Packet::new_checked`] (a whole datagram) or
/// [`Packet::new_checked_header`] (a header whose payload may be cut short); both
/// prove every getter in bounds. [`Packet::new_unchecked`] proves nothing: on a
/// short buffer its getters panic, which is how a caller that just sized a buffer
/// with [`super::Repr::buffer_len`] writes into it.
///
/// ```
/// use core::net::Ipv4Addr;
/// use wirestate_ip::{ipv4::Packet, Error};
/// let mut bytes = [0u8; 115];
/// bytes[..20].copy_from_slice(&[
///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
///     0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
/// ]);
/// let packet = Packet::new_checked(&bytes[..])?;
/// assert_eq!(packet.dst_addr(), Ipv4Addr::new(192, 168, 0, 199));
/// assert_eq!(packet.payload().len(), 95);
/// assert!(packet.dont_frag() && packet.verify_checksum());
///
/// bytes[0] = 0x65; // version 6
/// let err = Packet::new_checked(&bytes[..]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("version", 0));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

/// Checks what every header getter relies on and returns the header length.
#[inline(always)]
pub(super) fn check_header(b: &[u8]) -> Result<usize> {
    need(b, 0, field::HEADER_LEN, "ipv4 header")?;
    if b[field::VER_IHL] >> 4 != 4 {
        return Err(Error::malformed("version", field::VER_IHL, "RFC 791 §3.1: version is 4"));
    }
    let ihl = b[field::VER_IHL] & 0x0f;
    if ihl < 5 {
        return Err(Error::malformed(
            "ihl",
            field::VER_IHL,
            "RFC 791 §3.1: the minimum value for a correct header is 5",
        ));
    }
    let header_len = usize::from(ihl) * 4;
    need(b, field::OPTIONS, header_len - field::HEADER_LEN, "ipv4 options")?;
    Ok(header_len)
}

/// The rule `total_len >= header_len`, shared by the view and the repr.
#[inline(always)]
pub(super) fn check_total_len(total_len: u16, header_len: usize) -> Result<()> {
    if usize::from(total_len) < header_len {
        return Err(Error::malformed(
            "total_len",
            field::TOTAL_LEN,
            "RFC 791 §3.1: total length counts the header",
        ));
    }
    Ok(())
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buf` without checking anything; getters panic if it is too short.
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Self { buf }
    }

    /// Wraps a whole datagram: a 20-byte header, version 4, IHL at least 5, the
    /// options, `total_len >= header_len` and `total_len` bytes of input. Bytes past
    /// `total_len` (link-layer padding) are ignored by [`Packet::payload`].
    ///
    /// # Errors
    /// `Truncated` "ipv4 header" (fewer than 20 bytes), `Malformed` "version",
    /// `Malformed` "ihl" (below 5), `Truncated` "ipv4 options" (IHL past the input),
    /// `Malformed` "total_len" (below the header length), `Truncated` "ipv4 payload"
    /// (`total_len` past the input).
    #[inline(always)]
    pub fn new_checked(buf: T) -> Result<Self> {
        let packet = Self::new_checked_header(buf)?;
        let b = packet.buf.as_ref();
        let header_len = packet.header_len();
        let total_len = packet.total_len();
        check_total_len(total_len, header_len)?;
        need(b, header_len, usize::from(total_len) - header_len, "ipv4 payload")?;
        Ok(packet)
    }

    /// Wraps a header whose payload may be cut short: the checks of
    /// [`Packet::new_checked`] except both `total_len` ones. This is the form of the
    /// datagram an ICMP error quotes (RFC 792: "the internet header plus the first 64
    /// bits of the original datagram's data") and of a truncated capture;
    /// [`Packet::payload`] then returns what is present, up to `total_len`.
    ///
    /// # Errors
    /// `Truncated` "ipv4 header", `Malformed` "version", `Malformed` "ihl",
    /// `Truncated` "ipv4 options".
    #[inline(always)]
    pub fn new_checked_header(buf: T) -> Result<Self> {
        check_header(buf.as_ref())?;
        Ok(Self { buf })
    }

    /// The buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The version field (4 in a checked view).
    #[inline]
    pub fn version(&self) -> u8 {
        self.buf.as_ref()[field::VER_IHL] >> 4
    }

    /// The IHL field: the header length in 32-bit words.
    #[inline]
    pub fn ihl(&self) -> u8 {
        self.buf.as_ref()[field::VER_IHL] & 0x0f
    }

    /// The header length in bytes, options included.
    #[inline]
    pub fn header_len(&self) -> usize {
        usize::from(self.ihl()) * 4
    }

    /// The differentiated services code point (RFC 2474 §3), six bits.
    pub fn dscp(&self) -> u8 {
        self.buf.as_ref()[field::DSCP_ECN] >> 2
    }

    /// The ECN field (RFC 3168 §5), two bits.
    pub fn ecn(&self) -> u8 {
        self.buf.as_ref()[field::DSCP_ECN] & 0x03
    }

    /// The total length field: header and payload, in bytes.
    #[inline]
    pub fn total_len(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::TOTAL_LEN)
    }

    /// The identification field.
    pub fn ident(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::IDENT)
    }

    /// The reserved flag bit, which RFC 791 §3.1 says must be zero.
    pub fn reserved_flag(&self) -> bool {
        self.buf.as_ref()[field::FLAGS_FRAG] & FLAG_RESERVED != 0
    }

    /// The don't-fragment flag.
    pub fn dont_frag(&self) -> bool {
        self.buf.as_ref()[field::FLAGS_FRAG] & FLAG_DF != 0
    }

    /// The more-fragments flag.
    #[inline]
    pub fn more_frags(&self) -> bool {
        self.buf.as_ref()[field::FLAGS_FRAG] & FLAG_MF != 0
    }

    /// The fragment offset in bytes (the field counts 8-byte units; at most 65528).
    #[inline]
    pub fn frag_offset(&self) -> u16 {
        (read_u16(self.buf.as_ref(), field::FLAGS_FRAG) & FRAG_MASK) << 3
    }

    /// The time to live.
    pub fn ttl(&self) -> u8 {
        self.buf.as_ref()[field::TTL]
    }

    /// The protocol of the payload.
    #[inline]
    pub fn protocol(&self) -> IpProtocol {
        IpProtocol(self.buf.as_ref()[field::PROTOCOL])
    }

    /// The header checksum as found on the wire.
    pub fn checksum(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::CHECKSUM)
    }

    /// The source address.
    pub fn src_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(read_array::<4>(self.buf.as_ref(), field::SRC_ADDR))
    }

    /// The destination address.
    pub fn dst_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(read_array::<4>(self.buf.as_ref(), field::DST_ADDR))
    }

    /// The raw options area (between byte 20 and the header length), padding included.
    pub fn options(&self) -> &[u8] {
        &self.buf.as_ref()[field::OPTIONS..self.header_len()]
    }

    /// The options, decoded one by one; error offsets count from the header start.
    pub fn options_iter(&self) -> Options<'_> {
        Options::new(self.options())
    }

    /// The payload: from the header end up to `total_len`, or to the end of the
    /// buffer if that comes first (only possible in a [`Packet::new_checked_header`]
    /// view). Empty if `total_len` is below the header length.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        let b = self.buf.as_ref();
        let (start, end) = self.payload_range(b.len());
        b.get(start..end).unwrap_or(&[])
    }

    /// Where the payload lies in a buffer of `len` bytes.
    fn payload_range(&self, len: usize) -> (usize, usize) {
        let start = self.header_len();
        (start, usize::from(self.total_len()).min(len).max(start))
    }

    /// The header bytes the checksum covers.
    fn header(&self) -> &[u8] {
        &self.buf.as_ref()[..self.header_len()]
    }

    /// Whether the header checksum verifies (RFC 791 §3.1: the ones' complement sum
    /// of the header, checksum included, is all ones).
    pub fn verify_checksum(&self) -> bool {
        checksum::sum(self.header()) == 0xffff
    }

    /// The checksum the header should carry, computed with the checksum field as zero.
    pub fn compute_checksum(&self) -> u16 {
        let h = self.header();
        // Both parts have even length, so their sums combine.
        !checksum::combine(&[
            checksum::sum(&h[..field::CHECKSUM]),
            checksum::sum(&h[field::CHECKSUM + 2..]),
        ])
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The whole buffer, for the length of the borrow rather than of the view.
    pub(super) fn bytes(&self) -> &'a [u8] {
        self.buf.as_ref()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the version field.
    pub fn set_version(&mut self, value: u8) {
        let b = &mut self.buf.as_mut()[field::VER_IHL];
        *b = (*b & 0x0f) | (value << 4);
    }

    /// Sets the IHL field (header length in 32-bit words, low four bits of `value`).
    pub fn set_ihl(&mut self, value: u8) {
        let b = &mut self.buf.as_mut()[field::VER_IHL];
        *b = (*b & 0xf0) | (value & 0x0f);
    }

    /// Sets the DSCP (low six bits of `value`).
    pub fn set_dscp(&mut self, value: u8) {
        let b = &mut self.buf.as_mut()[field::DSCP_ECN];
        *b = (*b & 0x03) | (value << 2);
    }

    /// Sets the ECN field (low two bits of `value`).
    pub fn set_ecn(&mut self, value: u8) {
        let b = &mut self.buf.as_mut()[field::DSCP_ECN];
        *b = (*b & 0xfc) | (value & 0x03);
    }

    /// Sets the total length.
    pub fn set_total_len(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::TOTAL_LEN, value);
    }

    /// Sets the identification.
    pub fn set_ident(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::IDENT, value);
    }

    fn set_flag(&mut self, mask: u8, value: bool) {
        let b = &mut self.buf.as_mut()[field::FLAGS_FRAG];
        *b = if value { *b | mask } else { *b & !mask };
    }

    /// Sets the reserved flag bit.
    pub fn set_reserved_flag(&mut self, value: bool) {
        self.set_flag(FLAG_RESERVED, value);
    }

    /// Sets the don't-fragment flag.
    pub fn set_dont_frag(&mut self, value: bool) {
        self.set_flag(FLAG_DF, value);
    }

    /// Sets the more-fragments flag.
    pub fn set_more_frags(&mut self, value: bool) {
        self.set_flag(FLAG_MF, value);
    }

    /// Sets the fragment offset from a byte count; the low three bits of `bytes` are
    /// dropped, because the field counts 8-byte units.
    pub fn set_frag_offset(&mut self, bytes: u16) {
        let b = self.buf.as_mut();
        let flags = read_u16(b, field::FLAGS_FRAG) & !FRAG_MASK;
        write_u16(b, field::FLAGS_FRAG, flags | (bytes >> 3));
    }

    /// Sets the time to live.
    pub fn set_ttl(&mut self, value: u8) {
        self.buf.as_mut()[field::TTL] = value;
    }

    /// Sets the protocol.
    pub fn set_protocol(&mut self, value: IpProtocol) {
        self.buf.as_mut()[field::PROTOCOL] = value.0;
    }

    /// Sets the checksum field as is; see [`Packet::fill_checksum`].
    pub fn set_checksum(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::CHECKSUM, value);
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, addr: Ipv4Addr) {
        self.buf.as_mut()[field::SRC_ADDR..field::SRC_ADDR + 4].copy_from_slice(&addr.octets());
    }

    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, addr: Ipv4Addr) {
        self.buf.as_mut()[field::DST_ADDR..field::DST_ADDR + 4].copy_from_slice(&addr.octets());
    }

    /// The options area, to write options into (its length follows the IHL field).
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len();
        &mut self.buf.as_mut()[field::OPTIONS..end]
    }

    /// The payload, as [`Packet::payload`] delimits it, to write into.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let len = self.buf.as_ref().len();
        let (start, end) = self.payload_range(len);
        self.buf.as_mut().get_mut(start..end).unwrap_or(&mut [])
    }

    /// Computes the header checksum and writes it; call it after the last change
    /// to the header.
    pub fn fill_checksum(&mut self) {
        let value = self.compute_checksum();
        self.set_checksum(value);
    }
}
