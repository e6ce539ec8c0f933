//! The ARP opcode.

/// An ARP operation (RFC 826 "ar$op"; IANA "ARP Operation Codes").
///
/// Only request and reply are used by Ethernet/IPv4 hosts; every other value (RARP,
/// InARP, ...) is kept as [`Unknown`](Self::Unknown) so it survives a round trip.
///
/// ```
/// use wirestate_arp::Operation;
/// assert_eq!(Operation::from(2), Operation::Reply);
/// assert_eq!(u16::from(Operation::Request), 1);
/// // RARP request (RFC 903) is not decoded, only kept.
/// assert_eq!(Operation::from(3), Operation::Unknown(3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `ares_op$REQUEST` (1): who has this protocol address?
    Request,
    /// `ares_op$REPLY` (2): this hardware address has it.
    Reply,
    /// Any other opcode. Never 1 or 2 when built with `From<u16>`.
    Unknown(u16),
}

impl Operation {
    /// A short name: "request", "reply", or `None` for unknown opcodes.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Self::Request => Some("request"),
            Self::Reply => Some("reply"),
            Self::Unknown(_) => None,
        }
    }
}

impl From<u16> for Operation {
    fn from(v: u16) -> Self {
        match v {
            1 => Self::Request,
            2 => Self::Reply,
            other => Self::Unknown(other),
        }
    }
}

impl From<Operation> for u16 {
    fn from(op: Operation) -> u16 {
        match op {
            Operation::Request => 1,
            Operation::Reply => 2,
            Operation::Unknown(v) => v,
        }
    }
}

/// Built through `From<u16>`, so `Unknown(1)` and `Unknown(2)`, which would come back
/// from the wire as `Request` and `Reply`, are never produced.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Operation {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self::from(u16::arbitrary(u)?))
    }

    fn size_hint(depth: usize) -> (usize, Option<usize>) {
        u16::size_hint(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        for v in [0u16, 1, 2, 3, 4, 8, 9, 0xffff] {
            assert_eq!(u16::from(Operation::from(v)), v);
        }
        assert_eq!(Operation::from(1), Operation::Request);
        assert_eq!(Operation::Request.name(), Some("request"));
        assert_eq!(Operation::Reply.name(), Some("reply"));
        assert_eq!(Operation::Unknown(9).name(), None);
    }
}
