//! The PPP header of LINKTYPE_PPP (9): RFC 1662 HDLC-like framing without the flags
//! and FCS, as tcpdump and pppd record it.
//!
//! Address `0xff` and control `0x03` come first unless the link negotiated
//! address-and-control-field compression (RFC 1661 §6.6), then the protocol, two
//! bytes, or one when protocol-field compression is on (RFC 1661 §6.5): "the
//! least significant bit of the least significant octet is 1", so a first octet
//! that is odd is the whole field.

use wirestate_wire::bytes::need;
use wirestate_wire::Result;

/// The all-stations address (RFC 1662 §3.1).
pub const ADDRESS: u8 = 0xff;
/// Unnumbered Information with the P/F bit zero (RFC 1662 §3.1).
pub const CONTROL: u8 = 0x03;
/// Internet Protocol version 4 (RFC 1332).
pub const PROTOCOL_IPV4: u16 = 0x0021;
/// Internet Protocol version 6 (RFC 5072).
pub const PROTOCOL_IPV6: u16 = 0x0057;

/// A PPP header over `T`, checked to hold its address, control and protocol fields.
///
/// ```
/// use wirestate_packet::ppp;
/// let full = ppp::Header::new_checked(&[0xff, 0x03, 0x00, 0x21, 0x45][..]).unwrap();
/// assert_eq!((full.address(), full.protocol(), full.header_len()), (Some(0xff), 0x21, 4));
/// // Both fields compressed: one byte of header.
/// let short = ppp::Header::new_checked(&[0x57, 0x60][..]).unwrap();
/// assert_eq!((short.address(), short.protocol(), short.header_len()), (None, 0x57, 1));
///
/// let err = ppp::Header::new_checked(&[0xff, 0x03, 0x00][..]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("ppp protocol", 2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Header<T> {
    /// Wraps `buf` after checking it holds the header as its first bytes describe it.
    ///
    /// # Errors
    /// [`Error::Truncated`](crate::Error::Truncated), field "ppp protocol", at the
    /// protocol's offset (0 or 2), if the protocol field is cut off.
    pub fn new_checked(buf: T) -> Result<Self> {
        let bytes = buf.as_ref();
        let at = Self::protocol_offset(bytes);
        let len = match bytes.get(at) {
            Some(first) if first & 1 == 1 => 1,
            _ => 2,
        };
        need(bytes, at, len, "ppp protocol")?;
        Ok(Self { buf })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buf
    }

    fn protocol_offset(bytes: &[u8]) -> usize {
        if bytes.starts_with(&[ADDRESS, CONTROL]) {
            2
        } else {
            0
        }
    }

    fn has_address_control(&self) -> bool {
        Self::protocol_offset(self.buf.as_ref()) == 2
    }

    /// The address field, if present (always [`ADDRESS`]).
    pub fn address(&self) -> Option<u8> {
        self.has_address_control().then_some(ADDRESS)
    }

    /// The control field, if present (always [`CONTROL`]).
    pub fn control(&self) -> Option<u8> {
        self.has_address_control().then_some(CONTROL)
    }

    /// Whether the protocol field is the one-byte compressed form.
    pub fn protocol_compressed(&self) -> bool {
        let bytes = self.buf.as_ref();
        bytes.get(Self::protocol_offset(bytes)).is_some_and(|b| b & 1 == 1)
    }

    /// The protocol number of the payload ([`PROTOCOL_IPV4`], [`PROTOCOL_IPV6`], ...).
    pub fn protocol(&self) -> u16 {
        let bytes = self.buf.as_ref();
        let at = Self::protocol_offset(bytes);
        let first = bytes.get(at).copied().unwrap_or_default();
        if first & 1 == 1 {
            u16::from(first)
        } else {
            u16::from_be_bytes([first, bytes.get(at + 1).copied().unwrap_or_default()])
        }
    }

    /// The header's length: 1 to 4 bytes.
    pub fn header_len(&self) -> usize {
        Self::protocol_offset(self.buf.as_ref()) + if self.protocol_compressed() { 1 } else { 2 }
    }
}
