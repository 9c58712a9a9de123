//! CSV files, streamed row by row. The header decides what a file holds: `from` and `to`
//! columns make it deals (one report per row; rows sharing an `id` are reports of one deal),
//! `id` and `name` without `from` make it entities.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;

use crate::model::{DealKind, Entity, EntityKind, Report, Status};

use super::Interner;
use super::diagnostic::{Diagnostic, FileId, Loc};
use super::fields;
use super::raw::{RawDeal, RawEntity, RawFile, RawRef};

const DEAL_COLUMNS: &[&str] = &[
    "id",
    "from",
    "to",
    "kind",
    "label",
    "amount_usd",
    "amount",
    "amount_qualifier",
    "qualifier",
    "date",
    "status",
    "source",
    "publisher",
    "notes",
    "round",
    "term_years",
    "valuation_usd",
    "stake_pct",
    "inferred",
];

/// Column positions of a deals CSV.
struct DealColumns {
    index: HashMap<&'static str, usize>,
}

impl DealColumns {
    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Option<(&'r str, usize)> {
        let &i = self.index.get(name)?;
        let value = record.get(i)?.trim();
        (!value.is_empty()).then_some((value, i))
    }
}

/// Reads one CSV file from `reader`. Problems go to `diags`; rows with problems are skipped.
pub fn parse(
    reader: impl Read,
    file: FileId,
    stem: &str,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
    interner: &mut Interner,
) -> RawFile {
    let mut quotes = QuoteTracker::new(reader);
    let out = parse_records(&mut quotes, file, stem, today, diags, interner);
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
    out
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
        for &b in &buf[..n] {
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
    reader: impl Read,
    file: FileId,
    stem: &str,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
    interner: &mut Interner,
) -> RawFile {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(reader);
    let mut out = RawFile::default();
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => {
            diags.push(
                Diagnostic::error("the CSV file is empty", Loc::File(file))
                    .with_help("a deals CSV starts with a header such as from,to,kind,amount_usd,date,status,source"),
            );
            return out;
        }
        Some(Err(e)) => {
            diags.push(csv_error(e, file));
            return out;
        }
        Some(Ok(h)) => h,
    };
    let header: Vec<String> = header
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
        return out;
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
            return out;
        }
        if !has("source") {
            diags.push(
                Diagnostic::warning("the deals CSV has no `source` column", header_loc).with_help(
                    "add a source column (article file or URL) so readers can check each deal",
                ),
            );
        }
    }
    let mut index = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(&known) = DEAL_COLUMNS.iter().find(|&&c| c == h) {
            index.entry(known).or_insert(i);
        }
    }
    let columns = DealColumns { index };
    let mut deal_by_id: HashMap<String, usize> = HashMap::new();
    let mut missing_sources = 0usize;
    let mut first_missing_source = None;
    for result in records {
        let byte_record = match result {
            Ok(r) => r,
            Err(e) => {
                diags.push(csv_error(e, file));
                // A broken quote or unreadable bytes make the rest of the file unreliable.
                if diags.len() > 200 {
                    break;
                }
                continue;
            }
        };
        let (line, byte) = byte_record
            .position()
            .map_or((0, 0), |p| (p.line(), p.byte()));
        if byte_record
            .iter()
            .all(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            continue; // blank line
        }
        if byte_record.len() != header.len() {
            diags.push(
                Diagnostic::error(
                    format!(
                        "this row has {} fields but the header has {}",
                        byte_record.len(),
                        header.len()
                    ),
                    cell(line, byte_record.len().min(header.len()), byte),
                )
                .with_help(
                    "every row needs one value per header column; quote values that contain commas",
                ),
            );
            continue;
        }
        let record = match csv::StringRecord::from_byte_record(byte_record) {
            Ok(r) => r,
            Err(e) => {
                let field = e.utf8_error().field();
                diags.push(
                    Diagnostic::error("this field is not valid UTF-8", cell(line, field, byte))
                        .with_help("save the file as UTF-8"),
                );
                continue;
            }
        };
        if is_entities {
            if let Some(e) = entity_row(&record, &header, |f| cell(line, f, byte), diags) {
                out.entities.push(e);
            }
            continue;
        }
        let at = |f: usize| cell(line, f, byte);
        let Some(deal) = deal_row(&record, &columns, at, today, diags, interner) else {
            continue;
        };
        if columns.get(&record, "source").is_none() {
            missing_sources += 1;
            first_missing_source.get_or_insert(at(0));
        }
        match deal.id.as_ref().map(|(id, _)| id.clone()) {
            Some(id) => match deal_by_id.get(&id) {
                Some(&existing) => merge_row(&mut out.deals[existing], deal, diags),
                None => {
                    deal_by_id.insert(id, out.deals.len());
                    out.deals.push(deal);
                }
            },
            None => {
                let mut deal = deal;
                deal.id = Some((format!("{stem}-{line}"), at(0)));
                out.deals.push(deal);
            }
        }
    }
    if missing_sources > 0 && has("source") {
        diags.push(
            Diagnostic::warning(
                format!("{missing_sources} row(s) have no source"),
                first_missing_source,
            )
            .with_help("fill the source column so readers can check each deal"),
        );
    }
    out
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
    record: &csv::StringRecord,
    header: &[String],
    at: impl Fn(usize) -> Loc,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawEntity> {
    let col = |name: &str| header.iter().position(|h| h == name);
    let value = |name: &str| {
        col(name)
            .and_then(|i| record.get(i))
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
        (Some(k), Some(i)) => {
            let valid: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
            fields::vocabulary::<EntityKind>(k, &valid, at(i))
                .map_err(|d| diags.push(d))
                .ok()?
        }
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
        entity: Entity {
            id,
            name: name.to_string(),
            kind,
            aliases,
            notes: value("notes").map(String::from),
            facts: Vec::new(),
        },
        id_loc: at(id_col),
    })
}

fn deal_row(
    record: &csv::StringRecord,
    columns: &DealColumns,
    at: impl Fn(usize) -> Loc,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
    interner: &mut Interner,
) -> Option<RawDeal> {
    let mut errs: Vec<Diagnostic> = Vec::new();
    let require = |name: &str, errs: &mut Vec<Diagnostic>| match columns.get(record, name) {
        Some(v) => Some(v),
        None => {
            let i = columns.index[name];
            errs.push(
                Diagnostic::error(format!("this row has no `{name}`"), at(i))
                    .with_help("from, to and kind are required in every row"),
            );
            None
        }
    };
    let from = require("from", &mut errs);
    let to = require("to", &mut errs);
    let kind_cell = require("kind", &mut errs);
    let kind = kind_cell.and_then(|(k, i)| {
        let valid: Vec<&str> = DealKind::ALL.iter().map(|k| k.as_str()).collect();
        fields::vocabulary::<DealKind>(k, &valid, at(i))
            .map_err(|d| errs.push(d))
            .ok()
    });
    let status = match columns.get(record, "status") {
        Some((s, i)) => {
            let valid: Vec<&str> = Status::ALL.iter().map(|k| k.as_str()).collect();
            fields::vocabulary::<Status>(s, &valid, at(i))
                .map_err(|d| errs.push(d))
                .ok()
        }
        None => Some(Status::Announced),
    };
    let qualifier = columns
        .get(record, "amount_qualifier")
        .or_else(|| columns.get(record, "qualifier"))
        .map(|(q, i)| (q, at(i)));
    let amount_cell = columns
        .get(record, "amount_usd")
        .or_else(|| columns.get(record, "amount"));
    let amount = match amount_cell {
        Some((a, i)) => fields::amount(a, qualifier, at(i))
            .map_err(|d| errs.push(d))
            .ok(),
        None => match qualifier {
            None => Some(crate::model::Amount::UNDISCLOSED),
            Some((q, loc)) => q
                .parse()
                .map_err(|e: String| Diagnostic::error(e, loc))
                .and_then(|q| fields::combine(crate::model::Amount::UNDISCLOSED, q, loc))
                .map_err(|d| errs.push(d))
                .ok(),
        },
    };
    let date = match columns.get(record, "date") {
        Some((d, i)) => fields::date(d, today, at(i))
            .map_err(|d| errs.push(d))
            .ok()
            .map(Some),
        None => Some(None),
    };
    let id = match columns.get(record, "id") {
        Some((id, i)) => fields::slug(id, "deal", at(i))
            .map_err(|d| errs.push(d))
            .ok()
            .map(|s| Some((s, at(i)))),
        None => Some(None),
    };
    let term_years = match columns.get(record, "term_years") {
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
    let valuation = match columns.get(record, "valuation_usd") {
        Some((v, i)) => fields::amount(v, None, at(i))
            .map_err(|d| errs.push(d))
            .ok(),
        None => None,
    };
    let stake_pct = match columns.get(record, "stake_pct") {
        Some((v, i)) => fields::stake_pct(v, at(i)).map_err(|d| errs.push(d)).ok(),
        None => None,
    };
    let inferred = match columns.get(record, "inferred") {
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
    let label = columns.get(record, "label").map(|(l, _)| l.to_string());
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
        source: interner.intern(columns.get(record, "source").map_or("", |(s, _)| s)),
        publisher: columns
            .get(record, "publisher")
            .map(|(p, _)| interner.intern(p)),
        date: date?,
        status: status?,
        amount: amount?,
        notes: columns.get(record, "notes").map(|(n, _)| n.to_string()),
    };
    let (from, from_i) = from?;
    let (to, to_i) = to?;
    Some(RawDeal {
        id: id?,
        kind: kind?,
        label,
        from: RawRef {
            id: from.to_string(),
            loc: at(from_i),
        },
        to: RawRef {
            id: to.to_string(),
            loc: at(to_i),
        },
        round: columns.get(record, "round").map(|(r, _)| r.to_string()),
        term_years,
        valuation,
        stake_pct,
        inferred,
        notes: None,
        reports: vec![report],
        loc: at(0),
    })
}

/// A later row with an id already seen adds a report to that deal; its parties must agree.
fn merge_row(existing: &mut RawDeal, row: RawDeal, diags: &mut Vec<Diagnostic>) {
    let same =
        existing.from.id == row.from.id && existing.to.id == row.to.id && existing.kind == row.kind;
    if !same {
        diags.push(
            Diagnostic::error(
                format!(
                    "rows with id {:?} disagree on from, to or kind",
                    existing.id.as_ref().map_or("", |(id, _)| id.as_str())
                ),
                row.loc,
            )
            .with_related(existing.loc, "first row of this deal")
            .with_help("rows sharing an id are reports of one deal: give them the same from, to and kind, or different ids"),
        );
        return;
    }
    existing.reports.extend(row.reports);
    existing.term_years = existing.term_years.or(row.term_years);
    existing.valuation = existing.valuation.or(row.valuation);
    existing.stake_pct = existing.stake_pct.or(row.stake_pct);
    existing.round = existing.round.take().or(row.round);
    existing.inferred |= row.inferred;
}
