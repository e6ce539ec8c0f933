//! What the client asks for and how it behaves: [`Config`] and [`OfferPolicy`].

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::time::Duration;

use wirestate_dhcp::code;

use crate::client::Offer;

/// How the client picks among the OFFERs it gets in SELECTING (RFC 2131 §4.4.1:
/// "the client may choose to collect several DHCPOFFER messages and select the
/// 'best' offer").
///
/// `score` rates an offer: `None` refuses it, otherwise the highest score wins
/// and the earliest offer breaks a tie. With `wait` zero the first offer that
/// scores is taken at once; otherwise the client collects offers for `wait` after
/// the first acceptable one (at most `Config::max_offers` of them) and then
/// chooses.
///
/// ```
/// use core::time::Duration;
/// use wirestate_dhcp_client::{Offer, OfferPolicy};
/// // Prefer the longest lease; never take one from 10.0.0.66.
/// fn longest(o: &Offer) -> Option<u32> {
///     if o.lease.server == core::net::Ipv4Addr::new(10, 0, 0, 66) {
///         return None;
///     }
///     Some(o.lease.lease_time.map_or(u32::MAX, |d| d.as_secs() as u32))
/// }
/// let policy = OfferPolicy { wait: Duration::from_secs(2), score: longest };
/// assert_eq!(OfferPolicy::default().wait, Duration::ZERO);
/// # let _ = policy;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct OfferPolicy {
    /// How long to collect offers after the first acceptable one.
    pub wait: Duration,
    /// The rating; `None` refuses the offer.
    pub score: fn(&Offer) -> Option<u32>,
}

fn any_offer(_: &Offer) -> Option<u32> {
    Some(0)
}

impl Default for OfferPolicy {
    /// The first valid offer, at once.
    fn default() -> Self {
        OfferPolicy { wait: Duration::ZERO, score: any_offer }
    }
}

/// The hardware address the client puts in `chaddr` (RFC 2131 §2) and checks
/// replies against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HwAddr {
    /// `htype` (1 = Ethernet, RFC 1700).
    pub htype: u8,
    len: u8,
    octets: [u8; 16],
}

impl HwAddr {
    /// An Ethernet MAC address.
    pub fn ethernet(mac: [u8; 6]) -> Self {
        let mut octets = [0u8; 16];
        octets[..6].copy_from_slice(&mac);
        HwAddr { htype: 1, len: 6, octets }
    }
    /// Any hardware type with an address of at most 16 octets; `None` if longer.
    pub fn new(htype: u8, addr: &[u8]) -> Option<Self> {
        let mut octets = [0u8; 16];
        octets.get_mut(..addr.len())?.copy_from_slice(addr);
        Some(HwAddr { htype, len: addr.len() as u8, octets })
    }
    /// The address octets (`hlen` of them).
    pub fn as_bytes(&self) -> &[u8] {
        &self.octets[..usize::from(self.len)]
    }
}

/// The client's settings. [`Config::new`] gives the defaults for an Ethernet
/// interface; every field is public.
///
/// ```
/// use wirestate_dhcp_client::Config;
/// let mut config = Config::new([2, 0, 0, 0, 0, 1]);
/// config.host_name = Some("laptop".into());
/// config.rapid_commit = true;
/// assert_eq!(config.client_id.as_deref(), Some(&[1, 2, 0, 0, 0, 0, 1][..]));
/// assert!(config.parameter_request_list.contains(&3)); // router
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// `htype`, `hlen` and `chaddr`.
    pub hw_addr: HwAddr,
    /// Option 61 (RFC 2132 §9.14): by default the hardware type then the address,
    /// as most clients send; `None` sends none (the server then keys on `chaddr`).
    pub client_id: Option<Vec<u8>>,
    /// Option 12 (RFC 2132 §3.14).
    pub host_name: Option<String>,
    /// Option 60 (RFC 2132 §9.13).
    pub vendor_class: Option<Vec<u8>>,
    /// Option 55 (RFC 2132 §9.8), in order. By default: subnet mask, router, DNS,
    /// domain name, MTU, broadcast address, static routes, domain search,
    /// classless static routes.
    pub parameter_request_list: Vec<u8>,
    /// Option 57 (RFC 2132 §9.10): the largest reply the host can take, at least
    /// 576; `None` sends none. Default 1472 (an Ethernet frame less IP and UDP).
    pub max_message_size: Option<u16>,
    /// Sets the BROADCAST flag on DISCOVER and REQUEST, for a host that cannot
    /// receive unicast before it has an address (RFC 2131 §4.1). Default off.
    pub broadcast_flag: bool,
    /// Asks for rapid commit (RFC 4039): option 80 in the DISCOVER, and an ACK
    /// carrying option 80 is taken in SELECTING. An OFFER still leads to the
    /// four-message exchange. Default off.
    pub rapid_commit: bool,
    /// Probes an address with ARP before using it, and announces it (RFC 5227),
    /// through [`Event::Probe`](crate::Event::Probe) and
    /// [`Event::Announce`](crate::Event::Announce). Default on.
    pub conflict_detection: bool,
    /// Takes a BOOTP reply (no message type) to a DISCOVER as a lease that never
    /// ends (RFC 1534 §3). Default on.
    pub accept_bootp: bool,
    /// How offers are chosen.
    pub offer_policy: OfferPolicy,
    /// The most offers kept while collecting; later ones are dropped.
    pub max_offers: usize,
    /// REQUESTs sent in REQUESTING before going back to INIT (RFC 2131 §3.1
    /// step 3 leaves the number open). Default 4 (about a minute with backoff).
    pub request_attempts: u32,
    /// REQUESTs sent in REBOOTING before going back to INIT with the old address
    /// as a hint (RFC 2131 §3.2 step 3). Default 3.
    pub reboot_attempts: u32,
    /// The longest random wait before the first DISCOVER (RFC 2131 §4.4.1: a
    /// random time between one and ten seconds SHOULD be waited). Default zero:
    /// see the departures on [`Client`](crate::Client).
    pub startup_delay_max: Duration,
    /// The wait after a DECLINE before the next DISCOVER (RFC 2131 §3.1 step 5:
    /// at least ten seconds). Default 10 s.
    pub decline_wait: Duration,
    /// Leases shorter than this are refused as if invalid. A lease of a few
    /// seconds would send the client round INIT as fast as the server answers.
    /// Default 10 s.
    pub min_lease: Duration,
}

impl Config {
    /// The defaults for an Ethernet interface with address `mac`.
    pub fn new(mac: [u8; 6]) -> Self {
        let mut client_id = vec![1];
        client_id.extend_from_slice(&mac);
        Config {
            hw_addr: HwAddr::ethernet(mac),
            client_id: Some(client_id),
            host_name: None,
            vendor_class: None,
            parameter_request_list: vec![
                code::SUBNET_MASK,
                code::ROUTER,
                code::DOMAIN_NAME_SERVER,
                code::DOMAIN_NAME,
                code::INTERFACE_MTU,
                code::BROADCAST_ADDRESS,
                33, // static routes (RFC 2132 §5.8)
                code::DOMAIN_SEARCH,
                code::CLASSLESS_STATIC_ROUTE,
            ],
            max_message_size: Some(1472),
            broadcast_flag: false,
            rapid_commit: false,
            conflict_detection: true,
            accept_bootp: true,
            offer_policy: OfferPolicy::default(),
            max_offers: 8,
            request_attempts: 4,
            reboot_attempts: 3,
            startup_delay_max: Duration::ZERO,
            decline_wait: Duration::from_secs(10),
            min_lease: Duration::from_secs(10),
        }
    }
}
