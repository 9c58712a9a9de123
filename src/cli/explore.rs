//! `dealgraph explore`: one self-contained, interactive HTML map (search, filters, a date
//! slider, the loops), written atomically to a file.

use std::path::PathBuf;

use dealgraph::render::html::{self, ExploreOptions, Selection};

use super::{CliError, CliResult, Context, LengthArgs, output};

/// Write an interactive map of who pays whom as one HTML file that works offline.
///
/// The page shows the same boxes, colours and line styles as `map`, and adds: search by name
/// or alias; filters by deal kind and status; a date slider that replays the graph as of the
/// end of any month in the data (deals appear, change status and vanish as their reports do,
/// and loops come and go with them); the circular-financing loops ranked as `cycles` ranks
/// them (choose one to highlight it); an entity's stakeholders and a deal's reports on click.
///
/// The file needs no network: the drawing library (Cytoscape.js, MIT) and the data are inside
/// it. The global filters apply: --as-of is the slider's last date, --status chooses the
/// statuses shown at first, and --kinds, --min-amount, --without and --no-inferred choose the
/// deals.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Explore options")]
#[command(after_help = "EXAMPLES:
  dealgraph explore --out map.html                      the bundled data
  dealgraph explore --data deals.csv --out deals.html   your own data
  dealgraph explore --min-amount 1B --out big.html      only deals of $1B or more")]
pub struct Args {
    /// Write the page to this file (atomically); without it, to stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,

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
    let selection = Selection::new(ctx.dataset(), &ctx.filter);
    let count = selection.entities.len();
    if count > MAX_ENTITIES && !args.force {
        return Err(CliError::usage_help(
            format!(
                "the page would have {count} entities; above {MAX_ENTITIES} a browser takes long \
                 to open it"
            ),
            "keep fewer deals with --min-amount, --kinds or --as-of, or add --force",
        ));
    }
    let options = ExploreOptions {
        max_len,
        ..ExploreOptions::default()
    };
    let page = html::page_data(
        ctx.dataset(),
        &ctx.filter,
        &selection,
        &ctx.data_name,
        &options,
    );
    let text = html::to_html(&page);
    match &args.out {
        Some(path) => output::file(ctx, path, text.as_bytes()),
        None => output::stdout(text.as_bytes()),
    }
}
