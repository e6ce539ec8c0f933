//! System call lines: `connect(3, ..., ...) = -1 EINPROGRESS (Operation now in
//! progress)` and their argument expressions.

use super::lex::Tok;
use super::{ParseError, Parser, MAX_NESTING};
use crate::ast::{Expr, Syscall};

impl Parser<'_> {
    /// `name(args) = ret [ERRNO] [(note)]`.
    pub(super) fn syscall(&mut self) -> Result<Syscall, ParseError> {
        let name = self.text(self.tok()).to_owned();
        self.bump();
        if !self.is_inline_punct('(') {
            return Err(self.expected(&format!("`(` after the system call name `{name}`")));
        }
        self.open()?;
        let args = self.exprs(')', 0)?;
        self.close(')', "`,` or `)` in the system call's arguments")?;
        self.expect_punct('=', "`=` and the expected return value")?;
        let ret = self.expr(0)?;
        let errno = match self.inline() {
            Some(Tok::Word) => {
                let errno = self.text(self.tok()).to_owned();
                self.bump();
                Some(errno)
            }
            _ => None,
        };
        let note = if self.is_inline_punct('(') {
            let from = self.pos + 1;
            self.balanced(true)?;
            Some(self.join(from, self.pos.saturating_sub(1)))
        } else {
            None
        };
        Ok(Syscall { name, args, ret, errno, note })
    }

    /// Zero or more expressions separated by `,`, up to (not past) `close`.
    fn exprs(&mut self, close: char, nest: usize) -> Result<Vec<Expr>, ParseError> {
        let mut out = Vec::new();
        if self.is_inline_punct(close) {
            return Ok(out);
        }
        loop {
            out.push(self.expr(nest)?);
            if !self.is_inline_punct(',') {
                return Ok(out);
            }
            self.bump();
        }
    }

    /// `a | b | ...` or one operand.
    fn expr(&mut self, nest: usize) -> Result<Expr, ParseError> {
        let first = self.operand(nest)?;
        if !self.is_inline_punct('|') {
            return Ok(first);
        }
        let mut terms = vec![first];
        while self.is_inline_punct('|') {
            self.bump();
            terms.push(self.operand(nest)?);
        }
        Ok(Expr::Or(terms))
    }

    fn operand(&mut self, nest: usize) -> Result<Expr, ParseError> {
        const WHAT: &str =
            "an expression (a number, a name, `...`, `[...]`, `{...}` or a \"string\")";
        if nest >= MAX_NESTING {
            return Err(ParseError {
                line: self.tok().line,
                message: "expressions nested too deeply".into(),
            });
        }
        let t = self.tok();
        let (line, text) = (t.line, self.text(t).to_owned());
        let expr = match self.inline() {
            Some(Tok::Ellipsis) => Expr::Ellipsis,
            Some(Tok::Int | Tok::Hex) => Expr::Int(int_value(&text).ok_or_else(|| ParseError {
                line,
                message: format!("`{text}` is out of range for a 64-bit integer"),
            })?),
            Some(Tok::Word) if self.inline_at(1) == Some(&Tok::Punct('(')) => {
                let message =
                    format!("function-call expressions like `{text}(...)` are not supported");
                return Err(ParseError { line, message });
            }
            Some(Tok::Word) => Expr::Symbol(text),
            Some(Tok::Str(_)) if self.inline_at(1) == Some(&Tok::Ellipsis) => {
                return Err(ParseError {
                    line,
                    message: "`\"string\"...` expressions are not supported".into(),
                });
            }
            Some(Tok::Str(s)) => Expr::Str(s.clone()),
            Some(Tok::Punct('[')) => return self.list(nest),
            Some(Tok::Punct('{')) => return self.structure(nest),
            _ => return Err(self.expected(WHAT)),
        };
        self.bump();
        Ok(expr)
    }

    /// `[a, b, ...]`.
    fn list(&mut self, nest: usize) -> Result<Expr, ParseError> {
        self.open()?;
        let items = self.exprs(']', nest + 1)?;
        self.close(']', "`,` or `]` in the list")?;
        Ok(Expr::List(items))
    }

    /// `{name=value, name: value, value, ...}`.
    fn structure(&mut self, nest: usize) -> Result<Expr, ParseError> {
        self.open()?;
        let mut fields = Vec::new();
        while !self.is_inline_punct('}') {
            let named = matches!(self.inline(), Some(Tok::Word))
                && matches!(self.inline_at(1), Some(Tok::Punct('=' | ':')));
            let name = if named {
                let name = self.text(self.tok()).to_owned();
                self.bump();
                self.bump();
                name
            } else {
                String::new()
            };
            fields.push((name, self.expr(nest + 1)?));
            if !self.is_inline_punct(',') {
                break;
            }
            self.bump();
        }
        self.close('}', "`,` or `}` in the structure")?;
        Ok(Expr::Struct(fields))
    }
}

/// A decimal or `0x` hex integer, either possibly negative.
fn int_value(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = match digits.strip_prefix("0x") {
        Some(hex) => i128::from(u64::from_str_radix(hex, 16).ok()?),
        None => i128::from(digits.parse::<u64>().ok()?),
    };
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}
