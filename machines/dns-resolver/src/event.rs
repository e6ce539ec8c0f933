//! What the resolver reports: one [`Event`] per query.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::net::IpAddr;

use wirestate_dns::{NameBuf, RData, Rcode, RecordBuf, Type};

use crate::error::ResolveError;

/// A query's handle, from [`Resolver::query`](crate::Resolver::query).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueryId(pub(crate) u64);

/// The answer to a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The name the answer is for: the query's, with a search domain if one was
    /// used (stub mode).
    pub name: NameBuf,
    /// The type asked for.
    pub qtype: Type,
    /// NOERROR (records, or none: NODATA) or NXDOMAIN.
    pub rcode: Rcode,
    /// The CNAME (and DNAME-synthesized) records from `name` to the owner of
    /// the records, in order.
    pub chain: Vec<RecordBuf>,
    pub(crate) records: Arc<[RecordBuf]>,
    pub(crate) rotation: usize,
    /// The seconds the answer may be kept (its TTL as left in the cache).
    pub ttl: u32,
    /// Taken from the cache without asking any server.
    pub from_cache: bool,
    /// Past its TTL, served because resolution failed (RFC 8767; EDE 3).
    pub stale: bool,
}

impl Answer {
    /// The records of the RRset answering the question, rotated by one place
    /// for each answer given from the same cache entry, so clients spread over
    /// several addresses (as unbound's `rrset-roundrobin`).
    pub fn records(&self) -> impl Iterator<Item = &RecordBuf> + '_ {
        let n = self.records.len();
        let r = if n == 0 { 0 } else { self.rotation % n };
        self.records[r..].iter().chain(self.records[..r].iter())
    }

    /// The addresses among the records (A and AAAA), in the rotated order.
    pub fn addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.records().filter_map(|r| match r.data() {
            Ok(RData::A(a)) => Some(IpAddr::V4(a)),
            Ok(RData::Aaaa(a)) => Some(IpAddr::V6(a)),
            _ => None,
        })
    }

    /// True for NXDOMAIN.
    pub fn is_nxdomain(&self) -> bool {
        self.rcode == Rcode::NXDOMAIN
    }
}

/// What happened to a query. Every [`QueryId`] gets exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The query was answered (boxed: an answer carries its name inline).
    Answer(QueryId, alloc::boxed::Box<Answer>),
    /// The query failed.
    Failed(QueryId, ResolveError),
}
