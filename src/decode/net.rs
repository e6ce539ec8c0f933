//! ARP, IPv4 and IPv6 layers.

use core::net::Ipv4Addr;

use serde_json::Value;
use wirestate_arp as arp;
use wirestate_ip::{ipv4, ipv6};
use wirestate_packet::Net;
use wirestate_wire::{Error, MacAddr};

use super::{hex, layer, obj, Obj, Val};

/// The layer object of a sliced network layer.
pub fn net(n: &Net<'_>) -> Obj {
    match n {
        Net::Arp(p) => arp_obj(p),
        Net::Ipv4(p) => ipv4_obj(p),
        Net::Ipv6 { packet, .. } => ipv6_obj(packet),
    }
}

fn arp_addr(bytes: &[u8], is_ip: bool) -> Val {
    if let (true, Ok(b)) = (is_ip, <[u8; 4]>::try_from(bytes)) {
        return Ipv4Addr::from(b).into();
    }
    if let (false, Some(m)) = (is_ip, MacAddr::from_slice(bytes)) {
        return m.into();
    }
    hex(bytes).into()
}

fn arp_obj<T: AsRef<[u8]>>(p: &arp::Packet<T>) -> Obj {
    let mut o = layer("arp");
    let ether = p.hardware_type() == 1 && p.hardware_len() == 6;
    let ipv4 = p.protocol_type() == 0x0800 && p.protocol_len() == 4;
    o.insert("htype", p.hardware_type().into());
    o.insert("ptype", p.protocol_type().into());
    o.insert("hlen", p.hardware_len().into());
    o.insert("plen", p.protocol_len().into());
    let op: u16 = p.operation().into();
    o.insert("op", op.into());
    let name = match p.operation() {
        arp::Operation::Request => Some("request"),
        arp::Operation::Reply => Some("reply"),
        _ => None,
    };
    if let Some(n) = name {
        o.insert("op_name", n.into());
    }
    let hw = |b: &[u8]| if ether { arp_addr(b, false) } else { hex(b).into() };
    let pa = |b: &[u8]| if ipv4 { arp_addr(b, true) } else { hex(b).into() };
    o.insert("sha", hw(p.sender_hardware_addr()));
    o.insert("spa", pa(p.sender_protocol_addr()));
    o.insert("tha", hw(p.target_hardware_addr()));
    o.insert("tpa", pa(p.target_protocol_addr()));
    o
}

/// `wirestate parse arp`.
pub fn parse_arp(bytes: &[u8]) -> Result<Value, Error> {
    let p = arp::Packet::new_checked(bytes)?;
    Ok(Value::from(arp_obj(&p)))
}

fn ipv4_option(opt: &ipv4::IpOption<'_>) -> Val {
    use ipv4::IpOption as O;
    let route = |kind: &'static str, pointer: u8, data: &[u8]| {
        let addrs: Vec<Val> = data
            .chunks_exact(4)
            .filter_map(|c| <[u8; 4]>::try_from(c).ok())
            .map(|b| Val::from(Ipv4Addr::from(b)))
            .collect();
        obj!({"kind": kind, "pointer": pointer, "route": addrs})
    };
    match *opt {
        O::EndOfList => obj!({"kind": "eol"}),
        O::NoOperation => obj!({"kind": "nop"}),
        O::RecordRoute { pointer, data } => route("record_route", pointer, data),
        O::LooseSourceRoute { pointer, data } => route("lsrr", pointer, data),
        O::StrictSourceRoute { pointer, data } => route("ssrr", pointer, data),
        O::Timestamp { pointer, overflow, flags, data } => obj!({
            "kind": "timestamp", "pointer": pointer, "overflow": overflow, "flags": flags,
            "data": hex(data)}),
        O::RouterAlert { value } => obj!({"kind": "router_alert", "value": value}),
        O::Unknown { kind, data } => obj!({"kind": "unknown", "code": kind, "data": hex(data)}),
    }
}

fn ipv4_obj<T: AsRef<[u8]>>(p: &ipv4::Packet<T>) -> Obj {
    let mut o = layer("ipv4");
    o.insert("ihl", p.ihl().into());
    o.insert("header_len", p.header_len().into());
    o.insert("dscp", p.dscp().into());
    o.insert("ecn", p.ecn().into());
    o.insert("total_len", p.total_len().into());
    o.insert("id", p.ident().into());
    o.insert("df", p.dont_frag().into());
    o.insert("mf", p.more_frags().into());
    o.insert("frag_offset", p.frag_offset().into());
    o.insert("ttl", p.ttl().into());
    o.insert("protocol", p.protocol().0.into());
    if let Some(name) = p.protocol().name() {
        o.insert("protocol_name", name.into());
    }
    o.insert("checksum", p.checksum().into());
    // The header is always whole in a sliced packet (only the payload can be cut by a
    // snap length), so its checksum can always be checked.
    o.insert("checksum_ok", p.verify_checksum().into());
    o.insert("src", p.src_addr().into());
    o.insert("dst", p.dst_addr().into());
    let mut options = Vec::new();
    for opt in p.options_iter() {
        match opt {
            Ok(opt) => options.push(ipv4_option(&opt)),
            Err(e) => {
                options.push(obj!({"kind": "malformed", "field": e.field(), "offset": e.offset()}));
                break;
            }
        }
    }
    o.insert("options", Val::List(options));
    o
}

/// `wirestate parse ipv4`.
pub fn parse_ipv4(bytes: &[u8]) -> Result<Value, Error> {
    let p = ipv4::Packet::new_checked(bytes)?;
    ipv4::Repr::parse(&p)?;
    let mut o = ipv4_obj(&p);
    o.insert("payload_len", p.payload().len().into());
    Ok(Value::from(o))
}

fn ext_name(kind: u8) -> &'static str {
    match kind {
        0 => "hop_by_hop",
        43 => "routing",
        44 => "fragment",
        60 => "destination_options",
        51 => "ah",
        _ => "unknown",
    }
}

fn tlvs(tlvs: ipv6::Tlvs<'_>) -> Val {
    let mut out = Vec::new();
    for t in tlvs {
        out.push(match t {
            Ok(ipv6::Tlv::Pad1) => obj!({"kind": "pad1"}),
            Ok(ipv6::Tlv::PadN(n)) => obj!({"kind": "padn", "len": n}),
            Ok(ipv6::Tlv::RouterAlert(v)) => obj!({"kind": "router_alert", "value": v}),
            Ok(ipv6::Tlv::Jumbo(v)) => obj!({"kind": "jumbo", "value": v}),
            Ok(ipv6::Tlv::Unknown { kind, data }) => {
                obj!({"kind": "unknown", "code": kind, "data": hex(data)})
            }
            Err(e) => {
                out.push(obj!({"kind": "malformed", "field": e.field(), "offset": e.offset()}));
                break;
            }
        });
    }
    Val::List(out)
}

fn ext_obj(h: &ipv6::ExtHeader<'_>) -> Val {
    let mut o = Obj::with_capacity(8);
    o.insert("type", ext_name(h.kind.0).into());
    o.insert("next_header", h.next_header.0.into());
    o.insert("len", h.bytes.len().into());
    if let Some(f) = h.as_fragment() {
        o.insert("offset", f.offset.into());
        o.insert("more", f.more.into());
        o.insert("ident", f.ident.into());
    }
    if let Some(r) = h.as_routing() {
        o.insert("routing_type", r.routing_type.into());
        o.insert("segments_left", r.segments_left.into());
    }
    if let Some(a) = h.as_ah() {
        o.insert("spi", a.spi.into());
        o.insert("seq", a.seq.into());
    }
    if let Some(t) = h.options() {
        o.insert("options", tlvs(t));
    }
    Val::Obj(o)
}

fn ipv6_obj<T: AsRef<[u8]>>(p: &ipv6::Packet<T>) -> Obj {
    let mut o = layer("ipv6");
    o.insert("traffic_class", p.traffic_class().into());
    o.insert("flow_label", p.flow_label().into());
    o.insert("payload_len", p.payload_len().into());
    o.insert("next_header", p.next_header().0.into());
    o.insert("hop_limit", p.hop_limit().into());
    o.insert("src", p.src_addr().into());
    o.insert("dst", p.dst_addr().into());
    let ext: Vec<Val> = p.ext_headers().filter_map(Result::ok).map(|h| ext_obj(&h)).collect();
    o.insert("ext", Val::List(ext));
    o
}

/// `wirestate parse ipv6`.
pub fn parse_ipv6(bytes: &[u8]) -> Result<Value, Error> {
    let p = ipv6::Packet::new_checked(bytes)?;
    // The walk must succeed for the message to be valid; `payload_len`, the header's
    // own field, already says how much payload there was.
    p.upper_layer()?;
    Ok(Value::from(ipv6_obj(&p)))
}
