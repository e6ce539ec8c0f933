//! Field values with obs-fold replaced by SP (RFC 9112 §5.2), without copying: a
//! folded value is read as pieces, or written into a caller's buffer.
//!
//! A value read with `allow_obs_fold` or `allow_obs_fold_in_response` is the slice
//! of the input from its first to its last octet, folds included:
//! `obs-fold = OWS CRLF RWS` (RFC 9112 §5.2), the LF alone with `allow_bare_lf`.
//! Each fold, with the whitespace around it, becomes one SP.

use crate::Header;

impl<'b> Header<'b> {
    /// Whether the value holds an obs-fold (only possible when a leniency accepted
    /// one: outside a fold a value holds no CR or LF).
    pub fn is_folded(&self) -> bool {
        self.value.contains(&b'\n')
    }

    /// The value as pieces whose concatenation is the value with each obs-fold
    /// replaced by one SP: RFC 9112 §5.2, "A user agent that receives an obs-fold in
    /// a response message [...] MUST replace each received obs-fold with one or more
    /// SP octets prior to interpreting the field value." An unfolded value is one
    /// piece, the value itself.
    ///
    /// ```
    /// use wirestate_http1::{ParserConfig, Response, EMPTY_HEADER};
    /// let bytes = b"HTTP/1.1 200 OK\r\nX-Long: a,\r\n  b\r\nContent-Length: 0\r\n\r\n";
    /// let mut h = [EMPTY_HEADER; 4];
    /// let mut res = Response::new(&mut h);
    /// res.parse_with(&ParserConfig::USER_AGENT, bytes).unwrap();
    /// assert!(res.headers[0].is_folded());
    /// assert_eq!(res.headers[0].unfolded().collect::<Vec<_>>(), [&b"a,"[..], b" ", b"b"]);
    /// ```
    pub fn unfolded(&self) -> Unfolded<'b> {
        Unfolded { rest: self.value, next: None, started: false }
    }

    /// Writes the value with each obs-fold replaced by one SP (see
    /// [`unfolded`](Self::unfolded)) into `out` and returns that part of it; `None`
    /// if `out` is too short. The result is never longer than `value`, so a buffer
    /// of `value.len()` octets always suffices.
    ///
    /// ```
    /// use wirestate_http1::{ParserConfig, Response, EMPTY_HEADER};
    /// let bytes = b"HTTP/1.1 200 OK\r\nX-Long: a\r\n\tb \r\n c\r\n\r\n";
    /// let mut h = [EMPTY_HEADER; 4];
    /// let mut res = Response::new(&mut h);
    /// res.parse_with(&ParserConfig::USER_AGENT, bytes).unwrap();
    /// let mut buf = [0u8; 64];
    /// assert_eq!(res.headers[0].unfold_into(&mut buf), Some(&b"a b c"[..]));
    /// ```
    pub fn unfold_into<'o>(&self, out: &'o mut [u8]) -> Option<&'o [u8]> {
        let mut len = 0;
        for piece in self.unfolded() {
            out.get_mut(len..len + piece.len())?.copy_from_slice(piece);
            len += piece.len();
        }
        out.get(..len)
    }
}

/// The pieces of a field value with each obs-fold replaced by one SP: see
/// [`Header::unfolded`].
#[derive(Debug, Clone)]
pub struct Unfolded<'b> {
    /// The lines not yet read.
    rest: &'b [u8],
    /// The line to give after the SP just given.
    next: Option<&'b [u8]>,
    /// Whether a line was given (so the next one follows a fold).
    started: bool,
}

impl<'b> Unfolded<'b> {
    /// The next non-empty line of the value, without its line end and the SP and
    /// HTAB around it (the OWS and RWS of a fold).
    fn line(&mut self) -> Option<&'b [u8]> {
        while !self.rest.is_empty() {
            let nl = self.rest.iter().position(|&b| b == b'\n');
            let (line, rest) = match nl {
                Some(nl) => (self.rest.get(..nl), self.rest.get(nl + 1..)),
                None => (Some(self.rest), None),
            };
            self.rest = rest.unwrap_or_default();
            let line = line.unwrap_or_default();
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = trim_sp(line);
            if !line.is_empty() {
                return Some(line);
            }
        }
        None
    }
}

impl<'b> Iterator for Unfolded<'b> {
    type Item = &'b [u8];

    fn next(&mut self) -> Option<&'b [u8]> {
        if let Some(line) = self.next.take() {
            return Some(line);
        }
        // The first line is given as is; each later one after an SP that stands for
        // the fold before it.
        let line = self.line()?;
        if !core::mem::replace(&mut self.started, true) {
            return Some(line);
        }
        self.next = Some(line);
        Some(b" ")
    }
}

/// `s` without SP and HTAB at either end.
fn trim_sp(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(s.len());
    let end = s.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::vec::Vec;

    use crate::{Header, ParserConfig, Request, Response, EMPTY_HEADER};

    fn joined(h: &Header<'_>) -> Vec<u8> {
        h.unfolded().flatten().copied().collect()
    }

    #[test]
    fn unfolded_value_is_one_piece() {
        let h = Header { name: b"A", value: b"x y\tz" };
        assert!(!h.is_folded());
        assert_eq!(h.unfolded().collect::<Vec<_>>(), [&b"x y\tz"[..]]);
        assert_eq!(Header { name: b"A", value: b"" }.unfolded().count(), 0);
    }

    #[test]
    fn each_fold_and_the_whitespace_around_it_becomes_one_sp() {
        let h = Header { name: b"A", value: b"a \t\r\n \t b\r\n\tc" };
        assert!(h.is_folded());
        assert_eq!(joined(&h), b"a b c");
        // A fold line of whitespace only: still one SP ("one or more SP octets").
        let h = Header { name: b"A", value: b"a\r\n   \r\n b" };
        assert_eq!(joined(&h), b"a b");
        // Bare LF folds (allow_bare_lf).
        let h = Header { name: b"A", value: b"a\n b" };
        assert_eq!(joined(&h), b"a b");
        let mut small = [0u8; 2];
        assert_eq!(h.unfold_into(&mut small), None);
    }

    /// RFC 9112 §5.2: "A user agent that receives an obs-fold in a response message
    /// [...] MUST replace each received obs-fold with one or more SP octets".
    #[test]
    fn rfc9112_5_2_user_agent_replaces_obs_fold_in_a_response_with_sp() {
        let bytes = b"HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\n\tthree\r\nX-B: b\r\n\r\n";
        let mut h = [EMPTY_HEADER; 4];
        let mut res = Response::new(&mut h);
        let n = res.parse_with(&ParserConfig::USER_AGENT, bytes).unwrap();
        assert_eq!(n.complete(), Some(bytes.len()));
        assert_eq!(res.headers.len(), 2);
        assert_eq!(joined(&res.headers[0]), b"one two three");
        assert_eq!((res.headers[1].value, res.headers[1].is_folded()), (&b"b"[..], false));
        // Strict, the same response is refused where the fold starts.
        let err = Response::new(&mut h).parse(bytes).unwrap_err();
        assert_eq!((err.field(), err.offset()), ("obs-fold", 27));
    }

    /// RFC 9112 §5.2: "A server that receives an obs-fold in a request message [...]
    /// MUST either reject the message by sending a 400 (Bad Request) [...] or replace
    /// each received obs-fold": the response-only leniency leaves requests refused.
    #[test]
    fn rfc9112_5_2_obs_fold_in_response_leaves_requests_strict() {
        let bytes = b"GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n";
        let mut h = [EMPTY_HEADER; 4];
        let err = Request::new(&mut h).parse_with(&ParserConfig::USER_AGENT, bytes).unwrap_err();
        assert_eq!(
            (err.field(), err.offset(), crate::suggested_status(&err)),
            ("obs-fold", 26, 400)
        );
        // With allow_obs_fold a server may replace instead.
        let cfg = ParserConfig { allow_obs_fold: true, ..ParserConfig::STRICT };
        let mut req = Request::new(&mut h);
        assert!(req.parse_with(&cfg, bytes).unwrap().is_complete());
        assert_eq!(joined(&req.headers[0]), b"one two");
    }
}
