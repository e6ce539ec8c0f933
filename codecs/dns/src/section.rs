//! The sections (RFC 1035 §4.1.2, §4.1.3): questions and records, walked in place.

use core::fmt;

use core::net::{Ipv4Addr, Ipv6Addr};

use wirestate_wire::bytes::{read_array, read_u16, read_u32};
use wirestate_wire::{Error, Result};

use crate::message::HEADER_LEN;
use crate::{field, Class, Name, Opcode, RData, Type};

/// Which section a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Section {
    /// The answer section (ANCOUNT).
    Answer,
    /// The authority section (NSCOUNT).
    Authority,
    /// The additional section (ARCOUNT).
    Additional,
}

impl Section {
    /// The section's name in errors and JSON: `answer`, `authority`, `additional`.
    pub fn name(self) -> &'static str {
        match self {
            Section::Answer => "answer",
            Section::Authority => "authority",
            Section::Additional => "additional",
        }
    }

    /// The section's name in a message of `opcode`: for UPDATE the names of RFC 2136
    /// §2 (`prerequisite`, `update`, `additional`; the questions are its zone
    /// section), otherwise [`name`](Self::name).
    ///
    /// ```
    /// use wirestate_dns::{Opcode, Section};
    /// assert_eq!(Section::Answer.name_in(Opcode::UPDATE), "prerequisite");
    /// assert_eq!(Section::Authority.name_in(Opcode::UPDATE), "update");
    /// assert_eq!(Section::Authority.name_in(Opcode::QUERY), "authority");
    /// ```
    pub fn name_in(self, opcode: Opcode) -> &'static str {
        match (opcode, self) {
            (Opcode::UPDATE, Section::Answer) => "prerequisite",
            (Opcode::UPDATE, Section::Authority) => "update",
            _ => self.name(),
        }
    }
}

/// One question: QNAME, QTYPE, QCLASS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question<'a> {
    /// QNAME.
    pub name: Name<'a>,
    /// QTYPE.
    pub qtype: Type,
    /// QCLASS.
    pub qclass: Class,
}

impl fmt::Display for Question<'_> {
    /// dig's question line: `www.example. IN A`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.name, self.qclass, self.qtype)
    }
}

/// One resource record, its RDATA decoded. `==` ignores [`offset`](Self::offset).
#[derive(Debug, Clone, Copy, Eq)]
pub struct Record<'a> {
    /// The owner name.
    pub name: Name<'a>,
    /// TYPE.
    pub rtype: Type,
    /// CLASS (for OPT: the UDP payload size).
    pub class: Class,
    /// TTL (for OPT: extended rcode, version and flags).
    pub ttl: u32,
    /// RDATA.
    pub rdata: RData<'a>,
    /// The section it was in.
    pub section: Section,
    /// Where the record starts in the message.
    pub offset: usize,
}

impl fmt::Display for Record<'_> {
    /// A zone-file line as dig prints it, spaces for tabs:
    /// `www.example. 300 IN A 192.0.2.1`; without RDATA ([`RData::Empty`], in
    /// updates) the line ends at the type: `www.example. 0 ANY A`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", self.name, self.ttl, self.class, self.rtype)?;
        match self.rdata {
            RData::Empty(_) => Ok(()),
            rdata => write!(f, " {rdata}"),
        }
    }
}

/// The questions of a message: an iterator of `Result<Question>`, fused after an
/// error. Offsets count from the start of the message.
///
/// Errors: `Truncated` "question" at a question's start when the message ends
/// before QDCOUNT is reached; the [`Name`] errors with field "qname"; `Truncated`
/// "qtype" when QTYPE and QCLASS do not fit.
#[derive(Debug, Clone)]
pub struct Questions<'a> {
    msg: &'a [u8],
    pos: usize,
    left: u16,
}

impl<'a> Questions<'a> {
    /// The questions of `msg` (a whole message; its header must be there, or the
    /// walk yields nothing).
    pub fn new(msg: &'a [u8]) -> Self {
        let left = if msg.len() >= HEADER_LEN { read_u16(msg, field::QDCOUNT) } else { 0 };
        Questions { msg, pos: HEADER_LEN, left }
    }

    /// Where the next question starts (after the last, where the answers start).
    pub fn offset(&self) -> usize {
        self.pos
    }

    #[inline]
    fn parse_one(&mut self) -> Result<Question<'a>> {
        let at = self.pos;
        if at >= self.msg.len() {
            return Err(Error::truncated("question", at, at + 5, self.msg.len()));
        }
        let (name, end) = Name::parse(self.msg, at, "qname")?;
        if end + 4 > self.msg.len() {
            return Err(Error::truncated("qtype", end, end + 4, self.msg.len()));
        }
        self.pos = end + 4;
        let qtype = Type(read_u16(self.msg, end));
        let qclass = Class(read_u16(self.msg, end + 2));
        Ok(Question { name, qtype, qclass })
    }
}

impl<'a> Iterator for Questions<'a> {
    type Item = Result<Question<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let q = self.parse_one();
        if q.is_err() {
            self.left = 0;
        }
        Some(q)
    }
}

/// The answer, authority and additional records of a message: an iterator of
/// `Result<Record>`, fused after an error. The questions are skipped first.
///
/// In an UPDATE message (RFC 2136 §2) the three sections hold the prerequisites,
/// the updates and the additional records; there a record of class ANY or NONE
/// with RDLENGTH 0 (and not OPT) is [`RData::Empty`] whatever its type (RFC 2136
/// §2.4.1, §2.4.3-§2.4.5, §2.5.2, §2.5.3).
///
/// The walk checks each record on its own, not where it sits: an OPT record
/// outside the additional section, a second OPT, or a TSIG record that is not the
/// last record (RFC 8945 §5.1) are yielded like any other. [`Repr::parse`](crate::Repr::parse),
/// [`Message::opt`](crate::Message::opt) and [`Message::tsig`](crate::Message::tsig)
/// refuse them.
///
/// Errors (offsets from the start of the message):
/// - those of [`Questions`] while skipping them;
/// - `Truncated` with the section's name (`answer`, `authority`, `additional`) at
///   a record's start when the message ends before the counts are reached;
/// - the [`Name`] errors with field "name" for the owner;
/// - `Truncated` "rr header" when TYPE, CLASS, TTL and RDLENGTH do not fit;
/// - `Truncated` "rdata" at the RDATA when RDLENGTH runs past the message;
/// - the [`RData`] errors.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    msg: &'a [u8],
    pos: usize,
    /// Records left in the answer, authority and additional sections.
    left: [u16; 3],
    section: u8,
    /// Questions still to skip before the first record.
    skip: u16,
    /// Whether the message is an UPDATE (RFC 2136), where RDATA may be empty.
    update: bool,
}

impl<'a> Records<'a> {
    /// The records of `msg` (a whole message; without a header the walk is empty).
    pub fn new(msg: &'a [u8]) -> Self {
        if msg.len() < HEADER_LEN {
            return Records {
                msg,
                pos: HEADER_LEN,
                left: [0; 3],
                section: 3,
                skip: 0,
                update: false,
            };
        }
        Records {
            msg,
            pos: HEADER_LEN,
            left: [
                read_u16(msg, field::ANCOUNT),
                read_u16(msg, field::NSCOUNT),
                read_u16(msg, field::ARCOUNT),
            ],
            section: 0,
            skip: read_u16(msg, field::QDCOUNT),
            update: (msg[field::FLAGS_HI] & field::OPCODE_MASK) >> 3 == Opcode::UPDATE.0,
        }
    }

    /// Continues after `questions` (which must be exhausted) without walking the
    /// questions again.
    pub fn after(questions: &Questions<'a>) -> Self {
        let mut records = Records::new(questions.msg);
        records.skip = 0;
        records.pos = questions.pos;
        records
    }

    /// The one additional record at `at` of `msg` (a whole message with its header).
    pub(crate) fn one_additional(msg: &'a [u8], at: usize) -> Self {
        let mut records = Records::new(msg);
        records.pos = at;
        records.left = [0, 0, 1];
        records.section = 2;
        records.skip = 0;
        records
    }

    /// Where the next record starts (after the last: the end of the last record).
    pub fn offset(&self) -> usize {
        self.pos
    }

    fn skip_questions(&mut self) -> Result<()> {
        let mut questions = Questions { msg: self.msg, pos: self.pos, left: self.skip };
        self.skip = 0;
        for q in &mut questions {
            q?;
        }
        self.pos = questions.pos;
        Ok(())
    }

    #[inline(always)]
    fn parse_one(&mut self, section: Section) -> Result<Record<'a>> {
        let msg = self.msg;
        let at = self.pos;
        if at >= msg.len() {
            return Err(Error::truncated(section.name(), at, at + 11, msg.len()));
        }
        let (name, end) = Name::parse(msg, at, "name")?;
        if end + 10 > msg.len() {
            return Err(Error::truncated("rr header", end, end + 10, msg.len()));
        }
        let rtype = Type(read_u16(msg, end));
        let class = Class(read_u16(msg, end + 2));
        let ttl = read_u32(msg, end + 4);
        let rdlen = usize::from(read_u16(msg, end + 8));
        let start = end + 10;
        if start + rdlen > msg.len() {
            return Err(Error::truncated("rdata", start, start + rdlen, msg.len()));
        }
        // Addresses are most of what resolvers read: decode them here, in line; every
        // other type (and an address of the wrong length, for its error) goes through
        // RData::parse.
        let rdata = match (rtype, rdlen) {
            (Type::A, 4) => RData::A(Ipv4Addr::from(read_array::<4>(msg, start))),
            (Type::AAAA, 16) => RData::Aaaa(Ipv6Addr::from(read_array::<16>(msg, start))),
            // RFC 2136 §2.4, §2.5: in an update, class ANY or NONE with no RDATA
            // names an RRset (or every RRset of a name) to test for or delete.
            (_, 0) if self.update && rdata_may_be_empty(rtype, class) => RData::Empty(rtype),
            _ => RData::parse(msg, start, rdlen, rtype)?,
        };
        self.pos = start + rdlen;
        Ok(Record { name, rtype, class, ttl, rdata, section, offset: at })
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>>;

    // Inlined whole, so a 144-byte record is built where the caller keeps it
    // instead of being copied out through each layer of Option and Result.
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.skip != 0 {
            if let Err(e) = self.skip_questions() {
                self.section = 3;
                return Some(Err(e));
            }
        }
        loop {
            let section = match self.section {
                0 => Section::Answer,
                1 => Section::Authority,
                2 => Section::Additional,
                _ => return None,
            };
            let left = self.left.get_mut(usize::from(self.section))?;
            if *left == 0 {
                self.section += 1;
                continue;
            }
            *left -= 1;
            let record = self.parse_one(section);
            if record.is_err() {
                self.section = 3;
            }
            return Some(record);
        }
    }
}

/// Whether a record of `rtype` and `class` with RDLENGTH 0 in an UPDATE is the
/// RRset-wide form of RFC 2136 §2.4 and §2.5 (OPT's class field is a size).
pub(crate) fn rdata_may_be_empty(rtype: Type, class: Class) -> bool {
    rtype != Type::OPT && (class == Class::ANY || class == Class::NONE)
}
