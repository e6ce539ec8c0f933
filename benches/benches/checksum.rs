//! The Internet checksum over 64, 576 and 1500 bytes, beside smoltcp's and etherparse's.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

fn data(len: usize) -> Vec<u8> {
    // Deterministic, not all zeros, so carries happen.
    (0..len).map(|i| (i as u8).wrapping_mul(151).wrapping_add(7)).collect()
}

fn checksum(c: &mut Criterion) {
    for len in [64usize, 576, 1500] {
        let buf = data(len);
        // All three must agree, or the race means nothing.
        let ours = wirestate_wire::checksum::sum(&buf);
        assert_eq!(ours, smoltcp::wire::checksum::data(&buf));
        // etherparse sums in native byte order and leaves the result that way.
        let theirs = etherparse::checksum::Sum16BitWords::new().add_slice(&buf).ones_complement();
        assert_eq!(!ours, u16::from_be_bytes(theirs.to_ne_bytes()));

        let mut g = c.benchmark_group(format!("checksum_{len}B"));
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
            b.iter(|| wirestate_wire::checksum::sum(black_box(&buf)))
        });
        g.bench_function(BenchmarkId::from_parameter("smoltcp"), |b| {
            b.iter(|| smoltcp::wire::checksum::data(black_box(&buf)))
        });
        g.bench_function(BenchmarkId::from_parameter("etherparse"), |b| {
            b.iter(|| {
                etherparse::checksum::Sum16BitWords::new()
                    .add_slice(black_box(&buf))
                    .ones_complement()
            })
        });
        g.finish();
    }
}

/// Copying a segment's payload and summing it, as a sender filling a segment
/// from its buffer does: ours in one call (`wirestate`) or a copy and then a sum;
/// smoltcp, which has no fused form, a copy and then its sum. An Ethernet MSS and
/// a jumbo frame's (from 2048 bytes on, ours copies and sums in one pass).
fn copy_and_sum(c: &mut Criterion) {
    for len in [1460usize, 9000] {
        let src = data(len);
        let mut dst = vec![0u8; len];
        assert_eq!(
            wirestate_wire::checksum::copy_and_sum(&mut dst, &src),
            wirestate_wire::checksum::sum(&src)
        );
        assert_eq!(dst, src);
        let mut g = c.benchmark_group(format!("copy_and_sum_{len}B"));
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
            b.iter(|| wirestate_wire::checksum::copy_and_sum(black_box(&mut dst), black_box(&src)))
        });
        g.bench_function(BenchmarkId::from_parameter("wirestate_copy_then_sum"), |b| {
            b.iter(|| {
                black_box(&mut dst).copy_from_slice(black_box(&src));
                wirestate_wire::checksum::sum(&dst)
            })
        });
        g.bench_function(BenchmarkId::from_parameter("smoltcp"), |b| {
            b.iter(|| {
                black_box(&mut dst).copy_from_slice(black_box(&src));
                smoltcp::wire::checksum::data(&dst)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, checksum, copy_and_sum);
criterion_main!(benches);
