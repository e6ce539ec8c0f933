//! ICMPv4, ICMPv6, UDP and TCP layers.

use core::net::{IpAddr, Ipv6Addr};

use serde_json::Value;
use wirestate_icmp::{icmpv4, icmpv6, ndp};
use wirestate_ip::ipv4;
use wirestate_packet::{Net, Transport};
use wirestate_tcp as tcp;
use wirestate_udp as udp;
use wirestate_wire::Error;

use super::{hex, layer, obj, Obj, Val};

/// The layer object of a sliced transport layer. Checksums print `null` when the
/// capture is cut short (`truncated`), since the bytes they cover are not all there.
pub fn transport(t: &Transport<'_>, net: &Net<'_>, truncated: bool) -> Obj {
    let addrs = if truncated { None } else { net.addrs() };
    match t {
        Transport::Udp(d) => udp_obj(d, addrs),
        Transport::Tcp(s) => {
            let mut o = tcp_obj(s, addrs);
            if truncated {
                // The segment's length on the wire is what the IP header says; the
                // capture holds less.
                let wire = ip_payload_len(net).saturating_sub(s.header_len());
                o.insert("captured_payload_len", s.payload().len().into());
                o.set("payload_len", wire.into());
            }
            o
        }
        Transport::Icmpv4(p) => icmpv4_obj(p, !truncated),
        Transport::Icmpv6(p) => {
            let v6 = match addrs {
                Some((IpAddr::V6(s), IpAddr::V6(d))) => Some((s, d)),
                _ => None,
            };
            icmpv6_obj(p, v6)
        }
    }
}

fn udp_obj<T: AsRef<[u8]>>(d: &udp::Datagram<T>, addrs: Option<(IpAddr, IpAddr)>) -> Obj {
    let mut o = layer("udp");
    o.insert("src_port", d.src_port().into());
    o.insert("dst_port", d.dst_port().into());
    o.insert("len", d.len().into());
    o.insert("checksum", d.checksum().into());
    let ok = addrs.and_then(|(s, t)| d.checksum_ok(s, t));
    o.insert("checksum_ok", ok.into());
    o
}

/// How many bytes the network layer says its upper layer has (on the wire).
pub(crate) fn ip_payload_len(net: &Net<'_>) -> usize {
    match net {
        Net::Ipv4(p) => usize::from(p.total_len()).saturating_sub(p.header_len()),
        Net::Ipv6 { packet, upper_offset, .. } => {
            usize::from(packet.payload_len()).saturating_sub(*upper_offset)
        }
        Net::Arp(_) => 0,
    }
}

/// `wirestate parse udp` (no IP header, so no checksum check).
pub fn parse_udp(bytes: &[u8]) -> Result<Value, Error> {
    let d = udp::Datagram::new_checked(bytes)?;
    udp::Repr::parse(&d)?;
    let mut o = udp_obj(&d, None);
    o.insert("payload_len", d.payload().len().into());
    Ok(Value::from(o))
}

fn tcp_option(opt: &tcp::TcpOption<'_>) -> Val {
    use tcp::TcpOption as O;
    match opt {
        O::EndOfList => obj!({"kind": "eol"}),
        O::NoOperation => obj!({"kind": "nop"}),
        O::MaxSegmentSize(v) => obj!({"kind": "mss", "value": v}),
        O::WindowScale(s) => obj!({"kind": "window_scale", "shift": s}),
        O::SackPermitted => obj!({"kind": "sack_permitted"}),
        O::Sack(blocks) => {
            let b: Vec<Val> =
                blocks.iter().map(|(l, r)| Val::List(vec![l.0.into(), r.0.into()])).collect();
            obj!({"kind": "sack", "blocks": b})
        }
        O::Timestamps { tsval, tsecr } => {
            obj!({"kind": "timestamps", "tsval": tsval, "tsecr": tsecr})
        }
        O::Unknown { kind, data } => obj!({"kind": "unknown", "code": kind, "data": hex(data)}),
    }
}

fn tcp_obj<T: AsRef<[u8]>>(s: &tcp::Segment<T>, addrs: Option<(IpAddr, IpAddr)>) -> Obj {
    let mut o = layer("tcp");
    o.insert("src_port", s.src_port().into());
    o.insert("dst_port", s.dst_port().into());
    o.insert("seq", s.seq_number().0.into());
    o.insert("ack", s.ack_number().0.into());
    o.insert("data_offset", s.header_len().into());
    let flags = s.flags();
    o.insert("flags", flags.0.into());
    let names: Vec<Val> = flags.names().map(Val::from).collect();
    o.insert("flag_names", Val::List(names));
    o.insert("window", s.window_len().into());
    o.insert("checksum", s.checksum().into());
    let ok = addrs.and_then(|(a, b)| s.checksum_ok(a, b));
    o.insert("checksum_ok", ok.into());
    o.insert("urgent", s.urgent_at().into());
    let mut options = Vec::new();
    for opt in s.options_iter() {
        match opt {
            Ok(opt) => options.push(tcp_option(&opt)),
            Err(e) => {
                options.push(obj!({"kind": "malformed", "field": e.field(), "offset": e.offset()}));
                break;
            }
        }
    }
    o.insert("options", Val::List(options));
    o.insert("payload_len", s.payload().len().into());
    o
}

/// `wirestate parse tcp` (no IP header, so no checksum check).
pub fn parse_tcp(bytes: &[u8]) -> Result<Value, Error> {
    let s = tcp::Segment::new_checked(bytes)?;
    tcp::Repr::parse(&s)?;
    Ok(Value::from(tcp_obj(&s, None)))
}

/// The datagram an ICMP error quotes (RFC 792, RFC 4443 §3) and where it starts
/// in the ICMP message; `None` for other messages.
pub fn quoted_datagram<'a>(t: &Transport<'a>) -> Option<(&'a [u8], usize)> {
    let (message, quoted_len): (&'a [u8], usize) = match *t {
        Transport::Icmpv4(p) => match icmpv4::Repr::parse(&p).ok()? {
            icmpv4::Repr::DstUnreachable { quoted, .. }
            | icmpv4::Repr::TimeExceeded { quoted, .. }
            | icmpv4::Repr::Redirect { quoted, .. }
            | icmpv4::Repr::ParamProblem { quoted, .. } => (p.into_inner(), quoted.len()),
            _ => return None,
        },
        Transport::Icmpv6(p) => match icmpv6::Repr::parse(&p).ok()? {
            icmpv6::Repr::PacketTooBig { quoted, .. }
            | icmpv6::Repr::DstUnreachable { quoted, .. }
            | icmpv6::Repr::TimeExceeded { quoted, .. }
            | icmpv6::Repr::ParamProblem { quoted, .. } => (p.into_inner(), quoted.len()),
            _ => return None,
        },
        Transport::Udp(_) | Transport::Tcp(_) => return None,
    };
    // The quote runs to the end of the message.
    let at = message.len().checked_sub(quoted_len)?;
    let quoted = message.get(at..)?;
    (!quoted.is_empty()).then_some((quoted, at))
}

/// The first 8 octets of a TCP header, all an ICMP error must quote (RFC 792):
/// the ports and the sequence number, marked `"partial": true`.
pub fn tcp_prefix(bytes: &[u8]) -> Option<Obj> {
    let b = bytes.get(..8)?;
    let mut o = layer("tcp");
    o.insert("src_port", u16::from_be_bytes([b[0], b[1]]).into());
    o.insert("dst_port", u16::from_be_bytes([b[2], b[3]]).into());
    o.insert("seq", u32::from_be_bytes([b[4], b[5], b[6], b[7]]).into());
    o.insert("partial", true.into());
    Some(o)
}

/// The addresses and ports of a datagram quoted in an ICMP error, as far as they go.
fn quoted_ipv4(quoted: &[u8]) -> Val {
    let Ok(p) = ipv4::Packet::new_checked_header(quoted) else {
        return obj!({"len": quoted.len()});
    };
    let mut o = Obj::with_capacity(6);
    o.insert("len", quoted.len().into());
    o.insert("src", p.src_addr().into());
    o.insert("dst", p.dst_addr().into());
    o.insert("protocol", p.protocol().0.into());
    let ports = p.payload();
    if ports.len() >= 4 {
        o.insert("src_port", u16::from_be_bytes([ports[0], ports[1]]).into());
        o.insert("dst_port", u16::from_be_bytes([ports[2], ports[3]]).into());
    }
    Val::Obj(o)
}

fn icmpv4_obj(p: &icmpv4::Packet<&[u8]>, check: bool) -> Obj {
    let mut o = layer("icmpv4");
    let t = p.msg_type();
    o.insert("type", t.0.into());
    if let Some(name) = t.name() {
        o.insert("type_name", name.into());
    }
    o.insert("code", p.code().into());
    o.insert("checksum", p.checksum().into());
    o.insert("checksum_ok", if check { p.verify_checksum().into() } else { Val::Null });
    match icmpv4::Repr::parse(p) {
        Ok(icmpv4::Repr::EchoRequest { ident, seq_no, data })
        | Ok(icmpv4::Repr::EchoReply { ident, seq_no, data }) => {
            o.insert("id", ident.into());
            o.insert("seq", seq_no.into());
            o.insert("data_len", data.len().into());
        }
        Ok(icmpv4::Repr::DstUnreachable { next_hop_mtu, quoted, .. }) => {
            o.insert("mtu", next_hop_mtu.into());
            o.insert("quoted", quoted_ipv4(quoted));
        }
        Ok(icmpv4::Repr::TimeExceeded { quoted, .. }) => {
            o.insert("quoted", quoted_ipv4(quoted));
        }
        Ok(icmpv4::Repr::Redirect { gateway, quoted, .. }) => {
            o.insert("gateway", gateway.into());
            o.insert("quoted", quoted_ipv4(quoted));
        }
        Ok(icmpv4::Repr::ParamProblem { pointer, quoted }) => {
            o.insert("pointer", pointer.into());
            o.insert("quoted", quoted_ipv4(quoted));
        }
        Ok(_) | Err(_) => {
            o.insert("data_len", p.data().len().into());
        }
    }
    o
}

/// `wirestate parse icmpv4` (the checksum covers only the message: it is checked).
pub fn parse_icmpv4(bytes: &[u8]) -> Result<Value, Error> {
    let p = icmpv4::Packet::new_checked(bytes)?;
    icmpv4::Repr::parse(&p)?;
    Ok(Value::from(icmpv4_obj(&p, true)))
}

fn ndp_options(bytes: &[u8]) -> Val {
    let mut out = Vec::new();
    for opt in ndp::Options::new(bytes) {
        out.push(match opt {
            Ok(ndp::NdpOption::SourceLinkAddr(a)) => obj!({"kind": "source_lla", "addr": lla(a)}),
            Ok(ndp::NdpOption::TargetLinkAddr(a)) => obj!({"kind": "target_lla", "addr": lla(a)}),
            Ok(ndp::NdpOption::PrefixInfo {
                prefix_len,
                on_link,
                autonomous,
                valid_lifetime,
                preferred_lifetime,
                prefix,
            }) => obj!({"kind": "prefix_info", "prefix": prefix,
                "prefix_len": prefix_len, "on_link": on_link, "autonomous": autonomous,
                "valid_lifetime": valid_lifetime, "preferred_lifetime": preferred_lifetime}),
            Ok(ndp::NdpOption::RedirectedHeader(d)) => {
                obj!({"kind": "redirected_header", "len": d.len()})
            }
            Ok(ndp::NdpOption::Mtu(m)) => obj!({"kind": "mtu", "mtu": m}),
            Ok(ndp::NdpOption::Unknown { kind, data }) => {
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

fn lla(bytes: &[u8]) -> Val {
    match wirestate_wire::MacAddr::from_slice(bytes) {
        Some(m) => m.into(),
        None => hex(bytes).into(),
    }
}

fn icmpv6_obj(p: &icmpv6::Packet<&[u8]>, addrs: Option<(Ipv6Addr, Ipv6Addr)>) -> Obj {
    let mut o = layer("icmpv6");
    let t = p.msg_type();
    o.insert("type", t.0.into());
    if let Some(name) = t.name() {
        o.insert("type_name", name.into());
    }
    o.insert("code", p.code().into());
    o.insert("checksum", p.checksum().into());
    let ok = addrs.map(|(s, d)| p.checksum_ok(s, d));
    o.insert("checksum_ok", ok.into());
    let ndp_opts = |o: &mut Obj, opts: &[u8]| {
        o.insert("options", ndp_options(opts));
    };
    match icmpv6::Repr::parse(p) {
        Ok(icmpv6::Repr::EchoRequest { ident, seq_no, data })
        | Ok(icmpv6::Repr::EchoReply { ident, seq_no, data }) => {
            o.insert("id", ident.into());
            o.insert("seq", seq_no.into());
            o.insert("data_len", data.len().into());
        }
        Ok(icmpv6::Repr::PacketTooBig { mtu, quoted }) => {
            o.insert("mtu", mtu.into());
            o.insert("quoted_len", quoted.len().into());
        }
        Ok(icmpv6::Repr::DstUnreachable { quoted, .. })
        | Ok(icmpv6::Repr::TimeExceeded { quoted, .. }) => {
            o.insert("quoted_len", quoted.len().into());
        }
        Ok(icmpv6::Repr::ParamProblem { pointer, quoted, .. }) => {
            o.insert("pointer", pointer.into());
            o.insert("quoted_len", quoted.len().into());
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
            o.insert("cur_hop_limit", hop_limit.into());
            o.insert("managed", managed.into());
            o.insert("other", other.into());
            o.insert("router_lifetime", router_lifetime.into());
            o.insert("reachable_time", reachable_time.into());
            o.insert("retrans_time", retrans_time.into());
            ndp_opts(&mut o, options);
        }
        Ok(icmpv6::Repr::NeighborSolicit { target, options }) => {
            o.insert("target", target.into());
            ndp_opts(&mut o, options);
        }
        Ok(icmpv6::Repr::NeighborAdvert { router, solicited, override_, target, options }) => {
            o.insert("router", router.into());
            o.insert("solicited", solicited.into());
            o.insert("override", override_.into());
            o.insert("target", target.into());
            ndp_opts(&mut o, options);
        }
        Ok(icmpv6::Repr::Redirect { target, dst, options }) => {
            o.insert("target", target.into());
            o.insert("dst", dst.into());
            ndp_opts(&mut o, options);
        }
        Ok(_) | Err(_) => {
            o.insert("data_len", p.data().len().into());
        }
    }
    o
}

/// `wirestate parse icmpv6` (no IP header, so no checksum check).
pub fn parse_icmpv6(bytes: &[u8]) -> Result<Value, Error> {
    let p = icmpv6::Packet::new_checked(bytes)?;
    icmpv6::Repr::parse(&p)?;
    Ok(Value::from(icmpv6_obj(&p, None)))
}
