#![no_main]
//! Arbitrary sequences of TCP segments (ports 53 and 80, any sequence numbers, flags
//! and payloads, some cut short as by a snap length) through the decode
//! reassembler with small bounds: never a panic, the layers always serialise, and
//! after every segment the octets buffered stay within the per-connection and total
//! bounds and the connections within their count.

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wirestate::decode::reassembly::{Config, Reassembler, Segment};
use wirestate::tcp::Flags;

#[derive(Arbitrary, Debug)]
struct Op {
    /// Which of 8 connections (client port), and which server port.
    conn: u8,
    /// From the server (true) or the client.
    from_server: bool,
    /// The sequence number's distance from the connection's base, or (`absolute`)
    /// the sequence number itself.
    seq: u32,
    absolute: bool,
    ack: u32,
    flags: u16,
    payload: Vec<u8>,
    /// Octets on the wire past what was captured.
    cut: u8,
}

#[derive(Arbitrary, Debug)]
struct Input {
    base: u32,
    max_flows: u8,
    max_flow_bytes: u16,
    max_total_bytes: u16,
    ops: Vec<Op>,
}

fuzz_target!(|input: Input| {
    let config = Config {
        max_flows: usize::from(input.max_flows % 8) + 1,
        max_flow_bytes: usize::from(input.max_flow_bytes),
        max_total_bytes: usize::from(input.max_total_bytes),
    };
    let flow_bound = config.max_flow_bytes.min(config.max_total_bytes);
    let mut r = Reassembler::new(config);
    let client_addr = "192.0.2.1".parse().unwrap();
    let server_addr = "192.0.2.2".parse().unwrap();
    for (i, op) in input.ops.iter().enumerate() {
        let client = (client_addr, 40000 + u16::from(op.conn % 8));
        let server = (server_addr, if op.conn & 8 == 0 { 53 } else { 80 });
        let (src, dst) = if op.from_server { (server, client) } else { (client, server) };
        let seq = if op.absolute {
            op.seq
        } else {
            // Near the base, so segments meet, overlap and leave holes.
            input.base.wrapping_add(op.seq % 4096)
        };
        let seg = Segment {
            src,
            dst,
            seq,
            ack: if op.absolute { op.ack } else { input.base.wrapping_add(op.ack % 4096) },
            flags: Flags(op.flags & Flags::ALL.bits()),
            payload: &op.payload,
            wire_len: op.payload.len() + usize::from(op.cut % 4),
        };
        let out = r.segment(i as u64 + 1, &seg).expect("ports 53 and 80 are reassembled");
        for layer in &out.layers {
            serde_json::to_string(layer).expect("serialises");
        }
        assert!(out.payload_len <= op.payload.len());
        assert!(r.buffered_bytes() <= config.max_total_bytes, "{} buffered", r.buffered_bytes());
        assert!(r.max_flow_buffered() <= flow_bound, "{} in one flow", r.max_flow_buffered());
        assert!(r.flows() <= config.max_flows);
    }
});
