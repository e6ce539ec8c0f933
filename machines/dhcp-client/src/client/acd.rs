//! Address conflict detection (RFC 5227) between the ACK and BOUND, defence
//! while BOUND, and entering BOUND.

use core::net::Ipv4Addr;
use core::time::Duration;

use wirestate_wire::Instant;

use super::acd_consts::*;
use super::{Client, OneShot, State};
use crate::event::{Event, LossReason};
use crate::lease::{Lease, LeaseKind};
use crate::random::{below, Entropy};
use crate::timer::Timer;

impl<R: Entropy> Client<R> {
    /// Takes a new lease: probed first when `Config::conflict_detection` is on
    /// (RFC 2131 §4.4.1: "the client SHOULD perform a check on the suggested
    /// address"), bound at once otherwise.
    pub(super) fn bind(&mut self, now: Instant, lease: Lease) {
        self.timers.clear(Timer::Retransmit);
        self.timers.clear(Timer::OfferWait);
        self.owed = false;
        self.selected = None;
        self.offers.clear();
        if !self.config.conflict_detection {
            return self.become_bound(now, lease);
        }
        // RFC 5227 §2.1.1: wait a random time in 0..PROBE_WAIT, then probe.
        self.state = State::Probing;
        self.candidate = Some(lease);
        self.acd.probes_sent = 0;
        let wait = millis_between(&mut self.rng, Duration::ZERO, PROBE_WAIT);
        self.timers.set(Timer::Acd, now + wait);
    }

    /// The next step of the probe and announcement schedule.
    pub(super) fn acd_step(&mut self, now: Instant) {
        match self.state {
            State::Probing => {
                let Some(address) = self.candidate.as_ref().map(|l| l.address) else { return };
                if self.acd.probes_sent < PROBE_NUM {
                    // §2.1.1: PROBE_NUM probes, PROBE_MIN..PROBE_MAX apart, then
                    // ANNOUNCE_WAIT before the address is taken.
                    self.events.push(Event::Probe(address));
                    self.acd.probes_sent += 1;
                    let next = if self.acd.probes_sent < PROBE_NUM {
                        millis_between(&mut self.rng, PROBE_MIN, PROBE_MAX)
                    } else {
                        ANNOUNCE_WAIT
                    };
                    self.timers.set(Timer::Acd, now + next);
                } else if let Some(lease) = self.candidate.take() {
                    self.become_bound(now, lease);
                }
            }
            State::Bound | State::Renewing | State::Rebinding if self.acd.announces_left > 0 => {
                let Some(address) = self.lease.as_ref().map(|l| l.address) else { return };
                self.events.push(Event::Announce(address));
                self.acd.announces_left -= 1;
                if self.acd.announces_left > 0 {
                    self.timers.set(Timer::Acd, now + ANNOUNCE_INTERVAL);
                }
            }
            _ => {}
        }
    }

    /// BOUND (§4.4.1, §4.4.5): the lease's timers armed, the host told. A lease
    /// that replaces one with the same address is a renewal.
    pub(super) fn become_bound(&mut self, now: Instant, lease: Lease) {
        let previous = self.lease.take();
        self.state = State::Bound;
        for t in [Timer::Retransmit, Timer::OfferWait, Timer::Restart, Timer::Renew, Timer::Rebind]
        {
            self.timers.clear(t);
        }
        self.owed = false;
        self.candidate = None;
        self.hint = None;
        self.naks = 0;
        self.conflicts = 0;
        if let Some(at) = lease.renew_at() {
            self.timers.set(Timer::Renew, at);
        }
        if let Some(at) = lease.rebind_at() {
            self.timers.set(Timer::Rebind, at);
        }
        match lease.expires_at() {
            Some(at) => self.timers.set(Timer::Expire, at),
            None => self.timers.clear(Timer::Expire),
        }
        let event = match previous {
            Some(p) if p.address == lease.address && p.same_parameters(&lease) => {
                Event::Renewed(lease.clone())
            }
            Some(p) if p.address == lease.address => Event::Changed(lease.clone()),
            _ => {
                if self.config.conflict_detection {
                    // RFC 5227 §2.3: ANNOUNCE_NUM announcements, ANNOUNCE_INTERVAL
                    // apart, the first as the address is taken.
                    self.events.push(Event::Announce(lease.address));
                    self.acd.announces_left = ANNOUNCE_NUM - 1;
                    self.timers.set(Timer::Acd, now + ANNOUNCE_INTERVAL);
                }
                Event::Bound(lease.clone())
            }
        };
        self.lease = Some(lease);
        self.events.push(event);
    }

    /// An ARP packet seen on the interface: its sender hardware and IP addresses
    /// and its target IP address. While probing, one that shows another host on
    /// the address (RFC 5227 §2.1.1: its sender IP is the address, or it is a
    /// probe for the address from another host) is a conflict: the address is
    /// declined (RFC 2131 §3.1 step 5) and the client starts again after
    /// `Config::decline_wait` (60 s after ten conflicts, RFC 5227 §2.1.1). While
    /// the address is in use, another host claiming it is answered with an
    /// announcement, and at a second claim within ten seconds the address is
    /// given up (§2.4 (b)). The host's own packets (its `chaddr`) are ignored.
    pub fn handle_arp(
        &mut self,
        now: Instant,
        sender_hw: &[u8],
        sender_ip: Ipv4Addr,
        target_ip: Ipv4Addr,
    ) {
        self.run_due(now);
        if sender_hw == self.config.hw_addr.as_bytes() {
            return;
        }
        match self.state {
            State::Probing => {
                let Some(address) = self.candidate.as_ref().map(|l| l.address) else { return };
                let probe_for_it = sender_ip.is_unspecified() && target_ip == address;
                if sender_ip == address || probe_for_it {
                    let server = self.candidate.as_ref().and_then(decline_to);
                    self.conflict(now, address, server);
                }
            }
            State::Bound | State::Renewing | State::Rebinding => {
                let Some(lease) = self.lease.as_ref() else { return };
                let (address, server) = (lease.address, decline_to(lease));
                if sender_ip != address {
                    return;
                }
                let recent = self.acd.last_defence.is_some_and(|at| now < at + DEFEND_INTERVAL);
                if recent {
                    self.lose(LossReason::Conflict);
                    self.conflict(now, address, server);
                } else {
                    self.acd.last_defence = Some(now);
                    self.events.push(Event::Announce(address));
                }
            }
            _ => {}
        }
    }

    /// Declines `address` to `server` (if any) and goes back to INIT after the
    /// wait.
    fn conflict(&mut self, now: Instant, address: Ipv4Addr, server: Option<Ipv4Addr>) {
        self.stats.conflicts += 1;
        self.conflicts += 1;
        if let Some(server) = server {
            let xid = self.rng.next_u32();
            self.once = Some(OneShot::Decline { xid, address, server });
        }
        self.events.push(Event::Conflict(address));
        self.hint = None;
        let wait = if self.conflicts >= MAX_CONFLICTS {
            self.config.decline_wait.max(RATE_LIMIT_INTERVAL)
        } else {
            self.config.decline_wait
        };
        self.enter_init(now, wait);
    }
}

/// The server a DHCPDECLINE for `lease` goes to: none for a BOOTP reply, which
/// has no DHCP server to tell.
fn decline_to(lease: &Lease) -> Option<Ipv4Addr> {
    (lease.kind == LeaseKind::Dhcp && !lease.server.is_unspecified()).then_some(lease.server)
}

/// A random duration in `from..=to`, to the millisecond.
fn millis_between(rng: &mut impl Entropy, from: Duration, to: Duration) -> Duration {
    let span = (to - from).as_millis() as u32;
    from + Duration::from_millis(u64::from(below(rng, span + 1)))
}
