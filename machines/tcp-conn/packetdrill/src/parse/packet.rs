//! Packet lines: `< S 0:0(0) win 65535 <mss 1460,sackOK>`, `> [ect0] . 1:1(0)
//! ack 1`, `< icmp unreachable port_unreachable [1:1(0)]`.

use super::lex::Tok;
use super::{ParseError, Parser};
use crate::ast::{Direction, EcnMark, Packet, PacketBody, TcpOption, TcpOptions, TcpSegment};

/// The TCP flag letters packetdrill knows; `.` (ACK) comes as its own token.
const FLAG_LETTERS: &[u8] = b"SFRPUEWN";

/// The closing bracket for an opening one.
fn closer(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn ecn_mark(word: &str) -> Option<EcnMark> {
    Some(match word {
        "noecn" => EcnMark::NotEct,
        "ect0" => EcnMark::Ect0,
        "ect1" => EcnMark::Ect1,
        "ce" => EcnMark::Ce,
        "ect01" => EcnMark::Ect01,
        _ => return None,
    })
}

impl Parser<'_> {
    /// `<` or `>`, an optional `[ecn]` / `(ip fields)`, then a TCP segment or
    /// another protocol's packet.
    pub(super) fn packet(&mut self) -> Result<Packet, ParseError> {
        let line = self.tok().line;
        let direction =
            if self.is_inline_punct('<') { Direction::Inbound } else { Direction::Outbound };
        self.bump();
        let body_start = self.pos;
        let (ecn, mut unmodelled) = match self.inline() {
            Some(Tok::Punct('[' | '(')) => self.ip_info()?,
            _ => (None, false),
        };
        if ecn == Some(EcnMark::Ect01) && direction == Direction::Inbound {
            return Err(ParseError {
                line,
                message: "[ect01] can only be used with outbound packets".into(),
            });
        }
        let text_start = if unmodelled { body_start } else { self.pos };
        if matches!(self.inline(), Some(Tok::Word))
            && self.text(self.tok()).starts_with(|c: char| c.is_ascii_lowercase())
        {
            let kind = self.text(self.tok()).to_owned();
            self.bump();
            let from = self.pos;
            self.balanced(false)?;
            return Ok(Packet {
                direction,
                ecn,
                body: PacketBody::Other { kind, text: self.join(from, self.pos) },
            });
        }
        if matches!(self.inline(), Some(Tok::Int)) && self.inline_at(1) == Some(&Tok::Punct('>')) {
            // Ports (`8080 > 80`): the AST has no field for them.
            self.bump();
            self.bump();
            self.u32_value("a destination port")?;
            unmodelled = true;
        }
        let segment = self.segment(direction, &mut unmodelled)?;
        let body = if unmodelled {
            PacketBody::Other { kind: "tcp".into(), text: self.join(text_start, self.pos) }
        } else {
            PacketBody::Tcp(segment)
        };
        Ok(Packet { direction, ecn, body })
    }

    /// `[ect0]`, `(ect0)`, `[ecn ce]`, or IP fields (`(ttl 64)`, `(tos 0x2)`, ...)
    /// the AST does not model; returns the ECN mark and whether anything else
    /// was there.
    fn ip_info(&mut self) -> Result<(Option<EcnMark>, bool), ParseError> {
        let (line, start) = (self.tok().line, self.pos);
        self.balanced(true)?;
        let inner = self.toks.get(start + 1..self.pos.saturating_sub(1)).unwrap_or_default();
        let mut ecn = None;
        let mut unmodelled = false;
        for item in inner.split(|t| t.tok == Tok::Punct(',')) {
            let words: Vec<&str> = item.iter().map(|t| self.text(t)).collect();
            let mark = match words.as_slice() {
                [] => {
                    return Err(ParseError {
                        line,
                        message: "expected IP fields or an ECN mark in the brackets".into(),
                    })
                }
                [w] | ["ecn", w] => ecn_mark(w),
                _ => None,
            };
            match (mark, ecn) {
                (Some(_), Some(_)) => {
                    return Err(ParseError { line, message: "ECN mark given twice".into() })
                }
                (Some(m), None) => ecn = Some(m),
                (None, _) => unmodelled = true,
            }
        }
        Ok((ecn, unmodelled))
    }

    /// Consumes tokens to the end of the line, or (`group`) one bracketed
    /// group starting at the current token; line breaks inside brackets do
    /// not end the line.
    pub(super) fn balanced(&mut self, group: bool) -> Result<(), ParseError> {
        let mut closers: Vec<char> = Vec::new();
        loop {
            match self.inline() {
                Some(Tok::Error(e)) => return Err(e.clone()),
                Some(&Tok::Punct(c @ ('(' | '[' | '{'))) => {
                    closers.push(closer(c));
                    self.open()?;
                    continue;
                }
                Some(&Tok::Punct(c @ (')' | ']' | '}'))) => match closers.last() {
                    Some(&want) if want == c => {
                        closers.pop();
                        self.open_lines.pop();
                    }
                    Some(&want) => return Err(self.expected(&format!("`{want}`"))),
                    None => return Err(self.expected("the end of the line")),
                },
                Some(_) if !group || !closers.is_empty() => {}
                Some(_) => return Err(self.expected("`(` or `[`")),
                None => match closers.last() {
                    Some(&want) => return Err(self.expected(&format!("`{want}`"))),
                    None => return Ok(()),
                },
            }
            self.bump();
            if group && closers.is_empty() {
                return Ok(());
            }
        }
    }

    /// Flags, `seq:end(len)`, then `ack`, `win`, `urg`, `<options>` in any order.
    fn segment(
        &mut self,
        direction: Direction,
        unmodelled: &mut bool,
    ) -> Result<TcpSegment, ParseError> {
        let flags = self.flags()?;
        let mut seg = TcpSegment {
            flags,
            seq: None,
            end: None,
            len: 0,
            ack: None,
            win: None,
            urg: None,
            options: TcpOptions::None,
        };
        self.seq(&mut seg, direction, unmodelled)?;
        let mut options_seen = false;
        loop {
            let (line, word) = (self.tok().line, self.text(self.tok()).to_owned());
            let slot = match self.inline() {
                Some(Tok::Word) if word == "ack" => &mut seg.ack,
                Some(Tok::Word) if word == "win" => &mut seg.win,
                Some(Tok::Word) if word == "urg" => &mut seg.urg,
                Some(Tok::Punct('<')) if !options_seen => {
                    seg.options = self.tcp_options()?;
                    options_seen = true;
                    if seg.options == TcpOptions::Any && direction == Direction::Inbound {
                        return Err(ParseError {
                            line,
                            message: "<...> for TCP options can only be used with outbound packets"
                                .into(),
                        });
                    }
                    continue;
                }
                Some(Tok::Punct('[')) => {
                    // A reset-diagnostic payload `[code N, pen N]`.
                    self.balanced(true)?;
                    *unmodelled = true;
                    continue;
                }
                Some(Tok::Punct('/')) => {
                    // UDP encapsulation `/udp(src > dst)`.
                    self.bump();
                    if !self.is_inline_word("udp") {
                        return Err(self.expected("`udp` after `/`"));
                    }
                    self.bump();
                    self.balanced(true)?;
                    *unmodelled = true;
                    continue;
                }
                _ => return Ok(seg),
            };
            if slot.is_some() {
                return Err(ParseError { line, message: format!("`{word}` given twice") });
            }
            self.bump();
            *slot = Some(self.u32_value(&format!("a number after `{word}`"))?);
        }
    }

    /// `S`, `S.`, `.`, `F.`, `F .`, `SEW`, `-` (no flags, kept as "").
    fn flags(&mut self) -> Result<String, ParseError> {
        if self.is_inline_punct('-') {
            self.bump();
            return Ok(String::new());
        }
        let mut flags = String::new();
        loop {
            match self.inline() {
                Some(Tok::Punct('.')) => flags.push('.'),
                Some(Tok::Word)
                    if self.text(self.tok()).bytes().all(|b| FLAG_LETTERS.contains(&b)) =>
                {
                    flags.push_str(self.text(self.tok()));
                }
                _ => break,
            }
            self.bump();
        }
        if flags.is_empty() {
            return Err(self.expected("TCP flags (`S`, `S.`, `.`, `F.`, `R`, ...) or a protocol name (`icmp`, `udp`, ...)"));
        }
        Ok(flags)
    }

    /// `seq:end(len)`, `seq:end(len)!` (absolute), `...(len)` or nothing.
    fn seq(
        &mut self,
        seg: &mut TcpSegment,
        direction: Direction,
        unmodelled: &mut bool,
    ) -> Result<(), ParseError> {
        let line = self.tok().line;
        let given = match self.inline() {
            Some(Tok::Int) => {
                let seq = self.u32_value("a start sequence number")?;
                self.expect_punct(':', "`:` between the start and end sequence numbers")?;
                let end = self.u32_value("an end sequence number")?;
                seg.seq = Some(seq);
                seg.end = Some(end);
                true
            }
            Some(Tok::Ellipsis) => {
                self.bump();
                false
            }
            _ if direction == Direction::Outbound => return Ok(()),
            _ => {
                return Err(self.expected(
                    "`seq:end(len)` (an inbound segment must give its sequence numbers)",
                ))
            }
        };
        if !given && direction == Direction::Inbound {
            return Err(ParseError {
                line,
                message: "`...(len)` can only be used with outbound packets".into(),
            });
        }
        self.expect_punct('(', "`(` and the payload length")?;
        seg.len = self.u32_value("the payload length")?;
        self.expect_punct(')', "`)` after the payload length")?;
        if self.is_inline_punct('!') {
            self.bump();
            *unmodelled = true;
        }
        if let (Some(seq), Some(end)) = (seg.seq, seg.end) {
            if seq.wrapping_add(seg.len) != end {
                let message = format!(
                    "inconsistent TCP sequence numbers and payload size: {seq} + {} is not {end}",
                    seg.len
                );
                return Err(ParseError { line, message });
            }
        }
        Ok(())
    }

    /// A u32 written in decimal or hex at the current token.
    pub(super) fn u32_value(&mut self, what: &str) -> Result<u32, ParseError> {
        if !matches!(self.inline(), Some(Tok::Int | Tok::Hex)) {
            return Err(self.expected(what));
        }
        let value = self.u32_at(self.pos)?;
        self.bump();
        Ok(value)
    }

    /// The u32 written at token `i`, which must be a number.
    fn u32_at(&self, i: usize) -> Result<u32, ParseError> {
        let t = self.toks.get(i).unwrap_or(self.tok());
        let text = self.text(t);
        let parsed = match (&t.tok, text.strip_prefix("0x")) {
            (Tok::Hex, Some(hex)) => u32::from_str_radix(hex, 16).ok(),
            (Tok::Int, _) => text.parse().ok(),
            _ => {
                return Err(ParseError {
                    line: t.line,
                    message: format!("expected a number, found `{text}`"),
                })
            }
        };
        parsed.ok_or_else(|| ParseError {
            line: t.line,
            message: format!("`{text}` is out of range (0 to 4294967295)"),
        })
    }

    /// `<...>` or `<opt, opt, ...>`; the list stays on one line.
    fn tcp_options(&mut self) -> Result<TcpOptions, ParseError> {
        self.bump();
        if self.inline() == Some(&Tok::Ellipsis) && self.inline_at(1) == Some(&Tok::Punct('>')) {
            self.bump();
            self.bump();
            return Ok(TcpOptions::Any);
        }
        let mut list = Vec::new();
        loop {
            let from = self.pos;
            while !matches!(self.inline(), None | Some(Tok::Punct(',' | '>') | Tok::Error(_))) {
                self.bump();
            }
            list.push(self.tcp_option(from, self.pos)?);
            match self.inline() {
                Some(Tok::Punct(',')) => self.bump(),
                Some(Tok::Punct('>')) => {
                    self.bump();
                    return Ok(TcpOptions::List(list));
                }
                _ => return Err(self.expected("`,` or `>` in the TCP options")),
            }
        }
    }

    /// One option from tokens `a..b`.
    fn tcp_option(&self, a: usize, b: usize) -> Result<TcpOption, ParseError> {
        let toks = self.toks.get(a..b).unwrap_or_default();
        let Some(first) = toks.first() else {
            return Err(self.expected("a TCP option (`nop`, `mss 1460`, `sackOK`, ...)"));
        };
        let err = |message: String| ParseError { line: first.line, message };
        let word = |i: usize| toks.get(i).filter(|t| t.tok == Tok::Word).map(|t| self.text(t));
        let is = |i: usize, tok: Tok| toks.get(i).is_some_and(|t| t.tok == tok);
        let name = word(0).unwrap_or_default();
        Ok(match (name, toks.len()) {
            ("nop", 1) => TcpOption::Nop,
            ("eol", 1) => TcpOption::Eol,
            ("sackOK", 1) => TcpOption::SackPermitted,
            ("nop" | "eol" | "sackOK", _) => return Err(err(format!("`{name}` takes no value"))),
            ("mss", 2) if is(1, Tok::Int) => {
                let mss = self.u32_at(a + 1)?;
                TcpOption::Mss(
                    u16::try_from(mss)
                        .map_err(|_| err(format!("mss {mss} is out of range (0 to 65535)")))?,
                )
            }
            ("wscale", 2) if is(1, Tok::Int) => {
                let shift = self.u32_at(a + 1)?;
                TcpOption::WindowScale(
                    u8::try_from(shift)
                        .map_err(|_| err(format!("wscale {shift} is out of range (0 to 255)")))?,
                )
            }
            ("mss" | "wscale", _) => return Err(err(format!("expected `{name} N`"))),
            ("TS", _) if word(1) == Some("val") && word(3) == Some("ecr") => {
                if toks.len() == 5 && is(2, Tok::Int) && is(4, Tok::Int) {
                    TcpOption::Timestamp { val: self.u32_at(a + 2)?, ecr: self.u32_at(a + 4)? }
                } else if (is(2, Tok::Int) || is(2, Tok::Ellipsis))
                    && is(4, Tok::Int)
                    && (toks.len() == 5 || toks.len() == 6 && is(5, Tok::Punct('!')))
                {
                    // `TS val ...` (ignore) or `ecr N!` (absolute): kept as written.
                    TcpOption::Other(self.join(a, b))
                } else {
                    return Err(err("expected `TS val N ecr N`".into()));
                }
            }
            ("TS", _) => return Err(err("expected `TS val N ecr N`".into())),
            ("sack", n) => {
                let mut blocks = Vec::new();
                let mut i = 1;
                while i < n {
                    if !(is(i, Tok::Int) && is(i + 1, Tok::Punct(':')) && is(i + 2, Tok::Int)) {
                        return Err(err("expected `sack L:R L:R ...`".into()));
                    }
                    blocks.push((self.u32_at(a + i)?, self.u32_at(a + i + 2)?));
                    i += 3;
                }
                TcpOption::Sack(blocks)
            }
            _ => TcpOption::Other(self.join(a, b)),
        })
    }
}
