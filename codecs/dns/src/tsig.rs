//! Where a TSIG record may sit (RFC 8945 §5.1): "This TSIG record MUST be the only
//! TSIG RR in the message and MUST be the last record in the additional data
//! section."

use wirestate_wire::{Error, Result};

use crate::{Record, Section, Type};

/// RFC 8945 §5.1, for a TSIG record with records after it or outside the
/// additional section.
pub(crate) const RULE_TSIG_LAST: &str =
    "RFC 8945 §5.1: a TSIG record is the last record of the additional section";
/// RFC 8945 §5.1, for a second TSIG record.
pub(crate) const RULE_ONE_TSIG: &str = "RFC 8945 §5.1: at most one TSIG record";

/// Follows the records of a message in order, keeping the TSIG record and
/// refusing one anywhere but last.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TsigPlace<'a> {
    pub(crate) found: Option<Record<'a>>,
}

impl<'a> TsigPlace<'a> {
    /// Takes the next record of the message.
    ///
    /// # Errors
    /// `Malformed` "tsig" at a second TSIG record ([`RULE_ONE_TSIG`]); at a TSIG
    /// record outside the additional section, or at the TSIG record when another
    /// record follows it ([`RULE_TSIG_LAST`]).
    pub(crate) fn check(&mut self, record: &Record<'a>) -> Result<()> {
        if let Some(tsig) = &self.found {
            return Err(if record.rtype == Type::TSIG {
                Error::malformed("tsig", record.offset, RULE_ONE_TSIG)
            } else {
                Error::malformed("tsig", tsig.offset, RULE_TSIG_LAST)
            });
        }
        if record.rtype == Type::TSIG {
            if record.section != Section::Additional {
                return Err(Error::malformed("tsig", record.offset, RULE_TSIG_LAST));
            }
            self.found = Some(*record);
        }
        Ok(())
    }
}
