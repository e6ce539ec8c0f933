//! The head parser's fast path: AVX2, 32 bytes a step, on x86-64 machines that have it.
//!
//! It reads the common head (a request-line or status-line, then `token ":" OWS value
//! CRLF` lines, then CRLF) and gives up on anything else: a byte outside its grammar,
//! a leniency, a limit reached, the bytes running out. Giving up is `None`, and the
//! scalar parser in [`crate::scan`] then parses the same bytes from the start and
//! names the error or asks for more. So the fast path only ever returns what the
//! scalar parser would: [`paths_agree`] states that, and the property test and the
//! `http1_simd` fuzz target check it.
//!
//! Why SIMD (and so the crate's one `unsafe` block, the call into code compiled for
//! AVX2 once the CPU is known to have it): the head parser spends its time classifying
//! bytes, a field value for control bytes and a name or target for its character
//! class. In the scalar parser that is eight bytes a step for values (SWAR) and one
//! table load a byte for names; here every class test is a few vector operations per
//! 32 bytes, the class of a name or target from two nibble lookups (`vpshufb`). The
//! bench beside httparse (benches/benches/http1.rs, which itself uses AVX2) shows the
//! gain; benches/RESULTS.md has the figures.
//!
//! Every function below but [`request`] / [`response`] is safe: AVX2 intrinsics are
//! safe to call inside functions compiled with the feature, and vectors are built
//! from byte arrays (LLVM makes the four 8-byte reads one unaligned load).

use crate::scan::{RequestLine, StatusLine};
use crate::{Header, ParserConfig};

/// Request-line and fields by the fast path: the line, the number of fields written
/// into `headers`, and the head's length. `None`: use the scalar parser.
#[inline]
pub(crate) fn request<'b>(
    buf: &'b [u8],
    headers: &mut [Header<'b>],
    cfg: &ParserConfig,
) -> Option<(RequestLine<'b>, usize, usize)> {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        #[allow(unsafe_code, reason = "the call into AVX2 code; see the module doc")]
        // SAFETY: `avx2::request` is compiled with `target_feature(enable = "avx2")`;
        // calling it is sound exactly when the CPU has AVX2, which `has_avx2` checked
        // (at run time with std, at compile time without). It has no other
        // precondition: it is a safe function over the slices it is given.
        return unsafe { avx2::request(buf, headers, cfg) };
    }
    let _ = (buf, headers, cfg);
    None
}

/// [`request`] for a status-line and fields.
#[inline]
pub(crate) fn response<'b>(
    buf: &'b [u8],
    headers: &mut [Header<'b>],
    cfg: &ParserConfig,
) -> Option<(StatusLine<'b>, usize, usize)> {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        #[allow(unsafe_code, reason = "the call into AVX2 code; see the module doc")]
        // SAFETY: as in `request`: AVX2 is present, checked by `has_avx2`.
        return unsafe { avx2::response(buf, headers, cfg) };
    }
    let _ = (buf, headers, cfg);
    None
}

/// Whether this CPU runs AVX2 code. With std the answer is cached by
/// `is_x86_feature_detected!` (one load after the first call).
#[cfg(all(target_arch = "x86_64", feature = "std"))]
#[inline]
fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2")
}

#[cfg(all(target_arch = "x86_64", not(feature = "std")))]
#[inline]
fn has_avx2() -> bool {
    cfg!(target_feature = "avx2")
}

/// Whether the fast path, where it answers, answers as the scalar parser does, for a
/// request and for a response over `buf`. For the property test and the
/// `http1_simd` fuzz target; not part of the API.
#[doc(hidden)]
pub fn paths_agree(buf: &[u8], cfg: &ParserConfig) -> bool {
    use crate::scan::{fields, request_line, status_line, Slots};
    use crate::EMPTY_HEADER;
    let window = buf.get(..cfg.max_head_len).unwrap_or(buf);
    let (mut fast_h, mut slow_h) = ([EMPTY_HEADER; 16], [EMPTY_HEADER; 16]);
    let request_ok = match request(window, &mut fast_h, cfg) {
        None => true,
        Some((line, count, end)) => {
            let mut slots = Slots { headers: &mut slow_h, count: 0, limit: cfg.max_headers };
            match request_line(window, cfg).and_then(|l| Ok((fields(window, l.end, &mut slots, cfg)?, l))) {
                Ok((slow_end, slow_line)) => {
                    (slow_line.method, slow_line.target, slow_line.version, slow_end, slots.count)
                        == (line.method, line.target, line.version, end, count)
                        && fast_h.get(..count) == slow_h.get(..count)
                }
                Err(_) => false,
            }
        }
    };
    let (mut fast_h, mut slow_h) = ([EMPTY_HEADER; 16], [EMPTY_HEADER; 16]);
    let response_ok = match response(window, &mut fast_h, cfg) {
        None => true,
        Some((line, count, end)) => {
            let mut slots = Slots { headers: &mut slow_h, count: 0, limit: cfg.max_headers };
            match status_line(window, cfg).and_then(|l| Ok((fields(window, l.end, &mut slots, cfg)?, l))) {
                Ok((slow_end, slow_line)) => {
                    (slow_line.version, slow_line.code, slow_line.reason, slow_end, slots.count)
                        == (line.version, line.code, line.reason, end, count)
                        && fast_h.get(..count) == slow_h.get(..count)
                }
                Err(_) => false,
            }
        }
    };
    request_ok && response_ok
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use core::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_min_epu8, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8, _mm256_set_epi64x, _mm256_setzero_si256,
        _mm256_shuffle_epi8, _mm256_srli_epi16,
    };

    use crate::scan::{ascii, method_str, status_line, RequestLine, StatusLine};
    use crate::table::{scan_field, scan_table, TARGET, TCHAR};
    use crate::{Header, ParserConfig, Version};

    /// Bytes a step.
    const W: usize = 32;

    /// A byte class as two `vpshufb` tables: a byte `b` below 0x80 is in the class iff
    /// `LOW[b & 15] & HIGH[b >> 4] != 0`, where `HIGH[h] = 1 << h` for h < 8 and 0
    /// above (so no byte from 0x80 up is in it), and bit h of `LOW[l]` says whether
    /// byte `h * 16 + l` is. Each table is repeated in both 128-bit lanes, as
    /// `vpshufb` looks up within a lane.
    struct Nibbles {
        low: [u8; W],
        high: [u8; W],
    }

    const fn nibbles(class: &[bool; 256]) -> Nibbles {
        let mut n = Nibbles { low: [0; W], high: [0; W] };
        let mut b = 0;
        while b < 0x80 {
            if class[b] {
                n.low[b & 15] |= 1 << (b >> 4);
                n.low[16 + (b & 15)] |= 1 << (b >> 4);
            }
            b += 1;
        }
        let mut h = 0;
        while h < 8 {
            n.high[h] = 1 << h;
            n.high[16 + h] = 1 << h;
            h += 1;
        }
        n
    }

    static TCHAR_NIBBLES: Nibbles = nibbles(&TCHAR);
    static TARGET_NIBBLES: Nibbles = nibbles(&TARGET);

    #[inline]
    #[target_feature(enable = "avx2")]
    fn vector(bytes: &[u8; W]) -> __m256i {
        // Two 16-byte halves: LLVM makes this one unaligned load (four 8-byte words
        // became a load, a permute and two blends).
        let (low, high) = bytes.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
        let low = u128::from_le_bytes(*low);
        let high = u128::from_le_bytes(high.first_chunk::<16>().copied().unwrap_or_default());
        let (a, b, c, d) = (low as i64, (low >> 64) as i64, high as i64, (high >> 64) as i64);
        _mm256_set_epi64x(d, c, b, a)
    }

    /// Mask of the bytes below 0x20 and DEL: what ends or breaks a field value
    /// (HTAB among them; the caller steps over it). The scalar tail, `scan_field`,
    /// steps over HTAB itself.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn controls(v: __m256i) -> u32 {
        let low = _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v);
        let del = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f));
        _mm256_movemask_epi8(_mm256_or_si256(low, del)) as u32
    }

    /// Mask of the bytes outside `class`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn outside(v: __m256i, class: &Nibbles) -> u32 {
        let fifteen = _mm256_set1_epi8(0x0f);
        let low = _mm256_and_si256(v, fifteen);
        let high = _mm256_and_si256(_mm256_srli_epi16::<4>(v), fifteen);
        let hit = _mm256_and_si256(
            _mm256_shuffle_epi8(vector(&class.low), low),
            _mm256_shuffle_epi8(vector(&class.high), high),
        );
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(hit, _mm256_setzero_si256())) as u32
    }

    /// The offset of the first byte at or after `$pos` whose bit is set in `$mask`
    /// (a mask of the vector `$v` of the 32 bytes from there), or, once fewer than 32
    /// bytes are left, what the scalar `$tail(buf, pos)` says. A macro rather than a
    /// function so that each use is compiled in place: a `target_feature` function
    /// cannot be `inline(always)`, and LLVM kept this one out of line, a call for
    /// every name and value.
    macro_rules! scan {
        ($buf:expr, $pos:expr, |$v:ident| $mask:expr, $tail:expr) => {{
            let buf: &[u8] = $buf;
            let mut pos: usize = $pos;
            loop {
                match buf.get(pos..).and_then(<[u8]>::first_chunk::<W>) {
                    Some(bytes) => {
                        let $v = vector(bytes);
                        let mask: u32 = $mask;
                        if mask != 0 {
                            break pos + mask.trailing_zeros() as usize;
                        }
                        pos += W;
                    }
                    None => break $tail(buf, pos),
                }
            }
        }};
    }

    fn tchar_tail(buf: &[u8], pos: usize) -> usize {
        scan_table(buf, pos, &TCHAR)
    }

    fn target_tail(buf: &[u8], pos: usize) -> usize {
        scan_table(buf, pos, &TARGET)
    }

    /// `token SP target SP HTTP-version CRLF` with nothing lenient about it.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn request_line<'b>(buf: &'b [u8], cfg: &ParserConfig) -> Option<RequestLine<'b>> {
        let method_end = scan!(buf, 0, |v| outside(v, &TCHAR_NIBBLES), tchar_tail);
        if method_end == 0 || buf.get(method_end) != Some(&b' ') {
            return None;
        }
        let t = method_end + 1;
        let target_end = scan!(buf, t, |v| outside(v, &TARGET_NIBBLES), target_tail);
        if target_end == t || buf.get(target_end) != Some(&b' ') {
            return None;
        }
        let version = match buf.get(target_end + 1..target_end + 11)? {
            b"HTTP/1.1\r\n" => Version::Http11,
            b"HTTP/1.0\r\n" => Version::Http10,
            _ => return None,
        };
        let end = target_end + 11;
        if end > cfg.max_line_len {
            return None;
        }
        let method = method_str(buf.get(..method_end)?, 0).ok()?;
        let target = buf.get(t..target_end)?;
        let target = if target == b"/" { "/" } else { ascii(target, "request-target", t).ok()? };
        Some(RequestLine { method, target, version, end })
    }

    /// Field lines from `pos` through the empty line: `(count, end)`. Generic over
    /// the caller only so that each of `request` and `response` has its own copy,
    /// which LLVM then inlines (a call returned the pair through memory, and reading
    /// it back as one 16-byte load stalled on store forwarding: 18% of a short head).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn fields<'b, const REQUEST: bool>(
        buf: &'b [u8],
        mut pos: usize,
        headers: &mut [Header<'b>],
        cfg: &ParserConfig,
    ) -> Option<(usize, usize)> {
        let limit = cfg.max_headers.min(headers.len());
        let mut count = 0;
        loop {
            let name_end = scan!(buf, pos, |v| outside(v, &TCHAR_NIBBLES), tchar_tail);
            if name_end == pos {
                return match buf.get(pos..pos + 2)? {
                    b"\r\n" => Some((count, pos + 2)),
                    _ => None,
                };
            }
            if buf.get(name_end) != Some(&b':') {
                return None;
            }
            let mut vs = name_end + 1;
            while let Some(b' ' | b'\t') = buf.get(vs) {
                vs += 1;
            }
            let mut from = vs;
            let ve = loop {
                match scan!(buf, from, |v| controls(v), scan_field) {
                    tab if buf.get(tab) == Some(&b'\t') => from = tab + 1,
                    end => break end,
                }
            };
            if buf.get(ve..ve + 2)? != b"\r\n" || ve + 2 - pos > cfg.max_line_len || count >= limit
            {
                return None;
            }
            let mut value = buf.get(vs..ve)?;
            while let [rest @ .., b' ' | b'\t'] = value {
                value = rest;
            }
            *headers.get_mut(count)? = Header { name: buf.get(pos..name_end)?, value };
            count += 1;
            pos = ve + 2;
        }
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn request<'b>(
        buf: &'b [u8],
        headers: &mut [Header<'b>],
        cfg: &ParserConfig,
    ) -> Option<(RequestLine<'b>, usize, usize)> {
        let line = request_line(buf, cfg)?;
        let (count, end) = fields::<true>(buf, line.end, headers, cfg)?;
        Some((line, count, end))
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn response<'b>(
        buf: &'b [u8],
        headers: &mut [Header<'b>],
        cfg: &ParserConfig,
    ) -> Option<(StatusLine<'b>, usize, usize)> {
        // The status-line is short; the scalar reader is as fast, and exact.
        let line = status_line(buf, cfg).ok()?;
        let (count, end) = fields::<false>(buf, line.end, headers, cfg)?;
        Some((line, count, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EMPTY_HEADER;

    /// The fast path takes the heads it was built for, when the CPU has AVX2: a
    /// check that it is not quietly handing everything to the scalar parser.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn takes_common_heads_whole() {
        if !has_avx2() {
            return;
        }
        let cfg = ParserConfig::default();
        let mut h = [EMPTY_HEADER; 8];
        let req = b"GET /index.html?q=1 HTTP/1.1\r\nHost: www.example.test\r\nUser-Agent: \
                    curl/8.5.0 (x86_64-pc-linux-gnu)\tlibcurl\r\nAccept: */*\r\n\r\n";
        let (line, count, end) = request(req, &mut h, &cfg).unwrap_or_else(|| unreachable!());
        assert_eq!((line.method, line.target, count, end), ("GET", "/index.html?q=1", 3, req.len()));
        assert_eq!(h[1].value, b"curl/8.5.0 (x86_64-pc-linux-gnu)\tlibcurl");
        let res = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        let (line, count, end) = response(res, &mut h, &cfg).unwrap_or_else(|| unreachable!());
        assert_eq!((line.code, count, end), (200, 1, res.len()));
        // A leniency's input is left to the scalar parser.
        assert!(request(b"GET / HTTP/1.1\nHost: a\n\n", &mut h, &cfg).is_none());
        assert!(paths_agree(req, &cfg) && paths_agree(res, &cfg));
    }
}
