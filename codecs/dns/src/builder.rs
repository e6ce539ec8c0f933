//! The message builder: writes into a caller's buffer, compresses names through a
//! fixed-size hash table of the suffixes already written, keeps to a size limit
//! (dropping whole RRsets and setting TC, RFC 2181 §9), and frames DNS over TCP.

use wirestate_wire::bytes::{write_u16, write_u32};
use wirestate_wire::{Error, Result};

use crate::message::HEADER_LEN;
use crate::name::{MAX_LABELS, MAX_NAME_LEN};
use crate::{field, Class, EdnsOption, Header, Message, Name, RData, Record, Section, Type};

/// The most octets a DNS message can have (the TCP length prefix is 16 bits).
pub const MAX_MESSAGE_LEN: usize = 65535;

/// Slots of the compression table; a power of two.
const SLOTS: usize = 256;
/// How far a lookup or insert probes from a name's home slot.
const PROBES: usize = 8;
/// The largest offset a compression pointer can hold (14 bits).
const MAX_POINTER: usize = 0x3fff;

/// The buffer or the size limit is reached.
#[derive(Debug)]
pub(crate) struct Full;

/// Where previously written name suffixes start, by the hash of their labels.
/// Entries are verified against the bytes on a hit, so a stale entry (after a
/// rollback) costs a miss, never a wrong pointer.
///
/// One word a slot: the offset in the low 14 bits (all a pointer can hold; 0 marks
/// an empty slot, as no name starts inside the header) and 18 bits of the hash above
/// it, which turn away most wrong candidates before the bytes are compared. A small
/// table is a cheap one to clear for every message.
struct Table {
    slots: [u32; SLOTS],
    /// Whether anything was entered: nothing can be found before.
    used: bool,
}

impl Table {
    const OFFSET_BITS: u32 = 14;

    #[inline(always)]
    fn tag(hash: u32) -> u32 {
        hash & !((1 << Self::OFFSET_BITS) - 1)
    }
}

/// The RRset being written, so a record that does not fit takes its whole RRset
/// out with it (RFC 2181 §9).
#[derive(Clone, Copy)]
struct Rrset {
    /// Where its first record (and so its owner name) starts.
    start: usize,
    count: u16,
    rtype: Type,
    class: Class,
}

/// Writes a DNS message into a caller-supplied buffer.
///
/// Questions, then answer, authority and additional records, in that order. Names
/// are compressed (RFC 1035 §4.1.4) in owner names and in the RDATA of the RFC 1035
/// types (RFC 3597 §4), through a 256-slot hash table of the name suffixes already
/// written: one probe per suffix, no search of the message. Matching is exact, octet
/// for octet, so a compressed name reads back with the case it was written with.
///
/// When a record does not fit the buffer or the [limit](Self::set_limit), the
/// records of its RRset already written are taken out again, the push returns
/// `Ok(false)`, and every later push is dropped too: a response keeps whole RRsets
/// only (RFC 2181 §9). TC is set when this happens in the question, answer or
/// authority section, not for the additional section ("the TC bit should not be
/// set merely because some extra information could have been included").
///
/// ```
/// use wirestate_dns::{Builder, Class, Header, Message, Name, RData, Section, Type};
/// let (www, _) = Name::parse(b"\x03www\x07example\x00", 0, "name").unwrap();
/// let mut buf = [0u8; 512];
/// let mut b = Builder::new(&mut buf, &Header { id: 1, qr: true, ..Header::default() }).unwrap();
/// b.question(&www, Type::A, Class::IN).unwrap();
/// for last in 1..=2 {
///     let rdata = RData::A([192, 0, 2, last].into());
///     assert!(b.push(Section::Answer, &www, Class::IN, 300, &rdata).unwrap());
/// }
/// let len = b.finish();
/// // The owner names are pointers to the question's name: 2 octets each.
/// assert_eq!(len, 12 + 17 + 2 * (2 + 10 + 4));
/// let msg = Message::new_checked(&buf[..len]).unwrap();
/// assert_eq!(msg.records().count(), 2);
///
/// // Sections go in order.
/// let mut b = Builder::new(&mut buf, &Header::default()).unwrap();
/// b.push(Section::Authority, &www, Class::IN, 0, &RData::A([0; 4].into())).unwrap();
/// let err = b.push(Section::Answer, &www, Class::IN, 0, &RData::A([0; 4].into())).unwrap_err();
/// assert_eq!(err.field(), "section");
/// ```
pub struct Builder<'b> {
    buf: &'b mut [u8],
    /// Where the message starts in `buf` (2 with the TCP length prefix).
    base: usize,
    /// The end of what is written, from the start of `buf`.
    len: usize,
    /// The end `len` may not pass.
    limit: usize,
    counts: [u16; 4],
    section: u8,
    dropped: bool,
    compress: bool,
    rrset: Option<Rrset>,
    table: Table,
}

impl<'b> Builder<'b> {
    /// Starts a message with `header` (its counts are written by
    /// [`finish`](Self::finish)) at the start of `buf`.
    ///
    /// # Errors
    /// `Truncated` "header" at 0 if `buf` is shorter than 12 octets.
    // Inlined (with `start` and `raw`) so the builder, with its 1 KiB table, is
    // made where the caller keeps it rather than copied out through `Result`.
    #[inline]
    pub fn new(buf: &'b mut [u8], header: &Header) -> Result<Self> {
        Self::start(buf, header, 0)
    }

    /// Starts a message for DNS over TCP: two octets of length, then the message
    /// (RFC 1035 §4.2.2); [`finish`](Self::finish) fills the length in.
    ///
    /// # Errors
    /// `Truncated` "header" at 0 if `buf` is shorter than 14 octets.
    #[inline]
    pub fn new_tcp(buf: &'b mut [u8], header: &Header) -> Result<Self> {
        Self::start(buf, header, 2)
    }

    #[inline(always)]
    fn start(buf: &'b mut [u8], header: &Header, base: usize) -> Result<Self> {
        if buf.len() < base + HEADER_LEN {
            return Err(Error::truncated("header", 0, base + HEADER_LEN, buf.len()));
        }
        let mut msg = Message::new_unchecked(&mut buf[base..base + HEADER_LEN]);
        header.emit(&mut msg);
        let limit = buf.len().min(base + MAX_MESSAGE_LEN);
        let mut b = Builder::raw(buf);
        b.base = base;
        b.len = base + HEADER_LEN;
        b.limit = limit;
        b.compress = true;
        Ok(b)
    }

    /// A builder with no header, writing RDATA or names uncompressed from offset 0
    /// (for the owned forms).
    #[inline(always)]
    pub(crate) fn raw(buf: &'b mut [u8]) -> Self {
        let limit = buf.len();
        Builder {
            buf,
            base: 0,
            len: 0,
            limit,
            counts: [0; 4],
            section: 0,
            dropped: false,
            compress: false,
            rrset: None,
            table: Table { slots: [0; SLOTS], used: false },
        }
    }

    /// Limits the message to `max` octets (the TCP prefix not counted), e.g. the
    /// requestor's UDP payload size (RFC 6891 §6.2.5) or 512 (RFC 1035 §4.2.1).
    /// The buffer's length is always a limit too.
    pub fn set_limit(&mut self, max: usize) {
        self.limit = self.buf.len().min(self.base.saturating_add(max.min(MAX_MESSAGE_LEN)));
    }

    /// The octets of message written so far (the TCP prefix not counted).
    pub fn len(&self) -> usize {
        self.len - self.base
    }

    /// Whether only the header is written.
    pub fn is_empty(&self) -> bool {
        self.len() == HEADER_LEN
    }

    /// Whether a push was dropped for lack of room.
    pub fn dropped(&self) -> bool {
        self.dropped
    }

    /// Adds a question.
    ///
    /// Returns `Ok(false)` (and sets TC) if it does not fit.
    ///
    /// # Errors
    /// `Malformed` "section" after a record; `Malformed` "count" past 65535 questions.
    pub fn question(&mut self, name: &Name<'_>, qtype: Type, qclass: Class) -> Result<bool> {
        self.enter(0)?;
        if self.dropped {
            return Ok(false);
        }
        let start = self.len;
        let written = (|| {
            self.put_name(name, true)?;
            self.put_u16(qtype.0)?;
            self.put_u16(qclass.0)
        })();
        if written.is_err() {
            self.len = start;
            self.drop_rest(0);
            return Ok(false);
        }
        self.counts[0] += 1;
        Ok(true)
    }

    /// Adds a record read from another message (or built by hand) to `section`.
    ///
    /// # Errors
    /// Those of [`push`](Self::push).
    pub fn record(&mut self, section: Section, record: &Record<'_>) -> Result<bool> {
        self.push(section, &record.name, record.class, record.ttl, &record.rdata)
    }

    /// Adds a record: `name`, the type of `rdata`, `class`, `ttl`, `rdata`.
    ///
    /// Returns `Ok(false)` when it does not fit; see the type doc for what is
    /// dropped and when TC is set.
    ///
    /// # Errors
    /// `Malformed` "section" for a section before the current one; `Malformed`
    /// "count" past 65535 records in a section.
    pub fn push(
        &mut self,
        section: Section,
        name: &Name<'_>,
        class: Class,
        ttl: u32,
        rdata: &RData<'_>,
    ) -> Result<bool> {
        let index = section as u8 + 1;
        self.enter(index)?;
        if self.dropped {
            return Ok(false);
        }
        let start = self.len;
        let rtype = rdata.rtype();
        let same = self.same_rrset(name, rtype, class);
        let set_start = self.rrset.filter(|_| same).map(|set| set.start);
        if self.write_record(name, set_start, rtype, class, ttl, rdata).is_err() {
            // RFC 2181 §9: take the partial RRset out with the record.
            self.len = match self.rrset {
                Some(set) if same => {
                    self.counts[usize::from(index)] -= set.count;
                    set.start
                }
                _ => start,
            };
            self.drop_rest(index);
            return Ok(false);
        }
        match &mut self.rrset {
            Some(set) if same => set.count += 1,
            _ => self.rrset = Some(Rrset { start, count: 1, rtype, class }),
        }
        self.counts[usize::from(index)] += 1;
        Ok(true)
    }

    /// Whether a record of `name`, `rtype`, `class` joins the RRset written last.
    fn same_rrset(&self, name: &Name<'_>, rtype: Type, class: Class) -> bool {
        self.rrset.is_some_and(|set| {
            set.rtype == rtype
                && set.class == class
                && written_name_equals(&self.buf[self.base..self.len], set.start - self.base, name)
        })
    }

    /// Adds the OPT pseudo-record (RFC 6891 §6.1.2) to the additional section.
    ///
    /// # Errors
    /// Those of [`push`](Self::push).
    pub fn edns(
        &mut self,
        udp_size: u16,
        ext_rcode: u8,
        version: u8,
        dnssec_ok: bool,
        options: &[EdnsOption<'_>],
    ) -> Result<bool> {
        self.enter(3)?;
        if self.dropped {
            return Ok(false);
        }
        let start = self.len;
        let ttl =
            u32::from(ext_rcode) << 24 | u32::from(version) << 16 | u32::from(dnssec_ok) << 15;
        let written = (|| {
            self.put(&[0, 0, 41])?;
            self.put_u16(udp_size)?;
            self.put_u32(ttl)?;
            let len: usize = options.iter().map(EdnsOption::buffer_len).sum();
            self.put_u16(u16::try_from(len).map_err(|_| Full)?)?;
            for o in options {
                let dst = self.reserve(o.buffer_len())?;
                o.emit(dst);
            }
            Ok::<(), Full>(())
        })();
        if written.is_err() {
            self.len = start;
            self.drop_rest(3);
            return Ok(false);
        }
        self.counts[3] += 1;
        Ok(true)
    }

    /// Writes the counts (and TC if a question or answer or authority record was
    /// dropped) and, for TCP, the length prefix; returns the octets written,
    /// prefix included: the message is `buf[..len]`.
    #[inline] // taking the builder by value must not copy its table
    pub fn finish(self) -> usize {
        let base = self.base;
        let counts = [field::QDCOUNT, field::ANCOUNT, field::NSCOUNT, field::ARCOUNT];
        for (at, n) in counts.into_iter().zip(self.counts) {
            write_u16(self.buf, base + at, n);
        }
        if base == 2 {
            write_u16(self.buf, 0, (self.len - 2) as u16);
        }
        self.len
    }

    /// Moves to section `index` (0 questions .. 3 additional).
    fn enter(&mut self, index: u8) -> Result<()> {
        if index < self.section {
            return Err(Error::malformed(
                "section",
                self.len(),
                "RFC 1035 §4.1: sections are written in order",
            ));
        }
        if index != self.section {
            self.rrset = None;
        }
        self.section = index;
        if self.counts[usize::from(index)] == u16::MAX {
            return Err(Error::malformed(
                "count",
                self.len(),
                "RFC 1035 §4.1.1: at most 65535 entries",
            ));
        }
        Ok(())
    }

    fn drop_rest(&mut self, index: u8) {
        self.dropped = true;
        self.rrset = None;
        if index < 3 {
            let tc = self.base + field::FLAGS_HI;
            self.buf[tc] |= field::TC;
        }
    }

    /// Writes one record; `same_owner_at` is where the RRset's first record (with
    /// the same owner) starts, when it joins one.
    fn write_record(
        &mut self,
        owner: &Name<'_>,
        same_owner_at: Option<usize>,
        rtype: Type,
        class: Class,
        ttl: u32,
        rdata: &RData<'_>,
    ) -> core::result::Result<(), Full> {
        match same_owner_at {
            Some(at) if self.compress => self.put_owner_again(owner, at)?,
            _ => self.put_name(owner, true)?,
        }
        self.put_u16(rtype.0)?;
        self.put_u16(class.0)?;
        self.put_u32(ttl)?;
        let rdlen_at = self.len;
        self.put_u16(0)?;
        rdata.emit_to(self)?;
        let rdlen = u16::try_from(self.len - rdlen_at - 2).map_err(|_| Full)?;
        write_u16(self.buf, rdlen_at, rdlen);
        Ok(())
    }

    /// Reserves `n` octets and returns them.
    #[inline]
    pub(crate) fn reserve(&mut self, n: usize) -> core::result::Result<&mut [u8], Full> {
        let start = self.len;
        let end = start.checked_add(n).ok_or(Full)?;
        if end > self.limit {
            return Err(Full);
        }
        self.len = end;
        Ok(&mut self.buf[start..end])
    }

    #[inline]
    pub(crate) fn put(&mut self, bytes: &[u8]) -> core::result::Result<(), Full> {
        self.reserve(bytes.len())?.copy_from_slice(bytes);
        Ok(())
    }

    #[inline]
    pub(crate) fn put_u8(&mut self, v: u8) -> core::result::Result<(), Full> {
        self.put(&[v])
    }

    #[inline]
    pub(crate) fn put_u16(&mut self, v: u16) -> core::result::Result<(), Full> {
        self.put(&v.to_be_bytes())
    }

    #[inline]
    pub(crate) fn put_u32(&mut self, v: u32) -> core::result::Result<(), Full> {
        write_u32(self.reserve(4)?, 0, v);
        Ok(())
    }

    /// A character-string: length octet and octets (at most 255, checked by callers).
    #[inline]
    pub(crate) fn put_char_string(&mut self, s: &[u8]) -> core::result::Result<(), Full> {
        self.put_u8(u8::try_from(s.len()).map_err(|_| Full)?)?;
        self.put(s)
    }

    /// Writes `name`, as a pointer to a suffix already written where there is one
    /// and `compress` allows it (and this builder compresses at all).
    #[inline]
    pub(crate) fn put_name(
        &mut self,
        name: &Name<'_>,
        compress: bool,
    ) -> core::result::Result<(), Full> {
        let compress = compress && self.compress;
        // Most names that repeat, repeat whole (glue owners after NS targets, RDATA
        // names after owners): look the whole name up first, straight from its
        // labels, before laying it out.
        let mut values = LabelValues::default();
        if compress && !name.is_root() && self.table.used {
            let hash = table_hash(values.whole_name_hash(name));
            let msg = &self.buf[self.base..self.len];
            if let Some(off) = self.lookup(hash, |off| written_name_equals(msg, off, name)) {
                return self.put_u16(0xc000 | off);
            }
        }
        let mut flat = FlatName::empty();
        flat.fill(name);
        self.put_flat(&flat, compress, &values)
    }

    /// Writes the owner of a record joining an RRset, which is the owner of the
    /// set's first record at `at`: the same pointer it was written as, or a pointer
    /// to it, without a lookup.
    fn put_owner_again(&mut self, owner: &Name<'_>, at: usize) -> core::result::Result<(), Full> {
        if owner.is_root() {
            // The root is one octet; a pointer to it would be two.
            return self.put_u8(0);
        }
        let first = [self.buf[at], self.buf.get(at + 1).copied().unwrap_or(0)];
        if first[0] & 0xc0 == 0xc0 {
            return self.put(&first);
        }
        match at - self.base {
            rel @ HEADER_LEN..=MAX_POINTER => self.put_u16(0xc000 | rel as u16),
            _ => self.put_name(owner, true),
        }
    }

    /// The rest of [`put_name`](Self::put_name), the name laid out flat and not
    /// found whole.
    fn put_flat(
        &mut self,
        name: &FlatName,
        compress: bool,
        known: &LabelValues,
    ) -> core::result::Result<(), Full> {
        let starts = name.starts();
        if !compress {
            self.put(name.wire())?;
            return self.put_u8(0);
        }
        // One pass from the rightmost label: hash each suffix, look it up while every
        // shorter suffix was found, and enter the suffixes that will be written here
        // (the labels left of the longest suffix found) at the offsets they will have.
        let at = self.len - self.base;
        let mut hit = None;
        let mut first = starts.len();
        let mut suffix = 0u64;
        let mut end = name.len;
        for (i, &start) in starts.iter().enumerate().rev() {
            let start = usize::from(start);
            let value = known
                .get(i, starts.len())
                .unwrap_or_else(|| label_value(name.bytes.get(start + 1..end).unwrap_or_default()));
            suffix = value.wrapping_add(SUFFIX_K.wrapping_mul(suffix));
            end = start;
            let hash = table_hash(suffix);
            if first == i + 1 {
                let msg = &self.buf[self.base..self.len];
                let wanted = &name.wire()[start..];
                if let Some(off) = self.lookup(hash, |off| written_name_is(msg, off, wanted)) {
                    hit = Some(off);
                    first = i;
                    continue;
                }
            }
            // A stale entry (the write below fails and is rolled back) only costs a
            // miss: lookups verify the bytes.
            // Offset 0 marks an empty slot; only a name list (no header) starts there.
            if (1..=MAX_POINTER).contains(&(at + start)) {
                self.insert(hash, (at + start) as u16);
            }
        }
        let prefix_len = starts.get(first).map_or(name.len, |&s| usize::from(s));
        self.put(&name.wire()[..prefix_len])?;
        match hit {
            Some(off) => self.put_u16(0xc000 | off),
            None => self.put_u8(0),
        }
    }

    /// The offset of a written name with this hash that `is_it` confirms (octet for
    /// octet, given its offset), if the table knows one.
    fn lookup(&self, hash: u32, is_it: impl Fn(usize) -> bool) -> Option<u16> {
        let home = slot(hash);
        for probe in 0..PROBES {
            let entry = self.table.slots[(home + probe) & (SLOTS - 1)];
            let off = (entry & MAX_POINTER as u32) as u16;
            if off == 0 {
                return None;
            }
            if entry & !(MAX_POINTER as u32) == Table::tag(hash) && is_it(usize::from(off)) {
                return Some(off);
            }
        }
        None
    }

    /// Enters a suffix written at `off` (at most [`MAX_POINTER`]).
    fn insert(&mut self, hash: u32, off: u16) {
        self.table.used = true;
        let home = slot(hash);
        let entry = Table::tag(hash) | u32::from(off);
        for probe in 0..PROBES {
            let i = (home + probe) & (SLOTS - 1);
            if self.table.slots[i] == 0 {
                self.table.slots[i] = entry;
                return;
            }
        }
        self.table.slots[home] = entry;
    }

    /// What is written so far, from the start of the buffer (the raw form's output).
    #[cfg(feature = "alloc")]
    pub(crate) fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// A name laid out for writing: its labels uncompressed (length octets included, no
/// root) and where each starts, so suffixes are plain subslices.
struct FlatName {
    bytes: [u8; MAX_NAME_LEN],
    starts: [u8; MAX_LABELS],
    count: usize,
    len: usize,
}

impl FlatName {
    /// Empty: fill it with [`FlatName::fill`]. Two steps rather than a constructor
    /// returning the filled value, which the compiler copies (400 octets) on return.
    #[inline(always)]
    fn empty() -> Self {
        FlatName { bytes: [0; MAX_NAME_LEN], starts: [0; MAX_LABELS], count: 0, len: 0 }
    }

    /// Lays out `name` with one walk of the (possibly compressed) source.
    #[inline(always)]
    fn fill(&mut self, name: &Name<'_>) {
        for label in name.labels() {
            // A checked name is at most 255 octets with its root and 128 labels, so
            // these always fit; the checks only keep the indexing panic-free.
            let end = self.len + 1 + label.len();
            let (Some(dst), Some(start)) =
                (self.bytes.get_mut(self.len..end), self.starts.get_mut(self.count))
            else {
                break;
            };
            dst[0] = label.len() as u8;
            dst[1..].copy_from_slice(label);
            *start = self.len as u8;
            self.count += 1;
            self.len = end;
        }
    }

    /// The labels on the wire, without the root.
    fn wire(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn starts(&self) -> &[u8] {
        &self.starts[..self.count]
    }
}

/// The suffix hash: `S(labels i..) = value(label i) + SUFFIX_K * S(labels i+1..)`,
/// `S(root) = 0`. A polynomial, so `put_flat` computes every suffix's hash from the
/// right, and `whole_name_hash` the whole name's from the left without laying the
/// name out. Collisions only cost a verified miss, so speed wins over quality.
const SUFFIX_K: u64 = 0x9e37_79b9_7f4a_7c15;

/// One label's value in the suffix hash: its length and octets, eight at a time,
/// the last partial word read as two overlapping halves (no copy, no byte loop).
#[inline(always)]
fn label_value(label: &[u8]) -> u64 {
    const MIX: u64 = 0xff51_afd7_ed55_8ccd;
    let mut h = (label.len() as u64 + 1).wrapping_mul(MIX);
    let mut words = label.chunks_exact(8);
    for w in &mut words {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or_default());
        h = (h ^ word).wrapping_mul(MIX).rotate_left(31);
    }
    let rest = words.remainder();
    let n = rest.len();
    let word = if n >= 4 {
        let lo = u32::from_le_bytes(<[u8; 4]>::try_from(&rest[..4]).unwrap_or_default());
        let hi = u32::from_le_bytes(<[u8; 4]>::try_from(&rest[n - 4..]).unwrap_or_default());
        u64::from(lo) | u64::from(hi) << 32
    } else if n > 0 {
        u64::from(rest[0]) | u64::from(rest[n / 2]) << 8 | u64::from(rest[n - 1]) << 16
    } else {
        return h;
    };
    (h ^ word).wrapping_mul(MIX).rotate_left(31)
}

/// The label values of a name computed for its whole-name lookup, kept (for names
/// of up to 16 labels, nearly all) so a miss does not compute them again.
#[derive(Default)]
struct LabelValues {
    values: [u64; 16],
    /// How many labels the name had; 0 if no values were computed.
    count: usize,
}

impl LabelValues {
    /// The suffix hash of a whole name, from its labels left to right:
    /// `S(0) = sum of value(label j) * SUFFIX_K^j`.
    #[inline(always)]
    fn whole_name_hash(&mut self, name: &Name<'_>) -> u64 {
        let (mut sum, mut power) = (0u64, 1u64);
        let mut count = 0;
        for label in name.labels() {
            let value = label_value(label);
            if let Some(slot) = self.values.get_mut(count) {
                *slot = value;
            }
            count += 1;
            sum = sum.wrapping_add(value.wrapping_mul(power));
            power = power.wrapping_mul(SUFFIX_K);
        }
        self.count = count;
        sum
    }

    /// Label `i`'s value, if it was kept for a name of `count` labels.
    #[inline(always)]
    fn get(&self, i: usize, count: usize) -> Option<u64> {
        if self.count == count {
            self.values.get(i).copied()
        } else {
            None
        }
    }
}

/// The 32 bits of a suffix hash the table keeps (slot and tag).
#[inline(always)]
fn table_hash(suffix: u64) -> u32 {
    (suffix.wrapping_mul(0xc2b2_ae3d_27d4_eb4f) >> 32) as u32
}

/// Whether the name written at `off` in `msg` is exactly `name`, octet for octet;
/// the bytes at `off` are walked as in [`written_name_is`]. (The two walks are
/// twins on purpose: one shared label iterator measured 7-10% slower on the emit
/// bench.)
fn written_name_equals(msg: &[u8], off: usize, name: &Name<'_>) -> bool {
    let mut labels = name.labels();
    let mut pos = off;
    let mut run_start = off;
    loop {
        let Some(&octet) = msg.get(pos) else { return false };
        match octet & 0xc0 {
            0x00 if octet == 0 => return labels.next().is_none(),
            0x00 => {
                let end = pos + 1 + usize::from(octet);
                let (Some(want), Some(have)) = (labels.next(), msg.get(pos + 1..end)) else {
                    return false;
                };
                if want.len() != have.len() || !same_octets(want, have) {
                    return false;
                }
                pos = end;
            }
            0xc0 => {
                let Some(&low) = msg.get(pos + 1) else { return false };
                let target = usize::from(octet & 0x3f) << 8 | usize::from(low);
                if target >= run_start {
                    return false;
                }
                run_start = target;
                pos = target;
            }
            _ => return false,
        }
    }
}

/// Whether two equally long runs of octets are equal. Labels are a few octets: a
/// branch-free fold beats a call to memcmp.
#[inline(always)]
fn same_octets(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// Whether the name written at `off` in `msg` is exactly `suffix` (labels with their
/// length octets, no root). The bytes at `off` may be anything (an entry can outlive
/// a rollback), so, as in parsing, every pointer must point before the run of
/// labels that led to it: runs start at decreasing offsets and the walk ends.
fn written_name_is(msg: &[u8], off: usize, suffix: &[u8]) -> bool {
    let mut pos = off;
    let mut run_start = off;
    let mut matched = 0;
    loop {
        let Some(&octet) = msg.get(pos) else { return false };
        match octet & 0xc0 {
            0x00 if octet == 0 => return matched == suffix.len(),
            0x00 => {
                let end = pos + 1 + usize::from(octet);
                let (Some(want), Some(have)) =
                    (suffix.get(matched..matched + end - pos), msg.get(pos..end))
                else {
                    return false;
                };
                if !same_octets(want, have) {
                    return false;
                }
                matched += end - pos;
                pos = end;
            }
            0xc0 => {
                let Some(&low) = msg.get(pos + 1) else { return false };
                let target = usize::from(octet & 0x3f) << 8 | usize::from(low);
                if target >= run_start {
                    return false;
                }
                run_start = target;
                pos = target;
            }
            _ => return false,
        }
    }
}

/// A hash's home slot: its low bits, apart from the high bits the slot keeps as a tag.
fn slot(hash: u32) -> usize {
    hash as usize & (SLOTS - 1)
}

/// Writes `names` one after another into the start of `out`, each compressed
/// against the ones before it, its pointers counting from the start of `out`: the
/// form of the DHCP domain search option (RFC 3397 §2), which reuses DNS name
/// compression inside the option's value. Returns the length written, or `None` if
/// `out` is too short.
///
/// ```
/// use wirestate_dns::{write_name_list, NameBuf};
/// // The example of RFC 3397 §2: "eng.apple.com." and "marketing.apple.com.".
/// let eng: NameBuf = "eng.apple.com.".parse().unwrap();
/// let marketing: NameBuf = "marketing.apple.com.".parse().unwrap();
/// let mut out = [0u8; 64];
/// let len = write_name_list(&[eng.as_name(), marketing.as_name()], &mut out).unwrap();
/// assert_eq!(&out[..len], b"\x03eng\x05apple\x03com\x00\x09marketing\xc0\x04");
/// ```
pub fn write_name_list(names: &[Name<'_>], out: &mut [u8]) -> Option<usize> {
    let mut b = Builder::raw(out);
    b.compress = true;
    for name in names {
        b.put_name(name, true).ok()?;
    }
    Some(b.len)
}

#[cfg(feature = "alloc")]
impl Builder<'_> {
    /// Builds a message into a new vector of up to `limit` octets with `fill`,
    /// which pushes the questions and records.
    ///
    /// # Errors
    /// Those of `fill`.
    pub fn build_vec(
        header: &Header,
        limit: usize,
        fill: impl FnOnce(&mut Builder<'_>) -> Result<()>,
    ) -> Result<alloc::vec::Vec<u8>> {
        let mut buf = alloc::vec![0u8; limit.clamp(HEADER_LEN, MAX_MESSAGE_LEN)];
        let mut b = Builder::new(&mut buf, header)?;
        fill(&mut b)?;
        let len = b.finish();
        buf.truncate(len);
        Ok(buf)
    }
}
