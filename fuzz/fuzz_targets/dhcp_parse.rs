#![no_main]
//! Raw bytes into the DHCP view, every options iterator and the repr: never
//! panics; a parsed repr re-emits to the same bytes, which parse to the same repr.

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

fuzz_target!(|data: &[u8]| {
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
