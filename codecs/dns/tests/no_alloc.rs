//! Parsing allocates nothing: every vector is parsed, walked and printed to a
//! fixed buffer under a counting global allocator.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]

use wirestate_dns::{Message, RData, Repr};

#[global_allocator]
static GLOBAL: wirestate_testkit::CountingAllocator = wirestate_testkit::CountingAllocator;

/// A `fmt::Write` into a fixed array.
struct Sink([u8; 4096], usize);
impl core::fmt::Write for Sink {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = (self.1 + s.len()).min(self.0.len());
        self.0[self.1..end].copy_from_slice(&s.as_bytes()[..end - self.1]);
        self.1 = end;
        Ok(())
    }
}

#[test]
fn parsing_the_vectors_allocates_nothing() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec-vectors/dns");
    let mut messages = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let hex =
                text.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap().to_string();
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            messages.push(bytes);
        }
    }
    let mut sink = Sink([0; 4096], 0);
    let before = wirestate_testkit::allocations();
    let mut records = 0;
    for bytes in &messages {
        let Ok(msg) = Message::new_checked(&bytes[..]) else { continue };
        for q in msg.questions().flatten() {
            sink.1 = 0;
            core::fmt::write(&mut sink, format_args!("{q}")).unwrap();
        }
        for r in msg.records().flatten() {
            sink.1 = 0;
            core::fmt::write(&mut sink, format_args!("{r}")).unwrap();
            if let RData::Opt(o) = r.rdata {
                for o in o {
                    core::fmt::write(&mut sink, format_args!("{o}")).unwrap();
                }
            }
            records += 1;
        }
        let _ = Repr::parse(&msg).map(|r| r.rcode());
    }
    let after = wirestate_testkit::allocations();
    assert!(records > 100);
    assert_eq!(after - before, 0);
}
