//! What a server hands out and how it behaves: [`Config`].

use alloc::string::String;
use alloc::vec::Vec;
use core::net::Ipv4Addr;
use core::ops::RangeInclusive;
use core::time::Duration;

use wirestate_dhcp::Route;
use wirestate_dns::NameBuf;

/// A server's configuration: its address, the pool it leases from, the
/// parameters it hands out, its timing and its limits.
///
/// [`Config::new`] fills in defaults (below, with where they come from); every
/// field is public, so a test or a simulation sets what it needs with struct
/// update syntax. A [`Server`](crate::Server) reads the configuration at each
/// message, so changes through [`Server::config_mut`](crate::Server::config_mut)
/// apply from the next message on; bindings already made stay.
///
/// ```
/// use core::net::Ipv4Addr;
/// use core::time::Duration;
/// use wirestate_dhcp_server::Config;
///
/// let cfg = Config {
///     routers: vec![Ipv4Addr::new(192, 168, 1, 1)],
///     lease_time: Duration::from_secs(600),
///     ..Config::new(
///         Ipv4Addr::new(192, 168, 1, 2),
///         Ipv4Addr::new(192, 168, 1, 100),
///         Ipv4Addr::new(192, 168, 1, 199),
///         Ipv4Addr::new(255, 255, 255, 0),
///     )
/// };
/// assert_eq!(cfg.pool_size(), 100);
/// assert_eq!(cfg.renewal(), Duration::from_secs(300)); // RFC 2131 §4.4.5: 0.5 of the lease
/// assert!(cfg.on_subnet(Ipv4Addr::new(192, 168, 1, 7)));
/// assert!(!cfg.on_subnet(Ipv4Addr::new(10, 0, 0, 7)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// This server's address: the server identifier (option 54, RFC 2132 §9.7)
    /// in every reply, and the IP source of replies. Never leased.
    pub server_id: Ipv4Addr,
    /// The addresses leased, both ends included. Addresses in it that are the
    /// server's own, a router's, or the subnet's network or broadcast address are
    /// skipped. Empty when the start is above the end.
    pub pool: RangeInclusive<Ipv4Addr>,
    /// The subnet mask (option 1, RFC 2132 §3.3); with `server_id` it says which
    /// addresses are on this server's network (RFC 2131 §4.3.2).
    pub subnet_mask: Ipv4Addr,
    /// Routers (option 3, RFC 2132 §3.5), in order of preference.
    pub routers: Vec<Ipv4Addr>,
    /// Domain name servers (option 6, RFC 2132 §3.8).
    pub dns_servers: Vec<Ipv4Addr>,
    /// The domain name (option 15, RFC 2132 §3.17); an empty name is not sent.
    pub domain_name: Option<String>,
    /// The domain search list (option 119, RFC 3397), written compressed.
    pub domain_search: Vec<NameBuf>,
    /// The interface MTU (option 26, RFC 2132 §5.1).
    pub mtu: Option<u16>,
    /// Classless static routes (option 121, RFC 3442). RFC 3442 §2: a client
    /// that gets them ignores option 3, so list the default route here too when
    /// clients should have one.
    pub classless_routes: Vec<Route>,
    /// The lease time (option 51, RFC 2132 §9.2); one of `u32::MAX` seconds or
    /// more is infinite (sent as 0xffffffff, never expires). Default 1 hour (as
    /// dnsmasq).
    pub lease_time: Duration,
    /// T1 (option 58); `None` is 0.5 of the lease (RFC 2131 §4.4.5).
    pub renewal_time: Option<Duration>,
    /// T2 (option 59); `None` is 0.875 of the lease (RFC 2131 §4.4.5).
    pub rebinding_time: Option<Duration>,
    /// How long an offered address stays reserved for the client it was
    /// offered to (RFC 2131 §4.3.1: "the server SHOULD reserve the offered
    /// address"; the time is the server's choice). Default 30 s.
    pub offer_hold: Duration,
    /// Rapid commit (RFC 4039): a DHCPDISCOVER carrying option 80 is answered
    /// with a DHCPACK carrying option 80 and the lease committed at once.
    /// Default off: RFC 4039 §4 leaves it to the administrator.
    pub rapid_commit: bool,
    /// Answer for this network (ISC dhcpd's `authoritative`): a DHCPREQUEST this
    /// server cannot grant, or from a client it has no record of, is answered
    /// with a DHCPNAK instead of silence (RFC 2131 §4.3.2). Default on: a
    /// simulated network has one server.
    pub authoritative: bool,
    /// The most bindings kept (offered, bound, declined, and the released or
    /// expired ones remembered for their clients). At the limit a remembered one
    /// is forgotten, oldest first; when none is, no address is offered. Default 1024.
    pub max_leases: usize,
    /// How long a declined address stays out of use (RFC 2131 §4.3.3: "MUST
    /// mark the network address as not available"). Default 10 minutes (as
    /// dnsmasq).
    pub decline_hold: Duration,
    /// The most replies waiting for `poll_transmit`; at the limit a new reply
    /// is dropped and counted ([`Stats::dropped_queue_full`]). Default 64.
    ///
    /// [`Stats::dropped_queue_full`]: crate::Stats::dropped_queue_full
    pub max_pending: usize,
    /// The most events waiting for `poll_event`; at the limit a new event is
    /// dropped and counted ([`Stats::events_dropped`]). Default 64.
    ///
    /// [`Stats::events_dropped`]: crate::Stats::events_dropped
    pub max_events: usize,
}

impl Config {
    /// A server at `server_id` leasing `pool_start..=pool_end` on the subnet
    /// with `subnet_mask`, no other parameters, and the defaults named on each
    /// field.
    pub fn new(
        server_id: Ipv4Addr,
        pool_start: Ipv4Addr,
        pool_end: Ipv4Addr,
        subnet_mask: Ipv4Addr,
    ) -> Self {
        Config {
            server_id,
            pool: pool_start..=pool_end,
            subnet_mask,
            routers: Vec::new(),
            dns_servers: Vec::new(),
            domain_name: None,
            domain_search: Vec::new(),
            mtu: None,
            classless_routes: Vec::new(),
            lease_time: Duration::from_secs(3600),
            renewal_time: None,
            rebinding_time: None,
            offer_hold: Duration::from_secs(30),
            rapid_commit: false,
            authoritative: true,
            max_leases: 1024,
            decline_hold: Duration::from_secs(600),
            max_pending: 64,
            max_events: 64,
        }
    }

    /// Whether `addr` is on this server's network: the subnet of `server_id`
    /// under `subnet_mask` (RFC 2131 §4.3.2, "the result of applying the local
    /// subnet mask ... to 'requested IP address'").
    pub fn on_subnet(&self, addr: Ipv4Addr) -> bool {
        let mask = u32::from(self.subnet_mask);
        u32::from(addr) & mask == u32::from(self.server_id) & mask
    }

    /// Whether `addr` may be leased: in the pool, on the subnet, and neither
    /// the server's own, a router's, nor the subnet's network or broadcast
    /// address.
    pub fn leasable(&self, addr: Ipv4Addr) -> bool {
        self.pool.contains(&addr)
            && self.on_subnet(addr)
            && addr != self.server_id
            && !self.routers.contains(&addr)
            && !self.is_network_or_broadcast(addr)
    }

    /// The subnet's all-zeros and all-ones host addresses (none on a /31 or /32,
    /// RFC 3021).
    fn is_network_or_broadcast(&self, addr: Ipv4Addr) -> bool {
        let mask = u32::from(self.subnet_mask);
        let host = u32::from(addr) & !mask;
        mask.count_ones() < 31 && (host == 0 || host == !mask)
    }

    /// The number of addresses in the pool, skipped ones included.
    pub fn pool_size(&self) -> u64 {
        let (start, end) = (u32::from(*self.pool.start()), u32::from(*self.pool.end()));
        if start > end {
            0
        } else {
            u64::from(end - start) + 1
        }
    }

    /// The lease time in seconds as option 51 carries it: 0xffffffff for
    /// infinity (RFC 2132 §9.2).
    pub fn lease_secs(&self) -> u32 {
        secs(self.lease_time)
    }

    /// Whether leases never expire (a lease time of `u32::MAX` seconds or more).
    pub fn infinite_lease(&self) -> bool {
        self.lease_secs() == u32::MAX
    }

    /// T1: `renewal_time`, or 0.5 of the lease (RFC 2131 §4.4.5), never past the
    /// lease.
    pub fn renewal(&self) -> Duration {
        self.renewal_time.unwrap_or(self.lease_time / 2).min(self.lease_time)
    }

    /// T2: `rebinding_time`, or 0.875 of the lease (RFC 2131 §4.4.5), between T1
    /// and the lease.
    pub fn rebinding(&self) -> Duration {
        let default = self.lease_time / 8 * 7;
        self.rebinding_time.unwrap_or(default).min(self.lease_time).max(self.renewal())
    }
}

/// Whole seconds of `d` as a 32-bit option value, saturating at `u32::MAX`.
pub(crate) fn secs(d: Duration) -> u32 {
    u32::try_from(d.as_secs()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::new(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 0),
            Ipv4Addr::new(10, 0, 0, 255),
            Ipv4Addr::new(255, 255, 255, 0),
        )
    }

    #[test]
    fn network_broadcast_server_and_routers_are_not_leasable() {
        let mut c = cfg();
        c.routers = alloc::vec![Ipv4Addr::new(10, 0, 0, 254)];
        for a in [0, 1, 254, 255] {
            assert!(!c.leasable(Ipv4Addr::new(10, 0, 0, a)), "{a}");
        }
        assert!(c.leasable(Ipv4Addr::new(10, 0, 0, 2)));
        assert!(!c.leasable(Ipv4Addr::new(10, 0, 1, 2)));
    }

    #[test]
    fn a_point_to_point_subnet_leases_both_addresses() {
        let mut c = cfg();
        c.subnet_mask = Ipv4Addr::new(255, 255, 255, 254);
        c.server_id = Ipv4Addr::new(10, 0, 0, 4);
        c.pool = Ipv4Addr::new(10, 0, 0, 4)..=Ipv4Addr::new(10, 0, 0, 5);
        assert!(c.leasable(Ipv4Addr::new(10, 0, 0, 5)));
    }

    #[test]
    fn timers_default_to_the_rfc_fractions_and_stay_ordered() {
        let mut c = cfg();
        c.lease_time = Duration::from_secs(800);
        assert_eq!(
            (c.renewal(), c.rebinding()),
            (Duration::from_secs(400), Duration::from_secs(700))
        );
        c.renewal_time = Some(Duration::from_secs(900));
        assert_eq!(
            (c.renewal(), c.rebinding()),
            (Duration::from_secs(800), Duration::from_secs(800))
        );
        c.lease_time = Duration::MAX;
        assert!(c.infinite_lease());
        assert_eq!(c.lease_secs(), u32::MAX);
    }

    #[test]
    fn a_reversed_pool_is_empty() {
        let mut c = cfg();
        c.pool = Ipv4Addr::new(10, 0, 0, 9)..=Ipv4Addr::new(10, 0, 0, 8);
        assert_eq!(c.pool_size(), 0);
        assert!(!c.leasable(Ipv4Addr::new(10, 0, 0, 8)));
    }
}
