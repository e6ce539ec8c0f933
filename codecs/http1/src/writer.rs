//! Writing request and response heads without letting a caller inject lines.

use wirestate_wire::{Error, Result};

use crate::table::{FIELD, TARGET};
use crate::Version;

/// Writes a head (start line, fields, empty line) into a caller's buffer, refusing
/// anything that would not parse back as the same head: a name that is not a token,
/// and CR, LF, NUL or another control in a value, so no header can be injected
/// through the API (RFC 9110 §5.5: "a recipient of CR, LF, or NUL within a field
/// value MUST either reject the message or replace each of those characters with SP";
/// a sender must not send them at all).
///
/// Every method leaves the buffer as it was on error.
///
/// ```
/// use wirestate_http1::{HeadWriter, Version};
/// let mut buf = [0u8; 128];
/// let mut w = HeadWriter::new(&mut buf);
/// w.request_line("GET", "/", Version::Http11).unwrap();
/// w.header("Host", "www.example.test").unwrap();
/// let n = w.finish().unwrap();
/// assert_eq!(&buf[..n], b"GET / HTTP/1.1\r\nHost: www.example.test\r\n\r\n");
///
/// // An attempt to smuggle a second header through a value is refused.
/// let mut w = HeadWriter::new(&mut buf);
/// let err = w.header("X-Name", "a\r\nTransfer-Encoding: chunked").unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("field-value", 1));
/// ```
#[derive(Debug)]
pub struct HeadWriter<'o> {
    out: &'o mut [u8],
    len: usize,
}

impl<'o> HeadWriter<'o> {
    /// A writer at the start of `out`.
    pub fn new(out: &'o mut [u8]) -> Self {
        HeadWriter { out, len: 0 }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes `method SP target SP version CRLF` (RFC 9112 §3).
    ///
    /// # Errors
    /// `Malformed` "method" (not a token) or "request-target" (empty, or a byte
    /// outside RFC 3986's characters), at the offset inside the argument;
    /// `Truncated` "head" when `out` is full.
    pub fn request_line(
        &mut self,
        method: &str,
        target: &str,
        version: Version,
    ) -> Result<&mut Self> {
        check_token(method.as_bytes(), "method")?;
        check(target.as_bytes(), &TARGET, "request-target")?;
        if target.is_empty() {
            return Err(Error::malformed("request-target", 0, "RFC 9112 §3.2: not empty"));
        }
        self.put(&[
            method.as_bytes(),
            b" ",
            target.as_bytes(),
            b" ",
            version.as_str().as_bytes(),
            b"\r\n",
        ])
    }

    /// Writes `version SP code SP reason CRLF` (RFC 9112 §4).
    ///
    /// # Errors
    /// `Malformed` "status-code" (outside 100-599), "reason-phrase" (a control byte);
    /// `Truncated` "head".
    pub fn status_line(&mut self, version: Version, code: u16, reason: &str) -> Result<&mut Self> {
        if !(100..=599).contains(&code) {
            return Err(Error::malformed("status-code", 0, "RFC 9110 §15: 100 to 599"));
        }
        check(reason.as_bytes(), &FIELD, "reason-phrase")?;
        let digits =
            [b'0' + (code / 100) as u8, b'0' + (code / 10 % 10) as u8, b'0' + (code % 10) as u8];
        self.put(&[version.as_str().as_bytes(), b" ", &digits, b" ", reason.as_bytes(), b"\r\n"])
    }

    /// Writes `name: value CRLF` (RFC 9112 §5).
    ///
    /// # Errors
    /// `Malformed` "field-name" (not a token), "field-value" (CR, LF, NUL or another
    /// control, or whitespace at either end, which a recipient would strip);
    /// `Truncated` "head".
    pub fn header(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<&mut Self> {
        let (name, value) = (name.as_ref(), value.as_ref());
        check_token(name, "field-name")?;
        check(value, &FIELD, "field-value")?;
        if let (Some(b' ' | b'\t'), _) | (_, Some(b' ' | b'\t')) = (value.first(), value.last()) {
            return Err(Error::malformed(
                "field-value",
                0,
                "RFC 9110 §5.5: a field value does not start or end with whitespace",
            ));
        }
        self.put(&[name, b": ", value, b"\r\n"])
    }

    /// Writes the empty line that ends the head; returns the head's length.
    ///
    /// # Errors
    /// `Truncated` "head".
    pub fn finish(&mut self) -> Result<usize> {
        self.put(&[b"\r\n"])?;
        Ok(self.len)
    }

    /// Writes bytes the crate already checked.
    pub(crate) fn raw(&mut self, bytes: &[u8]) -> Result<&mut Self> {
        self.put(&[bytes])
    }

    fn put(&mut self, parts: &[&[u8]]) -> Result<&mut Self> {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        let need = self.len + total;
        let Some(dst) = self.out.get_mut(self.len..need) else {
            return Err(Error::truncated("head", self.len, need, self.out.len()));
        };
        let mut at = 0;
        for p in parts {
            if let Some(d) = dst.get_mut(at..at + p.len()) {
                d.copy_from_slice(p);
            }
            at += p.len();
        }
        self.len = need;
        Ok(self)
    }
}

fn check(bytes: &[u8], table: &[bool; 256], field: &'static str) -> Result<()> {
    match bytes.iter().position(|&b| !table[usize::from(b)]) {
        Some(i) => {
            Err(Error::malformed(field, i, "RFC 9110 §5.5: no CR, LF, NUL or other control"))
        }
        None => Ok(()),
    }
}

fn check_token(bytes: &[u8], field: &'static str) -> Result<()> {
    if bytes.is_empty() {
        return Err(Error::malformed(field, 0, "RFC 9110 §5.6.2: a token is not empty"));
    }
    match bytes.iter().position(|&b| !crate::table::tchar(b)) {
        Some(i) => Err(Error::malformed(field, i, "RFC 9110 §5.6.2: a token is tchar only")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_response_head_that_parses_back() {
        let mut buf = [0u8; 96];
        let mut w = HeadWriter::new(&mut buf);
        w.status_line(Version::Http11, 200, "OK").unwrap();
        w.header("Content-Length", "5").unwrap().header("X-Empty", "").unwrap();
        let n = w.finish().unwrap();
        assert_eq!(&buf[..n], b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Empty: \r\n\r\n");
        let mut h = [crate::EMPTY_HEADER; 4];
        let mut res = crate::Response::new(&mut h);
        assert_eq!(res.parse(&buf[..n]).unwrap(), crate::Status::Complete(n));
        assert_eq!(res.headers[1].value, b"");
    }

    #[test]
    fn refuses_injection_and_bad_tokens() {
        let mut buf = [0u8; 64];
        let mut w = HeadWriter::new(&mut buf);
        let e = |r: Result<&mut HeadWriter<'_>>| r.map(|_| ()).unwrap_err();
        assert_eq!(
            e(w.header("A", "x\0")),
            Error::malformed("field-value", 1, "RFC 9110 §5.5: no CR, LF, NUL or other control")
        );
        assert_eq!(e(w.header("A", "x\ny")).offset(), 1);
        assert_eq!(e(w.header("A", "x\ry")).offset(), 1);
        assert_eq!(e(w.header("A", " x")).field(), "field-value");
        assert_eq!(e(w.header("A B", "x")).offset(), 1);
        assert_eq!(e(w.header("", "x")).field(), "field-name");
        assert_eq!(e(w.header("A:", "x")).offset(), 1);
        assert_eq!(e(w.request_line("G T", "/", Version::Http11)).field(), "method");
        assert_eq!(e(w.request_line("GET", "/ HTTP/1.1\r\nX: y", Version::Http11)).offset(), 1);
        assert_eq!(e(w.request_line("GET", "", Version::Http11)).field(), "request-target");
        assert_eq!(e(w.status_line(Version::Http11, 99, "")).field(), "status-code");
        assert_eq!(e(w.status_line(Version::Http11, 200, "O\nK")).offset(), 1);
        assert!(w.is_empty());
        let mut small = [0u8; 4];
        let mut w = HeadWriter::new(&mut small);
        assert_eq!(e(w.header("Host", "a")), Error::truncated("head", 0, 9, 4));
        assert_eq!(w.len(), 0);
    }
}
