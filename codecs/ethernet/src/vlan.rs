//! IEEE 802.1Q VLAN tags: C-tags (TPID 0x8100) and IEEE 802.1ad S-tags (TPID 0x88a8,
//! or 0x9100 on pre-802.1ad QinQ gear).
//!
//! A tag sits where the EtherType would be. Its first two bytes, the TPID, are read
//! as the EtherType of whatever came before (the frame, or an outer tag); a [`Tag`]
//! views the four bytes that follow: the TCI (IEEE 802.1Q-2018 §9.6: PCP 3 bits,
//! DEI 1 bit, VID 12 bits) and the inner EtherType, then the payload. A QinQ frame is
//! walked by building a [`Tag`] over the frame's payload, then another over that
//! tag's payload, while [`EtherType::is_vlan_tag`] holds.
//!
//! VID 0 means the frame is priority-tagged (it carries a PCP but belongs to no VLAN),
//! and VID 0xFFF is reserved (IEEE 802.1Q-2018 Table 9-2): a [`Tag`] shows any VID,
//! and [`Repr::parse`] refuses 0xFFF.
//!
//! ```
//! use wirestate_ethernet::{vlan, EtherType, Frame};
//! // Destination, source, TPID 0x8100, TCI (PCP 5, VID 10), inner type IPv4.
//! let bytes = [
//!     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, //
//!     0x81, 0x00, 0xa0, 0x0a, 0x08, 0x00, 0x45,
//! ];
//! let frame = Frame::new_checked(&bytes[..]).unwrap();
//! assert!(frame.ethertype().is_vlan_tag());
//! let tag = vlan::Tag::new_checked(frame.payload()).unwrap();
//! assert_eq!((tag.pcp(), tag.vid(), tag.ethertype()), (5, 10, EtherType::IPV4));
//! assert_eq!(tag.payload(), &[0x45]);
//! assert!(vlan::Tag::new_checked(&frame.payload()[..3]).is_err());
//! ```

use wirestate_wire::bytes::{need, read_u16, write_u16};
use wirestate_wire::{Error, Result};

use crate::EtherType;

/// Length of a tag after its TPID: TCI and inner EtherType.
pub const LEN: usize = 4;

/// Byte offsets within a [`Tag`], counted from the byte after the TPID.
pub mod field {
    /// Tag control information: PCP (3 bits), DEI (1 bit), VID (12 bits).
    pub const TCI: usize = 0;
    /// The inner EtherType.
    pub const ETHERTYPE: usize = 2;
    /// First payload byte.
    pub const PAYLOAD: usize = 4;
}

/// VID 0: the frame carries a priority but belongs to no VLAN (IEEE 802.1Q-2018 Table 9-2).
pub const VID_PRIORITY_TAGGED: u16 = 0;
/// VID 0xFFF: reserved, "shall not be ... transmitted in a tag header"
/// (IEEE 802.1Q-2018 Table 9-2).
pub const VID_RESERVED: u16 = 0x0fff;

const PCP_SHIFT: u16 = 13;
const DEI_BIT: u16 = 0x1000;
const VID_MASK: u16 = 0x0fff;

/// The four bytes after a VLAN TPID, over `T`.
///
/// ```
/// use wirestate_ethernet::{vlan, EtherType, Error};
/// let mut buf = [0u8; 4];
/// let mut tag = vlan::Tag::new_checked(&mut buf[..]).unwrap();
/// tag.set_pcp(3);
/// tag.set_vid(100);
/// tag.set_ethertype(EtherType::VLAN);
/// assert_eq!(buf, [0x60, 0x64, 0x81, 0x00]);
///
/// let err = vlan::Tag::new_checked(&buf[..2]).unwrap_err();
/// assert_eq!(err, Error::Truncated { field: "vlan tag", offset: 0, need: 4, have: 2 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Tag<T> {
    /// Length of the tag after its TPID, [`LEN`].
    pub const LEN: usize = LEN;

    /// Wraps `buf` without checking it; getters panic if it is shorter than 4 bytes.
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Self { buf }
    }

    /// Wraps `buf` after checking it holds the 4 bytes of TCI and inner EtherType.
    ///
    /// # Errors
    /// [`Error::Truncated`], field "vlan tag", offset 0, if `buf` is shorter than 4 bytes.
    #[inline(always)]
    pub fn new_checked(buf: T) -> Result<Self> {
        need(buf.as_ref(), 0, LEN, "vlan tag")?;
        Ok(Self { buf })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// Length of the tag: always 4.
    #[inline]
    pub fn header_len(&self) -> usize {
        LEN
    }

    /// The whole tag control information.
    pub fn tci(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::TCI)
    }

    /// Priority code point, 0..=7 (IEEE 802.1Q-2018 §6.9.3).
    pub fn pcp(&self) -> u8 {
        (self.tci() >> PCP_SHIFT) as u8
    }

    /// Drop eligible indicator.
    pub fn dei(&self) -> bool {
        self.tci() & DEI_BIT != 0
    }

    /// VLAN identifier, 0..=4095 (0: priority-tagged; 0xFFF: reserved).
    pub fn vid(&self) -> u16 {
        self.tci() & VID_MASK
    }

    /// The inner EtherType: the payload's protocol, or another TPID.
    #[inline]
    pub fn ethertype(&self) -> EtherType {
        EtherType(read_u16(self.buf.as_ref(), field::ETHERTYPE))
    }

    /// Everything after the tag.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        &self.buf.as_ref()[field::PAYLOAD..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Tag<T> {
    /// Sets the whole tag control information.
    pub fn set_tci(&mut self, tci: u16) {
        write_u16(self.buf.as_mut(), field::TCI, tci);
    }

    /// Sets the priority code point; only its low 3 bits are kept.
    pub fn set_pcp(&mut self, pcp: u8) {
        let tci = (self.tci() & !(0b111 << PCP_SHIFT)) | (u16::from(pcp & 0b111) << PCP_SHIFT);
        self.set_tci(tci);
    }

    /// Sets the drop eligible indicator.
    pub fn set_dei(&mut self, dei: bool) {
        let tci = if dei { self.tci() | DEI_BIT } else { self.tci() & !DEI_BIT };
        self.set_tci(tci);
    }

    /// Sets the VLAN identifier; only its low 12 bits are kept.
    pub fn set_vid(&mut self, vid: u16) {
        self.set_tci((self.tci() & !VID_MASK) | (vid & VID_MASK));
    }

    /// Sets the inner EtherType.
    pub fn set_ethertype(&mut self, ethertype: EtherType) {
        write_u16(self.buf.as_mut(), field::ETHERTYPE, ethertype.0);
    }

    /// Everything after the tag, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buf.as_mut()[field::PAYLOAD..]
    }
}

impl<'a> Tag<&'a [u8]> {
    /// Everything after the tag, borrowed for the buffer's lifetime rather than the
    /// view's, so a loop can walk stacked tags.
    #[inline]
    pub fn into_payload(self) -> &'a [u8] {
        &self.buf[field::PAYLOAD..]
    }
}

impl<'a> Tag<&'a mut [u8]> {
    /// Everything after the tag, writable for the buffer's lifetime.
    #[inline]
    pub fn into_payload_mut(self) -> &'a mut [u8] {
        &mut self.buf[field::PAYLOAD..]
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Tag<T> {
    fn as_ref(&self) -> &[u8] {
        self.buf.as_ref()
    }
}

/// A VLAN tag (after its TPID) as a value.
///
/// `pcp` must be below 8 and `vid` below 0xFFF for a round trip: [`emit`](Self::emit)
/// masks both to their field widths and [`parse`](Self::parse) refuses VID 0xFFF.
/// The `arbitrary` implementation only produces such values.
///
/// ```
/// use wirestate_ethernet::{vlan, EtherType, Error};
/// let repr = vlan::Repr { pcp: 5, dei: false, vid: 10, ethertype: EtherType::IPV4 };
/// let mut buf = [0u8; 4];
/// repr.emit(&mut vlan::Tag::new_unchecked(&mut buf[..]));
/// assert_eq!(buf, [0xa0, 0x0a, 0x08, 0x00]);
/// assert_eq!(vlan::Repr::parse(&vlan::Tag::new_checked(&buf[..]).unwrap()), Ok(repr));
///
/// // VID 0xFFF is reserved.
/// let err = vlan::Repr::parse(&vlan::Tag::new_checked(&[0x0f, 0xff, 0x08, 0x00][..]).unwrap());
/// assert_eq!(err.unwrap_err().field(), "vid");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Priority code point, 0..=7.
    pub pcp: u8,
    /// Drop eligible indicator.
    pub dei: bool,
    /// VLAN identifier, 0..=4094 (0: priority-tagged).
    pub vid: u16,
    /// The inner EtherType.
    pub ethertype: EtherType,
}

impl Repr {
    /// Reads `tag`.
    ///
    /// # Errors
    /// - [`Error::Malformed`], field "vid", offset 0: the VID is the reserved 0xFFF.
    /// - [`Error::Truncated`], field "vlan tag", offset 0: only for a view built with
    ///   `new_unchecked` over fewer than 4 bytes.
    pub fn parse<T: AsRef<[u8]>>(tag: &Tag<T>) -> Result<Self> {
        need(tag.as_ref(), 0, LEN, "vlan tag")?;
        if tag.vid() == VID_RESERVED {
            return Err(Error::malformed(
                "vid",
                field::TCI,
                "IEEE 802.1Q-2018 Table 9-2: VID 0xFFF is reserved",
            ));
        }
        Ok(Self { pcp: tag.pcp(), dei: tag.dei(), vid: tag.vid(), ethertype: tag.ethertype() })
    }

    /// Bytes [`emit`](Self::emit) writes: 4.
    pub const fn buffer_len(&self) -> usize {
        LEN
    }

    /// Whether the VID is 0: a priority tag, no VLAN membership.
    pub fn is_priority_tagged(&self) -> bool {
        self.vid == VID_PRIORITY_TAGGED
    }

    /// Writes the TCI (PCP and VID masked to 3 and 12 bits) and the inner EtherType
    /// into `tag`, which must hold 4 bytes (it panics otherwise).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, tag: &mut Tag<T>) {
        let tci = (u16::from(self.pcp & 0b111) << PCP_SHIFT)
            | if self.dei { DEI_BIT } else { 0 }
            | (self.vid & VID_MASK);
        tag.set_tci(tci);
        tag.set_ethertype(self.ethertype);
    }
}

/// Only valid ranges (PCP below 8, VID below 0xFFF), so emit then parse is the identity.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Repr {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self {
            pcp: u.int_in_range(0..=7)?,
            dei: u.arbitrary()?,
            vid: u.int_in_range(0..=VID_RESERVED - 1)?,
            ethertype: u.arbitrary()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An 802.1Q tag as a switch trunk port shows it: PCP 3, DEI 1, VID 200, IPv6.
    const TAG: [u8; 5] = [0x70, 0xc8, 0x86, 0xdd, 0x60];

    #[test]
    fn reads_fields() {
        let t = Tag::new_checked(&TAG[..]).unwrap();
        assert_eq!(t.tci(), 0x70c8);
        assert_eq!(t.pcp(), 3);
        assert!(t.dei());
        assert_eq!(t.vid(), 200);
        assert_eq!(t.ethertype(), EtherType::IPV6);
        assert_eq!(t.payload(), &[0x60]);
        assert_eq!(t.header_len(), 4);
        assert_eq!(Tag::<&[u8]>::LEN, 4);
        assert_eq!(t.into_inner(), &TAG[..]);
    }

    #[test]
    fn setters_mask_and_keep_other_bits() {
        let mut buf = [0xffu8; 5];
        let mut t = Tag::new_checked(&mut buf[..]).unwrap();
        t.set_vid(0x1234); // only 0x234 fits
        assert_eq!((t.pcp(), t.dei(), t.vid()), (7, true, 0x234));
        t.set_pcp(0xfa); // only 0b010 fits
        assert_eq!((t.pcp(), t.dei(), t.vid()), (2, true, 0x234));
        t.set_dei(false);
        assert_eq!((t.pcp(), t.dei(), t.vid()), (2, false, 0x234));
        t.set_dei(true);
        assert!(t.dei());
        t.set_ethertype(EtherType::ARP);
        t.payload_mut()[0] = 0;
        assert_eq!(buf, [0x52, 0x34, 0x08, 0x06, 0]);
    }

    #[test]
    fn parses_and_emits() {
        let r = Repr::parse(&Tag::new_checked(&TAG[..]).unwrap()).unwrap();
        assert_eq!(r, Repr { pcp: 3, dei: true, vid: 200, ethertype: EtherType::IPV6 });
        assert!(!r.is_priority_tagged());
        let mut buf = [0u8; 4];
        assert_eq!(r.buffer_len(), 4);
        r.emit(&mut Tag::new_unchecked(&mut buf[..]));
        assert_eq!(buf, TAG[..4]);
    }

    #[test]
    fn priority_tag_parses() {
        let r = Repr::parse(&Tag::new_checked(&[0xa0, 0x00, 0x08, 0x00][..]).unwrap()).unwrap();
        assert_eq!((r.pcp, r.vid), (5, 0));
        assert!(r.is_priority_tagged());
    }

    #[test]
    fn emit_masks_out_of_range_values() {
        let r = Repr { pcp: 9, dei: false, vid: 0xf001, ethertype: EtherType::IPV4 };
        let mut buf = [0u8; 4];
        r.emit(&mut Tag::new_unchecked(&mut buf[..]));
        assert_eq!(buf, [0x20, 0x01, 0x08, 0x00]);
    }

    #[test]
    fn error_paths() {
        for len in 0..4 {
            assert_eq!(Tag::new_checked(&TAG[..len]), Err(Error::truncated("vlan tag", 0, 4, len)));
        }
        assert_eq!(
            Repr::parse(&Tag::new_unchecked(&TAG[..3])),
            Err(Error::truncated("vlan tag", 0, 4, 3))
        );
        let reserved = [0xef, 0xff, 0x08, 0x00];
        assert_eq!(
            Repr::parse(&Tag::new_checked(&reserved[..]).unwrap()),
            Err(Error::malformed("vid", 0, "IEEE 802.1Q-2018 Table 9-2: VID 0xFFF is reserved"))
        );
    }
}
