//! `dealgraph validate`: load the data, report every problem, and summarise what was read.

use dealgraph::render::validate as render;

use super::{CliResult, Context, Format, output};

/// Check data files and report every problem with its file, line and column.
///
/// Exits 0 when the data loads (warnings are printed on stderr), 1 when it has errors,
/// 2 when the arguments are wrong. With no --data it checks the bundled seeds.
///
/// Formats: table (default: a one-line summary), json (the counts and every warning).
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  dealgraph validate
  dealgraph validate --data deals.csv --data entities.toml")]
pub struct Args {}

pub fn run(_args: &Args, ctx: &Context) -> CliResult {
    let format = ctx.format("validate", &[Format::Table, Format::Json])?;
    if format == Format::Json {
        return output::stdout(render::to_json(&ctx.loaded).as_bytes());
    }
    let warnings = &ctx.loaded.warnings;
    if !warnings.items.is_empty() {
        eprint!("{}", warnings.render(ctx.color));
    }
    if ctx.loaded.auto_created > 0 {
        eprintln!(
            "warning: --auto-entities created {} entities that no file declares",
            ctx.loaded.auto_created
        );
    }
    output::stdout(render::summary(&ctx.loaded, &ctx.data_label).as_bytes())
}
