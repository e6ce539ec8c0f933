//! Link types other than Ethernet: what a capture's link type says the first bytes
//! are, and the walk through the Linux cooked, BSD loopback and PPP headers.

use wirestate_ethernet::EtherType;

use super::{fail, LayerKind, Link, Sliced, Walk};
use crate::{null, ppp, sll, sll2};

/// What the first byte of a frame is: a capture's link type.
///
/// [`LinkType::from_linktype`] maps the LINKTYPE_ numbers that pcap and pcapng
/// files carry (tcpdump.org's link-layer header types registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LinkType {
    /// An Ethernet II frame without FCS (LINKTYPE_ETHERNET, 1).
    Ethernet,
    /// A bare IPv4 or IPv6 packet, told apart by its version nibble (LINKTYPE_RAW,
    /// 101; also 12 and 14, DLT_RAW's number on some systems).
    Ip,
    /// A bare IPv4 packet (LINKTYPE_IPV4, 228).
    Ipv4,
    /// A bare IPv6 packet (LINKTYPE_IPV6, 229).
    Ipv6,
    /// A Linux cooked capture v1 header, then what its protocol names
    /// (LINKTYPE_LINUX_SLL, 113).
    LinuxSll,
    /// A Linux cooked capture v2 header, then what its protocol names
    /// (LINKTYPE_LINUX_SLL2, 276).
    LinuxSll2,
    /// A BSD loopback header, its family in the capturing host's byte order
    /// (LINKTYPE_NULL, 0).
    Null,
    /// A BSD loopback header, its family in network byte order (LINKTYPE_LOOP, 108).
    Loop,
    /// A PPP header, address and control optional (LINKTYPE_PPP, 9).
    Ppp,
}

impl LinkType {
    /// Every link type, for tests and fuzzers that pick one.
    pub const ALL: [LinkType; 9] = [
        LinkType::Ethernet,
        LinkType::Ip,
        LinkType::Ipv4,
        LinkType::Ipv6,
        LinkType::LinuxSll,
        LinkType::LinuxSll2,
        LinkType::Null,
        LinkType::Loop,
        LinkType::Ppp,
    ];

    /// The link type a capture's LINKTYPE_ number names, or `None` for one slicing
    /// does not read.
    ///
    /// ```
    /// use wirestate_packet::LinkType;
    /// assert_eq!(LinkType::from_linktype(113), Some(LinkType::LinuxSll));
    /// assert_eq!(LinkType::from_linktype(12), Some(LinkType::Ip));
    /// assert_eq!(LinkType::from_linktype(105), None); // 802.11
    /// ```
    pub fn from_linktype(linktype: u32) -> Option<LinkType> {
        Some(match linktype {
            0 => LinkType::Null,
            1 => LinkType::Ethernet,
            9 => LinkType::Ppp,
            12 | 14 | 101 => LinkType::Ip,
            108 => LinkType::Loop,
            113 => LinkType::LinuxSll,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            276 => LinkType::LinuxSll2,
            _ => return None,
        })
    }

    /// The LINKTYPE_ number to write in a capture's header (101 for [`LinkType::Ip`]).
    pub fn linktype(self) -> u32 {
        match self {
            LinkType::Null => 0,
            LinkType::Ethernet => 1,
            LinkType::Ppp => 9,
            LinkType::Ip => 101,
            LinkType::Loop => 108,
            LinkType::LinuxSll => 113,
            LinkType::Ipv4 => 228,
            LinkType::Ipv6 => 229,
            LinkType::LinuxSll2 => 276,
        }
    }
}

/// Which link header a sliced frame starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LinkKind {
    /// None: a bare IP packet, or a link header that failed its check.
    None,
    Ethernet,
    Sll,
    Sll2,
    Null,
    Loop,
    Ppp,
}

/// The link layer of a sliced frame, of whichever link type.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum LinkLayer<'a> {
    /// Ethernet and its VLAN tags.
    Ethernet(Link<'a>),
    /// A Linux cooked capture v1 header.
    Sll(sll::Header<&'a [u8]>),
    /// A Linux cooked capture v2 header.
    Sll2(sll2::Header<&'a [u8]>),
    /// A BSD loopback header of LINKTYPE_NULL: [`null::Header::family`] reads it.
    Null(null::Header<&'a [u8]>),
    /// A BSD loopback header of LINKTYPE_LOOP: [`null::Header::family_network_order`]
    /// reads it.
    Loop(null::Header<&'a [u8]>),
    /// A PPP header.
    Ppp(ppp::Header<&'a [u8]>),
}

impl LinkLayer<'_> {
    /// The `proto` name of the decode JSON: `"ethernet"`, `"sll"` (both versions),
    /// `"null"` (NULL and LOOP) or `"ppp"`.
    pub fn name(&self) -> &'static str {
        match self {
            LinkLayer::Ethernet(_) => "ethernet",
            LinkLayer::Sll(_) | LinkLayer::Sll2(_) => "sll",
            LinkLayer::Null(_) | LinkLayer::Loop(_) => "null",
            LinkLayer::Ppp(_) => "ppp",
        }
    }
}

impl<'a> Sliced<'a> {
    /// The link layer, if the frame has one and it checked out; a bare IP packet
    /// has none.
    pub fn link_layer(&self) -> Option<LinkLayer<'a>> {
        let header = self.frame.get(..self.link_end).unwrap_or_default();
        // Each view was checked over these bytes by the walk that set `self.link`.
        Some(match self.link {
            LinkKind::None => return None,
            LinkKind::Ethernet => return self.link().map(LinkLayer::Ethernet),
            LinkKind::Sll => LinkLayer::Sll(sll::Header::new_checked(header).ok()?),
            LinkKind::Sll2 => LinkLayer::Sll2(sll2::Header::new_checked(header).ok()?),
            LinkKind::Null => LinkLayer::Null(null::Header::new_checked(header).ok()?),
            LinkKind::Loop => LinkLayer::Loop(null::Header::new_checked(header).ok()?),
            LinkKind::Ppp => LinkLayer::Ppp(ppp::Header::new_checked(header).ok()?),
        })
    }

    /// Records a link header of `len` bytes; what follows starts as payload.
    fn link_header(&mut self, kind: LinkKind, len: usize) {
        self.link = kind;
        self.link_end = len;
        self.rest(len, self.frame.len());
    }

    /// The protocol of a cooked header is an EtherType, except on a netlink device.
    fn cooked_next(&mut self, hatype: u16, protocol: u16, offset: usize) -> Walk {
        if hatype == sll::HATYPE_NETLINK {
            return Ok(());
        }
        self.by_ethertype(EtherType(protocol), offset)
    }

    pub(super) fn sll(&mut self, frame: &'a [u8]) -> Walk {
        let h = sll::Header::new_checked(frame).map_err(|e| fail(LayerKind::Sll, 0, e))?;
        self.link_header(LinkKind::Sll, sll::HEADER_LEN);
        self.cooked_next(h.hatype(), h.protocol(), sll::HEADER_LEN)
    }

    pub(super) fn sll2(&mut self, frame: &'a [u8]) -> Walk {
        let h = sll2::Header::new_checked(frame).map_err(|e| fail(LayerKind::Sll, 0, e))?;
        self.link_header(LinkKind::Sll2, sll2::HEADER_LEN);
        self.cooked_next(h.hatype(), h.protocol(), sll2::HEADER_LEN)
    }

    /// LINKTYPE_NULL, or LINKTYPE_LOOP when `network_order`.
    pub(super) fn null(&mut self, frame: &'a [u8], network_order: bool) -> Walk {
        let h = null::Header::new_checked(frame).map_err(|e| fail(LayerKind::Null, 0, e))?;
        let (kind, family) = if network_order {
            (LinkKind::Loop, h.family_network_order())
        } else {
            (LinkKind::Null, h.family())
        };
        self.link_header(kind, null::HEADER_LEN);
        let rest = frame.get(null::HEADER_LEN..).unwrap_or_default();
        match null::is_ipv6(family) {
            Some(false) => self.ipv4(rest, null::HEADER_LEN),
            Some(true) => self.ipv6(rest, null::HEADER_LEN),
            None => Ok(()),
        }
    }

    pub(super) fn ppp(&mut self, frame: &'a [u8]) -> Walk {
        let h = ppp::Header::new_checked(frame).map_err(|e| fail(LayerKind::Ppp, 0, e))?;
        let at = h.header_len();
        self.link_header(LinkKind::Ppp, at);
        let rest = frame.get(at..).unwrap_or_default();
        match h.protocol() {
            ppp::PROTOCOL_IPV4 => self.ipv4(rest, at),
            ppp::PROTOCOL_IPV6 => self.ipv6(rest, at),
            _ => Ok(()),
        }
    }
}
