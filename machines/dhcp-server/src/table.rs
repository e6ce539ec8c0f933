//! The lease table: every binding the server keeps, one per address, sorted by
//! address, bounded by `Config::max_leases`; address selection (RFC 2131
//! §4.3.1) and what each binding's deadline does.

use alloc::vec::Vec;
use core::net::Ipv4Addr;
use core::time::Duration;

use wirestate_wire::Instant;

use crate::client::ClientKey;
use crate::config::Config;

/// What a binding is, and what happens at its deadline ([`Binding::until`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BindingState {
    /// Offered in a DHCPOFFER and reserved for the client (RFC 2131 §4.3.1)
    /// until `Config::offer_hold` has passed; then forgotten, the address free.
    Offered,
    /// Leased (a DHCPACK went out, RFC 2131 §4.3.2) until the lease ends; then
    /// [`BindingState::Expired`], and [`Event::Expired`](crate::Event::Expired).
    /// An infinite lease has no deadline.
    Bound,
    /// Declined by the client (RFC 2131 §4.3.3): the address is in use by
    /// someone else, so nobody gets it until `Config::decline_hold` has passed;
    /// then forgotten, the address free.
    Declined,
    /// Released by the client (RFC 2131 §4.3.4): the address is free, and kept
    /// for this client should it come back. No deadline.
    Released,
    /// The lease ran out: as [`BindingState::Released`].
    Expired,
}

impl BindingState {
    /// Released or expired: the address is free, only remembered for the client.
    pub fn is_dormant(self) -> bool {
        matches!(self, BindingState::Released | BindingState::Expired)
    }
}

/// One address and who it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Binding {
    /// The client (for a declined address, the one that declined it).
    pub client: ClientKey,
    /// The address.
    pub addr: Ipv4Addr,
    /// What the binding is.
    pub state: BindingState,
    /// When it entered that state (for a lapsed one, when its deadline was).
    pub since: Instant,
    /// The deadline of the state, if it has one (see [`BindingState`]).
    pub until: Option<Instant>,
    /// For an offer made from a remembered (released or expired) binding: the
    /// state it goes back to if the offer is not taken up, so the client's
    /// address stays remembered for it (RFC 2131 §4.3.1, §4.3.4).
    dormant: Option<(BindingState, Instant)>,
}

/// What a deadline did, for the server's events and counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lapse {
    /// An offer was not taken up: forgotten.
    Offer,
    /// A lease ran out: now expired (dormant).
    Lease,
    /// A decline hold ended: forgotten.
    Decline,
}

/// The bindings, sorted by address, at most one per address and at most one
/// that is not declined per client.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table(Vec<Binding>);

impl Table {
    pub(crate) fn iter(&self) -> core::slice::Iter<'_, Binding> {
        self.0.iter()
    }

    pub(crate) fn get(&self, i: usize) -> Option<&Binding> {
        self.0.get(i)
    }

    pub(crate) fn by_addr(&self, addr: Ipv4Addr) -> Option<&Binding> {
        self.find(addr).ok().and_then(|i| self.0.get(i))
    }

    fn find(&self, addr: Ipv4Addr) -> Result<usize, usize> {
        self.0.binary_search_by_key(&addr, |b| b.addr)
    }

    /// The client's binding (not a declined one).
    pub(crate) fn of_client(&self, key: &ClientKey) -> Option<usize> {
        self.0.iter().position(|b| b.state != BindingState::Declined && &b.client == key)
    }

    /// The earliest deadline.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.0.iter().filter_map(|b| b.until).min()
    }

    /// Picks an address for `key` and returns the index of its binding, new or
    /// existing (the caller then offers or binds it), following RFC 2131
    /// §4.3.1's order: the client's current binding; its previous, expired or
    /// released, address; the address it asked for (option 50) if free; the
    /// lowest address without a binding; the address remembered longest for
    /// another client. A new binding in a full table takes the room of the
    /// binding remembered longest. `None` when nothing is free, or the table is
    /// full of live bindings.
    pub(crate) fn allocate(
        &mut self,
        cfg: &Config,
        key: &ClientKey,
        requested: Option<Ipv4Addr>,
    ) -> Option<usize> {
        if let Some(i) = self.of_client(key) {
            if self.0.get(i).is_some_and(|b| cfg.leasable(b.addr)) {
                // RFC 2131 §4.3.1: "The client's current address as recorded in
                // the client's current binding, ELSE the client's previous address
                // as recorded in the client's (now expired or released) binding".
                return Some(i);
            }
            // Its address left the pool (the configuration changed): forget it.
            self.0.remove(i);
        }
        // RFC 2131 §4.3.1: "ELSE the address requested in the 'Requested IP
        // Address' option, if that address is valid and not already allocated".
        if let Some(addr) = requested.filter(|&a| cfg.leasable(a)) {
            match self.find(addr) {
                Err(_) => return self.insert(key, addr, cfg.max_leases),
                Ok(i) if self.0.get(i).is_some_and(|b| b.state.is_dormant()) => {
                    return Some(self.take_over(i, key));
                }
                Ok(_) => {}
            }
        }
        // RFC 2131 §4.3.1: "ELSE a new address allocated from the server's pool
        // of available addresses": the lowest one never bound, so a run repeats.
        if let Some(addr) = self.lowest_unused(cfg) {
            return self.insert(key, addr, cfg.max_leases);
        }
        let i = self.oldest_dormant()?;
        Some(self.take_over(i, key))
    }

    /// The lowest leasable address without a binding, in the part of the pool
    /// on the subnet. Each step past the first skips a binding or an address the
    /// configuration excludes (the server's, a router's, the network and
    /// broadcast addresses), so the walk is no longer than the table and the
    /// exclusions.
    fn lowest_unused(&self, cfg: &Config) -> Option<Ipv4Addr> {
        let mask = u32::from(cfg.subnet_mask);
        let net = u32::from(cfg.server_id) & mask;
        let start = u32::from(*cfg.pool.start()).max(net);
        let end = u32::from(*cfg.pool.end()).min(net | !mask);
        let mut a = start;
        while a <= end {
            let addr = Ipv4Addr::from(a);
            if cfg.leasable(addr) && self.find(addr).is_err() {
                return Some(addr);
            }
            a = a.checked_add(1)?;
        }
        None
    }

    /// The dormant binding remembered longest (then the lowest address).
    fn oldest_dormant(&self) -> Option<usize> {
        let dormant = self.0.iter().enumerate().filter(|(_, b)| b.state.is_dormant());
        dormant.min_by_key(|(_, b)| (b.since, b.addr)).map(|(i, _)| i)
    }

    /// Gives a dormant binding to `key` (the address is free; RFC 2131 §4.3.1).
    fn take_over(&mut self, i: usize, key: &ClientKey) -> usize {
        if let Some(b) = self.0.get_mut(i) {
            b.client = key.clone();
        }
        i
    }

    /// A new binding of `addr` for `key` (state to be set by the caller): room is
    /// made by forgetting the oldest dormant binding when the table is full.
    fn insert(&mut self, key: &ClientKey, addr: Ipv4Addr, cap: usize) -> Option<usize> {
        self.insert_as(key, addr, BindingState::Offered, Instant::ZERO, cap)
    }

    /// A new binding, made room for as [`Table::insert`] says, within `cap`
    /// bindings (a limit lowered below the table forgets dormant ones until
    /// there is room).
    fn insert_as(
        &mut self,
        key: &ClientKey,
        addr: Ipv4Addr,
        state: BindingState,
        now: Instant,
        cap: usize,
    ) -> Option<usize> {
        while self.0.len() >= cap {
            let old = self.oldest_dormant()?;
            self.0.remove(old);
        }
        let at = self.find(addr).err()?;
        let b =
            Binding { client: key.clone(), addr, state, since: now, until: None, dormant: None };
        self.0.insert(at, b);
        Some(at)
    }

    /// Reserves binding `i` as offered until `now + hold`; a bound one stays
    /// bound (a client that lost its state is offered its lease again).
    pub(crate) fn offer(&mut self, i: usize, now: Instant, hold: Duration) {
        if let Some(b) = self.0.get_mut(i) {
            if b.state != BindingState::Bound {
                if matches!(b.state, BindingState::Released | BindingState::Expired) {
                    b.dormant = Some((b.state, b.since));
                }
                (b.state, b.since, b.until) = (BindingState::Offered, now, Some(now + hold));
            }
        }
    }

    /// Binds `i` until `until` (`None`: forever).
    pub(crate) fn bind(&mut self, i: usize, now: Instant, until: Option<Instant>) {
        if let Some(b) = self.0.get_mut(i) {
            (b.state, b.since, b.until, b.dormant) = (BindingState::Bound, now, until, None);
        }
    }

    /// An offer not taken up (lapsed, or the client chose another server):
    /// a remembered binding goes back to what it was, a new one is forgotten.
    pub(crate) fn withdraw_offer(&mut self, i: usize) {
        let Some(b) = self.0.get_mut(i) else { return };
        match b.dormant.take() {
            Some((state, since)) => (b.state, b.since, b.until) = (state, since, None),
            None => {
                self.0.remove(i);
            }
        }
    }

    /// Marks `i` released: the address is free, remembered for the client.
    pub(crate) fn release(&mut self, i: usize, now: Instant) {
        if let Some(b) = self.0.get_mut(i) {
            (b.state, b.since, b.until) = (BindingState::Released, now, None);
        }
    }

    /// Marks `addr` declined by `key` until `until`: its binding (the client's,
    /// or a dormant one) becomes the declined one, or one is made. False when
    /// the table is full of live bindings (the address cannot be recorded).
    pub(crate) fn decline(
        &mut self,
        key: &ClientKey,
        addr: Ipv4Addr,
        now: Instant,
        until: Instant,
        cap: usize,
    ) -> bool {
        let i = match self.find(addr) {
            Ok(i) => i,
            Err(_) => match self.insert_as(key, addr, BindingState::Declined, now, cap) {
                Some(i) => i,
                None => return false,
            },
        };
        if let Some(b) = self.0.get_mut(i) {
            b.client = key.clone();
            (b.state, b.since, b.until) = (BindingState::Declined, now, Some(until));
        }
        true
    }

    /// Runs the deadlines due at `now` (see [`BindingState`]), telling `seen`
    /// about each binding whose deadline passed, before it is forgotten or
    /// after it expired.
    pub(crate) fn expire(&mut self, now: Instant, mut seen: impl FnMut(Lapse, &Binding)) {
        let mut i = 0;
        while let Some(b) = self.0.get_mut(i) {
            match b.until {
                Some(t) if t <= now => match b.state {
                    BindingState::Offered if b.dormant.is_some() => {
                        seen(Lapse::Offer, b);
                        self.withdraw_offer(i);
                    }
                    BindingState::Offered | BindingState::Declined => {
                        let lapse = if b.state == BindingState::Offered {
                            Lapse::Offer
                        } else {
                            Lapse::Decline
                        };
                        seen(lapse, b);
                        self.0.remove(i);
                        continue;
                    }
                    BindingState::Bound => {
                        (b.state, b.since, b.until) = (BindingState::Expired, t, None);
                        seen(Lapse::Lease, b);
                    }
                    BindingState::Released | BindingState::Expired => b.until = None,
                },
                _ => {}
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::HwAddr;

    fn key(n: u8) -> ClientKey {
        ClientKey::Hardware(HwAddr::ethernet([2, 0, 0, 0, 0, n]))
    }

    fn cfg() -> Config {
        Config::new(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 10),
            Ipv4Addr::new(10, 0, 0, 20),
            Ipv4Addr::new(255, 255, 255, 0),
        )
    }

    #[test]
    fn a_pool_wider_than_the_subnet_is_walked_only_on_the_subnet() {
        let mut c = cfg();
        c.pool = Ipv4Addr::UNSPECIFIED..=Ipv4Addr::BROADCAST;
        let mut t = Table::default();
        let i = t.allocate(&c, &key(1), None).unwrap();
        // 10.0.0.0 is the network, 10.0.0.1 the server.
        assert_eq!(t.get(i).unwrap().addr, Ipv4Addr::new(10, 0, 0, 2));
        // Off the subnet entirely: nothing, at once.
        c.pool = Ipv4Addr::new(11, 0, 0, 0)..=Ipv4Addr::BROADCAST;
        assert_eq!(t.allocate(&c, &key(2), None), None);
    }

    #[test]
    fn a_lowered_limit_forgets_dormant_bindings_until_there_is_room() {
        let c = cfg();
        let mut t = Table::default();
        for n in 0..4 {
            let i = t.allocate(&c, &key(n), None).unwrap();
            t.release(i, Instant::from_millis(u64::from(n)));
        }
        let c = Config { max_leases: 2, ..c };
        let i = t.allocate(&c, &key(9), None).unwrap();
        assert_eq!(t.get(i).unwrap().client, key(9));
        let left: Vec<_> = t.iter().map(|b| (b.addr, b.state)).collect();
        // The three remembered longest went; key 9 took the lowest address never
        // bound, chosen before room was made.
        assert_eq!(
            left,
            [
                (Ipv4Addr::new(10, 0, 0, 13), BindingState::Released),
                (Ipv4Addr::new(10, 0, 0, 14), BindingState::Offered),
            ]
        );
        assert_eq!(t.iter().count(), 2);
    }

    #[test]
    fn deadlines_forget_offers_and_declines_and_expire_leases() {
        let c = cfg();
        let mut t = Table::default();
        let t0 = Instant::from_millis(1_000);
        let a = t.allocate(&c, &key(1), None).unwrap();
        t.offer(a, t0, Duration::from_secs(1));
        let b = t.allocate(&c, &key(2), None).unwrap();
        t.bind(b, t0, Some(t0 + Duration::from_secs(2)));
        assert!(t.decline(
            &key(3),
            Ipv4Addr::new(10, 0, 0, 15),
            t0,
            t0 + Duration::from_secs(3),
            8
        ));
        assert_eq!(t.next_deadline(), Some(t0 + Duration::from_secs(1)));
        let mut seen = Vec::new();
        t.expire(t0 + Duration::from_secs(3), |l, b| seen.push((l, b.addr)));
        assert_eq!(
            seen,
            [
                (Lapse::Offer, Ipv4Addr::new(10, 0, 0, 10)),
                (Lapse::Lease, Ipv4Addr::new(10, 0, 0, 11)),
                (Lapse::Decline, Ipv4Addr::new(10, 0, 0, 15)),
            ]
        );
        let b = t.by_addr(Ipv4Addr::new(10, 0, 0, 11)).unwrap();
        assert_eq!(
            (b.state, b.since, b.until),
            (BindingState::Expired, t0 + Duration::from_secs(2), None)
        );
        assert_eq!((t.iter().count(), t.next_deadline()), (1, None));
    }
}
