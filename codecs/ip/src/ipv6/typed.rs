//! Typed views of the fragment, routing and authentication headers.

use wirestate_wire::bytes::{read_u16, read_u32};

/// The fields of a fragment header (RFC 8200 §4.5), next header aside.
///
/// ```
/// use wirestate_ip::ipv6::Fragment;
/// let f = Fragment::from_bytes(&[17, 0, 0x05, 0xc9, 0x12, 0x34, 0x56, 0x78]).unwrap();
/// assert_eq!(f, Fragment { offset: 1480, more: true, ident: 0x1234_5678 });
/// assert_eq!(Fragment::from_bytes(&[17, 0, 0x05]), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    /// The fragment offset in bytes (the field counts 8-byte units).
    pub offset: u16,
    /// The M flag: more fragments follow.
    pub more: bool,
    /// The identification shared by the fragments of one packet.
    pub ident: u32,
}

impl Fragment {
    /// Reads a fragment header's fields from its 8 bytes; `None` if fewer.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        bytes.get(..8).map(Self::read)
    }

    /// Reads the fields from a header the caller proved 8 bytes long.
    pub(super) fn read(bytes: &[u8]) -> Self {
        let word = read_u16(bytes, 2);
        // The 13-bit offset sits above three bits (two reserved, M), so masking them
        // off leaves the offset multiplied by 8: the offset in bytes.
        Self { offset: word & 0xfff8, more: word & 1 != 0, ident: read_u32(bytes, 4) }
    }
}

/// The fields of a routing header (RFC 8200 §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Routing<'a> {
    /// The routing type (2: Mobile IPv6 RFC 6275, 3: RPL RFC 6554, 4: segment
    /// routing RFC 8754; 0 is deprecated by RFC 5095).
    pub routing_type: u8,
    /// Route segments still to visit.
    pub segments_left: u8,
    /// The type-specific data after the first four bytes.
    pub data: &'a [u8],
}

impl<'a> Routing<'a> {
    /// Reads a routing header's fields from the whole header; `None` if shorter than 4.
    pub fn from_bytes(bytes: &'a [u8]) -> Option<Self> {
        match *bytes {
            [_, _, routing_type, segments_left, ref data @ ..] => {
                Some(Self { routing_type, segments_left, data })
            }
            _ => None,
        }
    }
}

/// The fields of an authentication header (RFC 4302 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ah<'a> {
    /// The security parameters index.
    pub spi: u32,
    /// The sequence number.
    pub seq: u32,
    /// The integrity check value (with any padding), after the sequence number.
    pub icv: &'a [u8],
}

impl<'a> Ah<'a> {
    /// Reads an AH's fields from the whole header; `None` if shorter than 12.
    pub fn from_bytes(bytes: &'a [u8]) -> Option<Self> {
        let icv = bytes.get(12..)?;
        Some(Self { spi: read_u32(bytes, 4), seq: read_u32(bytes, 8), icv })
    }
}
