//! A whole message of its own (behind `alloc`): what the round-trip fuzz target
//! generates, and a way to keep a parsed message past its buffer.

use alloc::vec::Vec;

use wirestate_wire::Result;

use crate::{Builder, Class, Header, NameBuf, RecordBuf, Repr, Section, Type};

/// A message as owned values: the header, questions and records by section.
///
/// ```
/// use wirestate_dns::{Header, Message, MessageBuf, Repr, Section, Type, Class};
/// let mut m = MessageBuf { header: Header { id: 5, ..Header::default() }, ..MessageBuf::default() };
/// m.questions.push(("www.example.".parse().unwrap(), Type::A, Class::IN));
/// m.records.push((Section::Answer, "www.example. 60 IN A 192.0.2.1".parse().unwrap()));
/// let bytes = m.to_vec().unwrap();
/// let msg = Message::new_checked(&bytes[..]).unwrap();
/// assert_eq!(MessageBuf::from_repr(&Repr::parse(&msg).unwrap()), m);
///
/// // Records out of section order cannot be built.
/// m.records.insert(0, (Section::Additional, "a. 0 IN A 192.0.2.2".parse().unwrap()));
/// assert_eq!(m.to_vec().unwrap_err().field(), "section");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageBuf {
    /// The header (counts are derived from the lists).
    pub header: Header,
    /// QNAME, QTYPE, QCLASS of each question.
    pub questions: Vec<(NameBuf, Type, Class)>,
    /// The records with their sections, in section order.
    pub records: Vec<(Section, RecordBuf)>,
}

impl MessageBuf {
    /// Copies a checked message.
    pub fn from_repr(repr: &Repr<'_>) -> Self {
        MessageBuf {
            header: repr.header,
            questions: repr
                .questions()
                .flatten()
                .map(|q| (NameBuf::from_name(&q.name), q.qtype, q.qclass))
                .collect(),
            records: repr
                .records()
                .flatten()
                .map(|r| (r.section, RecordBuf::from_record(&r)))
                .collect(),
        }
    }

    /// Builds the message (names compressed) into a new vector.
    ///
    /// # Errors
    /// Those of the [`Builder`]: records out of section order, or RDATA this crate
    /// does not accept for its type (`RecordBuf` fields set by hand).
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        Builder::build_vec(&self.header, crate::MAX_MESSAGE_LEN, |b| {
            for (name, qtype, qclass) in &self.questions {
                b.question(&name.as_name(), *qtype, *qclass)?;
            }
            for (section, r) in &self.records {
                b.push(*section, &r.name.as_name(), r.class, r.ttl, &r.data()?)?;
            }
            Ok(())
        })
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for RecordBuf {
    /// A name, one of the types this crate decodes (or TYPE65280), and arbitrary
    /// RDATA; RDATA that does not decode as its type is canonicalised to the
    /// unknown TYPE65280, which keeps any octets, and RDATA that does is kept in its
    /// canonical form (names uncompressed: a NAPTR replacement may arrive compressed,
    /// RFC 3597 §4, but is never sent so). OPT and TSIG are never generated (their
    /// places in a message are constrained, RFC 6891 §6.1.1, RFC 8945 §5.1).
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        const TYPES: &[u16] = &[
            1, 2, 5, 6, 12, 13, 15, 16, 17, 18, 28, 33, 35, 36, 37, 39, 43, 44, 46, 47, 48, 49, 50,
            51, 52, 53, 59, 60, 61, 62, 63, 64, 65, 99, 104, 105, 106, 107, 108, 109, 256, 257,
            258, 65280,
        ];
        let name = NameBuf::arbitrary(u)?;
        let mut rtype = Type(*u.choose(TYPES)?);
        let len = u.int_in_range(0..=64)?;
        let mut rdata: Vec<u8> = u.bytes(len)?.to_vec();
        match crate::RData::parse(&rdata, 0, rdata.len(), rtype) {
            Ok(parsed) => rdata = crate::text::rdata_bytes(&parsed),
            Err(_) => rtype = Type(65280),
        }
        Ok(RecordBuf {
            name,
            rtype,
            class: Class(u.int_in_range(1..=4)?),
            ttl: u.arbitrary()?,
            rdata,
        })
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for MessageBuf {
    /// Records sorted into section order, so every generated message builds.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let header = Header::arbitrary(u)?;
        let mut questions = Vec::new();
        for _ in 0..u.int_in_range(0..=2)? {
            questions.push((NameBuf::arbitrary(u)?, Type(u.arbitrary()?), Class(u.arbitrary()?)));
        }
        let mut records: Vec<(Section, RecordBuf)> =
            u.arbitrary_iter()?.take(12).collect::<arbitrary::Result<_>>()?;
        records.sort_by_key(|r| r.0);
        Ok(MessageBuf { header, questions, records })
    }
}
