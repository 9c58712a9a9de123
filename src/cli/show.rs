//! `dealgraph show ENTITY`: one entity, its facts, and every deal in and out with all
//! reports side by side, so conflicting accounts are visible.

use dealgraph::render::{json, show};

use super::{CliResult, Context, Format, output};

/// Show one entity, its facts, and every deal it pays or is paid, with all their reports.
///
/// Facts are valuations, revenue, commitments and the like. Every report of each deal is
/// listed, so conflicting accounts sit side by side; the standing report (newest on or before
/// --as-of) is marked ★.
///
/// A hub's table lists its first --limit deals each way and says how many more there are;
/// --format json lists every deal.
///
/// ENTITY may be an id, a name or an alias, in any case: `show aws` finds Amazon.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Entity id, name or alias.
    pub entity: String,

    /// Show at most N deals each way in the table (0 = all); --format json lists every one.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let format = ctx.format("show", &[Format::Table, Format::Json])?;
    let id = ctx.resolve(&args.entity)?;
    let graph = ctx.graph();
    let data = ctx.dataset();
    let (incoming, outgoing) = graph.neighbourhood(id);
    let bytes = if format == Format::Json {
        json::to_string(&show::document(data, id, &outgoing, &incoming))
    } else {
        show::to_text(data, id, &outgoing, &incoming, ctx.as_of(), args.limit)
    };
    output::stdout(bytes.as_bytes())
}
