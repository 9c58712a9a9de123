//! `dealgraph map`: draw who pays whom as a relationship map (Graphviz DOT or SVG): the whole
//! graph, one entity's neighbourhood, or only the circular-financing loops.

use dealgraph::model::EntityId;
use dealgraph::query::cycles::{CycleOptions, SearchEnd, SortKey, top_cycles};
use dealgraph::render::map::MapSpec;

use super::draw::{self, DrawArgs};
use super::{CliError, CliResult, Context, LengthArgs};

/// Draw a map of who pays whom, as Graphviz DOT, SVG or PNG.
///
/// Boxes are entities, arrows are deals pointing the way cash flows (payer → payee),
/// coloured by kind (investment, cloud, chips, loan, revenue), dashed while in talks, dotted
/// when rumoured, thicker for larger amounts.
///
/// Writes Graphviz DOT to stdout by default. With --out FILE the format follows the file's
/// extension (.svg, .png, .dot or .gv) unless --format says otherwise; files are written
/// atomically. The title, subtitle and credit line (by default the outlets behind the deals
/// shown) can be replaced with --title, --subtitle and --credit. SVG is drawn by Graphviz when its `dot` program is installed, and by the
/// builtin renderer (nothing to install) otherwise. The global filters (--as-of, --status,
/// --kinds, --min-amount, --without, --no-inferred) choose the deals drawn.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Map options")]
#[command(mut_arg("max_len", |a| a.requires("loops")))]
#[command(after_help = "EXAMPLES:
  dealgraph map --out map.svg                        the whole graph as SVG
  dealgraph map --focus openai --out openai.svg      OpenAI and everyone it deals with
  dealgraph map --focus openai --radius 2 | dot -Tpng > openai.png
  dealgraph map --loops --out loops.svg              only the circular-financing loops
  dealgraph map --out map.png --credit 'Graphic: The Daily Ledger'   PNG, no install
  dealgraph map --engine builtin --out map.svg       draw without Graphviz
  dealgraph map --as-of 2025-12 --status completed,announced --out done.svg")]
pub struct Args {
    /// Centre the map on this entity (id, name or alias): it and everyone within --radius
    /// deals of it, whichever way the money flows, with every deal among them.
    #[arg(long, value_name = "ENTITY")]
    pub focus: Option<String>,

    /// With --focus: how many deals away to go (0 draws the entity alone). Default: 1.
    #[arg(long, value_name = "N", requires = "focus")]
    pub radius: Option<usize>,

    /// Draw only the entities and deals on circular-financing loops (money that comes back
    /// to where it started within --max-len hops, with at least one investment or loan on the
    /// way). With --focus: only the loops through that entity.
    #[arg(long, conflicts_with = "radius")]
    pub loops: bool,

    #[command(flatten)]
    pub length: LengthArgs,

    #[command(flatten)]
    pub draw: DrawArgs,
}

/// The most loops collected by `--loops`.
const MAX_LOOPS: usize = 1000;

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    // Check the output options before any work.
    draw::image_format(ctx, &args.draw)?;
    let graph = ctx.graph();
    let focus = match &args.focus {
        None => None,
        Some(name) => {
            let id = ctx.resolve(name)?;
            if !graph.contains(id) {
                return Err(CliError::usage(format!(
                    "--focus {name:?} is left out by --without"
                )));
            }
            Some(id)
        }
    };
    let spec = if args.loops {
        let opts = CycleOptions {
            max_len: args.length.loop_bound()?,
            through: focus.into_iter().collect(),
            // Ranking every loop is exact but can be long on dense data: a map waits 10 s.
            deadline: Some(std::time::Instant::now() + std::time::Duration::from_secs(10)),
            ..CycleOptions::default()
        };
        let list = top_cycles(&graph, graph.hops(), &opts, MAX_LOOPS, SortKey::Amount);
        if list.end == SearchEnd::TimedOut {
            eprintln!(
                "warning: the loop search stopped after 10 s: the loops drawn are the largest \
                 found by then (narrow them down with --focus, --min-amount or --kinds)"
            );
        } else if list.truncated {
            eprintln!(
                "warning: more than {MAX_LOOPS} loops; drawing the {MAX_LOOPS} with the largest \
                 round trips (narrow them down with --focus, --min-amount or --kinds)"
            );
        }
        let found: Vec<Vec<EntityId>> = list.cycles.into_iter().map(|c| c.entities).collect();
        MapSpec::loops_through(&graph, &found, focus, &ctx.data_name)
    } else if let Some(f) = focus {
        MapSpec::neighbourhood(&graph, f, args.radius.unwrap_or(1), &ctx.data_name)
    } else {
        MapSpec::whole(&graph, &ctx.data_name)
    };
    draw::draw(&spec, &args.draw, ctx)
}
