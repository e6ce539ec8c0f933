//! The sum's fast path: AVX2, 32 bytes a step, on x86-64 machines that have it.
//!
//! Why (and so the crate's only `unsafe`: the one call into code compiled for
//! AVX2, once the CPU is known to have it): the portable sum adds eight or sixteen
//! bytes an instruction through one carry chain per accumulator; here one
//! `vpmaddwd` adds sixteen 16-bit words pairwise into eight 32-bit lanes with no
//! carries to chain, and four accumulators take 128 bytes a round. The bench
//! beside smoltcp (benches/benches/checksum.rs) measured about twice the portable
//! sum's speed at 576 and 1500 bytes; benches/RESULTS.md has the figures. Short
//! inputs (a header) keep the inline scalar sum, which the call, the CPU check
//! and the vector set-up would only slow down.
//!
//! `vpmaddwd` reads its words as signed. Flipping each word's top bit first (an
//! exclusive or with 0x8000) maps a word `w` to the signed `w - 32768`, so a lane
//! holds the sum of its words less 32768 for each; the exact sum of the words is
//! the lanes' total plus 32768 times their number. A lane takes at most 65536 in
//! magnitude a step, and the accumulators are reduced to 64 bits long before
//! 2^31 could be reached.
//!
//! Every function below but `run` is safe: AVX2 intrinsics are safe to call inside
//! functions compiled with the feature, and vectors are built from byte arrays
//! (LLVM makes the two 16-byte reads one unaligned load). [`paths_agree`] and
//! [`copy_paths_agree`] state that the fast path answers as the portable one does;
//! the property tests and the `checksum_simd` fuzz target check them.

use super::{fold64, portable_copy_and_sum, portable_sum};

/// [`super::sum`]'s accumulation by the fast path: `initial` plus the sum of
/// `data`'s native-endian 16-bit words, with end-around carries, in 64 bits (to
/// be folded). `None`: the CPU has no AVX2; use the portable sum.
#[inline]
pub(super) fn sum(data: &[u8], initial: u64) -> Option<u64> {
    run(data, None, initial)
}

/// [`sum`] of `src`, which is copied into `dst`; `dst` and `src` have the same
/// length (the caller cut them). `None`, with nothing copied: no AVX2.
#[inline]
pub(super) fn copy_and_sum(dst: &mut [u8], src: &[u8], initial: u64) -> Option<u64> {
    run(src, Some(dst), initial)
}

#[inline]
fn run(src: &[u8], dst: Option<&mut [u8]>, initial: u64) -> Option<u64> {
    #[cfg(target_arch = "x86_64")]
    if crate::has_avx2() {
        #[allow(unsafe_code, reason = "the call into AVX2 code; see the module doc")]
        // SAFETY: `avx2::run` is compiled with `target_feature(enable = "avx2")`;
        // calling it is sound exactly when the CPU has AVX2, which `has_avx2`
        // checked (at run time with std, at compile time without). It has no other
        // precondition: it is a safe function over the values it is given.
        return Some(unsafe { avx2::run(src, dst, initial) });
    }
    let _ = (src, dst, initial);
    None
}

/// Whether the fast path takes inputs on this machine (the CPU has AVX2). For the
/// tests, which check that the property tests are not comparing the portable sum
/// with itself; not part of the API.
#[doc(hidden)]
pub fn available() -> bool {
    sum(&[], 0).is_some()
}

/// Whether the fast path, where it answers, sums `data` from the accumulator
/// `initial` to the same 16 bits as the portable sum. For the property test and
/// the `checksum_simd` fuzz target; not part of the API.
#[doc(hidden)]
pub fn paths_agree(data: &[u8], initial: u64) -> bool {
    match sum(data, initial) {
        Some(fast) => fold64(fast) == fold64(portable_sum(data, initial)),
        None => true,
    }
}

/// Whether the fast path, where it answers, copies `src` into `fast` as the
/// portable path copies it into `slow`, and sums it from `initial` to the same 16
/// bits. `fast` and `slow` should start equal; each takes the first
/// `min(src.len(), fast.len(), slow.len())` bytes of `src` and nothing past them. For the property test and the
/// `checksum_simd` fuzz target; not part of the API.
#[doc(hidden)]
pub fn copy_paths_agree(src: &[u8], fast: &mut [u8], slow: &mut [u8], initial: u64) -> bool {
    let n = src.len().min(fast.len()).min(slow.len());
    let (Some(src), Some(fast_dst), Some(slow_dst)) =
        (src.get(..n), fast.get_mut(..n), slow.get_mut(..n))
    else {
        return false;
    };
    let Some(fast_sum) = copy_and_sum(fast_dst, src, initial) else { return true };
    let slow_sum = portable_copy_and_sum(slow_dst, src, initial);
    fold64(fast_sum) == fold64(slow_sum) && fast == slow && fast.get(..n) == Some(src)
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use core::arch::x86_64::{
        __m256i, _mm256_add_epi32, _mm256_add_epi64, _mm256_castsi256_si128, _mm256_cvtepi32_epi64,
        _mm256_extract_epi64, _mm256_extracti128_si256, _mm256_madd_epi16, _mm256_set1_epi16,
        _mm256_set_epi64x, _mm256_setzero_si256, _mm256_xor_si256,
    };

    use crate::checksum::{add64, add_tail};

    /// Bytes a vector.
    const W: usize = 32;

    /// Bytes a round: one vector into each of four accumulators.
    const ROUND: usize = 4 * W;

    /// Bytes summed before the accumulators are reduced to 64 bits. Each lane of
    /// each accumulator takes one step of magnitude at most 2^16 per round (and
    /// the first up to three more at the end), so after a piece each is at most
    /// 4099 * 2^16 in magnitude and the four together below 2^30: no lane of
    /// their 32-bit sum overflows.
    const PIECE: usize = 4096 * ROUND;

    #[inline]
    #[target_feature(enable = "avx2")]
    fn vector(bytes: &[u8; W]) -> __m256i {
        // Two 16-byte halves, which LLVM makes one unaligned load.
        let (low, high) = bytes.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
        let low = u128::from_le_bytes(*low);
        let high = u128::from_le_bytes(high.first_chunk::<16>().copied().unwrap_or_default());
        let (a, b, c, d) = (low as i64, (low >> 64) as i64, high as i64, (high >> 64) as i64);
        _mm256_set_epi64x(d, c, b, a)
    }

    /// Adds the 32 bytes as sixteen words, each less 32768, pairwise into `acc`'s
    /// eight 32-bit lanes.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn step(acc: __m256i, bytes: &[u8; W]) -> __m256i {
        let flipped = _mm256_xor_si256(vector(bytes), _mm256_set1_epi16(i16::MIN));
        _mm256_add_epi32(acc, _mm256_madd_epi16(flipped, _mm256_set1_epi16(1)))
    }

    /// The exact sum of the words of `vectors` vectors from the accumulators of
    /// their steps: the lanes' total plus 32768 for each word.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn reduce(acc: [__m256i; 4], vectors: usize) -> u64 {
        let [a, b, c, d] = acc;
        let lanes = _mm256_add_epi32(_mm256_add_epi32(a, b), _mm256_add_epi32(c, d));
        let wide = _mm256_add_epi64(
            _mm256_cvtepi32_epi64(_mm256_castsi256_si128(lanes)),
            _mm256_cvtepi32_epi64(_mm256_extracti128_si256::<1>(lanes)),
        );
        let lanes = _mm256_extract_epi64::<0>(wide)
            + _mm256_extract_epi64::<1>(wide)
            + _mm256_extract_epi64::<2>(wide)
            + _mm256_extract_epi64::<3>(wide);
        // Each of the 16 words a vector counted 32768 less than its value, so
        // this total is the words' sum: not negative, and below 2^40 in a piece.
        (lanes + (vectors as i64) * 16 * 32768) as u64
    }

    /// Below this many bytes a copy is the plain copy (a call to `memcpy`) and then
    /// the sum of the source, still in L1; from here on, one pass that copies and
    /// sums each vector. Measured on this project's machines: at 1460 bytes the
    /// plain copy and sum took 14 ns and the one pass 16; at 2048 and 9000 bytes,
    /// 21 and 103 ns against 18 and 74.
    const FUSED_FROM: usize = 2048;

    /// `initial` plus the sum of `src` (see `super::sum`); with `dst`, `src` is
    /// copied into it too (the same length: the callers cut both).
    #[target_feature(enable = "avx2")]
    pub(super) fn run(src: &[u8], dst: Option<&mut [u8]>, initial: u64) -> u64 {
        match dst {
            Some(dst) if src.len() >= FUSED_FROM => src
                .chunks(PIECE)
                .zip(dst.chunks_mut(PIECE))
                .fold(initial, |total, (piece, to)| copy_piece(total, piece, to)),
            Some(dst) => {
                if let Some(dst) = dst.get_mut(..src.len()) {
                    dst.copy_from_slice(src);
                }
                sum_pieces(initial, src)
            }
            None => sum_pieces(initial, src),
        }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn sum_pieces(initial: u64, src: &[u8]) -> u64 {
        src.chunks(PIECE).fold(initial, |total, piece| sum_piece(total, piece))
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn sum_piece(total: u64, piece: &[u8]) -> u64 {
        let mut acc = [_mm256_setzero_si256(); 4];
        let mut rounds = piece.chunks_exact(ROUND);
        for round in &mut rounds {
            for (a, bytes) in acc.iter_mut().zip(round.chunks_exact(W)) {
                if let Some(bytes) = bytes.first_chunk::<W>() {
                    *a = step(*a, bytes);
                }
            }
        }
        let mut blocks = rounds.remainder().chunks_exact(W);
        for bytes in &mut blocks {
            if let Some(bytes) = bytes.first_chunk::<W>() {
                acc[0] = step(acc[0], bytes);
            }
        }
        let total = add64(total, reduce(acc, piece.len() / W));
        tail(total, piece, blocks.remainder().len())
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn copy_piece(total: u64, piece: &[u8], to: &mut [u8]) -> u64 {
        let mut acc = [_mm256_setzero_si256(); 4];
        let mut rounds = piece.chunks_exact(ROUND);
        let mut to_rounds = to.chunks_exact_mut(ROUND);
        for (round, to_round) in (&mut rounds).zip(&mut to_rounds) {
            for ((a, bytes), to) in
                acc.iter_mut().zip(round.chunks_exact(W)).zip(to_round.chunks_exact_mut(W))
            {
                if let (Some(bytes), Some(to)) =
                    (bytes.first_chunk::<W>(), to.first_chunk_mut::<W>())
                {
                    *to = *bytes;
                    *a = step(*a, bytes);
                }
            }
        }
        let mut blocks = rounds.remainder().chunks_exact(W);
        let mut to_blocks = to_rounds.into_remainder().chunks_exact_mut(W);
        for (bytes, to) in (&mut blocks).zip(&mut to_blocks) {
            if let (Some(bytes), Some(to)) = (bytes.first_chunk::<W>(), to.first_chunk_mut::<W>()) {
                *to = *bytes;
                acc[0] = step(acc[0], bytes);
            }
        }
        let rest = blocks.remainder().len();
        // The last 32 bytes as one fixed-size copy (its start copied again, the
        // same bytes), not a call to copy a length known only now.
        match (piece.last_chunk::<W>(), to.last_chunk_mut::<W>()) {
            (Some(last), Some(to)) => *to = *last,
            _ => {
                if let (Some(from), Some(to)) =
                    (piece.get(piece.len() - rest..), to.get_mut(piece.len() - rest..))
                {
                    to.copy_from_slice(from);
                }
            }
        }
        let total = add64(total, reduce(acc, piece.len() / W));
        tail(total, piece, rest)
    }

    /// Adds the last `rest` bytes of `piece` (fewer than 32, starting at an even
    /// offset) to `total`, zero-padded to whole words: `add_tail`, but with the
    /// last partial word read as the top bytes of the piece's last eight (this is
    /// x86-64: little-endian), not copied by a call into a zeroed word.
    #[inline(always)]
    fn tail(mut total: u64, piece: &[u8], rest: usize) -> u64 {
        let Some(bytes) = piece.get(piece.len() - rest..) else { return total };
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            if let Some(w) = w.first_chunk::<8>() {
                total = add64(total, u64::from_le_bytes(*w));
            }
        }
        let part = words.remainder().len();
        match piece.last_chunk::<8>() {
            Some(last) if part > 0 => add64(total, u64::from_le_bytes(*last) >> (64 - 8 * part)),
            _ => add_tail(total, words.remainder()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    extern crate std;
    use std::vec::Vec;

    /// The property tests below compare the AVX2 path with the portable one only
    /// where the CPU has AVX2; this says whether they did here.
    #[test]
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    fn the_fast_path_is_taken_where_the_cpu_has_avx2() {
        assert_eq!(available(), std::is_x86_feature_detected!("avx2"));
    }

    /// Words of all ones add the most to a lane a step (flipped, 0x7fff), words of
    /// zero the least (flipped, -0x8000): inputs of either past several pieces
    /// would overflow a 32-bit lane if the accumulators were not reduced in time.
    #[test]
    fn extreme_words_past_several_pieces_agree() {
        let len = 3 * (1 << 19) + 45;
        for byte in [0x00, 0xff, 0x80, 0x7f] {
            let data = std::vec![byte; len];
            for initial in [0, 1, 0xffff, u64::MAX - 1, u64::MAX] {
                assert!(paths_agree(&data, initial), "{byte:#x} from {initial:#x}");
                let (mut fast, mut slow) = (std::vec![0u8; len], std::vec![0u8; len]);
                assert!(copy_paths_agree(&data, &mut fast, &mut slow, initial), "{byte:#x}");
            }
        }
    }

    /// Every tail length after whole vectors, at each alignment of the start, and
    /// both copy strategies (the plain copy below 2048 bytes, the fused one above).
    #[test]
    fn every_tail_and_alignment_agrees() {
        let buf: Vec<u8> =
            (0..4200u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        for start in 0..8 {
            for len in (0..80).chain(2000..2100) {
                let data = &buf[start..start + len];
                assert!(paths_agree(data, 0x1234_5678), "{start} {len}");
                let (mut fast, mut slow) = (std::vec![7u8; len + 3], std::vec![7u8; len + 3]);
                assert!(copy_paths_agree(data, &mut fast, &mut slow, 0), "{start} {len}");
            }
        }
    }

    #[test]
    fn a_copy_that_went_wrong_is_caught() {
        // The check itself: a destination that does not start as the other does
        // cannot agree.
        let data = [1u8; 300];
        let (mut fast, mut slow) = ([0u8; 301], [0u8; 301]);
        slow[300] = 1;
        assert!(!copy_paths_agree(&data, &mut fast, &mut slow, 0) || !available());
    }

    proptest! {
        #[test]
        fn sum_agrees_with_the_portable_sum(
            buf in proptest::collection::vec(any::<u8>(), 0..4160),
            start in 0usize..64,
            len in 0usize..4096,
            initial in any::<u64>(),
        ) {
            let start = start.min(buf.len());
            let data = &buf[start..buf.len().min(start + len)];
            prop_assert!(paths_agree(data, initial));
        }

        #[test]
        fn copy_and_sum_agrees_with_the_portable_copy(
            buf in proptest::collection::vec(any::<u8>(), 0..4160),
            start in 0usize..64,
            len in 0usize..4096,
            dst_start in 0usize..64,
            dst_len in 0usize..4200,
            initial in any::<u64>(),
        ) {
            let start = start.min(buf.len());
            let src = &buf[start..buf.len().min(start + len)];
            let mut fast = std::vec![0x5au8; dst_start + dst_len];
            let mut slow = fast.clone();
            prop_assert!(copy_paths_agree(
                src,
                &mut fast[dst_start..],
                &mut slow[dst_start..],
                initial,
            ));
        }
    }
}
