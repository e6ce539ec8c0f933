//! A sans-IO TCP endpoint (RFC 9293).
//!
//! [`Connection`] is one connection through all eleven states of RFC 9293 §3.3.2;
//! [`Listener`] answers SYNs on a port with a bounded backlog (and SYN cookies as
//! an option) and hands out connections.
//!
//! Segments ([`wirestate_tcp::Repr`] or wire bytes), timeouts and user calls go
//! in; segments, deadlines (one table of [`Timer`]s) and [`Event`]s come out. Time
//! is passed in as [`Instant`]s and the secret for initial sequence numbers is an
//! [`IsnKey`] in [`Config`], so every run replays exactly. Memory is bounded: the
//! buffers are allocated once at their configured sizes, the out-of-order and
//! SACK tables have fixed sizes, and at most one event of each kind waits. A
//! connection that fails keeps its [`ConnectionError`]; a refused call says why
//! with a [`CallError`]. The contract (the order of calls, time, the transmit
//! buffer, the timers, and the deliberate departures from the RFCs) is written on
//! [`Connection`]. `no_std`; the connection and the listener need the `alloc`
//! feature (on with `std`, the default).
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
mod ecn;
mod error;
mod isn;
#[cfg(feature = "alloc")]
mod listener;
mod rtt;
#[cfg(feature = "alloc")]
mod scoreboard;

pub use cc::{Algorithm, CongestionControl, Controller, Cubic, NewReno};
pub use config::{Config, EcnMode, Keepalive};
#[cfg(feature = "alloc")]
pub use conn::{reset_for, Close, Connection, Event, State, Stats, Timer, Transmit};
pub use ecn::Ecn;
pub use error::{CallError, ConnectionError};
pub use isn::{IsnGenerator, IsnKey};
#[cfg(feature = "alloc")]
pub use listener::{Listener, ListenerStats};
pub use rtt::{RtoConfig, RttEstimator, RttTimer};
