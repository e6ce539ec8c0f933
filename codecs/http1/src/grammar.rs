//! The small shared grammars of RFC 9110 §5.6 (tokens, OWS, quoted strings, lists)
//! as nom parsers and plain helpers, for the cold header-value and chunk-ext rules.

use nom::branch::alt;
use nom::bytes::complete::{take, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::{all_consuming, opt, recognize, verify};
use nom::multi::many0_count;
use nom::sequence::preceded;
use nom::{IResult, Parser};

use crate::table::{tchar, FIELD};

/// A nom result over bytes.
pub(crate) type In<'a, O> = IResult<&'a [u8], O>;

/// Whitespace inside a value: SP and HTAB, and the CR LF a permitted obs-fold leaves
/// (RFC 9112 §5.2 says to read each fold as SP).
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// `token` (RFC 9110 §5.6.2).
pub(crate) fn token(i: &[u8]) -> In<'_, &[u8]> {
    take_while1(tchar).parse(i)
}

fn is_qdtext(b: u8) -> bool {
    // RFC 9110 §5.6.4: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
    b != b'"' && b != b'\\' && FIELD[usize::from(b)]
}

/// `quoted-string` (RFC 9110 §5.6.4), quotes and escapes included.
pub(crate) fn quoted_string(i: &[u8]) -> In<'_, &[u8]> {
    let pair = preceded(
        char('\\'),
        verify(take(1usize), |s: &[u8]| s.iter().all(|&b| FIELD[usize::from(b)])),
    );
    recognize((char('"'), many0_count(alt((take_while1(is_qdtext), pair))), char('"'))).parse(i)
}

fn ext_item(i: &[u8]) -> In<'_, ()> {
    (
        ows_sp,
        char(';'),
        ows_sp,
        token,
        opt((ows_sp, char('='), ows_sp, alt((token, quoted_string)))),
    )
        .map(|_| ())
        .parse(i)
}

/// BWS in a chunk line: SP and HTAB only (there is no fold there).
fn ows_sp(i: &[u8]) -> In<'_, &[u8]> {
    take_while(|b| b == b' ' || b == b'\t').parse(i)
}

/// Checks `chunk-ext` (RFC 9112 §7.1.1):
/// `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`.
/// On failure, the offset in `input` where the grammar stopped matching.
pub(crate) fn chunk_ext(input: &[u8]) -> Result<(), usize> {
    all_consuming(many0_count(ext_item)).parse(input).map(|_| ()).map_err(|e| match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => input.len() - e.input.len(),
        nom::Err::Incomplete(_) => input.len(),
    })
}

fn transfer_parameter(i: &[u8]) -> In<'_, ()> {
    (ows_sp, char(';'), ows_sp, token, ows_sp, char('='), ows_sp, alt((token, quoted_string)))
        .map(|_| ())
        .parse(i)
}

/// Checks a `transfer-coding` (RFC 9112 §6.1, RFC 9110 §10.1.4):
/// `token *( OWS ";" OWS transfer-parameter )`, `transfer-parameter = token BWS "="
/// BWS ( token / quoted-string )`. Returns the coding's name and whether it has
/// parameters; on failure, the offset in `input` where the grammar stopped matching.
pub(crate) fn transfer_coding(input: &[u8]) -> Result<(&[u8], bool), usize> {
    let stop = |e: nom::Err<nom::error::Error<&[u8]>>| match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => input.len() - e.input.len(),
        nom::Err::Incomplete(_) => input.len(),
    };
    let (rest, name) = token(input).map_err(stop)?;
    all_consuming(many0_count(transfer_parameter))
        .parse(rest)
        .map(|(_, params)| (name, params > 0))
        .map_err(stop)
}

/// The elements of a comma-separated list (RFC 9110 §5.6.1), trimmed, empty ones
/// skipped ("a recipient MUST accept empty list elements"). Quoted strings may hold
/// commas, so a comma inside one does not split.
pub(crate) fn list(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = value;
    core::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let mut quoted = false;
        let mut escaped = false;
        let mut end = rest.len();
        for (i, &b) in rest.iter().enumerate() {
            match b {
                _ if escaped => escaped = false,
                b'\\' if quoted => escaped = true,
                b'"' => quoted = !quoted,
                b',' if !quoted => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let item = trim(rest.get(..end).unwrap_or_default());
        rest = rest.get(end + 1..).unwrap_or_default();
        if !item.is_empty() {
            return Some(item);
        }
    })
}

/// `s` without [`is_ws`] bytes at either end.
pub(crate) fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| !is_ws(b)).map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_extensions() {
        assert_eq!(chunk_ext(b""), Ok(()));
        assert_eq!(chunk_ext(b";a"), Ok(()));
        assert_eq!(chunk_ext(b" ; a = b ;c=\"x\\\"y;z\""), Ok(()));
        assert_eq!(chunk_ext(b";"), Err(0));
        assert_eq!(chunk_ext(b";a;"), Err(2));
        assert_eq!(chunk_ext(b";a=\"open"), Err(2));
        assert_eq!(chunk_ext(b";a=b c"), Err(4));
    }

    #[test]
    fn transfer_codings() {
        assert_eq!(transfer_coding(b"chunked"), Ok((&b"chunked"[..], false)));
        assert_eq!(transfer_coding(b"gzip ; q = \"1\""), Ok((&b"gzip"[..], true)));
        assert_eq!(transfer_coding(b"chunked;"), Err(7));
        assert_eq!(transfer_coding(b"chunked;a"), Err(7));
        assert_eq!(transfer_coding(b"\"chunked\""), Err(0));
        assert_eq!(transfer_coding(b"ch unked"), Err(2));
    }

    #[test]
    fn lists() {
        let items: std::vec::Vec<&[u8]> = list(b" a, ,b ,\"c,d\" ,, e").collect();
        assert_eq!(items, [&b"a"[..], b"b", b"\"c,d\"", b"e"]);
        assert_eq!(list(b" , ").count(), 0);
        assert_eq!(trim(b" \t x y\r\n "), b"x y");
    }

    #[test]
    fn quoted() {
        assert_eq!(quoted_string(b"\"a\\\"b\"rest"), Ok((&b"rest"[..], &b"\"a\\\"b\""[..])));
        assert!(quoted_string(b"\"a").is_err());
        assert!(token(b"").is_err());
    }
}
