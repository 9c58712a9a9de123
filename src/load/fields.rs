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
    let dollars = digits.iter().try_fold(0i64, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
    })?;
    if dollars == 0 {
        return None; // parse_amount says why zero is refused
    }
    Some(Amount::new(Qualifier::Exact, Money::from_dollars(dollars)?))
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
