//! Shared pieces of the wirestate codecs.
//!
//! - [`Error`]: the one typed error every codec returns. Each variant names the field,
//!   the offset (from the start of the codec's input) and the rule that was broken.
//! - [`checksum`]: the Internet checksum (RFC 1071; with AVX2 where the CPU has it),
//!   its incremental update (RFC 1624) and the IPv4 / IPv6 pseudo-header sums
//!   (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1).
//! - [`MacAddr`]: a 48-bit IEEE 802 address.
//! - [`IpProtocol`]: the IP protocol / IPv6 next-header number space.
//! - [`bytes`]: big-endian reads and writes at named offsets, and the length check
//!   every checked constructor starts with.
//! - [`Instant`]: time as the state machines take it, a value passed in.
//! - [`Entropy`] and [`SeededRandom`]: randomness as the state machines take it,
//!   a source passed in.
//!
//! The crate is `#![no_std]`; the `std` feature only adds `std::error::Error`
//! conformance through `core::error::Error`, which it already has.
#![no_std]
// `unsafe` only in `checksum::simd`: the one call into the AVX2 sum after the CPU
// was checked for AVX2 (measured, and checked against the portable sum; see there).
#![deny(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

pub mod bytes;
pub mod checksum;
mod error;
mod ip_protocol;
mod mac;
pub mod random;
mod time;

pub use error::{Error, Result};
pub use ip_protocol::IpProtocol;
pub use mac::MacAddr;
pub use random::{Entropy, SeededRandom};
pub use time::Instant;

/// Whether this CPU runs AVX2 code: what the AVX2 fast paths (the checksum here,
/// wirestate-http1's head parser) check before their one `unsafe` call. With std
/// the answer is cached by `is_x86_feature_detected!` (one load after the first
/// call); without it, whether the build targets AVX2.
///
/// ```
/// let _ = wirestate_wire::has_avx2();
/// ```
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn has_avx2() -> bool {
    #[cfg(feature = "std")]
    return std::is_x86_feature_detected!("avx2");
    #[cfg(not(feature = "std"))]
    return cfg!(target_feature = "avx2");
}
