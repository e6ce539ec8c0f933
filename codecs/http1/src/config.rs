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
    /// or HTAB). The value slice then spans the fold, CRLF included; the semantic
    /// parsers of this crate treat CR and LF in a value as whitespace.
    ///
    /// RFC 9112 §5.2: "A user agent that receives an obs-fold in a response message
    /// [...] MUST replace each received obs-fold with one or more SP octets prior to
    /// interpreting the field value", and a server MAY do the same for a request
    /// instead of rejecting it with 400.
    pub allow_obs_fold: bool,
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
    /// Skip empty lines (CRLF, or LF with `allow_bare_lf`) before a request-line.
    ///
    /// RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line
    /// SHOULD ignore at least one empty line (CRLF) received prior to the request-line."
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
        allow_bare_lf: false,
        allow_space_before_colon: false,
        allow_leading_empty_lines: false,
        max_head_len: 64 * 1024,
        max_line_len: 8 * 1024,
        max_headers: 100,
    };

    /// The names of the leniencies, as `wirestate parse --lenient NAME` takes them.
    pub const LENIENCY_NAMES: [&'static str; 4] =
        ["obs_fold", "bare_lf", "space_before_colon", "leading_empty_lines"];

    /// Turns on the leniency called `name` (one of [`Self::LENIENCY_NAMES`], with or
    /// without the `allow_` prefix, `-` taken as `_`); `false` for an unknown name.
    pub fn enable(&mut self, name: &str) -> bool {
        let name = name.strip_prefix("allow_").unwrap_or(name);
        let name = name.strip_prefix("allow-").unwrap_or(name);
        let flag = match name.as_bytes() {
            b"obs_fold" | b"obs-fold" => &mut self.allow_obs_fold,
            b"bare_lf" | b"bare-lf" => &mut self.allow_bare_lf,
            b"space_before_colon" | b"space-before-colon" => &mut self.allow_space_before_colon,
            b"leading_empty_lines" | b"leading-empty-lines" => &mut self.allow_leading_empty_lines,
            _ => return false,
        };
        *flag = true;
        true
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
        assert!(c.allow_obs_fold && c.allow_bare_lf);
        assert!(c.allow_space_before_colon && c.allow_leading_empty_lines);
        let mut c = ParserConfig::default();
        assert!(c.enable("allow-bare-lf") && c.allow_bare_lf);
        assert!(!c.enable("everything"));
    }
}
