//! The plain value of a message: fixed fields copied out, options borrowed raw.

use core::net::Ipv4Addr;

use wirestate_wire::bytes::read_array;
use wirestate_wire::Result;

use crate::field;
use crate::message::{check_cookie, Message};
use crate::options::Options;

/// A checked DHCP message: the fixed fields, and the options field (after the
/// cookie, end option and trailing pad included) kept as octets so `emit` writes
/// back exactly what was parsed. Decode options with [`Message::options`].
///
/// Only a DHCP message has a `Repr`: `emit` always writes the magic cookie, so a
/// BOOTP message without it (see [`Message::new_checked_bootp`]) does not parse.
/// Options that run to the end of a field without an end option do (see
/// [`crate::RawOptions`]); `options` keeps them as they are, so the round trip is
/// exact either way.
///
/// ```
/// use wirestate_dhcp::{Message, Repr};
/// let mut buf = [0u8; 241];
/// buf[236..240].copy_from_slice(&[99, 130, 83, 99]);
/// buf[240] = 255;
/// let repr = Repr::parse(&Message::new_checked(&buf[..]).unwrap()).unwrap();
/// let mut out = vec![0u8; repr.buffer_len()];
/// repr.emit(&mut Message::new_unchecked(&mut out[..]));
/// assert_eq!(out, buf);
///
/// // A BOOTP message without the magic cookie is not a DHCP message.
/// buf[236] = 0;
/// let err = Repr::parse(&Message::new_checked_bootp(&buf[..]).unwrap()).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("magic cookie", 236));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Repr<'a> {
    /// `op`: 1 = BOOTREQUEST, 2 = BOOTREPLY.
    pub op: u8,
    /// `htype`.
    pub htype: u8,
    /// `hlen`.
    pub hlen: u8,
    /// `hops`.
    pub hops: u8,
    /// `xid`.
    pub xid: u32,
    /// `secs`.
    pub secs: u16,
    /// `flags` (bit 15: broadcast).
    pub flags: u16,
    /// `ciaddr`.
    pub ciaddr: Ipv4Addr,
    /// `yiaddr`.
    pub yiaddr: Ipv4Addr,
    /// `siaddr`.
    pub siaddr: Ipv4Addr,
    /// `giaddr`.
    pub giaddr: Ipv4Addr,
    /// `chaddr`, 16 octets.
    pub chaddr: [u8; 16],
    /// `sname`, 64 octets.
    pub sname: [u8; 64],
    /// `file`, 128 octets.
    pub file: [u8; 128],
    /// The options field after the cookie.
    pub options: &'a [u8],
}

impl<'a> Repr<'a> {
    /// Reads the fixed fields and checks the magic cookie and every option (see
    /// [`Options`]).
    ///
    /// # Errors
    /// As [`Message::new_checked`] for a message without the cookie (one from
    /// [`Message::new_checked_bootp`]); then the first error of [`Options`]
    /// (framing, overload, typed decoding).
    pub fn parse(msg: &Message<&'a [u8]>) -> Result<Self> {
        let b: &'a [u8] = msg.into_inner();
        check_cookie(b)?;
        Options::new(b).validate()?;
        Ok(Repr {
            op: msg.op(),
            htype: msg.htype(),
            hlen: msg.hlen(),
            hops: msg.hops(),
            xid: msg.xid(),
            secs: msg.secs(),
            flags: msg.flags(),
            ciaddr: msg.ciaddr(),
            yiaddr: msg.yiaddr(),
            siaddr: msg.siaddr(),
            giaddr: msg.giaddr(),
            chaddr: read_array(b, field::CHADDR),
            sname: read_array(b, field::SNAME),
            file: read_array(b, field::FILE),
            options: b.get(field::OPTIONS..).unwrap_or_default(),
        })
    }

    /// The broadcast bit of `flags`.
    pub fn broadcast(&self) -> bool {
        self.flags & field::BROADCAST != 0
    }

    /// The length `emit` writes: 240 plus the options.
    pub fn buffer_len(&self) -> usize {
        field::OPTIONS + self.options.len()
    }

    /// Writes the message into `msg`, sized with [`buffer_len`](Self::buffer_len).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, msg: &mut Message<T>) {
        msg.set_op(self.op);
        msg.set_htype(self.htype);
        msg.set_hlen(self.hlen);
        msg.set_hops(self.hops);
        msg.set_xid(self.xid);
        msg.set_secs(self.secs);
        msg.set_flags(self.flags);
        msg.set_ciaddr(self.ciaddr);
        msg.set_yiaddr(self.yiaddr);
        msg.set_siaddr(self.siaddr);
        msg.set_giaddr(self.giaddr);
        msg.set_chaddr(&self.chaddr);
        msg.set_sname(&self.sname);
        msg.set_file(&self.file);
        msg.set_cookie();
        msg.payload_mut()[..self.options.len()].copy_from_slice(self.options);
    }
}
