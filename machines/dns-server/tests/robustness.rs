//! Whatever arrives, the server does not panic, answers only with messages
//! that parse, keeps to its size limits, and repeats itself exactly; whatever
//! text a zone is read from, the reader does not panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use proptest::prelude::*;
use wirestate_dns::{Message, Repr, Type};
use wirestate_dns_server::{Server, Transport, Zone};
use wirestate_wire::Instant;

/// The example.test. server with and without EDNS, the TLD's and the root's.
fn servers() -> Vec<Server> {
    static SERVERS: std::sync::OnceLock<Vec<Server>> = std::sync::OnceLock::new();
    SERVERS
        .get_or_init(|| {
            let mut old = example();
            old.config_mut().edns = false;
            vec![example(), old, at(10), at(1)]
        })
        .clone()
}

/// Feeds `input` to every server over `transport` and checks what comes out.
fn check(input: &[u8], transport: Transport) {
    for mut server in servers() {
        server.handle_query(Instant::ZERO, client(), input, transport);
        let out = drain(&mut server);
        assert!(out.len() <= 1 || transport == Transport::Tcp);
        for (t, bytes) in out {
            let msg = Message::new_checked(&bytes[..]).unwrap();
            let repr = Repr::parse(&msg).unwrap_or_else(|e| panic!("{e} in {bytes:02x?}"));
            assert!(repr.header.qr);
            if t.transport == Transport::Udp {
                assert!(bytes.len() <= 1232);
                assert_eq!(&bytes[..2], &input[..2], "the id is copied");
            }
        }
    }
}

fn queries() -> impl Strategy<Value = Vec<u8>> {
    let names = prop::sample::select(vec![
        "www.example.test.",
        "big.example.test.",
        "x.wild.example.test.",
        "www.old.example.test.",
        "chain1.example.test.",
        "nope.example.test.",
        "www.sub.example.test.",
        "www.test.",
        ".",
        "www.noglue.test.",
        "loop1.example.test.",
    ]);
    let types = prop::sample::select(vec![
        Type::A,
        Type::AAAA,
        Type::ANY,
        Type::TXT,
        Type::NS,
        Type::DS,
        Type::AXFR,
    ]);
    (names, types, any::<u16>(), prop::option::of((any::<u16>(), 0u8..2, any::<bool>()))).prop_map(
        |(name, t, id, edns)| {
            let mut a = Ask::new(name, t);
            a.id = id;
            a.edns = edns;
            a.bytes()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_and_every_response_parses(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&bytes, Transport::Udp);
        check(&bytes, Transport::Tcp);
    }

    #[test]
    fn damaged_queries_never_panic_and_every_response_parses(
        query in queries(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut q = query;
        for (at, x) in flips {
            let i = at.index(q.len());
            q[i] ^= x;
        }
        if let Some(cut) = cut {
            q.truncate(cut.index(q.len() + 1).max(2));
        }
        check(&q, Transport::Udp);
        let framed = [&(q.len() as u16).to_be_bytes()[..], &q].concat();
        check(&framed, Transport::Tcp);
    }

    #[test]
    fn the_same_query_gives_the_same_bytes(query in queries()) {
        let once = |q: &[u8]| {
            let mut s = example();
            send(&mut s, q, Transport::Udp)
        };
        prop_assert_eq!(once(&query), once(&query));
    }

    #[test]
    fn zone_text_never_panics(text in "([a-z0-9@*.\\\\\"();$ \t\n]|IN|SOA|NS|A|TXT|CNAME|\\$TTL|\\$ORIGIN){0,80}") {
        let _ = Zone::parse(Some("z."), &text);
        let _ = Zone::parse(None, &text);
    }
}
