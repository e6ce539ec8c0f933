//! One direction of a TCP connection as a byte stream: segments in, bytes out in
//! sequence order, holes reported.
//!
//! Sequence numbers are mapped to 64-bit stream offsets (0 is the first payload
//! octet, the one after the SYN when the SYN was seen), so wraparound at 2^32 needs
//! no care past [`Stream::offset_of`]. Overlaps keep the first copy of every octet,
//! as Wireshark does by default (`tcp.reassemble_out_of_order` keeps the first too).

use std::borrow::Cow;
use std::collections::BTreeMap;

use wirestate_tcp::Flags;

use super::Segment;

/// What a segment made of the stream, in stream order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// In-order bytes starting at stream offset `at`, from the segment of `frame`.
    Data {
        /// The frame whose segment carried them.
        frame: u64,
        /// Stream offset of the first byte.
        at: u64,
        /// Whether `bytes` start where that segment's payload starts (a message
        /// boundary is likelier there: it is where a lost parser picks up again).
        segment_start: bool,
        /// The bytes.
        bytes: Cow<'a, [u8]>,
    },
    /// Octets `from..to` (stream offsets) will never be seen.
    Gap {
        /// First missing offset.
        from: u64,
        /// One past the last missing offset.
        to: u64,
    },
    /// The FIN was reached in order at stream offset `at`: the stream is over.
    End {
        /// The FIN's offset (one past the last octet).
        at: u64,
    },
}

/// Out-of-order bytes waiting for the bytes before them.
#[derive(Debug, Clone)]
struct Piece {
    frame: u64,
    segment_start: bool,
    bytes: Vec<u8>,
}

/// One direction's reassembly state.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    /// The sequence number of stream offset 0, once a segment was seen.
    base: Option<u32>,
    /// The initial sequence number, when the SYN was seen.
    isn: Option<u32>,
    /// The next offset expected in order.
    next: u64,
    /// Out-of-order pieces by offset; they never overlap one another.
    held: BTreeMap<u64, Piece>,
    held_bytes: usize,
    /// The offset of the FIN, once one was seen.
    fin: Option<u64>,
    /// The FIN was reached in order.
    ended: bool,
}

impl Stream {
    /// Bytes held out of order (each piece is an exact-size allocation).
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// Whether the FIN was reached in order.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The initial sequence number, when the SYN was seen.
    pub fn isn(&self) -> Option<u32> {
        self.isn
    }

    /// The sequence number of stream offset `at` (for messages that name a hole).
    pub fn seq_of(&self, at: u64) -> u32 {
        self.base.unwrap_or(0).wrapping_add(at as u32)
    }

    /// The stream offset of `seq`, taken as the one nearest the next expected
    /// offset (within 2^31 either way); `None` before offset 0 or before any segment.
    fn offset_of(&self, seq: u32) -> Option<u64> {
        let base = self.base?;
        let delta = seq.wrapping_sub(base).wrapping_sub(self.next as u32) as i32;
        self.next.checked_add_signed(i64::from(delta))
    }

    /// Takes one segment of this direction, carried by `frame`; returns the stream
    /// offset of its first payload octet (`None` for one before the stream's start
    /// or after its end).
    pub fn segment<'a>(
        &mut self,
        frame: u64,
        seg: &Segment<'a>,
        out: &mut Vec<Event<'a>>,
    ) -> Option<u64> {
        let (seq, payload, wire_len) = (seg.seq, seg.payload, seg.wire_len);
        let (syn, fin) = (seg.flags.contains(Flags::SYN), seg.flags.contains(Flags::FIN));
        let data_seq = if syn { seq.wrapping_add(1) } else { seq };
        if syn && self.isn.is_none() && self.base.is_none() {
            self.isn = Some(seq);
        }
        if self.base.is_none() {
            self.base = Some(data_seq);
        }
        if self.ended {
            return None; // a retransmission after the end: every octet was had already
        }
        let start = self.offset_of(data_seq)?;
        let end = start.saturating_add(wire_len as u64);
        if fin && self.fin.is_none() {
            self.fin = Some(end);
        }
        let captured = start.saturating_add(payload.len() as u64);
        if start <= self.next {
            if captured > self.next {
                let skip = usize::try_from(self.next - start).unwrap_or(usize::MAX);
                let bytes = payload.get(skip..).unwrap_or_default();
                out.push(Event::Data {
                    frame,
                    at: self.next,
                    segment_start: skip == 0,
                    bytes: Cow::Borrowed(bytes),
                });
                self.next = captured;
            }
            if end > self.next {
                // Octets on the wire the capture did not keep (a snap length).
                out.push(Event::Gap { from: self.next, to: end });
                self.next = end;
            }
        } else if captured > start {
            self.hold(frame, start, payload);
        }
        self.pull(out);
        Some(start)
    }

    /// Keeps the octets of `payload` (at `start`) that no held piece has yet.
    fn hold(&mut self, frame: u64, start: u64, payload: &[u8]) {
        let end = start + payload.len() as u64;
        let mut cursor = start;
        // The piece that begins before `start` may cover its head.
        if let Some((&k, p)) = self.held.range(..start).next_back() {
            cursor = cursor.max(k + p.bytes.len() as u64);
        }
        let covering: Vec<(u64, u64)> =
            self.held.range(start..end).map(|(&k, p)| (k, k + p.bytes.len() as u64)).collect();
        let mut fresh = Vec::new();
        for (k, k_end) in covering {
            if k > cursor {
                fresh.push((cursor, k));
            }
            cursor = cursor.max(k_end);
        }
        if cursor < end {
            fresh.push((cursor, end));
        }
        for (from, to) in fresh {
            let (a, b) = ((from - start) as usize, (to - start) as usize);
            let bytes = payload.get(a..b).unwrap_or_default().to_vec();
            self.held_bytes += bytes.len();
            self.held.insert(from, Piece { frame, segment_start: from == start, bytes });
        }
    }

    /// Delivers held pieces that are now in order, then the end if the FIN is reached.
    fn pull(&mut self, out: &mut Vec<Event<'_>>) {
        while let Some(entry) = self.held.first_entry() {
            let at = *entry.key();
            if at > self.next {
                break;
            }
            let piece = entry.remove();
            self.held_bytes -= piece.bytes.len();
            let piece_end = at + piece.bytes.len() as u64;
            if piece_end <= self.next {
                continue;
            }
            let skip = (self.next - at) as usize;
            let bytes = if skip == 0 {
                Cow::Owned(piece.bytes)
            } else {
                Cow::Owned(piece.bytes.get(skip..).unwrap_or_default().to_vec())
            };
            out.push(Event::Data {
                frame: piece.frame,
                at: self.next,
                segment_start: piece.segment_start && skip == 0,
                bytes,
            });
            self.next = piece_end;
        }
        if !self.ended && self.fin.is_some_and(|f| f <= self.next) {
            self.ended = true;
            self.release();
            out.push(Event::End { at: self.next });
        }
    }

    /// Gives up on the first hole: reports it and delivers what follows it.
    /// Does nothing when nothing is held.
    pub fn skip_hole(&mut self, out: &mut Vec<Event<'_>>) {
        let Some((&at, _)) = self.held.first_key_value() else { return };
        if at > self.next {
            out.push(Event::Gap { from: self.next, to: at });
            self.next = at;
        }
        self.pull(out);
    }

    /// The peer acknowledged `ack`: octets before it that were never seen were lost
    /// by the capture, not by the network (the peer had them), so they will not come.
    pub fn acknowledged(&mut self, ack: u32, out: &mut Vec<Event<'_>>) {
        if self.ended {
            return;
        }
        let Some(mut acked) = self.offset_of(ack) else { return };
        if let Some(fin) = self.fin {
            acked = acked.min(fin); // the FIN takes a sequence number but no octet
        }
        while acked > self.next {
            let hole_end = match self.held.first_key_value() {
                Some((&at, _)) if at < acked => at,
                _ => acked,
            };
            out.push(Event::Gap { from: self.next, to: hole_end });
            self.next = hole_end;
            self.pull(out);
        }
    }

    /// The connection was reset: the first hole, if bytes are held past one.
    pub fn reset(&mut self) -> Option<(u64, u64)> {
        let hole = self.held.first_key_value().map(|(&at, _)| (self.next, at));
        self.release();
        hole
    }

    fn release(&mut self) {
        self.held = BTreeMap::new();
        self.held_bytes = 0;
    }
}
