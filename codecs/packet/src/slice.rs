//! One pass over a frame, layer by layer.

use wirestate_arp as arp;
use wirestate_ethernet::{self as ethernet, vlan, EtherType};
use wirestate_icmp::{icmpv4, icmpv6};
use wirestate_ip::{ipv4, ipv6};
use wirestate_tcp as tcp;
use wirestate_udp as udp;
use wirestate_wire::{Error, IpProtocol};

/// How many VLAN tags a frame may stack before slicing calls it malformed: QinQ
/// needs two; more than four is either a loop in a misconfigured network or an attack.
pub const MAX_VLAN_TAGS: usize = 4;

/// What the first byte of a frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// An Ethernet II frame without FCS (pcap link type 1).
    Ethernet,
    /// A bare IPv4 or IPv6 packet, told apart by its version nibble (pcap link type 101).
    Ip,
}

/// The layers slicing knows, named as the decode JSON names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// Ethernet II.
    Ethernet,
    /// An 802.1Q / 802.1ad tag.
    Vlan,
    /// ARP.
    Arp,
    /// IPv4.
    Ipv4,
    /// IPv6 with its extension headers.
    Ipv6,
    /// ICMPv4.
    Icmpv4,
    /// ICMPv6.
    Icmpv6,
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
}

impl LayerKind {
    /// The `proto` name of the decode JSON (`"ethernet"`, `"ipv4"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Ethernet => "ethernet",
            LayerKind::Vlan => "vlan",
            LayerKind::Arp => "arp",
            LayerKind::Ipv4 => "ipv4",
            LayerKind::Ipv6 => "ipv6",
            LayerKind::Icmpv4 => "icmpv4",
            LayerKind::Icmpv6 => "icmpv6",
            LayerKind::Udp => "udp",
            LayerKind::Tcp => "tcp",
        }
    }
}

/// A layer that failed its check; the error's offset counts from the frame's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SliceError {
    /// The layer that failed.
    pub layer: LayerKind,
    /// Why, with the offset moved to the frame's start.
    pub error: Error,
}

/// The link layer: the Ethernet header and any VLAN tags after it.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    /// The Ethernet header (its payload starts with the first tag, if any).
    pub frame: ethernet::Frame<&'a [u8]>,
    /// The tags in wire order, outermost first; `tag_count` of them are `Some`.
    pub tags: [Option<vlan::Tag<&'a [u8]>>; MAX_VLAN_TAGS],
    /// How many tags there are.
    pub tag_count: usize,
    /// The EtherType after the last tag: what the link carries.
    pub ethertype: EtherType,
}

impl<'a> Link<'a> {
    /// The tags, outermost first.
    pub fn tags(&self) -> impl Iterator<Item = &vlan::Tag<&'a [u8]>> {
        self.tags.iter().flatten()
    }
}

/// The network layer.
#[derive(Debug, Clone, Copy)]
pub enum Net<'a> {
    /// An ARP packet (then there is no transport).
    Arp(arp::Packet<&'a [u8]>),
    /// An IPv4 packet.
    Ipv4(ipv4::Packet<&'a [u8]>),
    /// An IPv6 packet and where its extension headers lead.
    Ipv6 {
        /// The packet.
        packet: ipv6::Packet<&'a [u8]>,
        /// The protocol after the last extension header walked.
        upper: IpProtocol,
        /// Where that protocol starts within the IPv6 payload.
        upper_offset: usize,
    },
}

impl Net<'_> {
    /// Source and destination, for pseudo-header checksums; `None` for ARP.
    pub fn addrs(&self) -> Option<(core::net::IpAddr, core::net::IpAddr)> {
        match self {
            Net::Arp(_) => None,
            Net::Ipv4(p) => Some((p.src_addr().into(), p.dst_addr().into())),
            Net::Ipv6 { packet, .. } => Some((packet.src_addr().into(), packet.dst_addr().into())),
        }
    }
}

/// The transport layer (ICMP counts as one here: it is what IP carries).
#[derive(Debug, Clone, Copy)]
pub enum Transport<'a> {
    /// UDP.
    Udp(udp::Datagram<&'a [u8]>),
    /// TCP.
    Tcp(tcp::Segment<&'a [u8]>),
    /// ICMPv4.
    Icmpv4(icmpv4::Packet<&'a [u8]>),
    /// ICMPv6.
    Icmpv6(icmpv6::Packet<&'a [u8]>),
}

/// A frame cut into its layers. Fields are `None` past the last layer sliced.
#[derive(Debug, Clone, Copy)]
pub struct Sliced<'a> {
    /// Ethernet and VLAN tags (`None` for [`LinkType::Ip`]).
    pub link: Option<Link<'a>>,
    /// ARP, IPv4 or IPv6.
    pub net: Option<Net<'a>>,
    /// Where the network layer starts in the frame.
    pub net_offset: usize,
    /// UDP, TCP, ICMPv4 or ICMPv6.
    pub transport: Option<Transport<'a>>,
    /// Where the transport layer starts in the frame.
    pub transport_offset: usize,
    /// What no sliced layer claims: the transport payload, or the payload of the
    /// last layer that was sliced (for instance the data of a non-first fragment).
    pub payload: &'a [u8],
    /// Where `payload` starts in the frame.
    pub payload_offset: usize,
    /// The layer that failed, if one did.
    pub error: Option<SliceError>,
}

impl<'a> Sliced<'a> {
    /// Slices `frame`. Never fails: a layer that does not check out is reported in
    /// [`Sliced::error`] and ends the walk.
    #[inline]
    pub fn new(link: LinkType, frame: &'a [u8]) -> Self {
        let mut s = Sliced {
            link: None,
            net: None,
            net_offset: 0,
            transport: None,
            transport_offset: 0,
            payload: frame,
            payload_offset: 0,
            error: None,
        };
        match link {
            LinkType::Ethernet => s.ethernet(frame),
            LinkType::Ip => match frame.first().map(|b| b >> 4) {
                Some(6) => s.ipv6(frame, 0),
                _ => s.ipv4(frame, 0),
            },
        }
        s
    }

    fn fail(&mut self, layer: LayerKind, at: usize, error: Error) {
        self.error = Some(SliceError { layer, error: error.at(at) });
    }

    fn rest(&mut self, bytes: &'a [u8], offset: usize) {
        self.payload = bytes;
        self.payload_offset = offset;
    }

    #[inline]
    fn ethernet(&mut self, frame: &'a [u8]) {
        let eth = match ethernet::Frame::new_checked(frame) {
            Ok(f) => f,
            Err(e) => return self.fail(LayerKind::Ethernet, 0, e),
        };
        let mut link = Link {
            frame: eth,
            tags: [None; MAX_VLAN_TAGS],
            tag_count: 0,
            ethertype: eth.ethertype(),
        };
        let mut offset = ethernet::HEADER_LEN;
        let mut rest = eth.into_payload();
        while link.ethertype.is_vlan_tag() {
            if link.tag_count == MAX_VLAN_TAGS {
                self.link = Some(link);
                self.rest(rest, offset);
                let rule = "more than 4 stacked VLAN tags";
                return self.fail(
                    LayerKind::Vlan,
                    offset,
                    Error::Malformed { field: "tpid", offset: 0, rule },
                );
            }
            let tag = match vlan::Tag::new_checked(rest) {
                Ok(t) => t,
                Err(e) => {
                    self.link = Some(link);
                    self.rest(rest, offset);
                    return self.fail(LayerKind::Vlan, offset, e);
                }
            };
            link.tags[link.tag_count] = Some(tag);
            link.tag_count += 1;
            link.ethertype = tag.ethertype();
            offset += vlan::LEN;
            rest = tag.into_payload();
        }
        self.link = Some(link);
        self.rest(rest, offset);
        match link.ethertype {
            EtherType::IPV4 => self.ipv4(rest, offset),
            EtherType::IPV6 => self.ipv6(rest, offset),
            EtherType::ARP => self.arp(rest, offset),
            _ => {}
        }
    }

    fn arp(&mut self, bytes: &'a [u8], offset: usize) {
        match arp::Packet::new_checked(bytes) {
            Ok(p) => {
                self.net = Some(Net::Arp(p));
                self.net_offset = offset;
                // Link padding after the ARP body belongs to no layer.
                let used = p.packet_len();
                self.rest(bytes.get(used..).unwrap_or_default(), offset + used);
            }
            Err(e) => self.fail(LayerKind::Arp, offset, e),
        }
    }

    #[inline]
    fn ipv4(&mut self, bytes: &'a [u8], offset: usize) {
        let packet = match ipv4::Packet::new_checked(bytes) {
            Ok(p) => p,
            Err(e) => return self.fail(LayerKind::Ipv4, offset, e),
        };
        self.net = Some(Net::Ipv4(packet));
        self.net_offset = offset;
        let at = offset + packet.header_len();
        // The checked view proved header_len <= total_len <= bytes.len().
        let payload =
            bytes.get(packet.header_len()..usize::from(packet.total_len())).unwrap_or_default();
        self.rest(payload, at);
        // A fragment carries the transport header only in its first piece, and even
        // then not the whole datagram: leave it unsliced, as a payload.
        if packet.more_frags() || packet.frag_offset() != 0 {
            return;
        }
        self.transport(packet.protocol(), payload, at);
    }

    #[inline]
    fn ipv6(&mut self, bytes: &'a [u8], offset: usize) {
        let packet = match ipv6::Packet::new_checked(bytes) {
            Ok(p) => p,
            Err(e) => return self.fail(LayerKind::Ipv6, offset, e),
        };
        let payload_at = offset + ipv6::HEADER_LEN;
        let end = ipv6::HEADER_LEN + usize::from(packet.payload_len());
        let payload = bytes.get(ipv6::HEADER_LEN..end).unwrap_or_default();
        let mut walk = packet.ext_headers();
        let mut fragmented = false;
        for ext in &mut walk {
            match ext {
                Ok(h) => fragmented |= h.as_fragment().is_some(),
                Err(e) => {
                    self.net =
                        Some(Net::Ipv6 { packet, upper: packet.next_header(), upper_offset: 0 });
                    self.net_offset = offset;
                    self.rest(payload, payload_at);
                    // The walker's offsets count from the start of the IPv6 header.
                    return self.fail(LayerKind::Ipv6, offset, e);
                }
            }
        }
        let (upper, upper_offset) = (walk.upper_layer(), walk.upper_offset());
        self.net = Some(Net::Ipv6 { packet, upper, upper_offset });
        self.net_offset = offset;
        let rest = payload.get(upper_offset..).unwrap_or_default();
        self.rest(rest, payload_at + upper_offset);
        if !fragmented {
            self.transport(upper, rest, payload_at + upper_offset);
        }
    }

    #[inline]
    fn transport(&mut self, protocol: IpProtocol, bytes: &'a [u8], offset: usize) {
        let v6 = matches!(self.net, Some(Net::Ipv6 { .. }));
        match protocol {
            IpProtocol::TCP => match tcp::Segment::new_checked(bytes) {
                Ok(seg) => {
                    self.transport = Some(Transport::Tcp(seg));
                    self.transport_offset = offset;
                    let data = bytes.get(seg.header_len()..).unwrap_or_default();
                    self.rest(data, offset + seg.header_len());
                }
                Err(e) => self.fail(LayerKind::Tcp, offset, e),
            },
            IpProtocol::UDP => match udp::Datagram::new_checked(bytes) {
                Ok(d) => {
                    self.transport = Some(Transport::Udp(d));
                    self.transport_offset = offset;
                    self.rest(d.into_payload(), offset + udp::HEADER_LEN);
                }
                Err(e) => self.fail(LayerKind::Udp, offset, e),
            },
            IpProtocol::ICMP if !v6 => match icmpv4::Packet::new_checked(bytes) {
                Ok(p) => {
                    self.transport = Some(Transport::Icmpv4(p));
                    self.transport_offset = offset;
                    self.rest(&[], offset + bytes.len());
                }
                Err(e) => self.fail(LayerKind::Icmpv4, offset, e),
            },
            IpProtocol::ICMPV6 if v6 => match icmpv6::Packet::new_checked(bytes) {
                Ok(p) => {
                    self.transport = Some(Transport::Icmpv6(p));
                    self.transport_offset = offset;
                    self.rest(&[], offset + bytes.len());
                }
                Err(e) => self.fail(LayerKind::Icmpv6, offset, e),
            },
            _ => {}
        }
    }
}
