//! What is sent: [`Connection::poll_transmit`] and every segment it writes, in
//! the order they are owed (a reset, the SYN, loss recovery, new data and FIN, a
//! zero-window probe, a keepalive, a pure ACK), with the window this end
//! advertises (RFC 9293 §3.8.6.2.2) and the options each segment carries.

use core::net::SocketAddr;

use wirestate_tcp::{Flags, Repr, Segment, SeqNumber, HEADER_LEN, MAX_HEADER_LEN};
use wirestate_wire::Instant;

use super::{ms_clock, Connection, State, Timer};
use crate::ecn::Ecn;
use crate::error::CallError;

/// A segment [`Connection::poll_transmit`] wrote: `buf[..len]` is the TCP segment,
/// checksum filled for the pseudo-header of `local` to `remote`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Bytes written at the start of the buffer.
    pub len: usize,
    /// Source address and port.
    pub local: SocketAddr,
    /// Destination address and port.
    pub remote: SocketAddr,
    /// The ECN field for the IP header (RFC 3168): ECT(0) on new data once ECN
    /// was negotiated, Not-ECT otherwise.
    pub ecn: Ecn,
}

/// A reset to send: RFC 9293 §3.10.7.1's two forms.
#[derive(Debug, Clone, Copy)]
pub(super) struct PendingRst {
    pub(super) to: SocketAddr,
    pub(super) seq: SeqNumber,
    pub(super) ack: Option<SeqNumber>,
}

impl Connection {
    /// The least buffer [`poll_transmit`](Self::poll_transmit) accepts: 60 octets
    /// of header (20, and 40 of options at most) plus the largest payload it may
    /// send, the greater of `Config::mss` and the effective send MSS.
    pub fn transmit_buffer_len(&self) -> usize {
        MAX_HEADER_LEN + usize::from(self.cfg.mss).max(self.smss)
    }

    /// Writes the next segment this connection owes into `buf`, if any:
    /// `Ok(None)` when nothing is owed. Call until `Ok(None)` after every input
    /// (see the contract on [`Connection`]).
    ///
    /// # Errors
    /// `BufferTooSmall` when `buf` is shorter than
    /// [`transmit_buffer_len`](Self::transmit_buffer_len); nothing changes then,
    /// and what was owed is still owed.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<Transmit>, CallError> {
        let need = self.transmit_buffer_len();
        if buf.len() < need {
            return Err(CallError::BufferTooSmall { need });
        }
        Ok(self.next_transmit(now, buf))
    }

    /// [`poll_transmit`](Self::poll_transmit) with a buffer known to hold any
    /// segment.
    fn next_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if let Some(rst) = self.rst.take() {
            return self.write_rst(buf, rst);
        }
        self.remote?;
        match self.state {
            State::Closed | State::Listen => return None,
            State::SynSent | State::SynReceived => {
                if self.syn_due {
                    return self.write_syn(now, buf);
                }
                if self.state == State::SynSent {
                    return None;
                }
            }
            _ => {}
        }
        if self.state == State::TimeWait || self.state == State::SynReceived {
            return self.write_ack_if_due(now, buf);
        }
        if let Some(t) = self.write_recovery(now, buf) {
            return Some(t);
        }
        if let Some(t) = self.write_data(now, buf) {
            return Some(t);
        }
        if self.probe_due {
            self.probe_due = false;
            if let Some(t) = self.write_probe(now, buf) {
                return Some(t);
            }
        }
        if self.keepalive_due {
            self.keepalive_due = false;
            // RFC 1122 §4.2.3.6: SEG.SEQ = SND.NXT - 1, no data (SND.MAX here, as for
            // pure ACKs).
            let seq = self.snd_max - 1;
            return self.write_segment(now, buf, seq, Flags::EMPTY, 0, false);
        }
        self.write_ack_if_due(now, buf)
    }

    fn write_ack_if_due(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if !self.ack_now {
            return None;
        }
        // After a timeout SND.NXT went back for retransmission; a pure ACK carries
        // the next new number instead, as BSD does (the peer may already hold
        // everything up to SND.MAX, and would find SND.NXT outside its window).
        let seq = self.snd_max;
        self.write_segment(now, buf, seq, Flags::EMPTY, 0, false)
    }

    /// Loss recovery's retransmissions (RFC 5681 §3.2 fast retransmit, RFC 6582,
    /// RFC 6675 §5 NextSeg rule 1).
    fn write_recovery(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        let mut rec = self.recovery?;
        let data_end = self.snd_buf_seq + self.send_buf.len();
        if rec.resend_una {
            rec.resend_una = false;
            self.recovery = Some(rec);
            let seq = self.snd_una;
            let len = self.segment_len_at(seq, data_end);
            let fin =
                self.fin_queued && seq + len == self.fin_seq() && self.snd_max.gt(self.fin_seq());
            if len == 0 && !fin {
                return None;
            }
            let end = seq + len + usize::from(fin);
            if rec.high_rxt.lt(end) {
                rec.high_rxt = end;
            }
            rec.rxt_mark = self.snd_max;
            self.recovery = Some(rec);
            self.stats.retransmits += 1;
            self.stats.bytes_retransmitted += len as u64;
            return self.write_segment(now, buf, seq, Flags::EMPTY, len, fin);
        }
        if !self.sack_ok {
            return None;
        }
        // NextSeg rule 1: the first un-SACKed, lost byte at or past HighRxt.
        let cwnd = self.congestion_window();
        if self.pipe() + self.smss > cwnd {
            return None;
        }
        let highest = self.scoreboard.highest()?;
        let mut seq = rec.high_rxt.max(self.snd_una);
        while seq.lt(highest) {
            if let Some(end) = self.scoreboard.sacked_end(seq) {
                seq = end;
                continue;
            }
            if !self.scoreboard.is_lost(seq, self.smss) {
                return None;
            }
            let mut len = self.segment_len_at(seq, data_end);
            if let Some(next) = self.scoreboard.next_sacked(seq) {
                len = len.min(next.offset_from(seq) as usize);
            }
            if len == 0 {
                return None;
            }
            rec.high_rxt = seq + len;
            rec.rxt_mark = self.snd_max;
            self.recovery = Some(rec);
            self.stats.retransmits += 1;
            self.stats.bytes_retransmitted += len as u64;
            return self.write_segment(now, buf, seq, Flags::EMPTY, len, false);
        }
        None
    }

    /// Payload bytes a segment starting at `seq` may carry (MSS and data end).
    fn segment_len_at(&self, seq: SeqNumber, data_end: SeqNumber) -> usize {
        if seq.ge(data_end) {
            return 0;
        }
        (data_end.offset_from(seq) as usize).min(self.smss)
    }

    /// New data and FIN from SND.NXT, within the windows, Nagle and sender-side
    /// SWS avoidance (RFC 9293 §3.8.6.2.1, §3.7.4).
    fn write_data(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if !matches!(
            self.state,
            State::Established
                | State::CloseWait
                | State::FinWait1
                | State::Closing
                | State::LastAck
        ) {
            return None;
        }
        let data_end = self.snd_buf_seq + self.send_buf.len();
        // Going back after a timeout: skip what the peer SACKed.
        while self.snd_nxt.lt(self.snd_max) {
            match self.scoreboard.sacked_end(self.snd_nxt) {
                Some(end) => self.snd_nxt = end.min(self.snd_max),
                None => break,
            }
        }
        let seq = self.snd_nxt;
        let in_flight = seq.offset_from(self.snd_una) as usize;
        let wnd_edge = self.snd_una + self.snd_wnd;
        let by_peer = wnd_edge.offset_from(seq) as usize;
        let by_peer = if wnd_edge.gt(seq) { by_peer } else { 0 };
        let retransmitting = seq.lt(self.snd_max);
        let mut cwnd = self.congestion_window();
        if !retransmitting {
            cwnd += self.limited_transmit_allowance();
        }
        let pipe = if self.recovery.is_some() { self.pipe() } else { in_flight };
        let by_cc = cwnd.saturating_sub(pipe);
        let usable = by_peer.min(by_cc);
        let avail = if seq.lt(data_end) { data_end.offset_from(seq) as usize } else { 0 };
        let mut len = avail.min(self.smss).min(usable);
        if retransmitting {
            if let Some(next) = self.scoreboard.next_sacked(seq) {
                len = len.min(next.offset_from(seq) as usize);
            }
        }
        // The FIN goes with the last byte of data, or alone after it, once.
        let fin = self.fin_queued && seq + len == data_end;
        if len == 0 && !fin {
            if avail > 0 && self.snd_wnd == 0 && self.bytes_in_flight() == 0 {
                self.arm_persist(now);
            }
            return None;
        }
        if len > 0 && len < self.smss && !retransmitting && !self.may_send_short(len, avail) {
            if self.snd_wnd == 0 && self.bytes_in_flight() == 0 {
                self.arm_persist(now);
            }
            return None;
        }
        if retransmitting {
            self.stats.retransmits += 1;
            self.stats.bytes_retransmitted += len as u64;
        } else {
            self.stats.bytes_sent += len as u64;
            if len > 0 {
                self.rtt_timer.on_send(seq + len, now);
            }
        }
        self.write_segment(now, buf, seq, Flags::EMPTY, len, fin)
    }

    /// Sender SWS avoidance and Nagle (RFC 9293 §3.8.6.2.1, §3.7.4): a short
    /// segment of `len` of the `avail` unsent bytes goes only if it empties the
    /// buffer and (Nagle) nothing is in flight, or it fills half the largest
    /// window the peer offered.
    fn may_send_short(&self, len: usize, avail: usize) -> bool {
        let all = len == avail;
        let idle = self.bytes_in_flight() == 0;
        let half_window = len >= self.max_snd_wnd / 2 && self.max_snd_wnd > 0;
        half_window || (all && (!self.cfg.nagle || idle || self.fin_queued))
    }

    /// A zero-window probe (RFC 9293 §3.8.6.1): one byte past the window.
    fn write_probe(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        let data_end = self.snd_buf_seq + self.send_buf.len();
        let seq = self.snd_una;
        if self.snd_wnd > 0 || !seq.lt(data_end) {
            return None;
        }
        self.arm_persist(now);
        // The probe byte counts as sent (SND.MAX) but not as in flight (SND.NXT):
        // an ACK for it is acceptable, and the persist timer, not the retransmission
        // timer, keeps probing.
        let rto_at = self.timers.get(Timer::Retransmit);
        let t = self.write_segment(now, buf, seq, Flags::EMPTY, 1, false);
        self.snd_nxt = seq;
        match rto_at {
            Some(at) => self.timers.set(Timer::Retransmit, at),
            None => self.timers.clear(Timer::Retransmit),
        }
        t
    }

    fn write_syn(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        self.syn_due = false;
        if self.snd_max.gt(self.iss) {
            self.stats.retransmits += 1;
            self.syn_retransmits += 1;
        } else {
            self.rtt_timer.on_send(self.iss + 1, now);
        }
        let t = self.write_segment(now, buf, self.iss, Flags::SYN, 0, false);
        if self.timers.get(Timer::Retransmit).is_none() {
            self.arm_rto(now);
        }
        t
    }

    fn write_rst(&mut self, buf: &mut [u8], rst: PendingRst) -> Option<Transmit> {
        let mut r = Repr::new(self.local.port(), rst.to.port(), rst.seq);
        r.flags = Flags::RST;
        r.ack_number = rst.ack;
        self.emit(buf, &r, 0, 0, rst.to)
    }

    /// Builds and writes one segment: `len` payload bytes from `seq` (out of the
    /// send buffer), with the flags, this end's ACK and window, and the options
    /// the state calls for.
    fn write_segment(
        &mut self,
        now: Instant,
        buf: &mut [u8],
        seq: SeqNumber,
        extra: Flags,
        len: usize,
        fin: bool,
    ) -> Option<Transmit> {
        let remote = self.remote?;
        let syn = extra.contains(Flags::SYN);
        // ECN costs nothing on a connection without it (the bulk path).
        let (ecn_flags, ecn) = if syn || self.ecn.on {
            self.ecn_marks(seq, syn, len)
        } else {
            (Flags::EMPTY, Ecn::NotEct)
        };
        let flags = Flags(extra.bits() | ecn_flags.bits());
        let (r, edge) = self.header(now, remote, seq, flags, len, fin);
        let header_len = r.header_len();
        let total = header_len + len;
        if buf.len() < total {
            return None;
        }
        // The payload goes in first, summed as it is copied, so the checksum
        // does not read it a second time.
        let mut payload_sum = 0;
        if len > 0 {
            let off = seq.offset_from(self.snd_buf_seq) as usize;
            if off + len > self.send_buf.len() {
                return None;
            }
            if let Some(dst) = buf.get_mut(header_len..total) {
                payload_sum = self.send_buf.read_at_summing(off, dst);
            }
        }
        let end = seq + (len + usize::from(syn) + usize::from(fin));
        let mut t = self.emit(buf, &r, len, payload_sum, remote)?;
        t.ecn = ecn;
        self.on_sent(now, end, syn || len > 0 || fin, len > 0 || fin);
        if let Some(ack) = r.ack_number {
            self.last_ack_sent = ack;
            self.ack_now = false;
            // A D-SACK block is reported once (RFC 2883 §4).
            self.dsack = None;
            self.timers.clear(Timer::DelayedAck);
            self.unacked_bytes = 0;
            if edge.gt(self.rcv_adv) {
                self.rcv_adv = edge;
            }
        }
        if self.keepalive_armed() && len > 0 {
            self.arm_keepalive(now);
        }
        Some(t)
    }

    /// The header of a segment from `seq` with `len` payload bytes: flags, this
    /// end's ACK and window, and the options the state calls for; with the right
    /// edge the window advertises.
    fn header(
        &self,
        now: Instant,
        remote: SocketAddr,
        seq: SeqNumber,
        extra: Flags,
        len: usize,
        fin: bool,
    ) -> (Repr<'static>, SeqNumber) {
        let syn = extra.contains(Flags::SYN);
        let mut r = Repr::new(self.local.port(), remote.port(), seq);
        r.flags = extra;
        if fin {
            r.flags.insert(Flags::FIN);
        }
        if len > 0 {
            r.flags.insert(Flags::PSH);
        }
        // RFC 9293 §3.8.5: URG and the pointer to the octet after the urgent data
        // on every segment before it (the field holds 16 bits: further away,
        // the most it can say, as Linux does).
        if let Some(up) = self.snd_up.filter(|up| up.gt(seq) && !syn) {
            r.flags.insert(Flags::URG);
            r.urgent_at = u16::try_from(up.offset_from(seq)).unwrap_or(u16::MAX);
        }
        let synchronized_or_synrcvd = self.state != State::SynSent;
        if synchronized_or_synrcvd {
            r.ack_number = Some(self.rcv_nxt);
        }
        let (window, edge) = self.window_to_advertise(syn);
        r.window_len = window;
        if syn {
            // A SYN offers what is configured; a SYN,ACK echoes what was agreed.
            r.max_seg_size = Some(self.cfg.mss);
            let offer = self.state == State::SynSent;
            if (offer && self.cfg.window_scaling) || (!offer && self.wscale_ok) {
                r.window_scale = Some(self.cfg.window_shift());
            }
            r.sack_permitted = if offer { self.cfg.sack } else { self.sack_ok };
        }
        if let Some(ts) = self.ts {
            let tsval = ms_clock(now).wrapping_add(ts.offset);
            // RFC 7323 §3.2: TSecr is zero in a SYN.
            let tsecr = if self.state == State::SynSent { 0 } else { ts.recent };
            r.timestamps = Some((tsval, tsecr));
        }
        if self.sack_ok && !syn && r.ack_number.is_some() {
            r.sack_ranges = self.sack_blocks();
        }
        (r, edge)
    }

    /// Bookkeeping after a segment that ends at `end` left: it took sequence space
    /// (`numbered`: a SYN, data or FIN), of which data or FIN (`awaits_ack`).
    fn on_sent(&mut self, now: Instant, end: SeqNumber, numbered: bool, awaits_ack: bool) {
        if !numbered {
            return;
        }
        if end.gt(self.snd_nxt) {
            self.snd_nxt = end;
        }
        if end.gt(self.snd_max) {
            self.snd_max = end;
        }
        if self.unacked_since.is_none() && awaits_ack {
            self.unacked_since = Some(now);
        }
        if self.timers.get(Timer::Retransmit).is_none() {
            self.arm_rto(now);
        }
    }

    #[inline(always)]
    fn emit(
        &mut self,
        buf: &mut [u8],
        r: &Repr<'_>,
        payload_len: usize,
        payload_sum: u16,
        remote: SocketAddr,
    ) -> Option<Transmit> {
        let total = r.header_len() + payload_len;
        let bytes = buf.get_mut(..total)?;
        let mut seg = Segment::new_unchecked(&mut bytes[..]);
        if total < HEADER_LEN {
            return None;
        }
        match self.pseudo_sum(remote.ip(), total) {
            Some(pseudo) => r.emit_header_for_payload(&mut seg, pseudo, payload_sum),
            // Addresses of different families: no checksum can be computed, and
            // the field is left zero, as `Repr::emit` leaves it.
            None => {
                r.emit_header_for_payload(&mut seg, 0, 0);
                seg.set_checksum(0);
            }
        }
        self.stats.segments_sent += 1;
        Some(Transmit { len: total, local: self.local, remote, ecn: Ecn::NotEct })
    }

    // ---------------------------------------------------------------- the window

    /// The right edge this end could advertise now.
    pub(super) fn advertisable_edge(&self) -> SeqNumber {
        self.rcv_nxt + self.recv_buf.window()
    }

    /// RFC 9293 §3.8.6.2.2: the right edge moves only by min(buffer / 2, SMSS).
    pub(super) fn sws_threshold(&self) -> usize {
        (self.recv_buf.capacity() / 2).min(self.smss).max(1)
    }

    /// The window field to send, and the right edge it advertises.
    pub(super) fn window_to_advertise(&self, syn: bool) -> (u16, SeqNumber) {
        let edge = self.advertisable_edge();
        let grown = edge.offset_from(self.rcv_adv) as usize;
        let edge = if edge.gt(self.rcv_adv)
            && grown < self.sws_threshold()
            && !syn
            && self.rcv_adv.ge(self.rcv_nxt)
        {
            self.rcv_adv
        } else {
            edge.max(self.rcv_adv)
        };
        let wnd = edge.offset_from(self.rcv_nxt) as usize;
        if syn {
            // RFC 7323 §2.2: the window in a SYN is never scaled.
            let w = wnd.min(usize::from(u16::MAX)) as u16;
            return (w, self.rcv_nxt + usize::from(w));
        }
        let field = (wnd >> self.rcv_wscale).min(usize::from(u16::MAX)) as u16;
        (field, self.rcv_nxt + (usize::from(field) << self.rcv_wscale))
    }
}
