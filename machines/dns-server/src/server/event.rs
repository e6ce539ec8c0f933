//! What a server tells its user: one [`Event`] a query, in a bounded queue.

use alloc::collections::VecDeque;
use core::net::SocketAddr;

use wirestate_dns::{NameBuf, Rcode, Type};

use super::Transport;

/// How a query was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Records from a zone (maybe a CNAME or DNAME chain), NOERROR.
    Answer,
    /// A referral to a delegated zone's servers (RFC 1034 §4.3.2 step 3b), or
    /// an upward referral from a lame server.
    Referral,
    /// The name exists without records of the type (RFC 2308 §2.2).
    NoData,
    /// The name does not exist (RFC 2308 §2.1).
    NxDomain,
    /// Refused: the name is in none of the server's zones, the server is lame,
    /// or zone transfer was asked for.
    Refused,
    /// The query was malformed, or had EDNS and the server has none.
    FormErr,
    /// An opcode other than QUERY, or a meta-type (RFC 6895 §3.1) other than ANY.
    NotImp,
    /// An EDNS version above 0 (RFC 6891 §6.1.3).
    BadVers,
    /// A DNAME substitution too long for a name (RFC 6672 §2.2).
    YxDomain,
    /// Dropped unanswered ([`Config::drop_all`](crate::Config::drop_all), or
    /// the response queue was full).
    Dropped,
}

/// What a server tells its user, from [`Server::poll_event`](crate::Server::poll_event),
/// oldest first. At most [`Config::max_events`](crate::Config::max_events)
/// wait; more are dropped and counted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A query with a readable question was served (or dropped): a log line
    /// for tests that check which server was asked what.
    Query {
        /// Who asked.
        from: SocketAddr,
        /// Over what.
        transport: Transport,
        /// QNAME, with the case it was asked in.
        qname: NameBuf,
        /// QTYPE.
        qtype: Type,
        /// The response's rcode (NOERROR when dropped).
        rcode: Rcode,
        /// What kind of answer it was.
        outcome: Outcome,
        /// Whether the response was truncated (TC).
        truncated: bool,
    },
}

/// Events raised and not yet polled, oldest first.
#[derive(Debug, Clone, Default)]
pub(super) struct Events(VecDeque<Event>);

impl Events {
    /// Queues `e` when fewer than `max` wait; false when it was dropped.
    pub(super) fn raise(&mut self, e: Event, max: usize) -> bool {
        let room = self.0.len() < max;
        if room {
            self.0.push_back(e);
        }
        room
    }

    pub(super) fn pop(&mut self) -> Option<Event> {
        self.0.pop_front()
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}
