//! One line per packet, as `tcpdump -nn` prints it at its default verbosity.

use core::fmt::Write as _;
use core::net::IpAddr;

use wirestate_arp as arp;
use wirestate_ip::{ipv4, ipv6};
use wirestate_packet::{LinkLayer, Net, Sliced, Transport};

use super::text_tcp::TcpBase;
use super::{text_icmp, text_tcp};

/// What a frame's line takes from outside the frame itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineContext {
    /// The frame's length on the wire: ARP and unknown link payloads print the
    /// length after the link header, as tcpdump does. `None` takes the length
    /// the frame's own headers give.
    pub wire_len: Option<usize>,
    /// What the TCP numbers are printed less (from [`TcpSeqs`](super::TcpSeqs));
    /// the default prints them whole.
    pub tcp: TcpBase,
}

/// A frame's line, as `tcpdump -nn` prints it after its time column (DHCP aside,
/// which says what the exchange is about: `DHCP ACK 10.0.0.5 xid 0x1 server
/// 10.0.0.1 lease 3600s`). TCP numbers are printed whole: a capture's lines take
/// them relative to their connection through [`write_summary_with`].
///
/// ```
/// use wirestate::decode::summary;
/// use wirestate_packet::{LinkType, Sliced};
/// // An ICMP echo request in a bare IPv4 packet.
/// let mut packet = vec![0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
/// packet.extend_from_slice(&[8, 0, 0xf7, 0xfd, 0, 1, 0, 1]);
/// let line = summary(&Sliced::new(LinkType::Ip, &packet));
/// assert_eq!(line, "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 8");
/// // A frame too short for Ethernet: the error, where the layer failed.
/// let line = summary(&Sliced::new(LinkType::Ethernet, &[0u8; 10]));
/// assert!(line.contains("[malformed ethernet"));
/// ```
pub fn summary(s: &Sliced<'_>) -> String {
    let mut line = String::with_capacity(96);
    write_summary(&mut line, s);
    line
}

/// [`summary`] appended to `line`, so that a caller printing many frames reuses one
/// buffer.
pub fn write_summary(line: &mut String, s: &Sliced<'_>) {
    write_summary_with(line, s, &LineContext::default());
}

/// [`write_summary`] with what the line takes from outside the frame: its length
/// on the wire and its TCP connection's first numbers.
pub fn write_summary_with(line: &mut String, s: &Sliced<'_>, cx: &LineContext) {
    if let Some(LinkLayer::Sll2(h)) = s.link_layer() {
        // tcpdump names the interface as the reading host does (which need not be
        // the capturing one); its index is what the capture holds.
        let dir = match h.pkttype() {
            0 => "In",
            1 => "B",
            2 => "M",
            3 => "P",
            4 => "Out",
            _ => "?",
        };
        let _ = write!(line, "{:<5} {dir:<3} ", h.ifindex());
    }
    let noted = match &s.net() {
        Some(Net::Arp(p)) => {
            let len = cx.wire_len.map_or(p.as_ref().len(), |w| w.saturating_sub(s.net_offset()));
            arp_line(line, p, len);
            false
        }
        Some(Net::Ipv4(p)) => {
            line.push_str("IP ");
            ipv4_line(line, s, p, cx)
        }
        Some(Net::Ipv6 { packet, .. }) => {
            line.push_str("IP6 ");
            ipv6_line(line, s, packet, cx)
        }
        None => {
            super::link::summary_line(line, s, cx.wire_len);
            false
        }
    };
    if let (Some(e), false) = (&s.error, noted) {
        let _ = write!(line, " [malformed {}: {}]", e.layer.name(), e.error);
    }
}

/// `Request who-has 10.0.0.2 tell 10.0.0.1, length 28` after `ARP, `; `len` is
/// what follows the link header.
fn arp_line(line: &mut String, p: &arp::Packet<&[u8]>, len: usize) {
    line.push_str("ARP, ");
    let ipv4 = p.protocol_type() == 0x0800 && p.protocol_len() == 4 && p.hardware_len() != 0;
    let repr = if ipv4 { arp::Repr::parse(p).ok() } else { None };
    match repr {
        Some(r) => match r.operation {
            arp::Operation::Request => {
                let _ = write!(line, "Request who-has {}", r.target_protocol_addr);
                if p.target_hardware_addr().iter().any(|&b| b != 0) {
                    let _ = write!(line, " ({})", r.target_hardware_addr);
                }
                let _ = write!(line, " tell {}", r.sender_protocol_addr);
            }
            arp::Operation::Reply => {
                let _ = write!(
                    line,
                    "Reply {} is-at {}",
                    r.sender_protocol_addr, r.sender_hardware_addr
                );
            }
            arp::Operation::Unknown(op) => {
                let _ = write!(line, "Unknown ({op}) ");
            }
        },
        None => {
            let hw = match p.hardware_type() {
                1 => "Ethernet (len 6)".to_string(),
                t => format!("Unknown Hardware ({t}) (len {})", p.hardware_len()),
            };
            let pro = match p.protocol_type() {
                0x0800 => "IPv4".to_string(),
                t => format!("Unknown Protocol (0x{t:04x})"),
            };
            let _ = write!(line, "{hw}, {pro} (len {})", p.protocol_len());
        }
    }
    let _ = write!(line, ", length {len}");
}

/// The line after `IP `; true when it already shows the frame's error.
fn ipv4_line(line: &mut String, s: &Sliced<'_>, p: &ipv4::Packet<&[u8]>, cx: &LineContext) -> bool {
    let (src, dst) = (p.src_addr(), p.dst_addr());
    let len = usize::from(p.total_len()).saturating_sub(p.header_len());
    let proto = p.protocol().0;
    if p.frag_offset() != 0 {
        // A later fragment: no transport header to read.
        let _ = write!(line, "{src} > {dst}: ip-proto-{proto}");
        return false;
    }
    let addrs = |line: &mut String| {
        let _ = write!(line, "{src} > {dst}: ");
    };
    upper_line(line, s, cx, proto, len, addrs, true)
}

/// What follows the IP header: TCP and UDP with their ports after the addresses,
/// ICMP after them, anything else as `ip-proto-N LEN`. `addrs` writes `SRC > DST: `;
/// `ports_take_addrs` says TCP and UDP follow the IP header straight (else tcpdump
/// has written the addresses before the extension headers, and the ports stand alone).
fn upper_line(
    line: &mut String,
    s: &Sliced<'_>,
    cx: &LineContext,
    proto: u8,
    len: usize,
    addrs: impl Fn(&mut String),
    ports_take_addrs: bool,
) -> bool {
    let ip_addrs = s.net().and_then(|n| n.addrs());
    let ported = |line: &mut String, sport: u16, dport: u16| match (ports_take_addrs, ip_addrs) {
        (true, Some((src, dst))) => {
            push_addr(line, src);
            text_tcp::push_num(line, ".", sport);
            line.push_str(" > ");
            push_addr(line, dst);
            text_tcp::push_num(line, ".", dport);
            line.push_str(": ");
        }
        _ => {
            text_tcp::push_num(line, "", sport);
            text_tcp::push_num(line, " > ", dport);
            line.push_str(": ");
        }
    };
    match s.transport() {
        Some(Transport::Tcp(seg)) => {
            ported(line, seg.src_port(), seg.dst_port());
            let len = len.saturating_sub(seg.header_len());
            if text_tcp::write_tcp(line, &seg, len, cx.tcp) && len > 0 {
                return super::app::tcp_line(line, s);
            }
            false
        }
        Some(Transport::Udp(d)) => {
            ported(line, d.src_port(), d.dst_port());
            // The first fragment of a datagram: the header's length, as tcpdump
            // prints it (the rest is in later fragments).
            let len = if s.is_first_fragment() {
                usize::from(d.len()).saturating_sub(8)
            } else {
                usize::from(d.len()).min(len).saturating_sub(8)
            };
            super::app::udp_line(line, s, len)
        }
        Some(Transport::Icmpv4(p)) => {
            addrs(line);
            text_icmp::write_icmpv4(line, p.into_inner(), len);
            false
        }
        Some(Transport::Icmpv6(p)) => {
            addrs(line);
            text_icmp::write_icmpv6(line, p.into_inner(), len);
            false
        }
        None => {
            if ports_take_addrs {
                addrs(line);
            }
            if proto == 59 {
                line.push_str("no next header");
            } else {
                let _ = write!(line, " ip-proto-{proto} {len}");
            }
            false
        }
    }
}

/// An address as tcpdump -nn prints it; IPv4's octets through itoa.
fn push_addr(line: &mut String, addr: IpAddr) {
    match addr {
        IpAddr::V4(a) => {
            for (i, octet) in a.octets().into_iter().enumerate() {
                text_tcp::push_num(line, if i == 0 { "" } else { "." }, octet);
            }
        }
        IpAddr::V6(a) => {
            let _ = write!(line, "{a}");
        }
    }
}

/// The line after `IP6 `: the addresses, then each extension header as tcpdump
/// names it (`HBH `, `DSTOPT `, `frag (0|1448) `), then the upper layer.
fn ipv6_line(line: &mut String, s: &Sliced<'_>, p: &ipv6::Packet<&[u8]>, cx: &LineContext) -> bool {
    let (src, dst) = (p.src_addr(), p.dst_addr());
    let first = p.next_header().0;
    let addrs = |line: &mut String| {
        let _ = write!(line, "{src} > {dst}: ");
    };
    let payload_len = usize::from(p.payload_len());
    if first == 6 || first == 17 {
        return upper_line(line, s, cx, first, payload_len, addrs, true);
    }
    addrs(line);
    let ext = p.into_inner().get(40..).unwrap_or_default();
    let mut next = first;
    let mut at = 0usize;
    // At most as many headers as the walk in the slicer takes.
    for _ in 0..16 {
        match next {
            0 | 60 => {
                line.push_str(if next == 0 { "HBH " } else { "DSTOPT " });
            }
            43 => {
                let (Some(&len), Some(&kind), Some(&left)) =
                    (ext.get(at + 1), ext.get(at + 2), ext.get(at + 3))
                else {
                    break;
                };
                let _ = write!(line, "srcrt (len={len}, type={kind}, segleft={left}");
                if kind == 0 || kind == 2 {
                    let mut addr = at + 8;
                    let mut i = 0;
                    while addr + 16 <= at + (usize::from(len) + 1) * 8 {
                        let Some(a) = ext.get(addr..addr + 16) else { break };
                        let a: [u8; 16] = a.try_into().unwrap_or([0; 16]);
                        let _ = write!(line, ", [{i}]{}", core::net::Ipv6Addr::from(a));
                        addr += 16;
                        i += 1;
                    }
                }
                line.push_str(") ");
            }
            44 => {
                let Some(off) = ext.get(at + 2..at + 4) else { break };
                let offset = u16::from_be_bytes([off[0], off[1]]) & 0xfff8;
                let rest = payload_len.saturating_sub(at + 8);
                let _ = write!(line, "frag ({offset}|{rest})");
                if offset != 0 {
                    return false;
                }
                line.push(' ');
            }
            _ => {
                let len = payload_len.saturating_sub(at);
                return upper_line(line, s, cx, next, len, |_| {}, false);
            }
        }
        let (Some(&nh), Some(&hlen)) = (ext.get(at), ext.get(at + 1)) else { break };
        at += if next == 44 { 8 } else { (usize::from(hlen) + 1) * 8 };
        next = nh;
    }
    false
}
