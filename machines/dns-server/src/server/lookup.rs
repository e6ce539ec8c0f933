//! The answer from one zone, as RFC 1034 §4.3.2 orders the search: down from
//! the apex to a delegation (a referral), a DNAME (RFC 6672 §3.3), the name
//! itself (its RRset, or NODATA), a wildcard (RFC 4592 §3.3.1), or nothing
//! (NXDOMAIN); CNAMEs followed within the zone; negative answers with the
//! SOA (RFC 2308 §3).

use alloc::vec::Vec;

use wirestate_dns::{Name, NameBuf, RData, Rcode, Type, MAX_NAME_LEN};

use crate::server::event::Outcome;
use crate::zone::{key, Node, Rrset, Zone};

/// RFC 6672 §2.2: a substitution too long for a name is answered YXDOMAIN.
pub(crate) const YXDOMAIN: Rcode = Rcode(6);

/// The records of one RRset to write: an owner, a type, a TTL, the RDATA.
#[derive(Debug, Clone)]
pub(crate) struct Set<'z> {
    pub owner: NameBuf,
    pub rtype: Type,
    pub ttl: u32,
    pub data: Data<'z>,
}

/// The RDATA of a [`Set`]: the zone's, or made for the answer (a CNAME
/// synthesized from a DNAME, root hints gathered into RRsets).
#[derive(Debug, Clone)]
pub(crate) enum Data<'z> {
    Zone(&'z [Vec<u8>]),
    Made(Vec<Vec<u8>>),
}

impl Data<'_> {
    pub(crate) fn rdatas(&self) -> &[Vec<u8>] {
        match self {
            Data::Zone(d) => d,
            Data::Made(d) => d,
        }
    }
}

impl<'z> Set<'z> {
    pub(crate) fn of(owner: NameBuf, set: &'z Rrset) -> Self {
        Set { owner, rtype: set.rtype, ttl: set.ttl, data: Data::Zone(&set.rdatas) }
    }
}

/// What to answer: rcode, authority, the three sections.
#[derive(Debug, Clone)]
pub(crate) struct Answer<'z> {
    pub rcode: Rcode,
    pub aa: bool,
    pub outcome: Outcome,
    pub answer: Vec<Set<'z>>,
    pub authority: Vec<Set<'z>>,
    pub additional: Vec<Set<'z>>,
    /// How many of the first additional sets must fit or the response is
    /// truncated: the glue of in-domain name servers (RFC 9471 §3).
    pub required_glue: usize,
}

impl<'z> Answer<'z> {
    pub(crate) fn new(rcode: Rcode, aa: bool, outcome: Outcome) -> Self {
        Answer {
            rcode,
            aa,
            outcome,
            answer: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
            required_glue: 0,
        }
    }
}

/// Where the walk down from the apex ends for one name.
enum Found<'z> {
    /// A delegation at or above the name (not the apex).
    Cut(&'z Node),
    /// A DNAME strictly above the name.
    Dname(&'z Node),
    /// The name's own node, or the wildcard that stands for it.
    Node(&'z Node),
    /// The name has no records but names below it do (RFC 8020 §2).
    Empty,
    /// No such name.
    Nothing,
}

/// Answers `qname`/`qtype` from `zone` (which contains `qname`), following
/// at most `max_chain` CNAMEs and DNAMEs.
pub(crate) fn lookup<'z>(
    zone: &'z Zone,
    qname: NameBuf,
    qtype: Type,
    max_chain: usize,
) -> Answer<'z> {
    let mut ans = Answer::new(Rcode::NOERROR, true, Outcome::Answer);
    let mut name = qname;
    let mut seen: Vec<Vec<u8>> = Vec::new();
    for step in 0..=max_chain {
        seen.push(key(&name.as_name()));
        let next = match find(zone, &name, qtype) {
            Found::Cut(cut) if step == 0 => return referral(zone, cut),
            // A chain that leads under a delegation ends there; the resolver
            // goes on from the CNAME (RFC 1034 §4.3.2 step 3b answers the
            // first name only).
            Found::Cut(_) => return ans,
            Found::Dname(node) => match dname(&mut ans, &name, node) {
                Next::Follow(target) => target,
                _ => return ans,
            },
            Found::Node(node) => match positive(zone, &mut ans, name, node, qtype) {
                Next::Follow(target) => target,
                Next::Done => return ans,
                Next::NoData => return negative(zone, ans, Rcode::NOERROR, step),
            },
            Found::Empty => return negative(zone, ans, Rcode::NOERROR, step),
            Found::Nothing => return negative(zone, ans, Rcode::NXDOMAIN, step),
        };
        // RFC 1034 §4.3.2 step 3a: "change QNAME to the canonical name in the
        // CNAME RR, and go back to step 1" -- within this zone only, and
        // never to a name seen before (a loop).
        let k = key(&next.as_name());
        if !zone.contains(&next.as_name()) || seen.contains(&k) {
            return ans;
        }
        name = next;
    }
    ans
}

/// The walk of RFC 1034 §4.3.2 step 3, label by label from the apex, and the
/// wildcard of RFC 4592 §3.3.1 when the name is not there.
fn find<'z>(zone: &'z Zone, name: &NameBuf, qtype: Type) -> Found<'z> {
    let k = key(&name.as_name());
    let apex_len = key(&zone.apex().as_name()).len();
    let mut end = apex_len;
    let mut encloser = apex_len;
    loop {
        let prefix = k.get(..end).unwrap_or_default();
        let at_name = end >= k.len();
        match zone.node(prefix) {
            Some(node) => {
                // RFC 4035 §3.1.4.1: the DS at a cut is the parent's, answered here.
                let ds_here = at_name && qtype == Type::DS;
                if end > apex_len && node.has(Type::NS) && !ds_here {
                    return Found::Cut(node);
                }
                if !at_name && node.has(Type::DNAME) {
                    return Found::Dname(node);
                }
                if at_name {
                    return Found::Node(node);
                }
            }
            None if zone.has_below(prefix) => {
                if at_name {
                    return Found::Empty;
                }
            }
            None => break,
        }
        encloser = end;
        end += 1 + usize::from(k.get(end).copied().unwrap_or(0));
    }
    // RFC 4592 §3.3.1: the source of synthesis is "*" below the closest encloser.
    let mut wild = k.get(..encloser).unwrap_or_default().to_vec();
    wild.extend_from_slice(&[1, b'*']);
    match zone.node(&wild) {
        Some(node) => Found::Node(node),
        // RFC 4592 §4.9: a wildcard that is an empty non-terminal exists; the
        // name it covers gets NOERROR with no data, not NXDOMAIN.
        None if zone.has_below(&wild) => Found::Empty,
        None => Found::Nothing,
    }
}

/// What a step of the search leaves to do.
// A short-lived value on the stack: boxing the name would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Next {
    /// Follow the chain to this name.
    Follow(NameBuf),
    /// The answer is complete.
    Done,
    /// The name has no records of the type: NODATA.
    NoData,
}

/// The name's node (or wildcard) answers: its CNAME, to be followed, or its
/// RRset, or nothing (NODATA).
fn positive<'z>(
    zone: &'z Zone,
    ans: &mut Answer<'z>,
    name: NameBuf,
    node: &'z Node,
    qtype: Type,
) -> Next {
    if let Some(cname) = node.rrset(Type::CNAME) {
        if qtype != Type::CNAME && qtype != Type::ANY {
            ans.answer.push(Set::of(name, cname));
            return match cname.first() {
                Some(RData::Cname(target)) => Next::Follow(NameBuf::from_name(&target)),
                _ => Next::Done,
            };
        }
    }
    // RFC 8482 §4.1: to ANY, one RRset (the lowest type) rather than all.
    let set = match qtype {
        Type::ANY => node.sets.first(),
        t => node.rrset(t),
    };
    let Some(set) = set else { return Next::NoData };
    ans.answer.push(Set::of(name, set));
    additional(zone, ans, set);
    Next::Done
}

/// A DNAME above the name (RFC 6672 §3.3): the DNAME, and a CNAME from the
/// name to the name with the DNAME's owner replaced by its target, which is
/// returned to follow.
fn dname<'z>(ans: &mut Answer<'z>, name: &NameBuf, node: &'z Node) -> Next {
    let Some(set) = node.rrset(Type::DNAME) else { return Next::Done };
    let Some(RData::Dname(target)) = set.first() else { return Next::Done };
    // RFC 2181 §5: a chain that crosses this DNAME again does not repeat it.
    let already = ans.answer.iter().any(|s| s.owner == node.name && s.rtype == Type::DNAME);
    if !already {
        ans.answer.push(Set::of(node.name, set));
    }
    // The labels of the name left of the DNAME's owner, then the target.
    let owner_labels = node.name.as_name().label_count();
    let labels: Vec<&[u8]> = name.as_name().labels().collect();
    let keep = labels.len().saturating_sub(owner_labels);
    let mut wire = Vec::with_capacity(MAX_NAME_LEN);
    for label in labels.iter().take(keep) {
        wire.push(label.len() as u8);
        wire.extend_from_slice(label);
    }
    wire.extend_from_slice(NameBuf::from_name(&target).as_wire());
    let synthesized = match Name::parse_uncompressed(&wire, 0, "name") {
        Ok((n, _)) => NameBuf::from_name(&n),
        Err(_) => {
            ans.rcode = YXDOMAIN;
            return Next::Done;
        }
    };
    // RFC 6672 §3.3: the synthesized CNAME has the DNAME's TTL.
    let rdata = synthesized.as_wire().to_vec();
    ans.answer.push(Set {
        owner: *name,
        rtype: Type::CNAME,
        ttl: set.ttl,
        data: Data::Made(alloc::vec![rdata]),
    });
    Next::Follow(synthesized)
}

/// NXDOMAIN or NODATA: what the answer has so far (a chain), and the SOA in
/// authority with the TTL of RFC 2308 §3. RFC 6604 §2.1: the rcode is that
/// of the last name of a chain.
fn negative<'z>(zone: &'z Zone, mut ans: Answer<'z>, rcode: Rcode, step: usize) -> Answer<'z> {
    ans.rcode = rcode;
    if step == 0 {
        ans.outcome = match rcode {
            Rcode::NXDOMAIN => Outcome::NxDomain,
            _ => Outcome::NoData,
        };
    }
    if let (Some(apex), Some(soa)) = (zone.apex_node(), zone.soa()) {
        let mut set = Set::of(apex.name, soa);
        set.ttl = zone.negative_ttl();
        ans.authority.push(set);
    }
    ans
}

/// A referral (RFC 1034 §4.3.2 step 3b): no AA, the delegation's NS in
/// authority, the addresses the zone has for them in additional, in-domain
/// ones first (RFC 9471 §3: they must fit or the response is truncated).
fn referral<'z>(zone: &'z Zone, cut: &'z Node) -> Answer<'z> {
    let mut ans = Answer::new(Rcode::NOERROR, false, Outcome::Referral);
    let Some(ns) = cut.rrset(Type::NS) else { return ans };
    ans.authority.push(Set::of(cut.name, ns));
    let cut_key = key(&cut.name.as_name());
    let targets = names_in(ns);
    for in_domain in [true, false] {
        for target in &targets {
            let k = key(&target.as_name());
            if k.starts_with(&cut_key) == in_domain {
                add_addresses(zone, &mut ans, &k);
            }
        }
        if in_domain {
            ans.required_glue = ans.additional.len();
        }
    }
    ans
}

/// RFC 1034 §4.3.2 step 6 (and RFC 1035 §3.3.9, §3.3.11, RFC 2782): the
/// addresses of the names an NS, MX or SRV answer names, where the zone has
/// them: its own data, and for NS its glue too (the root's answer to a
/// priming query carries the root servers' addresses, RFC 8109 §3.3).
fn additional<'z>(zone: &'z Zone, ans: &mut Answer<'z>, set: &'z Rrset) {
    for target in names_in(set) {
        let k = key(&target.as_name());
        let usable = set.rtype == Type::NS || !below_cut(zone, &k);
        if zone.contains(&target.as_name()) && usable {
            add_addresses(zone, ans, &k);
        }
    }
}

/// The names an NS, MX or SRV RRset points to, each once.
fn names_in(set: &Rrset) -> Vec<NameBuf> {
    let mut out: Vec<NameBuf> = Vec::new();
    for data in &set.rdatas {
        let name = match RData::parse(data, 0, data.len(), set.rtype) {
            Ok(RData::Ns(n)) | Ok(RData::Mx { exchange: n, .. }) => n,
            Ok(RData::Srv { target: n, .. }) if !n.is_root() => n,
            _ => continue,
        };
        let name = NameBuf::from_name(&name);
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Adds the A and AAAA RRsets of the node with key `k`, unless already there.
fn add_addresses<'z>(zone: &'z Zone, ans: &mut Answer<'z>, k: &[u8]) {
    let Some(node) = zone.node(k) else { return };
    for rtype in [Type::A, Type::AAAA] {
        let Some(set) = node.rrset(rtype) else { continue };
        let dup = ans.additional.iter().any(|s| s.rtype == rtype && s.owner == node.name);
        if !dup {
            ans.additional.push(Set::of(node.name, set));
        }
    }
}

/// Whether the name with key `k` is at or below a delegation of `zone`.
fn below_cut(zone: &Zone, k: &[u8]) -> bool {
    let apex_len = key(&zone.apex().as_name()).len();
    let mut end = apex_len;
    while end < k.len() {
        end += 1 + usize::from(k.get(end).copied().unwrap_or(0));
        if zone.node(k.get(..end).unwrap_or_default()).is_some_and(|n| n.has(Type::NS)) {
            return true;
        }
    }
    false
}
