//! What is sent: where a reply goes (RFC 2131 §4.1), and what it carries
//! (RFC 2131 §4.3, Table 3; the options of RFC 2132 and the RFCs after it).

use alloc::vec::Vec;
use core::net::Ipv4Addr;

use wirestate_dhcp::{code, Builder, MessageType, Result as WireResult, MIN_MESSAGE_LEN};
use wirestate_dns::Name;
use wirestate_wire::Instant;

use super::input::Request;
use super::Server;
use crate::client::HwAddr;
use crate::config::Config;
use crate::error::CallError;

/// The UDP port servers (and relay agents) listen on (RFC 2131 §4.1).
pub const SERVER_PORT: u16 = 67;
/// The UDP port clients listen on (RFC 2131 §4.1).
pub const CLIENT_PORT: u16 = 68;

/// IP and UDP headers without options: option 57 counts them (see the
/// departures on [`Server`]).
const IP_UDP_HEADERS: usize = 28;
/// The largest reply to a client that did not send option 57: a 576-octet IP
/// datagram (RFC 2131 §2).
const DEFAULT_LIMIT: usize = 576 - IP_UDP_HEADERS;
/// An option value echoed from a request is at most this long.
const MAX_ECHO: usize = 255;
/// The longest DHCPNAK text.
const MAX_NAK_TEXT: usize = 64;

/// How the link layer delivers a reply (RFC 2131 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkDest {
    /// To the link's broadcast address; the IP destination is 255.255.255.255.
    Broadcast,
    /// Straight to the client's hardware address (`chaddr`): the IP destination
    /// is the address just assigned (`yiaddr`), which the client cannot answer
    /// ARP for yet, so do not resolve it.
    Hardware(HwAddr),
    /// Ordinary IP unicast: resolve the destination (ARP, or a route to the relay
    /// agent) as for any datagram.
    Routed,
}

/// A reply [`Server::poll_transmit`] wrote: `buf[..len]` is the UDP payload,
/// from [`SERVER_PORT`] at `src` to `dst_port` at `dst`, delivered on the link
/// as `link` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Octets written at the start of the buffer.
    pub len: usize,
    /// The IP source: the server identifier, `Config::server_id`.
    pub src: Ipv4Addr,
    /// The IP destination.
    pub dst: Ipv4Addr,
    /// The UDP destination port: [`CLIENT_PORT`], or [`SERVER_PORT`] for a relay
    /// agent (RFC 2131 §4.1).
    pub dst_port: u16,
    /// How the link layer delivers it.
    pub link: LinkDest,
}

impl Transmit {
    /// Whether the reply is a link-layer broadcast.
    pub fn is_broadcast(&self) -> bool {
        self.link == LinkDest::Broadcast
    }
}

/// The option codes a client asked for (option 55), as a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Prl([u128; 2]);

impl Prl {
    pub(super) fn from_codes(codes: &[u8]) -> Self {
        let mut p = Prl::default();
        p.extend(codes);
        p
    }

    pub(super) fn extend(&mut self, codes: &[u8]) {
        for &c in codes {
            let word = if c < 128 { &mut self.0[0] } else { &mut self.0[1] };
            *word |= 1 << (c % 128);
        }
    }

    fn contains(&self, c: u8) -> bool {
        let word = if c < 128 { self.0[0] } else { self.0[1] };
        word & (1 << (c % 128)) != 0
    }
}

/// Which reply, with what only it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A DHCPOFFER with options 51, 58, 59 (seconds).
    Offer([u32; 3]),
    /// A DHCPACK committing a lease, with options 51, 58, 59.
    Ack([u32; 3]),
    /// A DHCPNAK with its reason (option 56).
    Nak(&'static str),
    /// A DHCPACK to a DHCPINFORM: parameters only (RFC 2131 §4.3.5).
    InformAck,
}

/// A reply owed: the fields it echoes and where it goes, decided when the
/// request came; the configured options are written when it is sent.
#[derive(Debug, Clone)]
pub(super) struct Reply {
    kind: Kind,
    xid: u32,
    flags: u16,
    ciaddr: Ipv4Addr,
    yiaddr: Ipv4Addr,
    giaddr: Ipv4Addr,
    hw: HwAddr,
    chaddr: [u8; 16],
    prl: Option<Prl>,
    /// The largest message the client takes (option 57).
    limit: usize,
    rapid_commit: bool,
    client_id: Option<Vec<u8>>,
    relay_info: Option<Vec<u8>>,
    dst: Ipv4Addr,
    dst_port: u16,
    link: LinkDest,
}

impl Reply {
    /// A reply of `kind` to `req`, assigning `yiaddr` (0 for a DHCPNAK or an
    /// inform), with option 80 when `rapid_commit`.
    pub(super) fn to(req: &Request, kind: Kind, yiaddr: Ipv4Addr, rapid_commit: bool) -> Self {
        let (dst, dst_port, link, force_broadcast) = destination(req, kind, yiaddr);
        // RFC 2131 Table 3: 'ciaddr' is the request's in a DHCPACK, 0 otherwise.
        let ciaddr = match kind {
            Kind::Ack(_) | Kind::InformAck => req.ciaddr,
            Kind::Offer(_) | Kind::Nak(_) => Ipv4Addr::UNSPECIFIED,
        };
        // RFC 2132 §9.10: "The minimum legal value is 576 octets."
        let limit =
            req.max_size.map_or(DEFAULT_LIMIT, |v| usize::from(v.max(576)) - IP_UDP_HEADERS);
        Reply {
            kind,
            xid: req.xid,
            // RFC 2131 §4.3.2: via a relay, "The server MUST set the broadcast
            // bit in the DHCPNAK".
            flags: req.flags | if force_broadcast { 0x8000 } else { 0 },
            ciaddr,
            yiaddr,
            giaddr: req.giaddr,
            hw: req.hw,
            chaddr: req.chaddr,
            prl: req.prl,
            limit,
            rapid_commit,
            // RFC 6842 §3: "the server MUST return the 'client identifier'
            // option, unaltered, in its response message".
            client_id: req.client_id.clone(),
            // RFC 3046 §2.2: the server echoes the relay agent information.
            relay_info: req.relay_info.clone().filter(|_| !req.giaddr.is_unspecified()),
            dst,
            dst_port,
            link,
        }
    }

    /// Writes the reply into `buf` (at least [`reply_bound`] octets).
    fn write(&self, cfg: &Config, buf: &mut [u8]) -> WireResult<usize> {
        let (xid, sid, hw) = (self.xid, cfg.server_id, self.hw.as_bytes());
        let mut b = match self.kind {
            Kind::Offer([lease, ..]) => Builder::offer(buf, xid, hw, self.yiaddr, sid, lease)?,
            Kind::Ack([lease, ..]) => Builder::ack(buf, xid, hw, self.yiaddr, sid, lease)?,
            Kind::Nak(_) => Builder::nak(buf, xid, hw, sid)?,
            Kind::InformAck => {
                let mut b = Builder::new(buf, MessageType::Ack, xid, hw)?;
                b.ipv4(code::SERVER_IDENTIFIER, sid)?;
                b
            }
        };
        // RFC 2131 Table 3: xid, flags, giaddr and chaddr from the request.
        let mut h = b.header();
        h.set_htype(self.hw.htype());
        h.set_chaddr(&self.chaddr);
        h.set_flags(self.flags);
        h.set_giaddr(self.giaddr);
        h.set_ciaddr(self.ciaddr);
        // Room is kept for the options that must be echoed at the end.
        let echo = |v: &Option<Vec<u8>>| v.as_ref().map_or(0, |v| v.len() + 2);
        let trailer =
            usize::from(self.rapid_commit) * 2 + echo(&self.client_id) + echo(&self.relay_info);
        let max = self.limit.saturating_sub(trailer);
        b.max_size(max);
        match self.kind {
            Kind::Offer(t) | Kind::Ack(t) => {
                if t[0] != u32::MAX {
                    // RFC 2131 Table 3: T1 and T2 MAY go in; an infinite lease has none.
                    let _ = b.u32(code::RENEWAL_TIME, t[1]);
                    let _ = b.u32(code::REBINDING_TIME, t[2]);
                }
                self.parameters(cfg, &mut b, max);
            }
            Kind::InformAck => self.parameters(cfg, &mut b, max),
            // RFC 2131 Table 3: a DHCPNAK carries the server identifier and,
            // SHOULD, a message; no parameters.
            Kind::Nak(why) => {
                let _ = b.option(code::MESSAGE, why.as_bytes());
            }
        }
        b.max_size(self.limit);
        if self.rapid_commit {
            b.option(code::RAPID_COMMIT, &[])?;
        }
        if let Some(id) = &self.client_id {
            b.option(code::CLIENT_IDENTIFIER, id)?;
        }
        if let Some(info) = &self.relay_info {
            // RFC 3046 §2.2: echoed "as the last DHCP option in the reply".
            b.option(code::RELAY_AGENT_INFORMATION, info)?;
        }
        b.finish()
    }

    /// The configured parameters: the subnet mask always, the rest as option 55
    /// asks (all of them without it). RFC 2131 §4.3.1: the server "MUST supply
    /// as many of the requested parameters as possible and MUST omit any
    /// parameters it cannot provide": one that does not fit the client's
    /// maximum message size (`max` octets) is left out whole.
    fn parameters(&self, cfg: &Config, b: &mut Builder<'_>, max: usize) {
        let wants = |c: u8| self.prl.is_none_or(|p| p.contains(c));
        let _ = b.ipv4(code::SUBNET_MASK, cfg.subnet_mask);
        // An address list over 63 entries goes in several instances (RFC 3396),
        // each checked alone by the builder: check the whole first, so that a
        // list is never cut short.
        let addrs = |b: &mut Builder<'_>, c: u8, list: &[Ipv4Addr]| {
            if wants(c) && !list.is_empty() && b.len() + addrs_len(list.len()) < max {
                let _ = b.addrs(c, list);
            }
        };
        addrs(b, code::ROUTER, &cfg.routers);
        addrs(b, code::DOMAIN_NAME_SERVER, &cfg.dns_servers);
        if let Some(d) = cfg.domain_name.as_deref().filter(|d| !d.is_empty()) {
            if wants(code::DOMAIN_NAME) {
                let _ = b.option(code::DOMAIN_NAME, d.as_bytes());
            }
        }
        if let Some(mtu) = cfg.mtu.filter(|_| wants(code::INTERFACE_MTU)) {
            let _ = b.u16(code::INTERFACE_MTU, mtu);
        }
        if wants(code::DOMAIN_SEARCH) && !cfg.domain_search.is_empty() {
            let names: Vec<Name<'_>> = cfg.domain_search.iter().map(|n| n.as_name()).collect();
            let _ = b.domain_search(&names);
        }
        if wants(code::CLASSLESS_STATIC_ROUTE) && !cfg.classless_routes.is_empty() {
            let _ = b.classless_routes(&cfg.classless_routes);
        }
    }
}

/// Where a reply to `req` goes (RFC 2131 §4.1), and whether its broadcast bit
/// must be set for the relay.
fn destination(req: &Request, kind: Kind, yiaddr: Ipv4Addr) -> (Ipv4Addr, u16, LinkDest, bool) {
    let broadcast = (Ipv4Addr::BROADCAST, CLIENT_PORT, LinkDest::Broadcast, false);
    let nak = matches!(kind, Kind::Nak(_));
    // "If the 'giaddr' field in a DHCP message from a client is non-zero, the
    // server sends any return messages to the 'DHCP server' port on the BOOTP
    // relay agent whose address appears in 'giaddr'."
    if !req.giaddr.is_unspecified() {
        return (req.giaddr, SERVER_PORT, LinkDest::Routed, nak);
    }
    // "In all cases, when 'giaddr' is zero, the server broadcasts any DHCPNAK
    // messages to 0xffffffff."
    if nak {
        return broadcast;
    }
    // "If the 'giaddr' field is zero and the 'ciaddr' field is nonzero, then the
    // server unicasts DHCPOFFER and DHCPACK messages to the address in 'ciaddr'."
    if !req.ciaddr.is_unspecified() {
        return (req.ciaddr, CLIENT_PORT, LinkDest::Routed, false);
    }
    if kind == Kind::InformAck {
        // RFC 2131 §4.3.5 wants 'ciaddr'; without it, the IP source, else
        // broadcast (see the departures on `Server`).
        if req.src.is_unspecified() {
            return broadcast;
        }
        return (req.src, CLIENT_PORT, LinkDest::Routed, false);
    }
    // "If 'giaddr' is zero and 'ciaddr' is zero, and the broadcast bit is set,
    // then the server broadcasts DHCPOFFER and DHCPACK messages to 0xffffffff."
    // RFC 4390 §2.1: a client without a hardware address cannot be reached by
    // unicast either.
    if req.flags & 0x8000 != 0 || req.hw.as_bytes().is_empty() {
        return broadcast;
    }
    // "If the broadcast bit is not set and 'giaddr' is zero and 'ciaddr' is
    // zero, then the server unicasts DHCPOFFER and DHCPACK messages to the
    // client's hardware address and 'yiaddr' address."
    (yiaddr, CLIENT_PORT, LinkDest::Hardware(req.hw), false)
}

/// The octets of an address list option of `n` addresses: 63 to an instance
/// (RFC 3396).
fn addrs_len(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        4 * n + 2 * n.div_ceil(63)
    }
}

/// The largest reply `cfg` can produce: the header, every option at its
/// largest (split into 255-octet instances, RFC 3396), the echoed options at
/// 255 octets, the end option; at least the 300-octet BOOTP minimum.
fn reply_bound(cfg: &Config) -> usize {
    let opt = |n: usize| n + 2 * n.div_ceil(MAX_ECHO).max(1);
    let addrs = addrs_len;
    let fixed = 240 // header and cookie
        + 3 + 6 + 6 + 6 + 6 // 53, 54, 51, 58, 59
        + 6 + 4 // 1, 26
        + 2 + 2 * opt(MAX_ECHO) // 80, 61, 82
        + 1; // end
    let domain = cfg.domain_name.as_ref().map_or(0, |d| opt(d.len()));
    let search: usize = cfg.domain_search.iter().map(|n| n.as_wire().len()).sum();
    let routes: usize = cfg.classless_routes.iter().map(|r| r.wire_len()).sum();
    let nonzero = |n: usize| if n == 0 { 0 } else { opt(n) };
    let params = addrs(cfg.routers.len())
        + addrs(cfg.dns_servers.len())
        + domain
        + nonzero(search)
        + nonzero(routes);
    // A DHCPNAK carries none of the parameters, only its text.
    (fixed + params.max(opt(MAX_NAK_TEXT))).max(MIN_MESSAGE_LEN)
}

impl Server {
    /// The least buffer [`poll_transmit`](Self::poll_transmit) accepts: the
    /// largest reply the configuration can produce (at least 300 octets).
    pub fn transmit_buffer_len(&self) -> usize {
        reply_bound(&self.cfg)
    }

    /// Writes the oldest reply owed into `buf`, if any: `Ok(None)` when none is
    /// owed. Call until `Ok(None)` after every input (see the contract on
    /// [`Server`]). A reply that cannot fit the client's maximum message size is
    /// dropped and counted ([`Stats::dropped_too_large`](super::Stats)), and the
    /// next one is tried.
    ///
    /// # Errors
    /// `BufferTooSmall` when `buf` is shorter than
    /// [`transmit_buffer_len`](Self::transmit_buffer_len); nothing changes then.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<Transmit>, CallError> {
        // Replies are decided when the request comes; sending does not need the time.
        let _ = now;
        let need = self.transmit_buffer_len();
        if buf.len() < need {
            return Err(CallError::BufferTooSmall { need });
        }
        while let Some(r) = self.replies.pop_front() {
            match r.write(&self.cfg, buf) {
                Ok(len) => {
                    self.stats.sent += 1;
                    let src = self.cfg.server_id;
                    let (dst, dst_port, link) = (r.dst, r.dst_port, r.link);
                    return Ok(Some(Transmit { len, src, dst, dst_port, link }));
                }
                Err(_) => self.stats.dropped_too_large += 1,
            }
        }
        Ok(None)
    }
}
