//! What arrives: a client message taken apart ([`Request`]), then decided on by
//! its type as RFC 2131 §4.3 orders: DHCPDISCOVER (§4.3.1), DHCPREQUEST in each
//! client state (§4.3.2), DHCPDECLINE (§4.3.3), DHCPRELEASE (§4.3.4) and
//! DHCPINFORM (§4.3.5).

use alloc::vec::Vec;
use core::net::Ipv4Addr;

use wirestate_dhcp::{code, DhcpOption, Message, MessageType};
use wirestate_wire::Instant;

use super::output::{Kind, Prl, Reply};
use super::{Event, Server};
use crate::client::{ClientKey, HwAddr};
use crate::config::secs;
use crate::table::BindingState;

/// Why a payload was dropped before its type was looked at.
enum Drop {
    Malformed,
    NotForUs,
}

/// A client message, its fields and the options the server reads.
#[derive(Debug, Clone)]
pub(super) struct Request {
    pub(super) mt: MessageType,
    pub(super) xid: u32,
    pub(super) flags: u16,
    pub(super) ciaddr: Ipv4Addr,
    pub(super) giaddr: Ipv4Addr,
    /// `htype` and the first `hlen` octets of `chaddr`.
    pub(super) hw: HwAddr,
    /// All 16 octets of `chaddr`, echoed in replies (RFC 2131 Table 3).
    pub(super) chaddr: [u8; 16],
    /// The IP source address the payload came from.
    pub(super) src: Ipv4Addr,
    /// Option 61, at most 255 octets.
    pub(super) client_id: Option<Vec<u8>>,
    /// Option 50.
    pub(super) requested: Option<Ipv4Addr>,
    /// Option 54.
    pub(super) server_id: Option<Ipv4Addr>,
    /// Option 55; `None` when absent.
    pub(super) prl: Option<Prl>,
    /// Option 57.
    pub(super) max_size: Option<u16>,
    /// Option 80.
    pub(super) rapid_commit: bool,
    /// Option 82, echoed in replies (RFC 3046 §2.2).
    pub(super) relay_info: Option<Vec<u8>>,
}

impl Request {
    /// Takes `payload` apart: a BOOTREQUEST (op 1) with a sane hardware address,
    /// the magic cookie, well-formed options and a message type.
    fn parse(payload: &[u8], src: Ipv4Addr) -> Result<Self, Drop> {
        let msg = Message::new_checked(payload).map_err(|_| Drop::Malformed)?;
        match msg.op() {
            1 => {}
            2 => return Err(Drop::NotForUs), // a BOOTREPLY: another server's
            _ => return Err(Drop::Malformed),
        }
        // RFC 2131 §2: chaddr is 16 octets; RFC 1700: Ethernet addresses are 6.
        let hlen = usize::from(msg.hlen());
        if hlen > 16 || (msg.htype() == 1 && hlen != 6) {
            return Err(Drop::Malformed);
        }
        let mut chaddr = [0u8; 16];
        chaddr.copy_from_slice(msg.chaddr());
        let hw = HwAddr::new(msg.htype(), msg.client_hw_addr()).ok_or(Drop::Malformed)?;
        let mut req = Request {
            mt: MessageType::Unknown(0),
            xid: msg.xid(),
            flags: msg.flags(),
            ciaddr: msg.ciaddr(),
            giaddr: msg.giaddr(),
            hw,
            chaddr,
            src,
            client_id: None,
            requested: None,
            server_id: None,
            prl: None,
            max_size: None,
            rapid_commit: false,
            relay_info: None,
        };
        let mut typed = false;
        for opt in msg.options() {
            match opt.map_err(|_| Drop::Malformed)? {
                DhcpOption::MessageType(mt) => (req.mt, typed) = (mt, true),
                o => req.take(o)?,
            }
        }
        // RFC 2131 §3: every DHCP message carries option 53; RFC 4390 §2.1: a
        // client without a hardware address sends a client identifier.
        if !typed || (hlen == 0 && req.client_id.is_none()) {
            return Err(Drop::Malformed);
        }
        Ok(req)
    }

    /// Records an option the server reads; ignores the rest.
    fn take(&mut self, opt: DhcpOption<'_>) -> Result<(), Drop> {
        match opt {
            DhcpOption::ClientIdentifier(id) => self.client_id = Some(id.to_vec()),
            DhcpOption::RequestedIp(a) => self.requested = Some(a),
            DhcpOption::ServerIdentifier(a) => self.server_id = Some(a),
            DhcpOption::ParameterRequestList(codes) => self.prl = Some(Prl::from_codes(codes)),
            DhcpOption::MaxMessageSize(v) => self.max_size = Some(v),
            DhcpOption::RapidCommit => self.rapid_commit = true,
            DhcpOption::RelayAgentInformation(s) => self.relay_info = Some(s.as_bytes().to_vec()),
            // RFC 3396: a long option split over several instances.
            DhcpOption::Long(c) if c.code() == code::PARAMETER_REQUEST_LIST => {
                let mut prl = Prl::default();
                c.fragments().for_each(|f| prl.extend(f));
                self.prl = Some(prl);
            }
            DhcpOption::Long(c) if c.code() == code::CLIENT_IDENTIFIER => {
                // RFC 2132 §9.14 gives the identifier one octet of length; a
                // longer one could not be echoed in one instance, and is refused.
                if c.len() < 2 || c.len() > 255 {
                    return Err(Drop::Malformed);
                }
                self.client_id = Some(c.fragments().flatten().copied().collect());
            }
            _ => {}
        }
        Ok(())
    }

    /// RFC 2131 §4.2: the client is its client identifier when it sends one,
    /// else its hardware address.
    pub(super) fn key(&self) -> ClientKey {
        match &self.client_id {
            Some(id) => ClientKey::Id(id.clone()),
            None => ClientKey::Hardware(self.hw),
        }
    }
}

/// What to do with a DHCPREQUEST (RFC 2131 §4.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Commit binding `i` and send a DHCPACK.
    Ack(usize),
    /// Send a DHCPNAK saying why (option 56).
    Nak(&'static str),
    /// Say nothing.
    Silent,
    /// The client chose another server: forget its offer, say nothing.
    OtherServer,
}

const NAK_NOT_OFFERED: &str = "requested address was not offered";
const NAK_WRONG_NET: &str = "requested address is not on this network";
const NAK_NOT_YOURS: &str = "address is not bound to this client";
const NAK_UNKNOWN: &str = "no binding for this client";

impl Server {
    /// A UDP payload that arrived on port 67 from IP source `src` (0.0.0.0 from
    /// a client without an address). The binding deadlines due at `now` are run
    /// first (as [`handle_timeout`](Self::handle_timeout)); then the message is
    /// answered, acted on, or dropped and counted in [`Stats`](super::Stats). No
    /// payload makes it panic.
    pub fn handle_message(&mut self, now: Instant, src: Ipv4Addr, payload: &[u8]) {
        self.handle_timeout(now);
        self.stats.received += 1;
        let req = match Request::parse(payload, src) {
            Ok(r) => r,
            Err(Drop::Malformed) => return self.stats.dropped_malformed += 1,
            Err(Drop::NotForUs) => return self.stats.dropped_not_for_us += 1,
        };
        // RFC 2131 §4.3.1: a relay's giaddr names the client's network; this
        // server has a pool for its own network only.
        if !req.giaddr.is_unspecified() && !self.cfg.on_subnet(req.giaddr) {
            return self.stats.dropped_not_for_us += 1;
        }
        match req.mt {
            MessageType::Discover => self.on_discover(now, &req),
            MessageType::Request => self.on_request(now, &req),
            MessageType::Decline => self.on_decline(now, &req),
            MessageType::Release => self.on_release(now, &req),
            MessageType::Inform => self.on_inform(&req),
            // Server messages, or types this server does not know (RFC 4388...).
            _ => self.stats.dropped_not_for_us += 1,
        }
    }

    /// RFC 2131 §4.3.1: choose an address, reserve it and offer it; with rapid
    /// commit asked for and allowed, commit it at once (RFC 4039 §4).
    fn on_discover(&mut self, now: Instant, req: &Request) {
        self.stats.discovers += 1;
        if !self.reply_room() {
            return;
        }
        let key = req.key();
        let Some(i) = self.table.allocate(&self.cfg, &key, req.requested) else {
            // RFC 2131 §4.3.1 leaves a server with nothing to offer silent.
            return self.stats.pool_exhausted += 1;
        };
        if self.cfg.rapid_commit && req.rapid_commit {
            // RFC 4039 §4: "the server ... MUST commit the binding ... and send a
            // DHCPACK ... with the Rapid Commit option".
            self.stats.rapid_commits += 1;
            return self.ack(now, req, key, i, true);
        }
        // RFC 4039 §4: a server not configured for rapid commit ignores option 80
        // and answers with a DHCPOFFER. RFC 2131 §4.3.1: "the server SHOULD
        // reserve the offered address".
        self.table.offer(i, now, self.cfg.offer_hold);
        let Some(addr) = self.table.get(i).map(|b| b.addr) else { return };
        self.stats.offers += 1;
        let kind = Kind::Offer(self.lease_times());
        self.replies.push_back(Reply::to(req, kind, addr, false));
    }

    /// RFC 2131 §4.3.2: the client's state is told by the options and `ciaddr`,
    /// and each state has its rule.
    fn on_request(&mut self, now: Instant, req: &Request) {
        self.stats.requests += 1;
        let key = req.key();
        let verdict = match (req.server_id, req.requested) {
            // SELECTING: "'server identifier' MUST be set".
            (Some(sid), _) => self.selecting(&key, sid, req.requested),
            // INIT-REBOOT: "'server identifier' MUST NOT be filled in,
            // 'requested IP address' option MUST be filled in ..., 'ciaddr' MUST
            // be zero".
            (None, Some(addr)) if req.ciaddr.is_unspecified() => self.init_reboot(&key, addr),
            // RENEWING or REBINDING: no server identifier, no requested address,
            // "'ciaddr' MUST be filled in". Told apart by the IP destination,
            // which this server does not need: both are answered alike.
            (None, _) if !req.ciaddr.is_unspecified() => self.renewing(&key, req.ciaddr),
            (None, _) => return self.stats.dropped_malformed += 1,
        };
        if matches!(verdict, Verdict::Ack(_) | Verdict::Nak(_)) && !self.reply_room() {
            return;
        }
        match verdict {
            Verdict::Ack(i) => self.ack(now, req, key, i, false),
            Verdict::Nak(why) => {
                self.stats.naks += 1;
                let nak = Reply::to(req, Kind::Nak(why), Ipv4Addr::UNSPECIFIED, false);
                self.replies.push_back(nak);
            }
            Verdict::Silent => self.stats.ignored += 1,
            Verdict::OtherServer => {
                // RFC 2131 §3.1 step 4: "Those servers not selected by the
                // DHCPREQUEST message use the message as notification that the
                // client has declined that server's offer."
                let offered = self.table.of_client(&key).filter(|&i| {
                    self.table.get(i).is_some_and(|b| b.state == BindingState::Offered)
                });
                if let Some(i) = offered {
                    self.table.withdraw_offer(i);
                }
                self.stats.ignored += 1;
            }
        }
    }

    /// RFC 2131 §4.3.2, SELECTING: our offer, taken up with the address offered.
    fn selecting(&self, key: &ClientKey, sid: Ipv4Addr, requested: Option<Ipv4Addr>) -> Verdict {
        if sid != self.cfg.server_id {
            return Verdict::OtherServer;
        }
        // "'requested IP address' MUST be filled in with the yiaddr value from
        // the chosen DHCPOFFER"; a client already bound is offered its lease.
        let i = self.table.of_client(key).filter(|&i| {
            self.table.get(i).is_some_and(|b| {
                matches!(b.state, BindingState::Offered | BindingState::Bound)
                    && Some(b.addr) == requested
                    && self.cfg.leasable(b.addr)
            })
        });
        // "If the selected server is unable to satisfy the DHCPREQUEST message
        // ..., the server SHOULD respond with a DHCPNAK message."
        i.map_or(Verdict::Nak(NAK_NOT_OFFERED), Verdict::Ack)
    }

    /// RFC 2131 §4.3.2, INIT-REBOOT: the client checks an address it remembers.
    fn init_reboot(&self, key: &ClientKey, addr: Ipv4Addr) -> Verdict {
        // "If the DHCP server detects that the client is on the wrong net ...
        // then the server SHOULD send a DHCPNAK".
        // Unlike "no record of this client" below, this SHOULD holds for a
        // server that is not authoritative too.
        if !self.cfg.on_subnet(addr) {
            return Verdict::Nak(NAK_WRONG_NET);
        }
        match self.table.of_client(key).and_then(|i| Some((i, self.table.get(i)?))) {
            // "... should check if the client's notion of its IP address is
            // correct": it is (a lapsed binding not yet reused is renewed).
            Some((i, b)) if b.addr == addr && self.cfg.leasable(addr) => Verdict::Ack(i),
            // "If not, then the server SHOULD send a DHCPNAK message": this
            // server holds the client's binding, for another address.
            Some((_, b)) if matches!(b.state, BindingState::Offered | BindingState::Bound) => {
                Verdict::Nak(NAK_NOT_YOURS)
            }
            // "If the DHCP server has no record of this client, then it MUST
            // remain silent" (an authoritative one departs: see the type doc),
            // and so for an address bound to another client.
            _ => self.nak_if_authoritative(NAK_UNKNOWN),
        }
    }

    /// RFC 2131 §4.3.2, RENEWING and REBINDING: extend the lease of `ciaddr`.
    fn renewing(&self, key: &ClientKey, ciaddr: Ipv4Addr) -> Verdict {
        let i = self.table.of_client(key).filter(|&i| {
            self.table.get(i).is_some_and(|b| b.addr == ciaddr && self.cfg.leasable(ciaddr))
        });
        match i {
            Some(i) => Verdict::Ack(i),
            // REBINDING: "If the DHCP server has no record of this client, then
            // it MUST remain silent" unless authoritative (see the type doc).
            None => self.nak_if_authoritative(NAK_NOT_YOURS),
        }
    }

    fn nak_if_authoritative(&self, why: &'static str) -> Verdict {
        if self.cfg.authoritative {
            Verdict::Nak(why)
        } else {
            Verdict::Silent
        }
    }

    /// Commits binding `i` for a full lease and queues the DHCPACK (room was
    /// checked): RFC 2131 §4.3.2 for a request, RFC 4039 §4 for a rapid commit.
    fn ack(&mut self, now: Instant, req: &Request, key: ClientKey, i: usize, rapid: bool) {
        let until = (!self.cfg.infinite_lease()).then(|| now + self.cfg.lease_time);
        self.table.bind(i, now, until);
        let Some(addr) = self.table.get(i).map(|b| b.addr) else { return };
        self.stats.acks += 1;
        let kind = Kind::Ack(self.lease_times());
        self.replies.push_back(Reply::to(req, kind, addr, rapid));
        self.raise(Event::Leased { client: key, addr, until });
    }

    /// RFC 2131 §4.3.3: the address is in use elsewhere; the server "MUST mark
    /// the network address as not available".
    fn on_decline(&mut self, now: Instant, req: &Request) {
        self.stats.declines += 1;
        if req.server_id.is_some_and(|s| s != self.cfg.server_id) {
            return self.stats.dropped_not_for_us += 1;
        }
        // RFC 2131 Table 5: a DHCPDECLINE MUST carry the requested address.
        let Some(addr) = req.requested else { return self.stats.dropped_malformed += 1 };
        let key = req.key();
        let taken = self.table.by_addr(addr).is_some_and(|b| {
            matches!(b.state, BindingState::Offered | BindingState::Bound) && b.client != key
        });
        // Only the client the address was offered or leased to can decline it.
        if taken || !self.cfg.leasable(addr) {
            return self.stats.ignored += 1;
        }
        let until = now + self.cfg.decline_hold;
        if self.table.decline(&key, addr, now, until, self.cfg.max_leases) {
            self.raise(Event::Declined { client: key, addr });
        } else {
            self.stats.ignored += 1;
        }
    }

    /// RFC 2131 §4.3.4: "the server marks the network address as not allocated.
    /// The server SHOULD retain a record of the client's initialization
    /// parameters for possible reuse".
    fn on_release(&mut self, now: Instant, req: &Request) {
        self.stats.releases += 1;
        if req.server_id.is_some_and(|s| s != self.cfg.server_id) {
            return self.stats.dropped_not_for_us += 1;
        }
        let key = req.key();
        let held = self.table.of_client(&key).filter(|&i| {
            self.table.get(i).is_some_and(|b| {
                b.addr == req.ciaddr
                    && matches!(b.state, BindingState::Offered | BindingState::Bound)
            })
        });
        match held {
            Some(i) => {
                self.table.release(i, now);
                self.raise(Event::Released { client: key, addr: req.ciaddr });
            }
            None => self.stats.ignored += 1,
        }
    }

    /// RFC 2131 §4.3.5: "The server responds to a DHCPINFORM message by sending a
    /// DHCPACK message directly to the address given in the 'ciaddr' field ...
    /// The server MUST NOT send a lease expiration time to the client and SHOULD
    /// NOT fill in 'yiaddr'."
    fn on_inform(&mut self, req: &Request) {
        self.stats.informs += 1;
        let from = if req.ciaddr.is_unspecified() { req.src } else { req.ciaddr };
        if req.giaddr.is_unspecified() && !from.is_unspecified() && !self.cfg.on_subnet(from) {
            return self.stats.dropped_not_for_us += 1;
        }
        if !self.reply_room() {
            return;
        }
        self.stats.acks += 1;
        self.replies.push_back(Reply::to(req, Kind::InformAck, Ipv4Addr::UNSPECIFIED, false));
    }

    /// Option 51, 58 and 59 for a DHCPOFFER or DHCPACK, in seconds.
    fn lease_times(&self) -> [u32; 3] {
        [self.cfg.lease_secs(), secs(self.cfg.renewal()), secs(self.cfg.rebinding())]
    }
}
