//! The time column of `decode`'s text view.

use core::fmt::Write as _;
use std::time::Duration;

/// How the text view shows a packet's time (`decode --time`).
///
/// Wall-clock forms are in UTC, not the local zone tcpdump uses, so the same
/// capture prints the same text on every machine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TimeFormat {
    /// Time of day, HH:MM:SS.ffffff (UTC), as tcpdump prints by default.
    #[default]
    Clock,
    /// Date and time, YYYY-MM-DD HH:MM:SS.ffffff (UTC), as tcpdump -tttt.
    Abs,
    /// Since the first packet shown, HH:MM:SS.ffffff, as tcpdump -ttttt.
    Rel,
    /// Since the previous packet shown, HH:MM:SS.ffffff, as tcpdump -ttt.
    Delta,
    /// Seconds since 1970-01-01 UTC and microseconds, as the JSON's `ts` and tcpdump -tt.
    Epoch,
}

/// Writes the time column, remembering the first and the previous packet shown for
/// the relative forms.
#[derive(Debug, Clone)]
pub struct Stamper {
    format: TimeFormat,
    first: Option<Duration>,
    previous: Option<Duration>,
}

const MICROS_PER_DAY: u64 = 86_400_000_000;

impl Stamper {
    /// A stamper for `format` that has seen no packet.
    pub fn new(format: TimeFormat) -> Self {
        Stamper { format, first: None, previous: None }
    }

    /// Remembers a packet shown at `ts` as [`write`](Self::write) does, without
    /// writing: the caller keeps a copy from before to write the line elsewhere.
    pub fn note(&mut self, ts: Duration) {
        self.first.get_or_insert(ts);
        self.previous = Some(ts);
    }

    /// Appends the time of the packet captured at `ts` (since the epoch) to `line`.
    /// Call it once per packet shown, in order.
    pub fn write(&mut self, line: &mut String, ts: Duration) {
        let micros = micros(ts);
        match self.format {
            TimeFormat::Clock => hms(line, micros % MICROS_PER_DAY),
            TimeFormat::Abs => {
                let (y, m, d) = civil_date(micros / MICROS_PER_DAY);
                let _ = write!(line, "{y:04}-{m:02}-{d:02} ");
                hms(line, micros % MICROS_PER_DAY);
            }
            TimeFormat::Rel => {
                let first = *self.first.get_or_insert(ts);
                signed_hms(line, micros, self::micros(first));
            }
            TimeFormat::Delta => {
                let previous = self.previous.unwrap_or(ts);
                signed_hms(line, micros, self::micros(previous));
            }
            TimeFormat::Epoch => {
                let _ = write!(line, "{}.{:06}", micros / 1_000_000, micros % 1_000_000);
            }
        }
        self.previous = Some(ts);
    }
}

/// Whole microseconds since the epoch (the column's resolution).
fn micros(ts: Duration) -> u64 {
    u64::try_from(ts.as_micros()).unwrap_or(u64::MAX)
}

/// `HH:MM:SS.ffffff`; hours grow past 23 for spans longer than a day.
fn hms(line: &mut String, micros: u64) {
    let secs = micros / 1_000_000;
    let _ = write!(
        line,
        "{:02}:{:02}:{:02}.{:06}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        micros % 1_000_000
    );
}

/// `now - then` as [`hms`], with a `-` when a capture's clock went backwards.
fn signed_hms(line: &mut String, now: u64, then: u64) {
    if now < then {
        line.push('-');
        hms(line, then - now);
    } else {
        hms(line, now - then);
    }
}

/// The proleptic Gregorian (year, month, day) of the day `days` after 1970-01-01.
///
/// Counts in 400-year eras from 0000-03-01, so that the leap day ends a year:
/// an era has 146,097 days, a year of it starts in March, and months from March
/// have the lengths 31 30 31 30 31 31 30 31 30 31 31 28/29, which `(153 m + 2) / 5`
/// sums for m months.
fn civil_date(days: u64) -> (u64, u64, u64) {
    // 1970-01-01 is day 719,468 counted from 0000-03-01.
    let from_0000_03 = days + 719_468;
    let era = from_0000_03 / 146_097;
    let day_of_era = from_0000_03 % 146_097;
    // Take out the leap days of the era before this day (one every 4 years but not
    // every 100, and the era's last day) to count whole 365-day years.
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64, micros: u32) -> Duration {
        Duration::new(secs, micros * 1000)
    }

    fn column(format: TimeFormat, times: &[Duration]) -> Vec<String> {
        let mut stamper = Stamper::new(format);
        times
            .iter()
            .map(|&t| {
                let mut s = String::new();
                stamper.write(&mut s, t);
                s
            })
            .collect()
    }

    #[test]
    fn dates_agree_with_gnu_date() {
        // `date -u -d @SECS`: the epoch, a leap day, the day after a century
        // without one, and the last day four-digit years reach.
        for (secs, want) in [
            (0, "1970-01-01 00:00:00.000000"),
            (951_782_400, "2000-02-29 00:00:00.000000"),
            (951_868_799, "2000-02-29 23:59:59.000000"),
            (1_795_562_954, "2026-11-24 23:29:14.000000"),
            (4_107_542_399, "2100-02-28 23:59:59.000000"),
            (4_107_542_400, "2100-03-01 00:00:00.000000"),
            (253_402_300_799, "9999-12-31 23:59:59.000000"),
        ] {
            assert_eq!(column(TimeFormat::Abs, &[at(secs, 0)]), [want], "{secs}");
        }
    }

    #[test]
    fn every_form_of_three_packets() {
        let times = [at(1_795_562_954, 866_690), at(1_795_562_954, 986_730), at(1_795_566_600, 5)];
        assert_eq!(
            column(TimeFormat::Clock, &times),
            ["23:29:14.866690", "23:29:14.986730", "00:30:00.000005"]
        );
        assert_eq!(
            column(TimeFormat::Rel, &times),
            ["00:00:00.000000", "00:00:00.120040", "01:00:45.133315"]
        );
        assert_eq!(
            column(TimeFormat::Delta, &times),
            ["00:00:00.000000", "00:00:00.120040", "01:00:45.013275"]
        );
        assert_eq!(
            column(TimeFormat::Epoch, &times),
            ["1795562954.866690", "1795562954.986730", "1795566600.000005"]
        );
    }

    #[test]
    fn a_clock_that_goes_back_prints_a_negative_span() {
        let times = [at(100, 500), at(99, 0), at(200 + 2 * 86_400, 0)];
        assert_eq!(
            column(TimeFormat::Delta, &times),
            ["00:00:00.000000", "-00:00:01.000500", "48:01:41.000000"]
        );
        assert_eq!(
            column(TimeFormat::Rel, &times),
            ["00:00:00.000000", "-00:00:01.000500", "48:01:39.999500"]
        );
    }
}
