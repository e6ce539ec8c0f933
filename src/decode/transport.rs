//! ICMPv4, ICMPv6, UDP and TCP layers.

use core::net::{IpAddr, Ipv6Addr};

use serde_json::{json, Value};
use wirestate_icmp::{icmpv4, icmpv6, ndp};
use wirestate_ip::ipv4;
use wirestate_packet::{Net, Transport};
use wirestate_tcp as tcp;
use wirestate_udp as udp;
use wirestate_wire::Error;

use super::{hex, layer, Obj};

/// The layer object of a sliced transport layer. Checksums print `null` when the
/// capture is cut short (`truncated`), since the bytes they cover are not all there.
pub fn transport(t: &Transport<'_>, net: &Net<'_>, truncated: bool) -> Value {
    let addrs = if truncated { None } else { net.addrs() };
    Value::Object(match t {
        Transport::Udp(d) => udp_obj(d, addrs),
        Transport::Tcp(s) => tcp_obj(s, addrs),
        Transport::Icmpv4(p) => icmpv4_obj(p, !truncated),
        Transport::Icmpv6(p) => {
            let v6 = match addrs {
                Some((IpAddr::V6(s), IpAddr::V6(d))) => Some((s, d)),
                _ => None,
            };
            icmpv6_obj(p, v6)
        }
    })
}

fn udp_obj<T: AsRef<[u8]>>(d: &udp::Datagram<T>, addrs: Option<(IpAddr, IpAddr)>) -> Obj {
    let mut o = layer("udp");
    o.insert("src_port".into(), d.src_port().into());
    o.insert("dst_port".into(), d.dst_port().into());
    o.insert("len".into(), d.len().into());
    o.insert("checksum".into(), d.checksum().into());
    let ok = addrs.and_then(|(s, t)| d.checksum_ok(s, t));
    o.insert("checksum_ok".into(), ok.into());
    o
}

/// `wirestate parse udp` (no IP header, so no checksum check).
pub fn parse_udp(bytes: &[u8]) -> Result<Value, Error> {
    let d = udp::Datagram::new_checked(bytes)?;
    udp::Repr::parse(&d)?;
    let mut o = udp_obj(&d, None);
    o.insert("payload_len".into(), d.payload().len().into());
    Ok(Value::Object(o))
}

fn tcp_option(opt: &tcp::TcpOption<'_>) -> Value {
    use tcp::TcpOption as O;
    match opt {
        O::EndOfList => json!({"kind": "eol"}),
        O::NoOperation => json!({"kind": "nop"}),
        O::MaxSegmentSize(v) => json!({"kind": "mss", "value": v}),
        O::WindowScale(s) => json!({"kind": "window_scale", "shift": s}),
        O::SackPermitted => json!({"kind": "sack_permitted"}),
        O::Sack(blocks) => {
            let b: Vec<Value> = blocks.iter().map(|(l, r)| json!([l.0, r.0])).collect();
            json!({"kind": "sack", "blocks": b})
        }
        O::Timestamps { tsval, tsecr } => {
            json!({"kind": "timestamps", "tsval": tsval, "tsecr": tsecr})
        }
        O::Unknown { kind, data } => json!({"kind": "unknown", "code": kind, "data": hex(data)}),
    }
}

fn tcp_obj<T: AsRef<[u8]>>(s: &tcp::Segment<T>, addrs: Option<(IpAddr, IpAddr)>) -> Obj {
    let mut o = layer("tcp");
    o.insert("src_port".into(), s.src_port().into());
    o.insert("dst_port".into(), s.dst_port().into());
    o.insert("seq".into(), s.seq_number().0.into());
    o.insert("ack".into(), s.ack_number().0.into());
    o.insert("data_offset".into(), s.header_len().into());
    let flags = s.flags();
    o.insert("flags".into(), flags.0.into());
    let names: Vec<Value> = flags.names().map(Value::from).collect();
    o.insert("flag_names".into(), Value::Array(names));
    o.insert("window".into(), s.window_len().into());
    o.insert("checksum".into(), s.checksum().into());
    let ok = addrs.and_then(|(a, b)| s.checksum_ok(a, b));
    o.insert("checksum_ok".into(), ok.into());
    o.insert("urgent".into(), s.urgent_at().into());
    let mut options = Vec::new();
    for opt in s.options_iter() {
        match opt {
            Ok(opt) => options.push(tcp_option(&opt)),
            Err(e) => {
                options
                    .push(json!({"kind": "malformed", "field": e.field(), "offset": e.offset()}));
                break;
            }
        }
    }
    o.insert("options".into(), Value::Array(options));
    o.insert("payload_len".into(), s.payload().len().into());
    o
}

/// `wirestate parse tcp` (no IP header, so no checksum check).
pub fn parse_tcp(bytes: &[u8]) -> Result<Value, Error> {
    let s = tcp::Segment::new_checked(bytes)?;
    tcp::Repr::parse(&s)?;
    Ok(Value::Object(tcp_obj(&s, None)))
}

/// The addresses and ports of a datagram quoted in an ICMP error, as far as they go.
fn quoted_ipv4(quoted: &[u8]) -> Value {
    let Ok(p) = ipv4::Packet::new_checked_header(quoted) else {
        return json!({"len": quoted.len()});
    };
    let mut o = Obj::new();
    o.insert("len".into(), quoted.len().into());
    o.insert("src".into(), p.src_addr().to_string().into());
    o.insert("dst".into(), p.dst_addr().to_string().into());
    o.insert("protocol".into(), p.protocol().0.into());
    let ports = p.payload();
    if ports.len() >= 4 {
        o.insert("src_port".into(), u16::from_be_bytes([ports[0], ports[1]]).into());
        o.insert("dst_port".into(), u16::from_be_bytes([ports[2], ports[3]]).into());
    }
    Value::Object(o)
}

fn icmpv4_obj(p: &icmpv4::Packet<&[u8]>, check: bool) -> Obj {
    let mut o = layer("icmpv4");
    let t = p.msg_type();
    o.insert("type".into(), t.0.into());
    if let Some(name) = t.name() {
        o.insert("type_name".into(), name.into());
    }
    o.insert("code".into(), p.code().into());
    o.insert("checksum".into(), p.checksum().into());
    o.insert("checksum_ok".into(), if check { p.verify_checksum().into() } else { Value::Null });
    match icmpv4::Repr::parse(p) {
        Ok(icmpv4::Repr::EchoRequest { ident, seq_no, data })
        | Ok(icmpv4::Repr::EchoReply { ident, seq_no, data }) => {
            o.insert("id".into(), ident.into());
            o.insert("seq".into(), seq_no.into());
            o.insert("data_len".into(), data.len().into());
        }
        Ok(icmpv4::Repr::DstUnreachable { next_hop_mtu, quoted, .. }) => {
            o.insert("mtu".into(), next_hop_mtu.into());
            o.insert("quoted".into(), quoted_ipv4(quoted));
        }
        Ok(icmpv4::Repr::TimeExceeded { quoted, .. }) => {
            o.insert("quoted".into(), quoted_ipv4(quoted));
        }
        Ok(icmpv4::Repr::Redirect { gateway, quoted, .. }) => {
            o.insert("gateway".into(), gateway.to_string().into());
            o.insert("quoted".into(), quoted_ipv4(quoted));
        }
        Ok(icmpv4::Repr::ParamProblem { pointer, quoted }) => {
            o.insert("pointer".into(), pointer.into());
            o.insert("quoted".into(), quoted_ipv4(quoted));
        }
        Ok(_) | Err(_) => {
            o.insert("data_len".into(), p.data().len().into());
        }
    }
    o
}

/// `wirestate parse icmpv4` (the checksum covers only the message: it is checked).
pub fn parse_icmpv4(bytes: &[u8]) -> Result<Value, Error> {
    let p = icmpv4::Packet::new_checked(bytes)?;
    icmpv4::Repr::parse(&p)?;
    Ok(Value::Object(icmpv4_obj(&p, true)))
}

fn ndp_options(bytes: &[u8]) -> Value {
    let mut out = Vec::new();
    for opt in ndp::Options::new(bytes) {
        out.push(match opt {
            Ok(ndp::NdpOption::SourceLinkAddr(a)) => json!({"kind": "source_lla", "addr": lla(a)}),
            Ok(ndp::NdpOption::TargetLinkAddr(a)) => json!({"kind": "target_lla", "addr": lla(a)}),
            Ok(ndp::NdpOption::PrefixInfo {
                prefix_len,
                on_link,
                autonomous,
                valid_lifetime,
                preferred_lifetime,
                prefix,
            }) => json!({"kind": "prefix_info", "prefix": prefix.to_string(),
                "prefix_len": prefix_len, "on_link": on_link, "autonomous": autonomous,
                "valid_lifetime": valid_lifetime, "preferred_lifetime": preferred_lifetime}),
            Ok(ndp::NdpOption::RedirectedHeader(d)) => {
                json!({"kind": "redirected_header", "len": d.len()})
            }
            Ok(ndp::NdpOption::Mtu(m)) => json!({"kind": "mtu", "mtu": m}),
            Ok(ndp::NdpOption::Unknown { kind, data }) => {
                json!({"kind": "unknown", "code": kind, "data": hex(data)})
            }
            Err(e) => {
                out.push(json!({"kind": "malformed", "field": e.field(), "offset": e.offset()}));
                break;
            }
        });
    }
    Value::Array(out)
}

fn lla(bytes: &[u8]) -> Value {
    match wirestate_wire::MacAddr::from_slice(bytes) {
        Some(m) => m.to_string().into(),
        None => hex(bytes).into(),
    }
}

fn icmpv6_obj(p: &icmpv6::Packet<&[u8]>, addrs: Option<(Ipv6Addr, Ipv6Addr)>) -> Obj {
    let mut o = layer("icmpv6");
    let t = p.msg_type();
    o.insert("type".into(), t.0.into());
    if let Some(name) = t.name() {
        o.insert("type_name".into(), name.into());
    }
    o.insert("code".into(), p.code().into());
    o.insert("checksum".into(), p.checksum().into());
    let ok = addrs.map(|(s, d)| p.checksum_ok(s, d));
    o.insert("checksum_ok".into(), ok.into());
    let ndp_opts = |o: &mut Obj, opts: &[u8]| {
        o.insert("options".into(), ndp_options(opts));
    };
    match icmpv6::Repr::parse(p) {
        Ok(icmpv6::Repr::EchoRequest { ident, seq_no, data })
        | Ok(icmpv6::Repr::EchoReply { ident, seq_no, data }) => {
            o.insert("id".into(), ident.into());
            o.insert("seq".into(), seq_no.into());
            o.insert("data_len".into(), data.len().into());
        }
        Ok(icmpv6::Repr::PacketTooBig { mtu, quoted }) => {
            o.insert("mtu".into(), mtu.into());
            o.insert("quoted_len".into(), quoted.len().into());
        }
        Ok(icmpv6::Repr::DstUnreachable { quoted, .. })
        | Ok(icmpv6::Repr::TimeExceeded { quoted, .. }) => {
            o.insert("quoted_len".into(), quoted.len().into());
        }
        Ok(icmpv6::Repr::ParamProblem { pointer, quoted, .. }) => {
            o.insert("pointer".into(), pointer.into());
            o.insert("quoted_len".into(), quoted.len().into());
        }
        Ok(icmpv6::Repr::RouterSolicit { options }) => ndp_opts(&mut o, options),
        Ok(icmpv6::Repr::RouterAdvert {
            hop_limit,
            managed,
            other,
            router_lifetime,
            reachable_time,
            retrans_time,
            options,
        }) => {
            o.insert("cur_hop_limit".into(), hop_limit.into());
            o.insert("managed".into(), managed.into());
            o.insert("other".into(), other.into());
            o.insert("router_lifetime".into(), router_lifetime.into());
            o.insert("reachable_time".into(), reachable_time.into());
            o.insert("retrans_time".into(), retrans_time.into());
            ndp_opts(&mut o, options);
        }
        Ok(icmpv6::Repr::NeighborSolicit { target, options }) => {
            o.insert("target".into(), target.to_string().into());
            ndp_opts(&mut o, options);
        }
        Ok(icmpv6::Repr::NeighborAdvert { router, solicited, override_, target, options }) => {
            o.insert("router".into(), router.into());
            o.insert("solicited".into(), solicited.into());
            o.insert("override".into(), override_.into());
            o.insert("target".into(), target.to_string().into());
            ndp_opts(&mut o, options);
        }
        Ok(icmpv6::Repr::Redirect { target, dst, options }) => {
            o.insert("target".into(), target.to_string().into());
            o.insert("dst".into(), dst.to_string().into());
            ndp_opts(&mut o, options);
        }
        Ok(_) | Err(_) => {
            o.insert("data_len".into(), p.data().len().into());
        }
    }
    o
}

/// `wirestate parse icmpv6` (no IP header, so no checksum check).
pub fn parse_icmpv6(bytes: &[u8]) -> Result<Value, Error> {
    let p = icmpv6::Packet::new_checked(bytes)?;
    icmpv6::Repr::parse(&p)?;
    Ok(Value::Object(icmpv6_obj(&p, None)))
}
