//! ICMPv4 and ICMPv6 messages in the text view, as `tcpdump -nn` prints them at
//! its default verbosity: `ICMP echo request, id 1, seq 2, length 64`,
//! `ICMP6, neighbor solicitation, who has fe80::1, length 32`.
//!
//! The messages are read from their bytes with bounds-checked reads; a field that
//! is not there ends the message's text early rather than failing the line.

use core::fmt::Write as _;
use core::net::{Ipv4Addr, Ipv6Addr};

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn v4(b: &[u8], at: usize) -> Option<Ipv4Addr> {
    b.get(at..at + 4).map(|b| Ipv4Addr::new(b[0], b[1], b[2], b[3]))
}

fn v6(b: &[u8], at: usize) -> Option<Ipv6Addr> {
    let b: [u8; 16] = b.get(at..at + 16)?.try_into().ok()?;
    Some(Ipv6Addr::from(b))
}

/// `ICMP <what>, length N` for an ICMPv4 message of `len` octets (by the IP
/// header's count) whose captured bytes are `b`.
pub fn write_icmpv4(line: &mut String, b: &[u8], len: usize) {
    line.push_str("ICMP ");
    if icmpv4_text(line, b).is_none() {
        // A field cut short: the message's type, as for one tcpdump has no text for.
        let t = b.first().copied().unwrap_or(0);
        let _ = write!(line, "type-#{t}");
    }
    let _ = write!(line, ", length {len}");
}

/// The text between `ICMP ` and `, length`; `None`, with `line` as it was, when a
/// field it needs is not captured.
fn icmpv4_text(line: &mut String, b: &[u8]) -> Option<()> {
    let (t, code) = (*b.first()?, *b.get(1)?);
    // The quoted datagram's IPv4 header starts at 8.
    let quoted_dst = || v4(b, 8 + 16);
    let mut text = String::with_capacity(48);
    match t {
        0 | 8 => {
            let kind = if t == 8 { "request" } else { "reply" };
            let _ = write!(text, "echo {kind}, id {}, seq {}", be16(b, 4)?, be16(b, 6)?);
        }
        3 => {
            let dst = quoted_dst()?;
            let _ = match code {
                0 => write!(text, "net {dst} unreachable"),
                1 => write!(text, "host {dst} unreachable"),
                2 => write!(text, "{dst} protocol {} unreachable", b.get(8 + 9)?),
                3 => {
                    let hlen = usize::from(b.get(8)? & 0x0f) * 4;
                    let dport = be16(b, 8 + hlen + 2)?;
                    match b.get(8 + 9)? {
                        6 => write!(text, "{dst} tcp port {dport} unreachable"),
                        17 => write!(text, "{dst} udp port {dport} unreachable"),
                        p => write!(text, "{dst} protocol {p} port {dport} unreachable"),
                    }
                }
                4 => match be16(b, 6)? {
                    0 => write!(text, "{dst} unreachable - need to frag"),
                    mtu => write!(text, "{dst} unreachable - need to frag (mtu {mtu})"),
                },
                5 => write!(text, "{dst} unreachable - source route failed"),
                6 => write!(text, "net {dst} unreachable - unknown"),
                7 => write!(text, "host {dst} unreachable - unknown"),
                8 => write!(text, "{dst} unreachable - source host isolated"),
                9 => write!(text, "net {dst} unreachable - admin prohibited"),
                10 => write!(text, "host {dst} unreachable - admin prohibited"),
                11 => write!(text, "net {dst} unreachable - tos prohibited"),
                12 => write!(text, "host {dst} unreachable - tos prohibited"),
                13 => write!(text, "host {dst} unreachable - admin prohibited filter"),
                14 => write!(text, "host {dst} unreachable - host precedence violation"),
                15 => write!(text, "host {dst} unreachable - precedence cutoff"),
                c => write!(text, "{dst} unreachable - #{c}"),
            };
        }
        5 => {
            let (dst, gw) = (quoted_dst()?, v4(b, 4)?);
            let _ = match code {
                0 => write!(text, "redirect {dst} to net {gw}"),
                1 => write!(text, "redirect {dst} to host {gw}"),
                2 => write!(text, "redirect-tos {dst} to net {gw}"),
                3 => write!(text, "redirect-tos {dst} to host {gw}"),
                c => write!(text, "redirect-#{c} {dst} to {gw}"),
            };
        }
        11 => {
            quoted_dst()?;
            let _ = match code {
                0 => write!(text, "time exceeded in-transit"),
                1 => write!(text, "ip reassembly time exceeded"),
                c => write!(text, "time exceeded-#{c}"),
            };
        }
        12 => {
            let _ = match code {
                0 => write!(text, "parameter problem - octet {}", b.get(4)?),
                c => write!(text, "parameter problem - code {c}"),
            };
        }
        18 => {
            let _ = write!(text, "address mask is 0x{:08x}", be32(b, 8)?);
        }
        13 => {
            let _ = write!(text, "time stamp query id {} seq {}", be16(b, 4)?, be16(b, 6)?);
        }
        _ => {
            let name = match t {
                4 => "source quench",
                10 => "router solicitation",
                14 => "time stamp reply",
                15 => "information request",
                16 => "information reply",
                17 => "address mask request",
                _ => {
                    let _ = write!(text, "type-#{t}");
                    ""
                }
            };
            text.push_str(name);
        }
    }
    line.push_str(&text);
    Some(())
}

/// The upper protocol of an IPv6 datagram quoted in an ICMPv6 error and where it
/// starts, past its hop-by-hop, destination options, routing and fragment headers.
fn quoted_upper(ip6: &[u8]) -> Option<(u8, usize)> {
    let mut next = *ip6.get(6)?;
    let mut at = 40;
    for _ in 0..8 {
        match next {
            0 | 43 | 60 => {
                let len = (usize::from(*ip6.get(at + 1)?) + 1) * 8;
                next = *ip6.get(at)?;
                at += len;
            }
            44 => {
                next = *ip6.get(at)?;
                at += 8;
            }
            _ => return Some((next, at)),
        }
    }
    None
}

/// `ICMP6, <what>, length N` for an ICMPv6 message of `len` octets whose captured
/// bytes are `b`.
pub fn write_icmpv6(line: &mut String, b: &[u8], len: usize) {
    let start = line.len();
    if icmpv6_text(line, b, len).is_none() {
        line.truncate(start);
        let t = b.first().copied().unwrap_or(0);
        let _ = write!(line, "ICMP6, unknown icmp6 type ({t}), length {len}");
    }
}

fn icmpv6_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "destination unreachable",
        2 => "packet too big",
        3 => "time exceeded in-transit",
        4 => "parameter problem",
        128 => "echo request",
        129 => "echo reply",
        130 => "multicast listener query",
        131 => "multicast listener report",
        132 => "multicast listener done",
        133 => "router solicitation",
        134 => "router advertisement",
        135 => "neighbor solicitation",
        136 => "neighbor advertisement",
        137 => "redirect",
        138 => "router renumbering",
        139 => "node information query",
        140 => "node information reply",
        141 => "inverse neighbor solicitation",
        142 => "inverse neighbor advertisement",
        143 => "multicast listener report v2",
        144 => "ha discovery request",
        145 => "ha discovery reply",
        146 => "mobile router solicitation",
        147 => "mobile router advertisement",
        155 => "RPL",
        200 => "mtrace response",
        201 => "mtrace message",
        _ => return None,
    })
}

fn icmpv6_text(line: &mut String, b: &[u8], len: usize) -> Option<()> {
    let (t, code) = (*b.first()?, *b.get(1)?);
    match icmpv6_type_name(t) {
        Some(name) => {
            let _ = write!(line, "ICMP6, {name}");
        }
        None => {
            let _ = write!(line, "ICMP6, unknown icmp6 type ({t}), length {len}");
            return Some(());
        }
    }
    // The quoted datagram of an error starts at 8.
    let quoted = b.get(8..).unwrap_or_default();
    let _ = match t {
        1 => {
            let _ = match code {
                0 => write!(line, ", unreachable route {}", v6(quoted, 24)?),
                1 => write!(line, ",  unreachable prohibited {}", v6(quoted, 24)?),
                2 => write!(
                    line,
                    ", beyond scope {}, source address {}",
                    v6(quoted, 24)?,
                    v6(quoted, 8)?
                ),
                3 => write!(line, ", unreachable address {}", v6(quoted, 24)?),
                4 => {
                    let dst = v6(quoted, 24)?;
                    let (proto, at) = quoted_upper(quoted)?;
                    let dport = be16(quoted, at + 2)?;
                    match proto {
                        6 => write!(line, ", unreachable port, {dst} tcp port {dport}"),
                        17 => write!(line, ", unreachable port, {dst} udp port {dport}"),
                        p => write!(
                            line,
                            ", unreachable port, {dst} protocol {p} port {dport} unreachable"
                        ),
                    }
                }
                // tcpdump dumps the message in hex here, on lines of its own.
                c => write!(line, ", unknown unreach code ({c})"),
            };
            Ok(())
        }
        2 => write!(line, ", mtu {}", be32(b, 4)?),
        3 => match code {
            0 => write!(line, " for {}", v6(quoted, 24)?),
            1 => write!(line, " (reassembly)"),
            c => write!(line, ", unknown code ({c})"),
        },
        4 => {
            v6(quoted, 24)?;
            let at = be32(b, 4)?;
            match code {
                0 => write!(line, ", erroneous - octet {at}"),
                1 => write!(line, ", next header - octet {at}"),
                2 => write!(line, ", option - octet {at}"),
                3 => write!(line, ", incomplete header chain - octet {at}"),
                c => write!(line, ", code-#{c}"),
            }
        }
        128 | 129 => write!(line, ", id {}, seq {}", be16(b, 4)?, be16(b, 6)?),
        130 if len == 24 => mld(line, b),
        130 if len >= 28 => {
            let _ = write!(line, " v2 [gaddr {}", v6(b, 8)?);
            let sources = be16(b, 26)?;
            if sources > 0 {
                if len < 28 + usize::from(sources) * 16 {
                    line.push_str(" [invalid number of sources]");
                } else {
                    let _ = write!(line, ", {sources} source(s)");
                }
            }
            write!(line, "]")
        }
        130 => write!(line, " unknown-version (len {len}) "),
        131 | 132 => mld(line, b),
        135 => write!(line, ", who has {}", v6(b, 8)?),
        136 => write!(line, ", tgt is {}", v6(b, 8)?),
        137 => write!(line, ", {} to {}", v6(b, 24)?, v6(b, 8)?),
        143 if len < 8 => write!(line, " [invalid len {len}]"),
        143 => write!(line, ", {} group record(s)", be16(b, 6)?),
        144 | 146 => write!(line, ", id 0x{:04x}", be16(b, 4)?),
        _ => Ok(()),
    };
    let _ = write!(line, ", length {len}");
    Some(())
}

/// MLDv1: `max resp delay: N addr: A`, straight after the type's name as tcpdump
/// writes it.
fn mld(line: &mut String, b: &[u8]) -> core::fmt::Result {
    match (be16(b, 4), v6(b, 8)) {
        (Some(delay), Some(addr)) => write!(line, "max resp delay: {delay} addr: {addr}"),
        _ => Ok(()),
    }
}
