//! Range and Content-Range for bytes (RFC 9110 §14).

use core::fmt;

use wirestate_wire::{Error, Result};

use crate::framing::{offset_in, parse_decimal};
use crate::grammar::{list, trim};

/// One `int-range` or `suffix-range` of a Range field (RFC 9110 §14.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ByteRange {
    /// `first-pos "-" [ last-pos ]`.
    From {
        /// First byte.
        first: u64,
        /// Last byte, inclusive; `None` to the end.
        last: Option<u64>,
    },
    /// `"-" suffix-length`: the last bytes.
    Suffix(u64),
}

impl ByteRange {
    /// The inclusive `(first, last)` this range selects in a representation of
    /// `len` bytes, or `None` if it is unsatisfiable there (RFC 9110 §14.1.1).
    pub fn resolve(&self, len: u64) -> Option<(u64, u64)> {
        match *self {
            ByteRange::From { first, .. } if first >= len => None,
            ByteRange::From { first, last } => {
                Some((first, last.map_or(len - 1, |l| l.min(len - 1))))
            }
            ByteRange::Suffix(0) => None,
            ByteRange::Suffix(n) if len == 0 => {
                let _ = n;
                None
            }
            ByteRange::Suffix(n) => Some((len.saturating_sub(n), len - 1)),
        }
    }
}

/// The byte ranges of a Range value, checked when made.
///
/// ```
/// use wirestate_http1::fields::{ByteRange, Ranges};
/// let r = Ranges::parse(b"bytes=0-499, -500, 9500-").unwrap();
/// let v: Vec<_> = r.iter().collect();
/// assert_eq!(v, [ByteRange::From { first: 0, last: Some(499) }, ByteRange::Suffix(500), ByteRange::From { first: 9500, last: None }]);
/// assert_eq!(v[1].resolve(10_000), Some((9500, 9999)));
///
/// assert_eq!(Ranges::parse(b"bytes=500-100").unwrap_err().offset(), 6);
/// assert_eq!(Ranges::parse(b"items=1-2").unwrap_err().field(), "range");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranges<'b> {
    set: &'b [u8],
}

impl<'b> Ranges<'b> {
    /// Parses `bytes=range-set` (the unit case-insensitive).
    ///
    /// # Errors
    /// `Unsupported` "range" for another unit (a server ignores such a Range);
    /// `Malformed` "range" for an empty set or a member that is not
    /// `first-last`, `first-` or `-suffix` with `first <= last`; offsets in `value`.
    pub fn parse(value: &'b [u8]) -> Result<Self> {
        let value = trim(value);
        let eq = value.iter().position(|&b| b == b'=').ok_or_else(|| bad(0))?;
        if !value.get(..eq).unwrap_or_default().eq_ignore_ascii_case(b"bytes") {
            return Err(Error::unsupported("range", 0, 0));
        }
        let set = value.get(eq + 1..).unwrap_or_default();
        let mut n = 0;
        for member in list(set) {
            parse_range(member).ok_or_else(|| bad(offset_in(value, member)))?;
            n += 1;
        }
        if n == 0 {
            return Err(bad(eq + 1));
        }
        Ok(Ranges { set })
    }

    /// The ranges, in order.
    pub fn iter(&self) -> impl Iterator<Item = ByteRange> + 'b {
        list(self.set).filter_map(parse_range)
    }
}

fn bad(at: usize) -> Error {
    Error::malformed("range", at, "RFC 9110 §14.1.1: bytes=first-last, first- or -suffix")
}

fn parse_range(member: &[u8]) -> Option<ByteRange> {
    let dash = member.iter().position(|&b| b == b'-')?;
    let (a, b) = (member.get(..dash)?, member.get(dash + 1..)?);
    match (a, b) {
        (b"", suffix) => Some(ByteRange::Suffix(parse_decimal(suffix)?)),
        (first, b"") => Some(ByteRange::From { first: parse_decimal(first)?, last: None }),
        (first, last) => {
            let (first, last) = (parse_decimal(first)?, parse_decimal(last)?);
            (first <= last).then_some(ByteRange::From { first, last: Some(last) })
        }
    }
}

/// A Content-Range value for bytes (RFC 9110 §14.4).
///
/// ```
/// use wirestate_http1::fields::ContentRange;
/// let c = ContentRange::parse(b"bytes 0-499/1234").unwrap();
/// assert_eq!(c, ContentRange { range: Some((0, 499)), complete_len: Some(1234) });
/// assert_eq!(c.to_string(), "bytes 0-499/1234");
/// assert_eq!(ContentRange::parse(b"bytes */1234").unwrap().range, None);
/// assert_eq!(ContentRange::parse(b"bytes 5-1/10").unwrap_err().field(), "content-range");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ContentRange {
    /// Inclusive first and last byte; `None` for an unsatisfied range (`*/len`, with 416).
    pub range: Option<(u64, u64)>,
    /// The whole representation's length; `None` for `*` (unknown).
    pub complete_len: Option<u64>,
}

impl ContentRange {
    /// Parses `bytes first-last/len`, `bytes first-last/*` or `bytes */len`.
    ///
    /// # Errors
    /// `Unsupported` "content-range" for another unit; `Malformed` "content-range"
    /// at 0 otherwise (including `first > last`, `last >= len`, and `*/*`).
    pub fn parse(value: &[u8]) -> Result<Self> {
        let err = || Error::malformed("content-range", 0, "RFC 9110 §14.4: bytes first-last/len");
        let value = trim(value);
        let sp = value.iter().position(|&b| b == b' ').ok_or_else(err)?;
        if !value.get(..sp).unwrap_or_default().eq_ignore_ascii_case(b"bytes") {
            return Err(Error::unsupported("content-range", 0, 0));
        }
        let rest = value.get(sp + 1..).unwrap_or_default();
        let slash = rest.iter().position(|&b| b == b'/').ok_or_else(err)?;
        let (r, l) =
            (rest.get(..slash).unwrap_or_default(), rest.get(slash + 1..).unwrap_or_default());
        let complete_len = match l {
            b"*" => None,
            l => Some(parse_decimal(l).ok_or_else(err)?),
        };
        let range = match r {
            b"*" if complete_len.is_some() => None,
            b"*" => return Err(err()),
            r => {
                let dash = r.iter().position(|&b| b == b'-').ok_or_else(err)?;
                let first = parse_decimal(r.get(..dash).unwrap_or_default()).ok_or_else(err)?;
                let last = parse_decimal(r.get(dash + 1..).unwrap_or_default()).ok_or_else(err)?;
                if first > last || complete_len.is_some_and(|len| last >= len) {
                    return Err(err());
                }
                Some((first, last))
            }
        };
        Ok(ContentRange { range, complete_len })
    }
}

impl fmt::Display for ContentRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bytes ")?;
        match self.range {
            Some((a, b)) => write!(f, "{a}-{b}/")?,
            None => f.write_str("*/")?,
        }
        match self.complete_len {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("*"),
        }
    }
}
