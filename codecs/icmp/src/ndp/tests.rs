//! NDP option tests; the option bytes follow RFC 4861 §4.6 field by field.

extern crate std;
use std::vec;
use std::vec::Vec;

use core::net::Ipv6Addr;

use proptest::prelude::*;

use super::*;
use crate::Error;

/// RFC 4861 §4.6.2: a prefix information option for 2001:db8::/64, on-link and
/// autonomous, valid 30 days, preferred 7 days (radvd's defaults).
const PREFIX: [u8; 32] = [
    3, 4, 64, 0xc0, 0x00, 0x27, 0x8d, 0x00, 0x00, 0x09, 0x3a, 0x80, 0, 0, 0, 0, 0x20, 0x01, 0x0d,
    0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

fn emit(option: &NdpOption<'_>) -> Vec<u8> {
    let mut buf = vec![0xa5; option.buffer_len()];
    option.emit(&mut buf);
    buf
}

#[test]
fn link_layer_address_options() {
    let bytes = [2, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02];
    let (option, len) = NdpOption::parse(&bytes).unwrap();
    assert_eq!((option, len), (NdpOption::TargetLinkAddr(&bytes[2..]), 8));
    assert_eq!(option.kind(), kind::TARGET_LINK_ADDR);
    assert_eq!(option.as_mac(), Some(wirestate_wire::MacAddr([2, 0, 0x5e, 0, 0x53, 2])));
    assert_eq!(emit(&option), bytes);
    // A 14-byte address (length 2) is kept whole, padding and all; no MAC.
    let long = [1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0];
    let (option, len) = NdpOption::parse(&long).unwrap();
    assert_eq!((option, len), (NdpOption::SourceLinkAddr(&long[2..]), 16));
    assert_eq!(option.as_mac(), None);
    assert_eq!(NdpOption::Mtu(1).as_mac(), None);
}

#[test]
fn prefix_information_option() {
    let (option, len) = NdpOption::parse(&PREFIX).unwrap();
    assert_eq!(len, 32);
    assert_eq!(
        option,
        NdpOption::PrefixInfo {
            prefix_len: 64,
            on_link: true,
            autonomous: true,
            valid_lifetime: 2_592_000,
            preferred_lifetime: 604_800,
            prefix: "2001:db8::".parse().unwrap(),
        }
    );
    assert_eq!(emit(&option), PREFIX);
    // Reserved flag bits and Reserved2 are ignored, and written as zero.
    let mut noisy = PREFIX;
    noisy[3] = 0xbf;
    noisy[12] = 0xff;
    let (option, _) = NdpOption::parse(&noisy).unwrap();
    assert!(matches!(option, NdpOption::PrefixInfo { on_link: true, autonomous: false, .. }));
    assert_eq!(emit(&option)[3], 0x80);
    assert_eq!(emit(&option)[12], 0);
}

#[test]
fn mtu_redirected_header_and_unknown_options() {
    let mtu = [5, 1, 0, 0, 0, 0, 0x05, 0xdc];
    assert_eq!(NdpOption::parse(&mtu).unwrap(), (NdpOption::Mtu(1500), 8));
    assert_eq!(emit(&NdpOption::Mtu(1500)), mtu);

    let mut redirected = [0u8; 16];
    redirected[..2].copy_from_slice(&[4, 2]);
    redirected[8] = 0x60;
    let (option, len) = NdpOption::parse(&redirected).unwrap();
    assert_eq!((option, len), (NdpOption::RedirectedHeader(&redirected[8..]), 16));
    assert_eq!(emit(&option), redirected);

    // RFC 8106 RDNSS (type 25) is not decoded here: its bytes are handed out.
    let rdnss = [
        25, 3, 0, 0, 0, 0, 0x0e, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0x35,
    ];
    let (option, len) = NdpOption::parse(&rdnss).unwrap();
    assert_eq!((option, len), (NdpOption::Unknown { kind: 25, data: &rdnss[2..] }, 24));
    assert_eq!(option.kind(), 25);
    assert_eq!(emit(&option), rdnss);
}

#[test]
fn option_errors_name_field_and_offset() {
    assert_eq!(
        NdpOption::parse(&[]),
        Err(Error::Truncated { field: "ndp option", offset: 0, need: 2, have: 0 })
    );
    assert_eq!(
        NdpOption::parse(&[1]),
        Err(Error::Truncated { field: "ndp option", offset: 0, need: 2, have: 1 })
    );
    assert_eq!(
        NdpOption::parse(&[1, 0, 0, 0, 0, 0, 0, 0]),
        Err(Error::Malformed {
            field: "option length",
            offset: 1,
            rule: "RFC 4861 §4.6: the value 0 is invalid"
        })
    );
    assert_eq!(
        NdpOption::parse(&[1, 2, 0, 0, 0, 0, 0, 0, 0, 0]),
        Err(Error::Truncated { field: "ndp option", offset: 0, need: 16, have: 10 })
    );
    let mut three_units = [0u8; 24];
    three_units.copy_from_slice(&PREFIX[..24]);
    three_units[1] = 3;
    assert_eq!(
        NdpOption::parse(&three_units),
        Err(Error::Malformed {
            field: "option length",
            offset: 1,
            rule: "RFC 4861 §4.6.2: prefix information has length 4"
        })
    );
    assert_eq!(
        NdpOption::parse(&[5, 2, 0, 0, 0, 0, 5, 0xdc, 0, 0, 0, 0, 0, 0, 0, 0]),
        Err(Error::Malformed {
            field: "option length",
            offset: 1,
            rule: "RFC 4861 §4.6.4: the MTU option has length 1"
        })
    );
}

#[test]
fn options_walk_then_stop_at_the_first_error() {
    let mut bytes = vec![1, 1, 2, 0, 0x5e, 0, 0x53, 1];
    bytes.extend_from_slice(&PREFIX);
    bytes.extend_from_slice(&[5, 0, 0, 0]);
    let mut walk = Options::with_base(&bytes, 16);
    assert!(matches!(walk.next(), Some(Ok(NdpOption::SourceLinkAddr(_)))));
    assert!(matches!(walk.next(), Some(Ok(NdpOption::PrefixInfo { prefix_len: 64, .. }))));
    assert_eq!(walk.remaining(), &[5, 0, 0, 0]);
    assert_eq!(
        walk.next(),
        Some(Err(Error::Malformed {
            field: "option length",
            offset: 16 + 40 + 1,
            rule: "RFC 4861 §4.6: the value 0 is invalid"
        }))
    );
    assert_eq!(walk.next(), None);
    assert_eq!(walk.next(), None);
    // Truncation counts are moved by the base too.
    assert_eq!(
        Options::with_base(&bytes[..12], 16).nth(1),
        Some(Err(Error::Truncated { field: "ndp option", offset: 24, need: 24 + 32, have: 28 }))
    );
    assert_eq!(Options::new(&[]).next(), None);
    assert!(Options::new(&bytes[..40]).validate().is_ok());
    assert!(Options::new(&bytes).validate().is_err());
    assert_eq!(valid_prefix(&bytes), &bytes[..40]);
    assert_eq!(valid_prefix(&bytes[..40]), &bytes[..40]);
}

#[test]
fn emit_pads_and_caps_variable_options() {
    assert_eq!(emit(&NdpOption::SourceLinkAddr(&[9, 8, 7])), [1, 1, 9, 8, 7, 0, 0, 0]);
    assert_eq!(emit(&NdpOption::Unknown { kind: 200, data: &[] }), [200, 1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(emit(&NdpOption::RedirectedHeader(&[1])).len(), 16);
    // 255 units is the most a length octet holds; data beyond is not written.
    let big = [0x11u8; 3000];
    let option = NdpOption::TargetLinkAddr(&big);
    assert_eq!(option.buffer_len(), MAX_LEN);
    let bytes = emit(&option);
    assert_eq!((bytes[1], bytes.len()), (255, MAX_LEN));
    assert_eq!(
        NdpOption::parse(&bytes).unwrap(),
        (NdpOption::TargetLinkAddr(&big[..MAX_LEN - 2]), MAX_LEN)
    );
}

/// The parts of a generated option: which variant, a unit count, data, numbers.
type Spec = (u8, usize, Vec<u8>, u32, u8, [u8; 16]);

fn option_strategy() -> impl Strategy<Value = Spec> {
    (
        0u8..6,
        0usize..4,
        proptest::collection::vec(any::<u8>(), 40),
        any::<u32>(),
        any::<u8>(),
        any::<[u8; 16]>(),
    )
}

/// An option whose data fills its units exactly (6 + 8k bytes after a 2-byte
/// header, 8k after the 8 of a redirected header), so it round-trips.
fn make(spec: &Spec) -> NdpOption<'_> {
    let (which, units, data, n, b, addr) = spec;
    let padded = &data[..6 + 8 * units];
    match which {
        0 => NdpOption::SourceLinkAddr(padded),
        1 => NdpOption::TargetLinkAddr(padded),
        2 => NdpOption::PrefixInfo {
            prefix_len: b % 129,
            on_link: n & 1 != 0,
            autonomous: n & 2 != 0,
            valid_lifetime: *n,
            preferred_lifetime: n.rotate_left(7),
            prefix: Ipv6Addr::from(*addr),
        },
        3 => NdpOption::RedirectedHeader(&data[..8 * units]),
        4 => NdpOption::Mtu(*n),
        _ => NdpOption::Unknown { kind: (*b).max(6), data: padded },
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), base in 0usize..100) {
        let mut walked = 0;
        for option in Options::with_base(&bytes, base) {
            match option {
                Ok(o) => {
                    walked += o.buffer_len().max(8);
                    let _ = (o.kind(), o.as_mac());
                }
                Err(e) => prop_assert!(e.offset() >= base + walked),
            }
        }
        prop_assert!(valid_prefix(&bytes).len() <= bytes.len());
    }

    #[test]
    fn emitted_options_walk_back(specs in proptest::collection::vec(option_strategy(), 0..6)) {
        let options: Vec<NdpOption<'_>> = specs.iter().map(make).collect();
        let mut buf = vec![0u8; options.iter().map(NdpOption::buffer_len).sum()];
        let mut at = 0;
        for o in &options {
            o.emit(&mut buf[at..]);
            at += o.buffer_len();
        }
        let walked: Result<Vec<_>, _> = Options::new(&buf).collect();
        prop_assert_eq!(walked.unwrap(), options);
    }
}
