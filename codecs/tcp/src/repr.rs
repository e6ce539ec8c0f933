//! The TCP segment as a plain value (RFC 9293 §3.1, RFC 7323, RFC 2018).

use core::net::IpAddr;

use wirestate_wire::{checksum, Error, Result};

use crate::options::kind;
use crate::sack::MAX_SACK_BLOCKS;
use crate::segment::{HEADER_LEN, MAX_HEADER_LEN};
use crate::{field, Flags, SackRanges, Segment, SeqNumber, TcpOption};

/// A TCP segment as a value: the header fields, the options this crate understands,
/// and the payload.
///
/// # Canonical form
/// `parse(emit(r)) == r.normalized()` for every `r`, and `r.normalized() == r` for
/// every repr `parse` returns. Normalising means:
///
/// - `flags` are the nine control bits as on the wire, ACK included; but on emit the
///   ACK bit comes from `ack_number` alone (set iff it is `Some`), so a repr built
///   without ACK in `flags` still sends a correct segment. Bits above
///   [`Flags::ALL`] are dropped.
/// - `sack_ranges` keeps only the blocks that fit in the 40 option octets after the
///   other options (see [`Repr::sack_capacity`]), as Linux does; `parse` applies
///   the same limit.
///
/// Fields that do not survive parsing: the acknowledgment number when ACK is clear
/// (RFC 9293 §3.1: significant only with ACK; emitted as zero), the reserved bits
/// (emitted as zero), the checksum (checked by [`Repr::parse_verified`], filled by
/// emit), and unknown options: RFC 9293 §3.1 has receivers ignore options they do
/// not implement, so the repr, which is what a connection acts on, drops them. A
/// decoder that shows them walks [`Segment::options_iter`] instead. Duplicate known
/// options: the last one wins, as in Linux.
///
/// # Emitted option layout
/// Options are written in the layout Linux uses (`tcp_options_write`), each aligned
/// to 4 octets with NOPs, so segments captured from Linux re-emit byte for byte:
/// `MSS`, then timestamps (prefixed by SACK-permitted when both are present, by two
/// NOPs otherwise), SACK-permitted alone (two NOPs first), `NOP` + window scale,
/// two NOPs + SACK. No padding is ever needed.
///
/// ```
/// use core::net::{IpAddr, Ipv4Addr};
/// use wirestate_tcp::{Flags, Repr, Segment, SeqNumber};
/// let (src, dst) = (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), IpAddr::V4(Ipv4Addr::new(198, 51, 100, 2)));
/// let syn = Repr {
///     flags: Flags::SYN,
///     max_seg_size: Some(1460),
///     window_scale: Some(7),
///     sack_permitted: true,
///     timestamps: Some((1, 0)),
///     ..Repr::new(49152, 80, SeqNumber(1000))
/// };
/// let mut buf = vec![0u8; syn.buffer_len()];
/// let mut seg = Segment::new_unchecked(&mut buf[..]);
/// syn.emit(&mut seg, src, dst);
/// assert_eq!(buf.len(), 40);
///
/// let seg = Segment::new_checked(&buf[..]).unwrap();
/// assert!(seg.verify_checksum(src, dst));
/// assert_eq!(Repr::parse(&seg).unwrap(), syn);
///
/// // A flipped bit: the plain parse does not look at the checksum, the verified one does.
/// buf[4] ^= 1;
/// let seg = Segment::new_checked(&buf[..]).unwrap();
/// assert!(Repr::parse(&seg).is_ok());
/// let err = Repr::parse_verified(&seg, src, dst).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("checksum", 16));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq_number: SeqNumber,
    /// Acknowledgment number; `Some` exactly when the ACK bit is set.
    pub ack_number: Option<SeqNumber>,
    /// The nine control bits; ACK is derived from `ack_number` on emit (see the
    /// canonical form above).
    pub flags: Flags,
    /// Window, unscaled as on the wire.
    pub window_len: u16,
    /// Urgent pointer, as on the wire whatever URG says.
    pub urgent_at: u16,
    /// The MSS option (RFC 9293 §3.2).
    pub max_seg_size: Option<u16>,
    /// The window scale option's shift (RFC 7323 §2.2); values above 14 are kept.
    pub window_scale: Option<u8>,
    /// The SACK-permitted option (RFC 2018 §2).
    pub sack_permitted: bool,
    /// The SACK option's blocks (RFC 2018 §3); empty for no SACK option.
    pub sack_ranges: SackRanges,
    /// The timestamps option as `(tsval, tsecr)` (RFC 7323 §3.2).
    pub timestamps: Option<(u32, u32)>,
    /// The payload.
    pub payload: &'a [u8],
}

/// `(TSval, TSecr)` when the option octets are exactly NOP, NOP, timestamps: the
/// layout RFC 7323 Appendix A recommends, and the one nearly every segment of an
/// established connection carries. Header prediction checks it in one comparison.
///
/// ```
/// use wirestate_tcp::aligned_timestamps;
/// let options = [1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9];
/// assert_eq!(aligned_timestamps(&options), Some((7, 9)));
/// assert_eq!(aligned_timestamps(&options[..11]), None);
/// ```
#[inline(always)]
pub fn aligned_timestamps(options: &[u8]) -> Option<(u32, u32)> {
    let bytes: &[u8; 12] = options.try_into().ok()?;
    let [0x01, 0x01, kind::TIMESTAMPS, 10, a, b, c, d, e, f, g, h] = *bytes else {
        return None;
    };
    Some((u32::from_be_bytes([a, b, c, d]), u32::from_be_bytes([e, f, g, h])))
}

impl<'a> Repr<'a> {
    /// A segment from `src_port` to `dst_port` at `seq_number` with nothing else set:
    /// no flags, no ACK, window 0, no options, no payload. A base for struct update
    /// syntax.
    pub const fn new(src_port: u16, dst_port: u16, seq_number: SeqNumber) -> Self {
        Repr {
            src_port,
            dst_port,
            seq_number,
            ack_number: None,
            flags: Flags::EMPTY,
            window_len: 0,
            urgent_at: 0,
            max_seg_size: None,
            window_scale: None,
            sack_permitted: false,
            sack_ranges: SackRanges::new(),
            timestamps: None,
            payload: &[],
        }
    }

    /// Reads a checked segment. The checksum is not looked at (decoders report it as
    /// a flag; see [`parse_verified`](Self::parse_verified)).
    ///
    /// The view borrows its bytes (`Segment<&[u8]>`) so that the repr's payload can
    /// outlive the view. For a view over an owned or mutable buffer, view its bytes
    /// again: `Repr::parse(&Segment::new_unchecked(seg.as_bytes()))`.
    ///
    /// # Errors
    /// The first error of the option walk ([`Options`](crate::Options)): `Malformed`
    /// "option length" at the offending length octet.
    #[inline(always)]
    pub fn parse<T: AsRef<[u8]> + ?Sized>(segment: &Segment<&'a T>) -> Result<Self> {
        let flags = segment.flags();
        let options = segment.options_ref();
        // Nearly every segment of an established connection carries exactly the
        // layout RFC 7323 Appendix A recommends (NOP, NOP, timestamps); one
        // comparison takes it, as header prediction does. The repr is written
        // once, whole, into the result (building it and then moving it copied
        // it, and the copy stalled on the stores that had just built it).
        let timestamps = aligned_timestamps(options);
        let mut parsed = Ok(Repr {
            src_port: segment.src_port(),
            dst_port: segment.dst_port(),
            seq_number: segment.seq_number(),
            ack_number: flags.contains(Flags::ACK).then(|| segment.ack_number()),
            flags,
            window_len: segment.window_len(),
            urgent_at: segment.urgent_at(),
            max_seg_size: None,
            window_scale: None,
            sack_permitted: false,
            sack_ranges: SackRanges::new(),
            timestamps,
            payload: segment.payload_ref(),
        });
        if timestamps.is_none() && !options.is_empty() {
            if let Ok(repr) = &mut parsed {
                if let Err(e) = repr.parse_options(options) {
                    parsed = Err(e);
                }
            }
        }
        parsed
    }

    /// The general option walk (out of line: parse itself stays small enough to
    /// build its repr in the caller's frame).
    #[inline(never)]
    fn parse_options(&mut self, options: &'a [u8]) -> Result<()> {
        for option in crate::Options::new(options) {
            self.apply(option?);
        }
        // The canonical form holds for parsed reprs too: a peer that packs its options
        // tighter than emit's aligned layout can fit one more SACK block than emit
        // can; that block is dropped here (SACK is advisory, RFC 2018 §4), as it
        // would be on emit. Found by the tcp_parse fuzz target.
        let keep = self.sack_emitted();
        self.sack_ranges.truncate(keep);
        Ok(())
    }

    /// Records one parsed option; later ones override earlier ones.
    fn apply(&mut self, option: TcpOption<'a>) {
        match option {
            TcpOption::MaxSegmentSize(mss) => self.max_seg_size = Some(mss),
            TcpOption::WindowScale(shift) => self.window_scale = Some(shift),
            TcpOption::SackPermitted => self.sack_permitted = true,
            TcpOption::Sack(blocks) => self.sack_ranges = SackRanges::from(blocks),
            TcpOption::Timestamps { tsval, tsecr } => self.timestamps = Some((tsval, tsecr)),
            TcpOption::EndOfList | TcpOption::NoOperation | TcpOption::Unknown { .. } => {}
        }
    }

    /// [`parse`](Self::parse), then checks the checksum for `src` and `dst`.
    ///
    /// # Errors
    /// Those of `parse`; then `Checksum` "checksum" at 16 when it does not verify
    /// (with the value it should have); `Unsupported` "checksum" at 16 (value 0) when
    /// there is no pseudo-header to check it with (mixed address families).
    #[inline(always)]
    pub fn parse_verified<T: AsRef<[u8]> + ?Sized>(
        segment: &Segment<&'a T>,
        src: IpAddr,
        dst: IpAddr,
    ) -> Result<Self> {
        // The parse result is returned as it is, not re-wrapped: moving the repr
        // out of one Result into another copied it, and the copy's wide loads
        // stalled on the narrow stores that had just built it.
        let parsed = Self::parse(segment);
        if parsed.is_ok() {
            match segment.checksum_ok(src, dst) {
                Some(true) => {}
                Some(false) => return Err(segment.checksum_error(src, dst)),
                None => return Err(Error::unsupported("checksum", field::CHECKSUM, 0)),
            }
        }
        parsed
    }

    /// The option octets, other than SACK, that emit writes.
    #[inline]
    fn base_options_len(&self) -> usize {
        let mss = if self.max_seg_size.is_some() { 4 } else { 0 };
        // Timestamps go out as 12 octets, with SACK-permitted in the first two when
        // both are present; SACK-permitted alone takes 4 (two NOPs first).
        let ts_and_sack_permitted = match (self.timestamps.is_some(), self.sack_permitted) {
            (true, _) => 12,
            (false, true) => 4,
            (false, false) => 0,
        };
        let ws = if self.window_scale.is_some() { 4 } else { 0 };
        mss + ts_and_sack_permitted + ws
    }

    /// How many SACK blocks fit beside the other options: the 40 option octets, less
    /// the others, less 4 for two NOPs, kind and length, over 8 (at most 4).
    #[inline]
    pub fn sack_capacity(&self) -> usize {
        let room = (MAX_HEADER_LEN - HEADER_LEN).saturating_sub(self.base_options_len() + 4);
        (room / 8).min(MAX_SACK_BLOCKS)
    }

    /// The SACK blocks emit writes: the first ones that fit.
    #[inline]
    fn sack_emitted(&self) -> usize {
        self.sack_ranges.len().min(self.sack_capacity())
    }

    /// The header length emit writes, options included (20 to 56, a multiple of 4).
    #[inline]
    pub fn header_len(&self) -> usize {
        let sack = match self.sack_emitted() {
            0 => 0,
            n => 4 + 8 * n,
        };
        HEADER_LEN + self.base_options_len() + sack
    }

    /// The bytes emit writes: header, options and payload.
    pub fn buffer_len(&self) -> usize {
        self.header_len().saturating_add(self.payload.len())
    }

    /// Sequence space the segment occupies: payload, plus one each for SYN and FIN.
    pub fn segment_len(&self) -> usize {
        self.payload
            .len()
            .saturating_add(usize::from(self.flags.contains(Flags::SYN)))
            .saturating_add(usize::from(self.flags.contains(Flags::FIN)))
    }

    /// The repr that `parse(emit(self))` gives (see the canonical form above).
    #[must_use]
    pub fn normalized(mut self) -> Self {
        self.flags &= Flags::ALL;
        self.flags.set(Flags::ACK, self.ack_number.is_some());
        let keep = self.sack_emitted();
        self.sack_ranges.truncate(keep);
        self
    }

    /// Writes the header, options and payload into `segment` and fills the checksum
    /// for `src` and `dst` (left zero when they are of different families).
    ///
    /// The caller sized the buffer with [`buffer_len`](Self::buffer_len): the
    /// checksum covers the whole buffer, so extra bytes would count as payload.
    ///
    /// # Panics
    /// If the buffer is shorter than `buffer_len()`.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        segment: &mut Segment<T>,
        src: IpAddr,
        dst: IpAddr,
    ) {
        self.emit_header_fields(segment);
        segment.payload_mut()[..self.payload.len()].copy_from_slice(self.payload);
        segment.fill_checksum(src, dst);
    }

    /// Writes the header and options into `segment` in front of a payload already
    /// in place there (this repr's `payload` is not used) and fills the checksum
    /// from the sums of the parts it does not read: `pseudo_sum`, the
    /// pseudo-header's ([`checksum::pseudo_header`] over the whole segment's
    /// length), and `payload_sum`, the payload's ([`checksum::copy_and_sum`] as
    /// the payload was copied in, say). The payload is not read again, and a
    /// connection can keep its addresses' part of the pseudo-header sum. The
    /// payload is the rest of the buffer after [`header_len`](Self::header_len).
    ///
    /// # Panics
    /// If the buffer is shorter than `header_len()`.
    ///
    /// ```
    /// use core::net::{IpAddr, Ipv4Addr};
    /// use wirestate_tcp::{Repr, Segment, SeqNumber};
    /// use wirestate_wire::checksum;
    /// let (src, dst) = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
    /// let repr = Repr::new(40000, 80, SeqNumber(1));
    /// let payload = b"GET / HTTP/1.1\r\n\r\n";
    /// let mut buf = vec![0u8; repr.header_len() + payload.len()];
    /// let sum = checksum::copy_and_sum(&mut buf[repr.header_len()..], payload);
    /// let pseudo = checksum::pseudo_header(src, dst, 6, buf.len() as u32).unwrap();
    /// let mut seg = Segment::new_unchecked(&mut buf[..]);
    /// repr.emit_header_for_payload(&mut seg, pseudo, sum);
    /// assert!(seg.verify_checksum(src, dst));
    /// assert_eq!(seg.payload(), payload);
    /// ```
    #[inline]
    pub fn emit_header_for_payload<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        segment: &mut Segment<T>,
        pseudo_sum: u16,
        payload_sum: u16,
    ) {
        self.emit_header_fields(segment);
        let header_len = self.header_len();
        if let Some(header) = segment.as_ref().get(..header_len) {
            // The header's length is a multiple of four, so the payload's sum
            // starts on an even offset and adds in as it is.
            let sum = checksum::combine(&[pseudo_sum, checksum::sum(header), payload_sum]);
            segment.set_checksum(!sum);
        }
    }

    /// Everything but the payload and the checksum (which is left zero).
    #[inline]
    fn emit_header_fields<T: AsRef<[u8]> + AsMut<[u8]>>(&self, segment: &mut Segment<T>) {
        segment.set_src_port(self.src_port);
        segment.set_dst_port(self.dst_port);
        segment.set_seq_number(self.seq_number);
        segment.set_ack_number(self.ack_number.unwrap_or(SeqNumber(0)));
        segment.set_header_len(self.header_len());
        segment.set_reserved(0);
        let mut flags = self.flags;
        flags.set(Flags::ACK, self.ack_number.is_some());
        segment.set_flags(flags);
        segment.set_window_len(self.window_len);
        segment.set_checksum(0);
        segment.set_urgent_at(self.urgent_at);
        self.emit_options(segment.options_mut());
    }

    /// Writes the options in Linux's layout (see the type doc).
    fn emit_options(&self, buf: &mut [u8]) {
        const NOP: u8 = kind::NO_OPERATION;
        // An established connection's usual segment: NOP, NOP, timestamps and
        // nothing else (what parse takes in one comparison), written whole.
        if let (Some((tsval, tsecr)), None, None, false, true) = (
            self.timestamps,
            self.max_seg_size,
            self.window_scale,
            self.sack_permitted,
            self.sack_ranges.is_empty(),
        ) {
            if let Some(out) = buf.get_mut(..12) {
                let [a, b, c, d] = tsval.to_be_bytes();
                let [e, f, g, h] = tsecr.to_be_bytes();
                out.copy_from_slice(&[NOP, NOP, kind::TIMESTAMPS, 10, a, b, c, d, e, f, g, h]);
                return;
            }
        }
        let mut at = 0;
        if let Some(mss) = self.max_seg_size {
            at += TcpOption::MaxSegmentSize(mss).emit(&mut buf[at..]);
        }
        if let Some((tsval, tsecr)) = self.timestamps {
            let lead = if self.sack_permitted { [kind::SACK_PERMITTED, 2] } else { [NOP, NOP] };
            buf[at..at + 2].copy_from_slice(&lead);
            at += 2;
            at += TcpOption::Timestamps { tsval, tsecr }.emit(&mut buf[at..]);
        } else if self.sack_permitted {
            buf[at..at + 4].copy_from_slice(&[NOP, NOP, kind::SACK_PERMITTED, 2]);
            at += 4;
        }
        if let Some(shift) = self.window_scale {
            buf[at] = NOP;
            at += 1;
            at += TcpOption::WindowScale(shift).emit(&mut buf[at..]);
        }
        let blocks = self.sack_emitted();
        if blocks > 0 {
            let mut sack = self.sack_ranges;
            sack.truncate(blocks);
            buf[at..at + 4].copy_from_slice(&[NOP, NOP, kind::SACK, (2 + 8 * blocks) as u8]);
            at += 4;
            at += sack.emit(&mut buf[at..]);
        }
        debug_assert_eq!(at, buf.len());
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Repr<'a> {
    /// Any field values, normalised so that every generated repr round-trips.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let repr = Repr {
            src_port: u.arbitrary()?,
            dst_port: u.arbitrary()?,
            seq_number: u.arbitrary()?,
            ack_number: u.arbitrary()?,
            flags: u.arbitrary()?,
            window_len: u.arbitrary()?,
            urgent_at: u.arbitrary()?,
            max_seg_size: u.arbitrary()?,
            window_scale: u.arbitrary()?,
            sack_permitted: u.arbitrary()?,
            sack_ranges: u.arbitrary()?,
            timestamps: u.arbitrary()?,
            payload: u.arbitrary()?,
        };
        Ok(repr.normalized())
    }
}
