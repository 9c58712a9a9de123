//! `dealgraph cycles`: where does money go round? Circular-financing loops, their round-trip
//! amounts and return ratios, as a table, plain-language explanations or JSON.

use std::io::Write as _;
use std::time::{Duration, Instant};

use clap::ValueEnum;

use dealgraph::query::cycles::{
    CycleOptions, SearchEnd, SortKey, Undated, count_by_grade, count_cycles, top_cycles,
};
use dealgraph::render::cycles::{self as render, Listing, Partial, Record, Shown};
use dealgraph::render::map::MapSpec;

use super::draw::{self, DrawArgs};
use super::{CliError, CliResult, Context, DiffArgs, Format, LengthArgs, output};

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
/// decide which deals take part. --format json writes the documented JSON (deal objects once,
/// in its `deals`), --format jsonl one loop a line, --format csv one row a loop; --format dot|svg
/// (or --out loops.svg) draws the loops found on a map, each loop highlighted. Add --brief to
/// json, jsonl or csv for one short record a loop (its entities and figures, no hops or
/// deals): the fast way to list millions of loops.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  dealgraph cycles                               loops of up to 6 hops, largest round trip first
  dealgraph cycles --explain                     each loop in plain words, with its sources
  dealgraph cycles --through openai --max-len 3  only loops through OpenAI, at most 3 hops
  dealgraph cycles --time-ordered                money went out before it came back
  dealgraph cycles --no-inferred                 only flows that a source states
  dealgraph cycles --status announced,completed --count
  dealgraph cycles --limit 0 --format jsonl      every loop, one JSON object a line, as found
  dealgraph cycles --limit 0 --format jsonl --brief   the same, each line only the loop's
                                                 entities, length, figures and grade
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
    /// date is when its standing report says it was signed, announced or closed, else that
    /// report's date. The loop's figures count only the deals in that order.
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
    /// Every sort is exact over all loops within the bounds; amount prunes the search by the
    /// smallest hop, the others visit every loop (add --timeout to bound the time).
    #[arg(long, value_enum, value_name = "KEY", default_value_t = SortArg::Amount)]
    pub sort: SortArg,

    /// Show the N best loops by --sort among all loops within the bounds (the search visits
    /// every loop; with --timeout the ranking covers those found in time, and says so).
    /// Tables and maps show at most 10000. 0 means no limit: with --format json, jsonl or csv
    /// every loop is streamed as found (unsorted, in bounded memory).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub limit: usize,

    /// Print only the number of matching loops (all of them: no --limit), for scripts. With a
    /// length bound (and no --through or --time-ordered) the loops are counted without being
    /// listed, which takes milliseconds for millions of them.
    #[arg(long, conflicts_with_all = ["explain", "sort", "limit"])]
    pub count: bool,

    /// With --format json, jsonl or csv: a brief record a loop, its entity ids in order,
    /// length, round trip (round_trip_usd, _min_usd, _max_usd, bound), grade and return
    /// ratio, without its hops and deals (JSON: no "hops" in a loop and no "deals" section;
    /// CSV: no deals column). The same fields as the full record, so a strict subset; a
    /// quarter of the bytes or less, for listing many loops.
    #[arg(long, conflicts_with = "count")]
    pub brief: bool,

    /// Explain each loop in a plain-language paragraph: every deal with its amount, status,
    /// date and source, and what the round trip's qualifiers mean.
    #[arg(long)]
    pub explain: bool,

    /// Give up after this many seconds (decimals allowed) and show what was found so far;
    /// a notice on stderr says the results are partial.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,

    #[command(flatten)]
    pub draw: DrawArgs,

    #[command(flatten)]
    pub diff: DiffArgs,
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

impl From<UndatedArg> for Undated {
    fn from(arg: UndatedArg) -> Undated {
        match arg {
            UndatedArg::Break => Undated::Break,
            UndatedArg::Ok => Undated::Ok,
        }
    }
}

impl From<SortArg> for SortKey {
    fn from(arg: SortArg) -> SortKey {
        match arg {
            SortArg::Amount => SortKey::Amount,
            SortArg::Ratio => SortKey::Ratio,
            SortArg::Length => SortKey::Length,
            SortArg::Name => SortKey::Name,
        }
    }
}

/// The checked arguments.
struct Plan {
    opts: CycleOptions,
    sort: SortKey,
    /// How many loops to rank; `None` streams every loop (a listing with `--limit 0`).
    limit: Option<usize>,
    /// The limit was lowered to [`render::MAX_SHOWN`] because tables and maps cannot hold more.
    capped: bool,
    timeout: Option<Duration>,
    shown: Shown,
    record: Record,
}

/// Stdout, written in few large writes (1 MiB each) into a pipe.
fn buffered_stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock())
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    if let Some(baseline) = args.diff.baseline(ctx)? {
        return run_diff(args, ctx, baseline);
    }
    let plan = check(args, ctx)?;
    let graph = ctx.graph();
    let data = ctx.dataset();
    let seconds = args.timeout.unwrap_or_default();
    for &t in plan.opts.through.iter().filter(|&&t| !graph.contains(t)) {
        eprintln!("{}", render::left_out_note(data, t));
    }
    let mut opts = plan.opts.clone();
    opts.deadline = plan.timeout.map(|t| Instant::now() + t);
    if args.count {
        let (count, end) = count_cycles(&graph, &opts);
        if end == SearchEnd::TimedOut {
            eprintln!(
                "{}",
                render::timed_out_note(seconds, Partial::Counted(count))
            );
        }
        // Scripts read the bare number; people read what it rests on, on stderr.
        if end == SearchEnd::Complete {
            let (grades, end) = count_by_grade(data, &ctx.filter, &opts);
            if end == SearchEnd::Complete {
                eprintln!("{}", render::grade_summary(&grades));
            }
        }
        return output::stdout(format!("{count}\n").as_bytes());
    }
    if let (None, Shown::Listing(listing)) = (plan.limit, plan.shown) {
        let mut out = buffered_stdout();
        let (count, end) = listing.stream(&mut out, &graph, &opts, plan.record)?;
        out.flush()?;
        if end == SearchEnd::TimedOut {
            eprintln!(
                "{}",
                render::timed_out_note(seconds, Partial::Written(count))
            );
        }
        return Ok(());
    }
    let limit = plan.limit.unwrap_or(render::MAX_SHOWN);
    let list = top_cycles(&graph, graph.hops(), &opts, limit, plan.sort);
    if list.end == SearchEnd::TimedOut {
        let partial = Partial::Ranked {
            shown: list.cycles.len(),
            found: list.found,
        };
        eprintln!("{}", render::timed_out_note(seconds, partial));
    }
    if let Some(note) = render::stopped_note(&list, plan.shown, plan.capped) {
        eprintln!("{note}");
    }
    match plan.shown {
        Shown::Map => {
            let loops: Vec<_> = list.cycles.iter().map(|c| c.entities.clone()).collect();
            draw::draw(
                &MapSpec::loops(&graph, &loops, &ctx.data_name),
                &args.draw,
                ctx,
            )
        }
        Shown::Listing(listing) => {
            let mut out = buffered_stdout();
            listing.write(&mut out, &graph, &list, plan.record)?;
            Ok(out.flush()?)
        }
        Shown::Text => {
            let scope = render::scope_words(data, &opts, ctx.as_of());
            let text = render::to_text(&graph, &list, &opts, &scope, args.explain);
            output::stdout(text.as_bytes())
        }
    }
}

/// `--diff`: the loops without the global filters against those with them.
fn run_diff(args: &Args, ctx: &Context, baseline: dealgraph::graph::Filter) -> CliResult {
    use dealgraph::render::diff;
    let format = ctx.format("cycles --diff", &[Format::Table, Format::Json, Format::Csv])?;
    if args.count || args.explain || args.brief || args.draw.wanted(ctx) {
        return Err(CliError::usage(
            "--diff writes its own table, JSON or CSV; it cannot be combined with --count, \
             --explain, --brief or a map",
        ));
    }
    let mut problems = Vec::new();
    let (mut opts, timeout) = loop_options(args, ctx, &mut problems);
    if !problems.is_empty() {
        return Err(CliError::usage(problems.join("\n")));
    }
    opts.deadline = timeout.map(|t| Instant::now() + t);
    let data = ctx.dataset();
    let before = dealgraph::graph::MoneyGraph::build(data, baseline.clone());
    let after = ctx.graph();
    let sort: SortKey = args.sort.into();
    let result = dealgraph::query::diff::loop_diff(&before, &after, &opts, sort);
    let compared = diff::Compared::new(data, &baseline, &ctx.filter);
    let text = match format {
        Format::Json => diff::loops_json(data, &result, &compared),
        Format::Csv => diff::loops_csv(data, &result).map_err(anyhow::Error::from)?,
        _ => diff::loops_table(data, &result, &compared),
    };
    output::stdout(text.as_bytes())
}

/// Turns the arguments into options, reporting every bad value at once.
fn check(args: &Args, ctx: &Context) -> CliResult<Plan> {
    let format = if args.draw.wanted(ctx) {
        if args.count || args.explain {
            return Err(CliError::usage(
                "--count and --explain write text; they cannot be combined with a map (dot/svg)",
            ));
        }
        draw::map_format(ctx, &args.draw)?
    } else {
        let supported = [
            Format::Table,
            Format::Json,
            Format::Jsonl,
            Format::Csv,
            Format::Dot,
            Format::Svg,
        ];
        let format = ctx.format("cycles", &supported)?;
        args.draw.unused("the loops")?;
        format
    };
    let shown = match format {
        Format::Dot | Format::Svg => Shown::Map,
        Format::Json => Shown::Listing(Listing::Json),
        Format::Jsonl => Shown::Listing(Listing::Jsonl),
        Format::Csv => Shown::Listing(Listing::Csv),
        _ => Shown::Text,
    };
    let listing = matches!(shown, Shown::Listing(_));
    let mut problems = Vec::new();
    let (opts, timeout) = loop_options(args, ctx, &mut problems);
    if args.explain && listing {
        problems.push(format!(
            "--explain writes prose for the table view; --format {} already names every deal",
            format.name()
        ));
    }
    if args.brief && !listing {
        problems.push(format!(
            "--brief shortens the record of each loop in --format json, jsonl or csv; \
             --format {} has no such record (add --format jsonl, json or csv)",
            format.name()
        ));
    }
    if !problems.is_empty() {
        return Err(CliError::usage(problems.join("\n")));
    }
    let (limit, capped) = render::ranked_limit(args.limit, shown);
    Ok(Plan {
        opts,
        sort: args.sort.into(),
        limit,
        capped,
        timeout,
        shown,
        record: if args.brief {
            Record::Brief
        } else {
            Record::Full
        },
    })
}

/// The loop options and time limit of `args`; each bad value adds a line to `problems`, so
/// that one error lists them all.
fn loop_options(
    args: &Args,
    ctx: &Context,
    problems: &mut Vec<String>,
) -> (CycleOptions, Option<Duration>) {
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
    let mut through = Vec::new();
    for name in &args.through {
        match ctx.dataset().resolve(name) {
            Ok(id) => through.push(id),
            Err(e) => problems.push(format!("--through: {e}")),
        }
    }
    let opts = CycleOptions {
        max_len,
        min_len: args.min_len,
        through,
        financing_only: !args.all,
        time_ordered: args.time_ordered,
        undated: args.undated.into(),
        deadline: None,
    };
    (opts, timeout)
}
