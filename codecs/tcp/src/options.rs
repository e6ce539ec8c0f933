//! TCP options (RFC 9293 §3.1–§3.2, RFC 7323, RFC 2018): one option, and the walk
//! over a header's option list.

use wirestate_wire::bytes::{read_u16, read_u32, write_u16, write_u32};
use wirestate_wire::{Error, Result};

use crate::field::OPTIONS;
use crate::SackBlocks;

/// Option kinds this crate decodes (IANA "TCP Option Kind Numbers").
pub mod kind {
    /// End of option list (RFC 9293 §3.2).
    pub const END_OF_LIST: u8 = 0;
    /// No-operation (RFC 9293 §3.2).
    pub const NO_OPERATION: u8 = 1;
    /// Maximum segment size (RFC 9293 §3.2).
    pub const MAX_SEGMENT_SIZE: u8 = 2;
    /// Window scale (RFC 7323 §2.2).
    pub const WINDOW_SCALE: u8 = 3;
    /// SACK permitted (RFC 2018 §2).
    pub const SACK_PERMITTED: u8 = 4;
    /// SACK (RFC 2018 §3).
    pub const SACK: u8 = 5;
    /// Timestamps (RFC 7323 §3.2).
    pub const TIMESTAMPS: u8 = 8;
}

/// The largest shift RFC 7323 §2.3 allows; larger values are kept as received.
pub const MAX_WINDOW_SCALE: u8 = 14;

const FIELD: &str = "option length";

/// One TCP option.
///
/// Option kinds without a decoder here come out as [`TcpOption::Unknown`] with their
/// data, never as an error: RFC 9293 §3.1 requires receivers to skip options they do
/// not implement, which the length octet allows.
///
/// A [`WindowScale`](TcpOption::WindowScale) above 14 is kept as received: RFC 7323
/// §2.3 says a receiver "MUST use 14 instead of the specified value" and should log
/// it, which is the connection's business, not the codec's.
///
/// ```
/// use wirestate_tcp::TcpOption;
/// let mut buf = [0u8; 4];
/// assert_eq!(TcpOption::MaxSegmentSize(1460).emit(&mut buf), 4);
/// assert_eq!(buf, [0x02, 0x04, 0x05, 0xb4]);
/// assert_eq!(TcpOption::MaxSegmentSize(1460).kind(), 2);
///
/// // Options come from the walk; a wrong length for the kind is an error there.
/// use wirestate_tcp::Options;
/// let err = Options::new(&[0x02, 0x03, 0x05]).next().unwrap().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("option length", 21));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// Kind 0: the end of the list; what follows is padding.
    EndOfList,
    /// Kind 1: padding between options.
    NoOperation,
    /// Kind 2: the largest segment the sender of this SYN can receive (RFC 9293 §3.2).
    MaxSegmentSize(u16),
    /// Kind 3: the shift count for the sender's window (RFC 7323 §2.2).
    WindowScale(u8),
    /// Kind 4: the sender of this SYN can receive SACK options (RFC 2018 §2).
    SackPermitted,
    /// Kind 5: blocks of data received out of order (RFC 2018 §3).
    Sack(SackBlocks<'a>),
    /// Kind 8: timestamp value and echo reply (RFC 7323 §3.2).
    Timestamps {
        /// TSval: the sender's timestamp clock.
        tsval: u32,
        /// TSecr: the TSval being echoed.
        tsecr: u32,
    },
    /// Any other kind, with the octets after its kind and length.
    Unknown {
        /// The option kind.
        kind: u8,
        /// The option's data (its length octet counts these plus 2).
        data: &'a [u8],
    },
}

impl TcpOption<'_> {
    /// The option kind octet.
    pub fn kind(&self) -> u8 {
        match *self {
            TcpOption::EndOfList => kind::END_OF_LIST,
            TcpOption::NoOperation => kind::NO_OPERATION,
            TcpOption::MaxSegmentSize(_) => kind::MAX_SEGMENT_SIZE,
            TcpOption::WindowScale(_) => kind::WINDOW_SCALE,
            TcpOption::SackPermitted => kind::SACK_PERMITTED,
            TcpOption::Sack(_) => kind::SACK,
            TcpOption::Timestamps { .. } => kind::TIMESTAMPS,
            TcpOption::Unknown { kind, .. } => kind,
        }
    }

    /// The octets [`emit`](Self::emit) writes.
    pub fn buffer_len(&self) -> usize {
        match *self {
            TcpOption::EndOfList | TcpOption::NoOperation => 1,
            TcpOption::MaxSegmentSize(_) => 4,
            TcpOption::WindowScale(_) => 3,
            TcpOption::SackPermitted => 2,
            TcpOption::Sack(blocks) => 2 + blocks.as_bytes().len(),
            TcpOption::Timestamps { .. } => 10,
            TcpOption::Unknown { data, .. } => 2usize.saturating_add(data.len()),
        }
    }

    /// Writes the option at the start of `buf` and returns its length.
    ///
    /// An [`Unknown`](TcpOption::Unknown) with more than 253 octets of data cannot be
    /// encoded (the length is one octet); its length octet saturates at 255. No TCP
    /// header has room for more than 38 octets of option data anyway.
    ///
    /// # Panics
    /// If `buf` is shorter than [`buffer_len`](Self::buffer_len) (the caller sizes it).
    pub fn emit(&self, buf: &mut [u8]) -> usize {
        let len = self.buffer_len();
        buf[0] = self.kind();
        if len > 1 {
            buf[1] = u8::try_from(len).unwrap_or(u8::MAX);
        }
        match *self {
            TcpOption::EndOfList | TcpOption::NoOperation | TcpOption::SackPermitted => {}
            TcpOption::MaxSegmentSize(mss) => write_u16(buf, 2, mss),
            TcpOption::WindowScale(shift) => buf[2] = shift,
            TcpOption::Sack(blocks) => buf[2..len].copy_from_slice(blocks.as_bytes()),
            TcpOption::Timestamps { tsval, tsecr } => {
                write_u32(buf, 2, tsval);
                write_u32(buf, 6, tsecr);
            }
            TcpOption::Unknown { data, .. } => buf[2..len].copy_from_slice(data),
        }
        len
    }
}

/// The options of one header, walked in place: an iterator of
/// `Result<TcpOption, Error>`.
///
/// The walk ends after [`TcpOption::EndOfList`] (RFC 9293 §3.1: what follows is
/// padding, not checked) or at the end of the options. After an error it yields
/// nothing more (it is fused). Errors are all `Malformed` with field
/// `"option length"` at the offset of the offending length octet, counted from the
/// start of the TCP header (the options start at byte 20, so the first option's
/// length octet is at 21):
///
/// - a kind other than 0 and 1 as the last octet: no room for its length octet;
/// - a length below 2, or one that runs past the options (the data offset);
/// - a length wrong for its kind: MSS not 4, window scale not 3, SACK-permitted not
///   2, timestamps not 10, SACK not 2 + 8n with n from 1 to 4.
///
/// ```
/// use wirestate_tcp::{Options, TcpOption};
/// // MSS 1460, then a truncated window scale (length 3, one octet left).
/// let opts = [0x02, 0x04, 0x05, 0xb4, 0x03, 0x03];
/// let mut it = Options::new(&opts);
/// assert_eq!(it.next(), Some(Ok(TcpOption::MaxSegmentSize(1460))));
/// let err = it.next().unwrap().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("option length", 25));
/// assert_eq!(it.next(), None);
/// ```
#[derive(Debug, Clone)]
pub struct Options<'a> {
    data: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Options<'a> {
    /// Walks `options`, the octets between byte 20 of a TCP header and its data
    /// offset; error offsets count from the start of that header.
    pub fn new(options: &'a [u8]) -> Self {
        Options { data: options, pos: 0, done: false }
    }

    /// The option at `self.pos` and its total length, or the error there.
    fn parse_one(&self) -> Result<(TcpOption<'a>, usize)> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        let len_at = OPTIONS.saturating_add(self.pos).saturating_add(1);
        let malformed = |rule| Error::Malformed { field: FIELD, offset: len_at, rule };
        let (&kind, after_kind) = rest.split_first().ok_or(malformed(RULE_LENGTH_OCTET))?;
        match kind {
            kind::END_OF_LIST => return Ok((TcpOption::EndOfList, 1)),
            kind::NO_OPERATION => return Ok((TcpOption::NoOperation, 1)),
            _ => {}
        }
        let &len_octet = after_kind.first().ok_or(malformed(RULE_LENGTH_OCTET))?;
        let len = usize::from(len_octet);
        if len < 2 {
            return Err(malformed(RULE_AT_LEAST_2));
        }
        let body = rest.get(..len).ok_or(malformed(RULE_WITHIN_HEADER))?;
        let data = body.get(2..).unwrap_or(&[]);
        let option = match (kind, len) {
            (kind::MAX_SEGMENT_SIZE, 4) => TcpOption::MaxSegmentSize(read_u16(body, 2)),
            (kind::MAX_SEGMENT_SIZE, _) => return Err(malformed(RULE_MSS)),
            (kind::WINDOW_SCALE, 3) => TcpOption::WindowScale(body[2]),
            (kind::WINDOW_SCALE, _) => return Err(malformed(RULE_WS)),
            (kind::SACK_PERMITTED, 2) => TcpOption::SackPermitted,
            (kind::SACK_PERMITTED, _) => return Err(malformed(RULE_SACK_PERMITTED)),
            (kind::SACK, _) => TcpOption::Sack(SackBlocks::new(data).ok_or(malformed(RULE_SACK))?),
            (kind::TIMESTAMPS, 10) => {
                TcpOption::Timestamps { tsval: read_u32(body, 2), tsecr: read_u32(body, 6) }
            }
            (kind::TIMESTAMPS, _) => return Err(malformed(RULE_TIMESTAMPS)),
            (kind, _) => TcpOption::Unknown { kind, data },
        };
        Ok((option, len))
    }
}

const RULE_LENGTH_OCTET: &str =
    "RFC 9293 §3.1: an option other than EOL and NOP has a length octet";
const RULE_AT_LEAST_2: &str = "RFC 9293 §3.1: an option's length counts its kind and length octets";
const RULE_WITHIN_HEADER: &str = "RFC 9293 §3.1: an option ends within the data offset";
const RULE_MSS: &str = "RFC 9293 §3.2: the MSS option is 4 octets";
const RULE_WS: &str = "RFC 7323 §2.2: the window scale option is 3 octets";
const RULE_SACK_PERMITTED: &str = "RFC 2018 §2: the SACK-permitted option is 2 octets";
const RULE_SACK: &str = "RFC 2018 §3: a SACK option is 2 + 8n octets, n from 1 to 4";
const RULE_TIMESTAMPS: &str = "RFC 7323 §3.2: the timestamps option is 10 octets";

impl<'a> Iterator for Options<'a> {
    type Item = Result<TcpOption<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.data.len() {
            return None;
        }
        match self.parse_one() {
            Ok((option, len)) => {
                self.pos = self.pos.saturating_add(len);
                self.done = option == TcpOption::EndOfList;
                Some(Ok(option))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for Options<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeqNumber;
    extern crate std;
    use std::vec::Vec;

    fn all(opts: &[u8]) -> Vec<Result<TcpOption<'_>>> {
        Options::new(opts).collect()
    }

    fn err_at(opts: &[u8], offset: usize, rule: &'static str) {
        let got = all(opts);
        assert_eq!(
            got.last(),
            Some(&Err(Error::malformed("option length", offset, rule))),
            "{opts:02x?}"
        );
    }

    #[test]
    fn linux_syn_options() {
        // From a Linux 6.x SYN (captured on a loopback with MTU 1500).
        let opts = [
            0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x39, 0xd2, 0x5a, 0x06, 0, 0, 0, 0,
            0x01, 0x03, 0x03, 0x0a,
        ];
        assert_eq!(
            all(&opts),
            [
                Ok(TcpOption::MaxSegmentSize(1460)),
                Ok(TcpOption::SackPermitted),
                Ok(TcpOption::Timestamps { tsval: 0x39d2_5a06, tsecr: 0 }),
                Ok(TcpOption::NoOperation),
                Ok(TcpOption::WindowScale(10)),
            ]
        );
    }

    #[test]
    fn sack_and_unknown_options() {
        let opts = [0x05, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2, 0xfd, 0x04, 0xab, 0xcd];
        let got = all(&opts);
        let Ok(TcpOption::Sack(blocks)) = got[0] else { panic!("{got:?}") };
        assert_eq!(blocks.iter().collect::<Vec<_>>(), [(SeqNumber(1), SeqNumber(2))]);
        assert_eq!(got[1], Ok(TcpOption::Unknown { kind: 0xfd, data: &[0xab, 0xcd] }));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn end_of_list_stops_the_walk() {
        // What follows EOL is padding even if it looks like options (or garbage).
        let got = all(&[0x01, 0x00, 0x02, 0x01, 0xff]);
        assert_eq!(got, [Ok(TcpOption::NoOperation), Ok(TcpOption::EndOfList)]);
        assert!(all(&[]).is_empty());
    }

    #[test]
    fn window_scale_above_14_is_kept() {
        assert_eq!(all(&[0x03, 0x03, 0xff]), [Ok(TcpOption::WindowScale(255))]);
    }

    #[test]
    fn every_length_error_names_the_length_octet() {
        // The first option's length octet is header byte 21.
        err_at(&[0x02], 21, RULE_LENGTH_OCTET);
        err_at(&[0x01, 0x01, 0xfe], 23, RULE_LENGTH_OCTET);
        err_at(&[0xfe, 0x00], 21, RULE_AT_LEAST_2);
        err_at(&[0xfe, 0x01, 0x00], 21, RULE_AT_LEAST_2);
        err_at(&[0x01, 0xfe, 0x05, 0, 0], 22, RULE_WITHIN_HEADER);
        err_at(&[0x02, 0x03, 0x05, 0xb4], 21, RULE_MSS);
        err_at(&[0x02, 0x05, 0x05, 0xb4, 0x00], 21, RULE_MSS);
        err_at(&[0x03, 0x04, 0x07, 0x00], 21, RULE_WS);
        err_at(&[0x03, 0x02], 21, RULE_WS);
        err_at(&[0x04, 0x03, 0x00], 21, RULE_SACK_PERMITTED);
        err_at(&[0x05, 0x02], 21, RULE_SACK);
        err_at(&[0x05, 0x09, 0, 0, 0, 0, 0, 0, 0], 21, RULE_SACK);
        let mut five = [0u8; 42];
        five[..2].copy_from_slice(&[0x05, 42]);
        err_at(&five, 21, RULE_SACK);
        err_at(&[0x08, 0x08, 0, 0, 0, 0, 0, 0], 21, RULE_TIMESTAMPS);
        err_at(&[0x08, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0], 21, RULE_TIMESTAMPS);
    }

    #[test]
    fn the_walk_is_fused_after_an_error() {
        let mut it = Options::new(&[0x02, 0x00, 0x01, 0x01]);
        assert!(matches!(it.next(), Some(Err(_))));
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);
    }

    #[test]
    fn emit_writes_what_parse_reads() {
        let sack = [0, 0, 0, 1, 0, 0, 0, 2];
        let options = [
            TcpOption::EndOfList,
            TcpOption::NoOperation,
            TcpOption::MaxSegmentSize(536),
            TcpOption::WindowScale(14),
            TcpOption::SackPermitted,
            TcpOption::Sack(SackBlocks::new(&sack).unwrap()),
            TcpOption::Timestamps { tsval: 1, tsecr: 0xffff_ffff },
            TcpOption::Unknown { kind: 30, data: &[1, 2, 3] },
            TcpOption::Unknown { kind: 34, data: &[] },
        ];
        for option in options {
            let mut buf = [0u8; 40];
            let n = option.emit(&mut buf);
            assert_eq!(n, option.buffer_len());
            assert_eq!(buf[0], option.kind());
            assert_eq!(Options::new(&buf[..n]).next(), Some(Ok(option)));
        }
    }

    #[test]
    fn emit_saturates_an_oversized_unknown_length() {
        let data = [0u8; 300];
        let mut buf = [0u8; 302];
        let opt = TcpOption::Unknown { kind: 99, data: &data };
        assert_eq!(opt.emit(&mut buf), 302);
        assert_eq!(buf[1], 255);
    }
}
