//! Congestion control behind a trait: the connection tells it what happened
//! (bytes acknowledged, a loss found by duplicate ACKs or SACK, a timeout) and asks
//! it for the congestion window. NewReno (RFC 5681, RFC 6582) and CUBIC (RFC 9438)
//! implement it. Loss *recovery* (which segment to send again, the pipe) is the
//! connection's job; this is only the window.

use core::time::Duration;

use wirestate_wire::Instant;

/// What a congestion controller is told and asked.
pub trait CongestionControl: core::fmt::Debug {
    /// The connection is established and its send MSS is `mss`: set the initial
    /// window (RFC 5681 §3.1, RFC 6928).
    fn init(&mut self, mss: usize);
    /// `acked` new bytes were acknowledged at `now`, outside loss recovery, with
    /// `flight` bytes outstanding before the ACK; `rtt` is the smoothed RTT if known.
    fn on_ack(&mut self, now: Instant, acked: usize, flight: usize, rtt: Option<Duration>);
    /// A loss was detected by duplicate ACKs or SACK at `now` (RFC 5681 §3.2 step 2):
    /// reduce, once per window of data.
    fn on_congestion(&mut self, now: Instant, flight: usize);
    /// The retransmission timer expired (RFC 5681 §3.1, eq. 4; cwnd = 1 MSS).
    fn on_timeout(&mut self, now: Instant, flight: usize);
    /// Loss recovery ended with a full acknowledgment.
    fn on_recovery_end(&mut self, now: Instant, flight: usize);
    /// Slow start should end here without a loss (RFC 9406 saw the RTT grow):
    /// ssthresh becomes the current window.
    fn exit_slow_start(&mut self, now: Instant);
    /// The congestion window in bytes.
    fn window(&self) -> usize;
    /// The slow start threshold in bytes.
    fn ssthresh(&self) -> usize;
}

/// Which controller a connection uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// RFC 5681 with RFC 6582's recovery.
    #[default]
    NewReno,
    /// RFC 9438.
    Cubic,
}

/// The initial window: RFC 6928's min(10 * MSS, max(2 * MSS, 14600)).
fn initial_window(mss: usize) -> usize {
    (10 * mss).min((2 * mss).max(14_600))
}

/// NewReno's window (RFC 5681 §3.1): slow start below ssthresh, then one MSS per
/// window of acknowledged data (byte counting, RFC 3465 with L = 2).
#[derive(Debug, Clone)]
pub struct NewReno {
    mss: usize,
    cwnd: usize,
    ssthresh: usize,
    /// Bytes acknowledged in congestion avoidance since cwnd last grew.
    acked_in_ca: usize,
}

impl Default for NewReno {
    fn default() -> Self {
        NewReno { mss: 536, cwnd: initial_window(536), ssthresh: usize::MAX, acked_in_ca: 0 }
    }
}

impl CongestionControl for NewReno {
    fn init(&mut self, mss: usize) {
        self.mss = mss.max(1);
        self.cwnd = initial_window(self.mss);
    }

    fn on_ack(&mut self, _now: Instant, acked: usize, _flight: usize, _rtt: Option<Duration>) {
        if self.cwnd < self.ssthresh {
            // RFC 5681 §3.1 eq. 2, with RFC 3465's limit of 2 * SMSS per ACK.
            self.cwnd += acked.min(2 * self.mss);
        } else {
            // RFC 5681 §3.1 eq. 3, by bytes: one SMSS per cwnd acknowledged.
            self.acked_in_ca += acked;
            if self.acked_in_ca >= self.cwnd {
                self.acked_in_ca -= self.cwnd;
                self.cwnd += self.mss;
            }
        }
    }

    fn on_congestion(&mut self, _now: Instant, flight: usize) {
        // RFC 5681 §3.2 eq. 4.
        self.ssthresh = (flight / 2).max(2 * self.mss);
        self.cwnd = self.ssthresh;
        self.acked_in_ca = 0;
    }

    fn on_timeout(&mut self, _now: Instant, flight: usize) {
        self.ssthresh = (flight / 2).max(2 * self.mss);
        self.cwnd = self.mss;
        self.acked_in_ca = 0;
    }

    fn on_recovery_end(&mut self, _now: Instant, flight: usize) {
        // RFC 6582 §3.2 step 3, option 1: min(ssthresh, max(FlightSize, SMSS) + SMSS).
        self.cwnd = self.ssthresh.min(flight.max(self.mss) + self.mss);
    }

    fn exit_slow_start(&mut self, _now: Instant) {
        self.ssthresh = self.cwnd;
    }

    fn window(&self) -> usize {
        self.cwnd
    }

    fn ssthresh(&self) -> usize {
        self.ssthresh
    }
}

/// CUBIC (RFC 9438): after a reduction the window follows
/// `W(t) = C (t - K)^3 + W_max` (§4.2), never below what Reno would have (§4.3).
#[derive(Debug, Clone)]
pub struct Cubic {
    mss: usize,
    cwnd: usize,
    ssthresh: usize,
    /// W_max in segments, before the last reduction.
    w_max: f64,
    /// K in seconds.
    k: f64,
    /// When the current congestion avoidance epoch began.
    epoch: Option<Instant>,
    /// W_est in segments (§4.3).
    w_est: f64,
    /// The window in segments as a fraction, so growth below one MSS accumulates.
    cwnd_segs: f64,
}

/// RFC 9438 §5: C = 0.4, beta_cubic = 0.7.
const C: f64 = 0.4;
const BETA: f64 = 0.7;

impl Default for Cubic {
    fn default() -> Self {
        let mss = 536;
        let cwnd = initial_window(mss);
        Cubic {
            mss,
            cwnd,
            ssthresh: usize::MAX,
            w_max: 0.0,
            k: 0.0,
            epoch: None,
            w_est: 0.0,
            cwnd_segs: cwnd as f64 / mss as f64,
        }
    }
}

/// The cube root by Newton's method (no libm in `no_std`); exact enough for
/// windows: 40 iterations from a power-of-two start converge for any input.
fn cbrt(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    // Start at 2^(e/3) where x ~ 2^e.
    let e = ((x.to_bits() >> 52) & 0x7ff) as i64 - 1023;
    let mut y = f64::from_bits((((e / 3) + 1023) as u64) << 52);
    for _ in 0..40 {
        let next = y - (y * y * y - x) / (3.0 * y * y);
        if (next - y).abs() <= y * 1e-12 {
            return next;
        }
        y = next;
    }
    y
}

impl Cubic {
    fn set_cwnd_segs(&mut self, segs: f64) {
        self.cwnd_segs = segs.max(1.0);
        self.cwnd = (self.cwnd_segs * self.mss as f64) as usize;
    }

    fn reduce(&mut self, now: Instant) {
        let segs = self.cwnd_segs;
        // §4.7 fast convergence.
        self.w_max = if segs < self.w_max { segs * (1.0 + BETA) / 2.0 } else { segs };
        let reduced = (segs * BETA).max(2.0);
        self.ssthresh = (reduced * self.mss as f64) as usize;
        self.set_cwnd_segs(reduced);
        self.k = cbrt(self.w_max * (1.0 - BETA) / C);
        self.epoch = Some(now);
        self.w_est = reduced;
    }
}

impl CongestionControl for Cubic {
    fn init(&mut self, mss: usize) {
        self.mss = mss.max(1);
        let cwnd = initial_window(self.mss);
        self.set_cwnd_segs(cwnd as f64 / self.mss as f64);
    }

    fn on_ack(&mut self, now: Instant, acked: usize, _flight: usize, rtt: Option<Duration>) {
        let acked_segs = acked as f64 / self.mss as f64;
        if self.cwnd < self.ssthresh {
            // §4.10: slow start as in RFC 5681.
            let grow = acked_segs.min(2.0);
            self.set_cwnd_segs(self.cwnd_segs + grow);
            return;
        }
        let epoch = *self.epoch.get_or_insert(now);
        if self.w_max == 0.0 {
            // Congestion avoidance without a reduction yet: start the curve here.
            self.w_max = self.cwnd_segs;
            self.k = 0.0;
            self.w_est = self.cwnd_segs;
        }
        let rtt = rtt.map_or(0.1, |r| r.as_secs_f64());
        let t = (now - epoch).as_secs_f64();
        // §4.2: the target one RTT ahead.
        let ahead = t + rtt - self.k;
        let target =
            (C * ahead * ahead * ahead + self.w_max).clamp(self.cwnd_segs, 1.5 * self.cwnd_segs);
        // §4.3: the Reno-friendly estimate.
        let alpha = 3.0 * (1.0 - BETA) / (1.0 + BETA);
        self.w_est += alpha * acked_segs / self.cwnd_segs;
        let next = if self.w_est > target {
            // §4.3: Reno-friendly region.
            self.cwnd_segs + (self.w_est - self.cwnd_segs).max(0.0) * acked_segs / self.cwnd_segs
        } else {
            // §4.4/4.5: concave and convex regions.
            self.cwnd_segs + (target - self.cwnd_segs) * acked_segs / self.cwnd_segs
        };
        self.set_cwnd_segs(next);
    }

    fn on_congestion(&mut self, now: Instant, _flight: usize) {
        self.reduce(now);
    }

    fn on_timeout(&mut self, now: Instant, _flight: usize) {
        // §4.8: ssthresh as after a loss, cwnd back to one segment, a new epoch.
        self.reduce(now);
        self.set_cwnd_segs(1.0);
        self.epoch = None;
    }

    fn on_recovery_end(&mut self, _now: Instant, _flight: usize) {
        self.set_cwnd_segs((self.ssthresh as f64 / self.mss as f64).max(1.0));
    }

    fn exit_slow_start(&mut self, _now: Instant) {
        // Congestion avoidance starts its curve at the current window (on_ack sees
        // W_max = 0 and begins there).
        self.ssthresh = self.cwnd;
    }

    fn window(&self) -> usize {
        self.cwnd
    }

    fn ssthresh(&self) -> usize {
        self.ssthresh
    }
}

/// A controller chosen at run time by [`Algorithm`].
#[derive(Debug, Clone)]
pub enum Controller {
    /// NewReno.
    NewReno(NewReno),
    /// CUBIC.
    Cubic(Cubic),
}

impl Controller {
    /// The controller for `algorithm`, with defaults.
    pub fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::NewReno => Controller::NewReno(NewReno::default()),
            Algorithm::Cubic => Controller::Cubic(Cubic::default()),
        }
    }

    fn inner(&mut self) -> &mut dyn CongestionControl {
        match self {
            Controller::NewReno(c) => c,
            Controller::Cubic(c) => c,
        }
    }

    fn inner_ref(&self) -> &dyn CongestionControl {
        match self {
            Controller::NewReno(c) => c,
            Controller::Cubic(c) => c,
        }
    }
}

impl CongestionControl for Controller {
    fn init(&mut self, mss: usize) {
        self.inner().init(mss);
    }
    fn on_ack(&mut self, now: Instant, acked: usize, flight: usize, rtt: Option<Duration>) {
        self.inner().on_ack(now, acked, flight, rtt);
    }
    fn on_congestion(&mut self, now: Instant, flight: usize) {
        self.inner().on_congestion(now, flight);
    }
    fn on_timeout(&mut self, now: Instant, flight: usize) {
        self.inner().on_timeout(now, flight);
    }
    fn on_recovery_end(&mut self, now: Instant, flight: usize) {
        self.inner().on_recovery_end(now, flight);
    }
    fn exit_slow_start(&mut self, now: Instant) {
        self.inner().exit_slow_start(now);
    }
    fn window(&self) -> usize {
        self.inner_ref().window()
    }
    fn ssthresh(&self) -> usize {
        self.inner_ref().ssthresh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cube_root() {
        for x in [1e-6, 0.5, 1.0, 8.0, 27.0, 1000.0, 12345.678] {
            let y = cbrt(x);
            assert!((y * y * y - x).abs() <= x * 1e-9, "{x}: {y}");
        }
    }

    #[test]
    fn new_reno_halves_on_loss_and_grows_one_mss_per_window() {
        let t = Instant::ZERO;
        let mut c = NewReno::default();
        c.init(1000);
        assert_eq!(c.window(), 10_000);
        c.on_congestion(t, 20_000);
        assert_eq!((c.window(), c.ssthresh()), (10_000, 10_000));
        for _ in 0..10 {
            c.on_ack(t, 1000, 10_000, None);
        }
        assert_eq!(c.window(), 11_000);
        c.on_timeout(t, 11_000);
        assert_eq!((c.window(), c.ssthresh()), (1000, 5500));
    }

    #[test]
    fn cubic_reduces_by_beta_and_regrows_to_w_max_after_k() {
        let mut c = Cubic::default();
        c.init(1000);
        let t0 = Instant::from_millis(1000);
        // Leave slow start with a 100-segment window.
        c.ssthresh = 0;
        c.set_cwnd_segs(100.0);
        c.on_congestion(t0, 100_000);
        assert_eq!(c.window(), 70_000);
        // K = cbrt(100 * 0.3 / 0.4) = 4.217 s.
        assert!((c.k - 4.2172).abs() < 1e-3, "{}", c.k);
        // Ack a window every 100 ms for 5 s: the window passes W_max around K.
        let mut t = t0;
        for _ in 0..50 {
            t += Duration::from_millis(100);
            let w = c.window();
            c.on_ack(t, w, w, Some(Duration::from_millis(100)));
        }
        assert!(c.window() > 100_000, "{}", c.window());
    }
}
