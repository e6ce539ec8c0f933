//! Splits script text into tokens the way packetdrill's flex lexer does
//! (`gtests/net/packetdrill/lexer.l`): comments are spaces, numbers and words
//! take the longest match, and `#ifdef NAME` ... `#endif` blocks whose name is
//! not defined are skipped unread.

use super::ParseError;

/// What a token is. Numbers and words keep their text in the source
/// (`Token::start..Token::end`); quoted things carry their contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// `[-]?[0-9]+`.
    Int,
    /// `[-]?0x[0-9a-fA-F]+`.
    Hex,
    /// `[-]?[0-9]*.[0-9]+`.
    Float,
    /// `[A-Za-z0-9_]+` that is not a number.
    Word,
    /// `...`.
    Ellipsis,
    /// Any other single character.
    Punct(char),
    /// `"..."`, unescaped.
    Str(String),
    /// `` `...` ``, the text between the backquotes as written.
    Backquoted(String),
    /// `%{ ... }%`, the text between the markers without the spaces and tabs
    /// at either end (packetdrill strips them so one-line Python snippets run).
    Code(String),
    /// `--name` or `--name=value`.
    Opt {
        /// The name without the dashes.
        name: String,
        /// The value, without quotes if it was one quoted string.
        value: Option<String>,
    },
    /// The end of the script.
    Eof,
    /// The lexer stopped here; parsing up to this token may still fail first.
    Error(ParseError),
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    /// What it is.
    pub(super) tok: Tok,
    /// 1-based line of its first character.
    pub(super) line: usize,
    /// Byte offset of its first character.
    pub(super) start: usize,
    /// Byte offset just past it.
    pub(super) end: usize,
    /// A line break (outside block comments) comes between it and the token before.
    pub(super) nl: bool,
}

/// Splits `src` into tokens, ending with [`Tok::Eof`] or, where the lexer
/// fails, [`Tok::Error`]. `defines` are the names `#ifdef` treats as defined.
pub(super) fn tokenize(src: &str, defines: &[&str]) -> Vec<Token> {
    let mut lexer =
        Lexer { src, bytes: src.as_bytes(), pos: 0, line: 1, defines, ifdef_line: None };
    let mut out = Vec::new();
    loop {
        match lexer.next_token() {
            Ok(token) => {
                let done = token.tok == Tok::Eof;
                out.push(token);
                if done {
                    return out;
                }
            }
            Err(e) => {
                let line = e.line;
                let nl = out.last().is_none_or(|t: &Token| line > t.line);
                out.push(Token { tok: Tok::Error(e), line, start: lexer.pos, end: lexer.pos, nl });
                return out;
            }
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    defines: &'a [&'a str],
    /// The line of the `#ifdef` whose block is being read, if any.
    ifdef_line: Option<usize>,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn err(line: usize, message: impl Into<String>) -> ParseError {
    ParseError { line, message: message.into() }
}

impl<'a> Lexer<'a> {
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// Moves to `to`, counting the line breaks passed.
    fn advance_to(&mut self, to: usize) -> usize {
        let to = to.min(self.bytes.len());
        let breaks =
            self.bytes.get(self.pos..to).map_or(0, |s| s.iter().filter(|&&b| b == b'\n').count());
        self.line += breaks;
        self.pos = to;
        breaks
    }

    /// Index of `needle` at or after `from`.
    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        let hay = self.bytes.get(from..)?;
        hay.windows(needle.len()).position(|w| w == needle).map(|i| from + i)
    }

    fn next_token(&mut self) -> Result<Token, ParseError> {
        let nl = self.skip_blank()?;
        let (start, line) = (self.pos, self.line);
        let tok = match self.at(self.pos) {
            None => {
                if let Some(open) = self.ifdef_line {
                    return Err(err(open, "this #ifdef has no #endif"));
                }
                Tok::Eof
            }
            Some(b) => self.token(b)?,
        };
        Ok(Token { tok, line, start, end: self.pos, nl })
    }

    /// Skips spaces, comments and `#ifdef`/`#endif` lines; says whether a line
    /// break was passed outside a block comment (C replaces a comment by one space).
    fn skip_blank(&mut self) -> Result<bool, ParseError> {
        let mut nl = false;
        loop {
            let rest = self.rest();
            match rest {
                [b'\n', ..] => nl |= self.advance_to(self.pos + 1) > 0,
                [b' ' | b'\t' | b'\r' | 0x0b | 0x0c, ..] => self.pos += 1,
                [b'/', b'/', ..] => {
                    let end = self.find(self.pos, b"\n").unwrap_or(self.bytes.len());
                    self.pos = end;
                }
                [b'/', b'*', ..] => {
                    let open = self.line;
                    let close = self
                        .find(self.pos + 2, b"*/")
                        .ok_or_else(|| err(open, "unterminated /* comment"))?;
                    self.advance_to(close + 2);
                }
                _ if rest.starts_with(b"#ifdef") => nl |= self.ifdef()?,
                _ if rest.starts_with(b"#endif") => {
                    if self.ifdef_line.take().is_none() {
                        return Err(err(self.line, "#endif without #ifdef"));
                    }
                    self.pos += "#endif".len();
                }
                _ => return Ok(nl),
            }
        }
    }

    /// `#ifdef NAME`: reads on if NAME is defined, else skips to the `#endif`
    /// unread (packetdrill's IFDEF_COMMENT state). Blocks do not nest.
    fn ifdef(&mut self) -> Result<bool, ParseError> {
        let line = self.line;
        if let Some(open) = self.ifdef_line {
            return Err(err(
                line,
                format!("#ifdef inside the #ifdef on line {open} (they do not nest)"),
            ));
        }
        let mut i = self.pos + "#ifdef".len();
        while matches!(self.at(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            i += 1;
        }
        let name_start = i;
        if !self.at(i).is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') {
            return Err(err(line, "expected a name after #ifdef"));
        }
        while self.at(i).is_some_and(is_word_byte) {
            i += 1;
        }
        let name = self.src.get(name_start..i).unwrap_or_default();
        let mut breaks = self.advance_to(i);
        if self.defines.contains(&name) {
            self.ifdef_line = Some(line);
        } else {
            let end =
                self.find(i, b"#endif").ok_or_else(|| err(line, "this #ifdef has no #endif"))?;
            breaks += self.advance_to(end + "#endif".len());
        }
        Ok(breaks > 0)
    }

    fn token(&mut self, b: u8) -> Result<Tok, ParseError> {
        let next = self.at(self.pos + 1);
        let digit_follows = next.is_some_and(|n| n.is_ascii_digit());
        match b {
            b'"' => self.string(),
            b'`' => self.backquoted(),
            b'%' if next == Some(b'{') => self.code(),
            b'-' if next == Some(b'-') && self.at(self.pos + 2).is_some_and(is_word_byte) => {
                self.option()
            }
            b'-' if digit_follows
                || (next == Some(b'.')
                    && self.at(self.pos + 2).is_some_and(|n| n.is_ascii_digit())) =>
            {
                Ok(self.number_or_word(self.pos + 1))
            }
            b'.' if self.rest().starts_with(b"...") => {
                self.pos += 3;
                Ok(Tok::Ellipsis)
            }
            b'.' if digit_follows => Ok(self.number_or_word(self.pos)),
            _ if is_word_byte(b) => Ok(self.number_or_word(self.pos)),
            _ => {
                let c =
                    self.src.get(self.pos..).and_then(|s| s.chars().next()).unwrap_or('\u{fffd}');
                self.pos += c.len_utf8().max(1);
                Ok(Tok::Punct(c))
            }
        }
    }

    /// Flex's longest match among FLOAT, INTEGER, HEX_INTEGER and WORD (earlier
    /// rule on a tie); `p` is past any minus sign, which only numbers take.
    fn number_or_word(&mut self, p: usize) -> Tok {
        let signed = p > self.pos;
        let end_of = |mut i: usize, f: fn(u8) -> bool| {
            while self.at(i).is_some_and(f) {
                i += 1;
            }
            i
        };
        let digits_end = end_of(p, |b| b.is_ascii_digit());
        let word_end = end_of(p, is_word_byte);
        let float_end = match (self.at(digits_end), self.at(digits_end + 1)) {
            (Some(b'.'), Some(d)) if d.is_ascii_digit() => {
                end_of(digits_end + 1, |b| b.is_ascii_digit())
            }
            _ => 0,
        };
        let hex_end = match (self.at(p), self.at(p + 1), self.at(p + 2)) {
            (Some(b'0'), Some(b'x'), Some(h)) if h.is_ascii_hexdigit() => {
                end_of(p + 2, |b| b.is_ascii_hexdigit())
            }
            _ => 0,
        };
        let int_end = if digits_end > p { digits_end } else { 0 };
        let word_end = if signed { 0 } else { word_end };
        let best = float_end.max(int_end).max(hex_end).max(word_end);
        if best <= self.pos {
            // Unreachable by the callers' checks; still, always move on.
            self.pos += 1;
            return Tok::Punct('-');
        }
        self.pos = best;
        if best == float_end {
            Tok::Float
        } else if best == int_end {
            Tok::Int
        } else if best == hex_end {
            Tok::Hex
        } else {
            Tok::Word
        }
    }

    /// Reads a delimited body from just after `self.pos`, honouring `\x`
    /// escapes; returns the raw body and moves past the closing delimiter.
    fn delimited(&mut self, close: char, what: &str) -> Result<&'a str, ParseError> {
        let line = self.line;
        let body_start = self.pos + 1;
        let body = self.src.get(body_start..).unwrap_or_default();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                chars.next();
            } else if c == close {
                self.advance_to(body_start + i + 1);
                return Ok(body.get(..i).unwrap_or_default());
            }
        }
        Err(err(line, format!("unterminated {what}")))
    }

    fn string(&mut self) -> Result<Tok, ParseError> {
        let raw = self.delimited('"', "string")?;
        Ok(Tok::Str(unescape(raw)))
    }

    fn backquoted(&mut self) -> Result<Tok, ParseError> {
        let raw = self.delimited('`', "backquoted command")?;
        Ok(Tok::Backquoted(raw.to_owned()))
    }

    fn code(&mut self) -> Result<Tok, ParseError> {
        let line = self.line;
        let close = self
            .find(self.pos + 2, b"}%")
            .ok_or_else(|| err(line, "unterminated %{ code block"))?;
        let body = self.src.get(self.pos + 2..close).unwrap_or_default();
        let body = body.trim_matches([' ', '\t']).to_owned();
        self.advance_to(close + 2);
        Ok(Tok::Code(body))
    }

    /// `--name` or `--name=value`; the value runs to the next space or comment,
    /// with double-quoted parts kept whole.
    fn option(&mut self) -> Result<Tok, ParseError> {
        let line = self.line;
        let mut i = self.pos + 2;
        while self.at(i).is_some_and(is_word_byte) {
            i += 1;
        }
        let name = self.src.get(self.pos + 2..i).unwrap_or_default().to_owned();
        self.pos = i;
        if self.at(i) != Some(b'=') {
            return Ok(Tok::Opt { name, value: None });
        }
        let value_start = i + 1;
        let mut j = value_start;
        while let Some(b) = self.at(j) {
            if b.is_ascii_whitespace() || (b == b'/' && matches!(self.at(j + 1), Some(b'/' | b'*')))
            {
                break;
            }
            if b == b'"' {
                let close =
                    self.find(j + 1, b"\"").ok_or_else(|| err(line, "unterminated string"))?;
                j = close;
            }
            j += 1;
        }
        if j == value_start {
            return Err(err(line, format!("expected a value after `--{name}=`")));
        }
        let raw = self.src.get(value_start..j).unwrap_or_default();
        self.advance_to(j);
        let value = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) if !inner.contains('"') => inner.to_owned(),
            _ => raw.to_owned(),
        };
        Ok(Tok::Opt { name, value: Some(value) })
    }
}

/// Undoes `\"`, `\\`, `\n`, `\t`, `\r` and `\0`; other escapes stay as written.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(e @ ('"' | '\\')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
