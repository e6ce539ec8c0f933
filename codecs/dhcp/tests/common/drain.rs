//! Walks everything a message offers, so tests and proptests touch every iterator.
#![allow(dead_code, reason = "shared test helper")]

use wirestate_dhcp::{DhcpOption, Message, Options, RawOptions, Repr};

/// Walks one decoded option's inner iterators; returns a count so nothing is optimised out.
pub fn walk(o: &DhcpOption<'_>) -> usize {
    match o {
        DhcpOption::Router(a) | DhcpOption::DomainNameServer(a) | DhcpOption::NtpServers(a) => {
            a.iter().count()
        }
        DhcpOption::RelayAgentInformation(s) => s.iter().map(|s| s.data.len()).sum(),
        DhcpOption::DomainSearch(s) => s.iter().map(|n| n.labels().count()).sum(),
        DhcpOption::ClasslessStaticRoute(r) => r.iter().count(),
        DhcpOption::Long(c) => {
            let mut joined = [0u8; 2048];
            let n = c.copy_to(&mut joined).unwrap_or(0);
            let frags = c.fragments().count();
            frags + c.decode(&joined[..n]).map(|o| walk(&o)).unwrap_or(0)
        }
        _ => 1,
    }
}

/// Checks the header, parses the repr and drains every iterator; the first error.
pub fn drain(bytes: &[u8]) -> Result<usize, wirestate_dhcp::Error> {
    let msg = Message::new_checked(bytes)?;
    let raw = RawOptions::new(bytes).count();
    let mut n = raw;
    for o in Options::new(bytes) {
        n += walk(&o?);
    }
    Repr::parse(&msg)?;
    Ok(n)
}

/// Every getter of a message read with the BOOTP constructor, the options walks,
/// and the laws between them: no cookie, no options; the DHCP constructor takes
/// exactly the messages with a cookie. The first error.
pub fn drain_bootp(bytes: &[u8]) -> Result<usize, wirestate_dhcp::Error> {
    let m = Message::new_checked_bootp(bytes)?;
    let fixed = (m.op(), m.htype(), m.hlen(), m.hops(), m.xid(), m.secs(), m.flags());
    let addrs = [m.ciaddr(), m.yiaddr(), m.siaddr(), m.giaddr()];
    let mut n = usize::from(fixed.0) + usize::from(m.broadcast()) + addrs.len();
    n += m.chaddr().len() + m.client_hw_addr().len() + m.sname().len() + m.file().len();
    n += m.vendor_area().len() + m.payload().len() + m.header_len();
    let cookie = m.has_magic_cookie();
    assert_eq!(Message::new_checked(bytes).is_ok(), cookie);
    assert_eq!(m.vendor_area().len(), bytes.len() - 236);
    let missing = m.end_option_missing();
    let mut options = m.options();
    for o in options.by_ref() {
        n += walk(&o?);
    }
    assert_eq!(options.end_missing(), missing);
    if !cookie {
        assert!(m.payload().is_empty() && !missing);
        assert_eq!(m.options().count() + RawOptions::new(bytes).count(), 0);
        assert_eq!(Repr::parse(&m).unwrap_err().field(), "magic cookie");
        return Ok(n);
    }
    Repr::parse(&m)?;
    Ok(n)
}
