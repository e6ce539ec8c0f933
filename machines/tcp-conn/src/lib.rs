//! A sans-IO TCP endpoint (RFC 9293).
//!
//! [`Connection`] is one connection through all eleven states of RFC 9293 §3.3.2;
//! [`Listener`] answers SYNs on a port with a bounded backlog (and SYN cookies as
//! an option) and hands out connections.
//!
//! segments ([`wirestate_tcp::Repr`]), timeouts and user calls go in; segments,
//! deadlines and [`Event`]s come out. Time is passed in as [`Instant`]s and the
//! secret for initial sequence numbers is part of [`Config`], so every run replays
//! exactly. Memory is bounded: the buffers are allocated once at their configured
//! sizes, and the out-of-order and SACK tables have fixed sizes. `no_std`; the
//! connection and the listener need the `alloc` feature (on with `std`, the
//! default).
//!
//! The parts, each tested on its own:
//!
//! - [`RttEstimator`] and [`RttTimer`]: the retransmission timeout of RFC 6298 and
//!   Karn's rule.
//! - [`IsnGenerator`]: RFC 6528 initial sequence numbers.
//! - [`CongestionControl`], with [`NewReno`] (RFC 5681, RFC 6582) and [`Cubic`]
//!   (RFC 9438).
//!
//! [`Instant`]: wirestate_wire::Instant
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
mod buffer;
mod cc;
mod config;
#[cfg(feature = "alloc")]
mod conn;
mod isn;
#[cfg(feature = "alloc")]
mod listener;
mod rtt;
#[cfg(feature = "alloc")]
mod scoreboard;

pub use cc::{Algorithm, CongestionControl, Controller, Cubic, NewReno};
pub use config::{Config, Keepalive};
#[cfg(feature = "alloc")]
pub use conn::{reset_for, CallError, Connection, Event, State, Stats, Transmit};
pub use isn::IsnGenerator;
#[cfg(feature = "alloc")]
pub use listener::{Listener, ListenerStats};
pub use rtt::{RtoConfig, RttEstimator, RttTimer};
