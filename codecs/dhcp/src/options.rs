//! Walking the options of a message: pad and end, option overload (RFC 2132 §9.3,
//! RFC 2131 §4.1) and long options split over several instances (RFC 3396).

use wirestate_wire::{Error, Result};

use crate::field;
use crate::option::{code, DhcpOption};

const RULE_END: &str = "RFC 2131 §4.1: the options end with the end option (255)";
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
/// field ends at its end option.
///
/// Errors (then the iterator stops), offsets from the start of the message:
/// - `Truncated` "option length": a code octet is the last octet of its field;
/// - `Truncated` "option data": the length runs past the end of the field;
/// - `Malformed` "end option": a field ends without an end option (offset = field end);
/// - `Malformed` "option overload": a length other than 1, a value other than 1-3,
///   or a second overload (it would point at a field already used).
#[derive(Debug, Clone, Copy)]
pub struct RawOptions<'a> {
    msg: &'a [u8],
    area: Area,
    pos: usize,
    end: usize,
    overload: u8,
    done: bool,
}

impl<'a> RawOptions<'a> {
    /// Walks the options of `msg`, a whole message whose header was checked by
    /// [`crate::Message::new_checked`] (shorter buffers yield nothing).
    pub fn new(msg: &'a [u8]) -> Self {
        RawOptions {
            msg,
            area: Area::Options,
            pos: field::OPTIONS,
            end: msg.len(),
            overload: 0,
            done: msg.len() < field::OPTIONS,
        }
    }

    /// The overload value (1 = `file`, 2 = `sname`, 3 = both) seen so far, 0 if none.
    pub fn overload(&self) -> u8 {
        self.overload
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

    fn fail(&mut self, e: Error) -> Option<Result<RawOption<'a>>> {
        self.done = true;
        Some(Err(e))
    }

    fn check_overload(&mut self, at: usize, data: &[u8]) -> Result<()> {
        if self.area != Area::Options || self.overload != 0 {
            return Err(Error::malformed("option overload", at, RULE_OVERLOAD_USED));
        }
        match data {
            [v @ 1..=3] => {
                self.overload = *v;
                Ok(())
            }
            [_] => Err(Error::malformed("option overload", at, RULE_OVERLOAD_VALUE)),
            _ => Err(Error::malformed("option overload", at, RULE_OVERLOAD_LEN)),
        }
    }
}

impl<'a> Iterator for RawOptions<'a> {
    type Item = Result<RawOption<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let at = self.pos;
            let Some(&c) = self.msg.get(at).filter(|_| at < self.end) else {
                return self.fail(Error::malformed("end option", self.end, RULE_END));
            };
            match c {
                code::PAD => self.pos = at + 1,
                code::END => self.next_area(),
                _ => return self.option(at, c),
            }
        }
    }
}

impl<'a> RawOptions<'a> {
    #[inline]
    fn option(&mut self, at: usize, c: u8) -> Option<Result<RawOption<'a>>> {
        let start = at + 2;
        let Some(&len) = self.msg.get(at + 1).filter(|_| at + 1 < self.end) else {
            return self.fail(Error::truncated("option length", at + 1, 1, 0));
        };
        let len = usize::from(len);
        let have = self.end.saturating_sub(start);
        let Some(data) = self.msg.get(start..start + len).filter(|_| len <= have) else {
            return self.fail(Error::truncated("option data", start, len, have));
        };
        if c == code::OPTION_OVERLOAD {
            if let Err(e) = self.check_overload(at, data) {
                return self.fail(e);
            }
        }
        self.pos = start + len;
        Some(Ok(RawOption { code: c, data, offset: at }))
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
    code: u8,
    len: usize,
    offset: usize,
}

impl<'a> Concat<'a> {
    /// The option code.
    pub fn code(&self) -> u8 {
        self.code
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

    /// The first instance of a code that has several: a view of them all.
    fn long(&self, o: RawOption<'a>) -> DhcpOption<'a> {
        let later: usize =
            self.raw.map_while(Result::ok).filter(|l| l.code == o.code).map(|l| l.data.len()).sum();
        let len = o.data.len() + later;
        // From the start: this is the first instance, so fragments() sees them all.
        DhcpOption::Long(Concat { msg: self.raw.msg, code: o.code, len, offset: o.offset })
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<DhcpOption<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let repeated = match self.repeated {
            Some(r) => r,
            None => self.find_repeated(),
        };
        loop {
            let o = match self.raw.next()? {
                Ok(o) => o,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if !contains(&repeated, o.code) {
                let r = DhcpOption::decode(o.code, o.data, o.offset);
                self.done = r.is_err();
                return Some(r);
            }
            if !insert(&mut self.seen, o.code) {
                return Some(Ok(self.long(o)));
            }
        }
    }
}
