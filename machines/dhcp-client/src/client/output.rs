//! What is sent: each message of RFC 2131 Table 5, built when `poll_transmit`
//! asks, and the retransmission timer armed as it leaves.

use core::net::Ipv4Addr;
use core::time::Duration;

use wirestate_dhcp::{code, Builder, MessageType};
use wirestate_wire::Instant;

use super::{Client, OneShot, State};
use crate::error::CallError;
use crate::random::Entropy;
use crate::timer::Timer;

/// A message to send: `len` octets at the start of the buffer, a UDP datagram
/// from port 68 to port 67 (RFC 2131 §4.1) with these IP addresses. A `dst` of
/// 255.255.255.255 goes to the link-layer broadcast address too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// The message length.
    pub len: usize,
    /// The IP source: 0.0.0.0 until the client has an address (§4.1).
    pub src: Ipv4Addr,
    /// The IP destination: broadcast, or the server when renewing or releasing.
    pub dst: Ipv4Addr,
}

/// The least retransmission wait in RENEWING and REBINDING (§4.4.5).
const RENEW_MIN_WAIT: Duration = Duration::from_secs(60);

/// Octets an option of `len` value octets takes, split as RFC 3396 §5 does.
fn option_room(len: usize) -> usize {
    2 * len.div_ceil(255).max(1) + len
}

impl<R: Entropy> Client<R> {
    /// The buffer [`poll_transmit`](Self::poll_transmit) needs: room for the
    /// largest message this configuration sends, at least 300 octets (RFC 1542
    /// §2.1's BOOTP minimum).
    pub fn transmit_buffer_len(&self) -> usize {
        let c = &self.config;
        let len = |v: Option<usize>| v.map_or(0, option_room);
        let fixed = 240 + 3 + 6 + 6 + 4 + 2 + 1; // header, 53, 50, 54, 57, 80, end
        let variable = option_room(c.parameter_request_list.len())
            + len(c.client_id.as_ref().map(|v| v.len()))
            + len(c.host_name.as_ref().map(|v| v.len()))
            + len(c.vendor_class.as_ref().map(|v| v.len()));
        (fixed + variable).max(300)
    }

    /// The next message to send, written to `buf`.
    ///
    /// # Errors
    /// [`CallError::BufferTooSmall`] if `buf` is shorter than
    /// [`transmit_buffer_len`](Self::transmit_buffer_len); the message stays owed.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<Transmit>, CallError> {
        let need = self.transmit_buffer_len();
        if buf.len() < need {
            return Err(CallError::BufferTooSmall { need });
        }
        // A message owed since before a deadline that has passed (T2, the end of
        // the lease) must not go out as if it had not.
        self.run_due(now);
        if let Some(once) = self.once.take() {
            return Ok(self.one_shot(once, buf));
        }
        if !self.owed {
            return Ok(None);
        }
        self.owed = false;
        let Some(t) = self.current(now, buf) else { return Ok(None) };
        self.stats.sent += 1;
        if self.sent > 0 {
            self.stats.retransmitted += 1;
        }
        self.sent += 1;
        self.first_sent.get_or_insert(now);
        self.arm_retransmit(now);
        Ok(Some(t))
    }

    /// The retransmission deadline after a message leaves (§4.1, §4.4.5).
    fn arm_retransmit(&mut self, now: Instant) {
        let limit = match self.state {
            State::Renewing if !self.lease_is_endless() => {
                self.lease.as_ref().and_then(|l| l.rebind_at())
            }
            State::Rebinding => self.lease.as_ref().and_then(|l| l.expires_at()),
            _ => {
                let wait = self.backoff(self.sent);
                self.timers.set(Timer::Retransmit, now + wait);
                return;
            }
        };
        // §4.4.5: half the time left to T2 (RENEWING) or to the end (REBINDING),
        // at least 60 s; the T2 or expiry timer takes over after that.
        let Some(limit) = limit else { return };
        let left = limit.saturating_duration_since(now);
        let at = now + (left / 2).max(RENEW_MIN_WAIT);
        if at < limit {
            self.timers.set(Timer::Retransmit, at);
        }
    }

    /// `secs` (§2): seconds since the exchange began, at most 65535.
    fn secs(&self, now: Instant) -> u16 {
        now.saturating_duration_since(self.started).as_secs().min(u64::from(u16::MAX)) as u16
    }

    /// The current state's message (Table 5), or `None` if it has none.
    fn current(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        let any = Ipv4Addr::UNSPECIFIED;
        let all = Ipv4Addr::BROADCAST;
        let held = self.lease.as_ref().map(|l| (l.address, l.server));
        // (type, secs, ciaddr, requested (50), server (54), broadcast flag, src, dst)
        let (mt, secs, ciaddr, requested, server, flag, src, dst) = match self.state {
            State::Selecting => {
                self.discover_secs = self.secs(now);
                let secs = self.discover_secs;
                (MessageType::Discover, secs, any, self.hint, None, true, any, all)
            }
            State::Requesting => {
                let o = &self.selected.as_ref()?.lease;
                let (yiaddr, server) = (Some(o.address), Some(o.server));
                (MessageType::Request, self.discover_secs, any, yiaddr, server, true, any, all)
            }
            State::Rebooting => {
                let addr = self.candidate.as_ref()?.address;
                (MessageType::Request, self.secs(now), any, Some(addr), None, true, any, all)
            }
            State::Renewing => {
                let (addr, server) = held?;
                (MessageType::Request, self.secs(now), addr, None, None, false, addr, server)
            }
            State::Rebinding => {
                let (addr, _) = held?;
                (MessageType::Request, self.secs(now), addr, None, None, false, addr, all)
            }
            State::Informing => {
                let addr = self.inform_address;
                (MessageType::Inform, self.secs(now), addr, None, None, false, addr, all)
            }
            _ => return None,
        };
        let len = self.write(buf, mt, secs, ciaddr, requested, server, flag).ok()?;
        Some(Transmit { len, src, dst })
    }

    /// DECLINE (Table 5: `secs` 0, `ciaddr` 0, options 50 and 54, broadcast) or
    /// RELEASE (`ciaddr` the address, option 54, unicast to the server).
    fn one_shot(&mut self, once: OneShot, buf: &mut [u8]) -> Option<Transmit> {
        let any = Ipv4Addr::UNSPECIFIED;
        let (mt, xid, ciaddr, requested, server, src, dst) = match once {
            OneShot::Decline { xid, address, server } => {
                (MessageType::Decline, xid, any, Some(address), server, any, Ipv4Addr::BROADCAST)
            }
            OneShot::Release { xid, address, server } => {
                (MessageType::Release, xid, address, None, server, address, server)
            }
        };
        let keep = core::mem::replace(&mut self.xid, xid);
        let len = self.write(buf, mt, 0, ciaddr, requested, Some(server), false).ok();
        self.xid = keep;
        self.stats.sent += 1;
        Some(Transmit { len: len?, src, dst })
    }

    /// Writes one message; the options each type carries follow Table 5.
    #[allow(clippy::too_many_arguments)]
    fn write(
        &self,
        buf: &mut [u8],
        mt: MessageType,
        secs: u16,
        ciaddr: Ipv4Addr,
        requested: Option<Ipv4Addr>,
        server: Option<Ipv4Addr>,
        broadcast: bool,
    ) -> wirestate_dhcp::Result<usize> {
        let c = &self.config;
        let mut b = Builder::new(buf, mt, self.xid, c.hw_addr.as_bytes())?;
        {
            let mut h = b.header();
            h.set_htype(c.hw_addr.htype);
            h.set_secs(secs);
            h.set_ciaddr(ciaddr);
            h.set_broadcast(broadcast && c.broadcast_flag);
        }
        if let Some(a) = requested {
            b.ipv4(code::REQUESTED_IP, a)?;
        }
        if let Some(s) = server {
            b.ipv4(code::SERVER_IDENTIFIER, s)?;
        }
        if let Some(id) = &c.client_id {
            b.option(code::CLIENT_IDENTIFIER, id)?;
        }
        // Table 5: DECLINE and RELEASE carry no request list, size or names.
        if matches!(mt, MessageType::Decline | MessageType::Release) {
            return b.finish();
        }
        if mt == MessageType::Discover && c.rapid_commit {
            b.option(code::RAPID_COMMIT, &[])?;
        }
        if let Some(size) = c.max_message_size {
            b.u16(code::MAX_MESSAGE_SIZE, size.max(576))?;
        }
        if let Some(name) = &c.host_name {
            b.option(code::HOST_NAME, name.as_bytes())?;
        }
        if let Some(class) = &c.vendor_class {
            b.option(code::VENDOR_CLASS, class)?;
        }
        if !c.parameter_request_list.is_empty() {
            b.option(code::PARAMETER_REQUEST_LIST, &c.parameter_request_list)?;
        }
        b.finish()
    }
}
