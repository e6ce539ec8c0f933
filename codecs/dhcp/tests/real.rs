//! Fields and options read from real messages (dhclient and dnsmasq, captured by
//! spec-vectors/captures/capture.sh) and the RFC 3442 / RFC 3397 examples.
#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]

mod common;

use core::net::Ipv4Addr;

use wirestate_dhcp::{DhcpOption, Message, MessageType, Overload, Route};

fn options(bytes: &[u8]) -> Vec<DhcpOption<'_>> {
    Message::new_checked(bytes).unwrap();
    wirestate_dhcp::Options::new(bytes).map(Result::unwrap).collect()
}

#[test]
fn dhclient_discover_fields() {
    let b = common::vector("real-traffic-discover");
    let m = Message::new_checked(&b[..]).unwrap();
    assert_eq!((m.op(), m.htype(), m.hlen(), m.hops()), (1, 1, 6, 0));
    assert_eq!(m.xid(), 0x7c25_457c);
    assert!(!m.broadcast());
    assert_eq!(m.ciaddr(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(m.client_hw_addr().len(), 6);
    assert_eq!(m.header_len(), 240);
    let opts = options(&b);
    assert_eq!(opts[0], DhcpOption::MessageType(MessageType::Discover));
    let prl = opts.iter().find_map(|o| match o {
        DhcpOption::ParameterRequestList(p) => Some(*p),
        _ => None,
    });
    assert!(prl.unwrap().contains(&1));
}

#[test]
fn dnsmasq_offer_options() {
    let b = common::vector("real-traffic-offer");
    let m = Message::new_checked(&b[..]).unwrap();
    assert_eq!((m.op(), m.xid()), (2, 0x7c25_457c));
    assert_eq!(m.yiaddr(), Ipv4Addr::new(10, 99, 0, 146));
    assert_eq!(m.siaddr(), Ipv4Addr::new(10, 99, 0, 1));
    let opts = options(&b);
    assert_eq!(opts[0], DhcpOption::MessageType(MessageType::Offer));
    assert!(opts.contains(&DhcpOption::ServerIdentifier(Ipv4Addr::new(10, 99, 0, 1))));
    assert!(opts.contains(&DhcpOption::LeaseTime(3600)));
    assert!(opts.contains(&DhcpOption::RenewalTime(1800)));
    assert!(opts.contains(&DhcpOption::RebindingTime(3150)));
    assert!(opts.contains(&DhcpOption::SubnetMask(Ipv4Addr::new(255, 255, 255, 0))));
    assert!(opts.contains(&DhcpOption::DomainName(b"example.test")));
    let routers: Vec<_> = opts
        .iter()
        .find_map(|o| match o {
            DhcpOption::Router(a) => Some(a.iter().collect::<Vec<_>>()),
            _ => None,
        })
        .unwrap();
    assert_eq!(routers, [Ipv4Addr::new(10, 99, 0, 1)]);
    assert!(opts.iter().all(|o| o.name() != "unknown"));
}

#[test]
fn request_ack_release_types() {
    for (name, t) in [
        ("real-traffic-request", MessageType::Request),
        ("real-traffic-ack", MessageType::Ack),
        ("real-traffic-release", MessageType::Release),
    ] {
        let b = common::vector(name);
        assert_eq!(options(&b)[0], DhcpOption::MessageType(t), "{name}");
    }
    let b = common::vector("real-traffic-release");
    let m = Message::new_checked(&b[..]).unwrap();
    assert_eq!(m.ciaddr(), Ipv4Addr::new(10, 99, 0, 146));
}

#[test]
fn rfc3442_routes_decode() {
    let b = common::vector("rfc3442-classless-routes");
    let routes: Vec<Route> = options(&b)
        .iter()
        .find_map(|o| match o {
            DhcpOption::ClasslessStaticRoute(r) => Some(r.iter().collect()),
            _ => None,
        })
        .unwrap();
    let via = Ipv4Addr::new(10, 0, 0, 1);
    let want = [
        (Ipv4Addr::new(10, 0, 0, 0), 8),
        (Ipv4Addr::new(10, 0, 0, 0), 24),
        (Ipv4Addr::new(10, 17, 0, 0), 16),
        (Ipv4Addr::new(10, 27, 129, 0), 24),
        (Ipv4Addr::new(10, 229, 0, 128), 25),
        (Ipv4Addr::new(10, 198, 122, 47), 32),
        (Ipv4Addr::UNSPECIFIED, 0),
    ];
    let got: Vec<_> = routes.iter().map(|r| (r.destination, r.prefix_len)).collect();
    assert_eq!(got, want);
    assert!(routes.iter().all(|r| r.router == via));
    // Writing the routes back gives the option value.
    let mut out = [0u8; 64];
    let mut n = 0;
    for r in &routes {
        n += r.write(&mut out[n..]).unwrap();
    }
    let opt = wirestate_dhcp::RawOptions::new(&b).map(Result::unwrap).find(|o| o.code == 121);
    assert_eq!(&out[..n], opt.unwrap().data);
}

#[test]
fn rfc3397_search_list_is_joined_then_decoded() {
    let b = common::vector("rfc3397-domain-search");
    let opts = options(&b);
    let DhcpOption::Long(c) = opts[1] else { panic!("{:?}", opts[1]) };
    assert_eq!((c.code(), c.len(), c.fragments().count()), (119, 27, 3));
    let mut joined = [0u8; 64];
    let n = c.copy_to(&mut joined).unwrap();
    assert_eq!(c.to_vec(), &joined[..n]);
    let DhcpOption::DomainSearch(s) = c.decode(&joined[..n]).unwrap() else { panic!() };
    let names: Vec<String> = s.iter().map(|n| n.to_string()).collect();
    assert_eq!(names, ["eng.apple.com.", "marketing.apple.com."]);
}

#[test]
fn overloaded_options_are_read_from_file_then_sname() {
    let b = common::vector("overload-file-sname");
    let codes: Vec<u8> = options(&b).iter().map(DhcpOption::code).collect();
    assert_eq!(codes, [53, 52, 1, 3]);
    assert_eq!(options(&b)[1], DhcpOption::Overload(Overload::Both));
    let raw: Vec<usize> = wirestate_dhcp::RawOptions::new(&b).map(|o| o.unwrap().offset).collect();
    assert_eq!(raw, [240, 243, 108, 44]);
}

#[test]
fn relay_agent_sub_options() {
    let b = common::vector("relay-agent-information");
    let DhcpOption::RelayAgentInformation(s) = options(&b)[1] else { panic!() };
    let subs: Vec<_> = s.iter().map(|o| (o.code, o.data)).collect();
    assert_eq!(subs, [(1, &[0, 1, 0, 7][..]), (2, &[0xc0, 0xa8, 0, 1][..])]);
}

/// dnsmasq's OFFER from spec-vectors/dhcp/capture.sh: 17 options, 119 and 121 among them.
#[test]
fn dnsmasq_offer_with_search_list_and_routes() {
    let b = common::vector("dhcp-exchange-offer");
    let opts = options(&b);
    assert_eq!(opts.len(), 17);
    let search: Vec<String> = opts
        .iter()
        .find_map(|o| match o {
            DhcpOption::DomainSearch(s) => Some(s.iter().map(|n| n.to_string()).collect()),
            _ => None,
        })
        .unwrap();
    assert_eq!(search, ["example.test.", "lab.example.test."]);
    let routes: Vec<(Ipv4Addr, u8, Ipv4Addr)> = opts
        .iter()
        .find_map(|o| match o {
            DhcpOption::ClasslessStaticRoute(r) => {
                Some(r.iter().map(|r| (r.destination, r.prefix_len, r.router)).collect())
            }
            _ => None,
        })
        .unwrap();
    let gw = Ipv4Addr::new(10, 98, 0, 1);
    assert_eq!(routes, [(Ipv4Addr::new(192, 168, 10, 0), 24, gw), (Ipv4Addr::UNSPECIFIED, 0, gw)]);
    assert!(opts.contains(&DhcpOption::InterfaceMtu(1400)));
    assert!(opts.contains(&DhcpOption::VendorSpecific(&[1, 4, 0xde, 0xad, 0xbe, 0xef])));
    assert!(opts.contains(&DhcpOption::Unknown { code: 17, data: b"/srv/root" }));
}

/// dhclient's REQUEST from spec-vectors/dhcp/capture.sh: client id, host name,
/// vendor class and max message size as configured.
#[test]
fn dhclient_request_sends_its_identity() {
    let b = common::vector("dhcp-exchange-request");
    let opts = options(&b);
    assert!(opts.contains(&DhcpOption::ClientIdentifier(&[1, 2, 0, 0, 0, 1, 2])));
    assert!(opts.contains(&DhcpOption::HostName(b"wirestate-client")));
    assert!(opts.contains(&DhcpOption::VendorClass(b"wirestate-capture")));
    assert!(opts.contains(&DhcpOption::MaxMessageSize(1400)));
    assert!(opts.iter().any(|o| matches!(o, DhcpOption::RequestedIp(_))));
}
