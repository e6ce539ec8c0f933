//! What is sent: the response written with the codec's [`Builder`], within
//! the size limit by whole RRsets with TC (RFC 2181 §9), the OPT record
//! always kept (RFC 6891 §7), framed for TCP (RFC 1035 §4.2.2).

use alloc::vec::Vec;

use wirestate_dns::{Builder, Class, Header, Opcode, Question, RData, Section};

use super::lookup::{Answer, Set};
use super::Transport;

/// The OPT record this server sends: root owner, type, class, TTL, RDLENGTH
/// and no options (RFC 6891 §6.1.2).
const OPT_LEN: usize = 11;

/// A response to write.
#[derive(Debug, Clone)]
pub(super) struct Reply<'s, 'q> {
    pub id: u16,
    pub opcode: Opcode,
    /// RD, copied (RFC 1035 §4.1.1).
    pub rd: bool,
    /// CD, copied (RFC 4035 §3.1.6 for servers that copy it, RFC 6840 §5.9).
    pub cd: bool,
    /// The class of the records.
    pub class: Class,
    /// The question to echo, as it came.
    pub question: Option<Question<'q>>,
    /// With an OPT record, and DO copied (RFC 3225 §3); `None` without.
    pub dnssec_ok: Option<bool>,
    /// The most octets of message (the TCP prefix not counted).
    pub limit: usize,
    /// The UDP payload size this server advertises in its OPT record.
    pub udp_size: u16,
    pub answer: Answer<'s>,
}

impl Reply<'_, '_> {
    /// Every set to write, with its section, in order.
    fn sets(&self) -> impl Iterator<Item = (Section, &Set<'_>)> + '_ {
        let a = &self.answer;
        let tag = |section| move |s| (section, s);
        a.answer.iter().map(tag(Section::Answer)).chain(
            a.authority
                .iter()
                .map(tag(Section::Authority))
                .chain(a.additional.iter().map(tag(Section::Additional))),
        )
    }

    fn header(&self, tc: bool) -> Header {
        Header {
            id: self.id,
            qr: true,
            opcode: self.opcode,
            aa: self.answer.aa,
            tc,
            rd: self.rd,
            ra: false,
            z: false,
            ad: false,
            cd: self.cd,
            rcode: (self.answer.rcode.0 & 0x0f) as u8,
        }
    }

    /// Whether leaving out the sets from index `first_left_out` on is a
    /// truncation: an answer or authority set, or required glue (RFC 9471
    /// §3), is missing. Extra additional data is not ("the TC bit should not
    /// be set merely because some extra information could have been
    /// included", RFC 2181 §9).
    fn truncates(&self, first_left_out: usize) -> bool {
        let a = &self.answer;
        first_left_out < a.answer.len() + a.authority.len() + a.required_glue
    }
}

/// Writes `reply` for `transport`; returns the bytes (prefixed over TCP) and
/// whether TC is set.
pub(super) fn write(reply: &Reply<'_, '_>, transport: Transport) -> (Vec<u8>, bool) {
    let prefix = usize::from(transport == Transport::Tcp) * 2;
    let mut buf = alloc::vec![0u8; reply.limit + prefix];
    let total = reply.sets().count();
    // The first pass writes what fits in the room the OPT record leaves. The
    // builder drops every push after one that does not fit (an OPT record
    // included), so when something did not fit, a second pass writes only
    // the sets that did, and then the OPT record.
    let fitted = match pass(&mut buf, reply, prefix, false, total) {
        Ok(len) => {
            buf.truncate(len);
            return (buf, false);
        }
        Err(fitted) => fitted,
    };
    let tc = reply.truncates(fitted);
    let len = match pass(&mut buf, reply, prefix, tc, fitted) {
        Ok(len) => len,
        // The same sets in the same order take the same room: never here.
        Err(_) => pass(&mut buf, reply, prefix, true, 0).unwrap_or(0),
    };
    buf.truncate(len);
    (buf, tc)
}

/// Writes the header, the question, the first `sets` sets and the OPT
/// record; `Ok(len)` if all of them fit, else `Err(sets that fitted)`.
fn pass(
    buf: &mut [u8],
    reply: &Reply<'_, '_>,
    prefix: usize,
    tc: bool,
    sets: usize,
) -> Result<usize, usize> {
    let header = reply.header(tc);
    let started = match prefix {
        0 => Builder::new(buf, &header),
        _ => Builder::new_tcp(buf, &header),
    };
    let Ok(mut b) = started else { return Err(0) };
    let opt_room = if reply.dnssec_ok.is_some() { OPT_LEN } else { 0 };
    b.set_limit(reply.limit.saturating_sub(opt_room));
    if let Some(q) = &reply.question {
        if !b.question(&q.name, q.qtype, q.qclass).unwrap_or(false) {
            return Err(0);
        }
    }
    for (i, (section, set)) in reply.sets().take(sets).enumerate() {
        if !push(&mut b, section, set, reply.class) {
            return Err(i);
        }
    }
    b.set_limit(reply.limit);
    if let Some(dnssec_ok) = reply.dnssec_ok {
        // RFC 6891 §6.1.3: the upper 8 bits of the 12-bit rcode.
        let ext = (reply.answer.rcode.0 >> 4) as u8;
        if !b.edns(reply.udp_size, ext, 0, dnssec_ok, &[]).unwrap_or(false) {
            return Err(sets);
        }
    }
    Ok(b.finish())
}

/// Pushes every record of `set`; false if one did not fit.
fn push(b: &mut Builder<'_>, section: Section, set: &Set<'_>, class: Class) -> bool {
    let owner = set.owner.as_name();
    for data in set.data.rdatas() {
        // Checked when the zone was read; a record that would not decode is skipped.
        let Ok(rdata) = RData::parse(data, 0, data.len(), set.rtype) else { continue };
        if !b.push(section, &owner, class, set.ttl, &rdata).unwrap_or(false) {
            return false;
        }
    }
    true
}
