//! Entity tags and the conditions that turn a GET into a 304 (RFC 9110 §8.8.3, §13).

use wirestate_wire::{Error, Result};

use crate::fields::HttpDate;
use crate::framing::offset_in;
use crate::grammar::{list, trim};
use crate::Header;

/// An entity tag (RFC 9110 §8.8.3): `[ W/ ] DQUOTE *etagc DQUOTE`.
///
/// ```
/// use wirestate_http1::fields::EntityTag;
/// let strong = EntityTag::parse(b"\"v1\"").unwrap();
/// let weak = EntityTag::parse(b"W/\"v1\"").unwrap();
/// assert!(strong.weak_eq(&weak) && !strong.strong_eq(&weak));
/// assert_eq!(EntityTag::parse(b"v1").unwrap_err().field(), "etag");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EntityTag<'b> {
    /// Whether the tag is weak (`W/`).
    pub weak: bool,
    /// The opaque tag between the quotes.
    pub tag: &'b [u8],
}

impl<'b> EntityTag<'b> {
    /// Parses one entity tag.
    ///
    /// # Errors
    /// `Malformed` "etag" at the offending offset of `value`.
    pub fn parse(value: &'b [u8]) -> Result<Self> {
        let v = trim(value);
        let base = offset_in(value, v);
        let (weak, quoted) = match v.strip_prefix(b"W/") {
            Some(rest) => (true, rest),
            None => (false, v),
        };
        let at = base + usize::from(weak) * 2;
        match quoted {
            [b'"', tag @ .., b'"'] if quoted.len() >= 2 => {
                // etagc = %x21 / %x23-7E / obs-text
                if let Some(i) = tag
                    .iter()
                    .position(|&b| !(b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80))
                {
                    return Err(Error::malformed("etag", at + 1 + i, "RFC 9110 §8.8.3: etagc"));
                }
                Ok(EntityTag { weak, tag })
            }
            _ => Err(Error::malformed("etag", at, "RFC 9110 §8.8.3: a quoted opaque-tag")),
        }
    }

    /// Strong comparison: both strong and the same tag (RFC 9110 §8.8.3.2).
    pub fn strong_eq(&self, other: &EntityTag<'_>) -> bool {
        !self.weak && !other.weak && self.tag == other.tag
    }

    /// Weak comparison: the same tag, weakness ignored.
    pub fn weak_eq(&self, other: &EntityTag<'_>) -> bool {
        self.tag == other.tag
    }
}

/// An If-None-Match value (RFC 9110 §13.1.2): `*` or a list of entity tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfNoneMatch<'b> {
    /// `*`: any current representation.
    Any,
    /// The tags, as a checked list value.
    Tags(&'b [u8]),
}

impl<'b> IfNoneMatch<'b> {
    /// Parses and checks the value.
    ///
    /// # Errors
    /// `Malformed` "etag" at the first bad member.
    pub fn parse(value: &'b [u8]) -> Result<Self> {
        if trim(value) == b"*" {
            return Ok(IfNoneMatch::Any);
        }
        for member in list(value) {
            EntityTag::parse(member).map_err(|e| e.at(offset_in(value, member)))?;
        }
        Ok(IfNoneMatch::Tags(value))
    }

    /// The tags (none for `*`).
    pub fn tags(&self) -> impl Iterator<Item = EntityTag<'b>> + 'b {
        let value = match *self {
            IfNoneMatch::Any => &b""[..],
            IfNoneMatch::Tags(v) => v,
        };
        list(value).filter_map(|m| EntityTag::parse(m).ok())
    }

    /// Whether the condition is false for a representation tagged `current`, i.e.
    /// it matches (weak comparison, RFC 9110 §13.1.2).
    pub fn matches(&self, current: Option<&EntityTag<'_>>) -> bool {
        match (self, current) {
            (IfNoneMatch::Any, c) => c.is_some(),
            (IfNoneMatch::Tags(_), Some(c)) => self.tags().any(|t| t.weak_eq(c)),
            (IfNoneMatch::Tags(_), None) => false,
        }
    }
}

/// Whether a GET or HEAD with these request `headers` gets 304 Not Modified for a
/// representation with `etag` and `last_modified` (RFC 9110 §13.2.2 steps 3-4):
/// If-None-Match decides when present; otherwise If-Modified-Since, when it is a
/// valid date, is compared to `last_modified`. An invalid If-Modified-Since is
/// ignored, as §13.1.3 requires.
///
/// ```
/// use wirestate_http1::fields::{not_modified, EntityTag, HttpDate};
/// use wirestate_http1::Header;
/// let tag = EntityTag::parse(b"\"abc\"").unwrap();
/// let h = [Header { name: b"If-None-Match", value: b"W/\"abc\", \"def\"" }];
/// assert!(not_modified(&h, Some(&tag), None).unwrap());
/// let lm = HttpDate::parse(b"Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
/// let h = [Header { name: b"If-Modified-Since", value: b"Sun, 06 Nov 1994 08:49:37 GMT" }];
/// assert!(not_modified(&h, None, Some(lm)).unwrap());
/// ```
///
/// # Errors
/// `Malformed` "etag" for an invalid If-None-Match.
pub fn not_modified(
    headers: &[Header<'_>],
    etag: Option<&EntityTag<'_>>,
    last_modified: Option<HttpDate>,
) -> Result<bool> {
    let mut inm = headers.iter().filter(|h| h.is("if-none-match")).peekable();
    if inm.peek().is_some() {
        for h in inm {
            if IfNoneMatch::parse(h.value)?.matches(etag) {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    let ims = headers
        .iter()
        .find(|h| h.is("if-modified-since"))
        .and_then(|h| HttpDate::parse(trim(h.value)).ok());
    Ok(match (ims, last_modified) {
        (Some(since), Some(lm)) => lm <= since,
        _ => false,
    })
}
