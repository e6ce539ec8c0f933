//! The ECN field of the IP header (RFC 3168 §5), which the caller reads from
//! and writes to the IP layer around a connection.

/// An ECN codepoint (RFC 3168 §5): the two low bits of the IPv4 TOS or IPv6
/// Traffic Class octet.
///
/// ```
/// use wirestate_tcp_conn::Ecn;
/// assert_eq!(Ecn::from_bits(0b11), Ecn::Ce);
/// assert_eq!(Ecn::Ect0.bits(), 0b10);
/// assert_eq!(Ecn::from_bits(0x2b), Ecn::Ce); // only the low two bits count
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Ecn {
    /// Not ECN-Capable Transport (00).
    #[default]
    NotEct,
    /// ECN-Capable Transport, ECT(1) (01).
    Ect1,
    /// ECN-Capable Transport, ECT(0) (10): what an ECN sender marks its data with.
    Ect0,
    /// Congestion Experienced (11): a router set it instead of dropping.
    Ce,
}

impl Ecn {
    /// The codepoint in the two low bits of `tos` (the rest is the DSCP).
    pub fn from_bits(tos: u8) -> Ecn {
        match tos & 0b11 {
            0b00 => Ecn::NotEct,
            0b01 => Ecn::Ect1,
            0b10 => Ecn::Ect0,
            _ => Ecn::Ce,
        }
    }

    /// The two bits.
    pub fn bits(self) -> u8 {
        match self {
            Ecn::NotEct => 0b00,
            Ecn::Ect1 => 0b01,
            Ecn::Ect0 => 0b10,
            Ecn::Ce => 0b11,
        }
    }
}
