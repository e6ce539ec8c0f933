//! The head parser's fast path: AVX2, 32 bytes a step, on x86-64 machines that have it.
//!
//! It reads the common head (a request-line or status-line, then `token ":" OWS value
//! CRLF` lines, then CRLF) and gives up on anything else: a byte outside its grammar,
//! a leniency, a limit reached, the bytes running out. Giving up is `None`, and the
//! scalar parser in `crate::scan` then parses the same bytes from the start and
//! names the error or asks for more. So the fast path only ever returns what the
//! scalar parser would: [`paths_agree`] states that, and the property test and the
//! `http1_simd` fuzz target check it.
//!
//! Why SIMD (and so the crate's `unsafe` but for `scan::ascii`: the two calls,
//! request and response, into code compiled for AVX2 once the CPU is known to have
//! it): the head parser
//! spends its time classifying bytes, a field value for control bytes and a name or
//! target for its character class. In the scalar parser that is eight bytes a step
//! for values (SWAR) and one table load a byte for names; here every class test is a
//! few vector operations per 32 bytes, the class of a name or target from two nibble
//! lookups (`vpshufb`). Field lines are read from masks of 64-byte blocks taken in
//! fixed steps (see `Block`), so that a line's end is found with bit operations
//! rather than a load that waits on where the last line ended.
//! The bench beside httparse (benches/benches/http1.rs; httparse itself uses AVX2
//! there) shows the gain, about 1.5x on short heads and 2x on browser-like ones,
//! against 1.0x for the scalar parser; benches/RESULTS.md has the figures.
//!
//! Every function below but `request` / `response` is safe: AVX2 intrinsics are
//! safe to call inside functions compiled with the feature, and vectors are built
//! from byte arrays (LLVM makes the two 16-byte reads one unaligned load).

use crate::{ParserConfig, Request, Response};

/// Parses a request head by the fast path into `req` and returns its length; `None`
/// (with `req` in no particular state): use the scalar parser.
///
/// The result goes straight into `req`, and only the length comes back: a tuple of
/// the parts came back through memory and was read back as one 16-byte load over
/// two 8-byte stores, a store-forwarding stall measured at 8% of a short head.
#[inline]
pub(crate) fn request<'b>(
    buf: &'b [u8],
    req: &mut Request<'_, 'b>,
    cfg: &ParserConfig,
) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if wirestate_wire::has_avx2() {
        #[allow(unsafe_code, reason = "the call into AVX2 code; see the module doc")]
        // SAFETY: `avx2::request` is compiled with `target_feature(enable = "avx2")`;
        // calling it is sound exactly when the CPU has AVX2, which `has_avx2` checked
        // (at run time with std, at compile time without). It has no other
        // precondition: it is a safe function over the values it is given.
        return unsafe { avx2::request(buf, req, cfg) };
    }
    let _ = (buf, req, cfg);
    None
}

/// [`request`] for a response head.
#[inline]
pub(crate) fn response<'b>(
    buf: &'b [u8],
    res: &mut Response<'_, 'b>,
    cfg: &ParserConfig,
) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if wirestate_wire::has_avx2() {
        #[allow(unsafe_code, reason = "the call into AVX2 code; see the module doc")]
        // SAFETY: as in `request`: AVX2 is present, checked by `has_avx2`.
        return unsafe { avx2::response(buf, res, cfg) };
    }
    let _ = (buf, res, cfg);
    None
}

/// Whether the fast path, where it answers, answers as the scalar parser does, for a
/// request and for a response over `buf`. For the property test and the
/// `http1_simd` fuzz target; not part of the API.
#[doc(hidden)]
pub fn paths_agree(buf: &[u8], cfg: &ParserConfig) -> bool {
    use crate::scan::{fields, request_line, status_line, Slots, Step};
    use crate::EMPTY_HEADER;
    let window = buf.get(..cfg.max_head_len).unwrap_or(buf);
    let (mut fast_h, mut slow_h) = ([EMPTY_HEADER; 16], [EMPTY_HEADER; 16]);
    let mut fast = Request::new(&mut fast_h);
    let request_ok = match request(window, &mut fast, cfg) {
        None => true,
        Some(end) => {
            let mut slots = Slots { headers: &mut slow_h, count: 0, limit: cfg.max_headers };
            let slow: Step<_> = request_line(window, cfg)
                .and_then(|line| Ok((fields(window, line.end, &mut slots, cfg)?, line)));
            let count = slots.count;
            match slow {
                Ok((slow_end, line)) => {
                    (line.method, line.target, line.version, slow_end)
                        == (fast.method, fast.target, fast.version, end)
                        && slow_h.get(..count) == Some(&*fast.headers)
                }
                Err(_) => false,
            }
        }
    };
    let (mut fast_h, mut slow_h) = ([EMPTY_HEADER; 16], [EMPTY_HEADER; 16]);
    let mut fast = Response::new(&mut fast_h);
    let response_ok = match response(window, &mut fast, cfg) {
        None => true,
        Some(end) => {
            // As `Response::parse_full` reads it after the fast path gave up.
            let cfg = &cfg.for_response();
            let mut slots = Slots { headers: &mut slow_h, count: 0, limit: cfg.max_headers };
            let slow: Step<_> = status_line(window, cfg)
                .and_then(|line| Ok((fields(window, line.end, &mut slots, cfg)?, line)));
            let count = slots.count;
            match slow {
                Ok((slow_end, line)) => {
                    (line.version, line.code, line.reason, slow_end)
                        == (fast.version, fast.code, fast.reason, end)
                        && slow_h.get(..count) == Some(&*fast.headers)
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

    use crate::head::shorten;
    use crate::scan::{ascii, method_str, trim_end, RequestLine, StatusLine};
    use crate::table::{scan_field, scan_table, TARGET, TCHAR};
    use crate::{Header, ParserConfig, Request, Response, Version};

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

    /// The 32 bytes from `pos` as a vector and the shift that puts the mask bit of
    /// byte `pos` at bit 0: near the end of `buf`, its last 32 bytes, so that mask
    /// bits past the end are zero after the shift. `None` if `buf` is shorter than 32.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn window(buf: &[u8], pos: usize) -> Option<(__m256i, u32)> {
        match buf.get(pos..).and_then(<[u8]>::first_chunk::<W>) {
            Some(bytes) => Some((vector(bytes), 0)),
            None => {
                let skip = (pos + W).saturating_sub(buf.len());
                Some((vector(buf.last_chunk::<W>()?), u32::try_from(skip).ok()?))
            }
        }
    }

    /// `mask >> skip`, zero when everything is shifted out.
    #[inline(always)]
    fn shifted(mask: u32, skip: u32) -> u32 {
        mask.checked_shr(skip).unwrap_or(0)
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
    /// (a mask of the vector `$v` of the 32 bytes from there), or `buf.len()`; in a
    /// buffer shorter than 32 bytes, what the scalar `$tail(buf, pos)` says.
    ///
    /// A macro rather than a function so that each use is compiled in place: a
    /// `target_feature` function cannot be `inline(always)`, and LLVM kept this one
    /// out of line, a call for every name and value.
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
                    // Fewer than 32 bytes from `pos`: the last 32 of `buf`, with the
                    // mask shifted so that bit 0 is `pos` (bits past the end are
                    // then zero); the scalar scan only for a buffer shorter than that.
                    None => match buf.last_chunk::<W>() {
                        Some(bytes) => {
                            let $v = vector(bytes);
                            let mask: u32 = $mask;
                            let skip = (pos + W).saturating_sub(buf.len());
                            match mask.checked_shr(skip as u32) {
                                Some(m) if m != 0 => break pos + m.trailing_zeros() as usize,
                                _ => break buf.len().max(pos),
                            }
                        }
                        None => break $tail(buf, pos),
                    },
                }
            }
        }};
    }

    fn target_tail(buf: &[u8], pos: usize) -> usize {
        scan_table(buf, pos, &TARGET)
    }

    /// `token SP target SP HTTP-version CRLF` with nothing lenient about it.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn request_line<'b>(buf: &'b [u8], cfg: &ParserConfig) -> Option<RequestLine<'b>> {
        // As for a field line: one load for the method and a short target.
        let (v, skip) = window(buf, 0)?;
        let method_end = match shifted(outside(v, &TCHAR_NIBBLES), skip) {
            0 => return None,
            m => m.trailing_zeros() as usize,
        };
        if method_end == 0 || buf.get(method_end) != Some(&b' ') {
            return None;
        }
        let t = method_end + 1;
        let target = shifted(outside(v, &TARGET_NIBBLES), skip);
        let target = u32::MAX.checked_shl(t as u32).map_or(0, |keep| target & keep);
        let target_end = match target {
            0 => scan!(buf, t.max(W), |v| outside(v, &TARGET_NIBBLES), target_tail),
            m => m.trailing_zeros() as usize,
        };
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

    /// `HTTP-version SP 3DIGIT SP reason CRLF`; the rarer forms (no reason, a code
    /// out of range) are left to the scalar reader.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn status_line<'b>(buf: &'b [u8], cfg: &ParserConfig) -> Option<StatusLine<'b>> {
        let (v, skip) = window(buf, 0)?;
        let (version, code) = match buf.first_chunk::<13>()? {
            [b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor @ (b'0' | b'1'), b' ', a, b, c, b' ']
                if (b'1'..=b'5').contains(a) && b.is_ascii_digit() && c.is_ascii_digit() =>
            {
                let version = if *minor == b'1' { Version::Http11 } else { Version::Http10 };
                let code =
                    u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0');
                (version, code)
            }
            _ => return None,
        };
        let ctl = shifted(controls(v), skip) & (u32::MAX << 13);
        let mut end = match ctl {
            0 => scan!(buf, W, |v| controls(v), scan_field),
            m => m.trailing_zeros() as usize,
        };
        while buf.get(end) == Some(&b'\t') {
            end = scan!(buf, end + 1, |v| controls(v), scan_field);
        }
        if buf.get(end..end + 2)? != b"\r\n" || end + 2 > cfg.max_line_len {
            return None;
        }
        Some(StatusLine { version, code, reason: buf.get(13..end)?, end: end + 2 })
    }

    /// The field-line scan's view of 64 bytes from `base`: bit i of `ctl` says
    /// whether byte `base + i` is a control byte (what ends or breaks a field value,
    /// HTAB among them), bit i of `name` whether it is outside `tchar` (what ends a
    /// field name). No bit is set past the end of the buffer, so a search that runs
    /// into the end finds nothing.
    ///
    /// Blocks follow each other at fixed steps, so their loads do not wait on where
    /// a line ended; a line is then found with shifts and `tzcnt` of masks already
    /// computed. Loading 32 bytes at each line's start instead put a load and the
    /// whole vector chain between one line's end and the next line's: about 20
    /// cycles a line, the time of a head of short lines.
    struct Block {
        base: usize,
        ctl: u64,
        name: u64,
    }

    /// The [`Block`] at `$base`. A macro, not a function: LLVM kept the function out
    /// of line (a `target_feature` function cannot be `inline(always)`), and the
    /// block came back through memory.
    macro_rules! block {
        ($buf:expr, $base:expr) => {{
            let buf: &[u8] = $buf;
            let base: usize = $base;
            let (ctl, name) = match buf.get(base..).and_then(<[u8]>::first_chunk::<64>) {
                Some(bytes) => masks(bytes),
                None => tail_masks(buf, base),
            };
            Block { base, ctl, name }
        }};
    }

    /// The masks of the fewer than 64 bytes from `base` to the end of `buf`.
    #[inline(never)]
    #[target_feature(enable = "avx2")]
    fn tail_masks(buf: &[u8], base: usize) -> (u64, u64) {
        let rest = buf.len().saturating_sub(base);
        match buf.last_chunk::<64>() {
            // The last 64 bytes of `buf`, shifted so that bit 0 is `base` (and bits
            // past the end are zero).
            Some(bytes) => {
                let (ctl, name) = masks(bytes);
                let skip = u32::try_from(64 - rest).unwrap_or(64);
                (ctl.checked_shr(skip).unwrap_or(0), name.checked_shr(skip).unwrap_or(0))
            }
            // A buffer shorter than 64 bytes: copied, zero-padded, and the padding's
            // bits cleared.
            None => {
                let mut padded = [0u8; 64];
                if let (Some(dst), Some(src)) = (padded.get_mut(..rest), buf.get(base..)) {
                    dst.copy_from_slice(src);
                }
                let (ctl, name) = masks(&padded);
                let keep = (1u64 << rest.min(63)) - 1;
                (ctl & keep, name & keep)
            }
        }
    }

    /// The control and non-`tchar` masks of 64 bytes (see [`Block`]).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn masks(bytes: &[u8; 64]) -> (u64, u64) {
        let low = vector(bytes.first_chunk::<W>().unwrap_or(&[0; W]));
        let high = vector(bytes.last_chunk::<W>().unwrap_or(&[0; W]));
        let ctl = u64::from(controls(low)) | u64::from(controls(high)) << 32;
        let name = u64::from(outside(low, &TCHAR_NIBBLES))
            | u64::from(outside(high, &TCHAR_NIBBLES)) << 32;
        (ctl, name)
    }

    /// The offset of the first byte at or after `$from` whose bit is set in the
    /// block's `$mask`, moving `$blk` on as far as needed; `None` when `$buf` ends
    /// first. From before the block, the search starts at the block: the bytes in
    /// between were searched already (they are a name's). A macro for the reason
    /// given at `scan!`.
    macro_rules! next {
        ($buf:expr, $blk:ident, $from:expr, $mask:ident) => {{
            let buf: &[u8] = $buf;
            let from: usize = $from;
            loop {
                let off = from.saturating_sub($blk.base);
                if off < 64 {
                    let mask = $blk.$mask >> off;
                    if mask != 0 {
                        break Some($blk.base + off + mask.trailing_zeros() as usize);
                    }
                }
                if $blk.base + 64 >= buf.len() {
                    break None;
                }
                $blk = block!(buf, $blk.base + 64);
            }
        }};
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
        let mut blk = block!(buf, pos);
        loop {
            let name_end = next!(buf, blk, pos, name)?;
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
            // The value ends at the first control byte past the OWS other than HTAB.
            // No byte of the name or the colon is a control, and the OWS's are HTABs,
            // stepped over below with the value's; so the search starts at the line
            // start, not at `vs`: the next line's start then waits on this line's
            // start alone, not on the name's end and the OWS.
            let mut ve = next!(buf, blk, pos, ctl)?;
            while buf.get(ve) == Some(&b'\t') {
                ve = next!(buf, blk, ve + 1, ctl)?;
            }
            if buf.get(ve..ve + 2)? != b"\r\n" || ve + 2 - pos > cfg.max_line_len || count >= limit
            {
                return None;
            }
            let value = trim_end(buf.get(vs..ve)?);
            *headers.get_mut(count)? = Header { name: buf.get(pos..name_end)?, value };
            count += 1;
            pos = ve + 2;
        }
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn request<'b>(
        buf: &'b [u8],
        req: &mut Request<'_, 'b>,
        cfg: &ParserConfig,
    ) -> Option<usize> {
        let line = request_line(buf, cfg)?;
        let (count, end) = fields::<true>(buf, line.end, req.headers, cfg)?;
        req.method = line.method;
        req.target = line.target;
        req.version = line.version;
        shorten(&mut req.headers, count);
        Some(end)
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn response<'b>(
        buf: &'b [u8],
        res: &mut Response<'_, 'b>,
        cfg: &ParserConfig,
    ) -> Option<usize> {
        let line = status_line(buf, cfg)?;
        let (count, end) = fields::<false>(buf, line.end, res.headers, cfg)?;
        res.version = line.version;
        res.code = line.code;
        res.reason = line.reason;
        shorten(&mut res.headers, count);
        Some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Header, EMPTY_HEADER};
    use std::format;
    use std::string::String;

    /// The fast path takes the heads it was built for, when the CPU has AVX2: a
    /// check that it is not quietly handing everything to the scalar parser.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn takes_common_heads_whole() {
        if !wirestate_wire::has_avx2() {
            return;
        }
        let cfg = ParserConfig::default();
        let mut h = [EMPTY_HEADER; 8];
        let req = b"GET /index.html?q=1 HTTP/1.1\r\nHost: www.example.test\r\nUser-Agent: \
                    curl/8.5.0 (x86_64-pc-linux-gnu)\tlibcurl\r\nAccept: */*\r\n\r\n";
        let mut parsed = Request::new(&mut h);
        assert_eq!(request(req, &mut parsed, &cfg), Some(req.len()));
        assert_eq!(
            (parsed.method, parsed.target, parsed.headers.len()),
            ("GET", "/index.html?q=1", 3)
        );
        assert_eq!(parsed.headers[1].value, b"curl/8.5.0 (x86_64-pc-linux-gnu)\tlibcurl");
        let res = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        let mut parsed = Response::new(&mut h);
        assert_eq!(response(res, &mut parsed, &cfg), Some(res.len()));
        assert_eq!((parsed.code, parsed.headers.len()), (200, 1));
        // A leniency's input is left to the scalar parser.
        assert!(request(b"GET / HTTP/1.1\nHost: a\n\n", &mut Request::new(&mut h), &cfg).is_none());
        assert!(paths_agree(req, &cfg) && paths_agree(res, &cfg));
    }

    /// Field lines anywhere on the 64-byte blocks: names and values that end just
    /// before, at and after a block's end, in the last block (fewer than 64 bytes
    /// left) and in a head shorter than one block, with HTAB in the OWS and in the
    /// value, and bytes after the head. The fast path takes each head whole and
    /// reads what the scalar parser reads.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn takes_lines_across_blocks() {
        if !wirestate_wire::has_avx2() {
            return;
        }
        let cfg = ParserConfig::default();
        for pad in (0..9).chain([33]) {
            for name_len in [1, 2, 30, 61, 62, 63, 64, 65, 130] {
                for value_len in [0, 1, 2, 29, 58, 59, 60, 61, 62, 63, 64, 65, 127, 200] {
                    for ows in ["", " ", "\t", " \t "] {
                        for after in [&b""[..], b"\x80body"] {
                            let name = "n".repeat(name_len);
                            // A value with HTAB inside and never at its ends.
                            let value: String = (0..value_len)
                                .map(|i| if i % 5 == 3 && i + 1 < value_len { '\t' } else { 'v' })
                                .collect();
                            let fields = format!(
                                "P: {}\r\n{name}:{ows}{value}\r\nA: */*\r\n\r\n",
                                "p".repeat(pad)
                            );
                            let req = format!("GET / HTTP/1.1\r\n{fields}");
                            let res = format!("HTTP/1.1 200 OK\r\n{fields}");
                            for (head, is_request) in [(req, true), (res, false)] {
                                let buf = [head.as_bytes(), after].concat();
                                let mut h = [EMPTY_HEADER; 8];
                                let taken = if is_request {
                                    let mut parsed = Request::new(&mut h);
                                    let n = request(&buf, &mut parsed, &cfg);
                                    (n, parsed.headers.get(1).copied())
                                } else {
                                    let mut parsed = Response::new(&mut h);
                                    let n = response(&buf, &mut parsed, &cfg);
                                    (n, parsed.headers.get(1).copied())
                                };
                                let want =
                                    Header { name: name.as_bytes(), value: value.as_bytes() };
                                assert_eq!(taken, (Some(head.len()), Some(want)), "{head:?}");
                                assert!(paths_agree(&buf, &cfg), "{head:?}");
                            }
                        }
                    }
                }
            }
        }
    }
}
