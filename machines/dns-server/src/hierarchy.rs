//! A small DNS tree to resolve names in: a root, the TLD `test.`, and the
//! zones below it, each served from its own address, for the tests of
//! resolvers and for a simulated Internet.
//!
//! Every address is from the documentation ranges (RFC 5737: servers in
//! 192.0.2.0/24, hosts in 198.51.100.0/24; RFC 3849: 2001:db8::/32), and
//! every name under `test.` (RFC 2606 §2), so nothing here can leak to or
//! from the real Internet.
//!
//! | Address | Server name | Serves |
//! |---|---|---|
//! | 192.0.2.1, 2001:db8::1 | a.root-servers.test. | `.` |
//! | 192.0.2.2, 2001:db8::2 | b.root-servers.test. | `.` |
//! | 192.0.2.10, 2001:db8::10 | ns1.nic.test. | `test.` |
//! | 192.0.2.11 | ns2.nic.test. | `test.` |
//! | 192.0.2.20, 2001:db8::20 | ns1.example.test. | `example.test.` |
//! | 192.0.2.21 | ns2.example.test. | `example.test.` |
//! | 192.0.2.30 | ns1.other.test. | `other.test.` |
//! | 192.0.2.31 | ns.other.test. | `noglue.test.` |
//! | 192.0.2.40 | ns1.sub.example.test. | `sub.example.test.` |
//! | 192.0.2.51 | ns.halflame.test. | `halflame.test.` |
//!
//! The delegations: the root delegates `test.` (glue for ns1/ns2.nic.test.
//! and the root servers' own names, which live in `test.`). `test.`
//! delegates `example.test.` and `other.test.` with in-domain glue;
//! `noglue.test.` to `ns.other.test.`, whose address only `other.test.`
//! holds (no glue: the resolver must look the server's name up first);
//! `lame.test.` to ns1.other.test., which does not serve it (REFUSED: a lame
//! delegation); `halflame.test.` to ns1.other.test. (lame) and
//! ns.halflame.test. (good). `example.test.` delegates `sub.example.test.`.
//!
//! In `example.test.` (SOA MINIMUM 300, TTL 3600: negative answers carry
//! TTL 300): `www` A 198.51.100.80 and AAAA 2001:db8:100::80, the apex A
//! 198.51.100.1, MX 10 `mail` (A 198.51.100.25), a TXT, `alias` CNAME `www`,
//! `chain1` CNAME `chain2` CNAME `alias`, `outside` CNAME `www.other.test.`,
//! `loop1` and `loop2` CNAMEs to each other, `dangling` CNAME to a name that
//! does not exist, `*.wild` A 198.51.100.99, `a.b.ent` A 198.51.100.7 (so
//! `ent` and `b.ent` are empty non-terminals), `old` DNAME `new.example.test.`
//! with `www.new` A 198.51.100.81, `_http._tcp` SRV to `www`, `big` with 40
//! TXT records (about 2.9 KB: TC over UDP even with EDNS, whole over TCP) and
//! `wide` with 40 A records (about 700 octets: TC without EDNS, whole with
//! it). `other.test.` has `www` A 198.51.100.82, `noglue.test.` `www` A
//! 198.51.100.83, `halflame.test.` `www` A 198.51.100.84, `sub.example.test.`
//! `www` A 198.51.100.90. The zone texts use most of the master-file syntax
//! [`Zone::parse`] reads.
//!
//! ```
//! use core::net::{IpAddr, Ipv4Addr};
//! use wirestate_dns_server::hierarchy;
//! let servers = hierarchy::test_hierarchy();
//! let root = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
//! let (_, server) = servers.iter().find(|(addr, _)| *addr == root).unwrap();
//! assert_eq!(server.zones().next().unwrap().apex().to_string(), ".");
//! assert_eq!(hierarchy::root_hints().len(), 6); // 2 NS, 2 A, 2 AAAA
//! ```

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use wirestate_dns::RecordBuf;

use crate::{Config, Server, Zone};

const fn v4(d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, d))
}

const fn v6(d: u16) -> IpAddr {
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, d))
}

/// Every server of the tree: its address, its name, the apexes it serves.
pub const SERVERS: &[(IpAddr, &str, &[&str])] = &[
    (v4(1), "a.root-servers.test.", &["."]),
    (v6(0x1), "a.root-servers.test.", &["."]),
    (v4(2), "b.root-servers.test.", &["."]),
    (v6(0x2), "b.root-servers.test.", &["."]),
    (v4(10), "ns1.nic.test.", &["test."]),
    (v6(0x10), "ns1.nic.test.", &["test."]),
    (v4(11), "ns2.nic.test.", &["test."]),
    (v4(20), "ns1.example.test.", &["example.test."]),
    (v6(0x20), "ns1.example.test.", &["example.test."]),
    (v4(21), "ns2.example.test.", &["example.test."]),
    (v4(30), "ns1.other.test.", &["other.test."]),
    (v4(31), "ns.other.test.", &["noglue.test."]),
    (v4(40), "ns1.sub.example.test.", &["sub.example.test."]),
    (v4(51), "ns.halflame.test.", &["halflame.test."]),
];

/// The root servers' addresses, the resolver's hints.
pub const ROOT_SERVERS: &[IpAddr] = &[v4(1), v4(2), v6(0x1), v6(0x2)];

/// The root zone.
pub const ROOT_ZONE: &str = "\
$TTL 86400
.                   IN SOA a.root-servers.test. nstld.nic.test. (
                        2024010101 ; serial
                        1800       ; refresh
                        900        ; retry
                        604800     ; expire
                        86400 )    ; minimum
                    IN NS  a.root-servers.test.
                    IN NS  b.root-servers.test.
; The root servers' names are in test.: their addresses here are glue.
a.root-servers.test.  IN A    192.0.2.1
                      IN AAAA 2001:db8::1
b.root-servers.test.  IN A    192.0.2.2
                      IN AAAA 2001:db8::2
test.               172800 IN NS ns1.nic.test.
test.               172800 IN NS ns2.nic.test.
ns1.nic.test.       172800 IN A    192.0.2.10
ns1.nic.test.       172800 IN AAAA 2001:db8::10
ns2.nic.test.       172800 IN A    192.0.2.11
";

/// The TLD `test.`: negative answers carry the SOA's own TTL, 900, below its
/// MINIMUM (RFC 2308 §3).
pub const TEST_ZONE: &str = "\
$ORIGIN test.
$TTL 2d
@       900 IN SOA ns1.nic hostmaster.nic 2024010101 30m 15m 1w 1d
            IN NS  ns1.nic
            IN NS  ns2.nic
ns1.nic     IN A    192.0.2.10
            IN AAAA 2001:db8::10
ns2.nic     IN A    192.0.2.11
a.root-servers IN A 192.0.2.1
               IN AAAA 2001:db8::1
b.root-servers IN A 192.0.2.2
               IN AAAA 2001:db8::2
example     IN NS ns1.example
            IN NS ns2.example
ns1.example IN A    192.0.2.20
            IN AAAA 2001:db8::20
ns2.example IN A    192.0.2.21
other       IN NS ns1.other
ns1.other   IN A 192.0.2.30
; No glue: ns.other.test. is known to other.test. only.
noglue      IN NS ns.other.test.
; Lame: ns1.other.test. does not serve lame.test.
lame        IN NS ns1.other
halflame    IN NS ns1.other
            IN NS ns.halflame
ns.halflame IN A 192.0.2.51
";

/// `example.test.`, without its generated `big` and `wide` RRsets (see
/// [`zone_text`]).
pub const EXAMPLE_ZONE: &str = "\
$ORIGIN example.test.
$TTL 1h
@  IN  SOA ns1 hostmaster ( 2024010101 2h 1h 2w 5m )
   IN  NS  ns1
   IN  NS  ns2.example.test.
   IN  MX  10 mail
   IN  TXT \"v=spf1 -all\"
   IN  A   198.51.100.1
ns1      A    192.0.2.20
         AAAA 2001:db8::20
ns2      A    192.0.2.21
www      A    198.51.100.80
         AAAA 2001:db8:100::80
mail     A    198.51.100.25
alias    CNAME www
chain1   CNAME chain2
chain2   CNAME alias
outside  CNAME www.other.test.
loop1    CNAME loop2
loop2    CNAME loop1
dangling CNAME nowhere
*.wild   A    198.51.100.99
a.b.ent  A    198.51.100.7
old      DNAME new.example.test.
www.new  A    198.51.100.81
_http._tcp SRV 0 5 80 www
sub      NS   ns1.sub
ns1.sub  A    192.0.2.40
";

/// `other.test.`, which also names the server of `noglue.test.`.
pub const OTHER_ZONE: &str = "\
$ORIGIN other.test.
$TTL 3600
@    SOA ns1 hostmaster 1 7200 3600 1209600 300
     NS  ns1
ns1  A   192.0.2.30
ns   A   192.0.2.31
www  A   198.51.100.82
";

/// `noglue.test.`, served by ns.other.test.
pub const NOGLUE_ZONE: &str = "\
$TTL 3600
noglue.test.     SOA ns.other.test. hostmaster.noglue.test. 1 7200 3600 1209600 300
noglue.test.     NS  ns.other.test.
www.noglue.test. A   198.51.100.83
";

/// `halflame.test.`, served by ns.halflame.test. (and, says its parent,
/// by ns1.other.test., which does not).
pub const HALFLAME_ZONE: &str = "\
$ORIGIN halflame.test.
@    3600 IN SOA ns hostmaster 1 7200 3600 1209600 300
     3600 IN NS  ns
     3600 IN NS  ns1.other.test.
ns   3600 IN A   192.0.2.51
www  3600 IN A   198.51.100.84
";

/// `sub.example.test.`, delegated from `example.test.`.
pub const SUB_ZONE: &str = "\
$ORIGIN sub.example.test.
$TTL 3600
@    SOA ns1 hostmaster 1 7200 3600 1209600 300
     NS  ns1
ns1  A   192.0.2.40
www  A   198.51.100.90
";

/// The whole master-file text of the zone at `apex` (as written in
/// [`SERVERS`]), `None` for an apex not in the tree.
pub fn zone_text(apex: &str) -> Option<String> {
    let text = match apex {
        "." => ROOT_ZONE,
        "test." => TEST_ZONE,
        "example.test." => {
            let mut text = String::from(EXAMPLE_ZONE);
            for i in 0..40 {
                let pad = "0123456789abcdefghijklmnopqrstuvwxyz";
                text.push_str(&format!("big  TXT \"record {i:02} of a big RRset: {pad}\"\n"));
                text.push_str(&format!("wide A 198.51.100.{}\n", 100 + i));
            }
            return Some(text);
        }
        "other.test." => OTHER_ZONE,
        "noglue.test." => NOGLUE_ZONE,
        "halflame.test." => HALFLAME_ZONE,
        "sub.example.test." => SUB_ZONE,
        _ => return None,
    };
    Some(String::from(text))
}

/// The zone at `apex`, parsed; `None` for an apex not in the tree.
pub fn zone(apex: &str) -> Option<Zone> {
    Zone::parse(None, &zone_text(apex)?).ok()
}

/// One server for each address of [`SERVERS`], with [`Config::default`].
pub fn test_hierarchy() -> Vec<(IpAddr, Server)> {
    test_hierarchy_with(|_| Config::default())
}

/// One server for each address of [`SERVERS`], each with the configuration
/// `config` gives for its address (to make one of them lame, old or dead).
pub fn test_hierarchy_with(mut config: impl FnMut(IpAddr) -> Config) -> Vec<(IpAddr, Server)> {
    SERVERS
        .iter()
        .map(|&(addr, _, apexes)| {
            let mut server = Server::new(config(addr));
            for zone in apexes.iter().filter_map(|apex| zone(apex)) {
                server.add_zone(zone);
            }
            (addr, server)
        })
        .collect()
}

/// The root hints: the root's NS records and the root servers' A and AAAA
/// records, as a resolver is primed with (RFC 8109 §2) and as
/// [`Lame::UpwardReferral`](crate::Lame::UpwardReferral) refers to.
pub fn root_hints() -> Vec<RecordBuf> {
    let Some(root) = zone(".") else { return Vec::new() };
    let servers = ["a.root-servers.test.", "b.root-servers.test."];
    root.records()
        .filter(|r| {
            let name = format!("{}", r.name);
            match r.rtype {
                wirestate_dns::Type::NS => name == ".",
                wirestate_dns::Type::A | wirestate_dns::Type::AAAA => {
                    servers.contains(&name.as_str())
                }
                _ => false,
            }
        })
        .collect()
}
