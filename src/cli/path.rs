//! `dealgraph path FROM TO`: the ways money travels from one entity to another, shortest first.

use std::time::{Duration, Instant};

use dealgraph::query::paths::{PathOptions, money_paths};
use dealgraph::render::paths::{self as render, Asked};

use super::{CliError, CliResult, Context, Format, LengthArgs, output, parse_seconds};

/// Money paths from FROM to TO, shortest first: "how does Nvidia's money reach Amazon?"
///
/// Every chain of payments FROM → … → TO that visits no entity twice, each hop with its deals.
///
/// Edges point the way cash flows (investor → investee, customer → provider, buyer → seller,
/// lender → borrower), so a path is a route the money can take, whatever each hop pays for.
/// Paths of the same length are ordered by the entity ids along them.
///
/// Formats: table (default), json, csv (one row per hop of each path).
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  dealgraph path nvidia amazon
  dealgraph path softbank microsoft --max-len 3 --format json
  dealgraph path nvidia amazon --without openai     is there another way?
  dealgraph path openai amazon --format csv         one row per hop, for a spreadsheet")]
#[command(mut_arg("max_len", |a| a.default_value("4")
    .value_parser(clap::value_parser!(u16).range(1..=64))
    .help("Longest path, in hops (1 to 64)")))]
pub struct Args {
    /// Where the money starts (entity id, name or alias).
    pub from: String,

    /// Where it ends up (entity id, name or alias).
    pub to: String,

    #[command(flatten)]
    pub length: LengthArgs,

    /// Most paths to list (at most 10000: each is rendered in memory whole); the search stops
    /// once this many are found and says so.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,

    /// Stop searching after this many seconds and print what was found (e.g. 2.5).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let format = ctx.format("path", &[Format::Table, Format::Json, Format::Csv])?;
    let from = ctx.resolve(&args.from)?;
    let to = ctx.resolve(&args.to)?;
    let data = ctx.dataset();
    if from == to {
        return Err(CliError::usage_help(
            format!("FROM and TO are both {}", data.entity(from).id),
            "money that comes back to where it started is a loop: try `dealgraph cycles`",
        ));
    }
    let graph = ctx.graph();
    for e in [from, to] {
        if !graph.contains(e) {
            return Err(CliError::usage_help(
                format!("{} is left out by --without", data.entity(e).id),
                "drop it from --without to find paths through it",
            ));
        }
    }
    let options = PathOptions {
        max_len: usize::from(args.length.max_len),
        limit: args.limit as usize,
        deadline: args.timeout.map(|t| Instant::now() + t),
    };
    let found = money_paths(&graph, from, to, &options);
    let asked = Asked {
        from,
        to,
        options: &options,
        as_of: ctx.as_of(),
    };
    let text = match format {
        Format::Json => render::to_json(&graph, &found, &asked),
        Format::Csv => render::to_csv(&graph, &found).map_err(anyhow::Error::from)?,
        _ => render::to_table(&graph, &found, &asked),
    };
    output::stdout(text.as_bytes())
}
