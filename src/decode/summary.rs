//! One line per packet, in the spirit of tcpdump's.

use core::fmt::Write as _;

use wirestate_arp as arp;
use wirestate_packet::{Net, Sliced, Transport};

/// A one-line description of a sliced frame: addresses, ports, the innermost
/// protocol's key fields, and the error if a layer failed.
///
/// ```
/// use wirestate::decode::summary;
/// use wirestate_packet::{LinkType, Sliced};
/// let frame = [0u8; 10];
/// let line = summary(&Sliced::new(LinkType::Ethernet, &frame));
/// assert!(line.contains("malformed ethernet"));
/// ```
pub fn summary(s: &Sliced<'_>) -> String {
    let mut line = String::with_capacity(96);
    write_summary(&mut line, s);
    line
}

/// [`summary`] appended to `line`, so that a caller printing many frames reuses one
/// buffer.
pub fn write_summary(line: &mut String, s: &Sliced<'_>) {
    if let Some(link) = &s.link() {
        for tag in link.tags() {
            let _ = write!(line, "vlan {} ", tag.vid());
        }
    }
    match (&s.net(), &s.transport()) {
        (Some(Net::Arp(p)), _) => arp_line(line, p),
        (Some(net), Some(t)) => {
            transport_line(line, net, t);
            super::app::write_line(line, s);
        }
        (Some(Net::Ipv4(p)), None) => {
            let _ =
                write!(line, "IP {} > {}: proto {}", p.src_addr(), p.dst_addr(), p.protocol().0);
            if p.more_frags() || p.frag_offset() != 0 {
                let _ = write!(line, " fragment offset {}", p.frag_offset());
            }
        }
        (Some(Net::Ipv6 { packet, upper, .. }), None) => {
            let _ = write!(
                line,
                "IP6 {} > {}: next header {}",
                packet.src_addr(),
                packet.dst_addr(),
                upper.0
            );
        }
        (None, _) => line.push_str(&super::link::summary_line(s)),
    }
    // UDP and TCP already print their payload length.
    let plain = !matches!(s.transport(), Some(Transport::Udp(_) | Transport::Tcp(_)));
    if plain && !s.payload().is_empty() && s.error.is_none() {
        let _ = write!(line, ", payload {}", s.payload().len());
    }
    if let Some(e) = &s.error {
        let _ = write!(line, " [malformed {}: {}]", e.layer.name(), e.error);
    }
}

fn arp_line(line: &mut String, p: &arp::Packet<&[u8]>) {
    match arp::Repr::parse(p) {
        Ok(r) => match r.operation {
            arp::Operation::Request => {
                let _ = write!(
                    line,
                    "ARP who-has {} tell {}",
                    r.target_protocol_addr, r.sender_protocol_addr
                );
            }
            arp::Operation::Reply => {
                let _ =
                    write!(line, "ARP {} is-at {}", r.sender_protocol_addr, r.sender_hardware_addr);
            }
            arp::Operation::Unknown(op) => {
                let _ = write!(line, "ARP op {op}");
            }
        },
        Err(_) => {
            let _ =
                write!(line, "ARP htype {} ptype {:#06x}", p.hardware_type(), p.protocol_type());
        }
    }
}

fn transport_line(line: &mut String, net: &Net<'_>, t: &Transport<'_>) {
    let Some((src, dst)) = net.addrs() else { return };
    let ip = if src.is_ipv4() { "IP" } else { "IP6" };
    match t {
        Transport::Tcp(seg) => {
            let _ = write!(line, "{ip} {src}.{} > {dst}.{}: TCP [", seg.src_port(), seg.dst_port());
            for (i, name) in seg.flags().names().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                line.push_str(name);
            }
            let _ = write!(
                line,
                "] seq {} ack {} win {} len {}",
                seg.seq_number().0,
                seg.ack_number().0,
                seg.window_len(),
                seg.payload().len()
            );
        }
        Transport::Udp(d) => {
            let _ = write!(
                line,
                "{ip} {src}.{} > {dst}.{}: UDP len {}",
                d.src_port(),
                d.dst_port(),
                d.payload().len()
            );
        }
        Transport::Icmpv4(p) => {
            let t = p.msg_type();
            let name = t.name().unwrap_or("type");
            let _ = write!(line, "{ip} {src} > {dst}: ICMP {name} ({}/{})", t.0, p.code());
        }
        Transport::Icmpv6(p) => {
            let t = p.msg_type();
            let name = t.name().unwrap_or("type");
            let _ = write!(line, "{ip} {src} > {dst}: ICMP6 {name} ({}/{})", t.0, p.code());
        }
    }
}
