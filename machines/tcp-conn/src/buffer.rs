//! The connection's two byte buffers, each allocated once at its configured size.
//!
//! - [`SendBuffer`]: bytes the user wrote, from SND.UNA on: what is in flight, then
//!   what is not sent yet. Acknowledged bytes leave from the front.
//! - [`RecvBuffer`]: bytes from the user's read position on: the in-order bytes not
//!   read yet, then the receive window, where out-of-order segments are written at
//!   their place as they arrive (RFC 9293 §3.10.7.4), so every byte is copied in
//!   once and out once. [`Assembler`] remembers which parts of the window hold data.

use alloc::vec;
use alloc::vec::Vec;

use wirestate_wire::checksum;

/// A fixed-size ring of bytes: `len` bytes from `head`, wrapping.
#[derive(Debug, Clone)]
struct Ring {
    buf: Vec<u8>,
    head: usize,
    len: usize,
}

impl Ring {
    fn new(capacity: usize) -> Self {
        Ring { buf: vec![0; capacity], head: 0, len: 0 }
    }

    fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// The physical index of logical offset `off` (any offset below capacity).
    fn index(&self, off: usize) -> usize {
        let i = self.head + off;
        if i >= self.buf.len() {
            i - self.buf.len()
        } else {
            i
        }
    }

    /// Copies `data` in at logical offset `off`; the caller keeps
    /// `off + data.len() <= capacity`.
    fn write_at(&mut self, off: usize, data: &[u8]) {
        let cap = self.buf.len();
        if data.is_empty() || off + data.len() > cap {
            return;
        }
        let start = self.index(off);
        let first = data.len().min(cap - start);
        let (a, b) = data.split_at(first);
        if let Some(dst) = self.buf.get_mut(start..start + first) {
            dst.copy_from_slice(a);
        }
        if let Some(dst) = self.buf.get_mut(..b.len()) {
            dst.copy_from_slice(b);
        }
    }

    /// Copies the bytes at logical `off..off + out.len()` into `out`; the caller
    /// keeps that range below capacity.
    fn read_at(&self, off: usize, out: &mut [u8]) {
        let cap = self.buf.len();
        if out.is_empty() || off + out.len() > cap {
            return;
        }
        let start = self.index(off);
        let first = out.len().min(cap - start);
        let (a, b) = out.split_at_mut(first);
        if let Some(src) = self.buf.get(start..start + first) {
            a.copy_from_slice(src);
        }
        if let Some(src) = self.buf.get(..b.len()) {
            b.copy_from_slice(src);
        }
    }

    /// [`read_at`](Self::read_at), returning the ones'-complement sum of the bytes
    /// copied (computed as they are copied).
    fn read_at_summing(&self, off: usize, out: &mut [u8]) -> u16 {
        let cap = self.buf.len();
        if out.is_empty() || off + out.len() > cap {
            return 0;
        }
        let start = self.index(off);
        let first = out.len().min(cap - start);
        let (a, b) = out.split_at_mut(first);
        let mut total = 0;
        if let Some(src) = self.buf.get(start..start + first) {
            total = checksum::copy_and_sum(a, src);
        }
        if let Some(src) = self.buf.get(..b.len()) {
            total = join_sums(total, first, checksum::copy_and_sum(b, src));
        }
        total
    }

    /// [`write_at`](Self::write_at), returning the ones'-complement sum of the
    /// bytes copied (computed as they are copied).
    fn write_at_summing(&mut self, off: usize, data: &[u8]) -> u16 {
        let cap = self.buf.len();
        if data.is_empty() || off + data.len() > cap {
            return 0;
        }
        let start = self.index(off);
        let first = data.len().min(cap - start);
        let (a, b) = data.split_at(first);
        let mut total = 0;
        if let Some(dst) = self.buf.get_mut(start..start + first) {
            total = checksum::copy_and_sum(dst, a);
        }
        if let Some(dst) = self.buf.get_mut(..b.len()) {
            total = join_sums(total, first, checksum::copy_and_sum(dst, b));
        }
        total
    }

    /// Drops `n` bytes from the front.
    fn advance(&mut self, n: usize) {
        let n = n.min(self.len);
        self.head = self.index(n);
        self.len -= n;
    }
}

/// The sum of a ring's two pieces from each one's sum and the first's length.
/// After an odd first piece the second starts at an odd offset: its words
/// straddle the byte lanes, which swapping its sum corrects (RFC 1071 §2 (B)).
fn join_sums(first_sum: u16, first_len: usize, second_sum: u16) -> u16 {
    let second = if first_len % 2 == 1 { second_sum.swap_bytes() } else { second_sum };
    checksum::combine(&[first_sum, second])
}

/// The bytes the user wrote and the peer has not acknowledged, SND.UNA first.
#[derive(Debug, Clone)]
pub(crate) struct SendBuffer {
    ring: Ring,
}

impl SendBuffer {
    pub(crate) fn new(capacity: usize) -> Self {
        SendBuffer { ring: Ring::new(capacity) }
    }

    /// Bytes held (sent and unacknowledged, then unsent).
    pub(crate) fn len(&self) -> usize {
        self.ring.len
    }

    pub(crate) fn capacity(&self) -> usize {
        self.ring.capacity()
    }

    /// Room for more.
    pub(crate) fn free(&self) -> usize {
        self.ring.capacity() - self.ring.len
    }

    /// Appends as much of `data` as fits; how much that was.
    pub(crate) fn push(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(self.free());
        let (take, _) = data.split_at(n);
        let at = self.ring.len;
        self.ring.write_at(at, take);
        self.ring.len += n;
        n
    }

    /// Copies `out.len()` bytes from offset `off` (from SND.UNA) into `out` and
    /// returns their ones'-complement sum, computed as they are copied (the
    /// sender's checksum); 0 when the range is not all held.
    pub(crate) fn read_at_summing(&self, off: usize, out: &mut [u8]) -> u16 {
        if off + out.len() <= self.ring.len {
            self.ring.read_at_summing(off, out)
        } else {
            0
        }
    }

    /// The peer acknowledged `n` bytes.
    pub(crate) fn ack(&mut self, n: usize) {
        self.ring.advance(n);
        if self.ring.len == 0 {
            // Keeps later copies in one piece for as long as possible. (Not in the
            // receive buffer: out-of-order bytes lie past its end.)
            self.ring.head = 0;
        }
    }
}

/// Out-of-order data in the receive window: up to [`Assembler::MAX_RANGES`]
/// disjoint, non-adjacent ranges of offsets from RCV.NXT, in order.
#[derive(Debug, Clone)]
pub(crate) struct Assembler {
    ranges: [(u32, u32); Assembler::MAX_RANGES],
    len: usize,
}

impl Default for Assembler {
    fn default() -> Self {
        Assembler { ranges: [(0, 0); Assembler::MAX_RANGES], len: 0 }
    }
}

impl Assembler {
    /// How many holes' worth of out-of-order data are remembered (64: a window of
    /// 128 segments with every other one lost). A segment that would need more is
    /// dropped (the peer sends it again); this bounds the state.
    pub(crate) const MAX_RANGES: usize = 64;

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn ranges(&self) -> &[(u32, u32)] {
        self.ranges.get(..self.len).unwrap_or_default()
    }

    /// Records `start..end`; false (nothing changed) if that needs a range more
    /// than there is room for.
    pub(crate) fn insert(&mut self, start: u32, end: u32) -> bool {
        if start >= end {
            return true;
        }
        let ranges = self.ranges();
        // The ranges the new one touches (overlaps or abuts) merge with it.
        let first = ranges.iter().position(|&(_, e)| e >= start).unwrap_or(ranges.len());
        let last = ranges.iter().rposition(|&(s, _)| s <= end).map_or(first, |i| i + 1);
        let last = last.max(first);
        let (mut s, mut e) = (start, end);
        if let Some(&(fs, _)) = ranges.get(first).filter(|_| first < last) {
            s = s.min(fs);
        }
        if let Some(&(_, le)) = ranges.get(last.wrapping_sub(1)).filter(|_| first < last) {
            e = e.max(le);
        }
        let removed = last - first;
        if removed == 0 && self.len == Self::MAX_RANGES {
            return false;
        }
        let new_len = self.len + 1 - removed;
        // Shift the tail into place, then write the merged range.
        if removed == 0 {
            self.ranges.copy_within(first..self.len, first + 1);
        } else {
            self.ranges.copy_within(last..self.len, first + 1);
        }
        if let Some(r) = self.ranges.get_mut(first) {
            *r = (s, e);
        }
        self.len = new_len;
        true
    }

    /// RCV.NXT moved on by `n`: offsets shift down; returns how many bytes past the
    /// new RCV.NXT are now contiguous (a range that started at offset 0), and drops
    /// that range.
    pub(crate) fn advance(&mut self, n: u32) -> u32 {
        let mut write = 0;
        let mut contiguous = 0;
        for i in 0..self.len {
            let Some(&(s, e)) = self.ranges.get(i) else { break };
            if e <= n {
                continue;
            }
            let (s, e) = (s.saturating_sub(n), e - n);
            if s == 0 {
                contiguous = e;
                continue;
            }
            if let Some(r) = self.ranges.get_mut(write) {
                *r = (s, e);
            }
            write += 1;
        }
        self.len = write;
        if contiguous > 0 {
            // The bytes up to `contiguous` are in order now; later ranges shift too.
            for r in self.ranges.iter_mut().take(self.len) {
                r.0 -= contiguous.min(r.0);
                r.1 -= contiguous.min(r.1);
            }
        }
        contiguous
    }
}

/// The receive side: unread in-order bytes, then the window.
#[derive(Debug, Clone)]
pub(crate) struct RecvBuffer {
    ring: Ring,
    pub(crate) ooo: Assembler,
}

impl RecvBuffer {
    pub(crate) fn new(capacity: usize) -> Self {
        RecvBuffer { ring: Ring::new(capacity), ooo: Assembler::default() }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.ring.capacity()
    }

    /// In-order bytes waiting for the user.
    pub(crate) fn readable(&self) -> usize {
        self.ring.len
    }

    /// The receive window: room after the unread bytes.
    pub(crate) fn window(&self) -> usize {
        self.ring.capacity() - self.ring.len
    }

    /// Stores a segment's bytes that start `off` bytes past RCV.NXT (the caller
    /// trimmed them to the window). Returns how far RCV.NXT moves (0 when they
    /// are out of order, or could not be remembered).
    pub(crate) fn write(&mut self, off: usize, data: &[u8]) -> usize {
        let window = self.window();
        if data.is_empty() || off >= window {
            return 0;
        }
        let data = data.get(..data.len().min(window - off)).unwrap_or_default();
        // Offsets fit u32: the window is at most the buffer, which Config bounds.
        let (start, end) = (off as u32, (off + data.len()) as u32);
        if off > 0 && !self.ooo.insert(start, end) {
            return 0;
        }
        let at = self.ring.len + off;
        self.ring.write_at(at, data);
        if off > 0 {
            return 0;
        }
        let n = end + self.ooo.advance(end);
        self.ring.len += n as usize;
        n as usize
    }

    /// Copies in-order bytes (at RCV.NXT) into the window without making them
    /// readable, and returns their ones'-complement sum: a receiver verifying a
    /// checksum as it copies commits them with [`commit_staged`](Self::commit_staged)
    /// only once the sum verifies. `None` (nothing copied) unless the window is
    /// empty of out-of-order data and holds all of `data`.
    pub(crate) fn stage_in_order(&mut self, data: &[u8]) -> Option<u16> {
        if !self.ooo.is_empty() || data.len() > self.window() {
            return None;
        }
        let at = self.ring.len;
        Some(self.ring.write_at_summing(at, data))
    }

    /// Makes `n` staged bytes readable; how far RCV.NXT moves.
    pub(crate) fn commit_staged(&mut self, n: usize) -> usize {
        let n = n.min(self.window());
        self.ring.len += n;
        n
    }

    /// Zeroes every byte outside the readable ones (the window's contents mean
    /// nothing until committed), so tests can compare buffers by what they hold.
    #[cfg(test)]
    pub(crate) fn clear_window(&mut self) {
        for off in self.ring.len..self.ring.capacity() {
            let i = self.ring.index(off);
            self.ring.buf[i] = 0;
        }
    }

    /// The unread in-order bytes that lie in one piece from the read position.
    pub(crate) fn contiguous(&self) -> &[u8] {
        let cap = self.ring.capacity();
        let n = self.ring.len.min(cap - self.ring.head);
        self.ring.buf.get(self.ring.head..self.ring.head + n).unwrap_or_default()
    }

    /// Drops `n` read bytes (at most what is readable).
    pub(crate) fn consume(&mut self, n: usize) {
        self.ring.advance(n);
    }

    /// Copies up to `out.len()` in-order bytes to the user.
    pub(crate) fn read(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.ring.len);
        if let Some(out) = out.get_mut(..n) {
            self.ring.read_at(0, out);
        }
        self.ring.advance(n);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_buffer_wraps() {
        let mut b = SendBuffer::new(8);
        assert_eq!(b.push(b"abcdef"), 6);
        b.ack(4);
        assert_eq!(b.push(b"ghijklm"), 6);
        let mut out = [0u8; 8];
        b.read_at_summing(0, &mut out);
        assert_eq!(&out, b"efghijkl");
    }

    #[test]
    fn summed_reads_across_the_wrap_equal_the_sum_of_the_bytes() {
        // Every split point, odd ones included: the second piece's sum must be
        // byte-swapped when the first piece is odd.
        for cap in [7, 8, 9, 64, 65] {
            for head in 0..cap {
                let mut b = SendBuffer::new(cap);
                b.push(&vec![0; head]);
                b.ack(head);
                let data: Vec<u8> = (0..cap).map(|i| (i * 37 + 11) as u8).collect();
                assert_eq!(b.push(&data), cap);
                for off in 0..cap {
                    let mut out = vec![0u8; cap - off];
                    let sum = b.read_at_summing(off, &mut out);
                    assert_eq!(out, &data[off..]);
                    assert_eq!(sum, checksum::sum(&data[off..]), "cap {cap} head {head} off {off}");
                }
            }
        }
    }

    #[test]
    fn staged_writes_across_the_wrap_sum_and_commit_the_bytes() {
        for cap in [7, 8, 9, 64, 65] {
            for head in 0..cap {
                for len in 1..=cap {
                    let mut r = RecvBuffer::new(cap);
                    // Move the read position to `head`.
                    r.write(0, &vec![0; head]);
                    r.consume(head);
                    let data: Vec<u8> = (0..len).map(|i| (i * 29 + 3) as u8).collect();
                    assert_eq!(r.stage_in_order(&data), Some(checksum::sum(&data)));
                    assert_eq!(r.readable(), 0, "staged bytes are not readable");
                    assert_eq!(r.commit_staged(len), len);
                    let mut out = vec![0u8; len];
                    r.read(&mut out);
                    assert_eq!(out, data, "cap {cap} head {head} len {len}");
                }
            }
        }
    }

    #[test]
    fn assembler_merges_and_reports_contiguous() {
        let mut a = Assembler::default();
        assert!(a.insert(10, 20));
        assert!(a.insert(30, 40));
        assert!(a.insert(20, 30));
        assert_eq!(a.ranges(), &[(10, 40)]);
        assert!(a.insert(50, 60));
        assert_eq!(a.advance(10), 30); // 0..10 arrived: 10..40 is now in order
        assert_eq!(a.ranges(), &[(10, 20)]); // 50..60 less 10, less 30
    }

    #[test]
    fn assembler_is_bounded() {
        let mut a = Assembler::default();
        for i in 0..Assembler::MAX_RANGES as u32 {
            assert!(a.insert(10 * i + 5, 10 * i + 8));
        }
        assert!(!a.insert(1000, 1001));
        assert!(a.insert(5, 18)); // merges the first two: room again
        assert!(a.insert(1000, 1001));
    }

    #[test]
    fn receive_out_of_order_then_fill() {
        let mut r = RecvBuffer::new(16);
        assert_eq!(r.write(4, b"efgh"), 0);
        assert_eq!(r.write(0, b"abcd"), 8);
        let mut out = [0u8; 16];
        assert_eq!(r.read(&mut out), 8);
        assert_eq!(&out[..8], b"abcdefgh");
        assert_eq!(r.window(), 16);
        // Out-of-order bytes stay put when the user empties the buffer.
        assert_eq!(r.write(2, b"kl"), 0);
        assert_eq!(r.write(0, b"ij"), 4);
        assert_eq!(r.read(&mut out), 4);
        assert_eq!(&out[..4], b"ijkl");
        assert_eq!(r.write(3, b"p"), 0);
        assert_eq!(r.write(0, b"mn"), 2);
        assert_eq!(r.read(&mut out), 2);
        assert_eq!(r.write(0, b"o"), 2);
        assert_eq!(r.read(&mut out), 2);
        assert_eq!(&out[..2], b"op");
    }
}
