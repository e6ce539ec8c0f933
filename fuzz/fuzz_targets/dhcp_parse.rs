#![no_main]
//! Raw bytes into the DHCP view, every options iterator and the repr: never
//! panics; a parsed repr re-emits to the same bytes, which parse to the same repr.
//! The same bytes through the BOOTP constructor: every getter in bounds, no
//! options without the magic cookie.

use libfuzzer_sys::fuzz_target;
use wirestate_dhcp::{DhcpOption, Message, Options, RawOptions, Repr};

fn walk(o: &DhcpOption<'_>) {
    match o {
        DhcpOption::Router(a) | DhcpOption::DomainNameServer(a) | DhcpOption::NtpServers(a) => {
            let _ = a.iter().count();
        }
        DhcpOption::RelayAgentInformation(s) => {
            let _ = s.iter().count();
        }
        DhcpOption::DomainSearch(s) => {
            let _ = s.iter().map(|n| n.labels().count()).sum::<usize>();
        }
        DhcpOption::ClasslessStaticRoute(r) => {
            let _ = r.iter().count();
        }
        DhcpOption::Long(c) => {
            let joined = c.to_vec();
            assert_eq!(joined.len(), c.len());
            if let Ok(inner) = c.decode(&joined) {
                walk(&inner);
            }
        }
        _ => {}
    }
}

/// The lax (BOOTP, RFC 951) view: every getter, and the options only with a cookie.
fn bootp(data: &[u8]) {
    let Ok(m) = Message::new_checked_bootp(data) else { return };
    let _ = (m.op(), m.htype(), m.hlen(), m.hops(), m.xid(), m.secs(), m.flags(), m.broadcast());
    let _ = (m.ciaddr(), m.yiaddr(), m.siaddr(), m.giaddr());
    let _ = (m.chaddr(), m.client_hw_addr(), m.sname(), m.file(), m.header_len());
    assert_eq!(m.vendor_area().len(), data.len() - 236);
    let cookie = m.has_magic_cookie();
    assert_eq!(Message::new_checked(data).is_ok(), cookie);
    let missing = m.end_option_missing();
    let mut options = m.options();
    let mut n = 0;
    for o in options.by_ref() {
        let Ok(o) = o else { return };
        walk(&o);
        n += 1;
    }
    assert_eq!(options.end_missing(), missing);
    if !cookie {
        assert!(n == 0 && !missing && m.payload().is_empty());
        assert!(Repr::parse(&m).is_err());
    }
}

fuzz_target!(|data: &[u8]| {
    bootp(data);
    let Ok(msg) = Message::new_checked(data) else { return };
    let _ = RawOptions::new(data).count();
    for o in Options::new(data).flatten() {
        walk(&o);
    }
    let Ok(repr) = Repr::parse(&msg) else { return };
    let mut buf = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut buf[..]));
    assert_eq!(buf, data);
    let back = Message::new_checked(&buf[..]).expect("emitted header is valid");
    assert_eq!(Repr::parse(&back).expect("emitted message parses"), repr);
});
