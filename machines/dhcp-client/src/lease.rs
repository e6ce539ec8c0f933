//! What a server granted: the [`Lease`] value, read from an OFFER or ACK.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::Ipv4Addr;
use core::time::Duration;

use wirestate_dhcp::{DhcpOption, Message, MessageType};
use wirestate_wire::Instant;

pub use wirestate_dhcp::Route;

/// How the configuration was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeaseKind {
    /// A DHCP lease (RFC 2131): the address for `lease_time`.
    Dhcp,
    /// A BOOTP reply (RFC 951) taken in SELECTING (RFC 1534 §3): the address for
    /// good, no renewal.
    Bootp,
    /// Parameters only, for an address configured by other means (DHCPINFORM,
    /// RFC 2131 §3.4): no lease.
    Inform,
}

/// A lease: the address, the parameters that came with it and its times. The
/// host configures it on `Event::Bound`, and may keep it (it is plain data) to
/// start the next boot with [`Client::start_reboot`](crate::Client::start_reboot)
/// (INIT-REBOOT, RFC 2131 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// How it was obtained.
    pub kind: LeaseKind,
    /// `yiaddr` (for [`LeaseKind::Inform`], the host's own address).
    pub address: Ipv4Addr,
    /// The server identifier (option 54), or the reply's source when a BOOTP
    /// server sent none.
    pub server: Ipv4Addr,
    /// Option 1.
    pub subnet_mask: Option<Ipv4Addr>,
    /// Option 3, in order of preference; empty when option 121 came too (RFC 3442,
    /// "DHCP Client Behavior": the client MUST then ignore the Router option).
    pub routers: Vec<Ipv4Addr>,
    /// Option 6.
    pub dns_servers: Vec<Ipv4Addr>,
    /// Option 15, as text (invalid UTF-8 replaced).
    pub domain_name: Option<String>,
    /// Option 119 (RFC 3397), each name with its final dot.
    pub domain_search: Vec<String>,
    /// Option 26.
    pub mtu: Option<u16>,
    /// Option 28.
    pub broadcast_address: Option<Ipv4Addr>,
    /// Option 42.
    pub ntp_servers: Vec<Ipv4Addr>,
    /// Option 121 (RFC 3442) when present, else option 33 (RFC 2132 §5.8,
    /// classful destinations; its 0.0.0.0 entries, which §5.8 forbids, dropped).
    pub static_routes: Vec<Route>,
    /// Option 51; `None` for an infinite lease (0xffffffff, RFC 2131 §3.3), a
    /// BOOTP reply or INFORM.
    pub lease_time: Option<Duration>,
    /// When the client enters RENEWING, from `acquired` (option 58, or half the
    /// lease less a little random fuzz, RFC 2131 §4.4.5).
    pub renewal_time: Option<Duration>,
    /// When the client enters REBINDING, from `acquired` (option 59, or 7/8 of the
    /// lease).
    pub rebinding_time: Option<Duration>,
    /// The time the times count from: when the REQUEST (or, with rapid commit, the
    /// DISCOVER) that drew the ACK was first sent (RFC 2131 §4.4.1).
    pub acquired: Instant,
}

impl Lease {
    /// When the lease ends; `None` if it does not.
    pub fn expires_at(&self) -> Option<Instant> {
        self.lease_time.map(|d| self.acquired + d)
    }
    /// When RENEWING starts (T1).
    pub fn renew_at(&self) -> Option<Instant> {
        self.renewal_time.map(|d| self.acquired + d)
    }
    /// When REBINDING starts (T2).
    pub fn rebind_at(&self) -> Option<Instant> {
        self.rebinding_time.map(|d| self.acquired + d)
    }
    /// The prefix length of the subnet mask (the count of its leading one bits).
    pub fn prefix_len(&self) -> Option<u8> {
        self.subnet_mask.map(|m| u32::from(m).leading_ones() as u8)
    }
    /// True if the address, server and every parameter equal `other`'s (the
    /// times aside): a renewal that changed nothing.
    pub fn same_parameters(&self, other: &Lease) -> bool {
        let untimed = |l: &Lease| Lease {
            lease_time: None,
            renewal_time: None,
            rebinding_time: None,
            acquired: Instant::ZERO,
            ..l.clone()
        };
        untimed(self) == untimed(other)
    }
}

/// The parts of a reply the client acts on.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// Option 53; `None` for a BOOTP reply.
    pub message_type: Option<MessageType>,
    pub server_id: Option<Ipv4Addr>,
    pub rapid_commit: bool,
    /// Options 51, 58 and 59 as sent; [`Lease`]'s times are settled from them.
    pub lease_secs: Option<u32>,
    pub renewal_secs: Option<u32>,
    pub rebinding_secs: Option<u32>,
    /// `siaddr`, which names a BOOTP server (RFC 951 §3).
    pub siaddr: Ipv4Addr,
    pub lease: Lease,
}

/// An option of the reply broke its format (the codec's error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

/// Reads the options of a reply whose header matched. Times are not checked here
/// (the caller decides per message type); `acquired` is filled in by the caller.
pub(crate) fn read_reply(msg: &Message<&[u8]>, src: Ipv4Addr) -> Result<Reply, Malformed> {
    let mut reply = Reply {
        message_type: None,
        server_id: None,
        rapid_commit: false,
        lease_secs: None,
        renewal_secs: None,
        rebinding_secs: None,
        siaddr: msg.siaddr(),
        lease: Lease {
            kind: LeaseKind::Dhcp,
            address: msg.yiaddr(),
            server: src,
            subnet_mask: None,
            routers: Vec::new(),
            dns_servers: Vec::new(),
            domain_name: None,
            domain_search: Vec::new(),
            mtu: None,
            broadcast_address: None,
            ntp_servers: Vec::new(),
            static_routes: Vec::new(),
            lease_time: None,
            renewal_time: None,
            rebinding_time: None,
            acquired: Instant::ZERO,
        },
    };
    let mut classless = false;
    let mut classful: Vec<Route> = Vec::new();
    let mut times = (None, None, None);
    for opt in msg.options() {
        let opt = opt.map_err(|_| Malformed)?;
        if let DhcpOption::Long(long) = opt {
            // RFC 3396 §7: the instances joined are one option.
            let joined = long.to_vec();
            let whole = long.decode(&joined).map_err(|_| Malformed)?;
            apply(&mut reply, &whole, &mut classless, &mut classful, &mut times);
        } else {
            apply(&mut reply, &opt, &mut classless, &mut classful, &mut times);
        }
    }
    if classless {
        // RFC 3442, "DHCP Client Behavior": with option 121 the client MUST ignore
        // the Router (3) and Static Routes (33) options.
        reply.lease.routers.clear();
    } else {
        reply.lease.static_routes = classful;
    }
    (reply.lease_secs, reply.renewal_secs, reply.rebinding_secs) = times;
    if let Some(server) = reply.server_id {
        reply.lease.server = server;
    }
    Ok(reply)
}

/// Option 33, static routes (RFC 2132 §5.8), which the codec keeps raw.
const STATIC_ROUTE: u8 = 33;

type Times = (Option<u32>, Option<u32>, Option<u32>);

fn apply(
    reply: &mut Reply,
    opt: &DhcpOption<'_>,
    classless: &mut bool,
    classful: &mut Vec<Route>,
    times: &mut Times,
) {
    let lease = &mut reply.lease;
    let text = |t: &[u8]| String::from_utf8_lossy(t).into_owned();
    match *opt {
        DhcpOption::MessageType(t) => reply.message_type = Some(t),
        DhcpOption::ServerIdentifier(a) => reply.server_id = Some(a),
        DhcpOption::RapidCommit => reply.rapid_commit = true,
        DhcpOption::SubnetMask(m) => lease.subnet_mask = Some(m),
        DhcpOption::Router(l) => lease.routers = l.iter().collect(),
        DhcpOption::DomainNameServer(l) => lease.dns_servers = l.iter().collect(),
        DhcpOption::NtpServers(l) => lease.ntp_servers = l.iter().collect(),
        DhcpOption::DomainName(t) => lease.domain_name = Some(text(t)),
        DhcpOption::DomainSearch(list) => {
            lease.domain_search = list.iter().map(|n| n.to_string()).collect()
        }
        DhcpOption::InterfaceMtu(m) => lease.mtu = Some(m),
        DhcpOption::BroadcastAddress(a) => lease.broadcast_address = Some(a),
        DhcpOption::ClasslessStaticRoute(routes) => {
            *classless = true;
            lease.static_routes = routes.iter().collect();
        }
        DhcpOption::LeaseTime(s) => times.0 = Some(s),
        DhcpOption::RenewalTime(s) => times.1 = Some(s),
        DhcpOption::RebindingTime(s) => times.2 = Some(s),
        DhcpOption::Unknown { code: STATIC_ROUTE, data } => {
            *classful = classful_routes(data);
        }
        _ => {}
    }
}

/// Option 33 (RFC 2132 §5.8): destination and router pairs, the destination's
/// prefix taken from its class; a default route (0.0.0.0) is illegal there and
/// dropped.
fn classful_routes(data: &[u8]) -> Vec<Route> {
    data.chunks_exact(8)
        .filter_map(|pair| {
            let destination = Ipv4Addr::new(pair[0], pair[1], pair[2], pair[3]);
            let router = Ipv4Addr::new(pair[4], pair[5], pair[6], pair[7]);
            let prefix_len = match pair[0] {
                0 => return None,
                1..=127 => 8,
                128..=191 => 16,
                _ => 24,
            };
            Some(Route { destination, prefix_len, router })
        })
        .collect()
}
