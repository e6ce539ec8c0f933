//! The `wirestate` binary end to end: decode over pcap and pcapng, the text view of
//! the README's capture pinned by snapshots, filters, counts, stats, and `parse`
//! with its formats and exit statuses.

// Test helpers outside #[test] functions unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PCAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/real-traffic.pcap");
const PCAPNG: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/real-traffic.pcapng");

fn wirestate(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirestate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        // A usage error exits before reading its input: the pipe is then closed.
        match pipe.write_all(input) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn pcap_and_pcapng_decode_to_the_same_json() {
    let a = wirestate(&["decode", PCAP, "--json"], None);
    let b = wirestate(&["decode", PCAPNG, "--json"], None);
    assert!(a.status.success() && b.status.success());
    let (a, b) = (json_lines(&a), json_lines(&b));
    assert_eq!(a.len(), 91);
    assert_eq!(a, b);
    assert_eq!(a[0]["index"], 1);
    assert!(a.iter().all(|p| p["error"].is_null()));
}

fn text(args: &[&str]) -> String {
    let out = wirestate(args, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The README's first command, `wirestate decode spec-vectors/captures/real-traffic.pcap`:
/// every line of its text view, with the time of day and with the time since the
/// first packet.
#[test]
fn text_view_of_real_traffic() {
    let default = text(&["decode", PCAP]);
    assert_eq!(default.lines().count(), 91);
    insta::assert_snapshot!("real_traffic_text", default);
    insta::assert_snapshot!("real_traffic_text_rel", text(&["decode", PCAP, "--time", "rel"]));
    // pcapng holds the same packets with the same times.
    assert_eq!(text(&["decode", PCAPNG]), default);
    assert_eq!(text(&["decode", PCAP, "--time", "clock"]), default);
}

/// The other time forms change the time column only; the column itself is pinned.
#[test]
fn text_view_time_columns() {
    let default = text(&["decode", PCAP]);
    // "index time rest": the part after the time.
    let rest = |l: &str, words: usize| l.splitn(words + 2, ' ').last().unwrap().to_string();
    let rests: Vec<String> = default.lines().map(|l| rest(l, 1)).collect();
    for (form, words) in [("abs", 2), ("delta", 1), ("epoch", 1)] {
        let out = text(&["decode", PCAP, "--time", form]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.iter().map(|l| rest(l, words)).collect::<Vec<_>>(), rests, "{form}");
        let column: Vec<String> = lines
            .iter()
            .map(|l| l.splitn(words + 2, ' ').take(words + 1).collect::<Vec<_>>().join(" "))
            .collect();
        insta::assert_snapshot!(format!("real_traffic_time_{form}"), column.join("\n"));
    }
    // The JSON keeps its own `ts`: --time is for the text view.
    assert_eq!(
        wirestate(&["decode", PCAP, "--json", "--time", "rel"], None).status.code(),
        Some(2)
    );
}

#[test]
fn filter_and_count_select_packets() {
    let out = wirestate(&["decode", PCAP, "--json", "--filter", "tcp and port 80"], None);
    let packets = json_lines(&out);
    assert!(!packets.is_empty());
    for p in &packets {
        let tcp = p["layers"].as_array().unwrap().iter().find(|l| l["proto"] == "tcp").unwrap();
        assert!(tcp["src_port"] == 80 || tcp["dst_port"] == 80);
    }
    let out =
        wirestate(&["decode", PCAP, "--json", "--filter", "arp or icmp6", "--count", "3"], None);
    let packets = json_lines(&out);
    assert_eq!(packets.len(), 3);
    let bad = wirestate(&["decode", PCAP, "--filter", "tcp and"], None);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn stats_count_every_protocol() {
    let out = wirestate(&["decode", PCAP, "--stats", "--count", "0"], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("total") && text.contains("0 packets"), "{text}");
    let out = wirestate(&["decode", PCAP, "--stats"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    let tcp = text.lines().find(|l| l.starts_with("tcp ")).unwrap();
    assert!(tcp.contains(" 44 packets"), "{tcp}");
    assert!(text.lines().last().unwrap().contains("91 packets"));
}

#[test]
fn parse_prints_a_layer_or_a_typed_error() {
    let ok = wirestate(&["parse", "udp", "-", "--hex"], Some(b"9e cf 00 35 00 08 00 00"));
    assert_eq!(ok.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!((v["proto"].as_str(), v["dst_port"].as_u64()), (Some("udp"), Some(53)));

    let bad = wirestate(&["parse", "udp", "--hex"], Some(b"9ecf 0035 0007 0000"));
    assert_eq!(bad.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(v["error"]["field"], "length");
    assert_eq!(v["error"]["offset"], 4);
    assert_eq!(v["error"]["layer"], "udp");

    let raw = wirestate(&["parse", "ethernet"], Some(&[0u8; 14]));
    assert_eq!(raw.status.code(), Some(0));
    assert_eq!(wirestate(&["parse", "nosuch", "--hex"], Some(b"00")).status.code(), Some(2));
    let http = wirestate(&["parse", "http1-request"], Some(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    assert_eq!(http.status.code(), Some(0));
    assert_eq!(wirestate(&["parse", "udp", "--hex"], Some(b"abc")).status.code(), Some(2));
}

#[test]
fn unsupported_link_types_and_garbage_are_errors_not_panics() {
    let dir = std::env::temp_dir();
    let garbage = dir.join(format!("wirestate-garbage-{}.pcap", std::process::id()));
    std::fs::write(&garbage, b"this is not a capture at all").unwrap();
    let out = wirestate(&["decode", garbage.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wirestate decode"));
    // A pcap header with link type 105 (802.11).
    let mut wifi = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    wifi.extend_from_slice(&65535u32.to_le_bytes());
    wifi.extend_from_slice(&105u32.to_le_bytes());
    std::fs::write(&garbage, &wifi).unwrap();
    let out = wirestate(&["decode", garbage.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported"));
    let _ = std::fs::remove_file(&garbage);
}

/// The formats `parse --help` lists, the ones docs/decode-json.md names and the ones
/// the decoder takes are one list.
#[test]
fn parse_formats_agree_with_the_help_and_the_docs() {
    let help = text(&["parse", "--help"]);
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/decode-json.md"))
        .unwrap();
    let names = docs.split("Format names:").nth(1).unwrap();
    let formats = wirestate::decode::Format::all();
    assert_eq!(formats.len(), 15);
    for f in formats {
        let name = f.name();
        assert!(help.contains(&format!("- {name}:")), "{name} not in the help:\n{help}");
        assert!(names.contains(&format!("`{name}`")), "{name} not in docs/decode-json.md");
        assert_eq!(name.parse::<wirestate::decode::Format>().unwrap(), *f);
        let out = wirestate(&["parse", &name, "--hex"], Some(b"00"));
        assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {:?}", out.status);
    }
}

/// `decode --json` reassembles TCP streams: the 20,000-octet response of
/// spec-vectors/captures/reassembly/http.pcap is on frame 60, the segment that
/// completes it; `--no-reassembly` shows its head on frame 6, where it starts. A
/// filter that hides the requests does not hide them from reassembly: the response
/// to HEAD (frame 112, `Content-Length: 20000`, no body) is still known for one.
#[test]
fn decode_reassembles_tcp_streams_unless_told_not_to() {
    let http = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/reassembly/http.pcap");
    let http_frames = |args: &[&str]| -> Vec<(u64, Value)> {
        let out = wirestate(args, None);
        assert!(out.status.success());
        json_lines(&out)
            .iter()
            .flat_map(|p| {
                let index = p["index"].as_u64().unwrap();
                let layers = p["layers"].as_array().unwrap().clone();
                layers.into_iter().filter(|l| l["proto"] == "http").map(move |l| (index, l))
            })
            .collect()
    };
    let on = http_frames(&["decode", http, "--json"]);
    let response = on.iter().find(|(_, l)| l["kind"] == "response").unwrap();
    assert_eq!(response.0, 60);
    assert_eq!(response.1["body_len"], 20000);
    assert_eq!(response.1["reassembled"]["segments"], 39);
    assert_eq!(response.1["reassembled"]["first_frame"], 6);
    let off = http_frames(&["decode", http, "--json", "--no-reassembly"]);
    let response = off.iter().find(|(_, l)| l["kind"] == "response").unwrap();
    assert_eq!(response.0, 6);
    assert!(response.1.get("reassembled").is_none());
    let filtered = http_frames(&["decode", http, "--json", "--filter", "src port 80"]);
    let frames: Vec<u64> = filtered.iter().map(|(i, _)| *i).collect();
    assert_eq!(frames, [60, 102, 112, 130]);
    assert_eq!(filtered[2].1["body_len"], 0);
}

/// `decode --json` reassembles IP fragments: in spec-vectors/captures/lax/lax.pcap
/// the `ping -s 3000` request is in frames 10-12; frame 12 completes it and shows
/// the ICMP echo whole, frames 10 and 11 their IP header and data. With
/// `--no-reassembly` frame 10 decodes the echo header laxly and says where the
/// fragment ends; frame 12 is data. A filter on the transport keeps the frame that
/// completes a datagram: it sees the datagram too.
#[test]
fn decode_reassembles_ip_fragments_unless_told_not_to() {
    let lax = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/lax/lax.pcap");
    let protos = |p: &Value| -> Vec<String> {
        let layers = p["layers"].as_array().unwrap();
        layers.iter().map(|l| l["proto"].as_str().unwrap().to_string()).collect()
    };
    let on = json_lines(&wirestate(&["decode", lax, "--json"], None));
    assert_eq!(protos(&on[9]), ["ethernet", "ipv4", "payload"]);
    assert!(on[9]["error"].is_null() && on[10]["error"].is_null());
    assert_eq!(on[9]["layers"][2]["len"], 1480);
    assert_eq!(protos(&on[11]), ["ethernet", "ipv4", "icmpv4"]);
    assert_eq!(
        on[11]["layers"][1]["reassembled"],
        serde_json::json!({"fragments": 3, "first_frame": 10, "len": 3008})
    );
    assert_eq!(on[11]["layers"][2]["checksum_ok"], true);
    assert_eq!(on[11]["layers"][2]["data_len"], 3000);
    assert_eq!(protos(&on[19]), ["ethernet", "ipv6", "icmpv6"]);
    assert_eq!(on[19]["layers"][1]["reassembled"]["first_frame"], 18);
    let off = json_lines(&wirestate(&["decode", lax, "--json", "--no-reassembly"], None));
    assert_eq!(protos(&off[9]), ["ethernet", "ipv4", "icmpv4"]);
    assert_eq!(off[9]["error"]["field"], "fragment");
    assert_eq!(protos(&off[11]), ["ethernet", "ipv4", "payload"]);
    assert!(off.iter().all(|p| p["layers"][1].get("reassembled").is_none()));
    let icmp = json_lines(&wirestate(&["decode", lax, "--json", "--filter", "icmp"], None));
    let frames: Vec<u64> = icmp.iter().map(|p| p["index"].as_u64().unwrap()).collect();
    // The first fragments carry the ICMP header as captured; the last complete it.
    assert!(frames.starts_with(&[10, 12, 13, 15]), "{frames:?}");
    // Frames 3 and 6 are the second fragments of DNS answers: no UDP header of
    // their own, but they complete a datagram that has one.
    let dns =
        concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/defrag/dns-fragments.pcap");
    let kept =
        json_lines(&wirestate(&["decode", dns, "--json", "--filter", "udp and port 53"], None));
    let frames: Vec<u64> = kept.iter().map(|p| p["index"].as_u64().unwrap()).collect();
    assert_eq!(frames, [1, 2, 3, 4, 5, 6]);
    assert_eq!(kept[2]["layers"][3]["proto"], "dns");
    assert_eq!(kept[2]["layers"][3]["answers"].as_array().unwrap().len(), 120);
}

const LINKTYPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/linktypes");

/// A cooked capture counts its `sll` layer in `--stats`, filters on what it carries,
/// and `--json` names the header's fields; a pcapng mixing link types per interface
/// reads each packet by its own interface's type.
#[test]
fn cooked_and_mixed_captures_decode_with_their_link_layer() {
    let sll = format!("{LINKTYPES}/sll.pcap");
    let out = wirestate(&["decode", &sll, "--stats"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.lines().any(|l| l.starts_with("sll ") && l.contains(" 23 packets")), "{text}");
    assert!(text.contains("23 packets") && text.contains("0 malformed"), "{text}");
    let out = wirestate(&["decode", &sll, "--json", "--filter", "arp"], None);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    let link = &lines[0]["layers"][0];
    assert_eq!((link["proto"].as_str(), link["version"].as_u64()), (Some("sll"), Some(1)));
    assert_eq!((link["hatype"].as_u64(), link["protocol"].as_u64()), (Some(1), Some(0x0806)));
    assert_eq!(lines[0]["layers"][1]["proto"], "arp");
    let mixed = format!("{LINKTYPES}/mixed.pcapng");
    let lines = json_lines(&wirestate(&["decode", &mixed, "--json"], None));
    let firsts: Vec<&str> =
        lines.iter().take(3).map(|p| p["layers"][0]["proto"].as_str().unwrap()).collect();
    assert_eq!(firsts, ["sll", "null", "ppp"]);
    assert_eq!(lines.last().unwrap()["layers"][0]["proto"], "ipv4");
}

/// `parse frame --link TYPE` decodes one frame of any link type `decode` reads, as
/// `decode --json --no-reassembly` decodes it in a capture of that type; `--link`
/// goes with `frame` only.
#[test]
fn parse_frame_takes_the_link_type_of_a_capture() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-vectors/captures/linktypes/");
    let cases = [
        ("sll.pcap", "linux-sll"),
        ("sll2.pcap", "linux-sll2"),
        ("null.pcap", "null"),
        ("loop.pcap", "loop"),
        ("ppp.pcap", "ppp"),
        ("ipv4.pcap", "raw"),
    ];
    for (file, link) in cases {
        let path = format!("{dir}{file}");
        let mut reader =
            pcap_file::pcap::PcapReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let first = reader.next_packet().unwrap().unwrap();
        let hex: String = first.data.iter().map(|b| format!("{b:02x}")).collect();
        let parsed = wirestate(&["parse", "frame", "--hex", "--link", link], Some(hex.as_bytes()));
        assert!(parsed.status.success(), "{link}: {}", String::from_utf8_lossy(&parsed.stderr));
        let parsed: Value = serde_json::from_slice(&parsed.stdout).unwrap();
        let decoded =
            wirestate(&["decode", &path, "--json", "--no-reassembly", "--count", "1"], None);
        let decoded = &json_lines(&decoded)[0];
        assert_eq!(parsed["layers"], decoded["layers"], "{link}");
        assert_eq!(parsed["error"], decoded["error"], "{link}");
        assert!(parsed["layers"].as_array().unwrap().len() >= 2, "{link}: {parsed}");
    }
    let refused = wirestate(&["parse", "udp", "--hex", "--link", "ppp"], Some(b"00"));
    assert_eq!(refused.status.code(), Some(2));
}
