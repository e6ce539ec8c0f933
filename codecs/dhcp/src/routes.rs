//! Classless static routes, option 121 (RFC 3442 §3).

use core::net::Ipv4Addr;

use wirestate_wire::{Error, Result};

pub(crate) const RULE_WIDTH: &str = "RFC 3442 §3: a subnet mask width is at most 32";
const RULE_SHORT: &str = "RFC 3442 §3: a route runs past the option";
pub(crate) const RULE_EMPTY: &str = "RFC 3442 §3: the option holds at least one route (5 octets)";

/// One route: destination/prefix via router (0.0.0.0 = on link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Route {
    /// The destination, bits past the prefix zero.
    pub destination: Ipv4Addr,
    /// The prefix length, 0-32.
    pub prefix_len: u8,
    /// The router.
    pub router: Ipv4Addr,
}

impl Route {
    /// Octets this route takes on the wire: width, significant octets, router.
    pub fn wire_len(&self) -> usize {
        1 + significant(self.prefix_len) + 4
    }

    /// Writes the route at the start of `out`; `None` if it does not fit or the
    /// prefix is over 32.
    pub fn write(&self, out: &mut [u8]) -> Option<usize> {
        let n = significant(self.prefix_len);
        let len = self.wire_len();
        let out = out.get_mut(..len).filter(|_| self.prefix_len <= 32)?;
        out[0] = self.prefix_len;
        out[1..1 + n].copy_from_slice(&self.destination.octets()[..n]);
        out[1 + n..].copy_from_slice(&self.router.octets());
        Some(len)
    }
}

fn significant(width: u8) -> usize {
    usize::from(width.div_ceil(8).min(4))
}

/// Classless static routes, checked: every width is at most 32 and every route is
/// complete.
///
/// ```
/// use core::net::Ipv4Addr;
/// use wirestate_dhcp::Routes;
/// // RFC 3442 §3 example: 10.17.0.0/16 via 10.0.0.1.
/// let r = Routes::new(&[16, 10, 17, 10, 0, 0, 1], 240).unwrap();
/// let route = r.iter().next().unwrap();
/// assert_eq!((route.destination, route.prefix_len), (Ipv4Addr::new(10, 17, 0, 0), 16));
/// // A width of 33 is malformed.
/// let err = Routes::new(&[33, 1, 2, 3, 4, 5, 0, 0, 0, 1], 240).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("classless static route", 242));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Routes<'a>(&'a [u8]);

impl<'a> Routes<'a> {
    /// Checks `data`, the option value; `at` is the option's offset and errors are
    /// at `at + 2 +` the offset of the bad route in the value.
    ///
    /// # Errors
    /// `Malformed` "classless static route": empty value, width over 32, or a route
    /// cut short.
    pub fn new(data: &'a [u8], at: usize) -> Result<Self> {
        const F: &str = "classless static route";
        if data.is_empty() {
            return Err(Error::malformed(F, at, RULE_EMPTY));
        }
        let mut pos = 0;
        while let Some(&width) = data.get(pos) {
            if width > 32 {
                return Err(Error::malformed(F, at + 2 + pos, RULE_WIDTH));
            }
            let next = pos + 1 + significant(width) + 4;
            if next > data.len() {
                return Err(Error::malformed(F, at + 2 + pos, RULE_SHORT));
            }
            pos = next;
        }
        Ok(Routes(data))
    }
    /// The routes, in order.
    pub fn iter(&self) -> RoutesIter<'a> {
        RoutesIter(self.0)
    }
    /// The octets on the wire.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// Iterator over [`Routes`].
#[derive(Debug, Clone)]
pub struct RoutesIter<'a>(&'a [u8]);

impl Iterator for RoutesIter<'_> {
    type Item = Route;
    fn next(&mut self) -> Option<Route> {
        let (&width, rest) = self.0.split_first()?;
        let n = significant(width);
        let (dst, rest) = rest.split_at_checked(n)?;
        let (router, rest) = rest.split_at_checked(4)?;
        self.0 = rest;
        let mut d = [0u8; 4];
        d[..n].copy_from_slice(dst);
        let mut r = [0u8; 4];
        r.copy_from_slice(router);
        Some(Route { destination: Ipv4Addr::from(d), prefix_len: width, router: Ipv4Addr::from(r) })
    }
}
