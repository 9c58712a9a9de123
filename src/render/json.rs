//! The JSON shapes shared by every command: the deal object (as in `list deals`) and its
//! reports. These are the stable contract documented in docs/json.md.

use serde_json::{Map, Value, json};

use crate::graph::DealView;
use crate::model::{Amount, Dataset, DealRef, ReportRef};

/// `amount_usd` as a JSON number (dollars), or null when undisclosed.
pub fn amount_usd(amount: &Amount) -> Value {
    amount
        .value
        .map_or(Value::Null, |m| Value::Number(m.to_json_number()))
}

/// One report: `source`, `publisher`, `date`, `status`, `amount_usd`, `qualifier`, `notes`.
pub fn report_json(report: &ReportRef<'_>) -> Value {
    json!({
        "source": report.source,
        "publisher": report.publisher,
        "date": report.date.map(|d| d.to_string()),
        "status": report.status.as_str(),
        "amount_usd": amount_usd(&report.amount),
        "qualifier": report.amount.qualifier.as_str(),
        "notes": report.notes,
    })
}

/// The deal object: ids (not names) in `from`/`to`; `status`, `amount_usd`, `qualifier` and
/// `date` from the standing report; every report in `reports`.
pub fn deal_json(data: &Dataset, view: &DealView<'_>) -> Value {
    deal_with_standing(data, view.deal, &view.report)
}

/// The deal object for a given standing report.
pub fn deal_with_standing(data: &Dataset, deal: DealRef<'_>, standing: &ReportRef<'_>) -> Value {
    let mut obj = Map::new();
    obj.insert("id".into(), json!(deal.id()));
    obj.insert("kind".into(), json!(deal.kind().as_str()));
    obj.insert("label".into(), json!(deal.label()));
    obj.insert("from".into(), json!(data.entity(deal.from()).id));
    obj.insert("to".into(), json!(data.entity(deal.to()).id));
    obj.insert("status".into(), json!(standing.status.as_str()));
    obj.insert("amount_usd".into(), amount_usd(&standing.amount));
    obj.insert(
        "qualifier".into(),
        json!(standing.amount.qualifier.as_str()),
    );
    obj.insert("date".into(), json!(standing.date.map(|d| d.to_string())));
    obj.insert("inferred".into(), json!(deal.inferred()));
    obj.insert("round".into(), json!(deal.round()));
    obj.insert("term_years".into(), json!(deal.term_years()));
    obj.insert(
        "valuation_usd".into(),
        deal.valuation().as_ref().map_or(Value::Null, amount_usd),
    );
    obj.insert("stake_pct".into(), json!(deal.stake_pct()));
    obj.insert("notes".into(), json!(deal.notes()));
    obj.insert(
        "reports".into(),
        Value::Array(deal.reports().map(|r| report_json(&r)).collect()),
    );
    Value::Object(obj)
}

/// Pretty JSON text with a trailing newline.
pub fn to_string(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}
