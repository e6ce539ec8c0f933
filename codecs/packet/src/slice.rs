//! One pass over a frame, layer by layer.

use wirestate_arp as arp;
use wirestate_ethernet::{self as ethernet, vlan, EtherType};
use wirestate_icmp::{icmpv4, icmpv6};
use wirestate_ip::{ipv4, ipv6};
use wirestate_tcp as tcp;
use wirestate_udp as udp;
use wirestate_wire::{Error, IpProtocol};

mod link;

use link::LinkKind;
pub use link::{LinkLayer, LinkType};

/// How many VLAN tags a frame may stack before slicing calls it malformed: QinQ
/// needs two; more than four is either a loop in a misconfigured network or an attack.
pub const MAX_VLAN_TAGS: usize = 4;

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
    /// A Linux cooked capture header, version 1 or 2.
    Sll,
    /// A BSD loopback header (LINKTYPE_NULL or LINKTYPE_LOOP).
    Null,
    /// A PPP header.
    Ppp,
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
            LayerKind::Sll => "sll",
            LayerKind::Null => "null",
            LayerKind::Ppp => "ppp",
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
    /// The tags' bytes, [`vlan::LEN`] each, outermost first.
    tag_bytes: &'a [u8],
    /// The EtherType after the last tag: what the link carries.
    pub ethertype: EtherType,
}

impl<'a> Link<'a> {
    /// The VLAN tags, outermost first. Each view covers its own four bytes only.
    pub fn tags(&self) -> impl Iterator<Item = vlan::Tag<&'a [u8]>> + 'a {
        self.tag_bytes.chunks_exact(vlan::LEN).map(vlan::Tag::new_unchecked)
    }

    /// How many VLAN tags the frame carries.
    pub fn tag_count(&self) -> usize {
        self.tag_bytes.len() / vlan::LEN
    }

    /// The TPID in front of each tag, outermost first: the Ethernet EtherType, then
    /// each tag's inner type but the last.
    pub fn tpids(&self) -> impl Iterator<Item = EtherType> + 'a {
        let first = self.frame.ethertype();
        core::iter::once(first).chain(self.tags().map(|t| t.ethertype())).take(self.tag_count())
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

/// Which network layer a frame carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NetKind {
    None,
    Arp,
    Ipv4,
    Ipv6,
}

/// Which transport layer a frame carries.
///
/// In the order of [`Transport`]'s variants, `None` last where `Option<Transport>`
/// keeps its niche: [`Sliced::transport`] then maps one to the other without a
/// jump table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TransportKind {
    Udp,
    Tcp,
    Icmpv4,
    Icmpv6,
    None,
}

/// The outcome of one step of the walk: on to the next layer, or this layer failed.
type Walk = core::result::Result<(), SliceError>;

/// A layer's failure, its offset moved to the frame's start. Cold: frames that fail
/// are rare, and keeping this out of line keeps the walk small.
#[cold]
#[inline(never)]
fn fail(layer: LayerKind, at: usize, error: Error) -> SliceError {
    SliceError { layer, error: error.at(at) }
}

/// A frame cut into its layers.
///
/// Slicing records where each layer starts and ends, after checking it; the
/// accessors ([`Sliced::link`], [`Sliced::net`], [`Sliced::transport`]) hand out
/// views over those proven ranges. Keeping the record small (a few words, not a
/// view per layer) is what lets slicing run at the speed of the bare checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sliced<'a> {
    frame: &'a [u8],
    link: LinkKind,
    link_end: usize,
    net: NetKind,
    net_start: usize,
    net_end: usize,
    upper: IpProtocol,
    transport: TransportKind,
    transport_start: usize,
    /// The transport layer's bytes, kept as a slice rather than an end offset so
    /// [`Sliced::transport`] hands out its view without a bounds check.
    transport_bytes: &'a [u8],
    payload_start: usize,
    payload_end: usize,
    /// The capture holds less than the wire did: lengths may point past the end.
    cut: bool,
    /// The network layer holds the first fragment of a datagram: its transport
    /// header is sliced, and the datagram goes on past the fragment's end.
    first_fragment: bool,
    /// The network layer holds a fragment other than the first: its data is payload.
    later_fragment: bool,
    /// The layer that failed, if one did; the layers before it are still there.
    pub error: Option<SliceError>,
}

impl<'a> Sliced<'a> {
    /// Slices `frame`. Never fails: a layer that does not check out is reported in
    /// [`Sliced::error`] and ends the walk.
    #[inline]
    pub fn new(link: LinkType, frame: &'a [u8]) -> Self {
        if link == LinkType::Ethernet {
            if let Some(s) = Sliced::common(frame) {
                return s;
            }
        }
        let w = Sliced::walked(link, frame);
        // Rebuilt field by field with every offset clamped to the frame (a no-op:
        // the walk keeps them inside it). A plain copy lets the compiler hand the
        // walk the caller's record to write into, and then the common path above
        // must store its record to memory too instead of keeping it in registers
        // (measured on the slice bench: about 3 ns of 7). Everything is taken from
        // `w`, `frame` included, so less of the caller's state lives across the call.
        let end = w.frame.len();
        Sliced {
            frame: w.frame,
            link: w.link,
            link_end: w.link_end.min(end),
            net: w.net,
            net_start: w.net_start.min(end),
            net_end: w.net_end.min(end),
            upper: w.upper,
            transport: w.transport,
            transport_start: w.transport_start.min(end),
            transport_bytes: w.transport_bytes,
            payload_start: w.payload_start.min(end),
            payload_end: w.payload_end.min(end),
            cut: w.cut,
            first_fragment: w.first_fragment,
            later_fragment: w.later_fragment,
            error: w.error,
        }
    }

    /// The general walk: every layer kind, tags, extension headers, fragments, and
    /// the error of the layer that fails. Out of line, so the common frame's path
    /// in [`Sliced::new`] stays a few dozen instructions with nothing to spill.
    #[inline(never)]
    pub(crate) fn walked(link: LinkType, frame: &'a [u8]) -> Self {
        let mut s = Sliced::new_unwalked(frame);
        s.walk(link);
        s
    }

    /// The frames that make up nearly all traffic, sliced in registers: untagged
    /// Ethernet carrying an unfragmented IPv4 packet, or an IPv6 packet without
    /// extension headers, with TCP or UDP inside. It checks exactly what the general
    /// walk checks (the codecs' `new_checked` rules, restated as bare comparisons)
    /// and yields the same record; any other frame, and any frame that breaks a
    /// rule, yields `None` and takes the general walk, which names the failure. The
    /// property test `common_path_agrees_with_the_walk` holds the two together.
    #[inline(always)]
    pub(crate) fn common(frame: &'a [u8]) -> Option<Self> {
        const ETH: usize = ethernet::HEADER_LEN;
        let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
        let ip = frame.get(ETH..)?;
        let (net, net_end, upper, at) = match EtherType(ethertype) {
            EtherType::IPV4 => {
                let h = ip.get(..ipv4::HEADER_LEN)?;
                let header_len = usize::from(h[0] & 0x0f) * 4;
                let total_len = usize::from(u16::from_be_bytes([h[2], h[3]]));
                let fragment = u16::from_be_bytes([h[6], h[7]]) & 0x3fff;
                // `|`, not `||`: each operand is a comparison that cannot fail, so
                // the compiler is free to merge the branches.
                if (h[0] >> 4 != 4)
                    | (header_len < ipv4::HEADER_LEN)
                    | (total_len < header_len)
                    | (total_len > ip.len())
                    | (fragment != 0)
                {
                    return None;
                }
                (NetKind::Ipv4, ETH + total_len, IpProtocol(h[9]), ETH + header_len)
            }
            EtherType::IPV6 => {
                let h = ip.get(..ipv6::HEADER_LEN)?;
                let payload_len = usize::from(u16::from_be_bytes([h[4], h[5]]));
                if (h[0] >> 4 != 6) | (ipv6::HEADER_LEN + payload_len > ip.len()) {
                    return None;
                }
                let net_end = ETH + ipv6::HEADER_LEN + payload_len;
                (NetKind::Ipv6, net_end, IpProtocol(h[6]), ETH + ipv6::HEADER_LEN)
            }
            _ => return None,
        };
        let upper_bytes = frame.get(at..net_end)?;
        let (transport, transport_end, payload_start) = match upper {
            IpProtocol::TCP => {
                let h = upper_bytes.get(..tcp::HEADER_LEN)?;
                let header_len = usize::from(h[12] >> 4) * 4;
                if (header_len < tcp::HEADER_LEN) | (header_len > upper_bytes.len()) {
                    return None;
                }
                (TransportKind::Tcp, net_end, at + header_len)
            }
            IpProtocol::UDP => {
                let h = upper_bytes.get(..udp::HEADER_LEN)?;
                let len = usize::from(u16::from_be_bytes([h[4], h[5]]));
                if (len < udp::HEADER_LEN) | (len > upper_bytes.len()) {
                    return None;
                }
                (TransportKind::Udp, at + len, at + udp::HEADER_LEN)
            }
            _ => return None,
        };
        Some(Sliced {
            frame,
            link: LinkKind::Ethernet,
            link_end: ETH,
            net,
            net_start: ETH,
            net_end,
            upper,
            transport,
            transport_start: at,
            transport_bytes: upper_bytes.get(..transport_end - at).unwrap_or_default(),
            payload_start,
            payload_end: transport_end,
            cut: false,
            first_fragment: false,
            later_fragment: false,
            error: None,
        })
    }

    /// Slices a captured frame that was `wire_len` bytes on the wire. When the capture
    /// holds less (a snap length), the IP and UDP length fields may point past its
    /// end: their headers are still checked and sliced, and the views cover what was
    /// captured (their checksums cannot be verified). A whole capture slices exactly as
    /// [`Sliced::new`] does.
    #[inline]
    pub fn new_captured(link: LinkType, frame: &'a [u8], wire_len: usize) -> Self {
        if frame.len() >= wire_len {
            return Sliced::new(link, frame);
        }
        let mut s = Sliced::new_unwalked(frame);
        s.cut = frame.len() < wire_len;
        s.walk(link);
        s
    }

    /// Whether the frame was captured short of its length on the wire.
    pub fn is_cut(&self) -> bool {
        self.cut
    }

    /// Whether the IP packet is the first fragment of a larger datagram (IPv4
    /// offset 0 with MF set, or an IPv6 fragment header with offset 0 and M set).
    /// Its transport header is sliced as far as the fragment holds it, as for a
    /// cut capture: the UDP length may point past the fragment, and no transport
    /// checksum can be verified (it covers the whole datagram). Later fragments
    /// carry no transport header and stay payload.
    pub fn is_first_fragment(&self) -> bool {
        self.first_fragment
    }

    /// Whether the IP packet is a fragment of a larger datagram, the first or a
    /// later one (an IPv6 atomic fragment, offset 0 without M, is whole and is not).
    /// A flag read: what IP reassembly checks on every frame.
    #[inline]
    pub fn is_fragment(&self) -> bool {
        self.first_fragment | self.later_fragment
    }

    /// Whether the transport layer's bytes may stop short of what its headers
    /// claim: a cut capture or a first fragment.
    fn partial(&self) -> bool {
        self.cut || self.first_fragment
    }

    fn new_unwalked(frame: &'a [u8]) -> Self {
        Sliced {
            frame,
            link: LinkKind::None,
            link_end: 0,
            net: NetKind::None,
            net_start: 0,
            net_end: 0,
            upper: IpProtocol(0),
            transport: TransportKind::None,
            transport_start: 0,
            transport_bytes: &[],
            payload_start: 0,
            payload_end: frame.len(),
            cut: false,
            first_fragment: false,
            later_fragment: false,
            error: None,
        }
    }

    #[inline(always)]
    fn walk(&mut self, link: LinkType) {
        let frame = self.frame;
        let walked = match link {
            LinkType::Ethernet => self.ethernet(frame),
            LinkType::Ip => match frame.first().map(|b| b >> 4) {
                Some(6) => self.ipv6(frame, 0),
                _ => self.ipv4(frame, 0),
            },
            LinkType::Ipv4 => self.ipv4(frame, 0),
            LinkType::Ipv6 => self.ipv6(frame, 0),
            LinkType::LinuxSll => self.sll(frame),
            LinkType::LinuxSll2 => self.sll2(frame),
            LinkType::Null => self.null(frame, false),
            LinkType::Loop => self.null(frame, true),
            LinkType::Ppp => self.ppp(frame),
        };
        if let Err(e) = walked {
            self.error = Some(e);
        }
    }

    fn range(&self, start: usize, end: usize) -> &'a [u8] {
        self.frame.get(start..end).unwrap_or_default()
    }

    /// The Ethernet header and VLAN tags (`None` for a link type other than
    /// [`LinkType::Ethernet`] or a frame too short for an Ethernet header); see
    /// [`Sliced::link_layer`] for every kind of link header.
    #[inline]
    pub fn link(&self) -> Option<Link<'a>> {
        if self.link != LinkKind::Ethernet {
            return None;
        }
        let frame = ethernet::Frame::new_unchecked(self.frame);
        let tag_bytes = self.range(ethernet::HEADER_LEN, self.link_end);
        let ethertype = match tag_bytes.len().checked_sub(2) {
            Some(at) => EtherType(u16::from_be_bytes([tag_bytes[at], tag_bytes[at + 1]])),
            None => frame.ethertype(),
        };
        Some(Link { frame, tag_bytes, ethertype })
    }

    /// The network layer, if one was sliced.
    #[inline]
    pub fn net(&self) -> Option<Net<'a>> {
        let bytes = self.range(self.net_start, self.net_end);
        match self.net {
            NetKind::None => None,
            NetKind::Arp => Some(Net::Arp(arp::Packet::new_unchecked(bytes))),
            NetKind::Ipv4 => Some(Net::Ipv4(ipv4::Packet::new_unchecked(bytes))),
            NetKind::Ipv6 => Some(Net::Ipv6 {
                packet: ipv6::Packet::new_unchecked(bytes),
                upper: self.upper,
                upper_offset: self
                    .payload_or_transport_start()
                    .saturating_sub(self.net_start + ipv6::HEADER_LEN),
            }),
        }
    }

    fn payload_or_transport_start(&self) -> usize {
        match self.transport {
            TransportKind::None => self.payload_start,
            _ => self.transport_start,
        }
    }

    /// The transport layer, if one was sliced.
    #[inline]
    pub fn transport(&self) -> Option<Transport<'a>> {
        let bytes = self.transport_bytes;
        match self.transport {
            TransportKind::None => None,
            TransportKind::Udp => Some(Transport::Udp(udp::Datagram::new_unchecked(bytes))),
            TransportKind::Tcp => Some(Transport::Tcp(tcp::Segment::new_unchecked(bytes))),
            TransportKind::Icmpv4 => Some(Transport::Icmpv4(icmpv4::Packet::new_unchecked(bytes))),
            TransportKind::Icmpv6 => Some(Transport::Icmpv6(icmpv6::Packet::new_unchecked(bytes))),
        }
    }

    /// What no sliced layer claims: the transport payload, or the payload of the last
    /// layer sliced (the data of a fragment, an unknown EtherType's payload, ...).
    /// Link padding after an IP packet or ARP body belongs to nobody and is not here.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        self.range(self.payload_start, self.payload_end)
    }

    /// Where [`Sliced::payload`] starts in the frame.
    pub fn payload_offset(&self) -> usize {
        self.payload_start
    }

    /// Where the network layer starts in the frame.
    pub fn net_offset(&self) -> usize {
        self.net_start
    }

    /// Where the transport layer starts in the frame.
    pub fn transport_offset(&self) -> usize {
        self.transport_start
    }

    #[inline(always)]
    fn rest(&mut self, start: usize, end: usize) {
        self.payload_start = start;
        self.payload_end = end;
    }

    #[inline(always)]
    fn ethernet(&mut self, frame: &'a [u8]) -> Walk {
        let eth = match ethernet::Frame::new_checked(frame) {
            Ok(f) => f,
            Err(e) => return Err(fail(LayerKind::Ethernet, 0, e)),
        };
        self.link = LinkKind::Ethernet;
        let mut ethertype = eth.ethertype();
        let mut offset = ethernet::HEADER_LEN;
        while ethertype.is_vlan_tag() {
            self.link_end = offset;
            self.rest(offset, frame.len());
            if offset == ethernet::HEADER_LEN + MAX_VLAN_TAGS * vlan::LEN {
                let rule = "more than 4 stacked VLAN tags";
                let e = Error::Malformed { field: "tpid", offset: 0, rule };
                return Err(fail(LayerKind::Vlan, offset, e));
            }
            match vlan::Tag::new_checked(frame.get(offset..).unwrap_or_default()) {
                Ok(t) => ethertype = t.ethertype(),
                Err(e) => return Err(fail(LayerKind::Vlan, offset, e)),
            }
            offset += vlan::LEN;
        }
        self.link_end = offset;
        self.rest(offset, frame.len());
        self.by_ethertype(ethertype, offset)
    }

    /// The layer an EtherType names, starting at `offset`; any other type is payload.
    #[inline(always)]
    fn by_ethertype(&mut self, ethertype: EtherType, offset: usize) -> Walk {
        let rest = self.frame.get(offset..).unwrap_or_default();
        match ethertype {
            EtherType::IPV4 => self.ipv4(rest, offset),
            EtherType::IPV6 => self.ipv6(rest, offset),
            EtherType::ARP => self.arp(rest, offset),
            _ => Ok(()),
        }
    }

    fn arp(&mut self, bytes: &'a [u8], offset: usize) -> Walk {
        let p = arp::Packet::new_checked(bytes).map_err(|e| fail(LayerKind::Arp, offset, e))?;
        self.net = NetKind::Arp;
        self.net_start = offset;
        self.net_end = offset + p.packet_len();
        // Link padding after the ARP body belongs to no layer.
        self.rest(self.net_end, self.net_end);
        Ok(())
    }

    #[inline(always)]
    fn ipv4(&mut self, bytes: &'a [u8], offset: usize) -> Walk {
        let checked = if self.cut {
            ipv4::Packet::new_checked_header(bytes).and_then(|p| {
                if usize::from(p.total_len()) < p.header_len() {
                    let rule = "RFC 791 §3.1: total length counts the header";
                    return Err(Error::malformed("total_len", 2, rule));
                }
                Ok(p)
            })
        } else {
            ipv4::Packet::new_checked(bytes)
        };
        let packet = match checked {
            Ok(p) => p,
            Err(e) => return Err(fail(LayerKind::Ipv4, offset, e)),
        };
        self.net = NetKind::Ipv4;
        self.net_start = offset;
        self.net_end = (offset + usize::from(packet.total_len())).min(self.frame.len());
        self.upper = packet.protocol();
        let at = offset + packet.header_len();
        self.rest(at, self.net_end);
        // A fragment carries the transport header only in its first piece, and even
        // then not the whole datagram: the first is sliced as a partial datagram,
        // the others stay payload.
        if packet.frag_offset() != 0 {
            self.later_fragment = true;
            return Ok(());
        }
        self.first_fragment = packet.more_frags();
        self.slice_transport(packet.protocol(), at, false)
    }

    #[inline(always)]
    fn ipv6(&mut self, bytes: &'a [u8], offset: usize) -> Walk {
        let checked = if self.cut {
            ipv6::Packet::new_checked_header(bytes)
        } else {
            ipv6::Packet::new_checked(bytes)
        };
        let packet = match checked {
            Ok(p) => p,
            Err(e) => return Err(fail(LayerKind::Ipv6, offset, e)),
        };
        self.net = NetKind::Ipv6;
        self.net_start = offset;
        let payload_at = offset + ipv6::HEADER_LEN;
        self.net_end = (payload_at + usize::from(packet.payload_len())).min(self.frame.len());
        self.rest(payload_at, self.net_end);
        let first = packet.next_header();
        self.upper = first;
        // Most packets carry no extension header: skip the walk for them.
        if !first.is_ipv6_extension() {
            return self.slice_transport(first, payload_at, true);
        }
        let mut walk = packet.ext_headers();
        let mut later_fragment = false;
        for ext in &mut walk {
            match ext {
                Ok(h) => {
                    if let Some(f) = h.as_fragment() {
                        later_fragment |= f.offset != 0;
                        // An atomic fragment (offset 0, no M; RFC 6946) is whole.
                        self.first_fragment |= f.offset == 0 && f.more;
                    }
                }
                // The walker's offsets count from the start of the IPv6 header.
                Err(e) => return Err(fail(LayerKind::Ipv6, offset, e)),
            }
        }
        self.upper = walk.upper_layer();
        let upper_at = payload_at + walk.upper_offset();
        self.rest(upper_at, self.net_end);
        if later_fragment {
            self.first_fragment = false;
            self.later_fragment = true;
            return Ok(());
        }
        self.slice_transport(self.upper, upper_at, true)
    }

    #[inline(always)]
    fn udp(&self, bytes: &'a [u8]) -> Result<udp::Datagram<&'a [u8]>, Error> {
        if self.partial() {
            udp::Datagram::new_checked_header(bytes)
        } else {
            udp::Datagram::new_checked(bytes)
        }
    }

    #[inline(always)]
    fn slice_transport(&mut self, protocol: IpProtocol, offset: usize, v6: bool) -> Walk {
        let bytes = self.range(offset, self.net_end);
        let mut end = self.net_end;
        let (kind, header_len) = match protocol {
            IpProtocol::TCP => match tcp::Segment::new_checked(bytes) {
                Ok(seg) => (TransportKind::Tcp, seg.header_len()),
                Err(e) => return Err(fail(LayerKind::Tcp, offset, e)),
            },
            IpProtocol::UDP => match self.udp(bytes) {
                Ok(d) => {
                    // Bytes after the UDP length field are not the datagram's.
                    end = (offset + usize::from(d.len())).min(end);
                    (TransportKind::Udp, udp::HEADER_LEN)
                }
                Err(e) => return Err(fail(LayerKind::Udp, offset, e)),
            },
            IpProtocol::ICMP if !v6 => match icmpv4::Packet::new_checked(bytes) {
                Ok(_) => (TransportKind::Icmpv4, bytes.len()),
                Err(e) => return Err(fail(LayerKind::Icmpv4, offset, e)),
            },
            IpProtocol::ICMPV6 if v6 => match icmpv6::Packet::new_checked(bytes) {
                Ok(_) => (TransportKind::Icmpv6, bytes.len()),
                Err(e) => return Err(fail(LayerKind::Icmpv6, offset, e)),
            },
            _ => return Ok(()),
        };
        self.transport = kind;
        self.transport_start = offset;
        self.transport_bytes = self.range(offset, end);
        self.rest(offset + header_len, end);
        Ok(())
    }
}
