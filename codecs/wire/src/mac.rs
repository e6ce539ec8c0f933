//! IEEE 802 MAC-48 addresses.

use core::fmt;
use core::str::FromStr;

use crate::Error;

/// A 48-bit IEEE 802 MAC address.
///
/// Displays as lowercase colon-separated hex, and parses from that form.
///
/// ```
/// use wirestate_wire::MacAddr;
/// let m: MacAddr = "02:00:5e:10:00:01".parse().unwrap();
/// assert!(m.is_local() && m.is_unicast());
/// assert_eq!(m.to_string(), "02:00:5e:10:00:01");
/// assert!("02:00:5e:10:00".parse::<MacAddr>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// ff:ff:ff:ff:ff:ff.
    pub const BROADCAST: Self = Self([0xff; 6]);
    /// 00:00:00:00:00:00, as in an ARP request's target hardware address.
    pub const UNSPECIFIED: Self = Self([0; 6]);

    /// The six octets.
    pub const fn octets(&self) -> [u8; 6] {
        self.0
    }

    /// Builds an address from a slice of exactly six octets.
    pub fn from_slice(b: &[u8]) -> Option<Self> {
        <[u8; 6]>::try_from(b).ok().map(Self)
    }

    /// All ones.
    pub fn is_broadcast(&self) -> bool {
        *self == Self::BROADCAST
    }

    /// The I/G bit is set (group address; broadcast included).
    pub fn is_multicast(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// The I/G bit is clear.
    pub fn is_unicast(&self) -> bool {
        !self.is_multicast()
    }

    /// The U/L bit is set (locally administered).
    pub fn is_local(&self) -> bool {
        self.0[0] & 0x02 != 0
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Formatted by hand: decoders print millions of these, and six `{:02x}` go
        // through the formatting machinery six times.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b':'; 17];
        for (i, b) in self.0.iter().enumerate() {
            out[i * 3] = HEX[usize::from(b >> 4)];
            out[i * 3 + 1] = HEX[usize::from(b & 0x0f)];
        }
        // Every byte written is ASCII.
        f.pad(core::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for MacAddr {
    type Err = Error;

    /// Parses `aa:bb:cc:dd:ee:ff` (either case, `-` also accepted as separator).
    fn from_str(s: &str) -> Result<Self, Error> {
        const RULE: &str = "six groups of two hex digits separated by ':'";
        let mut out = [0u8; 6];
        let mut parts = s.split([':', '-']);
        for (i, slot) in out.iter_mut().enumerate() {
            let part =
                parts.next().ok_or(Error::Malformed { field: "mac", offset: i * 3, rule: RULE })?;
            if part.len() != 2 {
                return Err(Error::Malformed { field: "mac", offset: i * 3, rule: RULE });
            }
            *slot = u8::from_str_radix(part, 16).map_err(|_| Error::Malformed {
                field: "mac",
                offset: i * 3,
                rule: RULE,
            })?;
        }
        if parts.next().is_some() {
            return Err(Error::Malformed { field: "mac", offset: 17, rule: RULE });
        }
        Ok(Self(out))
    }
}

impl From<[u8; 6]> for MacAddr {
    fn from(b: [u8; 6]) -> Self {
        Self(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn classifies() {
        assert!(MacAddr::BROADCAST.is_broadcast() && MacAddr::BROADCAST.is_multicast());
        assert!(MacAddr([0x01, 0, 0x5e, 0, 0, 1]).is_multicast());
        assert!(MacAddr([0x00, 0x1b, 0x21, 1, 2, 3]).is_unicast());
        assert!(!MacAddr([0x00, 0x1b, 0x21, 1, 2, 3]).is_local());
    }

    #[test]
    fn parses_and_prints() {
        let m: MacAddr = "AA-bb-CC-dd-EE-ff".parse().unwrap();
        assert_eq!(m.to_string(), "aa:bb:cc:dd:ee:ff");
        assert!("aa:bb:cc:dd:ee:ff:00".parse::<MacAddr>().is_err());
        assert!("aa:bb:cc:dd:ee:f".parse::<MacAddr>().is_err());
        assert!("gg:bb:cc:dd:ee:ff".parse::<MacAddr>().is_err());
        assert_eq!(MacAddr::from_slice(&[1, 2, 3]), None);
    }
}
