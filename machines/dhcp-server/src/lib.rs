//! A sans-IO DHCPv4 server (RFC 2131 §4.3, RFC 2132, RFC 4039 rapid commit).
//!
//! [`Server`] leases addresses from one pool on one subnet. Client messages
//! (the UDP payloads that arrive on port 67) and timeouts go in; replies, each
//! with where it goes ([`Transmit`]: IP destination, UDP port, and how the link
//! delivers it, RFC 2131 §4.1), deadlines and [`Event`]s come out. Time comes in
//! as [`Instant`]s and nothing is random, so the same inputs give the same
//! bytes: the server is meant for tests of DHCP clients and for a deterministic
//! network simulator.
//!
//! What it does, by message (each decision names its RFC clause in the code):
//!
//! - DHCPDISCOVER (RFC 2131 §4.3.1): picks the client's current address, else
//!   its previous one, else the one it asks for (option 50), else the lowest
//!   free one in the pool; reserves it for [`Config::offer_hold`] and sends a
//!   DHCPOFFER. With [`Config::rapid_commit`] and option 80 in the DISCOVER, it
//!   commits the lease and sends a DHCPACK with option 80 (RFC 4039 §4).
//! - DHCPREQUEST (§4.3.2), by client state: SELECTING (option 54) takes up this
//!   server's offer or, naming another server, withdraws it; INIT-REBOOT (option
//!   50, no `ciaddr`) and RENEWING/REBINDING (`ciaddr`) confirm or extend the
//!   client's binding. What cannot be granted is refused with a DHCPNAK, or
//!   left unanswered where the RFC wants silence (see [`Config::authoritative`]).
//! - DHCPDECLINE (§4.3.3) takes the address out of use for
//!   [`Config::decline_hold`]; DHCPRELEASE (§4.3.4) frees it, remembered for the
//!   client; DHCPINFORM (§4.3.5) is answered with the parameters only.
//!
//! Clients are told apart by their client identifier (option 61), else their
//! hardware address ([`ClientKey`], RFC 2131 §4.2). Options sent are those the
//! client asks for in option 55, within its maximum message size (option 57).
//! Memory is bounded: [`Config::max_leases`] bindings, [`Config::max_pending`]
//! replies, [`Config::max_events`] events. The contract (the order of calls,
//! time, the transmit buffer, the deliberate departures from the RFCs) is
//! written on [`Server`]. `no_std` with `alloc`.
//!
//! # Example
//!
//! A client's DHCPDISCOVER, built with [`wirestate_dhcp::Builder`], draws a
//! DHCPOFFER of the lowest pool address, unicast to the client's hardware
//! address; garbage is counted, not answered.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use wirestate_dhcp::{code, Builder, DhcpOption, Message, MessageType};
//! use wirestate_dhcp_server::{Config, HwAddr, LinkDest, Server, CLIENT_PORT};
//! use wirestate_wire::Instant;
//!
//! let cfg = Config {
//!     routers: vec![Ipv4Addr::new(192, 168, 1, 1)],
//!     dns_servers: vec![Ipv4Addr::new(192, 168, 1, 53)],
//!     ..Config::new(
//!         Ipv4Addr::new(192, 168, 1, 2),   // server identifier
//!         Ipv4Addr::new(192, 168, 1, 100), // pool start
//!         Ipv4Addr::new(192, 168, 1, 199), // pool end
//!         Ipv4Addr::new(255, 255, 255, 0),
//!     )
//! };
//! let mut server = Server::new(cfg);
//! let now = Instant::from_millis(1_000);
//!
//! let mac = [2, 0, 0, 0, 0, 1];
//! let mut msg = [0u8; 576];
//! let mut b = Builder::discover(&mut msg, 0x1234, &mac)?;
//! b.option(code::PARAMETER_REQUEST_LIST, &[code::SUBNET_MASK, code::ROUTER])?;
//! let len = b.finish()?;
//! server.handle_message(now, Ipv4Addr::UNSPECIFIED, &msg[..len]);
//!
//! let mut buf = vec![0u8; server.transmit_buffer_len()];
//! let t = server.poll_transmit(now, &mut buf)?.expect("an offer");
//! assert_eq!((t.src, t.dst, t.dst_port), (Ipv4Addr::new(192, 168, 1, 2), Ipv4Addr::new(192, 168, 1, 100), CLIENT_PORT));
//! assert_eq!(t.link, LinkDest::Hardware(HwAddr::ethernet(mac)));
//!
//! let offer = Message::new_checked(&buf[..t.len])?;
//! assert_eq!((offer.op(), offer.xid(), offer.yiaddr()), (2, 0x1234, Ipv4Addr::new(192, 168, 1, 100)));
//! let opts: Vec<DhcpOption> = offer.options().collect::<Result<_, _>>()?;
//! assert!(opts.contains(&DhcpOption::MessageType(MessageType::Offer)));
//! assert!(opts.contains(&DhcpOption::ServerIdentifier(Ipv4Addr::new(192, 168, 1, 2))));
//! assert!(opts.contains(&DhcpOption::LeaseTime(3600)));
//! assert!(opts.iter().any(|o| o.code() == code::ROUTER));
//! // Option 55 did not ask for name servers.
//! assert!(!opts.iter().any(|o| o.code() == code::DOMAIN_NAME_SERVER));
//!
//! // Garbage is counted and dropped, never answered.
//! server.handle_message(now, Ipv4Addr::UNSPECIFIED, b"not dhcp");
//! assert_eq!(server.stats().dropped_malformed, 1);
//! assert_eq!(server.poll_transmit(now, &mut buf)?, None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
mod server;
mod table;

pub use client::{ClientKey, HwAddr};
pub use config::Config;
pub use error::CallError;
pub use server::{Event, LinkDest, Server, Stats, Transmit, CLIENT_PORT, SERVER_PORT};
pub use table::{Binding, BindingState};
pub use wirestate_dns::NameBuf;
