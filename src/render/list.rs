//! What `dealgraph list` prints: deals (as they stand) or entities, as a table, as JSON
//! (docs/json.md), or as CSV; the deals CSV is the layout `--data` reads back. Writing it out
//! is the caller's.

use serde::Serialize;
use serde_json::Value;

use crate::graph::{DealView, MoneyGraph};
use crate::model::{Amount, Dataset, EntityId};
use crate::render::json::{self as js, DealJson};
use crate::render::show::fact_json;
use crate::render::{csv, table, text};

/// One row per deal as it stands, and a count.
pub fn deals_table(data: &Dataset, views: &[DealView<'_>]) -> String {
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
            text::report_date(&v.report()),
            table::cell_text(&sources),
        ]);
    }
    format!("{t}\n{} deal(s)\n", views.len())
}

/// An array of deal objects.
pub fn deals_json(data: &Dataset, views: &[DealView<'_>]) -> String {
    let items: Vec<DealJson<'_>> = views.iter().map(|v| DealJson::new(data, v)).collect();
    js::to_string(&items)
}

/// One row per report, in the deals-CSV layout `--data` reads back.
pub fn deals_csv(data: &Dataset, views: &[DealView<'_>]) -> csv::Result<String> {
    let rows = views.iter().flat_map(|v| {
        let d = v.deal;
        d.reports().map(move |r| {
            let amount = r.amount.value.map(|m| js::amount_usd(&Amount::exact(m)));
            [
                d.id().to_string(),
                data.entity(d.from()).id.to_string(),
                data.entity(d.to()).id.to_string(),
                d.kind().as_str().to_string(),
                d.label().unwrap_or("").to_string(),
                amount.map(|a| a.to_string()).unwrap_or_default(),
                r.amount.qualifier.as_str().to_string(),
                r.date.map(|x| x.to_string()).unwrap_or_default(),
                r.event_date.map(|x| x.to_string()).unwrap_or_default(),
                r.status.as_str().to_string(),
                r.source.to_string(),
                r.publisher.unwrap_or("").to_string(),
                r.notes.unwrap_or("").to_string(),
                d.round().unwrap_or("").to_string(),
                d.term_years().map(|y| y.to_string()).unwrap_or_default(),
                d.inferred().to_string(),
            ]
        })
    });
    let header = "id,from,to,kind,label,amount_usd,amount_qualifier,date,event_date,status,source,\
                  publisher,notes,round,term_years,inferred";
    csv::to_string(header, rows)
}

/// One row per entity with how many deals it pays and is paid, and a count.
pub fn entities_table(graph: &MoneyGraph<'_>, ids: &[EntityId]) -> String {
    let data = graph.dataset();
    let mut t = table::new_table([
        "id",
        "name",
        "kind",
        "aliases",
        "pays (deals)",
        "is paid (deals)",
    ]);
    for &id in ids {
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
    let s = if ids.len() == 1 { "y" } else { "ies" };
    format!("{t}\n{} entit{s}\n", ids.len())
}

/// An entity in `list entities --format json`; fields in sorted key order, as [`js`]
/// explains.
#[derive(Serialize)]
struct EntityJson<'a> {
    aliases: &'a [String],
    deals_in: usize,
    deals_out: usize,
    facts: Vec<Value>,
    id: &'a str,
    kind: &'static str,
    name: &'a str,
    notes: Option<&'a str>,
}

/// An array of entity objects, each with its facts and deal counts.
pub fn entities_json(graph: &MoneyGraph<'_>, ids: &[EntityId]) -> String {
    let data = graph.dataset();
    let items: Vec<EntityJson<'_>> = ids
        .iter()
        .map(|&id| {
            let e = data.entity(id);
            EntityJson {
                aliases: e.aliases(),
                deals_in: graph.incoming(id).len(),
                deals_out: graph.outgoing(id).len(),
                facts: e.facts().iter().map(fact_json).collect(),
                id: &e.id,
                kind: e.kind.as_str(),
                name: &e.name,
                notes: e.notes(),
            }
        })
        .collect();
    js::to_string(&items)
}

/// One row per entity: `id,name,kind,aliases` (aliases `;`-joined).
pub fn entities_csv(data: &Dataset, ids: &[EntityId]) -> csv::Result<String> {
    let rows = ids.iter().map(|&id| {
        let e = data.entity(id);
        [
            e.id.as_str(),
            e.name.as_str(),
            e.kind.as_str(),
            &e.aliases().join(";"),
        ]
        .map(str::to_string)
    });
    csv::to_string("id,name,kind,aliases", rows)
}
