//! What `dealgraph cycles` prints for a [`CycleList`]: the loops table, the `--explain`
//! paragraphs and the notes that say a search stopped early; the documented JSON, JSON lines
//! and CSV (whole, or streamed loop by loop as the search finds them) are in `json` and
//! `lines`, picked by a [`Listing`].

use chrono::NaiveDate;

use crate::graph::{HopGraph, MoneyGraph};
use crate::model::Grade;
use crate::model::{Dataset, DealId, Money, Qualifier};
use crate::query::cycles::{
    Bound, Cycle, CycleList, CycleOptions, GradeCounts, RoundTrip, SearchEnd, Undated,
};
use crate::render::cells::grade_words;
use crate::render::{table, text};

mod json;
mod lines;
mod listing;

pub use json::{CycleJson, HopJson, stream_json, write_json};
pub use lines::{CSV_HEADER, stream_csv, stream_jsonl, write_csv, write_jsonl};
pub use listing::{Listing, MAX_SHOWN, ranked_limit};

/// Which record each loop gets in JSON, JSON lines and CSV.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Record {
    /// Everything: the hops, with their deals (JSON also writes the deal objects once).
    #[default]
    Full,
    /// `--brief`: the loop's entities, length, figures and grade, without its hops or deals;
    /// the same fields as the full record, less `hops` (JSON, JSON lines) or `deals` (CSV).
    Brief,
}

/// Where a list of loops goes, for [`stopped_note`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// A table or the `--explain` paragraphs.
    Text,
    /// A map (DOT or SVG).
    Map,
    /// JSON, JSON lines or CSV. The JSON document itself says `truncated`; JSON lines and CSV
    /// have no room to say that more loops exist.
    Listing(Listing),
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
        (Shown::Listing(Listing::Json), _) => None,
        (Shown::Listing(_), _) => Some(format!(
            "note: wrote the top {n} of {found} loops (--limit 0 writes them all)"
        )),
        (Shown::Map, true) => Some(format!(
            "note: drawing the top {n} of {found} loops (a map shows at most {MAX_SHOWN}; \
             narrow the search with --through or --max-len)"
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
