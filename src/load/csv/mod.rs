//! CSV files, streamed row by row. The header decides what a file holds: `from` and `to`
//! columns make it deals (one report per row; rows sharing an `id` are reports of one deal),
//! `id` and `name` without `from` make it entities.

//!
//! `quoting` finds a quote left open, `reading` runs the reading thread, `rows`
//! checks and converts each record, `store` keeps them in row order. This file reads the
//! header and reports what is wrong with it.

mod blocks;
mod chunked;
mod fast;
mod plain;
mod quoting;
mod reading;
mod rows;
mod store;
mod symbols;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;

use self::blocks::{Next, Rest, Splitter};
use self::quoting::QuoteTracker;
use self::rows::{DealColumns, EntityColumns, Rows};
use self::store::Store;
pub(super) use self::symbols::SymbolCache;
use super::Interner;
use super::diagnostic::{Diagnostic, FileId, Loc};
use super::fields;
use super::raw::{CsvCells, Pending};

/// Columns whose name starts with this are carried in the file but not read (`x_notes`,
/// `x_reviewed_by`); any other column dealgraph does not know is an error.
pub const EXTRA_PREFIX: &str = "x_";

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

/// Average bytes per row of a deals CSV at the least, to make room for its deals from its
/// size (a generated row of eight columns is about 75 bytes).
const DEAL_ROW_BYTES: u64 = 48;

/// Reads one CSV file from `reader`: its deals go to `pending` (ready-made, with `from` and
/// `to` as symbols), and so do its entities. Problems go to `diags`; rows with problems are
/// skipped. Files bigger than a block are parsed in blocks on every core the process may
/// use (on one core too: storing a block then interns only ids not seen before), with
/// the same result as one reader gives. `ids` caches the ids numbered so far (in
/// `pending.symbols`) for the parsing threads.
pub fn parse(
    reader: impl Read + Send,
    input: CsvFile<'_>,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
    interner: &mut Interner,
    pending: &mut Pending,
    ids: &mut SymbolCache,
) {
    let (threads, block) = settings();
    if input.len.is_none_or(|len| len > block as u64) {
        let mut ctx = Context {
            input,
            today,
            diags,
            interner,
            pending,
            ids,
        };
        parse_blocks(reader, &mut ctx, threads, block);
    } else {
        parse_serial(reader, input, today, diags, interner, pending);
    }
}

/// The worker threads to parse with and the size of a block: every core the process may
/// use (`taskset` and cgroup limits count), blocks of [`chunked::BLOCK_BYTES`].
fn settings() -> (usize, usize) {
    #[cfg(test)]
    if let Some(forced) = tests::FORCED.get() {
        return forced;
    }
    (crate::parallel::cores(), chunked::BLOCK_BYTES)
}

/// [`parse`] on one reader (and its reading thread).
fn parse_serial(
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
    unclosed_quote(quotes.unclosed(), file, diags);
}

/// The csv crate ends a quoted field silently at the end of the file, which would swallow
/// every row after a stray opening quote into one field: report it instead.
fn unclosed_quote(at: Option<(u32, u64)>, file: FileId, diags: &mut Vec<Diagnostic>) {
    if let Some((line, byte)) = at {
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

/// Everything [`parse`] was given but the reader.
struct Context<'a, 'b> {
    input: CsvFile<'b>,
    today: NaiveDate,
    diags: &'a mut Vec<Diagnostic>,
    interner: &'a mut Interner,
    pending: &'a mut Pending,
    ids: &'a mut SymbolCache,
}

/// [`parse`] in blocks on `threads` worker threads: the header is read from the first
/// block, then every block is parsed by a worker and stored in order. Where no block
/// can be cut (a quote left open, no `\n`), the rest of the file is read here, serially.
fn parse_blocks<R: Read + Send>(reader: R, ctx: &mut Context, threads: usize, block: usize) {
    let file = ctx.input.id;
    let mut splitter = Splitter::new(reader, block, chunked::RECORD_LIMIT);
    let mut first = match splitter.next_block() {
        Some(Next::Block(first)) => first,
        _ => {
            // The whole file is one record, or cannot be read: as on one reader.
            let reader = splitter.into_rest().reader();
            let Context {
                input,
                today,
                diags,
                interner,
                pending,
                ..
            } = ctx;
            return parse_serial(reader, *input, *today, diags, interner, pending);
        }
    };
    let unclosed = if first.last {
        chunked::unclosed(&first)
    } else {
        None
    };
    let mut header_reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(&first.bytes[..]);
    let mut record = csv::ByteRecord::new();
    let header = read_header(&mut header_reader, &mut record, file, ctx.diags);
    let end = header_reader.position().clone();
    drop(header_reader);
    let Some((header, columns, is_entities)) =
        header.and_then(|header| begin(header, ctx.input, ctx.diags, ctx.pending))
    else {
        return unclosed_quote(unclosed, file, ctx.diags);
    };
    // The rows start where the header ends.
    first
        .bytes
        .drain(..(end.byte() as usize).min(first.bytes.len()));
    first.line = end.line();
    first.byte = end.byte();
    let mut rows = Rows {
        columns,
        entity_columns: EntityColumns::new(&header),
        header: &header,
        is_entities,
        file,
        today: ctx.today,
        interner: ctx.interner,
    };
    let mut store = new_store(ctx.input, ctx.pending, ctx.diags);
    let left = chunked::read_blocks(splitter, first, &rows, &mut store, threads, ctx.ids);
    let unclosed = match left.rest {
        Some(rest) => read_rest(rest, &mut rows, &mut store),
        None => left.unclosed.or(unclosed),
    };
    finish_store(store, &header);
    unclosed_quote(unclosed, file, ctx.diags);
}

/// Reads the rest of a file that could not be cut into blocks, on this thread; a quote
/// left open at its end.
fn read_rest<R: Read>(rest: Rest<R>, rows: &mut Rows, store: &mut Store) -> Option<(u32, u64)> {
    let (line, byte) = (rest.line, rest.byte);
    let newlines = u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX);
    let mut quotes = QuoteTracker::at(rest.reader(), newlines, byte);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(&mut quotes);
    let mut record = csv::ByteRecord::new();
    let mut names = String::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                chunked::shift(&mut record, line, byte);
                names.clear();
                let item = rows.convert(&record, &mut names);
                store.add(item, &names);
            }
            Ok(false) => break,
            Err(e) => {
                if store.csv_error_at(e, line, byte) {
                    break;
                }
            }
        }
    }
    drop(reader);
    quotes.unclosed()
}

/// Checks the header and prepares `pending` for the file's rows: the header, its columns,
/// and whether it holds entities; none when the header is wrong.
fn begin(
    header: Vec<String>,
    input: CsvFile<'_>,
    diags: &mut Vec<Diagnostic>,
    pending: &mut Pending,
) -> Option<(Vec<String>, DealColumns, bool)> {
    let file = input.id;
    let holds = check_header(&header, file, diags)?;
    let (is_deals, is_entities) = (holds == Holds::Deals, holds == Holds::Entities);
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
    if is_entities && let Some(len) = input.len {
        pending.declared.reserve((len / ENTITY_ROW_BYTES) as usize);
    }
    if is_deals && let Some(len) = input.len {
        // Room made once rather than by doubling (which copies what is stored, while
        // the workers wait to store); untouched room costs address space, not memory.
        pending.reserve_deals((len / DEAL_ROW_BYTES) as usize);
    }
    Some((header, columns, is_entities))
}

fn new_store<'a>(
    input: CsvFile<'a>,
    pending: &'a mut Pending,
    diags: &'a mut Vec<Diagnostic>,
) -> Store<'a> {
    Store {
        file: input.id,
        stem: input.stem,
        pending,
        diags,
        deal_by_id: HashMap::new(),
        missing_sources: 0,
        first_missing_source: None,
        made_up: false,
    }
}

/// Warns about rows without a source, once all are stored.
fn finish_store(store: Store, header: &[String]) {
    let Store {
        diags,
        missing_sources,
        first_missing_source,
        ..
    } = store;
    if missing_sources > 0 && header.iter().any(|h| h == "source") {
        diags.push(
            Diagnostic::warning(
                format!("{missing_sources} row(s) have no source"),
                first_missing_source,
            )
            .with_help("fill the source column so readers can check each deal"),
        );
    }
}

/// Reads the header, then every row through the reading thread into `pending`.
fn parse_records(
    reader: impl Read + Send,
    input: CsvFile<'_>,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
    interner: &mut Interner,
    pending: &mut Pending,
) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(reader);
    // One record, reused for every row: no allocation per row.
    let mut record = csv::ByteRecord::new();
    let Some(header) = read_header(&mut reader, &mut record, input.id, diags) else {
        return;
    };
    let Some((header, columns, is_entities)) = begin(header, input, diags, pending) else {
        return;
    };
    let mut rows = Rows {
        columns,
        entity_columns: EntityColumns::new(&header),
        header: &header,
        is_entities,
        file: input.id,
        today,
        interner,
    };
    let mut store = new_store(input, pending, diags);
    reading::read_rows(reader, &mut record, &mut rows, &mut store);
    finish_store(store, &header);
}

/// Whether the CSV file at `path` holds entities, as the first line of its header says (an
/// `id` and a `name` column, and no `from` or `to`). Nothing is reported here: the file is
/// read again, and its problems reported, in its turn.
pub fn holds_entities(path: &std::path::Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(std::io::BufReader::with_capacity(
            1 << 12,
            file.take(1 << 16),
        ));
    let mut record = csv::ByteRecord::new();
    let mut ignored = Vec::new();
    read_header(&mut reader, &mut record, 0, &mut ignored)
        .is_some_and(|header| Holds::of(&header) == Some(Holds::Entities))
}

/// What a CSV file holds, as its header says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holds {
    Deals,
    Entities,
}

impl Holds {
    /// What the header's (lowercased) column names say: a `from` or `to` column makes
    /// deals, `id` and `name` without them entities.
    fn of(header: &[String]) -> Option<Holds> {
        let has = |name: &str| header.iter().any(|h| h == name);
        if has("from") || has("to") {
            Some(Holds::Deals)
        } else if has("id") && has("name") {
            Some(Holds::Entities)
        } else {
            None
        }
    }
}

/// The header's column names, trimmed and lowercased (and without a byte-order mark); none
/// when the file is empty or its first record cannot be read.
fn read_header<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    match reader.read_byte_record(record) {
        Ok(false) => {
            diags.push(
                Diagnostic::error("the CSV file is empty", Loc::File(file))
                    .with_help("a deals CSV starts with a header such as from,to,kind,amount_usd,date,status,source"),
            );
            return None;
        }
        Err(e) => {
            diags.push(csv_error(e, file));
            return None;
        }
        Ok(true) => {}
    }
    Some(
        record
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
            .collect(),
    )
}

/// What the header says the file holds; none, with errors in `diags`, when it cannot tell,
/// a required column is missing or a column is unknown.
fn check_header(header: &[String], file: FileId, diags: &mut Vec<Diagnostic>) -> Option<Holds> {
    let has = |name: &str| header.iter().any(|h| h == name);
    let header_loc = cell(file, 1, 0, 0);
    let holds = Holds::of(header);
    let is_deals = holds == Some(Holds::Deals);
    if holds.is_none() {
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
        return None;
    }
    let (holds, known) = if is_deals {
        (Holds::Deals, rows::DEAL_COLUMNS)
    } else {
        (Holds::Entities, rows::ENTITY_COLUMNS)
    };
    unknown_columns(header, known, file, diags);
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
    }
    if diags
        .iter()
        .any(|d| d.is_error() && d.loc.map(Loc::file) == Some(file))
    {
        return None;
    }
    if is_deals && !has("source") {
        diags.push(
            Diagnostic::warning("the deals CSV has no `source` column", header_loc).with_help(
                "add a source column (article file or URL) so readers can check each deal",
            ),
        );
    }
    Some(holds)
}

/// Reports every column of `header` that is not in `known` and does not start with
/// [`EXTRA_PREFIX`], with the closest known name: a misspelled column would otherwise be
/// ignored and its values lost without a word.
fn unknown_columns(header: &[String], known: &[&str], file: FileId, diags: &mut Vec<Diagnostic>) {
    let what = if known == rows::DEAL_COLUMNS {
        "deals"
    } else {
        "entities"
    };
    for (i, name) in header.iter().enumerate() {
        if known.contains(&name.as_str()) || name.starts_with(EXTRA_PREFIX) {
            continue;
        }
        let message = if name.is_empty() {
            format!("column {} of the {what} CSV has no name", i + 1)
        } else {
            format!("unknown column `{name}` in the {what} CSV")
        };
        let extra = format!(
            "to carry a column dealgraph does not read, start its name with `{EXTRA_PREFIX}`"
        );
        let help = match fields::closest(name, known.iter().copied()) {
            Some(best) if !name.is_empty() => format!("did you mean `{best}`? Otherwise, {extra}"),
            _ => format!("known columns: {}; {extra}", known.join(", ")),
        };
        diags.push(Diagnostic::error(message, cell(file, 1, i, 0)).with_help(help));
    }
}

/// The location of field `field` of the record on `line` starting at `byte`.
fn cell(file: FileId, line: u64, field: usize, byte: u64) -> Loc {
    Loc::Cell {
        file,
        line: line as u32,
        field: field.min(u16::MAX as usize) as u16,
        record_start: byte,
    }
}

/// A record the csv crate could not read, located where it stopped.
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
