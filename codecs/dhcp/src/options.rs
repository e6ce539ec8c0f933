//! Walking the options of a message: pad and end, option overload (RFC 2132 §9.3,
//! RFC 2131 §4.1) and long options split over several instances (RFC 3396).

use wirestate_wire::{Error, Result};

use crate::field;
use crate::message::MAGIC_COOKIE;
use crate::option::{code, DhcpOption};

const RULE_OVERLOAD_USED: &str =
    "RFC 2131 §4.1: option overload points at a field already used for options";
const RULE_OVERLOAD_LEN: &str = "RFC 2132 §9.3: option overload has length 1";
const RULE_OVERLOAD_VALUE: &str = "RFC 2132 §9.3: option overload is 1, 2 or 3";

/// One instance of an option as it is on the wire: a long option (RFC 3396) has
/// several, and [`Options`] joins them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawOption<'a> {
    /// The option code (never pad or end).
    pub code: u8,
    /// The octets after the length octet.
    pub data: &'a [u8],
    /// Where the code octet is, from the start of the message.
    pub offset: usize,
}

/// Which field the walk is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Options,
    File,
    Sname,
}

/// Every option instance of a message in RFC 2131 §4.1 order: the options field,
/// then `file`, then `sname` when option 52 overloads them. Pad is skipped; each
/// field ends at its end option, or at its last octet.
///
/// A field without an end option is accepted on purpose. RFC 2131 §4.1 says the
/// options end with one ("The last option must always be the 'end' option"), but
/// real senders leave it out when the options fill the message, and tshark
/// decodes such messages (flagging "End option missing"). The walk records it:
/// [`RawOptions::end_missing`] once the walk is over.
///
/// A message without the magic cookie has no options (RFC 951 §3: a BOOTP
/// message's vendor area may hold anything); the walk yields nothing.
///
/// Errors (then the iterator stops), offsets from the start of the message:
/// - `Truncated` "option length": a code octet is the last octet of its field;
/// - `Truncated` "option data": the length runs past the end of the field;
/// - `Malformed` "option overload": a length other than 1, a value other than 1-3,
///   or a second overload (it would point at a field already used).
///
/// ```
/// use wirestate_dhcp::{Message, RawOptions};
/// let mut buf = [0u8; 243];
/// buf[236..240].copy_from_slice(&[99, 130, 83, 99]);
/// buf[240..243].copy_from_slice(&[53, 1, 1]); // message type, no end option
/// let mut raw = RawOptions::new(&buf);
/// assert_eq!(raw.next().unwrap().unwrap().code, 53);
/// assert!(raw.next().is_none());
/// assert!(raw.end_missing());
///
/// // A length past the end of the message is still an error.
/// buf[241] = 2;
/// let err = RawOptions::new(&buf).next().unwrap().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("option data", 242));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RawOptions<'a> {
    msg: &'a [u8],
    area: Area,
    pos: usize,
    end: usize,
    overload: u8,
    done: bool,
    /// A field the walk finished ended without an end option.
    end_missing: bool,
    /// The error that ended the walk, until it is handed out.
    error: Option<Error>,
}

impl<'a> RawOptions<'a> {
    /// Walks the options of `msg`, a whole message (as checked by
    /// [`crate::Message::new_checked`]). A buffer shorter than 240 octets, or one
    /// without the magic cookie at 236 (a BOOTP message, RFC 951), yields nothing.
    pub fn new(msg: &'a [u8]) -> Self {
        let cookie = msg.get(field::COOKIE..field::OPTIONS) == Some(&MAGIC_COOKIE[..]);
        RawOptions {
            msg,
            area: Area::Options,
            pos: field::OPTIONS,
            end: msg.len(),
            overload: 0,
            done: !cookie,
            end_missing: false,
            error: None,
        }
    }

    /// The overload value (1 = `file`, 2 = `sname`, 3 = both) seen so far, 0 if none.
    pub fn overload(&self) -> u8 {
        self.overload
    }

    /// True if a field the walk has finished (the options field, or `file` or
    /// `sname` when overloaded) ran to its last octet without an end option
    /// (RFC 2131 §4.1 asks for one; see the type's doc for why this is accepted).
    /// Meaningful once the iterator has returned `None`; an error stops the walk
    /// before the fields after it are looked at.
    pub fn end_missing(&self) -> bool {
        self.end_missing
    }

    /// Moves to the next field after an end option, in RFC 2131 §4.1 order.
    fn next_area(&mut self) {
        let next = match self.area {
            Area::Options if self.overload & 1 != 0 => Some(Area::File),
            Area::Options | Area::File if self.overload & 2 != 0 => Some(Area::Sname),
            _ => None,
        };
        match next {
            Some(Area::File) => {
                (self.area, self.pos, self.end) = (Area::File, field::FILE, field::COOKIE)
            }
            Some(Area::Sname) => {
                (self.area, self.pos, self.end) = (Area::Sname, field::SNAME, field::FILE)
            }
            _ => self.done = true,
        }
    }
}

impl<'a> RawOptions<'a> {
    /// The next instance; `None` at the end of the options or on an error, which
    /// [`RawOptions::take_error`] then hands out.
    ///
    /// The common instance (in bounds, not pad or end) is taken in line, and the
    /// out-of-line paths return nothing: an instance returned through memory, or
    /// merged with one that was, had its odd-offset fields reloaded from the stack
    /// and stalled on store forwarding (seen in perf; this is most of the time a
    /// message's options take).
    #[inline(always)]
    fn next_instance(&mut self) -> Option<RawOption<'a>> {
        while !self.done {
            let at = self.pos;
            let head = self.msg.get(at..at + 2).filter(|_| at + 2 <= self.end);
            if let Some(&[c, len]) = head {
                let start = at + 2;
                let stop = start + usize::from(len);
                let data = self.msg.get(start..stop).filter(|_| stop <= self.end);
                if let Some(data) = data.filter(|_| c != code::PAD && c != code::END) {
                    if c == code::OPTION_OVERLOAD && !self.overload_ok(at, data) {
                        return None;
                    }
                    self.pos = stop;
                    return Some(RawOption { code: c, data, offset: at });
                }
            }
            self.slow(at);
        }
        None
    }

    /// The error that ended the walk, once.
    #[cold]
    #[inline(never)]
    fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    /// Pad, end, a field's end without an end option and the framing errors at
    /// `at`, where the in-line path stopped.
    #[cold]
    #[inline(never)]
    fn slow(&mut self, at: usize) {
        let Some(&c) = self.msg.get(at).filter(|_| at < self.end) else {
            // RFC 2131 §4.1 wants an end option here; accepted (see the type's doc).
            self.end_missing = true;
            return self.next_area();
        };
        match c {
            code::PAD => self.pos = at + 1,
            code::END => self.next_area(),
            _ if at + 1 >= self.end => {
                self.fail(Error::truncated("option length", at + 1, 1, 0));
            }
            _ => {
                let start = at + 2;
                let len = self.msg.get(at + 1).map_or(0, |&l| usize::from(l));
                let have = self.end.saturating_sub(start);
                self.fail(Error::truncated("option data", start, len, have));
            }
        }
    }

    fn fail(&mut self, e: Error) {
        self.done = true;
        self.error = Some(e);
    }

    /// Checks an overload option (RFC 2132 §9.3) and records where it points.
    #[cold]
    #[inline(never)]
    fn overload_ok(&mut self, at: usize, data: &[u8]) -> bool {
        if self.area != Area::Options || self.overload != 0 {
            self.fail(Error::malformed("option overload", at, RULE_OVERLOAD_USED));
            return false;
        }
        match data {
            [v @ 1..=3] => {
                self.overload = *v;
                true
            }
            [_] => {
                self.fail(Error::malformed("option overload", at, RULE_OVERLOAD_VALUE));
                false
            }
            _ => {
                self.fail(Error::malformed("option overload", at, RULE_OVERLOAD_LEN));
                false
            }
        }
    }
}

impl<'a> Iterator for RawOptions<'a> {
    type Item = Result<RawOption<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_instance() {
            Some(o) => Some(Ok(o)),
            None => self.take_error().map(Err),
        }
    }
}

/// All instances of one option code, in order: the concatenated value of a long
/// option (RFC 3396 §7), viewed in place without copying.
///
/// ```
/// use wirestate_dhcp::Message;
/// let mut buf = [0u8; 250];
/// buf[236..240].copy_from_slice(&[99, 130, 83, 99]);
/// // Host name "ab" split in two instances, then end.
/// buf[240..249].copy_from_slice(&[12, 1, b'a', 0, 12, 1, b'b', 255, 0]);
/// let msg = Message::new_checked(&buf[..]).unwrap();
/// let opt = msg.options().next().unwrap().unwrap();
/// let wirestate_dhcp::DhcpOption::Long(c) = opt else { panic!() };
/// let mut out = [0u8; 8];
/// assert_eq!(c.copy_to(&mut out), Some(2));
/// assert_eq!(&out[..2], b"ab");
/// assert!(c.copy_to(&mut [0u8; 1]).is_none()); // too small
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Concat<'a> {
    msg: &'a [u8],
    /// The first instance's value. Besides saving a walk in [`Concat::first`], it
    /// makes [`DhcpOption`] 56 octets, room for the error beside its tag, so
    /// `Result<DhcpOption>` needs no tag of its own; with one (48 + 8 octets), every
    /// move of an item copied the 7 padding octets after that tag as two overlapping
    /// 4-octet moves, whose reload stalled on store forwarding: a third of the time
    /// of decoding a message's options (perf, dhcp bench).
    first: &'a [u8],
    code: u8,
    len: usize,
    offset: usize,
}

impl<'a> Concat<'a> {
    /// The option code.
    pub fn code(&self) -> u8 {
        self.code
    }
    /// The first instance's value.
    pub fn first(&self) -> &'a [u8] {
        self.first
    }
    /// The total length of the concatenated value.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True if every instance is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The offset of the first instance's code octet.
    pub fn offset(&self) -> usize {
        self.offset
    }
    /// The instances' values, in order.
    pub fn fragments(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        let code = self.code;
        RawOptions::new(self.msg)
            .map_while(Result::ok)
            .filter(move |o| o.code == code)
            .map(|o| o.data)
    }
    /// Copies the concatenated value to the start of `out`; `None` if it does not fit.
    pub fn copy_to(&self, out: &mut [u8]) -> Option<usize> {
        let mut n = 0;
        for f in self.fragments() {
            out.get_mut(n..n + f.len())?.copy_from_slice(f);
            n += f.len();
        }
        Some(n)
    }
    /// The concatenated value, joined into one buffer.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec::Vec::with_capacity(self.len);
        self.fragments().for_each(|f| v.extend_from_slice(f));
        v
    }
    /// Decodes the joined value (see [`DhcpOption::decode`]).
    ///
    /// # Errors
    /// As [`DhcpOption::decode`], at the first instance's offset.
    pub fn decode<'b>(&self, joined: &'b [u8]) -> Result<DhcpOption<'b>> {
        DhcpOption::decode(self.code, joined, self.offset)
    }
}

/// The options of a message, each code once at its first instance, decoded
/// (RFC 2132); a code present in several instances (a long option, RFC 3396)
/// yields [`DhcpOption::Long`] with the instances to join. Errors as [`RawOptions`]
/// and [`DhcpOption::decode`]; the iterator stops after an error.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    raw: RawOptions<'a>,
    /// Repeated codes already yielded.
    seen: Bits,
    /// Codes with more than one instance, found by one pass before the first item
    /// so that single-instance options (nearly all) decode without a look ahead.
    repeated: Option<Bits>,
    done: bool,
}

/// A set of option codes, kept in two registers rather than an indexed array.
#[derive(Debug, Clone, Copy, Default)]
struct Bits {
    lo: u128,
    hi: u128,
}

/// Adds `c` to `set`; true if it was there already.
fn insert(set: &mut Bits, c: u8) -> bool {
    let was = contains(set, c);
    let bit = 1u128 << (c % 128);
    if c < 128 {
        set.lo |= bit;
    } else {
        set.hi |= bit;
    }
    was
}

fn contains(set: &Bits, c: u8) -> bool {
    let word = if c < 128 { set.lo } else { set.hi };
    word & (1u128 << (c % 128)) != 0
}

impl<'a> Options<'a> {
    /// The options of `msg`, a message whose header was checked.
    pub fn new(msg: &'a [u8]) -> Self {
        Options { raw: RawOptions::new(msg), seen: Bits::default(), repeated: None, done: false }
    }

    /// The instances, one by one, not joined.
    pub fn raw(&self) -> RawOptions<'a> {
        self.raw
    }

    /// True if a field walked so far ended without an end option (see
    /// [`RawOptions::end_missing`]); meaningful once the iterator has returned `None`.
    pub fn end_missing(&self) -> bool {
        self.raw.end_missing
    }

    /// Checks every option and returns how many there are (long options once).
    ///
    /// # Errors
    /// The first error the iterator yields.
    pub fn validate(self) -> Result<usize> {
        let mut n = 0;
        for o in self {
            o?;
            n += 1;
        }
        Ok(n)
    }

    /// The codes that occur more than once, found before the walk starts; a
    /// framing error ends the pass (the walk reports it when it gets there).
    #[inline(never)]
    fn find_repeated(&mut self) -> Bits {
        let (mut once, mut twice) = (Bits::default(), Bits::default());
        for o in self.raw.map_while(Result::ok) {
            if insert(&mut once, o.code) {
                insert(&mut twice, o.code);
            }
        }
        self.repeated = Some(twice);
        twice
    }

    /// An instance of a code that has several: at the first, the joined length of
    /// them all; at a later one, `None` (it was joined already).
    #[cold]
    #[inline(never)]
    fn long_len(&mut self, o: RawOption<'a>) -> Option<usize> {
        if insert(&mut self.seen, o.code) {
            return None;
        }
        let later: usize =
            self.raw.map_while(Result::ok).filter(|l| l.code == o.code).map(|l| l.data.len()).sum();
        Some(o.data.len() + later)
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<DhcpOption<'a>>;

    /// Always in line, for the reason given at `RawOptions::next_instance`: the
    /// decoded option then goes to the caller's match in registers.
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let repeated = match self.repeated {
            Some(r) => r,
            None => self.find_repeated(),
        };
        loop {
            let Some(o) = self.raw.next_instance() else {
                self.done = true;
                return self.raw.take_error().map(Err);
            };
            if contains(&repeated, o.code) {
                match self.long_len(o) {
                    Some(len) => {
                        let (msg, first, code, offset) = (self.raw.msg, o.data, o.code, o.offset);
                        let long = Concat { msg, first, code, len, offset };
                        return Some(Ok(DhcpOption::Long(long)));
                    }
                    None => continue,
                }
            }
            let r = DhcpOption::decode(o.code, o.data, o.offset);
            self.done = r.is_err();
            return Some(r);
        }
    }
}
