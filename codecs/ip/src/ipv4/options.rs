//! IPv4 options (RFC 791 §3.1, RFC 2113) and their walk.

use core::iter::FusedIterator;
use core::net::Ipv4Addr;
use core::slice::ChunksExact;

use wirestate_wire::bytes::{read_u16, write_u16};
use wirestate_wire::{Error, Result};

use super::field;

/// The option type octets this crate decodes (IANA "IP Option Numbers").
pub mod option_kind {
    /// End of option list (RFC 791 §3.1).
    pub const END_OF_LIST: u8 = 0;
    /// No operation (RFC 791 §3.1).
    pub const NO_OPERATION: u8 = 1;
    /// Record route (RFC 791 §3.1).
    pub const RECORD_ROUTE: u8 = 7;
    /// Internet timestamp (RFC 791 §3.1).
    pub const TIMESTAMP: u8 = 68;
    /// Loose source and record route (RFC 791 §3.1).
    pub const LOOSE_SOURCE_ROUTE: u8 = 131;
    /// Strict source and record route (RFC 791 §3.1).
    pub const STRICT_SOURCE_ROUTE: u8 = 137;
    /// Router alert (RFC 2113 §2.1).
    pub const ROUTER_ALERT: u8 = 148;
}

use option_kind as kind;

/// One IPv4 option, borrowing its data from the header.
///
/// ```
/// use wirestate_ip::ipv4::IpOption;
/// let ra = IpOption::RouterAlert { value: 0 };
/// assert_eq!((ra.kind(), ra.copied(), ra.buffer_len()), (148, true, 4));
/// let mut buf = [0u8; 4];
/// ra.emit(&mut buf);
/// assert_eq!(buf, [0x94, 0x04, 0x00, 0x00]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpOption<'a> {
    /// End of option list; what follows in the area is padding.
    EndOfList,
    /// No operation, used to align the next option.
    NoOperation,
    /// Record route: `pointer` (1-based, counted from the option's type octet) is
    /// where the next address goes; `data` is the route data, a whole number of
    /// 4-byte slots.
    RecordRoute {
        /// The pointer octet, at least 4.
        pointer: u8,
        /// The route data after the pointer.
        data: &'a [u8],
    },
    /// Internet timestamp.
    Timestamp {
        /// The pointer octet.
        pointer: u8,
        /// The overflow count (high nibble of the fourth octet).
        overflow: u8,
        /// The flags (low nibble of the fourth octet): 0 timestamps only, 1 with
        /// addresses, 3 prespecified addresses.
        flags: u8,
        /// The timestamp data after the fourth octet.
        data: &'a [u8],
    },
    /// Loose source and record route.
    LooseSourceRoute {
        /// The pointer octet, at least 4.
        pointer: u8,
        /// The route data after the pointer.
        data: &'a [u8],
    },
    /// Strict source and record route.
    StrictSourceRoute {
        /// The pointer octet, at least 4.
        pointer: u8,
        /// The route data after the pointer.
        data: &'a [u8],
    },
    /// Router alert (RFC 2113): routers examine the datagram; 0 means "router shall
    /// examine packet".
    RouterAlert {
        /// The two-octet value.
        value: u16,
    },
    /// Any other option, with its data after the length octet. Never `kind` 0 or 1
    /// when decoded.
    Unknown {
        /// The option type octet.
        kind: u8,
        /// The data after the length octet.
        data: &'a [u8],
    },
}

impl<'a> IpOption<'a> {
    /// The option type octet.
    pub fn kind(&self) -> u8 {
        match *self {
            IpOption::EndOfList => kind::END_OF_LIST,
            IpOption::NoOperation => kind::NO_OPERATION,
            IpOption::RecordRoute { .. } => kind::RECORD_ROUTE,
            IpOption::Timestamp { .. } => kind::TIMESTAMP,
            IpOption::LooseSourceRoute { .. } => kind::LOOSE_SOURCE_ROUTE,
            IpOption::StrictSourceRoute { .. } => kind::STRICT_SOURCE_ROUTE,
            IpOption::RouterAlert { .. } => kind::ROUTER_ALERT,
            IpOption::Unknown { kind, .. } => kind,
        }
    }

    /// The copied flag (RFC 791 §3.1): the option is copied into every fragment.
    pub fn copied(&self) -> bool {
        self.kind() & 0x80 != 0
    }

    /// The option class (two bits): 0 control, 2 debugging and measurement.
    pub fn class(&self) -> u8 {
        (self.kind() >> 5) & 0x03
    }

    /// The option number (low five bits of the type octet).
    pub fn number(&self) -> u8 {
        self.kind() & 0x1f
    }

    /// For record route and the two source routes, the addresses in every slot of the
    /// route data, filled or not (the slots before `pointer - 4` bytes are filled).
    pub fn route(&self) -> Option<Route<'a>> {
        match *self {
            IpOption::RecordRoute { data, .. }
            | IpOption::LooseSourceRoute { data, .. }
            | IpOption::StrictSourceRoute { data, .. } => Some(Route(data.chunks_exact(4))),
            _ => None,
        }
    }

    /// The bytes [`IpOption::emit`] writes: 1 for end-of-list and no-operation,
    /// otherwise the type, length and data octets.
    pub fn buffer_len(&self) -> usize {
        match *self {
            IpOption::EndOfList | IpOption::NoOperation => 1,
            IpOption::RecordRoute { data, .. }
            | IpOption::LooseSourceRoute { data, .. }
            | IpOption::StrictSourceRoute { data, .. } => 3 + data.len(),
            IpOption::Timestamp { data, .. } => 4 + data.len(),
            IpOption::RouterAlert { .. } => 4,
            IpOption::Unknown { data, .. } => 2 + data.len(),
        }
    }

    /// Writes the option into `buf[..self.buffer_len()]`.
    ///
    /// Panics if `buf` is shorter. The length octet holds `buffer_len()` truncated to
    /// eight bits: the caller keeps options within the 40-byte area.
    pub fn emit(&self, buf: &mut [u8]) {
        let len = self.buffer_len();
        debug_assert!(len <= field::MAX_OPTIONS_LEN, "an IPv4 option fits in 40 bytes");
        buf[0] = self.kind();
        match *self {
            IpOption::EndOfList | IpOption::NoOperation => {}
            IpOption::RecordRoute { pointer, data }
            | IpOption::LooseSourceRoute { pointer, data }
            | IpOption::StrictSourceRoute { pointer, data } => {
                buf[1] = len as u8;
                buf[2] = pointer;
                buf[3..len].copy_from_slice(data);
            }
            IpOption::Timestamp { pointer, overflow, flags, data } => {
                buf[1] = len as u8;
                buf[2] = pointer;
                buf[3] = (overflow << 4) | (flags & 0x0f);
                buf[4..len].copy_from_slice(data);
            }
            IpOption::RouterAlert { value } => {
                buf[1] = 4;
                write_u16(buf, 2, value);
            }
            IpOption::Unknown { data, .. } => {
                buf[1] = len as u8;
                buf[2..len].copy_from_slice(data);
            }
        }
    }
}

/// The addresses of a route option's data, one per 4-byte slot.
#[derive(Debug, Clone)]
pub struct Route<'a>(ChunksExact<'a, u8>);

impl Iterator for Route<'_> {
    type Item = Ipv4Addr;

    fn next(&mut self) -> Option<Ipv4Addr> {
        let slot = self.0.next()?;
        <[u8; 4]>::try_from(slot).ok().map(Ipv4Addr::from)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

// Every chunk of `chunks_exact(4)` converts, so the count is the chunks'.
impl ExactSizeIterator for Route<'_> {}

impl FusedIterator for Route<'_> {}

/// The options of one IPv4 header, walked in order (RFC 791 §3.1).
///
/// Yields `Result<IpOption, Error>`. The walk stops after [`IpOption::EndOfList`]
/// (the rest of the area is padding) and after the first error. Error offsets count
/// from the first byte of the IPv4 header, so the first option is at offset 20.
///
/// # Errors
/// - `Truncated` "option length": the length octet is missing, or the length runs
///   past the options area (offset: the length octet).
/// - `Malformed` "option length": a length below 2; a record/source route whose
///   length is below 3 or whose route data is not a whole number of 4-byte slots; a
///   timestamp shorter than 4; a router alert whose length is not 4.
/// - `Malformed` "option pointer": a route option's pointer below 4 (offset: the
///   pointer octet).
///
/// ```
/// use wirestate_ip::ipv4::{IpOption, Options};
/// let mut opts = Options::new(&[0x94, 0x04, 0x00, 0x00, 0x01, 0x00, 0xaa, 0xbb]);
/// assert_eq!(opts.next(), Some(Ok(IpOption::RouterAlert { value: 0 })));
/// assert_eq!(opts.next(), Some(Ok(IpOption::NoOperation)));
/// assert_eq!(opts.next(), Some(Ok(IpOption::EndOfList)));
/// assert_eq!(opts.next(), None); // 0xaa 0xbb is padding after end-of-list
///
/// let err = Options::new(&[0x01, 0x07, 0x01, 0x00]).nth(1).unwrap().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("option length", 22));
/// ```
#[derive(Debug, Clone)]
pub struct Options<'a> {
    area: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Options<'a> {
    /// Walks `area`, the options area of a header (bytes 20 to the header length).
    pub fn new(area: &'a [u8]) -> Self {
        Self { area, pos: 0, done: false }
    }

    /// Decodes the option with a length octet that starts at `self.pos`.
    fn long_option(&mut self, kind: u8) -> Result<IpOption<'a>> {
        let at = self.pos;
        let len_at = field::OPTIONS + at + 1;
        let have = field::OPTIONS + self.area.len();
        let Some(&len) = self.area.get(at + 1) else {
            return Err(Error::truncated("option length", len_at, len_at + 1, have));
        };
        let len = usize::from(len);
        if len < 2 {
            return Err(malformed_length(
                len_at,
                "RFC 791 §3.1: the length counts the type and length octets",
            ));
        }
        let Some(data) = self.area.get(at + 2..at + len) else {
            return Err(Error::truncated("option length", len_at, field::OPTIONS + at + len, have));
        };
        self.pos = at + len;
        decode(kind, data, len_at)
    }
}

fn malformed_length(offset: usize, rule: &'static str) -> Error {
    Error::Malformed { field: "option length", offset, rule }
}

/// Decodes an option from its type and the data after its length octet (at `len_at`).
fn decode(kind: u8, data: &[u8], len_at: usize) -> Result<IpOption<'_>> {
    Ok(match kind {
        kind::RECORD_ROUTE | kind::LOOSE_SOURCE_ROUTE | kind::STRICT_SOURCE_ROUTE => {
            let (pointer, data) = route_data(data, len_at)?;
            match kind {
                kind::RECORD_ROUTE => IpOption::RecordRoute { pointer, data },
                kind::LOOSE_SOURCE_ROUTE => IpOption::LooseSourceRoute { pointer, data },
                _ => IpOption::StrictSourceRoute { pointer, data },
            }
        }
        kind::TIMESTAMP => match *data {
            [pointer, oflw_flg, ref data @ ..] => IpOption::Timestamp {
                pointer,
                overflow: oflw_flg >> 4,
                flags: oflw_flg & 0x0f,
                data,
            },
            _ => {
                return Err(malformed_length(
                    len_at,
                    "RFC 791 §3.1: a timestamp is at least 4 octets",
                ))
            }
        },
        kind::ROUTER_ALERT if data.len() == 2 => IpOption::RouterAlert { value: read_u16(data, 0) },
        kind::ROUTER_ALERT => {
            return Err(malformed_length(len_at, "RFC 2113 §2.1: the router alert length is 4"))
        }
        _ => IpOption::Unknown { kind, data },
    })
}

/// Splits a route option's data into its pointer and route data, checking both.
fn route_data(data: &[u8], len_at: usize) -> Result<(u8, &[u8])> {
    let Some((&pointer, route)) = data.split_first() else {
        return Err(malformed_length(len_at, "RFC 791 §3.1: a route option holds a pointer"));
    };
    if pointer < 4 {
        return Err(Error::malformed(
            "option pointer",
            len_at + 1,
            "RFC 791 §3.1: the smallest legal value for the pointer is 4",
        ));
    }
    if route.len() % 4 != 0 {
        return Err(malformed_length(
            len_at,
            "RFC 791 §3.1: route data is composed of a series of internet addresses",
        ));
    }
    Ok((pointer, route))
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<IpOption<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let kind = *self.area.get(self.pos)?;
        let item = match kind {
            kind::END_OF_LIST => {
                self.done = true;
                Ok(IpOption::EndOfList)
            }
            kind::NO_OPERATION => {
                self.pos += 1;
                Ok(IpOption::NoOperation)
            }
            _ => self.long_option(kind),
        };
        if item.is_err() {
            self.done = true;
        }
        Some(item)
    }
}

impl FusedIterator for Options<'_> {}
