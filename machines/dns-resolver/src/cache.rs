//! The record cache: RRsets and negative answers by (name, type), bounded, with
//! TTL clamps (RFC 2181 §8, RFC 2308 §5) and stale entries kept for serve-stale
//! (RFC 8767).

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use core::hash::Hasher;

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::time::Duration;
use siphasher::sip::SipHasher13;

use wirestate_dns::{NameBuf, RecordBuf, Type};
use wirestate_wire::Instant;

use crate::names;

/// How far cached data is trusted (RFC 2181 §5.4.1): data of a lower rank
/// never replaces fresh data of a higher one, and only answers are given to
/// users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// Glue: addresses from a referral's additional section.
    Glue,
    /// A referral's NS RRset (the parent's, non-authoritative).
    Referral,
    /// An answer not marked authoritative, or from a recursive server (stub).
    Answer,
    /// An authoritative answer (AA), or a negative answer with the zone's SOA.
    Authoritative,
}

/// The most records kept in one RRset: a larger one is answered but not
/// cached (a 64 KB answer of A records would hold thousands).
pub(crate) const MAX_RRSET: usize = 64;

/// What the cache holds for one (name, type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cached {
    /// An RRset (RFC 2181 §5), in the order received.
    Records(Arc<[RecordBuf]>),
    /// The name does not exist (RFC 2308 §5): every type.
    NxDomain(Option<Arc<RecordBuf>>),
    /// The name exists without this type (RFC 2308 §5).
    NoData(Option<Arc<RecordBuf>>),
}

#[derive(Debug, Clone)]
struct Entry {
    data: Cached,
    rank: Rank,
    /// The memory it holds, roughly: its records and their RDATA.
    bytes: usize,
    expires: Instant,
    /// Hits so far, for rotating the RRset between answers.
    hits: u32,
}

/// A cache hit: the data, the seconds left, whether it is past its TTL (kept
/// for serve-stale), and the rotation to apply.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub data: Cached,
    pub rank: Rank,
    pub ttl: u32,
    pub stale: bool,
    pub rotation: usize,
}

/// Limits of the cache, from the resolver's configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub max_entries: usize,
    /// The memory all entries may hold, roughly (records and RDATA).
    pub max_bytes: usize,
    pub min_ttl: u32,
    pub max_ttl: u32,
    pub max_negative_ttl: u32,
    /// How long past its TTL an entry is kept for serve-stale; zero keeps none.
    pub stale_for: Duration,
}

/// One cached name: its lower-case wire form and its entries by type.
#[derive(Debug, Clone)]
struct Slot {
    key: Box<[u8]>,
    entries: Vec<(Type, Entry)>,
}

/// The cache, keyed by a keyed hash of the lower-case name (SipHash-1-3 with
/// a key from the caller's random source, so names chosen to collide cannot be
/// planned), each bucket holding the names themselves. Lookups do not allocate.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    map: BTreeMap<u64, Vec<Slot>>,
    len: usize,
    bytes: usize,
    limits: Limits,
    hash_key: [u8; 16],
}

impl Cache {
    pub fn new(limits: Limits, hash_key: [u8; 16]) -> Self {
        Cache { map: BTreeMap::new(), len: 0, bytes: 0, limits, hash_key }
    }

    fn hash(&self, key: &[u8]) -> u64 {
        let mut h = SipHasher13::new_with_key(&self.hash_key);
        h.write(key);
        h.finish()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The entry for (`name`, `rtype`): fresh, or stale within `stale_for`; an
    /// NXDOMAIN for `name` answers every type.
    pub fn get(&mut self, now: Instant, name: &NameBuf, rtype: Type) -> Option<Hit> {
        let mut k = [0u8; 255];
        let n = names::key_into(name, &mut k);
        let h = self.hash(&k[..n]);
        let slot = self.map.get_mut(&h)?.iter_mut().find(|s| *s.key == k[..n])?;
        let stale_for = self.limits.stale_for;
        // The type's own entry first; an NXDOMAIN stands for every type.
        let at = slot.entries.iter().position(|(t, _)| *t == rtype).or_else(|| {
            slot.entries.iter().position(|(_, e)| matches!(e.data, Cached::NxDomain(_)))
        })?;
        let entry = &mut slot.entries[at].1;
        let stale = now >= entry.expires;
        if stale && now >= entry.expires + stale_for {
            return None;
        }
        entry.hits = entry.hits.wrapping_add(1);
        // Rounded up: a fresh entry with part of a second left must not go out
        // with TTL 0, which tells the asker not to cache it at all (RFC 1035
        // §3.2.1); a stale one has none left and says 0.
        let left = entry.expires.saturating_duration_since(now);
        let ttl =
            u32::try_from(left.as_secs() + u64::from(left.subsec_nanos() > 0)).unwrap_or(u32::MAX);
        let rank = entry.rank;
        Some(Hit { data: entry.data.clone(), rank, ttl, stale, rotation: entry.hits as usize })
    }

    /// Stores an RRset of `rank`; its TTL is the least of its records'
    /// (one with the top bit set counts as 0, RFC 2181 §8), clamped. An RRset
    /// over `MAX_RRSET` records is not kept.
    pub fn put_records(&mut self, now: Instant, records: Vec<RecordBuf>, rank: Rank) {
        let Some(first) = records.first() else { return };
        if records.len() > MAX_RRSET {
            return;
        }
        let ttl = records.iter().map(|r| if r.ttl > i32::MAX as u32 { 0 } else { r.ttl }).min();
        let ttl = ttl.unwrap_or(0).clamp(self.limits.min_ttl, self.limits.max_ttl);
        let (name, rtype) = (first.name, first.rtype);
        self.put(now, &name, rtype, Cached::Records(records.into()), ttl, rank);
    }

    /// Stores a negative answer with the SOA from the authority section; its TTL
    /// is the least of the SOA's TTL and MINIMUM (RFC 2308 §3, §5), clamped.
    pub fn put_negative(
        &mut self,
        now: Instant,
        name: &NameBuf,
        rtype: Type,
        nxdomain: bool,
        soa: Option<RecordBuf>,
    ) {
        let ttl = soa.as_ref().map_or(0, negative_ttl).min(self.limits.max_negative_ttl);
        let soa = soa.map(Arc::new);
        let data = if nxdomain { Cached::NxDomain(soa) } else { Cached::NoData(soa) };
        self.put(now, name, rtype, data, ttl, Rank::Authoritative);
    }

    fn put(
        &mut self,
        now: Instant,
        name: &NameBuf,
        rtype: Type,
        data: Cached,
        ttl: u32,
        rank: Rank,
    ) {
        if ttl == 0 {
            return;
        }
        // RFC 2181 §5.4.1: fresh data of a higher rank stays.
        let mut k = [0u8; 255];
        let n = names::key_into(name, &mut k);
        let h = self.hash(&k[..n]);
        let better = self
            .map
            .get(&h)
            .and_then(|b| b.iter().find(|s| *s.key == k[..n]))
            .is_some_and(|slot| {
                slot.entries.iter().any(|(t, e)| *t == rtype && e.rank > rank && now < e.expires)
            });
        if better {
            return;
        }
        let bytes = size_of(&data);
        if self.len >= self.limits.max_entries || self.bytes + bytes > self.limits.max_bytes {
            self.evict(now, bytes);
        }
        let expires = now + Duration::from_secs(u64::from(ttl));
        // The key and hash of the rank check above, not computed again.
        let key = &k[..n];
        let bucket = self.map.entry(h).or_default();
        let at = match bucket.iter().position(|s| *s.key == *key) {
            Some(at) => at,
            None => {
                bucket.push(Slot { key: key.into(), entries: Vec::new() });
                bucket.len() - 1
            }
        };
        let slots = &mut bucket[at].entries;
        let (before, before_bytes) =
            (slots.len(), slots.iter().map(|(_, e)| e.bytes).sum::<usize>());
        if matches!(data, Cached::NxDomain(_)) {
            // The name is gone: nothing else is kept for it.
            slots.clear();
        } else {
            // The name exists after all: an NXDOMAIN for it is out of date.
            slots.retain(|(_, e)| !matches!(e.data, Cached::NxDomain(_)));
        }
        self.len -= before - slots.len();
        self.bytes -= before_bytes - slots.iter().map(|(_, e)| e.bytes).sum::<usize>();
        let entry = Entry { data, rank, bytes, expires, hits: 0 };
        self.bytes += bytes;
        match slots.iter_mut().find(|(t, _)| *t == rtype) {
            Some(slot) => {
                self.bytes -= slot.1.bytes;
                slot.1 = entry;
            }
            None => {
                slots.push((rtype, entry));
                self.len += 1;
            }
        }
    }

    /// Makes room: everything past its stale window goes; if that is not an
    /// eighth of the cache, the entries that expire soonest go until it is.
    fn evict(&mut self, now: Instant, incoming: usize) {
        let stale_for = self.limits.stale_for;
        let target = self.limits.max_entries - self.limits.max_entries / 8 - 1;
        let byte_target =
            (self.limits.max_bytes - self.limits.max_bytes / 8).saturating_sub(incoming);
        self.remove_where(|e| now >= e.expires + stale_for);
        if self.len <= target && self.bytes <= byte_target {
            return;
        }
        let mut by_expiry: Vec<(Instant, usize)> = self
            .map
            .values()
            .flat_map(|b| {
                b.iter().flat_map(|s| s.entries.iter().map(|(_, e)| (e.expires, e.bytes)))
            })
            .collect();
        by_expiry.sort_unstable();
        // The soonest to expire go until both the count and the bytes fit.
        let (mut len, mut bytes) = (self.len, self.bytes);
        let mut cut = None;
        for (expires, b) in by_expiry {
            if len <= target && bytes <= byte_target {
                break;
            }
            len -= 1;
            bytes -= b;
            cut = Some(expires);
        }
        if let Some(cut) = cut {
            self.remove_where(|e| e.expires <= cut);
        }
    }

    /// Removes every entry `gone` says, and the names and buckets left empty.
    fn remove_where(&mut self, gone: impl Fn(&Entry) -> bool) {
        let (mut removed, mut freed) = (0, 0);
        self.map.retain(|_, bucket| {
            bucket.retain_mut(|slot| {
                slot.entries.retain(|(_, e)| {
                    let go = gone(e);
                    if go {
                        removed += 1;
                        freed += e.bytes;
                    }
                    !go
                });
                !slot.entries.is_empty()
            });
            !bucket.is_empty()
        });
        self.len -= removed;
        self.bytes -= freed;
    }
}

/// The memory an entry holds, roughly: each record in full (its inline name
/// included) and its RDATA.
fn size_of(data: &Cached) -> usize {
    let record = |r: &RecordBuf| core::mem::size_of::<RecordBuf>() + r.rdata.len();
    match data {
        Cached::Records(rs) => rs.iter().map(record).sum(),
        Cached::NxDomain(soa) | Cached::NoData(soa) => 64 + soa.as_deref().map_or(0, record),
    }
}

/// RFC 2308 §5: the negative TTL is the SOA record's TTL or its MINIMUM,
/// whichever is less.
fn negative_ttl(soa: &RecordBuf) -> u32 {
    match soa.data() {
        Ok(wirestate_dns::RData::Soa { minimum, .. }) => soa.ttl.min(minimum),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn limits(max: usize) -> Limits {
        Limits {
            max_entries: max,
            max_bytes: 1 << 30,
            min_ttl: 0,
            max_ttl: 86_400,
            max_negative_ttl: 3600,
            stale_for: Duration::ZERO,
        }
    }

    fn a(name: &str, ttl: u32, last: u8) -> RecordBuf {
        RecordBuf::parse_line(&alloc::format!("{name} {ttl} IN A 192.0.2.{last}")).unwrap()
    }

    #[test]
    fn entries_expire_at_their_ttl_and_stale_ones_are_kept_only_when_asked() {
        let mut c = Cache::new(limits(16), [7; 16]);
        let t0 = Instant::from_millis(1000);
        let name = NameBuf::parse_str("www.example.test.").unwrap();
        c.put_records(
            t0,
            vec![a("www.example.test.", 60, 1), a("www.example.test.", 30, 2)],
            Rank::Answer,
        );
        let hit = c.get(t0 + Duration::from_secs(29), &name, Type::A).unwrap();
        assert_eq!((hit.ttl, hit.stale), (1, false));
        // The last millisecond of a fresh entry still says 1, never 0.
        let hit = c.get(t0 + Duration::from_millis(29_999), &name, Type::A).unwrap();
        assert_eq!((hit.ttl, hit.stale), (1, false));
        assert!(c.get(t0 + Duration::from_secs(30), &name, Type::A).is_none());
        let mut l = limits(16);
        l.stale_for = Duration::from_secs(100);
        let mut c = Cache::new(l, [7; 16]);
        c.put_records(t0, vec![a("www.example.test.", 30, 1)], Rank::Answer);
        let hit = c.get(t0 + Duration::from_secs(60), &name, Type::A).unwrap();
        assert!(hit.stale);
        assert!(c.get(t0 + Duration::from_secs(130), &name, Type::A).is_none());
    }

    #[test]
    fn lookups_ignore_case_and_nxdomain_answers_every_type() {
        let mut c = Cache::new(limits(16), [7; 16]);
        let t0 = Instant::ZERO;
        c.put_records(t0, vec![a("WWW.example.test.", 60, 1)], Rank::Answer);
        let lower = NameBuf::parse_str("www.EXAMPLE.test.").unwrap();
        assert!(c.get(t0, &lower, Type::A).is_some());
        let soa = RecordBuf::parse_line(
            "example.test. 600 IN SOA ns.example.test. h.example.test. 1 2 3 4 120",
        )
        .unwrap();
        let gone = NameBuf::parse_str("gone.example.test.").unwrap();
        c.put_negative(t0, &gone, Type::A, true, Some(soa));
        let hit = c.get(t0, &gone, Type::MX).unwrap();
        assert!(matches!(hit.data, Cached::NxDomain(_)));
        assert_eq!(hit.ttl, 120, "RFC 2308 §5: min(SOA TTL, MINIMUM)");
    }

    #[test]
    fn rfc2181_5_4_1_glue_never_replaces_an_answer_and_huge_ttls_count_as_zero() {
        let mut c = Cache::new(limits(16), [7; 16]);
        let t0 = Instant::ZERO;
        let ns1 = NameBuf::parse_str("ns1.example.test.").unwrap();
        c.put_records(t0, vec![a("ns1.example.test.", 600, 20)], Rank::Authoritative);
        c.put_records(t0, vec![a("ns1.example.test.", 600, 66)], Rank::Glue);
        let hit = c.get(t0, &ns1, Type::A).unwrap();
        assert_eq!(hit.rank, Rank::Authoritative);
        // An answer replaces glue.
        c.put_records(t0, vec![a("ns2.example.test.", 600, 1)], Rank::Glue);
        c.put_records(t0, vec![a("ns2.example.test.", 600, 2)], Rank::Answer);
        let ns2 = NameBuf::parse_str("ns2.example.test.").unwrap();
        assert_eq!(c.get(t0, &ns2, Type::A).unwrap().rank, Rank::Answer);
        c.put_records(t0, vec![a("big.example.test.", u32::MAX, 1)], Rank::Answer);
        let big = NameBuf::parse_str("big.example.test.").unwrap();
        assert!(c.get(t0, &big, Type::A).is_none(), "RFC 2181 §8: TTL 2^32-1 is 0");
    }

    #[test]
    fn the_cache_never_holds_more_bytes_than_its_budget() {
        let mut l = limits(100_000);
        l.max_bytes = 64 * 1024;
        let mut c = Cache::new(l, [7; 16]);
        for i in 0..2000u32 {
            let name = alloc::format!("h{i}.example.test.");
            let set = (0..8).map(|k| a(&name, 60 + i, k)).collect();
            c.put_records(Instant::ZERO, set, Rank::Answer);
            assert!(c.bytes <= 64 * 1024, "{} bytes", c.bytes);
        }
        assert!(c.len() > 0);
    }

    #[test]
    fn the_cache_never_holds_more_than_its_limit() {
        let mut c = Cache::new(limits(64), [7; 16]);
        for i in 0..1000u32 {
            let name = alloc::format!("h{i}.example.test.");
            c.put_records(Instant::ZERO, vec![a(&name, 60 + i, 1)], Rank::Answer);
            assert!(c.len() <= 64);
        }
        // The longest-lived survive.
        let last = NameBuf::parse_str("h999.example.test.").unwrap();
        assert!(c.get(Instant::ZERO, &last, Type::A).is_some());
    }
}
