//! Bulk transfer between two TCP endpoints in memory, beside smoltcp's TCP socket
//! doing the same work in the same run: open, move 1 MiB one way in 1460-byte
//! segments (MTU 1500), close. Both compute and verify checksums.
//!
//! wirestate: two `Connection`s; every segment is written with its checksum,
//! parsed back and verified (`Repr::parse_verified`) before the peer sees it.
//! smoltcp: two sockets on one `Interface` over an in-memory IP device with a
//! 1500-byte MTU (its `Loopback` has a 65535-byte MTU and skips checksums, so it
//! would not be the same work). smoltcp's time includes its IPv4 layer, which it
//! cannot run without; ours does not parse an IP header. Time advances 10 us per
//! round on both sides, so delayed-ACK timers run the same way.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wirestate_tcp::{Repr, Segment};
use wirestate_tcp_conn::{Config, Connection, State};
use wirestate_wire::Instant;

const TOTAL: usize = 1 << 20;
const BUFFER: usize = 256 * 1024;

fn wirestate_transfer(data: &[u8]) -> usize {
    let a_addr = "10.0.0.1:40000".parse().unwrap();
    let b_addr = "10.0.0.2:5001".parse().unwrap();
    let cfg = Config { send_buffer: BUFFER, recv_buffer: BUFFER, ..Config::default() };
    let mut now = Instant::from_millis(1);
    let mut a = Connection::connect(now, cfg, a_addr, b_addr);
    let mut b = Connection::listen(cfg, b_addr);
    let mut buf = [0u8; 1600];
    let mut sink = vec![0u8; BUFFER];
    let (mut sent, mut got, mut closed) = (0, 0, false);
    loop {
        if sent < data.len() {
            sent += a.send(&data[sent..]).unwrap_or(0);
        } else if !closed && a.state() == State::Established {
            a.close(now);
            closed = true;
        }
        while let Some(t) = a.poll_transmit(now, &mut buf) {
            let seg = Segment::new_checked(&buf[..t.len]).unwrap();
            let r = Repr::parse_verified(&seg, t.local.ip(), t.remote.ip()).unwrap();
            b.handle_segment(now, t.local.ip(), &r);
        }
        got += b.recv(&mut sink);
        if got == data.len() && b.state() == State::CloseWait {
            b.close(now);
        }
        while let Some(t) = b.poll_transmit(now, &mut buf) {
            let seg = Segment::new_checked(&buf[..t.len]).unwrap();
            let r = Repr::parse_verified(&seg, t.local.ip(), t.remote.ip()).unwrap();
            a.handle_segment(now, t.local.ip(), &r);
        }
        if b.state() == State::Closed && matches!(a.state(), State::TimeWait | State::Closed) {
            break;
        }
        now += core::time::Duration::from_micros(10);
        for c in [&mut a, &mut b] {
            if c.poll_timeout().is_some_and(|t| t <= now) {
                c.handle_timeout(now);
            }
        }
    }
    got
}

mod smol {
    use super::*;
    use smoltcp::iface::{Config as IfConfig, Interface, SocketSet};
    use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
    use smoltcp::socket::tcp;
    use smoltcp::time::Instant as SInstant;
    use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};

    /// An in-memory IP device with a 1500-byte MTU and checksums on.
    pub struct Pipe {
        queue: VecDeque<Vec<u8>>,
    }

    pub struct Rx(Vec<u8>);
    pub struct Tx<'a>(&'a mut VecDeque<Vec<u8>>);

    impl phy::RxToken for Rx {
        fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
            f(&self.0)
        }
    }

    impl phy::TxToken for Tx<'_> {
        fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
            let mut b = vec![0; len];
            let r = f(&mut b);
            self.0.push_back(b);
            r
        }
    }

    impl Device for Pipe {
        type RxToken<'a> = Rx;
        type TxToken<'a> = Tx<'a>;
        fn receive(&mut self, _: SInstant) -> Option<(Rx, Tx<'_>)> {
            let b = self.queue.pop_front()?;
            Some((Rx(b), Tx(&mut self.queue)))
        }
        fn transmit(&mut self, _: SInstant) -> Option<Tx<'_>> {
            Some(Tx(&mut self.queue))
        }
        fn capabilities(&self) -> DeviceCapabilities {
            let mut c = DeviceCapabilities::default();
            c.max_transmission_unit = 1500;
            c.medium = Medium::Ip;
            c
        }
    }

    pub fn transfer(data: &[u8]) -> usize {
        let mut dev = Pipe { queue: VecDeque::new() };
        let mut now = SInstant::from_millis(1);
        let mut iface = Interface::new(IfConfig::new(HardwareAddress::Ip), &mut dev, now);
        iface.update_ip_addrs(|a| {
            a.push(IpCidr::new(IpAddress::v4(127, 0, 0, 1), 8)).unwrap();
        });
        let sock = || {
            tcp::Socket::new(
                tcp::SocketBuffer::new(vec![0; BUFFER]),
                tcp::SocketBuffer::new(vec![0; BUFFER]),
            )
        };
        let mut sockets = SocketSet::new(vec![]);
        let server = sockets.add(sock());
        let client = sockets.add(sock());
        sockets.get_mut::<tcp::Socket>(server).listen(5001).unwrap();
        sockets
            .get_mut::<tcp::Socket>(client)
            .connect(iface.context(), (IpAddress::v4(127, 0, 0, 1), 5001), 40000)
            .unwrap();
        let (mut sent, mut got, mut closed) = (0, 0, false);
        loop {
            iface.poll(now, &mut dev, &mut sockets);
            let c = sockets.get_mut::<tcp::Socket>(client);
            if sent < data.len() {
                if c.can_send() {
                    sent += c.send_slice(&data[sent..]).unwrap();
                }
            } else if !closed {
                c.close();
                closed = true;
            }
            let s = sockets.get_mut::<tcp::Socket>(server);
            while s.can_recv() {
                got += s.recv(|b| (b.len(), b.len())).unwrap();
            }
            if got == data.len() && s.state() == tcp::State::CloseWait {
                s.close();
            }
            let c_state = sockets.get::<tcp::Socket>(client).state();
            let s_state = sockets.get::<tcp::Socket>(server).state();
            if matches!(s_state, tcp::State::Closed | tcp::State::Listen)
                && matches!(c_state, tcp::State::TimeWait | tcp::State::Closed)
                && got == data.len()
            {
                break;
            }
            now += smoltcp::time::Duration::from_micros(10);
        }
        got
    }
}

fn bench(c: &mut Criterion) {
    let data: Vec<u8> = (0..TOTAL).map(|i| i as u8).collect();
    assert_eq!(wirestate_transfer(&data), TOTAL);
    assert_eq!(smol::transfer(&data), TOTAL);
    let mut g = c.benchmark_group("tcp_bulk_1MiB");
    g.throughput(Throughput::Bytes(TOTAL as u64));
    g.sample_size(20);
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
        b.iter(|| wirestate_transfer(black_box(&data)))
    });
    g.bench_function(BenchmarkId::from_parameter("smoltcp"), |b| {
        b.iter(|| smol::transfer(black_box(&data)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
