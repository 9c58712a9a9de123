//! Report dates at the precision they were reported: a year, a month or a day. A partial date
//! stands for its first day when compared with `--as-of`, and sorts before any more precise
//! date inside it, so ordering is total and deterministic.

use std::fmt;
use std::num::NonZeroU16;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// 1..=9999; non-zero so that an `Option<PartialDate>` is 4 bytes.
    year: NonZeroU16,
    /// 0 when unknown, so that `2025` < `2025-01` < `2025-01-01` in the derived order.
    month: u8,
    day: u8,
}

/// The days of month `month` (1..=12) of `year` in the proleptic Gregorian calendar, as
/// chrono counts them (checked against chrono below), without building a date: loading
/// checks a date on every row.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl PartialDate {
    #[inline]
    pub fn from_ymd(year: i32, month: Option<u32>, day: Option<u32>) -> Result<Self, DateError> {
        let Some(year16) = u16::try_from(year)
            .ok()
            .filter(|y| (1..=9999).contains(y))
            .and_then(NonZeroU16::new)
        else {
            return Err(DateError::Year);
        };
        match (month, day) {
            (None, None) => Ok(PartialDate {
                year: year16,
                month: 0,
                day: 0,
            }),
            (Some(m), None) if (1..=12).contains(&m) => Ok(PartialDate {
                year: year16,
                month: m as u8,
                day: 0,
            }),
            (Some(m), None) => Err(DateError::Month(m)),
            (Some(m), Some(d)) => {
                if !(1..=12).contains(&m) {
                    return Err(DateError::Month(m));
                }
                if !(1..=days_in_month(year, m)).contains(&d) {
                    return Err(DateError::Day(year, m, d));
                }
                Ok(PartialDate {
                    year: year16,
                    month: m as u8,
                    day: d as u8,
                })
            }
            (None, Some(_)) => Err(DateError::Syntax),
        }
    }

    /// The day `date`, its year clamped to 1..=9999 (the years a `PartialDate` holds).
    pub fn from_naive(date: NaiveDate) -> Self {
        let year = date.year().clamp(1, 9999) as u16;
        PartialDate {
            year: NonZeroU16::new(year).unwrap_or(NonZeroU16::MIN),
            month: date.month() as u8,
            day: date.day() as u8,
        }
    }

    /// The first day of the period this date names.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(
            self.year(),
            u32::from(self.month.max(1)),
            u32::from(self.day.max(1)),
        )
        .expect("validated on construction")
    }

    /// True when the period has started by `as_of`.
    pub fn on_or_before(self, as_of: NaiveDate) -> bool {
        self.first_day() <= as_of
    }

    pub fn year(self) -> i32 {
        i32::from(self.year.get())
    }
}

impl fmt::Display for PartialDate {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as it was reported.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (0, _) => write!(f, "{:04}", self.year),
            (month, 0) => write!(f, "{:04}-{month:02}", self.year),
            _ => write!(f, "{}", self.first_day().format("%Y-%m-%d")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("dates are written YYYY, YYYY-MM or YYYY-MM-DD")]
    Syntax,
    #[error("year must be between 1 and 9999")]
    Year,
    #[error("there is no month {0}")]
    Month(u32),
    #[error("{0:04}-{1:02} has no day {2}")]
    Day(i32, u32, u32),
}

impl FromStr for PartialDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let number = |p: &str, len: usize| -> Result<u32, DateError> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DateError::Syntax);
            }
            p.parse().map_err(|_| DateError::Syntax)
        };
        match parts.as_slice() {
            [y] => PartialDate::from_ymd(number(y, 4)? as i32, None, None),
            [y, m] => PartialDate::from_ymd(number(y, 4)? as i32, Some(number(m, 2)?), None),
            [y, m, d] => PartialDate::from_ymd(
                number(y, 4)? as i32,
                Some(number(m, 2)?),
                Some(number(d, 2)?),
            ),
            _ => Err(DateError::Syntax),
        }
    }
}

/// Parses a full `YYYY-MM-DD` date, or a partial one taken at the end of its period
/// (`--as-of 2025` means the end of 2025), as command-line arguments expect.
pub fn parse_as_of(text: &str) -> Result<NaiveDate, DateError> {
    let date: PartialDate = text.parse()?;
    let end = match (date.month, date.day) {
        (0, _) => NaiveDate::from_ymd_opt(date.year(), 12, 31),
        (m, 0) => {
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(date.year(), u32::from(m) + 1, 1)
            };
            next.and_then(|d| d.pred_opt())
        }
        _ => Some(date.first_day()),
    };
    end.ok_or(DateError::Syntax)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked_as_chrono_checks_them() {
        for year in (1..=9999).filter(|y| y % 4 == 0 || y % 97 == 1 || *y < 30) {
            for month in 1..=12 {
                for day in 0..=32 {
                    let ours = PartialDate::from_ymd(year, Some(month), Some(day)).is_ok();
                    let chrono = NaiveDate::from_ymd_opt(year, month, day).is_some();
                    assert_eq!(ours, chrono, "{year}-{month}-{day}");
                }
            }
        }
    }

    #[test]
    fn parses_each_precision() {
        assert_eq!("2025".parse::<PartialDate>().unwrap().to_string(), "2025");
        assert_eq!(
            "2025-11".parse::<PartialDate>().unwrap().to_string(),
            "2025-11"
        );
        assert_eq!(
            "2024-02-29".parse::<PartialDate>().unwrap().to_string(),
            "2024-02-29"
        );
    }

    /// The text at every precision, zero-padded.
    #[test]
    fn text_reads_as_formatted() {
        for year in [1, 9, 10, 99, 100, 999, 1000, 2025, 9999] {
            let precisions = [
                (None, None),
                (Some(1), None),
                (Some(12), None),
                (Some(1), Some(1)),
                (Some(2), Some(28)),
                (Some(12), Some(31)),
            ];
            for (month, day) in precisions {
                let date = PartialDate::from_ymd(year, month, day).unwrap();
                let formatted = match (month, day) {
                    (None, _) => format!("{year:04}"),
                    (Some(m), None) => format!("{year:04}-{m:02}"),
                    (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
                };
                assert_eq!(date.to_string(), formatted);
            }
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!("2025-13".parse::<PartialDate>(), Err(DateError::Month(13)));
        assert_eq!(
            "2025-02-30".parse::<PartialDate>(),
            Err(DateError::Day(2025, 2, 30))
        );
        assert_eq!("yesterday".parse::<PartialDate>(), Err(DateError::Syntax));
        assert_eq!("25-01".parse::<PartialDate>(), Err(DateError::Syntax));
        assert_eq!("2025-1".parse::<PartialDate>(), Err(DateError::Syntax));
        assert_eq!("0000".parse::<PartialDate>(), Err(DateError::Year));
    }

    #[test]
    fn partial_dates_order_before_their_refinements() {
        let y: PartialDate = "2025".parse().unwrap();
        let m: PartialDate = "2025-01".parse().unwrap();
        let d: PartialDate = "2025-01-01".parse().unwrap();
        let later: PartialDate = "2025-02".parse().unwrap();
        assert!(y < m && m < d && d < later);
        let as_of = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        assert!(m.on_or_before(as_of));
        assert!(!later.on_or_before(as_of));
    }

    #[test]
    fn as_of_takes_the_end_of_a_partial_period() {
        assert_eq!(parse_as_of("2025").unwrap().to_string(), "2025-12-31");
        assert_eq!(parse_as_of("2024-02").unwrap().to_string(), "2024-02-29");
        assert_eq!(parse_as_of("2025-12").unwrap().to_string(), "2025-12-31");
    }
}
