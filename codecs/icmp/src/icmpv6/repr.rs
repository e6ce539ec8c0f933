//! The high-level ICMPv6 message.

use core::net::Ipv6Addr;

use super::packet::{field, fixed_len, neighbor_flags, router_flags, HEADER_LEN};
use super::{Message, Packet};
use crate::{ndp, Error, Result};

/// An ICMPv6 message as a value (RFC 4443, RFC 4861 §4).
///
/// Decoding rules:
/// - the error messages keep their code whatever it is (RFC 4443 §3: "the
///   receiver ... MUST pass" unknown codes up with the error), and their quoted
///   packet unvalidated;
/// - an echo whose code is not 0 is [`Repr::Other`], which keeps every byte;
/// - the neighbour discovery messages get the checks of RFC 4861 §6.1, §7.1 and
///   §8.1 that need no IP header: code 0, the target of NS and NA not multicast,
///   a redirect's destination not multicast and its target link-local or equal
///   to the destination, and every option well formed (its walk yields no error).
///   The other checks there, the IP hop limit of 255 above all, need the IP header
///   and are the caller's;
/// - reserved and unused bits are ignored (RFC 4861 §4: "MUST be ignored by the
///   receiver"; RFC 4443 §3.1, §3.2 the same), and written as zero. The packet
///   too big code is such a field (RFC 4443 §3.2), so it is always written 0.
///
/// So `parse(emit(r)) == r`, and `emit(parse(b)) == b` when reserved bits are zero.
/// MLD messages are [`Repr::Other`].
///
/// ```
/// use core::net::Ipv6Addr;
/// use wirestate_icmp::icmpv6::{Packet, Repr};
/// use wirestate_icmp::Error;
/// let (a, b): (Ipv6Addr, Ipv6Addr) = ("fe80::1".parse().unwrap(), "fe80::2".parse().unwrap());
/// let repr = Repr::EchoRequest { ident: 1, seq_no: 2, data: b"abc" };
/// let mut buf = vec![0u8; repr.buffer_len()];
/// repr.emit(a, b, &mut Packet::new_unchecked(&mut buf[..]));
/// let packet = Packet::new_checked(&buf[..]).unwrap();
/// assert_eq!(Repr::parse_verified(&packet, a, b), Ok(repr));
/// // The same bytes between other addresses do not verify.
/// assert!(matches!(
///     Repr::parse_verified(&packet, b, Ipv6Addr::LOCALHOST),
///     Err(Error::Checksum { field: "checksum", offset: 2, .. })
/// ));
///
/// // A neighbor solicitation for a multicast target is invalid (RFC 4861 §7.1.1).
/// let mut ns = [0u8; 24];
/// ns[0] = 135;
/// ns[8] = 0xff;
/// assert!(matches!(
///     Repr::parse(&Packet::new_checked(&ns[..]).unwrap()),
///     Err(Error::Malformed { field: "target address", offset: 8, .. })
/// ));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr<'a> {
    /// Destination unreachable (type 1, RFC 4443 §3.1).
    DstUnreachable {
        /// Why; see [`dst_unreachable`](super::dst_unreachable).
        code: u8,
        /// As much of the invoking packet as fits.
        quoted: &'a [u8],
    },
    /// Packet too big (type 2, RFC 4443 §3.2), for path MTU discovery.
    PacketTooBig {
        /// The MTU of the next-hop link.
        mtu: u32,
        /// As much of the invoking packet as fits.
        quoted: &'a [u8],
    },
    /// Time exceeded (type 3, RFC 4443 §3.3).
    TimeExceeded {
        /// Why; see [`time_exceeded`](super::time_exceeded).
        code: u8,
        /// As much of the invoking packet as fits.
        quoted: &'a [u8],
    },
    /// Parameter problem (type 4, RFC 4443 §3.4).
    ParamProblem {
        /// Which kind of problem; see [`param_problem`](super::param_problem).
        code: u8,
        /// Offset of the offending octet in the invoking packet.
        pointer: u32,
        /// As much of the invoking packet as fits.
        quoted: &'a [u8],
    },
    /// Echo request (type 128, code 0, RFC 4443 §4.1).
    EchoRequest {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// Data, echoed in the reply.
        data: &'a [u8],
    },
    /// Echo reply (type 129, code 0, RFC 4443 §4.2).
    EchoReply {
        /// Identifier of the request.
        ident: u16,
        /// Sequence number of the request.
        seq_no: u16,
        /// The request's data.
        data: &'a [u8],
    },
    /// Router solicitation (type 133, RFC 4861 §4.1).
    RouterSolicit {
        /// The options, valid; walk them with [`Repr::ndp_options`].
        options: &'a [u8],
    },
    /// Router advertisement (type 134, RFC 4861 §4.2).
    RouterAdvert {
        /// Cur hop limit for outgoing packets; 0 is unspecified.
        hop_limit: u8,
        /// M flag: addresses are available from DHCPv6.
        managed: bool,
        /// O flag: other configuration is available from DHCPv6.
        other: bool,
        /// Seconds the router is a default router; 0: it is not one.
        router_lifetime: u16,
        /// Milliseconds a neighbour is reachable after confirmation; 0 unspecified.
        reachable_time: u32,
        /// Milliseconds between retransmitted NS; 0 unspecified.
        retrans_time: u32,
        /// The options, valid.
        options: &'a [u8],
    },
    /// Neighbor solicitation (type 135, RFC 4861 §4.3).
    NeighborSolicit {
        /// The address whose link-layer address is sought; never multicast.
        target: Ipv6Addr,
        /// The options, valid.
        options: &'a [u8],
    },
    /// Neighbor advertisement (type 136, RFC 4861 §4.4).
    NeighborAdvert {
        /// R flag: the sender is a router.
        router: bool,
        /// S flag: a response to a solicitation.
        solicited: bool,
        /// O flag: override an existing cache entry.
        override_: bool,
        /// The address advertised; never multicast.
        target: Ipv6Addr,
        /// The options, valid.
        options: &'a [u8],
    },
    /// Redirect (type 137, RFC 4861 §4.5).
    Redirect {
        /// The better first hop: link-local, or `dst` itself when on-link.
        target: Ipv6Addr,
        /// The destination redirected; never multicast.
        dst: Ipv6Addr,
        /// The options, valid.
        options: &'a [u8],
    },
    /// Any other message (MLD, unknown types, echo with a nonzero code), byte for
    /// byte. Built by hand, it parses back to itself when its type has no variant
    /// of its own, or is echo with a nonzero code and at least 4 bytes of data.
    Other {
        /// Message type.
        msg_type: u8,
        /// Code.
        code: u8,
        /// Everything after the checksum.
        data: &'a [u8],
    },
}

/// The rule each neighbour discovery message breaks with a nonzero code.
fn code_rule(msg_type: Message) -> &'static str {
    match msg_type {
        Message::ROUTER_SOLICIT => "RFC 4861 §6.1.1: ICMP Code is 0",
        Message::ROUTER_ADVERT => "RFC 4861 §6.1.2: ICMP Code is 0",
        Message::NEIGHBOR_SOLICIT => "RFC 4861 §7.1.1: ICMP Code is 0",
        Message::NEIGHBOR_ADVERT => "RFC 4861 §7.1.2: ICMP Code is 0",
        _ => "RFC 4861 §8.1: ICMP Code is 0",
    }
}

/// Errs if an NS or NA target is multicast (RFC 4861 §7.1.1, §7.1.2).
fn unicast_target(target: Ipv6Addr, rule: &'static str) -> Result<Ipv6Addr> {
    if target.is_multicast() {
        Err(Error::malformed("target address", field::TARGET_ADDR.start, rule))
    } else {
        Ok(target)
    }
}

impl<'a> Repr<'a> {
    /// Decodes the message in `packet` (see the type doc for the rules). The
    /// checksum is not checked; see [`Repr::parse_verified`].
    ///
    /// Errors (offsets from the start of the message), all for neighbour
    /// discovery messages:
    /// - `Malformed` `"code"` at 1: not 0;
    /// - `Malformed` `"target address"` at 8: NS or NA for a multicast target, or
    ///   a redirect whose target is neither link-local nor its destination;
    /// - `Malformed` `"destination address"` at 24: a redirect for a multicast
    ///   destination;
    /// - the first option error (see [`ndp::NdpOption::parse`]) moved to the
    ///   option's offset in the message.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Self> {
        let buf: &'a [u8] = packet.buf.as_ref();
        let msg_type = packet.msg_type();
        let code = packet.code();
        let data = buf.get(packet.header_len()..).unwrap_or_default();
        Ok(match msg_type {
            Message::DST_UNREACHABLE => Self::DstUnreachable { code, quoted: data },
            Message::PACKET_TOO_BIG => Self::PacketTooBig { mtu: packet.mtu(), quoted: data },
            Message::TIME_EXCEEDED => Self::TimeExceeded { code, quoted: data },
            Message::PARAM_PROBLEM => {
                Self::ParamProblem { code, pointer: packet.pointer(), quoted: data }
            }
            Message::ECHO_REQUEST if code == 0 => {
                Self::EchoRequest { ident: packet.echo_ident(), seq_no: packet.echo_seq_no(), data }
            }
            Message::ECHO_REPLY if code == 0 => {
                Self::EchoReply { ident: packet.echo_ident(), seq_no: packet.echo_seq_no(), data }
            }
            m if m.is_ndp() => Self::parse_ndp(packet, data)?,
            Message(msg_type) => {
                Self::Other { msg_type, code, data: buf.get(HEADER_LEN..).unwrap_or_default() }
            }
        })
    }

    /// Decodes one of the five neighbour discovery messages, whose options are
    /// `options`.
    fn parse_ndp<T: AsRef<[u8]> + ?Sized>(
        packet: &Packet<&'a T>,
        options: &'a [u8],
    ) -> Result<Self> {
        let msg_type = packet.msg_type();
        if packet.code() != 0 {
            let rule = code_rule(msg_type);
            return Err(Error::malformed("code", field::CODE, rule));
        }
        let repr = match msg_type {
            Message::ROUTER_SOLICIT => Self::RouterSolicit { options },
            Message::ROUTER_ADVERT => {
                let flags = packet.router_flags();
                Self::RouterAdvert {
                    hop_limit: packet.cur_hop_limit(),
                    managed: flags & router_flags::MANAGED != 0,
                    other: flags & router_flags::OTHER != 0,
                    router_lifetime: packet.router_lifetime(),
                    reachable_time: packet.reachable_time(),
                    retrans_time: packet.retrans_time(),
                    options,
                }
            }
            Message::NEIGHBOR_SOLICIT => {
                let rule = "RFC 4861 §7.1.1: Target Address is not a multicast address";
                Self::NeighborSolicit {
                    target: unicast_target(packet.target_addr(), rule)?,
                    options,
                }
            }
            Message::NEIGHBOR_ADVERT => {
                let rule = "RFC 4861 §7.1.2: Target Address is not a multicast address";
                let flags = packet.neighbor_flags();
                Self::NeighborAdvert {
                    router: flags & neighbor_flags::ROUTER != 0,
                    solicited: flags & neighbor_flags::SOLICITED != 0,
                    override_: flags & neighbor_flags::OVERRIDE != 0,
                    target: unicast_target(packet.target_addr(), rule)?,
                    options,
                }
            }
            _ => Self::parse_redirect(packet.target_addr(), packet.redirect_dst_addr(), options)?,
        };
        ndp::Options::with_base(options, packet.header_len()).validate()?;
        Ok(repr)
    }

    /// Checks a redirect's addresses (RFC 4861 §8.1).
    fn parse_redirect(target: Ipv6Addr, dst: Ipv6Addr, options: &'a [u8]) -> Result<Self> {
        if target != dst && !target.is_unicast_link_local() {
            return Err(Error::malformed(
                "target address",
                field::TARGET_ADDR.start,
                "RFC 4861 §8.1: the ICMP Target Address is either a link-local \
                       address or the same as the ICMP Destination Address",
            ));
        }
        if dst.is_multicast() {
            return Err(Error::malformed(
                "destination address",
                field::REDIRECT_DST_ADDR.start,
                "RFC 4861 §8.1: the ICMP Destination Address is not a multicast address",
            ));
        }
        Ok(Self::Redirect { target, dst, options })
    }

    /// [`Repr::parse`], after checking the checksum of a packet from `src` to `dst`.
    ///
    /// Errs with `Checksum` field `"checksum"` at offset 2 when it does not verify.
    pub fn parse_verified<T: AsRef<[u8]> + ?Sized>(
        packet: &Packet<&'a T>,
        src: Ipv6Addr,
        dst: Ipv6Addr,
    ) -> Result<Self> {
        if !packet.verify_checksum(src, dst) {
            return Err(Error::Checksum {
                field: "checksum",
                offset: field::CHECKSUM.start,
                computed: packet.compute_checksum(src, dst),
                found: packet.checksum(),
            });
        }
        Self::parse(packet)
    }

    /// The message type this repr is written with.
    pub fn msg_type(&self) -> Message {
        match *self {
            Self::DstUnreachable { .. } => Message::DST_UNREACHABLE,
            Self::PacketTooBig { .. } => Message::PACKET_TOO_BIG,
            Self::TimeExceeded { .. } => Message::TIME_EXCEEDED,
            Self::ParamProblem { .. } => Message::PARAM_PROBLEM,
            Self::EchoRequest { .. } => Message::ECHO_REQUEST,
            Self::EchoReply { .. } => Message::ECHO_REPLY,
            Self::RouterSolicit { .. } => Message::ROUTER_SOLICIT,
            Self::RouterAdvert { .. } => Message::ROUTER_ADVERT,
            Self::NeighborSolicit { .. } => Message::NEIGHBOR_SOLICIT,
            Self::NeighborAdvert { .. } => Message::NEIGHBOR_ADVERT,
            Self::Redirect { .. } => Message::REDIRECT,
            Self::Other { msg_type, .. } => Message(msg_type),
        }
    }

    /// The code this repr is written with.
    pub fn code(&self) -> u8 {
        match *self {
            Self::DstUnreachable { code, .. }
            | Self::TimeExceeded { code, .. }
            | Self::ParamProblem { code, .. }
            | Self::Other { code, .. } => code,
            _ => 0,
        }
    }

    /// Where the data or options start: the fixed part of the type, or 4 for
    /// [`Repr::Other`].
    #[inline]
    pub fn header_len(&self) -> usize {
        match self {
            Self::Other { .. } => HEADER_LEN,
            _ => fixed_len(self.msg_type()).0,
        }
    }

    /// What follows the fixed part: echo data, a quoted packet, the options, or
    /// everything after the checksum of [`Repr::Other`].
    pub fn body(&self) -> &'a [u8] {
        match *self {
            Self::DstUnreachable { quoted, .. }
            | Self::PacketTooBig { quoted, .. }
            | Self::TimeExceeded { quoted, .. }
            | Self::ParamProblem { quoted, .. } => quoted,
            Self::EchoRequest { data, .. }
            | Self::EchoReply { data, .. }
            | Self::Other { data, .. } => data,
            Self::RouterSolicit { options }
            | Self::RouterAdvert { options, .. }
            | Self::NeighborSolicit { options, .. }
            | Self::NeighborAdvert { options, .. }
            | Self::Redirect { options, .. } => options,
        }
    }

    /// The options of a neighbour discovery message, walked with offsets from the
    /// start of the message; empty for the other messages.
    pub fn ndp_options(&self) -> ndp::Options<'a> {
        let options = if self.msg_type().is_ndp() && !matches!(self, Self::Other { .. }) {
            self.body()
        } else {
            &[]
        };
        ndp::Options::with_base(options, self.header_len())
    }

    /// The length of the message.
    pub fn buffer_len(&self) -> usize {
        self.header_len().saturating_add(self.body().len())
    }

    /// Writes the message into `packet` and fills the checksum for a packet from
    /// `src` to `dst`.
    ///
    /// `packet` must be exactly [`Repr::buffer_len`] bytes (the checksum covers all
    /// of it); it panics if shorter.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        src: Ipv6Addr,
        dst: Ipv6Addr,
        packet: &mut Packet<T>,
    ) {
        packet.set_msg_type(self.msg_type());
        packet.set_code(self.code());
        if !matches!(self, Self::Other { .. }) {
            packet.clear_reserved();
        }
        self.emit_fields(packet);
        let (start, body) = (self.header_len(), self.body());
        packet.buf.as_mut()[start..start + body.len()].copy_from_slice(body);
        packet.fill_checksum(src, dst);
    }

    /// Writes the type-specific fields of the fixed part.
    fn emit_fields<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        let bit = |set: bool, bit: u8| if set { bit } else { 0 };
        match *self {
            Self::PacketTooBig { mtu, .. } => packet.set_mtu(mtu),
            Self::ParamProblem { pointer, .. } => packet.set_pointer(pointer),
            Self::EchoRequest { ident, seq_no, .. } | Self::EchoReply { ident, seq_no, .. } => {
                packet.set_echo_ident(ident);
                packet.set_echo_seq_no(seq_no);
            }
            Self::RouterAdvert {
                hop_limit,
                managed,
                other,
                router_lifetime,
                reachable_time,
                retrans_time,
                ..
            } => {
                packet.set_cur_hop_limit(hop_limit);
                packet.set_router_flags(
                    bit(managed, router_flags::MANAGED) | bit(other, router_flags::OTHER),
                );
                packet.set_router_lifetime(router_lifetime);
                packet.set_reachable_time(reachable_time);
                packet.set_retrans_time(retrans_time);
            }
            Self::NeighborSolicit { target, .. } => packet.set_target_addr(target),
            Self::NeighborAdvert { router, solicited, override_, target, .. } => {
                packet.set_neighbor_flags(
                    bit(router, neighbor_flags::ROUTER)
                        | bit(solicited, neighbor_flags::SOLICITED)
                        | bit(override_, neighbor_flags::OVERRIDE),
                );
                packet.set_target_addr(target);
            }
            Self::Redirect { target, dst, .. } => {
                packet.set_target_addr(target);
                packet.set_redirect_dst_addr(dst);
            }
            Self::DstUnreachable { .. }
            | Self::TimeExceeded { .. }
            | Self::RouterSolicit { .. }
            | Self::Other { .. } => {}
        }
    }
}
