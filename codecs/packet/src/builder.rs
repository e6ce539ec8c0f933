//! Stacking reprs into one frame, with every length and checksum filled in.

use core::net::IpAddr;

use wirestate_arp as arp;
use wirestate_ethernet::{self as ethernet, vlan, EtherType};
use wirestate_icmp::{icmpv4, icmpv6};
use wirestate_ip::{ipv4, ipv6};
use wirestate_tcp as tcp;
use wirestate_udp as udp;
use wirestate_wire::{Error, IpProtocol, MacAddr, Result};

/// The network layer of a frame to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetRepr<'a> {
    /// An ARP packet: no transport and no payload may follow.
    Arp(arp::Repr),
    /// An IPv4 header; its `protocol` and `payload_len` are filled by the builder when
    /// a transport is given (`payload_len` always).
    Ipv4(ipv4::Repr<'a>),
    /// An IPv6 header (no extension headers); `next_header` and `payload_len` are filled.
    Ipv6(ipv6::Repr),
}

/// An IPv6 extension header to build (RFC 8200 §4); its next-header field is filled.
///
/// Routing headers and AH are not built: they carry state (segments, keys) that a
/// builder has no business inventing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Ipv6Ext<'a> {
    /// Hop-by-hop options (RFC 8200 §4.3), padded to a multiple of 8.
    HopByHop(ipv6::OptionsRepr<'a>),
    /// Destination options (RFC 8200 §4.6), padded to a multiple of 8.
    DestinationOptions(ipv6::OptionsRepr<'a>),
    /// A fragment header (RFC 8200 §4.5).
    Fragment(ipv6::FragmentRepr),
}

impl Ipv6Ext<'_> {
    /// The protocol number that announces this header.
    pub fn kind(&self) -> IpProtocol {
        match self {
            Ipv6Ext::HopByHop(_) => IpProtocol::HOP_BY_HOP,
            Ipv6Ext::DestinationOptions(_) => IpProtocol::IPV6_OPTS,
            Ipv6Ext::Fragment(_) => IpProtocol::IPV6_FRAG,
        }
    }

    /// The header's length in bytes.
    pub fn buffer_len(&self) -> usize {
        match self {
            Ipv6Ext::HopByHop(o) | Ipv6Ext::DestinationOptions(o) => o.buffer_len(),
            Ipv6Ext::Fragment(f) => f.buffer_len(),
        }
    }

    fn emit(&self, next_header: IpProtocol, buf: &mut [u8]) {
        match *self {
            Ipv6Ext::HopByHop(mut o) | Ipv6Ext::DestinationOptions(mut o) => {
                o.next_header = next_header;
                o.emit(buf);
            }
            Ipv6Ext::Fragment(mut f) => {
                f.next_header = next_header;
                f.emit(buf);
            }
        }
    }
}

/// The transport layer of a frame to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportRepr<'a> {
    /// A UDP header over the builder's payload.
    Udp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
    },
    /// A TCP header; its `payload` is replaced by the builder's payload.
    Tcp(tcp::Repr<'a>),
    /// An ICMPv4 message (it carries its own data: the builder's payload must be empty).
    Icmpv4(icmpv4::Repr<'a>),
    /// An ICMPv6 message (likewise).
    Icmpv6(icmpv6::Repr<'a>),
}

/// A frame described layer by layer, emitted in one pass with EtherTypes, protocol
/// numbers, lengths and checksums filled in.
///
/// ```
/// use core::net::Ipv4Addr;
/// use wirestate_packet::{Builder, LinkType, NetRepr, Sliced, Transport, TransportRepr};
/// use wirestate_ip::ipv4;
/// use wirestate_wire::{IpProtocol, MacAddr};
///
/// let ip = ipv4::Repr::new(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1), IpProtocol::UDP, 0);
/// let b = Builder::new(NetRepr::Ipv4(ip))
///     .ethernet(MacAddr([2, 0, 0, 0, 0, 2]), MacAddr([2, 0, 0, 0, 0, 1]))
///     .transport(TransportRepr::Udp { src_port: 5353, dst_port: 53 })
///     .payload(b"hello");
/// let mut buf = [0u8; 64];
/// let n = b.emit(&mut buf).unwrap();
/// assert_eq!(n, 14 + 20 + 8 + 5);
/// let s = Sliced::new(LinkType::Ethernet, &buf[..n]);
/// let Some(Transport::Udp(udp)) = s.transport() else { panic!() };
/// assert!(udp.verify_checksum(Ipv4Addr::new(10, 0, 0, 2).into(), Ipv4Addr::new(10, 0, 0, 1).into()));
///
/// // Too small a buffer is an error, not a panic.
/// assert!(b.emit(&mut [0u8; 20]).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builder<'a> {
    /// The Ethernet header (`None` builds a bare IP packet). Its EtherType is filled.
    pub ethernet: Option<ethernet::Repr>,
    /// VLAN tags, outermost first. Outer tags get TPID 0x88a8 (802.1ad), the innermost
    /// 0x8100; each tag's inner EtherType is filled.
    pub tags: &'a [vlan::Repr],
    /// The network layer.
    pub net: NetRepr<'a>,
    /// IPv6 extension headers after the IPv6 header, in order (ignored for IPv4 and
    /// ARP). Hop-by-hop must come first (RFC 8200 §4.1).
    pub ipv6_ext: &'a [Ipv6Ext<'a>],
    /// The transport layer, if any.
    pub transport: Option<TransportRepr<'a>>,
    /// The bytes after the last header.
    pub payload: &'a [u8],
}

fn too_long(field: &'static str) -> Error {
    Error::Malformed { field, offset: 0, rule: "the layers above do not fit in this length field" }
}

impl<'a> Builder<'a> {
    /// A bare network-layer packet with no transport and no payload.
    pub fn new(net: NetRepr<'a>) -> Self {
        Builder { ethernet: None, tags: &[], net, ipv6_ext: &[], transport: None, payload: &[] }
    }

    /// Puts an Ethernet header in front.
    #[must_use]
    pub fn ethernet(mut self, src: MacAddr, dst: MacAddr) -> Self {
        self.ethernet = Some(ethernet::Repr { src, dst, ethertype: EtherType(0) });
        self
    }

    /// Adds VLAN tags after the Ethernet header.
    #[must_use]
    pub fn tags(mut self, tags: &'a [vlan::Repr]) -> Self {
        self.tags = tags;
        self
    }

    /// Adds IPv6 extension headers.
    #[must_use]
    pub fn ipv6_ext(mut self, ext: &'a [Ipv6Ext<'a>]) -> Self {
        self.ipv6_ext = ext;
        self
    }

    /// Sets the transport layer.
    #[must_use]
    pub fn transport(mut self, t: TransportRepr<'a>) -> Self {
        self.transport = Some(t);
        self
    }

    /// Sets the payload.
    #[must_use]
    #[inline]
    pub fn payload(mut self, payload: &'a [u8]) -> Self {
        self.payload = payload;
        self
    }

    fn link_len(&self) -> Result<usize> {
        match (self.ethernet, self.tags.len()) {
            (None, 0) => Ok(0),
            (None, _) => Err(Error::malformed("tags", 0, "VLAN tags need an Ethernet header")),
            (Some(_), n) => Ok(ethernet::HEADER_LEN + n * vlan::LEN),
        }
    }

    fn transport_len(&self) -> Result<usize> {
        let icmp_payload = || Error::Malformed {
            field: "payload",
            offset: 0,
            rule: "an ICMP message carries its data in its repr",
        };
        Ok(match &self.transport {
            None => self.payload.len(),
            Some(TransportRepr::Udp { .. }) => udp::HEADER_LEN + self.payload.len(),
            Some(TransportRepr::Tcp(t)) => t.header_len() + self.payload.len(),
            Some(TransportRepr::Icmpv4(r)) if self.payload.is_empty() => r.buffer_len(),
            Some(TransportRepr::Icmpv6(r)) if self.payload.is_empty() => r.buffer_len(),
            Some(_) => return Err(icmp_payload()),
        })
    }

    #[inline]
    fn protocol(&self) -> Option<IpProtocol> {
        self.transport.map(|t| match t {
            TransportRepr::Udp { .. } => IpProtocol::UDP,
            TransportRepr::Tcp(_) => IpProtocol::TCP,
            TransportRepr::Icmpv4(_) => IpProtocol::ICMP,
            TransportRepr::Icmpv6(_) => IpProtocol::ICMPV6,
        })
    }

    /// The network repr with the builder's fills applied, and its header length.
    fn filled_net(&self, transport_len: usize) -> Result<(NetRepr<'a>, usize)> {
        match self.net {
            NetRepr::Arp(a) => {
                if self.transport.is_some() || !self.payload.is_empty() {
                    let rule = "nothing follows an ARP packet";
                    return Err(Error::malformed("transport", 0, rule));
                }
                Ok((NetRepr::Arp(a), arp::ETHERNET_IPV4_LEN))
            }
            NetRepr::Ipv4(mut r) => {
                r.protocol = self.protocol().unwrap_or(r.protocol);
                let header = r.buffer_len();
                if header + transport_len > usize::from(u16::MAX) {
                    return Err(too_long("total_len"));
                }
                r.payload_len = transport_len as u16;
                Ok((NetRepr::Ipv4(r), header))
            }
            NetRepr::Ipv6(mut r) => {
                let upper = self.protocol().unwrap_or(r.next_header);
                r.next_header = self.ipv6_ext.first().map_or(upper, Ipv6Ext::kind);
                if self.ipv6_ext.iter().skip(1).any(|e| matches!(e, Ipv6Ext::HopByHop(_))) {
                    let rule = "RFC 8200 §4.1: hop-by-hop options come right after the IPv6 header";
                    return Err(Error::malformed("ipv6_ext", 0, rule));
                }
                let ext_len: usize = self.ipv6_ext.iter().map(Ipv6Ext::buffer_len).sum();
                r.payload_len =
                    u16::try_from(ext_len + transport_len).map_err(|_| too_long("payload_len"))?;
                Ok((NetRepr::Ipv6(r), ipv6::HEADER_LEN + ext_len))
            }
        }
    }

    /// The number of bytes [`Builder::emit`] writes, or why the layers do not fit
    /// together (VLAN tags without Ethernet, data after ARP, a length overflow).
    pub fn buffer_len(&self) -> Result<usize> {
        let t = self.transport_len()?;
        let (_, net_header) = self.filled_net(t)?;
        Ok(self.link_len()? + net_header + t)
    }

    /// Writes the frame at the start of `buf` and returns its length.
    ///
    /// Fails when `buf` is too short ([`Error::Truncated`] naming `"buffer"`), when
    /// the layers do not fit together, or when an ICMPv6 message is put over IPv4.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let transport_len = self.transport_len()?;
        let (net, net_header) = self.filled_net(transport_len)?;
        let link_len = self.link_len()?;
        let total = link_len + net_header + transport_len;
        if buf.len() < total {
            return Err(Error::truncated("buffer", 0, total, buf.len()));
        }
        let net_type = match net {
            NetRepr::Arp(_) => EtherType::ARP,
            NetRepr::Ipv4(_) => EtherType::IPV4,
            NetRepr::Ipv6(_) => EtherType::IPV6,
        };
        if let Some(mut eth) = self.ethernet {
            eth.ethertype = self.tpid(0).unwrap_or(net_type);
            eth.emit(&mut ethernet::Frame::new_unchecked(&mut buf[..ethernet::HEADER_LEN]));
            for (i, tag) in self.tags.iter().enumerate() {
                let at = ethernet::HEADER_LEN + i * vlan::LEN;
                let mut t = *tag;
                t.ethertype = self.tpid(i + 1).unwrap_or(net_type);
                t.emit(&mut vlan::Tag::new_unchecked(&mut buf[at..at + vlan::LEN]));
            }
        }
        let net_buf = &mut buf[link_len..total];
        let addrs = match net {
            NetRepr::Arp(a) => {
                a.emit(&mut arp::Packet::new_unchecked(&mut net_buf[..]));
                return Ok(total);
            }
            NetRepr::Ipv4(r) => {
                r.emit(&mut ipv4::Packet::new_unchecked(&mut net_buf[..]));
                (IpAddr::V4(r.src_addr), IpAddr::V4(r.dst_addr))
            }
            NetRepr::Ipv6(r) => {
                r.emit(&mut ipv6::Packet::new_unchecked(&mut net_buf[..]));
                self.emit_ipv6_ext(&mut net_buf[ipv6::HEADER_LEN..net_header]);
                (IpAddr::V6(r.src_addr), IpAddr::V6(r.dst_addr))
            }
        };
        self.emit_transport(&mut net_buf[net_header..], addrs)?;
        Ok(total)
    }

    /// Writes the extension headers, each naming the next (the last names the upper
    /// layer: the transport's protocol, or the IPv6 repr's own next header).
    fn emit_ipv6_ext(&self, buf: &mut [u8]) {
        let upper = match self.net {
            NetRepr::Ipv6(r) => self.protocol().unwrap_or(r.next_header),
            _ => return,
        };
        let mut at = 0;
        for (i, ext) in self.ipv6_ext.iter().enumerate() {
            let next = self.ipv6_ext.get(i + 1).map_or(upper, Ipv6Ext::kind);
            let len = ext.buffer_len();
            ext.emit(next, &mut buf[at..at + len]);
            at += len;
        }
    }

    /// The TPID in front of tag `i` (`i == tags.len()` is past the last tag: `None`).
    fn tpid(&self, i: usize) -> Option<EtherType> {
        if i >= self.tags.len() {
            None
        } else if i + 1 == self.tags.len() {
            Some(EtherType::VLAN)
        } else {
            Some(EtherType::QINQ)
        }
    }

    fn emit_transport(&self, buf: &mut [u8], (src, dst): (IpAddr, IpAddr)) -> Result<()> {
        match self.transport {
            None => buf.copy_from_slice(self.payload),
            Some(TransportRepr::Udp { src_port, dst_port }) => {
                let payload_len = buf.len() - udp::HEADER_LEN;
                let payload_len = u16::try_from(payload_len).map_err(|_| too_long("length"))?;
                let mut d = udp::Datagram::new_unchecked(&mut buf[..]);
                udp::Repr { src_port, dst_port, payload_len }.emit_header(&mut d);
                d.payload_mut().copy_from_slice(self.payload);
                d.fill_checksum(src, dst);
            }
            Some(TransportRepr::Tcp(mut t)) => {
                t.payload = self.payload;
                t.emit(&mut tcp::Segment::new_unchecked(&mut buf[..]), src, dst);
            }
            Some(TransportRepr::Icmpv4(r)) => {
                r.emit(&mut icmpv4::Packet::new_unchecked(&mut buf[..]))
            }
            Some(TransportRepr::Icmpv6(r)) => {
                let (IpAddr::V6(s), IpAddr::V6(d)) = (src, dst) else {
                    let rule = "ICMPv6 needs an IPv6 header for its pseudo-header";
                    return Err(Error::malformed("transport", 0, rule));
                };
                r.emit(s, d, &mut icmpv6::Packet::new_unchecked(&mut buf[..]));
            }
        }
        Ok(())
    }

    /// The frame in a new vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> Result<alloc::vec::Vec<u8>> {
        let mut v = alloc::vec![0u8; self.buffer_len()?];
        self.emit(&mut v)?;
        Ok(v)
    }
}
