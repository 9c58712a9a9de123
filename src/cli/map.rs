//! `dealgraph map`: draw who pays whom as a relationship map (Graphviz DOT or SVG): the whole
//! graph, one entity's neighbourhood, or only the circular-financing loops.

use dealgraph::model::EntityId;
use dealgraph::query::cycles::{CycleOptions, SearchEnd, SortKey, top_cycles};
use dealgraph::query::top_entities::top_entities;
use dealgraph::render::map::MapSpec;

use super::draw::{self, DrawArgs};
use super::{CliError, CliResult, Context, LengthArgs, parse_seconds};

/// Draw a map of who pays whom, as Graphviz DOT, SVG, PNG or PDF.
///
/// Boxes are entities, arrows are deals pointing the way cash flows (payer → payee),
/// coloured by kind (investment, cloud, chips, loan, revenue), dashed while in talks, dotted
/// when rumoured, thicker for larger amounts.
///
/// Writes Graphviz DOT to stdout by default. With --out FILE the format follows the file's
/// extension (.svg, .png, .pdf, .dot, .gv, or .html for the interactive page of `explore`)
/// unless --format says otherwise; files are written atomically. The title, subtitle and
/// credit line (by default the outlets behind the deals shown) can be replaced with --title,
/// --subtitle and --credit. SVG is drawn by Graphviz when its `dot` program is installed, and
/// by the builtin renderer (nothing to install) otherwise. PNG and PDF are the builtin SVG,
/// made in pure Rust with the bundled Liberation Sans font (embedded in the PDF, its text
/// selectable), so they look the same on any machine. The global filters (--as-of, --status,
/// --kinds, --min-amount, --without, --no-inferred) choose the deals drawn.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Map options")]
#[command(mut_arg("max_len", |a| a.requires("loops")))]
#[command(after_help = "EXAMPLES:
  dealgraph map --out map.svg                        the whole graph as SVG
  dealgraph map --focus openai --out openai.svg      OpenAI and everyone it deals with
  dealgraph map --focus openai --radius 2 | dot -Tpng > openai.png
  dealgraph map --loops --out loops.svg              only the circular-financing loops, numbered
  dealgraph map --loop 2 --out loop2.svg             loop 2 of `dealgraph cycles` on the whole map
  dealgraph map --data big/ --top 100 --out top.svg  the 100 largest entities by money flow
  dealgraph map --focus openai --out openai.html     the interactive page of `explore`
  dealgraph map --out map.png --credit 'Graphic: The Daily Ledger'   PNG, no install
  dealgraph map --loops --out loops.pdf              PDF for print, fonts embedded
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

    /// Draw loop N of the `dealgraph cycles` ranking (largest round trip first), numbered and
    /// highlighted on the faded whole map; with --focus, loop N of `cycles --through ENTITY`
    /// on that entity's neighbourhood.
    #[arg(long = "loop", value_name = "N", conflicts_with = "loops", value_parser = clap::value_parser!(u32).range(1..))]
    pub loop_no: Option<u32>,

    /// Keep only the N largest entities by money flow (in + out, amounts at face value) and
    /// the deals among them.
    #[arg(long, value_name = "N", conflicts_with = "focus", value_parser = clap::value_parser!(u32).range(1..))]
    pub top: Option<u32>,

    /// Draw even a map over the size limit (more than 1,000 entities or 5,000 deals), which
    /// takes minutes and gigabytes (see docs/PERFORMANCE.md).
    #[arg(long)]
    pub force: bool,

    /// Give up after this many seconds (decimals allowed): the loop search (default 10 s)
    /// and the drawing. A map that is not finished in time is not written (exit 1).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<std::time::Duration>,

    #[command(flatten)]
    pub length: LengthArgs,

    #[command(flatten)]
    pub draw: DrawArgs,
}

/// Above this many entities or deals `map` refuses without --force: at 1,000 entities and
/// 5,000 deals the builtin engine takes seconds and writes a 20 MB SVG; at 10,000 and 50,000
/// minutes and half a gigabyte (docs/PERFORMANCE.md). Nobody reads such a map.
pub const MAX_ENTITIES: usize = 1_000;
pub const MAX_DEALS: usize = 5_000;
/// The least an SVG takes per deal drawn (measured: 4 KB at 1,000 entities, 11 KB at 10,000).
const SVG_BYTES_PER_DEAL: usize = 4_000;

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
    let search = args.timeout.unwrap_or(std::time::Duration::from_secs(10));
    let opts = CycleOptions {
        max_len: args.length.loop_bound()?,
        through: focus.into_iter().collect(),
        // Ranking every loop is exact but can be long on dense data: a map waits 10 s.
        deadline: Some(std::time::Instant::now() + search),
        ..CycleOptions::default()
    };
    let secs = search.as_secs_f64();
    let spec = if args.loops {
        let list = top_cycles(&graph, graph.hops(), &opts, MAX_LOOPS, SortKey::Amount);
        if list.end == SearchEnd::TimedOut {
            eprintln!(
                "warning: the loop search stopped after {secs} s: the loops drawn are the largest \
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
    } else {
        let base = if let Some(f) = focus {
            MapSpec::neighbourhood(&graph, f, args.radius.unwrap_or(1), &ctx.data_name)
        } else if let Some(n) = args.top {
            let keep = top_entities(&graph, n as usize);
            let title = format!("Who pays whom: the {} largest by money flow", keep.len());
            MapSpec::among(&graph, &keep, title, &ctx.data_name)
        } else {
            MapSpec::whole(&graph, &ctx.data_name)
        };
        match args.loop_no {
            None => base,
            Some(n) => {
                let n = n as usize;
                let list = top_cycles(&graph, graph.hops(), &opts, n, SortKey::Amount);
                let Some(lp) = list.cycles.get(n - 1) else {
                    let timed = if list.end == SearchEnd::TimedOut {
                        format!(" found in {secs} s")
                    } else {
                        String::new()
                    };
                    return Err(CliError::usage_help(
                        format!(
                            "--loop {n}: there are {} loops{timed} under these filters",
                            list.cycles.len()
                        ),
                        "`dealgraph cycles` lists them (with the same filters and --focus as --through)",
                    ));
                };
                base.with_loop(&graph, &lp.entities, n)
            }
        }
    };
    size_guard(&spec, args)?;
    draw::draw_within(&spec, &args.draw, ctx, args.timeout)
}

/// Refuses a map over [`MAX_ENTITIES`] or [`MAX_DEALS`] unless --force, saying how big it
/// would be and how to make it smaller.
fn size_guard(spec: &MapSpec, args: &Args) -> CliResult {
    let (e, d) = (spec.entities.len(), spec.deals.len());
    if args.force || (e <= MAX_ENTITIES && d <= MAX_DEALS) {
        return Ok(());
    }
    let mb = (d * SVG_BYTES_PER_DEAL).div_ceil(1_000_000);
    Err(CliError::usage_help(
        format!(
            "the map would have {e} entities and {d} deals (an SVG of at least {mb} MB); \
             above {MAX_ENTITIES} entities or {MAX_DEALS} deals it takes minutes to draw and \
             nobody can read it"
        ),
        "draw less with --min-amount 1B, --focus ENTITY, --top 100 or --loops, or add --force",
    ))
}
