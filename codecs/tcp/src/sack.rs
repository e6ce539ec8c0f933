//! SACK blocks (RFC 2018 §3): a borrowed wire view and an owned list for reprs.

use core::fmt;

use wirestate_wire::bytes::{read_u32, write_u32};

use crate::SeqNumber;

/// The most blocks one SACK option can carry: 2 + 8·4 = 34 of the 40 option octets
/// (RFC 2018 §3).
pub const MAX_SACK_BLOCKS: usize = 4;

/// Octets per SACK block: two 32-bit sequence numbers.
const BLOCK_LEN: usize = 8;

/// The blocks of one SACK option, read in place: 1 to 4 pairs
/// `(left edge, right edge)`, the right edge being the first sequence number after
/// the block (RFC 2018 §3).
///
/// ```
/// use wirestate_tcp::{SackBlocks, SeqNumber};
/// let wire = [0, 0, 0, 10, 0, 0, 0, 20];
/// let blocks = SackBlocks::new(&wire).unwrap();
/// assert_eq!(blocks.len(), 1);
/// assert_eq!(blocks.iter().next(), Some((SeqNumber(10), SeqNumber(20))));
/// assert!(SackBlocks::new(&wire[..7]).is_none()); // not a whole block
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SackBlocks<'a> {
    data: &'a [u8],
}

impl<'a> SackBlocks<'a> {
    /// Views `data` as SACK blocks, or `None` unless it is 1 to 4 whole blocks.
    pub fn new(data: &'a [u8]) -> Option<Self> {
        let whole = data.len().is_multiple_of(BLOCK_LEN);
        let count = data.len() / BLOCK_LEN;
        (whole && (1..=MAX_SACK_BLOCKS).contains(&count)).then_some(SackBlocks { data })
    }

    /// The number of blocks (1 to 4).
    #[inline]
    pub fn len(&self) -> usize {
        self.data.len() / BLOCK_LEN
    }

    /// Always false for a value built by [`SackBlocks::new`]; here for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The blocks as `(left edge, right edge)` in wire order.
    pub fn iter(&self) -> impl Iterator<Item = (SeqNumber, SeqNumber)> + 'a {
        self.data
            .chunks_exact(BLOCK_LEN)
            .map(|b| (SeqNumber(read_u32(b, 0)), SeqNumber(read_u32(b, 4))))
    }

    /// The blocks' octets as on the wire.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.data
    }
}

impl fmt::Debug for SackBlocks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|(l, r)| l.0..r.0)).finish()
    }
}

/// Up to four SACK blocks as values, the form [`Repr`](crate::Repr) carries.
///
/// Kept in order; equality compares the blocks present only. Pushing a fifth block
/// fails, since no SACK option can hold it (RFC 2018 §3).
///
/// ```
/// use wirestate_tcp::{SackRanges, SeqNumber};
/// let mut r = SackRanges::new();
/// for i in 0..4 {
///     assert!(r.push(SeqNumber(i * 100), SeqNumber(i * 100 + 50)));
/// }
/// assert!(!r.push(SeqNumber(900), SeqNumber(950))); // full
/// assert_eq!(r.len(), 4);
/// assert_eq!(r.as_slice()[1], (SeqNumber(100), SeqNumber(150)));
/// ```
#[derive(Clone, Copy, Default)]
pub struct SackRanges {
    blocks: [(SeqNumber, SeqNumber); MAX_SACK_BLOCKS],
    len: usize,
}

impl SackRanges {
    /// No blocks.
    pub const fn new() -> Self {
        SackRanges { blocks: [(SeqNumber(0), SeqNumber(0)); MAX_SACK_BLOCKS], len: 0 }
    }

    /// The first (at most four) blocks of `blocks`.
    pub fn from_slice(blocks: &[(SeqNumber, SeqNumber)]) -> Self {
        let mut out = Self::new();
        for &(l, r) in blocks.iter().take(MAX_SACK_BLOCKS) {
            out.push(l, r);
        }
        out
    }

    /// Appends a block; false (and no change) when four are already held.
    pub fn push(&mut self, left: SeqNumber, right: SeqNumber) -> bool {
        match self.blocks.get_mut(self.len) {
            Some(slot) => {
                *slot = (left, right);
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Keeps the first `len` blocks (no change if there are fewer).
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// The number of blocks (0 to 4).
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// No blocks.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The blocks in order.
    pub fn as_slice(&self) -> &[(SeqNumber, SeqNumber)] {
        self.blocks.get(..self.len).unwrap_or(&[])
    }

    /// The blocks in order.
    pub fn iter(&self) -> impl Iterator<Item = (SeqNumber, SeqNumber)> + '_ {
        self.as_slice().iter().copied()
    }

    /// Writes the blocks as 8·len octets into `buf` and returns that length.
    ///
    /// # Panics
    /// If `buf` is shorter than 8·[`len`](Self::len) (the caller sizes it).
    pub(crate) fn emit(&self, buf: &mut [u8]) -> usize {
        for (i, (l, r)) in self.iter().enumerate() {
            write_u32(buf, i * BLOCK_LEN, l.0);
            write_u32(buf, i * BLOCK_LEN + 4, r.0);
        }
        self.len * BLOCK_LEN
    }
}

impl<'a> From<SackBlocks<'a>> for SackRanges {
    fn from(b: SackBlocks<'a>) -> Self {
        let mut out = SackRanges::new();
        for (l, r) in b.iter() {
            out.push(l, r);
        }
        out
    }
}

impl PartialEq for SackRanges {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for SackRanges {}

impl fmt::Debug for SackRanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|(l, r)| l.0..r.0)).finish()
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for SackRanges {
    /// 0 to 4 blocks; by hand because the unused slots must not carry values.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=MAX_SACK_BLOCKS)?;
        let mut out = SackRanges::new();
        for _ in 0..n {
            out.push(u.arbitrary()?, u.arbitrary()?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;
    use std::vec::Vec;

    #[test]
    fn blocks_need_one_to_four_whole_pairs() {
        assert!(SackBlocks::new(&[]).is_none());
        assert!(SackBlocks::new(&[0; 9]).is_none());
        assert!(SackBlocks::new(&[0; 40]).is_none());
        let b = SackBlocks::new(&[0; 32]).unwrap();
        assert_eq!((b.len(), b.is_empty(), b.as_bytes().len()), (4, false, 32));
    }

    #[test]
    fn blocks_read_big_endian_pairs_in_order() {
        let wire = [0x16, 0x67, 0xb6, 0x70, 0x16, 0x67, 0xb6, 0xa2, 0, 0, 0, 1, 0, 0, 0, 2];
        let b = SackBlocks::new(&wire).unwrap();
        let got: Vec<_> = b.iter().collect();
        assert_eq!(
            got,
            [(SeqNumber(0x1667_b670), SeqNumber(0x1667_b6a2)), (SeqNumber(1), SeqNumber(2))]
        );
        assert_eq!(format!("{b:?}"), "[375895664..375895714, 1..2]");
        let r = SackRanges::from(b);
        assert_eq!(r.as_slice(), &got[..]);
        let mut out = [0u8; 16];
        assert_eq!(r.emit(&mut out), 16);
        assert_eq!(out, wire);
    }

    #[test]
    fn ranges_compare_only_the_blocks_held() {
        let mut a = SackRanges::from_slice(&[(SeqNumber(1), SeqNumber(2)); 6]);
        assert_eq!(a.len(), 4);
        a.truncate(1);
        let b = SackRanges::from_slice(&[(SeqNumber(1), SeqNumber(2))]);
        assert_eq!(a, b);
        a.truncate(0);
        assert!(a.is_empty());
        assert_eq!(a, SackRanges::new());
        assert_eq!(format!("{b:?}"), "[1..2]");
    }
}
