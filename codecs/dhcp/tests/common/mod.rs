//! Shared by the behaviour tests: the vectors in spec-vectors/dhcp, and a drain.
#![allow(dead_code, clippy::unwrap_used, reason = "test code")]

pub mod drain;

/// Every vector as (file stem, bytes), sorted by name.
pub fn vectors() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec-vectors/dhcp");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let hex = text.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((stem, unhex(hex)));
        }
    }
    out.sort();
    out
}

/// The bytes of one vector.
pub fn vector(name: &str) -> Vec<u8> {
    vectors().into_iter().find(|(n, _)| n == name).unwrap().1
}

/// Hex to bytes.
pub fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}
