//! How a server tells clients apart: [`ClientKey`], and the hardware address
//! [`HwAddr`] that replies may be sent to.

use alloc::vec::Vec;
use core::fmt;

use wirestate_wire::MacAddr;

/// A client hardware address as a request carries it: `htype`, then `hlen`
/// octets of `chaddr` (RFC 2131 §2; at most 16).
///
/// ```
/// use wirestate_dhcp_server::HwAddr;
/// use wirestate_wire::MacAddr;
/// let hw = HwAddr::ethernet([2, 0, 0, 0, 0, 1]);
/// assert_eq!((hw.htype(), hw.as_bytes()), (1, &[2, 0, 0, 0, 0, 1][..]));
/// assert_eq!(hw.mac(), Some(MacAddr([2, 0, 0, 0, 0, 1])));
/// assert_eq!(hw.to_string(), "1/02:00:00:00:00:01");
/// // Longer than chaddr's 16 octets: refused.
/// assert!(HwAddr::new(1, &[0; 17]).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HwAddr {
    htype: u8,
    len: u8,
    octets: [u8; 16],
}

impl HwAddr {
    /// The address of type `htype` (1 = Ethernet, RFC 1700) with octets `addr`;
    /// `None` when `addr` is longer than 16 octets.
    pub fn new(htype: u8, addr: &[u8]) -> Option<Self> {
        let mut octets = [0u8; 16];
        octets.get_mut(..addr.len())?.copy_from_slice(addr);
        Some(HwAddr { htype, len: addr.len() as u8, octets })
    }

    /// An Ethernet address (`htype` 1, 6 octets).
    pub fn ethernet(mac: [u8; 6]) -> Self {
        let mut octets = [0u8; 16];
        octets[..6].copy_from_slice(&mac);
        HwAddr { htype: 1, len: 6, octets }
    }

    /// The hardware type (`htype`).
    pub fn htype(&self) -> u8 {
        self.htype
    }

    /// The address octets (`hlen` of them).
    pub fn as_bytes(&self) -> &[u8] {
        self.octets.get(..usize::from(self.len)).unwrap_or(&self.octets)
    }

    /// The MAC address, for an Ethernet address of 6 octets.
    pub fn mac(&self) -> Option<MacAddr> {
        (self.htype == 1).then(|| MacAddr::from_slice(self.as_bytes())).flatten()
    }
}

impl fmt::Display for HwAddr {
    /// `htype/` then the octets in hex, colon separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/", self.htype)?;
        hex(f, self.as_bytes(), ":")
    }
}

impl fmt::Debug for HwAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HwAddr({self})")
    }
}

fn hex(f: &mut fmt::Formatter<'_>, bytes: &[u8], sep: &str) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// Who a binding belongs to (RFC 2131 §4.2): the client identifier (option 61)
/// when the client sends one, else the hardware address.
///
/// ```
/// use wirestate_dhcp_server::{ClientKey, HwAddr};
/// let by_id = ClientKey::Id(vec![1, 2, 0, 0, 0, 0, 1]);
/// let by_hw = ClientKey::Hardware(HwAddr::ethernet([2, 0, 0, 0, 0, 1]));
/// assert_ne!(by_id, by_hw);
/// assert_eq!(by_id.to_string(), "id 01020000000001");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClientKey {
    /// The value of option 61: a type octet, then the identifier (RFC 2132
    /// §9.14), at most 255 octets.
    Id(Vec<u8>),
    /// `htype` and `chaddr` (RFC 2131 §4.2: "the combination of 'client
    /// identifier' or 'chaddr' and assigned network address").
    Hardware(HwAddr),
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::Id(id) => {
                f.write_str("id ")?;
                hex(f, id, "")
            }
            ClientKey::Hardware(hw) => write!(f, "hw {hw}"),
        }
    }
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientKey({self})")
    }
}
