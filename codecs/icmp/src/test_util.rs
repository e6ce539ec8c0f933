//! Helpers for the unit tests.

extern crate std;
use std::vec::Vec;

/// Decodes a hex string (no separators).
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}
