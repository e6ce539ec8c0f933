#![no_main]
//! Raw bytes into the chunked decoder, whole and fed in fuzzer-chosen pieces (keeping
//! unconsumed bytes, as a reader does): never panics, always progresses, and every
//! feeding decodes the same body as the whole.

use libfuzzer_sys::fuzz_target;
use wirestate_http1::{Chunk, ChunkedDecoder, ParserConfig};

/// Decodes `data` offered in pieces of `step` bytes; `None` on error or if it never ends.
fn decode(data: &[u8], step: usize, cfg: &ParserConfig) -> Option<(Vec<u8>, Vec<u8>, usize)> {
    let mut dec = ChunkedDecoder::new(cfg);
    let (mut at, mut avail, mut out) = (0, step.min(data.len()), Vec::new());
    // Each round consumes bytes or offers more, so this bound is never reached.
    for _ in 0..4 * data.len() + 8 {
        let (n, chunk) = dec.decode(&data[at..avail]).ok()?;
        at += n;
        match chunk {
            Chunk::Data(d) => out.extend_from_slice(d),
            Chunk::End { trailers } => return Some((out, trailers.to_vec(), at)),
            Chunk::Partial if avail == data.len() => return None,
            Chunk::Partial => avail = (avail + step).min(data.len()),
        }
    }
    panic!("no progress");
}

fuzz_target!(|input: (bool, u8, &[u8])| {
    let (bare_lf, step, data) = input;
    let cfg = ParserConfig { allow_bare_lf: bare_lf, ..ParserConfig::default() };
    let whole = decode(data, data.len(), &cfg);
    let pieces = decode(data, usize::from(step).max(1), &cfg);
    if let (Some(w), Some(p)) = (&whole, &pieces) {
        assert_eq!(w, p);
    }
    assert_eq!(whole.is_some(), pieces.is_some());
});
