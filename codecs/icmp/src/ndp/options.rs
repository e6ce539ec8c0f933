//! The walk over a message's neighbour discovery options.

use core::iter::FusedIterator;

use super::NdpOption;
use crate::Result;

/// The options of a neighbour discovery message, one [`NdpOption`] at a time.
///
/// Yields `Err` for the first option that does not decode, then stops (the walk
/// cannot find the next option without a good length). Error offsets count from
/// the start of the ICMPv6 message when built by
/// [`icmpv6::Packet::ndp_option_iter`](crate::icmpv6::Packet::ndp_option_iter)
/// or [`Options::with_base`], from the start of the options otherwise.
///
/// ```
/// use wirestate_icmp::ndp::{NdpOption, Options};
/// use wirestate_icmp::Error;
/// let bytes = [5, 1, 0, 0, 0, 0, 0x05, 0xdc, 1, 0];
/// let mut options = Options::new(&bytes);
/// assert_eq!(options.next(), Some(Ok(NdpOption::Mtu(1500))));
/// assert_eq!(
///     options.next(),
///     Some(Err(Error::Malformed {
///         field: "option length",
///         offset: 9,
///         rule: "RFC 4861 §4.6: the value 0 is invalid"
///     }))
/// );
/// assert_eq!(options.next(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
    done: bool,
}

impl<'a> Options<'a> {
    /// Walks `bytes`, a sequence of options; error offsets count from its start.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self::with_base(bytes, 0)
    }

    /// Walks `bytes`, which start `base` bytes into the message; error offsets
    /// count from the start of the message.
    pub fn with_base(bytes: &'a [u8], base: usize) -> Self {
        Self { bytes, pos: 0, base, done: false }
    }

    /// Walks to the end; the first error if any.
    pub fn validate(self) -> Result<()> {
        for option in self {
            option?;
        }
        Ok(())
    }

    /// The bytes not yet walked.
    pub fn remaining(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<NdpOption<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.remaining();
        if self.done || rest.is_empty() {
            self.done = true;
            return None;
        }
        match NdpOption::parse(rest) {
            Ok((option, len)) => {
                self.pos = self.pos.saturating_add(len);
                Some(Ok(option))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e.at(self.base.saturating_add(self.pos))))
            }
        }
    }
}

impl FusedIterator for Options<'_> {}

/// The longest prefix of `bytes` whose walk yields no error: how the fuzzing
/// generators turn arbitrary bytes into valid options.
#[cfg(any(test, feature = "arbitrary"))]
pub(crate) fn valid_prefix(bytes: &[u8]) -> &[u8] {
    let mut options = Options::new(bytes);
    while let Some(Ok(_)) = options.next() {}
    let end = if options.remaining().is_empty() { bytes.len() } else { options.pos };
    bytes.get(..end).unwrap_or_default()
}
