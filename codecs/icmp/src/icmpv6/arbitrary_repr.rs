//! Generation of valid ICMPv6 reprs for fuzzing and property tests.

use core::net::Ipv6Addr;

use arbitrary::{Arbitrary, Unstructured};

use super::{Message, Repr};
use crate::ndp;

/// `a`, moved out of the multicast range (ff00::/8) if it was in it.
fn not_multicast(a: Ipv6Addr) -> Ipv6Addr {
    let mut o = a.octets();
    if o[0] == 0xff {
        o[0] = 0xfe;
    }
    Ipv6Addr::from(o)
}

/// `a` with its top 10 bits replaced by fe80::/10.
fn link_local(a: Ipv6Addr) -> Ipv6Addr {
    let mut o = a.octets();
    o[0] = 0xfe;
    o[1] = 0x80 | (o[1] & 0x3f);
    Ipv6Addr::from(o)
}

/// Arbitrary bytes cut to their longest prefix of valid options.
fn options<'a>(u: &mut Unstructured<'a>) -> arbitrary::Result<&'a [u8]> {
    Ok(ndp::valid_prefix(u.arbitrary()?))
}

/// A type for [`Repr::Other`] with `code` and `data` that [`Repr::parse`] gives
/// back as `Other`: types with a variant of their own, and echo types with too
/// little data for their fixed part, become 200 (RFC 4443 §2.1: private
/// experimentation).
pub(super) fn other_type(msg_type: u8, code: u8, data: &[u8]) -> u8 {
    let m = Message(msg_type);
    let echo = m == Message::ECHO_REQUEST || m == Message::ECHO_REPLY;
    let typed = (1..=Message::PARAM_PROBLEM.0).contains(&msg_type) || m.is_ndp();
    if typed || (echo && (code == 0 || data.len() < 4)) {
        200
    } else {
        msg_type
    }
}

/// Every repr generated round-trips: targets and destinations obey RFC 4861
/// §7.1 and §8.1, options are valid, and `Other` avoids the typed types.
impl<'a> Arbitrary<'a> for Repr<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.int_in_range(0u8..=11)? {
            0 => Self::DstUnreachable { code: u.arbitrary()?, quoted: u.arbitrary()? },
            1 => Self::PacketTooBig { mtu: u.arbitrary()?, quoted: u.arbitrary()? },
            2 => Self::TimeExceeded { code: u.arbitrary()?, quoted: u.arbitrary()? },
            3 => Self::ParamProblem {
                code: u.arbitrary()?,
                pointer: u.arbitrary()?,
                quoted: u.arbitrary()?,
            },
            4 => Self::EchoRequest {
                ident: u.arbitrary()?,
                seq_no: u.arbitrary()?,
                data: u.arbitrary()?,
            },
            5 => Self::EchoReply {
                ident: u.arbitrary()?,
                seq_no: u.arbitrary()?,
                data: u.arbitrary()?,
            },
            6 => Self::RouterSolicit { options: options(u)? },
            7 => Self::RouterAdvert {
                hop_limit: u.arbitrary()?,
                managed: u.arbitrary()?,
                other: u.arbitrary()?,
                router_lifetime: u.arbitrary()?,
                reachable_time: u.arbitrary()?,
                retrans_time: u.arbitrary()?,
                options: options(u)?,
            },
            8 => Self::NeighborSolicit {
                target: not_multicast(u.arbitrary()?),
                options: options(u)?,
            },
            9 => Self::NeighborAdvert {
                router: u.arbitrary()?,
                solicited: u.arbitrary()?,
                override_: u.arbitrary()?,
                target: not_multicast(u.arbitrary()?),
                options: options(u)?,
            },
            10 => {
                let dst = not_multicast(u.arbitrary()?);
                let on_link: bool = u.arbitrary()?;
                let target = if on_link { dst } else { link_local(u.arbitrary()?) };
                Self::Redirect { target, dst, options: options(u)? }
            }
            _ => {
                let (msg_type, code, data): (u8, u8, &[u8]) =
                    (u.arbitrary()?, u.arbitrary()?, u.arbitrary()?);
                Self::Other { msg_type: other_type(msg_type, code, data), code, data }
            }
        })
    }
}
