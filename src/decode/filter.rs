//! A small BPF-like filter over protocols, ports and hosts.
//!
//! ```text
//! expr    := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | "(" expr ")" | primary
//! primary := "arp" | "ip" | "ip6" | "icmp" | "icmp6" | "tcp" | "udp" | "vlan" [VID]
//!          | ["src" | "dst"] "port" N | ["src" | "dst"] "host" ADDR
//! ```
//! `&&`, `||` and `!` are accepted for `and`, `or` and `not`, as in tcpdump.

use core::fmt;
use core::net::IpAddr;

use wirestate_packet::{Net, Sliced, Transport};

/// Which end of a packet a port or host test looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Source or destination.
    Either,
    /// The source.
    Src,
    /// The destination.
    Dst,
}

/// A parsed filter expression.
///
/// ```
/// use wirestate::decode::Filter;
/// let f: Filter = "tcp and port 80 or not (udp or arp)".parse().unwrap();
/// assert!("tcp and".parse::<Filter>().is_err());
/// # let _ = f;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
    /// It does not hold.
    Not(Box<Filter>),
    /// The packet has a layer of this protocol (`"arp"`, `"ip"`, `"tcp"`, ...).
    Proto(&'static str),
    /// The packet has a VLAN tag (with this VID, if given).
    Vlan(Option<u16>),
    /// A UDP or TCP port, at the given end.
    Port(End, u16),
    /// An IP address, at the given end.
    Host(End, IpAddr),
}

/// Why a filter did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// Which word (counting from 0) was wrong.
    pub word: usize,
    /// What was expected there.
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "filter word {}: {}", self.word, self.message)
    }
}

impl std::error::Error for FilterError {}

const PROTOS: &[&str] = &["arp", "ip", "ip6", "icmp", "icmp6", "tcp", "udp"];

struct Parser<'s> {
    words: Vec<&'s str>,
    at: usize,
}

impl<'s> Parser<'s> {
    fn peek(&self) -> Option<&'s str> {
        self.words.get(self.at).copied()
    }

    fn error(&self, message: impl Into<String>) -> FilterError {
        FilterError { word: self.at, message: message.into() }
    }

    fn expr(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some("or" | "||")) {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.unary()?;
        while matches!(self.peek(), Some("and" | "&&")) {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, FilterError> {
        match self.peek() {
            Some("not" | "!") => {
                self.at += 1;
                Ok(Filter::Not(Box::new(self.unary()?)))
            }
            Some("(") => {
                self.at += 1;
                let inner = self.expr()?;
                if self.peek() != Some(")") {
                    return Err(self.error("expected ')'"));
                }
                self.at += 1;
                Ok(inner)
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Filter, FilterError> {
        let word = self.peek().ok_or_else(|| self.error("expected a protocol, port or host"))?;
        self.at += 1;
        if let Some(p) = PROTOS.iter().find(|p| **p == word) {
            return Ok(Filter::Proto(p));
        }
        let dir = match word {
            "src" => Some(End::Src),
            "dst" => Some(End::Dst),
            _ => None,
        };
        let (dir, word) = match dir {
            Some(d) => {
                let w = self.peek().ok_or_else(|| self.error("expected 'port' or 'host'"))?;
                self.at += 1;
                (d, w)
            }
            None => (End::Either, word),
        };
        match word {
            "vlan" if dir == End::Either => {
                let vid = self.peek().and_then(|w| w.parse::<u16>().ok());
                if vid.is_some() {
                    self.at += 1;
                }
                Ok(Filter::Vlan(vid))
            }
            "port" => {
                let n = self.peek().and_then(|w| w.parse::<u16>().ok());
                let n = n.ok_or_else(|| self.error("expected a port number"))?;
                self.at += 1;
                Ok(Filter::Port(dir, n))
            }
            "host" => {
                let a = self.peek().and_then(|w| w.parse::<IpAddr>().ok());
                let a = a.ok_or_else(|| self.error("expected an IP address"))?;
                self.at += 1;
                Ok(Filter::Host(dir, a))
            }
            other => {
                Err(FilterError { word: self.at - 1, message: format!("unknown word '{other}'") })
            }
        }
    }
}

impl core::str::FromStr for Filter {
    type Err = FilterError;

    fn from_str(s: &str) -> Result<Self, FilterError> {
        let spaced = s.replace('(', " ( ").replace(')', " ) ");
        let mut p = Parser { words: spaced.split_whitespace().collect(), at: 0 };
        let f = p.expr()?;
        if p.at != p.words.len() {
            return Err(p.error("unexpected word"));
        }
        Ok(f)
    }
}

fn ports(s: &Sliced<'_>) -> Option<(u16, u16)> {
    match s.transport() {
        Some(Transport::Tcp(t)) => Some((t.src_port(), t.dst_port())),
        Some(Transport::Udp(u)) => Some((u.src_port(), u.dst_port())),
        _ => None,
    }
}

fn pick<T: PartialEq>(dir: End, pair: (T, T), want: &T) -> bool {
    match dir {
        End::Either => pair.0 == *want || pair.1 == *want,
        End::Src => pair.0 == *want,
        End::Dst => pair.1 == *want,
    }
}

impl Filter {
    /// Whether a sliced frame passes.
    pub fn matches(&self, s: &Sliced<'_>) -> bool {
        match self {
            Filter::And(a, b) => a.matches(s) && b.matches(s),
            Filter::Or(a, b) => a.matches(s) || b.matches(s),
            Filter::Not(a) => !a.matches(s),
            Filter::Proto(p) => match *p {
                "arp" => matches!(s.net(), Some(Net::Arp(_))),
                "ip" => matches!(s.net(), Some(Net::Ipv4(_))),
                "ip6" => matches!(s.net(), Some(Net::Ipv6 { .. })),
                "icmp" => matches!(s.transport(), Some(Transport::Icmpv4(_))),
                "icmp6" => matches!(s.transport(), Some(Transport::Icmpv6(_))),
                "tcp" => matches!(s.transport(), Some(Transport::Tcp(_))),
                "udp" => matches!(s.transport(), Some(Transport::Udp(_))),
                _ => false,
            },
            Filter::Vlan(vid) => s.link().is_some_and(|l| match vid {
                None => l.tag_count() > 0,
                Some(v) => l.tags().any(|t| t.vid() == *v),
            }),
            Filter::Port(dir, port) => ports(s).is_some_and(|p| pick(*dir, p, port)),
            Filter::Host(dir, addr) => {
                s.net().as_ref().and_then(Net::addrs).is_some_and(|p| pick(*dir, p, addr))
            }
        }
    }
}
