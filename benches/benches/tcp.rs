//! Bulk transfer between two TCP endpoints in memory, beside smoltcp's TCP socket
//! doing the same work in the same run: over an established connection, move
//! 1 MiB one way in 1460-byte segments (MTU 1500), until the receiver has read it
//! all. Both compute and verify checksums. (Setup is outside the measurement: a
//! run that opens and closes each time measures page faults on fresh buffers.)
//!
//! wirestate: two `Connection`s; every segment is written with its checksum
//! and handed to the peer as bytes (`Connection::handle_segment_bytes`), which parses it and
//! verifies the checksum (for in-order data, summed as the payload is copied
//! into the receive buffer) before anything changes.
//! smoltcp: two sockets on one `Interface` over an in-memory IP device with a
//! 1500-byte MTU (its `Loopback` has a 65535-byte MTU and skips checksums, so it
//! would not be the same work). smoltcp's time includes its IPv4 layer, which it
//! cannot run without; ours does not parse an IP header. Time advances 10 us per
//! round on both sides, so delayed-ACK timers run the same way.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wirestate_tcp_conn::{Config, Connection, IsnKey, State};
use wirestate_wire::Instant;

const TOTAL: usize = 1 << 20;
const BUFFER: usize = 256 * 1024;

/// Two established wirestate connections; each `transfer` moves `data` from A to B.
struct Ws {
    a: Connection,
    b: Connection,
    now: Instant,
    buf: Vec<u8>,
}

impl Ws {
    fn new() -> Self {
        let a_addr = "10.0.0.1:40000".parse().unwrap();
        let b_addr = "10.0.0.2:5001".parse().unwrap();
        let key = IsnKey::new(*b"wirestate bench!");
        let cfg = Config { send_buffer: BUFFER, recv_buffer: BUFFER, ..Config::new(key) };
        let now = Instant::from_millis(1);
        let mut w = Ws {
            a: Connection::connect(now, cfg, a_addr, b_addr),
            b: Connection::listen(cfg, b_addr),
            now,
            buf: vec![0; 1600],
        };
        w.transfer(&[]);
        assert_eq!((w.a.state(), w.b.state()), (State::Established, State::Established));
        w
    }

    /// One round: A's segments to B, B's to A, time moves 10 us.
    fn round(&mut self) -> usize {
        let (a, b, buf) = (&mut self.a, &mut self.b, &mut self.buf);
        while let Some(t) = a.poll_transmit(self.now, buf).unwrap() {
            b.handle_segment_bytes(self.now, t.local.ip(), &buf[..t.len]).unwrap();
        }
        // Read in place, as the smoltcp side does with its `recv` closure.
        let mut got = 0;
        loop {
            let n = b.recv_with(|bytes| bytes.len()).unwrap();
            if n == 0 {
                break;
            }
            got += n;
        }
        while let Some(t) = b.poll_transmit(self.now, buf).unwrap() {
            a.handle_segment_bytes(self.now, t.local.ip(), &buf[..t.len]).unwrap();
        }
        self.now += core::time::Duration::from_micros(10);
        for c in [&mut self.a, &mut self.b] {
            if c.poll_timeout().is_some_and(|t| t <= self.now) {
                c.handle_timeout(self.now);
            }
        }
        got
    }

    fn transfer(&mut self, data: &[u8]) -> usize {
        let (mut sent, mut got) = (0, 0);
        let mut rounds = 0;
        while got < data.len() || rounds < 2 {
            if sent < data.len() {
                sent += self.a.send(&data[sent..]).unwrap_or(0);
            }
            got += self.round();
            rounds += 1;
        }
        got
    }
}

mod smol {
    use super::*;
    use smoltcp::iface::{Config as IfConfig, Interface, SocketSet};
    use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
    use smoltcp::socket::tcp;
    use smoltcp::time::Instant as SInstant;
    use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// The millisecond clock smoltcp's timestamps read (its generator is a plain
    /// `fn`, so the bench's clock reaches it through a static).
    static CLOCK_MS: AtomicU32 = AtomicU32::new(0);

    fn tsval() -> u32 {
        CLOCK_MS.load(Ordering::Relaxed)
    }

    /// An in-memory IP device with a 1500-byte MTU and checksums on. Frame
    /// buffers are reused (a fresh allocation per frame would be the device's
    /// cost, not smoltcp's).
    pub struct Pipe(Rc<RefCell<Frames>>);

    #[derive(Default)]
    pub struct Frames {
        queue: VecDeque<Vec<u8>>,
        spare: Vec<Vec<u8>>,
    }

    pub struct Rx(Vec<u8>, Rc<RefCell<Frames>>);
    pub struct Tx(Rc<RefCell<Frames>>);

    impl phy::RxToken for Rx {
        fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
            let Rx(frame, frames) = self;
            let r = f(&frame);
            frames.borrow_mut().spare.push(frame);
            r
        }
    }

    impl phy::TxToken for Tx {
        fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
            let mut frame = self.0.borrow_mut().spare.pop().unwrap_or_default();
            // smoltcp writes every byte of the frame; old contents need no zeroing.
            if frame.len() < len {
                frame.resize(len, 0);
            }
            frame.truncate(len);
            let r = f(&mut frame);
            self.0.borrow_mut().queue.push_back(frame);
            r
        }
    }

    impl Device for Pipe {
        type RxToken<'a> = Rx;
        type TxToken<'a> = Tx;
        fn receive(&mut self, _: SInstant) -> Option<(Rx, Tx)> {
            let frame = self.0.borrow_mut().queue.pop_front()?;
            Some((Rx(frame, self.0.clone()), Tx(self.0.clone())))
        }
        fn transmit(&mut self, _: SInstant) -> Option<Tx> {
            Some(Tx(self.0.clone()))
        }
        fn capabilities(&self) -> DeviceCapabilities {
            let mut c = DeviceCapabilities::default();
            c.max_transmission_unit = 1500;
            c.medium = Medium::Ip;
            c
        }
    }

    /// Two established smoltcp sockets on one interface.
    pub struct Smol {
        dev: Pipe,
        iface: Interface,
        sockets: SocketSet<'static>,
        client: smoltcp::iface::SocketHandle,
        server: smoltcp::iface::SocketHandle,
        now: SInstant,
    }

    impl Smol {
        pub fn new() -> Self {
            let mut dev = Pipe(Rc::new(RefCell::new(Frames::default())));
            let now = SInstant::from_millis(1);
            let mut iface = Interface::new(IfConfig::new(HardwareAddress::Ip), &mut dev, now);
            iface.update_ip_addrs(|a| {
                a.push(IpCidr::new(IpAddress::v4(127, 0, 0, 1), 8)).unwrap();
            });
            let sock = || {
                let mut s = tcp::Socket::new(
                    tcp::SocketBuffer::new(vec![0; BUFFER]),
                    tcp::SocketBuffer::new(vec![0; BUFFER]),
                );
                // The options ours runs with by default: timestamps on every
                // segment and Reno congestion control (smoltcp's defaults are
                // neither).
                s.set_tsval_generator(Some(tsval));
                s.set_congestion_control(tcp::CongestionControl::Reno);
                s
            };
            let mut sockets = SocketSet::new(vec![]);
            let server = sockets.add(sock());
            let client = sockets.add(sock());
            sockets.get_mut::<tcp::Socket>(server).listen(5001).unwrap();
            sockets
                .get_mut::<tcp::Socket>(client)
                .connect(iface.context(), (IpAddress::v4(127, 0, 0, 1), 5001), 40000)
                .unwrap();
            let mut s = Smol { dev, iface, sockets, client, server, now };
            s.transfer(&[]);
            assert_eq!(s.sockets.get::<tcp::Socket>(client).state(), tcp::State::Established);
            s
        }

        pub fn transfer(&mut self, data: &[u8]) -> usize {
            let (mut sent, mut got) = (0, 0);
            let mut rounds = 0;
            while got < data.len() || rounds < 4 {
                self.iface.poll(self.now, &mut self.dev, &mut self.sockets);
                let c = self.sockets.get_mut::<tcp::Socket>(self.client);
                if sent < data.len() && c.can_send() {
                    sent += c.send_slice(&data[sent..]).unwrap();
                }
                let s = self.sockets.get_mut::<tcp::Socket>(self.server);
                while s.can_recv() {
                    got += s.recv(|b| (b.len(), b.len())).unwrap();
                }
                self.now += smoltcp::time::Duration::from_micros(10);
                CLOCK_MS.store(self.now.total_millis() as u32, Ordering::Relaxed);
                rounds += 1;
            }
            got
        }
    }
}

fn bench(c: &mut Criterion) {
    let data: Vec<u8> = (0..TOTAL).map(|i| i as u8).collect();
    let mut ws = Ws::new();
    let mut sm = smol::Smol::new();
    assert_eq!(ws.transfer(&data), TOTAL);
    assert_eq!(sm.transfer(&data), TOTAL);
    let mut g = c.benchmark_group("tcp_bulk_1MiB");
    g.throughput(Throughput::Bytes(TOTAL as u64));
    g.sample_size(20);
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
        b.iter(|| ws.transfer(black_box(&data)))
    });
    g.bench_function(BenchmarkId::from_parameter("smoltcp"), |b| {
        b.iter(|| sm.transfer(black_box(&data)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
