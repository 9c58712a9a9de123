//! What `dealgraph path FROM TO` prints: the money paths of a [`PathList`], each hop with its
//! deals, as a table, as the JSON of docs/json.md, or as CSV (one row per hop). Writing it out
//! is the caller's.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::graph::{DealView, MoneyGraph};
use crate::model::EntityId;
use crate::query::paths::{MoneyPath, PathEnd, PathList, PathOptions};
use crate::query::totals::MoneyRange;
use crate::render::cells::deal_cell;
use crate::render::json::{DealJson, Shown};
use crate::render::{csv, table};

/// What was asked: the two ends, the search options and the date the deals stand on.
pub struct Asked<'a> {
    pub from: EntityId,
    pub to: EntityId,
    pub options: &'a PathOptions,
    pub as_of: NaiveDate,
}

fn hop_total(views: &[DealView<'_>]) -> MoneyRange {
    MoneyRange::of(views.iter().map(|v| v.report().amount))
}

/// The title, one table row per hop (its path's number in the first), and a closing line
/// that says whether the list is complete.
pub fn to_table(graph: &MoneyGraph<'_>, found: &PathList, asked: &Asked<'_>) -> String {
    let data = graph.dataset();
    let name = |e| table::cell_text(&data.entity(e).name);
    let (from, to) = (name(asked.from), name(asked.to));
    let max_len = asked.options.max_len;
    let mut out = format!(
        "Money paths from {from} to {to}, shortest first (up to {max_len} hops), as of {}\n",
        asked.as_of
    );
    if found.paths.is_empty() {
        let why = match found.end {
            PathEnd::TimedOut => " before --timeout ran out",
            _ => "",
        };
        out.push_str(&format!(
            "\nNo money path from {from} to {to} within {max_len} hops{why}.\n"
        ));
        return out;
    }
    let mut t = table::new_table(["#", "hop", "hop total", "deals"]);
    for (n, path) in found.paths.iter().enumerate() {
        for i in 0..path.len() {
            let first = if i == 0 {
                let s = if path.len() == 1 { "" } else { "s" };
                format!("{}\n({} hop{s})", n + 1, path.len())
            } else {
                String::new()
            };
            let views = path.hop_deals(graph, i);
            let deals: Vec<String> = views.iter().map(deal_cell).collect();
            t.add_row(vec![
                first,
                format!(
                    "{} → {}",
                    name(path.entities[i]),
                    name(path.entities[i + 1])
                ),
                hop_total(&views).to_string(),
                deals.join("\n"),
            ]);
        }
    }
    out.push_str(&format!("{t}\n{} path(s)", found.paths.len()));
    match found.end {
        PathEnd::Complete => out.push_str(".\n"),
        PathEnd::Limited => out.push_str(&format!(
            "; more exist: the first {} are shown (raise --limit to see more).\n",
            asked.options.limit
        )),
        PathEnd::TimedOut => out.push_str("; --timeout ran out, so longer paths may be missing.\n"),
    }
    out
}

/// The paths as CSV, one row per hop: `path` (its number, from 1), `length` (its hops),
/// `hop` (from 1), the hop's `from` and `to` entity ids, over its deals' standing reports
/// `undisclosed` (deals with no amount), `stated_usd`, `min_usd` and `max_usd` (empty when
/// open), and its `deals` (ids, `;`-joined).
pub fn to_csv(graph: &MoneyGraph<'_>, found: &PathList) -> csv::Result<String> {
    let data = graph.dataset();
    let mut rows = Vec::new();
    for (n, path) in found.paths.iter().enumerate() {
        for i in 0..path.len() {
            let views = path.hop_deals(graph, i);
            let total = hop_total(&views);
            let deals: Vec<String> = views.iter().map(|v| v.deal.id().to_string()).collect();
            rows.push([
                (n + 1).to_string(),
                path.len().to_string(),
                (i + 1).to_string(),
                data.entity(path.entities[i]).id.to_string(),
                data.entity(path.entities[i + 1]).id.to_string(),
                total.undisclosed.to_string(),
                total.stated.to_json_number().to_string(),
                total.min.to_json_number().to_string(),
                total
                    .max()
                    .map(|m| m.to_json_number().to_string())
                    .unwrap_or_default(),
                deals.join(";"),
            ]);
        }
    }
    csv::to_string(
        "path,length,hop,from,to,undisclosed,stated_usd,min_usd,max_usd,deals",
        rows,
    )
}

/// The JSON document of `path` (docs/json.md). Fields of every view here are in sorted
/// order, as a `serde_json::Value` prints its keys.
pub fn to_json(graph: &MoneyGraph<'_>, found: &PathList, asked: &Asked<'_>) -> String {
    let data = graph.dataset();
    let id = |e: EntityId| data.entity(e).id.as_str();
    let doc = PathsJson {
        as_of: Shown(asked.as_of),
        complete: found.end == PathEnd::Complete,
        end: match found.end {
            PathEnd::Complete => "complete",
            PathEnd::Limited => "limited",
            PathEnd::TimedOut => "timed-out",
        },
        from: id(asked.from),
        limit: asked.options.limit,
        max_len: asked.options.max_len,
        paths: found
            .paths
            .iter()
            .map(|p| PathJson::new(graph, p))
            .collect(),
        to: id(asked.to),
    };
    crate::render::json::to_string(&doc)
}

#[derive(Serialize)]
struct PathsJson<'a> {
    as_of: Shown<NaiveDate>,
    complete: bool,
    end: &'static str,
    from: &'a str,
    limit: usize,
    max_len: usize,
    paths: Vec<PathJson<'a>>,
    to: &'a str,
}

#[derive(Serialize)]
struct PathJson<'a> {
    entities: Vec<&'a str>,
    hops: Vec<HopJson<'a>>,
    length: usize,
}

#[derive(Serialize)]
struct HopJson<'a> {
    deals: Vec<DealJson<'a>>,
    from: &'a str,
    to: &'a str,
    total: Value,
}

impl<'a> PathJson<'a> {
    fn new(graph: &MoneyGraph<'a>, path: &MoneyPath) -> Self {
        let data = graph.dataset();
        let id = |e: EntityId| data.entity(e).id.as_str();
        let hops = (0..path.len())
            .map(|i| {
                let views = path.hop_deals(graph, i);
                HopJson {
                    deals: views.iter().map(|v| DealJson::new(data, v)).collect(),
                    from: id(path.entities[i]),
                    to: id(path.entities[i + 1]),
                    total: hop_total(&views).to_json(),
                }
            })
            .collect();
        PathJson {
            entities: path.entities.iter().map(|&e| id(e)).collect(),
            hops,
            length: path.len(),
        }
    }
}
