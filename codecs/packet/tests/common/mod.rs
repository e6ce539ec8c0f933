//! Real frames recorded by spec-vectors/captures/capture.sh (dnsmasq, dhclient, dig,
//! nginx, curl and ping in two network namespaces), shared by the packet tests. They
//! come from an earlier run of the script than the committed real-traffic.pcap, so
//! addresses and sequence numbers differ from it; the packet numbers are that run's.
#![allow(dead_code, clippy::unwrap_used)] // test helpers over constant data

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Packet 1: an MLDv2 report behind a hop-by-hop header with a router alert.
pub const MLD_HBH: &str = "33330000001602000000000286dd6000000000240001fe80000000000000000000fffe000002ff0200000000000000000000000000163a000502000001008f0072050000000104000000ff0200000000000000000001ff000002";
/// Packet 12: a router advertisement with prefix, MTU and source link-layer options.
pub const RA: &str = "02000000000202000000000186dd6c0e2a4e00583afffe80000000000000000000fffe000001fe80000000000000000000fffe0000028600d19d400007080000000000000000030440c0ffffffffffffffff00000000fd99000000000000000000000000000005010000000005dc010102000000000119030000fffffffffe80000000000000000000fffe000001";
/// Packet 17: an ARP request from dnsmasq's ping check.
pub const ARP_REQUEST: &str =
    "ffffffffffff020000000001080600010800060400010200000000010a6300010000000000000a630092";
/// Packet 21: an ICMP echo request (dnsmasq's address probe).
pub const ICMP_ECHO: &str = "02000000000202000000000108004500003030ac40004001f4c80a6300010a63009208004a04adfb00000000000000000000000000000000000000000000";
/// Packet 40: a DNS query over TCP from dig.
pub const DNS_TCP: &str = "02000000000102000000000208004500006b75e540004006af4f0a6300920a630001a807003582663e9f4b254b2e80180040fcf200000101080a1ef8cbe92106124d003574a801200001000000000001076578616d706c650474657374000010000100002904d000000000000c000a0008c71c4154b0e0d52f";
/// Packet 52: curl's GET over IPv4.
pub const HTTP_GET: &str = "02000000000102000000000208004500007d56a740004006ce7b0a6300920a630001a4dc0050c5e69ade6646a4598018003f14b600000101080a6dd9eb08932a1ecd474554202f20485454502f312e310d0a486f73743a2031302e39392e302e310d0a557365722d4167656e743a206375726c2f372e38382e310d0a4163636570743a202a2f2a0d0a0d0a";
/// Packet 74: a neighbour advertisement.
pub const NA: &str = "02000000000202000000000186dd6000000000203afffd990000000000000000000000000001fd99000000000000000000fffe00000288001bd160000000fd9900000000000000000000000000010201020000000001";

/// Built, not captured: Ethernet + IPv6 + UDP carrying a DNS query for example.test
/// with no extension headers, the shape `Sliced::new`'s fast path takes.
pub const DNS_UDP6: &str = "02000000000102000000000286dd60000000003d1140fd99000000000000000000fffe000002fd990000000000000000000000000001b7730035003d6ec04a0b01200001000000000001076578616d706c6504746573740000010001000029100000000000000c000a00084142434445464748";

pub const ALL: &[&str] = &[MLD_HBH, RA, ARP_REQUEST, ICMP_ECHO, DNS_TCP, HTTP_GET, NA, DNS_UDP6];

/// `frame` with 802.1Q tags (TPIDs in order) inserted after the MAC addresses.
pub fn tagged(frame: &[u8], tags: &[(u16, u16)]) -> Vec<u8> {
    let mut out = frame[..12].to_vec();
    for &(tpid, tci) in tags {
        out.extend_from_slice(&tpid.to_be_bytes());
        out.extend_from_slice(&tci.to_be_bytes());
    }
    out.extend_from_slice(&frame[12..]);
    out
}
