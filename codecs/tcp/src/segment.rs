//! The TCP segment view (RFC 9293 §3.1).

use core::net::IpAddr;

use wirestate_wire::bytes::{need, read_u16, read_u32, write_u16, write_u32};
use wirestate_wire::checksum::{combine, pseudo_header, sum};
use wirestate_wire::{Error, IpProtocol, Result};

use crate::field;
use crate::{Flags, Options, SeqNumber};

/// The length of a TCP header without options.
pub const HEADER_LEN: usize = 20;

/// The longest TCP header: a data offset of 15 words.
pub const MAX_HEADER_LEN: usize = 60;

/// A TCP segment over a byte buffer: header, options, payload.
///
/// TCP has no length field, so the segment is the whole buffer: the caller slices
/// it to the IP payload, and [`payload`](Self::payload) is everything after the
/// header. [`new_checked`](Self::new_checked) proves that the fixed header and the
/// options the data offset announces are in the buffer; every getter relies on that.
///
/// ```
/// use wirestate_tcp::{Flags, Segment, SeqNumber};
/// // A SYN from port 47068 to 45680 (Linux, trimmed to a header without options).
/// let bytes = [
///     0xb7, 0xdc, 0xb2, 0x70, 0x16, 0x67, 0xb5, 0x3e, 0, 0, 0, 0,
///     0x50, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
/// ];
/// let seg = Segment::new_checked(&bytes[..]).unwrap();
/// assert_eq!((seg.src_port(), seg.dst_port()), (47068, 45680));
/// assert_eq!(seg.seq_number(), SeqNumber(375_895_358));
/// assert_eq!(seg.flags(), Flags::SYN);
/// assert_eq!(seg.segment_len(), 1); // the SYN occupies one sequence number
///
/// // A data offset below 5 words is refused.
/// let mut bad = bytes;
/// bad[12] = 0x40;
/// let err = Segment::new_checked(&bad[..]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("data_offset", 12));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Segment<T> {
    /// The length of a TCP header without options (20).
    pub const HEADER_LEN: usize = HEADER_LEN;

    /// Wraps `buf` without checking it; getters may panic unless
    /// [`check_len`](Self::check_len) passes. For emitting into a buffer the caller
    /// sized with [`Repr::buffer_len`](crate::Repr::buffer_len).
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Segment { buf }
    }

    /// Wraps `buf` after [`check_len`](Self::check_len).
    #[inline(always)]
    pub fn new_checked(buf: T) -> Result<Self> {
        let segment = Self::new_unchecked(buf);
        segment.check_len()?;
        Ok(segment)
    }

    /// Checks what every getter relies on.
    ///
    /// # Errors
    /// - `Truncated` "tcp header" at 0: fewer than 20 bytes;
    /// - `Malformed` "data_offset" at 12: a data offset below 5 words (RFC 9293 §3.1);
    /// - `Truncated` "tcp options" at 20: the buffer ends before the data offset does.
    #[inline(always)]
    pub fn check_len(&self) -> Result<()> {
        let buf = self.buf.as_ref();
        need(buf, 0, HEADER_LEN, "tcp header")?;
        if usize::from(self.data_offset()) * 4 < HEADER_LEN {
            return Err(Error::malformed(
                "data_offset",
                field::DATA_OFFSET,
                "RFC 9293 §3.1: data offset is at least 5",
            ));
        }
        need(buf, HEADER_LEN, self.header_len() - HEADER_LEN, "tcp options")
    }

    /// The buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The whole segment: header, options and payload.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.as_ref()
    }

    /// Source port.
    #[inline]
    pub fn src_port(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::SRC_PORT)
    }

    /// Destination port.
    #[inline]
    pub fn dst_port(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::DST_PORT)
    }

    /// Sequence number.
    pub fn seq_number(&self) -> SeqNumber {
        SeqNumber(read_u32(self.buf.as_ref(), field::SEQ_NUM))
    }

    /// Acknowledgment number, as on the wire (meaningful only with ACK set).
    pub fn ack_number(&self) -> SeqNumber {
        SeqNumber(read_u32(self.buf.as_ref(), field::ACK_NUM))
    }

    /// Data offset: the header length in 32-bit words (5 to 15 once checked).
    #[inline]
    pub fn data_offset(&self) -> u8 {
        self.buf.as_ref()[field::DATA_OFFSET] >> 4
    }

    /// Header length in bytes, options included: 4 × [`data_offset`](Self::data_offset).
    #[inline]
    pub fn header_len(&self) -> usize {
        usize::from(self.data_offset()) * 4
    }

    /// The nine control bits (NS and CWR..FIN); the reserved bits are left out.
    #[inline]
    pub fn flags(&self) -> Flags {
        Flags(read_u16(self.buf.as_ref(), field::FLAGS.start) & Flags::ALL.0)
    }

    /// The three reserved bits between the data offset and NS, as a number 0..=7.
    /// RFC 9293 §3.1: senders must send them as zero, receivers ignore them.
    pub fn reserved(&self) -> u8 {
        (self.buf.as_ref()[field::DATA_OFFSET] >> 1) & 0x07
    }

    /// Window, unscaled as on the wire.
    pub fn window_len(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::WINDOW)
    }

    /// Checksum field.
    pub fn checksum(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::CHECKSUM)
    }

    /// Urgent pointer, as on the wire (meaningful only with URG set).
    pub fn urgent_at(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::URGENT)
    }

    /// The option octets, between byte 20 and the data offset.
    pub fn options(&self) -> &[u8] {
        &self.buf.as_ref()[field::OPTIONS..self.header_len()]
    }

    /// The options, decoded one by one.
    pub fn options_iter(&self) -> Options<'_> {
        Options::new(self.options())
    }

    /// Everything after the header.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        &self.buf.as_ref()[self.header_len()..]
    }

    /// The sequence space the segment occupies: payload octets, plus one for SYN and
    /// one for FIN (RFC 9293 §3.4, SEG.LEN).
    pub fn segment_len(&self) -> usize {
        let flags = self.flags();
        self.payload()
            .len()
            .saturating_add(usize::from(flags.contains(Flags::SYN)))
            .saturating_add(usize::from(flags.contains(Flags::FIN)))
    }

    /// The value the checksum field should hold for this segment between `src` and
    /// `dst` (RFC 9293 §3.1: over the pseudo-header, header, options and payload,
    /// with the checksum field taken as zero).
    ///
    /// `None` when there is no pseudo-header: mixed address families, or an IPv4
    /// segment longer than 65535 bytes.
    pub fn compute_checksum(&self, src: IpAddr, dst: IpAddr) -> Option<u16> {
        let buf = self.buf.as_ref();
        let pseudo = pseudo_header(src, dst, IpProtocol::TCP.0, u32::try_from(buf.len()).ok()?)?;
        // Summing around the field rather than zeroing it keeps the view read-only.
        let before = buf.get(..field::CHECKSUM)?;
        let after = buf.get(field::URGENT..)?;
        Some(!combine(&[pseudo, sum(before), sum(after)]))
    }

    /// Whether the checksum verifies for `src` and `dst`; `None` when it cannot be
    /// checked (see [`compute_checksum`](Self::compute_checksum)).
    ///
    /// RFC 1071 §1: the ones'-complement sum over everything, checksum included, is
    /// all ones; so both encodings of zero (0x0000 and 0xffff) pass.
    pub fn checksum_ok(&self, src: IpAddr, dst: IpAddr) -> Option<bool> {
        let buf = self.buf.as_ref();
        let pseudo = pseudo_header(src, dst, IpProtocol::TCP.0, u32::try_from(buf.len()).ok()?)?;
        Some(combine(&[pseudo, sum(buf)]) == 0xffff)
    }

    /// The error for a checksum that does not verify for `src` and `dst`:
    /// `Checksum` "checksum" at 16 with the value it should have and the one found
    /// (`Unsupported` when the addresses are of different families). Built out of
    /// line: callers check with [`checksum_ok`](Self::checksum_ok) on the hot path.
    #[cold]
    #[inline(never)]
    pub fn checksum_error(&self, src: IpAddr, dst: IpAddr) -> Error {
        match self.compute_checksum(src, dst) {
            Some(computed) => Error::Checksum {
                field: "checksum",
                offset: field::CHECKSUM,
                computed,
                found: self.checksum(),
            },
            None => Error::unsupported("checksum", field::CHECKSUM, 0),
        }
    }

    /// [`checksum_ok`](Self::checksum_ok) is `Some(true)`.
    pub fn verify_checksum(&self, src: IpAddr, dst: IpAddr) -> bool {
        self.checksum_ok(src, dst) == Some(true)
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Segment<&'a T> {
    /// [`options`](Segment::options) with the lifetime of the underlying bytes
    /// rather than of the view, so a value parsed from it can outlive the view.
    pub fn options_ref(&self) -> &'a [u8] {
        &self.buf.as_ref()[field::OPTIONS..self.header_len()]
    }

    /// [`payload`](Segment::payload) with the lifetime of the underlying bytes.
    pub fn payload_ref(&self) -> &'a [u8] {
        &self.buf.as_ref()[self.header_len()..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Segment<T> {
    /// Sets the source port.
    pub fn set_src_port(&mut self, v: u16) {
        write_u16(self.buf.as_mut(), field::SRC_PORT, v);
    }

    /// Sets the destination port.
    pub fn set_dst_port(&mut self, v: u16) {
        write_u16(self.buf.as_mut(), field::DST_PORT, v);
    }

    /// Sets the sequence number.
    pub fn set_seq_number(&mut self, v: SeqNumber) {
        write_u32(self.buf.as_mut(), field::SEQ_NUM, v.0);
    }

    /// Sets the acknowledgment number.
    pub fn set_ack_number(&mut self, v: SeqNumber) {
        write_u32(self.buf.as_mut(), field::ACK_NUM, v.0);
    }

    /// Sets the data offset in words (the low four bits of `words`), keeping the
    /// reserved bits and NS.
    pub fn set_data_offset(&mut self, words: u8) {
        let b = &mut self.buf.as_mut()[field::DATA_OFFSET];
        *b = (*b & 0x0f) | (words << 4);
    }

    /// Sets the data offset from a header length in bytes: a multiple of 4 from 20
    /// to 60 (others are a caller bug: debug builds assert, release builds store
    /// `len / 4` capped at 15).
    pub fn set_header_len(&mut self, len: usize) {
        debug_assert!(len.is_multiple_of(4) && (HEADER_LEN..=MAX_HEADER_LEN).contains(&len));
        self.set_data_offset(u8::try_from(len / 4).unwrap_or(0x0f).min(0x0f));
    }

    /// Sets the nine control bits (bits of `v` above [`Flags::ALL`] are ignored),
    /// keeping the data offset and reserved bits.
    pub fn set_flags(&mut self, v: Flags) {
        let buf = self.buf.as_mut();
        let [hi, lo] = (v.0 & Flags::ALL.0).to_be_bytes();
        buf[field::FLAGS.start] = (buf[field::FLAGS.start] & 0xfe) | hi;
        buf[field::FLAGS.start + 1] = lo;
    }

    /// Sets the three reserved bits (the low three bits of `v`).
    pub fn set_reserved(&mut self, v: u8) {
        let b = &mut self.buf.as_mut()[field::DATA_OFFSET];
        *b = (*b & 0xf1) | ((v & 0x07) << 1);
    }

    /// Sets the window.
    pub fn set_window_len(&mut self, v: u16) {
        write_u16(self.buf.as_mut(), field::WINDOW, v);
    }

    /// Sets the checksum field.
    pub fn set_checksum(&mut self, v: u16) {
        write_u16(self.buf.as_mut(), field::CHECKSUM, v);
    }

    /// Sets the urgent pointer.
    pub fn set_urgent_at(&mut self, v: u16) {
        write_u16(self.buf.as_mut(), field::URGENT, v);
    }

    /// The option octets, for writing (their extent comes from the data offset).
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len();
        &mut self.buf.as_mut()[field::OPTIONS..end]
    }

    /// Everything after the header, for writing.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        &mut self.buf.as_mut()[start..]
    }

    /// Computes and stores the checksum for `src` and `dst`. With no pseudo-header
    /// (mixed address families, or an IPv4 segment over 65535 bytes) the field is
    /// left as it was.
    pub fn fill_checksum(&mut self, src: IpAddr, dst: IpAddr) {
        if let Some(c) = self.compute_checksum(src, dst) {
            self.set_checksum(c);
        }
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Segment<T> {
    fn as_ref(&self) -> &[u8] {
        self.buf.as_ref()
    }
}
