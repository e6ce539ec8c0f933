//! The EtherType number space (IEEE 802.3-2018 §3.2.6, IEEE Registration Authority).

/// A 16-bit EtherType, the field after the source address.
///
/// A newtype rather than an enum: every value is legal on the wire and unknown ones
/// must survive a round trip. IEEE 802.3-2018 §3.2.6 gives the field two meanings:
/// at most 1500 (`0x05dc`) it is the length of an 802.3 frame's client data
/// ([`is_length`](Self::is_length)); from 1536 (`0x0600`) it is a type
/// ([`is_type`](Self::is_type)); 1501..=1535 is neither.
///
/// ```
/// use wirestate_ethernet::EtherType;
/// assert_eq!(EtherType::IPV4.name(), Some("IPv4"));
/// assert!(EtherType::QINQ.is_vlan_tag() && EtherType(0x9100).is_vlan_tag());
/// assert!(EtherType(46).is_length());
/// // 0x05dd is neither a length nor a type.
/// assert!(!EtherType(0x05dd).is_length() && !EtherType(0x05dd).is_type());
/// assert_eq!(EtherType(0x88cc).name(), None); // LLDP: not one this project decodes
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct EtherType(pub u16);

impl EtherType {
    /// IPv4 (RFC 894).
    pub const IPV4: Self = Self(0x0800);
    /// ARP (RFC 826).
    pub const ARP: Self = Self(0x0806);
    /// IPv6 (RFC 2464).
    pub const IPV6: Self = Self(0x86dd);
    /// IEEE 802.1Q customer VLAN tag (C-tag) TPID.
    pub const VLAN: Self = Self(0x8100);
    /// IEEE 802.1ad service VLAN tag (S-tag) TPID, the outer tag of QinQ.
    pub const QINQ: Self = Self(0x88a8);
    /// The S-tag TPID of pre-802.1ad QinQ equipment; not IEEE-assigned, but still
    /// met on the wire, so it is treated like [`QINQ`](Self::QINQ).
    pub const QINQ_LEGACY: Self = Self(0x9100);

    /// The largest value that is an IEEE 802.3 length (IEEE 802.3-2018 §3.2.6).
    pub const MAX_LENGTH: u16 = 1500;
    /// The smallest value that is a type (IEEE 802.3-2018 §3.2.6).
    pub const MIN_TYPE: u16 = 0x0600;

    /// A short name for the types this project knows ("IPv4", "ARP", "IPv6",
    /// "802.1Q", "802.1ad", and "QinQ" for 0x9100), `None` for the rest.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::IPV4 => "IPv4",
            Self::ARP => "ARP",
            Self::IPV6 => "IPv6",
            Self::VLAN => "802.1Q",
            Self::QINQ => "802.1ad",
            Self::QINQ_LEGACY => "QinQ",
            _ => return None,
        })
    }

    /// Whether this value is a VLAN tag protocol identifier (0x8100, 0x88a8, 0x9100):
    /// a [`vlan::Tag`](crate::vlan::Tag) follows instead of the payload.
    #[inline]
    pub fn is_vlan_tag(self) -> bool {
        matches!(self, Self::VLAN | Self::QINQ | Self::QINQ_LEGACY)
    }

    /// Whether this value is an IEEE 802.3 length (at most 1500), so the frame is an
    /// 802.3/LLC frame rather than Ethernet II.
    #[inline]
    pub fn is_length(self) -> bool {
        self.0 <= Self::MAX_LENGTH
    }

    /// Whether this value is a type (at least 0x0600). Values 1501..=1535 are
    /// undefined and are neither a length nor a type.
    #[inline]
    pub fn is_type(self) -> bool {
        self.0 >= Self::MIN_TYPE
    }
}

impl From<u16> for EtherType {
    fn from(v: u16) -> Self {
        Self(v)
    }
}

impl From<EtherType> for u16 {
    fn from(t: EtherType) -> u16 {
        t.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_classes() {
        assert_eq!(EtherType::ARP.name(), Some("ARP"));
        assert_eq!(EtherType::IPV6.name(), Some("IPv6"));
        assert_eq!(EtherType::VLAN.name(), Some("802.1Q"));
        assert_eq!(EtherType::QINQ.name(), Some("802.1ad"));
        assert_eq!(EtherType::QINQ_LEGACY.name(), Some("QinQ"));
        assert!(!EtherType::IPV4.is_vlan_tag());
        assert!(EtherType(1500).is_length() && !EtherType(1500).is_type());
        assert!(!EtherType(1501).is_length() && !EtherType(1535).is_type());
        assert!(EtherType(1536).is_type());
        assert_eq!(u16::from(EtherType::from(0x0806)), 0x0806);
    }
}
