//! The Ethernet/IPv4 ARP packet as a value.

use core::net::Ipv4Addr;

use wirestate_wire::bytes::{need, read_array};
use wirestate_wire::{Error, MacAddr, Result};

use crate::packet::{field, HEADER_LEN};
use crate::{Operation, Packet};

/// `ar$hrd` for Ethernet (IANA "Hardware Types": 1).
pub const HTYPE_ETHERNET: u16 = 1;
/// `ar$pro` for IPv4: its EtherType.
pub const PTYPE_IPV4: u16 = 0x0800;
/// Length of an Ethernet/IPv4 ARP packet: 8 + 2 * (6 + 4).
pub const ETHERNET_IPV4_LEN: usize = 28;

const HLEN_ETHERNET: u8 = 6;
const PLEN_IPV4: u8 = 4;

/// An ARP packet for IPv4 over Ethernet (RFC 826), the kind hosts exchange on a LAN.
///
/// ```
/// use core::net::Ipv4Addr;
/// use wirestate_arp::{Error, Operation, Packet, Repr};
/// use wirestate_arp::MacAddr;
///
/// let router = MacAddr([0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56]);
/// let me = MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]);
/// let request = Repr::request(me, Ipv4Addr::new(192, 168, 1, 100), Ipv4Addr::new(192, 168, 1, 1));
/// let reply = Repr::reply_to(&request, router);
/// assert_eq!(reply.operation, Operation::Reply);
/// assert_eq!(reply.sender_protocol_addr, Ipv4Addr::new(192, 168, 1, 1));
/// assert_eq!(reply.target_hardware_addr, me);
///
/// let mut buf = [0u8; 28];
/// reply.emit(&mut Packet::new_unchecked(&mut buf[..]));
/// assert_eq!(Repr::parse(&Packet::new_checked(&buf[..]).unwrap()), Ok(reply));
///
/// // An IEEE 802 (hardware type 6) packet is a valid ARP packet but not this repr.
/// buf[1] = 6;
/// let err = Repr::parse(&Packet::new_checked(&buf[..]).unwrap()).unwrap_err();
/// assert_eq!(err, Error::Unsupported { field: "htype", offset: 0, value: 6 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Repr {
    /// Request, reply, or another opcode kept as is.
    pub operation: Operation,
    /// `ar$sha`.
    pub sender_hardware_addr: MacAddr,
    /// `ar$spa`.
    pub sender_protocol_addr: Ipv4Addr,
    /// `ar$tha` (ignored in a request, and zero in the ones this crate builds).
    pub target_hardware_addr: MacAddr,
    /// `ar$tpa`.
    pub target_protocol_addr: Ipv4Addr,
}

impl Repr {
    /// Reads an Ethernet/IPv4 packet.
    ///
    /// # Errors
    /// - [`Error::Unsupported`] naming the first field that differs from Ethernet/IPv4:
    ///   "htype" (offset 0, not 1), "ptype" (offset 2, not 0x0800), "hlen" (offset 4,
    ///   not 6), "plen" (offset 5, not 4).
    /// - [`Error::Truncated`] "arp header" (offset 0) or "arp addresses" (offset 8):
    ///   only for a view built with `new_unchecked` over too few bytes.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self> {
        need(packet.as_ref(), 0, HEADER_LEN, "arp header")?;
        Self::check_types(packet)?;
        packet.check_addresses()?;
        let buf = packet.as_ref();
        let at = |n: usize| field::SHA + n;
        Ok(Self {
            operation: packet.operation(),
            sender_hardware_addr: MacAddr(read_array(buf, at(0))),
            sender_protocol_addr: Ipv4Addr::from(read_array::<4>(buf, at(6))),
            target_hardware_addr: MacAddr(read_array(buf, at(10))),
            target_protocol_addr: Ipv4Addr::from(read_array::<4>(buf, at(16))),
        })
    }

    /// Refuses any hardware or protocol type, or address length, other than
    /// Ethernet/IPv4's, naming the first that differs.
    fn check_types<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<()> {
        let unsupported = |field, offset, value| Err(Error::unsupported(field, offset, value));
        if packet.hardware_type() != HTYPE_ETHERNET {
            return unsupported("htype", field::HTYPE, u32::from(packet.hardware_type()));
        }
        if packet.protocol_type() != PTYPE_IPV4 {
            return unsupported("ptype", field::PTYPE, u32::from(packet.protocol_type()));
        }
        if packet.hardware_len() != HLEN_ETHERNET {
            return unsupported("hlen", field::HLEN, u32::from(packet.hardware_len()));
        }
        if packet.protocol_len() != PLEN_IPV4 {
            return unsupported("plen", field::PLEN, u32::from(packet.protocol_len()));
        }
        Ok(())
    }

    /// Bytes [`emit`](Self::emit) writes: 28.
    pub const fn buffer_len(&self) -> usize {
        ETHERNET_IPV4_LEN
    }

    /// Writes the whole packet (types, lengths, operation, addresses) into `packet`,
    /// which must hold at least 28 bytes (it panics otherwise). Bytes after the
    /// 28th are left as they are.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_hardware_type(HTYPE_ETHERNET);
        packet.set_protocol_type(PTYPE_IPV4);
        packet.set_hardware_len(HLEN_ETHERNET);
        packet.set_protocol_len(PLEN_IPV4);
        packet.set_operation(self.operation);
        packet.sender_hardware_addr_mut().copy_from_slice(&self.sender_hardware_addr.0);
        packet.sender_protocol_addr_mut().copy_from_slice(&self.sender_protocol_addr.octets());
        packet.target_hardware_addr_mut().copy_from_slice(&self.target_hardware_addr.0);
        packet.target_protocol_addr_mut().copy_from_slice(&self.target_protocol_addr.octets());
    }

    /// A request for `target_ip`'s hardware address, from `sender_mac` at `sender_ip`.
    /// The target hardware address is zero: RFC 826 leaves it unspecified in a
    /// request, and zero is what hosts send.
    pub const fn request(sender_mac: MacAddr, sender_ip: Ipv4Addr, target_ip: Ipv4Addr) -> Self {
        Self {
            operation: Operation::Request,
            sender_hardware_addr: sender_mac,
            sender_protocol_addr: sender_ip,
            target_hardware_addr: MacAddr::UNSPECIFIED,
            target_protocol_addr: target_ip,
        }
    }

    /// The reply a host with hardware address `my_mac` sends to `request`, as RFC 826
    /// says: swap sender and target, put the local addresses in the sender fields
    /// (the protocol address asked for, and `my_mac`), set the opcode to reply.
    /// Whether the asked address is really the host's is the caller's decision.
    pub const fn reply_to(request: &Repr, my_mac: MacAddr) -> Self {
        Self {
            operation: Operation::Reply,
            sender_hardware_addr: my_mac,
            sender_protocol_addr: request.target_protocol_addr,
            target_hardware_addr: request.sender_hardware_addr,
            target_protocol_addr: request.sender_protocol_addr,
        }
    }

    /// A gratuitous ARP in the form of RFC 5227 §2.3, an ARP Announcement: a
    /// request whose sender and target protocol addresses are both `ip`, with the
    /// target hardware address zero ("ignored and SHOULD be set to all zeroes",
    /// RFC 5227 §2.1.1). It refreshes neighbours' caches after an address change.
    pub const fn gratuitous(mac: MacAddr, ip: Ipv4Addr) -> Self {
        Self::request(mac, ip, ip)
    }

    /// Whether this is a gratuitous ARP: sender and target protocol addresses are
    /// equal and not 0.0.0.0. Both forms seen on the wire count: the RFC 5227 request
    /// (announcement) and the unsolicited reply some hosts send instead.
    pub fn is_gratuitous(&self) -> bool {
        self.sender_protocol_addr == self.target_protocol_addr
            && !self.sender_protocol_addr.is_unspecified()
    }

    /// Whether this is an RFC 5227 §2.1.1 ARP Probe: a request with sender protocol
    /// address 0.0.0.0, asking whether anyone already uses the target address.
    pub fn is_probe(&self) -> bool {
        self.operation == Operation::Request && self.sender_protocol_addr.is_unspecified()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: MacAddr = MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]);
    const ME_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 100);
    const ROUTER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);

    fn emitted(r: &Repr) -> [u8; 28] {
        let mut buf = [0u8; 28];
        r.emit(&mut Packet::new_unchecked(&mut buf[..]));
        buf
    }

    #[test]
    fn request_reply_and_announcement_helpers() {
        let req = Repr::request(ME, ME_IP, ROUTER_IP);
        assert_eq!(req.target_hardware_addr, MacAddr::UNSPECIFIED);
        assert!(!req.is_gratuitous() && !req.is_probe());
        let router = MacAddr([0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56]);
        let rep = Repr::reply_to(&req, router);
        assert_eq!(
            rep,
            Repr {
                operation: Operation::Reply,
                sender_hardware_addr: router,
                sender_protocol_addr: ROUTER_IP,
                target_hardware_addr: ME,
                target_protocol_addr: ME_IP,
            }
        );
        let ann = Repr::gratuitous(ME, ME_IP);
        assert_eq!(ann.operation, Operation::Request);
        assert_eq!((ann.sender_protocol_addr, ann.target_protocol_addr), (ME_IP, ME_IP));
        assert!(ann.is_gratuitous());
        assert!(Repr { operation: Operation::Reply, ..ann }.is_gratuitous());
        let probe = Repr::request(ME, Ipv4Addr::UNSPECIFIED, ME_IP);
        assert!(probe.is_probe() && !probe.is_gratuitous());
        assert!(!Repr::request(ME, Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED).is_gratuitous());
    }

    #[test]
    fn unknown_operation_parses() {
        let r = Repr { operation: Operation::Unknown(4), ..Repr::gratuitous(ME, ME_IP) };
        let buf = emitted(&r);
        assert_eq!(Repr::parse(&Packet::new_checked(&buf[..]).unwrap()), Ok(r));
    }

    #[test]
    fn emit_leaves_padding_alone() {
        let mut buf = [0xaau8; 30];
        let r = Repr::gratuitous(ME, ME_IP);
        r.emit(&mut Packet::new_unchecked(&mut buf[..]));
        assert_eq!(buf[..28], emitted(&r));
        assert_eq!(buf[28..], [0xaa, 0xaa]);
        assert_eq!(r.buffer_len(), 28);
    }

    #[test]
    fn each_non_ethernet_ipv4_field_is_unsupported() {
        let good = emitted(&Repr::request(ME, ME_IP, ROUTER_IP));
        let cases: [(usize, u8, &str, usize, u32); 4] = [
            (1, 6, "htype", 0, 6),         // IEEE 802
            (2, 0x86, "ptype", 2, 0x8600), // not IPv4
            (4, 8, "hlen", 4, 8),
            (5, 16, "plen", 5, 16),
        ];
        for (at, byte, field, offset, value) in cases {
            // Room for whatever lengths the case claims, so only the repr refuses.
            let mut buf = [0u8; 64];
            buf[..28].copy_from_slice(&good);
            buf[at] = byte;
            let p = Packet::new_checked(&buf[..]).unwrap();
            assert_eq!(Repr::parse(&p), Err(Error::unsupported(field, offset, value)));
        }
    }

    #[test]
    fn unchecked_short_views_are_truncated() {
        let good = emitted(&Repr::request(ME, ME_IP, ROUTER_IP));
        assert_eq!(
            Repr::parse(&Packet::new_unchecked(&good[..7])),
            Err(Error::truncated("arp header", 0, 8, 7))
        );
        assert_eq!(
            Repr::parse(&Packet::new_unchecked(&good[..27])),
            Err(Error::truncated("arp addresses", 8, 28, 27))
        );
    }
}
