//! The BOOTP fixed header and magic cookie as a view over a buffer (RFC 951 §3,
//! RFC 2131 §2, §3).

use core::net::Ipv4Addr;

use wirestate_wire::bytes::{read_array, read_u16, read_u32, write_u16, write_u32};
use wirestate_wire::{Error, Result};

use crate::field;
use crate::options::{Options, RawOptions};

/// The magic cookie that starts the options field: 99.130.83.99 (RFC 2131 §3).
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
/// The fixed header, without the cookie (RFC 2131 §2).
pub const HEADER_LEN: usize = 236;
/// The smallest BOOTP message a relay or client must accept (RFC 1542 §2.1).
pub const MIN_MESSAGE_LEN: usize = 300;

const RULE_COOKIE: &str = "RFC 2131 §3: the options field starts with 99.130.83.99";

/// Checks that `b` holds the 236-octet header and the magic cookie after it.
pub(crate) fn check_cookie(b: &[u8]) -> Result<()> {
    if b.len() < HEADER_LEN {
        return Err(Error::truncated("header", 0, HEADER_LEN, b.len()));
    }
    if b.len() < field::OPTIONS {
        return Err(Error::truncated("magic cookie", field::COOKIE, 4, b.len() - field::COOKIE));
    }
    if read_array::<4>(b, field::COOKIE) != MAGIC_COOKIE {
        return Err(Error::malformed("magic cookie", field::COOKIE, RULE_COOKIE));
    }
    Ok(())
}

/// A DHCP or BOOTP message over `T`.
///
/// From [`Message::new_checked`], a DHCP message: the 236-octet BOOTP header and
/// the magic cookie are in bounds, and the cookie is right; the options field is
/// the rest of the buffer. From [`Message::new_checked_bootp`], a BOOTP message
/// (RFC 951): only the header is in bounds, and the vendor area after it may hold
/// anything; [`Message::has_magic_cookie`] says whether it holds options.
///
/// ```
/// use wirestate_dhcp::Message;
/// let mut buf = [0u8; 241];
/// buf[236..240].copy_from_slice(&[99, 130, 83, 99]);
/// buf[240] = 255; // end
/// let mut msg = Message::new_checked(&mut buf[..]).unwrap();
/// msg.set_xid(0x1234_5678);
/// msg.set_broadcast(true);
/// assert_eq!((msg.xid(), msg.flags()), (0x1234_5678, 0x8000));
///
/// // A wrong cookie is reported at its offset.
/// let err = Message::new_checked(&[0u8; 240][..]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("magic cookie", 236));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Message<T> {
    /// Wraps `buf` without checks; getters may panic on a buffer shorter than the
    /// 236-octet header.
    pub const fn new_unchecked(buf: T) -> Self {
        Message { buf }
    }

    /// Wraps `buf`, a DHCP message, after checking the header and the magic
    /// cookie (RFC 2131 §3).
    ///
    /// # Errors
    /// `Truncated` ("header" at 0, or "magic cookie" at 236) if the buffer is
    /// shorter than 240 octets; `Malformed` ("magic cookie" at 236) if the cookie
    /// is not 99.130.83.99. [`Message::new_checked_bootp`] accepts those.
    pub fn new_checked(buf: T) -> Result<Self> {
        check_cookie(buf.as_ref())?;
        Ok(Message { buf })
    }

    /// Wraps `buf`, a BOOTP or DHCP message, after checking only the 236-octet
    /// header that every getter relies on.
    ///
    /// RFC 951 §3 ends a BOOTP message with `vend`, an "optional vendor-specific
    /// area" of 64 octets that may hold anything; the vendor extensions of
    /// RFC 1497, and the DHCP options after them (RFC 2131 §3), begin it with the
    /// magic cookie. So a reply from a BOOTP server need not have one. Without
    /// it, [`Message::has_magic_cookie`] is false, [`Message::options`] yields
    /// nothing and [`Message::vendor_area`] has the raw octets. A DHCP client
    /// should still check for the cookie before it trusts the options.
    ///
    /// ```
    /// use wirestate_dhcp::Message;
    /// let mut buf = [0u8; 300];
    /// buf[0] = 2; // BOOTREPLY
    /// buf[236..240].copy_from_slice(b"ACME"); // a vendor's own magic number
    /// let msg = Message::new_checked_bootp(&buf[..]).unwrap();
    /// assert!(!msg.has_magic_cookie());
    /// assert_eq!((msg.op(), msg.options().count()), (2, 0));
    /// assert_eq!(&msg.vendor_area()[..4], b"ACME");
    ///
    /// // Shorter than the header is an error.
    /// let err = Message::new_checked_bootp(&buf[..235]).unwrap_err();
    /// assert_eq!((err.field(), err.offset()), ("header", 0));
    /// ```
    ///
    /// # Errors
    /// `Truncated` ("header" at 0) if the buffer is shorter than 236 octets.
    pub fn new_checked_bootp(buf: T) -> Result<Self> {
        let len = buf.as_ref().len();
        if len < HEADER_LEN {
            return Err(Error::truncated("header", 0, HEADER_LEN, len));
        }
        Ok(Message { buf })
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The fixed header and cookie length, 240: where the options start in a
    /// message with the cookie (see [`Message::has_magic_cookie`]).
    pub const fn header_len(&self) -> usize {
        field::OPTIONS
    }

    /// True if the magic cookie 99.130.83.99 follows the 236-octet header
    /// (RFC 2131 §3), so the rest of the message is options. Always true for a
    /// message from [`Message::new_checked`].
    pub fn has_magic_cookie(&self) -> bool {
        self.b().get(field::COOKIE..field::OPTIONS) == Some(&MAGIC_COOKIE[..])
    }

    /// The BOOTP vendor area (RFC 951 §3 `vend`): every octet after the
    /// 236-octet header, to the end of the buffer, cookie included when there
    /// is one. RFC 951 fixes it at 64 octets; a message may be shorter (this is
    /// then empty for a bare header) or longer (DHCP made the field variable in
    /// length, RFC 2131 §2). Meant for a
    /// message without the cookie, whose vendor area is not options: read a
    /// DHCP message through [`Message::options`].
    pub fn vendor_area(&self) -> &[u8] {
        self.b().get(HEADER_LEN..).unwrap_or_default()
    }

    /// True if the options field, or an overloaded `file` or `sname`, runs to its
    /// last octet without the end option that RFC 2131 §4.1 asks for. Such a
    /// message is accepted on purpose: real senders omit the end option, and
    /// tshark decodes the message (with an "End option missing" note).
    ///
    /// Walks the option instances without decoding them. An error in the options
    /// (see [`RawOptions`]) stops the walk, and fields after it are not looked
    /// at; [`Message::options`] reports the error. False without the cookie.
    ///
    /// ```
    /// use wirestate_dhcp::Message;
    /// let mut buf = [0u8; 244];
    /// buf[236..240].copy_from_slice(&[99, 130, 83, 99]);
    /// buf[240..243].copy_from_slice(&[53, 1, 1]);
    /// buf[243] = 255; // end
    /// assert!(!Message::new_checked(&buf[..]).unwrap().end_option_missing());
    /// let msg = Message::new_checked(&buf[..243]).unwrap();
    /// assert!(msg.end_option_missing());
    /// assert_eq!(msg.options().count(), 1); // message type, decoded
    /// ```
    pub fn end_option_missing(&self) -> bool {
        let mut raw = RawOptions::new(self.b());
        raw.by_ref().for_each(drop);
        raw.end_missing()
    }

    fn b(&self) -> &[u8] {
        self.buf.as_ref()
    }

    /// `op`: 1 = BOOTREQUEST, 2 = BOOTREPLY.
    pub fn op(&self) -> u8 {
        self.b()[field::OP]
    }
    /// `htype`: hardware address type (1 = Ethernet).
    pub fn htype(&self) -> u8 {
        self.b()[field::HTYPE]
    }
    /// `hlen`: hardware address length.
    pub fn hlen(&self) -> u8 {
        self.b()[field::HLEN]
    }
    /// `hops`: relay hop count.
    pub fn hops(&self) -> u8 {
        self.b()[field::HOPS]
    }
    /// `xid`: transaction id.
    pub fn xid(&self) -> u32 {
        read_u32(self.b(), field::XID)
    }
    /// `secs`: seconds since the client began.
    pub fn secs(&self) -> u16 {
        read_u16(self.b(), field::SECS)
    }
    /// `flags`, all 16 bits.
    pub fn flags(&self) -> u16 {
        read_u16(self.b(), field::FLAGS)
    }
    /// The broadcast bit of `flags` (RFC 2131 §4.1).
    pub fn broadcast(&self) -> bool {
        self.flags() & field::BROADCAST != 0
    }
    /// `ciaddr`: client IP address.
    pub fn ciaddr(&self) -> Ipv4Addr {
        Ipv4Addr::from(read_array::<4>(self.b(), field::CIADDR))
    }
    /// `yiaddr`: "your" IP address.
    pub fn yiaddr(&self) -> Ipv4Addr {
        Ipv4Addr::from(read_array::<4>(self.b(), field::YIADDR))
    }
    /// `siaddr`: next server IP address.
    pub fn siaddr(&self) -> Ipv4Addr {
        Ipv4Addr::from(read_array::<4>(self.b(), field::SIADDR))
    }
    /// `giaddr`: relay agent IP address.
    pub fn giaddr(&self) -> Ipv4Addr {
        Ipv4Addr::from(read_array::<4>(self.b(), field::GIADDR))
    }
    /// `chaddr`, all 16 octets.
    pub fn chaddr(&self) -> &[u8] {
        &self.b()[field::CHADDR..field::CHADDR + field::CHADDR_LEN]
    }
    /// The first `hlen` octets of `chaddr` (all 16 if `hlen` is larger).
    pub fn client_hw_addr(&self) -> &[u8] {
        let n = usize::from(self.hlen()).min(field::CHADDR_LEN);
        &self.chaddr()[..n]
    }
    /// `sname`, all 64 octets (options when overloaded).
    pub fn sname(&self) -> &[u8] {
        &self.b()[field::SNAME..field::SNAME + field::SNAME_LEN]
    }
    /// `file`, all 128 octets (options when overloaded).
    pub fn file(&self) -> &[u8] {
        &self.b()[field::FILE..field::FILE + field::FILE_LEN]
    }
    /// The options field after the cookie: the rest of the buffer. Empty without
    /// the cookie (see [`Message::vendor_area`] for those octets).
    pub fn payload(&self) -> &[u8] {
        if self.has_magic_cookie() {
            self.b().get(field::OPTIONS..).unwrap_or_default()
        } else {
            &[]
        }
    }
    /// The options of the message, in RFC 2131 §4.1 order (options, then `file`,
    /// then `sname` when option 52 overloads them), long options concatenated.
    /// Without the magic cookie there are none: the iterator yields nothing.
    pub fn options(&self) -> Options<'_> {
        Options::new(self.b())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Message<T> {
    fn m(&mut self) -> &mut [u8] {
        self.buf.as_mut()
    }
    /// Sets `op`.
    pub fn set_op(&mut self, v: u8) {
        self.m()[field::OP] = v;
    }
    /// Sets `htype`.
    pub fn set_htype(&mut self, v: u8) {
        self.m()[field::HTYPE] = v;
    }
    /// Sets `hlen`.
    pub fn set_hlen(&mut self, v: u8) {
        self.m()[field::HLEN] = v;
    }
    /// Sets `hops`.
    pub fn set_hops(&mut self, v: u8) {
        self.m()[field::HOPS] = v;
    }
    /// Sets `xid`.
    pub fn set_xid(&mut self, v: u32) {
        write_u32(self.m(), field::XID, v);
    }
    /// Sets `secs`.
    pub fn set_secs(&mut self, v: u16) {
        write_u16(self.m(), field::SECS, v);
    }
    /// Sets all 16 bits of `flags`.
    pub fn set_flags(&mut self, v: u16) {
        write_u16(self.m(), field::FLAGS, v);
    }
    /// Sets or clears the broadcast bit, leaving the other flag bits.
    pub fn set_broadcast(&mut self, on: bool) {
        let f = self.flags() & !field::BROADCAST;
        self.set_flags(if on { f | field::BROADCAST } else { f });
    }
    /// Sets `ciaddr`.
    pub fn set_ciaddr(&mut self, v: Ipv4Addr) {
        self.m()[field::CIADDR..field::CIADDR + 4].copy_from_slice(&v.octets());
    }
    /// Sets `yiaddr`.
    pub fn set_yiaddr(&mut self, v: Ipv4Addr) {
        self.m()[field::YIADDR..field::YIADDR + 4].copy_from_slice(&v.octets());
    }
    /// Sets `siaddr`.
    pub fn set_siaddr(&mut self, v: Ipv4Addr) {
        self.m()[field::SIADDR..field::SIADDR + 4].copy_from_slice(&v.octets());
    }
    /// Sets `giaddr`.
    pub fn set_giaddr(&mut self, v: Ipv4Addr) {
        self.m()[field::GIADDR..field::GIADDR + 4].copy_from_slice(&v.octets());
    }
    /// Sets all 16 octets of `chaddr`.
    pub fn set_chaddr(&mut self, v: &[u8; 16]) {
        self.m()[field::CHADDR..field::CHADDR + field::CHADDR_LEN].copy_from_slice(v);
    }
    /// Sets all 64 octets of `sname`.
    pub fn set_sname(&mut self, v: &[u8; 64]) {
        self.m()[field::SNAME..field::SNAME + field::SNAME_LEN].copy_from_slice(v);
    }
    /// Sets all 128 octets of `file`.
    pub fn set_file(&mut self, v: &[u8; 128]) {
        self.m()[field::FILE..field::FILE + field::FILE_LEN].copy_from_slice(v);
    }
    /// Writes the magic cookie; does nothing to a buffer shorter than 240 octets
    /// (which only [`Message::new_checked_bootp`] or `new_unchecked` wraps).
    pub fn set_cookie(&mut self) {
        if let Some(c) = self.m().get_mut(field::COOKIE..field::OPTIONS) {
            c.copy_from_slice(&MAGIC_COOKIE);
        }
    }
    /// The octets after the cookie, writable (empty if the buffer is shorter
    /// than 240 octets); the cookie is not checked, so a builder may write it after.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        self.m().get_mut(field::OPTIONS..).unwrap_or_default()
    }
}
