//! Cookie and Set-Cookie (RFC 6265).

use wirestate_wire::{Error, Result};

use crate::fields::HttpDate;
use crate::grammar::trim;

/// The `name=value` pairs of a Cookie value (RFC 6265 §4.2.1: `cookie-pair *( ";" SP
/// cookie-pair )`), in order. A pair without `=` or with an empty name is an error
/// at its offset in `value`; iteration goes on after it.
///
/// ```
/// use wirestate_http1::fields::cookies;
/// let v: Vec<_> = cookies(b"session=60; user_id=1").map(Result::unwrap).collect();
/// assert_eq!(v, [(&b"session"[..], &b"60"[..]), (b"user_id", b"1")]);
/// assert_eq!(cookies(b"a=1; nonsense").nth(1).unwrap().unwrap_err().offset(), 5);
/// ```
pub fn cookies(value: &[u8]) -> impl Iterator<Item = Result<(&[u8], &[u8])>> {
    let mut at = 0;
    value.split(|&b| b == b';').filter_map(move |part| {
        let start = at;
        at += part.len() + 1;
        let pair = trim(part);
        if pair.is_empty() {
            return None;
        }
        let lead = part.len() - part.trim_ascii_start().len();
        Some(match pair.iter().position(|&b| b == b'=') {
            Some(eq) if eq > 0 => Ok((
                trim(pair.get(..eq).unwrap_or_default()),
                strip_quotes(trim(pair.get(eq + 1..).unwrap_or_default())),
            )),
            _ => Err(Error::malformed(
                "cookie",
                start + lead,
                "RFC 6265 §4.2.1: cookie-name \"=\" cookie-value",
            )),
        })
    })
}

/// `cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )`: the quotes are
/// not part of the value.
fn strip_quotes(v: &[u8]) -> &[u8] {
    match v {
        [b'"', inner @ .., b'"'] if v.len() >= 2 => inner,
        _ => v,
    }
}

/// The SameSite attribute (RFC 6265bis; not in RFC 6265, read because every user
/// agent sends it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SameSite {
    /// `Strict`
    Strict,
    /// `Lax`
    Lax,
    /// `None`
    None,
}

/// A Set-Cookie value, read as RFC 6265 §5.2 tells a user agent to: unknown
/// attributes and attributes with invalid values are ignored, the last of a repeated
/// attribute wins.
///
/// ```
/// use wirestate_http1::fields::{SameSite, SetCookie};
/// let c = SetCookie::parse(b"SID=31d4d96e407aad42; Path=/; Secure; HttpOnly; Max-Age=3600; SameSite=Lax; Expires=Wed, 09 Jun 2021 10:18:14 GMT").unwrap();
/// assert_eq!((c.name, c.value, c.path), (&b"SID"[..], &b"31d4d96e407aad42"[..], Some(&b"/"[..])));
/// assert!(c.secure && c.http_only);
/// assert_eq!((c.max_age, c.same_site), (Some(3600), Some(SameSite::Lax)));
/// assert_eq!(c.expires.unwrap().year, 2021);
///
/// assert_eq!(SetCookie::parse(b"=value").unwrap_err().field(), "set-cookie");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetCookie<'b> {
    /// Cookie name.
    pub name: &'b [u8],
    /// Cookie value (surrounding quotes removed).
    pub value: &'b [u8],
    /// `Expires`, if it parsed as an HTTP-date.
    pub expires: Option<HttpDate>,
    /// `Max-Age` in seconds (may be zero or negative: expire now).
    pub max_age: Option<i64>,
    /// `Domain`, without a leading dot (RFC 6265 §5.2.3).
    pub domain: Option<&'b [u8]>,
    /// `Path`, when it starts with `/` (RFC 6265 §5.2.4).
    pub path: Option<&'b [u8]>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`.
    pub same_site: Option<SameSite>,
}

impl<'b> SetCookie<'b> {
    /// Parses a Set-Cookie value.
    ///
    /// # Errors
    /// `Malformed` "set-cookie" at 0 when the name-value pair has no `=` or an empty
    /// name (RFC 6265 §5.2 steps 2-5: the user agent ignores the whole field).
    /// Expires is read with the HTTP-date grammar, not RFC 6265 §5.1.1's looser
    /// cookie-date algorithm; a date it refuses is ignored.
    pub fn parse(value: &'b [u8]) -> Result<Self> {
        let mut parts = value.split(|&b| b == b';');
        let pair = parts.next().unwrap_or_default();
        let eq = pair.iter().position(|&b| b == b'=');
        let (name, val) = match eq {
            Some(eq) => (
                trim(pair.get(..eq).unwrap_or_default()),
                trim(pair.get(eq + 1..).unwrap_or_default()),
            ),
            None => (&b""[..], &b""[..]),
        };
        if name.is_empty() {
            return Err(Error::malformed(
                "set-cookie",
                0,
                "RFC 6265 §5.2: a non-empty name and '='",
            ));
        }
        let mut c = SetCookie {
            name,
            value: strip_quotes(val),
            expires: None,
            max_age: None,
            domain: None,
            path: None,
            secure: false,
            http_only: false,
            same_site: None,
        };
        for av in parts {
            c.attribute(av);
        }
        Ok(c)
    }

    /// One cookie-av (RFC 6265 §5.2.1-§5.2.6).
    fn attribute(&mut self, av: &'b [u8]) {
        let (key, val) = match av.iter().position(|&b| b == b'=') {
            Some(eq) => {
                (trim(av.get(..eq).unwrap_or_default()), trim(av.get(eq + 1..).unwrap_or_default()))
            }
            None => (trim(av), &b""[..]),
        };
        let is = |name: &str| key.eq_ignore_ascii_case(name.as_bytes());
        if is("expires") {
            if let Ok(d) = HttpDate::parse(val) {
                self.expires = Some(d);
            }
        } else if is("max-age") {
            // §5.2.2: "If the first character of the attribute-value is not a DIGIT or
            // a "-" character, ignore the cookie-av."
            let (neg, digits) = match val.strip_prefix(b"-") {
                Some(d) => (true, d),
                None => (false, val),
            };
            if let Some(n) =
                crate::framing::parse_decimal(digits).and_then(|n| i64::try_from(n).ok())
            {
                self.max_age = Some(if neg { -n } else { n });
            }
        } else if is("domain") {
            if !val.is_empty() {
                self.domain = Some(val.strip_prefix(b".").unwrap_or(val));
            }
        } else if is("path") {
            self.path = val.starts_with(b"/").then_some(val);
        } else if is("secure") {
            self.secure = true;
        } else if is("httponly") {
            self.http_only = true;
        } else if is("samesite") {
            self.same_site =
                [("strict", SameSite::Strict), ("lax", SameSite::Lax), ("none", SameSite::None)]
                    .iter()
                    .find(|(n, _)| val.eq_ignore_ascii_case(n.as_bytes()))
                    .map(|&(_, s)| s);
        }
    }
}
