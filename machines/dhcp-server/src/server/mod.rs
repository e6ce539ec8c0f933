//! One DHCPv4 server (RFC 2131 §4.3), sans IO: messages and timeouts in;
//! replies, deadlines and events out.
//!
//! The type, its accessors, the deadlines and the events are here; [`input`]
//! takes each client message apart and decides on it as RFC 2131 §4.3 orders,
//! and [`output`] says where a reply goes (§4.1) and writes it.

use alloc::collections::VecDeque;
use core::net::Ipv4Addr;

use wirestate_wire::Instant;

use crate::config::Config;
use crate::table::{Binding, Lapse, Table};

mod event;
mod input;
mod output;

pub use event::Event;
pub use output::{LinkDest, Transmit, CLIENT_PORT, SERVER_PORT};

use event::Events;
use output::Reply;

/// Counters a user can read; each counts messages or replies, from the start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Payloads handed to `handle_message`.
    pub received: u64,
    /// DHCPDISCOVERs taken in.
    pub discovers: u64,
    /// DHCPREQUESTs taken in.
    pub requests: u64,
    /// DHCPDECLINEs taken in.
    pub declines: u64,
    /// DHCPRELEASEs taken in.
    pub releases: u64,
    /// DHCPINFORMs taken in.
    pub informs: u64,
    /// DHCPOFFERs queued.
    pub offers: u64,
    /// DHCPACKs queued (to requests, rapid commits and informs).
    pub acks: u64,
    /// DHCPNAKs queued.
    pub naks: u64,
    /// DHCPACKs queued for a DHCPDISCOVER with rapid commit (RFC 4039), also in `acks`.
    pub rapid_commits: u64,
    /// Datagrams written by `poll_transmit`.
    pub sent: u64,
    /// Messages understood and deliberately left unanswered: a DHCPREQUEST for
    /// another server, or one this server must stay silent on (not
    /// authoritative), a DHCPRELEASE or DHCPDECLINE of nothing it holds.
    pub ignored: u64,
    /// DHCPDISCOVERs with no address to offer: the pool is used up, or the
    /// table is full of live bindings.
    pub pool_exhausted: u64,
    /// Payloads that are not a well-formed DHCP client message: too short, no
    /// magic cookie, broken options, a hardware address longer than 16 octets
    /// (or not 6 for Ethernet), no message type, no way to tell the client.
    pub dropped_malformed: u64,
    /// Well-formed messages not meant for this server: BOOTREPLYs, server
    /// message types, a relay on another network, a server identifier not ours.
    pub dropped_not_for_us: u64,
    /// Replies dropped because `Config::max_pending` were waiting (the message
    /// that asked for one changed nothing).
    pub dropped_queue_full: u64,
    /// Replies that did not fit the client's maximum message size, dropped.
    pub dropped_too_large: u64,
    /// Events dropped because `Config::max_events` were waiting.
    pub events_dropped: u64,
    /// Offers not taken up within `Config::offer_hold`.
    pub offers_expired: u64,
    /// Leases that ran out.
    pub leases_expired: u64,
}

/// A DHCPv4 server (RFC 2131 §4.3) for one subnet, driven by its caller and
/// touching no socket, clock or thread.
///
/// What goes in: the UDP payloads that arrive on port 67
/// ([`handle_message`](Self::handle_message), with the IP source address) and
/// the passing of time ([`handle_timeout`](Self::handle_timeout)). What comes
/// out: replies ([`poll_transmit`](Self::poll_transmit), with where each goes
/// in a [`Transmit`]), events ([`poll_event`](Self::poll_event)) and the next
/// deadline ([`poll_timeout`](Self::poll_timeout)). [`leases`](Self::leases)
/// and [`stats`](Self::stats) show the state.
///
/// # The contract
///
/// - **Order.** After [`handle_message`](Self::handle_message) or
///   [`handle_timeout`](Self::handle_timeout), drain
///   [`poll_transmit`](Self::poll_transmit) until it returns `Ok(None)`, then
///   [`poll_event`](Self::poll_event) until it returns `None`, then read
///   [`poll_timeout`](Self::poll_timeout) and call
///   [`handle_timeout`](Self::handle_timeout) when that instant comes (unless a
///   message comes first, which starts the round again).
/// - **Time.** `now` never goes back. The server reads no clock and draws no
///   random numbers: the same calls give the same replies, byte for byte.
/// - **Timeouts.** Each binding has at most one deadline, and what it does
///   depends on the binding's [`BindingState`](crate::BindingState): an offer
///   not taken up is forgotten, a lease expires, a declined address comes back
///   into use. [`handle_timeout`](Self::handle_timeout) runs those due at `now`;
///   an early or repeated call does nothing.
///   [`handle_message`](Self::handle_message) runs them first too, so a
///   message is never judged against a binding that has lapsed.
/// - **The transmit buffer.** [`poll_transmit`](Self::poll_transmit) needs at
///   least [`transmit_buffer_len`](Self::transmit_buffer_len) octets, the
///   largest reply the configuration can produce. A shorter buffer returns
///   [`CallError::BufferTooSmall`](crate::CallError::BufferTooSmall) and no
///   reply is lost.
/// - **Input.** No payload can make the server panic: what is not a
///   well-formed DHCP client message for this server is dropped and counted in
///   [`Stats`].
/// - **Memory.** At most `Config::max_leases` bindings, `Config::max_pending`
///   replies and `Config::max_events` events; what happens at each limit is on
///   the field.
///
/// # Deliberate departures from the RFCs
///
/// - An authoritative server ([`Config::authoritative`]) answers a DHCPREQUEST
///   in INIT-REBOOT from a client it has no record of with a DHCPNAK, as ISC
///   dhcpd's `authoritative` does; RFC 2131 §4.3.2 says a server with no record
///   "MUST remain silent", to coexist with other servers on the wire. Without
///   `authoritative` it does.
/// - A DHCPREQUEST whose offer has lapsed (`Config::offer_hold`) is refused
///   with a DHCPNAK even when the address is still free.
/// - Option 57 (maximum DHCP message size) is taken as the IP datagram size,
///   as its 576-octet minimum implies (RFC 2131 §2: 576 octets hold 312 octets
///   of options): the reply is at most the value less 28 octets of IP and UDP
///   headers; without the option, 548 octets.
/// - The subnet mask, T1 and T2 go in every DHCPOFFER and DHCPACK, asked for or
///   not (RFC 2131 §4.3.1 allows parameters not requested); the other
///   configured options only when option 55 asks for them, or when there is no
///   option 55.
/// - A lease time the client asks for (option 51) is not honoured: every lease
///   is `Config::lease_time` (RFC 2131 §4.3.1 makes honouring it a MAY).
/// - A DHCPINFORM without `ciaddr` is answered to its IP source address, or
///   broadcast when that is 0.0.0.0 (RFC 2131 §4.3.5 says to use `ciaddr`).
/// - BOOTP clients (no magic cookie, RFC 1534) are not served.
///
/// ```
/// use core::net::Ipv4Addr;
/// use wirestate_dhcp::Builder;
/// use wirestate_dhcp_server::{CallError, Config, Server};
/// use wirestate_wire::Instant;
///
/// let cfg = Config::new(
///     Ipv4Addr::new(10, 0, 0, 1),
///     Ipv4Addr::new(10, 0, 0, 10),
///     Ipv4Addr::new(10, 0, 0, 20),
///     Ipv4Addr::new(255, 255, 255, 0),
/// );
/// let mut server = Server::new(cfg);
/// let mut msg = [0u8; 576];
/// let len = Builder::discover(&mut msg, 7, &[2, 0, 0, 0, 0, 1])?.finish()?;
/// server.handle_message(Instant::ZERO, Ipv4Addr::UNSPECIFIED, &msg[..len]);
/// // A buffer shorter than the largest reply is refused; the OFFER stays owed.
/// let need = server.transmit_buffer_len();
/// let mut short = [0u8; 100];
/// assert_eq!(
///     server.poll_transmit(Instant::ZERO, &mut short),
///     Err(CallError::BufferTooSmall { need })
/// );
/// let mut buf = vec![0u8; need];
/// assert!(server.poll_transmit(Instant::ZERO, &mut buf)?.is_some());
/// assert_eq!(server.poll_transmit(Instant::ZERO, &mut buf)?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Server {
    cfg: Config,
    table: Table,
    /// Replies owed, oldest first, at most `Config::max_pending`.
    replies: VecDeque<Reply>,
    events: Events,
    stats: Stats,
}

impl Server {
    /// A server with `config`, no bindings yet.
    pub fn new(config: Config) -> Self {
        Server {
            cfg: config,
            table: Table::default(),
            replies: VecDeque::new(),
            events: Events::default(),
            stats: Stats::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The configuration, to change: changes apply from the next message on.
    /// Bindings already made stay (one whose address left the pool is dropped
    /// when its client next asks for an address); a lower `max_leases` forgets
    /// remembered bindings only as room is needed.
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.cfg
    }

    /// Turns rapid commit (RFC 4039) on or off from the next message on.
    pub fn set_rapid_commit(&mut self, on: bool) {
        self.cfg.rapid_commit = on;
    }

    /// Turns authoritative answering (see [`Config::authoritative`]) on or off.
    pub fn set_authoritative(&mut self, on: bool) {
        self.cfg.authoritative = on;
    }

    /// Every binding, by address: offered, bound, declined, and the released
    /// or expired ones remembered for their clients.
    pub fn leases(&self) -> impl Iterator<Item = &Binding> + '_ {
        self.table.iter()
    }

    /// The binding of `addr`, if there is one.
    pub fn binding(&self, addr: Ipv4Addr) -> Option<&Binding> {
        self.table.by_addr(addr)
    }

    /// The counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Replies waiting for [`poll_transmit`](Self::poll_transmit).
    pub fn pending_replies(&self) -> usize {
        self.replies.len()
    }

    /// Events waiting for [`poll_event`](Self::poll_event).
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    /// The oldest event not yet polled.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// The earliest binding deadline, if any: call
    /// [`handle_timeout`](Self::handle_timeout) then.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.table.next_deadline()
    }

    /// Runs the binding deadlines due at `now` (see
    /// [`BindingState`](crate::BindingState)); an early or repeated call does
    /// nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        let (stats, events, max) = (&mut self.stats, &mut self.events, self.cfg.max_events);
        self.table.expire(now, |lapse, b| match lapse {
            Lapse::Offer => stats.offers_expired += 1,
            Lapse::Decline => {}
            Lapse::Lease => {
                stats.leases_expired += 1;
                let e = Event::Expired { client: b.client.clone(), addr: b.addr };
                if !events.raise(e, max) {
                    stats.events_dropped += 1;
                }
            }
        });
    }

    /// Queues event `e`, or counts it dropped at the limit.
    fn raise(&mut self, e: Event) {
        if !self.events.raise(e, self.cfg.max_events) {
            self.stats.events_dropped += 1;
        }
    }

    /// Whether a reply can be queued; if not, the drop is counted, and the
    /// caller changes nothing.
    fn reply_room(&mut self) -> bool {
        let room = self.replies.len() < self.cfg.max_pending;
        if !room {
            self.stats.dropped_queue_full += 1;
        }
        room
    }
}
