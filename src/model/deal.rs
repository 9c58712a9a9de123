//! Deals and their reports. A deal is one flow of money from a payer to a payee; each report is
//! one source's account of it, and the newest report on or before the as-of date stands (a
//! report is dated by the event it gives, else by its publication).

use std::sync::Arc;

use chrono::NaiveDate;
use compact_str::CompactString;
use smallvec::SmallVec;

use super::{Amount, DealKind, EntityId, PartialDate, Qualifier, Status};

/// Index of a deal in its [`Dataset`](super::Dataset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DealId(pub u32);

impl DealId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A deal's id: a string that keeps up to 24 bytes inline (every made-up `{stem}-{line}` id
/// and most written ones), so a big load does not allocate one string per deal. It derefs to
/// `str`; build one with `.into()` from a `&str` or `String`.
pub type DealIdText = CompactString;

/// A deal's reports: the first one is stored inline (most deals have one), more spill to the
/// heap. Derefs to `[Report]`; build one with `.into()` from a `Vec<Report>` or with
/// [`Reports::from_elem`]/[`smallvec::smallvec!`].
pub type Reports = SmallVec<[Report; 1]>;

#[derive(Clone, Debug, PartialEq)]
pub struct Deal {
    pub id: DealIdText,
    pub kind: DealKind,
    /// What an `other` deal is for ("model access").
    pub label: Option<Box<str>>,
    /// Who pays.
    pub from: EntityId,
    /// Who is paid.
    pub to: EntityId,
    pub round: Option<Box<str>>,
    pub term_years: Option<u32>,
    pub valuation: Option<Amount>,
    /// Stake bought, in percent, when reported.
    pub stake_pct: Option<f64>,
    /// True when no source states the flow and it is implied by other figures.
    pub inferred: bool,
    pub notes: Option<Box<str>>,
    /// In the order they were read; never empty.
    pub reports: Reports,
}

/// One source's account of a deal.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Article file name or URL.
    pub source: Arc<str>,
    pub publisher: Option<Arc<str>>,
    /// When the source was published.
    pub date: Option<PartialDate>,
    /// When the deal was signed, announced or closed, as this source states it.
    pub event_date: Option<PartialDate>,
    pub status: Status,
    pub amount: Amount,
    pub notes: Option<Box<str>>,
}

impl Report {
    /// The date the report counts from: the event it gives (when the deal was signed,
    /// announced or closed), else its publication date.
    pub fn effective_date(&self) -> Option<PartialDate> {
        self.event_date.or(self.date)
    }
}

impl Deal {
    /// A deal with only what every deal has; the optional fields start empty.
    pub fn new(
        id: impl Into<DealIdText>,
        kind: DealKind,
        from: EntityId,
        to: EntityId,
        reports: Vec<Report>,
    ) -> Deal {
        Deal {
            id: id.into(),
            kind,
            label: None,
            from,
            to,
            round: None,
            term_years: None,
            valuation: None,
            stake_pct: None,
            inferred: false,
            notes: None,
            reports: reports.into(),
        }
    }

    /// The report that stands at `as_of`: among the reports that exist by then (a report
    /// counts from its event date when it gives one, else from its publication date: see
    /// [`Report::effective_date`]), the newest by publication date: the latest reporting
    /// stands, so a report published in 2026-01 that the contract was signed in 2025-11
    /// stands over one published in 2025-12, and from 2025-11 on. Undated reports count as
    /// older than any dated one. Reports of the same date are ranked by a stated rule,
    /// never by file order (see [`Precedence`]): one with a figure beats one without; then the
    /// more definite status; then the firmer figure (exact, then about, at least, up to); then a
    /// named outlet over an unattributed one; then the source whose name sorts first. `None`
    /// when every report is dated after `as_of`: the deal does not exist yet at that date.
    ///
    /// ```
    /// # use dealgraph::model::*;
    /// # use std::sync::Arc;
    /// let report = |date: &str, amount: &str| Report {
    ///     source: Arc::from("a.txt"), publisher: None, date: Some(date.parse().unwrap()),
    ///     event_date: None, status: Status::InTalks, amount: parse_amount(amount).unwrap(), notes: None,
    /// };
    /// let deal = Deal {
    ///     id: "d".into(), kind: DealKind::Investment, label: None, from: EntityId(0),
    ///     to: EntityId(1), round: None, term_years: None, valuation: None, stake_pct: None,
    ///     inferred: false, notes: None,
    ///     reports: vec![report("2025-12", "at least $10B"), report("2026-01", "up to $50B")].into(),
    /// };
    /// let jan = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    /// assert_eq!(deal.standing(jan).unwrap().amount.to_string(), "up to $50B");
    /// let dec = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    /// assert_eq!(deal.standing(dec).unwrap().amount.to_string(), "at least $10B");
    /// let nov = chrono::NaiveDate::from_ymd_opt(2025, 11, 30).unwrap();
    /// assert!(deal.standing(nov).is_none());
    /// ```
    pub fn standing(&self, as_of: NaiveDate) -> Option<&Report> {
        self.standing_index(as_of).map(|i| &self.reports[i])
    }

    /// Index into `reports` of the standing report (see [`Deal::standing`]).
    pub fn standing_index(&self, as_of: NaiveDate) -> Option<usize> {
        standing_among(
            self.reports.iter().map(|r| {
                Precedence::new(
                    [r.date, r.effective_date()],
                    r.status,
                    r.amount,
                    r.publisher.as_deref(),
                    &r.source,
                )
            }),
            as_of,
        )
    }
}

/// How a report ranks against the other reports of its deal: the larger key stands (see
/// [`Deal::standing`]). The fields compare in declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Precedence<'a> {
    /// The publication date: the newest reporting first; undated is oldest.
    pub date: Option<PartialDate>,
    /// A figure beats an undisclosed amount.
    pub has_figure: bool,
    /// completed > cancelled > announced > in talks > rumored.
    pub status: u8,
    /// exact > about > at least > up to.
    pub firmness: u8,
    /// A named outlet beats none, or one whose publisher reads "Unattributed…".
    pub named: bool,
    /// Last resort: the source whose name sorts first.
    pub source: std::cmp::Reverse<&'a str>,
    /// From when the report counts: its event date, else its publication date
    /// ([`Report::effective_date`]). It decides whether a report exists at `--as-of`, not
    /// which of those that exist stands.
    pub from: Option<PartialDate>,
}

impl<'a> Precedence<'a> {
    /// `dates` is `[publication, effective]` (see [`Report::effective_date`]).
    pub fn new(
        [date, from]: [Option<PartialDate>; 2],
        status: Status,
        amount: Amount,
        publisher: Option<&str>,
        source: &'a str,
    ) -> Self {
        Precedence {
            date,
            has_figure: amount.value.is_some(),
            status: match status {
                Status::Rumored => 0,
                Status::InTalks => 1,
                Status::Announced => 2,
                Status::Cancelled => 3,
                Status::Completed => 4,
            },
            firmness: match amount.qualifier {
                Qualifier::Undisclosed => 0,
                Qualifier::UpTo => 1,
                Qualifier::AtLeast => 2,
                Qualifier::About => 3,
                Qualifier::Exact => 4,
            },
            named: publisher.is_some_and(is_named_outlet),
            source: std::cmp::Reverse(source),
            from,
        }
    }

    /// Why the report with this key stands over `other`, a report it beat: the first field
    /// that differs, in words ("newer", "a named outlet", ...).
    pub fn reason_over(&self, other: &Precedence<'_>) -> &'static str {
        if self.date != other.date {
            "the latest reporting (newest publication date)"
        } else if self.has_figure != other.has_figure {
            "same date; the only one with a figure"
        } else if self.status != other.status {
            "same date; the most definite status"
        } else if self.firmness != other.firmness {
            "same date; the firmest figure"
        } else if self.named != other.named {
            "same date; a named outlet"
        } else {
            "same date and weight; its source's name sorts first"
        }
    }
}

/// A publisher that names an outlet: not empty and not "Unattributed…" (any case).
fn is_named_outlet(publisher: &str) -> bool {
    let p = publisher.trim();
    !p.is_empty()
        && !p
            .get(..12)
            .is_some_and(|head| head.eq_ignore_ascii_case("unattributed"))
}

/// The rule of [`Deal::standing`] over the reports' keys, in reading order. Equal keys (the
/// same source twice, with the same date, status and qualifier) keep the first.
pub(super) fn standing_among<'a>(
    reports: impl Iterator<Item = Precedence<'a>>,
    as_of: NaiveDate,
) -> Option<usize> {
    let mut best: Option<(Precedence<'a>, usize)> = None;
    for (i, key) in reports.enumerate() {
        if let Some(date) = key.from
            && !date.on_or_before(as_of)
        {
            continue;
        }
        if best.as_ref().is_none_or(|(best_key, _)| key > *best_key) {
            best = Some((key, i));
        }
    }
    best.map(|(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_amount;

    fn report(date: Option<&str>, amount: &str) -> Report {
        Report {
            source: Arc::from("x.txt"),
            publisher: None,
            date: date.map(|d| d.parse().unwrap()),
            event_date: None,
            status: Status::Announced,
            amount: parse_amount(amount).unwrap(),
            notes: None,
        }
    }

    fn deal(reports: Vec<Report>) -> Deal {
        Deal::new("d", DealKind::Cloud, EntityId(0), EntityId(1), reports)
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn newest_report_on_or_before_as_of_stands() {
        let d = deal(vec![
            report(Some("2026-01"), "$2B"),
            report(Some("2025-06-15"), "$1B"),
            report(Some("2027"), "$3B"),
        ]);
        assert_eq!(d.standing_index(day("2026-12-31")), Some(0));
        assert_eq!(d.standing_index(day("2025-12-31")), Some(1));
        assert_eq!(d.standing_index(day("2027-01-01")), Some(2));
        assert_eq!(d.standing_index(day("2025-06-14")), None);
    }

    #[test]
    fn a_report_counts_from_its_event_date_else_its_publication_date() {
        let signed = |published: &str, event: &str, amount: &str| Report {
            event_date: Some(event.parse().unwrap()),
            ..report(Some(published), amount)
        };
        // A running total published in 2025-12 on a stake begun in 2019 stands from 2019.
        let d = deal(vec![signed("2025-12", "2019", "at least $13B")]);
        assert_eq!(d.standing_index(day("2025-06-30")), Some(0));
        assert_eq!(d.standing_index(day("2018-12-31")), None);
        assert_eq!(d.reports[0].effective_date(), Some("2019".parse().unwrap()));
        // Signed 2025-11, reported 2026-01, against a report published 2025-12 with no event
        // date: the later reporting stands, and from 2025-11 on.
        let d = deal(vec![
            signed("2026-01", "2025-11", "$38B"),
            report(Some("2025-12"), "$39B"),
        ]);
        assert_eq!(d.standing_index(day("2025-11-30")), Some(0));
        assert_eq!(d.standing_index(day("2025-12-31")), Some(0));
        assert_eq!(d.standing_index(day("2026-01-31")), Some(0));
        // The same publication date falls through to the rest of the rule (a figure wins).
        let d = deal(vec![
            report(Some("2026-01"), "undisclosed"),
            signed("2026-01", "2025-11", "$38B"),
        ]);
        assert_eq!(d.standing_index(day("2026-01-31")), Some(1));
        // An event date without a publication date still dates the report.
        let d = deal(vec![Report {
            event_date: Some("2025-03".parse().unwrap()),
            ..report(None, "$1B")
        }]);
        assert_eq!(d.standing_index(day("2025-02-28")), None);
    }

    #[test]
    fn undated_reports_are_oldest_and_always_exist() {
        let d = deal(vec![report(None, "$1B"), report(Some("2025"), "$2B")]);
        assert_eq!(d.standing_index(day("2024-01-01")), Some(0));
        assert_eq!(d.standing_index(day("2025-01-01")), Some(1));
    }

    #[test]
    fn same_day_ties_prefer_a_figure() {
        let d = deal(vec![
            report(Some("2026-01"), "up to $310B"),
            report(Some("2026-01"), "undisclosed"),
        ]);
        assert_eq!(d.standing_index(day("2026-02-01")), Some(0));
        // A newer report stands even without a figure.
        let d = deal(vec![
            report(Some("2025-12"), "$8B"),
            report(Some("2026-01"), "undisclosed"),
        ]);
        assert_eq!(d.standing_index(day("2026-02-01")), Some(1));
    }

    #[test]
    fn same_day_ties_follow_the_stated_rule_not_file_order() {
        let with = |source: &str, publisher: Option<&str>, status: Status, amount: &str| Report {
            source: Arc::from(source),
            publisher: publisher.map(Arc::from),
            status,
            ..report(Some("2026-01"), amount)
        };
        let unattributed = Some("Unattributed (people familiar)");
        let cases = [
            // The firmer figure: exact beats "up to".
            (
                with("a.txt", unattributed, Status::InTalks, "up to $50B"),
                with("b.txt", Some("WSJ"), Status::InTalks, "$50B"),
            ),
            // The more definite status, even from an unattributed source.
            (
                with("a.txt", Some("WSJ"), Status::Rumored, "undisclosed"),
                with("b.txt", unattributed, Status::InTalks, "undisclosed"),
            ),
            // A named outlet over an unattributed one.
            (
                with("a.txt", unattributed, Status::InTalks, "$5B"),
                with("b.txt", Some("DCD"), Status::InTalks, "$5B"),
            ),
            // Otherwise the source whose name sorts first.
            (
                with("b.txt", Some("DCD"), Status::InTalks, "$5B"),
                with("a.txt", Some("WSJ"), Status::InTalks, "$6B"),
            ),
        ];
        for (loser, winner) in cases {
            let as_of = day("2026-02-01");
            let forward = deal(vec![loser.clone(), winner.clone()]);
            assert_eq!(forward.standing(as_of), Some(&winner), "{winner:?}");
            let backward = deal(vec![winner.clone(), loser]);
            assert_eq!(backward.standing(as_of), Some(&winner), "{winner:?}");
        }
    }
}
