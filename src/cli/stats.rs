//! `dealgraph stats`: the shape of the data: counts, money by kind, the biggest players,
//! strongly connected components and circular-financing loops.

use std::time::{Duration, Instant};

use dealgraph::query::cycles::CycleOptions;
use dealgraph::query::stats::{StatsOptions, stats};
use dealgraph::render::stats::{self as render, Scope};

use dealgraph::graph::MoneyGraph;
use dealgraph::query::diff::stats_diff;
use dealgraph::render::diff;

use super::{CliResult, Context, DiffArgs, Format, LengthArgs, output, parse_seconds};

/// Summary statistics of the data as it stands on --as-of, after every filter.
///
/// Counts entities, deals, reports and sources by kind and status; totals money by deal kind as
/// exact ranges ("at least $8B" leaves the top open); ranks entities by money received, money
/// paid and number of counterparties; lists the strongly connected components (groups in which
/// money can go round); and counts circular-financing loops (as `dealgraph cycles` finds them,
/// up to --max-len hops; counted exactly without listing them) and the entities that sit on
/// the most loops (which needs them listed: done for up to 2,000,000 loops).
///
/// Rankings by money use stated figures at face value ("up to $50B" counts $50B).
///
/// Formats: table (default), json (everything), csv (the rankings, one row per entity).
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  dealgraph stats
  dealgraph stats --status announced,completed --format json
  dealgraph stats --format csv --top 20     the top 20 of each ranking, for a spreadsheet
  dealgraph stats --without softbank --diff what changes if SoftBank walks away?")]
pub struct Args {
    /// How many entities each ranking lists.
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub top: u32,

    #[command(flatten)]
    pub length: LengthArgs,

    /// Count every loop, not only circular-financing ones (those with an investment or loan).
    #[arg(long)]
    pub all_loops: bool,

    /// Stop counting loops after this many seconds from the start (they are counted alongside
    /// the other figures): the count is then a lower bound, or "not counted" when none was
    /// counted. Listing the loops to find the entities on most of them stops too (they are
    /// then skipped, and said to be). On millions of deals, raise it or lower --max-len to
    /// get a count.
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = parse_seconds)]
    pub timeout: Duration,

    #[command(flatten)]
    pub diff: DiffArgs,
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let format = ctx.format("stats", &[Format::Table, Format::Json, Format::Csv])?;
    let options = StatsOptions {
        top: args.top as usize,
        loops: CycleOptions {
            max_len: args.length.loop_bound()?,
            financing_only: !args.all_loops,
            deadline: Some(Instant::now() + args.timeout),
            ..CycleOptions::default()
        },
    };
    let data = ctx.dataset();
    if let Some(baseline) = args.diff.baseline(ctx)? {
        let before = stats(&MoneyGraph::build(data, baseline.clone()), &options);
        // Each side gets the whole --timeout.
        let again = StatsOptions {
            loops: CycleOptions {
                deadline: Some(Instant::now() + args.timeout),
                ..options.loops.clone()
            },
            ..options.clone()
        };
        let after = stats(&ctx.graph(), &again);
        let result = stats_diff(&before, &after);
        let compared = diff::Compared::new(data, &baseline, &ctx.filter);
        let text = match format {
            Format::Json => diff::stats_json(data, &result, &compared),
            Format::Csv => diff::stats_csv(data, &result).map_err(anyhow::Error::from)?,
            _ => diff::stats_table(data, &result, &compared),
        };
        return output::stdout(text.as_bytes());
    }
    let s = stats(&ctx.graph(), &options);
    let scope = Scope {
        data_label: &ctx.data_label,
        as_of: ctx.as_of(),
        options: &options,
    };
    let text = match format {
        Format::Json => render::to_json(data, &s, &scope),
        Format::Csv => render::to_csv(data, &s).map_err(anyhow::Error::from)?,
        _ => render::to_table(data, &s, &scope),
    };
    output::stdout(text.as_bytes())
}
