//! Names as the resolver compares them: by labels, ignoring ASCII case.

use alloc::boxed::Box;

use wirestate_dns::{Name, NameBuf};

/// The label start offsets of an uncompressed wire name, root excluded.
fn starts(wire: &[u8]) -> ([u8; 128], usize) {
    let (mut at, mut n, mut out) = (0usize, 0usize, [0u8; 128]);
    while let Some(&len) = wire.get(at) {
        if len == 0 || n == out.len() {
            break;
        }
        out[n] = at as u8;
        n += 1;
        at += 1 + usize::from(len);
    }
    (out, n)
}

/// How many labels `name` has (the root has none).
pub(crate) fn label_count(name: &NameBuf) -> usize {
    starts(name.as_wire()).1
}

/// The ancestor of `name` made of its last `keep` labels (the root for 0).
pub(crate) fn ancestor(name: &NameBuf, keep: usize) -> NameBuf {
    let wire = name.as_wire();
    let (s, n) = starts(wire);
    if keep >= n {
        return *name;
    }
    if keep == 0 {
        return NameBuf::root();
    }
    let from = usize::from(s[n - keep]);
    Name::parse(&wire[from..], 0, "name").map_or(NameBuf::root(), |(n, _)| NameBuf::from_name(&n))
}

/// True if `name` is `zone` or below it: in `zone`'s bailiwick.
pub(crate) fn is_within(name: &NameBuf, zone: &NameBuf) -> bool {
    let (nl, zl) = (label_count(name), label_count(zone));
    zl <= nl && ancestor(name, zl) == *zone
}

/// The name in lower case, as a map key.
pub(crate) fn key(name: &NameBuf) -> Box<[u8]> {
    name.as_wire().iter().map(u8::to_ascii_lowercase).collect()
}

/// The lower-case key of `name` written into `out`; its length.
pub(crate) fn key_into(name: &NameBuf, out: &mut [u8; 255]) -> usize {
    let wire = name.as_wire();
    for (o, b) in out.iter_mut().zip(wire) {
        *o = b.to_ascii_lowercase();
    }
    wire.len().min(255)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> NameBuf {
        NameBuf::parse_str(s).unwrap()
    }

    #[test]
    fn labels_ancestors_and_bailiwick() {
        assert_eq!(label_count(&n("www.Example.test.")), 3);
        assert_eq!(label_count(&NameBuf::root()), 0);
        assert_eq!(ancestor(&n("www.example.test."), 2), n("example.test."));
        assert_eq!(ancestor(&n("www.example.test."), 0), NameBuf::root());
        assert!(is_within(&n("WWW.example.test."), &n("example.TEST.")));
        assert!(is_within(&n("example.test."), &n("example.test.")));
        assert!(is_within(&n("example.test."), &NameBuf::root()));
        assert!(!is_within(&n("example.test."), &n("www.example.test.")));
        assert!(!is_within(&n("badexample.test."), &n("example.test.")));
        assert_eq!(key(&n("A.b.")), key(&n("a.B.")));
    }
}
