//! `dealgraph path FROM TO`: the ways money travels from one entity to another, shortest first.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use dealgraph::graph::{DealView, HopGraph, MoneyGraph};
use dealgraph::model::{Dataset, EntityId};
use dealgraph::query::paths::{MoneyPath, PathEnd, PathList, PathOptions, money_paths};
use dealgraph::query::totals::MoneyRange;
use dealgraph::render::{json as js, table};

use super::{CliError, CliResult, Context, Format, LengthArgs, output, parse_seconds};
use dealgraph::render::cells::deal_cell;

/// Money paths from FROM to TO, shortest first: "how does Nvidia's money reach Amazon?"
///
/// Every chain of payments FROM → … → TO that visits no entity twice, each hop with its deals.
///
/// Edges point the way cash flows (investor → investee, customer → provider, buyer → seller,
/// lender → borrower), so a path is a route the money can take, whatever each hop pays for.
/// Paths of the same length are ordered by the entity ids along them.
///
/// Examples:
///   dealgraph path nvidia amazon
///   dealgraph path softbank microsoft --max-len 3 --format json
///   dealgraph path nvidia amazon --without openai      (is there another way?)
#[derive(Debug, clap::Args)]
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
    let format = ctx.format("path", &[Format::Table, Format::Json])?;
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
    let hops = graph.hops();
    let options = PathOptions {
        max_len: usize::from(args.length.max_len),
        limit: args.limit as usize,
        deadline: args.timeout.map(|t| Instant::now() + t),
    };
    let found = money_paths(&graph, hops, from, to, &options);
    let bytes = match format {
        Format::Json => js::to_string(&to_json(&graph, hops, &found, (from, to), args, ctx)),
        _ => to_table(&graph, hops, &found, (from, to), args, ctx),
    };
    output::stdout(bytes.as_bytes())
}

/// The deals of hop `i` of `path`, sorted by deal id string.
fn hop_deals<'d>(
    graph: &MoneyGraph<'d>,
    hops: &HopGraph,
    path: &MoneyPath,
    i: usize,
) -> Vec<DealView<'d>> {
    let mut views: Vec<DealView<'d>> = hops
        .hop(path.hops[i])
        .deals
        .iter()
        .filter_map(|&d| graph.deal_view(d))
        .collect();
    views.sort_by(|a, b| a.deal.id().cmp(&b.deal.id()).then(a.id.cmp(&b.id)));
    views
}

fn end_str(end: PathEnd) -> &'static str {
    match end {
        PathEnd::Complete => "complete",
        PathEnd::Limited => "limited",
        PathEnd::TimedOut => "timed-out",
    }
}

fn to_table(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    found: &PathList,
    ends: (EntityId, EntityId),
    args: &Args,
    ctx: &Context,
) -> String {
    let data: &Dataset = graph.dataset();
    let name = |e| table::cell_text(&data.entity(e).name);
    let (from, to) = (name(ends.0), name(ends.1));
    let mut out = format!(
        "Money paths from {from} to {to}, shortest first (up to {} hops), as of {}\n",
        args.length.max_len,
        ctx.as_of()
    );
    if found.paths.is_empty() {
        let why = match found.end {
            PathEnd::TimedOut => " before --timeout ran out",
            _ => "",
        };
        out.push_str(&format!(
            "\nNo money path from {from} to {to} within {} hops{why}.\n",
            args.length.max_len
        ));
        return out;
    }
    let mut t = table::new_table(["#", "hop", "hop total", "deals"]);
    for (n, path) in found.paths.iter().enumerate() {
        for i in 0..path.len() {
            let first = if i == 0 {
                format!(
                    "{}\n({} hop{})",
                    n + 1,
                    path.len(),
                    if path.len() == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            let hop = hops.hop(path.hops[i]);
            let views = hop_deals(graph, hops, path, i);
            let deals: Vec<String> = views.iter().map(deal_cell).collect();
            t.add_row(vec![
                first,
                format!("{} → {}", name(hop.from), name(hop.to)),
                MoneyRange::of(views.iter().map(|v| v.report().amount)).to_string(),
                deals.join("\n"),
            ]);
        }
    }
    out.push_str(&format!("{t}\n"));
    out.push_str(&format!("{} path(s)", found.paths.len()));
    match found.end {
        PathEnd::Complete => out.push_str(".\n"),
        PathEnd::Limited => out.push_str(&format!(
            "; more exist: the first {} are shown (raise --limit to see more).\n",
            args.limit
        )),
        PathEnd::TimedOut => out.push_str("; --timeout ran out, so longer paths may be missing.\n"),
    }
    out
}

fn to_json(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    found: &PathList,
    ends: (EntityId, EntityId),
    args: &Args,
    ctx: &Context,
) -> Value {
    let data = graph.dataset();
    let id = |e| json!(data.entity(e).id);
    let paths: Vec<Value> = found
        .paths
        .iter()
        .map(|p| {
            let path_hops: Vec<Value> = (0..p.len())
                .map(|i| {
                    let hop = hops.hop(p.hops[i]);
                    let views = hop_deals(graph, hops, p, i);
                    json!({
                        "from": id(hop.from),
                        "to": id(hop.to),
                        "total": MoneyRange::of(views.iter().map(|v| v.report().amount)).to_json(),
                        "deals": views.iter().map(|v| js::deal_json(data, v)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "length": p.len(),
                "entities": p.entities.iter().map(|&e| id(e)).collect::<Vec<_>>(),
                "hops": path_hops,
            })
        })
        .collect();
    json!({
        "from": id(ends.0),
        "to": id(ends.1),
        "as_of": ctx.as_of().to_string(),
        "max_len": args.length.max_len,
        "limit": args.limit,
        "end": end_str(found.end),
        "complete": found.end == PathEnd::Complete,
        "paths": paths,
    })
}
