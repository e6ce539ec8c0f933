//! Properties: no input makes slicing panic or hand out a view that its own checked
//! constructor would refuse; building from reprs and slicing back is the identity.

mod common;

use arbitrary::Unstructured;
use proptest::prelude::*;
use wirestate_packet::fuzzing::{build, exercise, layers, rebuild};
use wirestate_packet::LinkType;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..160),
                                   link in 0..LinkType::ALL.len()) {
        exercise(LinkType::ALL[link], &bytes);
    }

    /// A real IP packet behind each link header, then mutated and cut: the headers
    /// are valid often enough for the walk to reach every layer above them.
    #[test]
    fn mutated_frames_of_every_link_type_never_panic(which in 0..4usize, link in 0..LinkType::ALL.len(),
                                                     at in any::<prop::sample::Index>(), value in any::<u8>(),
                                                     cut in any::<prop::sample::Index>()) {
        let real = common::hex([common::DNS_TCP, common::HTTP_GET, common::DNS_UDP6, common::ARP_REQUEST][which]);
        let ethertype = [real[12], real[13]];
        let v6 = ethertype == [0x86, 0xdd];
        let link = LinkType::ALL[link];
        let mut f = match link {
            LinkType::LinuxSll => [&[0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0][..], &ethertype].concat(),
            LinkType::LinuxSll2 => [&ethertype[..], &[0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]].concat(),
            LinkType::Null => if v6 { vec![30, 0, 0, 0] } else { vec![2, 0, 0, 0] },
            LinkType::Loop => if v6 { vec![0, 0, 0, 24] } else { vec![0, 0, 0, 2] },
            LinkType::Ppp => if v6 { vec![0xff, 0x03, 0x00, 0x57] } else { vec![0x21] },
            LinkType::Ethernet => real[..14].to_vec(),
            _ => Vec::new(),
        };
        f.extend_from_slice(&real[14..]);
        let i = at.index(f.len());
        f[i] = value;
        exercise(link, &f[..cut.index(f.len() + 1)]);
    }

    #[test]
    fn mutated_real_frames_never_panic(which in 0..common::ALL.len(), at in any::<prop::sample::Index>(),
                                       value in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let mut f = common::hex(common::ALL[which]);
        let i = at.index(f.len());
        f[i] = value;
        let end = cut.index(f.len() + 1);
        exercise(LinkType::Ethernet, &f[..end]);
    }

    #[test]
    fn common_path_agrees_with_the_walk(which in 0..3usize,
                                        edits in proptest::collection::vec((0..80usize, any::<u8>()), 1..4),
                                        cut in 0..200usize) {
        // Edits land in the headers, where the fast path's checks are; `exercise`
        // asserts that `Sliced::new` equals the general walk on every frame.
        let mut f = common::hex([common::DNS_TCP, common::HTTP_GET, common::DNS_UDP6][which]);
        for (at, value) in edits {
            let i = at % f.len();
            f[i] = value;
        }
        let end = cut.min(f.len());
        exercise(LinkType::Ethernet, &f[..end]);
        exercise(LinkType::Ethernet, &f);
    }

    #[test]
    fn built_frames_slice_back_to_the_same_bytes(seed in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut u = Unstructured::new(&seed);
        let Ok(l) = layers(&mut u) else { return Ok(()) };
        let Ok(frame) = build(&l).to_vec() else { return Ok(()) };
        // The checksum fields of a rebuilt frame are recomputed, so equality of the
        // bytes also says the builder filled every checksum correctly.
        prop_assert_eq!(rebuild(&frame, l.ethernet.is_some()), frame);
    }
}

#[test]
fn most_generated_layer_stacks_build() {
    // The round-trip property above is only as strong as the share of generated
    // stacks that build; run it here too and insist most of them do.
    let built = std::sync::atomic::AtomicUsize::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(500));
    runner
        .run(&proptest::collection::vec(any::<u8>(), 64..512), |seed| {
            let mut u = Unstructured::new(&seed);
            let Ok(l) = layers(&mut u) else { return Ok(()) };
            let Ok(frame) = build(&l).to_vec() else { return Ok(()) };
            built.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            prop_assert_eq!(rebuild(&frame, l.ethernet.is_some()), frame);
            Ok(())
        })
        .unwrap();
    let built = built.load(std::sync::atomic::Ordering::Relaxed);
    assert!(built > 300, "only {built} of 500 generated stacks built");
}

#[test]
fn common_frames_take_the_fast_path_and_others_do_not() {
    use wirestate_packet::fuzzing::takes_common_path;
    for f in [common::DNS_TCP, common::HTTP_GET, common::DNS_UDP6] {
        assert!(takes_common_path(&common::hex(f)), "{f}");
    }
    // Hop-by-hop header, ARP, ICMP, ICMPv6, a VLAN tag, a cut frame: the general walk.
    for f in [common::MLD_HBH, common::ARP_REQUEST, common::ICMP_ECHO, common::NA] {
        assert!(!takes_common_path(&common::hex(f)), "{f}");
    }
    let http = common::hex(common::HTTP_GET);
    assert!(!takes_common_path(&common::tagged(&http, &[(0x8100, 7)])));
    assert!(!takes_common_path(&http[..http.len() - 1]));
}

#[test]
fn real_frames_rebuild_byte_for_byte() {
    // Every captured frame whose reprs are canonical re-emits exactly.
    for f in common::ALL {
        let frame = common::hex(f);
        assert_eq!(rebuild(&frame, true), frame, "{f}");
    }
}
