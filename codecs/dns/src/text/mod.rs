//! Records of their own, to and from zone-file lines (RFC 1035 §5.1): the text
//! side of tests and vectors.

use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

use wirestate_wire::{Error, Result};

use crate::builder::Builder;
use crate::encoding::decode;
use crate::name_buf::unescape;
use crate::section::rdata_may_be_empty;
use crate::{Class, NameBuf, RData, Record, Type};

mod fields;

use fields::fields;

const RULE_TOKEN: &str = "presentation form: a field is missing or malformed";
const RULE_EXTRA: &str = "presentation form: more fields than the type has";
const RULE_QUOTE: &str = "presentation form: unterminated quoted string";
const RULE_STRING: &str = "RFC 1035 §3.3: a character-string is at most 255 octets";

/// A record of its own: owner, type, class, TTL and uncompressed RDATA.
///
/// Parses from a zone-file line `owner [ttl] [class] type rdata` (TTL and class in
/// either order, defaults 0 and IN; names absolute, the trailing dot optional;
/// `;` comments; no parentheses, `$ORIGIN` or `@`), with the RDATA in the form dig
/// prints or the generic `\# len hex` of RFC 3597 §5 for any type; with class ANY
/// or NONE the RDATA may be left out, as in an update (RFC 2136 §2.4, §2.5). Prints
/// as [`Record`] does.
///
/// ```
/// use wirestate_dns::{RData, RecordBuf, Type};
/// let r: RecordBuf = "www.example. 300 IN MX 10 mail.example.".parse().unwrap();
/// assert_eq!((r.rtype, r.ttl), (Type::MX, 300));
/// assert_eq!(r.rdata, b"\x00\x0a\x04mail\x07example\x00");
/// assert_eq!(r.to_string(), "www.example. 300 IN MX 10 mail.example.");
///
/// // A record type without its fields is refused at the end of the line.
/// let err = "www.example. IN A".parse::<RecordBuf>().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("A", 17));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordBuf {
    /// The owner.
    pub name: NameBuf,
    /// TYPE.
    pub rtype: Type,
    /// CLASS.
    pub class: Class,
    /// TTL.
    pub ttl: u32,
    /// RDATA, names uncompressed.
    pub rdata: Vec<u8>,
}

impl RecordBuf {
    /// Copies `record`, uncompressing the names in its RDATA.
    pub fn from_record(record: &Record<'_>) -> Self {
        RecordBuf {
            name: NameBuf::from_name(&record.name),
            rtype: record.rtype,
            class: record.class,
            ttl: record.ttl,
            rdata: rdata_bytes(&record.rdata),
        }
    }

    /// The RDATA decoded; [`RData::Empty`] for no RDATA with class ANY or NONE.
    ///
    /// # Errors
    /// Those of [`RData::parse`] (only for a `RecordBuf` built by hand).
    pub fn data(&self) -> Result<RData<'_>> {
        // RFC 2136 §2.4, §2.5: no RDATA with class ANY or NONE, as in an update.
        if self.rdata.is_empty() && rdata_may_be_empty(self.rtype, self.class) {
            return Ok(RData::Empty(self.rtype));
        }
        RData::parse(&self.rdata, 0, self.rdata.len(), self.rtype)
    }

    /// Parses one zone-file line; error offsets count in `line`.
    ///
    /// # Errors
    /// `Malformed` at the offending token: field "record" for the owner, TTL, class
    /// or type, the TYPE mnemonic for RDATA fields (e.g. "MX"), "name" inside names.
    pub fn parse_line(line: &str) -> Result<Self> {
        let tokens = tokenize(line)?;
        let mut it = tokens.iter();
        let owner = it.next().ok_or(Error::malformed("record", 0, RULE_TOKEN))?;
        let name = NameBuf::parse_str(owner.text).map_err(|e| e.at(owner.at))?;
        let (mut ttl, mut class) = (None, None);
        let rtype = loop {
            let t = it.next().ok_or(Error::malformed("record", line.len(), RULE_TOKEN))?;
            if let (None, Ok(v)) = (ttl, t.text.parse::<u32>()) {
                ttl = Some(v);
            } else if let (None, Ok(c)) = (class, t.text.parse::<Class>()) {
                class = Some(c);
            } else {
                break t
                    .text
                    .parse::<Type>()
                    .map_err(|_| Error::malformed("record", t.at, RULE_TOKEN))?;
            }
        };
        let rest: Vec<Token<'_>> = it.cloned().collect();
        let class = class.unwrap_or(Class::IN);
        let rdata = if rest.is_empty() && rdata_may_be_empty(rtype, class) {
            Vec::new()
        } else {
            parse_rdata(rtype, &rest, line.len())?
        };
        Ok(RecordBuf { name, rtype, class, ttl: ttl.unwrap_or(0), rdata })
    }
}

impl FromStr for RecordBuf {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse_line(s)
    }
}

impl fmt::Display for RecordBuf {
    /// `owner ttl class type rdata`, as [`Record`] prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", self.name, self.ttl, self.class, self.rtype)?;
        match self.data() {
            Ok(RData::Empty(_)) => Ok(()),
            Ok(rdata) => write!(f, " {rdata}"),
            Err(_) => write!(f, " {}", RData::Unknown { rtype: self.rtype, data: &self.rdata }),
        }
    }
}

/// The RDATA's uncompressed wire form.
pub(crate) fn rdata_bytes(rdata: &RData<'_>) -> Vec<u8> {
    let mut buf = alloc::vec![0u8; rdata.wire_len()];
    let mut b = Builder::raw(&mut buf);
    let len = if rdata.emit_to(&mut b).is_ok() { b.written().len() } else { 0 };
    buf.truncate(len);
    buf
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    quoted: bool,
    at: usize,
}

/// Splits a line into tokens: whitespace-separated, `"..."` quoted (escapes kept
/// for later), `;` to the end of the line a comment.
fn tokenize(line: &str) -> Result<Vec<Token<'_>>> {
    let bytes = line.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b';' {
            break;
        } else if c == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            if j >= bytes.len() {
                return Err(Error::malformed("record", i, RULE_QUOTE));
            }
            let text = line.get(start..j).ok_or(Error::malformed("record", i, RULE_QUOTE))?;
            tokens.push(Token { text, quoted: true, at: i });
            i = j + 1;
        } else {
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            let text = line.get(start..i.min(bytes.len())).unwrap_or("");
            tokens.push(Token { text, quoted: false, at: start });
        }
    }
    Ok(tokens)
}

/// The fields of one RDATA, read in order; errors name the type.
struct Fields<'t, 'a> {
    tokens: &'t [Token<'a>],
    next: usize,
    end: usize,
    field: &'static str,
    out: Vec<u8>,
}

impl<'a> Fields<'_, 'a> {
    fn err(&self, at: usize) -> Error {
        Error::malformed(self.field, at, RULE_TOKEN)
    }
    fn token(&mut self) -> Result<Token<'a>> {
        let t = *self.tokens.get(self.next).ok_or(self.err(self.end))?;
        self.next += 1;
        Ok(t)
    }
    fn int<N: FromStr>(&mut self) -> Result<N> {
        let t = self.token()?;
        t.text.parse().map_err(|_| self.err(t.at))
    }
    fn u8(&mut self) -> Result<()> {
        let v: u8 = self.int()?;
        self.out.push(v);
        Ok(())
    }
    fn u16(&mut self) -> Result<()> {
        let v: u16 = self.int()?;
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn u32(&mut self) -> Result<()> {
        let v: u32 = self.int()?;
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn name(&mut self) -> Result<()> {
        let t = self.token()?;
        let n = NameBuf::parse_str(t.text).map_err(|e| e.at(t.at))?;
        self.out.extend_from_slice(n.as_wire());
        Ok(())
    }
    fn text(&mut self) -> Result<Vec<u8>> {
        let t = self.token()?;
        unescape_all(t.text).map_err(|e| e.at(t.at))
    }
    fn char_string(&mut self) -> Result<()> {
        let at = self.tokens.get(self.next).map_or(self.end, |t| t.at);
        let s = self.text()?;
        let len =
            u8::try_from(s.len()).map_err(|_| Error::malformed(self.field, at, RULE_STRING))?;
        self.out.push(len);
        self.out.extend_from_slice(&s);
        Ok(())
    }
    /// The remaining tokens joined (base64 and hex may be broken into words).
    fn rest_joined(&mut self) -> alloc::string::String {
        let s = self.tokens.get(self.next..).unwrap_or(&[]).iter().map(|t| t.text).collect();
        self.next = self.tokens.len();
        s
    }
    /// A mnemonic of `table` or a number, written as `width` octets.
    fn mnemonic_or_int<T: Copy + Into<u64>>(
        &mut self,
        table: &[(T, &'static str)],
        width: usize,
    ) -> Result<()> {
        let t = self.token()?;
        let value = match table.iter().find(|(_, m)| m.eq_ignore_ascii_case(t.text)) {
            Some((v, _)) => (*v).into(),
            None => t.text.parse::<u64>().map_err(|_| self.err(t.at))?,
        };
        let bytes = value.to_be_bytes();
        let octets = bytes.get(8 - width..).filter(|_| value >> (8 * width) == 0);
        self.out.extend_from_slice(octets.ok_or(self.err(t.at))?);
        Ok(())
    }
    /// `groups` groups of `width` octets in hex, joined by `sep` (EUI-48
    /// `00-00-5e-00-53-2a`, RFC 7043 §3.2; ILNP `0014:4fff:ff20:ee64`, RFC 6742 §2.1).
    fn separated_hex(&mut self, sep: char, groups: usize, width: usize) -> Result<()> {
        let t = self.token()?;
        let start = self.out.len();
        let mut n = 0;
        for group in t.text.split(sep) {
            n += 1;
            if group.len() != 2 * width || decode::hex(group, &mut self.out).is_none() {
                return Err(self.err(t.at));
            }
        }
        if n != groups {
            self.out.truncate(start);
            return Err(self.err(t.at));
        }
        Ok(())
    }
    /// A 16-bit size, then (unless it is 0) that many octets in one base64 word.
    fn sized_base64(&mut self) -> Result<()> {
        let t = self.token()?;
        let size: u16 = t.text.parse().map_err(|_| self.err(t.at))?;
        self.out.extend_from_slice(&size.to_be_bytes());
        if size > 0 {
            let t = self.token()?;
            let start = self.out.len();
            decode::base64(t.text, &mut self.out).ok_or(self.err(t.at))?;
            if self.out.len() - start != usize::from(size) {
                return Err(self.err(t.at));
            }
        }
        Ok(())
    }
    fn left(&self) -> bool {
        self.next < self.tokens.len()
    }
    fn type_bitmaps(&mut self) -> Result<()> {
        let mut types = Vec::new();
        while self.left() {
            let t = self.token()?;
            types.push(t.text.parse::<Type>().map_err(|_| self.err(t.at))?.0);
        }
        types.sort_unstable();
        types.dedup();
        let mut window: Option<(u8, [u8; 32], usize)> = None;
        for t in types {
            let (w, bit) = ((t >> 8) as u8, usize::from(t & 0xff));
            if window.is_some_and(|(cur, _, _)| cur != w) {
                self.flush_window(window.take());
            }
            let (_, bits, len) = window.get_or_insert((w, [0; 32], 0));
            bits[bit / 8] |= 0x80 >> (bit % 8);
            *len = bit / 8 + 1;
        }
        self.flush_window(window);
        Ok(())
    }
    fn flush_window(&mut self, window: Option<(u8, [u8; 32], usize)>) {
        if let Some((w, bits, len)) = window {
            self.out.extend_from_slice(&[w, len as u8]);
            self.out.extend_from_slice(bits.get(..len).unwrap_or(&[]));
        }
    }
}

/// Unescapes `\X` and `\DDD` in a token.
fn unescape_all(text: &str) -> Result<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == b'\\' {
            let (octet, next) = unescape(bytes, i)?;
            out.push(octet);
            i = next;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

fn parse_rdata(rtype: Type, tokens: &[Token<'_>], end: usize) -> Result<Vec<u8>> {
    let field = rtype.mnemonic().unwrap_or("rdata");
    let mut f = Fields { tokens, next: 0, end, field, out: Vec::new() };
    if tokens.first().is_some_and(|t| t.text == "\\#" && !t.quoted) {
        f.next = 1;
        let len: usize = f.int()?;
        let at = tokens.get(2).map_or(end, |t| t.at);
        decode::hex(&f.rest_joined(), &mut f.out).ok_or(f.err(at))?;
        if f.out.len() != len {
            return Err(f.err(at));
        }
    } else {
        fields(rtype, &mut f)?;
    }
    if let Some(t) = tokens.get(f.next) {
        return Err(Error::malformed(field, t.at, RULE_EXTRA));
    }
    // The text must describe RDATA this crate would accept from the wire.
    let at = tokens.first().map_or(end, |t| t.at);
    RData::parse(&f.out, 0, f.out.len(), rtype).map_err(|_| f.err(at))?;
    Ok(f.out)
}
