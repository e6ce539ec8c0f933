//! The ICMPv6 message view.

use core::net::Ipv6Addr;

use wirestate_wire::bytes::{need, read_u16, write_u16, write_u32};
use wirestate_wire::{checksum, IpProtocol};

use super::Message;
use crate::{ndp, Result};

/// Byte offsets of the ICMPv6 fields (RFC 4443 §2.1, §3, §4; RFC 4861 §4).
pub mod field {
    use core::ops::Range;

    /// Message type.
    pub const TYPE: usize = 0;
    /// Code.
    pub const CODE: usize = 1;
    /// Checksum over the pseudo-header and the whole message.
    pub const CHECKSUM: Range<usize> = 2..4;
    /// Echo identifier (RFC 4443 §4.1).
    pub const ECHO_IDENT: Range<usize> = 4..6;
    /// Echo sequence number.
    pub const ECHO_SEQ_NO: Range<usize> = 6..8;
    /// MTU of a packet too big (RFC 4443 §3.2).
    pub const MTU: Range<usize> = 4..8;
    /// Pointer of a parameter problem (RFC 4443 §3.4).
    pub const POINTER: Range<usize> = 4..8;
    /// The 32 bits after the checksum; reserved in RS, NS and redirect, unused in
    /// destination unreachable and time exceeded.
    pub const WORD1: Range<usize> = 4..8;
    /// Start of the data of echo and of the error messages (the quoted packet).
    pub const DATA: usize = 8;
    /// Router advertisement: current hop limit (RFC 4861 §4.2).
    pub const CUR_HOP_LIMIT: usize = 4;
    /// Router advertisement: the M and O flags.
    pub const ROUTER_FLAGS: usize = 5;
    /// Router advertisement: router lifetime in seconds.
    pub const ROUTER_LIFETIME: Range<usize> = 6..8;
    /// Router advertisement: reachable time in milliseconds.
    pub const REACHABLE_TIME: Range<usize> = 8..12;
    /// Router advertisement: retransmission timer in milliseconds.
    pub const RETRANS_TIME: Range<usize> = 12..16;
    /// Neighbor advertisement: the R, S and O flags (RFC 4861 §4.4).
    pub const NEIGHBOR_FLAGS: usize = 4;
    /// Target address of NS, NA and redirect.
    pub const TARGET_ADDR: Range<usize> = 8..24;
    /// Destination address of a redirect (RFC 4861 §4.5).
    pub const REDIRECT_DST_ADDR: Range<usize> = 24..40;
}

/// The flag bits of a router advertisement's flags octet (RFC 4861 §4.2).
pub mod router_flags {
    /// M: addresses are available from DHCPv6.
    pub const MANAGED: u8 = 0x80;
    /// O: other configuration is available from DHCPv6.
    pub const OTHER: u8 = 0x40;
}

/// The flag bits of a neighbor advertisement's first octet (RFC 4861 §4.4).
pub mod neighbor_flags {
    /// R: the sender is a router.
    pub const ROUTER: u8 = 0x80;
    /// S: sent in response to a solicitation.
    pub const SOLICITED: u8 = 0x40;
    /// O: override an existing cache entry.
    pub const OVERRIDE: u8 = 0x20;
}

/// Length of the part every ICMPv6 message has: type, code, checksum.
pub const HEADER_LEN: usize = 4;

/// The fixed part of a message of type `msg_type`, and its name for errors: what
/// [`Packet::new_checked`] requires and where the data or options start.
pub fn fixed_len(msg_type: Message) -> (usize, &'static str) {
    match msg_type {
        // RFC 4443 §3 and §4: type, code, checksum and one 32-bit word.
        Message::DST_UNREACHABLE => (8, "destination unreachable"),
        Message::PACKET_TOO_BIG => (8, "packet too big"),
        Message::TIME_EXCEEDED => (8, "time exceeded"),
        Message::PARAM_PROBLEM => (8, "parameter problem"),
        Message::ECHO_REQUEST => (8, "echo request"),
        Message::ECHO_REPLY => (8, "echo reply"),
        // RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1: "ICMP length ... is N or
        // more octets".
        Message::ROUTER_SOLICIT => (8, "router solicitation"),
        Message::ROUTER_ADVERT => (16, "router advertisement"),
        Message::NEIGHBOR_SOLICIT => (24, "neighbor solicitation"),
        Message::NEIGHBOR_ADVERT => (24, "neighbor advertisement"),
        Message::REDIRECT => (40, "redirect"),
        _ => (HEADER_LEN, "icmpv6 header"),
    }
}

/// An ICMPv6 message over `T`: the whole upper-layer payload of the IPv6 packet.
///
/// [`Packet::new_checked`] proves the fixed part of the message's own type (see
/// [`fixed_len`]). A type-specific getter on a message of another type reads its
/// field where that type has it, and returns zero (or `::`) past the end.
///
/// ```
/// use core::net::Ipv6Addr;
/// use wirestate_icmp::icmpv6::{Message, Packet};
/// use wirestate_icmp::Error;
/// // Echo request from fe80::1 to fe80::2, identifier 1, sequence number 2.
/// let bytes = [0x80, 0, 0x82, 0xb5, 0, 1, 0, 2];
/// let packet = Packet::new_checked(&bytes[..]).unwrap();
/// assert_eq!(packet.msg_type(), Message::ECHO_REQUEST);
/// assert_eq!((packet.echo_ident(), packet.echo_seq_no()), (1, 2));
/// let (a, b): (Ipv6Addr, Ipv6Addr) = ("fe80::1".parse().unwrap(), "fe80::2".parse().unwrap());
/// assert!(packet.verify_checksum(a, b));
/// assert_eq!(
///     Packet::new_checked(&[135u8, 0, 0, 0, 0, 0, 0, 0][..]).unwrap_err(),
///     Error::Truncated { field: "neighbor solicitation", offset: 0, need: 24, have: 8 }
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    pub(super) buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buf` without checking it; getters may panic if it is shorter than
    /// the fixed part of its type. For building a message in a buffer sized by
    /// `Repr::buffer_len`.
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Self { buf }
    }

    /// Wraps `buf` after checking it holds the fixed part of its message type.
    ///
    /// Errs with `Truncated` at offset 0, field `"icmpv6 header"` below 4 bytes,
    /// else the type's name from [`fixed_len`] (e.g. `"router advertisement"`).
    #[inline]
    pub fn new_checked(buf: T) -> Result<Self> {
        let b = buf.as_ref();
        need(b, 0, HEADER_LEN, "icmpv6 header")?;
        let (len, name) = fixed_len(Message(b[field::TYPE]));
        need(b, 0, len, name)?;
        Ok(Self { buf })
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The length of the fixed part of this message's type: where the data or
    /// the options start.
    #[inline]
    pub fn header_len(&self) -> usize {
        fixed_len(self.msg_type()).0
    }

    /// Reads `N` bytes at `at`, or zeros where the buffer ends first.
    fn bytes<const N: usize>(&self, at: usize) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(b) = self.buf.as_ref().get(at..at + N) {
            out.copy_from_slice(b);
        }
        out
    }

    /// The message type.
    pub fn msg_type(&self) -> Message {
        Message(self.buf.as_ref()[field::TYPE])
    }

    /// The code, whose meaning depends on the type.
    pub fn code(&self) -> u8 {
        self.buf.as_ref()[field::CODE]
    }

    /// The checksum field as on the wire.
    pub fn checksum(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::CHECKSUM.start)
    }

    /// The echo identifier.
    pub fn echo_ident(&self) -> u16 {
        u16::from_be_bytes(self.bytes(field::ECHO_IDENT.start))
    }

    /// The echo sequence number.
    pub fn echo_seq_no(&self) -> u16 {
        u16::from_be_bytes(self.bytes(field::ECHO_SEQ_NO.start))
    }

    /// The MTU of a packet too big.
    pub fn mtu(&self) -> u32 {
        u32::from_be_bytes(self.bytes(field::MTU.start))
    }

    /// The pointer of a parameter problem: the offset in the quoted packet.
    pub fn pointer(&self) -> u32 {
        u32::from_be_bytes(self.bytes(field::POINTER.start))
    }

    /// A router advertisement's current hop limit (0: unspecified).
    pub fn cur_hop_limit(&self) -> u8 {
        self.bytes::<1>(field::CUR_HOP_LIMIT)[0]
    }

    /// A router advertisement's flags octet; see [`router_flags`].
    pub fn router_flags(&self) -> u8 {
        self.bytes::<1>(field::ROUTER_FLAGS)[0]
    }

    /// A router advertisement's router lifetime in seconds (0: not a default router).
    pub fn router_lifetime(&self) -> u16 {
        u16::from_be_bytes(self.bytes(field::ROUTER_LIFETIME.start))
    }

    /// A router advertisement's reachable time in milliseconds (0: unspecified).
    pub fn reachable_time(&self) -> u32 {
        u32::from_be_bytes(self.bytes(field::REACHABLE_TIME.start))
    }

    /// A router advertisement's retransmission timer in milliseconds (0: unspecified).
    pub fn retrans_time(&self) -> u32 {
        u32::from_be_bytes(self.bytes(field::RETRANS_TIME.start))
    }

    /// The target address of NS, NA or redirect.
    pub fn target_addr(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.bytes::<16>(field::TARGET_ADDR.start))
    }

    /// A neighbor advertisement's flags octet; see [`neighbor_flags`].
    pub fn neighbor_flags(&self) -> u8 {
        self.bytes::<1>(field::NEIGHBOR_FLAGS)[0]
    }

    /// A redirect's destination address.
    pub fn redirect_dst_addr(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.bytes::<16>(field::REDIRECT_DST_ADDR.start))
    }

    /// The bytes after the fixed part of the type ([`Packet::header_len`]): echo
    /// data, a quoted packet, NDP options, or for an unknown type all after the
    /// checksum.
    pub fn data(&self) -> &[u8] {
        self.buf.as_ref().get(self.header_len()..).unwrap_or_default()
    }

    /// The same bytes as [`Packet::data`], under the name every view uses.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        self.data()
    }

    /// The NDP options of a neighbour discovery message; empty for other types.
    pub fn ndp_options(&self) -> &[u8] {
        if self.msg_type().is_ndp() {
            self.data()
        } else {
            &[]
        }
    }

    /// The NDP options walked, with error offsets from the start of the message.
    pub fn ndp_option_iter(&self) -> ndp::Options<'_> {
        ndp::Options::with_base(self.ndp_options(), self.header_len())
    }

    /// The ones'-complement sum of the pseudo-header (RFC 8200 §8.1, next header
    /// 58, length = the buffer's) and the message.
    fn sum(&self, src: Ipv6Addr, dst: Ipv6Addr) -> u16 {
        let b = self.buf.as_ref();
        let len = u32::try_from(b.len()).unwrap_or(u32::MAX);
        let pseudo = checksum::pseudo_header_v6(src, dst, IpProtocol::ICMPV6.0, len);
        checksum::combine(&[pseudo, checksum::sum(b)])
    }

    /// Whether the checksum verifies for a packet from `src` to `dst` (RFC 4443
    /// §2.3). The buffer must be exactly the ICMPv6 message.
    pub fn verify_checksum(&self, src: Ipv6Addr, dst: Ipv6Addr) -> bool {
        self.sum(src, dst) == 0xffff
    }

    /// The same as [`Packet::verify_checksum`].
    pub fn checksum_ok(&self, src: Ipv6Addr, dst: Ipv6Addr) -> bool {
        self.verify_checksum(src, dst)
    }

    /// The value the checksum field should hold for a packet from `src` to `dst`.
    pub fn compute_checksum(&self, src: Ipv6Addr, dst: Ipv6Addr) -> u16 {
        // Ones'-complement subtraction of the field leaves the sum of the rest.
        !checksum::combine(&[self.sum(src, dst), !self.checksum()])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the message type.
    pub fn set_msg_type(&mut self, value: Message) {
        self.buf.as_mut()[field::TYPE] = value.0;
    }

    /// Sets the code.
    pub fn set_code(&mut self, value: u8) {
        self.buf.as_mut()[field::CODE] = value;
    }

    /// Sets the checksum field (see [`Packet::fill_checksum`] to compute it).
    pub fn set_checksum(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::CHECKSUM.start, value);
    }

    /// Sets the echo identifier.
    pub fn set_echo_ident(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::ECHO_IDENT.start, value);
    }

    /// Sets the echo sequence number.
    pub fn set_echo_seq_no(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::ECHO_SEQ_NO.start, value);
    }

    /// Sets the MTU of a packet too big.
    pub fn set_mtu(&mut self, value: u32) {
        write_u32(self.buf.as_mut(), field::MTU.start, value);
    }

    /// Sets the pointer of a parameter problem.
    pub fn set_pointer(&mut self, value: u32) {
        write_u32(self.buf.as_mut(), field::POINTER.start, value);
    }

    /// Sets a router advertisement's current hop limit.
    pub fn set_cur_hop_limit(&mut self, value: u8) {
        self.buf.as_mut()[field::CUR_HOP_LIMIT] = value;
    }

    /// Sets a router advertisement's flags octet.
    pub fn set_router_flags(&mut self, value: u8) {
        self.buf.as_mut()[field::ROUTER_FLAGS] = value;
    }

    /// Sets a router advertisement's router lifetime.
    pub fn set_router_lifetime(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::ROUTER_LIFETIME.start, value);
    }

    /// Sets a router advertisement's reachable time.
    pub fn set_reachable_time(&mut self, value: u32) {
        write_u32(self.buf.as_mut(), field::REACHABLE_TIME.start, value);
    }

    /// Sets a router advertisement's retransmission timer.
    pub fn set_retrans_time(&mut self, value: u32) {
        write_u32(self.buf.as_mut(), field::RETRANS_TIME.start, value);
    }

    /// Sets the target address of NS, NA or redirect.
    pub fn set_target_addr(&mut self, value: Ipv6Addr) {
        self.buf.as_mut()[field::TARGET_ADDR].copy_from_slice(&value.octets());
    }

    /// Sets a neighbor advertisement's flags octet (the reserved bits with it).
    pub fn set_neighbor_flags(&mut self, value: u8) {
        self.buf.as_mut()[field::NEIGHBOR_FLAGS] = value;
    }

    /// Sets a redirect's destination address.
    pub fn set_redirect_dst_addr(&mut self, value: Ipv6Addr) {
        self.buf.as_mut()[field::REDIRECT_DST_ADDR].copy_from_slice(&value.octets());
    }

    /// Zeroes the bits the message type marks reserved or unused, as senders must
    /// (RFC 4443 §3.1, §3.3; RFC 4861 §4.1, §4.3, §4.4, §4.5): bytes 4–7 of
    /// destination unreachable, time exceeded, RS, NS and redirect; the 29 bits
    /// after the flags of NA. Other types are left alone.
    pub fn clear_reserved(&mut self) {
        let msg_type = self.msg_type();
        let buf = self.buf.as_mut();
        match msg_type {
            Message::DST_UNREACHABLE
            | Message::TIME_EXCEEDED
            | Message::ROUTER_SOLICIT
            | Message::NEIGHBOR_SOLICIT
            | Message::REDIRECT => write_u32(buf, field::WORD1.start, 0),
            Message::NEIGHBOR_ADVERT => {
                let flags = buf[field::NEIGHBOR_FLAGS] & 0xe0;
                write_u32(buf, field::WORD1.start, u32::from(flags) << 24);
            }
            _ => {}
        }
    }

    /// The bytes after the fixed part of the type, to write data or options into.
    pub fn data_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        &mut self.buf.as_mut()[start..]
    }

    /// The same bytes as [`Packet::data_mut`].
    pub fn payload_mut(&mut self) -> &mut [u8] {
        self.data_mut()
    }

    /// Computes the checksum for a packet from `src` to `dst` and writes it.
    pub fn fill_checksum(&mut self, src: Ipv6Addr, dst: Ipv6Addr) {
        self.set_checksum(0);
        let value = !self.sum(src, dst);
        self.set_checksum(value);
    }
}
