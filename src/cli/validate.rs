//! `dealgraph validate`: load the data, report every problem, and summarise what was read.

use serde_json::json;

use super::{CliResult, Context, Format, output};

/// Check data files and report every problem with its file, line and column.
///
/// Exits 0 when the data loads (warnings are printed on stderr), 1 when it has errors,
/// 2 when the arguments are wrong. With no --data it checks the bundled seeds.
///
/// Example: dealgraph validate --data deals.csv --data entities.toml
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args, ctx: &Context) -> CliResult {
    let format = ctx.format("validate", &[Format::Table, Format::Json])?;
    let data = ctx.dataset();
    let warnings = &ctx.loaded.warnings;
    if format == Format::Json {
        let items: Vec<_> = warnings
            .items
            .iter()
            .map(|d| {
                json!({
                    "severity": "warning",
                    "message": d.message,
                    "location": d.location(&warnings.files),
                    "help": d.help,
                })
            })
            .collect();
        let value = json!({
            "ok": true,
            "entities": data.entities().len(),
            "deals": data.deals().len(),
            "reports": data.report_count(),
            "sources": data.source_count(),
            "auto_created_entities": ctx.loaded.auto_created,
            "warnings": items,
        });
        return output::stdout(dealgraph::render::json::to_string(&value).as_bytes());
    }
    if !warnings.items.is_empty() {
        eprint!("{}", warnings.render(ctx.color));
    }
    if ctx.loaded.auto_created > 0 {
        eprintln!(
            "warning: --auto-entities created {} entities that no file declares",
            ctx.loaded.auto_created
        );
    }
    let line = format!(
        "ok: {} entities, {} deals, {} reports, {} sources ({}; {} warning(s))\n",
        data.entities().len(),
        data.deals().len(),
        data.report_count(),
        data.source_count(),
        ctx.data_label,
        warnings.warning_count(),
    );
    output::stdout(line.as_bytes())
}
