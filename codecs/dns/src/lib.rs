//! DNS messages (RFC 1035 and successors): names with compression, records,
//! EDNS(0), a compressing builder, presentation format.
//!
//! - [`Message`]: a view over the bytes of one message: header getters and setters,
//!   [`Questions`] and [`Records`] walked in place, [`Message::opt`] and the 12-bit
//!   [`Message::rcode`]. [`Repr`] checks a whole message at once.
//! - [`Name`]: a name read in place, following compression pointers strictly
//!   backwards (RFC 1035 §4.1.4), at most 255 octets; case-insensitive `==`, the
//!   canonical order of RFC 4034 §6.1, presentation form with escapes.
//!   [`NameBuf`] is a name of its own, parsed from presentation form.
//! - [`RData`]: A, AAAA, NS, CNAME, DNAME, PTR, SOA, MX, TXT, HINFO, SRV, NAPTR, CAA,
//!   SVCB, HTTPS, DS, DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, OPT, TSIG, SPF, RP,
//!   AFSDB, KX, CERT, SSHFP, DHCID, TLSA, SMIMEA, CDS, CDNSKEY, OPENPGPKEY, CSYNC,
//!   ZONEMD, NID, L32, L64, LP, EUI48, EUI64, URI, AVC, and every other type as
//!   [`RData::Unknown`] (RFC 3597), under its IANA mnemonic. `Display` prints what
//!   dig prints. In an UPDATE (RFC 2136) a record of class ANY or NONE may have no
//!   RDATA: [`RData::Empty`].
//! - Whole-message rules: one OPT, in the additional section (RFC 6891 §6.1.1);
//!   one TSIG, the last record (RFC 8945 §5.1); checked by [`Repr::parse`],
//!   [`Message::opt`] and [`Message::tsig`], not by the record walk.
//! - [`Opt`], [`EdnsOption`]: EDNS(0) (RFC 6891), client subnet (RFC 7871), cookies
//!   (RFC 7873), padding (RFC 7830).
//! - [`Builder`]: writes a message into a caller's buffer, compressing names through
//!   a hash table, keeping to a size limit by whole RRsets with TC (RFC 2181 §9),
//!   optionally framed for TCP (RFC 1035 §4.2.2).
//! - With `alloc`: [`RecordBuf`], a record of its own that parses from and prints
//!   to a zone-file line (`www.example. 300 IN A 192.0.2.1`), and [`MessageBuf`],
//!   a whole message of its own.
//!
//! The contract: no input makes parsing panic, loop or allocate; every error names
//! the field and its offset from the start of the message.
//!
//! ```
//! use wirestate_dns::{Message, RData, Repr, Section};
//! // A response: www.example. A 192.0.2.1, the owner compressed to the question.
//! let bytes = b"\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\
//!               \x03www\x07example\x00\x00\x01\x00\x01\
//!               \xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01";
//! let msg = Message::new_checked(&bytes[..]).unwrap();
//! for record in msg.records() {
//!     let record = record.unwrap();
//!     assert_eq!(record.section, Section::Answer);
//!     assert_eq!(record.rdata, RData::A([192, 0, 2, 1].into()));
//!     assert_eq!(record.to_string(), "www.example. 300 IN A 192.0.2.1");
//! }
//!
//! // A pointer forward is refused, naming the field and the offset.
//! let mut bad = bytes.to_vec();
//! bad[30] = 0x30; // the answer's owner now points to offset 0x30
//! let err = Repr::parse(&Message::new_checked(&bad[..]).unwrap()).unwrap_err();
//! assert_eq!((err.field(), err.offset()), ("name", 29));
//! ```
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod builder;
mod edns;
mod encoding;
pub mod field;
mod message;
mod name;
mod name_buf;
#[cfg(feature = "alloc")]
mod owned;
mod rdata;
mod repr;
mod section;
#[cfg(feature = "alloc")]
mod text;
mod tsig;
mod types;

pub use builder::{write_name_list, Builder, MAX_MESSAGE_LEN};
pub use edns::{option_code, EdnsOption, EdnsOptions, EdnsOptionsIter, Opt};
pub use message::{Header, Message, HEADER_LEN};
pub use name::{Labels, Name, MAX_LABELS, MAX_LABEL_LEN, MAX_NAME_LEN};
pub use name_buf::NameBuf;
#[cfg(feature = "alloc")]
pub use owned::MessageBuf;
pub use rdata::{
    svc_key, CharStrings, CharStringsIter, RData, SvcParam, SvcParams, SvcParamsIter, TypeBitmaps,
    TypeBitmapsIter,
};
pub use repr::Repr;
pub use section::{Question, Questions, Record, Records, Section};
#[cfg(feature = "alloc")]
pub use text::RecordBuf;
pub use types::{Class, Opcode, Rcode, Type};
pub use wirestate_wire::{Error, Result};

#[cfg(test)]
mod tests;
