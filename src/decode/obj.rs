//! A JSON object with compile-time keys, written in insertion order.
//!
//! Decoding a capture builds millions of these; `serde_json::Map` would allocate every
//! key and hash it. This keeps keys as `&'static str` in a `Vec` and serializes
//! straight to the output.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// An ordered JSON object with static keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Obj(Vec<(&'static str, Value)>);

impl Obj {
    /// An empty object with room for `n` fields.
    pub fn with_capacity(n: usize) -> Self {
        Obj(Vec::with_capacity(n))
    }

    /// Appends a field (keys are not checked for duplicates: callers add each once).
    pub fn insert(&mut self, key: &'static str, value: Value) {
        self.0.push((key, value));
    }

    /// Replaces the value of `key`, or appends the field if it is not there.
    pub fn set(&mut self, key: &'static str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl Obj {
    /// Writes the object as compact JSON. Keys are static identifiers that need no
    /// escaping, so they are written as they are; values go through serde_json.
    pub fn write_to<W: std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b"{")?;
        for (i, (k, v)) in self.0.iter().enumerate() {
            debug_assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(b"\"")?;
            out.write_all(k.as_bytes())?;
            out.write_all(b"\":")?;
            serde_json::to_writer(&mut *out, v)?;
        }
        out.write_all(b"}")
    }
}

impl From<Obj> for Value {
    fn from(o: Obj) -> Value {
        let mut m = Map::with_capacity(o.0.len());
        for (k, v) in o.0 {
            m.insert(k.to_string(), v);
        }
        Value::Object(m)
    }
}

impl Serialize for Obj {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
