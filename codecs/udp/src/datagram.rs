//! The UDP datagram view.

use wirestate_wire::bytes::{need, read_u16, write_u16};
use wirestate_wire::{Error, Result};

/// Length of the UDP header.
pub const HEADER_LEN: usize = 8;

/// Byte offsets of the UDP header fields (RFC 768 "Format").
pub mod field {
    /// Source port, 2 bytes (0: none).
    pub const SRC_PORT: usize = 0;
    /// Destination port, 2 bytes.
    pub const DST_PORT: usize = 2;
    /// Length of header and data, 2 bytes.
    pub const LENGTH: usize = 4;
    /// Checksum, 2 bytes.
    pub const CHECKSUM: usize = 6;
    /// First payload byte.
    pub const PAYLOAD: usize = 8;
}

/// A UDP datagram over `T` whose length field is in bounds (RFC 768).
///
/// The datagram is the first `len()` bytes of the buffer; the rest (Ethernet pads
/// short frames) is ignored by every accessor and by the checksum.
///
/// ```
/// use wirestate_udp::{Datagram, Error};
/// // A DNS query's header: port 54321 to 53, length 37.
/// let mut bytes = [0u8; 37];
/// bytes[..8].copy_from_slice(&[0xd4, 0x31, 0x00, 0x35, 0x00, 0x25, 0xbd, 0xee]);
/// let d = Datagram::new_checked(&bytes[..]).unwrap();
/// assert_eq!((d.src_port(), d.dst_port(), d.len()), (54321, 53, 37));
/// assert_eq!(d.payload().len(), 29);
///
/// let err = Datagram::new_checked(&bytes[..30]).unwrap_err();
/// assert_eq!(err, Error::Truncated { field: "udp payload", offset: 8, need: 37, have: 30 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram<T: AsRef<[u8]>> {
    pub(crate) buf: T,
}

/// Checks what every accessor relies on: the header is there, its length field
/// counts the header, and the buffer holds that many bytes.
pub(crate) fn check(buf: &[u8]) -> Result<()> {
    let payload_len = check_header(buf)?;
    need(buf, field::PAYLOAD, payload_len, "udp payload")
}

/// The header checks alone; returns the payload length the length field claims.
#[inline(always)]
fn check_header(buf: &[u8]) -> Result<usize> {
    need(buf, 0, HEADER_LEN, "udp header")?;
    let len = usize::from(read_u16(buf, field::LENGTH));
    len.checked_sub(HEADER_LEN).ok_or_else(|| {
        Error::malformed("length", field::LENGTH, "RFC 768: length counts the 8-byte header")
    })
}

impl<T: AsRef<[u8]>> Datagram<T> {
    /// Length of the header, [`HEADER_LEN`].
    pub const HEADER_LEN: usize = HEADER_LEN;

    /// Wraps `buf` without checking it; getters panic if it is shorter than the
    /// header or than the length field says.
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Self { buf }
    }

    /// Wraps `buf` after checking the header and the length field.
    ///
    /// # Errors
    /// - [`Error::Truncated`], field "udp header", offset 0: fewer than 8 bytes.
    /// - [`Error::Malformed`], field "length", offset 4: the length field is below 8
    ///   ("RFC 768: length counts the 8-byte header").
    /// - [`Error::Truncated`], field "udp payload", offset 8: the buffer is shorter than
    ///   the length field (`need` is the length field).
    #[inline(always)]
    pub fn new_checked(buf: T) -> Result<Self> {
        check(buf.as_ref())?;
        Ok(Self { buf })
    }

    /// Wraps a datagram whose payload may be cut short (a capture with a snap length,
    /// a datagram quoted in an ICMP error): the header checks of
    /// [`Datagram::new_checked`] without the one against the buffer's end.
    /// [`Datagram::payload`] then returns what is there; a checksum over such a view
    /// cannot be verified, since the bytes it covers are missing.
    ///
    /// # Errors
    /// `Truncated` "udp header" at 0; `Malformed` "length" at 4.
    #[inline]
    pub fn new_checked_header(buf: T) -> Result<Self> {
        check_header(buf.as_ref())?;
        Ok(Self { buf })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// Length of the header: always 8.
    #[inline]
    pub fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// The source port (0: the sender expects no reply, RFC 768).
    #[inline]
    pub fn src_port(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::SRC_PORT)
    }

    /// The destination port.
    #[inline]
    pub fn dst_port(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::DST_PORT)
    }

    /// The length field: header and payload, in bytes.
    #[allow(clippy::len_without_is_empty, reason = "RFC 768's field name; never empty")]
    #[inline]
    pub fn len(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::LENGTH)
    }

    /// The checksum field (0 over IPv4: not computed).
    pub fn checksum(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::CHECKSUM)
    }

    /// The payload: bytes 8 up to the length field.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        let b = self.buf.as_ref();
        // Clamped for views from `new_checked_header`; a no-op for checked ones.
        &b[field::PAYLOAD..usize::from(self.len()).min(b.len())]
    }

    /// The bytes the length field covers: header and payload.
    pub(crate) fn datagram(&self) -> &[u8] {
        let b = self.buf.as_ref();
        &b[..usize::from(self.len()).min(b.len())]
    }
}

impl<'a> Datagram<&'a [u8]> {
    /// The payload, borrowed for the buffer's lifetime rather than the view's.
    #[inline]
    pub fn into_payload(self) -> &'a [u8] {
        let end = usize::from(self.len()).min(self.buf.len());
        &self.buf[field::PAYLOAD..end]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Datagram<T> {
    /// Sets the source port.
    pub fn set_src_port(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::SRC_PORT, value);
    }

    /// Sets the destination port.
    pub fn set_dst_port(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::DST_PORT, value);
    }

    /// Sets the length field; [`payload`](Self::payload) follows it, so the buffer
    /// must hold that many bytes.
    pub fn set_len(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::LENGTH, value);
    }

    /// Sets the checksum field as is (see [`fill_checksum`](Self::fill_checksum)).
    pub fn set_checksum(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::CHECKSUM, value);
    }

    /// The payload, writable: bytes 8 up to the length field.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = usize::from(self.len());
        &mut self.buf.as_mut()[field::PAYLOAD..end]
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Datagram<T> {
    fn as_ref(&self) -> &[u8] {
        self.buf.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DNS query for example.com A from a LAN host (see `tests/vectors.rs`),
    /// then 4 bytes of link padding.
    const DNS_QUERY_PADDED: [u8; 41] = [
        0xd4, 0x31, 0x00, 0x35, 0x00, 0x25, 0xbd, 0xee, // header
        0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // DNS header
        0x07, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 0x03, b'c', b'o', b'm', 0x00, // name
        0x00, 0x01, 0x00, 0x01, // A, IN
        0, 0, 0, 0, // padding
    ];

    #[test]
    fn reads_fields_and_ignores_padding() {
        let d = Datagram::new_checked(&DNS_QUERY_PADDED[..]).unwrap();
        assert_eq!(d.src_port(), 54321);
        assert_eq!(d.dst_port(), 53);
        assert_eq!(d.len(), 37);
        assert_eq!(d.checksum(), 0xbdee);
        assert_eq!(d.payload(), &DNS_QUERY_PADDED[8..37]);
        assert_eq!(d.header_len(), 8);
        assert_eq!(Datagram::<&[u8]>::HEADER_LEN, 8);
        assert_eq!(d.into_payload(), &DNS_QUERY_PADDED[8..37]);
        assert_eq!(d.into_inner().len(), 41);
    }

    #[test]
    fn setters_write_in_place() {
        let mut buf = [0u8; 41];
        let mut d = Datagram::new_unchecked(&mut buf[..]);
        d.set_src_port(54321);
        d.set_dst_port(53);
        d.set_len(37);
        d.set_checksum(0xbdee);
        d.payload_mut().copy_from_slice(&DNS_QUERY_PADDED[8..37]);
        assert_eq!(buf, DNS_QUERY_PADDED);
    }

    #[test]
    fn header_only_datagram_has_empty_payload() {
        let d = Datagram::new_checked(&[0, 1, 0, 2, 0, 8, 0, 0][..]).unwrap();
        assert!(d.payload().is_empty());
    }

    #[test]
    fn error_paths() {
        for len in 0..8 {
            assert_eq!(
                Datagram::new_checked(&DNS_QUERY_PADDED[..len]),
                Err(Error::truncated("udp header", 0, 8, len))
            );
        }
        for bad in 0..8u8 {
            let mut buf = DNS_QUERY_PADDED;
            buf[4..6].copy_from_slice(&[0, bad]);
            assert_eq!(
                Datagram::new_checked(&buf[..]),
                Err(Error::malformed("length", 4, "RFC 768: length counts the 8-byte header"))
            );
        }
        for len in 8..37 {
            assert_eq!(
                Datagram::new_checked(&DNS_QUERY_PADDED[..len]),
                Err(Error::truncated("udp payload", 8, 37, len))
            );
        }
        let mut buf = DNS_QUERY_PADDED;
        buf[4..6].copy_from_slice(&[0xff, 0xff]);
        assert_eq!(
            Datagram::new_checked(&buf[..]),
            Err(Error::truncated("udp payload", 8, 65535, 41))
        );
    }
}
