#![no_main]
//! The AVX2 checksum against the portable one: for any bytes, at any alignment,
//! from any starting accumulator, the sum and the copy-and-sum of the fast path
//! are the portable path's, and the copy writes the same bytes and nothing past
//! them. This is the target that covers wirestate-wire's `unsafe` (its one call
//! into AVX2 code).

use libfuzzer_sys::fuzz_target;
use wirestate_wire::checksum::simd::{copy_paths_agree, paths_agree};

fuzz_target!(|input: (u64, u8, u16, &[u8])| {
    let (initial, skew, spare, data) = input;
    // The start of the bytes moves through every alignment of a vector.
    let data = data.get(usize::from(skew % 32)..).unwrap_or(&[]);
    assert!(paths_agree(data, initial));
    // A destination at its own alignment, longer or shorter than the source.
    let len = usize::from(spare % 4096);
    let at = usize::from(skew / 32);
    let mut fast = vec![0xa5u8; at + len];
    let mut slow = fast.clone();
    assert!(copy_paths_agree(data, &mut fast[at..], &mut slow[at..], initial));
});
