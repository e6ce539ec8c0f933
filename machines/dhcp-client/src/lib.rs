//! A sans-IO DHCPv4 client (RFC 2131).
//!
//! [`Client`] takes one interface from INIT to BOUND and keeps it there: every
//! client state of RFC 2131 figure 5 (INIT, SELECTING, REQUESTING, BOUND,
//! RENEWING, REBINDING, INIT-REBOOT, REBOOTING), DHCPINFORM for a statically
//! configured host, DHCPRELEASE, address conflict detection with ARP probes and
//! announcements (RFC 5227) through events, and rapid commit (RFC 4039) with its
//! fall back to the four-message exchange. A BOOTP server's reply is taken too
//! (RFC 1534), and so are options that run to the end of the packet without an
//! end option.
//!
//! Messages (UDP payloads), ARP sightings, timeouts and commands go in;
//! messages ([`Transmit`]), deadlines (one table of [`Timer`]s) and [`Event`]s
//! come out, the lease as a plain [`Lease`] value. Time is passed in as
//! [`Instant`]s and randomness through [`Entropy`], so every run replays from
//! its seed. The contract is written on [`Client`].
//!
//! ```
//! use core::net::Ipv4Addr;
//! use wirestate_dhcp::{Builder, code};
//! use wirestate_dhcp_client::{Client, Config, Event, SeededRandom, State};
//! use wirestate_wire::Instant;
//!
//! let mac = [2, 0, 0, 0, 0, 1];
//! let mut config = Config::new(mac);
//! config.conflict_detection = false; // no ARP in this example
//! let mut client = Client::new(config, SeededRandom::new(42));
//! let now = Instant::ZERO;
//! client.start(now).unwrap();
//! let mut buf = vec![0u8; client.transmit_buffer_len()];
//! client.poll_transmit(now, &mut buf).unwrap().unwrap(); // DISCOVER
//!
//! // A server's OFFER, then its ACK, each with the client's xid.
//! let server = Ipv4Addr::new(10, 0, 0, 1);
//! let mine = Ipv4Addr::new(10, 0, 0, 50);
//! let reply = |mt, xid| {
//!     let mut out = vec![0u8; 576];
//!     let mut b = Builder::new(&mut out, mt, xid, &mac).unwrap();
//!     b.header().set_yiaddr(mine);
//!     b.ipv4(code::SERVER_IDENTIFIER, server).unwrap();
//!     b.u32(code::LEASE_TIME, 3600).unwrap();
//!     b.ipv4(code::SUBNET_MASK, Ipv4Addr::new(255, 255, 255, 0)).unwrap();
//!     let len = b.finish().unwrap();
//!     out.truncate(len);
//!     out
//! };
//! use wirestate_dhcp::MessageType;
//! client.handle_message(now, server, &reply(MessageType::Offer, client.xid()));
//! assert_eq!(client.state(), State::Requesting);
//! client.poll_transmit(now, &mut buf).unwrap().unwrap(); // REQUEST
//! client.handle_message(now, server, &reply(MessageType::Ack, client.xid()));
//! assert_eq!(client.state(), State::Bound);
//! let Some(Event::Bound(lease)) = client.poll_event() else { panic!() };
//! assert_eq!((lease.address, lease.prefix_len()), (mine, Some(24)));
//! ```
//!
//! # On a real network
//!
//! The machine does no IO, so a host drives it the same way on a real link as in
//! the simulator: it hands over every UDP payload that arrives on port 68 (before
//! the interface has an address that takes a packet socket or a UDP socket bound
//! to 0.0.0.0:68 on the interface, with `SO_BROADCAST`), sends each [`Transmit`]
//! from port 68 to port 67 at its `dst` (255.255.255.255 as a link-layer
//! broadcast), feeds ARP packets to [`Client::handle_arp`] while an address is
//! probed or held, sends the ARP probes and announcements the events ask for,
//! and configures the address, routes and resolver from the [`Lease`]. The
//! tests replay dnsmasq's recorded replies (`tests/dnsmasq.rs`); a live run
//! against dnsmasq in a network namespace is the host's job.
//!
//! [`Instant`]: wirestate_wire::Instant
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod client;
mod config;
mod error;
mod event;
mod lease;
mod random;
mod timer;

pub use client::{Client, Offer, State, Stats, Transmit};
pub use config::{Config, HwAddr, OfferPolicy};
pub use error::CallError;
pub use event::{Event, LossReason};
pub use lease::{Lease, LeaseKind, Route};
pub use random::{Entropy, SeededRandom};
pub use timer::Timer;
