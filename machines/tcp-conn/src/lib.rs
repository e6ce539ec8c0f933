//! A sans-IO TCP endpoint (RFC 9293), built from its parts up.
//!
//! What is here so far, each part pure (time and keys passed in) and tested on its
//! own against its RFC:
//!
//! - [`RttEstimator`] and [`RttTimer`]: the retransmission timeout of RFC 6298 (SRTT,
//!   RTTVAR, clock granularity, floor and ceiling, exponential backoff) and Karn's
//!   rule for which segments may be timed.
//! - [`IsnGenerator`]: initial sequence numbers as RFC 6528 defines them, a keyed
//!   hash of the connection's 4-tuple plus a 4-microsecond clock, with the key and
//!   the clock supplied by the caller.
//!
//! The connection state machine itself (the eleven states, buffers, loss recovery,
//! congestion control) is not built yet; it will use these parts.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

mod isn;
mod rtt;

pub use isn::IsnGenerator;
pub use rtt::{RtoConfig, RttEstimator, RttTimer};
