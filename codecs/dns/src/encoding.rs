//! Binary-to-text encodings of the presentation format: hex (RFC 4648 §8, upper
//! case as dig prints it), base64 (RFC 4648 §4), base32hex without padding
//! (RFC 4648 §7, RFC 5155 §3.3), and RRSIG times (RFC 4034 §3.2).

use core::fmt;

const HEX: &[u8; 16] = b"0123456789ABCDEF";
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32HEX: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";

/// dig breaks long hex and base64 fields into words of this many characters.
pub(crate) const WORD: usize = 56;

/// Writes `data` as upper-case hex, a space every [`WORD`] characters.
pub(crate) fn write_hex(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    for (i, chunk) in data.chunks(WORD / 2).enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        let mut word = [0u8; WORD];
        for (pair, b) in word.chunks_exact_mut(2).zip(chunk) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 0xf)];
        }
        f.write_str(core::str::from_utf8(&word[..chunk.len() * 2]).map_err(|_| fmt::Error)?)?;
    }
    Ok(())
}

/// Writes `data` as hex without breaks (salts, ECS addresses).
pub(crate) fn write_hex_word(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    for b in data {
        write!(f, "{b:02X}")?;
    }
    Ok(())
}

/// Writes `data` as padded base64, a space every [`WORD`] characters.
pub(crate) fn write_base64(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    // WORD is a multiple of 4, so words hold whole 3-octet groups.
    for (i, chunk) in data.chunks(WORD / 4 * 3).enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        let mut word = [0u8; WORD];
        let mut n = 0;
        for group in chunk.chunks(3) {
            let b = [group[0], *group.get(1).unwrap_or(&0), *group.get(2).unwrap_or(&0)];
            let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for k in 0..4 {
                word[n + k] =
                    if k <= group.len() { B64[((v >> (18 - 6 * k)) & 63) as usize] } else { b'=' };
            }
            n += 4;
        }
        f.write_str(core::str::from_utf8(&word[..n]).map_err(|_| fmt::Error)?)?;
    }
    Ok(())
}

/// Writes `data` as base32hex without padding (RFC 5155 §3.3).
pub(crate) fn write_base32hex(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    let mut acc = 0u32;
    let mut bits = 0;
    for &b in data {
        acc = acc << 8 | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            write!(f, "{}", char::from(B32HEX[((acc >> bits) & 31) as usize]))?;
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        write!(f, "{}", char::from(B32HEX[((acc << (5 - bits)) & 31) as usize]))?;
    }
    Ok(())
}

/// Writes a character-string in double quotes, escaping `"` and `\` with a
/// backslash and octets outside 0x20..=0x7e as `\DDD` (RFC 1035 §5.1), as dig does.
pub(crate) fn write_quoted(f: &mut fmt::Formatter<'_>, s: &[u8]) -> fmt::Result {
    f.write_str("\"")?;
    for &b in s {
        match b {
            b'"' | b'\\' => write!(f, "\\{}", char::from(b))?,
            0x20..=0x7e => write!(f, "{}", char::from(b))?,
            _ => write!(f, "\\{b:03}")?,
        }
    }
    f.write_str("\"")
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// (year, month, day) to days since 1970-01-01.
#[cfg(feature = "alloc")]
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Writes an RRSIG time as `YYYYMMDDHHmmSS` (RFC 4034 §3.2), reading the 32-bit
/// value as seconds since 1970 (dig's reading before 2106).
pub(crate) fn write_time(f: &mut fmt::Formatter<'_>, t: u32) -> fmt::Result {
    let t = i64::from(t);
    let (y, mo, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    write!(f, "{y:04}{mo:02}{d:02}{:02}{:02}{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Decoders for the text side (behind `alloc`).
#[cfg(feature = "alloc")]
pub(crate) mod decode {
    use alloc::vec::Vec;

    fn hex_digit(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }

    /// Hex digits (either case), whitespace already removed.
    pub(crate) fn hex(s: &str, out: &mut Vec<u8>) -> Option<()> {
        let s = s.as_bytes();
        if !s.len().is_multiple_of(2) {
            return None;
        }
        for pair in s.chunks_exact(2) {
            out.push(hex_digit(pair[0])? << 4 | hex_digit(pair[1])?);
        }
        Some(())
    }

    /// Padded base64.
    pub(crate) fn base64(s: &str, out: &mut Vec<u8>) -> Option<()> {
        let s = s.as_bytes();
        if !s.len().is_multiple_of(4) {
            return None;
        }
        for (i, group) in s.chunks_exact(4).enumerate() {
            let last = i + 1 == s.len() / 4;
            let mut v = 0u32;
            let mut pad = 0;
            for &c in group {
                let d = match c {
                    b'A'..=b'Z' => c - b'A',
                    b'a'..=b'z' => c - b'a' + 26,
                    b'0'..=b'9' => c - b'0' + 52,
                    b'+' => 62,
                    b'/' => 63,
                    b'=' if last => {
                        pad += 1;
                        0
                    }
                    _ => return None,
                };
                if pad > 0 && c != b'=' {
                    return None;
                }
                v = v << 6 | u32::from(d);
            }
            let bytes = v.to_be_bytes();
            out.extend_from_slice(bytes.get(1..4 - pad.min(2))?);
        }
        Some(())
    }

    /// Unpadded base32hex (either case).
    pub(crate) fn base32hex(s: &str, out: &mut Vec<u8>) -> Option<()> {
        let mut acc = 0u32;
        let mut bits = 0;
        for c in s.bytes() {
            let d = (c as char).to_digit(32)?;
            acc = acc << 5 | d;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        // Leftover bits must be zero padding.
        (acc == 0).then_some(())
    }

    /// `YYYYMMDDHHmmSS`, or a plain number of seconds (RFC 4034 §3.2).
    pub(crate) fn time(s: &str) -> Option<u32> {
        if s.len() != 14 {
            return s.parse().ok();
        }
        let n = |r: core::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
        let (y, mo, d) = (n(0..4)?, n(4..6)?, n(6..8)?);
        let (h, mi, sec) = (n(8..10)?, n(10..12)?, n(12..14)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
            return None;
        }
        let days = super::days_from_civil(i64::from(y), mo, d);
        let t = days * 86_400 + i64::from(h * 3600 + mi * 60 + sec);
        // Serial arithmetic (RFC 4034 §3.1.5): keep the low 32 bits.
        Some(t as u32)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::format;

    struct Show<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result>(F);
    impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Show<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            (self.0)(f)
        }
    }

    #[test]
    fn rfc4648_test_vectors() {
        let cases =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")];
        for (plain, b64) in cases {
            assert_eq!(format!("{}", Show(|f| write_base64(f, plain.as_bytes()))), b64);
        }
        let cases = [("f", "CO"), ("fo", "CPNG"), ("foobar", "CPNMUOJ1E8")];
        for (plain, b32) in cases {
            assert_eq!(format!("{}", Show(|f| write_base32hex(f, plain.as_bytes()))), b32);
        }
        assert_eq!(format!("{}", Show(|f| write_hex(f, &[0x0a, 0xff]))), "0AFF");
    }

    #[test]
    fn times_are_utc_calendar_dates() {
        // RFC 4034 §3.3's example: 20030322173103.
        assert_eq!(format!("{}", Show(|f| write_time(f, 1_048_354_263))), "20030322173103");
        assert_eq!(format!("{}", Show(|f| write_time(f, 0))), "19700101000000");
        #[cfg(feature = "alloc")]
        assert_eq!(decode::time("20030322173103"), Some(1_048_354_263));
    }
}
