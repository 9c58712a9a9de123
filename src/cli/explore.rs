//! `dealgraph explore`: one self-contained, interactive HTML map (search, filters, a date
//! slider, the loops), written atomically to a file.

use std::path::PathBuf;

use dealgraph::render::html::{self, ExploreOptions, Scope};

use super::{CliError, CliResult, Context, LengthArgs, output};

/// Write an interactive map of who pays whom as one HTML file that works offline.
///
/// The page shows the same boxes, colours and line styles as `map`, and adds: search by name
/// or alias; filters by deal kind, status and evidence grade; a date slider that replays the graph as of the
/// end of any month in the data (deals appear, change status and vanish as their reports do,
/// and loops come and go with them); the circular-financing loops ranked as `cycles` ranks
/// them (choose one to highlight it); an entity's stakeholders and a deal's reports on click.
///
/// The file needs no network: the drawing library (Cytoscape.js, MIT) and the data are inside
/// it. The global filters apply: --as-of is the slider's last date, --status chooses the
/// statuses shown at first, and --kinds, --min-amount, --without and --no-inferred choose the
/// deals. --focus keeps one entity's neighbourhood, as `map --focus`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Explore options")]
#[command(after_help = "EXAMPLES:
  dealgraph explore --out map.html                      the bundled data
  dealgraph explore --data deals.csv --out deals.html   your own data
  dealgraph explore --min-amount 1B --out big.html      only deals of $1B or more
  dealgraph explore --focus openai --radius 2 --out openai.html   OpenAI's neighbourhood")]
pub struct Args {
    /// Write the page to this file (atomically); without it, to stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Centre the page on this entity (id, name or alias): it and everyone within --radius
    /// deals of it (at any date up to --as-of), whichever way the money flows, with every
    /// deal among them.
    #[arg(long, value_name = "ENTITY")]
    pub focus: Option<String>,

    /// With --focus: how many deals away to go. Default: 1.
    #[arg(long, value_name = "N", requires = "focus")]
    pub radius: Option<usize>,

    /// Write the page even when it has more than 5,000 entities (a browser then takes
    /// long to open it).
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub length: LengthArgs,
}

/// Above this many entities a page opens slowly (see docs/explore.md): say so, unless --force.
pub const MAX_ENTITIES: usize = 5_000;

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    if let Some(format) = ctx.format {
        return Err(CliError::usage_help(
            format!("`explore` writes HTML, not {}", format.name()),
            "drop --format",
        ));
    }
    let max_len = args.length.loop_bound()?;
    let data = ctx.dataset();
    let (scope, title) = match &args.focus {
        None => (Scope::new(data, &ctx.filter), "Who pays whom".to_string()),
        Some(name) => {
            let id = ctx.resolve(name)?;
            let entity = &data.entity(id).name;
            if ctx.filter.without.contains(&id) {
                return Err(CliError::usage(format!(
                    "--focus {name:?} is left out by --without"
                )));
            }
            let radius = args.radius.unwrap_or(1);
            let Some(scope) = Scope::around(data, &ctx.filter, id, radius) else {
                return Err(CliError::usage_help(
                    format!("--focus {name:?}: {entity} has no deal under these filters"),
                    "check its deals with `dealgraph show`, or change --as-of, --kinds or --min-amount",
                ));
            };
            (scope, format!("Who pays whom around {entity}"))
        }
    };
    let count = scope.entity_count();
    if count > MAX_ENTITIES && !args.force {
        return Err(CliError::usage_help(
            format!(
                "the page would have {count} entities; above {MAX_ENTITIES} a browser takes long \
                 to open it"
            ),
            "keep fewer with --min-amount, --kinds, --as-of or --focus ENTITY, or add --force",
        ));
    }
    let options = ExploreOptions {
        max_len,
        ..ExploreOptions::default()
    };
    let page = scope.page_data(&title, &ctx.data_name, &options);
    let text = html::to_html(&page);
    match &args.out {
        Some(path) => output::file(ctx, path, text.as_bytes()),
        None => output::stdout(text.as_bytes()),
    }
}
