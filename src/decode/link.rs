//! Link layers: Ethernet and VLAN tags, Linux cooked capture, BSD loopback, PPP.

use serde_json::Value;
use wirestate_ethernet::{self as ethernet, vlan, EtherType};
use wirestate_packet::{null, ppp, sll, sll2, Link, LinkLayer, Sliced};
use wirestate_wire::Error;

use super::{layer, Obj};

fn ethertype_fields(o: &mut Obj, t: EtherType) {
    o.insert("ethertype", t.0.into());
    if let Some(name) = t.name() {
        o.insert("ethertype_name", name.into());
    }
}

fn ethernet_obj<T: AsRef<[u8]>>(f: &ethernet::Frame<T>, ethertype: EtherType) -> Obj {
    let mut o = layer("ethernet");
    o.insert("src", f.src().into());
    o.insert("dst", f.dst().into());
    ethertype_fields(&mut o, ethertype);
    o
}

fn vlan_obj<T: AsRef<[u8]>>(t: &vlan::Tag<T>, tpid: EtherType) -> Obj {
    let mut o = layer("vlan");
    o.insert("tpid", tpid.0.into());
    o.insert("pcp", t.pcp().into());
    o.insert("dei", t.dei().into());
    o.insert("vid", t.vid().into());
    ethertype_fields(&mut o, t.ethertype());
    o
}

/// Pushes the Ethernet layer and one layer per VLAN tag.
pub fn ethernet(link: &Link<'_>, out: &mut Vec<Obj>) {
    out.push(ethernet_obj(&link.frame, link.frame.ethertype()));
    for (tag, tpid) in link.tags().zip(link.tpids()) {
        out.push(vlan_obj(&tag, tpid));
    }
}

/// Pushes the link layer's objects, whatever its type.
pub fn link_layer(link: &LinkLayer<'_>, out: &mut Vec<Obj>) {
    match link {
        LinkLayer::Ethernet(l) => ethernet(l, out),
        LinkLayer::Sll(h) => out.push(sll_obj(h)),
        LinkLayer::Sll2(h) => out.push(sll2_obj(h)),
        LinkLayer::Null(h) => out.push(null_obj(h.family())),
        LinkLayer::Loop(h) => out.push(null_obj(h.family_network_order())),
        LinkLayer::Ppp(h) => out.push(ppp_obj(h)),
        _ => {}
    }
}

/// A link-layer address as colon-separated lowercase hex (a MAC's usual form).
fn addr_text(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The fields both cooked-capture versions share, named as tshark's `sll.*`.
fn cooked_fields(o: &mut Obj, pkttype: u16, hatype: u16, halen: u16, addr: &[u8], protocol: u16) {
    o.insert("pkttype", pkttype.into());
    if let Some(name) = sll::packet_type_name(pkttype) {
        o.insert("pkttype_name", name.into());
    }
    o.insert("hatype", hatype.into());
    o.insert("halen", halen.into());
    o.insert("addr", addr_text(addr).into());
    o.insert("protocol", protocol.into());
    // On a netlink device the protocol is a netlink family, not an EtherType.
    let name = (hatype != sll::HATYPE_NETLINK).then(|| EtherType(protocol).name()).flatten();
    if let Some(name) = name {
        o.insert("protocol_name", name.into());
    }
}

fn sll_obj<T: AsRef<[u8]>>(h: &sll::Header<T>) -> Obj {
    let mut o = layer("sll");
    o.insert("version", 1.into());
    cooked_fields(&mut o, h.pkttype(), h.hatype(), h.halen(), h.addr(), h.protocol());
    o
}

fn sll2_obj<T: AsRef<[u8]>>(h: &sll2::Header<T>) -> Obj {
    let mut o = layer("sll");
    o.insert("version", 2.into());
    let (pkttype, halen) = (u16::from(h.pkttype()), u16::from(h.halen()));
    cooked_fields(&mut o, pkttype, h.hatype(), halen, h.addr(), h.protocol());
    o.insert("ifindex", h.ifindex().into());
    o
}

fn null_obj(family: u32) -> Obj {
    let mut o = layer("null");
    o.insert("family", family.into());
    if let Some(v6) = null::is_ipv6(family) {
        o.insert("family_name", if v6 { "IPv6" } else { "IPv4" }.into());
    }
    o
}

fn ppp_obj<T: AsRef<[u8]>>(h: &ppp::Header<T>) -> Obj {
    let mut o = layer("ppp");
    if let (Some(address), Some(control)) = (h.address(), h.control()) {
        o.insert("address", address.into());
        o.insert("control", control.into());
    }
    o.insert("protocol", h.protocol().into());
    o
}

/// What the one-line view says of a frame with no network layer: for Ethernet,
/// tcpdump's `SRC > DST, ethertype NAME (0xNNNN), length N` (without the hex dump
/// it prints on the lines after), `N` the frame's length on the wire when known;
/// for the other link types the header's addresses and what it carries.
pub fn summary_line(line: &mut String, s: &Sliced<'_>, wire_len: Option<usize>) {
    use core::fmt::Write as _;
    let text = match s.link_layer() {
        Some(LinkLayer::Ethernet(l)) => {
            let f = &l.frame;
            let name = l.ethertype.name().unwrap_or("Unknown");
            let len = wire_len.unwrap_or(f.as_ref().len());
            let _ = write!(
                line,
                "{} > {}, ethertype {name} (0x{:04x}), length {len}",
                f.src(),
                f.dst(),
                l.ethertype.0
            );
            return;
        }
        Some(LinkLayer::Sll(h)) => cooked_line(h.addr(), h.protocol()),
        Some(LinkLayer::Sll2(h)) => cooked_line(h.addr(), h.protocol()),
        Some(LinkLayer::Null(h)) => format!("null family {}", h.family()),
        Some(LinkLayer::Loop(h)) => format!("null family {}", h.family_network_order()),
        Some(LinkLayer::Ppp(h)) => format!("ppp protocol {:#06x}", h.protocol()),
        _ => "(no link layer)".to_string(),
    };
    line.push_str(&text);
    if !s.payload().is_empty() && s.error.is_none() {
        let _ = write!(line, ", payload {}", s.payload().len());
    }
}

/// `sll ADDR protocol 0xNNNN`, the address left out when the device has none.
fn cooked_line(addr: &[u8], protocol: u16) -> String {
    match addr {
        [] => format!("sll protocol {protocol:#06x}"),
        _ => format!("sll {} protocol {protocol:#06x}", addr_text(addr)),
    }
}

/// `wirestate parse ethernet`: the Ethernet header, the payload left undecoded.
pub fn parse_ethernet(bytes: &[u8]) -> Result<Value, Error> {
    let f = ethernet::Frame::new_checked(bytes)?;
    let mut o = ethernet_obj(&f, f.ethertype());
    o.insert("payload_len", f.payload().len().into());
    Ok(Value::from(o))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use wirestate_packet::{LinkType, Sliced};

    use crate::decode::{frame, summary};

    #[test]
    fn a_link_header_without_a_network_layer_is_named_in_json_and_summary() {
        // PPP LCP (0xc021) with address and control: no IP, the rest is payload.
        let lcp = [0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4];
        let d = frame(LinkType::Ppp, &lcp, lcp.len());
        let ppp = serde_json::Value::from(d.layers[0].clone());
        assert_eq!(
            ppp,
            serde_json::json!({"proto": "ppp", "address": 255, "control": 3, "protocol": 0xc021})
        );
        assert_eq!(summary(&Sliced::new(LinkType::Ppp, &lcp)), "ppp protocol 0xc021, payload 4");
        // A netlink message in a cooked v2 capture: its protocol is no EtherType.
        let mut netlink = vec![0x00, 0x00, 0, 0, 0, 0, 0, 1, 0x03, 0x38, 4, 0];
        netlink.extend_from_slice(&[0; 8]);
        netlink.extend_from_slice(&[16, 0, 0, 0]);
        let d = frame(LinkType::LinuxSll2, &netlink, netlink.len());
        let sll = serde_json::Value::from(d.layers[0].clone());
        assert_eq!((sll["hatype"].as_u64(), sll["addr"].as_str()), (Some(824), Some("")));
        assert!(sll.get("protocol_name").is_none() && sll["pkttype_name"] == "outgoing");
        let line = summary(&Sliced::new(LinkType::LinuxSll2, &netlink));
        assert_eq!(line, "1     Out sll protocol 0x0000, payload 4");
    }
}
