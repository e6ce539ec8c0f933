//! The high-level ICMPv4 message.

use core::net::Ipv4Addr;

use wirestate_wire::checksum;

use super::packet::{field, HEADER_LEN};
use super::{param_problem, Message, Packet};
use crate::{Error, Result};

/// An ICMPv4 message as a value (RFC 792).
///
/// Echo and the error messages have their own variants; everything else,
/// including an echo whose code is not 0 and a parameter problem whose code is not
/// 0 (whose bytes 4–7 then mean something else), is [`Repr::Other`], which keeps
/// every byte. Codes of the error messages are kept as they are, known or not:
/// RFC 1122 §3.2.2.1 says "A Destination Unreachable message that is received MUST
/// be reported to the transport layer", and a parser that refused an unassigned
/// code would stop that report.
///
/// Bits RFC 792 calls "unused" (bytes 4–7 of time exceeded, 4–5 of destination
/// unreachable, 5–7 of parameter problem) are ignored on parse, as RFC 1122 §1.2.2
/// ("be liberal in what you accept") asks, and written as zero. So
/// `parse(emit(r)) == r` always, and `emit(parse(b)) == b` when those bits are zero.
/// RFC 4884 extension structures ride in those bits and are not decoded.
///
/// The quoted datagram of an error is not validated: RFC 792 asks for "the internet
/// header plus the first 64 bits of the original datagram's data", RFC 1812
/// §4.3.2.3 lets routers quote more, and some quote less; the IP codec decides
/// what it can make of it.
///
/// ```
/// use wirestate_icmp::icmpv4::{Packet, Repr};
/// use wirestate_icmp::Error;
/// let repr = Repr::EchoReply { ident: 7, seq_no: 1, data: b"ping" };
/// let mut buf = [0u8; 12];
/// repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
/// let packet = Packet::new_checked(&buf[..]).unwrap();
/// assert!(packet.verify_checksum());
/// assert_eq!(Repr::parse(&packet), Ok(repr));
///
/// buf[9] ^= 1; // corrupt the data
/// let packet = Packet::new_checked(&buf[..]).unwrap();
/// assert!(matches!(Repr::parse_verified(&packet), Err(Error::Checksum { offset: 2, .. })));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr<'a> {
    /// Echo request (type 8, code 0), as `ping` sends.
    EchoRequest {
        /// Identifier, to match replies to requests.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// Data, echoed back in the reply.
        data: &'a [u8],
    },
    /// Echo reply (type 0, code 0).
    EchoReply {
        /// Identifier of the request.
        ident: u16,
        /// Sequence number of the request.
        seq_no: u16,
        /// The request's data.
        data: &'a [u8],
    },
    /// Destination unreachable (type 3).
    DstUnreachable {
        /// Why; see [`dst_unreachable`](super::dst_unreachable).
        code: u8,
        /// Next-hop MTU (RFC 1191 §4), meaningful with code
        /// [`FRAG_NEEDED`](super::dst_unreachable::FRAG_NEEDED); kept whatever the code.
        next_hop_mtu: u16,
        /// The start of the datagram that could not be delivered.
        quoted: &'a [u8],
    },
    /// Time exceeded (type 11), as traceroute elicits.
    TimeExceeded {
        /// Why; see [`time_exceeded`](super::time_exceeded).
        code: u8,
        /// The start of the datagram that expired.
        quoted: &'a [u8],
    },
    /// Redirect (type 5).
    Redirect {
        /// What is redirected; see [`redirect`](super::redirect).
        code: u8,
        /// The better first hop.
        gateway: Ipv4Addr,
        /// The start of the datagram that was redirected.
        quoted: &'a [u8],
    },
    /// Parameter problem with code 0: the pointer indicates the error.
    ParamProblem {
        /// Offset of the offending octet in the quoted datagram.
        pointer: u8,
        /// The start of the datagram with the problem.
        quoted: &'a [u8],
    },
    /// Any other message, byte for byte.
    Other {
        /// Message type.
        msg_type: u8,
        /// Code.
        code: u8,
        /// Bytes 4–7.
        rest_of_header: u32,
        /// The bytes after the header.
        data: &'a [u8],
    },
}

impl<'a> Repr<'a> {
    /// Decodes the message in `packet`.
    ///
    /// Every message with the 8-byte header (proved by [`Packet::new_checked`])
    /// decodes: this never errs, and returns a `Result` to match the other
    /// codecs. The checksum is not checked; see [`Repr::parse_verified`].
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Self> {
        let data = packet.buf.as_ref().get(field::DATA..).unwrap_or_default();
        Ok(Self::from_parts(packet.msg_type(), packet.code(), packet.rest_of_header(), data))
    }

    /// [`Repr::parse`], after checking the checksum.
    ///
    /// Errs with `Checksum` field `"checksum"` at offset 2 when it does not verify.
    pub fn parse_verified<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Self> {
        let sum = checksum::sum(packet.buf.as_ref());
        if sum != 0xffff {
            let found = packet.checksum();
            // Ones'-complement subtraction of the field from the sum leaves the sum
            // of the rest, whose complement is what the field should hold.
            let computed = !checksum::combine(&[sum, !found]);
            return Err(Error::Checksum {
                field: "checksum",
                offset: field::CHECKSUM.start,
                computed,
                found,
            });
        }
        Self::parse(packet)
    }

    /// The repr [`Repr::parse`] gives for a message with these header fields and
    /// `data` after the header: the canonical form of any message.
    ///
    /// ```
    /// use wirestate_icmp::icmpv4::{Message, Repr};
    /// let r = Repr::from_parts(Message::ECHO_REQUEST, 0, 0x0001_0002, b"x");
    /// assert_eq!(r, Repr::EchoRequest { ident: 1, seq_no: 2, data: b"x" });
    /// // Echo with a code other than 0 is not an echo RFC 792 defines.
    /// assert!(matches!(Repr::from_parts(Message::ECHO_REQUEST, 1, 0, b""), Repr::Other { .. }));
    /// ```
    pub fn from_parts(msg_type: Message, code: u8, rest_of_header: u32, data: &'a [u8]) -> Self {
        let [b4, _, _, _] = rest_of_header.to_be_bytes();
        let ident = (rest_of_header >> 16) as u16;
        let low = rest_of_header as u16;
        match (msg_type, code) {
            (Message::ECHO_REQUEST, 0) => Self::EchoRequest { ident, seq_no: low, data },
            (Message::ECHO_REPLY, 0) => Self::EchoReply { ident, seq_no: low, data },
            (Message::DST_UNREACHABLE, _) => {
                Self::DstUnreachable { code, next_hop_mtu: low, quoted: data }
            }
            (Message::TIME_EXCEEDED, _) => Self::TimeExceeded { code, quoted: data },
            (Message::REDIRECT, _) => {
                Self::Redirect { code, gateway: Ipv4Addr::from(rest_of_header), quoted: data }
            }
            (Message::PARAM_PROBLEM, param_problem::POINTER) => {
                Self::ParamProblem { pointer: b4, quoted: data }
            }
            (Message(msg_type), _) => Self::Other { msg_type, code, rest_of_header, data },
        }
    }

    /// The message type this repr is written with.
    pub fn msg_type(&self) -> Message {
        match *self {
            Self::EchoRequest { .. } => Message::ECHO_REQUEST,
            Self::EchoReply { .. } => Message::ECHO_REPLY,
            Self::DstUnreachable { .. } => Message::DST_UNREACHABLE,
            Self::TimeExceeded { .. } => Message::TIME_EXCEEDED,
            Self::Redirect { .. } => Message::REDIRECT,
            Self::ParamProblem { .. } => Message::PARAM_PROBLEM,
            Self::Other { msg_type, .. } => Message(msg_type),
        }
    }

    /// The code this repr is written with.
    pub fn code(&self) -> u8 {
        match *self {
            Self::EchoRequest { .. } | Self::EchoReply { .. } => 0,
            Self::ParamProblem { .. } => param_problem::POINTER,
            Self::DstUnreachable { code, .. }
            | Self::TimeExceeded { code, .. }
            | Self::Redirect { code, .. }
            | Self::Other { code, .. } => code,
        }
    }

    /// Bytes 4–7 as this repr writes them (unused bits zero).
    pub fn rest_of_header(&self) -> u32 {
        match *self {
            Self::EchoRequest { ident, seq_no, .. } | Self::EchoReply { ident, seq_no, .. } => {
                (u32::from(ident) << 16) | u32::from(seq_no)
            }
            Self::DstUnreachable { next_hop_mtu, .. } => u32::from(next_hop_mtu),
            Self::TimeExceeded { .. } => 0,
            Self::Redirect { gateway, .. } => u32::from(gateway),
            Self::ParamProblem { pointer, .. } => u32::from(pointer) << 24,
            Self::Other { rest_of_header, .. } => rest_of_header,
        }
    }

    /// The bytes after the header: echo data or the quoted datagram.
    pub fn data(&self) -> &'a [u8] {
        match *self {
            Self::EchoRequest { data, .. }
            | Self::EchoReply { data, .. }
            | Self::Other { data, .. } => data,
            Self::DstUnreachable { quoted, .. }
            | Self::TimeExceeded { quoted, .. }
            | Self::Redirect { quoted, .. }
            | Self::ParamProblem { quoted, .. } => quoted,
        }
    }

    /// The length of the message: the 8-byte header and the data.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.data().len())
    }

    /// Writes the message into `packet` and fills the checksum.
    ///
    /// `packet` must be exactly [`Repr::buffer_len`] bytes (the checksum covers all
    /// of it); it panics if shorter.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_msg_type(self.msg_type());
        packet.set_code(self.code());
        packet.set_rest_of_header(self.rest_of_header());
        let data = self.data();
        packet.data_mut()[..data.len()].copy_from_slice(data);
        packet.fill_checksum();
    }
}

/// Any repr the generator yields round-trips: the typed variants are canonical
/// by construction, and `Other` goes through [`Repr::from_parts`].
#[cfg(any(test, feature = "arbitrary"))]
impl<'a> arbitrary::Arbitrary<'a> for Repr<'a> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.int_in_range(0u8..=6)? {
            0 => Self::EchoRequest {
                ident: u.arbitrary()?,
                seq_no: u.arbitrary()?,
                data: u.arbitrary()?,
            },
            1 => Self::EchoReply {
                ident: u.arbitrary()?,
                seq_no: u.arbitrary()?,
                data: u.arbitrary()?,
            },
            2 => Self::DstUnreachable {
                code: u.arbitrary()?,
                next_hop_mtu: u.arbitrary()?,
                quoted: u.arbitrary()?,
            },
            3 => Self::TimeExceeded { code: u.arbitrary()?, quoted: u.arbitrary()? },
            4 => Self::Redirect {
                code: u.arbitrary()?,
                gateway: Ipv4Addr::from(u.arbitrary::<u32>()?),
                quoted: u.arbitrary()?,
            },
            5 => Self::ParamProblem { pointer: u.arbitrary()?, quoted: u.arbitrary()? },
            _ => Self::from_parts(
                Message(u.arbitrary()?),
                u.arbitrary()?,
                u.arbitrary()?,
                u.arbitrary()?,
            ),
        })
    }
}
