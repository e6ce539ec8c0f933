//! Loss recovery and what feeds congestion control: duplicate ACKs and fast
//! retransmit (RFC 5681 §3.2), NewReno's recovery (RFC 6582), SACK-based recovery
//! with the scoreboard (RFC 6675), lost retransmissions, the go-back after a
//! timeout, RTT samples (RFC 6298, RFC 7323 §4) and HyStart++ (RFC 9406).

use core::time::Duration;

use wirestate_tcp::{Repr, SeqNumber};
use wirestate_wire::Instant;

use super::{ms_clock, Connection};
use crate::cc::CongestionControl;
use crate::scoreboard::DUP_THRESH;

/// Loss recovery in progress (RFC 6582 §3.2, RFC 6675 §5).
#[derive(Debug, Clone, Copy)]
pub(super) struct Recovery {
    /// "recover": SND.MAX when recovery began; an ACK past it ends recovery.
    pub(super) recover: SeqNumber,
    /// RFC 6675 HighRxt: the end of what was sent again.
    pub(super) high_rxt: SeqNumber,
    /// NewReno's window inflation: one SMSS per duplicate ACK (RFC 6582 §3.2 step 4).
    pub(super) inflation: usize,
    /// Send the segment at SND.UNA again before anything else.
    pub(super) resend_una: bool,
    /// SND.MAX when the latest retransmission left: data above it was sent later.
    pub(super) rxt_mark: SeqNumber,
}

/// RFC 9406 state: the current round's end and least RTT, the last round's,
/// the samples this round, and whether the first slow start is over.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct HyStart {
    pub(super) end: SeqNumber,
    current_min: Option<Duration>,
    last_min: Option<Duration>,
    samples: u32,
    pub(super) done: bool,
}

impl Connection {
    /// An RTT sample from a timed segment or the echoed timestamp, if there is one
    /// (then the estimator took it).
    pub(super) fn rtt_timer_sample(
        &mut self,
        now: Instant,
        seg: &Repr<'_>,
        ack: SeqNumber,
    ) -> Option<Duration> {
        let from_ts = match (self.ts, seg.timestamps) {
            // RFC 7323 §4.1: RTT from TSecr, for ACKs that advance the left edge.
            (Some(ts), Some((_, tsecr))) if tsecr != 0 => {
                let elapsed = ms_clock(now).wrapping_add(ts.offset).wrapping_sub(tsecr);
                (elapsed < 1 << 30).then(|| Duration::from_millis(u64::from(elapsed)))
            }
            _ => None,
        };
        let timed = self.rtt_timer.on_ack(ack, now);
        let sample = from_ts.or(timed)?;
        self.rtt.on_sample(sample);
        Some(sample)
    }

    /// RFC 9406 (HyStart++) §4.2: in the first slow start, leave it when a round's
    /// least RTT has grown by eta = clamp(last / 8, 4 ms, 16 ms) over the previous
    /// round's, the sign that the path's queue is filling, instead of overshooting
    /// until it drops a window's worth. Rounds end when SND.UNA passes the SND.MAX
    /// of the round's start. (RFC 9406's conservative slow start that follows is
    /// not implemented: this exits straight to congestion avoidance.)
    pub(super) fn hystart(&mut self, now: Instant, ack: SeqNumber, sample: Option<Duration>) {
        const MIN_SAMPLES: u32 = 8;
        let mut hs = self.hystart;
        if hs.done || !self.cfg.hystart || self.cc.window() >= self.cc.ssthresh() {
            return;
        }
        if let Some(rtt) = sample {
            hs.samples += 1;
            hs.current_min = Some(hs.current_min.map_or(rtt, |m| m.min(rtt)));
        }
        if ack.ge(hs.end) {
            hs.last_min = hs.current_min.or(hs.last_min);
            hs.current_min = None;
            hs.samples = 0;
            hs.end = self.snd_max;
        } else if hs.samples >= MIN_SAMPLES {
            if let (Some(current), Some(last)) = (hs.current_min, hs.last_min) {
                let eta = (last / 8).clamp(Duration::from_millis(4), Duration::from_millis(16));
                if current >= last + eta {
                    self.cc.exit_slow_start(now);
                    hs.done = true;
                }
            }
        }
        self.hystart = hs;
    }

    /// Congestion control and recovery on an ACK of new data, once SND.UNA has
    /// moved to `ack` (RFC 5681 §3, RFC 6582 §3.2, RFC 6675 §5): `acked` bytes
    /// newly acknowledged, `flight_before` outstanding before.
    pub(super) fn recovery_on_new_ack(
        &mut self,
        now: Instant,
        ack: SeqNumber,
        acked: usize,
        flight_before: usize,
    ) {
        match self.recovery {
            Some(rec) if ack.ge(rec.recover) => {
                // Full acknowledgment: recovery ends.
                self.recovery = None;
                self.dup_acks = 0;
                let flight = self.bytes_in_flight();
                self.cc.on_recovery_end(now, flight);
            }
            Some(mut rec) => {
                // Partial acknowledgment (RFC 6582 §3.2 step 5): send the next hole
                // again, deflate by what was acknowledged, add back one SMSS.
                if !self.sack_ok {
                    rec.inflation = rec.inflation.saturating_sub(acked) + self.smss;
                }
                rec.resend_una = !self.sack_ok;
                if rec.high_rxt.lt(ack) {
                    rec.high_rxt = ack;
                }
                self.recovery = Some(rec);
                self.arm_rto(now); // RFC 6582: reset on the first partial ACK
            }
            None => {
                self.dup_acks = 0;
                let srtt = self.rtt.srtt();
                self.cc.on_ack(now, acked, flight_before, srtt);
            }
        }
    }

    /// In SACK recovery, the segment at SND.UNA was sent again, and more than
    /// (DupThresh - 1) * SMSS of data sent after that retransmission has been SACKed
    /// while SND.UNA has not moved: the retransmission was lost too. Send it again
    /// now rather than wait for the timeout (RFC 6675 leaves this case to the RTO;
    /// Linux detects it the same way, by later data arriving first).
    pub(super) fn detect_lost_retransmission(&mut self) {
        let Some(mut rec) = self.recovery.filter(|_| self.sack_ok) else { return };
        let una_resent = self.snd_una.lt(rec.high_rxt);
        if rec.resend_una || !una_resent || self.scoreboard.sacked_end(self.snd_una).is_some() {
            return;
        }
        if self.scoreboard.is_lost(rec.rxt_mark, self.smss) {
            rec.resend_una = true;
            self.recovery = Some(rec);
            self.stats.retransmits_lost += 1;
        }
    }

    /// A duplicate ACK (RFC 5681 §3.2, RFC 6675 §5).
    pub(super) fn on_dup_ack(&mut self, now: Instant) {
        self.stats.dup_acks += 1;
        self.dup_acks += 1;
        if let Some(mut rec) = self.recovery {
            // RFC 6582 §3.2 step 4: inflate by one SMSS. Not with SACK: RFC 6675's
            // pipe already leaves out what the duplicate ACK reported delivered.
            if !self.sack_ok {
                rec.inflation += self.smss;
            }
            self.recovery = Some(rec);
            return;
        }
        let lost = self.sack_ok && self.scoreboard.is_lost(self.snd_una, self.smss);
        // RFC 6582 §3.2 step 2: only if the ACK covers more than "recover".
        if (self.dup_acks as usize >= DUP_THRESH || lost) && self.snd_una.gt(self.recover) {
            // FlightSize (RFC 5681 §3.2 eq. 4): what is outstanding, SND.NXT on
            // (after a timeout SND.MAX is far ahead of what is really out).
            let flight = self.bytes_in_flight();
            self.recover = self.snd_max;
            self.cc.on_congestion(now, flight);
            self.hystart.done = true;
            self.stats.fast_recoveries += 1;
            self.recovery = Some(Recovery {
                recover: self.snd_max,
                high_rxt: self.snd_una,
                inflation: if self.sack_ok { 0 } else { DUP_THRESH * self.smss },
                resend_una: true,
                rxt_mark: self.snd_max,
            });
            self.rtt_timer.on_retransmit();
        }
    }

    /// The retransmission timer fired in a synchronized state (RFC 5681 §3.1,
    /// RFC 6582 §3.2): the window collapses and sending goes back to SND.UNA.
    /// `false` when the peer's window is zero and the persist timer probes
    /// instead of the retransmission timer.
    pub(super) fn go_back_after_timeout(&mut self, now: Instant) -> bool {
        let flight = self.bytes_in_flight();
        self.cc.on_timeout(now, flight);
        self.hystart.done = true;
        // RFC 6582 §3.2: after a timeout, duplicate ACKs for what is sent
        // again must not start a fast retransmit.
        self.recover = self.snd_max;
        // Go back to SND.UNA. The resending skips what the peer SACKed, so
        // one timeout does not resend a whole window the peer holds; a second
        // timeout in a row forgets SACK information (RFC 2018 §8: the
        // receiver may have reneged), so a reneging peer still gets all.
        self.snd_nxt = self.snd_una;
        if self.backoffs > 1 {
            self.scoreboard.clear();
        }
        self.recovery = None;
        self.dup_acks = 0;
        if self.snd_wnd == 0 {
            // Nothing may be sent: the persist timer probes instead.
            self.backoffs = 0;
            self.arm_persist(now);
            return false;
        }
        true
    }

    /// Limited transmit (RFC 3042 §2): on each of the first two duplicate ACKs
    /// outside recovery, one more segment of new data may go beyond cwnd, so
    /// that a small window still draws the third duplicate ACK fast
    /// retransmit needs. cwnd itself does not change.
    pub(super) fn limited_transmit_allowance(&self) -> usize {
        if !self.cfg.limited_transmit || self.recovery.is_some() {
            return 0;
        }
        let dups = (self.dup_acks as usize).min(DUP_THRESH - 1);
        dups * self.smss
    }

    /// The usable congestion window: cwnd, plus NewReno's inflation in recovery.
    pub(super) fn congestion_window(&self) -> usize {
        self.cc.window() + self.recovery.map_or(0, |r| r.inflation)
    }

    /// Bytes counted against the congestion window: RFC 6675's pipe in SACK
    /// recovery, otherwise what is in flight.
    pub(super) fn pipe(&self) -> usize {
        match self.recovery {
            Some(rec) if self.sack_ok => {
                self.scoreboard.pipe(self.snd_una, self.snd_max, rec.high_rxt, self.smss)
            }
            _ => self.bytes_in_flight(),
        }
    }
}
