//! What arrives: replies from servers, checked and acted on per state (RFC 2131
//! §4.4 and figure 5).

use core::net::Ipv4Addr;
use core::time::Duration;

use wirestate_dhcp::{Message, MessageType};
use wirestate_wire::Instant;

use super::{Client, Offer, State};
use crate::event::{Event, LossReason};
use crate::lease::{read_reply, Lease, LeaseKind, Reply};
use crate::random::{below, Entropy};

impl<R: Entropy> Client<R> {
    /// A UDP payload that arrived on port 68, and its IP source address.
    /// Malformed or unexpected messages are dropped and counted in
    /// [`stats`](Self::stats); nothing here fails or panics.
    pub fn handle_message(&mut self, now: Instant, src: Ipv4Addr, payload: &[u8]) {
        self.run_due(now);
        self.stats.received += 1;
        let Ok(msg) = Message::new_checked_bootp(payload) else {
            self.stats.dropped_malformed += 1;
            return;
        };
        if msg.op() != 2 {
            self.stats.dropped_not_reply += 1;
            return;
        }
        let waiting = matches!(
            self.state,
            State::Selecting
                | State::Requesting
                | State::Rebooting
                | State::Renewing
                | State::Rebinding
                | State::Informing
        );
        // RFC 2131 §4.4.1: the client matches replies to its request by xid.
        if !waiting || msg.xid() != self.xid {
            self.stats.dropped_wrong_xid += 1;
            return;
        }
        let hw = self.config.hw_addr;
        if msg.htype() != hw.htype
            || usize::from(msg.hlen()) != hw.as_bytes().len()
            || msg.client_hw_addr() != hw.as_bytes()
        {
            self.stats.dropped_wrong_chaddr += 1;
            return;
        }
        let Ok(reply) = read_reply(&msg, src) else {
            self.stats.dropped_malformed += 1;
            return;
        };
        self.dispatch(now, reply);
    }

    fn dispatch(&mut self, now: Instant, reply: Reply) {
        use MessageType as M;
        use State as S;
        // Table 3: a server's OFFER, ACK and NAK carry its identifier. Without it
        // the IP source would have to stand in, and through a relay that is the
        // relay, whom the REQUEST would then name (systemd refuses these too).
        if reply.message_type.is_some() && reply.server_id.is_none() {
            self.stats.dropped_invalid += 1;
            return;
        }
        let from_server = |expected: Option<&Lease>, r: &Reply| {
            expected.is_some_and(|l| l.server == r.lease.server)
        };
        match (self.state, reply.message_type) {
            (S::Selecting, Some(M::Offer)) => self.on_offer(now, reply),
            // RFC 4039 §4: an ACK with rapid commit answers a DISCOVER that asked.
            (S::Selecting, Some(M::Ack)) if self.config.rapid_commit && reply.rapid_commit => {
                let base = self.first_sent.unwrap_or(now);
                self.on_ack(now, reply, base);
            }
            // RFC 1534 §3: a BOOTP server answers a DISCOVER with a BOOTREPLY.
            (S::Selecting, None) if self.config.accept_bootp => self.on_bootp(now, reply),
            // §4.4.1: in REQUESTING only the chosen server's answer counts; the
            // REQUEST told the others they were not chosen.
            (S::Requesting, Some(M::Ack | M::Nak))
                if !from_server(self.selected.as_ref().map(|o| &o.lease), &reply) =>
            {
                self.stats.dropped_wrong_server += 1;
            }
            // §4.4.5: RENEWING unicasts to the lease's server; an answer from
            // another is not the answer to this REQUEST.
            (S::Renewing, Some(M::Ack | M::Nak)) if !from_server(self.lease.as_ref(), &reply) => {
                self.stats.dropped_wrong_server += 1;
            }
            (S::Requesting | S::Rebooting | S::Renewing | S::Rebinding, Some(M::Ack)) => {
                let base = self.first_sent.unwrap_or(now);
                self.on_ack(now, reply, base);
            }
            (S::Requesting | S::Rebooting | S::Renewing | S::Rebinding, Some(M::Nak)) => {
                self.on_nak(now)
            }
            (S::Informing, Some(M::Ack)) => self.on_informed(now, reply),
            _ => self.stats.dropped_unexpected += 1,
        }
    }

    /// SELECTING, an OFFER (§4.4.1): kept if usable, then chosen at once or when
    /// collecting ends.
    fn on_offer(&mut self, now: Instant, reply: Reply) {
        self.stats.offers += 1;
        let Some(lease) = self.settle(reply, now) else {
            self.stats.dropped_invalid += 1;
            return;
        };
        let offer = Offer { lease, received: now };
        if (self.config.offer_policy.score)(&offer).is_none() {
            self.stats.dropped_unexpected += 1;
            return;
        }
        if self.offers.len() < self.config.max_offers.max(1) {
            self.offers.push(offer);
        }
        let wait = self.config.offer_policy.wait;
        if wait.is_zero() {
            self.choose_offer(now);
        } else if self.timer(crate::Timer::OfferWait).is_none() {
            self.timers.set(crate::Timer::OfferWait, now + wait);
        }
    }

    /// SELECTING → REQUESTING with the best offer held (§4.4.1): the REQUEST
    /// keeps the DISCOVER's xid and `secs`, names the server (option 54) and the
    /// address (option 50).
    pub(super) fn choose_offer(&mut self, now: Instant) {
        let score = self.config.offer_policy.score;
        let best = self
            .offers
            .iter()
            .enumerate()
            .filter_map(|(i, o)| score(o).map(|s| (s, core::cmp::Reverse(i))))
            .max()
            .map(|(_, core::cmp::Reverse(i))| i);
        let Some(i) = best else { return };
        let offer = self.offers.swap_remove(i);
        self.offers.clear();
        self.timers.clear(crate::Timer::OfferWait);
        self.timers.clear(crate::Timer::Retransmit);
        self.state = State::Requesting;
        self.selected = Some(offer);
        self.first_sent = None;
        self.sent = 0;
        self.owed = true;
        let _ = now;
    }

    /// An ACK (§4.4.1 REQUESTING, §4.4.2 REBOOTING, §4.4.5 RENEWING and
    /// REBINDING, RFC 4039 in SELECTING); its times count from `base`.
    ///
    /// The ACK must bind the address asked for: the offered one in REQUESTING
    /// (§4.3.2: the server commits what it offered), the remembered one in
    /// REBOOTING (§4.3.2: a server that disagrees sends a NAK) and the one in use
    /// in RENEWING and REBINDING (`ciaddr`). Anything else is figure 5's
    /// "DHCPACK (not accept)": dropped and counted, and the retransmissions go
    /// on. A lease already over by `now` is refused the same way.
    fn on_ack(&mut self, now: Instant, reply: Reply, base: Instant) {
        let asked = match self.state {
            State::Requesting => self.selected.as_ref().map(|o| o.lease.address),
            State::Rebooting => self.candidate.as_ref().map(|l| l.address),
            State::Renewing | State::Rebinding => self.lease.as_ref().map(|l| l.address),
            _ => None,
        };
        if asked.is_some_and(|a| a != reply.lease.address) {
            self.stats.dropped_invalid += 1;
            return;
        }
        let Some(lease) =
            self.settle(reply, base).filter(|l| l.expires_at().is_none_or(|e| e > now))
        else {
            self.stats.dropped_invalid += 1;
            return;
        };
        if self.lease.is_some() {
            // A renewal of the address in use: no probe (RFC 5227 §2.1 probes
            // new addresses).
            self.become_bound(now, lease);
        } else {
            self.bind(now, lease);
        }
    }

    /// A BOOTP reply in SELECTING (RFC 1534 §3): an address without end.
    fn on_bootp(&mut self, now: Instant, reply: Reply) {
        let mut lease = reply.lease;
        lease.kind = LeaseKind::Bootp;
        // RFC 951 §3: `siaddr` is the server; the source may be a relay.
        if !reply.siaddr.is_unspecified() {
            lease.server = reply.siaddr;
        }
        lease.acquired = now;
        if !usable_address(&lease) {
            self.stats.dropped_invalid += 1;
            return;
        }
        self.bind(now, lease);
    }

    /// A NAK: back to INIT (§3.1 step 3, §3.2 step 4, §4.4.5), with a backoff
    /// when NAKs repeat: the first restarts at once, later ones wait 4, 8, ...
    /// up to 64 s, so a server that offers what it then refuses is not hammered.
    fn on_nak(&mut self, now: Instant) {
        self.stats.naks += 1;
        self.naks += 1;
        self.lose(LossReason::Nak);
        self.hint = None;
        let wait = match self.naks {
            1 => Duration::ZERO,
            n => Duration::from_secs(4u64 << (n - 2).min(4)),
        };
        self.enter_init(now, wait);
    }

    /// The ACK to an INFORM (§4.4.3): parameters, no lease.
    fn on_informed(&mut self, now: Instant, reply: Reply) {
        let mut lease = reply.lease;
        lease.kind = LeaseKind::Inform;
        lease.address = self.inform_address;
        (lease.lease_time, lease.renewal_time, lease.rebinding_time) = (None, None, None);
        lease.acquired = now;
        self.reset(State::Informed);
        self.events.push(Event::Informed(lease));
    }

    /// The lease of an OFFER or ACK, its times counted from `base`; `None` if the
    /// address is unusable or the lease time missing (Table 3: MUST) or under
    /// `Config::min_lease`. T1 and T2 default to 1/2 (less a random fuzz of up
    /// to 1/32) and 7/8 of the lease, and are taken from the defaults unless
    /// T1 < T2 < lease (§4.4.5).
    fn settle(&mut self, reply: Reply, base: Instant) -> Option<Lease> {
        let mut lease = reply.lease;
        lease.acquired = base;
        if !usable_address(&lease) {
            return None;
        }
        let secs = reply.lease_secs?;
        if secs == u32::MAX {
            // §3.3: 0xffffffff is an infinite lease; T1 and T2 mean nothing.
            (lease.lease_time, lease.renewal_time, lease.rebinding_time) = (None, None, None);
            return Some(lease);
        }
        let whole = Duration::from_secs(u64::from(secs));
        if whole < self.config.min_lease {
            return None;
        }
        let ms = whole.as_millis() as u64;
        // A server's T1 or T2 under half of `min_lease` (zero included) is taken
        // as absent: a T1 of zero would renew at the instant of binding, for ever.
        let floor = self.config.min_lease / 2;
        let secs_of =
            |v: Option<u32>| v.map(|s| Duration::from_secs(u64::from(s))).filter(|&t| t >= floor);
        let default_t2 = Duration::from_millis(ms / 8 * 7);
        let t2 = secs_of(reply.rebinding_secs).filter(|&t| t < whole).unwrap_or(default_t2);
        let t1 = match secs_of(reply.renewal_secs).filter(|&t| t < t2) {
            Some(t1) => t1,
            None => {
                let most = (ms / 32).min(u64::from(u32::MAX - 1)) as u32;
                let fuzz = u64::from(below(&mut self.rng, most + 1));
                let t1 = Duration::from_millis(ms / 2 - fuzz);
                // A short T2 from the server: T1 halfway to it, so RENEWING is
                // not skipped.
                if t1 < t2 {
                    t1
                } else {
                    t2 / 2
                }
            }
        };
        lease.lease_time = Some(whole);
        lease.renewal_time = Some(t1);
        lease.rebinding_time = Some(t2);
        Some(lease)
    }
}

/// An address a host can take: not 0.0.0.0, broadcast, multicast, loopback or
/// reserved, and not the network or broadcast address of its own subnet.
fn usable_address(lease: &Lease) -> bool {
    let a = lease.address;
    if a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_loopback() {
        return false;
    }
    if a.octets()[0] >= 240 {
        return false;
    }
    match lease.prefix_len() {
        Some(p @ 1..=30) => {
            let host = u32::from(a) & (u32::MAX >> p);
            host != 0 && host != u32::MAX >> p
        }
        _ => true,
    }
}
