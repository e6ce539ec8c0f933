//! The ICMPv4 message view.

use core::net::Ipv4Addr;

use wirestate_wire::bytes::{need, read_array, read_u16, read_u32, write_u16, write_u32};
use wirestate_wire::checksum;

use super::Message;
use crate::Result;

/// Byte offsets of the ICMPv4 header fields (RFC 792).
pub mod field {
    use core::ops::Range;

    /// Message type.
    pub const TYPE: usize = 0;
    /// Code.
    pub const CODE: usize = 1;
    /// Checksum over the whole message.
    pub const CHECKSUM: Range<usize> = 2..4;
    /// The 32 bits whose meaning depends on the type.
    pub const REST_OF_HEADER: Range<usize> = 4..8;
    /// Echo identifier.
    pub const ECHO_IDENT: Range<usize> = 4..6;
    /// Echo sequence number.
    pub const ECHO_SEQ_NO: Range<usize> = 6..8;
    /// Redirect gateway address.
    pub const GATEWAY: Range<usize> = 4..8;
    /// Next-hop MTU of a "fragmentation needed" unreachable (RFC 1191 §4).
    pub const NEXT_HOP_MTU: Range<usize> = 6..8;
    /// Parameter problem pointer.
    pub const POINTER: usize = 4;
    /// Start of the data: echo data, or the quoted datagram of an error.
    pub const DATA: usize = 8;
}

/// Length of the ICMPv4 header: type, code, checksum and the rest of the header.
pub const HEADER_LEN: usize = field::DATA;

/// An ICMPv4 message over `T`: the whole IPv4 payload, which the checksum covers.
///
/// [`Packet::new_checked`] proves the 8-byte header is there, so every getter is in
/// bounds whatever the type; the type-specific getters read their field whether or
/// not the message is of that type.
///
/// ```
/// use wirestate_icmp::icmpv4::{Message, Packet};
/// use wirestate_icmp::Error;
/// // Echo request, identifier 0x1234, sequence number 1, data "hi".
/// let bytes = [8, 0, 0x7d, 0x61, 0x12, 0x34, 0x00, 0x01, b'h', b'i'];
/// let packet = Packet::new_checked(&bytes[..]).unwrap();
/// assert_eq!(packet.msg_type(), Message::ECHO_REQUEST);
/// assert_eq!((packet.echo_ident(), packet.echo_seq_no()), (0x1234, 1));
/// assert_eq!(packet.data(), b"hi");
/// assert!(packet.verify_checksum());
/// assert_eq!(
///     Packet::new_checked(&bytes[..5]).unwrap_err(),
///     Error::Truncated { field: "icmpv4 header", offset: 0, need: 8, have: 5 }
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    pub(super) buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buf` without checking it; getters panic if it is shorter than 8
    /// bytes. For building a message in a buffer sized by `Repr::buffer_len`.
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Self { buf }
    }

    /// Wraps `buf` after checking it holds the 8-byte header.
    ///
    /// Errs with `Truncated` field `"icmpv4 header"` at offset 0 otherwise.
    #[inline]
    pub fn new_checked(buf: T) -> Result<Self> {
        need(buf.as_ref(), 0, HEADER_LEN, "icmpv4 header")?;
        Ok(Self { buf })
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The header length, always 8.
    #[inline]
    pub const fn header_len(&self) -> usize {
        HEADER_LEN
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

    /// Bytes 4–7, whose meaning depends on the type.
    pub fn rest_of_header(&self) -> u32 {
        read_u32(self.buf.as_ref(), field::REST_OF_HEADER.start)
    }

    /// The echo identifier (bytes 4–5).
    pub fn echo_ident(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::ECHO_IDENT.start)
    }

    /// The echo sequence number (bytes 6–7).
    pub fn echo_seq_no(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::ECHO_SEQ_NO.start)
    }

    /// The gateway a redirect points to (bytes 4–7).
    pub fn gateway(&self) -> Ipv4Addr {
        Ipv4Addr::from(read_array::<4>(self.buf.as_ref(), field::GATEWAY.start))
    }

    /// The next-hop MTU of a "fragmentation needed" unreachable (bytes 6–7,
    /// RFC 1191 §4); zero from routers older than RFC 1191.
    pub fn next_hop_mtu(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::NEXT_HOP_MTU.start)
    }

    /// The octet of the quoted datagram a parameter problem points to (byte 4).
    pub fn pointer(&self) -> u8 {
        self.buf.as_ref()[field::POINTER]
    }

    /// The bytes after the 8-byte header: echo data or a quoted datagram.
    pub fn data(&self) -> &[u8] {
        &self.buf.as_ref()[field::DATA..]
    }

    /// The same bytes as [`Packet::data`], under the name every view uses.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        self.data()
    }

    /// Whether the checksum verifies over the whole buffer (RFC 792: "the 16-bit
    /// one's complement of the one's complement sum of the ICMP message starting
    /// with the ICMP Type"). The buffer must be exactly the IPv4 payload.
    pub fn verify_checksum(&self) -> bool {
        checksum::sum(self.buf.as_ref()) == 0xffff
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

    /// Sets bytes 4–7.
    pub fn set_rest_of_header(&mut self, value: u32) {
        write_u32(self.buf.as_mut(), field::REST_OF_HEADER.start, value);
    }

    /// Sets the echo identifier.
    pub fn set_echo_ident(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::ECHO_IDENT.start, value);
    }

    /// Sets the echo sequence number.
    pub fn set_echo_seq_no(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::ECHO_SEQ_NO.start, value);
    }

    /// Sets the redirect gateway.
    pub fn set_gateway(&mut self, value: Ipv4Addr) {
        self.buf.as_mut()[field::GATEWAY].copy_from_slice(&value.octets());
    }

    /// Sets the next-hop MTU (bytes 6–7).
    pub fn set_next_hop_mtu(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::NEXT_HOP_MTU.start, value);
    }

    /// Sets the parameter problem pointer (byte 4).
    pub fn set_pointer(&mut self, value: u8) {
        self.buf.as_mut()[field::POINTER] = value;
    }

    /// The bytes after the header, to write echo data or a quoted datagram into.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.buf.as_mut()[field::DATA..]
    }

    /// The same bytes as [`Packet::data_mut`].
    pub fn payload_mut(&mut self) -> &mut [u8] {
        self.data_mut()
    }

    /// Computes the checksum over the whole buffer and writes it.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let value = checksum::checksum(self.buf.as_ref());
        self.set_checksum(value);
    }
}
