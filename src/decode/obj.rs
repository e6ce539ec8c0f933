//! The decode JSON's values, built cheaply and written straight to the output.
//!
//! Decoding a capture builds millions of layer objects. `serde_json::Value` would
//! allocate a `String` for every key, hash it into an `IndexMap`, allocate every
//! address and name it holds, and escape every string on the way out. Here keys are
//! `&'static str` in a `Vec`, names are `&'static str`, addresses are kept as
//! addresses and formatted only when written, and the writer appends to the output
//! buffer directly. On the million packets of `cargo xtask decode-speed` this took
//! `decode --json` from 2.4 s to 1.4 s of CPU, its output unchanged byte for byte.
//!
//! [`From<Obj> for serde_json::Value`](Obj) gives the same JSON as a `Value`, for the
//! library API and the tests; the tests check the two agree byte for byte.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::io::Write as _;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};
use wirestate_wire::MacAddr;

/// An ordered JSON object with static keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Obj(Vec<(&'static str, Val)>);

/// One JSON value of a layer object.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Uint(u64),
    /// A negative integer.
    Int(i64),
    /// A string known when the program was built (a field's name for a code).
    Name(&'static str),
    /// A string made from the input.
    Text(String),
    /// An IP address, written in its text form (RFC 5952 for IPv6).
    Ip(IpAddr),
    /// A MAC address, written as colon-separated lowercase hex.
    Mac(MacAddr),
    /// An array.
    List(Vec<Val>),
    /// A nested object.
    Obj(Obj),
}

/// A nested object from `{"key": value, ...}`, each value converted with
/// [`Val::from`]; keys stay in the order written.
macro_rules! obj {
    ({ $($key:literal : $value:expr),* $(,)? }) => {{
        let mut o = $crate::decode::Obj::with_capacity([$($key),*].len());
        $( o.insert($key, $crate::decode::Val::from($value)); )*
        $crate::decode::Val::Obj(o)
    }};
}
pub(crate) use obj;

impl Obj {
    /// An empty object with room for `n` fields.
    pub fn with_capacity(n: usize) -> Self {
        Obj(Vec::with_capacity(n))
    }

    /// Appends a field (keys are not checked for duplicates: callers add each once).
    pub fn insert(&mut self, key: &'static str, value: Val) {
        self.0.push((key, value));
    }

    /// Replaces the value of `key`, or appends the field if it is not there.
    pub fn set(&mut self, key: &'static str, value: Val) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Appends the object as compact JSON, keys in insertion order.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (i, (k, v)) in self.0.iter().enumerate() {
            // Keys are identifiers of this crate: nothing in them needs escaping.
            debug_assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(k.as_bytes());
            out.extend_from_slice(b"\":");
            v.write_to(out);
        }
        out.push(b'}');
    }
}

impl Val {
    /// A string copied from borrowed text.
    pub fn text(s: &str) -> Val {
        Val::Text(s.to_string())
    }

    /// The integer, if this is a non-negative one.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Val::Uint(n) => Some(n),
            _ => None,
        }
    }

    /// The text, if this is a string (an address is not one here).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Name(s) => Some(s),
            Val::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_list(&self) -> Option<&[Val]> {
        match self {
            Val::List(l) => Some(l),
            _ => None,
        }
    }

    /// The value of `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Obj(o) => o.get(key),
            _ => None,
        }
    }

    /// Appends the value as compact JSON, as serde_json writes it.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Val::Null => out.extend_from_slice(b"null"),
            Val::Bool(true) => out.extend_from_slice(b"true"),
            Val::Bool(false) => out.extend_from_slice(b"false"),
            Val::Uint(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
            Val::Int(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
            Val::Name(s) => write_str(out, s),
            Val::Text(s) => write_str(out, s),
            Val::Ip(IpAddr::V4(a)) => {
                out.push(b'"');
                write_ipv4(out, *a);
                out.push(b'"');
            }
            // Writing to a Vec cannot fail; an address's text needs no escaping.
            Val::Ip(IpAddr::V6(a)) => drop(write!(out, "\"{a}\"")),
            Val::Mac(m) => write_mac(out, m),
            Val::List(l) => {
                out.push(b'[');
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    v.write_to(out);
                }
                out.push(b']');
            }
            Val::Obj(o) => o.write_to(out),
        }
    }
}

/// Dotted decimal, each octet through itoa rather than the formatting machinery.
fn write_ipv4(out: &mut Vec<u8>, a: Ipv4Addr) {
    let mut digits = itoa::Buffer::new();
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        out.extend_from_slice(digits.format(octet).as_bytes());
    }
}

/// `"aa:bb:cc:dd:ee:ff"`, as `MacAddr`'s `Display` writes it, without the
/// formatting machinery (two in every Ethernet frame).
fn write_mac(out: &mut Vec<u8>, m: &MacAddr) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b':'; 19];
    text[0] = b'"';
    text[18] = b'"';
    for (i, b) in m.0.iter().enumerate() {
        text[1 + i * 3] = HEX[usize::from(b >> 4)];
        text[2 + i * 3] = HEX[usize::from(b & 15)];
    }
    out.extend_from_slice(&text);
}

/// A JSON string, escaped as serde_json escapes it: `"` and `\`, and the control
/// characters below 0x20 (`\b \t \n \f \r` by name, the rest as `\u00XX`).
fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0a => b'n',
            0x0c => b'f',
            0x0d => b'r',
            0..0x20 => 0,
            _ => continue,
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        start = i + 1;
        if short == 0 {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        } else {
            out.extend_from_slice(&[b'\\', short]);
        }
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    out.push(b'"');
}

macro_rules! from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Val {
            fn from(n: $t) -> Val {
                Val::Uint(n as u64)
            }
        }
    )*};
}
from_unsigned!(u8, u16, u32, u64, usize);

/// Fields read by reference (in a `match` on a borrowed enum) convert as their values.
impl<T: Copy + Into<Val>> From<&T> for Val {
    fn from(v: &T) -> Val {
        (*v).into()
    }
}

impl From<i32> for Val {
    fn from(n: i32) -> Val {
        match u64::try_from(n) {
            Ok(n) => Val::Uint(n),
            Err(_) => Val::Int(i64::from(n)),
        }
    }
}

impl From<bool> for Val {
    fn from(b: bool) -> Val {
        Val::Bool(b)
    }
}

impl From<&'static str> for Val {
    fn from(s: &'static str) -> Val {
        Val::Name(s)
    }
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}

impl From<IpAddr> for Val {
    fn from(a: IpAddr) -> Val {
        Val::Ip(a)
    }
}

impl From<Ipv4Addr> for Val {
    fn from(a: Ipv4Addr) -> Val {
        Val::Ip(IpAddr::V4(a))
    }
}

impl From<Ipv6Addr> for Val {
    fn from(a: Ipv6Addr) -> Val {
        Val::Ip(IpAddr::V6(a))
    }
}

impl From<MacAddr> for Val {
    fn from(m: MacAddr) -> Val {
        Val::Mac(m)
    }
}

impl From<Vec<Val>> for Val {
    fn from(l: Vec<Val>) -> Val {
        Val::List(l)
    }
}

impl From<Obj> for Val {
    fn from(o: Obj) -> Val {
        Val::Obj(o)
    }
}

impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}

impl From<Val> for Value {
    fn from(v: Val) -> Value {
        match v {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Uint(n) => Value::from(n),
            Val::Int(n) => Value::from(n),
            Val::Name(s) => Value::from(s),
            Val::Text(s) => Value::String(s),
            Val::Ip(a) => Value::String(a.to_string()),
            Val::Mac(m) => Value::String(m.to_string()),
            Val::List(l) => Value::Array(l.into_iter().map(Value::from).collect()),
            Val::Obj(o) => Value::from(o),
        }
    }
}

impl From<Obj> for Value {
    fn from(o: Obj) -> Value {
        let mut m = Map::with_capacity(o.0.len());
        for (k, v) in o.0 {
            m.insert(k.to_string(), Value::from(v));
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

impl Serialize for Val {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Null => s.serialize_unit(),
            Val::Bool(b) => s.serialize_bool(*b),
            Val::Uint(n) => s.serialize_u64(*n),
            Val::Int(n) => s.serialize_i64(*n),
            Val::Name(t) => s.serialize_str(t),
            Val::Text(t) => s.serialize_str(t),
            Val::Ip(a) => s.collect_str(a),
            Val::Mac(m) => s.collect_str(m),
            Val::List(l) => {
                let mut seq = s.serialize_seq(Some(l.len()))?;
                for v in l {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Val::Obj(o) => o.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    fn written(v: &Val) -> String {
        let mut out = Vec::new();
        v.write_to(&mut out);
        String::from_utf8(out).unwrap()
    }

    fn val() -> impl Strategy<Value = Val> {
        let leaf = prop_oneof![
            Just(Val::Null),
            any::<bool>().prop_map(Val::Bool),
            any::<u64>().prop_map(Val::Uint),
            (i64::MIN..0).prop_map(Val::Int),
            Just(Val::Name("request")),
            any::<String>().prop_map(Val::Text),
            // Control characters, quotes and backslashes, often.
            proptest::collection::vec(prop_oneof![0u8..0x21, Just(b'"'), Just(b'\\')], 0..8)
                .prop_map(|b| Val::Text(String::from_utf8(b).unwrap())),
            any::<[u8; 4]>().prop_map(|b| Val::from(Ipv4Addr::from(b))),
            any::<[u8; 16]>().prop_map(|b| Val::from(Ipv6Addr::from(b))),
            any::<[u8; 6]>().prop_map(|b| Val::Mac(MacAddr(b))),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Val::List),
                proptest::collection::vec(inner, 0..4).prop_map(|vs| {
                    const KEYS: [&str; 4] = ["a", "src", "kind", "b_2"];
                    let mut o = Obj::with_capacity(vs.len());
                    for (k, v) in KEYS.iter().zip(vs) {
                        o.insert(k, v);
                    }
                    Val::Obj(o)
                }),
            ]
        })
    }

    proptest! {
        /// The direct writer and serde_json, through the `Value` conversion, write
        /// the same bytes, and the text parses back to that `Value`.
        #[test]
        fn the_writer_writes_what_serde_json_writes(v in val()) {
            let ours = written(&v);
            let value = Value::from(v.clone());
            prop_assert_eq!(&ours, &serde_json::to_string(&value).unwrap());
            prop_assert_eq!(&ours, &serde_json::to_string(&v).unwrap());
            prop_assert_eq!(serde_json::from_str::<Value>(&ours).unwrap(), value);
        }
    }

    #[test]
    fn strings_are_escaped_as_json_requires() {
        let v = Val::text("a\"b\\c\u{0}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f}é");
        // DEL (0x7f) and non-ASCII text go out as they are.
        let want = concat!(r#""a\"b\\c\u0000\b\t\n\u000b\f\r\u001f "#, "\u{7f}é\"");
        assert_eq!(written(&v), want);
        let o = obj!({"src": Ipv4Addr::new(10, 0, 0, 255), "ok": None::<bool>, "n": -1});
        assert_eq!(written(&o), r#"{"src":"10.0.0.255","ok":null,"n":-1}"#);
    }
}
