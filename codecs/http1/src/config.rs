//! What the head parser accepts: strict RFC 9112 by default, each leniency named.

/// Options of the head parser ([`Parser`](crate::Parser), [`Request`](crate::Request),
/// [`Response`](crate::Response)) and of the chunked decoder.
///
/// The default is strict RFC 9112 with limits that bound memory and time: every
/// leniency is off, a head is at most 64 KiB, a line at most 8 KiB, and at most 100
/// header fields are read.
///
/// ```
/// use wirestate_http1::{ParserConfig, Request, Status, EMPTY_HEADER};
/// let bytes = b"GET / HTTP/1.1\nHost: a\n\n";
/// let mut headers = [EMPTY_HEADER; 4];
/// // Strict: a bare LF is not a line end.
/// let err = Request::new(&mut headers).parse(bytes).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("line ending", 14));
/// // Lenient on request.
/// let config = ParserConfig { allow_bare_lf: true, ..ParserConfig::default() };
/// let mut req = Request::new(&mut headers);
/// assert_eq!(req.parse_with(&config, bytes).unwrap(), Status::Complete(bytes.len()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ParserConfig {
    /// Accept obs-fold (a field line continued on the next line that starts with SP
    /// or HTAB) in requests and responses. The value slice then spans the fold, CRLF
    /// included ([`Header::is_folded`](crate::Header::is_folded)); the semantic
    /// parsers of this crate treat CR and LF in a value as whitespace, and
    /// [`Header::unfold_into`](crate::Header::unfold_into) and
    /// [`Header::unfolded`](crate::Header::unfolded) give the value with each fold
    /// replaced by SP.
    ///
    /// RFC 9112 §5.2: "A server that receives an obs-fold in a request message that is
    /// not within a "message/http" container MUST either reject the message by sending
    /// a 400 (Bad Request) [...] or replace each received obs-fold with one or more SP
    /// octets prior to interpreting the field value or forwarding the message
    /// downstream." Off, a request with a fold is refused (field "obs-fold", 400).
    /// For a client, [`allow_obs_fold_in_response`](Self::allow_obs_fold_in_response)
    /// accepts folds in responses only.
    pub allow_obs_fold: bool,
    /// Accept obs-fold in a response head (and only there: requests stay strict
    /// unless [`allow_obs_fold`](Self::allow_obs_fold) is on too). The value is
    /// presented as with `allow_obs_fold`: read it through
    /// [`Header::unfolded`](crate::Header::unfolded) or
    /// [`Header::unfold_into`](crate::Header::unfold_into), which replace each fold
    /// by one SP. The client role turns this on ([`ParserConfig::USER_AGENT`]).
    ///
    /// RFC 9112 §5.2: "A user agent that receives an obs-fold in a response message
    /// that is not within a "message/http" container MUST replace each received
    /// obs-fold with one or more SP octets prior to interpreting the field value."
    pub allow_obs_fold_in_response: bool,
    /// Accept a bare LF as a line end, in the head and in chunked framing.
    ///
    /// RFC 9112 §2.2: "Although the line terminator for the start-line and fields is
    /// the sequence CRLF, a recipient MAY recognize a single LF as a line terminator
    /// and ignore any preceding CR."
    pub allow_bare_lf: bool,
    /// Accept whitespace between a field name and its colon (and drop it).
    ///
    /// RFC 9112 §5.1: "A proxy MUST remove any such whitespace from a response message
    /// before forwarding the message downstream", so a response may be read with it
    /// removed. For a request the same section says a server "MUST reject \[it\] with a
    /// response status code of 400 (Bad Request)": enable this for requests only to
    /// study broken peers.
    pub allow_space_before_colon: bool,
    /// Skip empty lines (CRLF, or a bare LF with `allow_bare_lf`) before a
    /// request-line: before the first request on a connection and between pipelined
    /// ones (where old clients sent a CRLF after a POST body). Responses are not
    /// affected. The skipped octets count in the head's length (the `n` of
    /// [`Status::Complete`](crate::Status::Complete)) and against
    /// [`max_head_len`](Self::max_head_len), so a stream of empty lines is refused
    /// with "head" (431) like any other over-long head rather than holding the
    /// parser; [`leading_empty_lines`](crate::leading_empty_lines) says how many
    /// there are, for a connection that consumes them while idle.
    ///
    /// RFC 9112 §2.2: "In the interest of robustness, a server that is expecting to
    /// receive and parse a request-line SHOULD ignore at least one empty line (CRLF)
    /// received prior to the request-line." A SHOULD for servers, so the server role
    /// turns it on ([`ParserConfig::SERVER`]); it stays a named leniency, off in
    /// [`STRICT`](Self::STRICT), because the codec also reads requests where a
    /// byte-exact reading is wanted (request-smuggling suites, message/http, a proxy
    /// comparing what it forwards).
    pub allow_leading_empty_lines: bool,
    /// The longest head (start line, fields and the empty line) read; past it the
    /// head is refused with field "head" (suggested status 431).
    pub max_head_len: usize,
    /// The longest line (start line or one field line, its line end included); past
    /// it the line is refused with field "request-line" (414), "status-line" or
    /// "field-line" (431).
    pub max_line_len: usize,
    /// The most header fields read, whatever the caller's slice holds; more is refused
    /// with field "header count" (431).
    pub max_headers: usize,
}

impl ParserConfig {
    /// The strict defaults (also [`Default`]).
    pub const STRICT: ParserConfig = ParserConfig {
        allow_obs_fold: false,
        allow_obs_fold_in_response: false,
        allow_bare_lf: false,
        allow_space_before_colon: false,
        allow_leading_empty_lines: false,
        max_head_len: 64 * 1024,
        max_line_len: 8 * 1024,
        max_headers: 100,
    };

    /// The server role's configuration: [`STRICT`](Self::STRICT) but for
    /// `allow_leading_empty_lines`, the SHOULD of RFC 9112 §2.2 ("a server that is
    /// expecting to receive and parse a request-line SHOULD ignore at least one empty
    /// line (CRLF) received prior to the request-line").
    pub const SERVER: ParserConfig =
        ParserConfig { allow_leading_empty_lines: true, ..ParserConfig::STRICT };

    /// The client (user agent) role's configuration: [`STRICT`](Self::STRICT) but for
    /// `allow_obs_fold_in_response`, the MUST of RFC 9112 §5.2 ("A user agent that
    /// receives an obs-fold in a response message [...] MUST replace each received
    /// obs-fold with one or more SP octets").
    pub const USER_AGENT: ParserConfig =
        ParserConfig { allow_obs_fold_in_response: true, ..ParserConfig::STRICT };

    /// The names of the leniencies, as `wirestate parse --lenient NAME` takes them.
    pub const LENIENCY_NAMES: [&'static str; 5] = [
        "obs_fold",
        "obs_fold_in_response",
        "bare_lf",
        "space_before_colon",
        "leading_empty_lines",
    ];

    /// Turns on the leniency called `name` (one of [`Self::LENIENCY_NAMES`], with or
    /// without the `allow_` prefix, `-` taken as `_`); `false` for an unknown name.
    pub fn enable(&mut self, name: &str) -> bool {
        let name = name.strip_prefix("allow_").unwrap_or(name);
        let name = name.strip_prefix("allow-").unwrap_or(name);
        let flag = match name.as_bytes() {
            b"obs_fold" | b"obs-fold" => &mut self.allow_obs_fold,
            b"obs_fold_in_response" | b"obs-fold-in-response" => {
                &mut self.allow_obs_fold_in_response
            }
            b"bare_lf" | b"bare-lf" => &mut self.allow_bare_lf,
            b"space_before_colon" | b"space-before-colon" => &mut self.allow_space_before_colon,
            b"leading_empty_lines" | b"leading-empty-lines" => &mut self.allow_leading_empty_lines,
            _ => return false,
        };
        *flag = true;
        true
    }
}

impl ParserConfig {
    /// The configuration a response is read with: `allow_obs_fold` on when
    /// `allow_obs_fold_in_response` is. The response head parsers apply it
    /// themselves; hand it to the [`ChunkedDecoder`](crate::ChunkedDecoder) of a
    /// response body and to [`parse_headers`](crate::parse_headers) for its trailer
    /// section, so that the trailers follow the leniency of the head they belong to
    /// (RFC 9112 §5.2). A request body's decoder takes the configuration unchanged.
    ///
    /// ```
    /// use wirestate_http1::{Chunk, ChunkedDecoder, ParserConfig};
    /// let body = b"0\r\nX-Sum: a\r\n b\r\n\r\n";
    /// let ua = ParserConfig::USER_AGENT;
    /// let mut dec = ChunkedDecoder::new(&ua.for_response());
    /// assert!(matches!(dec.decode(body).unwrap().1, Chunk::End { .. }));
    /// // As a request body's decoder: the fold is refused.
    /// assert_eq!(ChunkedDecoder::new(&ua).decode(body).unwrap_err().field(), "obs-fold");
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn for_response(&self) -> ParserConfig {
        ParserConfig {
            allow_obs_fold: self.allow_obs_fold || self.allow_obs_fold_in_response,
            ..*self
        }
    }
}

impl Default for ParserConfig {
    fn default() -> Self {
        Self::STRICT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enable_by_name() {
        let mut c = ParserConfig::default();
        for name in ParserConfig::LENIENCY_NAMES {
            assert!(c.enable(name));
        }
        assert!(c.allow_obs_fold && c.allow_obs_fold_in_response && c.allow_bare_lf);
        assert!(c.allow_space_before_colon && c.allow_leading_empty_lines);
        let mut c = ParserConfig::default();
        assert!(c.enable("allow-bare-lf") && c.allow_bare_lf);
        assert!(!c.enable("everything"));
        let mut c = ParserConfig::default();
        assert!(c.enable("obs-fold-in-response") && c.allow_obs_fold_in_response);
        assert!(!c.allow_obs_fold);
    }

    #[test]
    fn role_presets_differ_from_strict_by_one_leniency() {
        let s = ParserConfig::STRICT;
        assert_eq!(ParserConfig { allow_leading_empty_lines: false, ..ParserConfig::SERVER }, s);
        assert_eq!(
            ParserConfig { allow_obs_fold_in_response: false, ..ParserConfig::USER_AGENT },
            s
        );
        const { assert!(ParserConfig::SERVER.allow_leading_empty_lines) };
        const { assert!(ParserConfig::USER_AGENT.allow_obs_fold_in_response) };
        const { assert!(!ParserConfig::USER_AGENT.allow_obs_fold) };
    }
}
