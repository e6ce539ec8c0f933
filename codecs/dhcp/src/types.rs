//! Code points: the DHCP message type (RFC 2132 §9.6) and option overload (§9.3).

/// DHCP message type, option 53 (RFC 2132 §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum MessageType {
    /// 1: client broadcast to locate servers.
    Discover,
    /// 2: server offer of parameters.
    Offer,
    /// 3: client request of offered parameters, or renewal.
    Request,
    /// 4: client says the address is in use.
    Decline,
    /// 5: server commits the parameters.
    Ack,
    /// 6: server refuses the request.
    Nak,
    /// 7: client gives up the lease.
    Release,
    /// 8: client asks for local parameters only.
    Inform,
    /// Any other value (e.g. RFC 4388 lease query types), kept as is.
    Unknown(u8),
}

impl MessageType {
    /// The type for a wire value.
    pub fn from_u8(v: u8) -> Self {
        match v {
            1 => Self::Discover,
            2 => Self::Offer,
            3 => Self::Request,
            4 => Self::Decline,
            5 => Self::Ack,
            6 => Self::Nak,
            7 => Self::Release,
            8 => Self::Inform,
            v => Self::Unknown(v),
        }
    }

    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Discover => 1,
            Self::Offer => 2,
            Self::Request => 3,
            Self::Decline => 4,
            Self::Ack => 5,
            Self::Nak => 6,
            Self::Release => 7,
            Self::Inform => 8,
            Self::Unknown(v) => v,
        }
    }

    /// The RFC name, e.g. "DHCPDISCOVER"; "UNKNOWN" for other values.
    pub fn name(self) -> &'static str {
        match self {
            Self::Discover => "DHCPDISCOVER",
            Self::Offer => "DHCPOFFER",
            Self::Request => "DHCPREQUEST",
            Self::Decline => "DHCPDECLINE",
            Self::Ack => "DHCPACK",
            Self::Nak => "DHCPNAK",
            Self::Release => "DHCPRELEASE",
            Self::Inform => "DHCPINFORM",
            Self::Unknown(_) => "UNKNOWN",
        }
    }

    /// The BOOTP `op` a message of this type carries (RFC 2131 §4.1): 2 (BOOTREPLY)
    /// for OFFER, ACK and NAK, 1 (BOOTREQUEST) otherwise.
    pub fn op(self) -> u8 {
        match self {
            Self::Offer | Self::Ack | Self::Nak => 2,
            _ => 1,
        }
    }
}

/// Which fields option 52 continues the options into (RFC 2132 §9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Overload {
    /// 1: the `file` field.
    File,
    /// 2: the `sname` field.
    Sname,
    /// 3: both, `file` first.
    Both,
}

impl Overload {
    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::File => 1,
            Self::Sname => 2,
            Self::Both => 3,
        }
    }
}
