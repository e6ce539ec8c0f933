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
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
                | b'`' | b'|' | b'~'
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
            b'-' | b'.' | b'_' | b'~' | b':' | b'/' | b'?' | b'[' | b']' | b'@' | b'!' | b'$'
                | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'%'
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

/// Whether every byte of `s` is a `tchar` and `s` is not empty: a token.
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| tchar(b))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of the word is below 0x20 or is DEL: the only bytes that can end
/// or break a field value. Exact for existence (the "hasless" trick holds for n <= 128;
/// bytes >= 0x80 are masked by `!x`).
#[inline(always)]
fn has_ctl(x: u64) -> bool {
    let below = x.wrapping_sub(ONES * 0x20) & !x;
    let d = x ^ (ONES * 0x7f);
    let del = d.wrapping_sub(ONES) & !d;
    (below | del) & HIGHS != 0
}

/// The offset of the first byte at or after `pos` that cannot be in a field value
/// (CR, LF, NUL, other controls, DEL), or `buf.len()`.
///
/// Eight bytes a step while the word holds no control; HTAB (legal but a control)
/// drops to the byte loop for that word only.
#[inline]
pub(crate) fn scan_field(buf: &[u8], mut pos: usize) -> usize {
    loop {
        while let Some(word) = buf.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
            if has_ctl(u64::from_le_bytes(*word)) {
                break;
            }
            pos += 8;
        }
        let end = pos.saturating_add(8).min(buf.len());
        while pos < end {
            match buf.get(pos) {
                Some(&b) if FIELD[usize::from(b)] => pos += 1,
                _ => return pos,
            }
        }
        if pos >= buf.len() {
            return pos;
        }
    }
}

/// The offset of the first byte at or after `pos` not in `table`, or `buf.len()`.
#[inline(always)]
pub(crate) fn scan_table(buf: &[u8], mut pos: usize, table: &[bool; 256]) -> usize {
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
    fn scan_field_stops_at_the_first_control_other_than_tab() {
        assert_eq!(scan_field(b"abc\tdef ghi jkl mno\r\n", 0), 19);
        assert_eq!(scan_field(b"0123456789abcdef\x00", 0), 16);
        assert_eq!(scan_field(b"\xff\xfe\x80 x\x7fyy", 0), 5);
        assert_eq!(scan_field(b"abc", 0), 3);
        assert_eq!(scan_field(b"abc", 5), 5);
    }

    #[test]
    fn classes() {
        assert!(is_token(b"GET") && !is_token(b"") && !is_token(b"a b"));
        assert!(TARGET[usize::from(b'%')] && !TARGET[usize::from(b'#')]);
        assert!(!TARGET[usize::from(b'"')] && !TARGET[0x80]);
    }
}
