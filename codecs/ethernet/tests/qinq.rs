//! A QinQ frame (IEEE 802.1ad S-tag outside an IEEE 802.1Q C-tag) walked by hand with
//! the views, then rebuilt from reprs.

use wirestate_ethernet::{vlan, EtherType, Frame, MacAddr, Repr};

/// A provider-bridged frame as a trunk capture shows it: S-tag TPID 0x88a8 with
/// PCP 3, VID 100; C-tag TPID 0x8100 with DEI set, VID 200; then IPv4 (the first
/// four bytes of the IPv4 header follow).
const QINQ_FRAME: [u8; 26] = [
    0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, // destination
    0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, // source
    0x88, 0xa8, // S-tag TPID
    0x60, 0x64, // PCP 3, DEI 0, VID 100
    0x81, 0x00, // C-tag TPID
    0x10, 0xc8, // PCP 0, DEI 1, VID 200
    0x08, 0x00, // IPv4
    0x45, 0x00, 0x00, 0x14, // start of the IPv4 header
];

#[test]
fn qinq_frame_walks_through_both_tags() {
    let frame = Frame::new_checked(&QINQ_FRAME[..]).unwrap();
    assert_eq!(frame.dst(), MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]));
    assert_eq!(frame.src(), MacAddr([0x02, 0x00, 0x5e, 0x10, 0x00, 0x01]));
    assert_eq!(frame.ethertype(), EtherType::QINQ);
    assert!(frame.ethertype().is_vlan_tag());

    let s_tag = vlan::Tag::new_checked(frame.payload()).unwrap();
    assert_eq!((s_tag.pcp(), s_tag.dei(), s_tag.vid()), (3, false, 100));
    assert_eq!(s_tag.ethertype(), EtherType::VLAN);
    assert!(s_tag.ethertype().is_vlan_tag());

    let c_tag = vlan::Tag::new_checked(s_tag.payload()).unwrap();
    assert_eq!((c_tag.pcp(), c_tag.dei(), c_tag.vid()), (0, true, 200));
    assert_eq!(c_tag.ethertype(), EtherType::IPV4);
    assert!(!c_tag.ethertype().is_vlan_tag());
    assert_eq!(c_tag.payload(), &[0x45, 0x00, 0x00, 0x14]);
}

#[test]
fn qinq_frame_is_rebuilt_from_reprs() {
    let eth = Repr {
        dst: MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]),
        src: MacAddr([0x02, 0x00, 0x5e, 0x10, 0x00, 0x01]),
        ethertype: EtherType::QINQ,
    };
    let s = vlan::Repr { pcp: 3, dei: false, vid: 100, ethertype: EtherType::VLAN };
    let c = vlan::Repr { pcp: 0, dei: true, vid: 200, ethertype: EtherType::IPV4 };

    let mut buf = [0u8; 26];
    let mut frame = Frame::new_unchecked(&mut buf[..]);
    eth.emit(&mut frame);
    let mut s_tag = vlan::Tag::new_unchecked(frame.payload_mut());
    s.emit(&mut s_tag);
    let mut c_tag = vlan::Tag::new_unchecked(s_tag.payload_mut());
    c.emit(&mut c_tag);
    c_tag.payload_mut().copy_from_slice(&[0x45, 0x00, 0x00, 0x14]);
    assert_eq!(buf, QINQ_FRAME);
}

#[test]
fn legacy_9100_outer_tag_is_a_vlan_tag() {
    let mut bytes = QINQ_FRAME;
    bytes[12..14].copy_from_slice(&[0x91, 0x00]);
    let frame = Frame::new_checked(&bytes[..]).unwrap();
    assert_eq!(frame.ethertype(), EtherType::QINQ_LEGACY);
    assert!(frame.ethertype().is_vlan_tag());
    assert_eq!(vlan::Tag::new_checked(frame.payload()).unwrap().vid(), 100);
}

#[test]
fn truncated_inner_tag_is_refused_at_the_tag_offset() {
    let frame = Frame::new_checked(&QINQ_FRAME[..20]).unwrap();
    let s_tag = vlan::Tag::new_checked(frame.payload()).unwrap();
    let err = vlan::Tag::new_checked(s_tag.payload()).unwrap_err();
    assert_eq!(err.field(), "vlan tag");
    // Offsets are relative to the tag's input; `at` moves them to the frame's.
    assert_eq!(err.at(18).offset(), 18);
}
