//! EDNS(0) (RFC 6891): the OPT pseudo-record and its options.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use wirestate_wire::bytes::{read_u16, write_u16};
use wirestate_wire::{Error, Result};

use crate::encoding::write_hex_word;
use crate::{RData, Record, Section};

pub(crate) const RULE_ONE_OPT: &str = "RFC 6891 §6.1.1: at most one OPT record";
const RULE_OPT_PLACE: &str = "RFC 6891 §6.1.1: OPT is owned by the root, in the additional section";
const RULE_ECS: &str =
    "RFC 7871 §6: family 1 or 2, prefix within the address, address octets = ceil(prefix/8)";
const RULE_COOKIE: &str = "RFC 7873 §4: a client cookie of 8 octets, a server cookie of 8 to 32";

/// EDNS option codes (IANA "DNS EDNS0 Option Codes").
pub mod option_code {
    /// Client subnet (RFC 7871).
    pub const CLIENT_SUBNET: u16 = 8;
    /// Cookie (RFC 7873).
    pub const COOKIE: u16 = 10;
    /// Padding (RFC 7830).
    pub const PADDING: u16 = 12;
}

/// The OPT pseudo-record's fields (RFC 6891 §6.1.2-§6.1.3).
///
/// ```
/// use wirestate_dns::{Message, Rcode};
/// // A response header with rcode 0, then one OPT: size 1232, extended rcode 1
/// // (so BADVERS, 16), version 0, DO.
/// let bytes = b"\0\x01\x80\0\0\0\0\0\0\0\0\x01\0\0\x29\x04\xd0\x01\0\x80\0\0\0";
/// let msg = Message::new_checked(&bytes[..]).unwrap();
/// let opt = msg.opt().unwrap().unwrap();
/// assert_eq!((opt.udp_size, opt.ext_rcode, opt.version, opt.dnssec_ok), (1232, 1, 0, true));
/// assert_eq!(msg.rcode().unwrap(), Rcode::BADVERS);
///
/// // Two OPT records are refused, at the second.
/// let mut two = bytes.to_vec();
/// two[11] = 2;
/// two.extend_from_slice(&bytes[12..]);
/// let err = Message::new_checked(&two[..]).unwrap().opt().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("opt", 23));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt<'a> {
    /// The requestor's UDP payload size (the CLASS field).
    pub udp_size: u16,
    /// The upper 8 bits of the 12-bit rcode.
    pub ext_rcode: u8,
    /// EDNS version.
    pub version: u8,
    /// DO: DNSSEC answers OK (RFC 3225).
    pub dnssec_ok: bool,
    /// The other 15 flag bits (Z), kept as received.
    pub z: u16,
    /// The options.
    pub options: EdnsOptions<'a>,
}

impl<'a> Opt<'a> {
    /// The OPT fields of `record`, `None` if it is not an OPT record.
    ///
    /// # Errors
    /// `Malformed` "opt" at the record when it is not owned by the root or not in
    /// the additional section.
    pub fn from_record(record: &Record<'a>) -> Result<Option<Self>> {
        let RData::Opt(options) = record.rdata else { return Ok(None) };
        if !record.name.is_root() || record.section != Section::Additional {
            return Err(Error::malformed("opt", record.offset, RULE_OPT_PLACE));
        }
        let ttl = record.ttl;
        Ok(Some(Opt {
            udp_size: record.class.0,
            ext_rcode: (ttl >> 24) as u8,
            version: (ttl >> 16) as u8,
            dnssec_ok: ttl & 0x8000 != 0,
            z: (ttl & 0x7fff) as u16,
            options,
        }))
    }

    /// The TTL field these values pack into.
    pub fn ttl(&self) -> u32 {
        u32::from(self.ext_rcode) << 24
            | u32::from(self.version) << 16
            | u32::from(self.dnssec_ok) << 15
            | u32::from(self.z & 0x7fff)
    }
}

/// The options of an OPT record, checked once: an iterator of [`EdnsOption`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EdnsOptions<'a> {
    data: &'a [u8],
}

impl<'a> EdnsOptions<'a> {
    /// Checks the options in `data` (the OPT RDATA at offset `at` in the message).
    ///
    /// # Errors
    /// `Truncated` "option length" at an option whose header or length runs past
    /// the RDATA; `Malformed` "client subnet" or "cookie" at an option of that code
    /// whose value breaks its RFC.
    pub fn parse(data: &'a [u8], at: usize) -> Result<Self> {
        let mut pos = 0;
        while pos < data.len() {
            if pos + 4 > data.len() {
                return Err(Error::truncated(
                    "option length",
                    at + pos,
                    at + pos + 4,
                    at + data.len(),
                ));
            }
            let code = read_u16(data, pos);
            let len = usize::from(read_u16(data, pos + 2));
            let end = pos + 4 + len;
            let Some(value) = data.get(pos + 4..end) else {
                return Err(Error::truncated("option length", at + pos, at + end, at + data.len()));
            };
            decode(code, value).map_err(|e| e.at(at + pos))?;
            pos = end;
        }
        Ok(EdnsOptions { data })
    }

    /// The encoded options.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Iterates the options.
    pub fn iter(&self) -> EdnsOptionsIter<'a> {
        EdnsOptionsIter { data: self.data }
    }
}

impl<'a> IntoIterator for EdnsOptions<'a> {
    type Item = EdnsOption<'a>;
    type IntoIter = EdnsOptionsIter<'a>;
    fn into_iter(self) -> EdnsOptionsIter<'a> {
        self.iter()
    }
}

/// The iterator of [`EdnsOptions`].
#[derive(Debug, Clone)]
pub struct EdnsOptionsIter<'a> {
    data: &'a [u8],
}

impl<'a> Iterator for EdnsOptionsIter<'a> {
    type Item = EdnsOption<'a>;
    fn next(&mut self) -> Option<EdnsOption<'a>> {
        let code = u16::from_be_bytes([*self.data.first()?, *self.data.get(1)?]);
        let len = usize::from(u16::from_be_bytes([*self.data.get(2)?, *self.data.get(3)?]));
        let value = self.data.get(4..4 + len)?;
        self.data = self.data.get(4 + len..).unwrap_or(&[]);
        decode(code, value).ok()
    }
}

/// One EDNS option.
///
/// ```
/// use wirestate_dns::EdnsOption;
/// let ecs = EdnsOption::ClientSubnet { family: 1, source_prefix: 24, scope_prefix: 0, address: &[192, 0, 2] };
/// let mut buf = [0u8; 11];
/// assert_eq!(ecs.emit(&mut buf), 11);
/// assert_eq!(buf, [0, 8, 0, 7, 0, 1, 24, 0, 192, 0, 2]);
/// assert_eq!(ecs.to_string(), "CLIENT-SUBNET 192.0.2.0/24/0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdnsOption<'a> {
    /// Client subnet (RFC 7871 §6).
    ClientSubnet {
        /// Address family (1: IPv4, 2: IPv6).
        family: u16,
        /// Source prefix length.
        source_prefix: u8,
        /// Scope prefix length.
        scope_prefix: u8,
        /// The address octets that the source prefix covers.
        address: &'a [u8],
    },
    /// Cookie (RFC 7873 §4).
    Cookie {
        /// Client cookie.
        client: [u8; 8],
        /// Server cookie (empty in a first query).
        server: &'a [u8],
    },
    /// Padding (RFC 7830): the padding octets.
    Padding(&'a [u8]),
    /// Any other code, with its value.
    Unknown {
        /// OPTION-CODE.
        code: u16,
        /// OPTION-DATA.
        data: &'a [u8],
    },
}

/// Decodes one option's value; errors at offset 0 (the caller moves them).
fn decode(code: u16, v: &[u8]) -> Result<EdnsOption<'_>> {
    Ok(match code {
        option_code::CLIENT_SUBNET => {
            let (Some(&[f0, f1, source_prefix, scope_prefix]), Some(address)) =
                (v.get(..4).and_then(|h| <&[u8; 4]>::try_from(h).ok()), v.get(4..))
            else {
                return Err(Error::malformed("client subnet", 0, RULE_ECS));
            };
            let family = u16::from_be_bytes([f0, f1]);
            let max = match family {
                1 => 32,
                2 => 128,
                _ => return Err(Error::malformed("client subnet", 0, RULE_ECS)),
            };
            if source_prefix > max || address.len() != usize::from(source_prefix).div_ceil(8) {
                return Err(Error::malformed("client subnet", 0, RULE_ECS));
            }
            EdnsOption::ClientSubnet { family, source_prefix, scope_prefix, address }
        }
        option_code::COOKIE => {
            let ok = v.len() == 8 || (16..=40).contains(&v.len());
            let client = v.get(..8).and_then(|c| <[u8; 8]>::try_from(c).ok());
            match (ok, client) {
                (true, Some(client)) => {
                    EdnsOption::Cookie { client, server: v.get(8..).unwrap_or(&[]) }
                }
                _ => return Err(Error::malformed("cookie", 0, RULE_COOKIE)),
            }
        }
        option_code::PADDING => EdnsOption::Padding(v),
        _ => EdnsOption::Unknown { code, data: v },
    })
}

impl EdnsOption<'_> {
    /// OPTION-CODE.
    pub fn code(&self) -> u16 {
        match *self {
            EdnsOption::ClientSubnet { .. } => option_code::CLIENT_SUBNET,
            EdnsOption::Cookie { .. } => option_code::COOKIE,
            EdnsOption::Padding(_) => option_code::PADDING,
            EdnsOption::Unknown { code, .. } => code,
        }
    }

    /// The name dig prints (`CLIENT-SUBNET`, `COOKIE`, `PADDING`), `None` for others.
    pub fn name(&self) -> Option<&'static str> {
        match self {
            EdnsOption::ClientSubnet { .. } => Some("CLIENT-SUBNET"),
            EdnsOption::Cookie { .. } => Some("COOKIE"),
            EdnsOption::Padding(_) => Some("PADDING"),
            EdnsOption::Unknown { .. } => None,
        }
    }

    /// The client subnet's address, zero-filled past the prefix (`None` for other options).
    pub fn subnet_address(&self) -> Option<IpAddr> {
        let EdnsOption::ClientSubnet { family, address, .. } = *self else { return None };
        let mut o = [0u8; 16];
        let n = address.len().min(16);
        o.get_mut(..n)?.copy_from_slice(address.get(..n)?);
        match family {
            1 => Some(IpAddr::V4(Ipv4Addr::new(o[0], o[1], o[2], o[3]))),
            _ => Some(IpAddr::V6(Ipv6Addr::from(o))),
        }
    }

    fn data_len(&self) -> usize {
        match *self {
            EdnsOption::ClientSubnet { address, .. } => 4 + address.len(),
            EdnsOption::Cookie { server, .. } => 8 + server.len(),
            EdnsOption::Padding(d) | EdnsOption::Unknown { data: d, .. } => d.len(),
        }
    }

    /// The octets [`emit`](Self::emit) writes: 4 plus the value.
    pub fn buffer_len(&self) -> usize {
        4 + self.data_len()
    }

    /// Writes the option at the start of `buf` and returns its length.
    ///
    /// # Panics
    /// If `buf` is shorter than [`buffer_len`](Self::buffer_len) (the caller sizes it).
    pub fn emit(&self, buf: &mut [u8]) -> usize {
        let len = self.buffer_len();
        write_u16(buf, 0, self.code());
        write_u16(buf, 2, u16::try_from(self.data_len()).unwrap_or(u16::MAX));
        match *self {
            EdnsOption::ClientSubnet { family, source_prefix, scope_prefix, address } => {
                write_u16(buf, 4, family);
                buf[6] = source_prefix;
                buf[7] = scope_prefix;
                buf[8..len].copy_from_slice(address);
            }
            EdnsOption::Cookie { client, server } => {
                buf[4..12].copy_from_slice(&client);
                buf[12..len].copy_from_slice(server);
            }
            EdnsOption::Padding(d) | EdnsOption::Unknown { data: d, .. } => {
                buf[4..len].copy_from_slice(d);
            }
        }
        len
    }
}

impl fmt::Display for EdnsOption<'_> {
    /// dig's option lines without the `; ` and colon: `CLIENT-SUBNET 192.0.2.0/24/0`,
    /// `COOKIE <hex>`, `PADDING <n>`, `OPT<code> <hex>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            EdnsOption::ClientSubnet { source_prefix, scope_prefix, .. } => {
                let addr = self.subnet_address().ok_or(fmt::Error)?;
                write!(f, "CLIENT-SUBNET {addr}/{source_prefix}/{scope_prefix}")
            }
            EdnsOption::Cookie { client, server } => {
                f.write_str("COOKIE ")?;
                write_hex_word(f, &client)?;
                write_hex_word(f, server)
            }
            EdnsOption::Padding(d) => write!(f, "PADDING {}", d.len()),
            EdnsOption::Unknown { code, data } => {
                write!(f, "OPT{code} ")?;
                write_hex_word(f, data)
            }
        }
    }
}
