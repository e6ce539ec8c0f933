//! What the client tells the host: [`Event`], in a bounded queue.

use alloc::vec::Vec;
use core::net::Ipv4Addr;

use crate::lease::Lease;

/// Why the client stopped using an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LossReason {
    /// The lease ran out in RENEWING or REBINDING (RFC 2131 §4.4.5).
    Expired,
    /// The server answered a renewal with a NAK (§4.4.5, §3.2 step 4).
    Nak,
    /// The host asked for it to be released (§4.4.6).
    Released,
    /// Another host uses the address, and it could not be defended
    /// (RFC 5227 §2.4).
    Conflict,
}

/// What the host must do or know. A new event of a kind already queued replaces
/// the queued one and goes to the back, so the queue holds at most one of each
/// kind and what it says is the latest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Send an ARP probe for this address now: sender address 0.0.0.0, target the
    /// address (RFC 5227 §2.1.1). Report ARP traffic about it with
    /// [`Client::handle_arp`](crate::Client::handle_arp).
    Probe(Ipv4Addr),
    /// Send an ARP announcement for this address now: sender and target the
    /// address (RFC 5227 §2.3), also to defend it (§2.4).
    Announce(Ipv4Addr),
    /// A lease was acquired: configure its address and parameters.
    Bound(Lease),
    /// The lease was extended with the same address and parameters.
    Renewed(Lease),
    /// The lease was extended, and some parameter (routers, DNS servers, ...)
    /// changed: apply the new ones.
    Changed(Lease),
    /// Stop using this address now.
    Lost {
        /// The address given up.
        address: Ipv4Addr,
        /// Why.
        reason: LossReason,
    },
    /// ARP showed another host on the address, while probing it (RFC 5227
    /// §2.1.1) or at a second claim within ten seconds once it was in use
    /// (§2.4 (b), after [`Event::Lost`] with `Conflict`); it was declined
    /// (RFC 2131 §3.1 step 5) and the client starts again.
    Conflict(Ipv4Addr),
    /// The answer to DHCPINFORM: parameters for the host's own address
    /// (RFC 2131 §3.4).
    Informed(Lease),
}

impl Event {
    fn kind(&self) -> u8 {
        match self {
            Event::Probe(_) => 0,
            Event::Announce(_) => 1,
            Event::Bound(_) => 2,
            Event::Renewed(_) => 3,
            Event::Changed(_) => 4,
            Event::Lost { .. } => 5,
            Event::Conflict(_) => 6,
            Event::Informed(_) => 7,
        }
    }
}

/// At most one event of each kind, oldest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct Events(Vec<Event>);

impl Events {
    pub fn push(&mut self, e: Event) {
        let kind = e.kind();
        self.0.retain(|q| q.kind() != kind);
        self.0.push(e);
    }
    pub fn pop(&mut self) -> Option<Event> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
}
