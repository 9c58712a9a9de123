//! What `dealgraph cycles` prints for a [`CycleList`]: the loops table, the `--explain`
//! paragraphs, the documented JSON (whole, or streamed loop by loop as the search finds them)
//! and the notes that say a search stopped early. Writing it out is the caller's.

use std::io::Write;
use std::ops::ControlFlow;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Number;

use crate::graph::{HopGraph, MoneyGraph};
use crate::model::Grade;
use crate::model::{Dataset, DealId, DealIdRef, Money, Qualifier};
use crate::query::cycles::{
    Bound, Cycle, CycleList, CycleOptions, FigureCache, GradeCounts, RoundTrip, SearchEnd, Undated,
    cycles,
};
use crate::render::json::{self as js, DealJson};
use crate::render::{table, text};

/// Where a list of loops goes, for [`stopped_note`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// A table or the `--explain` paragraphs.
    Text,
    /// A map (DOT or SVG).
    Map,
    /// JSON: the document itself says `truncated`.
    Json,
    /// JSON lines or CSV: no room in the output to say that more loops exist.
    Lines,
}

/// The note on stderr when `--through` names an entity that `--without` left out.
pub fn left_out_note(data: &Dataset, entity: crate::model::EntityId) -> String {
    format!(
        "note: {} is left out with --without, so no loop can pass through it",
        table::cell_text(&data.entity(entity).name)
    )
}

/// What a search cut short by `--timeout` produced, for [`timed_out_note`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partial {
    /// `--count`: this many loops at least.
    Counted(u64),
    /// Streamed JSON: this many loops written.
    Written(u64),
    /// A table, map or JSON document of the top `shown` of the `found` loops found so far.
    Ranked { shown: usize, found: u64 },
}

/// The note on stderr after `--timeout` ran out, saying what the output holds.
pub fn timed_out_note(seconds: f64, partial: Partial) -> String {
    let found = match partial {
        Partial::Counted(n) => format!("at least {n} loop(s) match"),
        Partial::Written(n) => format!("the {n} loop(s) written are those found so far"),
        Partial::Ranked { shown, found } => format!(
            "the {shown} loop(s) shown are the top of the {found} found so far: the ranking is \
             incomplete (loops not reached may rank higher)"
        ),
    };
    format!("note: stopped after the --timeout of {seconds}s; {found}")
}

/// The note on stderr when more loops exist than are shown (the top `--limit` of all found);
/// `capped` when the limit was the most a table or map holds rather than `--limit`. `None`
/// when there is nothing to say (all shown, a timeout's own note, or JSON, which says
/// `truncated`).
pub fn stopped_note(list: &CycleList, shown: Shown, capped: bool) -> Option<String> {
    if !list.truncated || list.end != SearchEnd::Complete {
        return None;
    }
    let (n, found) = (list.cycles.len(), list.found);
    match (shown, capped) {
        (Shown::Json, _) => None,
        (Shown::Lines, _) => Some(format!(
            "note: wrote the top {n} of {found} loops (--limit 0 writes them all)"
        )),
        (Shown::Map, true) => Some(format!(
            "note: drawing the top {n} of {found} loops (a map shows at most 10000; narrow \
             the search with --through or --max-len)"
        )),
        (Shown::Map, false) => Some(format!(
            "note: drawing the top {n} of {found} loops (raise --limit to draw more)"
        )),
        (Shown::Text, true) => Some(format!(
            "note: showing the top {n} of {found} loops, the most a table shows. \
             --format json --limit N lists more, --limit 0 streams them all"
        )),
        (Shown::Text, false) => Some(format!(
            "note: showing the top {n} of {found} loops. Raise --limit (0 = as many as a \
             table holds), or narrow the search (--through, --max-len)"
        )),
    }
}

/// "2–6 hops; with an investment or loan; as of 2026-01-31": what was searched, for the line
/// under the table.
pub fn scope_words(data: &Dataset, opts: &CycleOptions, as_of: NaiveDate) -> String {
    let mut parts = vec![match opts.max_len {
        Some(max) if max == opts.min_len => format!("{max} hops"),
        Some(max) => format!("{}–{max} hops", opts.min_len),
        None => format!("{} hops or more", opts.min_len),
    }];
    if opts.financing_only {
        parts.push("with an investment or loan".into());
    } else {
        parts.push("trade loops included".into());
    }
    if !opts.through.is_empty() {
        let names: Vec<String> = opts
            .through
            .iter()
            .map(|&t| table::cell_text(&data.entity(t).name))
            .collect();
        parts.push(format!("through {}", names.join(" and ")));
    }
    if opts.time_ordered {
        parts.push(match opts.undated {
            Undated::Break => "time-ordered".into(),
            Undated::Ok => "time-ordered, undated deals allowed".into(),
        });
    }
    parts.push(format!("as of {as_of}"));
    parts.join("; ")
}

/// The text view: the loops table, or with `explain` a paragraph per loop, or what to try
/// when nothing matched. `scope` is [`scope_words`].
pub fn to_text(
    graph: &MoneyGraph<'_>,
    list: &CycleList,
    opts: &CycleOptions,
    scope: &str,
    explain: bool,
) -> String {
    let hops = graph.hops();
    if list.cycles.is_empty() {
        no_loops(opts, scope, list.end)
    } else if explain {
        to_explain(graph, hops, list, scope)
    } else {
        to_table(graph, hops, list, scope)
    }
}

/// What to say when nothing matched, with the options that would widen the search.
fn no_loops(opts: &CycleOptions, scope: &str, end: SearchEnd) -> String {
    if end == SearchEnd::TimedOut {
        return format!("No loops found before the --timeout ({scope}).\n");
    }
    let mut hints = Vec::new();
    if opts.financing_only {
        hints.push("--all for trade loops too");
    }
    if opts.max_len.is_some() {
        hints.push("--max-len 0 for any length");
    }
    if opts.time_ordered && opts.undated == Undated::Break {
        hints.push("--undated ok to let undated deals fit anywhere");
    }
    hints.push("a wider --status or --kinds");
    format!("No loops found ({scope}).\nTry {}.\n", hints.join(", "))
}

/// "Amazon → OpenAI → Amazon": the loop's names, back to the first.
pub fn loop_names(data: &Dataset, cycle: &Cycle) -> String {
    let mut names: Vec<String> = cycle
        .entities
        .iter()
        .map(|&e| table::cell_text(&data.entity(e).name))
        .collect();
    names.push(names[0].clone());
    names.join(" → ")
}

/// "at most $38B", "$38B", "at least $8B", "about $38B", "$2B – $22.4B" or "unknown". A range
/// is never printed as one figure: from $0 it reads "at most", with no top "at least".
pub fn round_trip_words(trip: &RoundTrip) -> String {
    match (trip.amount, trip.bound) {
        (Some(_), Some(Bound::Range)) => match (trip.low, trip.high) {
            (Some(lo), None) => format!("at least {lo}"),
            (Some(lo), Some(hi)) if lo == Money::ZERO => format!("at most {hi}"),
            (Some(lo), Some(hi)) => format!("{lo} – {hi}"),
            _ => "unknown".into(),
        },
        (Some(a), Some(Bound::Upper)) => format!("at most {a}"),
        (Some(a), Some(Bound::Lower)) => format!("at least {a}"),
        (Some(a), Some(Bound::Approx)) => format!("about {a}"),
        (Some(a), _) => a.to_string(),
        (None, _) => "unknown".into(),
    }
}

/// "confirmed", "in talks", "rumored" or "inferred": what a loop rests on.
pub fn grade_words(grade: Grade) -> &'static str {
    match grade {
        Grade::Confirmed => "confirmed",
        Grade::InTalks => "in talks",
        Grade::Rumored => "rumored",
        Grade::Inferred => "inferred",
    }
}

/// "7 loop(s): 1 on confirmed deals alone, 1 more needs deals in talks, 5 more need rumored
/// deals or inferred flows": how much of a count rests on each grade.
pub fn grade_summary(counts: &GradeCounts) -> String {
    let more = |n: u64, what: &str| {
        let verb = if n == 1 { "needs" } else { "need" };
        (n > 0).then(|| format!("{n} more {verb} {what}"))
    };
    let parts: Vec<String> = std::iter::once(Some(format!(
        "{} on confirmed deals alone",
        counts.of(Grade::Confirmed)
    )))
    .chain([
        more(counts.of(Grade::InTalks), "deals in talks"),
        more(counts.of(Grade::Rumored), "rumored deals"),
        more(counts.of(Grade::Inferred), "inferred flows"),
    ])
    .flatten()
    .collect();
    format!("{} loop(s): {}", counts.total(), parts.join(", "))
}

/// The grade counts of the loops in `list`.
fn list_grades(list: &CycleList) -> GradeCounts {
    let mut counts = GradeCounts::default();
    for c in &list.cycles {
        counts.add(c.grade);
    }
    counts
}

/// The line under a table or explanation: the count, what it rests on, the scope.
fn summary_line(list: &CycleList, scope: &str) -> String {
    let counts = list_grades(list);
    let shown = match (list.truncated, list.end) {
        (_, SearchEnd::TimedOut) => format!(
            " shown, the top of {} found before the --timeout: the ranking is incomplete",
            list.found
        ),
        (true, _) => format!(" shown, the top of {}", list.found),
        (false, _) => String::new(),
    };
    format!("{}{shown} ({scope})\n", grade_summary(&counts))
}

/// A ratio as a percentage: "76%", "4.5%".
fn percent(ratio: f64) -> String {
    let pct = ratio * 100.0;
    if pct >= 10.0 || pct == 0.0 {
        format!("{pct:.0}%")
    } else {
        format!("{pct:.1}%")
    }
}

/// The return ratio as a figure: "76%"; "at most 100%" when the round trip is at most its
/// figure and the financing figure it is divided by is exact (likewise "at least", "about").
/// Over a qualified base ("of up to $50B") the ratio is of the figures as reported, and the
/// base says so. `None` for a round trip that is a range: one ratio of a range is a figure
/// nobody reported.
fn ratio_figure(cycle: &Cycle, ratio: f64, base: Qualifier) -> Option<String> {
    let prefix = match (cycle.round_trip.bound, base) {
        (Some(Bound::Range), _) => return None,
        (Some(Bound::Upper), Qualifier::Exact) => "at most ",
        (Some(Bound::Lower), Qualifier::Exact) => "at least ",
        (Some(Bound::Approx), Qualifier::Exact) => "about ",
        _ => "",
    };
    Some(format!("{prefix}{}", percent(ratio)))
}

/// "76% of up to $50B".
fn ratio_words(graph: &MoneyGraph<'_>, cycle: &Cycle) -> String {
    let range = "– (the round trip is a range)";
    let Some(r) = &cycle.ratio else {
        return if cycle.round_trip.bound == Some(Bound::Range) {
            range.into()
        } else {
            "–".into()
        };
    };
    let Some(base) = graph.deal_view(r.financing).map(|v| v.report().amount) else {
        return "–".into();
    };
    let Some(figure) = ratio_figure(cycle, r.value, base.qualifier) else {
        return range.into();
    };
    if r.value > 1.0 {
        // Over 100% reads as an error unless it is said in words.
        format!("{figure} of {base}: more comes back than the financing put in")
    } else {
        format!("{figure} of {base}")
    }
}

/// The hops cell of a loop's row: each hop, then its deals (◀ on the one that sets the round
/// trip).
fn hop_lines(graph: &MoneyGraph<'_>, hops: &HopGraph, cycle: &Cycle) -> String {
    let data = graph.dataset();
    let mut lines = Vec::new();
    for (i, &h) in cycle.hops.iter().enumerate() {
        let hop = hops.hop(h);
        lines.push(format!(
            "{} → {}",
            table::cell_text(&data.entity(hop.from).name),
            table::cell_text(&data.entity(hop.to).name)
        ));
        for &d in hop.deals {
            let Some(v) = graph.deal_view(d) else {
                continue;
            };
            let counted = cycle.round_trip.hop_deals.get(i) == Some(&Some(d))
                && cycle.round_trip.limiting_hop == Some(i);
            lines.push(format!(
                "· {} {}, {}{}{}",
                table::cell_text(v.deal.kind_label()),
                v.report().amount,
                text::status_words(v.report().status),
                if v.deal.inferred() { ", inferred" } else { "" },
                if counted { " ◀" } else { "" },
            ));
        }
    }
    lines.join("\n")
}

/// The loops table, with the count and scope under it and a key to the marks used.
fn to_table(graph: &MoneyGraph<'_>, hops: &HopGraph, list: &CycleList, scope: &str) -> String {
    let data = graph.dataset();
    let mut t = table::new_table([
        "#",
        "loop",
        "hops (deals: amount, status)",
        "round trip",
        "return",
        "rests on",
    ]);
    for (rank, cycle) in list.cycles.iter().enumerate() {
        t.add_row(vec![
            (rank + 1).to_string(),
            loop_names(data, cycle),
            hop_lines(graph, hops, cycle),
            round_trip_words(&cycle.round_trip),
            ratio_words(graph, cycle),
            grade_words(cycle.grade).to_string(),
        ]);
    }
    let mut out = format!("{t}\n{}", summary_line(list, scope));
    if list.cycles.iter().any(|c| c.round_trip.amount.is_some()) {
        out.push_str("◀ the deal whose amount sets the round trip\n");
    }
    let bounds: Vec<Bound> = list
        .cycles
        .iter()
        .filter_map(|c| c.round_trip.bound)
        .collect();
    if bounds.contains(&Bound::Upper) {
        out.push_str(
            "at most: an \"up to\" figure on the loop may turn out smaller, so less may come round\n",
        );
    }
    if bounds.contains(&Bound::Lower) {
        out.push_str("at least: an \"at least\" figure on the loop may turn out larger\n");
    }
    if bounds.contains(&Bound::Approx) {
        out.push_str("about: \"about\" figures decide it\n");
    }
    if bounds.contains(&Bound::Range) {
        out.push_str(
            "a range: \"up to\" and \"at least\" figures pull both ways; the round trip lies \
             anywhere in it\n",
        );
    }
    out.push_str(
        "rests on: the least sure flow the loop needs (confirmed, in talks, rumored, inferred)\n",
    );
    if list.cycles.iter().any(|c| c.round_trip.amount.is_none()) {
        out.push_str("unknown: some hop has no reported amount\n");
    }
    out
}

/// Width of the `--explain` paragraphs, in columns.
const EXPLAIN_WIDTH: usize = 100;

/// One paragraph per loop: each deal with amount, status, date and source; the round trip
/// and its caveat; the return ratio.
fn to_explain(graph: &MoneyGraph<'_>, hops: &HopGraph, list: &CycleList, scope: &str) -> String {
    let data = graph.dataset();
    let mut out = String::new();
    for (rank, cycle) in list.cycles.iter().enumerate() {
        let mut p = format!(
            "{}. {} ({} hops).",
            rank + 1,
            loop_names(data, cycle),
            cycle.length()
        );
        for &h in &cycle.hops {
            let sentences: Vec<String> = hops
                .hop(h)
                .deals
                .iter()
                .filter_map(|&d| graph.deal_view(d))
                .map(|v| {
                    format!(
                        "{} [deal {}; source: {}]",
                        text::deal_sentence(data, &v),
                        v.deal.id(),
                        text::source_words(&v.report())
                    )
                })
                .collect();
            p.push(' ');
            p.push_str(&sentences.join("; "));
            p.push('.');
        }
        p.push(' ');
        p.push_str(&trip_sentence(graph, hops, cycle));
        if let Some(r) = &cycle.ratio
            && let Some(v) = graph.deal_view(r.financing)
            && let Some(figure) = ratio_figure(cycle, r.value, v.report().amount.qualifier)
        {
            p.push_str(&format!(
                " Return ratio: {figure}, the round trip divided by the largest financing deal on \
                 the loop, {}.",
                deal_short(data, v.id, graph)
            ));
        }
        // Wrapped for reading in a terminal or a report; ids and file names are never split.
        let options = textwrap::Options::new(EXPLAIN_WIDTH)
            .subsequent_indent("   ")
            .break_words(false)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        out.push_str(&textwrap::fill(&table::cell_text(&p), options));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(list, scope));
    out
}

/// The round trip in words, with the reason for its bound.
fn trip_sentence(graph: &MoneyGraph<'_>, hops: &HopGraph, cycle: &Cycle) -> String {
    let data = graph.dataset();
    let trip = &cycle.round_trip;
    let hop_name = |i: usize| {
        let hop = hops.hop(cycle.hops[i]);
        format!(
            "{} → {}",
            data.entity(hop.from).name,
            data.entity(hop.to).name
        )
    };
    let in_order = trip
        .chain
        .as_deref()
        .map(|chain| chain_sentence(graph, chain))
        .unwrap_or_default();
    let Some(amount) = trip.amount else {
        let unknown: Vec<String> = (0..cycle.hops.len())
            .filter(|&i| trip.hop_deals[i].is_none())
            .map(hop_name)
            .collect();
        let whose = if trip.chain.is_some() {
            "the deal in time order on "
        } else {
            ""
        };
        return format!(
            "{in_order}Round trip: unknown, because no amount is reported for {whose}{}.",
            unknown.join(" or ")
        );
    };
    let limiting = trip
        .limiting_hop
        .map(|i| format!(", set by {}", hop_name(i)))
        .unwrap_or_default();
    format!(
        "{in_order}Round trip: {} (the smallest of each hop's largest known deal{limiting}). {}",
        round_trip_words(trip),
        caveat(graph, trip, amount)
    )
}

/// With `--time-ordered`: which deals the figures rest on, in the order the money moves.
fn chain_sentence(graph: &MoneyGraph<'_>, chain: &[DealId]) -> String {
    let data = graph.dataset();
    let mut views: Vec<_> = chain.iter().filter_map(|&d| graph.deal_view(d)).collect();
    // The chain is in date order from its start; list it that way.
    views.sort_by_key(|v| v.report().effective_date());
    let steps: Vec<String> = views
        .iter()
        .map(|v| {
            let date = v
                .report()
                .effective_date()
                .map_or("undated".to_string(), |d| format!("dated {d}"));
            format!("{} {date}", deal_short(data, v.id, graph))
        })
        .collect();
    format!(
        "In time order: {}; the figures count only these deals. ",
        steps.join(", then ")
    )
}

/// Why the round trip is an upper or lower bound, approximate, or exact.
fn caveat(graph: &MoneyGraph<'_>, trip: &RoundTrip, amount: crate::model::Money) -> String {
    let data = graph.dataset();
    let with = |q: Qualifier| -> Vec<String> {
        trip.hop_deals
            .iter()
            .flatten()
            .filter_map(|&d| graph.deal_view(d))
            .filter(|v| v.report().amount.qualifier == q)
            .map(|v| deal_short(data, v.id, graph))
            .collect()
    };
    // "the A → B investment (up to $50B) is only an "up to" figure", or several.
    let reported = |deals: Vec<String>, what: &str| match deals.as_slice() {
        [one] => format!("{one} is only an {what} figure"),
        many => format!("{} are {what} figures", many.join(" and ")),
    };
    match trip.bound {
        Some(Bound::Upper) => {
            let up_to = with(Qualifier::UpTo);
            if up_to.is_empty() {
                "It is an upper bound: an \"up to\" figure on the loop may turn out smaller, so \
                 less may come round."
                    .to_string()
            } else {
                format!(
                    "It is an upper bound: {} and may turn out smaller, so at most {amount} can \
                     come round.",
                    reported(up_to, "\"up to\"")
                )
            }
        }
        Some(Bound::Lower) => {
            let at_least = with(Qualifier::AtLeast);
            if at_least.is_empty() {
                "It is a lower bound: an \"at least\" figure on the loop may turn out larger."
                    .to_string()
            } else {
                format!(
                    "It is a lower bound: {} and may turn out larger.",
                    reported(at_least, "\"at least\"")
                )
            }
        }
        Some(Bound::Approx) => "It is approximate: \"about\" figures decide it.".to_string(),
        Some(Bound::Range) => format!(
            "It is a range, not one figure: \"up to\" and \"at least\" figures on the loop pull \
             both ways, so anything {} can come round.",
            match (trip.low, trip.high) {
                (Some(lo), Some(hi)) if lo == Money::ZERO => format!("up to {hi}"),
                (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
                (Some(lo), None) => format!("from {lo} up"),
                _ => "unknown".to_string(),
            }
        ),
        _ => "Every figure that decides it is exact.".to_string(),
    }
}

/// "the Amazon → OpenAI investment (up to $50B)".
fn deal_short(data: &Dataset, id: DealId, graph: &MoneyGraph<'_>) -> String {
    let Some(v) = graph.deal_view(id) else {
        return String::new();
    };
    format!(
        "the {} → {} {} ({})",
        data.entity(v.deal.from()).name,
        data.entity(v.deal.to()).name,
        v.deal.kind_label(),
        v.report().amount
    )
}

/// One loop as the documented compact JSON object (docs/json.md): its entities, figures and
/// hops, each hop naming its deals by id (the deal objects are written once, in the
/// document's `deals`). Fields in sorted key order, as [`js`] explains.
#[derive(Serialize)]
pub struct CycleJson<'a> {
    bound: Option<&'static str>,
    entities: Vec<&'a str>,
    grade: Grade,
    hops: Vec<HopJson<'a>>,
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
    fn new(graph: &MoneyGraph<'a>, hop: crate::graph::Hop<'_>, counted: Option<DealId>) -> Self {
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
    /// The JSON view of `cycle`, found in `graph` with `hops`.
    pub fn new(graph: &MoneyGraph<'a>, hops: &HopGraph, cycle: &Cycle) -> Self {
        let data = graph.dataset();
        let hops = cycle
            .hops
            .iter()
            .enumerate()
            .map(|(i, &h)| {
                let counted = cycle.round_trip.hop_deals.get(i).copied().flatten();
                HopJson::new(graph, hops.hop(h), counted)
            })
            .collect();
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

/// The `{"by_grade", "count", "cycles", "deals", "found", "ranking_complete", "truncated"}`
/// document, one loop rendered at a time, so memory holds the sorted loops but never the
/// whole JSON text. `deals` holds every deal on the loops once, keyed by id.
pub fn write_json(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    list: &CycleList,
) -> std::io::Result<()> {
    let hops = graph.hops();
    write!(
        out,
        "{{\n  \"by_grade\": {},\n  \"count\": {},\n  \"cycles\": [",
        by_grade_json(&list_grades(list)),
        list.cycles.len()
    )?;
    let mut seen = DealsSeen::new(graph.dataset());
    for (i, c) in list.cycles.iter().enumerate() {
        seen.add(hops, c);
        write_cycle(out, &CycleJson::new(graph, hops, c), i == 0)?;
    }
    if !list.cycles.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"deals\": ")?;
    seen.write(out, graph)?;
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
fn stream(
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
    mut each: impl FnMut(&Cycle) -> std::io::Result<()>,
) -> std::io::Result<SearchEnd> {
    let hops = graph.hops();
    let mut failure: Option<std::io::Error> = None;
    let mut figures = FigureCache::new(hops);
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
/// loops there are (it grows with the deals, for the `deals` section). The count follows the
/// loops.
///
/// # Returns
/// How many loops were written and how the search ended; a write error stops the search.
pub fn stream_json(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
) -> std::io::Result<(u64, SearchEnd)> {
    let hops = graph.hops();
    out.write_all(b"{\n  \"cycles\": [")?;
    let mut count = 0u64;
    let mut grades = GradeCounts::default();
    let mut seen = DealsSeen::new(graph.dataset());
    let end = stream(graph, opts, |cycle| {
        grades.add(cycle.grade);
        seen.add(hops, cycle);
        write_cycle(out, &CycleJson::new(graph, hops, cycle), count == 0)?;
        count += 1;
        Ok(())
    })?;
    if count > 0 {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"deals\": ")?;
    seen.write(out, graph)?;
    let timed_out = end == SearchEnd::TimedOut;
    writeln!(
        out,
        ",\n  \"by_grade\": {},\n  \"count\": {count},\n  \"truncated\": {timed_out}\n}}",
        by_grade_json(&grades)
    )?;
    Ok((count, end))
}

/// How many bytes of JSON lines [`LineWriter`] gathers before writing them out.
const LINES_BUFFER: usize = 1 << 20;

/// Writes loops as JSON lines, each the [`CycleJson`] object on one line. A hop's object does
/// not depend on the loop (its counted deal is the hop's largest known amount), so each hop
/// and each entity id is serialized once and reused: memory grows with the hops and entities
/// met, never with the loops.
struct LineWriter<'g, 'a> {
    graph: &'g MoneyGraph<'a>,
    hops: &'g HopGraph,
    hop_text: Vec<Option<Box<[u8]>>>,
    entity_text: Vec<Option<Box<[u8]>>>,
    line: Vec<u8>,
}

impl<'g, 'a> LineWriter<'g, 'a> {
    fn new(graph: &'g MoneyGraph<'a>, hops: &'g HopGraph) -> Self {
        LineWriter {
            graph,
            hops,
            hop_text: vec![None; hops.hop_count()],
            entity_text: vec![None; hops.entity_count()],
            line: Vec::with_capacity(LINES_BUFFER + 64 * 1024),
        }
    }

    /// Appends `items` as a JSON array, each item's text made by `text` on first use.
    fn array<T: Copy>(
        line: &mut Vec<u8>,
        cache: &mut [Option<Box<[u8]>>],
        items: impl Iterator<Item = (usize, T)>,
        text: impl Fn(T) -> Vec<u8>,
    ) {
        line.push(b'[');
        for (n, (i, item)) in items.enumerate() {
            if n > 0 {
                line.push(b',');
            }
            line.extend_from_slice(cache[i].get_or_insert_with(|| text(item).into()));
        }
        line.push(b']');
    }

    /// Appends `cycle`'s line, and hands the lines to `out` once they fill [`LINES_BUFFER`]
    /// (one copy into the pipe instead of two; the rest is [`LineWriter::flush`]'s).
    fn write(&mut self, out: &mut impl Write, cycle: &Cycle) -> std::io::Result<()> {
        self.append(cycle)?;
        if self.line.len() >= LINES_BUFFER {
            out.write_all(&self.line)?;
            self.line.clear();
        }
        Ok(())
    }

    /// Writes the lines not written yet.
    fn flush(&mut self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(&self.line)?;
        self.line.clear();
        Ok(())
    }

    fn append(&mut self, cycle: &Cycle) -> std::io::Result<()> {
        let (graph, hops, data) = (self.graph, self.hops, self.graph.dataset());
        let trip = &cycle.round_trip;
        let line = &mut self.line;
        let usd = |m: Option<Money>| m.map(|m| m.to_json_number());
        line.extend_from_slice(b"{\"bound\":");
        serde_json::to_writer(&mut *line, &trip.bound.map(Bound::as_str))?;
        line.extend_from_slice(b",\"entities\":");
        let entities = cycle.entities.iter().map(|&e| (e.index(), e));
        Self::array(line, &mut self.entity_text, entities, |e| {
            serde_json::to_vec(data.entity(e).id.as_str()).unwrap_or_default()
        });
        line.extend_from_slice(b",\"grade\":");
        serde_json::to_writer(&mut *line, &cycle.grade)?;
        line.extend_from_slice(b",\"hops\":");
        let loop_hops = cycle.hops.iter().enumerate();
        let items =
            loop_hops.map(|(i, &h)| (h.0 as usize, (h, trip.hop_deals.get(i).copied().flatten())));
        Self::array(line, &mut self.hop_text, items, |(h, counted)| {
            serde_json::to_vec(&HopJson::new(graph, hops.hop(h), counted)).unwrap_or_default()
        });
        write!(line, ",\"length\":{},\"return_ratio\":", cycle.length())?;
        serde_json::to_writer(
            &mut *line,
            &cycle.ratio.and_then(|r| Number::from_f64(r.value)),
        )?;
        line.extend_from_slice(b",\"round_trip_max_usd\":");
        serde_json::to_writer(&mut *line, &usd(trip.high))?;
        line.extend_from_slice(b",\"round_trip_min_usd\":");
        serde_json::to_writer(&mut *line, &usd(trip.low))?;
        line.extend_from_slice(b",\"round_trip_usd\":");
        serde_json::to_writer(&mut *line, &usd(trip.amount))?;
        line.extend_from_slice(b"}\n");
        Ok(())
    }
}

/// `--format jsonl`: one loop object a line (as in the JSON `cycles` array, on one line),
/// in the `--sort` order.
pub fn write_jsonl(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    list: &CycleList,
) -> std::io::Result<()> {
    let mut lines = LineWriter::new(graph, graph.hops());
    for c in &list.cycles {
        lines.write(out, c)?;
    }
    lines.flush(out)
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
) -> std::io::Result<(u64, SearchEnd)> {
    let mut lines = LineWriter::new(graph, graph.hops());
    let mut count = 0u64;
    let end = stream(graph, opts, |cycle| {
        count += 1;
        lines.write(out, cycle)
    })?;
    lines.flush(out)?;
    Ok((count, end))
}

/// The CSV columns: one row per loop.
pub const CSV_HEADER: &str = "rank,length,loop,round_trip_usd,round_trip_min_usd,\
                              round_trip_max_usd,bound,grade,return_ratio,deals";

/// One CSV row: `rank` (empty when streamed unsorted), the loop as ids ("a → b → a"), its
/// figures and the ids of every deal on it, hop by hop, separated by "; ".
fn csv_row(graph: &MoneyGraph<'_>, rank: Option<usize>, cycle: &Cycle) -> [String; 10] {
    let data = graph.dataset();
    let hops = graph.hops();
    let mut ids: Vec<&str> = cycle
        .entities
        .iter()
        .map(|&e| data.entity(e).id.as_str())
        .collect();
    ids.push(ids[0]);
    let usd = |m: Option<Money>| {
        m.map(|m| m.to_json_number().to_string())
            .unwrap_or_default()
    };
    let deals: Vec<String> = cycle
        .hops
        .iter()
        .flat_map(|&h| hops.hop(h).deals.iter())
        .filter_map(|&d| graph.deal_view(d))
        .map(|v| v.deal.id().to_string())
        .collect();
    [
        rank.map(|r| r.to_string()).unwrap_or_default(),
        cycle.length().to_string(),
        ids.join(" → "),
        usd(cycle.round_trip.amount),
        usd(cycle.round_trip.low),
        usd(cycle.round_trip.high),
        cycle
            .round_trip
            .bound
            .map(Bound::as_str)
            .unwrap_or("")
            .into(),
        cycle.grade.as_str().into(),
        cycle.ratio.map(|r| r.value.to_string()).unwrap_or_default(),
        deals.join("; "),
    ]
}

/// `--format csv`: the header and a row per loop, ranked, in the `--sort` order.
pub fn write_csv(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    list: &CycleList,
) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER.split(','))?;
    for (i, c) in list.cycles.iter().enumerate() {
        w.write_record(csv_row(graph, Some(i + 1), c))?;
    }
    w.flush()
}

/// `--limit 0 --format csv`: a row per loop as it is found (no rank), in bounded memory.
pub fn stream_csv(
    out: &mut impl Write,
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
) -> std::io::Result<(u64, SearchEnd)> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER.split(','))?;
    let mut count = 0u64;
    let end = stream(graph, opts, |cycle| {
        count += 1;
        Ok(w.write_record(csv_row(graph, None, cycle))?)
    })?;
    w.flush()?;
    Ok((count, end))
}
