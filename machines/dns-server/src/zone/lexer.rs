//! Master-file text into entries (RFC 1035 §5.1): tokens split at blanks,
//! `;` comments, `"..."` strings, `\` escapes kept for later, and parentheses
//! that let an entry run over several lines.

use alloc::vec::Vec;

use crate::error::ZoneError;

const RULE_QUOTE: &str = "unterminated quoted string (RFC 1035 §5.1)";
const RULE_CLOSE: &str = "')' without '(' (RFC 1035 §5.1)";
const RULE_OPEN: &str = "'(' not closed before the end of the text (RFC 1035 §5.1)";
const RULE_NESTED: &str = "'(' inside parentheses (RFC 1035 §5.1)";
const RULE_BACKSLASH: &str = "a backslash ends the line (RFC 1035 §5.1)";

/// One word of an entry, escapes still in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    /// The text (inside the quotes for a quoted string).
    pub text: &'a str,
    /// Whether it was a `"..."` string.
    pub quoted: bool,
}

/// One entry: a directive or a record, maybe over several lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry<'a> {
    /// The line (from 1) it starts on.
    pub line: usize,
    /// Whether its first line starts with a blank: the owner is the previous one.
    pub blank_owner: bool,
    /// Its words.
    pub tokens: Vec<Token<'a>>,
}

/// Splits `text` into entries; blank and comment-only lines make none.
pub(crate) fn entries(text: &str) -> Result<Vec<Entry<'_>>, ZoneError> {
    let mut lexer = Lexer { text, pos: 0, line: 1, out: Vec::new(), current: None, open: None };
    lexer.run()?;
    Ok(lexer.out)
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    out: Vec<Entry<'a>>,
    /// The entry being read.
    current: Option<Entry<'a>>,
    /// The line of the `(` open, if any.
    open: Option<usize>,
}

impl<'a> Lexer<'a> {
    fn run(&mut self) -> Result<(), ZoneError> {
        let bytes = self.text.as_bytes();
        let mut line_start = true;
        while let Some(&c) = bytes.get(self.pos) {
            let at_line_start = core::mem::replace(&mut line_start, false);
            match c {
                b'\n' => {
                    self.pos += 1;
                    self.end_line();
                    line_start = true;
                }
                b' ' | b'\t' | b'\r' => {
                    if at_line_start && self.open.is_none() {
                        self.start(true);
                    }
                    self.pos += 1;
                }
                b';' => self.skip_comment(),
                b'(' => {
                    if self.open.is_some() {
                        return Err(self.syntax(RULE_NESTED));
                    }
                    self.start(false);
                    self.open = Some(self.line);
                    self.pos += 1;
                }
                b')' => {
                    if self.open.take().is_none() {
                        return Err(self.syntax(RULE_CLOSE));
                    }
                    self.pos += 1;
                }
                b'"' => self.quoted()?,
                _ => {
                    self.start(false);
                    self.word()?;
                }
            }
        }
        if let Some(line) = self.open {
            return Err(ZoneError::Syntax { line, rule: RULE_OPEN });
        }
        self.finish_entry();
        Ok(())
    }

    fn syntax(&self, rule: &'static str) -> ZoneError {
        ZoneError::Syntax { line: self.line, rule }
    }

    /// Starts an entry if none is open; `blank` says whether its line began
    /// with a blank.
    fn start(&mut self, blank: bool) {
        if self.current.is_none() {
            let line = self.line;
            self.current = Some(Entry { line, blank_owner: blank, tokens: Vec::new() });
        }
    }

    fn push(&mut self, token: Token<'a>) {
        self.start(false);
        if let Some(entry) = &mut self.current {
            entry.tokens.push(token);
        }
    }

    /// A line ends: outside parentheses, so does the entry.
    fn end_line(&mut self) {
        if self.open.is_none() {
            self.finish_entry();
        }
        self.line += 1;
    }

    fn finish_entry(&mut self) {
        if let Some(entry) = self.current.take() {
            if !entry.tokens.is_empty() {
                self.out.push(entry);
            }
        }
    }

    fn skip_comment(&mut self) {
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
        self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    }

    /// A `"..."` string, escapes kept; it may not run past its line.
    fn quoted(&mut self) -> Result<(), ZoneError> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut i = start;
        loop {
            match bytes.get(i) {
                Some(b'"') => break,
                Some(b'\\') if bytes.get(i + 1).is_some_and(|&b| b != b'\n') => i += 2,
                Some(b'\n') | Some(b'\\') | None => return Err(self.syntax(RULE_QUOTE)),
                Some(_) => i += 1,
            }
        }
        let text = self.text.get(start..i).ok_or(self.syntax(RULE_QUOTE))?;
        self.push(Token { text, quoted: true });
        self.pos = i + 1;
        Ok(())
    }

    /// A word: up to a blank, `;`, `"`, a parenthesis or the end of the line;
    /// an escaped character (`\X`, `\DDD`) never ends it.
    fn word(&mut self) -> Result<(), ZoneError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' => match bytes.get(i + 1) {
                    Some(b'\n') | Some(b'\r') | None => return Err(self.syntax(RULE_BACKSLASH)),
                    // A multi-octet character after the backslash: step over it whole.
                    Some(_) => i += 1 + self.char_len(i + 1),
                },
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'"' | b'(' | b')' => break,
                _ => i += 1,
            }
        }
        let text = self.text.get(start..i).unwrap_or_default();
        self.push(Token { text, quoted: false });
        self.pos = i;
        Ok(())
    }

    /// The UTF-8 length of the character starting at `i`.
    fn char_len(&self, i: usize) -> usize {
        self.text.get(i..).and_then(|s| s.chars().next()).map_or(1, char::len_utf8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn words(text: &str) -> Vec<(usize, bool, Vec<&str>)> {
        entries(text)
            .unwrap()
            .into_iter()
            .map(|e| (e.line, e.blank_owner, e.tokens.iter().map(|t| t.text).collect()))
            .collect()
    }

    #[test]
    fn entries_split_at_line_ends_outside_parentheses() {
        let text = "a 1 IN SOA x y (\n 1 ; serial\n 2 3 4 5 )\n\n ; only a comment\n  NS x\n";
        assert_eq!(
            words(text),
            vec![
                (1, false, vec!["a", "1", "IN", "SOA", "x", "y", "1", "2", "3", "4", "5"]),
                (6, true, vec!["NS", "x"]),
            ]
        );
    }

    #[test]
    fn quotes_and_escapes_keep_their_blanks() {
        let e = entries("t TXT \"a b;c\" x\\ y \"q\\\"q\"").unwrap();
        let t: Vec<_> = e[0].tokens.iter().map(|t| (t.text, t.quoted)).collect();
        assert_eq!(
            t,
            vec![("t", false), ("TXT", false), ("a b;c", true), ("x\\ y", false), ("q\\\"q", true)]
        );
    }

    #[test]
    fn syntax_errors_name_their_line() {
        assert_eq!(
            entries("a A 1\nb TXT \"open\n"),
            Err(ZoneError::Syntax { line: 2, rule: RULE_QUOTE })
        );
        assert_eq!(entries("a ( b\n c\n"), Err(ZoneError::Syntax { line: 1, rule: RULE_OPEN }));
        assert_eq!(entries("\n a )"), Err(ZoneError::Syntax { line: 2, rule: RULE_CLOSE }));
        assert_eq!(entries("a ( ( b )"), Err(ZoneError::Syntax { line: 1, rule: RULE_NESTED }));
        assert_eq!(entries("a b\\\nc"), Err(ZoneError::Syntax { line: 1, rule: RULE_BACKSLASH }));
    }
}
