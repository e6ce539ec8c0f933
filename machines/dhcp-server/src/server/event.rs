//! What a server tells its user, and the bounded queue that holds it.

use alloc::collections::VecDeque;
use core::net::Ipv4Addr;

use wirestate_wire::Instant;

use crate::client::ClientKey;

/// What a server tells its user, from [`Server::poll_event`], oldest first.
///
/// At most `Config::max_events` wait; one raised while that many wait is
/// dropped and counted in [`Stats::events_dropped`](crate::Stats::events_dropped).
///
/// [`Server::poll_event`]: crate::Server::poll_event
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Event {
    /// A lease was granted or extended: a DHCPACK to a DHCPREQUEST (RFC 2131
    /// §4.3.2), or to a DHCPDISCOVER with rapid commit (RFC 4039 §4).
    Leased {
        /// Who holds it.
        client: ClientKey,
        /// The address.
        addr: Ipv4Addr,
        /// When it ends; `None` for an infinite lease.
        until: Option<Instant>,
    },
    /// The client released its lease (DHCPRELEASE, RFC 2131 §4.3.4).
    Released {
        /// Who held it.
        client: ClientKey,
        /// The address, free again.
        addr: Ipv4Addr,
    },
    /// The client declined the address (DHCPDECLINE, RFC 2131 §4.3.3): something
    /// else uses it. RFC 2131 §4.3.3: the server "SHOULD notify the local system
    /// administrator of a possible configuration problem"; this is that notice.
    Declined {
        /// Who declined it.
        client: ClientKey,
        /// The address, out of use for `Config::decline_hold`.
        addr: Ipv4Addr,
    },
    /// A lease ran out without being renewed.
    Expired {
        /// Who held it.
        client: ClientKey,
        /// The address, free again.
        addr: Ipv4Addr,
    },
}

/// Events raised and not yet polled, oldest first.
#[derive(Debug, Clone, Default)]
pub(super) struct Events(VecDeque<Event>);

impl Events {
    /// Queues `e` when fewer than `max` wait; false when it was dropped.
    pub(super) fn raise(&mut self, e: Event, max: usize) -> bool {
        let room = self.0.len() < max;
        if room {
            self.0.push_back(e);
        }
        room
    }

    pub(super) fn pop(&mut self) -> Option<Event> {
        self.0.pop_front()
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}
