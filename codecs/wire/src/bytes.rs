//! Big-endian reads and writes at fixed offsets, and the length check views start with.
//!
//! The `read_*` / `write_*` helpers index their slice directly: they are called only
//! after a view's checked constructor has proved the offsets in bounds, and would
//! panic otherwise. [`need`] is that proof's building block.

use crate::{Error, Result};

/// Checks that `buf` holds `len` bytes starting at `offset`, or says which `field`
/// does not fit.
///
/// ```
/// use wirestate_wire::bytes::need;
/// assert!(need(&[0u8; 8], 0, 8, "header").is_ok());
/// let err = need(&[0u8; 8], 4, 6, "options").unwrap_err();
/// assert_eq!(err.to_string(), "options at offset 4: need 10 bytes, have 8");
/// ```
#[inline]
pub fn need(buf: &[u8], offset: usize, len: usize, field: &'static str) -> Result<()> {
    let end = offset.saturating_add(len);
    if end <= buf.len() {
        Ok(())
    } else {
        Err(Error::truncated(field, offset, end, buf.len()))
    }
}

/// Reads a big-endian `u16` at `at`. Panics if out of bounds (callers check first).
#[inline(always)]
pub fn read_u16(buf: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([buf[at], buf[at + 1]])
}

/// Reads a big-endian `u32` at `at`. Panics if out of bounds (callers check first).
#[inline(always)]
pub fn read_u32(buf: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

/// Copies `N` bytes starting at `at`. Panics if out of bounds (callers check first).
#[inline(always)]
pub fn read_array<const N: usize>(buf: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&buf[at..at + N]);
    out
}

/// Writes a big-endian `u16` at `at`. Panics if out of bounds (callers check first).
#[inline(always)]
pub fn write_u16(buf: &mut [u8], at: usize, value: u16) {
    buf[at..at + 2].copy_from_slice(&value.to_be_bytes());
}

/// Writes a big-endian `u32` at `at`. Panics if out of bounds (callers check first).
#[inline(always)]
pub fn write_u32(buf: &mut [u8], at: usize, value: u32) {
    buf[at..at + 4].copy_from_slice(&value.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_are_big_endian() {
        let mut b = [0u8; 8];
        write_u16(&mut b, 1, 0x1234);
        write_u32(&mut b, 3, 0xdead_beef);
        assert_eq!(b, [0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0]);
        assert_eq!(read_u16(&b, 1), 0x1234);
        assert_eq!(read_u32(&b, 3), 0xdead_beef);
        assert_eq!(read_array::<2>(&b, 6), [0xef, 0]);
    }

    #[test]
    fn need_reports_end_and_length() {
        assert!(need(&[], 0, 0, "f").is_ok());
        assert_eq!(
            need(&[1, 2], 1, 2, "f"),
            Err(Error::Truncated { field: "f", offset: 1, need: 3, have: 2 })
        );
        // An absurd length does not overflow.
        assert!(need(&[1], usize::MAX, 2, "f").is_err());
    }
}
