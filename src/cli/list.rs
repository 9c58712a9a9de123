//! `dealgraph list entities|deals`: everything in the data, filtered and sorted.

use clap::ValueEnum;

use dealgraph::graph::DealView;
use dealgraph::model::{DealKind, EntityKind};
use dealgraph::render::list as render;

use super::{CliError, CliResult, Context, Format, output};

/// List entities or deals.
///
/// Deals are shown as they stand on --as-of (their newest report by then), after the global
/// filters (--status, --kinds, --min-amount, --without, --no-inferred). Sorted by payer,
/// payee, kind and id.
///
/// Formats: table (default), json, csv (for deals, one row per report: loads back with --data).
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  dealgraph list deals
  dealgraph list deals --involving openai --status in-talks
  dealgraph list deals --format csv > deals.csv     loads back with --data deals.csv
  dealgraph list entities --kind sovereign-fund")]
pub struct Args {
    /// What to list.
    #[arg(value_enum)]
    pub what: What,

    /// Only this kind: an entity kind for `entities`, a deal kind for `deals`.
    #[arg(long)]
    pub kind: Option<String>,

    /// Only deals paid by or to this entity (id, name or alias).
    #[arg(long, value_name = "ENTITY")]
    pub involving: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum What {
    Entities,
    Deals,
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let format = ctx.format("list", &[Format::Table, Format::Json, Format::Csv])?;
    match args.what {
        What::Deals => deals(args, ctx, format),
        What::Entities => entities(args, ctx, format),
    }
}

fn deals(args: &Args, ctx: &Context, format: Format) -> CliResult {
    let kind = match &args.kind {
        Some(k) => Some(k.parse::<DealKind>().map_err(CliError::usage)?),
        None => None,
    };
    let involving = args
        .involving
        .as_deref()
        .map(|n| ctx.resolve(n))
        .transpose()?;
    let graph = ctx.graph();
    let data = ctx.dataset();
    let mut views: Vec<DealView<'_>> = graph
        .deals()
        .filter(|v| kind.is_none_or(|k| v.deal.kind() == k))
        .filter(|v| involving.is_none_or(|e| v.deal.from() == e || v.deal.to() == e))
        .collect();
    views.sort_by_key(|v| {
        let d = v.deal;
        let id = |e| &data.entity(e).id;
        (id(d.from()), id(d.to()), d.kind(), d.id())
    });
    let text = match format {
        Format::Json => render::deals_json(data, &views),
        Format::Csv => render::deals_csv(data, &views).map_err(anyhow::Error::from)?,
        _ => render::deals_table(data, &views),
    };
    output::stdout(text.as_bytes())
}

fn entities(args: &Args, ctx: &Context, format: Format) -> CliResult {
    let kind = match &args.kind {
        Some(k) => Some(k.parse::<EntityKind>().map_err(CliError::usage)?),
        None => None,
    };
    let graph = ctx.graph();
    let data = ctx.dataset();
    let mut ids: Vec<_> = data
        .entity_ids()
        .filter(|&id| graph.contains(id))
        .filter(|&id| kind.is_none_or(|k| data.entity(id).kind == k))
        .collect();
    if let Some(name) = &args.involving {
        let other = ctx.resolve(name)?;
        ids.retain(|&id| {
            graph.outgoing(id).iter().any(|v| v.deal.to() == other)
                || graph.incoming(id).iter().any(|v| v.deal.from() == other)
        });
    }
    ids.sort_by_key(|&id| &data.entity(id).id);
    let text = match format {
        Format::Json => render::entities_json(&graph, &ids),
        Format::Csv => render::entities_csv(data, &ids).map_err(anyhow::Error::from)?,
        _ => render::entities_table(&graph, &ids),
    };
    output::stdout(text.as_bytes())
}
