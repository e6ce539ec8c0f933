//! The IPv6 extension-header walk (RFC 8200 §4, RFC 4302 §2).

use core::iter::FusedIterator;

use wirestate_wire::{Error, IpProtocol, Result};

use super::field::HEADER_LEN;
use super::tlv::Tlvs;
use super::typed::{Ah, Fragment, Routing};

/// The most extension headers [`ExtHeaders`] walks before refusing the packet.
///
/// RFC 8200 §4.1 recommends at most one of each kind (destination options twice),
/// seven in all; 16 leaves room for odd but legal chains while keeping any input's
/// walk short.
pub const MAX_EXT_HEADERS: usize = 16;

/// The fixed length of a fragment header (RFC 8200 §4.5).
const FRAGMENT_LEN: usize = 8;
/// The smallest AH: next header, length, reserved, SPI, sequence number (RFC 4302 §2).
const AH_MIN_LEN: usize = 12;

/// One extension header, borrowed whole from the payload.
///
/// The typed accessors return `None` for another kind of header (or, for a value
/// built by hand, too few bytes); they never panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtHeader<'a> {
    /// Which header this is (the next-header value that named it).
    pub kind: IpProtocol,
    /// The header's own next-header field.
    pub next_header: IpProtocol,
    /// Where the header starts within the IPv6 payload.
    pub offset: usize,
    /// The whole header, next-header octet included.
    pub bytes: &'a [u8],
}

impl<'a> ExtHeader<'a> {
    /// The fragment header's fields, if this is one (RFC 8200 §4.5).
    pub fn as_fragment(&self) -> Option<Fragment> {
        if self.kind != IpProtocol::IPV6_FRAG {
            return None;
        }
        Fragment::from_bytes(self.bytes)
    }

    /// The routing header's fields, if this is one (RFC 8200 §4.4).
    pub fn as_routing(&self) -> Option<Routing<'a>> {
        if self.kind != IpProtocol::IPV6_ROUTE {
            return None;
        }
        Routing::from_bytes(self.bytes)
    }

    /// The option TLVs of a hop-by-hop or destination options header (RFC 8200
    /// §4.2), padding included; their error offsets count from the IPv6 header start.
    pub fn options(&self) -> Option<Tlvs<'a>> {
        if self.kind != IpProtocol::HOP_BY_HOP && self.kind != IpProtocol::IPV6_OPTS {
            return None;
        }
        let data = self.bytes.get(2..)?;
        Some(Tlvs::new(data, HEADER_LEN + self.offset + 2))
    }

    /// The authentication header's fields, if this is one (RFC 4302 §2).
    pub fn as_ah(&self) -> Option<Ah<'a>> {
        if self.kind != IpProtocol::AH {
            return None;
        }
        Ah::from_bytes(self.bytes)
    }
}

/// The extension headers of one IPv6 payload, walked in order without allocating.
///
/// Yields `Result<ExtHeader, Error>` for each hop-by-hop (0), routing (43),
/// fragment (44), destination options (60) and AH (51) header, and ends at the first
/// other next-header value: the upper layer. ESP (50) ends the walk too (what follows
/// it is encrypted), as does no-next-header (59). After the walk,
/// [`ExtHeaders::upper_layer`] and [`ExtHeaders::upper_offset`] say where it ended.
///
/// A fragment header with a non-zero offset also ends the walk: the rest of the
/// payload is the middle of the original packet, so `upper_layer` is the fragment's
/// next header but `upper_offset` is the start of the fragment's data, not of an
/// upper-layer header ([`ExtHeaders::fragment`] tells the cases apart).
///
/// The walk is fused: it ends after the first error, and then `upper_layer` and
/// `upper_offset` name the header that failed.
///
/// # Errors
/// Offsets count from the start of the IPv6 header (payload offset + 40).
/// - `Malformed` "next_header": a next-header field names hop-by-hop anywhere but
///   directly after the fixed header (RFC 8200 §4.1); the offset is that field's.
/// - `Truncated` "ext header": a header's length octet or its length runs past the
///   payload.
/// - `Malformed` "ah length": an AH too short for its SPI and sequence number.
/// - `Malformed` "ext header": more than [`MAX_EXT_HEADERS`] headers.
///
/// ```
/// use wirestate_ip::{ipv6::ExtHeaders, IpProtocol};
/// // Destination options (PadN of 4) then UDP.
/// let payload = [17, 0, 1, 4, 0, 0, 0, 0, /* UDP header */ 0, 53, 0, 53, 0, 8, 0, 0];
/// let mut walk = ExtHeaders::new(IpProtocol::IPV6_OPTS, &payload);
/// let header = walk.next().unwrap()?;
/// assert_eq!((header.kind, header.next_header, header.offset), (IpProtocol::IPV6_OPTS, IpProtocol::UDP, 0));
/// assert!(walk.next().is_none());
/// assert_eq!((walk.upper_layer(), walk.upper_offset()), (IpProtocol::UDP, 8));
///
/// // A header whose length octet claims 16 bytes when 12 remain.
/// let short = [17, 1, 1, 4, 0, 0, 0, 0, 0, 53, 0, 53];
/// let err = ExtHeaders::new(IpProtocol::IPV6_OPTS, &short).finish().unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("ext header", 40));
/// # Ok::<(), wirestate_ip::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ExtHeaders<'a> {
    payload: &'a [u8],
    next: IpProtocol,
    offset: usize,
    /// Where the previous header started, `None` while at the fixed header.
    prev: Option<usize>,
    count: usize,
    fragment: Option<Fragment>,
    done: bool,
}

impl<'a> ExtHeaders<'a> {
    /// Walks `payload`, the IPv6 payload, whose first header is `next_header` (the
    /// fixed header's next-header field).
    pub fn new(next_header: IpProtocol, payload: &'a [u8]) -> Self {
        Self {
            payload,
            next: next_header,
            offset: 0,
            prev: None,
            count: 0,
            fragment: None,
            done: false,
        }
    }

    /// The protocol after the last extension header walked so far; after the walk,
    /// the upper layer.
    pub fn upper_layer(&self) -> IpProtocol {
        self.next
    }

    /// Where, within the payload, the header named by [`ExtHeaders::upper_layer`]
    /// starts (for a non-first fragment: where the fragment's data starts).
    pub fn upper_offset(&self) -> usize {
        self.offset
    }

    /// The fragment header walked so far, if any. A non-zero `offset` in it means
    /// the walk stopped there and the upper-layer header is in another fragment.
    pub fn fragment(&self) -> Option<Fragment> {
        self.fragment
    }

    /// Whether the walk stopped at a fragment header with a non-zero offset.
    pub fn is_later_fragment(&self) -> bool {
        self.fragment.is_some_and(|f| f.offset != 0)
    }

    /// Runs the rest of the walk and returns the upper layer and its offset.
    ///
    /// # Errors
    /// The first error of the walk.
    pub fn finish(mut self) -> Result<(IpProtocol, usize)> {
        for header in &mut self {
            header?;
        }
        Ok((self.next, self.offset))
    }

    /// An offset within the payload as an offset from the IPv6 header start.
    fn abs(at: usize) -> usize {
        HEADER_LEN.saturating_add(at)
    }

    fn truncated(&self, need: usize) -> Error {
        Error::Truncated {
            field: "ext header",
            offset: Self::abs(self.offset),
            need: Self::abs(self.offset.saturating_add(need)),
            have: Self::abs(self.payload.len()),
        }
    }

    /// The length of the header at `self.offset`, from its length octet.
    #[inline]
    fn header_len(&self) -> Result<usize> {
        if self.next == IpProtocol::IPV6_FRAG {
            return Ok(FRAGMENT_LEN);
        }
        let len = usize::from(*self.payload.get(self.offset + 1).ok_or_else(|| self.truncated(2))?);
        if self.next != IpProtocol::AH {
            // RFC 8200 §4.3: "in 8-octet units, not including the first 8 octets".
            return Ok((len + 1) * 8);
        }
        // RFC 4302 §2.2: "in 32-bit words (4-byte units), minus '2'".
        let len = (len + 2) * 4;
        if len < AH_MIN_LEN {
            return Err(Error::malformed(
                "ah length",
                Self::abs(self.offset + 1),
                "RFC 4302 §2: the header holds the SPI and sequence number",
            ));
        }
        Ok(len)
    }

    /// Takes the next header, or `None` at the upper layer.
    fn step(&mut self) -> Result<Option<ExtHeader<'a>>> {
        if !self.next.is_ipv6_extension() {
            return Ok(None);
        }
        if let (IpProtocol::HOP_BY_HOP, Some(prev)) = (self.next, self.prev) {
            return Err(Error::malformed(
                "next_header",
                Self::abs(prev),
                "RFC 8200 §4.1: hop-by-hop options only immediately after the IPv6 header",
            ));
        }
        if self.count >= MAX_EXT_HEADERS {
            return Err(Error::malformed(
                "ext header",
                Self::abs(self.offset),
                "more than 16 extension headers",
            ));
        }
        let len = self.header_len()?;
        let end = self.offset + len;
        let bytes = self.payload.get(self.offset..end).ok_or_else(|| self.truncated(len))?;
        let Some(&next) = bytes.first() else { return Ok(None) };
        let header = ExtHeader {
            kind: self.next,
            next_header: IpProtocol(next),
            offset: self.offset,
            bytes,
        };
        self.prev = Some(self.offset);
        self.offset = end;
        self.next = header.next_header;
        self.count += 1;
        if let Some(fragment) = header.as_fragment() {
            self.fragment = Some(fragment);
            // RFC 8200 §4.5: only the first fragment carries the headers that follow.
            self.done = fragment.offset != 0;
        }
        Ok(Some(header))
    }
}

impl<'a> Iterator for ExtHeaders<'a> {
    type Item = Result<ExtHeader<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(Some(header)) => Some(Ok(header)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl FusedIterator for ExtHeaders<'_> {}
