//! Scenario replay for the resolver, in the style of unbound's testbound
//! `.rpl` files (our own format and scenarios, not theirs): scripted servers
//! answer from canned entries, the resolver runs on a virtual clock, and
//! numbered steps ask queries and check what comes back.
//!
//! # Format
//!
//! `;` starts a comment (outside quotes). A line `; EXPECT_FAIL: <reason>`
//! marks a scenario that shows a known resolver bug: it must fail, and passes
//! the suite only by failing.
//!
//! **Header**, up to `SCENARIO_BEGIN <title>`: `key: value` lines (`server:`
//! and `CONFIG_END` are accepted and ignored).
//! - `stub: <ip>[:port]` (repeatable, in order) for a stub, or
//!   `root-hint: <name> <ip>` (repeatable) for an iterative resolver;
//! - `qname-minimisation`, `0x20`: `yes`/`no`; `edns: no|<udp size>`;
//!   `serve-stale: no|<seconds>`; `search: <domain>` (repeatable); `ndots`,
//!   `query-timeout`, `lame-ttl`, `max-referrals`, `max-cname-chain`,
//!   `max-sends`, `max-ns-lookups`, `min-ttl`, `max-ttl`, `max-negative-ttl`;
//!   `seed: <n>` for the resolver's randomness (default 11).
//!
//! **Ranges**: `RANGE_BEGIN <from> <to>`, `ADDRESS <ip>` lines (the servers
//! the range answers as; none: every server), entries, `RANGE_END`. A query
//! sent while the current step number is within `from..=to` to one of the
//! addresses gets the reply of the first entry (ranges in file order, entries
//! in order) whose `MATCH` keywords all hold:
//! `opcode`, `qname` (the entry's question name, any case), `qtype`,
//! `subdomain` (the name is the question's or below it), `tcp`, `udp`,
//! `edns`, `noedns` (the query has or lacks an OPT), `rd`, `nord`.
//! A query no entry matches gets no answer (the resolver times it out) unless
//! a range active at the next step answers it before the clock moves.
//!
//! **Entries**: `ENTRY_BEGIN`, then `MATCH ...`, `ADJUST copy_id copy_query`
//! (the reply takes the query's id, else 0, and its question, case included,
//! else the entry's), `REPLY <flags> <rcode>` (flags `QR AA TC RD RA`, `EDNS`
//! to add an OPT; rcodes `NOERROR FORMERR SERVFAIL NXDOMAIN NOTIMP REFUSED`,
//! default NOERROR), `SECTION QUESTION|ANSWER|AUTHORITY|ADDITIONAL` each
//! followed by zone-file lines (a question is `name [IN] type`; a record
//! without a TTL gets 3600), `ENTRY_END`.
//!
//! **Steps**, `STEP <n> <kind>`, in order:
//! - `QUERY` + an entry with the question: the user asks (`MATCH search`: the
//!   name as typed through `query_str` and the search list).
//! - `CHECK_ANSWER` + an entry: the oldest unchecked answer to that question
//!   (as written in its QUERY) must have the `REPLY` rcode (its flags are not
//!   compared; `MATCH all` is accepted as unbound spells it) and exactly the
//!   ANSWER records (CNAME chain and RRset, compared as a multiset, any case,
//!   TTLs not compared). The answer's TTL (`Answer::ttl`) must be *at most*
//!   the least TTL of the ANSWER lines, or for a negative answer the SOA's
//!   min(TTL, MINIMUM) in AUTHORITY; with `MATCH ttl`, exactly that (write the
//!   TTL as left after the time passed). `MATCH ede=3`: the answer is stale
//!   (RFC 8767, Extended DNS Error 3), and without it must not be; `MATCH
//!   cached` / `uncached`: from the cache or not. `REPLY SERVFAIL` means the
//!   query failed (`Event::Failed`); `MATCH error=<why>` names the failure:
//!   `timed-out servfail no-servers limit-referrals limit-cname limit-sends
//!   limit-ns`.
//! - `CHECK_OUT_QUERY` + an entry: the next query sent since the last QUERY
//!   step (each is checked once, in order) matches the `MATCH` keywords as a
//!   range entry would, and went to `ADDRESS <ip>` if given.
//! - `TIME_PASSES ELAPSE <seconds>`: the clock jumps; due timers run.
//! - `TIMEOUT`: the clock moves to the resolver's next timer, which runs.
//! - `CHECK_STATS name=value ...`: counters of `Resolver::stats` (`merged`,
//!   `lame`, `timeouts`, `tcp_retries`, `edns_fallbacks`, `stale_answers`,
//!   `out_of_bailiwick`, `mismatched`, `cache_hits`, `sent`, ...).
//!
//! # How it runs
//!
//! The clock starts at 1 s. At every step, first queries held from earlier
//! steps are offered to the ranges again (if the clock has not moved since),
//! then the step acts; after every input the runner drains `poll_transmit`,
//! answers each query from the ranges at once (UDP through
//! `handle_datagram` on the query's port, TCP through `handle_stream`), and
//! repeats until nothing more is sent. Timers run only when a step waits
//! (`CHECK_ANSWER` and `CHECK_OUT_QUERY` fire them, bounded, until what they
//! check arrives) or at `TIMEOUT` and `TIME_PASSES`: so two QUERY steps in a
//! row are in flight together, and a silent server costs time only when
//! someone waits. A scenario fails at the first step that does not hold, or
//! if an answer is left unchecked at the end.

pub mod parse;
pub mod run;

pub use parse::parse;
pub use run::run;
