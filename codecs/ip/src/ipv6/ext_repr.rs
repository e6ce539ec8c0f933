//! Builders for the fragment and option extension headers.

use wirestate_wire::bytes::{need, write_u16, write_u32};
use wirestate_wire::{IpProtocol, Result};

use super::tlv::{Tlv, Tlvs};
use super::typed::Fragment;

/// A fragment header as a value (RFC 8200 §4.5), for building fragments.
///
/// ```
/// use wirestate_ip::{ipv6::FragmentRepr, IpProtocol};
/// let repr = FragmentRepr { next_header: IpProtocol::UDP, offset: 1480, more: true, ident: 7 };
/// let mut buf = [0u8; 8];
/// repr.emit(&mut buf);
/// assert_eq!(buf, [17, 0, 0x05, 0xc9, 0, 0, 0, 7]);
/// assert_eq!(FragmentRepr::parse(&buf)?, repr);
///
/// let err = FragmentRepr::parse(&buf[..6]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("ext header", 0));
/// # Ok::<(), wirestate_ip::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FragmentRepr {
    /// The header after this one (in the first fragment) or the upper layer.
    pub next_header: IpProtocol,
    /// The fragment offset in bytes, a multiple of 8.
    pub offset: u16,
    /// More fragments follow.
    pub more: bool,
    /// The identification shared by the fragments of one packet.
    pub ident: u32,
}

impl FragmentRepr {
    /// Reads a fragment header from `bytes` (its first 8 bytes; the rest is ignored).
    /// The reserved bits are ignored, as RFC 8200 §4.5 asks of receivers.
    ///
    /// # Errors
    /// `Truncated` "ext header" at offset 0 when `bytes` is shorter than 8.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        need(bytes, 0, 8, "ext header")?;
        let Fragment { offset, more, ident } = Fragment::read(bytes);
        Ok(Self { next_header: IpProtocol(bytes[0]), offset, more, ident })
    }

    /// The header length, 8.
    pub fn buffer_len(&self) -> usize {
        8
    }

    /// Writes the header into `buf[..8]` (panics if shorter); the offset's low three
    /// bits are dropped, the reserved fields are zero.
    pub fn emit(&self, buf: &mut [u8]) {
        buf[0] = self.next_header.0;
        buf[1] = 0;
        write_u16(buf, 2, (self.offset & 0xfff8) | u16::from(self.more));
        write_u32(buf, 4, self.ident);
    }
}

/// Canonical reprs only: the offset is a multiple of 8.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for FragmentRepr {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self {
            next_header: IpProtocol(u.arbitrary()?),
            offset: u.arbitrary::<u16>()? & 0xfff8,
            more: u.arbitrary()?,
            ident: u.arbitrary()?,
        })
    }
}

/// A hop-by-hop or destination options header as a value (RFC 8200 §4.3, §4.6).
///
/// `options` is the encoded option TLVs. [`OptionsRepr::emit`] pads them to a
/// header of a whole number of 8-octet units (options `8n - 2` bytes long) with Pad1
/// or PadN (RFC 8200 §4.2); [`OptionsRepr::parse`] returns the whole option area,
/// padding included. So `parse(emit(r)) == r` exactly when `options.len()` is already
/// `8n - 2`, which is what `Arbitrary` generates.
///
/// ```
/// use wirestate_ip::{ipv6::{OptionsRepr, Tlv}, IpProtocol};
/// // An MLD report's hop-by-hop header: router alert 0, then padding.
/// let repr = OptionsRepr { next_header: IpProtocol::ICMPV6, options: &[0x05, 0x02, 0x00, 0x00] };
/// let mut buf = [0u8; 8];
/// assert_eq!(repr.buffer_len(), 8);
/// repr.emit(&mut buf);
/// assert_eq!(buf, [58, 0, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00]);
/// let parsed = OptionsRepr::parse(&buf)?;
/// assert_eq!(parsed.options, &buf[2..]);
///
/// buf[1] = 1; // claims 16 bytes
/// let err = OptionsRepr::parse(&buf).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("ext header", 0));
/// # Ok::<(), wirestate_ip::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OptionsRepr<'a> {
    /// The header after this one.
    pub next_header: IpProtocol,
    /// The encoded options (at most 2046 bytes).
    pub options: &'a [u8],
}

impl<'a> OptionsRepr<'a> {
    /// Reads a hop-by-hop or destination options header from the start of `bytes`
    /// (bytes past its length are ignored), walking its options. Error offsets count
    /// from `bytes[0]`.
    ///
    /// # Errors
    /// `Truncated` "ext header" (offset 0) when the length octet or the length runs
    /// past `bytes`; the first error of the [`Tlvs`] walk.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        need(bytes, 0, 2, "ext header")?;
        let len = (usize::from(bytes[1]) + 1) * 8;
        need(bytes, 0, len, "ext header")?;
        let options = &bytes[2..len];
        for tlv in Tlvs::new(options, 2) {
            tlv?;
        }
        Ok(Self { next_header: IpProtocol(bytes[0]), options })
    }

    /// The header length: 2 + options, rounded up to a multiple of 8.
    pub fn buffer_len(&self) -> usize {
        (2 + self.options.len() + 7) & !7
    }

    /// Writes the header into `buf[..self.buffer_len()]` (panics if shorter), padding
    /// the options with Pad1 (one byte short) or PadN.
    pub fn emit(&self, buf: &mut [u8]) {
        let len = self.buffer_len();
        debug_assert!(len <= 2048, "the length octet counts at most 256 units");
        buf[0] = self.next_header.0;
        buf[1] = (len / 8 - 1) as u8;
        let end = 2 + self.options.len();
        buf[2..end].copy_from_slice(self.options);
        let pad = match len - end {
            0 => return,
            1 => Tlv::Pad1,
            n => Tlv::PadN((n - 2) as u8),
        };
        pad.emit(&mut buf[end..len]);
    }
}

#[cfg(feature = "arbitrary")]
mod arbitrary_impl {
    use super::*;
    use arbitrary::{Arbitrary, Unstructured};

    /// Valid option areas of `8n - 2` bytes for the generator to pick.
    const SAMPLES: &[&[u8]] = &[
        &[0x01, 0x04, 0x00, 0x00, 0x00, 0x00],
        &[0x05, 0x02, 0x00, 0x00, 0x01, 0x00],
        &[0x00, 0x00, 0xc2, 0x04, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00],
        &[0x1e, 0x04, 0xde, 0xad, 0xbe, 0xef],
    ];

    /// Canonical reprs only: options of `8n - 2` bytes that walk cleanly (a sample,
    /// or input bytes when they qualify).
    impl<'a> Arbitrary<'a> for OptionsRepr<'a> {
        fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
            let next_header = IpProtocol(u.arbitrary()?);
            let sample = u.choose(SAMPLES).copied()?;
            let options = if u.arbitrary::<bool>()? {
                sample
            } else {
                let units = u.int_in_range(1..=8usize)?;
                let raw = u.bytes(units * 8 - 2)?;
                if Tlvs::new(raw, 2).all(|t| t.is_ok()) {
                    raw
                } else {
                    sample
                }
            };
            Ok(Self { next_header, options })
        }
    }
}
