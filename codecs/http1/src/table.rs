//! Byte classes of the HTTP grammar as lookup tables, and the word-at-a-time scan
//! the head parser spends most of its time in.
//!
//! Tables are `[bool; 256]` built at compile time, so a class test is one load.

/// Builds a table from a `const fn` predicate over bytes.
macro_rules! build {
    ($pred:ident) => {{
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = $pred(i as u8);
            i += 1;
        }
        t
    }};
}

const fn is_tchar(b: u8) -> bool {
    // RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "."
    //   / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

const fn is_field_char(b: u8) -> bool {
    // RFC 9110 §5.5: field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value.
    b == b'\t' || (b >= 0x20 && b != 0x7f)
}

const fn is_target_char(b: u8) -> bool {
    // RFC 3986 §2: unreserved / gen-delims (less "#": RFC 9112 §3.2 has no fragment)
    // / sub-delims, and "%" for pct-encoded.
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b':'
                | b'/'
                | b'?'
                | b'['
                | b']'
                | b'@'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b'%'
        )
}

/// `tchar` (RFC 9110 §5.6.2): the bytes of a token (method, field name, coding).
pub(crate) static TCHAR: [bool; 256] = build!(is_tchar);
/// Bytes allowed inside a field value or reason phrase (RFC 9110 §5.5).
pub(crate) static FIELD: [bool; 256] = build!(is_field_char);
/// Bytes allowed in a request-target (RFC 9112 §3.2 over RFC 3986 §2).
pub(crate) static TARGET: [bool; 256] = build!(is_target_char);

/// Whether `b` is a `tchar`.
#[inline(always)]
pub(crate) fn tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// lanes, unlike the "haszero" test).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    !(((x & !HIGHS).wrapping_add(!HIGHS)) | x) & HIGHS
}

/// Per word: 0x80 in some lane iff some byte is below 0x20 or is DEL, the only
/// bytes that can end or break a field value. Exact for existence (the "hasless"
/// trick holds for n <= 128; bytes >= 0x80 are masked by `!x`), not for position.
#[inline(always)]
fn ctl_bits(x: u64) -> u64 {
    let below = x.wrapping_sub(ONES * 0x20) & !x;
    let d = x ^ (ONES * 0x7f);
    let del = d.wrapping_sub(ONES) & !d;
    (below | del) & HIGHS
}

#[cfg(test)]
fn has_ctl(x: u64) -> bool {
    ctl_bits(x) != 0
}

/// The offset of the first byte at or after `pos` that cannot be in a field value
/// (CR, LF, NUL, other controls, DEL), or `buf.len()`.
///
/// Sixteen, then eight bytes a step while the words hold no control. In a word that
/// has one, the lowest flagged lane of [`ctl_bits`] is exact (its false positives only
/// ever sit above a true one), so its position comes from one `trailing_zeros`, not a
/// byte loop; if that byte is HTAB (legal in a value) the scan goes on after it.
#[inline]
pub(crate) fn scan_field(buf: &[u8], mut pos: usize) -> usize {
    loop {
        // Sixteen bytes a step: both words' tests merged into one branch.
        while let Some(w) = buf.get(pos..).and_then(<[u8]>::first_chunk::<16>) {
            let a = u64::from_le_bytes(w.first_chunk::<8>().copied().unwrap_or_default());
            let b = u64::from_le_bytes(w.last_chunk::<8>().copied().unwrap_or_default());
            let (ma, mb) = (ctl_bits(a), ctl_bits(b));
            if ma | mb != 0 {
                let lane = if ma != 0 { lane_of(ma) } else { 8 + lane_of(mb) };
                pos += lane;
                break;
            }
            pos += 16;
        }
        // Fewer than sixteen bytes left, or `pos` is at a flagged byte.
        if let Some(word) = buf.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
            let m = ctl_bits(u64::from_le_bytes(*word));
            if m == 0 {
                pos += 8;
                continue;
            }
            pos += lane_of(m);
        } else {
            while let Some(&b) = buf.get(pos) {
                if !FIELD[usize::from(b)] {
                    break;
                }
                pos += 1;
            }
        }
        match buf.get(pos) {
            Some(b'\t') => pos += 1,
            _ => return pos,
        }
    }
}

/// The byte lane of the lowest flagged lane of a [`ctl_bits`] mask.
#[inline(always)]
fn lane_of(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The offset of the first byte at or after `pos` outside `0x21..=0x7E` (SP, a
/// control, DEL or non-ASCII: what ends or breaks a request-target), or `buf.len()`.
/// Eight bytes a step; the finer RFC 3986 check is [`all_target`]'s.
#[inline]
pub(crate) fn scan_target(buf: &[u8], mut pos: usize) -> usize {
    while let Some(word) = buf.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
        let x = u64::from_le_bytes(*word);
        let at_least_21 = ((x & !HIGHS).wrapping_add(ONES * 0x5f)) & HIGHS;
        let out = (x & HIGHS) | (!at_least_21 & HIGHS) | zero_bytes(x ^ (ONES * 0x7f));
        if out != 0 {
            return pos + (out.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&b) = buf.get(pos) {
        if !(0x21..=0x7e).contains(&b) {
            break;
        }
        pos += 1;
    }
    pos
}

/// Whether every byte of `s` is a request-target byte ([`TARGET`]). No early exit:
/// the loop has no data-dependent branch, so the check overlaps with what follows.
#[inline]
pub(crate) fn all_target(s: &[u8]) -> bool {
    s.iter().fold(true, |ok, &b| ok & TARGET[usize::from(b)])
}

/// The offset of the first byte at or after `pos` not in `table`, or `buf.len()`.
///
/// A byte loop: tokens are short, and a loop whose exit the branch predictor learns
/// lets the CPU run ahead into the next field (measured faster than computing the
/// exit position from a word mask, which makes every field wait on its loads).
#[inline(always)]
pub(crate) fn scan_table(buf: &[u8], mut pos: usize, table: &[bool; 256]) -> usize {
    // Whole words of class bytes first: one predicted branch per eight bytes.
    while let Some(w) = buf.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
        if !w.iter().fold(true, |ok, &b| ok & table[usize::from(b)]) {
            break;
        }
        pos += 8;
    }
    while let Some(&b) = buf.get(pos) {
        if !table[usize::from(b)] {
            break;
        }
        pos += 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_ctl_agrees_with_the_table_on_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let mut w = [b'a'; 8];
                w[lane] = b;
                let ctl = b < 0x20 || b == 0x7f;
                assert_eq!(has_ctl(u64::from_le_bytes(w)), ctl, "byte {b:#x} lane {lane}");
            }
        }
    }

    #[test]
    fn scan_target_stops_outside_printable_ascii() {
        assert_eq!(scan_target(b"/a/b/c/d/e/f/g/h/i HTTP", 0), 18);
        assert_eq!(scan_target(b"/abcdefghij\x7f", 0), 11);
        assert_eq!(scan_target(b"/abcdefghijklmn\x80", 0), 15);
        assert_eq!(scan_target(b"/ab\x00", 0), 3);
        assert!(all_target(b"/a?b=%20") && !all_target(b"/a\"b"));
    }

    #[test]
    fn scan_field_stops_at_the_first_control_other_than_tab() {
        assert_eq!(scan_field(b"abc\tdef ghi jkl mno\r\n", 0), 19);
        assert_eq!(scan_field(b"0123456789abcdef\x00", 0), 16);
        assert_eq!(scan_field(b"\xff\xfe\x80 x\x7fyy", 0), 5);
        assert_eq!(scan_field(b"abc", 0), 3);
        assert_eq!(scan_field(b"abc", 5), 5);
    }

    #[test]
    fn classes() {
        assert!(tchar(b'G') && !tchar(b' ') && !tchar(b':'));
        assert!(TARGET[usize::from(b'%')] && !TARGET[usize::from(b'#')]);
        assert!(!TARGET[usize::from(b'"')] && !TARGET[0x80]);
    }
}
