//! The JSON shapes shared by every command: the deal object (as in `list deals`) and its
//! reports. These are the stable contract documented in docs/json.md. Each shape is a
//! `Serialize` view of borrowed data, so large outputs are written without a `Value` tree,
//! and every document is written by serde_json's pretty writer through [`to_string`].

use std::fmt::Display;

use serde::{Serialize, Serializer};
use serde_json::{Number, Value};

use crate::graph::DealView;
use crate::model::{Amount, Dataset, DealIdRef, DealRef, ReportRef};

/// `amount_usd` as a JSON number (dollars), or null when undisclosed.
pub fn amount_usd(amount: &Amount) -> Value {
    usd(amount).map_or(Value::Null, Value::Number)
}

fn usd(amount: &Amount) -> Option<Number> {
    amount.value.map(|m| m.to_json_number())
}

/// Serializes as the text `Display` gives, the way `json!(x.to_string())` would.
pub struct Shown<T>(pub T);

impl<T: Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

// Fields of every shape below are in the sorted order that a `Value` (serde_json without
// `preserve_order`) prints its keys in, so both ways of writing give the same text.

/// One report: `source`, `publisher`, `date`, `event_date` (only when the source gives one),
/// `status`, `amount_usd`, `qualifier`, `notes`.
#[derive(Serialize)]
pub struct ReportJson<'a> {
    amount_usd: Option<Number>,
    date: Option<Shown<crate::model::PartialDate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_date: Option<Shown<crate::model::PartialDate>>,
    notes: Option<&'a str>,
    publisher: Option<&'a str>,
    qualifier: &'static str,
    source: &'a str,
    status: &'static str,
}

impl<'a> ReportJson<'a> {
    pub fn new(report: &ReportRef<'a>) -> Self {
        ReportJson {
            amount_usd: usd(&report.amount),
            date: report.date.map(Shown),
            event_date: report.event_date.map(Shown),
            notes: report.notes,
            publisher: report.publisher,
            qualifier: report.amount.qualifier.as_str(),
            source: report.source,
            status: report.status.as_str(),
        }
    }
}

/// One report as a `Value`.
pub fn report_json(report: &ReportRef<'_>) -> Value {
    to_value(&ReportJson::new(report))
}

/// The deal object: ids (not names) in `from`/`to`; `status`, `amount_usd`, `qualifier`,
/// `date` and `event_date` (only when given) from the standing report; every report in
/// `reports`.
#[derive(Serialize)]
pub struct DealJson<'a> {
    amount_usd: Option<Number>,
    date: Option<Shown<crate::model::PartialDate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_date: Option<Shown<crate::model::PartialDate>>,
    from: &'a str,
    id: DealIdRef<'a>,
    inferred: bool,
    kind: &'static str,
    label: Option<&'a str>,
    notes: Option<&'a str>,
    qualifier: &'static str,
    reports: Reports<'a>,
    round: Option<&'a str>,
    stake_pct: Option<f64>,
    status: &'static str,
    term_years: Option<u32>,
    to: &'a str,
    valuation_usd: Option<Number>,
}

impl<'a> DealJson<'a> {
    /// The deal as `view` sees it.
    pub fn new(data: &'a Dataset, view: &DealView<'a>) -> Self {
        Self::with_standing(data, view.deal, &view.report())
    }

    /// The deal for a given standing report.
    pub fn with_standing(data: &'a Dataset, deal: DealRef<'a>, standing: &ReportRef<'a>) -> Self {
        DealJson {
            amount_usd: usd(&standing.amount),
            date: standing.date.map(Shown),
            event_date: standing.event_date.map(Shown),
            from: &data.entity(deal.from()).id,
            id: deal.id(),
            inferred: deal.inferred(),
            kind: deal.kind().as_str(),
            label: deal.label(),
            notes: deal.notes(),
            qualifier: standing.amount.qualifier.as_str(),
            reports: Reports(deal),
            round: deal.round(),
            stake_pct: deal.stake_pct(),
            status: standing.status.as_str(),
            term_years: deal.term_years(),
            to: &data.entity(deal.to()).id,
            valuation_usd: deal.valuation().as_ref().and_then(usd),
        }
    }
}

/// Every report of a deal, in its order.
struct Reports<'a>(DealRef<'a>);

impl Serialize for Reports<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.reports().map(|r| ReportJson::new(&r)))
    }
}

/// The deal object as a `Value`.
pub fn deal_json(data: &Dataset, view: &DealView<'_>) -> Value {
    to_value(&DealJson::new(data, view))
}

/// The deal object for a given standing report, as a `Value`.
pub fn deal_with_standing(data: &Dataset, deal: DealRef<'_>, standing: &ReportRef<'_>) -> Value {
    to_value(&DealJson::with_standing(data, deal, standing))
}

/// These shapes have string keys only, so turning them into a `Value` cannot fail.
pub(crate) fn to_value(shape: &impl Serialize) -> Value {
    serde_json::to_value(shape).unwrap_or(Value::Null)
}

/// Pretty JSON text (serde_json's, two spaces a level) with a trailing newline: the one way
/// every command writes JSON.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    to_string_sized(value, 128)
}

/// [`to_string`] into a buffer reserved for a document of about `size` bytes.
pub fn to_string_sized<T: Serialize + ?Sized>(value: &T, size: usize) -> String {
    let mut out = Vec::with_capacity(size);
    if write(&mut out, value).is_err() {
        out = b"null\n".to_vec();
    }
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// Writes [`to_string`]'s text to `out`, which should be buffered (serde_json writes a few
/// bytes at a time).
pub fn write<T: Serialize + ?Sized>(
    mut out: impl std::io::Write,
    value: &T,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")
}

/// `value` as [`to_string`] prints it (without the trailing newline), nested `depth` levels
/// deep, for documents written piece by piece (`cycles --limit 0` streams its loops).
/// serde_json never writes a line break inside a string, so indenting every line after the
/// first nests it.
pub fn write_nested(out: &mut String, value: &impl Serialize, depth: usize) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    let indent = "  ".repeat(depth);
    let mut lines = text.split('\n');
    out.push_str(lines.next().unwrap_or_default());
    for line in lines {
        out.push('\n');
        out.push_str(&indent);
        out.push_str(line);
    }
}
