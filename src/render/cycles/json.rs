//! The `cycles` JSON document (`--format json`): the loops, one object each, then every deal
//! on them once; sorted (`--limit N`) or streamed as the search finds them (`--limit 0`).

use std::io::Write;
use std::ops::ControlFlow;

use serde::Serialize;
use serde_json::Number;

use super::{Record, list_grades};
use crate::graph::{HopGraph, MoneyGraph};
use crate::model::{Dataset, DealId, DealIdRef, Grade};
use crate::query::cycles::{
    Bound, Cycle, CycleList, CycleOptions, FigureCache, GradeCounts, SearchEnd, cycles,
};
use crate::render::json::{self as js, DealJson};

/// One loop as the documented compact JSON object (docs/json.md): its entities, figures and
/// hops, each hop naming its deals by id (the deal objects are written once, in the
/// document's `deals`); the brief record (`--brief`) is the same object without `hops`.
/// Fields in sorted key order, as [`js`] explains.
#[derive(Serialize)]
pub struct CycleJson<'a> {
    bound: Option<&'static str>,
    entities: Vec<&'a str>,
    grade: Grade,
    #[serde(skip_serializing_if = "Option::is_none")]
    hops: Option<Vec<HopJson<'a>>>,
    length: usize,
    return_ratio: Option<Number>,
    round_trip_max_usd: Option<Number>,
    round_trip_min_usd: Option<Number>,
    round_trip_usd: Option<Number>,
}

/// One hop of a loop: its ends (ids), the deal whose figure counts for it (its largest known
/// amount; with no known amount, its surest deal) with that deal's kind, amount and
/// qualifier, the hop's grade (its surest deal's) and the ids of every deal on it.
#[derive(Serialize)]
pub struct HopJson<'a> {
    amount_usd: Option<Number>,
    deal: Option<DealIdRef<'a>>,
    deals: Vec<DealIdRef<'a>>,
    from: &'a str,
    grade: Grade,
    kind: Option<&'static str>,
    qualifier: Option<&'static str>,
    to: &'a str,
}

impl<'a> HopJson<'a> {
    pub(super) fn new(
        graph: &MoneyGraph<'a>,
        hop: crate::graph::Hop<'_>,
        counted: Option<DealId>,
    ) -> Self {
        let data = graph.dataset();
        let views: Vec<_> = hop
            .deals
            .iter()
            .filter_map(|&d| graph.deal_view(d))
            .collect();
        let surest = views.iter().max_by_key(|v| v.grade());
        let shown = counted
            .and_then(|d| views.iter().find(|v| v.id == d))
            .or(surest);
        HopJson {
            amount_usd: shown.and_then(|v| {
                let report = v.report();
                report.amount.value.map(|m| m.to_json_number())
            }),
            deal: shown.map(|v| v.deal.id()),
            deals: views.iter().map(|v| v.deal.id()).collect(),
            from: &data.entity(hop.from).id,
            grade: surest.map_or(Grade::Inferred, |v| v.grade()),
            kind: shown.map(|v| v.deal.kind().as_str()),
            qualifier: shown.map(|v| v.report().amount.qualifier.as_str()),
            to: &data.entity(hop.to).id,
        }
    }
}

impl<'a> CycleJson<'a> {
    /// The JSON view of `cycle`, found in `graph` with `hops`: the full record, or the brief
    /// one (no `hops`).
    pub fn new(graph: &MoneyGraph<'a>, hops: &HopGraph, cycle: &Cycle, record: Record) -> Self {
        let data = graph.dataset();
        let hops = (record == Record::Full).then(|| {
            cycle
                .hops
                .iter()
                .enumerate()
                .map(|(i, &h)| {
                    let counted = cycle.round_trip.hop_deals.get(i).copied().flatten();
                    HopJson::new(graph, hops.hop(h), counted)
                })
                .collect()
        });
        CycleJson {
            bound: cycle.round_trip.bound.map(Bound::as_str),
            entities: cycle
                .entities
                .iter()
                .map(|&e| data.entity(e).id.as_str())
                .collect(),
            grade: cycle.grade,
            hops,
            length: cycle.length(),
            return_ratio: cycle.ratio.and_then(|r| Number::from_f64(r.value)),
            round_trip_max_usd: cycle.round_trip.high.map(|m| m.to_json_number()),
            round_trip_min_usd: cycle.round_trip.low.map(|m| m.to_json_number()),
            round_trip_usd: cycle.round_trip.amount.map(|m| m.to_json_number()),
        }
    }
}

/// `{"confirmed": 1, "in-talks": 1, "inferred": 5, "rumored": 0}`, on one line: loops by the
/// least sure flow they need.
fn by_grade_json(counts: &GradeCounts) -> String {
    let map: std::collections::BTreeMap<&str, u64> = Grade::ALL
        .iter()
        .map(|&g| (g.as_str(), counts.of(g)))
        .collect();
    serde_json::to_string(&map)
        .unwrap_or_default()
        .replace(',', ", ")
        .replace(':', ": ")
}

/// Writes one loop of the `cycles` array, pretty-printed and indented to sit inside it.
fn write_cycle(out: &mut impl Write, cycle: &CycleJson<'_>, first: bool) -> std::io::Result<()> {
    let mut text = String::from(if first { "\n    " } else { ",\n    " });
    js::write_nested(&mut text, cycle, 2);
    out.write_all(text.as_bytes())
}

/// The deals on the loops written, by index: each deal object is written once, after the loops.
struct DealsSeen(Vec<bool>);

impl DealsSeen {
    fn new(data: &Dataset) -> Self {
        DealsSeen(vec![false; data.deal_count()])
    }

    fn add(&mut self, hops: &HopGraph, cycle: &Cycle) {
        for &h in &cycle.hops {
            for &d in hops.hop(h).deals {
                if let Some(seen) = self.0.get_mut(d.index()) {
                    *seen = true;
                }
            }
        }
    }

    /// Writes `"deals": {"id": {deal}, ...}` in deal order (the key and a comma before it are
    /// the caller's).
    fn write(&self, out: &mut impl Write, graph: &MoneyGraph<'_>) -> std::io::Result<()> {
        let data = graph.dataset();
        out.write_all(b"{")?;
        let mut first = true;
        let ids = self.0.iter().enumerate().filter(|&(_, &s)| s);
        for view in ids.filter_map(|(i, _)| graph.deal_view(DealId(i as u32))) {
            let mut text = String::from(if first { "\n    " } else { ",\n    " });
            first = false;
            text.push_str(&serde_json::to_string(&*view.deal.id()).unwrap_or_default());
            text.push_str(": ");
            js::write_nested(&mut text, &DealJson::new(data, &view), 2);
            out.write_all(text.as_bytes())?;
        }
        out.write_all(if first { b"}" } else { b"\n  }" })
    }
}

/// The deals section after the loops: `,\n  "deals": {...}` with the full record; nothing
/// with the brief one, whose loops name no deal.
fn write_deals(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    seen: Option<&DealsSeen>,
) -> std::io::Result<()> {
    if let Some(seen) = seen {
        out.write_all(b",\n  \"deals\": ")?;
        seen.write(out, graph)?;
    }
    Ok(())
}

/// The `{"by_grade", "count", "cycles", "deals", "found", "ranking_complete", "truncated"}`
/// document, one loop rendered at a time, so memory holds the sorted loops but never the
/// whole JSON text. `deals` holds every deal on the loops once, keyed by id; the brief
/// record has no `deals`.
pub fn write_json(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    list: &CycleList,
    record: Record,
) -> std::io::Result<()> {
    let hops = graph.hops();
    write!(
        out,
        "{{\n  \"by_grade\": {},\n  \"count\": {},\n  \"cycles\": [",
        by_grade_json(&list_grades(list)),
        list.cycles.len()
    )?;
    let mut seen = (record == Record::Full).then(|| DealsSeen::new(graph.dataset()));
    for (i, c) in list.cycles.iter().enumerate() {
        if let Some(seen) = seen.as_mut() {
            seen.add(hops, c);
        }
        write_cycle(out, &CycleJson::new(graph, hops, c, record), i == 0)?;
    }
    if !list.cycles.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]")?;
    write_deals(out, graph, seen.as_ref())?;
    writeln!(
        out,
        ",\n  \"found\": {},\n  \"ranking_complete\": {},\n  \"truncated\": {}\n}}",
        list.found,
        list.end == SearchEnd::Complete,
        list.truncated
    )
}

/// Runs the search and hands each loop with its figures to `each` as it is found, stopping
/// at the first error.
pub(super) fn stream(
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
    mut each: impl FnMut(&Cycle) -> std::io::Result<()>,
) -> std::io::Result<SearchEnd> {
    let hops = graph.hops();
    let mut failure: Option<std::io::Error> = None;
    let figures = FigureCache::new(hops);
    let mut cycle: Option<Cycle> = None;
    let end = cycles(graph, hops, opts, |entities, loop_hops| {
        let found = match cycle.as_mut() {
            Some(c) => {
                figures.fill(c, graph, hops, entities, loop_hops, opts);
                c
            }
            None => cycle.insert(figures.found(graph, hops, entities, loop_hops, opts)),
        };
        match each(found) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failure = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    failure.map_or(Ok(end), Err)
}

/// `--limit 0 --format json`: runs the search and writes every loop as it is found, in search
/// order (sorting them all would mean holding them all), so memory stays bounded however many
/// loops there are (it grows with the deals, for the `deals` section of the full record). The
/// count follows the loops.
///
/// # Returns
/// How many loops were written and how the search ended; a write error stops the search.
pub fn stream_json(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
    record: Record,
) -> std::io::Result<(u64, SearchEnd)> {
    let hops = graph.hops();
    out.write_all(b"{\n  \"cycles\": [")?;
    let mut count = 0u64;
    let mut grades = GradeCounts::default();
    let mut seen = (record == Record::Full).then(|| DealsSeen::new(graph.dataset()));
    let end = stream(graph, opts, |cycle| {
        grades.add(cycle.grade);
        if let Some(seen) = seen.as_mut() {
            seen.add(hops, cycle);
        }
        write_cycle(out, &CycleJson::new(graph, hops, cycle, record), count == 0)?;
        count += 1;
        Ok(())
    })?;
    if count > 0 {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]")?;
    write_deals(out, graph, seen.as_ref())?;
    let timed_out = end == SearchEnd::TimedOut;
    writeln!(
        out,
        ",\n  \"by_grade\": {},\n  \"count\": {count},\n  \"truncated\": {timed_out}\n}}",
        by_grade_json(&grades)
    )?;
    Ok((count, end))
}
