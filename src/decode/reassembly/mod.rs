//! TCP stream reassembly for `wirestate decode`: DNS over TCP and HTTP/1.x messages
//! that span segments are decoded once whole, on the frame whose segment completes
//! them, as tshark does by default.
//!
//! Each connection (both directions, keyed by addresses and ports) is tracked while
//! it is on port 53 (DNS) or 80/8080 (HTTP). A SYN sets a direction's initial
//! sequence number; a connection first seen mid-stream starts at its first segment
//! with data, and its readers wait for a segment that starts a message.
//! Out-of-order segments are held until the octets before them arrive;
//! retransmitted and overlapping octets are dropped, the first copy winning.
//!
//! A hole that will not be filled is reported as a `tcp` error on the frame where
//! that becomes known, naming the missing sequence numbers, and the message it cut
//! is dropped (never guessed at). That is known when the peer acknowledges octets
//! the capture never had, when the octets held out of order reach the per-connection
//! bound, when the capture cut a segment short (a snap length), or when the
//! connection is reset with octets held.
//!
//! Memory is bounded whatever the capture: at most [`Config::max_flows`]
//! connections (the least recently used is forgotten first), at most
//! [`Config::max_flow_bytes`] buffered per connection and
//! [`Config::max_total_bytes`] in all. A message that does not fit in its
//! connection's bound is dropped with an error.

mod message;
mod stream;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use serde_json::{json, Value};
use wirestate_packet::{Sliced, Transport};
use wirestate_tcp::Flags;

use super::Obj;
use message::{DnsFramer, Finished, Framer, HttpFramer, Methods};
use stream::{Event, Stream};

/// The bounds of a [`Reassembler`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Connections tracked at once; a new one past this forgets the least recently
    /// used.
    pub max_flows: usize,
    /// Octets buffered per connection (both directions: out-of-order segments and
    /// parts of messages). Past it the first hole is given up as a gap, then the
    /// messages under way are dropped.
    pub max_flow_bytes: usize,
    /// Octets buffered in all; past it the least recently used connections are
    /// forgotten.
    pub max_total_bytes: usize,
}

impl Default for Config {
    /// 16,384 connections, 1 MiB each, 64 MiB in all.
    fn default() -> Self {
        Config { max_flows: 16_384, max_flow_bytes: 1 << 20, max_total_bytes: 64 << 20 }
    }
}

/// One endpoint: address and port.
type Endpoint = (IpAddr, u16);

/// What a segment made on its frame: the messages it completed, what is left of
/// its payload, and an error.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reassembled {
    /// Application layers (`dns`, `http`) of the messages completed, in stream order.
    pub layers: Vec<Obj>,
    /// Octets of this segment's payload that are not in a message completed here
    /// (the start of a message that continues, a retransmission, ...).
    pub payload_len: usize,
    /// A gap (`{"layer": "tcp", "field": "seq", ...}`) or a message that did not decode.
    pub error: Option<Value>,
}

/// The application protocol of a connection, by port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    Dns,
    Http,
}

impl Proto {
    /// DNS on port 53, HTTP on 80 and 8080 (either end), as the per-packet decode.
    fn of(seg: &Segment<'_>) -> Option<Proto> {
        let ports = [seg.src.1, seg.dst.1];
        if ports.contains(&53) {
            Some(Proto::Dns)
        } else if ports.contains(&80) || ports.contains(&8080) {
            Some(Proto::Http)
        } else {
            None
        }
    }
}

/// One direction: its stream and its message reader.
#[derive(Debug)]
struct Direction {
    stream: Stream,
    framer: Framer,
}

/// One connection; `dirs[0]` carries the octets sent by the lower endpoint.
#[derive(Debug)]
struct Flow {
    dirs: [Direction; 2],
    methods: Methods,
    /// When it was last used, a key of [`Reassembler::lru`].
    tick: u64,
}

impl Flow {
    fn new(proto: Proto, key: &(Endpoint, Endpoint), syn: bool) -> Self {
        // HTTP requests go to the server's port.
        let server_is_low = matches!(key.0 .1, 80 | 8080);
        let framer = |i: usize| match proto {
            Proto::Dns => Framer::Dns(DnsFramer::new(!syn)),
            Proto::Http => Framer::Http(HttpFramer::new((i == 1) == server_is_low, !syn)),
        };
        let dir = |i| Direction { stream: Stream::default(), framer: framer(i) };
        Flow { dirs: [dir(0), dir(1)], methods: Methods::new(), tick: 0 }
    }

    /// Octets buffered: out-of-order segments and messages under way. (The queue of
    /// request methods, at most 64 short names, is fixed overhead like the struct.)
    fn buffered(&self) -> usize {
        self.dirs.iter().map(|d| d.stream.held_bytes() + d.framer.buffered()).sum()
    }
}

/// One TCP segment as the reassembler needs it.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    /// Sender's address and port.
    pub src: Endpoint,
    /// Receiver's address and port.
    pub dst: Endpoint,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number (read when `flags` has ACK).
    pub ack: u32,
    /// Control bits.
    pub flags: Flags,
    /// The payload as captured.
    pub payload: &'a [u8],
    /// The payload's length on the wire (more than `payload.len()` when cut).
    pub wire_len: usize,
}

/// TCP stream reassembly across a capture, bounded by its [`Config`].
///
/// Feed it every frame in capture order with [`Reassembler::frame`] (or
/// [`Reassembler::segment`]); print each with [`super::with_reassembly`].
///
/// ```
/// use wirestate::decode::reassembly::{Config, Reassembler, Segment};
/// use wirestate::tcp::Flags;
/// let mut r = Reassembler::new(Config::default());
/// let client = ("192.0.2.1".parse().unwrap(), 40000);
/// let server = ("192.0.2.53".parse().unwrap(), 53);
/// let seg = |seq, flags, payload: &'static [u8]| Segment {
///     src: client, dst: server, seq, ack: 0, flags, payload, wire_len: payload.len(),
/// };
/// r.segment(1, &seg(999, Flags::SYN, b"")).unwrap();
/// // A DNS query of 17 octets (after its length) in two segments.
/// let msg = b"\x00\x11\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01";
/// let first = r.segment(2, &seg(1000, Flags::ACK, &msg[..5])).unwrap();
/// assert!(first.layers.is_empty() && first.payload_len == 5);
/// let second = r.segment(3, &seg(1005, Flags::ACK, &msg[5..])).unwrap();
/// assert_eq!(second.layers[0].get("proto").and_then(|p| p.as_str()), Some("dns"));
/// // The server acknowledges octets the capture never had: a gap, reported.
/// let ack = Segment {
///     src: server, dst: client, seq: 0, ack: 1100, flags: Flags::ACK, payload: b"", wire_len: 0,
/// };
/// let gap = r.segment(4, &ack).unwrap();
/// assert_eq!(gap.error.unwrap()["field"], "seq");
/// ```
#[derive(Debug)]
pub struct Reassembler {
    config: Config,
    flows: HashMap<(Endpoint, Endpoint), Flow, foldhash::fast::RandomState>,
    /// Flows by the tick of their last use, oldest first.
    lru: BTreeMap<u64, (Endpoint, Endpoint)>,
    tick: u64,
    buffered: usize,
    /// Flows forgotten by the bounds with octets of messages under way, and how
    /// many: the flow's next segment says they were lost (at most `max_flows`).
    forgotten: HashMap<FlowKey, usize, foldhash::fast::RandomState>,
}

impl Reassembler {
    /// A reassembler with `config`'s bounds (a per-connection bound over the total
    /// is lowered to it).
    pub fn new(mut config: Config) -> Self {
        config.max_flow_bytes = config.max_flow_bytes.min(config.max_total_bytes);
        let flows = HashMap::with_hasher(foldhash::fast::RandomState::default());
        let forgotten = HashMap::with_hasher(foldhash::fast::RandomState::default());
        Reassembler { config, flows, lru: BTreeMap::new(), tick: 0, buffered: 0, forgotten }
    }

    /// Octets buffered now (out-of-order segments and messages under way); never
    /// over [`Config::max_total_bytes`] between calls.
    pub fn buffered_bytes(&self) -> usize {
        self.buffered
    }

    /// The most octets buffered for one connection now; never over
    /// [`Config::max_flow_bytes`] between calls.
    pub fn max_flow_buffered(&self) -> usize {
        self.flows.values().map(Flow::buffered).max().unwrap_or(0)
    }

    /// Connections tracked now; never over [`Config::max_flows`].
    pub fn flows(&self) -> usize {
        self.flows.len()
    }

    /// Feeds one frame (numbered `frame`). `None` when it is not a TCP segment of a
    /// connection reassembled here (other ports, other protocols, a frame that did
    /// not slice): decode it on its own.
    pub fn frame(&mut self, frame: u64, sliced: &Sliced<'_>) -> Option<Reassembled> {
        if sliced.error.is_some() {
            return None;
        }
        let Some(Transport::Tcp(t)) = sliced.transport() else { return None };
        let net = sliced.net()?;
        let (src, dst) = net.addrs()?;
        let payload = sliced.payload();
        let wire_len = if sliced.is_cut() {
            super::transport::ip_payload_len(&net).saturating_sub(t.header_len()).max(payload.len())
        } else {
            payload.len()
        };
        let seg = Segment {
            src: (src, t.src_port()),
            dst: (dst, t.dst_port()),
            seq: t.seq_number().0,
            ack: t.ack_number().0,
            flags: t.flags(),
            payload,
            wire_len,
        };
        self.segment(frame, &seg)
    }

    /// [`Reassembler::frame`] for a segment already taken apart.
    pub fn segment(&mut self, frame: u64, seg: &Segment<'_>) -> Option<Reassembled> {
        let proto = Proto::of(seg)?;
        let low_sends = seg.src <= seg.dst;
        let key = if low_sends { (seg.src, seg.dst) } else { (seg.dst, seg.src) };
        let (from, to) = if low_sends { (0, 1) } else { (1, 0) };
        let mut done = Reassembled { payload_len: seg.payload.len(), ..Reassembled::default() };
        // Nearly always empty: one lookup in an empty table costs next to nothing.
        let forgotten = (!self.forgotten.is_empty())
            .then(|| self.forgotten.remove(&key))
            .flatten()
            .map(|lost| forgotten_error(&self.config, key, lost));
        if !self.find_flow(key, proto, seg, from) {
            done.error = forgotten;
            return Some(done);
        }
        self.tick += 1;
        let Reassembler { config, flows, lru, tick, buffered, .. } = self;
        let flow = flows.get_mut(&key)?;
        let before = flow.buffered();
        let mut own = Finished::default();
        let mut events = Vec::new();
        let start = flow.dirs[from].stream.segment(frame, seg, &mut events);
        apply(flow, key, from, events, &mut own);
        // Side effects on the other direction and the bounds: layers and errors
        // there, but not on this segment's payload.
        let mut other = Finished::default();
        let reset = control(flow, key, seg, to, &mut other);
        enforce_flow_bound(config, flow, key, &mut other);
        if let (Some(start), Some(end)) = (start, own.last_end) {
            let seg_end = start + seg.payload.len() as u64;
            done.payload_len = seg_end.saturating_sub(end.max(start)) as usize;
        }
        done.layers = own.layers;
        done.layers.append(&mut other.layers);
        done.error = own.error.or(other.error).or(forgotten);
        *buffered -= before.min(*buffered);
        // The flow is updated where it lies in the table (moving it out and back
        // cost two hashes and two copies of it a segment).
        lru.remove(&flow.tick);
        let over = reset || flow.dirs.iter().all(|d| d.stream.ended());
        if over {
            flows.remove(&key);
        } else {
            *buffered += flow.buffered();
            flow.tick = *tick;
            lru.insert(*tick, key);
            self.enforce_total_bound(key);
        }
        Some(done)
    }

    /// Makes sure the table has a flow for `key`: the one there, or a new one when
    /// the segment can start one (a SYN, or data); `false` for a bare ACK, FIN or
    /// RST of no flow.
    fn find_flow(&mut self, key: FlowKey, proto: Proto, seg: &Segment<'_>, from: usize) -> bool {
        let syn = seg.flags.contains(Flags::SYN);
        if let Some(flow) = self.flows.get(&key) {
            // A client's SYN with another initial sequence number: the addresses and
            // ports were reused by a new connection (RFC 9293 §3.4.1).
            let isn = flow.dirs[from].stream.isn();
            let new = syn && !seg.flags.contains(Flags::ACK) && isn.is_some_and(|i| i != seg.seq);
            if !new {
                return true;
            }
            let (tick, held) = (flow.tick, flow.buffered());
            self.lru.remove(&tick);
            self.flows.remove(&key);
            self.buffered -= held.min(self.buffered);
        } else if !syn && seg.wire_len == 0 {
            return false;
        }
        while self.flows.len() >= self.config.max_flows.max(1) {
            if !self.evict_oldest(None) {
                break;
            }
        }
        // Its tick, and its place in the LRU order, are set when the segment is done
        // (tick 0 is no key of `lru`: ticks count from 1).
        self.flows.insert(key, Flow::new(proto, &key, syn));
        true
    }

    /// Forgets the least recently used flow other than `keep`; `false` when there is none.
    fn evict_oldest(&mut self, keep: Option<FlowKey>) -> bool {
        let victim = self.lru.iter().map(|(&t, &k)| (t, k)).find(|(_, k)| Some(*k) != keep);
        let Some((tick, key)) = victim else { return false };
        self.lru.remove(&tick);
        if let Some(flow) = self.flows.remove(&key) {
            let lost = flow.buffered();
            self.buffered -= lost.min(self.buffered);
            if lost > 0 && self.forgotten.len() < self.config.max_flows {
                self.forgotten.insert(key, lost);
            }
        }
        true
    }

    fn enforce_total_bound(&mut self, keep: FlowKey) {
        while self.buffered > self.config.max_total_bytes {
            if !self.evict_oldest(Some(keep)) {
                break;
            }
        }
    }
}

/// Brings the flow under its bound: first holes are given up (each reported as a
/// gap), then messages under way are dropped.
fn enforce_flow_bound(config: &Config, flow: &mut Flow, key: FlowKey, out: &mut Finished) {
    while flow.buffered() > config.max_flow_bytes {
        let held = |d: usize| flow.dirs[d].stream.held_bytes();
        let d = if held(0) >= held(1) { 0 } else { 1 };
        if held(d) > 0 {
            let mut events = Vec::new();
            flow.dirs[d].stream.skip_hole(&mut events);
            apply(flow, key, d, events, out);
            continue;
        }
        let buf = |d: usize| flow.dirs[d].framer.buffered();
        let d = if buf(0) >= buf(1) { 0 } else { 1 };
        if buf(d) == 0 {
            break;
        }
        flow.dirs[d].framer.lost();
        let (src, dst) = ends(key, d);
        out.error(json!({
            "layer": "tcp", "offset": 0, "field": "reassembly",
            "message": format!(
                "a message from {} to {} is over the reassembly bound of {} octets: dropped",
                show(src), show(dst), config.max_flow_bytes
            ),
        }));
    }
}

/// A flow's key: its two endpoints, lower first.
type FlowKey = (Endpoint, Endpoint);

/// The sender and receiver of direction `d`.
fn ends(key: FlowKey, d: usize) -> (Endpoint, Endpoint) {
    if d == 0 {
        key
    } else {
        (key.1, key.0)
    }
}

fn show((addr, port): Endpoint) -> String {
    match addr {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

/// What the segment's ACK and RST do: octets the peer (direction `to`) acknowledged
/// but the capture never had are a gap; a reset reports the holes of both directions.
/// Returns whether the connection was reset.
fn control(
    flow: &mut Flow,
    key: FlowKey,
    seg: &Segment<'_>,
    to: usize,
    out: &mut Finished,
) -> bool {
    if seg.flags.contains(Flags::ACK) {
        let mut events = Vec::new();
        flow.dirs[to].stream.acknowledged(seg.ack, &mut events);
        apply(flow, key, to, events, out);
    }
    let reset = seg.flags.contains(Flags::RST);
    if reset {
        for d in [0, 1] {
            if let Some((a, b)) = flow.dirs[d].stream.reset() {
                out.error(gap_error(flow, key, d, a, b));
            }
        }
    }
    reset
}

/// Hands a direction's stream events to its reader.
fn apply(flow: &mut Flow, key: FlowKey, d: usize, events: Vec<Event<'_>>, out: &mut Finished) {
    for event in events {
        match event {
            Event::Data { frame, at, segment_start, bytes } => {
                let Flow { dirs, methods, .. } = flow;
                dirs[d].framer.data(frame, at, segment_start, &bytes, methods, out);
            }
            Event::Gap { from, to } => {
                out.error(gap_error(flow, key, d, from, to));
                flow.dirs[d].framer.lost();
            }
            Event::End { at } => flow.dirs[d].framer.end(at, out),
        }
    }
}

/// The `error` on the next segment of a flow the bounds forgot while it held `lost`
/// octets of buffer (messages under way, out-of-order segments).
fn forgotten_error(config: &Config, key: FlowKey, lost: usize) -> Value {
    json!({
        "layer": "tcp", "offset": 0, "field": "reassembly",
        "message": format!(
            "the connection {} <-> {} was forgotten past the reassembly bounds ({} connections, \
             {} octets in all) with {lost} octets buffered: the messages under way are lost",
            show(key.0), show(key.1), config.max_flows, config.max_total_bytes
        ),
    })
}

/// The `error` for octets `from..to` of direction `d` that will never be seen.
fn gap_error(flow: &Flow, key: FlowKey, d: usize, from: u64, to: u64) -> Value {
    let stream = &flow.dirs[d].stream;
    let (a, b) = (stream.seq_of(from), stream.seq_of(to));
    let (src, dst) = ends(key, d);
    json!({
        "layer": "tcp", "offset": 4, "field": "seq",
        "message": format!(
            "{} octets from {} to {} (seq {a} to {b}) were not captured; the message they belong to is dropped",
            to - from, show(src), show(dst)
        ),
        "missing": {"seq": a, "len": to - from},
    })
}
