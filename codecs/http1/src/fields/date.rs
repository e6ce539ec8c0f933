//! HTTP-date (RFC 9110 §5.6.7) in its three formats, both ways.

use core::fmt;

use nom::branch::alt;
use nom::bytes::complete::{tag, take};
use nom::character::complete::char;
use nom::combinator::{map_opt, verify};
use nom::{IResult, Parser};
use wirestate_wire::{Error, Result};

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A point in time with one-second resolution, in UTC, as HTTP carries it.
///
/// Parses IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850
/// form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`),
/// as RFC 9110 §5.6.7 requires of recipients; always writes IMF-fixdate.
///
/// ```
/// use wirestate_http1::fields::HttpDate;
/// let a = HttpDate::parse(b"Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
/// let b = HttpDate::parse(b"Sunday, 06-Nov-94 08:49:37 GMT").unwrap();
/// let c = HttpDate::parse(b"Sun Nov  6 08:49:37 1994").unwrap();
/// assert!(a == b && b == c);
/// assert_eq!(a.to_unix(), 784111777);
/// assert_eq!(HttpDate::from_unix(784111777).to_string(), "Sun, 06 Nov 1994 08:49:37 GMT");
///
/// // The weekday must be the date's.
/// assert_eq!(HttpDate::parse(b"Mon, 06 Nov 1994 08:49:37 GMT").unwrap_err().field(), "weekday");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct HttpDate {
    /// Year, e.g. 1994.
    pub year: u16,
    /// Month, 1-12.
    pub month: u8,
    /// Day of month, 1-31.
    pub day: u8,
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// Second, 0-60 (a leap second is allowed by the grammar).
    pub second: u8,
}

type In<'a, O> = IResult<&'a [u8], O>;

fn digits(n: usize) -> impl FnMut(&[u8]) -> In<'_, u16> {
    move |i| {
        map_opt(take(n), |d: &[u8]| {
            d.iter().try_fold(0u16, |acc, &b| {
                b.is_ascii_digit().then(|| acc * 10 + u16::from(b - b'0'))
            })
        })
        .parse(i)
    }
}

fn month(i: &[u8]) -> In<'_, u8> {
    map_opt(take(3usize), |m: &[u8]| {
        MONTHS.iter().position(|n| n.as_bytes() == m).map(|p| p as u8 + 1)
    })
    .parse(i)
}

fn weekday(i: &[u8]) -> In<'_, u8> {
    map_opt(take(3usize), |m: &[u8]| DAYS.iter().position(|n| n.as_bytes() == m).map(|p| p as u8))
        .parse(i)
}

fn long_weekday(i: &[u8]) -> In<'_, u8> {
    for (n, d) in LONG_DAYS.iter().enumerate() {
        if let Some(rest) = i.strip_prefix(d.as_bytes()) {
            return Ok((rest, n as u8));
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Tag)))
}

fn time(i: &[u8]) -> In<'_, (u8, u8, u8)> {
    (digits(2), char(':'), digits(2), char(':'), digits(2))
        .map(|(h, _, m, _, s)| (h as u8, m as u8, s as u8))
        .parse(i)
}

/// `IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT`
fn imf_fixdate(i: &[u8]) -> In<'_, (u8, HttpDate)> {
    (
        weekday,
        tag(", "),
        digits(2),
        char(' '),
        month,
        char(' '),
        digits(4),
        char(' '),
        time,
        tag(" GMT"),
    )
        .map(|(w, _, d, _, mo, _, y, _, (h, mi, s), _)| (w, date(y, mo, d, h, mi, s)))
        .parse(i)
}

/// `rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT`, `date2 = day "-" month "-" 2DIGIT`.
fn rfc850(i: &[u8]) -> In<'_, (u8, HttpDate)> {
    (
        long_weekday,
        tag(", "),
        digits(2),
        char('-'),
        month,
        char('-'),
        digits(2),
        char(' '),
        time,
        tag(" GMT"),
    )
        .map(|(w, _, d, _, mo, _, y, _, (h, mi, s), _)| {
            // RFC 9110 §5.6.7 resolves the two-digit year against the current date,
            // which a codec does not read; years 70-99 are 19xx, 00-69 are 20xx.
            let year = if y >= 70 { 1900 + y } else { 2000 + y };
            (w, date(year, mo, d, h, mi, s))
        })
        .parse(i)
}

/// `asctime-date = day-name SP date3 SP time-of-day SP year`, `date3 = month SP ( 2DIGIT / ( SP DIGIT ))`.
fn asctime(i: &[u8]) -> In<'_, (u8, HttpDate)> {
    let day = alt(((char(' '), digits(1)).map(|(_, d)| d), digits(2)));
    (weekday, char(' '), month, char(' '), day, char(' '), time, char(' '), digits(4))
        .map(|(w, _, mo, _, d, _, (h, mi, s), _, y)| (w, date(y, mo, d, h, mi, s)))
        .parse(i)
}

fn date(year: u16, month: u8, day: u16, hour: u8, minute: u8, second: u8) -> HttpDate {
    HttpDate { year, month, day: day as u8, hour, minute, second }
}

impl HttpDate {
    /// Parses any of the three formats; the whole input must match.
    ///
    /// # Errors
    /// `Malformed` "http-date" (no format matches, or a field out of range: day past
    /// the month's end, hour over 23...) at 0; "weekday" when the day name is not
    /// that date's.
    pub fn parse(input: &[u8]) -> Result<HttpDate> {
        let parsed =
            verify(alt((imf_fixdate, rfc850, asctime)), |(_, d)| d.is_valid()).parse(input);
        match parsed {
            Ok((b"", (weekday, d))) if d.weekday() == weekday => Ok(d),
            Ok((b"", _)) => {
                Err(Error::malformed("weekday", 0, "RFC 9110 §5.6.7: day-name matches the date"))
            }
            _ => Err(Error::malformed(
                "http-date",
                0,
                "RFC 9110 §5.6.7: IMF-fixdate, rfc850-date or asctime-date",
            )),
        }
    }

    fn is_valid(&self) -> bool {
        (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second <= 60
            && self.year >= 1970
    }

    /// Days since 1970-01-01 (the civil-from-days algorithm, proleptic Gregorian).
    fn days(&self) -> i64 {
        let (y, m, d) = (i64::from(self.year), i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// 0 = Monday .. 6 = Sunday.
    fn weekday(&self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        ((self.days() + 3).rem_euclid(7)) as u8
    }

    /// Seconds since the Unix epoch (a leap second counts as the next second's 0).
    pub fn to_unix(&self) -> u64 {
        let secs = self.days() * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        u64::try_from(secs).unwrap_or(0)
    }

    /// The date `secs` seconds after the Unix epoch (years past 9999 saturate).
    pub fn from_unix(secs: u64) -> HttpDate {
        let secs = secs.min(253_402_300_799); // 9999-12-31 23:59:59
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        HttpDate {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
        }
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for HttpDate {
    /// IMF-fixdate, the only format a sender generates (RFC 9110 §5.6.7).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wd = DAYS.get(usize::from(self.weekday())).unwrap_or(&"Mon");
        let mo = MONTHS.get(usize::from(self.month.saturating_sub(1))).unwrap_or(&"Jan");
        write!(
            f,
            "{wd}, {:02} {mo} {:04} {:02}:{:02}:{:02} GMT",
            self.day, self.year, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn three_formats_one_date() {
        for s in [
            &b"Sun, 06 Nov 1994 08:49:37 GMT"[..],
            b"Sunday, 06-Nov-94 08:49:37 GMT",
            b"Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(HttpDate::parse(s).unwrap(), date(1994, 11, 6, 8, 49, 37));
        }
        assert_eq!(HttpDate::parse(b"Thu Jan 01 00:00:00 1970").unwrap().to_unix(), 0);
        assert_eq!(HttpDate::parse(b"Wednesday, 01-Jan-25 00:00:00 GMT").unwrap().year, 2025);
    }

    #[test]
    fn refusals() {
        for s in [
            &b""[..],
            b"Sun, 06 Nov 1994 08:49:37 UTC",
            b"Sun, 6 Nov 1994 08:49:37 GMT",
            b"Sun, 06 Nov 1994 08:49:37 GMT ",
            b"Tue, 30 Feb 2021 00:00:00 GMT",
            b"Sun, 06 Nov 1994 24:00:00 GMT",
            b"sun, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(HttpDate::parse(s).unwrap_err().field(), "http-date", "{s:?}");
        }
        assert_eq!(
            HttpDate::parse(b"Sat, 06 Nov 1994 08:49:37 GMT").unwrap_err().field(),
            "weekday"
        );
    }

    #[test]
    fn unix_round_trip() {
        for secs in [0u64, 1, 86_399, 951_782_400, 1_700_000_000, 4_102_444_800, 253_402_300_799] {
            let d = HttpDate::from_unix(secs);
            assert_eq!(d.to_unix(), secs);
            assert_eq!(HttpDate::parse(d.to_string().as_bytes()).unwrap(), d);
        }
    }
}
