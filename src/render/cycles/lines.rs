//! JSON lines (`--format jsonl`) and CSV for `cycles`: one loop a line, the full record or the
//! brief one. Built for listing millions of loops: each entity id and hop is formatted once and
//! its text reused, numbers are written straight into one line buffer, and nothing is
//! allocated per loop.

use std::cell::RefCell;
use std::io::Write;
use std::ops::ControlFlow;
use std::rc::Rc;
use std::sync::Mutex;

use super::Record;
use super::json::HopJson;
use crate::graph::{HopGraph, MoneyGraph};
use crate::model::{DealId, Money};
use crate::query::cycles::{
    Bound, Cycle, CycleList, CycleOptions, FigureCache, SearchEnd, cycles_in_order,
};

/// How many bytes of lines a writer gathers before handing them out: one large write into the
/// pipe instead of many small ones.
const LINES_BUFFER: usize = 1 << 20;

/// Room past [`LINES_BUFFER`] for the line that fills a buffer, so that it is never moved.
const LINE_SLACK: usize = 64 * 1024;

/// Written-out line buffers kept to be filled again (at most this many).
const SPARE_BUFFERS: usize = 8;

/// Texts made on first use and reused, by index (entity or hop).
struct Texts(Vec<Option<Box<[u8]>>>);

impl Texts {
    fn new(len: usize) -> Self {
        Texts(vec![None; len])
    }

    /// Item `i`'s text, made with `make` the first time.
    fn get(&mut self, i: usize, make: impl FnOnce() -> Vec<u8>) -> &[u8] {
        if i >= self.0.len() {
            self.0.resize(i + 1, None);
        }
        self.0[i].get_or_insert_with(|| make().into())
    }
}

/// Appends `cents` as the exact JSON number of dollars that [`Money::to_json_number`] gives:
/// `150` → `1.5`, `-5` → `-0.05`, `700` → `7`.
fn push_dollars(line: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        line.push(b'-');
    }
    let (whole, frac) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    line.extend_from_slice(itoa::Buffer::new().format(whole).as_bytes());
    if frac != 0 {
        line.push(b'.');
        line.push(b'0' + (frac / 10) as u8);
        if frac % 10 != 0 {
            line.push(b'0' + (frac % 10) as u8);
        }
    }
}

/// Appends an amount as a JSON number, or `null`.
fn push_usd(line: &mut Vec<u8>, money: Option<Money>) {
    match money {
        Some(m) => push_dollars(line, m.cents()),
        None => line.extend_from_slice(b"null"),
    }
}

/// Makes the JSON lines of loops: each the loop object of the JSON `cycles` array, on one
/// line, full or brief. A hop's object depends on the loop only through its counted deal
/// (the hop's largest known amount, but in time order the deal of the loop's chain), so each
/// hop is serialized once with the deal first counted, and again only for another deal; each
/// entity id once: memory grows with the hops and entities met, never with the loops.
struct JsonLines<'g, 'a> {
    graph: &'g MoneyGraph<'a>,
    hops: &'g HopGraph,
    record: Record,
    entity_text: Texts,
    hop_text: Texts,
    /// By hop index: the counted deal of the hop's text in `hop_text`.
    hop_counted: Vec<Option<DealId>>,
    /// A hop's text for a deal other than the cached one.
    hop_other: Vec<u8>,
}

impl<'g, 'a> JsonLines<'g, 'a> {
    fn new(graph: &'g MoneyGraph<'a>, record: Record) -> Self {
        let hops = graph.hops();
        JsonLines {
            graph,
            hops,
            record,
            entity_text: Texts::new(hops.entity_count()),
            hop_text: Texts::new(if record == Record::Full {
                hops.hop_count()
            } else {
                0
            }),
            hop_counted: Vec::new(),
            hop_other: Vec::new(),
        }
    }

    /// Appends `cycle`'s line to `line`: the fields in sorted key order, as the JSON
    /// document's loop objects (`hops` only in the full record).
    fn append(&mut self, line: &mut Vec<u8>, cycle: &Cycle) {
        let (graph, hops, data) = (self.graph, self.hops, self.graph.dataset());
        let trip = &cycle.round_trip;
        line.extend_from_slice(b"{\"bound\":");
        match trip.bound {
            Some(b) => {
                line.push(b'"');
                line.extend_from_slice(Bound::as_str(b).as_bytes());
                line.push(b'"');
            }
            None => line.extend_from_slice(b"null"),
        }
        line.extend_from_slice(b",\"entities\":[");
        for (n, &e) in cycle.entities.iter().enumerate() {
            if n > 0 {
                line.push(b',');
            }
            line.extend_from_slice(self.entity_text.get(e.index(), || {
                serde_json::to_vec(data.entity(e).id.as_str()).unwrap_or_default()
            }));
        }
        line.extend_from_slice(b"],\"grade\":");
        // A unit variant: serde writes its name, allocating nothing.
        let _ = serde_json::to_writer(&mut *line, &cycle.grade);
        if self.record == Record::Full {
            line.extend_from_slice(b",\"hops\":[");
            for (i, &h) in cycle.hops.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                let counted = trip.hop_deals.get(i).copied().flatten();
                let make = || {
                    serde_json::to_vec(&HopJson::new(graph, hops.hop(h), counted))
                        .unwrap_or_default()
                };
                let at = h.0 as usize;
                if self.hop_counted.len() <= at {
                    self.hop_counted.resize(at + 1, None);
                }
                let text = self.hop_text.get(at, || {
                    self.hop_counted[at] = counted;
                    make()
                });
                if self.hop_counted[at] == counted {
                    line.extend_from_slice(text);
                } else {
                    self.hop_other = make();
                    line.extend_from_slice(&self.hop_other);
                }
            }
            line.push(b']');
        }
        line.extend_from_slice(b",\"length\":");
        line.extend_from_slice(itoa::Buffer::new().format(cycle.length()).as_bytes());
        line.extend_from_slice(b",\"return_ratio\":");
        match cycle.ratio.map(|r| r.value).filter(|v| v.is_finite()) {
            // As `Number::from_f64` writes it: the shortest text that reads back the same.
            Some(v) => {
                let _ = serde_json::to_writer(&mut *line, &v);
            }
            None => line.extend_from_slice(b"null"),
        }
        line.extend_from_slice(b",\"round_trip_max_usd\":");
        push_usd(line, trip.high);
        line.extend_from_slice(b",\"round_trip_min_usd\":");
        push_usd(line, trip.low);
        line.extend_from_slice(b",\"round_trip_usd\":");
        push_usd(line, trip.amount);
        line.extend_from_slice(b"}\n");
    }
}

/// Makes the CSV rows of loops: `rank` (empty when streamed unsorted), the length, the loop
/// as ids ("a → b → a"), its figures and (full record) the ids of every deal on it, hop by
/// hop, separated by "; ". Each hop's deal ids are joined once and reused.
struct CsvRows<'g, 'a> {
    graph: &'g MoneyGraph<'a>,
    hops: &'g HopGraph,
    record: Record,
    /// Quotes each field as needed, into `sink`, whose bytes are moved out after each row.
    csv: ::csv::Writer<Sink>,
    sink: Rc<RefCell<Vec<u8>>>,
    hop_deals: Texts,
    field: Vec<u8>,
}

impl<'g, 'a> CsvRows<'g, 'a> {
    fn new(graph: &'g MoneyGraph<'a>, record: Record) -> Self {
        let hops = graph.hops();
        let sink = Rc::new(RefCell::new(Vec::new()));
        CsvRows {
            graph,
            hops,
            record,
            csv: ::csv::Writer::from_writer(Sink(Rc::clone(&sink))),
            sink,
            hop_deals: Texts::new(if record == Record::Full {
                hops.hop_count()
            } else {
                0
            }),
            field: Vec::with_capacity(256),
        }
    }

    /// Appends the header to `line`.
    fn header(&mut self, line: &mut Vec<u8>) -> std::io::Result<()> {
        let columns = CSV_HEADER.split(',');
        match self.record {
            Record::Full => self.csv.write_record(columns)?,
            Record::Brief => self.csv.write_record(columns.filter(|&c| c != "deals"))?,
        }
        self.csv.flush()?;
        line.append(&mut self.sink.borrow_mut());
        Ok(())
    }

    /// Appends `cycle`'s row to `line`.
    fn append(
        &mut self,
        line: &mut Vec<u8>,
        rank: Option<usize>,
        cycle: &Cycle,
    ) -> std::io::Result<()> {
        let (graph, hops, data) = (self.graph, self.hops, self.graph.dataset());
        let (out, field) = (&mut self.csv, &mut self.field);
        let mut number = itoa::Buffer::new();
        out.write_field(rank.map_or("", |r| number.format(r)))?;
        out.write_field(number.format(cycle.length()))?;
        field.clear();
        for &e in cycle.entities.iter().chain(cycle.entities.first()) {
            if !field.is_empty() {
                field.extend_from_slice(" → ".as_bytes());
            }
            field.extend_from_slice(data.entity(e).id.as_str().as_bytes());
        }
        out.write_field(&*field)?;
        let trip = &cycle.round_trip;
        for money in [trip.amount, trip.low, trip.high] {
            field.clear();
            if let Some(m) = money {
                push_dollars(field, m.cents());
            }
            out.write_field(&*field)?;
        }
        out.write_field(trip.bound.map_or("", Bound::as_str))?;
        out.write_field(cycle.grade.as_str())?;
        field.clear();
        if let Some(r) = cycle.ratio {
            write!(field, "{}", r.value)?;
        }
        out.write_field(&*field)?;
        if self.record == Record::Full {
            field.clear();
            for &h in &cycle.hops {
                let ids = self.hop_deals.get(h.0 as usize, || {
                    let ids: Vec<String> = hops
                        .hop(h)
                        .deals
                        .iter()
                        .filter_map(|&d| graph.deal_view(d))
                        .map(|v| v.deal.id().to_string())
                        .collect();
                    ids.join("; ").into_bytes()
                });
                // A hop with no deal shown adds no separator.
                if !ids.is_empty() {
                    if !field.is_empty() {
                        field.extend_from_slice(b"; ");
                    }
                    field.extend_from_slice(ids);
                }
            }
            out.write_field(&*field)?;
        }
        out.write_record(None::<&[u8]>)?;
        out.flush()?;
        line.append(&mut self.sink.borrow_mut());
        Ok(())
    }
}

/// The buffer a [`CsvRows`]'s CSV writer writes into, shared with the rows maker.
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Lines gathered for one write, and how many loops they hold.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    loops: u64,
}

/// Runs the search on every core and writes each loop's line as [`cycles_in_order`] hands it
/// out, in the order one thread finds them (the output does not depend on the cores).
/// `line` appends a loop's line with that thread's `maker`.
fn stream_lines<M>(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
    new_maker: impl Fn() -> M + Sync,
    line: impl Fn(&mut M, &mut Vec<u8>, &Cycle) + Sync,
) -> std::io::Result<(u64, SearchEnd)> {
    let hops = graph.hops();
    let mut failure: Option<std::io::Error> = None;
    let mut count = 0u64;
    // Buffers written out come back here to be filled again: no batch grows from empty (its
    // bytes copied at each doubling, fresh pages faulted in) once the first few are made.
    let spare: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let figures = FigureCache::new(hops);
    let end = cycles_in_order(
        graph,
        hops,
        opts,
        crate::parallel::cores(),
        || (new_maker(), None::<Cycle>),
        |(maker, cycle), batch: &mut Batch, entities, loop_hops| {
            if batch.bytes.capacity() == 0 {
                batch.bytes = spare
                    .lock()
                    .ok()
                    .and_then(|mut s| s.pop())
                    .unwrap_or_else(|| Vec::with_capacity(LINES_BUFFER + LINE_SLACK));
            }
            let found = match cycle.as_mut() {
                Some(c) => {
                    figures.fill(c, graph, hops, entities, loop_hops, opts);
                    c
                }
                None => cycle.insert(figures.found(graph, hops, entities, loop_hops, opts)),
            };
            line(maker, &mut batch.bytes, found);
            batch.loops += 1;
            batch.bytes.len() >= LINES_BUFFER
        },
        |mut batch| match out.write_all(&batch.bytes) {
            Ok(()) => {
                count += batch.loops;
                batch.bytes.clear();
                if let Ok(mut s) = spare.lock()
                    && s.len() < SPARE_BUFFERS
                {
                    s.push(batch.bytes);
                }
                ControlFlow::Continue(())
            }
            Err(e) => {
                failure = Some(e);
                ControlFlow::Break(())
            }
        },
    );
    failure.map_or(Ok((count, end)), Err)
}

/// `--format jsonl`: one loop object a line (as in the JSON `cycles` array, on one line),
/// in the `--sort` order.
pub fn write_jsonl(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    list: &CycleList,
    record: Record,
) -> std::io::Result<()> {
    let mut maker = JsonLines::new(graph, record);
    write_ranked(out, list, Vec::new(), |line, _, c| {
        maker.append(line, c);
        Ok(())
    })
}

/// Writes `head`, then each loop of `list` as `append` makes it (given its rank, from 1), in
/// writes of about [`LINES_BUFFER`] bytes.
fn write_ranked(
    out: &mut impl Write,
    list: &CycleList,
    head: Vec<u8>,
    mut append: impl FnMut(&mut Vec<u8>, usize, &Cycle) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut line = head;
    line.reserve(LINES_BUFFER + LINE_SLACK);
    for (i, c) in list.cycles.iter().enumerate() {
        append(&mut line, i + 1, c)?;
        if line.len() >= LINES_BUFFER {
            out.write_all(&line)?;
            line.clear();
        }
    }
    out.write_all(&line)
}

/// `--limit 0 --format jsonl`: every loop a line as it is found, unsorted, in memory that does
/// not grow with the loops.
///
/// # Returns
/// How many loops were written and how the search ended; a write error stops the search.
pub fn stream_jsonl(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
    record: Record,
) -> std::io::Result<(u64, SearchEnd)> {
    stream_lines(
        out,
        graph,
        opts,
        || JsonLines::new(graph, record),
        |maker, line, cycle| maker.append(line, cycle),
    )
}

/// The CSV columns of the full record: one row per loop. The brief record has all but `deals`.
pub const CSV_HEADER: &str = "rank,length,loop,round_trip_usd,round_trip_min_usd,\
                              round_trip_max_usd,bound,grade,return_ratio,deals";

/// `--format csv`: the header and a row per loop, ranked, in the `--sort` order.
pub fn write_csv(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    list: &CycleList,
    record: Record,
) -> std::io::Result<()> {
    let mut rows = CsvRows::new(graph, record);
    let mut header = Vec::new();
    rows.header(&mut header)?;
    write_ranked(out, list, header, |line, rank, c| {
        rows.append(line, Some(rank), c)
    })
}

/// `--limit 0 --format csv`: a row per loop as it is found (no rank), in bounded memory.
pub fn stream_csv(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
    record: Record,
) -> std::io::Result<(u64, SearchEnd)> {
    let mut header = Vec::new();
    CsvRows::new(graph, record).header(&mut header)?;
    out.write_all(&header)?;
    stream_lines(
        out,
        graph,
        opts,
        || CsvRows::new(graph, record),
        // Writing into a `Vec` cannot fail, nor can the fields (no record length is set).
        |rows, line, cycle| {
            let _ = rows.append(line, None, cycle);
        },
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn dollars_are_written_as_to_json_number_writes_them(cents in any::<i64>()) {
            let mut line = Vec::new();
            push_dollars(&mut line, Money::from_cents(cents).cents());
            let expected = Money::from_cents(cents).to_json_number().to_string();
            prop_assert_eq!(String::from_utf8(line).unwrap(), expected);
        }
    }

    #[test]
    fn dollars_at_the_edges() {
        for (cents, text) in [
            (0, "0"),
            (5, "0.05"),
            (-5, "-0.05"),
            (150, "1.5"),
            (700, "7"),
            (-12_345, "-123.45"),
            (i64::MAX, "92233720368547758.07"),
        ] {
            let mut line = Vec::new();
            push_dollars(&mut line, cents);
            assert_eq!(String::from_utf8(line).unwrap(), text, "{cents}");
        }
    }
}
