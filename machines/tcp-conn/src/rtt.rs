//! The retransmission timeout (RFC 6298) and Karn's rule for timing segments.

use core::time::Duration;

use wirestate_tcp::SeqNumber;
use wirestate_wire::Instant;

/// The bounds and starting point of the retransmission timeout.
///
/// The defaults are RFC 6298's: 1 s before any sample (§2.1), a floor of 1 s
/// (§2.4), a ceiling of 60 s (§2.5 asks for at least 60 s) and a clock granularity
/// of 1 ms (the `G` of §2). Stacks commonly lower the floor (Linux uses 200 ms);
/// that is what `min` is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtoConfig {
    /// The timeout before the first RTT sample (RFC 6298 §2.1).
    pub initial: Duration,
    /// The least timeout (RFC 6298 §2.4).
    pub min: Duration,
    /// The greatest timeout, backoff included (RFC 6298 §2.5).
    pub max: Duration,
    /// The clock granularity `G` (RFC 6298 §2).
    pub granularity: Duration,
}

impl Default for RtoConfig {
    fn default() -> Self {
        RtoConfig {
            initial: Duration::from_secs(1),
            min: Duration::from_secs(1),
            max: Duration::from_secs(60),
            granularity: Duration::from_millis(1),
        }
    }
}

/// SRTT, RTTVAR and the retransmission timeout they give (RFC 6298 §2), with the
/// exponential backoff of §5.5.
///
/// Samples must follow Karn's rule (§3): never from a segment that was
/// retransmitted. [`RttTimer`] enforces that for the classic one-segment-at-a-time
/// timing; samples from the timestamps option (RFC 7323 §4) are unambiguous and
/// can be fed directly.
///
/// ```
/// use core::time::Duration;
/// use wirestate_tcp_conn::{RtoConfig, RttEstimator};
/// let ms = Duration::from_millis;
/// let mut rtt = RttEstimator::new(RtoConfig { min: ms(200), ..RtoConfig::default() });
/// assert_eq!(rtt.rto(), ms(1000)); // RFC 6298 §2.1, before any sample
/// rtt.on_sample(ms(100));
/// // §2.2: SRTT = R = 100 ms, RTTVAR = R/2 = 50 ms, RTO = SRTT + 4 * RTTVAR.
/// assert_eq!((rtt.srtt(), rtt.rttvar(), rtt.rto()), (Some(ms(100)), Some(ms(50)), ms(300)));
/// rtt.on_timeout(); // §5.5: back off
/// assert_eq!(rtt.rto(), ms(600));
/// ```
#[derive(Debug, Clone)]
pub struct RttEstimator {
    config: RtoConfig,
    /// SRTT and RTTVAR in nanoseconds, once there is a sample.
    smoothed: Option<(u64, u64)>,
    /// How many times the timeout has doubled since the last sample.
    backoff: u32,
}

/// Nanoseconds in `d`, saturating.
fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl RttEstimator {
    /// An estimator without samples: its timeout is `config.initial`.
    pub fn new(config: RtoConfig) -> Self {
        RttEstimator { config, smoothed: None, backoff: 0 }
    }

    /// The configuration.
    pub fn config(&self) -> &RtoConfig {
        &self.config
    }

    /// Takes a round-trip time measurement (RFC 6298 §2.2, §2.3), and ends any
    /// backoff: the timeout is computed afresh from the new estimate (§5.7).
    pub fn on_sample(&mut self, rtt: Duration) {
        let r = nanos(rtt);
        self.smoothed = Some(match self.smoothed {
            // §2.2: the first measurement.
            None => (r, r / 2),
            // §2.3: RTTVAR first, from the old SRTT; alpha = 1/8, beta = 1/4.
            Some((srtt, rttvar)) => {
                let rttvar = rttvar - rttvar / 4 + srtt.abs_diff(r) / 4;
                let srtt = srtt - srtt / 8 + r / 8;
                (srtt, rttvar)
            }
        });
        self.backoff = 0;
    }

    /// The retransmission timer expired: double the timeout (RFC 6298 §5.5), up to
    /// the ceiling.
    pub fn on_timeout(&mut self) {
        if self.rto() < self.config.max {
            self.backoff += 1;
        }
    }

    /// The timeout to arm the retransmission timer with: the estimate's (§2.2,
    /// §2.3) or the initial one, between the floor and the ceiling (§2.4, §2.5),
    /// doubled for each expiry since the last sample (§5.5).
    pub fn rto(&self) -> Duration {
        let floor = nanos(self.config.min);
        let ceiling = nanos(self.config.max).max(floor);
        let base = match self.smoothed {
            None => nanos(self.config.initial),
            Some((srtt, rttvar)) => {
                srtt.saturating_add(nanos(self.config.granularity).max(rttvar.saturating_mul(4)))
            }
        };
        // `on_timeout` stops counting at the ceiling, so this loop is short.
        let mut rto = base.clamp(floor, ceiling);
        for _ in 0..self.backoff {
            rto = rto.saturating_mul(2).min(ceiling);
        }
        Duration::from_nanos(rto)
    }

    /// The smoothed round-trip time, once there is a sample.
    pub fn srtt(&self) -> Option<Duration> {
        self.smoothed.map(|(s, _)| Duration::from_nanos(s))
    }

    /// The round-trip time variation, once there is a sample.
    pub fn rttvar(&self) -> Option<Duration> {
        self.smoothed.map(|(_, v)| Duration::from_nanos(v))
    }

    /// How many times the timeout has doubled since the last sample.
    pub fn backoffs(&self) -> u32 {
        self.backoff
    }
}

/// Times one segment at a time and applies Karn's rule (RFC 6298 §3): a segment
/// that was retransmitted gives no sample, since its acknowledgment cannot say
/// which transmission it answers.
///
/// ```
/// use wirestate_tcp::SeqNumber;
/// use wirestate_tcp_conn::RttTimer;
/// use wirestate_wire::Instant;
/// let mut t = RttTimer::default();
/// t.on_send(SeqNumber(1100), Instant::from_millis(0)); // new data up to 1100
/// assert_eq!(t.on_ack(SeqNumber(1000), Instant::from_millis(30)), None); // not covered yet
/// let sample = t.on_ack(SeqNumber(1100), Instant::from_millis(40));
/// assert_eq!(sample, Some(core::time::Duration::from_millis(40)));
///
/// t.on_send(SeqNumber(1200), Instant::from_millis(50));
/// t.on_retransmit(); // Karn: this measurement is now ambiguous
/// assert_eq!(t.on_ack(SeqNumber(1200), Instant::from_millis(90)), None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RttTimer {
    /// The end of the timed segment and when it was sent.
    timing: Option<(SeqNumber, Instant)>,
}

impl RttTimer {
    /// New data up to `end` (exclusive) was sent at `now`: it is timed unless a
    /// segment already is. Call it for first transmissions only.
    pub fn on_send(&mut self, end: SeqNumber, now: Instant) {
        if self.timing.is_none() {
            self.timing = Some((end, now));
        }
    }

    /// Some segment was sent again: the measurement in progress is dropped.
    pub fn on_retransmit(&mut self) {
        self.timing = None;
    }

    /// An acknowledgment up to `ack` arrived at `now`: the sample, if it covers the
    /// timed segment.
    pub fn on_ack(&mut self, ack: SeqNumber, now: Instant) -> Option<core::time::Duration> {
        let (end, sent) = self.timing?;
        if ack.diff(end) < 0 {
            return None;
        }
        self.timing = None;
        Some(now - sent)
    }

    /// Whether a segment is being timed.
    pub fn is_timing(&self) -> bool {
        self.timing.is_some()
    }
}
