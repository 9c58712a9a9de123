//! `dealgraph cycles`: where does money go round? Circular-financing loops, their round-trip
//! amounts and return ratios, as a table, plain-language explanations or JSON.

use std::time::{Duration, Instant};

use clap::ValueEnum;
use serde_json::{Value, json};

use dealgraph::graph::{HopGraph, MoneyGraph};
use dealgraph::model::{Dataset, DealId, Qualifier};
use dealgraph::query::cycles::{
    Bound, Cycle, CycleList, CycleOptions, RoundTrip, SearchEnd, SortKey, Undated, collect_cycles,
    count_cycles,
};
use dealgraph::render::map::MapSpec;
use dealgraph::render::{json as js, table, text};

use std::io::Write as _;

use super::{CliError, CliResult, Context, Format, LengthArgs, output};

/// Find circular-financing loops: money paid out that comes back round to the payer.
///
/// A hop is every deal from one entity to another; a loop is a chain of hops that returns to
/// where it started without visiting an entity twice (Amazon → OpenAI → Amazon). By default
/// only circular-financing loops are listed: at least one hop holds an investment or a loan.
///
/// Each loop gets a round-trip amount (per hop its largest known deal; the loop's is the
/// smallest of those, so it is what can go all the way round) and a return ratio (the round
/// trip divided by the largest investment or loan on the loop). Qualifiers travel with the
/// numbers: "at most $38B" means an "up to" figure on the loop may turn out smaller.
///
/// The global filters (--as-of, --status, --kinds, --min-amount, --without, --no-inferred)
/// decide which deals take part. --format json writes the documented JSON; --format dot|svg
/// (or --out loops.svg) draws the loops found on a map, each loop highlighted.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  dealgraph cycles                               loops of up to 6 hops, largest round trip first
  dealgraph cycles --explain                     each loop in plain words, with its sources
  dealgraph cycles --through openai --max-len 3  only loops through OpenAI, at most 3 hops
  dealgraph cycles --time-ordered                money went out before it came back
  dealgraph cycles --no-inferred                 only flows that a source states
  dealgraph cycles --status announced,completed --count
  dealgraph cycles --through anthropic --out loops.svg   draw the loops on a map")]
pub struct Args {
    #[command(flatten)]
    pub length: LengthArgs,

    /// Shortest loop, in hops (2 is the shortest there is: A → B → A).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_len: usize,

    /// Only loops through this entity (id, name or alias). Repeat it to require several.
    #[arg(long, value_name = "ENTITY")]
    pub through: Vec<String>,

    /// Only time-ordered loops: starting from an investment or loan, each following hop has
    /// a deal dated on or after the one before (money goes out before it comes back). A deal's
    /// date is its standing report's date.
    #[arg(long)]
    pub time_ordered: bool,

    /// With --time-ordered: whether an undated deal breaks the time order (break) or fits
    /// anywhere (ok).
    #[arg(long, value_enum, value_name = "HOW", default_value_t = UndatedArg::Break, requires = "time_ordered")]
    pub undated: UndatedArg,

    /// Also list pure trade loops: loops with no investment or loan on them.
    #[arg(long)]
    pub all: bool,

    /// Order of the loops: amount (round trip, largest first, unknown last), ratio (return
    /// ratio, largest first), length (fewest hops first) or name. Ties go by length, then ids.
    #[arg(long, value_enum, value_name = "KEY", default_value_t = SortArg::Amount)]
    pub sort: SortArg,

    /// Stop the search after this many loops and say that more exist; the loops shown are the
    /// first found (by smallest entity id), then sorted. Tables and maps show at most 10000.
    /// 0 means no limit: with --format json every loop is streamed as found (unsorted, in
    /// bounded memory).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub limit: usize,

    /// Print only the number of matching loops (all of them: no --limit), for scripts. With a
    /// length bound (and no --through or --time-ordered) the loops are counted without being
    /// listed, which takes milliseconds for millions of them.
    #[arg(long, conflicts_with_all = ["explain", "sort", "limit"])]
    pub count: bool,

    /// Explain each loop in a plain-language paragraph: every deal with its amount, status,
    /// date and source, and what the round trip's qualifiers mean.
    #[arg(long)]
    pub explain: bool,

    /// Give up after this many seconds (decimals allowed) and show what was found so far;
    /// a notice on stderr says the results are partial.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,

    #[command(flatten)]
    pub draw: super::map::DrawArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UndatedArg {
    Break,
    Ok,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Amount,
    Ratio,
    Length,
    Name,
}

/// The checked arguments.
struct Plan {
    opts: CycleOptions,
    sort: SortKey,
    limit: Option<usize>,
    /// The limit was lowered to [`MAX_SHOWN`] because tables and maps cannot hold more.
    capped: bool,
    timeout: Option<Duration>,
    format: Format,
}

/// The most loops a table, an explanation or a map holds: each is rendered in memory whole.
/// JSON has no such cap (with `--limit 0` it streams).
const MAX_SHOWN: usize = 10_000;

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let plan = check(args, ctx)?;
    let graph = ctx.graph();
    let data = ctx.dataset();
    for &t in &plan.opts.through {
        if !graph.contains(t) {
            eprintln!(
                "note: {} is left out with --without, so no loop can pass through it",
                table::cell_text(&data.entity(t).name)
            );
        }
    }
    let mut opts = plan.opts.clone();
    opts.deadline = plan.timeout.map(|t| Instant::now() + t);
    if args.count {
        let (count, end) = count_cycles(&graph, &opts);
        if end == SearchEnd::TimedOut {
            eprintln!(
                "note: stopped after the --timeout of {}s; at least {count} loop(s) match",
                args.timeout.unwrap_or_default()
            );
        }
        return output::stdout(format!("{count}\n").as_bytes());
    }
    let hops = graph.hops();
    if plan.limit.is_none() && plan.format == Format::Json {
        return stream_json(&graph, hops, &opts, args.timeout);
    }
    let list = collect_cycles(&graph, hops, &opts, plan.limit, plan.sort);
    if list.end == SearchEnd::TimedOut {
        eprintln!(
            "note: stopped after the --timeout of {}s; the {} loop(s) shown are those found so far",
            args.timeout.unwrap_or_default(),
            list.cycles.len()
        );
    }
    if matches!(plan.format, Format::Dot | Format::Svg) {
        if list.end == SearchEnd::Stopped {
            eprintln!(
                "note: drawing the first {} loops found; more exist ({})",
                list.cycles.len(),
                if plan.capped {
                    "a map shows at most 10000; narrow the search with --through or --max-len"
                } else {
                    "raise --limit or narrow the search"
                }
            );
        }
        let loops: Vec<_> = list.cycles.iter().map(|c| c.entities.clone()).collect();
        let spec = MapSpec::loops(&graph, &loops, &ctx.data_label);
        return super::map::draw(&spec, &args.draw, ctx);
    }
    let bytes = match plan.format {
        Format::Json => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            write_cycles_json(&mut out, &graph, hops, &list)?;
            std::io::Write::flush(&mut out)?;
            return Ok(());
        }
        _ => {
            if list.end == SearchEnd::Stopped {
                if plan.capped {
                    eprintln!(
                        "note: showing the first {} loops found, the most a table shows; more \
                         exist. --format json --limit 0 streams them all, --count counts them",
                        list.cycles.len()
                    );
                } else {
                    eprintln!(
                        "note: showing the first {} loops found; more exist. Raise --limit (0 = \
                         no limit), narrow the search (--through, --max-len), or count them all \
                         with --count",
                        list.cycles.len()
                    );
                }
            }
            let scope = scope_words(&opts, ctx);
            if list.cycles.is_empty() {
                no_loops(&opts, &scope, list.end)
            } else if args.explain {
                explain(&graph, hops, &list, &scope)
            } else {
                loops_table(&graph, hops, &list, &scope)
            }
        }
    };
    output::stdout(bytes.as_bytes())
}

/// Turns the arguments into options, reporting every bad value at once.
fn check(args: &Args, ctx: &Context) -> CliResult<Plan> {
    let draws = matches!(ctx.format, Some(Format::Dot | Format::Svg))
        || (ctx.format.is_none() && args.draw.out.is_some());
    let format = if draws {
        if args.count || args.explain {
            return Err(CliError::usage(
                "--count and --explain write text; they cannot be combined with a map (dot/svg)",
            ));
        }
        super::map::map_format(ctx, &args.draw)?
    } else {
        let format = ctx.format(
            "cycles",
            &[Format::Table, Format::Json, Format::Dot, Format::Svg],
        )?;
        let d = &args.draw;
        if d.out.is_some() || d.engine.is_some() || d.layout.is_some() || d.verbose {
            return Err(CliError::usage_help(
                "--out, --engine, --layout and --verbose are for maps",
                "add --format svg or --format dot to draw the loops on a map",
            ));
        }
        format
    };
    let mut problems = Vec::new();
    let max_len = args.length.loop_bound().unwrap_or_else(|e| {
        problems.push(format!("{e}; use 0 for no bound"));
        None
    });
    if args.min_len < 2 {
        problems.push(format!(
            "--min-len {}: the shortest possible loop has 2 hops (A → B → A)",
            args.min_len
        ));
    }
    if let Some(max) = max_len
        && args.min_len > max
    {
        problems.push(format!(
            "--min-len {} is more than --max-len {max}",
            args.min_len
        ));
    }
    let timeout = match args.timeout {
        None => None,
        Some(t) if t.is_finite() && t > 0.0 && t < 1e9 => Some(Duration::from_secs_f64(t)),
        Some(t) => {
            problems.push(format!(
                "--timeout {t}: give a positive number of seconds, such as 2 or 0.5"
            ));
            None
        }
    };
    if args.explain && format == Format::Json {
        problems.push(
            "--explain writes prose for the table view; JSON already carries every deal".into(),
        );
    }
    let mut through = Vec::new();
    for name in &args.through {
        match ctx.dataset().resolve(name) {
            Ok(id) => through.push(id),
            Err(e) => problems.push(format!("--through: {e}")),
        }
    }
    if !problems.is_empty() {
        return Err(CliError::usage(problems.join("\n")));
    }
    let wanted = (args.limit > 0).then_some(args.limit);
    let (limit, capped) = match wanted {
        _ if format == Format::Json => (wanted, false),
        Some(n) if n <= MAX_SHOWN => (wanted, false),
        _ => (Some(MAX_SHOWN), true),
    };
    Ok(Plan {
        opts: CycleOptions {
            max_len,
            min_len: args.min_len,
            through,
            financing_only: !args.all,
            time_ordered: args.time_ordered,
            undated: match args.undated {
                UndatedArg::Break => Undated::Break,
                UndatedArg::Ok => Undated::Ok,
            },
            deadline: None,
        },
        sort: match args.sort {
            SortArg::Amount => SortKey::Amount,
            SortArg::Ratio => SortKey::Ratio,
            SortArg::Length => SortKey::Length,
            SortArg::Name => SortKey::Name,
        },
        limit,
        capped,
        timeout,
        format,
    })
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

/// "2–6 hops; with an investment or loan; as of 2026-01-31".
fn scope_words(opts: &CycleOptions, ctx: &Context) -> String {
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
            .map(|&t| table::cell_text(&ctx.dataset().entity(t).name))
            .collect();
        parts.push(format!("through {}", names.join(" and ")));
    }
    if opts.time_ordered {
        parts.push(match opts.undated {
            Undated::Break => "time-ordered".into(),
            Undated::Ok => "time-ordered, undated deals allowed".into(),
        });
    }
    parts.push(format!("as of {}", ctx.as_of()));
    parts.join("; ")
}

fn loop_names(data: &Dataset, cycle: &Cycle) -> String {
    let mut names: Vec<String> = cycle
        .entities
        .iter()
        .map(|&e| table::cell_text(&data.entity(e).name))
        .collect();
    names.push(names[0].clone());
    names.join(" → ")
}

/// "at most $38B", "$38B", "at least $8B", "about $38B" or "unknown".
fn round_trip_words(trip: &RoundTrip) -> String {
    match (trip.amount, trip.bound) {
        (Some(a), Some(Bound::Upper)) => format!("at most {a}"),
        (Some(a), Some(Bound::Lower)) => format!("at least {a}"),
        (Some(a), Some(Bound::Approx)) => format!("about {a}"),
        (Some(a), _) => a.to_string(),
        (None, _) => "unknown".into(),
    }
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

/// "76% of up to $50B".
fn ratio_words(graph: &MoneyGraph<'_>, cycle: &Cycle) -> String {
    match &cycle.ratio {
        None => "–".into(),
        Some(r) => {
            let amount = graph
                .deal_view(r.financing)
                .map(|v| v.report().amount.to_string())
                .unwrap_or_default();
            format!("{} of {amount}", percent(r.value))
        }
    }
}

fn loops_table(graph: &MoneyGraph<'_>, hops: &HopGraph, list: &CycleList, scope: &str) -> String {
    let data = graph.dataset();
    let mut t = table::new_table([
        "#",
        "loop",
        "hops (deals: amount, status)",
        "round trip",
        "return",
    ]);
    for (rank, cycle) in list.cycles.iter().enumerate() {
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
        t.add_row(vec![
            (rank + 1).to_string(),
            loop_names(data, cycle),
            lines.join("\n"),
            round_trip_words(&cycle.round_trip),
            ratio_words(graph, cycle),
        ]);
    }
    let mut out = format!("{t}\n{} loop(s) ({scope})\n", list.cycles.len());
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
        out.push_str("about: \"about\" figures, or qualifiers that pull both ways, decide it\n");
    }
    if list.cycles.iter().any(|c| c.round_trip.amount.is_none()) {
        out.push_str("unknown: some hop has no reported amount\n");
    }
    out
}

/// Width of the `--explain` paragraphs, in columns.
const EXPLAIN_WIDTH: usize = 100;

/// One paragraph per loop: each deal with amount, status, date and source; the round trip
/// and its caveat; the return ratio.
fn explain(graph: &MoneyGraph<'_>, hops: &HopGraph, list: &CycleList, scope: &str) -> String {
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
        {
            p.push_str(&format!(
                " Return ratio: {}, the round trip divided by the largest financing deal on the \
                 loop, {}.",
                percent(r.value),
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
    out.push_str(&format!("{} loop(s) ({scope})\n", list.cycles.len()));
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
    let Some(amount) = trip.amount else {
        let unknown: Vec<String> = (0..cycle.hops.len())
            .filter(|&i| trip.hop_deals[i].is_none())
            .map(hop_name)
            .collect();
        return format!(
            "Round trip: unknown, because no amount is reported for {}.",
            unknown.join(" or ")
        );
    };
    let limiting = trip
        .limiting_hop
        .map(|i| format!(", set by {}", hop_name(i)))
        .unwrap_or_default();
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
    let caveat = match trip.bound {
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
        Some(Bound::Approx) => "It is approximate: \"about\" figures, or \"up to\" and \"at \
                                least\" figures that pull both ways, decide it."
            .to_string(),
        _ => "Every figure that decides it is exact.".to_string(),
    };
    format!(
        "Round trip: {} (the smallest of each hop's largest known deal{limiting}). {caveat}",
        round_trip_words(trip)
    )
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

/// The JSON contract documented in docs/queries.md.
/// One loop as the documented JSON object.
fn cycle_json(graph: &MoneyGraph<'_>, hops: &HopGraph, c: &Cycle) -> Value {
    let data = graph.dataset();
    let hop_values: Vec<Value> = c
        .hops
        .iter()
        .map(|&h| {
            let hop = hops.hop(h);
            let deals: Vec<Value> = hop
                .deals
                .iter()
                .filter_map(|&d| graph.deal_view(d))
                .map(|v| js::deal_json(data, &v))
                .collect();
            json!({
                "from": data.entity(hop.from).id,
                "to": data.entity(hop.to).id,
                "deals": deals,
            })
        })
        .collect();
    json!({
        "entities": c.entities.iter().map(|&e| &data.entity(e).id).collect::<Vec<_>>(),
        "length": c.length(),
        "round_trip_usd": c.round_trip.amount.map_or(Value::Null, |m| Value::Number(m.to_json_number())),
        "return_ratio": c.ratio.and_then(|r| serde_json::Number::from_f64(r.value)).map_or(Value::Null, Value::Number),
        "bound": c.round_trip.bound.map(Bound::as_str),
        "hops": hop_values,
    })
}

/// Writes one loop of the `cycles` array, pretty-printed and indented to sit inside it.
fn write_cycle(out: &mut impl std::io::Write, value: &Value, first: bool) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    out.write_all(if first { b"\n" } else { b",\n" })?;
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(b"    ")?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// The `{"count", "cycles", "truncated"}` document, one loop rendered at a time, so memory
/// holds the sorted loops but never the whole JSON text.
fn write_cycles_json(
    out: &mut impl std::io::Write,
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    list: &CycleList,
) -> std::io::Result<()> {
    write!(
        out,
        "{{\n  \"count\": {},\n  \"cycles\": [",
        list.cycles.len()
    )?;
    for (i, c) in list.cycles.iter().enumerate() {
        write_cycle(out, &cycle_json(graph, hops, c), i == 0)?;
    }
    if !list.cycles.is_empty() {
        out.write_all(b"\n  ")?;
    }
    writeln!(out, "],\n  \"truncated\": {}\n}}", list.truncated)
}

/// `--limit 0 --format json`: every loop written as it is found, in search order (sorting
/// them all would mean holding them all), so memory stays bounded however many there are.
/// The count follows the loops.
fn stream_json(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
    timeout: Option<f64>,
) -> CliResult {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    out.write_all(b"{\n  \"cycles\": [")?;
    let mut count = 0u64;
    let mut failure: Option<std::io::Error> = None;
    let end = dealgraph::query::cycles::cycles(graph, hops, opts, |entities, loop_hops| {
        let cycle = Cycle::new(graph, hops, entities, loop_hops);
        match write_cycle(&mut out, &cycle_json(graph, hops, &cycle), count == 0) {
            Ok(()) => {
                count += 1;
                std::ops::ControlFlow::Continue(())
            }
            Err(e) => {
                failure = Some(e);
                std::ops::ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    if count > 0 {
        out.write_all(b"\n  ")?;
    }
    let timed_out = end == SearchEnd::TimedOut;
    writeln!(
        out,
        "],\n  \"count\": {count},\n  \"truncated\": {timed_out}\n}}"
    )?;
    out.flush()?;
    if timed_out {
        eprintln!(
            "note: stopped after the --timeout of {}s; the {count} loop(s) written are those found so far",
            timeout.unwrap_or_default()
        );
    }
    Ok(())
}
