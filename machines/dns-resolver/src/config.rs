//! The resolver's settings.

use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use core::time::Duration;

use wirestate_dns::NameBuf;

/// Whether the resolver asks a recursive server or walks the tree itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A stub (RFC 1034 §5.3.1): recursion-desired queries to these servers, in
    /// order, failing over on timeout, SERVFAIL or REFUSED.
    Stub {
        /// The recursive servers (e.g. from the DHCP lease).
        servers: Vec<SocketAddr>,
    },
    /// An iterative resolver (RFC 1034 §5.3.3) starting from these root
    /// servers: (name, address) pairs.
    Iterative {
        /// The root hints.
        root_hints: Vec<(NameBuf, IpAddr)>,
    },
}

/// The resolver's settings; [`Config::stub`] and [`Config::iterative`] give the
/// defaults, every field is public.
///
/// ```
/// use wirestate_dns_resolver::{Config, Mode};
/// let c = Config::iterative_from_root_hints();
/// let Mode::Iterative { root_hints } = &c.mode else { unreachable!() };
/// assert_eq!(root_hints.len(), 26); // 13 letters, IPv4 and IPv6
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// Stub or iterative.
    pub mode: Mode,
    /// Search domains for names that are not absolute (stub mode; RFC 1535
    /// cautions apply): tried first when the name has fewer than `ndots` dots.
    pub search: Vec<NameBuf>,
    /// The dots a name needs to be tried as is before the search list (resolv.conf's
    /// `ndots`, default 1).
    pub ndots: u8,
    /// The whole time one query may take. Default 10 s.
    pub query_timeout: Duration,
    /// Per query: referrals followed. Default 16.
    pub max_referrals: u32,
    /// Per query: CNAME and DNAME steps. Default 12.
    pub max_cname_chain: u32,
    /// Per query: messages sent (retries and every server tried). Default 32.
    pub max_sends: u32,
    /// Per query: name server names without glue resolved on the way. Default 6.
    pub max_ns_lookups: u32,
    /// Queries in flight at once, sub-queries for name servers included. At the
    /// limit `query` is refused. Default 512.
    pub max_queries: usize,
    /// Cached (name, type) entries. Default 10 000.
    pub cache_entries: usize,
    /// The memory the cache may hold, roughly (records with their inline names
    /// and RDATA). Default 32 MiB. At either limit, entries past their stale
    /// window go first, then those that expire soonest.
    pub cache_bytes: usize,
    /// TTL clamps for positive answers (seconds). Default 0 and 86 400.
    pub min_ttl: u32,
    /// See `min_ttl`.
    pub max_ttl: u32,
    /// The longest negative caching (RFC 2308 §5). Default 3 600 s.
    pub max_negative_ttl: u32,
    /// Serve-stale (RFC 8767): when resolution fails, an entry at most this far
    /// past its TTL answers, with TTL 30 s (§4) and `Answer::stale` set (the
    /// Extended DNS Error 3, "Stale Answer", RFC 8914). `None` (the default)
    /// serves nothing stale.
    pub serve_stale: Option<Duration>,
    /// How long a lame server is avoided for a zone, and a server that refused
    /// EDNS is asked without it. Default 15 min.
    pub lame_ttl: Duration,
    /// Servers remembered (RTT, lameness, EDNS). Default 1 024.
    pub infra_entries: usize,
    /// Sends EDNS(0) (RFC 6891), with this UDP payload size; `None` sends plain
    /// DNS. A server that answers FORMERR is asked again without it. Default
    /// 1 232 (the DNS flag day 2020 size).
    pub edns_udp_size: Option<u16>,
    /// Randomises the case of the name in each query and requires the answer to
    /// echo it (draft-vixie-dnsext-dns0x20). Default off, as unbound's: a server
    /// that does not keep the case would never be understood (there is no
    /// fallback yet).
    pub case_randomization: bool,
    /// QNAME minimisation (RFC 9156): each server is asked only about the next
    /// label under its zone. Iterative mode only. Default on.
    pub qname_minimisation: bool,
    /// Source ports are drawn from this range (RFC 5452 §4.5). Default
    /// 1 024-65 535.
    pub ports: (u16, u16),
}

impl Config {
    fn with_mode(mode: Mode) -> Self {
        Config {
            mode,
            search: Vec::new(),
            ndots: 1,
            query_timeout: Duration::from_secs(10),
            max_referrals: 16,
            max_cname_chain: 12,
            max_sends: 32,
            max_ns_lookups: 6,
            max_queries: 512,
            cache_entries: 10_000,
            cache_bytes: 32 << 20,
            min_ttl: 0,
            max_ttl: 86_400,
            max_negative_ttl: 3_600,
            serve_stale: None,
            lame_ttl: Duration::from_secs(900),
            infra_entries: 1024,
            edns_udp_size: Some(1232),
            case_randomization: false,
            qname_minimisation: true,
            ports: (1024, 65_535),
        }
    }

    /// A stub asking `servers`.
    pub fn stub(servers: Vec<SocketAddr>) -> Self {
        Self::with_mode(Mode::Stub { servers })
    }

    /// An iterative resolver from `root_hints`.
    pub fn iterative(root_hints: Vec<(NameBuf, IpAddr)>) -> Self {
        Self::with_mode(Mode::Iterative { root_hints })
    }

    /// An iterative resolver from the root servers of IANA's named.root
    /// (a-m.root-servers.net, IPv4 and IPv6).
    pub fn iterative_from_root_hints() -> Self {
        Self::iterative(root_hints())
    }
}

/// IANA's root hints (named.root, 2024 edition).
pub fn root_hints() -> Vec<(NameBuf, IpAddr)> {
    const V4: [[u8; 4]; 13] = [
        [198, 41, 0, 4],
        [170, 247, 170, 2],
        [192, 33, 4, 12],
        [199, 7, 91, 13],
        [192, 203, 230, 10],
        [192, 5, 5, 241],
        [192, 112, 36, 4],
        [198, 97, 190, 53],
        [192, 36, 148, 17],
        [192, 58, 128, 30],
        [193, 0, 14, 129],
        [199, 7, 83, 42],
        [202, 12, 27, 33],
    ];
    const V6: [[u16; 8]; 13] = [
        [0x2001, 0x503, 0xba3e, 0, 0, 0, 0x2, 0x30],
        [0x2801, 0x1b8, 0x10, 0, 0, 0, 0, 0xb],
        [0x2001, 0x500, 0x2, 0, 0, 0, 0, 0xc],
        [0x2001, 0x500, 0x2d, 0, 0, 0, 0, 0xd],
        [0x2001, 0x500, 0xa8, 0, 0, 0, 0, 0xe],
        [0x2001, 0x500, 0x2f, 0, 0, 0, 0, 0xf],
        [0x2001, 0x500, 0x12, 0, 0, 0, 0, 0xd0d],
        [0x2001, 0x500, 0x1, 0, 0, 0, 0, 0x53],
        [0x2001, 0x7fe, 0, 0, 0, 0, 0, 0x53],
        [0x2001, 0x503, 0xc27, 0, 0, 0, 0x2, 0x30],
        [0x2001, 0x7fd, 0, 0, 0, 0, 0, 0x1],
        [0x2001, 0x500, 0x9f, 0, 0, 0, 0, 0x42],
        [0x2001, 0xdc3, 0, 0, 0, 0, 0, 0x35],
    ];
    let mut out = Vec::new();
    for (i, (v4, v6)) in V4.iter().zip(V6.iter()).enumerate() {
        let letter = char::from(b'a' + i as u8);
        let name = NameBuf::parse_str(&alloc::format!("{letter}.root-servers.net."))
            .unwrap_or_else(|_| NameBuf::root());
        out.push((name, IpAddr::V4(Ipv4Addr::from(*v4))));
        let [a, b, c, d, e, f, g, h] = *v6;
        out.push((name, IpAddr::V6(Ipv6Addr::new(a, b, c, d, e, f, g, h))));
    }
    out
}
