//! Storing converted rows in row order: deal ids, rows sharing an id merged into one deal's
//! reports, made-up ids, and the count of rows without a source.

use std::collections::HashMap;
use std::ops::Range;

use super::chunked::Parsed;
use super::rows::{DealRow, Item};
use super::symbols::UNKNOWN;
use super::{cell, csv_error};
use crate::load::diagnostic::{Diagnostic, FileId, Loc};
use crate::load::raw::{Part, Pending};
use crate::model::{Deal, DealId, DealIdText, EntityId, Reports};

/// Stores [`Item`]s in row order (on the calling thread): ids, merged rows, the deals.
pub(super) struct Store<'a> {
    pub(super) file: FileId,
    pub(super) stem: &'a str,
    pub(super) pending: &'a mut Pending,
    pub(super) diags: &'a mut Vec<Diagnostic>,
    /// Rows sharing an id: the index in `pending.deals` of the first.
    pub(super) deal_by_id: HashMap<String, usize>,
    pub(super) missing_sources: usize,
    pub(super) first_missing_source: Option<Loc>,
    pub(super) made_up: bool,
}

impl Store<'_> {
    /// Reports a record that could not be read; true when the rest of the file is skipped.
    pub(super) fn csv_error(&mut self, e: csv::Error) -> bool {
        self.diags.push(csv_error(e, self.file));
        // A broken quote or unreadable bytes make the rest of the file unreliable.
        self.diags.len() > 200
    }

    /// [`Store::csv_error`] for a reader that started at `byte` (1-based `line`) of the
    /// file.
    pub(super) fn csv_error_at(&mut self, e: csv::Error, line: u64, byte: u64) -> bool {
        let mut d = csv_error(e, self.file);
        if let Some(Loc::Cell {
            line: l,
            record_start,
            ..
        }) = &mut d.loc
        {
            *l = u32::try_from(line + u64::from(*l) - 1).unwrap_or(u32::MAX);
            *record_start += byte;
        }
        self.diags.push(d);
        self.diags.len() > 200
    }

    /// `names` holds the ids that `item`'s `from` and `to` point at.
    pub(super) fn add(&mut self, item: Item, names: &str) {
        self.add_known(item, names, [UNKNOWN; 2], None);
    }

    /// [`Store::add`] for a deal whose `from` and `to` symbols may be `known` already
    /// ([`UNKNOWN`] if not): the ids interned here go to `learned`, with where they are in
    /// `names`.
    pub(super) fn add_known(
        &mut self,
        item: Item,
        names: &str,
        known: [u32; 2],
        mut learned: Option<&mut Vec<(Range<usize>, u32)>>,
    ) {
        let (mut deal, line, byte, has_source) = match item {
            Item::Skipped(diags) => return self.diags.extend(diags),
            Item::Entity(e) => return self.pending.declared.add_row(e),
            Item::Deal {
                row,
                line,
                byte,
                has_source,
            } => (row, line, byte, has_source),
        };
        let at = |f: usize| cell(self.file, line, f, byte);
        if !has_source {
            self.missing_sources += 1;
            self.first_missing_source.get_or_insert(at(0));
        }
        let pending = &mut *self.pending;
        let written_id = match deal.id.take() {
            Some(id) => match self.deal_by_id.get(&id) {
                Some(&existing) => {
                    return merge_row(pending, existing, deal, names, at(0), self.diags);
                }
                None => {
                    let text = DealIdText::from(id.as_str());
                    self.deal_by_id.insert(id, pending.deals.len());
                    Some(text)
                }
            },
            None => {
                if !self.made_up {
                    self.made_up = true;
                    pending.made_up_stems.push(self.stem.to_string());
                }
                None
            }
        };
        let from = number(pending, names, &deal.from, known[0], learned.as_deref_mut());
        let to = number(pending, names, &deal.to, known[1], learned);
        pending.push_csv_origin(self.file, line, byte, written_id.is_some());
        let own_id = written_id.is_some();
        let deal = deal.into_deal(written_id.unwrap_or_default(), EntityId(from), EntityId(to));
        if own_id {
            pending.deals.push(&deal);
        } else {
            pending.deals.push_made_up(&deal, self.stem, line);
        }
    }
}

impl Store<'_> {
    /// Stores deals `range` of `parsed.deals` (whose ids are all made up), numbering the ids
    /// not known yet; `sources` is for [`DealStore::append`].
    pub(super) fn add_fast(
        &mut self,
        parsed: &Parsed,
        range: Range<usize>,
        sources: &mut Vec<u32>,
        mut learned: Option<&mut Vec<(Range<usize>, u32)>>,
    ) {
        if range.is_empty() {
            return;
        }
        let pending = &mut *self.pending;
        if !self.made_up {
            self.made_up = true;
            pending.made_up_stems.push(self.stem.to_string());
        }
        if let Some(k) = parsed.first_missing_source
            && range.contains(&k)
        {
            let row = &parsed.fast[k];
            let at = cell(self.file, row.line, 0, row.byte);
            self.first_missing_source.get_or_insert(at);
        }
        let first = pending.deals.append(&parsed.deals, range.clone(), sources);
        for (i, k) in range.enumerate() {
            let row = &parsed.fast[k];
            pending.push_csv_origin(self.file, row.line, row.byte, false);
            let known = |j: usize| parsed.symbols.get(2 * k + j).copied().unwrap_or(UNKNOWN);
            let (from, to) = (known(0), known(1));
            if from != UNKNOWN && to != UNKNOWN {
                continue;
            }
            let names = &parsed.names;
            let from = number(pending, names, &row.from, from, learned.as_deref_mut());
            let to = number(pending, names, &row.to, to, learned.as_deref_mut());
            let (from, to) = (EntityId(from), EntityId(to));
            pending
                .deals
                .set_parties(DealId(first.0 + i as u32), from, to);
        }
    }
}

/// The symbol of the id at `range` of `names`: `known` unless it is [`UNKNOWN`], else
/// numbered now (and put in `learned`, for the parsing threads' cache).
fn number(
    pending: &mut Pending,
    names: &str,
    range: &Range<usize>,
    known: u32,
    learned: Option<&mut Vec<(Range<usize>, u32)>>,
) -> u32 {
    if known != UNKNOWN {
        return known;
    }
    let symbol = pending.symbols.intern(&names[range.clone()]);
    if let Some(learned) = learned {
        learned.push((range.clone(), symbol));
    }
    symbol
}

impl DealRow {
    /// Whether the row has nothing but what [`DealStore::push_made_up_plain`] takes.
    ///
    /// [`DealStore::push_made_up_plain`]: crate::model::DealStore
    pub(super) fn is_plain(&self) -> bool {
        self.label.is_none()
            && self.round.is_none()
            && self.term_years.is_none()
            && self.valuation.is_none()
            && self.stake_pct.is_none()
            && self.report.notes.is_none()
            && self.report.event_date.is_none()
    }

    /// The deal this row is, with its id and parties.
    pub(super) fn into_deal(self, id: DealIdText, from: EntityId, to: EntityId) -> Deal {
        Deal {
            id,
            kind: self.kind,
            label: self.label,
            from,
            to,
            round: self.round,
            term_years: self.term_years,
            valuation: self.valuation,
            stake_pct: self.stake_pct,
            inferred: self.inferred,
            notes: None,
            reports: Reports::from_buf([self.report]),
        }
    }
}

/// A later row with an id already seen adds a report to that deal (`existing` in
/// `pending.deals`); its parties must agree.
fn merge_row(
    pending: &mut Pending,
    existing: usize,
    row: DealRow,
    names: &str,
    row_loc: Loc,
    diags: &mut Vec<Diagnostic>,
) {
    let first = pending.deals.get(DealId(existing as u32));
    let same = pending.symbols.name(first.from().0) == &names[row.from.clone()]
        && pending.symbols.name(first.to().0) == &names[row.to.clone()]
        && first.kind() == row.kind;
    if !same {
        diags.push(
            Diagnostic::error(
                format!("rows with id {:?} disagree on from, to or kind", first.id()),
                row_loc,
            )
            .with_related(pending.loc(existing, Part::Deal), "first row of this deal")
            .with_help("rows sharing an id are reports of one deal: give them the same from, to and kind, or different ids"),
        );
        return;
    }
    pending.deals.modify(DealId(existing as u32), |existing| {
        existing.reports.push(row.report);
        existing.term_years = existing.term_years.or(row.term_years);
        existing.valuation = existing.valuation.or(row.valuation);
        existing.stake_pct = existing.stake_pct.or(row.stake_pct);
        existing.round = existing.round.take().or(row.round);
        existing.inferred |= row.inferred;
    });
}
