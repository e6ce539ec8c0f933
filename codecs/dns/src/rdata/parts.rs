//! The variable parts of RDATA, checked once and then walked in place:
//! character-strings, type bit maps and SvcParams.

use wirestate_wire::bytes::read_u16;
use wirestate_wire::{Error, Result};

use crate::Type;

/// A run of character-strings (RFC 1035 §3.3), e.g. the strings of a TXT record.
/// Iterates the strings without their length octets. `==` compares the octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CharStrings<'a> {
    data: &'a [u8],
}

impl<'a> CharStrings<'a> {
    /// Checks that `data` is a whole number of character-strings; `at` is its
    /// offset in the message, for errors (`Truncated` `field` at the string whose
    /// length runs past the end).
    pub fn parse(data: &'a [u8], at: usize, field: &'static str) -> Result<Self> {
        let mut pos = 0;
        while let Some(&len) = data.get(pos) {
            let end = pos + 1 + usize::from(len);
            if end > data.len() {
                return Err(Error::truncated(field, at + pos, at + end, at + data.len()));
            }
            pos = end;
        }
        Ok(CharStrings { data })
    }

    /// The encoded strings, length octets included.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Iterates the strings.
    pub fn iter(&self) -> CharStringsIter<'a> {
        CharStringsIter { data: self.data }
    }
}

impl<'a> IntoIterator for CharStrings<'a> {
    type Item = &'a [u8];
    type IntoIter = CharStringsIter<'a>;
    fn into_iter(self) -> CharStringsIter<'a> {
        self.iter()
    }
}

/// The iterator of [`CharStrings`].
#[derive(Debug, Clone)]
pub struct CharStringsIter<'a> {
    data: &'a [u8],
}

impl<'a> Iterator for CharStringsIter<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let (&len, rest) = self.data.split_first()?;
        let len = usize::from(len).min(rest.len());
        let (s, rest) = rest.split_at(len);
        self.data = rest;
        Some(s)
    }
}

/// The type bit maps of NSEC and NSEC3 (RFC 4034 §4.1.2): iterates the types present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeBitmaps<'a> {
    data: &'a [u8],
}

const RULE_BITMAP: &str =
    "RFC 4034 §4.1.2: windows increase, 1-32 octets each, no trailing zero octet";

impl<'a> TypeBitmaps<'a> {
    /// Checks the windows of `data` (at offset `at` in the message).
    ///
    /// # Errors
    /// `Truncated` "type bitmaps" when a window runs past the RDATA; `Malformed`
    /// "type bitmaps" at a window that does not follow its predecessor, has a
    /// length outside 1..=32 or ends in a zero octet.
    pub fn parse(data: &'a [u8], at: usize) -> Result<Self> {
        let mut pos = 0;
        let mut next_window = 0u16;
        while pos < data.len() {
            let (Some(&window), Some(&len)) = (data.get(pos), data.get(pos + 1)) else {
                return Err(Error::truncated(
                    "type bitmaps",
                    at + pos,
                    at + pos + 2,
                    at + data.len(),
                ));
            };
            let len = usize::from(len);
            if u16::from(window) < next_window || len == 0 || len > 32 {
                return Err(Error::malformed("type bitmaps", at + pos, RULE_BITMAP));
            }
            let end = pos + 2 + len;
            let Some(bits) = data.get(pos + 2..end) else {
                return Err(Error::truncated("type bitmaps", at + pos, at + end, at + data.len()));
            };
            if bits.last() == Some(&0) {
                return Err(Error::malformed("type bitmaps", at + pos, RULE_BITMAP));
            }
            next_window = u16::from(window) + 1;
            pos = end;
        }
        Ok(TypeBitmaps { data })
    }

    /// The encoded windows.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Iterates the types present, in increasing order.
    pub fn iter(&self) -> TypeBitmapsIter<'a> {
        TypeBitmapsIter { data: self.data, bit: 0 }
    }
}

impl<'a> IntoIterator for TypeBitmaps<'a> {
    type Item = Type;
    type IntoIter = TypeBitmapsIter<'a>;
    fn into_iter(self) -> TypeBitmapsIter<'a> {
        self.iter()
    }
}

/// The iterator of [`TypeBitmaps`].
#[derive(Debug, Clone)]
pub struct TypeBitmapsIter<'a> {
    data: &'a [u8],
    bit: usize,
}

impl Iterator for TypeBitmapsIter<'_> {
    type Item = Type;
    fn next(&mut self) -> Option<Type> {
        loop {
            let window = *self.data.first()?;
            let len = usize::from(*self.data.get(1)?);
            let bits = self.data.get(2..2 + len).unwrap_or(&[]);
            while self.bit < bits.len() * 8 {
                let bit = self.bit;
                self.bit += 1;
                if bits.get(bit / 8).is_some_and(|b| b & (0x80 >> (bit % 8)) != 0) {
                    return Some(Type(u16::from(window) << 8 | bit as u16));
                }
            }
            self.data = self.data.get(2 + len..).unwrap_or(&[]);
            self.bit = 0;
        }
    }
}

/// SvcParam keys (RFC 9460 §14.3.2).
pub mod svc_key {
    /// mandatory.
    pub const MANDATORY: u16 = 0;
    /// alpn.
    pub const ALPN: u16 = 1;
    /// no-default-alpn.
    pub const NO_DEFAULT_ALPN: u16 = 2;
    /// port.
    pub const PORT: u16 = 3;
    /// ipv4hint.
    pub const IPV4HINT: u16 = 4;
    /// ech.
    pub const ECH: u16 = 5;
    /// ipv6hint.
    pub const IPV6HINT: u16 = 6;

    /// The key's presentation name, where it has one.
    pub fn name(key: u16) -> Option<&'static str> {
        Some(match key {
            MANDATORY => "mandatory",
            ALPN => "alpn",
            NO_DEFAULT_ALPN => "no-default-alpn",
            PORT => "port",
            IPV4HINT => "ipv4hint",
            ECH => "ech",
            IPV6HINT => "ipv6hint",
            _ => return None,
        })
    }
}

/// One SvcParam: key and value octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SvcParam<'a> {
    /// SvcParamKey.
    pub key: u16,
    /// SvcParamValue.
    pub value: &'a [u8],
}

/// The SvcParams of SVCB and HTTPS (RFC 9460 §2.2), checked: keys strictly
/// increasing and the values of the keys of RFC 9460 §7 well formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SvcParams<'a> {
    data: &'a [u8],
}

const RULE_SVC_ORDER: &str = "RFC 9460 §2.2: SvcParamKeys appear in increasing order";
const RULE_SVC_VALUE: &str = "RFC 9460 §7: value malformed for its key";

impl<'a> SvcParams<'a> {
    /// Checks the params of `data` (at offset `at` in the message).
    ///
    /// # Errors
    /// `Truncated` "svcparams" at a param that runs past the RDATA; `Malformed`
    /// "svcparams" at a key not above its predecessor (or 65535, reserved) or a
    /// value of the wrong form for its key.
    pub fn parse(data: &'a [u8], at: usize) -> Result<Self> {
        let mut pos = 0;
        let mut min_key = 0u32;
        while pos < data.len() {
            if pos + 4 > data.len() {
                return Err(Error::truncated("svcparams", at + pos, at + pos + 4, at + data.len()));
            }
            let key = read_u16(data, pos);
            let len = usize::from(read_u16(data, pos + 2));
            let end = pos + 4 + len;
            let Some(value) = data.get(pos + 4..end) else {
                return Err(Error::truncated("svcparams", at + pos, at + end, at + data.len()));
            };
            if u32::from(key) < min_key || key == 65535 {
                return Err(Error::malformed("svcparams", at + pos, RULE_SVC_ORDER));
            }
            if !value_ok(key, value) {
                return Err(Error::malformed("svcparams", at + pos, RULE_SVC_VALUE));
            }
            min_key = u32::from(key) + 1;
            pos = end;
        }
        Ok(SvcParams { data })
    }

    /// The encoded params.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Iterates the params.
    pub fn iter(&self) -> SvcParamsIter<'a> {
        SvcParamsIter { data: self.data }
    }
}

fn value_ok(key: u16, value: &[u8]) -> bool {
    match key {
        svc_key::MANDATORY => !value.is_empty() && value.len().is_multiple_of(2),
        svc_key::ALPN => {
            !value.is_empty()
                && CharStrings::parse(value, 0, "alpn").is_ok()
                && CharStrings { data: value }.iter().all(|s| !s.is_empty())
        }
        svc_key::NO_DEFAULT_ALPN => value.is_empty(),
        svc_key::PORT => value.len() == 2,
        svc_key::IPV4HINT => !value.is_empty() && value.len().is_multiple_of(4),
        svc_key::IPV6HINT => !value.is_empty() && value.len().is_multiple_of(16),
        _ => true,
    }
}

impl<'a> IntoIterator for SvcParams<'a> {
    type Item = SvcParam<'a>;
    type IntoIter = SvcParamsIter<'a>;
    fn into_iter(self) -> SvcParamsIter<'a> {
        self.iter()
    }
}

/// The iterator of [`SvcParams`].
#[derive(Debug, Clone)]
pub struct SvcParamsIter<'a> {
    data: &'a [u8],
}

impl<'a> Iterator for SvcParamsIter<'a> {
    type Item = SvcParam<'a>;
    fn next(&mut self) -> Option<SvcParam<'a>> {
        let key = u16::from_be_bytes([*self.data.first()?, *self.data.get(1)?]);
        let len = usize::from(u16::from_be_bytes([*self.data.get(2)?, *self.data.get(3)?]));
        let value = self.data.get(4..4 + len)?;
        self.data = self.data.get(4 + len..).unwrap_or(&[]);
        Some(SvcParam { key, value })
    }
}
