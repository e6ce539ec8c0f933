//! The model-based property test: random queries, spaced in time, through a
//! link that loses and delays at random. Every answer equals what a direct,
//! cacheless walk of the same zones gives (the reference model below, asking
//! fresh server machines over a perfect link), or the query fails with a
//! timeout or SERVFAIL; on a perfect link nothing fails. The cache never
//! answers with more time left than the records' TTL in the zone, and never
//! with none.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use common::net::*;
use proptest::prelude::*;
use wirestate_dns::{
    Builder, Class, Header, Message, NameBuf, RData, Rcode, RecordBuf, Section, Type,
};
use wirestate_dns_resolver::{Config, Event, ResolveError};
use wirestate_dns_server::{hierarchy, Server, Transport};
use wirestate_wire::Instant;

const QUERIES: &[(&str, Type)] = &[
    ("www.example.test.", Type::A),
    ("www.example.test.", Type::AAAA),
    ("www.example.test.", Type::MX),
    ("alias.example.test.", Type::A),
    ("chain1.example.test.", Type::A),
    ("outside.example.test.", Type::A),
    ("nope.example.test.", Type::A),
    ("dangling.example.test.", Type::A),
    ("www.other.test.", Type::A),
    ("www.noglue.test.", Type::A),
    ("big.example.test.", Type::TXT),
    ("wide.example.test.", Type::A),
    ("anything.wild.example.test.", Type::A),
    ("www.old.example.test.", Type::A),
    ("www.sub.example.test.", Type::A),
    ("www.halflame.test.", Type::A),
    ("nothing-here.test.", Type::A),
];

/// What the reference walk finds: the rcode, the final RRset as sorted text,
/// and the least TTL on the way (the chain's and the RRset's, or the negative
/// TTL).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Truth {
    rcode: Rcode,
    rrset: Vec<String>,
    ttl: u32,
}

/// One exchange with a server machine: UDP with a large EDNS size, TCP if
/// truncated.
fn ask(
    servers: &mut BTreeMap<IpAddr, Server>,
    server: IpAddr,
    name: &NameBuf,
    qtype: Type,
) -> Vec<u8> {
    let from: SocketAddr = "198.51.100.99:5300".parse().unwrap();
    let s = servers.get_mut(&server).unwrap();
    let mut q = vec![0u8; 512];
    let mut b = Builder::new(&mut q, &Header { id: 7, ..Header::default() }).unwrap();
    b.question(&name.as_name(), qtype, Class::IN).unwrap();
    b.edns(4096, 0, 0, false, &[]).unwrap();
    let len = b.finish();
    s.handle_query(Instant::ZERO, from, &q[..len], Transport::Udp);
    let mut out = vec![0u8; 65_537];
    let t = s.poll_transmit(Instant::ZERO, &mut out).unwrap().unwrap();
    let reply = out[..t.len].to_vec();
    if !Message::new_checked(&reply[..]).unwrap().tc() {
        return reply;
    }
    let mut q = vec![0u8; 514];
    let mut b = Builder::new_tcp(&mut q, &Header { id: 8, ..Header::default() }).unwrap();
    b.question(&name.as_name(), qtype, Class::IN).unwrap();
    let len = b.finish();
    s.handle_query(Instant::ZERO, from, &q[..len], Transport::Tcp);
    let t = s.poll_transmit(Instant::ZERO, &mut out).unwrap().unwrap();
    s.handle_tcp_close(from);
    out[2..t.len].to_vec()
}

fn records(reply: &[u8]) -> Vec<(Section, RecordBuf)> {
    let m = Message::new_checked(reply).unwrap();
    m.records()
        .map(|r| r.unwrap())
        .filter(|r| r.rtype != Type::OPT)
        .map(|r| (r.section, RecordBuf::from_record(&r)))
        .collect()
}

/// The reference: a cacheless walk from the root (RFC 1034 §5.3.3 without
/// the cache), trusting every server.
fn truth(
    servers: &mut BTreeMap<IpAddr, Server>,
    name: &str,
    qtype: Type,
    depth: u32,
) -> Option<Truth> {
    let mut current = NameBuf::parse_str(name).unwrap();
    let mut ttl = u32::MAX;
    for _ in 0..16 {
        let mut server: IpAddr = "192.0.2.1".parse().unwrap();
        let mut restarted = false;
        for _ in 0..16 {
            let reply = ask(servers, server, &current, qtype);
            let m = Message::new_checked(&reply[..]).unwrap();
            let rcode = m.rcode().unwrap();
            let recs = records(&reply);
            let answer: Vec<&RecordBuf> =
                recs.iter().filter(|(s, _)| *s == Section::Answer).map(|(_, r)| r).collect();
            // Follow the chain inside the answer.
            let mut end = current;
            for _ in 0..16 {
                if let Some(c) = answer
                    .iter()
                    .find(|r| r.rtype == Type::CNAME && r.name == end && qtype != Type::CNAME)
                {
                    ttl = ttl.min(c.ttl);
                    let Ok(RData::Cname(t)) = c.data() else { break };
                    end = NameBuf::from_name(&t);
                } else {
                    break;
                }
            }
            let rrset: Vec<&&RecordBuf> =
                answer.iter().filter(|r| r.rtype == qtype && r.name == end).collect();
            if !rrset.is_empty() {
                let mut texts: Vec<String> =
                    rrset.iter().map(|r| r.data().unwrap().to_string()).collect();
                texts.sort();
                let least = rrset.iter().map(|r| r.ttl).min().unwrap();
                return Some(Truth { rcode: Rcode::NOERROR, rrset: texts, ttl: ttl.min(least) });
            }
            let soa = recs
                .iter()
                .find(|(s, r)| *s == Section::Authority && r.rtype == Type::SOA)
                .map(|(_, r)| r);
            let negative = |ttl: u32| {
                soa.map_or(ttl, |s| match s.data() {
                    Ok(RData::Soa { minimum, .. }) => ttl.min(s.ttl.min(minimum)),
                    _ => ttl,
                })
            };
            if end != current {
                current = end;
                if rcode == Rcode::NXDOMAIN {
                    return Some(Truth { rcode, rrset: vec![], ttl: negative(ttl) });
                }
                restarted = true;
                break;
            }
            if rcode == Rcode::NXDOMAIN {
                return Some(Truth { rcode, rrset: vec![], ttl: negative(ttl) });
            }
            let ns: Vec<NameBuf> = recs
                .iter()
                .filter(|(s, r)| *s == Section::Authority && r.rtype == Type::NS)
                .filter_map(|(_, r)| match r.data() {
                    Ok(RData::Ns(h)) => Some(NameBuf::from_name(&h)),
                    _ => None,
                })
                .collect();
            if ns.is_empty() || m.aa() {
                return Some(Truth { rcode: Rcode::NOERROR, rrset: vec![], ttl: negative(ttl) });
            }
            let glue = recs.iter().find_map(|(s, r)| match r.data() {
                Ok(RData::A(a)) if *s == Section::Additional && ns.contains(&r.name) => {
                    Some(IpAddr::V4(a))
                }
                _ => None,
            });
            server = match glue {
                Some(a) => a,
                None if depth < 3 => {
                    let t = truth(servers, &ns[0].to_string(), Type::A, depth + 1)?;
                    t.rrset.first()?.parse().ok()?
                }
                None => return None,
            };
        }
        if !restarted {
            return None;
        }
    }
    None
}

#[derive(Debug, Clone)]
struct Scenario {
    seed: u64,
    loss: u32,
    delay: u32,
    minimise: bool,
    case: bool,
    steps: Vec<(usize, u64)>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        any::<u64>(),
        prop_oneof![Just(0u32), 0u32..400],
        0u32..300,
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(
            (0..QUERIES.len(), prop_oneof![Just(0u64), 0u64..400, 0u64..4000]),
            1..24,
        ),
    )
        .prop_map(|(seed, loss, delay, minimise, case, steps)| Scenario {
            seed,
            loss,
            delay,
            minimise,
            case,
            steps,
        })
}

fn run(s: &Scenario) {
    let mut reference: BTreeMap<IpAddr, Server> = hierarchy::test_hierarchy().into_iter().collect();
    let mut config = Config::iterative(root_hints());
    config.qname_minimisation = s.minimise;
    config.case_randomization = s.case;
    let link = Link { loss_per_mille: s.loss, max_delay_ms: s.delay };
    let mut n = Net::new(config, hierarchy::test_hierarchy(), link, s.seed);
    for &(i, gap) in &s.steps {
        n.now += Duration::from_secs(gap);
        let (name, qtype) = QUERIES[i];
        let want =
            truth(&mut reference, name, qtype, 0).unwrap_or_else(|| panic!("no truth for {name}"));
        match n.resolve(name, qtype) {
            Event::Answer(_, a) => {
                let mut got: Vec<String> =
                    a.records().map(|r| r.data().unwrap().to_string()).collect();
                got.sort();
                assert_eq!((a.rcode, &got), (want.rcode, &want.rrset), "{name} {qtype}: {a:?}");
                if a.from_cache {
                    assert!(a.ttl > 0, "{name} {qtype}: a cache answer with no time left");
                }
                assert!(
                    a.ttl <= want.ttl,
                    "{name} {qtype}: ttl {} above the zone's {}",
                    a.ttl,
                    want.ttl
                );
            }
            Event::Failed(_, e) => {
                assert!(s.loss > 0, "{name} {qtype} failed on a perfect link: {e:?}");
                assert!(matches!(e, ResolveError::TimedOut | ResolveError::ServFail), "{e:?}");
            }
            other => panic!("{other:?}"),
        }
        n.settle();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn answers_equal_a_direct_lookup_or_time_out(s in scenario()) {
        run(&s);
    }
}

/// Found by the property test in CI: the cached negative answer for
/// `dangling` asked again with under a second of its 300 s left went out with
/// TTL 0 (the remaining time was rounded down).
#[test]
fn a_cache_answer_in_its_last_second_keeps_a_ttl() {
    run(&Scenario {
        seed: 0,
        loss: 0,
        delay: 1,
        minimise: false,
        case: false,
        steps: vec![(7, 0), (8, 299), (7, 0)],
    });
}
