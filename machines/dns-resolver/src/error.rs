//! Why a resolution failed, and why a call was refused.

/// A limit a query ran into; each bounds the work one query can cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// `Config::max_referrals` referrals followed.
    Referrals,
    /// `Config::max_cname_chain` CNAME or DNAME steps.
    CnameChain,
    /// `Config::max_sends` queries sent.
    Sends,
    /// `Config::max_ns_lookups` name server names resolved on the way, or a
    /// lookup that would depend on itself.
    NsLookups,
}

/// Why a query failed. Reported once, in [`Event::Failed`](crate::Event::Failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// `Config::query_timeout` passed without an answer.
    #[error("the query timed out")]
    TimedOut,
    /// Every server was tried and none gave a usable answer (SERVFAIL).
    #[error("no server gave a usable answer")]
    ServFail,
    /// The query ran into a work limit.
    #[error("the query ran into its {0:?} limit")]
    Limit(Limit),
    /// There is no server to ask (no configured server, or no address for any
    /// name server of the zone).
    #[error("no server to ask")]
    NoServers,
}

/// Why a call was refused. Nothing changed.
///
/// ```
/// use wirestate_dns_resolver::CallError;
/// assert_eq!(CallError::BufferTooSmall { need: 514 }.to_string(), "transmit buffer too small: need 514 octets");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// `Config::max_queries` queries are in flight already.
    #[error("too many queries in flight")]
    TooManyQueries,
    /// The name cannot be queried (not a valid name, or too long with a search
    /// domain).
    #[error("not a valid name")]
    BadName,
    /// A meta-type or QTYPE (OPT, 128-255: AXFR, ANY, ...; RFC 6895 §3.1),
    /// which a resolver does not ask for.
    #[error("not a type a resolver asks for")]
    BadType,
    /// The buffer handed to `poll_transmit` is shorter than `need` octets.
    #[error("transmit buffer too small: need {need} octets")]
    BufferTooSmall {
        /// The least length `poll_transmit` accepts.
        need: usize,
    },
}
