//! What the resolver remembers about servers: smoothed RTT (RFC 6298's
//! estimator, as unbound keeps per server), timeouts backing the estimate off,
//! lame zones, and servers that do not speak EDNS.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::net::IpAddr;
use core::time::Duration;

use wirestate_dns::NameBuf;
use wirestate_wire::Instant;

use crate::names;

/// The estimate for a server never heard from (unbound's 376 ms).
pub(crate) const UNKNOWN_RTT_MS: u32 = 376;
/// The retransmission timeout's bounds.
const MIN_RTO_MS: u32 = 50;
const MAX_RTO_MS: u32 = 12_000;

#[derive(Debug, Clone)]
struct Server {
    srtt: u32,
    rttvar: u32,
    rto: u32,
    /// Until when the server is asked without EDNS.
    no_edns: Option<Instant>,
    /// Zones this server answered lamely for, until when.
    lame: Vec<(Box<[u8]>, Instant)>,
    last_used: Instant,
}

/// The server table, bounded: the least recently used server is forgotten.
#[derive(Debug, Clone)]
pub(crate) struct Infra {
    servers: BTreeMap<IpAddr, Server>,
    max: usize,
}

impl Infra {
    pub fn new(max: usize) -> Self {
        Infra { servers: BTreeMap::new(), max: max.max(1) }
    }

    fn entry(&mut self, addr: IpAddr, now: Instant) -> &mut Server {
        if !self.servers.contains_key(&addr) && self.servers.len() >= self.max {
            let oldest = self.servers.iter().min_by_key(|(_, s)| s.last_used).map(|(a, _)| *a);
            if let Some(a) = oldest {
                self.servers.remove(&a);
            }
        }
        let s = self.servers.entry(addr).or_insert(Server {
            srtt: UNKNOWN_RTT_MS,
            rttvar: UNKNOWN_RTT_MS / 2,
            rto: UNKNOWN_RTT_MS * 3,
            no_edns: None,
            lame: Vec::new(),
            last_used: now,
        });
        s.last_used = now;
        s
    }

    /// The smoothed RTT in milliseconds (the unknown estimate if never measured).
    pub fn srtt(&self, addr: IpAddr) -> u32 {
        self.servers.get(&addr).map_or(UNKNOWN_RTT_MS, |s| s.srtt)
    }

    /// How long to wait for `addr` before trying another server.
    pub fn rto(&self, addr: IpAddr) -> Duration {
        let ms = self.servers.get(&addr).map_or(UNKNOWN_RTT_MS * 3, |s| s.rto);
        Duration::from_millis(u64::from(ms.clamp(MIN_RTO_MS, MAX_RTO_MS)))
    }

    /// An answer came after `rtt` (RFC 6298 §2.3: alpha 1/8, beta 1/4).
    pub fn sample(&mut self, now: Instant, addr: IpAddr, rtt: Duration) {
        let r = rtt.as_millis().min(u128::from(MAX_RTO_MS)) as u32;
        let s = self.entry(addr, now);
        let diff = s.srtt.abs_diff(r);
        s.rttvar = (3 * s.rttvar + diff) / 4;
        s.srtt = (7 * s.srtt + r) / 8;
        s.rto = (s.srtt + 4 * s.rttvar.max(10)).clamp(MIN_RTO_MS, MAX_RTO_MS);
    }

    /// No answer in time: the timeout doubles (RFC 6298 §5.5), and the smoothed
    /// RTT with it, so the server is chosen less.
    pub fn timeout(&mut self, now: Instant, addr: IpAddr) {
        let s = self.entry(addr, now);
        s.rto = (s.rto * 2).min(MAX_RTO_MS);
        s.srtt = s.srtt.max(s.rto / 2).min(MAX_RTO_MS);
    }

    /// `addr` answered FORMERR to EDNS: plain DNS until `until`, then EDNS is
    /// tried again (a server may be upgraded, or the FORMERR a fluke).
    pub fn set_no_edns(&mut self, now: Instant, addr: IpAddr, until: Instant) {
        self.entry(addr, now).no_edns = Some(until);
    }

    pub fn no_edns(&self, now: Instant, addr: IpAddr) -> bool {
        self.servers.get(&addr).and_then(|s| s.no_edns).is_some_and(|until| now < until)
    }

    /// `addr` is lame for `zone` until `until`.
    pub fn set_lame(&mut self, now: Instant, addr: IpAddr, zone: &NameBuf, until: Instant) {
        let k = names::key(zone);
        let s = self.entry(addr, now);
        s.lame.retain(|(z, at)| **z != *k && *at > now);
        if s.lame.len() < 16 {
            s.lame.push((k, until));
        }
    }

    pub fn is_lame(&self, now: Instant, addr: IpAddr, zone: &NameBuf) -> bool {
        let k = names::key(zone);
        self.servers
            .get(&addr)
            .is_some_and(|s| s.lame.iter().any(|(z, until)| **z == *k && now < *until))
    }

    pub fn len(&self) -> usize {
        self.servers.len()
    }
}
