//! Loading spec-vectors/http1/ for the tests.

#![allow(dead_code, clippy::unwrap_used, reason = "test helpers")]

use std::path::PathBuf;

/// One vector: file name, format, bytes.
pub struct Vector {
    pub name: String,
    pub format: String,
    pub bytes: Vec<u8>,
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Every vector in spec-vectors/http1/, sorted by name.
pub fn vectors() -> Vec<Vector> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec-vectors/http1");
    let mut out: Vec<Vector> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            Vector {
                name: p.file_stem().unwrap().to_string_lossy().into_owned(),
                format: v["format"].as_str().unwrap().to_owned(),
                bytes: unhex(v["hex"].as_str().unwrap()),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The method a response vector answers (from its description's request line).
pub fn method_for(name: &str) -> &'static str {
    if name == "capture-04-response-http-1-1-200-ok" {
        "HEAD"
    } else {
        "GET"
    }
}
