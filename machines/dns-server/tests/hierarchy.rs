//! The tree of `hierarchy` walked as an iterative resolver walks it (RFC 1034
//! §5.3.3): from the root hints down the referrals to the answer, looking up
//! a server's name where its parent has no glue, stopping at a lame server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::net::IpAddr;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_server::{hierarchy, Server, Zone};

/// A resolver with no cache: returns the final response and every server asked.
fn resolve(tree: &mut [(IpAddr, Server)], name: &str, asked: &mut Vec<IpAddr>) -> Resp {
    let mut servers: Vec<IpAddr> =
        hierarchy::ROOT_SERVERS.iter().copied().filter(IpAddr::is_ipv4).collect();
    for _ in 0..10 {
        let addr = servers[0];
        asked.push(addr);
        let server =
            &mut tree.iter_mut().find(|(a, _)| *a == addr).expect("a server of the tree").1;
        let r = q(server, name, Type::A);
        if r.header.aa || r.rcode != Rcode::NOERROR || r.authority.is_empty() {
            return r;
        }
        // A referral: the glue, or the NS names looked up from the root.
        let glue: Vec<IpAddr> = r
            .additional
            .iter()
            .filter(|l| l.contains(" IN A "))
            .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
            .collect();
        servers = if glue.is_empty() {
            let ns = r.authority[0].rsplit(' ').next().unwrap().to_string();
            let found = resolve(tree, &ns, asked);
            found.answer.iter().map(|l| l.rsplit(' ').next().unwrap().parse().unwrap()).collect()
        } else {
            glue
        };
    }
    panic!("too many referrals")
}

fn v4(d: u8) -> IpAddr {
    IpAddr::from([192, 0, 2, d])
}

#[test]
fn a_name_is_found_from_the_root_down() {
    let mut tree = hierarchy::test_hierarchy();
    let mut asked = vec![];
    let r = resolve(&mut tree, "www.example.test.", &mut asked);
    assert_eq!(r.answer, ["www.example.test. 3600 IN A 198.51.100.80"]);
    assert_eq!(asked, [v4(1), v4(10), v4(20)]);
    let mut asked = vec![];
    let r = resolve(&mut tree, "www.sub.example.test.", &mut asked);
    assert_eq!(r.answer, ["www.sub.example.test. 3600 IN A 198.51.100.90"]);
    assert_eq!(asked, [v4(1), v4(10), v4(20), v4(40)]);
}

#[test]
fn without_glue_the_servers_name_is_looked_up_first() {
    let mut tree = hierarchy::test_hierarchy();
    let mut asked = vec![];
    let r = resolve(&mut tree, "www.noglue.test.", &mut asked);
    assert_eq!(r.answer, ["www.noglue.test. 3600 IN A 198.51.100.83"]);
    // root, test. (no glue), then ns.other.test. from the root, then noglue's server.
    assert_eq!(asked, [v4(1), v4(10), v4(1), v4(10), v4(30), v4(31)]);
}

#[test]
fn a_lame_delegation_ends_in_refused() {
    let mut tree = hierarchy::test_hierarchy();
    let mut asked = vec![];
    let r = resolve(&mut tree, "www.lame.test.", &mut asked);
    assert_eq!(r.rcode, Rcode::REFUSED);
    assert_eq!(asked, [v4(1), v4(10), v4(30)]);
}

#[test]
fn every_server_of_the_tree_answers_for_its_zones_with_authority() {
    for (addr, apex) in
        hierarchy::SERVERS.iter().flat_map(|(a, _, z)| z.iter().map(move |z| (*a, *z)))
    {
        let mut server =
            hierarchy::test_hierarchy().into_iter().find(|(a, _)| *a == addr).unwrap().1;
        let r = q(&mut server, apex, Type::SOA);
        assert!(r.header.aa && r.answer.len() == 1, "{addr} {apex}");
    }
    assert_eq!(hierarchy::root_hints().iter().filter(|r| r.rtype == Type::NS).count(), 2);
}

#[test]
fn every_zone_of_the_tree_parses() {
    for (_, _, apexes) in hierarchy::SERVERS {
        for apex in *apexes {
            let text = hierarchy::zone_text(apex).unwrap();
            let zone = Zone::parse(None, &text).unwrap_or_else(|e| panic!("{apex}: {e}"));
            assert_eq!(zone.apex().to_string(), *apex);
        }
    }
    assert_eq!(hierarchy::zone_text("nowhere."), None);
}
