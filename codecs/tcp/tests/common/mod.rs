//! Real segments, captured from Linux 6.x on a loopback interface (MTU 1500, in a
//! network namespace) with tcpdump 4.99, TCP header onwards (Linux 6.18).
//!
//! Loopback uses checksum offload, so the captured checksum fields held only the
//! pseudo-header's partial sum; each has been replaced by the value tcpdump reported
//! as correct ("incorrect -> 0x853e"), which an independent Python implementation
//! of RFC 1071 reproduced. Everything else is as captured.
//!
//! The IPv4 connection is 127.0.0.1:47068 -> 127.0.0.1:45680; the client's 50-octet
//! segments at relative sequence 106 and 306 were injected out of order through a
//! raw socket to make the server's kernel send SACK blocks. The IPv6 connection is
//! [::1]:33264 -> [::1]:45681.
#![allow(dead_code, reason = "each test file uses some of the captures")]
#![allow(clippy::unwrap_used, reason = "test helpers; a bad constant should fail loudly")]

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const LO4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
pub const LO6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);

/// Parses space-separated hex.
pub fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
}

/// Client SYN: MSS 1460, SACK permitted, TSval 0x39d25a06, NOP, window scale 10.
pub const V4_SYN: &str = "b7 dc b2 70 16 67 b5 3e 00 00 00 00 a0 02 fa f0 85 3e 00 00 \
    02 04 05 b4 04 02 08 0a 39 d2 5a 06 00 00 00 00 01 03 03 0a";
/// Server SYN-ACK, the same options with TSecr echoing the SYN's TSval.
pub const V4_SYN_ACK: &str = "b2 70 b7 dc b9 1b 6c cb 16 67 b5 3f a0 12 fe 88 7b 5e 00 00 \
    02 04 05 b4 04 02 08 0a d0 d3 0f 7c 39 d2 5a 06 01 03 03 0a";
/// Client PSH+ACK carrying "hello", NOP NOP timestamps (37 bytes: odd length).
pub const V4_DATA: &str = "b7 dc b2 70 16 67 b5 3f b9 1b 6c cc 80 18 00 3f 63 cf 00 00 \
    01 01 08 0a 39 d2 5a cf d0 d3 0f 7c 68 65 6c 6c 6f";
/// Server dup ACK with timestamps and two SACK blocks, newest first.
pub const V4_SACK: &str = "b2 70 b7 dc b9 1b 6c cc 16 67 b5 44 d0 10 00 40 1c f4 00 00 \
    01 01 08 0a d0 d3 11 d6 39 d2 5a cf 01 01 05 12 16 67 b6 70 16 67 b6 a2 \
    16 67 b5 a8 16 67 b5 da";
/// Client FIN+ACK.
pub const V4_FIN: &str = "b7 dc b2 70 16 67 b5 44 b9 1b 6c cc 80 11 00 3f a2 91 00 00 \
    01 01 08 0a 39 d2 5d 8c d0 d3 11 d6";
/// Server RST+ACK.
pub const V4_RST: &str = "b2 70 b7 dc b9 1b 6c cc 16 67 b5 45 80 14 00 40 a0 2b 00 00 \
    01 01 08 0a d0 d3 14 37 39 d2 5d 8c";
/// Client SYN over IPv6: MSS 1440.
pub const V6_SYN: &str = "81 f0 b2 71 0b 65 ba b4 00 00 00 00 a0 02 fd 20 76 ee 00 00 \
    02 04 05 a0 04 02 08 0a ee c3 ea c0 00 00 00 00 01 03 03 0a";
/// Client PSH+ACK carrying an HTTP/1.1 GET over IPv6.
pub const V6_DATA: &str = "81 f0 b2 71 0b 65 ba b5 cb 1d e6 19 80 18 00 40 66 a9 00 00 \
    01 01 08 0a ee c3 ea c0 5d 4c c7 15 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a \
    48 6f 73 74 3a 20 65 78 61 6d 70 6c 65 2e 74 65 73 74 0d 0a 0d 0a";
/// Server FIN+ACK over IPv6.
pub const V6_FIN: &str = "b2 71 81 f0 cb 1d e6 34 0b 65 ba db 80 11 00 3f cb d6 00 00 \
    01 01 08 0a 5d 4c c7 de ee c3 ea c0";

/// Every capture with the addresses its checksum was computed over.
pub const ALL: [(&str, &str, IpAddr); 9] = [
    ("v4 syn", V4_SYN, LO4),
    ("v4 syn-ack", V4_SYN_ACK, LO4),
    ("v4 data", V4_DATA, LO4),
    ("v4 sack", V4_SACK, LO4),
    ("v4 fin", V4_FIN, LO4),
    ("v4 rst", V4_RST, LO4),
    ("v6 syn", V6_SYN, LO6),
    ("v6 data", V6_DATA, LO6),
    ("v6 fin", V6_FIN, LO6),
];
