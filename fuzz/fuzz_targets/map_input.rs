//! Shared by the `render_dot` and `render_svg` targets: turns fuzz bytes into a small dataset
//! whose entity names, notes, deal labels, rounds, sources, publishers and data label are
//! arbitrary text, loaded through the real JSON loader (the text is JSON-escaped by
//! serde_json, so the loader sees exactly the fuzzed strings), and a map of it.

use arbitrary::Arbitrary;
use dealgraph::graph::{Filter, MoneyGraph};
use dealgraph::load::{LoadOptions, load_str};
use dealgraph::model::{Dataset, DealKind, EntityId, EntityKind, Status};
use dealgraph::render::map::MapSpec;
use serde_json::{Value, json};

#[derive(Arbitrary, Debug)]
pub struct FuzzEntity {
    pub name: String,
    pub notes: Option<String>,
    pub alias: Option<String>,
    pub kind: u8,
}

#[derive(Arbitrary, Debug)]
pub struct FuzzDeal {
    pub from: u8,
    pub to: u8,
    pub kind: u8,
    pub status: u8,
    pub amount: u8,
    pub inferred: bool,
    pub label: Option<String>,
    pub round: Option<String>,
    pub notes: Option<String>,
    pub source: String,
    pub publisher: Option<String>,
}

#[derive(Arbitrary, Debug)]
pub struct MapInput {
    pub entities: Vec<FuzzEntity>,
    pub deals: Vec<FuzzDeal>,
    pub data_label: String,
    /// 0: the whole map; 1: the neighbourhood of the first entity; 2: one loop through
    /// every entity (its names go into the caption too).
    pub view: u8,
}

const AMOUNTS: &[&str] = &[
    "$1B",
    "up to $50B",
    "at least $10B",
    "about $3M",
    "undisclosed",
    "$300M",
    "$12.5B",
];

pub const MAX_ENTITIES: usize = 6;
pub const MAX_DEALS: usize = 10;

/// The JSON data file for `input`: entities `e0`.. and deals `d0`.., never a self-deal.
pub fn data_json(input: &MapInput) -> Option<String> {
    let n = input.entities.len().min(MAX_ENTITIES);
    if n < 2 {
        return None;
    }
    let entities: Vec<Value> = input.entities[..n]
        .iter()
        .enumerate()
        .map(|(i, e)| {
            // An empty name is a load error (tested elsewhere); keep the hostile rest.
            let name = if e.name.trim().is_empty() {
                format!("{}x", e.name)
            } else {
                e.name.clone()
            };
            let mut v = json!({
                "id": format!("e{i}"),
                "name": name,
                "kind": EntityKind::ALL[e.kind as usize % EntityKind::ALL.len()].as_str(),
            });
            if let Some(notes) = &e.notes {
                v["notes"] = json!(notes);
            }
            if let Some(alias) = &e.alias {
                v["aliases"] = json!([alias]);
            }
            v
        })
        .collect();
    let deals: Vec<Value> = input
        .deals
        .iter()
        .take(MAX_DEALS)
        .enumerate()
        .map(|(i, d)| {
            let from = d.from as usize % n;
            let mut to = d.to as usize % n;
            if to == from {
                to = (from + 1) % n;
            }
            let kind = DealKind::ALL[d.kind as usize % DealKind::ALL.len()];
            let mut report = json!({
                "source": d.source,
                "date": "2025-06",
                "status": Status::ALL[d.status as usize % Status::ALL.len()].as_str(),
                "amount": AMOUNTS[d.amount as usize % AMOUNTS.len()],
            });
            if let Some(p) = &d.publisher {
                report["publisher"] = json!(p);
            }
            let mut v = json!({
                "id": format!("d{i}"),
                "kind": kind.as_str(),
                "from": format!("e{from}"),
                "to": format!("e{to}"),
                "inferred": d.inferred,
                "reports": [report],
            });
            // A deal of kind other needs a label.
            match (&d.label, kind) {
                (Some(l), _) => v["label"] = json!(l),
                (None, DealKind::Other) => v["label"] = json!("other"),
                _ => {}
            }
            if let Some(r) = &d.round {
                v["round"] = json!(r);
            }
            if let Some(notes) = &d.notes {
                v["notes"] = json!(notes);
            }
            v
        })
        .collect();
    Some(json!({ "entities": entities, "deals": deals }).to_string())
}

/// Loads `input` and returns the dataset. Any text in the strings must load: a hostile name
/// is data, not an error.
pub fn dataset(input: &MapInput) -> Option<Dataset> {
    let text = data_json(input)?;
    let options = LoadOptions {
        auto_entities: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        progress: None,
    };
    match load_str("fuzz.json", &text, options) {
        Ok(loaded) => Some(loaded.dataset),
        Err(e) => {
            let why = match &e {
                dealgraph::load::LoadError::Invalid(d) => d.render(false),
                other => other.to_string(),
            };
            panic!("a dataset with hostile strings failed to load:\n{why}\n{text}");
        }
    }
}

/// The map `input` asks for.
pub fn spec(input: &MapInput, data: &Dataset) -> MapSpec {
    let graph = MoneyGraph::build(
        data,
        Filter::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
    );
    let label = input.data_label.as_str();
    match input.view % 3 {
        0 => MapSpec::whole(&graph, label),
        1 => MapSpec::neighbourhood(&graph, EntityId(0), 1, label),
        _ => {
            let all: Vec<EntityId> = data.entity_ids().collect();
            MapSpec::loops(&graph, &[all], label)
        }
    }
}
