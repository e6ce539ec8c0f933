//! What arrives: TCP framing (RFC 1035 §4.2.2), then each query checked and
//! answered in the order the type doc of [`Server`] lists.

use alloc::vec::Vec;
use core::net::SocketAddr;

use wirestate_dns::{Class, Header, Message, NameBuf, Opcode, Question, Rcode, Repr, Type};
use wirestate_wire::Instant;

use super::event::{Event, Outcome};
use super::lookup::{self, Answer, Data, Set, YXDOMAIN};
use super::output::{self, Reply};
use super::{Hosted, Pending, Server, Transport};
use crate::config::Lame;
use crate::zone::key;

/// RFC 1035 §4.2.1: without EDNS a UDP message is at most 512 octets, and
/// RFC 6891 §6.2.5: "Values lower than 512 MUST be treated as equal to 512".
const MIN_UDP: u16 = 512;

impl Server {
    /// Takes in what arrived from `from`: over UDP one datagram's payload,
    /// one query; over TCP the next octets of the stream from that peer, each
    /// message after its two-octet length (RFC 1035 §4.2.2), as many or as
    /// few as came (a part of a message waits for the rest; see
    /// [`Config::max_tcp_streams`](crate::Config::max_tcp_streams)).
    ///
    /// Every whole query is answered (a response queued for
    /// [`poll_transmit`](Self::poll_transmit)) or dropped, as the type doc
    /// lists; nothing is an error.
    pub fn handle_query(
        &mut self,
        _now: Instant,
        from: SocketAddr,
        bytes: &[u8],
        transport: Transport,
    ) {
        match transport {
            Transport::Udp => self.query(from, bytes, Transport::Udp),
            Transport::Tcp => self.stream(from, bytes),
        }
    }

    /// RFC 1035 §4.2.2: "The message is prefixed with a two byte length
    /// field which gives the message length, excluding the two byte length
    /// field."
    fn stream(&mut self, from: SocketAddr, bytes: &[u8]) {
        if self.broken.contains(&from) {
            // The rest of a dropped message: not a length prefix.
            self.stats.dropped_tcp += 1;
            return;
        }
        let mut buf = self.streams.remove(&from).unwrap_or_default();
        buf.extend_from_slice(bytes);
        let mut at = 0;
        while let Some(&[hi, lo]) = buf.get(at..at + 2) {
            let end = at + 2 + usize::from(u16::from_be_bytes([hi, lo]));
            let Some(msg) = buf.get(at + 2..end) else { break };
            self.query(from, msg, Transport::Tcp);
            at = end;
        }
        buf.drain(..at);
        if buf.is_empty() {
            return;
        }
        if self.streams.len() < self.cfg.max_tcp_streams {
            self.streams.insert(from, buf);
        } else {
            self.stats.dropped_tcp += 1;
            if self.broken.len() >= 4 * self.cfg.max_tcp_streams.max(1) {
                self.broken.pop_front();
            }
            self.broken.push_back(from);
        }
    }

    /// One whole message.
    fn query(&mut self, from: SocketAddr, msg: &[u8], transport: Transport) {
        self.stats.received += 1;
        self.stats.tcp += u64::from(transport == Transport::Tcp);
        let Ok(m) = Message::new_checked(msg) else {
            self.stats.dropped_malformed += 1;
            return;
        };
        let header = Header::parse(&m);
        // A response is never answered: two servers cannot loop.
        if header.qr {
            self.stats.dropped_malformed += 1;
            return;
        }
        let full = self.pending.len() >= self.cfg.max_pending;
        if self.cfg.drop_all || full {
            match self.cfg.drop_all {
                true => self.stats.dropped_by_config += 1,
                false => self.stats.dropped_queue_full += 1,
            }
            if let Some(q) = m.questions().next().and_then(Result::ok) {
                self.log(from, transport, &q, Rcode::NOERROR, Outcome::Dropped, false);
            }
            return;
        }
        let reply = self.decide(&m, &header, transport);
        let (bytes, tc) = output::write(&reply, transport);
        let (rcode, outcome, question) = (reply.answer.rcode, reply.answer.outcome, reply.question);
        self.count(outcome, tc);
        if let Some(q) = question {
            self.log(from, transport, &q, rcode, outcome, tc);
        }
        self.pending.push_back(Pending { dst: from, transport, bytes });
    }

    fn log(
        &mut self,
        from: SocketAddr,
        transport: Transport,
        q: &Question<'_>,
        rcode: Rcode,
        outcome: Outcome,
        truncated: bool,
    ) {
        if self.cfg.max_events == 0 {
            return;
        }
        let qname = NameBuf::from_name(&q.name);
        let qtype = q.qtype;
        self.raise(Event::Query { from, transport, qname, qtype, rcode, outcome, truncated });
    }

    fn count(&mut self, outcome: Outcome, tc: bool) {
        let s = &mut self.stats;
        let counter = match outcome {
            Outcome::Answer => &mut s.answers,
            Outcome::Referral => &mut s.referrals,
            Outcome::NoData => &mut s.nodata,
            Outcome::NxDomain => &mut s.nxdomain,
            Outcome::Refused => &mut s.refused,
            Outcome::FormErr => &mut s.formerr,
            Outcome::NotImp => &mut s.notimp,
            Outcome::BadVers => &mut s.badvers,
            Outcome::YxDomain => &mut s.yxdomain,
            // Counted where the query was dropped.
            Outcome::Dropped => return,
        };
        *counter += 1;
        s.truncated += u64::from(tc);
    }

    /// What to answer, step by step as the type doc lists.
    fn decide<'s, 'q>(
        &'s self,
        m: &'q Message<&'q [u8]>,
        header: &Header,
        transport: Transport,
    ) -> Reply<'s, 'q> {
        let mut reply = Reply {
            id: header.id,
            opcode: header.opcode,
            rd: header.rd,
            cd: header.cd,
            class: Class::IN,
            question: None,
            dnssec_ok: None,
            limit: match transport {
                Transport::Udp => usize::from(MIN_UDP),
                Transport::Tcp => wirestate_dns::MAX_MESSAGE_LEN,
            },
            udp_size: self.cfg.max_udp_payload.max(MIN_UDP),
            answer: error(Rcode::FORMERR, Outcome::FormErr),
        };
        // RFC 1035 §4.1.1: FORMERR, "unable to interpret the query".
        let Ok(repr) = Repr::parse(m) else { return reply };
        reply.question = repr.questions().next().and_then(Result::ok);
        if header.opcode != Opcode::QUERY {
            reply.answer = error(Rcode::NOTIMP, Outcome::NotImp);
            return reply;
        }
        // RFC 9619 §3: a query has exactly one question; and a QUERY carries
        // no answer or authority records.
        if m.qdcount() != 1 || m.ancount() != 0 || m.nscount() != 0 {
            reply.question = None;
            return reply;
        }
        let Some(q) = reply.question else { return reply };
        reply.class = q.qclass;
        if let Some(opt) = repr.opt {
            // RFC 6891 §7: a server without EDNS answers FORMERR (without OPT).
            if !self.cfg.edns {
                return reply;
            }
            reply.dnssec_ok = Some(opt.dnssec_ok);
            if transport == Transport::Udp {
                let max = self.cfg.max_udp_payload.max(MIN_UDP);
                reply.limit = usize::from(opt.udp_size.clamp(MIN_UDP, max));
            }
            // RFC 6891 §6.1.3: "If a responder does not implement the VERSION
            // level of the request, then it MUST respond with RCODE=BADVERS."
            if opt.version > 0 {
                reply.answer = error(Rcode::BADVERS, Outcome::BadVers);
                return reply;
            }
        }
        reply.answer = self.answer(&q);
        reply
    }

    /// The answer to a well-formed query.
    fn answer(&self, q: &Question<'_>) -> Answer<'_> {
        // RFC 6895 §3.1: meta-types 128-255; only ANY is answered from data.
        if (128..=254).contains(&q.qtype.0) {
            return error(Rcode::NOTIMP, Outcome::NotImp);
        }
        match self.cfg.lame {
            Some(Lame::Refused) => return error(Rcode::REFUSED, Outcome::Refused),
            Some(Lame::UpwardReferral) => return self.upward_referral(),
            _ => {}
        }
        let Some(hosted) = self.zone_for(q) else {
            // No recursion here: a name outside every zone is refused.
            return error(Rcode::REFUSED, Outcome::Refused);
        };
        let qname = NameBuf::from_name(&q.name);
        let mut ans = lookup::lookup(&hosted.zone, qname, q.qtype, self.cfg.max_chain);
        ans.aa &= hosted.authoritative && self.cfg.lame.is_none();
        if ans.rcode == YXDOMAIN {
            ans.outcome = Outcome::YxDomain;
        }
        ans
    }

    /// The zone to answer from: of the query's class, holding the name, the
    /// deepest such; but for DS at a zone's apex the parent, when served
    /// here too (RFC 4035 §3.1.4.1: DS is the parent side's data).
    fn zone_for(&self, q: &Question<'_>) -> Option<&Hosted> {
        let k = key(&q.name);
        let mut holding: Vec<(usize, &Hosted)> = self
            .zones
            .iter()
            .filter(|h| h.zone.class() == q.qclass)
            .map(|h| (key(&h.zone.apex().as_name()).len(), h))
            .filter(|(_, h)| h.zone.contains(&q.name))
            .collect();
        holding.sort_by_key(|h| core::cmp::Reverse(h.0));
        match holding.as_slice() {
            [(len, _), (_, parent), ..] if q.qtype == Type::DS && *len == k.len() => Some(parent),
            [(_, h), ..] => Some(h),
            [] => None,
        }
    }

    /// RFC 4697 §2.1.1's upward referral: the root's NS and addresses from
    /// the hints; REFUSED without them.
    fn upward_referral(&self) -> Answer<'_> {
        let hints = &self.cfg.root_hints;
        let mut ans = Answer::new(Rcode::NOERROR, false, Outcome::Referral);
        let mut sets: Vec<Set<'_>> = Vec::new();
        for r in hints {
            match sets.iter_mut().find(|s| s.rtype == r.rtype && s.owner == r.name) {
                Some(Set { data: Data::Made(d), ttl, .. }) => {
                    d.push(r.rdata.clone());
                    *ttl = (*ttl).min(r.ttl);
                }
                _ => sets.push(Set {
                    owner: r.name,
                    rtype: r.rtype,
                    ttl: r.ttl,
                    data: Data::Made(alloc::vec![r.rdata.clone()]),
                }),
            }
        }
        let (ns, addrs): (Vec<_>, Vec<_>) = sets.into_iter().partition(|s| s.rtype == Type::NS);
        if ns.is_empty() {
            return error(Rcode::REFUSED, Outcome::Refused);
        }
        ans.authority = ns;
        ans.additional =
            addrs.into_iter().filter(|s| matches!(s.rtype, Type::A | Type::AAAA)).collect();
        ans
    }
}

/// An answer that is only an rcode.
fn error<'a>(rcode: Rcode, outcome: Outcome) -> Answer<'a> {
    Answer::new(rcode, false, outcome)
}
