//! The nine TCP control bits (RFC 9293 §3.1, RFC 3168 §6.1, RFC 3540).

use core::fmt;
use core::ops::{BitAnd, BitAndAssign, BitOr, BitOrAssign, BitXor, Not};

/// The TCP control bits: the low nine bits of header bytes 12..14.
///
/// Bit 8 is NS (RFC 3540, ECN nonce sum; historic since RFC 8311, and the AE bit of
/// Accurate ECN drafts), bits 7..0 are CWR, ECE, URG, ACK, PSH, RST, SYN, FIN
/// (RFC 9293 §3.1, RFC 3168 §6.1). A plain newtype so that every wire value,
/// including reserved bits a caller may have set, survives; [`Flags::ALL`] masks to
/// the nine defined bits, and the view only ever reads or writes those.
///
/// ```
/// use wirestate_tcp::Flags;
/// let mut f = Flags::SYN | Flags::ACK;
/// assert!(f.contains(Flags::SYN) && !f.contains(Flags::SYN | Flags::FIN));
/// assert_eq!(f.names().collect::<Vec<_>>(), ["ACK", "SYN"]);
/// f.remove(Flags::SYN);
/// f.insert(Flags::FIN);
/// assert_eq!(f, Flags(0x011));
/// assert_eq!(format!("{f:?}"), "Flags(ACK | FIN)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(pub u16);

/// Every defined bit with its decoder name, from the high bit to the low one: the
/// order tcpdump and Wireshark list them in and the decode JSON's `flag_names` uses.
const NAMES: [(Flags, &str); 9] = [
    (Flags::NS, "NS"),
    (Flags::CWR, "CWR"),
    (Flags::ECE, "ECE"),
    (Flags::URG, "URG"),
    (Flags::ACK, "ACK"),
    (Flags::PSH, "PSH"),
    (Flags::RST, "RST"),
    (Flags::SYN, "SYN"),
    (Flags::FIN, "FIN"),
];

impl Flags {
    /// No more data from sender (RFC 9293 §3.1).
    pub const FIN: Flags = Flags(0x001);
    /// Synchronize sequence numbers (RFC 9293 §3.1).
    pub const SYN: Flags = Flags(0x002);
    /// Reset the connection (RFC 9293 §3.1).
    pub const RST: Flags = Flags(0x004);
    /// Push function (RFC 9293 §3.1).
    pub const PSH: Flags = Flags(0x008);
    /// Acknowledgment field is significant (RFC 9293 §3.1).
    pub const ACK: Flags = Flags(0x010);
    /// Urgent pointer field is significant (RFC 9293 §3.1).
    pub const URG: Flags = Flags(0x020);
    /// ECN-Echo (RFC 3168 §6.1).
    pub const ECE: Flags = Flags(0x040);
    /// Congestion Window Reduced (RFC 3168 §6.1).
    pub const CWR: Flags = Flags(0x080);
    /// ECN nonce sum (RFC 3540, historic; decoders still name this bit "NS").
    pub const NS: Flags = Flags(0x100);
    /// All nine defined bits.
    pub const ALL: Flags = Flags(0x1ff);
    /// No bits.
    pub const EMPTY: Flags = Flags(0);

    /// The raw bits.
    #[inline]
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// Every bit of `other` is set in `self` (true for an empty `other`).
    #[inline]
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Some bit of `other` is set in `self`.
    #[inline]
    pub const fn intersects(self, other: Flags) -> bool {
        self.0 & other.0 != 0
    }

    /// No bit is set.
    #[inline]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Sets the bits of `other`.
    #[inline]
    pub fn insert(&mut self, other: Flags) {
        self.0 |= other.0;
    }

    /// Clears the bits of `other`.
    #[inline]
    pub fn remove(&mut self, other: Flags) {
        self.0 &= !other.0;
    }

    /// Sets the bits of `other` when `on`, clears them otherwise.
    #[inline]
    pub fn set(&mut self, other: Flags, on: bool) {
        if on {
            self.insert(other);
        } else {
            self.remove(other);
        }
    }

    /// The names of the set bits among the nine defined ones, from the high bit to
    /// the low one: `NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN`. Bits outside
    /// [`Flags::ALL`] have no name and are skipped.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        NAMES.iter().filter(move |(bit, _)| self.contains(*bit)).map(|(_, name)| *name)
    }
}

impl fmt::Debug for Flags {
    /// `Flags(ACK | SYN)`, in the order of [`Flags::names`], with any undefined bits
    /// in hex: `Flags(FIN | 0x200)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Flags(")?;
        let mut sep = "";
        for name in self.names() {
            write!(f, "{sep}{name}")?;
            sep = " | ";
        }
        let extra = self.0 & !Flags::ALL.0;
        if extra != 0 {
            write!(f, "{sep}{extra:#x}")?;
        } else if sep.is_empty() {
            f.write_str("empty")?;
        }
        f.write_str(")")
    }
}

impl BitOr for Flags {
    type Output = Flags;
    #[inline]
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl BitOrAssign for Flags {
    #[inline]
    fn bitor_assign(&mut self, rhs: Flags) {
        self.0 |= rhs.0;
    }
}

impl BitAnd for Flags {
    type Output = Flags;
    #[inline]
    fn bitand(self, rhs: Flags) -> Flags {
        Flags(self.0 & rhs.0)
    }
}

impl BitAndAssign for Flags {
    #[inline]
    fn bitand_assign(&mut self, rhs: Flags) {
        self.0 &= rhs.0;
    }
}

impl BitXor for Flags {
    type Output = Flags;
    #[inline]
    fn bitxor(self, rhs: Flags) -> Flags {
        Flags(self.0 ^ rhs.0)
    }
}

impl Not for Flags {
    type Output = Flags;
    /// The complement within the nine defined bits.
    #[inline]
    fn not(self) -> Flags {
        Flags(!self.0 & Flags::ALL.0)
    }
}

impl From<u16> for Flags {
    fn from(v: u16) -> Self {
        Flags(v)
    }
}

impl From<Flags> for u16 {
    fn from(f: Flags) -> u16 {
        f.0
    }
}

// By hand: the derive refers to `std`, which this `no_std` crate does not link.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Flags {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Flags(u.arbitrary()?))
    }

    fn size_hint(depth: usize) -> (usize, Option<usize>) {
        <u16 as arbitrary::Arbitrary>::size_hint(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;
    use std::vec::Vec;

    #[test]
    fn bits_have_their_rfc_positions() {
        let all = [
            Flags::FIN,
            Flags::SYN,
            Flags::RST,
            Flags::PSH,
            Flags::ACK,
            Flags::URG,
            Flags::ECE,
            Flags::CWR,
            Flags::NS,
        ];
        for (i, f) in all.iter().enumerate() {
            assert_eq!(f.bits(), 1 << i);
        }
        assert_eq!(all.iter().fold(Flags::EMPTY, |a, &b| a | b), Flags::ALL);
    }

    #[test]
    fn names_run_from_high_bit_to_low() {
        assert_eq!(
            Flags::ALL.names().collect::<Vec<_>>(),
            ["NS", "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"]
        );
        assert_eq!(
            (Flags::FIN | Flags::PSH | Flags::ACK).names().collect::<Vec<_>>(),
            ["ACK", "PSH", "FIN"]
        );
        assert_eq!(Flags(0xfe00).names().count(), 0);
    }

    #[test]
    fn set_operations() {
        let mut f = Flags::EMPTY;
        assert!(f.is_empty() && f.contains(Flags::EMPTY));
        f.set(Flags::SYN | Flags::ECE | Flags::CWR, true);
        assert!(f.intersects(Flags::SYN | Flags::FIN) && !f.contains(Flags::SYN | Flags::FIN));
        f.set(Flags::ECE, false);
        assert_eq!(f, Flags::SYN | Flags::CWR);
        assert_eq!(f & Flags::SYN, Flags::SYN);
        assert_eq!(f ^ Flags::SYN, Flags::CWR);
        assert_eq!(!Flags::ALL, Flags::EMPTY);
        assert_eq!(!Flags::FIN, Flags(0x1fe));
        let mut g = Flags::ACK;
        g |= Flags::PSH;
        g &= Flags::PSH;
        assert_eq!(u16::from(g), 0x008);
        assert_eq!(Flags::from(0x12), Flags::SYN | Flags::ACK);
    }

    #[test]
    fn debug_names_bits_like_names() {
        assert_eq!(format!("{:?}", Flags::SYN | Flags::ACK), "Flags(ACK | SYN)");
        assert_eq!(format!("{:?}", Flags::EMPTY), "Flags(empty)");
        assert_eq!(format!("{:?}", Flags(0x201)), "Flags(FIN | 0x200)");
        assert_eq!(format!("{:?}", Flags(0x400)), "Flags(0x400)");
    }
}
