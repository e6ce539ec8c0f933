//! A zone: the records of one apex and everything down to its delegations,
//! read from master-file text (RFC 1035 §5) and checked as RFC 1034 §4.2.1
//! and §3.6.2 ask.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::ops::Bound;

use wirestate_dns::{Class, Name, NameBuf, RData, RecordBuf, Type};

use crate::error::ZoneError;

mod build;
mod lexer;
mod parse;

/// The records of one zone, from its apex (the owner of its SOA record) down
/// to its delegations and their glue, indexed for answering.
///
/// Read from master-file text with [`Zone::parse`] (RFC 1035 §5.1):
/// `$ORIGIN`, `$TTL` (RFC 2308 §4), `@`, relative and absolute names, a blank
/// owner for the previous one, omitted TTL and class (TTL and class in either
/// order), `;` comments, parentheses over several lines, `"..."` strings,
/// `\X` and `\DDD` escapes, BIND's TTL units (`1h30m`, also in the SOA
/// timers), and the RDATA of every type the codec's [`RecordBuf`] reads
/// (SOA, NS, A, AAAA, CNAME, DNAME, MX, TXT, PTR, SRV, CAA, HINFO, NAPTR,
/// SVCB, HTTPS, DS, DNSKEY, RRSIG, NSEC, NSEC3) or RFC 3597's `\# len hex`
/// for any type.
///
/// Checked: exactly one SOA, whose owner is the apex (RFC 1035 §5.2); NS
/// records at the apex; every owner at or below the apex; one class, the
/// SOA's; no CNAME beside other data and at most one CNAME or DNAME a name
/// (RFC 1034 §3.6.2, RFC 6672 §2.4); at and below a delegation (NS records
/// below the apex) only NS, DS and glue addresses, and nothing below a DNAME.
/// Identical records are kept once, and the TTLs of one RRset that differ are
/// all taken as the lowest (RFC 2181 §5.2).
///
/// ```
/// use wirestate_dns_server::{Zone, ZoneError};
/// let zone = Zone::parse(Some("example.test."), "\
/// $TTL 1h
/// @   IN SOA ns1 hostmaster (
///            2024010101 ; serial
///            2h 1h 2w 300 )
///     IN NS  ns1
/// ns1 IN A   192.0.2.20
/// www    A   198.51.100.80
///        AAAA 2001:db8::80
/// ")?;
/// assert_eq!(zone.apex().to_string(), "example.test.");
/// assert_eq!(zone.len(), 5);
/// let lines: Vec<String> = zone.records().map(|r| r.to_string()).collect();
/// assert!(lines.contains(&"www.example.test. 3600 IN AAAA 2001:db8::80".to_string()));
/// assert!(lines.contains(&"example.test. 3600 IN SOA ns1.example.test. \
///     hostmaster.example.test. 2024010101 7200 3600 1209600 300".to_string()));
///
/// // A CNAME beside other data is refused at its line (RFC 1034 §3.6.2).
/// let err = Zone::parse(Some("example.test."), "\
/// @   300 SOA ns1 hostmaster 1 2 3 4 5
///     300 NS ns1
/// www 300 A 198.51.100.80
/// www 300 CNAME ns1
/// ").unwrap_err();
/// assert!(matches!(err, ZoneError::CnameAndOther { line: 4, .. }));
/// # Ok::<(), ZoneError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Zone {
    apex: NameBuf,
    class: Class,
    /// Every name with records, by [`key`]: in this order the names at or
    /// below one name follow it in one run.
    nodes: BTreeMap<Vec<u8>, Node>,
    /// The number of records.
    len: usize,
}

/// The records of one name.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The owner, as first written in the zone.
    pub name: NameBuf,
    /// Its RRsets, by type.
    pub sets: Vec<Rrset>,
}

/// One RRset: every record of one owner and type.
#[derive(Debug, Clone)]
pub(crate) struct Rrset {
    pub rtype: Type,
    /// The lowest TTL given to any of its records (RFC 2181 §5.2).
    pub ttl: u32,
    /// The RDATA of each record, uncompressed, in zone-file order.
    pub rdatas: Vec<Vec<u8>>,
}

impl Node {
    /// The RRset of `rtype`, if any.
    pub(crate) fn rrset(&self, rtype: Type) -> Option<&Rrset> {
        self.sets.iter().find(|s| s.rtype == rtype)
    }

    /// Whether it has records of `rtype`.
    pub(crate) fn has(&self, rtype: Type) -> bool {
        self.rrset(rtype).is_some()
    }
}

impl Rrset {
    /// The first record's RDATA decoded.
    pub(crate) fn first(&self) -> Option<RData<'_>> {
        let data = self.rdatas.first()?;
        RData::parse(data, 0, data.len(), self.rtype).ok()
    }
}

/// The index key of a name: its labels from the rightmost, each as a length
/// octet and the label in lower case. The names at or below a name are
/// exactly those whose key starts with its key.
pub(crate) fn key(name: &Name<'_>) -> Vec<u8> {
    let labels: Vec<&[u8]> = name.labels().collect();
    let mut k = Vec::with_capacity(name.wire_len());
    for label in labels.iter().rev() {
        k.push(label.len() as u8);
        k.extend(label.iter().map(u8::to_ascii_lowercase));
    }
    k
}

impl Zone {
    /// Reads a zone from master-file text (RFC 1035 §5.1); `origin` is the
    /// origin before any `$ORIGIN` (needed for relative names and `@` until
    /// one). The apex is the SOA's owner.
    ///
    /// # Errors
    /// A [`ZoneError`] naming the line (line 0 is `origin` itself) and what is
    /// wrong with it: the syntax, a directive, a name, TTL, class, type or
    /// RDATA, or one of the checks in the type doc.
    pub fn parse(origin: Option<&str>, text: &str) -> Result<Zone, ZoneError> {
        build::build(parse::records(origin, text)?)
    }

    /// The apex: the owner of the SOA record.
    pub fn apex(&self) -> &NameBuf {
        &self.apex
    }

    /// The class of every record (the SOA's).
    pub fn class(&self) -> Class {
        self.class
    }

    /// The number of records (identical ones counted once).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no records; never, as a zone has its SOA.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The SOA's serial.
    pub fn serial(&self) -> u32 {
        match self.soa().and_then(Rrset::first) {
            Some(RData::Soa { serial, .. }) => serial,
            _ => 0,
        }
    }

    /// Whether `name` is at or below the apex.
    pub fn contains(&self, name: &Name<'_>) -> bool {
        key(name).starts_with(&key(&self.apex.as_name()))
    }

    /// Every record, names in the index order (parents before children),
    /// types in ascending order, each RRset's records as written.
    pub fn records(&self) -> impl Iterator<Item = RecordBuf> + '_ {
        self.nodes.values().flat_map(move |node| {
            node.sets.iter().flat_map(move |set| {
                set.rdatas.iter().map(move |rdata| RecordBuf {
                    name: node.name,
                    rtype: set.rtype,
                    class: self.class,
                    ttl: set.ttl,
                    rdata: rdata.clone(),
                })
            })
        })
    }

    /// The node with index key `k`.
    pub(crate) fn node(&self, k: &[u8]) -> Option<&Node> {
        self.nodes.get(k)
    }

    /// Whether some name strictly below the one with key `k` has records
    /// (so a name without records is an empty non-terminal, RFC 8020 §2).
    pub(crate) fn has_below(&self, k: &[u8]) -> bool {
        let mut after = self.nodes.range::<[u8], _>((Bound::Excluded(k), Bound::Unbounded));
        after.next().is_some_and(|(next, _)| next.starts_with(k))
    }

    /// The apex node.
    pub(crate) fn apex_node(&self) -> Option<&Node> {
        self.nodes.get(&key(&self.apex.as_name()))
    }

    /// The SOA RRset.
    pub(crate) fn soa(&self) -> Option<&Rrset> {
        self.apex_node()?.rrset(Type::SOA)
    }

    /// The TTL of the SOA in a negative answer: the lesser of its own TTL and
    /// its MINIMUM field (RFC 2308 §3).
    pub(crate) fn negative_ttl(&self) -> u32 {
        match self.soa().map(|s| (s.ttl, s.first())) {
            Some((ttl, Some(RData::Soa { minimum, .. }))) => ttl.min(minimum),
            Some((ttl, _)) => ttl,
            None => 0,
        }
    }
}
