//! `dealgraph map`: draw who pays whom as a relationship map (Graphviz DOT or SVG): the whole
//! graph, one entity's neighbourhood, or only the circular-financing loops.

use std::path::{Path, PathBuf};

use dealgraph::model::EntityId;
use dealgraph::query::cycles::{CycleOptions, SearchEnd, SortKey, collect_cycles};
use dealgraph::render::map::MapSpec;
use dealgraph::render::{dot, svg};

use super::{CliError, CliResult, Context, Format, LengthArgs, output};

/// Draw a map of who pays whom, as Graphviz DOT or SVG.
///
/// Boxes are entities, arrows are deals pointing the way cash flows (payer → payee),
/// coloured by kind (investment, cloud, chips, loan, revenue), dashed while in talks, dotted
/// when rumoured, thicker for larger amounts.
///
/// Writes Graphviz DOT to stdout by default. With --out FILE the format follows the file's
/// extension (.svg, .dot or .gv) unless --format says otherwise; files are written
/// atomically. SVG is drawn by Graphviz when its `dot` program is installed, and by the
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

/// How a map is written: format, engine, layout, file. Shared by `map` and `cycles`
/// (flatten it into a command's Args and call [`draw`]).
#[derive(Debug, clap::Args)]
pub struct DrawArgs {
    /// Who draws SVG: `graphviz` (needs Graphviz's `dot` on PATH), `builtin` (pure Rust,
    /// nothing to install) or `auto` (Graphviz when installed, else builtin). Default: auto.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub engine: Option<EngineArg>,

    /// Graphviz layout: `dot` (layered, left to right; the default), `neato` or `sfdp`
    /// (spring models), `circo` (circular). With --format dot it is written into the file.
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub layout: Option<LayoutArg>,

    /// Write to this file (atomically) instead of stdout; .svg, .dot or .gv picks the format.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Say on stderr what was drawn and which engine drew it.
    #[arg(long)]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
    Auto,
    Graphviz,
    Builtin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    Dot,
    Neato,
    Sfdp,
    Circo,
}

impl LayoutArg {
    fn checked(self) -> svg::GraphvizLayout {
        match self {
            LayoutArg::Dot => svg::GraphvizLayout::Dot,
            LayoutArg::Neato => svg::GraphvizLayout::Neato,
            LayoutArg::Sfdp => svg::GraphvizLayout::Sfdp,
            LayoutArg::Circo => svg::GraphvizLayout::Circo,
        }
    }
}

/// The most loops collected by `--loops`.
const MAX_LOOPS: usize = 1000;

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    // Check the output options before any work.
    map_format(ctx, &args.draw)?;
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
        let hops = graph.hops();
        let opts = CycleOptions {
            max_len: args.length.loop_bound()?,
            through: focus.into_iter().collect(),
            ..CycleOptions::default()
        };
        let list = collect_cycles(&graph, hops, &opts, Some(MAX_LOOPS), SortKey::Amount);
        if list.end == SearchEnd::Stopped {
            eprintln!(
                "warning: more than {MAX_LOOPS} loops; drawing the first {MAX_LOOPS} (narrow \
                 them down with --focus, --min-amount or --kinds)"
            );
        }
        let found: Vec<Vec<EntityId>> = list.cycles.into_iter().map(|c| c.entities).collect();
        let mut spec = MapSpec::loops(&graph, &found, &ctx.data_label);
        if let Some(f) = focus {
            spec.focus = Some(f);
            spec.title = format!("{} through {}", spec.title, ctx.dataset().entity(f).name);
        }
        if spec.loops.is_empty() {
            spec.notes
                .push("No circular-financing loops under these filters.".to_string());
        }
        spec
    } else if let Some(f) = focus {
        MapSpec::neighbourhood(&graph, f, args.radius.unwrap_or(1), &ctx.data_label)
    } else {
        MapSpec::whole(&graph, &ctx.data_label)
    };
    draw(&spec, &args.draw, ctx)
}

/// The format of a map: --format (dot or svg) if given, else the --out extension, else DOT;
/// a usage error for --engine with DOT and --layout with the builtin engine.
pub fn map_format(ctx: &Context, args: &DrawArgs) -> CliResult<Format> {
    let format = choose_format(ctx, args.out.as_deref())?;
    if format == Format::Dot && args.engine.is_some() {
        return Err(CliError::usage_help(
            "--engine chooses who draws SVG, and this map is written as DOT",
            "add --format svg, or write to a .svg file with --out",
        ));
    }
    if args.engine == Some(EngineArg::Builtin) && args.layout.is_some_and(|l| l != LayoutArg::Dot) {
        return Err(CliError::usage_help(
            "--layout is a Graphviz layout; the builtin engine always draws a layered map",
            "drop --layout, or use --engine graphviz",
        ));
    }
    Ok(format)
}

/// Renders `spec` as DOT or SVG, as `args` and --format ask, to stdout or `--out`.
pub fn draw(spec: &MapSpec, args: &DrawArgs, ctx: &Context) -> CliResult {
    let format = map_format(ctx, args)?;
    if args.verbose {
        eprintln!(
            "map: {} entities, {} deals, {} loops highlighted",
            spec.entities.len(),
            spec.deals.len(),
            spec.loops.len()
        );
    }
    let data = ctx.dataset();
    let bytes = match format {
        Format::Dot => match args.layout {
            Some(layout) => dot::to_dot_with_layout(spec, data, layout.checked().name()),
            None => dot::to_dot(spec, data),
        },
        _ => {
            let engine = match args.engine.unwrap_or(EngineArg::Auto) {
                EngineArg::Auto => svg::Engine::Auto,
                EngineArg::Graphviz => svg::Engine::Graphviz,
                EngineArg::Builtin => svg::Engine::Builtin,
            };
            let options = svg::SvgOptions {
                engine,
                layout: args
                    .layout
                    .map_or(svg::GraphvizLayout::Dot, LayoutArg::checked),
            };
            let drawn = svg::render(spec, data, options).map_err(|e| match e {
                svg::SvgError::GraphvizMissing => CliError::usage_help(
                    e.to_string(),
                    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew \
                     install graphviz), or use --engine builtin",
                ),
                other => CliError::Other(other.into()),
            })?;
            if drawn.engine == svg::Drawn::Builtin
                && args.layout.is_some_and(|l| l != LayoutArg::Dot)
            {
                eprintln!(
                    "warning: --layout needs Graphviz, which is not on PATH; the builtin \
                     engine drew a layered map"
                );
            }
            if args.verbose {
                eprintln!("engine: {}", drawn.reason);
            }
            drawn.text
        }
    };
    match &args.out {
        Some(path) => {
            output::file(ctx, path, bytes.as_bytes())?;
            if args.verbose {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        None => output::stdout(bytes.as_bytes()),
    }
}

/// --format if given, else the --out extension, else DOT.
fn choose_format(ctx: &Context, out: Option<&Path>) -> CliResult<Format> {
    let from_ext = out.and_then(|p| p.extension()).map(|e| {
        match e.to_string_lossy().to_ascii_lowercase().as_str() {
            "svg" => Some(Format::Svg),
            "dot" | "gv" => Some(Format::Dot),
            _ => None,
        }
    });
    if ctx.format.is_some() {
        let format = ctx.format("map", &[Format::Dot, Format::Svg])?;
        if let Some(Some(ext)) = from_ext
            && ext != format
        {
            return Err(CliError::usage_help(
                format!(
                    "--format {} does not match --out {}",
                    format.name(),
                    out.map(|p| p.display().to_string()).unwrap_or_default()
                ),
                "make them agree, or drop --format and let the extension decide",
            ));
        }
        return Ok(format);
    }
    match from_ext {
        None => Ok(Format::Dot),
        Some(Some(f)) => Ok(f),
        Some(None) => Err(CliError::usage_help(
            format!(
                "cannot tell the format of {}",
                out.map(|p| p.display().to_string()).unwrap_or_default()
            ),
            "name the file .svg or .dot, or say --format svg|dot",
        )),
    }
}
