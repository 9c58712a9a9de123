//! Reading single values (amounts, dates, vocabularies, slugs) from any format, each failure
//! turned into a diagnostic that says what was expected.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::model::{Amount, DateError, Money, PartialDate, Qualifier, parse_amount};

use super::diagnostic::{Diagnostic, Loc};

/// Reads an amount written as text ("up to $50B") or a number of dollars, with an optional
/// separate qualifier (`qualifier` / `amount_qualifier`).
pub fn amount(text: &str, qualifier: Option<(&str, Loc)>, loc: Loc) -> Result<Amount, Diagnostic> {
    let mut amount = match whole_dollars(text) {
        Some(amount) => amount,
        None => parse_amount(text).map_err(|e| {
            Diagnostic::error(format!("invalid amount {text:?}: {e}"), loc).with_help(e.help())
        })?,
    };
    if let Some((q, q_loc)) = qualifier {
        let q = self::qualifier(q).map_err(|e| Diagnostic::error(e, q_loc))?;
        amount = combine(amount, q, q_loc)?;
    }
    Ok(amount)
}

/// The common case of an amount, a plain positive number of dollars (`13800000000`), read
/// without allocating; `None` sends anything else to [`parse_amount`], which gives the same
/// value for these.
pub(crate) fn whole_dollars(text: &str) -> Option<Amount> {
    let digits = text.as_bytes();
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    // The last eight digits at once, the ones before them one by one.
    let (head, tail) = match digits.len() {
        n @ 8.. => digits.split_at(n - 8),
        _ => (digits, &[][..]),
    };
    let head = head.iter().try_fold(0u64, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u64::from(d - b'0'))
    })?;
    let dollars = match <[u8; 8]>::try_from(tail) {
        Ok(eight) => head * 100_000_000 + eight_digits(eight)?,
        Err(_) => head,
    };
    let dollars = i64::try_from(dollars).ok()?;
    if dollars == 0 {
        return None; // parse_amount says why zero is refused
    }
    Some(Amount::new(Qualifier::Exact, Money::from_dollars(dollars)?))
}

/// Eight ASCII digits, the first the most significant, as their number; `None` if any is not
/// a digit. All eight at once in a `u64` (the amount of nearly every row of a big file has
/// eleven or twelve digits: this took a third of the instructions of reading it digit by
/// digit, and the `atoi_simd` crate, tried instead, was slower here).
fn eight_digits(bytes: [u8; 8]) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let v = u64::from_le_bytes(bytes);
    // A byte below '0' sets its top bit in `low`, one above '9' in `high`, a non-ASCII one
    // in `v`; a borrow or carry between bytes comes only from such a byte.
    let low = v.wrapping_sub(ONES * u64::from(b'0'));
    let high = v.wrapping_add(ONES * 0x46);
    if (v | low | high) & (ONES * 0x80) != 0 {
        return None;
    }
    // Each byte is now its digit, the first in the lowest byte: pairs, fours, then eight.
    let pairs = (low * 10 + (low >> 8)) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((fours * 10_000 + (fours >> 32)) & 0xFFFF_FFFF)
}

/// Reads a qualifier word; the canonical spellings without allocating.
pub fn qualifier(text: &str) -> Result<Qualifier, String> {
    match Qualifier::from_exact(text) {
        Some(q) => Ok(q),
        None => text.parse(),
    }
}

/// Applies a separately given qualifier to an amount read without one.
pub fn combine(amount: Amount, q: Qualifier, q_loc: Loc) -> Result<Amount, Diagnostic> {
    match (amount.value, q) {
        (None, Qualifier::Undisclosed) => Ok(amount),
        (None, _) => Err(Diagnostic::error(
            format!("qualifier {q} needs an amount, but none is given"),
            q_loc,
        )
        .with_help("add the figure (e.g. amount_usd = 50000000000) or use qualifier undisclosed")),
        (Some(_), Qualifier::Undisclosed) => Err(Diagnostic::error(
            "qualifier undisclosed contradicts the amount given",
            q_loc,
        )
        .with_help("drop the amount, or give the qualifier that matches it")),
        (Some(v), _) if amount.qualifier == Qualifier::Exact || amount.qualifier == q => {
            Ok(Amount::new(q, v))
        }
        (Some(_), _) => Err(Diagnostic::error(
            format!(
                "the amount already says {}, but the qualifier says {q}",
                amount.qualifier
            ),
            q_loc,
        )
        .with_help("say it once: either in the amount text or in the qualifier")),
    }
}

/// Reads a report date and refuses dates after `today`.
pub fn date(text: &str, today: NaiveDate, loc: Loc) -> Result<PartialDate, Diagnostic> {
    let parsed = match digits_date(text.trim()) {
        Some(parsed) => parsed,
        None => text.trim().parse(),
    };
    let date: PartialDate = parsed.map_err(|e| {
        Diagnostic::error(format!("invalid date {text:?}: {e}"), loc)
            .with_help("write dates as YYYY, YYYY-MM or YYYY-MM-DD, e.g. \"2025-11\"")
    })?;
    if !not_after(date, today) {
        return Err(Diagnostic::error(
            format!("date {date} is in the future (today is {today})"),
            loc,
        )
        .with_help("reports describe what was said on a past date; check the year"));
    }
    Ok(date)
}

/// A date in digits ([`digits_date`]) that [`date`] reads without a problem; `None` for any
/// other text (the short way of plain rows, which leaves the rest to [`date`]).
#[inline]
pub(crate) fn plain_date(text: &str, today: NaiveDate) -> Option<PartialDate> {
    digits_date(text)?.ok().filter(|&d| not_after(d, today))
}

/// Whether `date` is not after `today`.
#[inline]
fn not_after(date: PartialDate, today: NaiveDate) -> bool {
    // A date of an earlier year is on or before today without building its first day.
    date.year() < today.year() || date.on_or_before(today)
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` in digits, read without allocating (the same checks as
/// `PartialDate`'s `FromStr`); `None` for any other shape, which that parse then reports.
#[inline]
fn digits_date(text: &str) -> Option<Result<PartialDate, DateError>> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = num(0..4.min(b.len()))? as i32;
    match b.len() {
        4 => Some(PartialDate::from_ymd(year, None, None)),
        7 if b[4] == b'-' => Some(PartialDate::from_ymd(year, Some(num(5..7)?), None)),
        10 if b[4] == b'-' && b[7] == b'-' => Some(PartialDate::from_ymd(
            year,
            Some(num(5..7)?),
            Some(num(8..10)?),
        )),
        _ => None,
    }
}

/// Reads one word of a closed vocabulary, listing the valid ones and the closest on failure.
pub fn vocabulary<T: FromStr<Err = String>>(
    text: &str,
    valid: &[&str],
    loc: Loc,
) -> Result<T, Diagnostic> {
    text.parse().map_err(|e: String| {
        let mut d = Diagnostic::error(e, loc);
        if let Some(best) = closest(text, valid.iter().copied()) {
            d = d.with_help(format!("did you mean {best:?}?"));
        }
        d
    })
}

/// The candidate closest to `text`, if it is close enough to be a likely typo.
pub fn closest<'a>(text: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let text = text.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&text, c), c))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Checks an entity or deal id (lowercase letters, digits, `-`, `_` and `.`) and gives it back.
pub fn slug<'a>(text: &'a str, what: &str, loc: Loc) -> Result<&'a str, Diagnostic> {
    let ok = !text.is_empty()
        && text.bytes().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_' || c == b'.'
        });
    if ok {
        return Ok(text);
    }
    let suggestion: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let help = if suggestion.is_empty() {
        format!("{what} ids are lowercase slugs such as \"openai\" or \"middle-east-funds\"")
    } else {
        format!(
            "{what} ids are lowercase slugs (a-z, 0-9, -, _, .): try {suggestion:?} and put the \
             display form in `name`"
        )
    };
    Err(Diagnostic::error(format!("invalid {what} id {text:?}"), loc).with_help(help))
}

/// Reads a stake in percent, `0 < pct <= 100`.
pub fn stake_pct(text: &str, loc: Loc) -> Result<f64, Diagnostic> {
    let trimmed = text.trim().trim_end_matches('%').trim();
    let value: f64 = trimmed
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v > 0.0 && *v <= 100.0)
        .ok_or_else(|| {
            Diagnostic::error(format!("invalid stake {text:?}"), loc)
                .with_help("stake_pct is a percentage above 0 and at most 100, e.g. \"2.5\"")
        })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Dollars read digit by digit, as [`whole_dollars`] must read them.
    fn one_by_one(text: &str) -> Option<i64> {
        let digits = text.as_bytes();
        if digits.is_empty() || digits.len() > 16 {
            return None;
        }
        digits.iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    }

    #[test]
    fn whole_dollars_of_every_length() {
        let dollars = |t: &str| whole_dollars(t).and_then(|a| a.value).map(Money::cents);
        assert_eq!(dollars("13800000000"), Some(1_380_000_000_000));
        assert_eq!(dollars("9999999999999999"), Some(999_999_999_999_999_900));
        assert_eq!(dollars("12345678"), Some(1_234_567_800));
        assert_eq!(dollars("7"), Some(700));
        for bad in [
            "",
            "0",
            "00000000000",
            "1234567/",
            "1234567:",
            "12345678901234567",
            "１",
        ] {
            assert_eq!(dollars(bad), None, "{bad:?}");
        }
    }

    proptest! {
        /// Any text of digits and their neighbours in ASCII, and some bytes beyond it.
        #[test]
        fn whole_dollars_reads_as_digit_by_digit(text in "[/0-9:é\u{80}]{0,18}") {
            let expected = one_by_one(&text).filter(|&d| d != 0);
            let got = whole_dollars(&text).and_then(|a| a.value);
            prop_assert_eq!(got, expected.and_then(Money::from_dollars));
        }
    }
}
