//! What arrives: RFC 9293 §3.10.7 step by step, in the order the RFC gives,
//! for CLOSED (§3.10.7.1), LISTEN (§3.10.7.2), SYN-SENT (§3.10.7.3) and the
//! other states (§3.10.7.4), with RFC 5961's hardening and RFC 7323's PAWS.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use wirestate_tcp::{Flags, Repr, SeqNumber};
use wirestate_wire::Instant;

use super::output::PendingRst;
use super::{default_mss, Connection, Event, State, Timer, PAWS_IDLE, TS_LEN};
use crate::cc::CongestionControl;
use crate::ecn::Ecn;
use crate::error::ConnectionError;

impl Connection {
    /// Handles a segment from `remote_ip` (the caller parsed it, checked its checksum
    /// and found this connection by its 4-tuple, or this listener by its port).
    /// [`handle_segment_bytes`](Self::handle_segment_bytes) does the parsing and
    /// the checksum too.
    pub fn handle_segment(&mut self, now: Instant, remote_ip: IpAddr, seg: &Repr<'_>) {
        self.handle_segment_ecn(now, remote_ip, Ecn::NotEct, seg);
    }

    /// [`handle_segment`](Self::handle_segment) with the ECN field of the IP
    /// header it came in (RFC 3168): a CE mark is echoed to the peer once ECN
    /// is negotiated.
    pub fn handle_segment_ecn(
        &mut self,
        now: Instant,
        remote_ip: IpAddr,
        ecn: Ecn,
        seg: &Repr<'_>,
    ) {
        self.stats.segments_received += 1;
        let from = SocketAddr::new(remote_ip, seg.src_port);
        match self.state {
            State::Closed => {
                // RFC 9293 §3.10.7.1.
                self.rst = reset_for(seg).map(|(seq, ack)| PendingRst { to: from, seq, ack });
            }
            State::Listen => self.on_listen(now, remote_ip, seg),
            State::SynSent => self.on_syn_sent(now, seg),
            _ => {
                if ecn == Ecn::Ce || !self.predicted(now, seg) {
                    self.on_synchronized(now, ecn, seg);
                }
            }
        }
    }

    /// RFC 9293 §3.10.7.2.
    fn on_listen(&mut self, now: Instant, remote_ip: IpAddr, seg: &Repr<'_>) {
        if seg.flags.contains(Flags::RST) {
            return; // first: ignore a RST
        }
        if let Some(ack) = seg.ack_number {
            // second: an ACK is bad: <SEQ=SEG.ACK><CTL=RST>.
            let to = SocketAddr::new(remote_ip, seg.src_port);
            self.rst = Some(PendingRst { to, seq: ack, ack: None });
            return;
        }
        if !seg.flags.contains(Flags::SYN) {
            return; // fourth: other text or control, drop
        }
        // third: a SYN.
        let remote = SocketAddr::new(remote_ip, seg.src_port);
        self.set_remote(remote);
        self.choose_iss(now, remote);
        self.irs = seg.seq_number;
        self.rcv_nxt = seg.seq_number + 1;
        self.rcv_adv = self.rcv_nxt;
        self.negotiate(now, seg);
        self.snd_wnd = usize::from(seg.window_len); // never scaled in a SYN
        self.max_snd_wnd = self.snd_wnd;
        self.state = State::SynReceived;
        self.syn_due = true;
        self.unacked_since = Some(now);
        self.ecn_on_syn(seg);
        self.queue_syn_text(seg);
    }

    /// RFC 9293 §3.10.7.2 and §3.10.7.3: text on a SYN "should be queued for
    /// processing later", once the connection is ESTABLISHED. It waits in the
    /// receive buffer, unread and unacknowledged, and
    /// [`deliver_syn_text`](Self::deliver_syn_text) makes it readable.
    fn queue_syn_text(&mut self, seg: &Repr<'_>) {
        let take = seg.payload.len().min(self.recv_buf.window());
        let text = seg.payload.get(..take).unwrap_or_default();
        if !text.is_empty() && self.recv_buf.stage_in_order(text).is_some() {
            self.syn_text = take;
            if seg.flags.contains(Flags::FIN) {
                // A FIN after the text (SYN,FIN): processed with it.
                self.syn_fin = true;
            }
        } else if seg.flags.contains(Flags::FIN) {
            self.syn_fin = true;
        }
    }

    /// The text (and FIN) a SYN carried, now that the connection is ESTABLISHED.
    fn deliver_syn_text(&mut self, now: Instant) {
        let n = core::mem::take(&mut self.syn_text);
        if n > 0 {
            let advanced = self.recv_buf.commit_staged(n);
            self.rcv_nxt += advanced;
            self.stats.bytes_received += advanced as u64;
            self.unacked_bytes += advanced;
            self.raise(Event::Readable);
            self.schedule_ack(now);
        }
        if core::mem::take(&mut self.syn_fin) {
            let fin = self.rcv_nxt;
            self.on_fin(now, fin);
        }
    }

    /// Reads the options of the peer's SYN (RFC 9293 §3.7.1, RFC 7323 §1.3, RFC 2018
    /// §2): what this end offered and the peer offered too is on.
    fn negotiate(&mut self, now: Instant, seg: &Repr<'_>) {
        let peer_mss = seg.max_seg_size.map_or_else(
            || default_mss(self.remote.map_or(self.local.ip(), |r| r.ip())),
            usize::from,
        );
        if self.cfg.window_scaling {
            if let Some(shift) = seg.window_scale {
                self.rcv_wscale = self.cfg.window_shift();
                // RFC 7323 §2.3: a shift above 14 is taken as 14.
                self.snd_wscale = shift.min(14);
                self.wscale_ok = true;
            }
        }
        self.sack_ok = self.cfg.sack && seg.sack_permitted;
        match (self.ts, seg.timestamps) {
            (Some(mut ts), Some((tsval, _))) => {
                ts.recent = tsval;
                ts.recent_at = now;
                self.ts = Some(ts);
            }
            _ => self.ts = None,
        }
        let ts_len = if self.ts.is_some() { TS_LEN } else { 0 };
        self.smss = peer_mss.min(usize::from(self.cfg.mss)).saturating_sub(ts_len).max(1);
        self.cc.init(self.smss);
    }

    /// RFC 9293 §3.10.7.3.
    fn on_syn_sent(&mut self, now: Instant, seg: &Repr<'_>) {
        // first: the ACK.
        if let Some(ack) = seg.ack_number {
            if ack.le(self.iss) || ack.gt(self.snd_max) {
                if let Some(to) = self.remote.filter(|_| !seg.flags.contains(Flags::RST)) {
                    self.rst = Some(PendingRst { to, seq: ack, ack: None });
                }
                return;
            }
        }
        let ack_ok = seg.ack_number.is_some();
        // second: RST. Acceptable only if it acknowledges the SYN (RFC 5961 §3.2 leaves
        // SYN-SENT to RFC 9293's rule): "connection refused".
        if seg.flags.contains(Flags::RST) {
            if ack_ok {
                self.lose(ConnectionError::Refused);
            }
            return;
        }
        // fourth: SYN.
        if !seg.flags.contains(Flags::SYN) {
            return;
        }
        self.irs = seg.seq_number;
        self.rcv_nxt = seg.seq_number + 1;
        // Our SYN advertised a window (unscaled): its right edge starts here.
        self.rcv_adv = self.rcv_nxt;
        let (_, edge) = self.window_to_advertise(true);
        self.rcv_adv = edge;
        self.negotiate(now, seg);
        if let Some(ack) = seg.ack_number {
            self.ecn_on_syn_ack(seg);
            self.established_from_syn_sent(now, seg, ack);
        } else {
            // Simultaneous open: SYN-RECEIVED, send SYN,ACK with our ISS; text
            // on the SYN waits for ESTABLISHED.
            self.state = State::SynReceived;
            self.snd_wnd = usize::from(seg.window_len);
            self.max_snd_wnd = self.snd_wnd;
            self.snd_nxt = self.iss;
            self.syn_due = true;
            self.ecn_on_syn(seg);
            self.queue_syn_text(seg);
        }
    }

    /// The peer's SYN,ACK acknowledged our SYN: ESTABLISHED (RFC 9293 §3.10.7.3).
    fn established_from_syn_sent(&mut self, now: Instant, seg: &Repr<'_>, ack: SeqNumber) {
        self.snd_una = ack;
        self.snd_nxt = self.snd_nxt.max(ack);
        self.rtt_timer_sample(now, seg, ack);
        self.snd_wnd = usize::from(seg.window_len) << self.snd_wscale;
        self.max_snd_wnd = self.snd_wnd;
        self.snd_wl1 = seg.seq_number;
        self.snd_wl2 = ack;
        self.state = State::Established;
        self.syn_due = false;
        self.timers.clear(Timer::Retransmit);
        self.backoffs = 0;
        self.unacked_since = None;
        self.ack_now = true;
        self.raise(Event::Connected);
        self.arm_keepalive(now);
        // Data or FIN in the SYN-ACK: RFC 9293 §3.10.7.3 continues at the sixth
        // step; this end processes them as in ESTABLISHED.
        if !seg.payload.is_empty() || seg.flags.contains(Flags::FIN) {
            self.on_text_and_fin(now, seg);
        }
    }

    /// Sends a challenge ACK (RFC 5961 §3.2, §4.2, §5.2), rate limited (§7).
    fn challenge_ack(&mut self, now: Instant) {
        let (start, count) = self.challenge_window;
        let (start, count) =
            if now - start >= Duration::from_secs(1) { (now, 0) } else { (start, count) };
        if count < self.cfg.challenge_ack_limit {
            self.ack_now = true;
            self.stats.challenge_acks += 1;
            self.challenge_window = (start, count + 1);
        } else {
            self.challenge_window = (start, count);
        }
    }

    /// The window this end advertised last: RCV.WND.
    pub(super) fn rcv_wnd(&self) -> u32 {
        // What was advertised, or more when the buffer has room for more (as
        // BSD does): bytes past the advertised edge that fit are kept, not
        // dropped for the peer to send again.
        // A handshake from LISTEN holds no buffer yet: only what it advertised.
        let advertised = self.rcv_adv.offset_from(self.rcv_nxt);
        if self.state == State::SynReceived && self.passive {
            return advertised;
        }
        let room = u32::try_from(self.recv_buf.window()).unwrap_or(u32::MAX);
        advertised.max(room)
    }

    /// RFC 9293 §3.10.7.4, for SYN-RECEIVED and every synchronized state, in the
    /// RFC's order of steps.
    pub(super) fn on_synchronized(&mut self, now: Instant, ecn: Ecn, seg: &Repr<'_>) {
        let rst = seg.flags.contains(Flags::RST);
        if self.state == State::SynReceived
            && seg.flags.contains(Flags::SYN)
            && !rst
            && seg.ack_number.is_none()
            && seg.seq_number == self.irs
        {
            // The peer's SYN again (our SYN,ACK was lost or is slow): answer it again.
            self.syn_due = true;
            return;
        }
        let (seq, seg_len, syn) = self.trim_repeated_syn(seg);
        // RFC 7323 §5.3 PAWS, before the sequence check.
        if self.paws_rejects(now, seg) {
            return;
        }
        // first: sequence number acceptability. A SYN gets its challenge ACK
        // "irrespective of the sequence number" (RFC 5961 §4.2, RFC 9293
        // §3.10.7.4 fourth step), rate limited, in or out of the window.
        if !self.acceptable(seq, seg_len) {
            if syn && !rst {
                self.challenge_ack(now);
                return;
            }
            self.on_unacceptable(now, seg);
            return;
        }
        // second: RST (RFC 5961 §3.2).
        if rst {
            self.on_rst(now, seg);
            return;
        }
        // fourth: SYN (RFC 5961 §4.2: a challenge ACK in every synchronized state).
        if syn {
            self.challenge_ack(now);
            return;
        }
        self.ecn_on_arrival(ecn, seg);
        // fifth: ACK. Without one the segment is dropped; with one that is not
        // acceptable too (RFC 5961 §5.2, SND.NXT < SEG.ACK): TS.Recent moves
        // only for a segment that is kept (RFC 7323 §4.3, §5.3 R3), or a forged
        // or stray ACK would make every later good segment fail PAWS.
        let Some(ack) = seg.ack_number else { return };
        if !self.ack_acceptable(ack) {
            self.challenge_ack(now);
            return;
        }
        self.update_ts_recent(now, seg);
        if !self.on_ack_field(now, seg, ack) {
            return;
        }
        // sixth: URG.
        self.on_urg(seg);
        // seventh and eighth: text and FIN.
        self.on_text_and_fin(now, seg);
    }

    /// The segment's sequence number, length and SYN flag as the checks see them.
    /// The peer's SYN,ACK in SYN-RECEIVED (simultaneous open, RFC 9293 §3.5
    /// figure 7; in a synchronized state any SYN draws a challenge ACK): the SYN
    /// lies before the window and is trimmed off (§3.10.7.4: "trimming off any
    /// portions that lie outside the window (including SYN and FIN)"); the rest is
    /// processed.
    fn trim_repeated_syn(&self, seg: &Repr<'_>) -> (SeqNumber, u32, bool) {
        let seg_len = seg.segment_len() as u32;
        let seq = seg.seq_number;
        let syn = seg.flags.contains(Flags::SYN);
        if syn
            && self.state == State::SynReceived
            && seg.ack_number.is_some()
            && seq == self.irs
            && self.rcv_nxt == self.irs + 1
        {
            return (seq + 1, seg_len - 1, false);
        }
        (seq, seg_len, syn)
    }

    /// RFC 7323 §5.3 PAWS: a segment other than a RST whose timestamp is older than
    /// TS.Recent (while TS.Recent is fresh, §5.5) is acknowledged and dropped.
    fn paws_rejects(&mut self, now: Instant, seg: &Repr<'_>) -> bool {
        if let (Some(ts), Some((tsval, _))) = (self.ts, seg.timestamps) {
            let older = (tsval.wrapping_sub(ts.recent) as i32) < 0;
            if older && !seg.flags.contains(Flags::RST) && now - ts.recent_at < PAWS_IDLE {
                self.ack_now = true;
                return true;
            }
        }
        false
    }

    /// RFC 9293 §3.10.7.4 first step: the four cases of sequence number
    /// acceptability, for `len` octets of sequence space from `seq`.
    fn acceptable(&self, seq: SeqNumber, len: u32) -> bool {
        let wnd = self.rcv_wnd();
        match (len, wnd) {
            (0, 0) => seq == self.rcv_nxt,
            (0, w) => seq.in_window(self.rcv_nxt, w),
            (_, 0) => false,
            (l, w) => {
                seq.in_window(self.rcv_nxt, w)
                    || (seq + (l as usize - 1)).in_window(self.rcv_nxt, w)
            }
        }
    }

    /// An unacceptable segment: an ACK answers it unless it is a RST (RFC 9293
    /// §3.10.7.4). A zero window still takes ACKs, RST and the window in a
    /// zero-length segment at RCV.NXT (§3.10.7.4 note); the test has them.
    fn on_unacceptable(&mut self, now: Instant, seg: &Repr<'_>) {
        if !seg.flags.contains(Flags::RST) {
            self.ack_now = true;
            // Data wholly received before: reported by D-SACK (RFC 2883 §4.1.1).
            let end = seg.seq_number + seg.payload.len();
            if !seg.payload.is_empty() && end.le(self.rcv_nxt) {
                self.dsack = Some((seg.seq_number, end));
            }
            if self.state == State::TimeWait && seg.flags.contains(Flags::FIN) {
                self.restart_time_wait(now);
            }
        }
    }

    /// RFC 7323 §4.3: TS.Recent from a segment covering the last ACK sent.
    fn update_ts_recent(&mut self, now: Instant, seg: &Repr<'_>) {
        if let (Some(mut ts), Some((tsval, _))) = (self.ts, seg.timestamps) {
            if seg.seq_number.le(self.last_ack_sent) && (tsval.wrapping_sub(ts.recent) as i32) >= 0
            {
                ts.recent = tsval;
                ts.recent_at = now;
                self.ts = Some(ts);
            }
        }
    }

    /// The second step, an acceptable RST (RFC 5961 §3.2): at exactly RCV.NXT it
    /// resets, anywhere else in the window it draws a challenge ACK.
    fn on_rst(&mut self, now: Instant, seg: &Repr<'_>) {
        if seg.seq_number != self.rcv_nxt {
            self.challenge_ack(now);
        } else if self.state == State::SynReceived && self.passive {
            // RFC 9293 §3.10.7.4: a connection that came from LISTEN
            // returns to LISTEN; the user need not be informed.
            self.return_to_listen();
        } else if self.state == State::SynReceived {
            // From an active open: "the user should be informed that the
            // connection was refused" (RFC 9293 §3.10.7.4).
            self.lose(ConnectionError::Refused);
        } else if self.state == State::TimeWait && self.cfg.rfc1337 {
            // RFC 1337 TIME-WAIT assassination protection: the RST is ignored
            // and TIME-WAIT runs its course.
        } else {
            self.lose(ConnectionError::Reset);
        }
    }

    /// The fifth step, the ACK field; `false` when the segment is done with.
    fn on_ack_field(&mut self, now: Instant, seg: &Repr<'_>, ack: SeqNumber) -> bool {
        if self.state == State::SynReceived && !self.on_syn_received_ack(now, seg, ack) {
            return false;
        }
        self.on_ack(now, seg, ack);
        if self.state == State::Closed {
            return false;
        }
        // RFC 9293 §3.10.7.4 fifth step, per state: our FIN acknowledged?
        let fin_acked = self.fin_queued && self.snd_una == self.fin_seq() + 1;
        match self.state {
            State::FinWait1 if fin_acked => self.state = State::FinWait2,
            State::Closing if fin_acked => {
                self.enter_time_wait(now);
                return false;
            }
            State::LastAck if fin_acked => {
                self.enter_closed(Event::Closed);
                return false;
            }
            State::TimeWait => {
                // Only a retransmitted FIN should arrive: acknowledge it, restart
                // 2 MSL. Anything else but an exact duplicate ACK is answered
                // with an ACK too (as BSD does), so a peer that lost our last
                // ACK, or is confused, learns where we stand.
                if seg.flags.contains(Flags::FIN) {
                    self.ack_now = true;
                    self.restart_time_wait(now);
                } else if !seg.payload.is_empty()
                    || seg.seq_number != self.rcv_nxt
                    || ack != self.snd_max
                {
                    self.ack_now = true;
                }
                return false;
            }
            _ => {}
        }
        true
    }

    /// RFC 5961 §5.2: an ACK outside SND.UNA - MAX.SND.WND ..= SND.NXT is
    /// answered with an ACK and dropped. (In SYN-RECEIVED the ACK must
    /// acknowledge our SYN; `on_syn_received_ack` answers one that does not.)
    fn ack_acceptable(&self, ack: SeqNumber) -> bool {
        if self.state == State::SynReceived {
            return true;
        }
        let max_wnd = self.max_snd_wnd.min(1 << 30);
        let lowest = self.snd_una - max_wnd;
        !(ack.lt(lowest) || ack.gt(self.snd_max))
    }

    /// SYN-RECEIVED's ACK: one of our SYN makes the connection ESTABLISHED (and
    /// returns `true`); any other is answered with <SEQ=SEG.ACK><CTL=RST>.
    fn on_syn_received_ack(&mut self, now: Instant, seg: &Repr<'_>, ack: SeqNumber) -> bool {
        if !(ack.gt(self.snd_una) && ack.le(self.snd_max)) {
            if let Some(to) = self.remote {
                self.rst = Some(PendingRst { to, seq: ack, ack: None });
            }
            return false;
        }
        // RFC 9293: SYN-RECEIVED -> ESTABLISHED.
        self.state = State::Established;
        self.syn_due = false;
        self.snd_wnd = usize::from(seg.window_len) << self.snd_wscale;
        self.max_snd_wnd = self.snd_wnd;
        self.snd_wl1 = seg.seq_number;
        self.snd_wl2 = ack;
        self.raise(Event::Connected);
        self.arm_keepalive(now);
        if self.fin_queued {
            // close() was called in SYN-RECEIVED: the FIN is on its way.
            self.state = State::FinWait1;
        }
        self.deliver_syn_text(now);
        true
    }

    /// The sixth step, URG (RFC 9293 §3.10.7.4), where data can still arrive:
    /// RCV.UP moves to the larger pointer, and the user hears of it when it is
    /// ahead of what was read. Urgent bytes are read in line.
    fn on_urg(&mut self, seg: &Repr<'_>) {
        if seg.flags.contains(Flags::URG)
            && matches!(self.state, State::Established | State::FinWait1 | State::FinWait2)
        {
            let up = seg.seq_number + usize::from(seg.urgent_at);
            if self.rcv_up.is_none_or(|old| up.gt(old)) {
                self.rcv_up = Some(up);
                if self.urgent_remaining() > 0 {
                    self.raise(Event::Urgent);
                } else {
                    self.rcv_up = None;
                }
            }
        }
    }

    /// The sequence number of this end's FIN (when queued).
    pub(super) fn fin_seq(&self) -> SeqNumber {
        self.snd_buf_seq + self.send_buf.len()
    }

    /// The ACK field of an acceptable segment in a synchronized state.
    fn on_ack(&mut self, now: Instant, seg: &Repr<'_>, ack: SeqNumber) {
        let old_wnd = self.snd_wnd;
        self.probes_unanswered = 0;
        if self.snd_wnd == 0 && self.persisting() {
            // A zero window the peer keeps answering is progress for the user
            // timeout too (RFC 9293 §3.8.6.1).
            self.unacked_since = self.unacked_since.map(|_| now);
        }
        let mut new_sack = false;
        if self.sack_ok {
            for (l, r) in seg.sack_ranges.iter() {
                // Only blocks inside SND.UNA..SND.MAX mean anything (RFC 2018 §4).
                if l.ge(self.snd_una) && r.le(self.snd_max) && l.lt(r) {
                    new_sack |= self.scoreboard.insert(l, r);
                }
            }
        }
        let flight = self.snd_max.offset_from(self.snd_una) as usize;
        if ack.gt(self.snd_una) {
            self.on_new_ack(now, seg, ack);
        } else if ack == self.snd_una {
            // In flight: SND.NXT past SND.UNA (a zero-window probe does not count).
            let flight = self.bytes_in_flight() > 0;
            let window = (usize::from(seg.window_len) << self.snd_wscale) == old_wnd;
            let pure = seg.payload.is_empty() && !seg.flags.intersects(Flags::SYN | Flags::FIN);
            // RFC 5681 §2's duplicate ACK; RFC 6675 counts an ACK with new SACK data.
            if flight && pure && (window || new_sack) {
                self.on_dup_ack(now);
            }
        }
        if self.ecn.on {
            self.ecn_on_ece(now, seg, ack, flight);
        }
        self.detect_lost_retransmission();
        // RFC 9293 §3.10.7.4: window update if the segment is newer.
        if self.snd_wl1.lt(seg.seq_number)
            || (self.snd_wl1 == seg.seq_number && self.snd_wl2.le(ack))
        {
            self.snd_wnd = usize::from(seg.window_len) << self.snd_wscale;
            self.max_snd_wnd = self.max_snd_wnd.max(self.snd_wnd);
            self.snd_wl1 = seg.seq_number;
            self.snd_wl2 = ack;
            if self.snd_wnd > 0 {
                self.timers.clear(Timer::Persist);
                self.persist_backoff = 0;
                self.probe_due = false;
            }
        }
        if self.keepalive_sent > 0 || self.keepalive_armed() {
            self.arm_keepalive(now);
        }
    }

    /// An ACK of new data: release it, take the RTT sample, let recovery and the
    /// congestion controller know, and restart or stop the retransmission timer.
    fn on_new_ack(&mut self, now: Instant, seg: &Repr<'_>, ack: SeqNumber) {
        let acked = ack.offset_from(self.snd_una) as usize;
        let flight_before = self.snd_max.offset_from(self.snd_una) as usize;
        let sample = self.rtt_timer_sample(now, seg, ack);
        self.hystart(now, ack, sample);
        // Release acknowledged data (the SYN and FIN take a number but no buffer).
        if ack.gt(self.snd_buf_seq) {
            let data = (ack.offset_from(self.snd_buf_seq) as usize).min(self.send_buf.len());
            let was_full = self.send_buf.free() == 0;
            self.send_buf.ack(data);
            self.snd_buf_seq += data;
            if data > 0 && (was_full || self.send_buf.free() >= self.send_buf.capacity() / 2) {
                self.raise(Event::Writable);
            }
        }
        self.snd_una = ack;
        if self.snd_up.is_some_and(|up| ack.ge(up)) {
            self.snd_up = None; // the urgent data is acknowledged: urgent mode ends
        }
        if self.snd_nxt.lt(ack) {
            self.snd_nxt = ack;
        }
        self.scoreboard.prune(ack);
        self.backoffs = 0;
        self.recovery_on_new_ack(now, ack, acked, flight_before);
        // RFC 6298 §5.2/5.3: stop the timer when all is acknowledged, else restart.
        if self.snd_una == self.snd_max {
            self.timers.clear(Timer::Retransmit);
            self.unacked_since = None;
        } else {
            self.unacked_since = Some(now);
            self.arm_rto(now);
        }
    }

    /// The seventh and eighth steps: segment text, then FIN.
    pub(super) fn on_text_and_fin(&mut self, now: Instant, seg: &Repr<'_>) {
        let can_receive =
            matches!(self.state, State::Established | State::FinWait1 | State::FinWait2);
        let mut seq = seg.seq_number;
        if seg.flags.contains(Flags::SYN) {
            seq += 1;
        }
        let new_data = (seq + seg.payload.len()).gt(self.rcv_nxt);
        if self.read_closed && !seg.payload.is_empty() && new_data {
            // The user closed and will read nothing more: the peer learns its
            // data was lost (RFC 1122 §4.2.2.13).
            self.abort();
            return;
        }
        if can_receive && !seg.payload.is_empty() {
            self.on_text(now, seq, seg.payload);
        } else if !seg.payload.is_empty() {
            self.ack_now = true;
        }
        // FIN.
        if seg.flags.contains(Flags::FIN) && !self.fin_received {
            let fin = seg.seq_number + (seg.segment_len() - 1);
            if fin.ge(self.rcv_nxt) {
                self.pending_fin = Some(fin);
            }
        }
        if let Some(fin) = self.pending_fin.filter(|&f| f == self.rcv_nxt) {
            self.pending_fin = None;
            self.on_fin(now, fin);
        } else if seg.flags.contains(Flags::FIN) {
            self.ack_now = true;
        }
    }

    /// The seventh step: `payload`, starting at `seq`, into the receive window.
    fn on_text(&mut self, now: Instant, mut seq: SeqNumber, mut payload: &[u8]) {
        // Trim what was already received: a duplicate, reported by D-SACK
        // (RFC 2883 §4.1.1).
        if seq.lt(self.rcv_nxt) {
            let skip = (self.rcv_nxt.offset_from(seq) as usize).min(payload.len());
            if skip > 0 {
                self.dsack = Some((seq, seq + skip));
            }
            payload = payload.get(skip..).unwrap_or_default();
            seq = self.rcv_nxt;
        }
        let off = seq.offset_from(self.rcv_nxt) as usize;
        let window = self.rcv_wnd() as usize;
        let room = window.saturating_sub(off);
        let take = payload.get(..payload.len().min(room)).unwrap_or_default();
        if take.is_empty() {
            self.ack_now = true;
            return;
        }
        if self.dsack.is_none() {
            // Out-of-order bytes held already: a duplicate too (RFC 2883 §4.1.2).
            self.dsack = self.held_overlap(seq, take.len());
        }
        let advanced = self.recv_buf.write(off, take);
        if off > 0 {
            // Out of order: its block goes first in the SACK option (RFC 2018
            // §4), and the ACK goes at once (RFC 5681 §4.2).
            if let Some(block) = self.block_around(seq) {
                self.sack_reported.note(block);
            }
            self.ack_now = true;
            return;
        }
        let filled_hole = advanced > take.len() || !self.recv_buf.ooo.is_empty();
        self.rcv_nxt += advanced;
        self.stats.bytes_received += advanced as u64;
        self.unacked_bytes += advanced;
        self.raise(Event::Readable);
        if filled_hole || !self.sack_reported.is_empty() || self.dsack.is_some() {
            self.ack_now = true; // RFC 5681 §4.2: filling a hole
        }
        self.refresh_reported();
        self.schedule_ack(now);
    }

    /// The first part of `len` bytes from `seq` that the out-of-order queue
    /// already holds.
    fn held_overlap(&self, seq: SeqNumber, len: usize) -> Option<(SeqNumber, SeqNumber)> {
        let start = seq.offset_from(self.rcv_nxt);
        let end = start.saturating_add(len as u32);
        self.recv_buf.ooo.ranges().iter().find_map(|&(s, e)| {
            let (l, r) = (s.max(start), e.min(end));
            (l < r).then(|| (self.rcv_nxt + l as usize, self.rcv_nxt + r as usize))
        })
    }

    /// The eighth step: the peer's FIN, now in order.
    fn on_fin(&mut self, now: Instant, fin: SeqNumber) {
        if !matches!(
            self.state,
            State::SynReceived | State::Established | State::FinWait1 | State::FinWait2
        ) {
            self.ack_now = true;
            return;
        }
        self.rcv_nxt = fin + 1;
        self.fin_received = true;
        self.ack_now = true;
        self.raise(Event::PeerClosed);
        let fin_acked = self.fin_queued && self.snd_una == self.fin_seq() + 1;
        match self.state {
            State::SynReceived | State::Established => self.state = State::CloseWait,
            State::FinWait1 if fin_acked => self.enter_time_wait(now),
            State::FinWait1 => self.state = State::Closing,
            State::FinWait2 => self.enter_time_wait(now),
            _ => {}
        }
    }

    /// The SACK block (in sequence numbers) of the out-of-order range that holds
    /// `seq`, if the assembler holds it: only bytes really kept are ever reported
    /// (a block for bytes the assembler had no room for would tell the sender to
    /// skip them, and it would then wait for a timeout to send them again).
    fn block_around(&self, seq: SeqNumber) -> Option<(SeqNumber, SeqNumber)> {
        let off = seq.offset_from(self.rcv_nxt);
        self.recv_buf
            .ooo
            .ranges()
            .iter()
            .find(|&&(s, e)| s <= off && off < e)
            .map(|&(s, e)| (self.rcv_nxt + s as usize, self.rcv_nxt + e as usize))
    }

    fn refresh_reported(&mut self) {
        let mut reported = self.sack_reported;
        reported.refresh(self.rcv_nxt, |seq| self.block_around(seq));
        self.sack_reported = reported;
    }

    /// RFC 9293 §3.8.6.3 / RFC 5681 §4.2: an ACK for at least every second full
    /// segment, otherwise within the delayed ACK timer.
    pub(super) fn schedule_ack(&mut self, now: Instant) {
        match self.cfg.delayed_ack {
            None => self.ack_now = true,
            Some(_) if self.unacked_bytes >= 2 * self.smss => self.ack_now = true,
            Some(d) => {
                if self.timers.get(Timer::DelayedAck).is_none() {
                    self.timers.set(Timer::DelayedAck, now + d);
                }
            }
        }
    }
}

/// RFC 9293 §3.10.7.1: the reset answering `seg` when no connection exists, as
/// `(seq, ack)`; `None` for a RST (never answered).
///
/// ```
/// use wirestate_tcp::{Flags, Repr, SeqNumber};
/// use wirestate_tcp_conn::reset_for;
/// let syn = Repr { flags: Flags::SYN, ..Repr::new(40000, 80, SeqNumber(100)) };
/// // No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
/// assert_eq!(reset_for(&syn), Some((SeqNumber(0), Some(SeqNumber(101)))));
/// // A RST is never answered.
/// let rst = Repr { flags: Flags::RST, ..Repr::new(40000, 80, SeqNumber(100)) };
/// assert_eq!(reset_for(&rst), None);
/// ```
pub fn reset_for(seg: &Repr<'_>) -> Option<(SeqNumber, Option<SeqNumber>)> {
    if seg.flags.contains(Flags::RST) {
        return None;
    }
    Some(match seg.ack_number {
        Some(ack) => (ack, None),
        None => (SeqNumber(0), Some(seg.seq_number + seg.segment_len())),
    })
}
