//! dealgraph's own data format as JSON (docs/data-format.md): every entity with its aliases,
//! notes and facts, every deal with every report, exact amounts and qualifiers, so the file
//! can be read again with `--data`.

use serde::Serialize;
use serde_json::{Number, Value};

use crate::graph::MoneyGraph;
use crate::model::{Amount, DealRef, Entity, Fact, Money, PartialDate, ReportRef};
use crate::render::json::Shown;

use super::nodes;

#[derive(Serialize)]
struct Document<'a> {
    entities: Vec<EntityData<'a>>,
    deals: Vec<DealData<'a>>,
}

#[derive(Serialize)]
struct EntityData<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    facts: Vec<FactData<'a>>,
}

#[derive(Serialize)]
struct FactData<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_usd: Option<Value>,
    qualifier: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<&'a str>,
    date: Shown<PartialDate>,
    source: &'a str,
    publisher: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
}

#[derive(Serialize)]
struct DealData<'a> {
    id: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    from: &'a str,
    to: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    round: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    term_years: Option<u32>,
    /// An amount in words with its qualifier ("up to 830000000000"): the field takes text.
    #[serde(skip_serializing_if = "Option::is_none")]
    valuation_usd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stake_pct: Option<f64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inferred: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    reports: Vec<ReportData<'a>>,
}

#[derive(Serialize)]
struct ReportData<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Shown<PartialDate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_date: Option<Shown<PartialDate>>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_usd: Option<Value>,
    qualifier: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
}

/// The data file of `graph`: the entities of [`nodes`] and the deals that pass the filter,
/// each with all its reports (not only the standing one).
pub fn to_json(graph: &MoneyGraph<'_>) -> Vec<u8> {
    let document = document(graph);
    let size = 512 * (document.deals.len() + document.entities.len()) + 64;
    crate::render::json::to_string_sized(&document, size).into_bytes()
}

/// The same data file as TOML (`[[entities]]`, `[[deals]]`, `[[deals.reports]]`: the plural
/// keys the loader reads as it reads `[[entity]]`...), which `--data` reads back.
/// Amounts with cents are written as strings (`amount_usd = "1.05"`): the toml crate prints
/// floats its own way, and the loader reads the text either way.
pub fn to_toml(graph: &MoneyGraph<'_>) -> Vec<u8> {
    let value = serde_json::to_value(document(graph)).expect("the data file serialises");
    toml::to_string(&toml_value(value))
        .expect("the data file has only tables, arrays, strings and numbers")
        .into_bytes()
}

/// `value` as TOML: integers as integers, every other number as its exact JSON text in a
/// string. Built by hand because serde_json's `arbitrary_precision` numbers (money is exact)
/// serialise as a private struct that only serde_json's own writer reads.
fn toml_value(value: Value) -> toml::Value {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| toml::Value::String(n.to_string()), toml::Value::Integer),
        Value::String(s) => toml::Value::String(s),
        Value::Bool(b) => toml::Value::Boolean(b),
        Value::Array(items) => toml::Value::Array(items.into_iter().map(toml_value).collect()),
        Value::Object(fields) => toml::Value::Table(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, toml_value(v)))
                .collect(),
        ),
        // The document skips absent fields, so there are no nulls outside tables.
        Value::Null => toml::Value::String(String::new()),
    }
}

fn document<'a>(graph: &MoneyGraph<'a>) -> Document<'a> {
    let data = graph.dataset();
    Document {
        entities: nodes(graph).into_iter().map(|(_, e)| entity(e)).collect(),
        deals: graph
            .deals()
            .map(|view| {
                deal(
                    view.deal,
                    [
                        &data.entity(view.deal.from()).id,
                        &data.entity(view.deal.to()).id,
                    ],
                )
            })
            .collect(),
    }
}

fn entity(e: &Entity) -> EntityData<'_> {
    EntityData {
        id: &e.id,
        name: &e.name,
        kind: e.kind.as_str(),
        aliases: e.aliases(),
        notes: e.notes(),
        facts: e.facts().iter().map(fact).collect(),
    }
}

fn fact(f: &Fact) -> FactData<'_> {
    FactData {
        kind: f.kind.as_str(),
        label: f.label.as_deref(),
        amount_usd: f.amount.value.map(exact_dollars),
        qualifier: f.amount.qualifier.as_str(),
        period: f.period.as_deref(),
        date: Shown(f.date),
        source: &f.source,
        publisher: &f.publisher,
        notes: f.notes.as_deref(),
    }
}

fn deal<'a>(d: DealRef<'a>, [from, to]: [&'a str; 2]) -> DealData<'a> {
    DealData {
        id: d.id().as_str().to_owned(),
        kind: d.kind().as_str(),
        label: d.label(),
        from,
        to,
        round: d.round(),
        term_years: d.term_years(),
        valuation_usd: d.valuation().as_ref().and_then(amount_text),
        stake_pct: d.stake_pct(),
        inferred: d.inferred(),
        notes: d.notes(),
        reports: d.reports().map(|r| report(&r)).collect(),
    }
}

fn report<'a>(r: &ReportRef<'a>) -> ReportData<'a> {
    ReportData {
        source: r.source,
        publisher: r.publisher,
        date: r.date.map(Shown),
        event_date: r.event_date.map(Shown),
        status: r.status.as_str(),
        amount_usd: r.amount.value.map(exact_dollars),
        qualifier: r.amount.qualifier.as_str(),
        notes: r.notes,
    }
}

/// An amount as exact text the loader reads back: the qualifier's words, then the dollars.
fn amount_text(amount: &Amount) -> Option<String> {
    let value = amount.value?;
    Some(format!("{}{}", amount.qualifier.prefix(), dollars(value)))
}

/// Exact dollars as text: `22500000000`, `1.05`.
pub(super) fn dollars(m: Money) -> String {
    let cents = m.cents();
    let sign = if cents < 0 { "-" } else { "" };
    let (whole, part) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    match part {
        0 => format!("{sign}{whole}"),
        _ => format!("{sign}{whole}.{part:02}"),
    }
}

/// `amount_usd` exactly: a number when one prints as the exact dollars (whole dollars always;
/// with cents up to about $10T), else the same text as a string, which the loader also reads.
/// (A JSON number with cents goes through a float in serde_json: $76,553,459,163,555.27
/// would come back a cent off; the round-trip property test found it.)
fn exact_dollars(m: Money) -> Value {
    let text = dollars(m);
    if m.cents() % 100 == 0 {
        return Value::Number(Number::from(m.cents() / 100));
    }
    let float = text.parse::<f64>().ok().and_then(Number::from_f64);
    match float {
        Some(n) if n.to_string() == text.trim_end_matches('0') => Value::Number(n),
        _ => Value::String(text),
    }
}
