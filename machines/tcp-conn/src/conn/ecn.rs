//! Explicit Congestion Notification (RFC 3168 §6.1): negotiation on the SYNs,
//! the receiver's ECE echo until CWR, and the sender's once-per-window
//! reduction. The IP-level codepoints come in with
//! [`handle_segment_ecn`](Connection::handle_segment_ecn) and go out in
//! [`Transmit::ecn`](super::Transmit).

use wirestate_tcp::{Flags, Repr, SeqNumber};
use wirestate_wire::Instant;

use super::{Connection, State};
use crate::cc::CongestionControl;
use crate::config::EcnMode;
use crate::ecn::Ecn;

/// A connection's ECN state once negotiated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct EcnState {
    /// Both ends agreed on the SYNs.
    pub(crate) on: bool,
    /// A CE mark arrived: ECE goes on every ACK until the peer's CWR (§6.1.3).
    pub(crate) echo: bool,
    /// This end reduced its window: CWR goes on the next new data (§6.1.2).
    pub(crate) cwr_due: bool,
    /// No second reduction until SND.UNA passes this (once per window, §6.1.2).
    pub(crate) recover: Option<SeqNumber>,
}

/// Whether a SYN asks for ECN: ECE and CWR both set (RFC 3168 §6.1.1).
fn ecn_setup_syn(seg: &Repr<'_>) -> bool {
    seg.flags.contains(Flags::ECE) && seg.flags.contains(Flags::CWR)
}

impl Connection {
    /// A SYN arrived (LISTEN, or a simultaneous open): ECN is on when it asks
    /// and this end does not refuse; the SYN,ACK then carries ECE (§6.1.1).
    pub(super) fn ecn_on_syn(&mut self, seg: &Repr<'_>) {
        self.ecn.on = self.cfg.ecn != EcnMode::Off && ecn_setup_syn(seg);
    }

    /// Our ECN-setup SYN was answered: ECN is on when the SYN,ACK has ECE and
    /// not CWR (§6.1.1; a SYN,ACK with both is a reflecting middlebox).
    pub(super) fn ecn_on_syn_ack(&mut self, seg: &Repr<'_>) {
        self.ecn.on =
            self.offers_ecn() && seg.flags.contains(Flags::ECE) && !seg.flags.contains(Flags::CWR);
    }

    /// Whether this end's next SYN asks for ECN: configured so, and not after
    /// `ecn_syn_retries` retransmissions (§6.1.1.1: a SYN may be lost because
    /// it asks; the later ones do not).
    pub(super) fn offers_ecn(&self) -> bool {
        self.cfg.ecn == EcnMode::On && self.syn_retransmits <= self.cfg.ecn_syn_retries
    }

    /// The ECN field of an arriving segment, in a synchronized state: CWR ends
    /// the echo, a CE mark (re)starts it and is acknowledged at once.
    pub(super) fn ecn_on_arrival(&mut self, ecn: Ecn, seg: &Repr<'_>) {
        if !self.ecn.on {
            return;
        }
        if seg.flags.contains(Flags::CWR) {
            self.ecn.echo = false;
        }
        if ecn == Ecn::Ce {
            self.stats.ce_received += 1;
            if !self.ecn.echo {
                self.ack_now = true;
            }
            self.ecn.echo = true;
        }
    }

    /// An acceptable ACK with ECE (§6.1.2): halve the window, once per window
    /// of data and not during loss recovery (which has reduced it already).
    /// Called after the ACK's own processing, with the flight before it, so the
    /// reduction has the last word over any growth from this ACK.
    #[inline(never)]
    pub(super) fn ecn_on_ece(
        &mut self,
        now: Instant,
        seg: &Repr<'_>,
        ack: SeqNumber,
        flight: usize,
    ) {
        if !self.ecn.on || !seg.flags.contains(Flags::ECE) || seg.flags.contains(Flags::SYN) {
            return;
        }
        if self.recovery.is_some() || self.ecn.recover.is_some_and(|r| ack.le(r)) {
            return;
        }
        self.cc.on_congestion(now, flight);
        self.hystart.done = true;
        self.ecn.recover = Some(self.snd_max);
        self.ecn.cwr_due = true;
        self.stats.ecn_reductions += 1;
    }

    /// The ECN flags and codepoint of an outgoing segment: ECE on a SYN that
    /// asks or a SYN,ACK that agrees; ECE on ACKs while echoing; CWR on the
    /// first new data after a reduction; ECT(0) on new data only (§6.1.5: never
    /// on retransmissions, §6.1.6: nor on window probes, nor on SYNs and pure
    /// ACKs).
    #[inline(never)]
    pub(super) fn ecn_marks(&mut self, seq: SeqNumber, syn: bool, len: usize) -> (Flags, Ecn) {
        let mut flags = Flags::EMPTY;
        if syn {
            if self.state == State::SynSent {
                if self.offers_ecn() {
                    flags = Flags(Flags::ECE.bits() | Flags::CWR.bits());
                }
            } else if self.ecn.on {
                flags = Flags::ECE;
            }
            return (flags, Ecn::NotEct);
        }
        if !self.ecn.on {
            return (flags, Ecn::NotEct);
        }
        if self.ecn.echo {
            flags.insert(Flags::ECE);
        }
        let new_data = len > 0 && !seq.lt(self.snd_max) && self.snd_wnd > 0;
        if new_data && self.ecn.cwr_due {
            self.ecn.cwr_due = false;
            flags.insert(Flags::CWR);
        }
        (flags, if new_data { Ecn::Ect0 } else { Ecn::NotEct })
    }
}
