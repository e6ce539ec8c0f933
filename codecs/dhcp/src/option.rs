//! Typed option values (RFC 2132 and the RFCs named per variant).

use core::net::Ipv4Addr;

use wirestate_dns::Name;
use wirestate_wire::bytes::{read_array, read_u16, read_u32};
use wirestate_wire::{Error, Result};

use crate::options::Concat;
use crate::routes::Routes;
use crate::types::{MessageType, Overload};

/// Option codes this crate decodes (RFC 2132 unless noted).
pub mod code {
    /// Pad (§3.1).
    pub const PAD: u8 = 0;
    /// Subnet mask (§3.3).
    pub const SUBNET_MASK: u8 = 1;
    /// Router (§3.5).
    pub const ROUTER: u8 = 3;
    /// Domain name server (§3.8).
    pub const DOMAIN_NAME_SERVER: u8 = 6;
    /// Host name (§3.14).
    pub const HOST_NAME: u8 = 12;
    /// Domain name (§3.17).
    pub const DOMAIN_NAME: u8 = 15;
    /// Interface MTU (§5.1).
    pub const INTERFACE_MTU: u8 = 26;
    /// Broadcast address (§5.3).
    pub const BROADCAST_ADDRESS: u8 = 28;
    /// NTP servers (§8.3).
    pub const NTP_SERVERS: u8 = 42;
    /// Vendor specific information (§8.4).
    pub const VENDOR_SPECIFIC: u8 = 43;
    /// Requested IP address (§9.1).
    pub const REQUESTED_IP: u8 = 50;
    /// IP address lease time (§9.2).
    pub const LEASE_TIME: u8 = 51;
    /// Option overload (§9.3).
    pub const OPTION_OVERLOAD: u8 = 52;
    /// DHCP message type (§9.6).
    pub const MESSAGE_TYPE: u8 = 53;
    /// Server identifier (§9.7).
    pub const SERVER_IDENTIFIER: u8 = 54;
    /// Parameter request list (§9.8).
    pub const PARAMETER_REQUEST_LIST: u8 = 55;
    /// Message (§9.9).
    pub const MESSAGE: u8 = 56;
    /// Maximum DHCP message size (§9.10).
    pub const MAX_MESSAGE_SIZE: u8 = 57;
    /// Renewal (T1) time (§9.11).
    pub const RENEWAL_TIME: u8 = 58;
    /// Rebinding (T2) time (§9.12).
    pub const REBINDING_TIME: u8 = 59;
    /// Vendor class identifier (§9.13).
    pub const VENDOR_CLASS: u8 = 60;
    /// Client identifier (§9.14).
    pub const CLIENT_IDENTIFIER: u8 = 61;
    /// Rapid commit (RFC 4039 §4).
    pub const RAPID_COMMIT: u8 = 80;
    /// Relay agent information (RFC 3046 §2.0).
    pub const RELAY_AGENT_INFORMATION: u8 = 82;
    /// Domain search (RFC 3397 §2).
    pub const DOMAIN_SEARCH: u8 = 119;
    /// Classless static route (RFC 3442).
    pub const CLASSLESS_STATIC_ROUTE: u8 = 121;
    /// End (§3.2).
    pub const END: u8 = 255;
}

/// A decoded option. Values borrow the message; lists were checked when decoded,
/// so their iterators cannot fail.
///
/// ```
/// use wirestate_dhcp::DhcpOption;
/// let o = DhcpOption::decode(51, &[0, 0, 0x0e, 0x10], 240).unwrap();
/// assert_eq!((o, o.code(), o.name()), (DhcpOption::LeaseTime(3600), 51, "lease time"));
/// assert_eq!(DhcpOption::decode(200, b"x", 240).unwrap().name(), "unknown");
///
/// // A lease time is 4 octets.
/// let err = DhcpOption::decode(51, &[0, 0], 250).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("lease time", 250));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DhcpOption<'a> {
    /// 1: subnet mask.
    SubnetMask(Ipv4Addr),
    /// 3: routers, in order of preference.
    Router(Addrs<'a>),
    /// 6: domain name servers.
    DomainNameServer(Addrs<'a>),
    /// 12: host name (octets as sent).
    HostName(&'a [u8]),
    /// 15: domain name.
    DomainName(&'a [u8]),
    /// 26: interface MTU.
    InterfaceMtu(u16),
    /// 28: broadcast address.
    BroadcastAddress(Ipv4Addr),
    /// 42: NTP servers.
    NtpServers(Addrs<'a>),
    /// 43: vendor specific information, opaque.
    VendorSpecific(&'a [u8]),
    /// 50: requested IP address.
    RequestedIp(Ipv4Addr),
    /// 51: lease time, seconds.
    LeaseTime(u32),
    /// 52: option overload.
    Overload(Overload),
    /// 53: DHCP message type.
    MessageType(MessageType),
    /// 54: server identifier.
    ServerIdentifier(Ipv4Addr),
    /// 55: parameter request list, option codes.
    ParameterRequestList(&'a [u8]),
    /// 56: message (error text).
    Message(&'a [u8]),
    /// 57: maximum DHCP message size.
    MaxMessageSize(u16),
    /// 58: renewal (T1) time, seconds.
    RenewalTime(u32),
    /// 59: rebinding (T2) time, seconds.
    RebindingTime(u32),
    /// 60: vendor class identifier.
    VendorClass(&'a [u8]),
    /// 61: client identifier: a type octet then the identifier.
    ClientIdentifier(&'a [u8]),
    /// 80: rapid commit (RFC 4039), no value.
    RapidCommit,
    /// 82: relay agent information, sub-options (RFC 3046).
    RelayAgentInformation(SubOptions<'a>),
    /// 119: domain search list (RFC 3397).
    DomainSearch(DomainSearch<'a>),
    /// 121: classless static routes (RFC 3442).
    ClasslessStaticRoute(Routes<'a>),
    /// A code this crate does not decode, value kept raw.
    Unknown {
        /// The option code.
        code: u8,
        /// The value.
        data: &'a [u8],
    },
    /// A long option split over several instances (RFC 3396): join them with
    /// [`Concat::copy_to`] or `to_vec`, then [`Concat::decode`].
    Long(Concat<'a>),
}

impl PartialEq for Concat<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.code() == other.code() && self.fragments().flatten().eq(other.fragments().flatten())
    }
}
impl Eq for Concat<'_> {}

#[inline(always)]
fn exact<'a>(data: &'a [u8], n: usize, c: u8, at: usize, rule: &'static str) -> Result<&'a [u8]> {
    if data.len() == n {
        Ok(data)
    } else {
        Err(Error::malformed(option_name(c), at, rule))
    }
}

#[inline(always)]
fn non_empty(data: &[u8], min: usize, c: u8, at: usize) -> Result<&[u8]> {
    if data.len() >= min {
        Ok(data)
    } else {
        Err(Error::malformed(
            option_name(c),
            at,
            "RFC 2132: the option is shorter than its minimum length",
        ))
    }
}

#[inline(always)]
fn addr(data: &[u8], c: u8, at: usize) -> Result<Ipv4Addr> {
    exact(data, 4, c, at, "RFC 2132: an address option has length 4")
        .map(|d| Ipv4Addr::from(read_array::<4>(d, 0)))
}

#[inline(always)]
fn u32_of(data: &[u8], c: u8, at: usize) -> Result<u32> {
    exact(data, 4, c, at, "RFC 2132: a time option has length 4").map(|d| read_u32(d, 0))
}

#[inline(always)]
fn u16_of(data: &[u8], c: u8, at: usize) -> Result<u16> {
    exact(data, 2, c, at, "RFC 2132: this option has length 2").map(|d| read_u16(d, 0))
}

impl<'a> DhcpOption<'a> {
    /// Decodes the value `data` of option `code`; `at` is where the option starts,
    /// used in errors. Codes not listed in [`code`] decode to `Unknown`.
    ///
    /// # Errors
    /// `Malformed` at `at`, with the option's [`name`](Self::name) as field, when the
    /// length breaks the option's rule (address: 4; times: 4; MTU and max size: 2;
    /// message type and overload: 1; text and lists: at least 1; client id: at
    /// least 2; rapid commit: 0; address lists: a multiple of 4), overload is not
    /// 1-3, or the sub-options, names (RFC 3397) or routes (RFC 3442) are broken.
    // Always in line: a `Result<DhcpOption>` returned from a call comes back through
    // memory, and reloading its fields stalled on store forwarding (perf, dhcp bench);
    // the helpers above are in line for the same reason. Errors are built out of line.
    #[inline(always)]
    pub fn decode(code: u8, data: &'a [u8], at: usize) -> Result<Self> {
        let c = code;
        Ok(match code {
            code::SUBNET_MASK => Self::SubnetMask(addr(data, c, at)?),
            code::ROUTER => Self::Router(Addrs::new(data, c, at)?),
            code::DOMAIN_NAME_SERVER => Self::DomainNameServer(Addrs::new(data, c, at)?),
            code::HOST_NAME => Self::HostName(non_empty(data, 1, c, at)?),
            code::DOMAIN_NAME => Self::DomainName(non_empty(data, 1, c, at)?),
            code::INTERFACE_MTU => Self::InterfaceMtu(u16_of(data, c, at)?),
            code::BROADCAST_ADDRESS => Self::BroadcastAddress(addr(data, c, at)?),
            code::NTP_SERVERS => Self::NtpServers(Addrs::new(data, c, at)?),
            code::VENDOR_SPECIFIC => Self::VendorSpecific(data),
            code::REQUESTED_IP => Self::RequestedIp(addr(data, c, at)?),
            code::LEASE_TIME => Self::LeaseTime(u32_of(data, c, at)?),
            code::OPTION_OVERLOAD => Self::Overload(overload(data, at)?),
            code::MESSAGE_TYPE => Self::MessageType(message_type(data, at)?),
            code::SERVER_IDENTIFIER => Self::ServerIdentifier(addr(data, c, at)?),
            code::PARAMETER_REQUEST_LIST => Self::ParameterRequestList(non_empty(data, 1, c, at)?),
            code::MESSAGE => Self::Message(non_empty(data, 1, c, at)?),
            code::MAX_MESSAGE_SIZE => Self::MaxMessageSize(u16_of(data, c, at)?),
            code::RENEWAL_TIME => Self::RenewalTime(u32_of(data, c, at)?),
            code::REBINDING_TIME => Self::RebindingTime(u32_of(data, c, at)?),
            code::VENDOR_CLASS => Self::VendorClass(non_empty(data, 1, c, at)?),
            code::CLIENT_IDENTIFIER => Self::ClientIdentifier(non_empty(data, 2, c, at)?),
            code::RAPID_COMMIT => {
                exact(data, 0, c, at, "RFC 4039 §4: rapid commit has length 0")?;
                Self::RapidCommit
            }
            code::RELAY_AGENT_INFORMATION => {
                Self::RelayAgentInformation(SubOptions::new(data, at)?)
            }
            code::DOMAIN_SEARCH => Self::DomainSearch(DomainSearch::new(data, at)?),
            code::CLASSLESS_STATIC_ROUTE => Self::ClasslessStaticRoute(Routes::new(data, at)?),
            code => Self::Unknown { code, data },
        })
    }

    /// The option code.
    pub fn code(&self) -> u8 {
        match self {
            Self::SubnetMask(_) => code::SUBNET_MASK,
            Self::Router(_) => code::ROUTER,
            Self::DomainNameServer(_) => code::DOMAIN_NAME_SERVER,
            Self::HostName(_) => code::HOST_NAME,
            Self::DomainName(_) => code::DOMAIN_NAME,
            Self::InterfaceMtu(_) => code::INTERFACE_MTU,
            Self::BroadcastAddress(_) => code::BROADCAST_ADDRESS,
            Self::NtpServers(_) => code::NTP_SERVERS,
            Self::VendorSpecific(_) => code::VENDOR_SPECIFIC,
            Self::RequestedIp(_) => code::REQUESTED_IP,
            Self::LeaseTime(_) => code::LEASE_TIME,
            Self::Overload(_) => code::OPTION_OVERLOAD,
            Self::MessageType(_) => code::MESSAGE_TYPE,
            Self::ServerIdentifier(_) => code::SERVER_IDENTIFIER,
            Self::ParameterRequestList(_) => code::PARAMETER_REQUEST_LIST,
            Self::Message(_) => code::MESSAGE,
            Self::MaxMessageSize(_) => code::MAX_MESSAGE_SIZE,
            Self::RenewalTime(_) => code::RENEWAL_TIME,
            Self::RebindingTime(_) => code::REBINDING_TIME,
            Self::VendorClass(_) => code::VENDOR_CLASS,
            Self::ClientIdentifier(_) => code::CLIENT_IDENTIFIER,
            Self::RapidCommit => code::RAPID_COMMIT,
            Self::RelayAgentInformation(_) => code::RELAY_AGENT_INFORMATION,
            Self::DomainSearch(_) => code::DOMAIN_SEARCH,
            Self::ClasslessStaticRoute(_) => code::CLASSLESS_STATIC_ROUTE,
            Self::Unknown { code, .. } => *code,
            Self::Long(c) => c.code(),
        }
    }

    /// The option's name (see [`option_name`]).
    pub fn name(&self) -> &'static str {
        option_name(self.code())
    }
}

/// The name of an option code as this crate spells it (short, lower case, after
/// RFC 2132's titles); "unknown" for codes it does not decode.
pub fn option_name(c: u8) -> &'static str {
    match c {
        code::PAD => "pad",
        code::SUBNET_MASK => "subnet mask",
        code::ROUTER => "router",
        code::DOMAIN_NAME_SERVER => "domain name server",
        code::HOST_NAME => "host name",
        code::DOMAIN_NAME => "domain name",
        code::INTERFACE_MTU => "interface mtu",
        code::BROADCAST_ADDRESS => "broadcast address",
        code::NTP_SERVERS => "ntp servers",
        code::VENDOR_SPECIFIC => "vendor specific",
        code::REQUESTED_IP => "requested ip address",
        code::LEASE_TIME => "lease time",
        code::OPTION_OVERLOAD => "option overload",
        code::MESSAGE_TYPE => "message type",
        code::SERVER_IDENTIFIER => "server identifier",
        code::PARAMETER_REQUEST_LIST => "parameter request list",
        code::MESSAGE => "message",
        code::MAX_MESSAGE_SIZE => "max message size",
        code::RENEWAL_TIME => "renewal time",
        code::REBINDING_TIME => "rebinding time",
        code::VENDOR_CLASS => "vendor class identifier",
        code::CLIENT_IDENTIFIER => "client identifier",
        code::RAPID_COMMIT => "rapid commit",
        code::RELAY_AGENT_INFORMATION => "relay agent information",
        code::DOMAIN_SEARCH => "domain search",
        code::CLASSLESS_STATIC_ROUTE => "classless static route",
        code::END => "end",
        _ => "unknown",
    }
}

#[inline(always)]
fn overload(data: &[u8], at: usize) -> Result<Overload> {
    match data {
        [1] => Ok(Overload::File),
        [2] => Ok(Overload::Sname),
        [3] => Ok(Overload::Both),
        [_] => Err(Error::malformed(
            "option overload",
            at,
            "RFC 2132 §9.3: option overload is 1, 2 or 3",
        )),
        _ => Err(Error::malformed(
            "option overload",
            at,
            "RFC 2132 §9.3: option overload has length 1",
        )),
    }
}

#[inline(always)]
fn message_type(data: &[u8], at: usize) -> Result<MessageType> {
    match data {
        [v] => Ok(MessageType::from_u8(*v)),
        _ => Err(Error::malformed("message type", at, "RFC 2132 §9.6: message type has length 1")),
    }
}

/// A non-empty list of IPv4 addresses, a multiple of 4 octets long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addrs<'a>(&'a [u8]);

impl<'a> Addrs<'a> {
    #[inline(always)]
    fn new(data: &'a [u8], c: u8, at: usize) -> Result<Self> {
        if data.is_empty() || !data.len().is_multiple_of(4) {
            return Err(Error::malformed(
                option_name(c),
                at,
                "RFC 2132: an address list is a non-zero multiple of 4 octets",
            ));
        }
        Ok(Addrs(data))
    }
    /// The addresses, in order.
    pub fn iter(&self) -> impl Iterator<Item = Ipv4Addr> + 'a {
        self.0.chunks_exact(4).map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
    }
    /// The number of addresses.
    pub fn len(&self) -> usize {
        self.0.len() / 4
    }
    /// Always false: the list has at least one address.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The octets on the wire.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// One relay agent sub-option (RFC 3046 §2.0): 1 = circuit id, 2 = remote id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubOption<'a> {
    /// The sub-option code.
    pub code: u8,
    /// The value.
    pub data: &'a [u8],
}

/// Relay agent sub-options, checked: every length is in bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubOptions<'a>(&'a [u8]);

impl<'a> SubOptions<'a> {
    fn new(data: &'a [u8], at: usize) -> Result<Self> {
        let mut rest = data;
        while let [_, len, tail @ ..] = rest {
            rest = tail.get(usize::from(*len)..).ok_or_else(|| {
                Error::malformed(
                    "relay agent information",
                    at,
                    "RFC 3046 §2.0: a sub-option runs past the option",
                )
            })?;
        }
        if !rest.is_empty() || data.is_empty() {
            return Err(Error::malformed(
                "relay agent information",
                at,
                "RFC 3046 §2.0: sub-options are code, length, value",
            ));
        }
        Ok(SubOptions(data))
    }
    /// The sub-options, in order.
    pub fn iter(&self) -> SubOptionsIter<'a> {
        SubOptionsIter(self.0)
    }
    /// The octets on the wire.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// Iterator over [`SubOptions`].
#[derive(Debug, Clone)]
pub struct SubOptionsIter<'a>(&'a [u8]);

impl<'a> Iterator for SubOptionsIter<'a> {
    type Item = SubOption<'a>;
    fn next(&mut self) -> Option<SubOption<'a>> {
        let [code, len, tail @ ..] = self.0 else { return None };
        let (data, rest) = tail.split_at_checked(usize::from(*len))?;
        self.0 = rest;
        Some(SubOption { code: *code, data })
    }
}

/// A domain search list (RFC 3397 §2): names in DNS wire form whose compression
/// pointers are offsets into the (joined) option value. Checked when decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainSearch<'a>(&'a [u8]);

impl<'a> DomainSearch<'a> {
    /// Checks `data`, the whole (joined) option value; `at` is used in errors.
    ///
    /// # Errors
    /// `Malformed`/`Truncated` "domain search" at `at` plus the offset in the value
    /// (from the DNS name parser: truncated labels, forward pointers, loops).
    pub fn new(data: &'a [u8], at: usize) -> Result<Self> {
        let mut pos = 0;
        while pos < data.len() {
            // Offsets inside the value start 2 octets after the code.
            pos = Name::parse(data, pos, "domain search").map_err(|e| e.at(at + 2))?.1;
        }
        Ok(DomainSearch(data))
    }
    /// The names, in order.
    pub fn iter(&self) -> DomainSearchIter<'a> {
        DomainSearchIter { data: self.0, pos: 0 }
    }
    /// The octets on the wire.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// Iterator over [`DomainSearch`] names.
#[derive(Debug, Clone)]
pub struct DomainSearchIter<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for DomainSearchIter<'a> {
    type Item = Name<'a>;
    fn next(&mut self) -> Option<Name<'a>> {
        if self.pos >= self.data.len() {
            return None;
        }
        // Checked in DomainSearch::new; an error cannot happen, and ends the walk.
        let (name, next) = Name::parse(self.data, self.pos, "domain search").ok()?;
        self.pos = next;
        Some(name)
    }
}
