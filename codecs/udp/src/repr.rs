//! The UDP header as a value.

use core::net::IpAddr;

use wirestate_wire::Result;

use crate::datagram::{check, HEADER_LEN};
use crate::Datagram;

/// The largest payload a length field can count: 65535 - 8.
pub const MAX_PAYLOAD_LEN: u16 = 65527;

/// A UDP header: ports and payload length. The checksum is not kept: it is a
/// function of the addresses and payload, checked with
/// [`Datagram::checksum_ok`] and written by [`emit`](Self::emit).
///
/// Two ways to emit, into a buffer of [`buffer_len`](Self::buffer_len) bytes:
/// - [`emit`](Self::emit) writes header, payload and checksum;
/// - [`emit_header`](Self::emit_header) writes the header with checksum 0; the caller
///   writes the payload in place (through [`Datagram::payload_mut`], or a layer
///   above's own emit) and then calls [`Datagram::fill_checksum`].
///
/// ```
/// use core::net::{IpAddr, Ipv6Addr};
/// use wirestate_udp::{Datagram, Error, Repr};
///
/// let (src, dst) = (IpAddr::V6(Ipv6Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST));
/// let repr = Repr { src_port: 40000, dst_port: 53, payload_len: 2 };
/// let mut buf = [0u8; 10];
/// let mut d = Datagram::new_unchecked(&mut buf[..]);
/// repr.emit_header(&mut d);
/// d.payload_mut().copy_from_slice(&[0xbe, 0xef]);
/// d.fill_checksum(src, dst);
/// assert_eq!(d.checksum_ok(src, dst), Some(true));
/// assert_eq!(Repr::parse(&d), Ok(repr));
///
/// // A length field below 8 is refused.
/// buf[5] = 7;
/// let err = Repr::parse(&Datagram::new_unchecked(&buf[..])).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("length", 4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Payload length, at most [`MAX_PAYLOAD_LEN`].
    pub payload_len: u16,
}

impl Repr {
    /// Reads the header of `datagram`. The checksum is not checked here (see
    /// [`Datagram::checksum_ok`]): parsing needs no addresses.
    ///
    /// # Errors
    /// The errors of [`Datagram::new_checked`], which only a view built with
    /// `new_unchecked` can meet: "udp header" (offset 0), "length" (offset 4),
    /// "udp payload" (offset 8).
    pub fn parse<T: AsRef<[u8]>>(datagram: &Datagram<T>) -> Result<Self> {
        check(datagram.as_ref())?;
        Ok(Self {
            src_port: datagram.src_port(),
            dst_port: datagram.dst_port(),
            // `check` proved the length is at least 8.
            payload_len: datagram.len().saturating_sub(HEADER_LEN as u16),
        })
    }

    /// Bytes of header and payload: `8 + payload_len`.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload_len as usize
    }

    /// Writes ports, length (`8 + payload_len`) and a zero checksum. The payload and
    /// [`Datagram::fill_checksum`] are the caller's.
    ///
    /// # Panics
    /// If the buffer is shorter than 8 bytes. A `payload_len` above
    /// [`MAX_PAYLOAD_LEN`] cannot be represented; the length field saturates at 65535.
    pub fn emit_header<T: AsRef<[u8]> + AsMut<[u8]>>(&self, datagram: &mut Datagram<T>) {
        debug_assert!(self.payload_len <= MAX_PAYLOAD_LEN, "payload_len above 65527");
        datagram.set_src_port(self.src_port);
        datagram.set_dst_port(self.dst_port);
        datagram.set_len(self.payload_len.saturating_add(HEADER_LEN as u16));
        datagram.set_checksum(0);
    }

    /// Writes the whole datagram: the header, `payload`, and the checksum over the
    /// pseudo-header of `src` and `dst` (set to 0 if their families differ).
    ///
    /// # Panics
    /// If `payload.len()` is not `payload_len`, or the buffer is shorter than
    /// [`buffer_len`](Self::buffer_len).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        datagram: &mut Datagram<T>,
        src: IpAddr,
        dst: IpAddr,
        payload: &[u8],
    ) {
        self.emit_header(datagram);
        datagram.payload_mut().copy_from_slice(payload);
        datagram.fill_checksum(src, dst);
    }
}

/// Only payload lengths up to [`MAX_PAYLOAD_LEN`], so emit then parse is the identity.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Repr {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self {
            src_port: u.arbitrary()?,
            dst_port: u.arbitrary()?,
            payload_len: u.int_in_range(0..=MAX_PAYLOAD_LEN)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use core::net::Ipv4Addr;

    const SRC: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    const DST: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn parses_header() {
        let buf = [0xd4, 0x31, 0x00, 0x35, 0x00, 0x0b, 0x00, 0x00, 1, 2, 3, 0xff];
        let r = Repr::parse(&Datagram::new_checked(&buf[..]).unwrap()).unwrap();
        assert_eq!(r, Repr { src_port: 54321, dst_port: 53, payload_len: 3 });
        assert_eq!(r.buffer_len(), 11);
    }

    #[test]
    fn emit_header_zeroes_the_checksum_and_emit_fills_it() {
        let r = Repr { src_port: 1, dst_port: 2, payload_len: 2 };
        let mut buf = [0xffu8; 10];
        r.emit_header(&mut Datagram::new_unchecked(&mut buf[..]));
        assert_eq!(buf, [0, 1, 0, 2, 0, 10, 0, 0, 0xff, 0xff]);
        let mut d = Datagram::new_unchecked(&mut buf[..]);
        r.emit(&mut d, SRC, DST, &[7, 8]);
        assert_eq!(d.payload(), &[7, 8]);
        assert_eq!(d.checksum_ok(SRC, DST), Some(true));
    }

    #[test]
    fn largest_payload_fills_the_length_field() {
        let r = Repr { src_port: 1, dst_port: 2, payload_len: MAX_PAYLOAD_LEN };
        assert_eq!(r.buffer_len(), 65535);
        let mut buf = [0u8; 8];
        r.emit_header(&mut Datagram::new_unchecked(&mut buf[..]));
        assert_eq!(buf[4..6], [0xff, 0xff]);
    }

    #[test]
    fn unchecked_views_meet_the_checked_errors() {
        let buf = [0xd4, 0x31, 0x00, 0x35, 0x00, 0x0b, 0x00, 0x00, 1, 2];
        assert_eq!(
            Repr::parse(&Datagram::new_unchecked(&buf[..7])),
            Err(Error::truncated("udp header", 0, 8, 7))
        );
        assert_eq!(
            Repr::parse(&Datagram::new_unchecked(&buf[..])),
            Err(Error::truncated("udp payload", 8, 11, 10))
        );
        let mut short = buf;
        short[5] = 0;
        assert_eq!(
            Repr::parse(&Datagram::new_unchecked(&short[..])),
            Err(Error::malformed("length", 4, "RFC 768: length counts the 8-byte header"))
        );
    }
}
