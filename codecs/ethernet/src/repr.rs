//! The Ethernet II header as a value.

use wirestate_wire::bytes::need;
use wirestate_wire::{MacAddr, Result};

use crate::frame::HEADER_LEN;
use crate::{EtherType, Frame};

/// An Ethernet II header: addresses and EtherType.
///
/// Every header is representable, 802.3 lengths and VLAN TPIDs included: the
/// EtherType is kept as found and the caller decides what follows (a
/// [`vlan::Tag`](crate::vlan::Tag) when [`EtherType::is_vlan_tag`]).
///
/// ```
/// use wirestate_ethernet::{EtherType, Error, Frame, MacAddr, Repr};
/// let repr = Repr {
///     src: MacAddr([0x02, 0, 0, 0, 0, 1]),
///     dst: MacAddr::BROADCAST,
///     ethertype: EtherType::IPV4,
/// };
/// let mut buf = [0u8; 14];
/// repr.emit(&mut Frame::new_unchecked(&mut buf[..]));
/// assert_eq!(Repr::parse(&Frame::new_checked(&buf[..]).unwrap()), Ok(repr));
///
/// // A view over too few bytes is refused, parse or not.
/// let short = Frame::new_unchecked(&buf[..12]);
/// assert_eq!(Repr::parse(&short).unwrap_err().field(), "ethernet header");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Repr {
    /// Source address.
    pub src: MacAddr,
    /// Destination address.
    pub dst: MacAddr,
    /// EtherType (or 802.3 length) as found.
    pub ethertype: EtherType,
}

impl Repr {
    /// Reads the header of `frame`.
    ///
    /// # Errors
    /// Only for a view built with `new_unchecked` over fewer than 14 bytes:
    /// [`Error::Truncated`](crate::Error::Truncated), field "ethernet header", offset 0.
    pub fn parse<T: AsRef<[u8]>>(frame: &Frame<T>) -> Result<Self> {
        need(frame.as_ref(), 0, HEADER_LEN, "ethernet header")?;
        Ok(Self { src: frame.src(), dst: frame.dst(), ethertype: frame.ethertype() })
    }

    /// Bytes [`emit`](Self::emit) writes: the 14-byte header.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes the header into `frame`, which must hold at least
    /// [`buffer_len`](Self::buffer_len) bytes (it panics otherwise). The payload is
    /// the caller's to write.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, frame: &mut Frame<T>) {
        frame.set_dst(self.dst);
        frame.set_src(self.src);
        frame.set_ethertype(self.ethertype);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    /// An IPv4 frame header from a home LAN capture: router (02:00:5e:10:00:01, a
    /// locally administered address) to a host with an Intel NIC.
    const IPV4_HEADER: [u8; 14] =
        [0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x08, 0x00];

    fn repr() -> Repr {
        Repr {
            src: MacAddr([0x02, 0x00, 0x5e, 0x10, 0x00, 0x01]),
            dst: MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]),
            ethertype: EtherType::IPV4,
        }
    }

    #[test]
    fn parses_a_captured_header() {
        let f = Frame::new_checked(&IPV4_HEADER[..]).unwrap();
        assert_eq!(Repr::parse(&f), Ok(repr()));
    }

    #[test]
    fn emits_the_captured_header() {
        let r = repr();
        let mut buf = [0u8; 14];
        assert_eq!(r.buffer_len(), buf.len());
        r.emit(&mut Frame::new_unchecked(&mut buf[..]));
        assert_eq!(buf, IPV4_HEADER);
    }

    #[test]
    fn keeps_lengths_and_unknown_types() {
        let mut buf = IPV4_HEADER;
        buf[12..].copy_from_slice(&46u16.to_be_bytes());
        let r = Repr::parse(&Frame::new_checked(&buf[..]).unwrap()).unwrap();
        assert!(r.ethertype.is_length());
    }

    #[test]
    fn parse_of_unchecked_short_view_is_truncated() {
        let f = Frame::new_unchecked(&IPV4_HEADER[..13]);
        assert_eq!(Repr::parse(&f), Err(Error::truncated("ethernet header", 0, 14, 13)));
    }
}
