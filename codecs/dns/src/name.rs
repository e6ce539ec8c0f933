//! Domain names read in place (RFC 1035 §3.1, §4.1.4): labels, compression
//! pointers, comparison, canonical order (RFC 4034 §6.1) and presentation form.

use core::cmp::Ordering;
use core::fmt;

use wirestate_wire::{Error, Result};

/// The longest name on the wire, length octets and root label included (RFC 1035 §2.3.4).
pub const MAX_NAME_LEN: usize = 255;
/// The longest label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// The most labels a name can have, the root included: 127 one-octet labels and the root.
pub const MAX_LABELS: usize = 128;

pub(crate) const RULE_TOO_LONG: &str = "RFC 1035 §2.3.4: a name is at most 255 octets";
const RULE_FORWARD: &str = "RFC 1035 §4.1.4: a compression pointer must point backwards";
const RULE_LOOP: &str = "RFC 1035 §4.1.4: compression pointer loop";
const RULE_RESERVED: &str = "RFC 6891 §5: label types 0x40 and 0x80 are reserved";
const RULE_NO_COMPRESSION: &str =
    "RFC 3597 §4: names in the RDATA of this type must not be compressed";

/// A domain name inside a buffer, already checked: its labels are in bounds, every
/// pointer points before the labels that led to it, and it is at most 255 octets.
///
/// Parsing a name walks it once to check it; every later use (labels, comparison,
/// display) walks it again in place, without allocating.
///
/// `==` compares labels ignoring ASCII case (RFC 4343 §3); [`Name::eq_exact`]
/// compares octets. `Ord` is the canonical order of RFC 4034 §6.1.
///
/// ```
/// use wirestate_dns::Name;
/// // "www.example." then "mail" + a pointer to offset 4 ("example.").
/// let msg = b"\x03www\x07example\x00\x04mail\xc0\x04";
/// let (www, end) = Name::parse(msg, 0, "name").unwrap();
/// assert_eq!((www.to_string().as_str(), end), ("www.example.", 13));
/// let (mail, end) = Name::parse(msg, 13, "name").unwrap();
/// assert_eq!((mail.to_string().as_str(), end), ("mail.example.", 20));
/// assert_eq!(mail.wire_len(), 14);
/// assert!(mail < www); // canonical order: "mail" sorts before "www"
///
/// // A pointer to itself is a loop, reported where the pointer is.
/// let err = Name::parse(b"\x01a\xc0\x00", 0, "qname").unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("qname", 2));
/// ```
#[derive(Clone, Copy)]
pub struct Name<'a> {
    buf: &'a [u8],
    start: usize,
    wire_len: u8,
    compressed: bool,
}

impl<'a> Name<'a> {
    /// Reads the name at `at` in `msg` (the whole message, so pointers resolve),
    /// returning it and the offset just past it in place.
    ///
    /// # Errors
    /// All at the offending octet, with `field` as the field name:
    /// - `Truncated`: a label or pointer runs past the buffer;
    /// - `Malformed`: a pointer to itself or forwards (RFC 1035 §4.1.4), a loop (a
    ///   pointer into the labels it was reached from), a label type 0x40 or 0x80
    ///   (RFC 6891 §5), or more than 255 octets (RFC 1035 §2.3.4).
    #[inline]
    pub fn parse(msg: &'a [u8], at: usize, field: &'static str) -> Result<(Self, usize)> {
        parse(msg, at, field, true)
    }

    /// Like [`Name::parse`], but a compression pointer is `Malformed` (RFC 3597 §4:
    /// names in the RDATA of types defined after RFC 1035 are never compressed).
    #[inline]
    pub fn parse_uncompressed(
        msg: &'a [u8],
        at: usize,
        field: &'static str,
    ) -> Result<(Self, usize)> {
        parse(msg, at, field, false)
    }

    /// The root name `.`.
    pub const fn root() -> Name<'static> {
        Name { buf: &[0], start: 0, wire_len: 1, compressed: false }
    }

    /// Its length on the wire without compression (length octets and root included).
    #[inline]
    pub fn wire_len(&self) -> usize {
        usize::from(self.wire_len)
    }

    /// Whether this is the root.
    #[inline]
    pub fn is_root(&self) -> bool {
        self.wire_len == 1
    }

    /// Whether it was read through at least one compression pointer.
    #[inline]
    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// Its labels from the leftmost, without the empty root label.
    #[inline]
    pub fn labels(&self) -> Labels<'a> {
        Labels { buf: self.buf, pos: self.start, steps: 0 }
    }

    /// The number of labels, without the root.
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// Compares octet for octet (case included).
    pub fn eq_exact(&self, other: &Name<'_>) -> bool {
        self.wire_len == other.wire_len && self.labels().eq(other.labels())
    }

    /// Writes the uncompressed wire form into `out` and returns its length, or
    /// `None` if `out` is shorter than [`wire_len`](Self::wire_len).
    pub fn write_uncompressed(&self, out: &mut [u8]) -> Option<usize> {
        let mut pos = 0;
        for label in self.labels() {
            let end = pos + 1 + label.len();
            let dst = out.get_mut(pos..end)?;
            let (len, rest) = dst.split_first_mut()?;
            *len = label.len() as u8;
            rest.copy_from_slice(label);
            pos = end;
        }
        *out.get_mut(pos)? = 0;
        Some(pos + 1)
    }

    /// Fills `out` with the labels and returns how many there are.
    pub(crate) fn collect_labels<'o>(&self, out: &'o mut [&'a [u8]; MAX_LABELS]) -> &'o [&'a [u8]] {
        let mut n = 0;
        for (slot, label) in out.iter_mut().zip(self.labels()) {
            *slot = label;
            n += 1;
        }
        out.get(..n).unwrap_or(&[])
    }
}

/// The checking walk behind [`Name::parse`]. Always inlined: it is small, and a
/// `Result<(Name, usize)>` returned through memory costs store-forwarding stalls
/// worth more than the walk itself (measured on the DNS decode bench).
#[inline(always)]
fn parse<'a>(
    msg: &'a [u8],
    at: usize,
    field: &'static str,
    allow_pointers: bool,
) -> Result<(Name<'a>, usize)> {
    let mut pos = at;
    // Each pointer must point before the run of labels that led to it, so runs
    // start at strictly decreasing offsets and the walk ends.
    let mut run_start = at;
    let mut len = 0usize;
    let mut end = 0usize;
    loop {
        let Some(&octet) = msg.get(pos) else {
            return Err(Error::truncated(field, pos, pos + 1, msg.len()));
        };
        match octet & 0xc0 {
            0x00 => {
                let label = usize::from(octet);
                len += label + 1;
                if len > MAX_NAME_LEN {
                    return Err(Error::malformed(field, pos, RULE_TOO_LONG));
                }
                if label == 0 {
                    let compressed = end != 0;
                    let end = if compressed { end } else { pos + 1 };
                    let name = Name { buf: msg, start: at, wire_len: len as u8, compressed };
                    return Ok((name, end));
                }
                pos += 1 + label;
            }
            0xc0 => {
                if !allow_pointers {
                    return Err(Error::malformed(field, pos, RULE_NO_COMPRESSION));
                }
                let Some(&low) = msg.get(pos + 1) else {
                    return Err(Error::truncated(field, pos, pos + 2, msg.len()));
                };
                let target = usize::from(octet & 0x3f) << 8 | usize::from(low);
                if target >= pos {
                    return Err(Error::malformed(field, pos, RULE_FORWARD));
                }
                if target >= run_start {
                    return Err(Error::malformed(field, pos, RULE_LOOP));
                }
                if end == 0 {
                    end = pos + 2;
                }
                run_start = target;
                pos = target;
            }
            _ => return Err(Error::malformed(field, pos, RULE_RESERVED)),
        }
    }
}

/// The labels of a [`Name`], leftmost first, the root excluded.
#[derive(Debug, Clone)]
pub struct Labels<'a> {
    buf: &'a [u8],
    pos: usize,
    steps: u16,
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        // The name was checked when parsed; the step bound only guards the
        // invariant (no more pointers and labels than a 255-octet name allows
        // plus one pointer per byte of the message).
        loop {
            self.steps = self.steps.checked_add(1)?;
            let octet = *self.buf.get(self.pos)?;
            if octet & 0xc0 == 0xc0 {
                let low = *self.buf.get(self.pos + 1)?;
                self.pos = usize::from(octet & 0x3f) << 8 | usize::from(low);
                continue;
            }
            if octet == 0 {
                return None;
            }
            let start = self.pos + 1;
            self.pos = start + usize::from(octet);
            return self.buf.get(start..self.pos);
        }
    }
}

impl PartialEq<Name<'_>> for Name<'_> {
    /// Equal labels, ignoring ASCII case (RFC 4343 §3).
    fn eq(&self, other: &Name<'_>) -> bool {
        if self.wire_len != other.wire_len {
            return false;
        }
        let mut a = self.labels();
        let mut b = other.labels();
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {}
                _ => return false,
            }
        }
    }
}

impl Eq for Name<'_> {}

impl Ord for Name<'_> {
    /// The canonical order of RFC 4034 §6.1: labels compared from the rightmost,
    /// each as lowercased octets; a name sorts before the names below it.
    fn cmp(&self, other: &Self) -> Ordering {
        let mut a = [&[][..]; MAX_LABELS];
        let mut b = [&[][..]; MAX_LABELS];
        let a = self.collect_labels(&mut a);
        let b = other.collect_labels(&mut b);
        for (x, y) in a.iter().rev().zip(b.iter().rev()) {
            let ord =
                x.iter().map(u8::to_ascii_lowercase).cmp(y.iter().map(u8::to_ascii_lowercase));
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a.len().cmp(&b.len())
    }
}

impl PartialOrd for Name<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl core::hash::Hash for Name<'_> {
    /// Hashes lowercased labels, consistent with the case-insensitive `==`.
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        for label in self.labels() {
            state.write_u8(label.len() as u8);
            for b in label {
                state.write_u8(b.to_ascii_lowercase());
            }
        }
        state.write_u8(0);
    }
}

impl fmt::Display for Name<'_> {
    /// The absolute presentation form with a trailing dot (`.` for the root),
    /// escaping `.`, `\` and the zone-file specials with a backslash and other
    /// octets outside 0x21..=0x7e as `\DDD` (RFC 1035 §5.1), as dig does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            return f.write_str(".");
        }
        for label in self.labels() {
            write_label(f, label)?;
            f.write_str(".")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

/// Writes one label in presentation form.
pub(crate) fn write_label(f: &mut fmt::Formatter<'_>, label: &[u8]) -> fmt::Result {
    let mut plain = 0;
    for (i, &b) in label.iter().enumerate() {
        let special = matches!(b, b'.' | b'\\' | b'"' | b'(' | b')' | b';' | b'@' | b'$');
        if special || !(0x21..=0x7e).contains(&b) {
            f.write_str(core::str::from_utf8(label.get(plain..i).unwrap_or(&[])).unwrap_or(""))?;
            if special {
                write!(f, "\\{}", char::from(b))?;
            } else {
                write!(f, "\\{b:03}")?;
            }
            plain = i + 1;
        }
    }
    f.write_str(core::str::from_utf8(label.get(plain..).unwrap_or(&[])).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    fn name(wire: &[u8]) -> Name<'_> {
        Name::parse(wire, 0, "name").unwrap().0
    }

    #[test]
    fn every_error_names_field_and_offset() {
        let cases: &[(&[u8], Error)] = &[
            (b"", Error::truncated("n", 0, 1, 0)),
            (b"\x03ab", Error::truncated("n", 4, 5, 3)),
            (b"\x01a\xc0", Error::truncated("n", 2, 4, 3)),
            (b"\x01a\xc0\x02", Error::malformed("n", 2, RULE_FORWARD)),
            (b"\x01a\xc0\x05", Error::malformed("n", 2, RULE_FORWARD)),
            (b"\x01a\xc0\x00", Error::malformed("n", 2, RULE_LOOP)),
            (b"\x01a\x40", Error::malformed("n", 2, RULE_RESERVED)),
            (b"\x80", Error::malformed("n", 0, RULE_RESERVED)),
        ];
        for (wire, err) in cases {
            assert_eq!(Name::parse(wire, 0, "n").unwrap_err(), *err, "{wire:?}");
        }
        // A loop through two pointers: 10: "b" ptr->2; 2: "a" "c" ptr->4.
        let wire = b"\x00\x00\x01a\x01c\xc0\x04\x00\x00\x01b\xc0\x02";
        assert_eq!(Name::parse(wire, 10, "n").unwrap_err(), Error::malformed("n", 6, RULE_LOOP));
        assert_eq!(
            Name::parse_uncompressed(b"\x00\x01a\xc0\x00", 1, "n").unwrap_err(),
            Error::malformed("n", 3, RULE_NO_COMPRESSION)
        );
    }

    #[test]
    fn names_longer_than_255_octets_are_refused() {
        let mut wire = std::vec::Vec::new();
        for _ in 0..4 {
            wire.push(63);
            wire.extend_from_slice(&[b'a'; 63]);
        }
        wire.push(0); // 4 * 64 + 1 = 257
        let err = Name::parse(&wire, 0, "n").unwrap_err();
        assert_eq!(err, Error::malformed("n", 192, RULE_TOO_LONG));
        // 255 exactly is fine: 3 * 64 + 62 + 1
        let mut ok = std::vec::Vec::new();
        for _ in 0..3 {
            ok.push(63);
            ok.extend_from_slice(&[b'a'; 63]);
        }
        ok.push(61);
        ok.extend_from_slice(&[b'b'; 61]);
        ok.push(0);
        assert_eq!(name(&ok).wire_len(), 255);
    }

    #[test]
    fn display_escapes() {
        assert_eq!(name(b"\x00").to_string(), ".");
        assert_eq!(name(b"\x03a.b\x02\\\x01\x00").to_string(), "a\\.b.\\\\\\001.");
        assert_eq!(name(b"\x02 x\x00").to_string(), "\\032x.");
    }

    #[test]
    fn case_insensitive_eq_and_canonical_order() {
        // RFC 4034 §6.1's example order.
        let order: &[&[u8]] = &[
            b"\x07example\x00",
            b"\x01a\x07example\x00",
            b"\x08yljkjljk\x01a\x07example\x00",
            b"\x01Z\x01a\x07example\x00",
            b"\x04zABC\x01a\x07EXAMPLE\x00",
            b"\x01z\x07example\x00",
            b"\x01\x01\x01z\x07example\x00",
            b"\x01*\x01z\x07example\x00",
            b"\x01\xc8\x01z\x07example\x00",
        ];
        for pair in order.windows(2) {
            assert!(name(pair[0]) < name(pair[1]), "{} < {}", name(pair[0]), name(pair[1]));
        }
        assert_eq!(name(b"\x03WWW\x00"), name(b"\x03www\x00"));
        assert!(!name(b"\x03WWW\x00").eq_exact(&name(b"\x03www\x00")));
    }
}
