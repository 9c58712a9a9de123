//! The compact deal store: each deal is one 36-byte row (parties, kind, first report, id as an
//! index), and what few deals have (labels, rounds, notes, event dates, later reports) sits in
//! a side table.
//! Readers see a deal through [`DealRef`] and its reports through [`ReportRef`].

use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::Arc;

use compact_str::CompactString;
use hashbrown::HashTable;

mod append;

use super::{
    Amount, Deal, DealId, DealIdText, DealKind, EntityId, Money, PartialDate, Qualifier, Report,
    Status,
};

const NONE: u32 = u32::MAX;
/// Set in [`Row::id`] when the id is `{stem}-{line}`, made up for a CSV row without one.
const MADE_UP: u32 = 1 << 31;

/// One deal. Only 4-byte aligned (the amount is split), so rows pack with no padding.
#[derive(Clone, Copy, Debug)]
struct Row {
    /// The first report's figure in cents, low half first (see [`HAS_FIGURE`]).
    amount: [u32; 2],
    from: EntityId,
    to: EntityId,
    /// `MADE_UP | line`, or an index into [`DealStore::written_ids`].
    id: u32,
    /// The first report's source and publisher, an index into [`DealStore::sources`].
    source: u32,
    date: Option<PartialDate>,
    /// Index into [`DealStore::extras`], or [`NONE`].
    extra: u32,
    kind: DealKind,
    status: Status,
    qualifier: Qualifier,
    /// [`INFERRED`] and [`HAS_FIGURE`].
    flags: u8,
}

/// The deal is inferred.
const INFERRED: u8 = 1;
/// The first report states a figure (which may be zero).
const HAS_FIGURE: u8 = 2;

const _: () = assert!(std::mem::size_of::<Row>() == 36);

fn split(value: Option<Money>) -> [u32; 2] {
    let cents = value.map_or(0, Money::cents) as u64;
    [cents as u32, (cents >> 32) as u32]
}

fn join([low, high]: [u32; 2]) -> Money {
    Money::from_cents((u64::from(high) << 32 | u64::from(low)) as i64)
}

/// A report after a deal's first, as stored.
#[derive(Clone, Debug)]
struct LaterReport {
    amount: Amount,
    source: u32,
    date: Option<PartialDate>,
    event_date: Option<PartialDate>,
    status: Status,
    notes: Option<Box<str>>,
}

/// What only some deals have.
#[derive(Clone, Debug, Default)]
struct Extra {
    label: Option<Box<str>>,
    round: Option<Box<str>>,
    notes: Option<Box<str>>,
    term_years: Option<u32>,
    valuation: Option<Amount>,
    stake_pct: Option<f64>,
    first_report_notes: Option<Box<str>>,
    first_report_event_date: Option<PartialDate>,
    later_reports: Vec<LaterReport>,
}

impl Extra {
    fn of(deal: &Deal) -> Option<Extra> {
        let needed = deal.label.is_some()
            || deal.round.is_some()
            || deal.notes.is_some()
            || deal.term_years.is_some()
            || deal.valuation.is_some()
            || deal.stake_pct.is_some()
            || deal.reports.len() > 1
            || deal
                .reports
                .first()
                .is_some_and(|r| r.notes.is_some() || r.event_date.is_some());
        needed.then(|| Extra {
            label: deal.label.clone(),
            round: deal.round.clone(),
            notes: deal.notes.clone(),
            term_years: deal.term_years,
            valuation: deal.valuation,
            stake_pct: deal.stake_pct,
            first_report_notes: deal.reports.first().and_then(|r| r.notes.clone()),
            first_report_event_date: deal.reports.first().and_then(|r| r.event_date),
            later_reports: Vec::new(),
        })
    }
}

/// What [`DealStore::push_made_up_plain`] stores of a plain deal besides its source.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlainDeal {
    pub(crate) kind: DealKind,
    pub(crate) parties: [EntityId; 2],
    pub(crate) inferred: bool,
    pub(crate) date: Option<PartialDate>,
    pub(crate) status: Status,
    pub(crate) amount: Amount,
}

impl PlainDeal {
    /// The deal of one `report` (which has no notes and no event date).
    pub(crate) fn of(
        kind: DealKind,
        parties: [EntityId; 2],
        inferred: bool,
        report: &Report,
    ) -> Self {
        debug_assert!(report.notes.is_none() && report.event_date.is_none());
        PlainDeal {
            kind,
            parties,
            inferred,
            date: report.date,
            status: report.status,
            amount: report.amount,
        }
    }
}

/// A source and its publisher, stored once however many reports cite them.
#[derive(Clone, Debug)]
struct Source {
    source: Arc<str>,
    publisher: Option<Arc<str>>,
}

/// Every deal of a dataset, compactly: ~36 bytes per deal that has one report and no
/// optional fields, which is nearly every deal of a big export.
#[derive(Clone, Debug, Default)]
pub struct DealStore {
    rows: Vec<Row>,
    extras: Vec<Extra>,
    /// Ids written in the data, back to back, and where each ends.
    written_ids: String,
    written_id_ends: Vec<usize>,
    /// For made-up ids: from which deal on each stem applies (deal index, stem index).
    made_up_runs: Vec<(u32, u32)>,
    stems: Vec<Box<str>>,
    sources: Vec<Source>,
    source_index: HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
    /// The last source interned, by pointers: neighbouring reports mostly share one.
    last_source: Option<(usize, usize, u32)>,
}

fn arc_ptr(s: &Option<Arc<str>>) -> usize {
    s.as_ref().map_or(0, |s| s.as_ptr() as usize)
}

impl DealStore {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The deal at `index`. Panics when out of range, like slice indexing.
    pub fn get(&self, id: DealId) -> DealRef<'_> {
        assert!(id.index() < self.rows.len(), "no deal {}", id.0);
        DealRef { store: self, id }
    }

    pub fn iter(&self) -> DealIter<'_> {
        DealIter {
            store: self,
            range: 0..self.rows.len() as u32,
        }
    }

    fn intern_source(&mut self, source: &Arc<str>, publisher: &Option<Arc<str>>) -> u32 {
        let pointers = (source.as_ptr() as usize, arc_ptr(publisher));
        // The store keeps every interned string alive, so no other string can be at the
        // same address.
        if let Some((s, p, index)) = self.last_source
            && (s, p) == pointers
        {
            return index;
        }
        let key = (&**source, publisher.as_deref());
        let index = self.find_or_add(key, || Source {
            source: source.clone(),
            publisher: publisher.clone(),
        });
        self.remember_source(index);
        index
    }

    /// The index of the source `key` (source, publisher), added with `make` if new.
    fn find_or_add(&mut self, key: (&str, Option<&str>), make: impl FnOnce() -> Source) -> u32 {
        let hash = self.hasher.hash_one(key);
        let sources = &self.sources;
        let found = self.source_index.find(hash, |&i| {
            let s = &sources[i as usize];
            (&*s.source, s.publisher.as_deref()) == key
        });
        if let Some(&i) = found {
            return i;
        }
        let i = self.sources.len() as u32;
        self.sources.push(make());
        let (sources, hasher) = (&self.sources, &self.hasher);
        self.source_index.insert_unique(hash, i, |&i| {
            let s = &sources[i as usize];
            hasher.hash_one((&*s.source, s.publisher.as_deref()))
        });
        i
    }

    /// Keeps source `index` as the last one, by the pointers of its stored strings, which
    /// the store keeps alive: an equal string found by its text may be freed, and another
    /// string made at its address.
    fn remember_source(&mut self, index: u32) {
        let stored = &self.sources[index as usize];
        self.last_source = Some((
            stored.source.as_ptr() as usize,
            arc_ptr(&stored.publisher),
            index,
        ));
    }

    /// How many deals keep an id of their own text (written in the data, or made up past
    /// line 2^31); every other deal's id is `{stem}-{line}`.
    pub(crate) fn written_id_count(&self) -> usize {
        self.written_id_ends.len()
    }

    fn written_id(&mut self, id: &str) -> u32 {
        self.written_ids.push_str(id);
        self.written_id_ends.push(self.written_ids.len());
        (self.written_id_ends.len() - 1) as u32
    }

    fn stem_index(&mut self, stem: &str) -> u32 {
        match self.stems.iter().rposition(|s| &**s == stem) {
            Some(i) => i as u32,
            None => {
                self.stems.push(stem.into());
                (self.stems.len() - 1) as u32
            }
        }
    }

    fn later_report(&mut self, report: &Report) -> LaterReport {
        LaterReport {
            amount: report.amount,
            source: self.intern_source(&report.source, &report.publisher),
            date: report.date,
            event_date: report.event_date,
            status: report.status,
            notes: report.notes.clone(),
        }
    }

    /// Packs `deal` into a row (and a side-table entry when it needs one).
    fn row(&mut self, deal: &Deal, id: u32) -> Row {
        let first = deal
            .reports
            .first()
            .expect("a deal has at least one report");
        let mut extra = Extra::of(deal);
        if let Some(extra) = &mut extra {
            extra.later_reports = deal.reports[1..]
                .iter()
                .map(|r| self.later_report(r))
                .collect();
        }
        Row {
            amount: split(first.amount.value),
            from: deal.from,
            to: deal.to,
            id,
            source: self.intern_source(&first.source, &first.publisher),
            date: first.date,
            extra: extra.map_or(NONE, |e| {
                self.extras.push(e);
                (self.extras.len() - 1) as u32
            }),
            kind: deal.kind,
            status: first.status,
            qualifier: first.amount.qualifier,
            flags: if deal.inferred { INFERRED } else { 0 }
                | if first.amount.value.is_some() {
                    HAS_FIGURE
                } else {
                    0
                },
        }
    }

    /// Adds a deal with the id it carries. Panics if it has no report.
    pub(crate) fn push(&mut self, deal: &Deal) -> DealId {
        let id = self.written_id(&deal.id);
        let row = self.row(deal, id);
        self.rows.push(row);
        DealId(self.rows.len() as u32 - 1)
    }

    /// Adds a deal whose id is `{stem}-{line}` (its `id` field is ignored): the id costs no
    /// memory of its own.
    pub(crate) fn push_made_up(&mut self, deal: &Deal, stem: &str, line: u64) -> DealId {
        let index = self.rows.len() as u32;
        let id = self.made_up(stem, line);
        let row = self.row(deal, id);
        self.rows.push(row);
        DealId(index)
    }

    /// [`DealStore::push_made_up`] for a deal of one report that has nothing else but its
    /// kind, parties and whether it is inferred (no label, round, notes, term, valuation,
    /// stake, report notes or event date), without building the [`Deal`]. `source` is the
    /// report's source as [`DealStore::source_of`] or [`DealStore::source_by_text`] gave it.
    pub(crate) fn push_made_up_plain(
        &mut self,
        deal: PlainDeal,
        source: u32,
        stem: &str,
        line: u64,
    ) -> DealId {
        let index = self.rows.len() as u32;
        let id = self.made_up(stem, line);
        let row = Row {
            amount: split(deal.amount.value),
            from: deal.parties[0],
            to: deal.parties[1],
            id,
            source,
            date: deal.date,
            extra: NONE,
            kind: deal.kind,
            status: deal.status,
            qualifier: deal.amount.qualifier,
            flags: if deal.inferred { INFERRED } else { 0 }
                | if deal.amount.value.is_some() {
                    HAS_FIGURE
                } else {
                    0
                },
        };
        self.rows.push(row);
        DealId(index)
    }

    /// The source of `report`, stored once.
    pub(crate) fn source_of(&mut self, report: &Report) -> u32 {
        self.intern_source(&report.source, &report.publisher)
    }

    /// A source and publisher given as text, stored once (without the shared strings a
    /// [`Report`] holds: neighbouring rows mostly repeat the last, compared by text).
    pub(crate) fn source_by_text(&mut self, source: &str, publisher: Option<&str>) -> u32 {
        if let Some((_, _, index)) = self.last_source {
            let last = &self.sources[index as usize];
            if *last.source == *source && last.publisher.as_deref() == publisher {
                return index;
            }
        }
        let index = self.find_or_add((source, publisher), || Source {
            source: Arc::from(source),
            publisher: publisher.map(Arc::from),
        });
        self.remember_source(index);
        index
    }

    /// Makes made-up ids from deal `at` on `stem`'s, unless the last run's stem is it.
    fn extend_made_up(&mut self, stem: &str, at: u32) {
        if self
            .made_up_runs
            .last()
            .is_none_or(|&(_, s)| *self.stems[s as usize] != *stem)
        {
            let s = self.stem_index(stem);
            self.made_up_runs.push((at, s));
        }
    }

    /// The id of the next deal when it is `{stem}-{line}`.
    fn made_up(&mut self, stem: &str, line: u64) -> u32 {
        let index = self.rows.len() as u32;
        match u32::try_from(line) {
            Ok(line) if line < MADE_UP => {
                self.extend_made_up(stem, index);
                MADE_UP | line
            }
            _ => self.written_id(&made_up_id(stem, line)),
        }
    }

    /// Points deal `id` at its parties.
    pub(crate) fn set_parties(&mut self, id: DealId, from: EntityId, to: EntityId) {
        let row = &mut self.rows[id.index()];
        row.from = from;
        row.to = to;
    }

    /// Changes deal `id` (rarely needed: rows that add a report to a deal read before).
    pub(crate) fn modify(&mut self, id: DealId, change: impl FnOnce(&mut Deal)) {
        let mut deal = self.get(id).to_deal();
        change(&mut deal);
        let old = self.rows[id.index()];
        let mut row = self.row(&deal, old.id);
        if old.extra != NONE && row.extra != NONE {
            // `row` just pushed its extras last: they take the old slot instead.
            let extra = self.extras.pop().expect("row() pushed the extras");
            self.extras[old.extra as usize] = extra;
            row.extra = old.extra;
        }
        self.rows[id.index()] = row;
    }

    /// The sources (article names or URLs) the reports cite, once per source and publisher.
    pub fn source_names(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| &*s.source)
    }
}

/// `{stem}-{line}`, as `format!` gives it, inline when it fits in 24 bytes. (`itoa` rather
/// than the formatting machinery: queries build thousands of these ids to sort them.)
fn made_up_id(stem: &str, line: u64) -> DealIdText {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(line);
    let mut id = DealIdText::with_capacity(stem.len() + 1 + digits.len());
    id.push_str(stem);
    id.push('-');
    id.push_str(digits);
    id
}

/// The deals of a store in order.
#[derive(Clone, Debug)]
pub struct DealIter<'a> {
    store: &'a DealStore,
    range: std::ops::Range<u32>,
}

impl<'a> Iterator for DealIter<'a> {
    type Item = DealRef<'a>;

    fn next(&mut self) -> Option<DealRef<'a>> {
        self.range.next().map(|i| self.store.get(DealId(i)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<DealRef<'a>> {
        self.range.nth(n).map(|i| self.store.get(DealId(i)))
    }
}

impl DoubleEndedIterator for DealIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.range.next_back().map(|i| self.store.get(DealId(i)))
    }
}

impl ExactSizeIterator for DealIter<'_> {}

/// A deal's id as read from the store: borrowed when it was written in the data, built when
/// it was made up from a CSV file and line. Derefs to `str`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DealIdRef<'a> {
    Written(&'a str),
    MadeUp(CompactString),
}

impl Deref for DealIdRef<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            DealIdRef::Written(s) => s,
            DealIdRef::MadeUp(s) => s,
        }
    }
}

impl DealIdRef<'_> {
    pub fn as_str(&self) -> &str {
        self
    }
}

impl fmt::Display for DealIdRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for DealIdRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq<str> for DealIdRef<'_> {
    fn eq(&self, other: &str) -> bool {
        **self == *other
    }
}

impl PartialEq<&str> for DealIdRef<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

impl serde::Serialize for DealIdRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

/// A deal's id as its row keeps it (see [`DealRef::id_parts`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealIdParts<'a> {
    Written(&'a str),
    /// `{stem}-{line}`.
    MadeUp {
        stem: &'a str,
        line: u32,
    },
}

impl<'a> DealIdParts<'a> {
    /// The id's text.
    pub fn spell(self) -> DealIdRef<'a> {
        match self {
            DealIdParts::Written(id) => DealIdRef::Written(id),
            DealIdParts::MadeUp { stem, line } => {
                DealIdRef::MadeUp(made_up_id(stem, u64::from(line)))
            }
        }
    }
}

/// One deal, read from its store. Cheap to copy; every accessor is a field read or two.
///
/// ```
/// # use dealgraph::model::*;
/// # use std::sync::Arc;
/// let mut data = Dataset::new();
/// let a = data.add_entity(Entity::new("a", "A", EntityKind::Company)).unwrap();
/// let b = data.add_entity(Entity::new("b", "B", EntityKind::Company)).unwrap();
/// let report = Report {
///     source: Arc::from("a.txt"), publisher: None, date: Some("2025-06".parse().unwrap()),
///     event_date: None,
///     status: Status::Announced, amount: parse_amount("$2B").unwrap(), notes: None,
/// };
/// let id = data.add_deal(Deal::new("d1", DealKind::Cloud, a, b, vec![report]));
/// let deal = data.deal(id);
/// assert_eq!((deal.id().as_str(), deal.from(), deal.report_count()), ("d1", a, 1));
/// assert_eq!(deal.report(0).amount.to_string(), "$2B");
/// assert_eq!(deal.round(), None);
/// ```
#[derive(Clone, Copy)]
pub struct DealRef<'a> {
    store: &'a DealStore,
    /// Checked against the store when made, so reading the row cannot fail.
    id: DealId,
}

impl fmt::Debug for DealRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DealRef")
            .field("index", &self.id.0)
            .field("id", &self.id())
            .field("kind", &self.kind())
            .field("from", &self.from())
            .field("to", &self.to())
            .finish_non_exhaustive()
    }
}

impl<'a> DealRef<'a> {
    fn row(&self) -> &'a Row {
        &self.store.rows[self.id.index()]
    }

    fn extra(&self) -> Option<&'a Extra> {
        let extra = self.row().extra;
        (extra != NONE).then(|| &self.store.extras[extra as usize])
    }

    /// Where the deal is in its dataset.
    pub fn index(&self) -> DealId {
        self.id
    }

    pub fn id(&self) -> DealIdRef<'a> {
        self.id_parts().spell()
    }

    /// The id as stored, without spelling out a made-up one: for reading many ids from
    /// their rows in one pass and building their text in another.
    pub fn id_parts(&self) -> DealIdParts<'a> {
        let id = self.row().id;
        if id & MADE_UP != 0 {
            let runs = &self.store.made_up_runs;
            let run = runs.partition_point(|&(first, _)| first <= self.id.0) - 1;
            let stem = &self.store.stems[runs[run].1 as usize];
            return DealIdParts::MadeUp {
                stem,
                line: id & !MADE_UP,
            };
        }
        let ends = &self.store.written_id_ends;
        let start = if id == 0 { 0 } else { ends[id as usize - 1] };
        DealIdParts::Written(&self.store.written_ids[start..ends[id as usize]])
    }

    pub fn kind(&self) -> DealKind {
        self.row().kind
    }

    /// Who pays.
    pub fn from(&self) -> EntityId {
        self.row().from
    }

    /// Who is paid.
    pub fn to(&self) -> EntityId {
        self.row().to
    }

    /// True when no source states the flow and it is implied by other figures.
    pub fn inferred(&self) -> bool {
        self.row().flags & INFERRED != 0
    }

    /// What an `other` deal is for ("model access").
    pub fn label(&self) -> Option<&'a str> {
        self.extra().and_then(|e| e.label.as_deref())
    }

    pub fn round(&self) -> Option<&'a str> {
        self.extra().and_then(|e| e.round.as_deref())
    }

    pub fn notes(&self) -> Option<&'a str> {
        self.extra().and_then(|e| e.notes.as_deref())
    }

    pub fn term_years(&self) -> Option<u32> {
        self.extra().and_then(|e| e.term_years)
    }

    pub fn valuation(&self) -> Option<Amount> {
        self.extra().and_then(|e| e.valuation)
    }

    /// Stake bought, in percent, when reported.
    pub fn stake_pct(&self) -> Option<f64> {
        self.extra().and_then(|e| e.stake_pct)
    }

    /// A short description of what the money buys: the kind, or the label of an `other` deal.
    pub fn kind_label(&self) -> &'a str {
        match (self.label(), self.kind()) {
            (Some(label), DealKind::Other) => label,
            (_, kind) => kind.as_str(),
        }
    }

    /// How many reports the deal has (at least one).
    pub fn report_count(&self) -> usize {
        1 + self.extra().map_or(0, |e| e.later_reports.len())
    }

    /// Report `index` (0 is the first read). Panics when out of range.
    pub fn report(&self, index: usize) -> ReportRef<'a> {
        let store = self.store;
        let source = |i: u32| &store.sources[i as usize];
        if index == 0 {
            let row = self.row();
            let s = source(row.source);
            return ReportRef {
                source: &s.source,
                publisher: s.publisher.as_deref(),
                date: row.date,
                event_date: self.extra().and_then(|e| e.first_report_event_date),
                status: row.status,
                amount: Amount {
                    qualifier: row.qualifier,
                    value: (row.flags & HAS_FIGURE != 0).then(|| join(row.amount)),
                },
                notes: self.extra().and_then(|e| e.first_report_notes.as_deref()),
            };
        }
        let later = &self
            .extra()
            .expect("a deal with later reports has extras")
            .later_reports[index - 1];
        let s = source(later.source);
        ReportRef {
            source: &s.source,
            publisher: s.publisher.as_deref(),
            date: later.date,
            event_date: later.event_date,
            status: later.status,
            amount: later.amount,
            notes: later.notes.as_deref(),
        }
    }

    /// Every report, in the order they were read.
    pub fn reports(
        &self,
    ) -> impl ExactSizeIterator<Item = ReportRef<'a>> + DoubleEndedIterator + Clone + use<'a> {
        let deal = *self;
        (0..self.report_count()).map(move |i| deal.report(i))
    }

    /// Index of the report that stands at `as_of` (see [`Deal::standing`], which has the
    /// rules), or `None` when every report is dated after it.
    pub fn standing_index(&self, as_of: chrono::NaiveDate) -> Option<usize> {
        match self.extra() {
            Some(extra) if !extra.later_reports.is_empty() => {
                super::deal::standing_among(self.reports().map(|r| r.precedence()), as_of)
            }
            _ => match self.report(0).effective_date() {
                Some(date) if !date.on_or_before(as_of) => None,
                _ => Some(0),
            },
        }
    }

    /// Why the standing report stands over the others dated on or before `as_of`, in words
    /// ("the newest report", "same date; a named outlet", ...), or `None` when no other report
    /// competes with it.
    pub fn standing_reason(&self, as_of: chrono::NaiveDate) -> Option<&'static str> {
        let mut keys: Vec<super::deal::Precedence<'a>> = self
            .reports()
            .filter(|r| r.effective_date().is_none_or(|d| d.on_or_before(as_of)))
            .map(|r| r.precedence())
            .collect();
        keys.sort_unstable_by(|a, b| b.cmp(a));
        match keys.as_slice() {
            [best, runner_up, ..] => Some(best.reason_over(runner_up)),
            _ => None,
        }
    }

    /// The report that stands at `as_of` (see [`Deal::standing`]).
    pub fn standing(&self, as_of: chrono::NaiveDate) -> Option<ReportRef<'a>> {
        self.standing_index(as_of).map(|i| self.report(i))
    }

    /// The deal as an owned [`Deal`], the form loaders build.
    pub fn to_deal(&self) -> Deal {
        let owned = |r: ReportRef<'_>, s: &Source| Report {
            source: s.source.clone(),
            publisher: s.publisher.clone(),
            date: r.date,
            event_date: r.event_date,
            status: r.status,
            amount: r.amount,
            notes: r.notes.map(Into::into),
        };
        let mut reports = super::Reports::new();
        reports.push(owned(
            self.report(0),
            &self.store.sources[self.row().source as usize],
        ));
        if let Some(extra) = self.extra() {
            for (i, later) in extra.later_reports.iter().enumerate() {
                reports.push(owned(
                    self.report(i + 1),
                    &self.store.sources[later.source as usize],
                ));
            }
        }
        Deal {
            id: self.id().as_str().into(),
            kind: self.kind(),
            label: self.label().map(Into::into),
            from: self.from(),
            to: self.to(),
            round: self.round().map(Into::into),
            term_years: self.term_years(),
            valuation: self.valuation(),
            stake_pct: self.stake_pct(),
            inferred: self.inferred(),
            notes: self.notes().map(Into::into),
            reports,
        }
    }
}

/// One source's account of a deal, as read from the store.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReportRef<'a> {
    /// Article file name or URL.
    pub source: &'a str,
    pub publisher: Option<&'a str>,
    /// When the source was published.
    pub date: Option<PartialDate>,
    /// When the deal was signed, announced or closed, as this source states it.
    pub event_date: Option<PartialDate>,
    pub status: Status,
    pub amount: Amount,
    pub notes: Option<&'a str>,
}

impl<'a> ReportRef<'a> {
    /// The date the report counts from (see [`Report::effective_date`]).
    pub fn effective_date(&self) -> Option<PartialDate> {
        self.event_date.or(self.date)
    }

    /// How the report ranks against the other reports of its deal.
    pub fn precedence(&self) -> super::deal::Precedence<'a> {
        super::deal::Precedence::new(
            [self.date, self.effective_date()],
            self.status,
            self.amount,
            self.publisher,
            self.source,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_amount;
    use proptest::prelude::*;

    fn report(source: &str, date: &str, amount: &str) -> Report {
        Report {
            source: Arc::from(source),
            publisher: Some(Arc::from("Pub")),
            date: Some(date.parse().unwrap()),
            event_date: None,
            status: Status::Announced,
            amount: parse_amount(amount).unwrap(),
            notes: None,
        }
    }

    fn deal(id: &str, reports: Vec<Report>) -> Deal {
        Deal::new(id, DealKind::Cloud, EntityId(0), EntityId(1), reports)
    }

    #[test]
    fn deals_read_back_as_they_went_in() {
        let mut store = DealStore::default();
        let plain = deal("plain", vec![report("a.txt", "2025-01", "about $3B")]);
        let mut rich = deal(
            "rich",
            vec![
                report("a.txt", "2025-01", "up to $50B"),
                report("b.txt", "2026", "undisclosed"),
            ],
        );
        rich.label = Some("model access".into());
        rich.round = Some("Series B".into());
        rich.term_years = Some(7);
        rich.stake_pct = Some(2.5);
        rich.reports[0].notes = Some("first".into());
        rich.reports[1].notes = Some("second".into());
        rich.reports[1].event_date = Some("2025-11".parse().unwrap());
        let mut signed = plain.clone();
        signed.reports[0].event_date = Some("2019".parse().unwrap());
        let s = store.push(&signed);
        assert_eq!(store.get(s).to_deal(), signed);
        assert_eq!(
            store.get(s).report(0).event_date,
            signed.reports[0].event_date
        );
        let a = store.push(&plain);
        let b = store.push(&rich);
        let c = store.push_made_up(&plain, "deals", 12);
        let d = store.push_made_up(&plain, "deals", u64::from(u32::MAX) + 5);
        let e = store.push_made_up(&plain, "other", 3);
        assert_eq!(store.get(a).to_deal(), plain);
        assert_eq!(store.get(b).to_deal(), rich);
        assert_eq!(store.get(b).report(1).notes, Some("second"));
        assert_eq!(store.get(c).id().as_str(), "deals-12");
        assert_eq!(store.get(d).id().as_str(), "deals-4294967300");
        assert_eq!(store.get(e).id().as_str(), "other-3");
        let mut zero = plain.clone();
        zero.reports[0].amount.value = Some(Money::ZERO);
        zero.inferred = true;
        let z = store.push(&zero);
        assert_eq!(store.get(z).to_deal(), zero);
        assert_eq!(store.source_names().count(), 2);
        assert_eq!(
            store.get(a).report(0).amount.value,
            plain.reports[0].amount.value
        );
    }

    #[test]
    fn standing_matches_the_owned_deal() {
        let mut store = DealStore::default();
        let owned = deal(
            "d",
            vec![
                report("a.txt", "2026-01", "$2B"),
                report("a.txt", "2025-06-15", "$1B"),
                report("a.txt", "2027", "undisclosed"),
            ],
        );
        let id = store.push(&owned);
        for day in ["2025-06-14", "2025-12-31", "2026-12-31", "2027-01-01"] {
            let day = day.parse().unwrap();
            assert_eq!(store.get(id).standing_index(day), owned.standing_index(day));
        }
    }

    #[test]
    fn event_dates_live_in_the_side_table_and_date_the_standing_report() {
        let mut store = DealStore::default();
        let mut stake = deal("stake", vec![report("a.txt", "2025-12", "at least $13B")]);
        stake.reports[0].event_date = Some("2019".parse().unwrap());
        let id = store.push(&stake);
        assert_eq!(
            store.extras.len(),
            1,
            "a first report's event date needs extras"
        );
        let mid_2025 = "2025-06-30".parse().unwrap();
        assert_eq!(store.get(id).standing_index(mid_2025), Some(0));
        assert_eq!(
            store.get(id).standing_index("2018-12-31".parse().unwrap()),
            None
        );
        let plain = store.push(&deal("plain", vec![report("a.txt", "2025-12", "$1B")]));
        assert_eq!(store.extras.len(), 1, "no event date, no extras");
        assert_eq!(store.get(plain).report(0).event_date, None);
    }

    #[test]
    fn modify_keeps_other_deals_intact() {
        let mut store = DealStore::default();
        let mut first = deal("one", vec![report("a.txt", "2025", "$1B")]);
        first.round = Some("Seed".into());
        let second = deal("two", vec![report("a.txt", "2025", "$2B")]);
        let a = store.push(&first);
        let b = store.push(&second);
        store.modify(a, |d| d.reports.push(report("c.txt", "2026", "$3B")));
        store.modify(b, |d| d.round = Some("A".into()));
        assert_eq!(store.get(a).report_count(), 2);
        assert_eq!(store.get(a).round(), Some("Seed"));
        assert_eq!(store.get(b).round(), Some("A"));
        assert_eq!(store.get(b).to_deal().reports, second.reports);
    }

    fn arb_report() -> impl Strategy<Value = Report> {
        let sources = prop::sample::select(vec!["a.txt", "b.txt", ""]);
        let publishers = prop::option::of(prop::sample::select(vec!["P", "Q"]));
        let date = prop::option::of((2020i32..2027, 0u32..13, 0u32..29));
        let amount = prop::option::of(0i64..1_000_000_000_000);
        let qualifier = prop::sample::select(Qualifier::ALL.to_vec());
        let status = prop::sample::select(Status::ALL);
        let notes = prop::option::of("[a-z ]{0,8}");
        let partial = |(y, m, d): (i32, u32, u32)| {
            let (m, d) = (Some(m).filter(|&m| m > 0), Some(d).filter(|&d| d > 0));
            PartialDate::from_ymd(y, m, m.and(d)).unwrap()
        };
        let event = prop::option::weighted(0.3, (2019i32..2027, 0u32..13, 0u32..29));
        let dates = (date, event);
        (sources, publishers, dates, amount, qualifier, status, notes).prop_map(
            move |(source, publisher, (date, event), cents, qualifier, status, notes)| Report {
                source: Arc::from(source),
                publisher: publisher.map(Arc::from),
                date: date.map(partial),
                event_date: event.map(partial),
                status,
                amount: Amount {
                    qualifier,
                    value: cents.map(Money::from_cents),
                },
                notes: notes.map(Into::into),
            },
        )
    }

    fn arb_deal() -> impl Strategy<Value = (Deal, Option<u64>)> {
        let texts = || prop::option::of("[a-z]{0,6}");
        (
            (
                prop::sample::select(DealKind::ALL),
                0u32..5,
                0u32..5,
                any::<bool>(),
            ),
            (texts(), texts(), texts()),
            (
                prop::option::of(1u32..30),
                prop::option::of(1i64..1_000_000),
                prop::option::of(0.0f64..100.0),
            ),
            prop::collection::vec(arb_report(), 1..4),
            prop::option::of(prop_oneof![1u64..1000, Just(u64::from(u32::MAX) + 1)]),
        )
            .prop_map(
                |(
                    (kind, from, to, inferred),
                    (label, round, notes),
                    (term, valuation, stake),
                    reports,
                    line,
                )| {
                    let mut deal = Deal::new("w-1", kind, EntityId(from), EntityId(to), reports);
                    deal.inferred = inferred;
                    deal.label = label.map(Into::into);
                    deal.round = round.map(Into::into);
                    deal.notes = notes.map(Into::into);
                    deal.term_years = term;
                    deal.valuation =
                        valuation.map(|c| Amount::new(Qualifier::About, Money::from_cents(c)));
                    deal.stake_pct = stake;
                    (deal, line)
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Whatever goes in comes back, next to other deals, and the standing report is the
        /// one the owned deal picks.
        #[test]
        fn every_deal_reads_back_as_it_went_in(
            deals in prop::collection::vec(arb_deal(), 1..12),
            days in prop::collection::vec((2019i32..2028, 1u32..13, 1u32..29), 4),
        ) {
            let mut store = DealStore::default();
            let ids: Vec<DealId> = deals
                .iter()
                .map(|(deal, line)| match line {
                    Some(line) => store.push_made_up(deal, "rows", *line),
                    None => store.push(deal),
                })
                .collect();
            for ((deal, line), id) in deals.iter().zip(ids) {
                let stored = store.get(id);
                let mut want = deal.clone();
                if let Some(line) = line {
                    want.id = format!("rows-{line}").into();
                }
                prop_assert_eq!(stored.to_deal(), want);
                for &(y, m, d) in &days {
                    let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
                    prop_assert_eq!(stored.standing_index(day), deal.standing_index(day));
                }
            }
        }
    }
}
