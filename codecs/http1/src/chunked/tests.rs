use super::*;
use std::vec::Vec;

fn strict() -> ParserConfig {
    ParserConfig::default()
}

/// Decodes `body` fed in pieces of `step` bytes (keeping unconsumed bytes, as a
/// reader would); returns the data, the trailers and the bytes used.
fn decode_stepwise(
    body: &[u8],
    step: usize,
    cfg: &ParserConfig,
) -> Result<(Vec<u8>, Vec<u8>, usize)> {
    let mut dec = ChunkedDecoder::new(cfg);
    let (mut at, mut avail, mut out) = (0, step.min(body.len()), Vec::new());
    loop {
        let (n, chunk) = dec.decode(&body[at..avail])?;
        at += n;
        match chunk {
            Chunk::Data(d) => out.extend_from_slice(d),
            Chunk::End { trailers } => return Ok((out, trailers.to_vec(), at)),
            Chunk::Partial if avail == body.len() => {
                return Err(Error::truncated("chunked body", at, body.len() + 1, body.len()))
            }
            Chunk::Partial => avail = (avail + step).min(body.len()),
        }
    }
}

// RFC 9112 §7.1 example shape, with an extension and a trailer.
const BODY: &[u8] =
    b"4;name=\"v;1\"\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: x\r\n\r\n";

#[test]
fn decodes_whole_and_in_every_piece_size() {
    for step in 1..=BODY.len() {
        let (data, trailers, used) = decode_stepwise(BODY, step, &strict()).unwrap();
        assert_eq!(data, b"Wikipedia in\r\n\r\nchunks.", "step {step}");
        assert_eq!(trailers, b"Expires: x\r\n\r\n");
        assert_eq!(used, BODY.len());
    }
}

#[test]
fn leaves_bytes_after_the_body_untouched() {
    let mut body = b"1\r\na\r\n0\r\n\r\n".to_vec();
    body.extend_from_slice(b"GET / HTTP/1.1\r\n");
    let (data, trailers, used) = decode_stepwise(&body, body.len(), &strict()).unwrap();
    assert_eq!((data.as_slice(), trailers.as_slice(), used), (&b"a"[..], &b"\r\n"[..], 11));
}

fn err(body: &[u8]) -> Error {
    decode_stepwise(body, body.len(), &strict()).unwrap_err()
}

#[test]
fn every_error_path_with_field_and_offset() {
    assert_eq!(
        err(b"\r\n"),
        Error::malformed("chunk-size", 0, "RFC 9112 §7.1: chunk-size is 1*HEXDIG")
    );
    assert_eq!((err(b"-1\r\n").field(), err(b"-1\r\n").offset()), ("chunk-size", 0));
    assert_eq!(err(b"0x5\r\n").field(), "chunk-size");
    assert_eq!((err(b"5 \r\nhello\r\n").field(), err(b"5 \r\n").offset()), ("chunk-size", 1));
    assert_eq!(err(b"00000000000000001\r\na\r\n0\r\n\r\n").field(), "chunk-size");
    assert_eq!(err(b"5;\r\nhello\r\n").field(), "chunk-ext");
    assert_eq!(err(b"5;a=\"x\r\nhello\r\n").offset(), 3);
    assert_eq!(
        err(b"5\nhello\r\n"),
        Error::malformed(
            "line ending",
            1,
            "RFC 9112 §2.2: a line ends with CRLF (allow_bare_lf not enabled)"
        )
    );
    assert_eq!((err(b"5\r\nhelloX\r\n").field(), err(b"5\r\nhelloX").offset()), ("chunk-data", 8));
    assert_eq!(err(b"5\r\nhello\n0\r\n\r\n").field(), "line ending");
    assert_eq!((err(b"5\r\r\nhello").field(), err(b"5\r\r\n").offset()), ("line ending", 1));
    assert_eq!(
        err(b"0\r\nBad Name: x\r\n\r\n"),
        Error::malformed(
            "field-name",
            6,
            "RFC 9112 §5.1: no whitespace is allowed between the field name and colon"
        )
    );
    assert_eq!(err(b"1\r\na\r\n0\r\nA: b\0\r\n\r\n").offset(), 13);
    assert_eq!(err(b"5\r\nhel").field(), "chunked body");
}

#[test]
fn limits() {
    let cfg = ParserConfig { max_line_len: 8, max_head_len: 16, ..strict() };
    let e = decode_stepwise(b"1;aaaaaaaaaaaa\r\n", 4, &cfg).unwrap_err();
    assert_eq!((e.field(), e.offset()), ("chunk line", 0));
    let e = decode_stepwise(b"1;aaaaaa\r\n", 100, &cfg).unwrap_err();
    assert_eq!(e.field(), "chunk line");
    let e = decode_stepwise(b"0\r\nA: bbbbbbbbbbbbbbbbbbbbbbb", 100, &cfg).unwrap_err();
    assert_eq!((e.field(), e.offset()), ("trailer section", 3));
}

#[test]
fn bare_lf_when_allowed() {
    let cfg = ParserConfig { allow_bare_lf: true, ..strict() };
    let (data, trailers, _) = decode_stepwise(b"3\nabc\n0\nX: y\n\n", 100, &cfg).unwrap();
    assert_eq!((data.as_slice(), trailers.as_slice()), (&b"abc"[..], &b"X: y\n\n"[..]));
}

#[test]
fn sixteen_digits_fit_and_max_size_is_accepted_as_a_header() {
    let mut dec = ChunkedDecoder::new(&strict());
    let (n, chunk) = dec.decode(b"ffffffffffffffff\r\nab").unwrap();
    assert_eq!((n, chunk), (20, Chunk::Data(b"ab")));
    assert!(!dec.is_done());
}

#[test]
fn after_end_stays_ended() {
    let mut dec = ChunkedDecoder::new(&strict());
    assert_eq!(dec.decode(b"0\r\n\r\n").unwrap(), (5, Chunk::End { trailers: b"\r\n" }));
    assert!(dec.is_done());
    assert_eq!(dec.consumed(), 5);
    assert_eq!(dec.decode(b"junk").unwrap(), (0, Chunk::End { trailers: b"" }));
}

#[test]
fn encoder_round_trips() {
    let mut buf = [0u8; 64];
    assert_eq!(write_chunk_header(0, &mut buf), Some(3));
    assert_eq!(write_chunk_header(0x1a2b, &mut buf), Some(6));
    assert_eq!(&buf[..6], b"1a2b\r\n");
    assert_eq!(write_chunk_header(u64::MAX, &mut buf), Some(18));
    assert_eq!(write_chunk_header(5, &mut buf[..2]), None);
    let mut out = Vec::new();
    for piece in [&b"hello"[..], b"", b" world"] {
        let n = write_chunk(piece, &mut buf).unwrap();
        assert_eq!(n, if piece.is_empty() { 0 } else { chunk_len(piece.len()) });
        out.extend_from_slice(&buf[..n]);
    }
    let trailer = [crate::Header { name: b"Digest", value: b"x" }];
    let n = write_last_chunk(&trailer, &mut buf).unwrap();
    out.extend_from_slice(&buf[..n]);
    assert_eq!(out, b"5\r\nhello\r\n6\r\n world\r\n0\r\nDigest: x\r\n\r\n");
    let (data, trailers, _) = decode_stepwise(&out, 7, &strict()).unwrap();
    assert_eq!(
        (data.as_slice(), trailers.as_slice()),
        (&b"hello world"[..], &b"Digest: x\r\n\r\n"[..])
    );
    assert_eq!(
        write_chunk(b"hello", &mut buf[..4]).unwrap_err(),
        Error::truncated("chunk", 0, 10, 4)
    );
    let bad = [crate::Header { name: b"X", value: b"a\r\nb" }];
    assert_eq!(write_last_chunk(&bad, &mut buf).unwrap_err().field(), "field-value");
}

proptest::proptest! {
    /// The one-pass reader of plain size lines accepts only what the general reader
    /// accepts, with the same size.
    #[test]
    fn plain_size_lines_read_as_the_general_path_reads_them(
        line in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just(b'0'), proptest::strategy::Just(b'f'),
                proptest::strategy::Just(b'A'), proptest::strategy::Just(b'9'),
                proptest::strategy::Just(b'\r'), proptest::strategy::Just(b'\n'),
                proptest::strategy::Just(b';'), proptest::strategy::Just(b' '),
                proptest::strategy::Just(b'g'),
            ],
            0..24,
        )
    ) {
        if let Some((size, n)) = plain_size_line(&line) {
            let nl = n - 1;
            proptest::prop_assert_eq!(line.get(nl), Some(&b'\n'));
            proptest::prop_assert_eq!(chunk_size_line(&line[..nl], 0, false).ok(), Some(size));
        }
    }
}

#[test]
fn plain_size_lines() {
    assert_eq!(plain_size_line(b"10000\r\nxx"), Some((0x10000, 7)));
    assert_eq!(plain_size_line(b"ffffffffffffffff\r\n"), Some((u64::MAX, 18)));
    assert_eq!(plain_size_line(b"1ffffffffffffffff\r\n"), None);
    assert_eq!(plain_size_line(b"5;a=b\r\n"), None);
    assert_eq!(plain_size_line(b"\r\n"), None);
    assert_eq!(plain_size_line(b"5\n"), None);
    assert_eq!(plain_size_line(b"5\r"), None);
}
