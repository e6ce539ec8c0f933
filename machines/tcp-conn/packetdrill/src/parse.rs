//! The packetdrill script parser: text in, [`Script`] out.
//!
//! The grammar is packetdrill's (`gtests/net/packetdrill/parser.y` in
//! google/packetdrill and nplab/packetdrill, the fork the FreeBSD suite runs on):
//! header options (`--name=value`), an optional untimed backquoted init command
//! ([`TimeKind::Init`]), timed events, and an optional untimed cleanup command
//! ([`TimeKind::Cleanup`]). Comments (`//`, `/* */`) are spaces. `#ifdef NAME`
//! ... `#endif` blocks are kept or dropped as [`parse_with_defines`] says.
//!
//! One event is one line. An event continues onto the next line only while a
//! `(`, `[` or `{` is open, or inside a string, a backquoted command, a
//! `%{ }%` block or a `/* */` comment; packetdrill itself ignores line
//! breaks, but scripts never rely on that and errors then point at the right line.
//!
//! Times are converted exactly (decimal, not through a float as packetdrill
//! does); digits past the microsecond are dropped. A `%{ }%` block loses the
//! spaces and tabs at either end, as packetdrill strips them before Python
//! sees the code.
//!
//! What the AST does not model is kept as text rather than refused:
//! - A TCP segment that carries IP header fields (`(ttl 64)`, `(tos 0x2)`),
//!   ports (`8080 > 80`), an absolute sequence number (`0:0(0)!`), a
//!   reset-diagnostic payload (`[code 1, pen 2]`) or UDP encapsulation
//!   (`/udp(9811 > 1)`) becomes [`PacketBody::Other`] with kind `"tcp"` and the
//!   whole segment (after the direction and a bare ECN mark) as text.
//! - `TS val ... ecr N` or `TS val N ecr M!` (packetdrill's "ignore" and
//!   "absolute" markers) become [`TcpOption::Other`].
//! - The flags `-` (no flags) become the empty string.
//!
//! What is refused: function-call expressions (`htons(80)`), `"string"...`,
//! and everything packetdrill refuses that this parser checks: `*` or a time
//! range on anything but an outbound packet, ranges and blocking spans that end
//! before they start, `<...>` or an omitted `seq:end(len)` on an inbound
//! segment, `[ect01]` on an inbound packet, and a segment whose `end` is not
//! `seq + len` (modulo 2^32).
//!
//! [`PacketBody::Other`]: crate::ast::PacketBody::Other
//! [`TcpOption::Other`]: crate::ast::TcpOption::Other
//!
//! ```
//! use wirestate_packetdrill::{ast, parse};
//!
//! let script = parse("--tolerance_usecs=25000\n+0.1 < S 0:0(0) win 65535 <mss 1460>\n").unwrap();
//! assert_eq!(script.options, vec![("tolerance_usecs".to_owned(), Some("25000".to_owned()))]);
//! assert_eq!(script.events[0].time.start_us, 100_000);
//! assert!(matches!(script.events[0].action, ast::Action::Packet(_)));
//!
//! let err = parse("0.0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n0.1 < S 0:0(0) win\n").unwrap_err();
//! assert_eq!(err.line, 2);
//! ```

mod lex;
mod packet;
mod syscall;
#[cfg(test)]
mod tests;

use crate::ast::{Action, Event, Script, Time, TimeKind};
use lex::{Tok, Token};

/// Why a script did not parse: the 1-based line and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number of the offending token (for something unterminated,
    /// the line where it starts).
    pub line: usize,
    /// What was wrong, naming what was expected.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a packetdrill script with no `#ifdef` names defined, so every
/// `#ifdef NAME` ... `#endif` block is left out.
///
/// Errs with the line and a message naming what was expected at the first
/// thing that is not packetdrill syntax; never panics.
///
/// ```
/// let script = wirestate_packetdrill::parse("0 close(3) = 0\n").unwrap();
/// assert_eq!(script.events.len(), 1);
/// let err = wirestate_packetdrill::parse("\n\nclose(3) = 0\n").unwrap_err();
/// assert_eq!((err.line, err.message.starts_with("expected an event time")), (3, true));
/// ```
pub fn parse(text: &str) -> Result<Script, ParseError> {
    parse_with_defines(text, &[])
}

/// Parses a packetdrill script with `defines` as the names `#ifdef` tests
/// (packetdrill's `--define`/`-D`, plus the OS name it defines itself, such as
/// `FreeBSD` or `Linux`): `#ifdef NAME` ... `#endif` keeps its lines if NAME is
/// in `defines` and drops them unread otherwise. Blocks do not nest.
///
/// Errs like [`parse`], and on an `#ifdef` without a name or `#endif`, a nested
/// `#ifdef`, or an `#endif` without `#ifdef`.
///
/// ```
/// use wirestate_packetdrill::parse_with_defines;
///
/// let text = "#ifdef STANDARD\n0 close(3) = 0\n#endif\n";
/// assert_eq!(parse_with_defines(text, &["STANDARD"]).unwrap().events.len(), 1);
/// assert_eq!(parse_with_defines(text, &[]).unwrap().events.len(), 0);
/// assert_eq!(parse_with_defines("#ifdef X\n", &[]).unwrap_err().line, 1);
/// ```
pub fn parse_with_defines(text: &str, defines: &[&str]) -> Result<Script, ParseError> {
    Parser {
        src: text,
        toks: lex::tokenize(text, defines),
        pos: 0,
        open_lines: Vec::new(),
        event_start: 0,
    }
    .script()
}

/// How deep brackets may nest before the parser refuses (it recurses on them).
const MAX_NESTING: usize = 64;

/// Stands in for tokens past the end; `tokenize` always ends with `Eof` or
/// `Error`, so this is only a fallback.
static END: Token = Token { tok: Tok::Eof, line: 0, start: 0, end: 0, nl: true };

/// A recursive-descent parser over the token list.
struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// The lines of the brackets open in the current event: while any is
    /// open, line breaks do not end the event.
    open_lines: Vec<usize>,
    /// The token the current event starts at (it begins a line by right).
    event_start: usize,
}

impl Parser<'_> {
    fn tok(&self) -> &Token {
        self.toks.get(self.pos).unwrap_or(&END)
    }

    fn tok_at(&self, ahead: usize) -> &Token {
        self.toks.get(self.pos + ahead).unwrap_or(&END)
    }

    /// The current token if it continues the current event's line.
    fn inline(&self) -> Option<&Tok> {
        self.inline_at(0)
    }

    /// The token `ahead` places on, if it and all before it continue the line.
    fn inline_at(&self, ahead: usize) -> Option<&Tok> {
        let continues = (0..=ahead).all(|i| {
            let t = self.tok_at(i);
            !matches!(t.tok, Tok::Eof) && (!t.nl || !self.open_lines.is_empty())
        });
        continues.then_some(&self.tok_at(ahead).tok)
    }

    fn bump(&mut self) {
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
    }

    fn is_inline_punct(&self, c: char) -> bool {
        self.inline() == Some(&Tok::Punct(c))
    }

    fn is_inline_word(&self, w: &str) -> bool {
        matches!(self.inline(), Some(Tok::Word)) && self.text(self.tok()) == w
    }

    /// Consumes `c` if it is next on the line, else errs naming `what`.
    fn expect_punct(&mut self, c: char, what: &str) -> Result<(), ParseError> {
        if self.is_inline_punct(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// Opens a bracket: line breaks no longer end the event until it closes.
    fn open(&mut self) -> Result<(), ParseError> {
        let line = self.tok().line;
        if self.open_lines.len() >= MAX_NESTING {
            return Err(ParseError { line, message: "brackets nested too deeply".into() });
        }
        self.open_lines.push(line);
        self.bump();
        Ok(())
    }

    /// Closes the innermost bracket with `c`, else errs naming `what`.
    fn close(&mut self, c: char, what: &str) -> Result<(), ParseError> {
        self.expect_punct(c, what)?;
        self.open_lines.pop();
        Ok(())
    }

    /// A token's source text.
    fn text(&self, t: &Token) -> &str {
        self.src.get(t.start..t.end).unwrap_or_default()
    }

    /// The tokens `from..to` as written, one space wherever the script had
    /// space or comments between them.
    fn join(&self, from: usize, to: usize) -> String {
        let mut out = String::new();
        let mut prev_end = None;
        for t in self.toks.get(from..to).unwrap_or_default() {
            if prev_end.is_some_and(|e| e < t.start) {
                out.push(' ');
            }
            out.push_str(self.text(t));
            prev_end = Some(t.end);
        }
        out
    }

    /// The error for finding the current token where `what` should be.
    fn expected(&self, what: &str) -> ParseError {
        let t = self.tok();
        let prev_line =
            self.pos.checked_sub(1).and_then(|p| self.toks.get(p)).map_or(t.line, |p| p.line);
        let line_ended = t.nl && self.open_lines.is_empty() && self.pos != self.event_start;
        let (line, message) = match &t.tok {
            Tok::Eof => match self.open_lines.last() {
                Some(&at) => (at, format!("expected {what}, found the end of the script (the bracket opened on line {at} is never closed)")),
                None => (prev_line, format!("expected {what}, found the end of the script")),
            },
            _ if line_ended => (prev_line, format!("expected {what}, found the end of the line")),
            Tok::Error(e) => return e.clone(),
            _ => (t.line, format!("expected {what}, found `{}`", self.shown(t))),
        };
        ParseError { line, message }
    }

    /// A token's text, shortened for messages.
    fn shown(&self, t: &Token) -> String {
        let text = self.text(t);
        match text.char_indices().nth(24) {
            Some((cut, _)) => format!("{}...", text.get(..cut).unwrap_or_default()),
            None => text.to_owned(),
        }
    }

    fn script(mut self) -> Result<Script, ParseError> {
        let mut script = Script::default();
        let mut timed = false;
        let mut cleanup = false;
        loop {
            self.open_lines.clear();
            let t = self.tok().clone();
            let err = |message: &str| Err(ParseError { line: t.line, message: message.into() });
            match t.tok {
                Tok::Eof => return Ok(script),
                Tok::Error(e) => return Err(e),
                _ if cleanup => return err("nothing may follow the cleanup command (an untimed `command` after the events)"),
                Tok::Opt { name, value } if script.events.is_empty() => {
                    script.options.push((name, value));
                    self.bump();
                }
                Tok::Opt { .. } => return err("header options (`--name=value`) must come before the first event"),
                Tok::Backquoted(command) => {
                    let kind = match (timed, script.events.is_empty()) {
                        (true, _) => TimeKind::Cleanup,
                        (false, true) => TimeKind::Init,
                        (false, false) => return err("expected an event time before this command (only one untimed init command may come first)"),
                    };
                    cleanup = kind == TimeKind::Cleanup;
                    self.bump();
                    let time = Time { kind, start_us: 0, end_us: None, blocking_end_us: None };
                    script.events.push(Event { line: t.line, time, action: Action::Command(command) });
                    self.end_of_event()?;
                }
                _ => {
                    script.events.push(self.event()?);
                    timed = true;
                }
            }
        }
    }

    /// After an event: the next token must start a new line.
    fn end_of_event(&self) -> Result<(), ParseError> {
        let t = self.tok();
        match &t.tok {
            Tok::Error(e) if !t.nl => Err(e.clone()),
            Tok::Eof => Ok(()),
            _ if t.nl => Ok(()),
            _ => Err(ParseError {
                line: t.line,
                message: format!(
                    "expected the end of the line after the event, found `{}`",
                    self.shown(t)
                ),
            }),
        }
    }

    fn event(&mut self) -> Result<Event, ParseError> {
        self.event_start = self.pos;
        let line = self.tok().line;
        let time = self.time()?;
        let action = match self.inline() {
            Some(Tok::Punct('<' | '>')) => Action::Packet(self.packet()?),
            Some(Tok::Backquoted(command)) => {
                let command = command.clone();
                self.bump();
                Action::Command(command)
            }
            Some(Tok::Code(code)) => {
                let code = code.clone();
                self.bump();
                Action::Code(code)
            }
            Some(Tok::Word) => Action::Syscall(self.syscall()?),
            _ => {
                return Err(self.expected(
                    "a packet (`<` or `>`), a system call, a `command` or a %{ code }% block",
                ));
            }
        };
        check_time(&time, &action)
            .map_err(|message| ParseError { line, message: message.into() })?;
        self.end_of_event()?;
        Ok(Event { line, time, action })
    }

    /// `*`, `0.1`, `+0.1`, `0.1~0.2`, `+0.1~+0.2`, `0.1...0.3`, `+0...0.2`.
    fn time(&mut self) -> Result<Time, ParseError> {
        let kind = match self.tok().tok {
            Tok::Punct('*') => {
                self.bump();
                return Ok(Time {
                    kind: TimeKind::Any,
                    start_us: 0,
                    end_us: None,
                    blocking_end_us: None,
                });
            }
            Tok::Punct('+') => {
                self.bump();
                TimeKind::Relative
            }
            Tok::Int | Tok::Float if !self.text(self.tok()).starts_with('-') => TimeKind::Absolute,
            _ => return Err(self.expected("an event time (`0.1`, `+0.1` or `*`)")),
        };
        let start_us = self.seconds(kind == TimeKind::Absolute)?;
        let mut time = Time { kind, start_us, end_us: None, blocking_end_us: None };
        let relative = kind == TimeKind::Relative;
        if self.is_inline_punct('~') {
            self.bump();
            if relative {
                self.expect_punct('+', "`+` (the end of a relative range is relative too)")?;
            }
            time.end_us = Some(self.seconds(false)?);
        } else if self.inline() == Some(&Tok::Ellipsis) {
            self.bump();
            if relative && self.is_inline_punct('+') {
                self.bump();
            }
            time.blocking_end_us = Some(self.seconds(false)?);
        }
        Ok(time)
    }

    /// A non-negative number of seconds (`1`, `0.25`, `.1`) in microseconds;
    /// digits past the sixth decimal are dropped. `first`: it starts the event,
    /// so it may (must) begin a line.
    fn seconds(&mut self, first: bool) -> Result<i64, ParseError> {
        let (line, text) = (self.tok().line, self.text(self.tok()).to_owned());
        let number = if first { Some(&self.tok().tok) } else { self.inline() };
        if !matches!(number, Some(Tok::Int | Tok::Float)) || text.starts_with('-') {
            return Err(self.expected("a time in seconds (`0.1`)"));
        }
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let out_of_range =
            || ParseError { line, message: format!("time `{text}` is out of range") };
        let whole: i64 =
            if whole.is_empty() { 0 } else { whole.parse().map_err(|_| out_of_range())? };
        let mut micros: i64 = 0;
        for d in frac.bytes().chain(std::iter::repeat(b'0')).take(6) {
            micros = micros * 10 + i64::from(d.wrapping_sub(b'0'));
        }
        self.bump();
        whole.checked_mul(1_000_000).and_then(|w| w.checked_add(micros)).ok_or_else(out_of_range)
    }
}

/// packetdrill's rules on which actions each time form may carry.
fn check_time(time: &Time, action: &Action) -> Result<(), &'static str> {
    let outbound =
        matches!(action, Action::Packet(p) if p.direction == crate::ast::Direction::Outbound);
    if time.kind == TimeKind::Any && !outbound {
        return Err("event time `*` can only be used with outbound packets");
    }
    if let Some(end) = time.end_us {
        if !outbound {
            return Err("a time range can only be used with outbound packets");
        }
        if end < time.start_us {
            return Err("time range ends before it starts");
        }
    }
    if let Some(end) = time.blocking_end_us {
        if !matches!(action, Action::Syscall(_)) {
            return Err("a blocking span (`...`) can only be used with a system call");
        }
        if end < time.start_us {
            return Err("blocking span ends before it starts");
        }
    }
    Ok(())
}
