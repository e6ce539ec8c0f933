//! The 1,703 distinct Transfer-Encoding gadgets of defparam/smuggler (configs
//! default, doubles and exhaustive), sent as smuggler tools send them: inside
//! `POST / HTTP/1.1`, with a Content-Length and a body that a CL reader and a TE
//! reader frame differently (smuggler's own TE.CL and CL.TE probes), and once more
//! without Content-Length. Each gadget is tried with the byte values 0x80-0xFF as
//! one byte (what the mutation names) and as UTF-8 (what smuggler's `.encode()`
//! sends), after the Host line and before it (where smuggler puts it).
//!
//! Asserted, under `ParserConfig::SERVER` and `STRICT`:
//! - no request is framed by Content-Length while a line of the gadget looks like
//!   Transfer-Encoding (letters of its name, case folded, spell
//!   "transferencoding"), unless this codec read that line as a field with another
//!   valid token name (`Transfer_Encoding`), which RFC 9110 §5.1 makes a distinct
//!   field: those are counted and listed;
//! - with Content-Length present, none is read as chunked;
//! - none is read as chunked unless the gadget is exactly one field line
//!   `Transfer-Encoding: chunked` (name and coding in any case, OWS around the value);
//! - every `Malformed` refusal cites "RFC ".

use std::collections::BTreeMap;

use wirestate_http1::{BodyKind, Error, ParserConfig, Request, Status, EMPTY_HEADER};

use super::{bytes, corpus};

/// The probes: smuggler's TE.CL body (`0\r\n\r\nX`) and CL.TE body (`1\r\nZ\r\n0\r\n\r\n`),
/// each with its own length as Content-Length; `None`: no Content-Length line.
const BODIES: [(&[u8], bool); 3] =
    [(b"0\r\n\r\nX", true), (b"1\r\nZ\r\n0\r\n\r\n", true), (b"1\r\nZ\r\n0\r\n\r\n", false)];

fn te_like(gadget: &[u8]) -> bool {
    gadget.split(|&b| b == b'\r' || b == b'\n').any(|line| {
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        let letters: Vec<u8> =
            name.iter().filter(|b| b.is_ascii_alphabetic()).map(u8::to_ascii_lowercase).collect();
        letters == b"transferencoding"
    })
}

/// RFC 9112 §6.1 / RFC 9110 §5.5: of the gadget's field lines (split at CRLF), exactly
/// one is named Transfer-Encoding, and its value is `chunked` (any case) between
/// optional SP / HTAB.
fn exactly_chunked(gadget: &[u8]) -> bool {
    let lines: Vec<&[u8]> = gadget.split(|&b| b == b'\n').collect();
    let mut te = lines.iter().filter_map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let colon = line.iter().position(|&b| b == b':')?;
        line[..colon].eq_ignore_ascii_case(b"transfer-encoding").then(|| &line[colon + 1..])
    });
    let Some(value) = te.next() else { return false };
    te.next().is_none()
        && value.iter().all(|&b| b == b' ' || b == b'\t' || b.is_ascii_alphabetic())
        && value.trim_ascii().eq_ignore_ascii_case(b"chunked")
}

#[derive(Default, Debug)]
struct Counts {
    requests: usize,
    refused_malformed: BTreeMap<&'static str, usize>,
    refused_unsupported: usize,
    chunked: usize,
    length_no_te_line: usize,
    length_distinct_token: BTreeMap<String, usize>,
    no_body: usize,
}

fn check(
    gadget: &[u8],
    before_host: bool,
    cfg: &ParserConfig,
    c: &mut Counts,
    bad: &mut Vec<String>,
) {
    for (body, with_cl) in BODIES {
        let mut msg = b"POST / HTTP/1.1\r\n".to_vec();
        let host = b"Host: h\r\n";
        if !before_host {
            msg.extend_from_slice(host);
        }
        msg.extend_from_slice(gadget);
        msg.extend_from_slice(b"\r\n");
        if before_host {
            msg.extend_from_slice(host);
        }
        if with_cl {
            msg.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
        }
        msg.extend_from_slice(b"\r\n");
        msg.extend_from_slice(body);
        c.requests += 1;
        let show = || format!("{:?}", String::from_utf8_lossy(&msg));
        let mut h = [EMPTY_HEADER; 16];
        let mut req = Request::new(&mut h);
        let framed = match req.parse_with(cfg, &msg) {
            Ok(Status::Complete(_)) => BodyKind::of_request(&req, &msg),
            Ok(Status::Partial) => panic!("partial: {}", show()),
            Err(e) => Err(e),
        };
        match framed {
            Err(Error::Malformed { rule, .. }) => {
                if !rule.starts_with("RFC ") {
                    bad.push(format!("rule {rule:?} for {}", show()));
                }
                *c.refused_malformed.entry(rule).or_default() += 1;
            }
            Err(Error::Unsupported { field: "transfer-encoding", .. }) => {
                c.refused_unsupported += 1
            }
            Err(e) => bad.push(format!("{e} for {}", show())),
            Ok(BodyKind::Chunked) => {
                if with_cl || !exactly_chunked(gadget) {
                    bad.push(format!("read as chunked: {}", show()));
                }
                c.chunked += 1;
            }
            Ok(BodyKind::Length(_)) if te_like(gadget) => {
                // Allowed only where the TE-like line is a field with another token name.
                let other = req.headers.iter().find(|h| {
                    let letters: Vec<u8> =
                        h.name.iter().filter(|b| b.is_ascii_alphabetic()).copied().collect();
                    letters.eq_ignore_ascii_case(b"transferencoding") && !h.is("transfer-encoding")
                });
                match other {
                    Some(h) => {
                        *c.length_distinct_token.entry(h.name_str().to_owned()).or_default() += 1;
                    }
                    None => bad.push(format!("framed by Content-Length: {}", show())),
                }
            }
            Ok(BodyKind::Length(_)) => c.length_no_te_line += 1,
            Ok(BodyKind::None) => c.no_body += 1,
            Ok(other) => bad.push(format!("{other:?} for {}", show())),
        }
    }
}

#[test]
fn smuggler_te_variants_none_gets_through() {
    let doc = corpus("smuggler");
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1703, "distinct gadgets");
    let mut forms: Vec<Vec<u8>> = Vec::new();
    for case in cases {
        let latin1 = bytes(&case["gadget"]);
        let utf8 = case["gadget"].as_str().unwrap().as_bytes().to_vec();
        if utf8 != latin1 {
            forms.push(utf8);
        }
        forms.push(latin1);
    }
    for (label, cfg) in [("SERVER", ParserConfig::SERVER), ("STRICT", ParserConfig::STRICT)] {
        let (mut c, mut bad) = (Counts::default(), Vec::new());
        for gadget in &forms {
            for before_host in [false, true] {
                check(gadget, before_host, &cfg, &mut c, &mut bad);
            }
        }
        eprintln!("smuggler / {label}: {} gadget byte forms, {c:#?}", forms.len());
        assert!(
            bad.is_empty(),
            "{label}: {} got through: {:#?}",
            bad.len(),
            &bad[..bad.len().min(20)]
        );
    }
}
