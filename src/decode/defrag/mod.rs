//! IP fragment reassembly for `wirestate decode`: the fragments of an IPv4 (RFC 791
//! §3.2, RFC 815) or IPv6 (RFC 8200 §4.5) datagram are put back together, and the
//! whole datagram's upper layers are decoded on the frame whose fragment completes
//! it, as tshark does by default (`ip.defragment`, `ipv6.defragment`).
//!
//! Fragments belong together by (source, destination, protocol, identification)
//! for IPv4 and (source, destination, identification) for IPv6. They may come in
//! any order, the last one first; a datagram is complete once its data is covered
//! from offset 0 to the end the last fragment (M clear) sets.
//!
//! What is done with odd fragments:
//!
//! - an exact duplicate (same offset, same octets) adds nothing (it is counted
//!   among the datagram's fragments, as tshark counts it);
//! - IPv4 overlaps: every fragment is kept, and the datagram is put together as
//!   tshark does: in order of offset (fragments of equal offset in order of
//!   arrival), each adding the octets past those already placed. Each octet comes
//!   from the fragment of lowest offset that holds it, the earliest of those;
//! - IPv6 overlaps: the datagram is abandoned, its fragments and any later one of it
//!   discarded (RFC 5722 §4), and the identification remembered, so a later
//!   fragment of it does not start a datagram that could never be right;
//! - a datagram over the size limit (65,535 octets of IPv4 total length; 65,535
//!   octets of IPv6 payload, no jumbograms), a second last fragment that disagrees
//!   on the end, data past the end, or a fragment the capture cut short (a snap
//!   length), or more than [`MAX_FRAGMENTS`] fragments: the datagram is dropped;
//! - an IPv6 fragment with M set whose length is not a multiple of 8 is discarded
//!   (RFC 8200 §4.5).
//!
//! Memory is bounded whatever the capture: at most [`Config::max_datagrams`]
//! datagrams in progress (the least recently used is forgotten first), at most
//! [`Config::max_datagram_bytes`] held for one (past it, the datagram is dropped)
//! and [`Config::max_total_bytes`] in all (past it, the least recently used are
//! forgotten). There is no clock: nothing times out, the bounds alone forget, so
//! the outcome is a function of the capture's bytes and order alone.

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use wirestate_ip::{ipv4, ipv6};
use wirestate_packet::{LayerKind, Net, Sliced};

/// The bounds of a [`Defragmenter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Datagrams in progress at once; a new one past this forgets the least
    /// recently used.
    pub max_datagrams: usize,
    /// Octets of fragment data held for one datagram (overlapping fragments
    /// included); past it the datagram is dropped.
    pub max_datagram_bytes: usize,
    /// Octets of fragment data held in all; past it the least recently used
    /// datagrams are forgotten.
    pub max_total_bytes: usize,
}

impl Default for Config {
    /// 4,096 datagrams, 128 KiB each (twice the largest datagram, room for
    /// overlaps), 32 MiB in all.
    fn default() -> Self {
        Config { max_datagrams: 4096, max_datagram_bytes: 128 << 10, max_total_bytes: 32 << 20 }
    }
}

/// The largest IPv4 datagram, header included (the total length field).
const MAX_IPV4_TOTAL: usize = 65_535;
/// The largest IPv6 payload without a jumbo payload option (RFC 8200 §4.5).
const MAX_IPV6_PAYLOAD: usize = 65_535;
/// Fragments kept for one datagram at most; past it the datagram is dropped. The
/// largest IPv4 datagram over the smallest MTU (68 octets, RFC 791) takes 1,366;
/// the cap keeps the work of tiny overlapping fragments linear in the capture.
pub const MAX_FRAGMENTS: usize = 2048;

/// Which datagram a fragment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// RFC 791 §3.2: source, destination, protocol and identification.
    V4 { src: [u8; 4], dst: [u8; 4], protocol: u8, id: u16 },
    /// RFC 8200 §4.5: source, destination and identification.
    V6 { src: [u8; 16], dst: [u8; 16], id: u32 },
}

/// What one fragment frame did.
#[derive(Debug, Clone, PartialEq)]
pub enum Fragment {
    /// The fragment was taken, or refused; the datagram is not complete. Its frame
    /// shows the IP header and the fragment's data as payload.
    Held,
    /// The fragment completed its datagram.
    Complete(Datagram),
}

/// A datagram put back together.
#[derive(Debug, Clone, PartialEq)]
pub struct Datagram {
    /// The datagram as one IP packet: the first fragment's IP header (IPv4: with
    /// the fragment fields cleared and the total length of the whole; IPv6: the
    /// fixed header with the fragment header's next header and the whole payload
    /// length, no extension header before the fragment header) and the data.
    pub packet: Vec<u8>,
    /// Where the data (the upper-layer header) starts in `packet`.
    pub data_offset: usize,
    /// Fragments it was put together from, exact duplicates included (tshark's
    /// `ip.fragment.count`).
    pub fragments: u32,
    /// The frame of its earliest fragment.
    pub first_frame: u64,
}

impl Datagram {
    /// Octets of data: the upper layer's whole length (tshark's
    /// `ip.reassembled.length`).
    pub fn len(&self) -> usize {
        self.packet.len().saturating_sub(self.data_offset)
    }

    /// Whether there is no data (never, for a datagram completed here).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One fragment's data and where it goes.
#[derive(Debug)]
struct Part {
    offset: usize,
    data: Vec<u8>,
}

/// A datagram in progress.
#[derive(Debug, Default)]
struct Pending {
    /// Fragments in order of arrival.
    parts: Vec<Part>,
    /// The data covered so far, as sorted disjoint ranges.
    covered: Vec<(usize, usize)>,
    /// The end of the data, once the last fragment has come.
    end: Option<usize>,
    /// The IP header to rebuild the datagram with, once the first fragment has come.
    header: Option<Vec<u8>>,
    /// The largest the data may be (less the first fragment's header, for IPv4).
    limit: usize,
    /// Octets of fragment data held.
    held: usize,
    /// Fragments taken, exact duplicates included (as tshark counts them).
    fragments: u32,
    first_frame: u64,
    /// IPv6 only: the datagram was abandoned for an overlap (RFC 5722).
    abandoned: bool,
    /// When it was last used, a key of [`Defragmenter::lru`].
    tick: u64,
}

/// One fragment as the defragmenter needs it.
struct Piece<'a> {
    key: Key,
    offset: usize,
    more: bool,
    data: &'a [u8],
    /// The IP header that would rebuild the datagram, for a first fragment.
    header: Option<Vec<u8>>,
    /// The largest the data may be.
    limit: usize,
    /// Whether a fragment with M set must carry a multiple of 8 octets.
    strict_length: bool,
}

/// IP fragment reassembly across a capture, bounded by its [`Config`].
///
/// Feed it every frame in capture order with [`Defragmenter::frame`]; print each
/// with [`super::with_defrag`].
///
/// ```
/// use wirestate::decode::defrag::{Config, Defragmenter, Fragment};
/// use wirestate::packet::{LinkType, Sliced};
/// // An IPv4 fragment (raw IP) of datagram 7, protocol 99, `data` at `offset`.
/// let fragment = |offset: u16, more: bool, data: &[u8]| {
///     let mut p = vec![0x45, 0, 0, 20 + data.len() as u8, 0, 7];
///     p.extend_from_slice(&((offset / 8) | if more { 0x2000 } else { 0 }).to_be_bytes());
///     p.extend_from_slice(&[64, 99, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
///     p.extend_from_slice(data);
///     p
/// };
/// let mut d = Defragmenter::new(Config::default());
/// let (first, last) = (fragment(0, true, &[1; 16]), fragment(16, false, &[2; 4]));
/// // The last fragment first: held until the first comes.
/// assert_eq!(d.frame(1, &Sliced::new(LinkType::Ip, &last)), Some(Fragment::Held));
/// let Some(Fragment::Complete(whole)) = d.frame(2, &Sliced::new(LinkType::Ip, &first)) else {
///     panic!("complete")
/// };
/// assert_eq!((whole.len(), whole.fragments, whole.first_frame), (20, 2, 1));
/// // A fragment whose end passes 65,535 octets of total length is refused, and
/// // its datagram dropped: it never completes.
/// assert_eq!(d.frame(3, &Sliced::new(LinkType::Ip, &fragment(65512, false, &[0; 8]))), Some(Fragment::Held));
/// assert_eq!(d.datagrams(), 0);
/// // Not a fragment: `None`, decode the frame on its own.
/// assert_eq!(d.frame(4, &Sliced::new(LinkType::Ip, &fragment(0, false, &[0; 8]))), None);
/// ```
#[derive(Debug)]
pub struct Defragmenter {
    config: Config,
    pending: HashMap<Key, Pending, foldhash::fast::RandomState>,
    /// Datagrams by the tick of their last use, oldest first.
    lru: BTreeMap<u64, Key>,
    tick: u64,
    held: usize,
}

impl Defragmenter {
    /// A defragmenter with `config`'s bounds (a per-datagram bound over the total is
    /// lowered to it).
    pub fn new(mut config: Config) -> Self {
        config.max_datagram_bytes = config.max_datagram_bytes.min(config.max_total_bytes);
        let pending = HashMap::with_hasher(foldhash::fast::RandomState::default());
        Defragmenter { config, pending, lru: BTreeMap::new(), tick: 0, held: 0 }
    }

    /// Octets of fragment data held now; never over [`Config::max_total_bytes`]
    /// between calls.
    pub fn held_bytes(&self) -> usize {
        self.held
    }

    /// The most octets held for one datagram now; never over
    /// [`Config::max_datagram_bytes`] between calls.
    pub fn max_datagram_held(&self) -> usize {
        self.pending.values().map(|p| p.held).max().unwrap_or(0)
    }

    /// Datagrams in progress (abandoned IPv6 datagrams remembered included); never
    /// over [`Config::max_datagrams`].
    pub fn datagrams(&self) -> usize {
        self.pending.len()
    }

    /// Feeds one frame (numbered `frame`). `None` when it is not an IP fragment (the
    /// fast path: one flag read): decode it on its own.
    #[inline]
    pub fn frame(&mut self, frame: u64, sliced: &Sliced<'_>) -> Option<Fragment> {
        if !sliced.is_fragment() {
            return None;
        }
        self.fragment(frame, sliced)
    }

    #[inline(never)]
    fn fragment(&mut self, frame: u64, sliced: &Sliced<'_>) -> Option<Fragment> {
        // The transport header of a first fragment is sliced laxly and may fail;
        // the IP layer must not have.
        if sliced.error.is_some_and(|e| matches!(e.layer, LayerKind::Ipv4 | LayerKind::Ipv6)) {
            return None;
        }
        let piece = match sliced.net()? {
            Net::Ipv4(p) => piece_v4(&p)?,
            Net::Ipv6 { packet, .. } => piece_v6(&packet)?,
            Net::Arp(_) => return None,
        };
        if sliced.is_cut() {
            // The octets the capture lost cannot be put back.
            self.forget(piece.key);
            return Some(Fragment::Held);
        }
        Some(self.add(frame, piece))
    }

    fn add(&mut self, frame: u64, piece: Piece<'_>) -> Fragment {
        let key = piece.key;
        if !self.pending.contains_key(&key) {
            if piece.data.is_empty() {
                return Fragment::Held;
            }
            while self.pending.len() >= self.config.max_datagrams.max(1) {
                if !self.evict_oldest(None) {
                    break;
                }
            }
            let pending =
                Pending { first_frame: u64::MAX, limit: piece.limit, ..Pending::default() };
            self.pending.insert(key, pending);
        }
        self.tick += 1;
        let tick = self.tick;
        let Some(p) = self.pending.get_mut(&key) else { return Fragment::Held };
        let before = p.held;
        let verdict = p.take(frame, piece, self.config.max_datagram_bytes);
        self.held = self.held.saturating_sub(before) + p.held;
        self.lru.remove(&p.tick);
        match verdict {
            Verdict::Keep => {
                p.tick = tick;
                self.lru.insert(tick, key);
                self.enforce_total_bound(key);
                Fragment::Held
            }
            Verdict::Drop => {
                self.forget(key);
                Fragment::Held
            }
            Verdict::Complete(d) => {
                self.forget(key);
                Fragment::Complete(d)
            }
        }
    }

    /// Forgets the datagram of `key`, if one is in progress.
    fn forget(&mut self, key: Key) {
        if let Some(p) = self.pending.remove(&key) {
            self.lru.remove(&p.tick);
            self.held = self.held.saturating_sub(p.held);
        }
    }

    /// Forgets the least recently used datagram other than `keep`; `false` when
    /// there is none.
    fn evict_oldest(&mut self, keep: Option<Key>) -> bool {
        let victim = self.lru.values().copied().find(|k| Some(*k) != keep);
        let Some(key) = victim else { return false };
        self.forget(key);
        true
    }

    fn enforce_total_bound(&mut self, keep: Key) {
        while self.held > self.config.max_total_bytes {
            if !self.evict_oldest(Some(keep)) {
                break;
            }
        }
    }
}

/// What one fragment does to its datagram.
enum Verdict {
    Keep,
    Drop,
    Complete(Datagram),
}

impl Pending {
    /// Takes one fragment (RFC 815's hole bookkeeping, as sorted covered ranges).
    fn take(&mut self, frame: u64, piece: Piece<'_>, max_bytes: usize) -> Verdict {
        if self.abandoned {
            return Verdict::Keep;
        }
        let v6 = matches!(piece.key, Key::V6 { .. });
        let (start, len) = (piece.offset, piece.data.len());
        let end = start + len;
        // RFC 8200 §4.5: a fragment with M set whose length is not a multiple of 8
        // octets must be discarded.
        if piece.strict_length && piece.more && len % 8 != 0 {
            return Verdict::Keep;
        }
        if let Some(h) = &piece.header {
            if self.header.is_none() {
                self.header = Some(h.clone());
                self.limit = piece.limit;
            }
        }
        let limit = self.limit.min(piece.limit);
        let end_ok = match (piece.more, self.end) {
            (false, Some(e)) => e == end,
            (false, None) => self.covered.last().is_none_or(|&(_, e)| e <= end),
            (true, Some(e)) => end <= e,
            (true, None) => true,
        };
        if end > limit || !end_ok {
            return Verdict::Drop;
        }
        if !piece.more {
            self.end = Some(end);
        }
        if len == 0 {
            self.first_frame = self.first_frame.min(frame);
            self.fragments = self.fragments.saturating_add(1);
            return self.completed();
        }
        let overlaps = self.covered.iter().any(|&(a, b)| a < end && start < b);
        if overlaps {
            if self.is_duplicate(start, piece.data) {
                self.fragments = self.fragments.saturating_add(1);
                return self.completed();
            }
            if v6 {
                // RFC 5722 §4: "reassembly of that packet must be abandoned and all
                // the fragments that have been received for that packet must be
                // discarded".
                self.abandoned = true;
                self.parts = Vec::new();
                self.held = 0;
                return Verdict::Keep;
            }
        }
        if self.held + len > max_bytes || self.parts.len() >= MAX_FRAGMENTS {
            return Verdict::Drop;
        }
        self.first_frame = self.first_frame.min(frame);
        self.fragments = self.fragments.saturating_add(1);
        self.held += len;
        self.parts.push(Part { offset: start, data: piece.data.to_vec() });
        cover(&mut self.covered, start, end);
        self.completed()
    }

    /// Whether a fragment of `data` at `start` repeats one already taken exactly.
    fn is_duplicate(&self, start: usize, data: &[u8]) -> bool {
        self.parts.iter().any(|p| p.offset == start && p.data == data)
    }

    /// The datagram, if every octet from 0 to the end is here and the first
    /// fragment gave its header.
    fn completed(&mut self) -> Verdict {
        let (Some(end), Some(header)) = (self.end, &self.header) else { return Verdict::Keep };
        if self.covered.as_slice() != [(0, end)] {
            return Verdict::Keep;
        }
        let mut packet = Vec::with_capacity(header.len() + end);
        packet.extend_from_slice(header);
        let data_offset = packet.len();
        packet.resize(data_offset + end, 0);
        // tshark's order: by offset, equal offsets by arrival (a stable sort);
        // each fragment adds the octets past those already placed.
        let mut order: Vec<&Part> = self.parts.iter().collect();
        order.sort_by_key(|p| p.offset);
        let mut placed = 0;
        for p in order {
            let from = placed.max(p.offset);
            let to = p.offset + p.data.len();
            if to > from {
                let src = p.data.get(from - p.offset..).unwrap_or_default();
                if let Some(dst) = packet.get_mut(data_offset + from..data_offset + to) {
                    dst.copy_from_slice(src);
                }
                placed = to;
            }
        }
        finish_header(&mut packet, data_offset, end);
        let (fragments, first_frame) = (self.fragments, self.first_frame);
        Verdict::Complete(Datagram { packet, data_offset, fragments, first_frame })
    }
}

/// Adds `start..end` to sorted disjoint `ranges`, merging what it touches.
fn cover(ranges: &mut Vec<(usize, usize)>, start: usize, end: usize) {
    let (mut a, mut b) = (start, end);
    ranges.retain(|&(x, y)| {
        let touches = x <= b && a <= y;
        if touches {
            a = a.min(x);
            b = b.max(y);
        }
        !touches
    });
    let at = ranges.partition_point(|&(x, _)| x < a);
    ranges.insert(at, (a, b));
}

/// Sets the rebuilt header's length fields for `len` octets of data (and, for
/// IPv4, its checksum, so the header reads as a sound one).
fn finish_header(packet: &mut [u8], data_offset: usize, len: usize) {
    match packet.first().map(|b| b >> 4) {
        Some(4) => {
            let total = u16::try_from(data_offset + len).unwrap_or(u16::MAX);
            if let Ok(mut p) = ipv4::Packet::new_checked_header(&mut *packet) {
                p.set_total_len(total);
                p.fill_checksum();
            }
        }
        Some(6) => {
            let payload = u16::try_from(len).unwrap_or(u16::MAX);
            if let Some(b) = packet.get_mut(4..6) {
                b.copy_from_slice(&payload.to_be_bytes());
            }
        }
        _ => {}
    }
}

fn piece_v4<'a>(p: &ipv4::Packet<&'a [u8]>) -> Option<Piece<'a>> {
    let key = Key::V4 {
        src: p.src_addr().octets(),
        dst: p.dst_addr().octets(),
        protocol: p.protocol().0,
        id: p.ident(),
    };
    let offset = usize::from(p.frag_offset());
    let header_len = p.header_len();
    let bytes: &'a [u8] = p.into_inner();
    let data = bytes.get(header_len..usize::from(p.total_len()).min(bytes.len()))?;
    let header = (offset == 0).then(|| {
        let mut h = bytes.get(..header_len).unwrap_or_default().to_vec();
        // Flags (DF kept) and offset: the datagram whole is no fragment.
        if let Some(b) = h.get_mut(6..8) {
            b[0] &= 0x40;
            b[1] = 0;
        }
        h
    });
    Some(Piece {
        key,
        offset,
        more: p.more_frags(),
        data,
        header,
        limit: MAX_IPV4_TOTAL.saturating_sub(header_len),
        strict_length: false,
    })
}

fn piece_v6<'a>(p: &ipv6::Packet<&'a [u8]>) -> Option<Piece<'a>> {
    let bytes: &'a [u8] = p.into_inner();
    let payload_end = (ipv6::HEADER_LEN + usize::from(p.payload_len())).min(bytes.len());
    let payload = bytes.get(ipv6::HEADER_LEN..payload_end)?;
    let mut walk = ipv6::ExtHeaders::new(p.next_header(), payload);
    let (frag, at, next) = loop {
        let h = walk.next()?.ok()?;
        if let Some(f) = h.as_fragment() {
            break (f, h.offset + h.bytes.len(), h.next_header);
        }
    };
    // An atomic fragment (offset 0, no M; RFC 6946) is whole: never here, as
    // slicing does not call it a fragment.
    let key = Key::V6 { src: p.src_addr().octets(), dst: p.dst_addr().octets(), id: frag.ident };
    let offset = usize::from(frag.offset);
    let header = (offset == 0).then(|| {
        let mut h = bytes.get(..ipv6::HEADER_LEN).unwrap_or_default().to_vec();
        // The unfragmentable extension headers are left out: the rebuilt
        // packet's fixed header names the fragmentable part's first header.
        if let Some(b) = h.get_mut(6) {
            *b = next.0;
        }
        h
    });
    // RFC 8200 §4.5: the reassembled payload length, the unfragmentable part
    // included, may not exceed 65,535 octets.
    let unfragmentable = at.saturating_sub(8);
    Some(Piece {
        key,
        offset,
        more: frag.more,
        data: payload.get(at..)?,
        header,
        limit: MAX_IPV6_PAYLOAD.saturating_sub(unfragmentable),
        strict_length: true,
    })
}

/// The data of a fragment: the IPv4 payload, or what follows the IPv6 fragment
/// header. `None` for a packet that is not a fragment.
pub(crate) fn fragment_data<'a>(net: &Net<'a>) -> Option<&'a [u8]> {
    match net {
        Net::Ipv4(p) => piece_v4(p).map(|piece| piece.data),
        Net::Ipv6 { packet, .. } => piece_v6(packet).map(|piece| piece.data),
        Net::Arp(_) => None,
    }
}
