//! The builder: every message type, padding, maximum size, long options split.
#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]

use core::net::Ipv4Addr;

use wirestate_dhcp::{Builder, DhcpOption, Message, MessageType, Options, RawOptions, Repr};

const HW: [u8; 6] = [2, 0, 0, 0, 0, 1];
const SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const YOU: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 10);

fn opts(b: &[u8]) -> Vec<DhcpOption<'_>> {
    Options::new(b).map(Result::unwrap).collect()
}

#[test]
fn every_message_type_builds_and_parses() {
    let mut buf = [0u8; 576];
    type Make = fn(&mut [u8]) -> Builder<'_>;
    let cases: [(MessageType, u8, Make); 8] = [
        (MessageType::Discover, 1, |b| Builder::discover(b, 7, &HW).unwrap()),
        (MessageType::Offer, 2, |b| Builder::offer(b, 7, &HW, YOU, SERVER, 3600).unwrap()),
        (MessageType::Request, 1, |b| Builder::request(b, 7, &HW).unwrap()),
        (MessageType::Decline, 1, |b| Builder::decline(b, 7, &HW, YOU, SERVER).unwrap()),
        (MessageType::Ack, 2, |b| Builder::ack(b, 7, &HW, YOU, SERVER, 3600).unwrap()),
        (MessageType::Nak, 2, |b| Builder::nak(b, 7, &HW, SERVER).unwrap()),
        (MessageType::Release, 1, |b| Builder::release(b, 7, &HW, YOU, SERVER).unwrap()),
        (MessageType::Inform, 1, |b| Builder::inform(b, 7, &HW, YOU).unwrap()),
    ];
    for (t, op, make) in cases {
        let len = make(&mut buf).finish().unwrap();
        assert_eq!(len, 300, "{t:?} is padded to the BOOTP minimum");
        let b = &buf[..len];
        let m = Message::new_checked(b).unwrap();
        assert_eq!((m.op(), m.htype(), m.hlen(), m.xid()), (op, 1, 6, 7), "{t:?}");
        assert_eq!(m.client_hw_addr(), HW);
        assert_eq!(opts(b)[0], DhcpOption::MessageType(t));
        assert_eq!(t.op(), op);
        assert_eq!(MessageType::from_u8(t.to_u8()), t);
        let has_server = opts(b).contains(&DhcpOption::ServerIdentifier(SERVER));
        let wants_server =
            !matches!(t, MessageType::Discover | MessageType::Request | MessageType::Inform);
        assert_eq!(has_server, wants_server, "{t:?}");
        Repr::parse(&m).unwrap();
    }
}

#[test]
fn long_options_are_split_and_joined() {
    let mut buf = [0u8; 1500];
    let value: Vec<u8> = (0..600u32).map(|i| (i % 251) as u8).collect();
    let mut b = Builder::offer(&mut buf, 1, &HW, YOU, SERVER, 60).unwrap();
    b.option(43, &value).unwrap();
    let addrs: Vec<Ipv4Addr> = (0..70u8).map(|i| Ipv4Addr::new(10, 0, 1, i)).collect();
    b.addrs(6, &addrs).unwrap();
    b.header().set_broadcast(true);
    b.header().set_giaddr(Ipv4Addr::new(192, 0, 2, 1));
    let len = b.finish().unwrap();
    let msg = &buf[..len];
    assert!(len > 300);
    let m = Message::new_checked(msg).unwrap();
    assert!(m.broadcast());
    assert_eq!(m.giaddr(), Ipv4Addr::new(192, 0, 2, 1));
    let sizes: Vec<usize> = RawOptions::new(msg)
        .map(|o| o.unwrap())
        .filter(|o| o.code == 43)
        .map(|o| o.data.len())
        .collect();
    assert_eq!(sizes, [255, 255, 90]);
    let long = opts(msg);
    let DhcpOption::Long(c) = long.iter().find(|o| o.code() == 43).unwrap() else { panic!() };
    assert_eq!(c.to_vec(), value);
    assert_eq!((c.first(), c.len()), (&value[..255], value.len()));
    let DhcpOption::Long(c) = long.iter().find(|o| o.code() == 6).unwrap() else { panic!() };
    let joined = c.to_vec();
    let DhcpOption::DomainNameServer(a) = c.decode(&joined).unwrap() else { panic!() };
    assert_eq!(a.iter().collect::<Vec<_>>(), addrs);
}

#[test]
fn empty_option_and_exact_maximum() {
    let mut buf = [0u8; 400];
    let mut b = Builder::request(&mut buf, 1, &HW).unwrap();
    b.option(80, &[]).unwrap();
    assert_eq!(b.len(), 245);
    assert!(!b.is_empty());
    b.max_size(250);
    assert!(b.option(12, b"abc").is_err()); // 245 + 5 + end = 251 > 250
    b.option(12, b"ab").unwrap(); // exactly 250 with the end option
    assert_eq!(b.finish().unwrap(), 250);
    let msg = &buf[..250];
    assert_eq!(opts(msg)[1..], [DhcpOption::RapidCommit, DhcpOption::HostName(b"ab")]);
}

#[test]
fn typed_helpers_write_long_routes_search_lists_and_relay_info() {
    use wirestate_dhcp::Route;
    use wirestate_dns::NameBuf;
    let mut buf = [0u8; 1500];
    let mut b = Builder::ack(&mut buf, 1, &HW, YOU, SERVER, 60).unwrap();
    // 40 routes of 8 octets: 320 octets, two instances.
    let routes: Vec<Route> = (0..40u8)
        .map(|i| Route {
            destination: Ipv4Addr::new(10, i, 0, 0),
            prefix_len: 16 + i % 9,
            router: Ipv4Addr::new(10, 0, 0, 1),
        })
        .collect();
    b.classless_routes(&routes).unwrap();
    // 30 names under one zone: compressed against each other, still over 255 octets.
    let names: Vec<NameBuf> =
        (0..30).map(|i| format!("host{i}.lab.example.org.").parse().unwrap()).collect();
    let views: Vec<_> = names.iter().map(NameBuf::as_name).collect();
    b.domain_search(&views).unwrap();
    b.relay_agent_information(&[(1, b"port7"), (2, &HW)]).unwrap();
    let len = b.finish().unwrap();
    let msg = &buf[..len];
    let sizes = |code: u8| -> Vec<usize> {
        RawOptions::new(msg)
            .map(|o| o.unwrap())
            .filter(|o| o.code == code)
            .map(|o| o.data.len())
            .collect()
    };
    let route_len: usize = routes.iter().map(Route::wire_len).sum();
    assert_eq!(sizes(121), [255, route_len - 255]);
    let search = sizes(119);
    assert_eq!(search.len(), 2, "{search:?}");
    // Uncompressed, 30 names take 30 * 23 octets; compressed, each after the first
    // is its own label and a pointer to "lab.example.org.".
    let uncompressed: usize = views.iter().map(|n| n.wire_len()).sum();
    assert!(search.iter().sum::<usize>() < uncompressed / 2, "{search:?}");
    let all = opts(msg);
    let DhcpOption::Long(c) = all.iter().find(|o| o.code() == 121).unwrap() else { panic!() };
    let joined = c.to_vec();
    let DhcpOption::ClasslessStaticRoute(r) = c.decode(&joined).unwrap() else { panic!() };
    assert_eq!(r.iter().collect::<Vec<_>>(), routes);
    let DhcpOption::Long(c) = all.iter().find(|o| o.code() == 119).unwrap() else { panic!() };
    let joined = c.to_vec();
    let DhcpOption::DomainSearch(s) = c.decode(&joined).unwrap() else { panic!() };
    let read: Vec<String> = s.iter().map(|n| n.to_string()).collect();
    let wanted: Vec<String> = names.iter().map(ToString::to_string).collect();
    assert_eq!(read, wanted);
    let Some(DhcpOption::RelayAgentInformation(sub)) = all.iter().find(|o| o.code() == 82) else {
        panic!()
    };
    let subs: Vec<(u8, Vec<u8>)> = sub.iter().map(|s| (s.code, s.data.to_vec())).collect();
    assert_eq!(subs, [(1, b"port7".to_vec()), (2, HW.to_vec())]);
}

#[test]
fn typed_helpers_refuse_what_they_cannot_write() {
    use wirestate_dhcp::Route;
    let mut buf = [0u8; 576];
    let mut b = Builder::discover(&mut buf, 1, &HW).unwrap();
    let bad = Route {
        destination: Ipv4Addr::UNSPECIFIED,
        prefix_len: 33,
        router: Ipv4Addr::new(10, 0, 0, 1),
    };
    assert_eq!(b.classless_routes(&[bad]).unwrap_err().field(), "classless static route");
    // Empty lists make options the parser (rightly) refuses: refused here first.
    assert_eq!(b.classless_routes(&[]).unwrap_err().field(), "classless static route");
    assert_eq!(b.relay_agent_information(&[]).unwrap_err().field(), "relay agent information");
    let long = [0u8; 256];
    let err = b.relay_agent_information(&[(1, &long)]).unwrap_err();
    assert_eq!(err.field(), "relay agent information");
    // Too big for the maximum size: an error, and nothing written.
    b.max_size(300);
    let before = b.len();
    let routes =
        vec![Route { destination: Ipv4Addr::new(10, 0, 0, 0), prefix_len: 8, router: SERVER }; 10];
    assert_eq!(b.classless_routes(&routes).unwrap_err().field(), "message");
    assert_eq!(b.len(), before);
    let len = b.finish().unwrap();
    assert_eq!(opts(&buf[..len]).len(), 1, "only the message type");
}
