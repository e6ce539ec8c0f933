//! The fixed IPv6 header as a plain value.

use core::net::Ipv6Addr;

use wirestate_wire::{IpProtocol, Result};

use super::packet::check_header;
use super::{field, Packet};

/// The fixed IPv6 header as a value (RFC 8200 §3). Extension headers are payload:
/// walk them with [`Packet::ext_headers`], build them with
/// [`super::FragmentRepr`] and [`super::OptionsRepr`].
///
/// ```
/// use wirestate_ip::{ipv6, Error, IpProtocol};
/// let repr = ipv6::Repr {
///     src_addr: "fe80::1".parse().unwrap(),
///     dst_addr: "ff02::16".parse().unwrap(),
///     next_header: IpProtocol::HOP_BY_HOP,
///     payload_len: 36,
///     hop_limit: 1,
///     traffic_class: 0,
///     flow_label: 0,
/// };
/// let mut buf = [0u8; 40 + 36];
/// repr.emit(&mut ipv6::Packet::new_unchecked(&mut buf[..]));
/// assert_eq!(ipv6::Repr::parse(&ipv6::Packet::new_checked(&buf[..])?)?, repr);
///
/// buf[0] = 0x40;
/// let err = ipv6::Packet::new_checked(&buf[..]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("version", 0));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Source address.
    pub src_addr: Ipv6Addr,
    /// Destination address.
    pub dst_addr: Ipv6Addr,
    /// The first extension header or the upper-layer protocol.
    pub next_header: IpProtocol,
    /// Bytes after the fixed header, extension headers included.
    pub payload_len: u16,
    /// Hop limit.
    pub hop_limit: u8,
    /// Traffic class (DSCP and ECN).
    pub traffic_class: u8,
    /// Flow label, 20 bits.
    pub flow_label: u32,
}

impl Repr {
    /// Reads the fixed header. The view's header checks are re-run, so an unchecked
    /// view errs rather than panics; the payload is not looked at (a
    /// [`Packet::new_checked_header`] view works).
    ///
    /// # Errors
    /// `Truncated` "ipv6 header", `Malformed` "version".
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self> {
        check_header(packet.as_bytes())?;
        Ok(Self {
            src_addr: packet.src_addr(),
            dst_addr: packet.dst_addr(),
            next_header: packet.next_header(),
            payload_len: packet.payload_len(),
            hop_limit: packet.hop_limit(),
            traffic_class: packet.traffic_class(),
            flow_label: packet.flow_label(),
        })
    }

    /// The fixed header length, 40.
    pub fn buffer_len(&self) -> usize {
        field::HEADER_LEN
    }

    /// The packet length: 40 plus `payload_len`.
    #[inline]
    pub fn total_len(&self) -> usize {
        field::HEADER_LEN + usize::from(self.payload_len)
    }

    /// Writes the fixed header (version 6; the flow label's low 20 bits). The buffer
    /// must hold 40 bytes (panics otherwise); the payload is left alone.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        debug_assert!(self.flow_label <= 0x000f_ffff, "the flow label has 20 bits");
        packet.set_version(6);
        packet.set_traffic_class(self.traffic_class);
        packet.set_flow_label(self.flow_label);
        packet.set_payload_len(self.payload_len);
        packet.set_next_header(self.next_header);
        packet.set_hop_limit(self.hop_limit);
        packet.set_src_addr(self.src_addr);
        packet.set_dst_addr(self.dst_addr);
    }
}

/// Canonical reprs only: the flow label keeps 20 bits.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Repr {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self {
            src_addr: Ipv6Addr::from(u.arbitrary::<u128>()?),
            dst_addr: Ipv6Addr::from(u.arbitrary::<u128>()?),
            next_header: IpProtocol(u.arbitrary()?),
            payload_len: u.arbitrary()?,
            hop_limit: u.arbitrary()?,
            traffic_class: u.arbitrary()?,
            flow_label: u.arbitrary::<u32>()? & 0x000f_ffff,
        })
    }
}
