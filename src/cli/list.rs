//! `dealgraph list entities|deals`: everything in the data, filtered and sorted.

use clap::ValueEnum;
use serde_json::{Value, json};

use dealgraph::graph::DealView;
use dealgraph::model::{Dataset, DealKind, EntityKind};
use dealgraph::render::{json as js, table, text};

use super::{CliError, CliResult, Context, Format, output};

/// List entities or deals.
///
/// Deals are shown as they stand on --as-of (their newest report by then), after the global
/// filters (--status, --kinds, --min-amount, --without, --no-inferred). Sorted by payer,
/// payee, kind and id.
///
/// Examples:
///   dealgraph list deals
///   dealgraph list deals --involving openai --status in-talks
///   dealgraph list deals --format csv > deals.csv     (loads back with --data deals.csv)
///   dealgraph list entities --kind sovereign-fund
#[derive(Debug, clap::Args)]
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
    views.sort_by(|a, b| {
        let (x, y) = (a.deal, b.deal);
        (
            &data.entity(x.from()).id,
            &data.entity(x.to()).id,
            x.kind(),
            &x.id(),
        )
            .cmp(&(
                &data.entity(y.from()).id,
                &data.entity(y.to()).id,
                y.kind(),
                &y.id(),
            ))
    });
    let bytes = match format {
        Format::Json => {
            let items: Vec<Value> = views.iter().map(|v| js::deal_json(data, v)).collect();
            js::to_string(&Value::Array(items)).into_bytes()
        }
        Format::Csv => deals_csv(data, &views)?,
        _ => deals_table(data, &views).into_bytes(),
    };
    output::stdout(&bytes)
}

fn deals_table(data: &Dataset, views: &[DealView<'_>]) -> String {
    let mut t = table::new_table([
        "deal",
        "payer → payee",
        "kind",
        "amount",
        "status",
        "date",
        "reported by",
    ]);
    for v in views {
        let d = v.deal;
        let mut kind = d.kind_label().to_string();
        if d.inferred() {
            kind.push_str(" (inferred)");
        }
        if let Some(years) = d.term_years() {
            kind.push_str(&format!(", {years}y"));
        }
        let others = d.reports().len() - 1;
        let sources = if others == 0 {
            text::reporter(&v.report()).to_string()
        } else {
            format!("{} +{others} more", text::reporter(&v.report()))
        };
        t.add_row(vec![
            table::cell_text(&d.id()),
            table::cell_text(&format!(
                "{} → {}",
                data.entity(d.from()).name,
                data.entity(d.to()).name
            )),
            table::cell_text(&kind),
            v.report().amount.to_string(),
            text::status_words(v.report().status).to_string(),
            v.report()
                .date
                .map_or_else(|| "undated".into(), |d| d.to_string()),
            table::cell_text(&sources),
        ]);
    }
    format!("{t}\n{} deal(s)\n", views.len())
}

/// One row per report, in the deals-CSV layout `--data` reads back.
fn deals_csv(data: &Dataset, views: &[DealView<'_>]) -> CliResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "from",
        "to",
        "kind",
        "label",
        "amount_usd",
        "amount_qualifier",
        "date",
        "status",
        "source",
        "publisher",
        "notes",
        "round",
        "term_years",
        "inferred",
    ];
    w.write_record(header).map_err(anyhow::Error::from)?;
    for v in views {
        let d = v.deal;
        for r in d.reports() {
            let amount = r
                .amount
                .value
                .map(|m| js::amount_usd(&dealgraph::model::Amount::exact(m)).to_string());
            w.write_record([
                d.id().as_str(),
                &data.entity(d.from()).id,
                &data.entity(d.to()).id,
                d.kind().as_str(),
                d.label().unwrap_or(""),
                amount.as_deref().unwrap_or(""),
                r.amount.qualifier.as_str(),
                &r.date.map(|x| x.to_string()).unwrap_or_default(),
                r.status.as_str(),
                r.source,
                r.publisher.unwrap_or(""),
                r.notes.unwrap_or(""),
                d.round().unwrap_or(""),
                &d.term_years().map(|y| y.to_string()).unwrap_or_default(),
                if d.inferred() { "true" } else { "false" },
            ])
            .map_err(anyhow::Error::from)?;
        }
    }
    w.into_inner()
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))
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
    ids.sort_by(|a, b| data.entity(*a).id.cmp(&data.entity(*b).id));
    let bytes = match format {
        Format::Json => {
            let items: Vec<Value> = ids
                .iter()
                .map(|&id| {
                    let e = data.entity(id);
                    json!({
                        "id": e.id, "name": e.name, "kind": e.kind.as_str(), "aliases": e.aliases(),
                        "notes": e.notes(),
                        "deals_out": graph.outgoing(id).len(), "deals_in": graph.incoming(id).len(),
                        "facts": e.facts().iter().map(super::show::fact_json).collect::<Vec<_>>(),
                    })
                })
                .collect();
            js::to_string(&Value::Array(items)).into_bytes()
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["id", "name", "kind", "aliases"])
                .map_err(anyhow::Error::from)?;
            for &id in &ids {
                let e = data.entity(id);
                w.write_record([
                    e.id.as_str(),
                    &e.name,
                    e.kind.as_str(),
                    &e.aliases().join(";"),
                ])
                .map_err(anyhow::Error::from)?;
            }
            w.into_inner()
                .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?
        }
        _ => {
            let mut t = table::new_table([
                "id",
                "name",
                "kind",
                "aliases",
                "pays (deals)",
                "is paid (deals)",
            ]);
            for &id in &ids {
                let e = data.entity(id);
                t.add_row(vec![
                    table::cell_text(&e.id),
                    table::cell_text(&e.name),
                    e.kind.to_string(),
                    table::cell_text(&e.aliases().join(", ")),
                    graph.outgoing(id).len().to_string(),
                    graph.incoming(id).len().to_string(),
                ]);
            }
            format!(
                "{t}\n{} entit{}\n",
                ids.len(),
                if ids.len() == 1 { "y" } else { "ies" }
            )
            .into_bytes()
        }
    };
    output::stdout(&bytes)
}
