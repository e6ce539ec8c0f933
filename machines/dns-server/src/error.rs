//! What a caller can get wrong ([`CallError`]) and why a zone was refused
//! ([`ZoneError`]).

use alloc::string::String;

use wirestate_dns::{Class, Type};

/// Why a call on a [`Server`](crate::Server) was refused. Nothing changed.
///
/// A server has no failure of its own to report: whatever arrives is answered,
/// dropped or counted in [`Stats`](crate::Stats), never fatal.
///
/// ```
/// use wirestate_dns_server::CallError;
/// assert_eq!(
///     CallError::BufferTooSmall { need: 65537 }.to_string(),
///     "transmit buffer too small: need 65537 octets"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The buffer handed to `poll_transmit` is shorter than `need` octets (see
    /// `transmit_buffer_len`); nothing was written and no response was lost.
    #[error("transmit buffer too small: need {need} octets")]
    BufferTooSmall {
        /// The least buffer length `poll_transmit` accepts.
        need: usize,
    },
}

/// Why [`Zone::parse`](crate::Zone::parse) refused a master file.
///
/// Every variant but the whole-zone ones ([`NoSoa`](Self::NoSoa),
/// [`NoApexNs`](Self::NoApexNs)) names the line (counted from 1) where the
/// entry at fault starts; [`line`](Self::line) reads it.
///
/// ```
/// use wirestate_dns_server::{Zone, ZoneError};
/// let err = Zone::parse(Some("example."), "@ 300 IN SOA ns hostmaster 1 2 3 4 5\n\
///                                          @ 300 IN NS ns\n\
///                                          ns 300 IN A 192.0.2.300\n").unwrap_err();
/// assert_eq!(err.line(), Some(3));
/// assert!(matches!(err, ZoneError::Rdata { ref text, .. } if text == "192.0.2.300"));
/// assert_eq!(
///     err.to_string(),
///     "line 3: A RDATA at \"192.0.2.300\": A at offset 0: presentation form: a field is missing or malformed"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZoneError {
    /// The text breaks the master-file syntax of RFC 1035 §5.1: an unbalanced
    /// parenthesis, an unterminated quoted string, a backslash ending a line.
    #[error("line {line}: {rule}")]
    Syntax {
        /// Where it was found.
        line: usize,
        /// The rule broken.
        rule: &'static str,
    },
    /// A `$` directive that is unknown, unsupported (`$INCLUDE`: a zone is one
    /// text) or missing its argument.
    #[error("line {line}: {directive}: {rule}")]
    Directive {
        /// Where it is.
        line: usize,
        /// The directive as written.
        directive: String,
        /// What is wrong.
        rule: &'static str,
    },
    /// A record with a blank owner before any record named one (RFC 1035 §5.1:
    /// a blank owner is the previous record's).
    #[error("line {line}: a blank owner with no previous owner (RFC 1035 §5.1)")]
    NoOwner {
        /// Where the record is.
        line: usize,
    },
    /// A relative name (or `@`) with no origin: no `$ORIGIN` before it and none
    /// given to [`Zone::parse`](crate::Zone::parse).
    #[error("line {line}: relative name {name:?} with no origin (RFC 1035 §5.1)")]
    NoOrigin {
        /// Where the name is.
        line: usize,
        /// The name as written.
        name: String,
    },
    /// A name that is not one: an empty label, a label over 63 octets, a bad
    /// escape, over 255 octets once made absolute.
    #[error("line {line}: name {text:?}: {error}")]
    Name {
        /// Where the name is.
        line: usize,
        /// The name as written.
        text: String,
        /// The codec's reason.
        error: wirestate_wire::Error,
    },
    /// A TTL that is not a decimal number of seconds (or BIND's `1h30m` form)
    /// up to 2^31 - 1 (RFC 2181 §8).
    #[error("line {line}: TTL {text:?} is not a number of seconds below 2^31 (RFC 2181 §8)")]
    Ttl {
        /// Where the TTL is.
        line: usize,
        /// The TTL as written.
        text: String,
    },
    /// A record without a TTL, before any `$TTL` (RFC 2308 §4) or earlier TTL
    /// (RFC 1035 §5.1) it could default to.
    #[error("line {line}: no TTL, and no $TTL or earlier TTL to default to (RFC 2308 §4)")]
    NoTtl {
        /// Where the record is.
        line: usize,
    },
    /// The token where the record type should be is not a type (a mnemonic or
    /// `TYPEn`, RFC 3597 §5); empty when the entry ends before it.
    #[error("line {line}: {text:?} is not a record type")]
    Type {
        /// Where the record is.
        line: usize,
        /// The token.
        text: String,
    },
    /// A record of another class than the zone's (its SOA's).
    #[error("line {line}: class {class} is not the zone's class {zone}")]
    Class {
        /// Where the record is.
        line: usize,
        /// The record's class.
        class: Class,
        /// The zone's class.
        zone: Class,
    },
    /// RDATA the codec refuses; `text` is the token at fault, empty when a
    /// field is missing at the end of the entry.
    #[error("line {line}: {rtype} RDATA at {text:?}: {error}")]
    Rdata {
        /// Where the record is.
        line: usize,
        /// Its type.
        rtype: Type,
        /// The token at fault.
        text: String,
        /// The codec's reason.
        error: wirestate_wire::Error,
    },
    /// No SOA record (RFC 1035 §5.2: exactly one, at the top of the zone).
    #[error("no SOA record: a zone has exactly one, at its apex (RFC 1035 §5.2)")]
    NoSoa,
    /// A second SOA record, at the apex or elsewhere (RFC 1035 §5.2).
    #[error("line {line}: a second SOA record; a zone has exactly one (RFC 1035 §5.2)")]
    SecondSoa {
        /// Where the second one is.
        line: usize,
    },
    /// No NS record at the apex (RFC 1034 §4.2.1: the top node has NS RRs).
    #[error("no NS records at the apex {apex} (RFC 1034 §4.2.1)")]
    NoApexNs {
        /// The apex.
        apex: String,
    },
    /// A record whose owner is not at or below the apex (the SOA's owner).
    #[error("line {line}: {name} is outside the zone {apex}")]
    OutOfZone {
        /// Where the record is.
        line: usize,
        /// Its owner.
        name: String,
        /// The zone's apex.
        apex: String,
    },
    /// A CNAME beside other data, or other data beside a CNAME (RFC 1034
    /// §3.6.2, RFC 2181 §10.1; DNSSEC's RRSIG and NSEC excepted, RFC 4035
    /// §2.5), or a DNAME beside a CNAME (RFC 6672 §2.4).
    #[error("line {line}: {name} has a CNAME and other data (RFC 1034 §3.6.2)")]
    CnameAndOther {
        /// Where the record that made the conflict is.
        line: usize,
        /// The owner.
        name: String,
    },
    /// A second CNAME or DNAME record at one name (RFC 1034 §3.6.2, RFC 6672 §2.4).
    #[error("line {line}: {name} has a second {rtype} (RFC 1034 §3.6.2, RFC 6672 §2.4)")]
    Singleton {
        /// Where the second one is.
        line: usize,
        /// The owner.
        name: String,
        /// CNAME or DNAME.
        rtype: Type,
    },
    /// Data hidden by a delegation or a DNAME above it: at or below a
    /// delegation, anything but its NS, DS and glue addresses (RFC 1034
    /// §4.2.1: below a cut the zone holds only glue); below a DNAME, anything
    /// (RFC 6672 §2.4).
    #[error("line {line}: {rtype} at {name} is occluded by the delegation or DNAME at {cut} (RFC 1034 §4.2.1, RFC 6672 §2.4)")]
    Occluded {
        /// Where the record is.
        line: usize,
        /// Its owner.
        name: String,
        /// Its type.
        rtype: Type,
        /// The delegation point or DNAME owner above it.
        cut: String,
    },
}

impl ZoneError {
    /// The line (from 1) of the entry at fault; `None` for the errors of the
    /// whole zone.
    pub fn line(&self) -> Option<usize> {
        match *self {
            ZoneError::NoSoa | ZoneError::NoApexNs { .. } => None,
            ZoneError::Syntax { line, .. }
            | ZoneError::Directive { line, .. }
            | ZoneError::NoOwner { line }
            | ZoneError::NoOrigin { line, .. }
            | ZoneError::Name { line, .. }
            | ZoneError::Ttl { line, .. }
            | ZoneError::NoTtl { line }
            | ZoneError::Type { line, .. }
            | ZoneError::Class { line, .. }
            | ZoneError::Rdata { line, .. }
            | ZoneError::SecondSoa { line }
            | ZoneError::OutOfZone { line, .. }
            | ZoneError::CnameAndOther { line, .. }
            | ZoneError::Singleton { line, .. }
            | ZoneError::Occluded { line, .. } => Some(line),
        }
    }
}
