//! HTTP/1.1 heads in TCP payloads, whole messages for `wirestate parse`, and URLs.

use core::fmt::Write as _;

use serde_json::Value;
use wirestate_http1::message::{Message, StartLine};
use wirestate_http1::{
    BodyKind, Header, ParserConfig, Request, Response, Status, Url, EMPTY_HEADER,
};
use wirestate_wire::Error;

use super::app::Stopped;
use super::{hex, layer, Obj, Val};

/// What `wirestate parse http1-*` may be told about the message.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    /// Named leniencies to turn on (`obs_fold`, `bare_lf`, `space_before_colon`,
    /// `leading_empty_lines`); an unknown name is refused by the caller.
    pub lenient: Vec<String>,
    /// The method of the request a response answers (`HEAD` responses have no body).
    pub method: Option<String>,
}

impl HttpOptions {
    /// The parser configuration, or the first unknown leniency name.
    pub fn config(&self) -> Result<ParserConfig, String> {
        let mut cfg = ParserConfig::default();
        for name in &self.lenient {
            if !cfg.enable(name) {
                return Err(name.clone());
            }
        }
        Ok(cfg)
    }
}

fn text(b: &[u8]) -> Val {
    String::from_utf8_lossy(b).into_owned().into()
}

fn headers_json(headers: &[Header<'_>]) -> Val {
    Val::List(headers.iter().map(|h| Val::List(vec![text(h.name), text(h.value)])).collect())
}

/// How an HTTP/1.x head starts: a status line's version, or one of the RFC 9110 §9
/// methods and a space.
const HEAD_STARTS: &[&[u8]] = &[
    b"HTTP/1.",
    b"GET ",
    b"HEAD ",
    b"POST ",
    b"PUT ",
    b"DELETE ",
    b"CONNECT ",
    b"OPTIONS ",
    b"TRACE ",
    b"PATCH ",
];

/// Whether a TCP payload starts like an HTTP/1.x head ([`HEAD_STARTS`]). Only such
/// segments are decoded, so the middle of a body (which may start with any text) is
/// not taken for a broken head.
pub fn starts_head(payload: &[u8]) -> bool {
    HEAD_STARTS.iter().any(|s| payload.starts_with(s))
}

/// Whether `bytes` may be the first octets of an HTTP/1.x head: they start like one
/// ([`starts_head`]), or are a prefix of how one starts. A stream that fails this on
/// a port taken for HTTP is not HTTP.
pub fn may_start_head(bytes: &[u8]) -> bool {
    HEAD_STARTS.iter().any(|s| bytes.starts_with(s) || s.starts_with(bytes))
}

/// A head read from the start of a message: its layer (without `body_len`), its
/// length, how its body is framed, and for a request the method.
pub(crate) struct Head {
    pub layer: Obj,
    pub len: usize,
    pub body: Result<BodyKind, Error>,
    pub method: Option<String>,
}

/// Reads the head at the start of `bytes`; `Ok(None)` when it continues past them.
/// A response's framing depends on the `method` of the request it answers.
pub(crate) fn parse_head(bytes: &[u8], method: &str) -> Result<Option<Head>, Error> {
    let cfg = ParserConfig::default();
    let mut headers = [EMPTY_HEADER; 100];
    let mut o = layer("http");
    if bytes.starts_with(b"HTTP/") {
        let mut res = Response::new(&mut headers);
        let Status::Complete(n) = res.parse_with(&cfg, bytes)? else { return Ok(None) };
        o.insert("kind", "response".into());
        o.insert("version", res.version.as_str().into());
        o.insert("status", res.code.into());
        o.insert("reason", text(res.reason));
        o.insert("headers", headers_json(res.headers));
        let body = BodyKind::of_response(&res, method, bytes.get(..n).unwrap_or_default());
        Ok(Some(Head { layer: o, len: n, body, method: None }))
    } else {
        let mut req = Request::new(&mut headers);
        let Status::Complete(n) = req.parse_with(&cfg, bytes)? else { return Ok(None) };
        o.insert("kind", "request".into());
        o.insert("method", Val::text(req.method));
        o.insert("target", Val::text(req.target));
        o.insert("version", req.version.as_str().into());
        o.insert("headers", headers_json(req.headers));
        let body = BodyKind::of_request(&req, bytes.get(..n).unwrap_or_default());
        Ok(Some(Head { layer: o, len: n, body, method: Some(req.method.to_string()) }))
    }
}

/// The start line of a head at the start of a TCP payload, for the text view:
/// `GET /index.html HTTP/1.1` or `HTTP/1.1 200 OK` (odd octets of a reason phrase
/// escaped). The whole head is parsed first, so a malformed header is an error as it
/// is for [`head_layer`]; `Ok(false)`, with nothing written, when the head continues
/// in a later segment.
pub fn head_line(line: &mut String, payload: &[u8]) -> Result<bool, Error> {
    let cfg = ParserConfig::default();
    let mut headers = [EMPTY_HEADER; 100];
    if payload.starts_with(b"HTTP/") {
        let mut res = Response::new(&mut headers);
        let Status::Complete(_) = res.parse_with(&cfg, payload)? else { return Ok(false) };
        let _ = write!(line, "{} {} {}", res.version.as_str(), res.code, res.reason.escape_ascii());
    } else {
        let mut req = Request::new(&mut headers);
        let Status::Complete(_) = req.parse_with(&cfg, payload)? else { return Ok(false) };
        let _ = write!(line, "{} {} {}", req.method, req.target, req.version.as_str());
    }
    Ok(true)
}

/// The methods after which tcpdump prints a payload's first line.
const TCPDUMP_METHODS: &[&str] = &[
    "GET",
    "PUT",
    "COPY",
    "HEAD",
    "LOCK",
    "MOVE",
    "POLL",
    "POST",
    "BCOPY",
    "BMOVE",
    "MKCOL",
    "TRACE",
    "LABEL",
    "MERGE",
    "DELETE",
    "SEARCH",
    "UNLOCK",
    "REPORT",
    "UPDATE",
    "NOTIFY",
    "BDELETE",
    "CONNECT",
    "OPTIONS",
    "CHECKIN",
    "PROPFIND",
    "CHECKOUT",
    "CCM_POST",
    "SUBSCRIBE",
    "PROPPATCH",
    "BPROPFIND",
    "BPROPPATCH",
    "UNCHECKOUT",
    "MKACTIVITY",
    "MKWORKSPACE",
    "UNSUBSCRIBE",
    "RPC_CONNECT",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
];

/// A token of printable ASCII starting at `at` and where the next one starts
/// (blanks skipped up to the line's end), as tcpdump reads a request or status
/// line; `None` when there is none, it holds another octet, or it is longer than
/// 128 octets.
fn token(payload: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let rest = payload.get(at..)?;
    let end =
        rest.iter().position(|&c| matches!(c, b' ' | b'\t' | b'\r' | b'\n')).unwrap_or(rest.len());
    let tok = rest.get(..end)?;
    if tok.is_empty() || tok.len() > 128 || !tok.iter().all(|&c| (0x21..=0x7e).contains(&c)) {
        return None;
    }
    let blanks = rest.get(end..)?.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    Some((tok, at + end + blanks))
}

/// tcpdump's text after `: HTTP` for a TCP payload on an HTTP port: `: ` and the
/// first line when the payload starts with a method it knows or its second token
/// is a three-digit status code, the line ending at CRLF or LF. A line that runs
/// to the payload's end is followed by ` [|http]`; one that holds a non-printable
/// octet (a tab aside) or a CR not before LF is not shown.
pub fn tcpdump_first_line(line: &mut String, payload: &[u8]) {
    let Some((first, next)) = token(payload, 0) else { return };
    let method = TCPDUMP_METHODS.iter().any(|m| m.as_bytes().eq_ignore_ascii_case(first));
    let status =
        token(payload, next).is_some_and(|(t, _)| t.len() == 3 && t.iter().all(u8::is_ascii_digit));
    if !(method || status) {
        return;
    }
    let mut end = None;
    for (i, &c) in payload.iter().enumerate() {
        match c {
            b'\n' => {
                end = Some((i, false));
                break;
            }
            b'\r' => {
                if payload.get(i + 1) != Some(&b'\n') {
                    return;
                }
                end = Some((i, false));
                break;
            }
            b'\t' | 0x20..=0x7e => {}
            _ => return,
        }
    }
    let (end, cut) = end.unwrap_or((payload.len(), true));
    line.push_str(": ");
    // Printable ASCII and tabs only, as checked above.
    line.extend(payload.iter().take(end).map(|&c| char::from(c)));
    if cut {
        line.push_str(" [|http]");
    }
}

/// The `http` layer of a head at the start of a TCP payload and the head's
/// length. The body is not followed (it may span segments): `body_len` is given
/// when Content-Length says it. A head that goes on past the payload is decoded
/// as far as it goes: its complete lines, the layer marked `"partial": true`, and
/// the error where it stopped.
pub fn head_layer(payload: &[u8]) -> Result<Option<(Obj, usize)>, Stopped> {
    match whole_head(payload) {
        Ok(Some(done)) => Ok(Some(done)),
        Ok(None) => Err(partial_head(payload)),
        Err(e) => Err((None, e)),
    }
}

/// The complete lines of a head that continues past `payload`, read as a head
/// ending there; the error says where the payload ended.
fn partial_head(payload: &[u8]) -> Stopped {
    let cut = Error::truncated("head", 0, payload.len() + 1, payload.len());
    let Some(last) = payload.iter().rposition(|&b| b == b'\n') else { return (None, cut) };
    let mut lines = payload.get(..=last).unwrap_or_default().to_vec();
    lines.extend_from_slice(b"\r\n");
    match whole_head(&lines) {
        Ok(Some((mut o, _))) => {
            o.insert("partial", true.into());
            (Some(o), cut)
        }
        // A line the whole payload's parse had not reached yet is broken.
        Ok(None) => (None, cut),
        Err(e) => (None, e),
    }
}

/// The layer of a whole head at the start of `payload` and its length; `Ok(None)`
/// when the head continues past it.
fn whole_head(payload: &[u8]) -> Result<Option<(Obj, usize)>, Error> {
    // Without the request the method is unknown; GET is the common case.
    let Some(mut head) = parse_head(payload, "GET")? else { return Ok(None) };
    match head.body {
        Ok(BodyKind::Length(len)) => head.layer.insert("body_len", len.into()),
        Ok(BodyKind::None) if head.method.is_some() => head.layer.insert("body_len", 0.into()),
        _ => {}
    }
    Ok(Some((head.layer, head.len)))
}

/// `wirestate parse http1-request` / `http1-response`: one whole message, head and
/// body framed per RFC 9112 §6.
pub fn parse_message(bytes: &[u8], request: bool, opts: &HttpOptions) -> Result<Value, Error> {
    let cfg = opts.config().map_err(|_| {
        Error::malformed(
            "lenient",
            0,
            "unknown leniency (obs_fold, bare_lf, space_before_colon, leading_empty_lines)",
        )
    })?;
    let m = if request {
        Message::parse_request(bytes, &cfg)?
    } else {
        Message::parse_response(bytes, opts.method.as_deref().unwrap_or("GET"), &cfg)?
    };
    let mut o = layer("http");
    match m.start {
        StartLine::Request { method, target } => {
            o.insert("kind", "request".into());
            o.insert("method", Val::text(method));
            o.insert("target", Val::text(target));
            o.insert("version", m.version.as_str().into());
        }
        StartLine::Response { code, reason } => {
            o.insert("kind", "response".into());
            o.insert("version", m.version.as_str().into());
            o.insert("status", code.into());
            o.insert("reason", text(reason));
        }
    }
    o.insert("headers", headers_json(&m.headers));
    o.insert("framing", framing_name(m.kind).into());
    o.insert("body_len", m.body.len().into());
    o.insert("body", hex(&m.body).into());
    o.insert("trailers", headers_json(&m.trailers));
    o.insert("len", m.len.into());
    Ok(Value::from(o))
}

pub(crate) fn framing_name(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::None => "none",
        BodyKind::Length(_) => "content-length",
        BodyKind::Chunked => "chunked",
        BodyKind::UntilClose => "until-close",
        BodyKind::Tunnel => "tunnel",
    }
}

/// `wirestate parse url`: the parts a client needs to send the request.
pub fn parse_url(bytes: &[u8]) -> Result<Value, Error> {
    let s = core::str::from_utf8(bytes).map_err(|e| {
        Error::malformed("url", e.valid_up_to(), "RFC 3986 §2: a URL is ASCII text")
    })?;
    let s = s.trim_end_matches(['\r', '\n']);
    let url = Url::parse(s)?;
    let mut o = layer("url");
    o.insert("scheme", Val::text(url.scheme));
    o.insert("userinfo", url.userinfo.map(Val::text).into());
    o.insert("host", url.host.to_string().into());
    o.insert("port", url.port.into());
    o.insert("effective_port", url.port_or_default().into());
    o.insert("path", Val::text(url.path));
    o.insert("query", url.query.map(Val::text).into());
    o.insert("fragment", url.fragment.map(Val::text).into());
    let (path, query) = url.origin_form();
    let origin = match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    o.insert("origin_form", origin.into());
    let mut out = vec![0u8; url.path.len() + 1];
    if let Ok(p) = url.normalized_path(&mut out) {
        o.insert("normalized_path", Val::text(p));
    }
    Ok(Value::from(o))
}
