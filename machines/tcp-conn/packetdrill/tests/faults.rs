//! The faults packetdrill scripts found in wirestate-tcp-conn, each as a script
//! named for the RFC clause it breaks; each of these failed before its fix.
//! And the runner itself: a wrong expectation must FAIL at its line.
#![allow(clippy::unwrap_used, clippy::panic)]

use wirestate_packetdrill::{parse, run_script, Profile, ProfileName, Verdict};

/// A passive open with SACK and no timestamps, then `body`.
const SERVER: &str = "\
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460,sackOK>
+0 > S. 0:0(0) ack 1 <...>
+0 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
";

fn run(script: &str) -> Verdict {
    let parsed = parse(script).unwrap_or_else(|e| panic!("{e}"));
    let out = run_script(&parsed, &Profile::new(ProfileName::Rfc));
    match &out.verdict {
        Verdict::Pass | Verdict::Tuning => {}
        other => panic!("{other:?}: {out}"),
    }
    out.verdict
}

#[test]
fn rfc2018_section_4_first_block_holds_the_newest_segment_then_the_most_recent() {
    run(&format!(
        "{SERVER}\
+0 < . 200:300(100) ack 1 win 65535
+0 > . 1:1(0) ack 1 <nop,nop,sack 200:300>
+0 < . 400:500(100) ack 1 win 65535
+0 > . 1:1(0) ack 1 <nop,nop,sack 400:500 200:300>
+0 < . 600:700(100) ack 1 win 65535
+0 > . 1:1(0) ack 1 <nop,nop,sack 600:700 400:500 200:300>
+0 < . 300:400(100) ack 1 win 65535
+0 > . 1:1(0) ack 1 <nop,nop,sack 200:500 600:700>
"
    ));
}

#[test]
fn rfc2883_section_4_a_duplicate_is_reported_first_by_dsack() {
    run(&format!(
        "{SERVER}\
+0 < . 1:101(100) ack 1 win 65535
+0 < . 200:300(100) ack 1 win 65535
+0 > . 1:1(0) ack 101 <nop,nop,sack 200:300>
+0 < . 200:300(100) ack 1 win 65535
+0 > . 1:1(0) ack 101 <nop,nop,sack 200:300 200:300>
+0 < . 1:101(100) ack 1 win 65535
+0 > . 1:1(0) ack 101 <nop,nop,sack 1:101 200:300>
"
    ));
}

#[test]
fn rfc9293_3_10_7_3_text_on_a_syn_ack_is_delivered() {
    run("\
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0 > S 0:0(0) <...>
+0.1 < S. 0:3(3) ack 1 win 65535 <mss 1460>
+0 > . 1:1(0) ack 4
+0 read(3, ..., 100) = 3
");
}

#[test]
fn rfc9293_3_10_7_3_text_on_a_syn_in_a_simultaneous_open_is_delivered_once_established() {
    run("\
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0 > S 0:0(0) <...>
+0.1 < S 0:3(3) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <...>
+0 read(3, ..., 100) = -1 EAGAIN (Resource temporarily unavailable)
+0.1 < . 4:4(0) ack 1 win 65535
+0 read(3, ..., 100) = 3
");
}

#[test]
fn rfc5961_section_4_2_a_syn_left_of_rcv_nxt_gets_a_challenge_ack() {
    run(&format!(
        "{SERVER}\
+0.1 < S 0:0(0) win 65535 <mss 1460>
+0 > . 1:1(0) ack 1
"
    ));
}

#[test]
fn rfc7323_section_4_3_ts_recent_is_not_taken_from_a_segment_that_is_dropped() {
    // The ACK of data never sent is dropped with a challenge ACK; its far-future
    // TSval must not become TS.Recent, or the next good segment fails PAWS.
    run("\
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460,TS val 100 ecr 0>
+0 > S. 0:0(0) ack 1 <...>
+0 < . 1:1(0) ack 1 win 65535 <nop,nop,TS val 110 ecr 1>
+0 accept(3, ..., ...) = 4
+0.1 < . 1:1(0) ack 1000 win 65535 <nop,nop,TS val 2000000000 ecr 1>
+0 > . 1:1(0) ack 1 <nop,nop,TS val 1 ecr 110>
+0 < . 1:11(10) ack 1 win 65535 <nop,nop,TS val 120 ecr 1>
+0 read(4, ..., 100) = 10
");
}

#[test]
fn rfc1122_4_2_2_13_close_with_unread_data_resets() {
    run(&format!(
        "{SERVER}\
+0 < . 1:11(10) ack 1 win 65535
+0 close(4) = 0
+0 > R 1:1(0)
"
    ));
}

#[test]
fn rfc1122_4_2_2_13_data_after_close_is_answered_with_rst() {
    run(&format!(
        "{SERVER}\
+0 close(4) = 0
+0 > F. 1:1(0) ack 1
+0 < . 1:11(10) ack 2 win 65535
+0 > R 2:2(0)
"
    ));
}

#[test]
fn the_runner_fails_a_wrong_expectation_at_its_line() {
    let script = format!(
        "{SERVER}\
+0 < . 1:11(10) ack 1 win 65535
+0.5 > . 1:1(0) ack 12
"
    );
    let out = run_script(&parse(&script).unwrap(), &Profile::new(ProfileName::Rfc));
    match out.verdict {
        Verdict::Fail(d) => {
            assert_eq!(d.line, 9, "{d}");
            assert_eq!(d.field, "tcp_ack_seq");
            assert!(d.expected.contains("ack 12") && d.got.contains("ack 11"), "{d}");
        }
        other => panic!("expected FAIL, got {other:?}"),
    }
    // A segment that never comes is a FAIL too, not a hang.
    let silent = format!("{SERVER}+1 > . 1:1(0) ack 1\n");
    let out = run_script(&parse(&silent).unwrap(), &Profile::new(ProfileName::Rfc));
    assert!(matches!(out.verdict, Verdict::Fail(ref d) if d.got == "nothing sent"), "{out}");
}

#[test]
fn rfc3042_section_2_new_data_goes_out_on_the_first_two_duplicate_acks() {
    // The initial window is ten segments (RFC 6928); each of the first two
    // duplicate ACKs lets one more new segment out; the third starts fast
    // retransmit.
    let mut script = String::from(SERVER);
    script.push_str("+0 write(4, ..., 20000) = 20000\n");
    for i in 0..10u32 {
        let (a, b) = (1 + i * 1460, 1 + (i + 1) * 1460);
        script.push_str(&format!("+0 > P. {a}:{b}(1460) ack 1\n"));
    }
    script.push_str(
        "\
+0.05 < . 1:1(0) ack 1 win 65535 <nop,nop,sack 1461:2921>
+0 > P. 14601:16061(1460) ack 1
+0 < . 1:1(0) ack 1 win 65535 <nop,nop,sack 1461:4381>
+0 > P. 16061:17521(1460) ack 1
+0 < . 1:1(0) ack 1 win 65535 <nop,nop,sack 1461:5841>
+0 > P. 1:1461(1460) ack 1
",
    );
    run(&script);
    // Without it the first duplicate ACK draws nothing, and the script fails
    // at the segment limited transmit sends.
    let mut profile = Profile::new(ProfileName::Rfc);
    profile.config.limited_transmit = false;
    let out = run_script(&parse(&script).unwrap(), &profile);
    assert!(matches!(out.verdict, Verdict::Fail(ref d) if d.line == 20), "{out}");
}

#[test]
fn rfc9293_3_10_7_4_a_retransmitted_fin_in_time_wait_and_closing_is_acknowledged() {
    // TIME-WAIT: our FIN acknowledged, the peer's FIN sent again.
    run(&format!(
        "{SERVER}\
+0 close(4) = 0
+0 > F. 1:1(0) ack 1
+0.1 < F. 1:1(0) ack 2 win 65535
+0 > . 2:2(0) ack 2
+0.5 < F. 1:1(0) ack 2 win 65535
+0 > . 2:2(0) ack 2
"
    ));
    // CLOSING: both FINs crossed; the peer's comes again before it acknowledges ours.
    run(&format!(
        "{SERVER}\
+0 close(4) = 0
+0 > F. 1:1(0) ack 1
+0.1 < F. 1:1(0) ack 1 win 65535
+0 > . 2:2(0) ack 2
+0.05 < F. 1:1(0) ack 1 win 65535
+0 > . 2:2(0) ack 2
"
    ));
}
