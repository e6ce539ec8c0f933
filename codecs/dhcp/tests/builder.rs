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
