//! Records into a [`Zone`], checked as they go in: one SOA (RFC 1035 §5.2),
//! NS at the apex, nothing out of zone, CNAME alone (RFC 1034 §3.6.2), only
//! glue below a delegation (RFC 1034 §4.2.1), nothing below a DNAME
//! (RFC 6672 §2.4).

use alloc::collections::BTreeMap;
use alloc::string::ToString;
use alloc::vec::Vec;

use wirestate_dns::{RecordBuf, Type};

use super::parse::Parsed;
use super::{key, Node, Rrset, Zone};
use crate::error::ZoneError;

pub(super) fn build(parsed: Vec<Parsed>) -> Result<Zone, ZoneError> {
    let mut soas = parsed.iter().filter(|p| p.record.rtype == Type::SOA);
    let soa = soas.next().ok_or(ZoneError::NoSoa)?;
    if let Some(second) = soas.next() {
        return Err(ZoneError::SecondSoa { line: second.line });
    }
    let (apex, class) = (soa.record.name, soa.record.class);
    let apex_key = key(&apex.as_name());
    let mut zone = Zone { apex, class, nodes: BTreeMap::new(), len: 0 };
    for p in &parsed {
        let r = &p.record;
        if r.class != class {
            return Err(ZoneError::Class { line: p.line, class: r.class, zone: class });
        }
        let k = key(&r.name.as_name());
        if !k.starts_with(&apex_key) {
            let (name, apex) = (r.name.to_string(), apex.to_string());
            return Err(ZoneError::OutOfZone { line: p.line, name, apex });
        }
        insert(&mut zone, p.line, k, r)?;
    }
    if !zone.apex_node().is_some_and(|n| n.has(Type::NS)) {
        return Err(ZoneError::NoApexNs { apex: apex.to_string() });
    }
    for p in &parsed {
        check_occlusion(&zone, &apex_key, p)?;
    }
    Ok(zone)
}

/// Types that may sit beside a CNAME (RFC 4035 §2.5: its signature and NSEC).
fn beside_cname(t: Type) -> bool {
    matches!(t, Type::CNAME | Type::RRSIG | Type::NSEC)
}

/// Adds `r` (at `line`, index key `k`) to its RRset.
fn insert(zone: &mut Zone, line: usize, k: Vec<u8>, r: &RecordBuf) -> Result<(), ZoneError> {
    let node = zone.nodes.entry(k).or_insert_with(|| Node { name: r.name, sets: Vec::new() });
    let name = || r.name.to_string();
    // RFC 1034 §3.6.2: "If a CNAME RR is present at a node, no other data
    // should be present"; RFC 6672 §2.4 adds DNAME to the "other data".
    let conflict = if r.rtype == Type::CNAME {
        node.sets.iter().any(|s| !beside_cname(s.rtype))
    } else {
        !beside_cname(r.rtype) && node.has(Type::CNAME)
    };
    if conflict {
        return Err(ZoneError::CnameAndOther { line, name: name() });
    }
    match node.sets.iter_mut().find(|s| s.rtype == r.rtype) {
        Some(set) => {
            // RFC 2181 §5.2: differing TTLs in one RRset are all taken as the lowest.
            set.ttl = set.ttl.min(r.ttl);
            if set.rdatas.contains(&r.rdata) {
                return Ok(()); // RFC 2181 §5: an RRset has no duplicates.
            }
            if matches!(r.rtype, Type::CNAME | Type::DNAME) {
                return Err(ZoneError::Singleton { line, name: name(), rtype: r.rtype });
            }
            set.rdatas.push(r.rdata.clone());
        }
        None => {
            let at = node.sets.partition_point(|s| s.rtype < r.rtype);
            let set = Rrset { rtype: r.rtype, ttl: r.ttl, rdatas: alloc::vec![r.rdata.clone()] };
            node.sets.insert(at, set);
        }
    }
    zone.len += 1;
    Ok(())
}

/// Refuses a record hidden by a delegation or DNAME above it: below a cut
/// only glue addresses; at a cut only NS, DS (RFC 4035 §2.4), DNSSEC records
/// and glue; below a DNAME nothing.
fn check_occlusion(zone: &Zone, apex_key: &[u8], p: &Parsed) -> Result<(), ZoneError> {
    let r = &p.record;
    let k = key(&r.name.as_name());
    let occluded = |cut: &Node| ZoneError::Occluded {
        line: p.line,
        name: r.name.to_string(),
        rtype: r.rtype,
        cut: cut.name.to_string(),
    };
    let mut end = apex_key.len();
    // Each strict ancestor from the apex down, then the owner itself.
    loop {
        let prefix = k.get(..end).unwrap_or_default();
        let node = zone.node(prefix);
        let at_owner = end == k.len();
        let below_apex = end > apex_key.len();
        if let Some(node) = node {
            if !at_owner && node.has(Type::DNAME) {
                return Err(occluded(node));
            }
            if below_apex && node.has(Type::NS) {
                let glue = matches!(r.rtype, Type::A | Type::AAAA);
                let at_cut = matches!(r.rtype, Type::NS | Type::DS | Type::RRSIG | Type::NSEC);
                return match glue || (at_owner && at_cut) {
                    true => Ok(()),
                    false => Err(occluded(node)),
                };
            }
        }
        if at_owner {
            return Ok(());
        }
        end += 1 + usize::from(k.get(end).copied().unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    use crate::{Zone, ZoneError};
    use alloc::string::ToString;

    const HEAD: &str = "$ORIGIN z.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n";

    fn zone(tail: &str) -> Result<Zone, ZoneError> {
        Zone::parse(None, &alloc::format!("{HEAD}{tail}"))
    }

    #[test]
    fn duplicates_are_kept_once_and_ttls_lowered() {
        let z = zone("a 300 A 192.0.2.2\na 100 A 192.0.2.2\na 200 A 192.0.2.3\n").unwrap();
        assert_eq!(z.len(), 5);
        let ttls: alloc::vec::Vec<u32> =
            z.records().filter(|r| r.name.to_string() == "a.z.").map(|r| r.ttl).collect();
        assert_eq!(ttls, [100, 100]);
    }

    #[test]
    fn a_second_cname_or_dname_is_refused() {
        assert!(matches!(
            zone("c CNAME a\nc CNAME b\n"),
            Err(ZoneError::Singleton { line: 7, .. })
        ));
        assert!(matches!(zone("d DNAME a.\nd DNAME b.\n"), Err(ZoneError::Singleton { .. })));
        assert!(matches!(zone("d DNAME a.\nd CNAME b.\n"), Err(ZoneError::CnameAndOther { .. })));
        // RRSIG beside a CNAME is allowed (RFC 4035 §2.5).
        let sig = "c RRSIG CNAME 8 2 60 20250101000000 20240101000000 1 z. AAAA";
        assert!(zone(&alloc::format!("c CNAME a\n{sig}\n")).is_ok());
    }

    #[test]
    fn only_glue_lives_below_a_cut_and_nothing_below_a_dname() {
        assert!(zone("sub NS ns.sub\nns.sub A 192.0.2.9\nsub DS 1 8 2 AABB\n").is_ok());
        let err = zone("sub NS ns.sub\nx.sub MX 10 ns\n").unwrap_err();
        assert!(matches!(err, ZoneError::Occluded { line: 7, ref cut, .. } if cut == "sub.z."));
        assert!(matches!(zone("sub NS ns.sub\nsub MX 10 ns\n"), Err(ZoneError::Occluded { .. })));
        assert!(matches!(zone("d DNAME x.\na.d A 192.0.2.1\n"), Err(ZoneError::Occluded { .. })));
        // The apex NS is no cut.
        assert!(zone("mx MX 10 ns\n").is_ok());
    }
}
