//! The DHCP client under arbitrary reply sequences, ARP sightings, timer runs and
//! commands: no panic, memory bounded, and no lease is ever taken from a reply
//! with the wrong xid, chaddr or message type. Replies are built from arbitrary
//! fields (the xid and chaddr right or wrong, any type, any options) or are raw
//! bytes.
#![no_main]

use arbitrary::Arbitrary;
use core::net::Ipv4Addr;
use core::time::Duration;
use libfuzzer_sys::fuzz_target;
use wirestate_dhcp::{Builder, DhcpOption, Message, MessageType};
use wirestate_dhcp_client::{Client, Config, Event, SeededRandom, State};
use wirestate_wire::Instant;

const MAC: [u8; 6] = [2, 0, 0, 0, 0, 1];

#[derive(Debug, Arbitrary)]
struct Reply {
    /// 1-8 a DHCP type, 0 none (BOOTP), others unknown.
    message_type: u8,
    /// Use the client's current xid, or this one.
    xid: Option<u32>,
    /// Use the client's chaddr, or this one.
    chaddr: Option<[u8; 6]>,
    op: bool,
    yiaddr: [u8; 4],
    /// Options after the type: (code, value).
    options: Vec<(u8, Vec<u8>)>,
    /// Cut the message to this many octets (from the end), to drop END and more.
    cut: u8,
    src: [u8; 4],
}

#[derive(Debug, Arbitrary)]
enum Op {
    Reply(Reply),
    Raw(Vec<u8>),
    Arp { other: bool, sender: [u8; 4], target: [u8; 4] },
    Advance(u16),
    Timeout,
    Start,
    Reboot { address: [u8; 4], lease: u32 },
    Inform([u8; 4]),
    Renew,
    Release,
    Stop,
}

#[derive(Debug, Arbitrary)]
struct Input {
    seed: u64,
    rapid_commit: bool,
    conflict_detection: bool,
    accept_bootp: bool,
    ops: Vec<Op>,
}

fn build(r: &Reply, xid: u32) -> Vec<u8> {
    let mut out = vec![0u8; 1500];
    let chaddr = r.chaddr.unwrap_or(MAC);
    let mt = MessageType::from_u8(r.message_type.max(1));
    let Ok(mut b) = Builder::new(&mut out, mt, xid, &chaddr) else { return vec![] };
    b.header().set_yiaddr(Ipv4Addr::from(r.yiaddr));
    b.header().set_op(if r.op { 2 } else { 1 });
    for (code, v) in &r.options {
        if b.option(*code, v).is_err() {
            break;
        }
    }
    let Ok(len) = b.finish() else { return vec![] };
    out.truncate(len.saturating_sub(usize::from(r.cut)).max(236));
    if r.message_type == 0 {
        // No cookie: a BOOTP reply.
        let n = out.len().min(240);
        out[236..n].fill(0);
    }
    out
}

/// Runs due timers and drains what they produced.
fn settle(c: &mut Client<SeededRandom>, now: Instant, buf: &mut [u8]) {
    c.handle_timeout(now);
    while let Ok(Some(_)) = c.poll_transmit(now, buf) {}
    while c.poll_event().is_some() {}
}

fn lease_taken(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e, Event::Bound(_) | Event::Renewed(_) | Event::Changed(_)))
}

fuzz_target!(|input: Input| {
    let mut config = Config::new(MAC);
    config.rapid_commit = input.rapid_commit;
    config.conflict_detection = input.conflict_detection;
    config.accept_bootp = input.accept_bootp;
    let mut c = Client::new(config, SeededRandom::new(input.seed));
    let mut now = Instant::ZERO;
    let mut buf = vec![0u8; c.transmit_buffer_len()];
    for op in input.ops.iter().take(256) {
        let mut reply_ok = None;
        // Timers due now run first inside handle_message; run them here so a
        // probe that ends now is not blamed on the reply.
        if matches!(op, Op::Reply(_) | Op::Raw(_)) {
            settle(&mut c, now, &mut buf);
        }
        let before = (c.state(), c.xid());
        match op {
            Op::Reply(r) => {
                let xid = r.xid.unwrap_or(c.xid());
                let bytes = build(r, xid);
                let m = Message::new_checked_bootp(&bytes[..]);
                let right = m.as_ref().is_ok_and(|m| {
                    m.xid() == before.1
                        && m.client_hw_addr() == MAC
                        && m.htype() == 1
                        && m.op() == 2
                });
                // Which types may put a lease in place: ACK (REQUESTING, REBOOTING,
                // RENEWING, REBINDING, or SELECTING with rapid commit) and a BOOTP
                // reply (SELECTING). The type is the one the client sees: a cut
                // may remove the cookie or option 53, making a BOOTP reply of it.
                let mt = m.as_ref().ok().and_then(|m| {
                    m.options().find_map(|o| match o {
                        Ok(DhcpOption::MessageType(t)) => Some(t.to_u8()),
                        _ => None,
                    })
                });
                let bootp = mt.is_none() && before.0 == State::Selecting;
                let type_ok = mt == Some(5) || bootp;
                reply_ok = Some(right && type_ok);
                c.handle_message(now, Ipv4Addr::from(r.src), &bytes);
            }
            Op::Raw(b) => {
                reply_ok = Some(false);
                c.handle_message(now, Ipv4Addr::new(10, 0, 0, 1), b);
            }
            Op::Arp { other, sender, target } => {
                let hw = if *other { [2, 9, 9, 9, 9, 9] } else { MAC };
                c.handle_arp(now, &hw, Ipv4Addr::from(*sender), Ipv4Addr::from(*target));
            }
            Op::Advance(ms) => now = now + Duration::from_millis(u64::from(*ms) * 100),
            Op::Timeout => {
                if let Some(at) = c.poll_timeout() {
                    now = now.max(at);
                }
                c.handle_timeout(now);
            }
            Op::Start => {
                let _ = c.start(now);
            }
            Op::Reboot { address, lease } => {
                if let Some(l) = c.stop() {
                    let mut l = l;
                    l.address = Ipv4Addr::from(*address);
                    l.lease_time = Some(Duration::from_secs(u64::from(*lease)));
                    let _ = c.start_reboot(now, l);
                }
            }
            Op::Inform(a) => {
                let _ = c.inform(now, Ipv4Addr::from(*a));
            }
            Op::Renew => {
                let _ = c.renew(now);
            }
            Op::Release => {
                let _ = c.release(now);
            }
            Op::Stop => {
                c.stop();
            }
        }
        while let Ok(Some(t)) = c.poll_transmit(now, &mut buf) {
            assert!(
                Message::new_checked(&buf[..t.len]).is_ok(),
                "the client sent a broken message"
            );
        }
        let mut events = Vec::new();
        while let Some(e) = c.poll_event() {
            events.push(e);
        }
        assert!(events.len() <= 8, "one event of each kind at most");
        assert!(c.offers().len() <= c.config().max_offers);
        if let Some(ok) = reply_ok {
            let taken =
                lease_taken(&events) || (c.state() == State::Probing && before.0 != State::Probing);
            assert!(!taken || ok, "a lease from a reply with the wrong xid, chaddr or type");
        }
        if let (Some(l), Some(end)) = (c.lease(), c.lease().and_then(|l| l.expires_at())) {
            assert!(now < end, "a lease held past its end: {l:?}");
        }
    }
});
