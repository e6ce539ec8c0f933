//! Master-file entries into records (RFC 1035 §5.1): directives, owners,
//! TTL and class defaults, relative names made absolute; the RDATA itself is
//! read by the codec ([`RecordBuf::parse_line`]).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use wirestate_dns::{Class, NameBuf, RecordBuf, Type};
use wirestate_wire::Error;

use super::lexer::{self, Entry, Token};
use crate::error::ZoneError;

/// The largest TTL (RFC 2181 §8: "a 32 bit unsigned integer ... with the most
/// significant bit zero").
const MAX_TTL: u64 = (1 << 31) - 1;

/// A record and the line its entry starts on.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub line: usize,
    pub record: RecordBuf,
}

/// Reads every record of `text`, `origin` the origin before any `$ORIGIN`.
pub(super) fn records(origin: Option<&str>, text: &str) -> Result<Vec<Parsed>, ZoneError> {
    let mut reader = Reader::default();
    if let Some(origin) = origin {
        reader.origin = Some(NameBuf::parse_str(origin).map_err(|error| ZoneError::Name {
            line: 0,
            text: origin.to_string(),
            error,
        })?);
    }
    let mut out = Vec::new();
    for entry in lexer::entries(text)? {
        let directive = entry.tokens.first().filter(|t| !t.quoted && t.text.starts_with('$'));
        match directive {
            Some(d) if !entry.blank_owner => reader.directive(entry.line, d.text, &entry)?,
            _ => out.push(Parsed { line: entry.line, record: reader.record(&entry)? }),
        }
    }
    Ok(out)
}

/// What earlier entries set for later ones.
#[derive(Default)]
struct Reader {
    /// `$ORIGIN`, or the origin handed in.
    origin: Option<NameBuf>,
    /// `$TTL` (RFC 2308 §4).
    default_ttl: Option<u32>,
    /// The last TTL written out (RFC 1035 §5.1), for when there is no `$TTL`.
    last_ttl: Option<u32>,
    /// The last class written out (RFC 1035 §5.1).
    last_class: Option<Class>,
    /// The last owner, for a blank one.
    owner: Option<NameBuf>,
}

impl Reader {
    fn directive(&mut self, line: usize, name: &str, entry: &Entry<'_>) -> Result<(), ZoneError> {
        let err = |rule| ZoneError::Directive { line, directive: name.to_string(), rule };
        let args = entry.tokens.get(1..).unwrap_or_default();
        if name.eq_ignore_ascii_case("$INCLUDE") || name.eq_ignore_ascii_case("$GENERATE") {
            return Err(err("not supported: a zone is one text"));
        }
        let [arg] = args else {
            return Err(err("takes exactly one argument"));
        };
        if name.eq_ignore_ascii_case("$ORIGIN") {
            // RFC 1035 §5.1: a relative $ORIGIN is relative to the current one.
            self.origin = Some(self.absolute(line, arg.text)?);
        } else if name.eq_ignore_ascii_case("$TTL") {
            let ttl = parse_ttl(arg.text).ok_or_else(|| self.ttl_err(line, arg.text))?;
            self.default_ttl = Some(ttl);
        } else {
            return Err(err("unknown directive"));
        }
        Ok(())
    }

    fn ttl_err(&self, line: usize, text: &str) -> ZoneError {
        ZoneError::Ttl { line, text: text.to_string() }
    }

    /// A record entry: `[owner] [ttl] [class] type rdata`, TTL and class in
    /// either order (RFC 1035 §5.1).
    fn record(&mut self, entry: &Entry<'_>) -> Result<RecordBuf, ZoneError> {
        let line = entry.line;
        let mut tokens = entry.tokens.iter();
        let owner = if entry.blank_owner {
            self.owner.ok_or(ZoneError::NoOwner { line })?
        } else {
            let t = tokens.next().ok_or(ZoneError::NoOwner { line })?;
            self.absolute(line, t.text)?
        };
        self.owner = Some(owner);
        let (mut ttl, mut class) = (None, None);
        let rtype = loop {
            let Some(t) = tokens.next() else {
                return Err(ZoneError::Type { line, text: String::new() });
            };
            if ttl.is_none() && t.text.starts_with(|c: char| c.is_ascii_digit()) {
                ttl = Some(parse_ttl(t.text).ok_or_else(|| self.ttl_err(line, t.text))?);
            } else if let (None, Ok(c)) = (class, t.text.parse::<Class>()) {
                class = Some(c);
            } else {
                let text = || t.text.to_string();
                break t
                    .text
                    .parse::<Type>()
                    .map_err(|_| ZoneError::Type { line, text: text() })?;
            }
        };
        // RFC 2308 §4: $TTL for every record without one; before any $TTL,
        // RFC 1035 §5.1's "last explicitly stated value".
        if ttl.is_some() {
            self.last_ttl = ttl;
        }
        let ttl = ttl.or(self.default_ttl).or(self.last_ttl).ok_or(ZoneError::NoTtl { line })?;
        if class.is_some() {
            self.last_class = class;
        }
        let class = class.or(self.last_class).unwrap_or(Class::IN);
        let rdata: Vec<Token<'_>> = tokens.copied().collect();
        let mut record = self.rdata(line, rtype, &rdata)?;
        record.name = owner;
        record.ttl = ttl;
        record.class = class;
        Ok(record)
    }

    /// Makes the names in `rdata` absolute, then has the codec read it.
    fn rdata(&self, line: usize, rtype: Type, rdata: &[Token<'_>]) -> Result<RecordBuf, ZoneError> {
        let generic = rdata.first().is_some_and(|t| t.text == "\\#" && !t.quoted);
        let mut words: Vec<String> = Vec::with_capacity(rdata.len());
        for (i, t) in rdata.iter().enumerate() {
            let word = if t.quoted {
                format!("\"{}\"", t.text)
            } else if !generic && name_slots(rtype).contains(&i) {
                self.absolute(line, t.text)?.to_string()
            } else if !generic && rtype == Type::SOA && (3..=6).contains(&i) {
                // BIND's units in the SOA timers, as in TTLs.
                parse_ttl(t.text).map_or_else(|| t.text.to_string(), |v| v.to_string())
            } else {
                t.text.to_string()
            };
            words.push(word);
        }
        // The codec reads `owner ttl class type rdata`; owner, TTL and class
        // are set by the caller.
        let mut text = format!(". 0 IN {rtype}");
        let mut starts = Vec::with_capacity(words.len());
        for w in &words {
            text.push(' ');
            starts.push(text.len());
            text.push_str(w);
        }
        RecordBuf::parse_line(&text).map_err(|error| {
            // The token the codec's offset falls in, and the offset within it.
            let at = starts.iter().rposition(|&s| s <= error.offset());
            let (text, start) = match at {
                Some(i) if error.offset() < text.len() => {
                    (rdata.get(i).map_or("", |t| t.text), starts[i])
                }
                _ => ("", error.offset()),
            };
            let error = rebase(error, start);
            ZoneError::Rdata { line, rtype, text: text.to_string(), error }
        })
    }

    /// `text` as an absolute name: `@` is the origin, a name without a
    /// trailing (unescaped) dot is relative to it (RFC 1035 §5.1).
    fn absolute(&self, line: usize, text: &str) -> Result<NameBuf, ZoneError> {
        let name_err = |error| ZoneError::Name { line, text: text.to_string(), error };
        if is_absolute(text) {
            return NameBuf::parse_str(text).map_err(name_err);
        }
        let no_origin = || ZoneError::NoOrigin { line, name: text.to_string() };
        let origin = self.origin.ok_or_else(no_origin)?;
        if text == "@" {
            return Ok(origin);
        }
        let full = match origin.as_name().is_root() {
            true => format!("{text}."),
            false => format!("{text}.{origin}"),
        };
        NameBuf::parse_str(&full).map_err(name_err)
    }
}

/// Whether `text` ends in a dot that is not escaped.
fn is_absolute(text: &str) -> bool {
    let Some(body) = text.strip_suffix('.') else { return false };
    let backslashes = body.bytes().rev().take_while(|&b| b == b'\\').count();
    backslashes % 2 == 0
}

/// RP (RFC 1183 §2.2), AFSDB (RFC 1183 §1), KX (RFC 2230) and LP (RFC
/// 6742): types with names the codec may read, by number.
const RP: Type = Type(17);
const AFSDB: Type = Type(18);
const KX: Type = Type(36);
const LP: Type = Type(107);

/// The indices of the RDATA fields that are domain names, for the types the
/// codec reads that have them.
fn name_slots(rtype: Type) -> &'static [usize] {
    match rtype {
        Type::NS | Type::CNAME | Type::DNAME | Type::PTR | Type::NSEC => &[0],
        Type::SOA | RP => &[0, 1],
        Type::MX | Type::SVCB | Type::HTTPS | AFSDB | KX | LP => &[1],
        Type::SRV => &[3],
        Type::NAPTR => &[5],
        Type::RRSIG => &[7],
        _ => &[],
    }
}

/// A TTL: decimal seconds, or BIND's units (`1w2d3h4m5s`, any case), at most
/// 2^31 - 1 (RFC 2181 §8).
pub(crate) fn parse_ttl(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    let (mut total, mut number, mut digits) = (0u64, 0u64, 0usize);
    for c in text.bytes() {
        if c.is_ascii_digit() {
            number = number.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
            digits += 1;
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            b's' => 1,
            b'm' => 60,
            b'h' => 3600,
            b'd' => 86_400,
            b'w' => 604_800,
            _ => return None,
        };
        if digits == 0 {
            return None;
        }
        total = total.checked_add(number.checked_mul(unit)?)?;
        (number, digits) = (0, 0);
    }
    // A bare number, or units throughout.
    let bare = text.bytes().all(|c| c.is_ascii_digit());
    if digits > 0 && !bare {
        return None;
    }
    total = total.checked_add(number)?;
    u32::try_from(total).ok().filter(|&t| u64::from(t) <= MAX_TTL)
}

/// `e` with its offset counted from `start` rather than from 0.
fn rebase(e: Error, start: usize) -> Error {
    match e {
        Error::Malformed { field, offset, rule } => {
            Error::Malformed { field, offset: offset.saturating_sub(start), rule }
        }
        Error::Truncated { field, offset, need, have } => Error::Truncated {
            field,
            offset: offset.saturating_sub(start),
            need: need.saturating_sub(start),
            have: have.saturating_sub(start),
        },
        Error::Unsupported { field, offset, value } => {
            Error::Unsupported { field, offset: offset.saturating_sub(start), value }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_take_bind_units_up_to_2_pow_31_minus_1() {
        assert_eq!(parse_ttl("3600"), Some(3600));
        assert_eq!(parse_ttl("1h30M"), Some(5400));
        assert_eq!(parse_ttl("1w1d1h1m1s"), Some(694_861));
        assert_eq!(parse_ttl("2147483647"), Some(2_147_483_647));
        for bad in ["", "2147483648", "1h30", "h", "1x", "-1", "99999999999999999999"] {
            assert_eq!(parse_ttl(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_trailing_dot_makes_a_name_absolute_unless_escaped() {
        assert!(is_absolute("a.b."));
        assert!(is_absolute("."));
        assert!(!is_absolute("a\\."));
        assert!(is_absolute("a\\\\."));
        assert!(!is_absolute("a"));
    }
}
