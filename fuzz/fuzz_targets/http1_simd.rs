#![no_main]
//! The AVX2 head parser against the scalar one: wherever the fast path answers, for a
//! request or a response, its answer is the scalar parser's. This is the target that
//! covers the crate's `unsafe` (its two calls into AVX2 code).

use libfuzzer_sys::fuzz_target;
use wirestate_http1::ParserConfig;

fuzz_target!(|input: (ParserConfig, &[u8])| {
    let (mut cfg, data) = input;
    cfg.max_head_len = cfg.max_head_len.min(1 << 16);
    assert!(wirestate_http1::simd::paths_agree(data, &cfg));
    assert!(wirestate_http1::simd::paths_agree(data, &ParserConfig::default()));
});
