//! The whole message checked at once, as a value over the bytes.

use wirestate_wire::{Error, Result};

use crate::message::HEADER_LEN;
use crate::tsig::TsigPlace;
use crate::{Builder, Header, Message, Opt, Questions, Rcode, Record, Records};

/// A message whose every question and record has been checked: the header, the
/// OPT record and the 12-bit rcode, and iterators over the sections that can no
/// longer fail (they yield `Ok` only).
///
/// `==` compares the header and the questions and records one by one (names
/// ignoring case, RDATA field by field), not the bytes: a message and its
/// re-emission through the [`Builder`] compare equal however each compresses.
///
/// ```
/// use wirestate_dns::{Message, Repr, Rcode};
/// let bytes = b"\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\
///               \x03www\x07example\x00\x00\x01\x00\x01\
///               \xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01";
/// let msg = Message::new_checked(&bytes[..]).unwrap();
/// let repr = Repr::parse(&msg).unwrap();
/// assert_eq!(repr.rcode(), Rcode::NOERROR);
/// let answer = repr.records().next().unwrap().unwrap();
/// assert_eq!(answer.to_string(), "www.example. 300 IN A 192.0.2.1");
///
/// // A byte after the last record is refused.
/// let mut long = bytes.to_vec();
/// long.push(0);
/// let err = Repr::parse(&Message::new_checked(&long[..]).unwrap()).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("message", bytes.len()));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Repr<'a> {
    /// The header fields.
    pub header: Header,
    /// The OPT record's fields, if there is one.
    pub opt: Option<Opt<'a>>,
    msg: &'a [u8],
    /// Where the TSIG record starts (kept small: `Repr` is returned by value).
    tsig_at: Option<usize>,
    questions_end: usize,
    uncompressed_len: usize,
}

const RULE_TRAILING: &str = "RFC 1035 §4.1: no octets after the last record";

impl<'a> Repr<'a> {
    /// Checks every question and record of `msg`.
    ///
    /// # Errors
    /// Those of [`Questions`] and [`Records`]; those of [`Message::opt`] (a second
    /// OPT, an OPT not owned by the root or outside the additional section); those
    /// of [`Message::tsig`] (`Malformed` "tsig" for a TSIG record anywhere but
    /// last in the additional section, RFC 8945 §5.1); and `Malformed` "message"
    /// at the first octet after the last record.
    pub fn parse<T: AsRef<[u8]>>(msg: &'a Message<T>) -> Result<Self> {
        let bytes = msg.as_bytes();
        let mut len = HEADER_LEN;
        let mut questions = Questions::new(bytes);
        for q in &mut questions {
            len += q?.name.wire_len() + 4;
        }
        let questions_end = questions.offset();
        let mut records = Records::after(&questions);
        let mut opt = None;
        let mut tsig = TsigPlace::default();
        for record in &mut records {
            let record = record?;
            tsig.check(&record)?;
            len += record.name.wire_len() + 10 + record.rdata.wire_len();
            if let Some(o) = Opt::from_record(&record)? {
                if opt.is_some() {
                    return Err(Error::malformed("opt", record.offset, crate::edns::RULE_ONE_OPT));
                }
                opt = Some(o);
            }
        }
        if records.offset() != bytes.len() {
            return Err(Error::malformed("message", records.offset(), RULE_TRAILING));
        }
        let header = Header::parse(msg);
        let tsig_at = tsig.found.map(|r| r.offset);
        Ok(Repr { header, opt, msg: bytes, tsig_at, questions_end, uncompressed_len: len })
    }

    /// The questions.
    pub fn questions(&self) -> Questions<'a> {
        Questions::new(self.msg)
    }

    /// The records of the three sections, in order.
    pub fn records(&self) -> Records<'a> {
        let mut questions = Questions::new(self.msg);
        questions.by_ref().for_each(drop);
        debug_assert_eq!(questions.offset(), self.questions_end);
        Records::after(&questions)
    }

    /// The TSIG record (RFC 8945), the last of the message, if there is one.
    pub fn tsig(&self) -> Option<Record<'a>> {
        let record = Records::one_additional(self.msg, self.tsig_at?).next()?;
        debug_assert!(record.is_ok(), "checked by parse");
        record.ok()
    }

    /// The 12-bit rcode (RFC 6891 §6.1.3).
    pub fn rcode(&self) -> Rcode {
        let high = self.opt.map_or(0, |o| u16::from(o.ext_rcode));
        Rcode(high << 4 | u16::from(self.header.rcode))
    }

    /// The message's length with no name compressed: enough for
    /// [`emit`](Self::emit) into a [`Builder`] never to run out of room.
    pub fn buffer_len(&self) -> usize {
        self.uncompressed_len
    }

    /// Pushes every question and record into `b` (started with this header),
    /// compressing names as `b` does. Returns `Ok(false)` if something was dropped.
    ///
    /// # Errors
    /// Those of [`Builder::push`] (`b` already holds later sections).
    pub fn emit(&self, b: &mut Builder<'_>) -> Result<bool> {
        let mut all = true;
        for q in self.questions().flatten() {
            all &= b.question(&q.name, q.qtype, q.qclass)?;
        }
        for r in self.records().flatten() {
            all &= b.record(r.section, &r)?;
        }
        Ok(all)
    }
}

impl PartialEq for Repr<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header
            && self.questions().eq(other.questions())
            && self.records().eq(other.records())
    }
}

impl PartialEq for Record<'_> {
    /// Compares everything but [`offset`](Record::offset).
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.rtype == other.rtype
            && self.class == other.class
            && self.ttl == other.ttl
            && self.rdata == other.rdata
            && self.section == other.section
    }
}
