//! Writing a message of any type into a caller's buffer (RFC 2131 §4.3, §4.4:
//! Table 3 says which fields and options each type carries).

use core::net::Ipv4Addr;

use wirestate_wire::{Error, Result};

use crate::field;
use crate::message::{Message, MIN_MESSAGE_LEN};
use crate::option::code;
use crate::routes::{Route, RULE_EMPTY, RULE_WIDTH};
use crate::types::MessageType;
use wirestate_dns::Name;

/// Writes a DHCP message into `&mut [u8]`: header, cookie, message type, then the
/// options added, then `finish` writes the end option and pads with zeros to the
/// BOOTP minimum of 300 octets (RFC 1542 §2.1) when the maximum size allows.
/// Options longer than 255 octets are split into several instances (RFC 3396 §5).
///
/// ```
/// use core::net::Ipv4Addr;
/// use wirestate_dhcp::{Builder, DhcpOption, Message, MessageType};
/// let mut buf = [0u8; 576];
/// let mut b = Builder::discover(&mut buf, 0xdead_beef, &[2, 0, 0, 0, 0, 1]).unwrap();
/// b.option(55, &[1, 3, 6]).unwrap();
/// let len = b.finish().unwrap();
/// assert_eq!(len, 300);
/// let msg = Message::new_checked(&buf[..len]).unwrap();
/// let first = msg.options().next().unwrap().unwrap();
/// assert_eq!(first, DhcpOption::MessageType(MessageType::Discover));
///
/// // A maximum size too small for an option is an error, and the message is unchanged.
/// let mut buf = [0u8; 576];
/// let mut b = Builder::discover(&mut buf, 1, &[2, 0, 0, 0, 0, 1]).unwrap();
/// b.max_size(250);
/// let err = b.option(60, &[b'x'; 20]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("message", 243));
/// ```
#[derive(Debug)]
pub struct Builder<'b> {
    buf: &'b mut [u8],
    len: usize,
    max: usize,
}

impl<'b> Builder<'b> {
    /// Starts a message of type `mt`: zeroes the header, sets `op` for the type,
    /// `htype` 1 (Ethernet), `hlen` and `chaddr` from `chaddr` (at most 16 octets),
    /// `xid`, the cookie and option 53.
    ///
    /// # Errors
    /// `Truncated` "message" at 0 if `buf` is shorter than 243 octets;
    /// `Malformed` "chaddr" at 28 if `chaddr` is longer than 16 octets.
    pub fn new(buf: &'b mut [u8], mt: MessageType, xid: u32, chaddr: &[u8]) -> Result<Self> {
        let need = field::OPTIONS + 3;
        if buf.len() < need {
            return Err(Error::truncated("message", 0, need, buf.len()));
        }
        let mut hw = [0u8; 16];
        hw.get_mut(..chaddr.len())
            .ok_or_else(|| {
                Error::malformed("chaddr", field::CHADDR, "RFC 2131 §2: chaddr is 16 octets")
            })?
            .copy_from_slice(chaddr);
        buf[..field::OPTIONS].fill(0);
        let max = buf.len();
        let mut b = Builder { buf, len: field::OPTIONS, max };
        let mut m = b.header();
        m.set_op(mt.op());
        m.set_htype(1);
        m.set_hlen(chaddr.len() as u8);
        m.set_xid(xid);
        m.set_chaddr(&hw);
        m.set_cookie();
        b.option(code::MESSAGE_TYPE, &[mt.to_u8()])?;
        Ok(b)
    }

    /// A DHCPDISCOVER (RFC 2131 §4.4.1).
    ///
    /// # Errors
    /// As [`Builder::new`].
    pub fn discover(buf: &'b mut [u8], xid: u32, chaddr: &[u8]) -> Result<Self> {
        Self::new(buf, MessageType::Discover, xid, chaddr)
    }

    /// A DHCPOFFER with `yiaddr`, server identifier and lease time (RFC 2131 Table 3).
    ///
    /// # Errors
    /// As [`Builder::new`].
    pub fn offer(
        buf: &'b mut [u8],
        xid: u32,
        chaddr: &[u8],
        yiaddr: Ipv4Addr,
        server: Ipv4Addr,
        lease: u32,
    ) -> Result<Self> {
        Self::reply(buf, MessageType::Offer, xid, chaddr, yiaddr, server, lease)
    }

    /// A DHCPREQUEST; add option 50 and 54 as the state requires (RFC 2131 §4.3.2).
    ///
    /// # Errors
    /// As [`Builder::new`].
    pub fn request(buf: &'b mut [u8], xid: u32, chaddr: &[u8]) -> Result<Self> {
        Self::new(buf, MessageType::Request, xid, chaddr)
    }

    /// A DHCPDECLINE with the requested address and server identifier (RFC 2131 Table 5).
    ///
    /// # Errors
    /// As [`Builder::new`].
    pub fn decline(
        buf: &'b mut [u8],
        xid: u32,
        chaddr: &[u8],
        requested: Ipv4Addr,
        server: Ipv4Addr,
    ) -> Result<Self> {
        let mut b = Self::new(buf, MessageType::Decline, xid, chaddr)?;
        b.ipv4(code::REQUESTED_IP, requested)?.ipv4(code::SERVER_IDENTIFIER, server)?;
        Ok(b)
    }

    /// A DHCPACK with `yiaddr`, server identifier and lease time (RFC 2131 Table 3).
    ///
    /// # Errors
    /// As [`Builder::new`].
    pub fn ack(
        buf: &'b mut [u8],
        xid: u32,
        chaddr: &[u8],
        yiaddr: Ipv4Addr,
        server: Ipv4Addr,
        lease: u32,
    ) -> Result<Self> {
        Self::reply(buf, MessageType::Ack, xid, chaddr, yiaddr, server, lease)
    }

    /// A DHCPNAK with the server identifier (RFC 2131 Table 3).
    ///
    /// # Errors
    /// As [`Builder::new`].
    pub fn nak(buf: &'b mut [u8], xid: u32, chaddr: &[u8], server: Ipv4Addr) -> Result<Self> {
        let mut b = Self::new(buf, MessageType::Nak, xid, chaddr)?;
        b.ipv4(code::SERVER_IDENTIFIER, server)?;
        Ok(b)
    }

    /// A DHCPRELEASE with `ciaddr` and the server identifier (RFC 2131 Table 5).
    ///
    /// # Errors
    /// As [`Builder::new`].
    pub fn release(
        buf: &'b mut [u8],
        xid: u32,
        chaddr: &[u8],
        ciaddr: Ipv4Addr,
        server: Ipv4Addr,
    ) -> Result<Self> {
        let mut b = Self::new(buf, MessageType::Release, xid, chaddr)?;
        b.header().set_ciaddr(ciaddr);
        b.ipv4(code::SERVER_IDENTIFIER, server)?;
        Ok(b)
    }

    /// A DHCPINFORM with `ciaddr` (RFC 2131 Table 5).
    ///
    /// # Errors
    /// As [`Builder::new`].
    pub fn inform(buf: &'b mut [u8], xid: u32, chaddr: &[u8], ciaddr: Ipv4Addr) -> Result<Self> {
        let mut b = Self::new(buf, MessageType::Inform, xid, chaddr)?;
        b.header().set_ciaddr(ciaddr);
        Ok(b)
    }

    fn reply(
        buf: &'b mut [u8],
        mt: MessageType,
        xid: u32,
        chaddr: &[u8],
        yiaddr: Ipv4Addr,
        server: Ipv4Addr,
        lease: u32,
    ) -> Result<Self> {
        let mut b = Self::new(buf, mt, xid, chaddr)?;
        b.header().set_yiaddr(yiaddr);
        b.ipv4(code::SERVER_IDENTIFIER, server)?.u32(code::LEASE_TIME, lease)?;
        Ok(b)
    }

    /// Limits the message to `max` octets (e.g. the peer's option 57, or the MTU);
    /// never above the buffer. Options already written stay.
    pub fn max_size(&mut self, max: usize) -> &mut Self {
        self.max = max.min(self.buf.len()).max(self.len);
        self
    }

    /// The fixed header, to set fields the constructors do not (flags, giaddr...).
    pub fn header(&mut self) -> Message<&mut [u8]> {
        Message::new_unchecked(&mut self.buf[..field::OPTIONS])
    }

    /// The octets written so far (without the end option).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a message has at least its header.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Appends option `code` with value `data`, split into instances of at most 255
    /// octets (RFC 3396 §5); an empty value is one instance of length 0.
    ///
    /// # Errors
    /// `Truncated` "message" at the current length if the option and the end option
    /// do not fit the maximum size; nothing is written then.
    pub fn option(&mut self, code: u8, data: &[u8]) -> Result<&mut Self> {
        let pieces = data.len().div_ceil(255).max(1);
        let need = data.len() + 2 * pieces + 1;
        if self.len + need > self.max {
            return Err(Error::truncated("message", self.len, need, self.max - self.len));
        }
        let mut chunks = data.chunks(255);
        for _ in 0..pieces {
            let chunk = chunks.next().unwrap_or(&[]);
            let at = self.len;
            self.buf[at] = code;
            self.buf[at + 1] = chunk.len() as u8;
            self.buf[at + 2..at + 2 + chunk.len()].copy_from_slice(chunk);
            self.len = at + 2 + chunk.len();
        }
        Ok(self)
    }

    /// Appends an address option.
    ///
    /// # Errors
    /// As [`Builder::option`].
    pub fn ipv4(&mut self, code: u8, addr: Ipv4Addr) -> Result<&mut Self> {
        self.option(code, &addr.octets())
    }

    /// Appends a 32-bit option (times).
    ///
    /// # Errors
    /// As [`Builder::option`].
    pub fn u32(&mut self, code: u8, v: u32) -> Result<&mut Self> {
        self.option(code, &v.to_be_bytes())
    }

    /// Appends a 16-bit option (MTU, max message size).
    ///
    /// # Errors
    /// As [`Builder::option`].
    pub fn u16(&mut self, code: u8, v: u16) -> Result<&mut Self> {
        self.option(code, &v.to_be_bytes())
    }

    /// Appends an address list option (routers, name servers...); over 63
    /// addresses it is split (RFC 3396).
    ///
    /// # Errors
    /// As [`Builder::option`].
    pub fn addrs(&mut self, code: u8, addrs: &[Ipv4Addr]) -> Result<&mut Self> {
        let mut tmp = [0u8; 255];
        let mut first = true;
        for group in addrs.chunks(63) {
            for (i, a) in group.iter().enumerate() {
                tmp[4 * i..4 * i + 4].copy_from_slice(&a.octets());
            }
            if first || !group.is_empty() {
                self.option(code, &tmp[..4 * group.len()])?;
            }
            first = false;
        }
        Ok(self)
    }

    /// Appends the classless static routes option (121, RFC 3442), split if the
    /// routes take more than 255 octets (RFC 3396).
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use wirestate_dhcp::{Builder, DhcpOption, Message, Route};
    /// let mut buf = [0u8; 576];
    /// let mut b = Builder::discover(&mut buf, 1, &[2, 0, 0, 0, 0, 1]).unwrap();
    /// // RFC 3442 §3: 10.17.0.0/16 via 10.0.0.1 is 16 10 17 10 0 0 1.
    /// let net = Route { destination: Ipv4Addr::new(10, 17, 0, 0), prefix_len: 16, router: Ipv4Addr::new(10, 0, 0, 1) };
    /// b.classless_routes(&[net]).unwrap();
    /// let len = b.finish().unwrap();
    /// assert_eq!(&buf[243..252], &[121, 7, 16, 10, 17, 10, 0, 0, 1]);
    /// let msg = Message::new_checked(&buf[..len]).unwrap();
    /// let Some(Ok(DhcpOption::ClasslessStaticRoute(r))) = msg.options().nth(1) else { panic!() };
    /// assert_eq!(r.iter().collect::<Vec<_>>(), [net]);
    /// ```
    ///
    /// # Errors
    /// `Malformed` "classless static route" for no routes (RFC 3442 §3: the option
    /// is at least 5 octets) or a prefix length over 32; otherwise as
    /// [`Builder::option`].
    pub fn classless_routes(&mut self, routes: &[Route]) -> Result<&mut Self> {
        if routes.is_empty() {
            return Err(Error::malformed("classless static route", self.len, RULE_EMPTY));
        }
        if routes.iter().any(|r| r.prefix_len > 32) {
            return Err(Error::malformed("classless static route", self.len, RULE_WIDTH));
        }
        let most = routes.iter().map(Route::wire_len).sum();
        self.option_encoded(code::CLASSLESS_STATIC_ROUTE, most, |out| {
            let mut n = 0;
            for r in routes {
                n += r.write(out.get_mut(n..)?)?;
            }
            Some(n)
        })
    }

    /// Appends the domain search option (119, RFC 3397): the names compressed
    /// against each other (pointers count from the start of the option's value,
    /// RFC 3397 §2), split if longer than 255 octets (RFC 3396).
    ///
    /// ```
    /// use wirestate_dhcp::{Builder, DhcpOption, Message};
    /// use wirestate_dns::NameBuf;
    /// let eng: NameBuf = "eng.apple.com.".parse().unwrap();
    /// let marketing: NameBuf = "marketing.apple.com.".parse().unwrap();
    /// let mut buf = [0u8; 576];
    /// let mut b = Builder::discover(&mut buf, 1, &[2, 0, 0, 0, 0, 1]).unwrap();
    /// b.domain_search(&[eng.as_name(), marketing.as_name()]).unwrap();
    /// let len = b.finish().unwrap();
    /// // The example of RFC 3397 §2, 27 octets.
    /// assert_eq!(&buf[243..245], &[119, 27]);
    /// assert_eq!(&buf[245..272], b"\x03eng\x05apple\x03com\x00\x09marketing\xc0\x04");
    /// let msg = Message::new_checked(&buf[..len]).unwrap();
    /// let Some(Ok(DhcpOption::DomainSearch(s))) = msg.options().nth(1) else { panic!() };
    /// let names: Vec<String> = s.iter().map(|n| n.to_string()).collect();
    /// assert_eq!(names, ["eng.apple.com.", "marketing.apple.com."]);
    /// ```
    ///
    /// # Errors
    /// As [`Builder::option`].
    pub fn domain_search(&mut self, names: &[Name<'_>]) -> Result<&mut Self> {
        let most = names.iter().map(Name::wire_len).sum();
        self.option_encoded(code::DOMAIN_SEARCH, most, |out| {
            wirestate_dns::write_name_list(names, out)
        })
    }

    /// Appends the relay agent information option (82, RFC 3046): each sub-option
    /// as code, length and value (a value over 255 octets cannot be written).
    ///
    /// ```
    /// use wirestate_dhcp::{Builder, DhcpOption, Message};
    /// let mut buf = [0u8; 576];
    /// let mut b = Builder::discover(&mut buf, 1, &[2, 0, 0, 0, 0, 1]).unwrap();
    /// // Agent circuit ID (1) and agent remote ID (2).
    /// b.relay_agent_information(&[(1, b"eth0"), (2, b"r1")]).unwrap();
    /// let len = b.finish().unwrap();
    /// assert_eq!(&buf[243..255], &[82, 10, 1, 4, b'e', b't', b'h', b'0', 2, 2, b'r', b'1']);
    /// let msg = Message::new_checked(&buf[..len]).unwrap();
    /// let Some(Ok(DhcpOption::RelayAgentInformation(s))) = msg.options().nth(1) else { panic!() };
    /// assert_eq!(s.iter().count(), 2);
    /// ```
    ///
    /// # Errors
    /// `Malformed` "relay agent information" for no sub-options (RFC 3046 §2.0: one
    /// or more) or a sub-option value over 255 octets; otherwise as
    /// [`Builder::option`].
    pub fn relay_agent_information(&mut self, subs: &[(u8, &[u8])]) -> Result<&mut Self> {
        if subs.is_empty() {
            let rule = "RFC 3046 §2.0: the option holds one or more sub-options";
            return Err(Error::malformed("relay agent information", self.len, rule));
        }
        if subs.iter().any(|(_, v)| v.len() > 255) {
            let rule = "RFC 3046 §2.0: a sub-option value is at most 255 octets";
            return Err(Error::malformed("relay agent information", self.len, rule));
        }
        let most = subs.iter().map(|(_, v)| 2 + v.len()).sum();
        self.option_encoded(code::RELAY_AGENT_INFORMATION, most, |out| {
            let mut n = 0;
            for (c, v) in subs {
                let dst = out.get_mut(n..n + 2 + v.len())?;
                dst[0] = *c;
                dst[1] = v.len() as u8;
                dst[2..].copy_from_slice(v);
                n += dst.len();
            }
            Some(n)
        })
    }

    /// Appends option `code` whose value `encode` writes (at most `most` octets) at
    /// the start of the slice it is handed, returning its length: the value is
    /// written once, past room for the instance headers, then moved down into
    /// instances of at most 255 octets (RFC 3396) — each move goes to a lower
    /// offset and ends before the next piece's source, so nothing is overwritten
    /// before it is moved.
    fn option_encoded(
        &mut self,
        code: u8,
        most: usize,
        encode: impl FnOnce(&mut [u8]) -> Option<usize>,
    ) -> Result<&mut Self> {
        let full = |b: &Self, need: usize| {
            Error::truncated("message", b.len, need, b.max.saturating_sub(b.len))
        };
        let headers = 2 * most.div_ceil(255).max(1);
        let at = self.len + headers;
        let Some(total) = self.buf.get_mut(at..self.max).and_then(encode) else {
            return Err(full(self, most + headers + 1));
        };
        let pieces = total.div_ceil(255).max(1);
        if self.len + total + 2 * pieces + 1 > self.max {
            return Err(full(self, total + 2 * pieces + 1));
        }
        for piece in 0..pieces {
            let from = at + 255 * piece;
            let chunk = (total - 255 * piece).min(255);
            let dst = self.len;
            self.buf.copy_within(from..from + chunk, dst + 2);
            self.buf[dst] = code;
            self.buf[dst + 1] = chunk as u8;
            self.len = dst + 2 + chunk;
        }
        Ok(self)
    }

    /// Writes the end option and pads with zeros to 300 octets, or to the maximum
    /// size if that is smaller; returns the message length.
    ///
    /// # Errors
    /// Never in practice: every option reserved room for the end option. Kept a
    /// `Result` so a future check does not break callers.
    pub fn finish(self) -> Result<usize> {
        let end = self.len + 1;
        if end > self.max {
            return Err(Error::truncated("message", self.len, 1, 0));
        }
        self.buf[self.len] = code::END;
        let total = end.max(MIN_MESSAGE_LEN.min(self.max));
        self.buf[end..total].fill(0);
        Ok(total)
    }
}
