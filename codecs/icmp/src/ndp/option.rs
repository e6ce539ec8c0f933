//! One neighbour discovery option (RFC 4861 §4.6): decode and encode.

use core::net::Ipv6Addr;

use wirestate_wire::bytes::{need, read_array, read_u32, write_u32};
use wirestate_wire::MacAddr;

use crate::{Error, Result};

/// The option types this crate decodes (RFC 4861 §4.6; IANA "IPv6 Neighbor
/// Discovery Option Formats").
pub mod kind {
    /// Source link-layer address (RFC 4861 §4.6.1).
    pub const SOURCE_LINK_ADDR: u8 = 1;
    /// Target link-layer address (RFC 4861 §4.6.1).
    pub const TARGET_LINK_ADDR: u8 = 2;
    /// Prefix information (RFC 4861 §4.6.2).
    pub const PREFIX_INFO: u8 = 3;
    /// Redirected header (RFC 4861 §4.6.3).
    pub const REDIRECTED_HEADER: u8 = 4;
    /// MTU (RFC 4861 §4.6.4).
    pub const MTU: u8 = 5;
}

/// The prefix information flag bits (RFC 4861 §4.6.2).
mod prefix_flags {
    /// L: the prefix is on-link.
    pub const ON_LINK: u8 = 0x80;
    /// A: the prefix may be used for stateless autoconfiguration (RFC 4862).
    pub const AUTONOMOUS: u8 = 0x40;
}

/// The longest option: the length octet counts 8-octet units, at most 255.
pub const MAX_LEN: usize = 255 * 8;

/// Length of a prefix information option (RFC 4861 §4.6.2: "Length 4").
const PREFIX_INFO_LEN: usize = 32;

/// Length of an MTU option (RFC 4861 §4.6.4: "Length 1").
const MTU_LEN: usize = 8;

/// One neighbour discovery option (RFC 4861 §4.6).
///
/// Link-layer address, redirected header and unknown options hand out the bytes
/// after their header, padding included: on Ethernet (RFC 2464 §6) a link-layer
/// address option is 8 bytes and its data exactly the 6-byte MAC, see
/// [`NdpOption::as_mac`]. Bits the RFC reserves are ignored on decode and written
/// as zero.
///
/// Round trips: `parse(emit(o)) == o` when the data of a variable option fills its
/// 8-octet units exactly (else the padding comes back as data) and an `Unknown`
/// option's kind is not one of [`kind`]'s.
///
/// ```
/// use wirestate_icmp::ndp::NdpOption;
/// use wirestate_icmp::Error;
/// let bytes = [1, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01];
/// let (option, len) = NdpOption::parse(&bytes).unwrap();
/// assert_eq!(option, NdpOption::SourceLinkAddr(&bytes[2..]));
/// assert_eq!(option.as_mac().unwrap().to_string(), "02:00:5e:00:53:01");
/// assert_eq!(len, 8);
///
/// let mut out = [0u8; 8];
/// option.emit(&mut out);
/// assert_eq!(out, bytes);
///
/// assert!(matches!(
///     NdpOption::parse(&[1, 0, 0, 0, 0, 0, 0, 0]),
///     Err(Error::Malformed { field: "option length", offset: 1, .. })
/// ));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum NdpOption<'a> {
    /// The sender's link-layer address (type 1).
    SourceLinkAddr(&'a [u8]),
    /// The target's link-layer address (type 2).
    TargetLinkAddr(&'a [u8]),
    /// A prefix for on-link determination and autoconfiguration (type 3).
    PrefixInfo {
        /// Leading bits of `prefix` that are valid; RFC 4861 §4.6.2 says 0 to 128,
        /// and values above are handed out as they are for the consumer to reject.
        prefix_len: u8,
        /// L flag: the prefix is on-link.
        on_link: bool,
        /// A flag: usable for stateless address autoconfiguration.
        autonomous: bool,
        /// Seconds the prefix is valid for on-link determination (all ones: forever).
        valid_lifetime: u32,
        /// Seconds addresses from it remain preferred (all ones: forever).
        preferred_lifetime: u32,
        /// The prefix.
        prefix: Ipv6Addr,
    },
    /// The start of the redirected packet (type 4), after the 6 reserved octets.
    RedirectedHeader(&'a [u8]),
    /// The link MTU (type 5).
    Mtu(u32),
    /// Any other option.
    Unknown {
        /// Option type.
        kind: u8,
        /// The bytes after the type and length octets.
        data: &'a [u8],
    },
}

/// The malformed-length error of an option that must have exactly `units` units.
fn fixed_length(found: usize, want: usize, rule: &'static str) -> Result<()> {
    if found == want {
        Ok(())
    } else {
        Err(Error::malformed("option length", 1, rule))
    }
}

impl<'a> NdpOption<'a> {
    /// Decodes the option at the start of `bytes`; returns it and its length.
    ///
    /// Errors, with offsets from the start of `bytes`:
    /// - `Truncated` field `"ndp option"` at 0: fewer than 2 bytes, or fewer than
    ///   the length octet says;
    /// - `Malformed` field `"option length"` at 1: a length of 0 (RFC 4861 §4.6:
    ///   "Nodes MUST silently discard an ND packet that contains an option with
    ///   length zero"), or a prefix information option whose length is not 4, or
    ///   an MTU option whose length is not 1.
    pub fn parse(bytes: &'a [u8]) -> Result<(Self, usize)> {
        need(bytes, 0, 2, "ndp option")?;
        let (kind, units) = (bytes[0], bytes[1]);
        if units == 0 {
            return Err(Error::malformed(
                "option length",
                1,
                "RFC 4861 §4.6: the value 0 is invalid",
            ));
        }
        let len = usize::from(units) * 8;
        need(bytes, 0, len, "ndp option")?;
        let option = &bytes[..len];
        let parsed = match kind {
            kind::SOURCE_LINK_ADDR => Self::SourceLinkAddr(&option[2..]),
            kind::TARGET_LINK_ADDR => Self::TargetLinkAddr(&option[2..]),
            kind::PREFIX_INFO => {
                fixed_length(
                    len,
                    PREFIX_INFO_LEN,
                    "RFC 4861 §4.6.2: prefix information has length 4",
                )?;
                Self::parse_prefix_info(option)
            }
            // A nonzero length makes it at least 8 bytes: type, length, 6 reserved.
            kind::REDIRECTED_HEADER => Self::RedirectedHeader(&option[8..]),
            kind::MTU => {
                fixed_length(len, MTU_LEN, "RFC 4861 §4.6.4: the MTU option has length 1")?;
                Self::Mtu(read_u32(option, 4))
            }
            kind => Self::Unknown { kind, data: &option[2..] },
        };
        Ok((parsed, len))
    }

    /// Decodes the 32 bytes of a prefix information option.
    fn parse_prefix_info(option: &[u8]) -> Self {
        let flags = option[3];
        Self::PrefixInfo {
            prefix_len: option[2],
            on_link: flags & prefix_flags::ON_LINK != 0,
            autonomous: flags & prefix_flags::AUTONOMOUS != 0,
            valid_lifetime: read_u32(option, 4),
            preferred_lifetime: read_u32(option, 8),
            prefix: Ipv6Addr::from(read_array::<16>(option, 16)),
        }
    }

    /// The option type.
    pub fn kind(&self) -> u8 {
        match *self {
            Self::SourceLinkAddr(_) => kind::SOURCE_LINK_ADDR,
            Self::TargetLinkAddr(_) => kind::TARGET_LINK_ADDR,
            Self::PrefixInfo { .. } => kind::PREFIX_INFO,
            Self::RedirectedHeader(_) => kind::REDIRECTED_HEADER,
            Self::Mtu(_) => kind::MTU,
            Self::Unknown { kind, .. } => kind,
        }
    }

    /// The MAC address of a link-layer address option that holds exactly six
    /// bytes (Ethernet, RFC 2464 §6); `None` for any other option.
    pub fn as_mac(&self) -> Option<MacAddr> {
        match *self {
            Self::SourceLinkAddr(data) | Self::TargetLinkAddr(data) => MacAddr::from_slice(data),
            _ => None,
        }
    }

    /// The encoded length: a multiple of 8, at least 8, at most [`MAX_LEN`] (data
    /// beyond what 255 units hold is not written).
    pub fn buffer_len(&self) -> usize {
        let padded = |header: usize, data: &[u8]| -> usize {
            (header.saturating_add(data.len()).saturating_add(7) & !7).min(MAX_LEN)
        };
        match *self {
            Self::SourceLinkAddr(data)
            | Self::TargetLinkAddr(data)
            | Self::Unknown { data, .. } => padded(2, data),
            Self::RedirectedHeader(data) => padded(8, data),
            Self::PrefixInfo { .. } => PREFIX_INFO_LEN,
            Self::Mtu(_) => MTU_LEN,
        }
    }

    /// Writes the option into the first [`NdpOption::buffer_len`] bytes of `buf`,
    /// padding and reserved fields zeroed. Panics if `buf` is shorter.
    pub fn emit(&self, buf: &mut [u8]) {
        let len = self.buffer_len();
        let out = &mut buf[..len];
        out.fill(0);
        out[0] = self.kind();
        // `len` is at most MAX_LEN, so the unit count fits in a byte.
        out[1] = (len / 8) as u8;
        let copy = |dst: &mut [u8], src: &[u8]| {
            let n = dst.len().min(src.len());
            dst[..n].copy_from_slice(&src[..n]);
        };
        match *self {
            Self::SourceLinkAddr(data)
            | Self::TargetLinkAddr(data)
            | Self::Unknown { data, .. } => copy(&mut out[2..], data),
            Self::RedirectedHeader(data) => copy(&mut out[8..], data),
            Self::PrefixInfo {
                prefix_len,
                on_link,
                autonomous,
                valid_lifetime,
                preferred_lifetime,
                prefix,
            } => {
                out[2] = prefix_len;
                out[3] = if on_link { prefix_flags::ON_LINK } else { 0 }
                    | if autonomous { prefix_flags::AUTONOMOUS } else { 0 };
                write_u32(out, 4, valid_lifetime);
                write_u32(out, 8, preferred_lifetime);
                out[16..32].copy_from_slice(&prefix.octets());
            }
            Self::Mtu(mtu) => write_u32(out, 4, mtu),
        }
    }
}
