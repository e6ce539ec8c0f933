//! The message view (RFC 1035 §4.1) and the header as a value.

use wirestate_wire::bytes::{need, read_u16, write_u16};
use wirestate_wire::{Error, Result};

use crate::field;
use crate::{Opcode, Opt, Questions, Rcode, Records};

/// The length of the fixed header.
pub const HEADER_LEN: usize = 12;

/// A DNS message over a byte buffer: the 12-byte header, then the sections.
///
/// [`new_checked`](Self::new_checked) proves the header is there; the sections are
/// read by the iterators [`questions`](Self::questions) and
/// [`records`](Self::records), which check each item as they reach it.
/// [`Repr::parse`](crate::Repr::parse) checks the whole message at once.
///
/// ```
/// use wirestate_dns::{Message, Opcode, Type};
/// // dig's query for www.example.test A (RD, no EDNS).
/// let bytes = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\
///               \x03www\x07example\x04test\x00\x00\x01\x00\x01";
/// let msg = Message::new_checked(&bytes[..]).unwrap();
/// assert_eq!((msg.id(), msg.qr(), msg.rd(), msg.opcode()), (0x1234, false, true, Opcode::QUERY));
/// let q = msg.questions().next().unwrap().unwrap();
/// assert_eq!((q.name.to_string().as_str(), q.qtype), ("www.example.test.", Type::A));
///
/// // Fewer than 12 bytes is not a message.
/// let err = Message::new_checked(&bytes[..5]).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("header", 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<T: AsRef<[u8]>> {
    buf: T,
}

macro_rules! flag {
    ($get:ident, $set:ident, $byte:expr, $bit:expr, $doc:literal) => {
        #[doc = $doc]
        #[inline]
        pub fn $get(&self) -> bool {
            self.byte($byte) & $bit != 0
        }
    };
}

macro_rules! set_flag {
    ($set:ident, $byte:expr, $bit:expr, $doc:literal) => {
        #[doc = $doc]
        #[inline]
        pub fn $set(&mut self, value: bool) {
            self.set_bits($byte, $bit, if value { $bit } else { 0 });
        }
    };
}

impl<T: AsRef<[u8]>> Message<T> {
    /// Wraps `buf` without checking it; getters panic on fewer than 12 bytes.
    #[inline]
    pub const fn new_unchecked(buf: T) -> Self {
        Message { buf }
    }

    /// Wraps `buf` after checking that the header is there.
    ///
    /// # Errors
    /// `Truncated` "header" at 0 for fewer than 12 bytes.
    #[inline]
    pub fn new_checked(buf: T) -> Result<Self> {
        need(buf.as_ref(), 0, HEADER_LEN, "header")?;
        Ok(Message { buf })
    }

    /// The buffer.
    pub fn into_inner(self) -> T {
        self.buf
    }

    /// The whole message.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.as_ref()
    }

    /// The header length (12).
    pub fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// The sections: everything after the header.
    pub fn payload(&self) -> &[u8] {
        self.buf.as_ref().get(HEADER_LEN..).unwrap_or(&[])
    }

    #[inline(always)]
    fn byte(&self, at: usize) -> u8 {
        self.buf.as_ref()[at]
    }

    /// ID.
    #[inline]
    pub fn id(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::ID)
    }

    /// The 16 flag bits of bytes 2 and 3 as one number.
    #[inline]
    pub fn flags(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::FLAGS_HI)
    }

    flag!(qr, set_qr, field::FLAGS_HI, field::QR, "QR: a response.");
    flag!(aa, set_aa, field::FLAGS_HI, field::AA, "AA: authoritative answer.");
    flag!(tc, set_tc, field::FLAGS_HI, field::TC, "TC: truncated.");
    flag!(rd, set_rd, field::FLAGS_HI, field::RD, "RD: recursion desired.");
    flag!(ra, set_ra, field::FLAGS_LO, field::RA, "RA: recursion available.");
    flag!(z, set_z, field::FLAGS_LO, field::Z, "Z: the reserved bit (RFC 1035 §4.1.1).");
    flag!(ad, set_ad, field::FLAGS_LO, field::AD, "AD: authentic data (RFC 4035 §3.2.3).");
    flag!(cd, set_cd, field::FLAGS_LO, field::CD, "CD: checking disabled (RFC 4035 §3.2.2).");

    /// OPCODE.
    #[inline]
    pub fn opcode(&self) -> Opcode {
        Opcode((self.byte(field::FLAGS_HI) & field::OPCODE_MASK) >> 3)
    }

    /// The 4 RCODE bits of the header; see [`rcode`](Self::rcode) for the whole code.
    #[inline]
    pub fn header_rcode(&self) -> u8 {
        self.byte(field::FLAGS_LO) & field::RCODE_MASK
    }

    /// QDCOUNT.
    #[inline]
    pub fn qdcount(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::QDCOUNT)
    }
    /// ANCOUNT.
    #[inline]
    pub fn ancount(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::ANCOUNT)
    }
    /// NSCOUNT.
    #[inline]
    pub fn nscount(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::NSCOUNT)
    }
    /// ARCOUNT.
    #[inline]
    pub fn arcount(&self) -> u16 {
        read_u16(self.buf.as_ref(), field::ARCOUNT)
    }

    /// The questions, checked one at a time.
    #[inline]
    pub fn questions(&self) -> Questions<'_> {
        Questions::new(self.buf.as_ref())
    }

    /// The answer, authority and additional records in order, checked one at a time
    /// (each [`Record`](crate::Record) says its [`Section`](crate::Section)). The
    /// questions are skipped first.
    #[inline]
    pub fn records(&self) -> Records<'_> {
        Records::new(self.buf.as_ref())
    }

    /// The OPT pseudo-record of the additional section, if any (RFC 6891 §6.1.1).
    ///
    /// # Errors
    /// Any error of the record walk; `Malformed` "opt" at the second OPT record.
    pub fn opt(&self) -> Result<Option<Opt<'_>>> {
        let mut found = None;
        for record in self.records() {
            let record = record?;
            if let Some(opt) = Opt::from_record(&record)? {
                if found.is_some() {
                    return Err(Error::malformed("opt", record.offset, crate::edns::RULE_ONE_OPT));
                }
                found = Some(opt);
            }
        }
        Ok(found)
    }

    /// The TSIG record (RFC 8945), if any: the last record of the additional
    /// section, as RFC 8945 §5.1 requires.
    ///
    /// # Errors
    /// Any error of the record walk; `Malformed` "tsig" at a second TSIG record,
    /// at a TSIG record outside the additional section, or at a TSIG record that
    /// another record follows (RFC 8945 §5.1).
    ///
    /// ```
    /// use wirestate_dns::{Message, Type};
    /// // Two additional records: a TSIG owned by the root at offset 12 (algorithm
    /// // ".", signed at 1700000000, fudge 300, no MAC, original ID 0x1234), then an
    /// // A record.
    /// let bytes = b"\0\x01\0\0\0\0\0\0\0\0\0\x02\
    ///               \0\0\xfa\0\xff\0\0\0\0\0\x11\
    ///               \0\0\0\x65\x53\xf1\0\x01\x2c\0\0\x12\x34\0\0\0\0\
    ///               \0\0\x01\0\x01\0\0\0\0\0\x04\xc0\0\x02\x01";
    /// let msg = Message::new_checked(&bytes[..]).unwrap();
    /// let err = msg.tsig().unwrap_err();
    /// assert_eq!((err.field(), err.offset()), ("tsig", 12));
    ///
    /// // Alone, it is the last record.
    /// let mut one = bytes[..40].to_vec();
    /// one[11] = 1;
    /// let msg = Message::new_checked(&one[..]).unwrap();
    /// let tsig = msg.tsig().unwrap().unwrap();
    /// assert_eq!(tsig.rtype, Type::TSIG);
    /// assert_eq!(tsig.to_string(), ". 0 ANY TSIG . 1700000000 300 0 4660 NOERROR 0");
    /// ```
    pub fn tsig(&self) -> Result<Option<crate::Record<'_>>> {
        let mut place = crate::tsig::TsigPlace::default();
        for record in self.records() {
            place.check(&record?)?;
        }
        Ok(place.found)
    }

    /// The whole 12-bit response code: the header's 4 bits and, with EDNS(0), the
    /// upper 8 bits from the OPT record (RFC 6891 §6.1.3).
    ///
    /// # Errors
    /// Those of [`opt`](Self::opt).
    pub fn rcode(&self) -> Result<Rcode> {
        let high = self.opt()?.map_or(0, |o| u16::from(o.ext_rcode));
        Ok(Rcode(high << 4 | u16::from(self.header_rcode())))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Message<T> {
    #[inline(always)]
    fn set_bits(&mut self, at: usize, mask: u8, value: u8) {
        let b = &mut self.buf.as_mut()[at];
        *b = (*b & !mask) | (value & mask);
    }

    /// Sets ID.
    pub fn set_id(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::ID, value);
    }
    set_flag!(set_qr, field::FLAGS_HI, field::QR, "Sets QR.");
    set_flag!(set_aa, field::FLAGS_HI, field::AA, "Sets AA.");
    set_flag!(set_tc, field::FLAGS_HI, field::TC, "Sets TC.");
    set_flag!(set_rd, field::FLAGS_HI, field::RD, "Sets RD.");
    set_flag!(set_ra, field::FLAGS_LO, field::RA, "Sets RA.");
    set_flag!(set_z, field::FLAGS_LO, field::Z, "Sets Z.");
    set_flag!(set_ad, field::FLAGS_LO, field::AD, "Sets AD.");
    set_flag!(set_cd, field::FLAGS_LO, field::CD, "Sets CD.");

    /// Sets OPCODE (its low 4 bits).
    pub fn set_opcode(&mut self, value: Opcode) {
        self.set_bits(field::FLAGS_HI, field::OPCODE_MASK, value.0 << 3);
    }
    /// Sets the header's 4 RCODE bits (the low 4 bits of `value`).
    pub fn set_header_rcode(&mut self, value: u8) {
        self.set_bits(field::FLAGS_LO, field::RCODE_MASK, value);
    }
    /// Sets QDCOUNT.
    pub fn set_qdcount(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::QDCOUNT, value);
    }
    /// Sets ANCOUNT.
    pub fn set_ancount(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::ANCOUNT, value);
    }
    /// Sets NSCOUNT.
    pub fn set_nscount(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::NSCOUNT, value);
    }
    /// Sets ARCOUNT.
    pub fn set_arcount(&mut self, value: u16) {
        write_u16(self.buf.as_mut(), field::ARCOUNT, value);
    }
    /// The sections, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        self.buf.as_mut().get_mut(HEADER_LEN..).unwrap_or(&mut [])
    }
}

/// The header as a value: ID and flags (the counts belong to the sections and are
/// written by the [`Builder`](crate::Builder)).
///
/// ```
/// use wirestate_dns::{Header, Message, Opcode};
/// let h = Header { id: 7, rd: true, ..Header::default() };
/// let mut buf = [0u8; 12];
/// h.emit(&mut Message::new_unchecked(&mut buf[..]));
/// assert_eq!(buf[..4], [0, 7, 1, 0]);
/// assert_eq!(Header::parse(&Message::new_checked(&buf[..]).unwrap()), h);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    /// ID.
    pub id: u16,
    /// QR: a response.
    pub qr: bool,
    /// OPCODE (4 bits).
    pub opcode: Opcode,
    /// AA.
    pub aa: bool,
    /// TC.
    pub tc: bool,
    /// RD.
    pub rd: bool,
    /// RA.
    pub ra: bool,
    /// Z (reserved; kept so a message re-emits as it came).
    pub z: bool,
    /// AD.
    pub ad: bool,
    /// CD.
    pub cd: bool,
    /// The header's 4 RCODE bits.
    pub rcode: u8,
}

impl Default for Opcode {
    fn default() -> Self {
        Opcode::QUERY
    }
}

impl Header {
    /// Reads the header fields.
    pub fn parse<T: AsRef<[u8]>>(msg: &Message<T>) -> Header {
        Header {
            id: msg.id(),
            qr: msg.qr(),
            opcode: msg.opcode(),
            aa: msg.aa(),
            tc: msg.tc(),
            rd: msg.rd(),
            ra: msg.ra(),
            z: msg.z(),
            ad: msg.ad(),
            cd: msg.cd(),
            rcode: msg.header_rcode(),
        }
    }

    /// The header length (12).
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes ID and flags (not the counts). Opcode and rcode keep their low 4 bits.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, msg: &mut Message<T>) {
        msg.set_id(self.id);
        let hi = u8::from(self.qr) << 7
            | (self.opcode.0 & 0x0f) << 3
            | u8::from(self.aa) << 2
            | u8::from(self.tc) << 1
            | u8::from(self.rd);
        let lo = u8::from(self.ra) << 7
            | u8::from(self.z) << 6
            | u8::from(self.ad) << 5
            | u8::from(self.cd) << 4
            | (self.rcode & 0x0f);
        let buf = msg.buf.as_mut();
        buf[field::FLAGS_HI] = hi;
        buf[field::FLAGS_LO] = lo;
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Header {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Header {
            id: u.arbitrary()?,
            qr: u.arbitrary()?,
            opcode: u.arbitrary()?,
            aa: u.arbitrary()?,
            tc: u.arbitrary()?,
            rd: u.arbitrary()?,
            ra: u.arbitrary()?,
            z: u.arbitrary()?,
            ad: u.arbitrary()?,
            cd: u.arbitrary()?,
            rcode: u.int_in_range(0..=15)?,
        })
    }
}
