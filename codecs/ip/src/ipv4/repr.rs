//! The IPv4 header as a plain value.

use core::net::Ipv4Addr;

use wirestate_wire::bytes::read_u16;
use wirestate_wire::{Error, IpProtocol, Result};

use super::options::Options;
use super::packet::{check_header, check_total_len};
use super::{field, Packet};

/// An IPv4 header as a value (RFC 791 §3.1).
///
/// `options` is the raw options area, validated by walking it at parse time; it
/// includes any padding, so its length is a multiple of 4, at most 40.
///
/// [`Repr::buffer_len`] is the **header** length (20 + options); [`Repr::total_len`]
/// is the header plus `payload_len`. [`Repr::emit`] writes the header and options and
/// fills the checksum; the caller sizes the buffer with `total_len()` (or
/// `buffer_len()` for the header alone) and copies the payload.
///
/// Not carried: the reserved flag (emitted as zero, RFC 791 §3.1 "must be zero") and
/// the checksum (always recomputed).
///
/// ```
/// use core::net::Ipv4Addr;
/// use wirestate_ip::{ipv4, Error, IpProtocol};
/// let repr = ipv4::Repr {
///     options: &[0x94, 0x04, 0x00, 0x00], // router alert
///     ..ipv4::Repr::new(Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(224, 0, 0, 22), IpProtocol::IGMP, 8)
/// };
/// assert_eq!((repr.buffer_len(), repr.total_len()), (24, 32));
/// let mut buf = [0u8; 32];
/// repr.emit(&mut ipv4::Packet::new_unchecked(&mut buf[..]));
/// let packet = ipv4::Packet::new_checked(&buf[..])?;
/// assert!(packet.verify_checksum());
/// assert_eq!(ipv4::Repr::parse_verified(&packet)?, repr);
///
/// buf[10] ^= 1; // corrupt the checksum
/// let packet = ipv4::Packet::new_checked(&buf[..])?;
/// assert!(ipv4::Repr::parse(&packet).is_ok());
/// let err = ipv4::Repr::parse_verified(&packet).unwrap_err();
/// assert!(matches!(err, Error::Checksum { field: "checksum", offset: 10, .. }));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// Source address.
    pub src_addr: Ipv4Addr,
    /// Destination address.
    pub dst_addr: Ipv4Addr,
    /// Protocol of the payload.
    pub protocol: IpProtocol,
    /// Payload length in bytes (`total_len - header_len`).
    pub payload_len: u16,
    /// Time to live.
    pub ttl: u8,
    /// DSCP, six bits.
    pub dscp: u8,
    /// ECN, two bits.
    pub ecn: u8,
    /// Identification.
    pub ident: u16,
    /// Don't fragment.
    pub dont_frag: bool,
    /// More fragments.
    pub more_frags: bool,
    /// Fragment offset in bytes, a multiple of 8.
    pub frag_offset: u16,
    /// The raw options area: valid options padded to a multiple of 4, at most 40 bytes.
    pub options: &'a [u8],
}

impl<'a> Repr<'a> {
    /// A header with TTL 64 and every other optional field zero, unset or empty.
    pub fn new(
        src_addr: Ipv4Addr,
        dst_addr: Ipv4Addr,
        protocol: IpProtocol,
        payload_len: u16,
    ) -> Self {
        Self {
            src_addr,
            dst_addr,
            protocol,
            payload_len,
            ttl: 64,
            dscp: 0,
            ecn: 0,
            ident: 0,
            dont_frag: false,
            more_frags: false,
            frag_offset: 0,
            options: &[],
        }
    }

    /// Reads the header of `packet`, walking its options. A view from
    /// [`Packet::new_checked_header`] works: `payload_len` is what `total_len` claims.
    /// The checksum is not checked (see [`Repr::parse_verified`]); the header checks
    /// of the view are re-run, so an unchecked view errs rather than panics.
    ///
    /// # Errors
    /// Those of [`Packet::new_checked_header`]; `Malformed` "total_len" when it is
    /// below the header length; the first error of the [`Options`] walk.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Self> {
        let b = packet.bytes();
        let header_len = check_header(b)?;
        let total_len = read_u16(b, field::TOTAL_LEN);
        check_total_len(total_len, header_len)?;
        let options = &b[field::OPTIONS..header_len];
        for option in Options::new(options) {
            option?;
        }
        Ok(Self {
            src_addr: packet.src_addr(),
            dst_addr: packet.dst_addr(),
            protocol: packet.protocol(),
            // check_total_len proved header_len (at most 60) <= total_len.
            payload_len: total_len - header_len as u16,
            ttl: packet.ttl(),
            dscp: packet.dscp(),
            ecn: packet.ecn(),
            ident: packet.ident(),
            dont_frag: packet.dont_frag(),
            more_frags: packet.more_frags(),
            frag_offset: packet.frag_offset(),
            options,
        })
    }

    /// [`Repr::parse`], and the header checksum must verify.
    ///
    /// # Errors
    /// Those of [`Repr::parse`]; `Checksum` "checksum" at offset 10 with the computed
    /// and found values.
    pub fn parse_verified<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Self> {
        let repr = Self::parse(packet)?;
        if !packet.verify_checksum() {
            return Err(Error::Checksum {
                field: "checksum",
                offset: field::CHECKSUM,
                computed: packet.compute_checksum(),
                found: packet.checksum(),
            });
        }
        Ok(repr)
    }

    /// The options area as emitted: `options` (at most 40 bytes) zero-padded to a
    /// multiple of 4.
    fn options_area_len(&self) -> usize {
        (self.options.len().min(field::MAX_OPTIONS_LEN) + 3) & !3
    }

    /// The **header** length in bytes: 20 plus the options area.
    pub fn buffer_len(&self) -> usize {
        field::HEADER_LEN + self.options_area_len()
    }

    /// The datagram length in bytes: header plus `payload_len`, the `total_len` field.
    #[inline]
    pub fn total_len(&self) -> usize {
        self.buffer_len() + usize::from(self.payload_len)
    }

    /// Writes the header and options into `packet` and fills the checksum; the
    /// payload is left alone. The buffer must hold [`Repr::buffer_len`] bytes
    /// (panics otherwise).
    ///
    /// A repr outside its documented ranges is clamped rather than refused: options
    /// past 40 bytes are cut, an options length that is not a multiple of 4 is padded
    /// with zeros (end-of-list), DSCP/ECN keep their low bits, `frag_offset` its
    /// multiple of 8, a `total_len` over 65535 saturates.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        let header_len = self.buffer_len();
        let total_len = self.total_len();
        debug_assert!(self.options.len() <= field::MAX_OPTIONS_LEN, "IPv4 options fit in 40 bytes");
        debug_assert!(total_len <= usize::from(u16::MAX), "an IPv4 datagram fits in 65535 bytes");
        packet.set_version(4);
        packet.set_ihl((header_len / 4) as u8);
        packet.set_dscp(self.dscp);
        packet.set_ecn(self.ecn);
        packet.set_total_len(u16::try_from(total_len).unwrap_or(u16::MAX));
        packet.set_ident(self.ident);
        packet.set_reserved_flag(false);
        packet.set_dont_frag(self.dont_frag);
        packet.set_more_frags(self.more_frags);
        packet.set_frag_offset(self.frag_offset);
        packet.set_ttl(self.ttl);
        packet.set_protocol(self.protocol);
        packet.set_src_addr(self.src_addr);
        packet.set_dst_addr(self.dst_addr);
        let area = packet.options_mut();
        let n = self.options.len().min(area.len());
        area[..n].copy_from_slice(&self.options[..n]);
        area[n..].fill(0);
        packet.fill_checksum();
    }
}

#[cfg(feature = "arbitrary")]
mod arbitrary_impl {
    use super::*;
    use arbitrary::{Arbitrary, Unstructured};

    /// Valid options areas, padded to a multiple of 4, for the generator to pick.
    const SAMPLES: &[&[u8]] = &[
        &[],
        &[0x94, 0x04, 0x00, 0x00],
        &[0x01, 0x01, 0x01, 0x00],
        &[0x07, 0x0b, 0x08, 0xc0, 0xa8, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00],
        &[0x44, 0x0c, 0x05, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
        &[0x83, 0x07, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x00],
        &[0x89, 0x07, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x01],
        &[0x88, 0x04, 0x12, 0x34],
    ];

    /// A canonical options area: a sample, or input bytes (a whole number of words,
    /// at most 40) when they walk cleanly, else none.
    fn options<'a>(u: &mut Unstructured<'a>) -> arbitrary::Result<&'a [u8]> {
        if u.arbitrary::<bool>()? {
            return u.choose(SAMPLES).copied();
        }
        let words = u.int_in_range(0..=10usize)?;
        let raw = u.bytes(words * 4)?;
        Ok(if Options::new(raw).all(|o| o.is_ok()) { raw } else { &[] })
    }

    /// Canonical reprs only, so that `parse(emit(r)) == r`: valid options padded to
    /// 4, DSCP < 64, ECN < 4, `frag_offset` a multiple of 8, `total_len()` <= 65535.
    impl<'a> Arbitrary<'a> for Repr<'a> {
        fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
            let options = options(u)?;
            let max_payload = (usize::from(u16::MAX) - field::HEADER_LEN - options.len()) as u16;
            Ok(Self {
                src_addr: Ipv4Addr::from(u.arbitrary::<u32>()?),
                dst_addr: Ipv4Addr::from(u.arbitrary::<u32>()?),
                protocol: IpProtocol(u.arbitrary()?),
                payload_len: u.int_in_range(0..=max_payload)?,
                ttl: u.arbitrary()?,
                dscp: u.int_in_range(0..=63)?,
                ecn: u.int_in_range(0..=3)?,
                ident: u.arbitrary()?,
                dont_frag: u.arbitrary()?,
                more_frags: u.arbitrary()?,
                frag_offset: u.int_in_range(0..=0x1fffu16)? * 8,
                options,
            })
        }
    }
}
