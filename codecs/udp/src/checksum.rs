//! The UDP checksum over the IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1) pseudo-header.
//!
//! The checksum covers the pseudo-header, the UDP header and the payload, up to the
//! length field (which is also the pseudo-header's length, RFC 8200 §8.1: "for such
//! protocols, that is the length used in the pseudo-header"). A computed 0 is sent as
//! 0xFFFF (RFC 768; RFC 8200 §8.1), because 0 on the wire means something else: over
//! IPv4 "the transmitter generated no checksum" (RFC 768), and over IPv6 the packet
//! must be discarded (RFC 8200 §8.1: "IPv6 receivers must discard UDP packets
//! containing a zero checksum").

use core::net::IpAddr;

use wirestate_wire::checksum::{combine, pseudo_header, sum};
use wirestate_wire::IpProtocol;

use crate::datagram::field;
use crate::Datagram;

impl<T: AsRef<[u8]>> Datagram<T> {
    /// The checksum [`fill_checksum`](Self::fill_checksum) would write: computed with
    /// the checksum field taken as zero, and 0xFFFF for a computed 0.
    ///
    /// `None` when `src` and `dst` are of different families (no pseudo-header).
    pub fn compute_checksum(&self, src: IpAddr, dst: IpAddr) -> Option<u16> {
        let d = self.datagram();
        let pseudo = pseudo_header(src, dst, IpProtocol::UDP.0, u32::from(self.len()))?;
        // Everything but the checksum field itself; the header part is even-length
        // and starts at 0, so the partial sums combine.
        let sum = combine(&[pseudo, sum(&d[..field::CHECKSUM]), sum(&d[field::PAYLOAD..])]);
        Some(match !sum {
            0 => 0xffff,
            c => c,
        })
    }

    /// Whether the checksum field is right for a datagram from `src` to `dst`.
    ///
    /// - `None` when the field is 0 over IPv4 (RFC 768: the sender computed none), or
    ///   when `src` and `dst` are of different families.
    /// - `Some(false)` when the field is 0 over IPv6 (RFC 8200 §8.1 forbids it) or
    ///   does not match.
    ///
    /// ```
    /// use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    /// use wirestate_udp::Datagram;
    /// let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    /// let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    /// let mut buf = [0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00]; // checksum 0
    /// let mut d = Datagram::new_checked(&mut buf[..]).unwrap();
    /// assert_eq!(d.checksum_ok(v4, v4), None); // not computed
    /// assert_eq!(d.checksum_ok(v6, v6), Some(false)); // mandatory over IPv6
    /// assert_eq!(d.checksum_ok(v4, v6), None); // no pseudo-header
    /// d.fill_checksum(v6, v6);
    /// assert_eq!(d.checksum_ok(v6, v6), Some(true));
    /// ```
    pub fn checksum_ok(&self, src: IpAddr, dst: IpAddr) -> Option<bool> {
        let found = self.checksum();
        match (src, dst) {
            (IpAddr::V4(_), IpAddr::V4(_)) if found == 0 => None,
            (IpAddr::V6(_), IpAddr::V6(_)) if found == 0 => Some(false),
            _ => self.compute_checksum(src, dst).map(|computed| computed == found),
        }
    }

    /// Whether a receiver should accept the checksum: true for a matching checksum and
    /// for an IPv4 datagram without one (field 0); false for a mismatch, a zero field
    /// over IPv6, and addresses of different families.
    pub fn verify_checksum(&self, src: IpAddr, dst: IpAddr) -> bool {
        let same_family = src.is_ipv4() == dst.is_ipv4();
        same_family && self.checksum_ok(src, dst) != Some(false)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Datagram<T> {
    /// Computes the checksum over the pseudo-header, header and payload as they are
    /// now and writes it (a computed 0 as 0xFFFF). Call it after the payload is in
    /// place. With `src` and `dst` of different families there is no pseudo-header,
    /// and the field is set to 0.
    pub fn fill_checksum(&mut self, src: IpAddr, dst: IpAddr) {
        let c = self.compute_checksum(src, dst).unwrap_or(0);
        self.set_checksum(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};

    const V4_SRC: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 100));
    const V4_DST: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1));
    const V6_SRC: IpAddr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x100));
    const V6_DST: IpAddr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53));

    /// 10 bytes: header (ports 1234 -> 5678, length 10, checksum 0) and payload `w`.
    fn datagram(w: [u8; 2]) -> [u8; 10] {
        [0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0a, 0x00, 0x00, w[0], w[1]]
    }

    #[test]
    fn fill_then_verify_both_families() {
        for (src, dst) in [(V4_SRC, V4_DST), (V6_SRC, V6_DST)] {
            let mut buf = datagram([0xab, 0xcd]);
            let mut d = Datagram::new_checked(&mut buf[..]).unwrap();
            d.fill_checksum(src, dst);
            assert_ne!(d.checksum(), 0);
            assert_eq!(d.checksum_ok(src, dst), Some(true));
            assert!(d.verify_checksum(src, dst));
            // One flipped payload bit is caught.
            d.payload_mut()[0] ^= 1;
            assert_eq!(d.checksum_ok(src, dst), Some(false));
            assert!(!d.verify_checksum(src, dst));
        }
    }

    #[test]
    fn computed_zero_is_sent_as_all_ones() {
        for (src, dst) in [(V4_SRC, V4_DST), (V6_SRC, V6_DST)] {
            // With payload word w = !S0, the sum is S0 + !S0 = 0xffff: checksum 0.
            let s0 = Datagram::new_checked(&datagram([0, 0])[..])
                .unwrap()
                .compute_checksum(src, dst)
                .unwrap();
            let mut buf = datagram(s0.to_be_bytes());
            let mut d = Datagram::new_checked(&mut buf[..]).unwrap();
            d.fill_checksum(src, dst);
            assert_eq!(d.checksum(), 0xffff);
            assert_eq!(d.checksum_ok(src, dst), Some(true));
        }
    }

    #[test]
    fn zero_field_means_none_over_ipv4_and_invalid_over_ipv6() {
        let buf = datagram([1, 2]);
        let d = Datagram::new_checked(&buf[..]).unwrap();
        assert_eq!(d.checksum_ok(V4_SRC, V4_DST), None);
        assert!(d.verify_checksum(V4_SRC, V4_DST));
        assert_eq!(d.checksum_ok(V6_SRC, V6_DST), Some(false));
        assert!(!d.verify_checksum(V6_SRC, V6_DST));
    }

    #[test]
    fn mixed_families_have_no_checksum() {
        let mut buf = datagram([1, 2]);
        let mut d = Datagram::new_checked(&mut buf[..]).unwrap();
        d.set_checksum(0x1234);
        assert_eq!(d.compute_checksum(V4_SRC, V6_DST), None);
        assert_eq!(d.checksum_ok(V6_SRC, V4_DST), None);
        assert!(!d.verify_checksum(V4_SRC, V6_DST));
        d.fill_checksum(V4_SRC, V6_DST);
        assert_eq!(d.checksum(), 0);
        assert!(!d.verify_checksum(V4_SRC, V6_DST));
    }

    #[test]
    fn padding_after_the_length_is_not_summed() {
        let mut buf = [0u8; 14];
        buf[..10].copy_from_slice(&datagram([0xab, 0xcd]));
        let mut d = Datagram::new_checked(&mut buf[..]).unwrap();
        d.fill_checksum(V4_SRC, V4_DST);
        let c = d.checksum();
        d.into_inner()[10..].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        let d = Datagram::new_checked(&buf[..]).unwrap();
        assert_eq!(d.checksum(), c);
        assert_eq!(d.checksum_ok(V4_SRC, V4_DST), Some(true));
    }
}
