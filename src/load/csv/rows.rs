//! Rows: the columns a header names, and each record checked and converted (on the reading
//! thread) into an entity, a deal row or the problems that skip it.

use std::ops::Range;
use std::str::FromStr;

use chrono::NaiveDate;
use smallvec::SmallVec;

use super::cell;
use crate::load::Interner;
use crate::load::diagnostic::{Diagnostic, FileId, Loc};
use crate::load::fields;
use crate::load::raw::RawEntity;
use crate::model::{Amount, DealKind, Entity, EntityKind, Report, Status};

/// The columns a deals CSV may have (each read by [`DealColumns::new`]).
pub(super) const DEAL_COLUMNS: &[&str] = &[
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
    "event_date",
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

/// The columns an entities CSV may have (each read by [`entity_row`]).
pub(super) const ENTITY_COLUMNS: &[&str] = &["id", "name", "kind", "aliases", "notes"];

/// Column positions of a deals CSV (the first column of each known name), found once from
/// the header so that rows are read by index.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct DealColumns {
    pub(super) id: Option<usize>,
    pub(super) from: Option<usize>,
    pub(super) to: Option<usize>,
    pub(super) kind: Option<usize>,
    pub(super) label: Option<usize>,
    pub(super) amount_usd: Option<usize>,
    pub(super) amount: Option<usize>,
    pub(super) amount_qualifier: Option<usize>,
    pub(super) qualifier: Option<usize>,
    pub(super) date: Option<usize>,
    pub(super) event_date: Option<usize>,
    pub(super) status: Option<usize>,
    pub(super) source: Option<usize>,
    pub(super) publisher: Option<usize>,
    pub(super) notes: Option<usize>,
    pub(super) round: Option<usize>,
    pub(super) term_years: Option<usize>,
    pub(super) valuation_usd: Option<usize>,
    pub(super) stake_pct: Option<usize>,
    pub(super) inferred: Option<usize>,
}

impl DealColumns {
    pub(super) fn new(header: &[String]) -> DealColumns {
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
                "event_date" => &mut c.event_date,
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

/// One record as the converter reads it: `text` holds its fields at the byte ranges
/// `fields` (back to back, as a [`csv::ByteRecord`] keeps them, or with the commas between,
/// as in the file), and it starts on 1-based `line`, `byte` bytes into the file.
#[derive(Clone, Copy)]
pub(super) struct Record<'r> {
    pub(super) text: &'r [u8],
    /// `text` as a `str`, when it is known to be UTF-8 already (its block was checked).
    pub(super) utf8: Option<&'r str>,
    pub(super) fields: &'r [Range<usize>],
    pub(super) line: u64,
    pub(super) byte: u64,
}

impl Record<'_> {
    fn field(&self, i: usize) -> &[u8] {
        &self.text[self.fields[i].clone()]
    }
}

/// One record whose fields are known to be UTF-8: its text and the fields' ranges in it
/// (the text is checked once per record, and fields sliced out of it).
#[derive(Clone, Copy)]
struct Row<'r>(&'r [Range<usize>], &'r str);

impl<'r> Row<'r> {
    /// Checks every field; the index of the first that is not UTF-8.
    fn check(record: Record<'r>) -> Result<Row<'r>, usize> {
        if let Some(text) = record.utf8 {
            return Ok(Row(record.fields, text));
        }
        // The whole is valid UTF-8 with every field starting on a character boundary exactly
        // when each field is valid on its own (fields end at the next one's start, the end of
        // the text, or an ASCII comma).
        if let Ok(text) = std::str::from_utf8(record.text)
            && record.fields.iter().all(|r| text.is_char_boundary(r.start))
        {
            return Ok(Row(record.fields, text));
        }
        Err((0..record.fields.len())
            .position(|i| std::str::from_utf8(record.field(i)).is_err())
            .unwrap_or(0))
    }

    fn raw(self, i: usize) -> Option<&'r str> {
        // Fields end at ASCII delimiters, so their ranges are on character boundaries of the
        // checked text and this never falls back.
        self.0
            .get(i)
            .map(|r| self.1.get(r.clone()).unwrap_or_default())
    }

    /// The trimmed value of column `i`, if the column exists and the cell is not blank.
    fn get(self, i: Option<usize>) -> Option<(&'r str, usize)> {
        let i = i?;
        let value = trim(self.raw(i)?);
        (!value.is_empty()).then_some((value, i))
    }
}

/// `text` as `str::trim` gives it, at once when it starts and ends with a visible ASCII
/// character (as nearly every cell does): whitespace is ASCII whitespace or not ASCII.
pub(super) fn trim(text: &str) -> &str {
    match text.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        [only] if only.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// What one record became.
pub(super) enum Item {
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

impl Item {
    /// Moves where a deal's `from` and `to` ids are in the names by `by` bytes (the names
    /// being put after `by` bytes of other text).
    pub(super) fn move_names(&mut self, by: usize) {
        if let Item::Deal { row, .. } = self {
            row.from = row.from.start + by..row.from.end + by;
            row.to = row.to.start + by..row.to.end + by;
        }
    }
}

/// Column positions of an entities CSV, found once from the header.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct EntityColumns {
    id: Option<usize>,
    name: Option<usize>,
    kind: Option<usize>,
    aliases: Option<usize>,
    notes: Option<usize>,
}

impl EntityColumns {
    pub(super) fn new(header: &[String]) -> EntityColumns {
        let col = |name: &str| header.iter().position(|h| h == name);
        EntityColumns {
            id: col("id"),
            name: col("name"),
            kind: col("kind"),
            aliases: col("aliases"),
            notes: col("notes"),
        }
    }
}

/// Turns records into [`Item`]s (on the reading thread): every check that needs only the row.
pub(super) struct Rows<'a> {
    pub(super) columns: DealColumns,
    pub(super) entity_columns: EntityColumns,
    pub(super) header: &'a [String],
    pub(super) is_entities: bool,
    pub(super) file: FileId,
    pub(super) today: NaiveDate,
    pub(super) interner: &'a mut Interner,
}

impl Rows<'_> {
    /// The same columns and checks, interning sources with `interner` (one per thread).
    pub(super) fn with_interner<'b>(&'b self, interner: &'b mut Interner) -> Rows<'b> {
        Rows {
            columns: self.columns,
            entity_columns: self.entity_columns,
            header: self.header,
            is_entities: self.is_entities,
            file: self.file,
            today: self.today,
            interner,
        }
    }

    /// The `from` and `to` ids of a deal are appended to `names`.
    pub(super) fn convert(&mut self, record: &csv::ByteRecord, names: &mut String) -> Item {
        let fields: SmallVec<[Range<usize>; 24]> = (0..record.len())
            .map(|i| record.range(i).unwrap_or_default())
            .collect();
        let (line, byte) = record.position().map_or((0, 0), |p| (p.line(), p.byte()));
        let record = Record {
            text: record.as_slice(),
            utf8: None,
            fields: &fields,
            line,
            byte,
        };
        self.convert_record(record, names)
    }

    /// [`Rows::convert`] for a record read by other means than the csv crate.
    pub(super) fn convert_record(&mut self, record: Record<'_>, names: &mut String) -> Item {
        let file = self.file;
        let (line, byte) = (record.line, record.byte);
        let at = |f: usize| cell(file, line, f, byte);
        let mut diags = Vec::new();
        let fields = record.fields.len();
        if (0..fields).all(|i| record.field(i).iter().all(u8::is_ascii_whitespace)) {
            return Item::Skipped(diags); // blank line
        }
        let header = self.header;
        if fields != header.len() {
            diags.push(
                Diagnostic::error(
                    format!(
                        "this row has {} fields but the header has {}",
                        fields,
                        header.len()
                    ),
                    at(fields.min(header.len())),
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
            return match entity_row(row, self.entity_columns, at, &mut diags) {
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

/// Appends `name` to `names`; where it is.
pub(super) fn push_name(names: &mut String, name: &str) -> Range<usize> {
    let start = names.len();
    names.push_str(name);
    start..names.len()
}

fn entity_row(
    record: Row<'_>,
    columns: EntityColumns,
    at: impl Fn(usize) -> Loc,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawEntity> {
    let value = |col: Option<usize>| record.get(col).map(|(v, _)| v);
    let id_col = columns.id?;
    let Some(id) = value(columns.id) else {
        diags.push(
            Diagnostic::error("entity row has no id", at(id_col))
                .with_help("every entity needs a lowercase id"),
        );
        return None;
    };
    let id = fields::slug(id, "entity", at(id_col))
        .map_err(|d| diags.push(d))
        .ok()?;
    let Some(name) = value(columns.name) else {
        diags.push(
            Diagnostic::error("entity row has no name", at(columns.name?))
                .with_help("give the display name"),
        );
        return None;
    };
    let kind = match (value(columns.kind), columns.kind) {
        (Some(k), Some(i)) => word(k, EntityKind::ALL, EntityKind::as_str, at(i))
            .map_err(|d| diags.push(d))
            .ok()?,
        _ => EntityKind::Company,
    };
    let aliases: Vec<String> = value(columns.aliases)
        .map(|a| {
            a.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let notes = value(columns.notes);
    let mut entity = Entity::new(id, name, kind);
    // Most rows of a big export have neither: no details to build and drop.
    if !aliases.is_empty() || notes.is_some() {
        entity = entity.with_details(aliases, notes.map(Into::into), Vec::new());
    }
    Some(RawEntity {
        entity,
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
    if let Some(v) = word_exact(text, all, name) {
        return Ok(v);
    }
    let valid: Vec<&str> = all.iter().map(|&v| name(v)).collect();
    fields::vocabulary::<T>(text, &valid, loc)
}

/// The word of `all` spelled exactly `text` (as dealgraph writes it).
pub(super) fn word_exact<T: Copy>(text: &str, all: &[T], name: fn(T) -> &'static str) -> Option<T> {
    all.iter().copied().find(|&v| name(v) == text)
}

/// A deals CSV row, checked and converted; `from` and `to` are ranges of the batch's names.
pub(super) struct DealRow {
    pub(super) id: Option<String>,
    pub(super) kind: DealKind,
    pub(super) label: Option<Box<str>>,
    pub(super) from: Range<usize>,
    pub(super) to: Range<usize>,
    pub(super) round: Option<Box<str>>,
    pub(super) term_years: Option<u32>,
    pub(super) valuation: Option<Amount>,
    pub(super) stake_pct: Option<f64>,
    pub(super) inferred: bool,
    pub(super) report: Report,
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
    let amount = amount(record, columns, &at, &mut errs);
    let mut date_in = |col: Option<usize>| match record.get(col) {
        Some((d, i)) => fields::date(d, today, at(i))
            .map_err(|d| errs.push(d))
            .ok()
            .map(Some),
        None => Some(None),
    };
    let date = date_in(columns.date);
    let event_date = date_in(columns.event_date);
    let id = match record.get(columns.id) {
        Some((id, i)) => fields::slug(id, "deal", at(i))
            .map_err(|d| errs.push(d))
            .ok()
            .map(|id| Some(id.to_string())),
        None => Some(None),
    };
    let (term_years, valuation, stake_pct, inferred) = details(record, columns, &at, &mut errs);
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
        event_date: event_date?,
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

/// The amount of a row, from `amount_usd` (or `amount`) and its qualifier; undisclosed
/// when there is neither.
fn amount(
    record: Row<'_>,
    columns: &DealColumns,
    at: impl Fn(usize) -> Loc,
    errs: &mut Vec<Diagnostic>,
) -> Option<Amount> {
    let qualifier = record
        .get(columns.amount_qualifier)
        .or_else(|| record.get(columns.qualifier))
        .map(|(q, i)| (q, at(i)));
    let amount_cell = record
        .get(columns.amount_usd)
        .or_else(|| record.get(columns.amount));
    match amount_cell {
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
    }
}

/// The optional details of a deal: term in years, valuation, stake and whether it is
/// inferred.
fn details(
    record: Row<'_>,
    columns: &DealColumns,
    at: impl Fn(usize) -> Loc,
    errs: &mut Vec<Diagnostic>,
) -> (Option<u32>, Option<Amount>, Option<f64>, bool) {
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
    (term_years, valuation, stake_pct, inferred)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r",
            "ab",
            "a b",
            "\u{a0}a",
            "a\u{2003}",
            "\u{85}",
            "é",
            "\x01a\x0b",
            "\x0c",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    /// Every column the unknown-column check lets through is one that rows read: each of
    /// the 20 names fills one of the 20 slots.
    #[test]
    fn every_known_deal_column_is_read() {
        let header: Vec<String> = DEAL_COLUMNS.iter().map(|c| c.to_string()).collect();
        let slots = format!("{:?}", DealColumns::new(&header));
        assert_eq!(
            slots.matches("Some(").count(),
            DEAL_COLUMNS.len(),
            "{slots}"
        );
        assert!(!slots.contains("None"), "{slots}");
    }
}
