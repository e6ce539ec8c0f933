//! Messages cut out of one direction's byte stream: DNS over TCP (a two-octet
//! length, RFC 1035 §4.2.2) and HTTP/1.1 (a head, then a body framed per RFC 9112
//! §6). Each finished message becomes a layer on the frame that finished it.

use std::collections::VecDeque;

use serde_json::Value;
use wirestate_http1::{BodyKind, Chunk, ChunkedDecoder, ParserConfig};
use wirestate_wire::Error;

use super::super::{app, error_json, http, obj, Obj, Val};

/// The most request methods remembered per connection for the responses to come
/// (pipelined requests not yet answered); past it the oldest is forgotten.
const MAX_PENDING_METHODS: usize = 64;

/// What a finished message adds to the frame that finished it.
#[derive(Debug, Default)]
pub struct Finished {
    /// Layers, in stream order.
    pub layers: Vec<Obj>,
    /// The first error (a message that does not decode, a message over the bound).
    pub error: Option<Value>,
    /// The stream offset just past the last message finished on this frame.
    pub last_end: Option<u64>,
}

impl Finished {
    /// Keeps `e` unless an error is already kept.
    pub fn error(&mut self, e: Value) {
        self.error.get_or_insert(e);
    }
}

/// Which segments one message came from.
#[derive(Debug, Clone, Copy)]
struct Origin {
    /// Stream offset of its first octet.
    start: u64,
    first_frame: u64,
    last_frame: u64,
    segments: u32,
}

impl Origin {
    fn new(frame: u64, start: u64) -> Self {
        Origin { start, first_frame: frame, last_frame: frame, segments: 1 }
    }

    fn add(&mut self, frame: u64) {
        if frame != self.last_frame {
            self.last_frame = frame;
            self.segments = self.segments.saturating_add(1);
        }
    }

    /// Adds `reassembled` to the layer when the message spans several segments,
    /// and records where it ended.
    fn finish(&self, mut layer: Obj, end: u64, out: &mut Finished) {
        if self.segments > 1 {
            let len = end - self.start;
            layer.insert(
                "reassembled",
                obj!({"segments": self.segments, "first_frame": self.first_frame, "len": len}),
            );
        }
        out.layers.push(layer);
        out.last_end = Some(end);
    }
}

/// The request methods of one connection whose responses have not been read, oldest
/// first: a response to HEAD has no body (RFC 9112 §6.3 rule 1).
pub type Methods = VecDeque<String>;

/// The message reader of one direction.
#[derive(Debug)]
pub enum Framer {
    /// DNS messages behind their length.
    Dns(DnsFramer),
    /// HTTP/1.x requests (`requests: true`) or responses.
    Http(HttpFramer),
}

impl Framer {
    /// Bytes buffered (allocation sizes).
    pub fn buffered(&self) -> usize {
        match self {
            Framer::Dns(d) => d.buf.capacity(),
            Framer::Http(h) => h.buffered(),
        }
    }

    /// In-order bytes at stream offset `at` from the segment of `frame`.
    pub fn data(
        &mut self,
        frame: u64,
        at: u64,
        segment_start: bool,
        bytes: &[u8],
        methods: &mut Methods,
        out: &mut Finished,
    ) {
        match self {
            Framer::Dns(d) => d.data(frame, at, segment_start, bytes, out),
            Framer::Http(h) => h.data(frame, at, segment_start, bytes, methods, out),
        }
    }

    /// Octets were lost: the message under way is dropped and the reader waits for
    /// a segment that starts a new one.
    pub fn lost(&mut self) {
        match self {
            Framer::Dns(d) => *d = DnsFramer { seeking: true, ..DnsFramer::default() },
            Framer::Http(h) => h.state = HttpState::Seeking,
        }
    }

    /// The stream ended (FIN): a body delimited by the close is complete.
    pub fn end(&mut self, at: u64, out: &mut Finished) {
        if let Framer::Http(h) = self {
            h.end(at, out);
        }
    }
}

/// DNS over TCP: a two-octet length, then the message.
#[derive(Debug, Default)]
pub struct DnsFramer {
    /// The length and the start of a message that continues in later segments.
    buf: Vec<u8>,
    origin: Option<Origin>,
    /// After a loss: waiting for a segment's first octet to take as a length.
    seeking: bool,
}

impl DnsFramer {
    /// A reader at a message boundary (`seeking: false`) or waiting for one.
    pub fn new(seeking: bool) -> Self {
        DnsFramer { seeking, ..DnsFramer::default() }
    }

    fn data(&mut self, frame: u64, at: u64, segment_start: bool, bytes: &[u8], out: &mut Finished) {
        if self.seeking {
            if !(segment_start && looks_like_dns_start(bytes)) {
                return;
            }
            self.seeking = false;
        }
        let mut pos = 0;
        while pos < bytes.len() {
            let rest = bytes.get(pos..).unwrap_or_default();
            let here = at + pos as u64;
            let origin = self.origin.get_or_insert_with(|| Origin::new(frame, here));
            origin.add(frame);
            if self.buf.is_empty() {
                // The usual case: a whole message in the bytes at hand, no copy.
                if let Some(n) = whole_message(rest) {
                    let origin = *origin;
                    self.finish(rest.get(..n).unwrap_or_default(), origin, here + n as u64, out);
                    pos += n;
                    continue;
                }
            }
            if self.buf.len() < 2 {
                let take = (2 - self.buf.len()).min(rest.len());
                self.buf.extend_from_slice(rest.get(..take).unwrap_or_default());
                pos += take;
                if self.buf.len() < 2 {
                    continue;
                }
            }
            let need =
                2 + self.buf.get(..2).map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])));
            let rest = bytes.get(pos..).unwrap_or_default();
            let take = (need - self.buf.len()).min(rest.len());
            self.buf.extend_from_slice(rest.get(..take).unwrap_or_default());
            pos += take;
            if self.buf.len() == need {
                let msg = std::mem::take(&mut self.buf);
                let origin = *origin;
                self.finish(&msg, origin, at + pos as u64, out);
            }
        }
    }

    /// Decodes one length-prefixed message; a message that does not decode is an
    /// error but the framing (the length) still holds, so reading goes on.
    fn finish(&mut self, msg: &[u8], origin: Origin, end: u64, out: &mut Finished) {
        self.origin = None;
        let len = msg.len().saturating_sub(2);
        match app::dns_obj(msg.get(2..).unwrap_or_default(), Some(len), false) {
            Ok(layer) => origin.finish(layer, end, out),
            Err(e) => {
                out.error(error_json("dns", &e.at(2)));
                out.last_end = Some(end);
            }
        }
    }
}

/// Whether a segment that follows lost octets may start a message: a length that
/// can hold a header (RFC 1035 §4.1.1, 12 octets) and one question, which is what
/// every query and nearly every response carries (RFC 9619). The middle of a
/// message (names, record data) rarely reads so.
fn looks_like_dns_start(bytes: &[u8]) -> bool {
    let field = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    field(0).is_some_and(|len| len >= 12) && field(6) == Some(1)
}

/// The length of the length-prefixed message at the start of `bytes`, if all of it
/// is there.
fn whole_message(bytes: &[u8]) -> Option<usize> {
    let b = bytes.get(..2)?;
    let n = 2 + usize::from(u16::from_be_bytes([b[0], b[1]]));
    (n <= bytes.len()).then_some(n)
}

/// Where an HTTP reader is.
#[derive(Debug)]
enum HttpState {
    /// Lost (after a gap, an error, or a capture that starts mid-stream): waiting
    /// for a segment that starts with a head.
    Seeking,
    /// In a head; `buf` holds it so far.
    Head { buf: Vec<u8> },
    /// In the body of the message whose head is `layer`.
    Body { layer: Obj, body: Body, body_len: u64 },
    /// A tunnel or an upgraded connection: not HTTP any more.
    Opaque,
}

/// How much of a body is left.
#[derive(Debug)]
enum Body {
    Length { left: u64 },
    Chunked { decoder: ChunkedDecoder, line: Vec<u8> },
    UntilClose,
}

/// HTTP/1.x messages of one direction.
#[derive(Debug)]
pub struct HttpFramer {
    requests: bool,
    state: HttpState,
    origin: Option<Origin>,
    config: ParserConfig,
}

impl HttpFramer {
    /// A reader of requests or of responses, at a message boundary or seeking one.
    pub fn new(requests: bool, seeking: bool) -> Self {
        let state = if seeking { HttpState::Seeking } else { HttpState::Head { buf: Vec::new() } };
        let config =
            if requests { ParserConfig::default() } else { ParserConfig::default().for_response() };
        HttpFramer { requests, state, origin: None, config }
    }

    fn buffered(&self) -> usize {
        match &self.state {
            HttpState::Head { buf } => buf.capacity(),
            HttpState::Body { body: Body::Chunked { line, .. }, .. } => line.capacity(),
            _ => 0,
        }
    }

    fn data(
        &mut self,
        frame: u64,
        at: u64,
        segment_start: bool,
        bytes: &[u8],
        methods: &mut Methods,
        out: &mut Finished,
    ) {
        if matches!(self.state, HttpState::Seeking) {
            if !(segment_start && http::starts_head(bytes)) {
                return;
            }
            self.state = HttpState::Head { buf: Vec::new() };
        }
        let mut pos = 0;
        while pos < bytes.len() {
            let rest = bytes.get(pos..).unwrap_or_default();
            let here = at + pos as u64;
            if matches!(self.state, HttpState::Seeking | HttpState::Opaque) {
                return;
            }
            self.origin.get_or_insert_with(|| Origin::new(frame, here)).add(frame);
            let used = match &mut self.state {
                HttpState::Head { .. } => self.head(here, rest, methods, out),
                HttpState::Body { .. } => self.body(here, rest, out),
                HttpState::Seeking | HttpState::Opaque => return,
            };
            // Every step takes at least one octet, so the loop always ends.
            pos += used.max(1).min(rest.len());
        }
    }

    /// Reads head bytes; returns how many of `rest` it took.
    fn head(&mut self, here: u64, rest: &[u8], methods: &mut Methods, out: &mut Finished) -> usize {
        let HttpState::Head { buf } = &mut self.state else { return rest.len() };
        let before = buf.len();
        // A stream on an HTTP port that does not start like HTTP is something else:
        // left as payload, as tshark leaves it, not reported as a broken head.
        if before == 0 && !http::may_start_head(rest) {
            self.state = HttpState::Opaque;
            return rest.len();
        }
        // Never more than the largest head the parser accepts, plus one to see it.
        let room = (self.config.max_head_len + 1).saturating_sub(before);
        let take = room.min(rest.len());
        // A whole head in the bytes at hand is parsed in place.
        let parsed = if before == 0 {
            http::parse_head(rest.get(..take).unwrap_or_default(), "GET")
        } else {
            buf.extend_from_slice(rest.get(..take).unwrap_or_default());
            // A head ends with an empty line: parse again only once one may have
            // come, so a head sent an octet at a time is not parsed once per octet.
            let tail = buf.get(before.saturating_sub(3)..).unwrap_or_default();
            let may_end =
                tail.windows(2).any(|w| w == b"\n\n") || tail.windows(3).any(|w| w == b"\n\r\n");
            if may_end || buf.len() > self.config.max_head_len {
                http::parse_head(buf, "GET")
            } else {
                Ok(None)
            }
        };
        let in_place = before == 0;
        match parsed {
            Ok(Some(_)) => {
                let owned;
                let head_bytes: &[u8] = if in_place {
                    rest.get(..take).unwrap_or_default()
                } else {
                    owned = std::mem::take(buf);
                    &owned
                };
                let consumed = self.start_body(here - before as u64, head_bytes, methods, out);
                // The head's octets that came from `rest`.
                consumed.saturating_sub(before)
            }
            Ok(None) if before + take > self.config.max_head_len => {
                let e = Error::malformed("head", before + take, "a head longer than max_head_len");
                self.fail(e, out);
                rest.len()
            }
            Ok(None) => {
                if in_place {
                    buf.extend_from_slice(rest.get(..take).unwrap_or_default());
                }
                take
            }
            Err(e) => {
                self.fail(e, out);
                rest.len()
            }
        }
    }

    /// Parses the complete head at the start of `bytes` (at stream offset `start`)
    /// again, with the method its framing depends on, and moves to its body.
    /// Returns the head's length.
    fn start_body(
        &mut self,
        start: u64,
        bytes: &[u8],
        methods: &mut Methods,
        out: &mut Finished,
    ) -> usize {
        let method = match self.requests {
            true => String::new(),
            false => methods.front().cloned().unwrap_or_else(|| "GET".into()),
        };
        let head = match http::parse_head(bytes, &method) {
            Ok(Some(h)) => h,
            Ok(None) => return bytes.len(),
            Err(e) => {
                self.fail(e, out);
                return bytes.len();
            }
        };
        let status = head.layer.get("status").and_then(Val::as_u64);
        // A 1xx other than 101 answers nothing yet (RFC 9110 §15.2): the final
        // response to come answers the request.
        if status.is_some_and(|s| !(100..200).contains(&s) || s == 101) {
            methods.pop_front();
        }
        if let Some(m) = &head.method {
            if methods.len() == MAX_PENDING_METHODS {
                methods.pop_front();
            }
            methods.push_back(m.clone());
        }
        let kind = match head.body {
            Ok(kind) => kind,
            Err(e) => {
                self.fail(e, out);
                return head.len;
            }
        };
        let mut layer = head.layer;
        layer.insert("framing", http::framing_name(kind).into());
        let end = start + head.len as u64;
        let connect = head.method.as_deref() == Some("CONNECT");
        let switching = status == Some(101);
        let body = match kind {
            BodyKind::None | BodyKind::Length(0) | BodyKind::Tunnel => None,
            BodyKind::Length(left) => Some(Body::Length { left }),
            BodyKind::Chunked => {
                Some(Body::Chunked { decoder: ChunkedDecoder::new(&self.config), line: Vec::new() })
            }
            BodyKind::UntilClose => Some(Body::UntilClose),
        };
        match body {
            Some(body) => self.state = HttpState::Body { layer, body, body_len: 0 },
            None => {
                self.complete(layer, 0, end, out);
                let opaque = kind == BodyKind::Tunnel || connect || switching;
                self.state =
                    if opaque { HttpState::Opaque } else { HttpState::Head { buf: Vec::new() } };
            }
        }
        head.len
    }

    /// Reads body bytes; returns how many of `rest` it took.
    fn body(&mut self, here: u64, rest: &[u8], out: &mut Finished) -> usize {
        let HttpState::Body { body, body_len, .. } = &mut self.state else { return rest.len() };
        match body {
            Body::Length { left } => {
                let take = usize::try_from(*left).unwrap_or(usize::MAX).min(rest.len());
                *left -= take as u64;
                *body_len += take as u64;
                if *left == 0 {
                    self.finish_body(here + take as u64, out);
                }
                take
            }
            Body::UntilClose => {
                *body_len += rest.len() as u64;
                rest.len()
            }
            Body::Chunked { .. } => self.chunked(here, rest, out),
        }
    }

    /// Reads chunked body bytes; returns how many of `rest` it took. A line cut by
    /// the segment's end is kept and the next bytes appended to it; the decoder
    /// remembers how far it searched, so nothing is scanned twice.
    fn chunked(&mut self, here: u64, rest: &[u8], out: &mut Finished) -> usize {
        let HttpState::Body { body: Body::Chunked { decoder, line }, body_len, .. } =
            &mut self.state
        else {
            return rest.len();
        };
        let carried = line.len();
        let mut joined = Vec::new();
        let input: &[u8] = if carried == 0 {
            rest
        } else {
            line.extend_from_slice(rest);
            joined = std::mem::take(line);
            &joined
        };
        let mut pos = 0;
        loop {
            match decoder.decode(input.get(pos..).unwrap_or_default()) {
                Ok((n, Chunk::Data(d))) => {
                    pos += n;
                    *body_len += d.len() as u64;
                }
                Ok((n, Chunk::Partial)) => {
                    pos += n;
                    if carried == 0 {
                        line.extend_from_slice(input.get(pos..).unwrap_or_default());
                    } else {
                        // Keep the joined bytes (no copy when nothing was consumed).
                        joined.drain(..pos.min(joined.len()));
                        *line = joined;
                    }
                    return rest.len();
                }
                Ok((n, Chunk::End { .. })) => {
                    pos += n;
                    // Offsets in `input` count `carried` octets from before `here`.
                    let end = (here + pos as u64).saturating_sub(carried as u64);
                    self.finish_body(end, out);
                    return pos.saturating_sub(carried);
                }
                Err(e) => {
                    self.fail(e, out);
                    return rest.len();
                }
            }
        }
    }

    fn finish_body(&mut self, end: u64, out: &mut Finished) {
        let state = std::mem::replace(&mut self.state, HttpState::Head { buf: Vec::new() });
        if let HttpState::Body { layer, body_len, .. } = state {
            self.complete(layer, body_len, end, out);
        }
    }

    fn complete(&mut self, mut layer: Obj, body_len: u64, end: u64, out: &mut Finished) {
        layer.insert("body_len", body_len.into());
        if let Some(origin) = self.origin.take() {
            origin.finish(layer, end, out);
        }
    }

    /// A message that does not parse: the error, and the reader is lost (the
    /// framing of what follows is unknown).
    fn fail(&mut self, e: Error, out: &mut Finished) {
        out.error(error_json("http", &e));
        self.origin = None;
        self.state = HttpState::Seeking;
    }

    fn end(&mut self, at: u64, out: &mut Finished) {
        if let HttpState::Body { body: Body::UntilClose, .. } = self.state {
            self.finish_body(at, out);
        }
    }
}
