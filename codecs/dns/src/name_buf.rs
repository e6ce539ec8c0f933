//! A name of its own (up to 255 octets inline, no allocation), parsed from the
//! presentation form (RFC 1035 §5.1).

use core::fmt;
use core::str::FromStr;

use wirestate_wire::{Error, Result};

use crate::name::{MAX_LABEL_LEN, MAX_NAME_LEN, RULE_TOO_LONG};
use crate::Name;

/// A domain name held in its uncompressed wire form, inline.
///
/// Parsed from presentation form with `str::parse`: labels separated by `.`,
/// `\.` and `\\` for literal dots and backslashes, `\DDD` for any octet; the
/// trailing dot is optional (every name is taken as absolute); `.` is the root.
///
/// ```
/// use wirestate_dns::NameBuf;
/// let name: NameBuf = "a\\.b.Example.".parse().unwrap();
/// assert_eq!(name.as_wire(), b"\x03a.b\x07Example\x00");
/// assert_eq!(name.to_string(), "a\\.b.Example.");
/// assert_eq!(name.as_name(), "A\\.B.example".parse::<NameBuf>().unwrap().as_name());
///
/// // An empty label is refused at its offset in the text.
/// let err = "a..b".parse::<NameBuf>().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("name", 2));
/// ```
#[derive(Clone, Copy)]
pub struct NameBuf {
    wire: [u8; MAX_NAME_LEN],
    len: u8,
}

const RULE_EMPTY_LABEL: &str = "RFC 1035 §5.1: empty label";
const RULE_LABEL_LEN: &str = "RFC 1035 §2.3.4: a label is at most 63 octets";
const RULE_ESCAPE: &str = "RFC 1035 §5.1: \\DDD is a decimal octet, below 256";

impl NameBuf {
    /// The root name.
    pub fn root() -> Self {
        NameBuf { wire: [0; MAX_NAME_LEN], len: 1 }
    }

    /// Copies `name` (uncompressing it).
    pub fn from_name(name: &Name<'_>) -> Self {
        let mut buf = Self::root();
        let len = name.write_uncompressed(&mut buf.wire).unwrap_or(1);
        buf.len = len as u8;
        buf
    }

    /// The uncompressed wire form.
    pub fn as_wire(&self) -> &[u8] {
        self.wire.get(..usize::from(self.len)).unwrap_or(&[0])
    }

    /// A [`Name`] over the wire form.
    pub fn as_name(&self) -> Name<'_> {
        Name::parse(self.as_wire(), 0, "name").map_or(Name::root(), |(n, _)| n)
    }

    /// Parses the presentation form; error offsets count in `s`.
    ///
    /// # Errors
    /// `Malformed` "name" at: an empty label, a label over 63 octets, a bad
    /// `\DDD` escape or a trailing `\`, or a name over 255 octets.
    pub fn parse_str(s: &str) -> Result<Self> {
        let mut buf = Self::root();
        if s == "." {
            return Ok(buf);
        }
        let text = s.as_bytes();
        let mut out = 0usize; // where the current label's length octet is
        let mut label = 0usize;
        let mut i = 0;
        let mut label_start = 0;
        while i < text.len() {
            let c = text[i];
            let (octet, next) = match c {
                b'.' => {
                    if label == 0 {
                        return Err(Error::malformed("name", i, RULE_EMPTY_LABEL));
                    }
                    buf.wire[out] = label as u8;
                    out += 1 + label;
                    label = 0;
                    i += 1;
                    label_start = i;
                    continue;
                }
                b'\\' => unescape(text, i)?,
                _ => (c, i + 1),
            };
            label += 1;
            if label > MAX_LABEL_LEN {
                return Err(Error::malformed("name", label_start, RULE_LABEL_LEN));
            }
            // One octet for this label's length, the label, and the root after it.
            let at = out + label;
            if at + 1 >= MAX_NAME_LEN {
                return Err(Error::malformed("name", i, RULE_TOO_LONG));
            }
            buf.wire[at] = octet;
            i = next;
        }
        if label > 0 {
            buf.wire[out] = label as u8;
            out += 1 + label;
        } else if text.is_empty() {
            return Err(Error::malformed("name", 0, RULE_EMPTY_LABEL));
        }
        buf.wire[out] = 0;
        buf.len = (out + 1) as u8;
        Ok(buf)
    }
}

/// Reads the escape at `text[i] == b'\\'`: the octet and where the text goes on.
pub(crate) fn unescape(text: &[u8], i: usize) -> Result<(u8, usize)> {
    match text.get(i + 1) {
        Some(d) if d.is_ascii_digit() => {
            let digits = text.get(i + 1..i + 4).filter(|d| d.iter().all(u8::is_ascii_digit));
            let value = digits.map(|d| d.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0')));
            match value.and_then(|v| u8::try_from(v).ok()) {
                Some(octet) => Ok((octet, i + 4)),
                None => Err(Error::malformed("name", i, RULE_ESCAPE)),
            }
        }
        Some(&c) => Ok((c, i + 2)),
        None => Err(Error::malformed("name", i, RULE_ESCAPE)),
    }
}

impl FromStr for NameBuf {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse_str(s)
    }
}

impl PartialEq for NameBuf {
    /// Ignoring ASCII case, as [`Name`].
    fn eq(&self, other: &Self) -> bool {
        self.as_name() == other.as_name()
    }
}

impl Eq for NameBuf {}

impl fmt::Display for NameBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_name(), f)
    }
}

impl fmt::Debug for NameBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameBuf({})", self.as_name())
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for NameBuf {
    /// Up to 4 labels of 0-10 octets drawn from a small alphabet (so names share
    /// suffixes and compression is exercised), any octet now and then.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        const ALPHABET: &[u8] = b"abcwx-.\\ \x00\xff";
        let mut buf = Self::root();
        let mut out = 0;
        for _ in 0..u.int_in_range(0..=4)? {
            let len: usize = u.int_in_range(1..=10)?;
            buf.wire[out] = len as u8;
            for k in 0..len {
                buf.wire[out + 1 + k] = *u.choose(ALPHABET)?;
            }
            out += 1 + len;
        }
        buf.wire[out] = 0;
        buf.len = (out + 1) as u8;
        Ok(buf)
    }
}
