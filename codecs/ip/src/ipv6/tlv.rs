//! Options of the hop-by-hop and destination options headers (RFC 8200 §4.2).

use core::iter::FusedIterator;

use wirestate_wire::bytes::{read_u16, read_u32, write_u16, write_u32};
use wirestate_wire::{Error, Result};

/// The option types this crate decodes (IANA "Destination Options and Hop-by-Hop
/// Options").
pub mod tlv_kind {
    /// One octet of padding, no length (RFC 8200 §4.2).
    pub const PAD1: u8 = 0x00;
    /// Padding of two or more octets (RFC 8200 §4.2).
    pub const PADN: u8 = 0x01;
    /// Router alert (RFC 2711 §2.1).
    pub const ROUTER_ALERT: u8 = 0x05;
    /// Jumbo payload (RFC 2675 §2).
    pub const JUMBO: u8 = 0xc2;
}

use tlv_kind as kind;

/// What a node does with an option type it does not recognise: the two high bits of
/// the type (RFC 8200 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionAction {
    /// 00: skip over this option and continue processing the header.
    Skip,
    /// 01: discard the packet.
    Discard,
    /// 10: discard the packet and send an ICMP Parameter Problem, code 2, whether or
    /// not the destination was multicast.
    DiscardAndReport,
    /// 11: discard the packet and send an ICMP Parameter Problem, code 2, only if the
    /// destination was not multicast.
    DiscardAndReportUnlessMulticast,
}

/// The action the two high bits of option type `kind` ask for (RFC 8200 §4.2).
///
/// ```
/// use wirestate_ip::ipv6::{action, OptionAction};
/// assert_eq!(action(0x05), OptionAction::Skip); // router alert
/// assert_eq!(action(0xc2), OptionAction::DiscardAndReportUnlessMulticast); // jumbo
/// ```
pub fn action(kind: u8) -> OptionAction {
    match kind >> 6 {
        0 => OptionAction::Skip,
        1 => OptionAction::Discard,
        2 => OptionAction::DiscardAndReport,
        _ => OptionAction::DiscardAndReportUnlessMulticast,
    }
}

/// Whether option type `kind` may change en route (its third-highest bit, RFC 8200
/// §4.2); such an option counts as zeros in an AH's integrity check (RFC 4302 §3.3.3.1).
pub fn may_change(kind: u8) -> bool {
    kind & 0x20 != 0
}

/// One option of a hop-by-hop or destination options header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tlv<'a> {
    /// One octet of padding.
    Pad1,
    /// Padding whose data is `n` octets; the option occupies `n + 2`.
    PadN(u8),
    /// Router alert (RFC 2711): 0 MLD, 1 RSVP, 2 active networks.
    RouterAlert(u16),
    /// Jumbo payload length (RFC 2675).
    Jumbo(u32),
    /// Any other option, with its data after the length octet.
    Unknown {
        /// The option type.
        kind: u8,
        /// The option data.
        data: &'a [u8],
    },
}

impl Tlv<'_> {
    /// The option type octet.
    pub fn kind(&self) -> u8 {
        match *self {
            Tlv::Pad1 => kind::PAD1,
            Tlv::PadN(_) => kind::PADN,
            Tlv::RouterAlert(_) => kind::ROUTER_ALERT,
            Tlv::Jumbo(_) => kind::JUMBO,
            Tlv::Unknown { kind, .. } => kind,
        }
    }

    /// What a node that does not know this option does ([`action`] of its type).
    pub fn action(&self) -> OptionAction {
        action(self.kind())
    }

    /// The bytes [`Tlv::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        match *self {
            Tlv::Pad1 => 1,
            Tlv::PadN(n) => 2 + usize::from(n),
            Tlv::RouterAlert(_) => 4,
            Tlv::Jumbo(_) => 6,
            Tlv::Unknown { data, .. } => 2 + data.len(),
        }
    }

    /// Writes the option into `buf[..self.buffer_len()]` (PadN data as zeros).
    /// Panics if `buf` is shorter; an `Unknown` data longer than 255 has its length
    /// octet truncated.
    pub fn emit(&self, buf: &mut [u8]) {
        let len = self.buffer_len();
        buf[0] = self.kind();
        if len == 1 {
            return;
        }
        buf[1] = (len - 2) as u8;
        match *self {
            Tlv::RouterAlert(value) => write_u16(buf, 2, value),
            Tlv::Jumbo(value) => write_u32(buf, 2, value),
            Tlv::Unknown { data, .. } => buf[2..len].copy_from_slice(data),
            Tlv::Pad1 | Tlv::PadN(_) => buf[2..len].fill(0),
        }
    }
}

/// The options of one hop-by-hop or destination options header, in order
/// (RFC 8200 §4.2), padding included.
///
/// Yields `Result<Tlv, Error>` and ends at the end of the data or after the first
/// error. Error offsets are `base` plus the position in the data: from
/// [`super::ExtHeader::options`] they count from the IPv6 header start.
///
/// # Errors
/// - `Truncated` "option length": the length octet is missing or the option runs
///   past the data (offset: the length octet).
/// - `Malformed` "option length": a router alert whose data is not 2 octets
///   (RFC 2711 §2.1), a jumbo payload whose data is not 4 (RFC 2675 §2).
///
/// ```
/// use wirestate_ip::ipv6::{Tlv, Tlvs};
/// // The options of an MLD report's hop-by-hop header.
/// let mut tlvs = Tlvs::new(&[0x05, 0x02, 0x00, 0x00, 0x01, 0x00], 0);
/// assert_eq!(tlvs.next(), Some(Ok(Tlv::RouterAlert(0))));
/// assert_eq!(tlvs.next(), Some(Ok(Tlv::PadN(0))));
/// assert_eq!(tlvs.next(), None);
///
/// let err = Tlvs::new(&[0x05, 0x03, 0x00, 0x00, 0x00], 42).next().unwrap().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("option length", 43));
/// ```
#[derive(Debug, Clone)]
pub struct Tlvs<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    done: bool,
}

impl<'a> Tlvs<'a> {
    /// Walks `data`, the option area after a header's first two octets; `base` is
    /// the offset of `data[0]` that errors report.
    pub fn new(data: &'a [u8], base: usize) -> Self {
        Self { data, pos: 0, base, done: false }
    }

    /// Decodes the option with a length octet that starts at `self.pos`.
    fn long_option(&mut self, kind: u8) -> Result<Tlv<'a>> {
        let at = self.pos;
        let len_at = self.base.saturating_add(at + 1);
        let have = self.base.saturating_add(self.data.len());
        let Some(&n) = self.data.get(at + 1) else {
            return Err(Error::truncated("option length", len_at, len_at + 1, have));
        };
        let end = at + 2 + usize::from(n);
        let Some(data) = self.data.get(at + 2..end) else {
            return Err(Error::truncated(
                "option length",
                len_at,
                self.base.saturating_add(end),
                have,
            ));
        };
        self.pos = end;
        let malformed = |rule| Error::Malformed { field: "option length", offset: len_at, rule };
        Ok(match kind {
            kind::PADN => Tlv::PadN(n),
            kind::ROUTER_ALERT if n == 2 => Tlv::RouterAlert(read_u16(data, 0)),
            kind::ROUTER_ALERT => {
                return Err(malformed("RFC 2711 §2.1: the router alert length is 2"))
            }
            kind::JUMBO if n == 4 => Tlv::Jumbo(read_u32(data, 0)),
            kind::JUMBO => return Err(malformed("RFC 2675 §2: the jumbo payload length is 4")),
            _ => Tlv::Unknown { kind, data },
        })
    }
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<Tlv<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let kind = *self.data.get(self.pos)?;
        if kind == kind::PAD1 {
            self.pos += 1;
            return Some(Ok(Tlv::Pad1));
        }
        let item = self.long_option(kind);
        if item.is_err() {
            self.done = true;
        }
        Some(item)
    }
}

impl FusedIterator for Tlvs<'_> {}
