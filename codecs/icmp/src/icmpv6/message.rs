//! ICMPv6 message types and the code points of the error messages.

/// An ICMPv6 message type (RFC 4443 §2.1; IANA "ICMPv6 'type' Numbers").
///
/// A newtype rather than an enum: every value is legal on the wire, and RFC 4443
/// §2.4 says what a node does with unknown ones (pass errors up, discard
/// informational messages), which the parser leaves to it.
///
/// ```
/// use wirestate_icmp::icmpv6::Message;
/// assert_eq!(Message::NEIGHBOR_SOLICIT.name(), Some("neighbor solicitation"));
/// assert!(Message::PACKET_TOO_BIG.is_error());
/// assert!(!Message::ECHO_REQUEST.is_error());
/// assert_eq!(Message(200).name(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Message(pub u8);

impl Message {
    /// Destination unreachable (RFC 4443 §3.1); codes in [`dst_unreachable`](super::dst_unreachable).
    pub const DST_UNREACHABLE: Self = Self(1);
    /// Packet too big (RFC 4443 §3.2).
    pub const PACKET_TOO_BIG: Self = Self(2);
    /// Time exceeded (RFC 4443 §3.3); codes in [`time_exceeded`](super::time_exceeded).
    pub const TIME_EXCEEDED: Self = Self(3);
    /// Parameter problem (RFC 4443 §3.4); codes in [`param_problem`](super::param_problem).
    pub const PARAM_PROBLEM: Self = Self(4);
    /// Echo request (RFC 4443 §4.1).
    pub const ECHO_REQUEST: Self = Self(128);
    /// Echo reply (RFC 4443 §4.2).
    pub const ECHO_REPLY: Self = Self(129);
    /// Multicast listener query (RFC 2710 §3, RFC 3810 §5.1).
    pub const MLD_QUERY: Self = Self(130);
    /// MLDv1 multicast listener report (RFC 2710 §3).
    pub const MLD_REPORT: Self = Self(131);
    /// MLDv1 multicast listener done (RFC 2710 §3).
    pub const MLD_DONE: Self = Self(132);
    /// Router solicitation (RFC 4861 §4.1).
    pub const ROUTER_SOLICIT: Self = Self(133);
    /// Router advertisement (RFC 4861 §4.2).
    pub const ROUTER_ADVERT: Self = Self(134);
    /// Neighbor solicitation (RFC 4861 §4.3).
    pub const NEIGHBOR_SOLICIT: Self = Self(135);
    /// Neighbor advertisement (RFC 4861 §4.4).
    pub const NEIGHBOR_ADVERT: Self = Self(136);
    /// Redirect (RFC 4861 §4.5).
    pub const REDIRECT: Self = Self(137);
    /// MLDv2 multicast listener report (RFC 3810 §5.2).
    pub const MLDV2_REPORT: Self = Self(143);

    /// The RFC's name of the types above, in lower case; `None` for the rest.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::DST_UNREACHABLE => "destination unreachable",
            Self::PACKET_TOO_BIG => "packet too big",
            Self::TIME_EXCEEDED => "time exceeded",
            Self::PARAM_PROBLEM => "parameter problem",
            Self::ECHO_REQUEST => "echo request",
            Self::ECHO_REPLY => "echo reply",
            Self::MLD_QUERY => "multicast listener query",
            Self::MLD_REPORT => "multicast listener report",
            Self::MLD_DONE => "multicast listener done",
            Self::ROUTER_SOLICIT => "router solicitation",
            Self::ROUTER_ADVERT => "router advertisement",
            Self::NEIGHBOR_SOLICIT => "neighbor solicitation",
            Self::NEIGHBOR_ADVERT => "neighbor advertisement",
            Self::REDIRECT => "redirect",
            Self::MLDV2_REPORT => "version 2 multicast listener report",
            _ => return None,
        })
    }

    /// Whether this is an error message: RFC 4443 §2.1, "error messages are
    /// identified as such by a zero in the high-order bit of their message Type".
    pub fn is_error(self) -> bool {
        self.0 < 128
    }

    /// Whether this is one of the five neighbour discovery messages (RFC 4861 §4).
    pub fn is_ndp(self) -> bool {
        (Self::ROUTER_SOLICIT.0..=Self::REDIRECT.0).contains(&self.0)
    }
}

impl From<u8> for Message {
    fn from(v: u8) -> Self {
        Self(v)
    }
}

impl From<Message> for u8 {
    fn from(m: Message) -> u8 {
        m.0
    }
}

/// Codes of the destination unreachable message (RFC 4443 §3.1; 7 from RFC 8883).
pub mod dst_unreachable {
    /// No route to destination.
    pub const NO_ROUTE: u8 = 0;
    /// Communication with the destination administratively prohibited.
    pub const ADMIN_PROHIBITED: u8 = 1;
    /// Beyond the scope of the source address.
    pub const BEYOND_SCOPE: u8 = 2;
    /// Address unreachable.
    pub const ADDR_UNREACHABLE: u8 = 3;
    /// Port unreachable.
    pub const PORT_UNREACHABLE: u8 = 4;
    /// Source address failed ingress/egress policy.
    pub const FAILED_POLICY: u8 = 5;
    /// Reject route to destination.
    pub const REJECT_ROUTE: u8 = 6;
    /// Error in source routing header.
    pub const SOURCE_ROUTING_ERROR: u8 = 7;
}

/// Codes of the time exceeded message (RFC 4443 §3.3).
pub mod time_exceeded {
    /// Hop limit exceeded in transit.
    pub const HOP_LIMIT_EXCEEDED: u8 = 0;
    /// Fragment reassembly time exceeded.
    pub const REASSEMBLY_EXCEEDED: u8 = 1;
}

/// Codes of the parameter problem message (RFC 4443 §3.4; 3 from RFC 7112).
pub mod param_problem {
    /// Erroneous header field encountered.
    pub const ERRONEOUS_FIELD: u8 = 0;
    /// Unrecognized next header type encountered.
    pub const UNRECOGNIZED_NEXT_HEADER: u8 = 1;
    /// Unrecognized IPv6 option encountered.
    pub const UNRECOGNIZED_OPTION: u8 = 2;
    /// The first fragment has an incomplete IPv6 header chain.
    pub const INCOMPLETE_HEADER_CHAIN: u8 = 3;
}
