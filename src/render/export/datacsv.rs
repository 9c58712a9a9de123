//! dealgraph's own data format as CSV (docs/data-format.md, "CSV"): `entities.csv`
//! (`id,name,kind,aliases,notes`) and `deals.csv` (one row per report, every deal column),
//! which `--data FOLDER` reads back. CSV holds no entity facts and no `;` inside an alias
//! (aliases are `;`-separated): use `export json` or `export toml` for those.

use crate::graph::MoneyGraph;
use crate::model::Amount;

use super::columnar::{finish, table};
use super::json::dollars;
use super::{ExportFile, nodes};

/// The deal columns, in the order of docs/data-format.md.
const DEAL_HEADER: [&str; 18] = [
    "id",
    "from",
    "to",
    "kind",
    "label",
    "amount_usd",
    "amount_qualifier",
    "date",
    "event_date",
    "status",
    "source",
    "publisher",
    "notes",
    "round",
    "term_years",
    "valuation_usd",
    "stake_pct",
    "inferred",
];

/// `entities.csv` and `deals.csv` of `graph`: every entity of [`nodes`], every deal that
/// passes the filter with all its reports.
pub fn to_data_csv(graph: &MoneyGraph<'_>) -> Vec<ExportFile> {
    let data = graph.dataset();
    let mut entities = table(["id", "name", "kind", "aliases", "notes"]);
    for (_, e) in nodes(graph) {
        let aliases = e.aliases().join(";");
        let _ = entities.write_record([
            e.id.as_str(),
            e.name.as_str(),
            e.kind.as_str(),
            &aliases,
            e.notes().unwrap_or(""),
        ]);
    }
    let mut deals = table(DEAL_HEADER);
    for view in graph.deals() {
        let d = view.deal;
        let deal_fields = [
            d.round().unwrap_or("").to_string(),
            d.term_years().map(|y| y.to_string()).unwrap_or_default(),
            d.valuation().as_ref().map(amount_text).unwrap_or_default(),
            d.stake_pct().map(|p| p.to_string()).unwrap_or_default(),
            d.inferred().to_string(),
        ];
        for r in d.reports() {
            let date = r.date.map(|x| x.to_string()).unwrap_or_default();
            let event = r.event_date.map(|x| x.to_string()).unwrap_or_default();
            let amount = r.amount.value.map(dollars).unwrap_or_default();
            let id = d.id().to_string();
            let lead = [
                id.as_str(),
                data.entity(d.from()).id.as_str(),
                data.entity(d.to()).id.as_str(),
                d.kind().as_str(),
                d.label().unwrap_or(""),
                &amount,
                r.amount.qualifier.as_str(),
                &date,
                &event,
                r.status.as_str(),
                r.source,
                r.publisher.unwrap_or(""),
                r.notes.unwrap_or(""),
            ];
            let _ = deals.write_record(
                lead.into_iter()
                    .chain(deal_fields.iter().map(String::as_str)),
            );
        }
    }
    vec![
        ExportFile::new("entities.csv", finish(entities)),
        ExportFile::new("deals.csv", finish(deals)),
    ]
}

/// An amount with its qualifier in words: "up to 830000000000".
fn amount_text(a: &Amount) -> String {
    a.value
        .map(|v| format!("{}{}", a.qualifier.prefix(), dollars(v)))
        .unwrap_or_default()
}
