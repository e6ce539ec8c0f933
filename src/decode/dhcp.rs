//! DHCPv4 messages on UDP ports 67 and 68.

use core::fmt::Write as _;
use core::net::Ipv4Addr;

use wirestate_dhcp::{option_name, DhcpOption, Message, MessageType};
use wirestate_wire::{Error, MacAddr};

use super::{hex, layer, obj, Obj, Val};

/// `{"code", "name", "value"}` for one option; `name` is the snake_case RFC 2132 name.
fn option_json(opt: &DhcpOption<'_>) -> Val {
    let code = opt.code();
    let name = option_name(code).replace([' ', '-'], "_");
    obj!({"code": code, "name": name, "value": value(opt)})
}

fn addrs(list: impl Iterator<Item = Ipv4Addr>) -> Val {
    Val::List(list.map(Val::from).collect())
}

fn text(b: &[u8]) -> Val {
    String::from_utf8_lossy(b).into_owned().into()
}

fn value(opt: &DhcpOption<'_>) -> Val {
    use DhcpOption as O;
    match opt {
        O::SubnetMask(a) | O::BroadcastAddress(a) | O::RequestedIp(a) | O::ServerIdentifier(a) => {
            (*a).into()
        }
        O::Router(l) | O::DomainNameServer(l) | O::NtpServers(l) => addrs(l.iter()),
        O::HostName(t) | O::DomainName(t) | O::Message(t) | O::VendorClass(t) => text(t),
        O::InterfaceMtu(v) | O::MaxMessageSize(v) => (*v).into(),
        O::LeaseTime(v) | O::RenewalTime(v) | O::RebindingTime(v) => (*v).into(),
        O::Overload(o) => o.to_u8().into(),
        O::MessageType(t) => t.name().trim_start_matches("DHCP").into(),
        O::ParameterRequestList(codes) => Val::List(codes.iter().map(|&c| c.into()).collect()),
        O::VendorSpecific(d) | O::ClientIdentifier(d) | O::Unknown { data: d, .. } => hex(d).into(),
        O::RapidCommit => Val::Null,
        O::RelayAgentInformation(subs) => {
            Val::List(subs.iter().map(|s| obj!({"code": s.code, "data": hex(s.data)})).collect())
        }
        O::DomainSearch(list) => Val::List(list.iter().map(|n| Val::Text(n.to_string())).collect()),
        O::ClasslessStaticRoute(routes) => Val::List(
            routes
                .iter()
                .map(|r| {
                    obj!({"destination": r.destination.to_string(), "prefix_len": r.prefix_len,
                           "router": r.router.to_string()})
                })
                .collect(),
        ),
        O::Long(concat) => {
            // RFC 3396: the instances joined, then decoded as one option.
            let joined = concat.to_vec();
            match concat.decode(&joined) {
                Ok(whole) => value(&whole),
                Err(_) => hex(&joined).into(),
            }
        }
    }
}

/// The `dhcp` layer of one DHCP or BOOTP message.
///
/// Besides the fields decode-json.md lists, every `dhcp` layer has:
/// - `magic_cookie`: whether 99.130.83.99 follows the 236-octet header (RFC 2131
///   §3). Without it the message is plain BOOTP (RFC 951): the header is decoded,
///   `options` is empty and `vendor` holds the vendor area (every octet after the
///   header) as hex; tshark shows such a message as BOOTP with
///   `dhcp.vendor_specific_options`. With it, `vendor` is null.
/// - `end_option`: false if the options, or an overloaded `file` or `sname`, ran to
///   their end without the end option RFC 2131 §4.1 asks for (accepted, as tshark
///   does, which flags `dhcp.end_option_missing` or `*_end_missing`); true when
///   every field read had one; null without the cookie.
pub fn dhcp_obj(bytes: &[u8]) -> Result<Obj, Error> {
    let m = Message::new_checked_bootp(bytes)?;
    let mut o = layer("dhcp");
    o.insert("op", m.op().into());
    o.insert("htype", m.htype().into());
    o.insert("hlen", m.hlen().into());
    o.insert("hops", m.hops().into());
    o.insert("xid", m.xid().into());
    o.insert("secs", m.secs().into());
    o.insert("broadcast", m.broadcast().into());
    o.insert("ciaddr", m.ciaddr().into());
    o.insert("yiaddr", m.yiaddr().into());
    o.insert("siaddr", m.siaddr().into());
    o.insert("giaddr", m.giaddr().into());
    let hw = m.client_hw_addr();
    let chaddr = match (m.htype(), MacAddr::from_slice(hw)) {
        (1, Some(mac)) => Val::Mac(mac),
        _ => hex(hw).into(),
    };
    o.insert("chaddr", chaddr);
    // RFC 2131 §4.1: with option 52 the overloaded fields hold options, not names.
    let mut options = Vec::new();
    let mut overload = 0;
    let mut walk = m.options();
    for opt in walk.by_ref() {
        let opt = opt?;
        if let DhcpOption::Overload(o) = opt {
            overload = o.to_u8();
        }
        options.push(option_json(&opt));
    }
    let cstr = |b: &[u8], used: bool| {
        if used {
            Val::Null
        } else {
            text(b.split(|&c| c == 0).next().unwrap_or_default())
        }
    };
    o.insert("sname", cstr(m.sname(), overload & 2 != 0));
    o.insert("file", cstr(m.file(), overload & 1 != 0));
    let cookie = m.has_magic_cookie();
    o.insert("magic_cookie", cookie.into());
    // RFC 951 §3: without the cookie the vendor area is the vendor's, not options.
    o.insert("vendor", if cookie { Val::Null } else { hex(m.vendor_area()).into() });
    o.insert("options", Val::List(options));
    o.insert("end_option", if cookie { (!walk.end_missing()).into() } else { Val::Null });
    Ok(o)
}

/// One DHCP or BOOTP message for the text view: the message type, the address it is
/// about, the transaction, and what a reader follows an exchange by.
///
/// `DHCP DISCOVER xid 0x7c25457c from 02:00:00:00:00:02`,
/// `DHCP OFFER 10.99.0.146 xid 0x7c25457c server 10.99.0.1 lease 3600s`,
/// `DHCP NAK xid 0x1 server 10.0.0.1 "wrong network"`; without option 53 (RFC 951
/// BOOTP) `BOOTP request` or `BOOTP reply`. The address is `yiaddr` (else `ciaddr`)
/// in a reply, the requested address (option 50, else `ciaddr`) in a request; the
/// client's hardware address is shown for requests. Errors are those of
/// [`dhcp_obj`]; `Ok(true)` once written.
pub fn dhcp_line(line: &mut String, bytes: &[u8]) -> Result<bool, Error> {
    let m = Message::new_checked_bootp(bytes)?;
    let (mut kind, mut lease, mut server, mut requested, mut text) = (None, None, None, None, None);
    for opt in m.options() {
        match opt? {
            DhcpOption::MessageType(t) => kind = Some(t),
            DhcpOption::LeaseTime(secs) => lease = Some(secs),
            DhcpOption::ServerIdentifier(a) => server = Some(a),
            DhcpOption::RequestedIp(a) => requested = Some(a),
            DhcpOption::Message(t) => text = Some(t),
            _ => {}
        }
    }
    let reply = m.op() == 2;
    match (kind, m.op()) {
        (Some(MessageType::Unknown(t)), _) => {
            let _ = write!(line, "DHCP type {t}");
        }
        (Some(t), _) => {
            let _ = write!(line, "DHCP {}", t.name().trim_start_matches("DHCP"));
        }
        (None, 1) => line.push_str("BOOTP request"),
        (None, 2) => line.push_str("BOOTP reply"),
        (None, op) => {
            let _ = write!(line, "BOOTP op {op}");
        }
    }
    let set = |a: Ipv4Addr| (!a.is_unspecified()).then_some(a);
    let addr =
        if reply { set(m.yiaddr()).or(set(m.ciaddr())) } else { requested.or(set(m.ciaddr())) };
    if let Some(a) = addr {
        let _ = write!(line, " {a}");
    }
    let _ = write!(line, " xid {:#010x}", m.xid());
    if !reply {
        line.push_str(" from ");
        let hw = m.client_hw_addr();
        match (m.htype(), MacAddr::from_slice(hw)) {
            (1, Some(mac)) => {
                let _ = write!(line, "{mac}");
            }
            _ => hw.iter().for_each(|b| {
                let _ = write!(line, "{b:02x}");
            }),
        }
    }
    if let Some(a) = server {
        let _ = write!(line, " server {a}");
    }
    match lease {
        // RFC 2131 §3.3: all ones is an infinite lease.
        Some(u32::MAX) => line.push_str(" lease infinite"),
        Some(secs) => {
            let _ = write!(line, " lease {secs}s");
        }
        None => {}
    }
    if let Some(t) = text {
        let _ = write!(line, " \"{}\"", t.escape_ascii());
    }
    Ok(true)
}
