//! TCP sequence numbers and their modulo-2^32 arithmetic (RFC 9293 §3.4).

use core::fmt;
use core::ops::{Add, AddAssign, Sub, SubAssign};

/// A TCP sequence (or acknowledgment) number.
///
/// RFC 9293 §3.4: "the sequence number space ranges from 0 to 2^32 - 1 ... all
/// arithmetic dealing with sequence numbers must be performed modulo 2^32". So
/// adding and subtracting lengths wraps, and two numbers compare by the sign of their
/// wrapping difference ([`diff`](Self::diff)): `a` is before `b` when `b - a`, taken
/// modulo 2^32, lies in `1 ..= 2^31 - 1`.
///
/// `SeqNumber` deliberately implements neither `PartialOrd` nor `Ord`: that order is
/// not transitive (`0 < 2^30 < 2^31 < 3·2^30 < 0`), which both traits require, and
/// generic code (sorting, `max_by`, ordered maps) relies on it. The named methods
/// [`lt`](Self::lt), [`le`](Self::le), [`gt`](Self::gt), [`ge`](Self::ge),
/// [`max`](Self::max) and [`min`](Self::min) make every comparison visibly modular;
/// they are meaningful for numbers less than 2^31 apart, which the window rules of
/// RFC 9293 (windows below 2^30, RFC 7323 §2.3) guarantee.
///
/// ```
/// use wirestate_tcp::SeqNumber;
/// let near_wrap = SeqNumber(u32::MAX - 1);
/// let after = near_wrap + 5; // wraps past zero
/// assert_eq!(after, SeqNumber(3));
/// assert!(near_wrap.lt(after)); // still "before" although 0xffff_fffe > 3
/// assert_eq!(after.diff(near_wrap), 5);
/// assert_eq!(after - near_wrap, 5);
/// assert_eq!(near_wrap.max(after), after);
/// // The failure case: numbers 2^31 apart are each "before" the other.
/// let (a, b) = (SeqNumber(0), SeqNumber(1 << 31));
/// assert!(a.lt(b) && b.lt(a));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeqNumber(pub u32);

impl SeqNumber {
    /// The signed distance from `other` to `self`, modulo 2^32: positive when `self`
    /// comes after `other`. Numbers exactly 2^31 apart give `i32::MIN` either way.
    #[inline]
    pub const fn diff(self, other: SeqNumber) -> i32 {
        // Reinterpreting the wrapped difference as two's complement is the definition
        // of serial-number comparison (RFC 1982 §3.2, as used by RFC 9293 §3.4).
        self.0.wrapping_sub(other.0) as i32
    }

    /// How far `self` lies past `start`, counting forward modulo 2^32 (never negative).
    #[inline]
    pub const fn offset_from(self, start: SeqNumber) -> u32 {
        self.0.wrapping_sub(start.0)
    }

    /// `self` comes strictly before `other` (modulo 2^32).
    #[inline]
    pub const fn lt(self, other: SeqNumber) -> bool {
        self.diff(other) < 0
    }

    /// `self` comes before `other` or equals it (modulo 2^32).
    #[inline]
    pub const fn le(self, other: SeqNumber) -> bool {
        self.diff(other) <= 0
    }

    /// `self` comes strictly after `other` (modulo 2^32).
    #[inline]
    pub const fn gt(self, other: SeqNumber) -> bool {
        self.diff(other) > 0
    }

    /// `self` comes after `other` or equals it (modulo 2^32).
    #[inline]
    pub const fn ge(self, other: SeqNumber) -> bool {
        self.diff(other) >= 0
    }

    /// The later of the two (modulo 2^32); `self` when they are equal.
    #[inline]
    #[must_use]
    pub const fn max(self, other: SeqNumber) -> SeqNumber {
        if other.gt(self) {
            other
        } else {
            self
        }
    }

    /// The earlier of the two (modulo 2^32); `self` when they are equal.
    #[inline]
    #[must_use]
    pub const fn min(self, other: SeqNumber) -> SeqNumber {
        if other.lt(self) {
            other
        } else {
            self
        }
    }

    /// `self` lies in the `len` numbers starting at `start`: `start <= self < start + len`
    /// modulo 2^32, the shape of RFC 9293 §3.10.7.4's acceptability test
    /// `RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND`. Always false when `len` is 0.
    ///
    /// ```
    /// use wirestate_tcp::SeqNumber;
    /// let rcv_nxt = SeqNumber(u32::MAX - 10);
    /// assert!(SeqNumber(5).in_window(rcv_nxt, 100));
    /// assert!(!SeqNumber(100).in_window(rcv_nxt, 100));
    /// assert!(!rcv_nxt.in_window(rcv_nxt, 0));
    /// ```
    #[inline]
    pub const fn in_window(self, start: SeqNumber, len: u32) -> bool {
        self.offset_from(start) < len
    }
}

impl Add<usize> for SeqNumber {
    type Output = SeqNumber;

    /// Advances by `rhs` octets, wrapping modulo 2^32 (a `usize` above 2^32 wraps too).
    #[inline]
    fn add(self, rhs: usize) -> SeqNumber {
        // Truncating to u32 is reduction modulo 2^32, which is the arithmetic wanted.
        SeqNumber(self.0.wrapping_add(rhs as u32))
    }
}

impl Sub<usize> for SeqNumber {
    type Output = SeqNumber;

    /// Goes back by `rhs` octets, wrapping modulo 2^32.
    #[inline]
    fn sub(self, rhs: usize) -> SeqNumber {
        SeqNumber(self.0.wrapping_sub(rhs as u32))
    }
}

impl Sub<SeqNumber> for SeqNumber {
    type Output = i32;

    /// The signed distance, as [`SeqNumber::diff`].
    #[inline]
    fn sub(self, rhs: SeqNumber) -> i32 {
        self.diff(rhs)
    }
}

impl AddAssign<usize> for SeqNumber {
    #[inline]
    fn add_assign(&mut self, rhs: usize) {
        *self = *self + rhs;
    }
}

impl SubAssign<usize> for SeqNumber {
    #[inline]
    fn sub_assign(&mut self, rhs: usize) {
        *self = *self - rhs;
    }
}

impl From<u32> for SeqNumber {
    fn from(v: u32) -> Self {
        SeqNumber(v)
    }
}

impl From<SeqNumber> for u32 {
    fn from(s: SeqNumber) -> u32 {
        s.0
    }
}

impl fmt::Display for SeqNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

// By hand: the derive refers to `std`, which this `no_std` crate does not link.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for SeqNumber {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(SeqNumber(u.arbitrary()?))
    }

    fn size_hint(depth: usize) -> (usize, Option<usize>) {
        <u32 as arbitrary::Arbitrary>::size_hint(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX: SeqNumber = SeqNumber(u32::MAX);

    #[test]
    fn add_and_sub_wrap() {
        assert_eq!(MAX + 1, SeqNumber(0));
        assert_eq!(SeqNumber(0) - 1, MAX);
        assert_eq!(SeqNumber(10) + 0x1_0000_0005usize, SeqNumber(15));
        let mut s = MAX;
        s += 3;
        assert_eq!(s, SeqNumber(2));
        s -= 4;
        assert_eq!(s, SeqNumber(u32::MAX - 1));
    }

    #[test]
    fn comparisons_across_the_wrap() {
        let before = SeqNumber(0xffff_fff0);
        let after = SeqNumber(0x10);
        assert_eq!(after.diff(before), 0x20);
        assert_eq!(before.diff(after), -0x20);
        assert!(before.lt(after) && before.le(after));
        assert!(after.gt(before) && after.ge(before));
        assert!(!after.lt(before) && !before.gt(after));
        assert_eq!(before.max(after), after);
        assert_eq!(after.max(before), after);
        assert_eq!(before.min(after), before);
        assert_eq!(after.min(before), before);
        assert_eq!(after.offset_from(before), 0x20);
        assert_eq!(before.offset_from(after), 0xffff_ffe0);
    }

    #[test]
    fn equal_numbers_compare_equal() {
        let s = SeqNumber(7);
        assert_eq!(s.diff(s), 0);
        assert!(s.le(s) && s.ge(s) && !s.lt(s) && !s.gt(s));
        assert_eq!(s.max(s), s);
    }

    #[test]
    fn half_way_is_ambiguous() {
        // RFC 1982 §3.2 leaves this undefined; we report i32::MIN both ways.
        let (a, b) = (SeqNumber(5), SeqNumber(5 + (1 << 31)));
        assert_eq!(a.diff(b), i32::MIN);
        assert_eq!(b.diff(a), i32::MIN);
        // One step closer from either side is unambiguous.
        assert!(a.lt(b - 1) && (b - 1).gt(a));
        assert!(b.lt(a + (1 << 31) + 1));
    }

    #[test]
    fn window_membership_wraps() {
        let start = SeqNumber(u32::MAX - 1);
        assert!(start.in_window(start, 1));
        assert!(SeqNumber(0).in_window(start, 3));
        assert!(!SeqNumber(1).in_window(start, 3));
        assert!(!(start - 1).in_window(start, 3));
    }

    #[test]
    fn conversions_and_display() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(u32::from(SeqNumber::from(42)), 42);
        assert_eq!(SeqNumber(4_225_940_824).to_string(), "4225940824");
    }

    proptest! {
        #[test]
        fn add_then_diff_is_the_distance(s in any::<u32>(), n in 0u32..(1 << 31)) {
            let a = SeqNumber(s);
            let b = a + n as usize;
            prop_assert_eq!(b.diff(a), n as i32);
            prop_assert_eq!(b - n as usize, a);
            prop_assert!(a.le(b));
            prop_assert_eq!(n > 0, a.lt(b));
            prop_assert_eq!(a.max(b), b);
            prop_assert_eq!(a.min(b), a);
        }

        #[test]
        fn lt_is_antisymmetric_below_half(s in any::<u32>(), t in any::<u32>()) {
            let (a, b) = (SeqNumber(s), SeqNumber(t));
            if a.diff(b) != i32::MIN {
                prop_assert!(!(a.lt(b) && b.lt(a)));
                prop_assert_eq!(a.lt(b), b.gt(a));
            }
        }
    }
}
