//! The trailer section of a chunked body follows the leniencies of the message it
//! ends: obs-fold is accepted in a response's trailers under
//! `allow_obs_fold_in_response` (RFC 9112 §5.2: "A user agent that receives an
//! obs-fold in a response message [...] MUST replace each received obs-fold with one
//! or more SP octets"), and stays refused in a request's.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

use wirestate_http1::message::Message;
use wirestate_http1::{Chunk, ChunkedDecoder, ParserConfig};

const FOLDED_TRAILER: &[u8] = b"3\r\nabc\r\n0\r\nX-Checksum: a\r\n b\r\n\r\n";

fn decode(cfg: &ParserConfig) -> Result<Vec<u8>, wirestate_http1::Error> {
    let mut dec = ChunkedDecoder::new(cfg);
    let mut at = 0;
    loop {
        let (n, chunk) = dec.decode(&FOLDED_TRAILER[at..])?;
        at += n;
        match chunk {
            Chunk::Data(_) => {}
            Chunk::End { trailers } => return Ok(trailers.to_vec()),
            Chunk::Partial => panic!("all there"),
        }
    }
}

#[test]
fn rfc9112_5_2_obs_fold_in_a_response_trailer_is_unfolded_by_a_user_agent() {
    let msg =
        [&b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..], FOLDED_TRAILER].concat();
    let m = Message::parse_response(&msg, "GET", &ParserConfig::USER_AGENT).unwrap();
    assert_eq!(m.body, b"abc");
    assert_eq!(m.trailers.len(), 1);
    assert_eq!(m.trailers[0].name, b"X-Checksum");
    assert_eq!(m.trailers[0].unfolded().collect::<Vec<&[u8]>>().concat(), b"a b");
    // Strict, it is refused like a fold in the head.
    let err = Message::parse_response(&msg, "GET", &ParserConfig::STRICT).unwrap_err();
    assert_eq!(err.field(), "obs-fold");
}

#[test]
fn rfc9112_5_2_the_decoder_takes_the_response_leniency_through_for_response() {
    let ua = ParserConfig::USER_AGENT;
    // The decoder of a response body: the configuration a response is read with.
    assert_eq!(decode(&ua.for_response()).unwrap(), b"X-Checksum: a\r\n b\r\n\r\n");
    // The same configuration decoding a request body: refused (the leniency is the
    // response's only).
    assert_eq!(decode(&ua).unwrap_err().field(), "obs-fold");
    let msg =
        [&b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"[..], FOLDED_TRAILER]
            .concat();
    assert_eq!(Message::parse_request(&msg, &ua).unwrap_err().field(), "obs-fold");
    // Strict stays strict.
    assert_eq!(ParserConfig::STRICT.for_response(), ParserConfig::STRICT);
}
