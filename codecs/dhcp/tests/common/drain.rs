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
