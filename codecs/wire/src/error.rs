//! The error every wirestate codec returns.

/// A codec's result.
pub type Result<T> = core::result::Result<T, Error>;

/// Why a codec refused its input.
///
/// Every variant says which field broke which rule, at which offset. Offsets count
/// from the start of the input handed to the codec; [`Error::at`] moves them to the
/// start of an enclosing frame, which is how `wirestate-packet` reports a layer's
/// error against the whole frame.
///
/// ```
/// use wirestate_wire::Error;
/// let e = Error::Truncated { field: "tcp header", offset: 0, need: 20, have: 12 };
/// assert_eq!(e.to_string(), "tcp header at offset 0: need 20 bytes, have 12");
/// assert_eq!(e.at(34).offset(), 34);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ends before `field` does: `need` bytes of input are required,
    /// only `have` are there.
    #[error("{field} at offset {offset}: need {need} bytes, have {have}")]
    Truncated {
        /// The field that does not fit.
        field: &'static str,
        /// Where the field starts.
        offset: usize,
        /// Bytes of input needed to hold the field.
        need: usize,
        /// Bytes of input present.
        have: usize,
    },
    /// `field` holds a value its specification forbids; `rule` says which rule
    /// (and cites it).
    #[error("{field} at offset {offset}: {rule}")]
    Malformed {
        /// The offending field.
        field: &'static str,
        /// Where the field starts.
        offset: usize,
        /// The rule, e.g. "RFC 768: length is at least 8".
        rule: &'static str,
    },
    /// `field` holds a legal value this codec does not implement (for example an
    /// ARP hardware type other than Ethernet when asking for the Ethernet/IPv4 repr).
    #[error("{field} at offset {offset}: value {value} is not supported")]
    Unsupported {
        /// The field.
        field: &'static str,
        /// Where the field starts.
        offset: usize,
        /// The value found.
        value: u32,
    },
    /// A checksum does not verify; raised only by the `*_verified` parsers that ask
    /// for it (decoders report a bad checksum as a flag, not an error).
    #[error("{field} at offset {offset}: computed {computed:#06x}, found {found:#06x}")]
    Checksum {
        /// The checksum field.
        field: &'static str,
        /// Where the checksum field starts.
        offset: usize,
        /// The value the checksum should have.
        computed: u16,
        /// The value on the wire.
        found: u16,
    },
}

impl Error {
    /// [`Error::Malformed`], built out of line: codecs call this on their error
    /// paths so the checks they inline into hot code stay small.
    #[cold]
    #[inline(never)]
    pub fn malformed(field: &'static str, offset: usize, rule: &'static str) -> Self {
        Error::Malformed { field, offset, rule }
    }

    /// [`Error::Truncated`], built out of line (see [`Error::malformed`]).
    #[cold]
    #[inline(never)]
    pub fn truncated(field: &'static str, offset: usize, need: usize, have: usize) -> Self {
        Error::Truncated { field, offset, need, have }
    }

    /// [`Error::Unsupported`], built out of line (see [`Error::malformed`]).
    #[cold]
    #[inline(never)]
    pub fn unsupported(field: &'static str, offset: usize, value: u32) -> Self {
        Error::Unsupported { field, offset, value }
    }

    /// The field that broke a rule.
    pub fn field(&self) -> &'static str {
        match *self {
            Error::Truncated { field, .. }
            | Error::Malformed { field, .. }
            | Error::Unsupported { field, .. }
            | Error::Checksum { field, .. } => field,
        }
    }

    /// The offset of that field from the start of the input.
    pub fn offset(&self) -> usize {
        match *self {
            Error::Truncated { offset, .. }
            | Error::Malformed { offset, .. }
            | Error::Unsupported { offset, .. }
            | Error::Checksum { offset, .. } => offset,
        }
    }

    /// The same error seen from `base` bytes earlier: the offset (and, for
    /// [`Error::Truncated`], the byte counts) grow by `base`.
    #[must_use]
    pub fn at(self, base: usize) -> Self {
        match self {
            Error::Truncated { field, offset, need, have } => Error::Truncated {
                field,
                offset: offset.saturating_add(base),
                need: need.saturating_add(base),
                have: have.saturating_add(base),
            },
            Error::Malformed { field, offset, rule } => {
                Error::Malformed { field, offset: offset.saturating_add(base), rule }
            }
            Error::Unsupported { field, offset, value } => {
                Error::Unsupported { field, offset: offset.saturating_add(base), value }
            }
            Error::Checksum { field, offset, computed, found } => {
                Error::Checksum { field, offset: offset.saturating_add(base), computed, found }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_moves_offsets_and_counts() {
        let e = Error::Truncated { field: "x", offset: 2, need: 8, have: 4 }.at(10);
        assert_eq!(e, Error::Truncated { field: "x", offset: 12, need: 18, have: 14 });
        let e = Error::Malformed { field: "y", offset: 1, rule: "r" }.at(3);
        assert_eq!((e.field(), e.offset()), ("y", 4));
        let e = Error::Unsupported { field: "z", offset: 0, value: 6 }.at(5);
        assert_eq!(e.offset(), 5);
        let e = Error::Checksum { field: "c", offset: 10, computed: 1, found: 2 }.at(14);
        assert_eq!(e.offset(), 24);
    }

    #[test]
    fn messages_name_field_and_offset() {
        extern crate std;
        use std::string::ToString;
        let e = Error::Malformed { field: "ihl", offset: 0, rule: "RFC 791: IHL is at least 5" };
        assert_eq!(e.to_string(), "ihl at offset 0: RFC 791: IHL is at least 5");
        let e = Error::Checksum { field: "checksum", offset: 10, computed: 0xabcd, found: 0 };
        assert_eq!(e.to_string(), "checksum at offset 10: computed 0xabcd, found 0x0000");
    }
}
