//! The IP protocol number space (IPv4 "protocol", IPv6 "next header").

/// An IP protocol number (IANA "Assigned Internet Protocol Numbers").
///
/// A newtype rather than an enum: every value is legal on the wire, and unknown
/// ones must survive a round trip.
///
/// ```
/// use wirestate_wire::IpProtocol;
/// assert_eq!(IpProtocol::TCP.name(), Some("TCP"));
/// assert_eq!(IpProtocol(253).name(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct IpProtocol(pub u8);

impl IpProtocol {
    /// IPv6 Hop-by-Hop Options (RFC 8200 §4.3).
    pub const HOP_BY_HOP: Self = Self(0);
    /// ICMP (RFC 792).
    pub const ICMP: Self = Self(1);
    /// IGMP (RFC 1112).
    pub const IGMP: Self = Self(2);
    /// TCP (RFC 9293).
    pub const TCP: Self = Self(6);
    /// UDP (RFC 768).
    pub const UDP: Self = Self(17);
    /// IPv6 Routing header (RFC 8200 §4.4).
    pub const IPV6_ROUTE: Self = Self(43);
    /// IPv6 Fragment header (RFC 8200 §4.5).
    pub const IPV6_FRAG: Self = Self(44);
    /// Encapsulating Security Payload (RFC 4303).
    pub const ESP: Self = Self(50);
    /// Authentication Header (RFC 4302).
    pub const AH: Self = Self(51);
    /// ICMPv6 (RFC 4443).
    pub const ICMPV6: Self = Self(58);
    /// No next header (RFC 8200 §4.7).
    pub const IPV6_NO_NEXT: Self = Self(59);
    /// IPv6 Destination Options (RFC 8200 §4.6).
    pub const IPV6_OPTS: Self = Self(60);

    /// The IANA keyword for the protocols this project knows, `None` for the rest.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::HOP_BY_HOP => "HOPOPT",
            Self::ICMP => "ICMP",
            Self::IGMP => "IGMP",
            Self::TCP => "TCP",
            Self::UDP => "UDP",
            Self::IPV6_ROUTE => "IPv6-Route",
            Self::IPV6_FRAG => "IPv6-Frag",
            Self::ESP => "ESP",
            Self::AH => "AH",
            Self::ICMPV6 => "IPv6-ICMP",
            Self::IPV6_NO_NEXT => "IPv6-NoNxt",
            Self::IPV6_OPTS => "IPv6-Opts",
            _ => return None,
        })
    }

    /// Whether this number introduces an IPv6 extension header that is walked as
    /// one (hop-by-hop, routing, fragment, destination options, AH).
    #[inline]
    pub fn is_ipv6_extension(self) -> bool {
        matches!(
            self,
            Self::HOP_BY_HOP | Self::IPV6_ROUTE | Self::IPV6_FRAG | Self::IPV6_OPTS | Self::AH
        )
    }
}

impl From<u8> for IpProtocol {
    fn from(v: u8) -> Self {
        Self(v)
    }
}

impl From<IpProtocol> for u8 {
    fn from(p: IpProtocol) -> u8 {
        p.0
    }
}
