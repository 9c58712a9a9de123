//! Parsing a CSV file on every core: blocks of whole records are parsed and converted on
//! worker threads (each looking up the entity ids it can in a shared [`SymbolCache`]) and
//! stored in block order, each by the worker that finishes the block whose turn it is, so
//! deals, symbols and diagnostics come out exactly as from one reader.

use std::collections::BTreeMap;
use std::io::Read;
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Mutex, RwLock};

use super::blocks::{Block, Next, Rest, Splitter};
use super::fast::{FastColumns, PlainRow};
use super::plain;
use super::quoting::QuoteTracker;
use super::rows::{Item, Record, Rows};
use super::store::Store;
use super::symbols::{SymbolCache, UNKNOWN};
use crate::load::Interner;
use crate::load::raw::RawEntity;
use crate::model::{DealId, DealIdText, DealStore, EntityId, PlainDeal};

/// Blocks of about this many bytes are parsed at a time (a few thousand rows).
pub(super) const BLOCK_BYTES: usize = 256 << 10;

/// A record longer than this (an unclosed quote, a file without `\n`) ends the splitting:
/// the rest of the file is read by one reader.
pub(super) const RECORD_LIMIT: usize = 64 << 20;

/// A block's records, converted.
#[derive(Default)]
pub(super) struct Parsed {
    /// The deals with made-up ids (nearly every row of a big file without ids), already in
    /// their final form but for `from` and `to`, which are in `symbols`.
    pub(super) deals: DealStore,
    /// Where each of `deals` was read, and where its `from` and `to` ids are in `names`.
    pub(super) fast: Vec<FastRow>,
    /// `deals` without a source: how many, and the first.
    pub(super) missing_sources: usize,
    pub(super) first_missing_source: Option<usize>,
    /// The entities of an entities file, in order (storing them reports nothing, so they
    /// need no place among the other records).
    entities: Vec<RawEntity>,
    /// Every other record in order, each with how many of `deals` come before it.
    slow: Vec<(usize, Item)>,
    /// The text the `from` and `to` ids of the block's deals are in: a plain UTF-8 block's
    /// own text, where its plain rows' ids are, then the ids of its other rows back to back.
    pub(super) names: String,
    /// The symbols of the `from` and `to` ids of `deals`, then of the deals in `slow`, two
    /// per deal, or [`UNKNOWN`].
    pub(super) symbols: Vec<u32>,
    /// Ids numbered when the block was stored (where they are in `names`), for the cache.
    pub(super) learned: Vec<(Range<usize>, u32)>,
    /// A buffer for the fields of a record.
    fields: Vec<Range<usize>>,
}

/// Where a deal of [`Parsed::deals`] was read.
pub(super) struct FastRow {
    pub(super) line: u64,
    pub(super) byte: u64,
    pub(super) from: Range<usize>,
    pub(super) to: Range<usize>,
}

impl Parsed {
    /// Teaches `cache` the ids learnt, and empties the buffers for the next block.
    fn recycle(&mut self, cache: &RwLock<SymbolCache>) {
        if !self.learned.is_empty() {
            let mut cache = cache.write().unwrap_or_else(|e| e.into_inner());
            for (range, symbol) in self.learned.drain(..) {
                cache.insert(&self.names[range], symbol);
            }
        }
        self.deals.clear();
        self.fast.clear();
        self.missing_sources = 0;
        self.first_missing_source = None;
        self.entities.clear();
        self.slow.clear();
        self.names.clear();
        self.symbols.clear();
    }
}

/// The splitter shared by the workers, who take blocks from it in turn.
struct Source<R> {
    splitter: Option<Splitter<R>>,
    /// The first block, read when the header was.
    first: Option<Block>,
    /// The number of the next block handed out.
    seq: usize,
    /// Emptied buffers: a worker needs one to take a block, which bounds the blocks in
    /// flight. They come back as blocks are stored, which never waits for this lock.
    tokens: Receiver<Parsed>,
    rest: Option<Rest<R>>,
    unclosed: Option<(u32, u64)>,
}

impl<R> Source<R> {
    /// The blocks of `splitter`, after `first`, each taken with one of `tokens`.
    fn new(splitter: Splitter<R>, first: Block, tokens: Receiver<Parsed>) -> Source<R> {
        Source {
            splitter: Some(splitter),
            first: Some(first),
            seq: 0,
            tokens,
            rest: None,
            unclosed: None,
        }
    }
}

/// What [`read_blocks`] leaves: the part of the file still to read with one reader, and a
/// quote never closed at the end of the file.
pub(super) struct Leftover<R> {
    pub(super) rest: Option<Rest<R>>,
    pub(super) unclosed: Option<(u32, u64)>,
}

/// Reads every record of `first` and the blocks after it into `store`, on `threads`
/// worker threads. `rows` gives the columns and checks (each worker converts with a copy
/// and an interner of its own); `ids` is the cache of ids numbered so far, which the
/// workers read and the file's new ids are added to. The calling thread only waits:
/// storing is the workers' ([`InOrder`]).
pub(super) fn read_blocks<R: Read + Send>(
    splitter: Splitter<R>,
    first: Block,
    rows: &Rows<'_>,
    store: &mut Store,
    threads: usize,
    ids: &mut SymbolCache,
) -> Leftover<R> {
    let lookup = !rows.is_entities;
    let in_flight = threads + 2;
    let (give, tokens) = sync_channel::<Parsed>(in_flight);
    for _ in 0..in_flight {
        let _ = give.send(Parsed::default());
    }
    let source = Mutex::new(Source::new(splitter, first, tokens));
    let cache = RwLock::new(std::mem::take(ids));
    let fast = lookup.then(|| FastColumns::new(rows.columns, rows.header.len()));
    let stem = store.stem;
    let in_order = Mutex::new(InOrder {
        store,
        waiting: BTreeMap::new(),
        next: 0,
    });
    std::thread::scope(|scope| {
        let mut spawned = 0;
        for _ in 0..threads {
            let (source, cache, in_order, give) = (&source, &cache, &in_order, &give);
            let fast = &fast;
            let worker = std::thread::Builder::new()
                .name("dealgraph-parse".into())
                .spawn_scoped(scope, move || {
                    let mut interner = Interner::default();
                    let mut rows = rows.with_interner(&mut interner);
                    let fast = fast.as_ref();
                    let worker = Worker {
                        source,
                        cache,
                        lookup,
                        in_order,
                        give,
                    };
                    worker.run(&mut rows, fast, stem);
                });
            spawned += usize::from(worker.is_ok());
        }
        if spawned == 0 {
            // No thread could be made: this one does the work, block by block.
            let mut interner = Interner::default();
            let mut rows = rows.with_interner(&mut interner);
            let mut record = csv::ByteRecord::new();
            while let Some((_, block, mut parsed)) = take(&source) {
                parsed.recycle(&cache);
                let fast = fast.as_ref();
                parse_block(block, &mut rows, fast, stem, &mut record, &mut parsed);
                let mut in_order = in_order.lock().unwrap_or_else(|e| e.into_inner());
                store_parsed(in_order.store, parsed, lookup, &give);
            }
        }
    });
    *ids = cache.into_inner().unwrap_or_else(|e| e.into_inner());
    let source = source.into_inner().unwrap_or_else(|e| e.into_inner());
    Leftover {
        rest: source.rest,
        unclosed: source.unclosed,
    }
}

/// A worker thread: takes blocks, parses them, looks their ids up and stores them in their
/// turn ([`InOrder`]).
struct Worker<'a, 's, 'b, R> {
    source: &'a Mutex<Source<R>>,
    cache: &'a RwLock<SymbolCache>,
    lookup: bool,
    in_order: &'a Mutex<InOrder<'s, 'b>>,
    give: &'a SyncSender<Parsed>,
}

/// The blocks parsed and looked up, stored in block order by the worker that sends the one
/// whose turn it is (rather than by a thread of their own, woken for every block).
struct InOrder<'s, 'b> {
    store: &'s mut Store<'b>,
    /// Blocks sent before their turn, by number.
    waiting: BTreeMap<usize, Parsed>,
    /// The number of the next block to store.
    next: usize,
}

impl InOrder<'_, '_> {
    /// Stores block `seq`, and the blocks waiting after it, if it is its turn; else keeps it
    /// for then.
    fn store(&mut self, seq: usize, parsed: Parsed, lookup: bool, give: &SyncSender<Parsed>) {
        if seq != self.next {
            self.waiting.insert(seq, parsed);
            return;
        }
        store_parsed(self.store, parsed, lookup, give);
        self.next += 1;
        while let Some(parsed) = self.waiting.remove(&self.next) {
            store_parsed(self.store, parsed, lookup, give);
            self.next += 1;
        }
    }
}

impl<R: Read> Worker<'_, '_, '_, R> {
    fn run(self, rows: &mut Rows, fast: Option<&FastColumns>, stem: &str) {
        let mut record = csv::ByteRecord::new();
        while let Some((seq, block, mut parsed)) = take(self.source) {
            parsed.recycle(self.cache);
            parse_block(block, rows, fast, stem, &mut record, &mut parsed);
            if self.lookup {
                let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
                look_up(&cache, &mut parsed);
            }
            let mut in_order = self.in_order.lock().unwrap_or_else(|e| e.into_inner());
            in_order.store(seq, parsed, self.lookup, self.give);
        }
    }
}

/// The next block, its number and an emptied buffer for it; none at the end.
fn take<R: Read>(source: &Mutex<Source<R>>) -> Option<(usize, Block, Parsed)> {
    let mut source = source.lock().unwrap_or_else(|e| e.into_inner());
    if source.first.is_none() && source.splitter.is_none() {
        return None;
    }
    let parsed = source.tokens.recv().ok()?;
    let block = match source.first.take() {
        Some(block) => block,
        None => {
            let splitter = source.splitter.as_mut()?;
            match splitter.next_block() {
                Some(Next::Block(block)) => block,
                Some(Next::Serial) => {
                    source.rest = source.splitter.take().map(Splitter::into_rest);
                    return None;
                }
                None => {
                    source.splitter = None;
                    return None;
                }
            }
        }
    };
    if block.last {
        source.splitter = None;
        source.unclosed = unclosed(&block);
    }
    let seq = source.seq;
    source.seq += 1;
    Some((seq, block, parsed))
}

/// A quote opened in `block` and never closed (`block` being the end of the file).
pub(super) fn unclosed(block: &Block) -> Option<(u32, u64)> {
    memchr::memchr(b'"', &block.bytes)?;
    let newlines = u32::try_from(block.line.saturating_sub(1)).unwrap_or(u32::MAX);
    let mut quotes = QuoteTracker::at((), newlines, block.byte);
    quotes.feed(&block.bytes);
    quotes.unclosed()
}

/// Stores one block's rows and gives the buffer back, with the ids first numbered here
/// for the cache.
fn store_parsed(store: &mut Store, mut parsed: Parsed, lookup: bool, give: &SyncSender<Parsed>) {
    let mut slow = std::mem::take(&mut parsed.slow);
    let mut learned = std::mem::take(&mut parsed.learned);
    let mut learning = lookup.then_some(&mut learned);
    let mut symbols = parsed.symbols.iter().copied().skip(2 * parsed.fast.len());
    let mut sources = Vec::new();
    let mut stored = 0;
    for (before, item) in slow.drain(..) {
        store.add_fast(
            &parsed,
            stored..before,
            &mut sources,
            learning.as_deref_mut(),
        );
        stored = before;
        let known = if matches!(item, Item::Deal { .. }) {
            let from = symbols.next().unwrap_or(UNKNOWN);
            let to = symbols.next().unwrap_or(UNKNOWN);
            [from, to]
        } else {
            [UNKNOWN; 2]
        };
        store.add_known(item, &parsed.names, known, learning.as_deref_mut());
    }
    for raw in parsed.entities.drain(..) {
        store.pending.declared.add_row(raw);
    }
    let all = stored..parsed.fast.len();
    store.add_fast(&parsed, all, &mut sources, learning);
    store.missing_sources += parsed.missing_sources;
    parsed.slow = slow;
    parsed.learned = learned;
    let _ = give.try_send(parsed);
}

/// Converts every record of `block` into `parsed`, with the lines and bytes of the file;
/// deals without an id of their own are stored as `stem`'s. Plain rows of a deals file
/// take the short way (`fast`) when the block is UTF-8.
fn parse_block(
    block: Block,
    rows: &mut Rows,
    fast: Option<&FastColumns>,
    stem: &str,
    record: &mut csv::ByteRecord,
    parsed: &mut Parsed,
) {
    if plain::is_plain(&block.bytes) {
        let mut fields = std::mem::take(&mut parsed.fields);
        // Checked once for the block: its records' fields are then UTF-8 each. A UTF-8
        // block becomes `names` itself: its plain rows' ids are where they are in it (not
        // copied out one by one), and the ids of other rows are put after it.
        let text = String::from_utf8(block.bytes);
        let bytes = match &text {
            Ok(text) => text.as_bytes(),
            Err(e) => e.as_bytes(),
        };
        let whole = text.as_deref().ok();
        let after = whole.map_or(0, str::len);
        let mut names = std::mem::take(&mut parsed.names);
        plain::for_each_record(bytes, &mut fields, |record, fields, line, byte| {
            let (line, byte) = (block.line + line - 1, block.byte + byte);
            let start = record.as_ptr() as usize - bytes.as_ptr() as usize;
            let utf8 = whole.and_then(|whole| whole.get(start..start + record.len()));
            if let (Some(fast), Some(utf8)) = (fast, utf8)
                && let Some(row) = fast.convert(rows, utf8, start, fields)
            {
                parsed.push_plain(row, line, byte, stem);
                return;
            }
            let record = Record {
                text: record,
                utf8,
                fields,
                line,
                byte,
            };
            let mut item = rows.convert_record(record, &mut names);
            item.move_names(after);
            parsed.push(item, stem);
        });
        parsed.fields = fields;
        parsed.names = match text {
            Ok(mut text) => {
                text.push_str(&names);
                text
            }
            Err(_) => names,
        };
        return;
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(&block.bytes[..]);
    // Reading from memory never fails; a record that could not be read would end the block.
    while let Ok(true) = reader.read_byte_record(record) {
        shift(record, block.line, block.byte);
        let item = rows.convert(record, &mut parsed.names);
        parsed.push(item, stem);
    }
}

impl Parsed {
    /// Keeps a record converted into `item`: a deal without an id of its own as `stem`'s,
    /// in [`Parsed::deals`].
    fn push(&mut self, item: Item, stem: &str) {
        match item {
            Item::Deal {
                row,
                line,
                byte,
                has_source,
            } if row.id.is_none() => {
                self.note_made_up(line, byte, [row.from.clone(), row.to.clone()], has_source);
                let unknown = EntityId(UNKNOWN);
                if row.is_plain() {
                    let deal = PlainDeal::of(row.kind, [unknown; 2], row.inferred, &row.report);
                    let source = self.deals.source_of(&row.report);
                    self.deals.push_made_up_plain(deal, source, stem, line);
                } else {
                    let deal = row.into_deal(DealIdText::default(), unknown, unknown);
                    self.deals.push_made_up(&deal, stem, line);
                }
            }
            Item::Entity(raw) => self.entities.push(raw),
            item => self.slow.push((self.fast.len(), item)),
        }
    }

    /// Keeps a plain row that took the short way, as `stem`'s.
    fn push_plain(&mut self, row: PlainRow<'_>, line: u64, byte: u64, stem: &str) {
        self.note_made_up(line, byte, [row.from, row.to], row.source.is_some());
        let source = self
            .deals
            .source_by_text(row.source.unwrap_or(""), row.publisher);
        self.deals.push_made_up_plain(row.deal, source, stem, line);
    }

    /// Where the next deal of [`Parsed::deals`] was read, and whether it had a source.
    fn note_made_up(&mut self, line: u64, byte: u64, [from, to]: [Range<usize>; 2], source: bool) {
        if !source {
            self.missing_sources += 1;
            self.first_missing_source.get_or_insert(self.fast.len());
        }
        self.fast.push(FastRow {
            line,
            byte,
            from,
            to,
        });
    }
}

/// Moves `record`'s position from the start of its block to the start of the file (the
/// block starting at `byte`, on 1-based `line`).
pub(super) fn shift(record: &mut csv::ByteRecord, line: u64, byte: u64) {
    if let Some(local) = record.position() {
        let mut p = csv::Position::new();
        p.set_byte(byte + local.byte())
            .set_line(line + local.line() - 1)
            .set_record(local.record());
        record.set_position(Some(p));
    }
}

/// Looks up the `from` and `to` ids of every deal of `parsed` in `cache`, and points the
/// deals of [`Parsed::deals`] at those found.
fn look_up(cache: &SymbolCache, parsed: &mut Parsed) {
    let names = &parsed.names;
    let fast = &parsed.fast;
    let ends = (0..fast.len() * 2).map(|k| match k % 2 {
        0 => &names[fast[k / 2].from.clone()],
        _ => &names[fast[k / 2].to.clone()],
    });
    cache.get_all(ends, &mut parsed.symbols);
    // The few rows that took the general way, after the plain ones.
    let slow: Vec<Range<usize>> = parsed
        .slow
        .iter()
        .flat_map(|(_, item)| match item {
            Item::Deal { row, .. } => [Some(row.from.clone()), Some(row.to.clone())],
            _ => [None, None],
        })
        .flatten()
        .collect();
    cache.get_all(slow.iter().map(|r| &names[r.clone()]), &mut parsed.symbols);
    for (k, pair) in parsed
        .symbols
        .chunks_exact(2)
        .take(parsed.fast.len())
        .enumerate()
    {
        let (from, to) = (EntityId(pair[0]), EntityId(pair[1]));
        parsed.deals.set_parties(DealId(k as u32), from, to);
    }
}
