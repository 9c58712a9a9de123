//! CSV files, streamed row by row. The header decides what a file holds: `from` and `to`
//! columns make it deals (one report per row; rows sharing an `id` are reports of one deal),
//! `id` and `name` without `from` make it entities.

use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::model::{
    Amount, Deal, DealId, DealIdText, DealKind, Entity, EntityId, EntityKind, Report, Reports,
    Status,
};

use super::Interner;
use super::diagnostic::{Diagnostic, FileId, Loc};
use super::fields;
use super::raw::{CsvCells, Part, Pending, RawEntity};

/// Column positions of a deals CSV (the first column of each known name), found once from
/// the header so that rows are read by index.
#[derive(Clone, Copy, Debug, Default)]
struct DealColumns {
    id: Option<usize>,
    from: Option<usize>,
    to: Option<usize>,
    kind: Option<usize>,
    label: Option<usize>,
    amount_usd: Option<usize>,
    amount: Option<usize>,
    amount_qualifier: Option<usize>,
    qualifier: Option<usize>,
    date: Option<usize>,
    status: Option<usize>,
    source: Option<usize>,
    publisher: Option<usize>,
    notes: Option<usize>,
    round: Option<usize>,
    term_years: Option<usize>,
    valuation_usd: Option<usize>,
    stake_pct: Option<usize>,
    inferred: Option<usize>,
}

impl DealColumns {
    fn new(header: &[String]) -> DealColumns {
        let mut c = DealColumns::default();
        for (i, h) in header.iter().enumerate() {
            let slot = match h.as_str() {
                "id" => &mut c.id,
                "from" => &mut c.from,
                "to" => &mut c.to,
                "kind" => &mut c.kind,
                "label" => &mut c.label,
                "amount_usd" => &mut c.amount_usd,
                "amount" => &mut c.amount,
                "amount_qualifier" => &mut c.amount_qualifier,
                "qualifier" => &mut c.qualifier,
                "date" => &mut c.date,
                "status" => &mut c.status,
                "source" => &mut c.source,
                "publisher" => &mut c.publisher,
                "notes" => &mut c.notes,
                "round" => &mut c.round,
                "term_years" => &mut c.term_years,
                "valuation_usd" => &mut c.valuation_usd,
                "stake_pct" => &mut c.stake_pct,
                "inferred" => &mut c.inferred,
                _ => continue,
            };
            slot.get_or_insert(i);
        }
        c
    }
}

/// One record whose fields are known to be UTF-8: the record, and its whole text (fields are
/// sliced out of it by their byte ranges, so the text is checked once per record).
#[derive(Clone, Copy)]
struct Row<'r>(&'r csv::ByteRecord, &'r str);

impl<'r> Row<'r> {
    /// Checks every field; the index of the first that is not UTF-8.
    fn check(record: &'r csv::ByteRecord) -> Result<Row<'r>, usize> {
        // The fields are stored back to back: the whole is valid UTF-8 with every field
        // starting on a character boundary exactly when each field is valid on its own.
        if let Ok(text) = std::str::from_utf8(record.as_slice())
            && (0..record.len()).all(|i| {
                record
                    .range(i)
                    .is_some_and(|r| text.is_char_boundary(r.start))
            })
        {
            return Ok(Row(record, text));
        }
        Err(record
            .iter()
            .position(|f| std::str::from_utf8(f).is_err())
            .unwrap_or(0))
    }

    fn raw(self, i: usize) -> Option<&'r str> {
        // Fields end at ASCII delimiters, so their ranges are on character boundaries of the
        // checked text and this never falls back.
        self.0.range(i).map(|r| self.1.get(r).unwrap_or_default())
    }

    /// The trimmed value of column `i`, if the column exists and the cell is not blank.
    fn get(self, i: Option<usize>) -> Option<(&'r str, usize)> {
        let i = i?;
        let value = self.raw(i)?.trim();
        (!value.is_empty()).then_some((value, i))
    }
}

/// A CSV file to read: its id in the diagnostics, the stem that made-up deal ids start with,
/// and its size in bytes when known (to make room for its entities in one step).
#[derive(Clone, Copy, Debug)]
pub struct CsvFile<'a> {
    pub id: FileId,
    pub stem: &'a str,
    pub len: Option<u64>,
}

/// Average bytes per row of an entities CSV at the least (`e1,Name 1,company`), to guess
/// from its size how many entities it declares.
const ENTITY_ROW_BYTES: u64 = 32;

/// Reads one CSV file from `reader`: its deals go to `pending` (ready-made, with `from` and
/// `to` as symbols), and so do its entities. Problems go to `diags`; rows with problems are
/// skipped.
pub fn parse(
    reader: impl Read + Send,
    input: CsvFile<'_>,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
    interner: &mut Interner,
    pending: &mut Pending,
) {
    let file = input.id;
    let mut quotes = QuoteTracker::new(reader);
    parse_records(&mut quotes, input, today, diags, interner, pending);
    // The csv crate ends a quoted field silently at the end of the file, which would swallow
    // every row after a stray opening quote into one field: report it instead.
    if let Some((line, byte)) = quotes.unclosed() {
        diags.push(
            Diagnostic::error(
                "malformed CSV: this quoted field is never closed",
                Loc::Cell {
                    file,
                    line,
                    field: 0,
                    record_start: byte,
                },
            )
            .with_help(
                "every row after this quote was read as part of one field; close the quote, or \
                 double a quote inside a quoted field (\"\")",
            ),
        );
    }
}

/// Follows CSV quoting byte by byte (as csv-core reads it) to find a quoted field still open
/// at the end of the input.
struct QuoteTracker<R> {
    inner: R,
    state: QuoteState,
    /// Newlines seen so far, and where the open quoted field started (line, byte).
    newlines: u32,
    offset: u64,
    opened: (u32, u64),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl<R: Read> QuoteTracker<R> {
    fn new(inner: R) -> Self {
        QuoteTracker {
            inner,
            state: QuoteState::FieldStart,
            newlines: 0,
            offset: 0,
            opened: (0, 0),
        }
    }

    /// The 1-based line and byte offset of a quote opened and never closed.
    fn unclosed(&self) -> Option<(u32, u64)> {
        (self.state == QuoteState::Quoted).then_some(self.opened)
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        if let Some(&last) = chunk.last()
            && memchr::memchr(b'"', chunk).is_none()
        {
            // No quote: only newlines count, and unless a quoted field is open the state is
            // decided by the last byte alone (what the loop below would compute).
            self.newlines += memchr::memchr_iter(b'\n', chunk).count() as u32;
            self.offset += n as u64;
            if self.state != QuoteState::Quoted {
                self.state = match last {
                    b',' | b'\n' | b'\r' => QuoteState::FieldStart,
                    _ => QuoteState::Unquoted,
                };
            }
            return Ok(n);
        }
        for &b in chunk {
            use QuoteState::*;
            self.state = match (self.state, b) {
                (FieldStart, b'"') => {
                    self.opened = (self.newlines + 1, self.offset);
                    Quoted
                }
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (QuoteInQuoted, b'"') => Quoted,
                (_, b',' | b'\n' | b'\r') => FieldStart,
                _ => Unquoted,
            };
            if b == b'\n' {
                self.newlines += 1;
            }
            self.offset += 1;
        }
        Ok(n)
    }
}

fn parse_records(
    reader: impl Read + Send,
    input: CsvFile<'_>,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
    interner: &mut Interner,
    pending: &mut Pending,
) {
    let CsvFile {
        id: file,
        stem,
        len,
    } = input;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(reader);
    // One record, reused for every row: no allocation per row.
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(false) => {
            diags.push(
                Diagnostic::error("the CSV file is empty", Loc::File(file))
                    .with_help("a deals CSV starts with a header such as from,to,kind,amount_usd,date,status,source"),
            );
            return;
        }
        Err(e) => {
            diags.push(csv_error(e, file));
            return;
        }
        Ok(true) => {}
    }
    let header: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = String::from_utf8_lossy(h);
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                &h
            };
            h.trim().to_ascii_lowercase()
        })
        .collect();
    let has = |name: &str| header.iter().any(|h| h == name);
    let cell = |line: u64, field: usize, byte: u64| Loc::Cell {
        file,
        line: line as u32,
        field: field.min(u16::MAX as usize) as u16,
        record_start: byte,
    };
    let header_loc = cell(1, 0, 0);
    let is_deals = has("from") || has("to");
    let is_entities = !is_deals && has("id") && has("name");
    if !is_deals && !is_entities {
        diags.push(
            Diagnostic::error(
                format!(
                    "cannot tell what this CSV holds from its header ({})",
                    header.join(",")
                ),
                header_loc,
            )
            .with_help(
                "deals need the columns from,to,kind (plus amount_usd,amount_qualifier,date,status,\
                 source,...); entities need id,name (plus kind,aliases)",
            ),
        );
        return;
    }
    if is_deals {
        for required in ["from", "to", "kind"] {
            if !has(required) {
                diags.push(
                    Diagnostic::error(
                        format!("the deals CSV has no `{required}` column"),
                        header_loc,
                    )
                    .with_help("a deals CSV needs at least the columns from,to,kind"),
                );
            }
        }
        if diags
            .iter()
            .any(|d| d.is_error() && d.loc.map(Loc::file) == Some(file))
        {
            return;
        }
        if !has("source") {
            diags.push(
                Diagnostic::warning("the deals CSV has no `source` column", header_loc).with_help(
                    "add a source column (article file or URL) so readers can check each deal",
                ),
            );
        }
    }
    let columns = DealColumns::new(&header);
    if is_deals {
        let narrow = |i: Option<usize>| i.unwrap_or(0).min(u16::MAX as usize) as u16;
        pending.csv_cells.push((
            file,
            CsvCells {
                id: columns.id.map(|i| narrow(Some(i))),
                from: narrow(columns.from),
                to: narrow(columns.to),
            },
        ));
    }
    if is_entities && let Some(len) = len {
        pending.declared.reserve((len / ENTITY_ROW_BYTES) as usize);
    }
    let mut rows = Rows {
        columns,
        header: &header,
        is_entities,
        file,
        today,
        interner,
    };
    let mut store = Store {
        file,
        stem,
        pending,
        diags,
        deal_by_id: HashMap::new(),
        missing_sources: 0,
        first_missing_source: None,
        made_up: false,
    };
    // A second thread reads and converts rows while this one stores them, in row order.
    // It stops at the first unreadable record and hands the reader back, so what follows an
    // error is read here, exactly as before (and so is everything if no thread can be made).
    let mut lent = Some(reader);
    let stopped = std::thread::scope(|scope| {
        let (full, batches) = std::sync::mpsc::sync_channel::<Batch>(4);
        let (recycle, empties) = std::sync::mpsc::channel::<Batch>();
        let rows = &mut rows;
        let lent = &mut lent;
        let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
            let Some(mut reader) = lent.take() else {
                return;
            };
            let mut record = csv::ByteRecord::new();
            loop {
                let mut batch = empties.try_recv().unwrap_or_default();
                let mut done = false;
                while batch.items.len() < BATCH {
                    match reader.read_byte_record(&mut record) {
                        Ok(true) => {
                            let item = rows.convert(&record, &mut batch.names);
                            batch.items.push(item);
                        }
                        Ok(false) => {
                            done = true;
                            break;
                        }
                        Err(e) => {
                            batch.error = Some(e);
                            done = true;
                            break;
                        }
                    }
                }
                if full.send(batch).is_err() || done {
                    *lent = Some(reader);
                    return;
                }
            }
        });
        let Ok(worker) = spawned else {
            return false;
        };
        let mut stopped = false;
        for mut batch in batches {
            for item in batch.items.drain(..) {
                store.add(item, &batch.names);
            }
            batch.names.clear();
            if let Some(e) = batch.error.take() {
                stopped = store.csv_error(e);
            }
            // The reader may be gone already; the batch is then simply dropped.
            let _ = recycle.send(batch);
        }
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        stopped
    });
    let mut reader = lent.expect("the reading thread hands the reader back");
    let mut names = String::new();
    if !stopped {
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {
                    names.clear();
                    let item = rows.convert(&record, &mut names);
                    store.add(item, &names);
                }
                Ok(false) => break,
                Err(e) => {
                    if store.csv_error(e) {
                        break;
                    }
                }
            }
        }
    }
    let Store {
        diags,
        missing_sources,
        first_missing_source,
        ..
    } = store;
    if missing_sources > 0 && has("source") {
        diags.push(
            Diagnostic::warning(
                format!("{missing_sources} row(s) have no source"),
                first_missing_source,
            )
            .with_help("fill the source column so readers can check each deal"),
        );
    }
}

/// Records handed from the reading thread to the storing one at a time.
const BATCH: usize = 1024;

/// Converted rows on their way to [`Store::add`], and the read error that ended them.
#[derive(Default)]
struct Batch {
    items: Vec<Item>,
    /// The `from` and `to` ids of the batch's deals, back to back.
    names: String,
    error: Option<csv::Error>,
}

/// What one record became.
enum Item {
    /// Nothing to store: a blank line, or a row with these problems.
    Skipped(Vec<Diagnostic>),
    Entity(RawEntity),
    Deal {
        row: DealRow,
        line: u64,
        byte: u64,
        has_source: bool,
    },
}

/// Turns records into [`Item`]s (on the reading thread): every check that needs only the row.
struct Rows<'a> {
    columns: DealColumns,
    header: &'a [String],
    is_entities: bool,
    file: FileId,
    today: NaiveDate,
    interner: &'a mut Interner,
}

fn cell(file: FileId, line: u64, field: usize, byte: u64) -> Loc {
    Loc::Cell {
        file,
        line: line as u32,
        field: field.min(u16::MAX as usize) as u16,
        record_start: byte,
    }
}

impl Rows<'_> {
    /// The `from` and `to` ids of a deal are appended to `names`.
    fn convert(&mut self, record: &csv::ByteRecord, names: &mut String) -> Item {
        let file = self.file;
        let (line, byte) = record.position().map_or((0, 0), |p| (p.line(), p.byte()));
        let at = |f: usize| cell(file, line, f, byte);
        let mut diags = Vec::new();
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return Item::Skipped(diags); // blank line
        }
        let header = self.header;
        if record.len() != header.len() {
            diags.push(
                Diagnostic::error(
                    format!(
                        "this row has {} fields but the header has {}",
                        record.len(),
                        header.len()
                    ),
                    at(record.len().min(header.len())),
                )
                .with_help(
                    "every row needs one value per header column; quote values that contain commas",
                ),
            );
            return Item::Skipped(diags);
        }
        let row = match Row::check(record) {
            Ok(r) => r,
            Err(field) => {
                diags.push(
                    Diagnostic::error("this field is not valid UTF-8", at(field))
                        .with_help("save the file as UTF-8"),
                );
                return Item::Skipped(diags);
            }
        };
        if self.is_entities {
            return match entity_row(row, header, at, &mut diags) {
                Some(e) => Item::Entity(e),
                None => Item::Skipped(diags),
            };
        }
        let columns = &self.columns;
        match deal_row(
            row,
            columns,
            at,
            self.today,
            &mut diags,
            self.interner,
            names,
        ) {
            Some(deal) => Item::Deal {
                row: deal,
                line,
                byte,
                has_source: row.get(columns.source).is_some(),
            },
            None => Item::Skipped(diags),
        }
    }
}

/// Stores [`Item`]s in row order (on the calling thread): ids, merged rows, the deals.
struct Store<'a> {
    file: FileId,
    stem: &'a str,
    pending: &'a mut Pending,
    diags: &'a mut Vec<Diagnostic>,
    /// Rows sharing an id: the index in `pending.deals` of the first.
    deal_by_id: HashMap<String, usize>,
    missing_sources: usize,
    first_missing_source: Option<Loc>,
    made_up: bool,
}

impl Store<'_> {
    /// Reports a record that could not be read; true when the rest of the file is skipped.
    fn csv_error(&mut self, e: csv::Error) -> bool {
        self.diags.push(csv_error(e, self.file));
        // A broken quote or unreadable bytes make the rest of the file unreliable.
        self.diags.len() > 200
    }

    /// `names` holds the ids that `item`'s `from` and `to` point at.
    fn add(&mut self, item: Item, names: &str) {
        let (mut deal, line, byte, has_source) = match item {
            Item::Skipped(diags) => return self.diags.extend(diags),
            Item::Entity(e) => return self.pending.declared.add(e),
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
        let from = pending.symbols.intern(&names[deal.from.clone()]);
        let to = pending.symbols.intern(&names[deal.to.clone()]);
        pending.push_csv_origin(self.file, line, byte, written_id.is_some());
        let own_id = written_id.is_some();
        let deal = Deal {
            id: written_id.unwrap_or_default(),
            kind: deal.kind,
            label: deal.label,
            from: EntityId(from),
            to: EntityId(to),
            round: deal.round,
            term_years: deal.term_years,
            valuation: deal.valuation,
            stake_pct: deal.stake_pct,
            inferred: deal.inferred,
            notes: None,
            reports: Reports::from_buf([deal.report]),
        };
        if own_id {
            pending.deals.push(&deal);
        } else {
            pending.deals.push_made_up(&deal, self.stem, line);
        }
    }
}

/// Appends `name` to `names`; where it is.
fn push_name(names: &mut String, name: &str) -> Range<usize> {
    let start = names.len();
    names.push_str(name);
    start..names.len()
}

fn csv_error(error: csv::Error, file: FileId) -> Diagnostic {
    let loc = error.position().map_or(Loc::File(file), |p| Loc::Cell {
        file,
        line: p.line() as u32,
        field: 0,
        record_start: p.byte(),
    });
    let message = match error.kind() {
        csv::ErrorKind::Io(e) => format!("cannot read the CSV file: {e}"),
        csv::ErrorKind::Utf8 { err, .. } => format!("field {} is not valid UTF-8", err.field() + 1),
        _ => format!("malformed CSV: {error}"),
    };
    Diagnostic::error(message, loc).with_help(
        "check the quoting on this row; fields with commas or newlines go in double quotes",
    )
}

fn entity_row(
    record: Row<'_>,
    header: &[String],
    at: impl Fn(usize) -> Loc,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawEntity> {
    let col = |name: &str| header.iter().position(|h| h == name);
    let value = |name: &str| {
        col(name)
            .and_then(|i| record.raw(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let id_col = col("id")?;
    let Some(id) = value("id") else {
        diags.push(
            Diagnostic::error("entity row has no id", at(id_col))
                .with_help("every entity needs a lowercase id"),
        );
        return None;
    };
    let id = fields::slug(id, "entity", at(id_col))
        .map_err(|d| diags.push(d))
        .ok()?;
    let Some(name) = value("name") else {
        diags.push(
            Diagnostic::error("entity row has no name", at(col("name")?))
                .with_help("give the display name"),
        );
        return None;
    };
    let kind = match (value("kind"), col("kind")) {
        (Some(k), Some(i)) => word(k, EntityKind::ALL, EntityKind::as_str, at(i))
            .map_err(|d| diags.push(d))
            .ok()?,
        _ => EntityKind::Company,
    };
    let aliases = value("aliases")
        .map(|a| {
            a.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    Some(RawEntity {
        entity: Entity::new(&id, name, kind).with_details(
            aliases,
            value("notes").map(Into::into),
            Vec::new(),
        ),
        id_loc: at(id_col),
    })
}

/// A word of a closed vocabulary: the exact spelling is looked up directly (no allocation);
/// anything else goes through the forgiving parse and its diagnostics.
fn word<T: FromStr<Err = String> + Copy>(
    text: &str,
    all: &[T],
    name: fn(T) -> &'static str,
    loc: Loc,
) -> Result<T, Diagnostic> {
    if let Some(&v) = all.iter().find(|&&v| name(v) == text) {
        return Ok(v);
    }
    let valid: Vec<&str> = all.iter().map(|&v| name(v)).collect();
    fields::vocabulary::<T>(text, &valid, loc)
}

/// A deals CSV row, checked and converted; `from` and `to` are ranges of the batch's names.
struct DealRow {
    id: Option<String>,
    kind: DealKind,
    label: Option<Box<str>>,
    from: Range<usize>,
    to: Range<usize>,
    round: Option<Box<str>>,
    term_years: Option<u32>,
    valuation: Option<Amount>,
    stake_pct: Option<f64>,
    inferred: bool,
    report: Report,
}

fn deal_row(
    record: Row<'_>,
    columns: &DealColumns,
    at: impl Fn(usize) -> Loc,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
    interner: &mut Interner,
    names: &mut String,
) -> Option<DealRow> {
    let mut errs: Vec<Diagnostic> = Vec::new();
    let require = |name: &str, col: Option<usize>, errs: &mut Vec<Diagnostic>| match record.get(col)
    {
        Some(v) => Some(v),
        None => {
            let i = col.expect("the header check makes from, to and kind present");
            errs.push(
                Diagnostic::error(format!("this row has no `{name}`"), at(i))
                    .with_help("from, to and kind are required in every row"),
            );
            None
        }
    };
    let from = require("from", columns.from, &mut errs);
    let to = require("to", columns.to, &mut errs);
    let kind_cell = require("kind", columns.kind, &mut errs);
    let kind = kind_cell.and_then(|(k, i)| {
        word(k, DealKind::ALL, DealKind::as_str, at(i))
            .map_err(|d| errs.push(d))
            .ok()
    });
    let status = match record.get(columns.status) {
        Some((s, i)) => word(s, Status::ALL, Status::as_str, at(i))
            .map_err(|d| errs.push(d))
            .ok(),
        None => Some(Status::Announced),
    };
    let qualifier = record
        .get(columns.amount_qualifier)
        .or_else(|| record.get(columns.qualifier))
        .map(|(q, i)| (q, at(i)));
    let amount_cell = record
        .get(columns.amount_usd)
        .or_else(|| record.get(columns.amount));
    let amount = match amount_cell {
        Some((a, i)) => fields::amount(a, qualifier, at(i))
            .map_err(|d| errs.push(d))
            .ok(),
        None => match qualifier {
            None => Some(Amount::UNDISCLOSED),
            Some((q, loc)) => fields::qualifier(q)
                .map_err(|e: String| Diagnostic::error(e, loc))
                .and_then(|q| fields::combine(Amount::UNDISCLOSED, q, loc))
                .map_err(|d| errs.push(d))
                .ok(),
        },
    };
    let date = match record.get(columns.date) {
        Some((d, i)) => fields::date(d, today, at(i))
            .map_err(|d| errs.push(d))
            .ok()
            .map(Some),
        None => Some(None),
    };
    let id = match record.get(columns.id) {
        Some((id, i)) => fields::slug(id, "deal", at(i))
            .map_err(|d| errs.push(d))
            .ok()
            .map(Some),
        None => Some(None),
    };
    let term_years = match record.get(columns.term_years) {
        Some((t, i)) => match t.parse::<u32>().ok().filter(|y| (1..=100).contains(y)) {
            Some(y) => Some(y),
            None => {
                errs.push(
                    Diagnostic::error(format!("invalid term_years {t:?}"), at(i))
                        .with_help("a whole number of years from 1 to 100"),
                );
                None
            }
        },
        None => None,
    };
    let valuation = match record.get(columns.valuation_usd) {
        Some((v, i)) => fields::amount(v, None, at(i))
            .map_err(|d| errs.push(d))
            .ok(),
        None => None,
    };
    let stake_pct = match record.get(columns.stake_pct) {
        Some((v, i)) => fields::stake_pct(v, at(i)).map_err(|d| errs.push(d)).ok(),
        None => None,
    };
    let inferred = match record.get(columns.inferred) {
        Some((v, i)) => match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => true,
            "false" | "no" | "0" => false,
            _ => {
                errs.push(
                    Diagnostic::error(format!("invalid inferred {v:?}"), at(i))
                        .with_help("write true or false"),
                );
                false
            }
        },
        None => false,
    };
    let label = record.get(columns.label).map(|(l, _)| l.into());
    if kind == Some(DealKind::Other) && label.is_none() {
        errs.push(
            Diagnostic::error("a deal of kind other needs a label", at(kind_cell?.1))
                .with_help("add a label column saying what the money pays for"),
        );
    }
    if !errs.is_empty() {
        diags.extend(errs);
        return None;
    }
    let report = Report {
        source: interner.intern(record.get(columns.source).map_or("", |(s, _)| s)),
        publisher: record
            .get(columns.publisher)
            .map(|(p, _)| interner.intern(p)),
        date: date?,
        status: status?,
        amount: amount?,
        notes: record.get(columns.notes).map(|(n, _)| n.into()),
    };
    Some(DealRow {
        id: id?,
        kind: kind?,
        label,
        from: push_name(names, from?.0),
        to: push_name(names, to?.0),
        round: record.get(columns.round).map(|(r, _)| r.into()),
        term_years,
        valuation,
        stake_pct,
        inferred,
        report,
    })
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
