//! Initial sequence numbers (RFC 6528).

use core::hash::Hasher;
use core::net::{IpAddr, SocketAddr};

use siphasher::sip::SipHasher24;
use wirestate_tcp::SeqNumber;
use wirestate_wire::Instant;

/// The secret key of [`IsnGenerator`] (RFC 6528 §3's `secretkey`), also used for
/// timestamp offsets (RFC 7323 §5.4) and SYN cookies (RFC 4987 §3.6): 128 bits
/// the caller draws from its entropy source, once per host (and again from time
/// to time, as RFC 6528 §3 recommends: make a new generator).
///
/// There is no default and no constant: a key everyone knows (all zeros, say)
/// lets an off-path attacker predict every initial sequence number and forge
/// SYN cookies. `Debug` prints nothing of the key.
///
/// ```
/// use wirestate_tcp_conn::IsnKey;
/// let key = IsnKey::new(*b"from the entropy");
/// assert_eq!(format!("{key:?}"), "IsnKey(..)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IsnKey([u8; 16]);

impl IsnKey {
    /// A key of these 16 secret bytes.
    pub const fn new(bytes: [u8; 16]) -> Self {
        IsnKey(bytes)
    }

    /// The key's bytes, for the keyed hashes of this crate.
    pub(crate) fn bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl core::fmt::Debug for IsnKey {
    /// Without the key.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("IsnKey(..)")
    }
}

/// Chooses initial sequence numbers as RFC 6528 §3 says:
/// `ISN = M + F(localip, localport, remoteip, remoteport, secretkey)`, where `M`
/// is a timer ticking every 4 microseconds and `F` a keyed pseudorandom function,
/// here SipHash-2-4 with a 128-bit key (the RFC names MD5 as one choice and asks
/// for a function that is hard to invert; SipHash is what Linux uses).
///
/// Neither the key nor the clock is read here: the caller draws the key from its
/// entropy source once (RFC 6528 §3: "a secret key ... should be changed
/// periodically" — make a new generator) and passes the time of each connection.
/// Connections to the same peer then start where the last one's numbers could not
/// yet have reached, and an off-path attacker cannot predict them.
///
/// ```
/// use wirestate_tcp_conn::{IsnGenerator, IsnKey};
/// use wirestate_wire::Instant;
/// let isn = IsnGenerator::new(IsnKey::new([7; 16]));
/// let (local, remote) = ("10.0.0.2:40000".parse().unwrap(), "10.0.0.1:80".parse().unwrap());
/// let a = isn.isn(Instant::from_millis(1), local, remote);
/// // Same tuple one millisecond later: the clock part moved on by 250 ticks.
/// let b = isn.isn(Instant::from_millis(2), local, remote);
/// assert_eq!(b.diff(a), 250);
/// ```
#[derive(Clone)]
pub struct IsnGenerator {
    key: IsnKey,
}

impl core::fmt::Debug for IsnGenerator {
    /// Without the key.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("IsnGenerator { .. }")
    }
}

/// One tick of `M`: 4 microseconds (RFC 6528 §3, after RFC 793).
const TICK_NANOS: u64 = 4_000;

impl IsnGenerator {
    /// A generator with the secret `key`.
    pub fn new(key: IsnKey) -> Self {
        IsnGenerator { key }
    }

    /// The initial sequence number for a connection from `local` to `remote`
    /// opened at `now`.
    pub fn isn(&self, now: Instant, local: SocketAddr, remote: SocketAddr) -> SeqNumber {
        // M wraps every 2^32 ticks (about 4.8 hours), as a 32-bit counter does.
        let m = (now.as_nanos() / TICK_NANOS) as u32;
        let mut f = SipHasher24::new_with_key(self.key.bytes());
        for addr in [local, remote] {
            match addr.ip() {
                IpAddr::V4(ip) => {
                    f.write_u8(4);
                    f.write(&ip.octets());
                }
                IpAddr::V6(ip) => {
                    f.write_u8(6);
                    f.write(&ip.octets());
                }
            }
            f.write_u16(addr.port());
        }
        // The low 32 bits of the 64-bit SipHash output.
        SeqNumber(m.wrapping_add(f.finish() as u32))
    }
}
