//! Which deals take part in a query: the as-of date, statuses, kinds, a minimum amount,
//! inferred flows, and entities taken out for what-if questions.

use chrono::NaiveDate;

use crate::model::{DealKind, DealRef, EntityId, Grade, Money, ReportRef, Status};

/// The global filters every query applies before it looks at the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    /// Reports dated after this are ignored; each deal's newest remaining report stands.
    pub as_of: NaiveDate,
    /// Statuses kept (by the standing report). Default: all but cancelled.
    pub statuses: Vec<Status>,
    /// Deal kinds kept. Default: all.
    pub kinds: Vec<DealKind>,
    /// Drop deals below this amount, and undisclosed ones.
    pub min_amount: Option<Money>,
    /// Keep deals marked `inferred`.
    pub include_inferred: bool,
    /// Entities removed together with their deals.
    pub without: Vec<EntityId>,
    /// Keep only flows at least this sure (see [`Grade`]). Default: [`Grade::Inferred`], all.
    pub min_grade: Grade,
}

impl Filter {
    /// The defaults: everything but cancelled deals, as of `as_of`.
    pub fn new(as_of: NaiveDate) -> Filter {
        Filter {
            as_of,
            statuses: Status::ALL
                .iter()
                .copied()
                .filter(|s| *s != Status::Cancelled)
                .collect(),
            kinds: DealKind::ALL.to_vec(),
            min_amount: None,
            include_inferred: true,
            without: Vec::new(),
            min_grade: Grade::Inferred,
        }
    }

    /// This filter, keeping only flows at least as sure as `grade` as well.
    pub fn at_grade(&self, grade: Grade) -> Filter {
        Filter {
            min_grade: self.min_grade.max(grade),
            ..self.clone()
        }
    }

    /// Today's defaults.
    pub fn today() -> Filter {
        Filter::new(chrono::Local::now().date_naive())
    }

    /// The standing report of `deal` if the deal passes every filter.
    pub fn admit<'d>(&self, deal: DealRef<'d>) -> Option<(usize, ReportRef<'d>)> {
        if !self.kinds.contains(&deal.kind())
            || (deal.inferred() && !self.include_inferred)
            || self.without.contains(&deal.from())
            || self.without.contains(&deal.to())
        {
            return None;
        }
        let index = deal.standing_index(self.as_of)?;
        let report = deal.report(index);
        if !self.statuses.contains(&report.status)
            || Grade::of(report.status, deal.inferred()) < self.min_grade
        {
            return None;
        }
        if let Some(min) = self.min_amount
            && report.amount.value.is_none_or(|v| v < min)
        {
            return None;
        }
        Some((index, report))
    }
}
