//! ICMPv4 message types and the code points of the error messages.

/// An ICMPv4 message type (RFC 792; IANA "ICMP Type Numbers").
///
/// A newtype rather than an enum: every value is legal on the wire, and an unknown
/// type must survive a round trip (RFC 1122 §3.2.2: "If an ICMP message of unknown
/// type is received, it MUST be silently discarded" — by the host, not the parser).
///
/// ```
/// use wirestate_icmp::icmpv4::Message;
/// assert_eq!(Message::ECHO_REQUEST.name(), Some("echo request"));
/// assert_eq!(Message(42).name(), None);
/// assert!(Message::TIME_EXCEEDED.is_error() && !Message::ECHO_REPLY.is_error());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Message(pub u8);

impl Message {
    /// Echo reply (RFC 792).
    pub const ECHO_REPLY: Self = Self(0);
    /// Destination unreachable (RFC 792); codes in [`dst_unreachable`](super::dst_unreachable).
    pub const DST_UNREACHABLE: Self = Self(3);
    /// Source quench (RFC 792; deprecated by RFC 6633).
    pub const SOURCE_QUENCH: Self = Self(4);
    /// Redirect (RFC 792); codes in [`redirect`](super::redirect).
    pub const REDIRECT: Self = Self(5);
    /// Echo request (RFC 792).
    pub const ECHO_REQUEST: Self = Self(8);
    /// Router advertisement (RFC 1256).
    pub const ROUTER_ADVERT: Self = Self(9);
    /// Router solicitation (RFC 1256).
    pub const ROUTER_SOLICIT: Self = Self(10);
    /// Time exceeded (RFC 792); codes in [`time_exceeded`](super::time_exceeded).
    pub const TIME_EXCEEDED: Self = Self(11);
    /// Parameter problem (RFC 792); codes in [`param_problem`](super::param_problem).
    pub const PARAM_PROBLEM: Self = Self(12);
    /// Timestamp (RFC 792).
    pub const TIMESTAMP: Self = Self(13);
    /// Timestamp reply (RFC 792).
    pub const TIMESTAMP_REPLY: Self = Self(14);

    /// The RFC's name of the types above, in lower case; `None` for the rest.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::ECHO_REPLY => "echo reply",
            Self::DST_UNREACHABLE => "destination unreachable",
            Self::SOURCE_QUENCH => "source quench",
            Self::REDIRECT => "redirect",
            Self::ECHO_REQUEST => "echo request",
            Self::ROUTER_ADVERT => "router advertisement",
            Self::ROUTER_SOLICIT => "router solicitation",
            Self::TIME_EXCEEDED => "time exceeded",
            Self::PARAM_PROBLEM => "parameter problem",
            Self::TIMESTAMP => "timestamp",
            Self::TIMESTAMP_REPLY => "timestamp reply",
            _ => return None,
        })
    }

    /// Whether this is an error message, one that quotes the datagram that caused
    /// it (destination unreachable, source quench, redirect, time exceeded,
    /// parameter problem: RFC 1122 §3.2.2).
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Self::DST_UNREACHABLE
                | Self::SOURCE_QUENCH
                | Self::REDIRECT
                | Self::TIME_EXCEEDED
                | Self::PARAM_PROBLEM
        )
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

/// Codes of the destination unreachable message (RFC 792; 6–12 from RFC 1122
/// §3.2.2.1; 13–15 from RFC 1812 §5.2.7.1).
pub mod dst_unreachable {
    /// Net unreachable.
    pub const NET_UNREACHABLE: u8 = 0;
    /// Host unreachable.
    pub const HOST_UNREACHABLE: u8 = 1;
    /// Protocol unreachable: the destination host does not run the transport.
    pub const PROTOCOL_UNREACHABLE: u8 = 2;
    /// Port unreachable: nothing listens on the destination port.
    pub const PORT_UNREACHABLE: u8 = 3;
    /// Fragmentation needed and DF set; the next-hop MTU (RFC 1191 §4) says how
    /// big a datagram may be.
    pub const FRAG_NEEDED: u8 = 4;
    /// Source route failed.
    pub const SOURCE_ROUTE_FAILED: u8 = 5;
    /// Destination network unknown.
    pub const DST_NET_UNKNOWN: u8 = 6;
    /// Destination host unknown.
    pub const DST_HOST_UNKNOWN: u8 = 7;
    /// Source host isolated.
    pub const SOURCE_HOST_ISOLATED: u8 = 8;
    /// Communication with the destination network administratively prohibited.
    pub const NET_PROHIBITED: u8 = 9;
    /// Communication with the destination host administratively prohibited.
    pub const HOST_PROHIBITED: u8 = 10;
    /// Network unreachable for the type of service.
    pub const NET_UNREACHABLE_FOR_TOS: u8 = 11;
    /// Host unreachable for the type of service.
    pub const HOST_UNREACHABLE_FOR_TOS: u8 = 12;
    /// Communication administratively prohibited (filtered).
    pub const COMM_PROHIBITED: u8 = 13;
    /// Host precedence violation.
    pub const HOST_PRECEDENCE_VIOLATION: u8 = 14;
    /// Precedence cutoff in effect.
    pub const PRECEDENCE_CUTOFF: u8 = 15;
}

/// Codes of the redirect message (RFC 792).
pub mod redirect {
    /// Redirect datagrams for the network.
    pub const NET: u8 = 0;
    /// Redirect datagrams for the host.
    pub const HOST: u8 = 1;
    /// Redirect datagrams for the type of service and network.
    pub const TOS_NET: u8 = 2;
    /// Redirect datagrams for the type of service and host.
    pub const TOS_HOST: u8 = 3;
}

/// Codes of the time exceeded message (RFC 792).
pub mod time_exceeded {
    /// Time to live exceeded in transit (what traceroute elicits).
    pub const TTL_EXCEEDED: u8 = 0;
    /// Fragment reassembly time exceeded.
    pub const REASSEMBLY_EXCEEDED: u8 = 1;
}

/// Codes of the parameter problem message (RFC 792; 1 from RFC 1108, 2 from
/// IANA "ICMP Type Numbers").
pub mod param_problem {
    /// The pointer indicates the error.
    pub const POINTER: u8 = 0;
    /// A required option is missing.
    pub const MISSING_OPTION: u8 = 1;
    /// Bad length.
    pub const BAD_LENGTH: u8 = 2;
}
