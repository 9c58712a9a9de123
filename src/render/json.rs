//! The JSON shapes shared by every command: the deal object (as in `list deals`) and its
//! reports. These are the stable contract documented in docs/json.md. Each shape is a
//! `Serialize` view of borrowed data, so large outputs are written without a `Value` tree.
//! `show`, which writes tens of thousands of deal objects, writes them with [`write_deal`]:
//! the same text as serde_json's pretty printing of [`DealJson`], written straight into a
//! `String` without going through the `Serializer` for every field.

use std::fmt::Display;

use serde::{Serialize, Serializer};
use serde_json::{Number, Value};

use crate::graph::DealView;
use crate::model::{
    Amount, Dataset, DealIdParts, DealIdRef, DealRef, Money, PartialDate, ReportRef,
};

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

/// One report: `source`, `publisher`, `date`, `status`, `amount_usd`, `qualifier`, `notes`.
#[derive(Serialize)]
pub struct ReportJson<'a> {
    amount_usd: Option<Number>,
    date: Option<Shown<crate::model::PartialDate>>,
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

/// The deal object: ids (not names) in `from`/`to`; `status`, `amount_usd`, `qualifier` and
/// `date` from the standing report; every report in `reports`.
#[derive(Serialize)]
pub struct DealJson<'a> {
    amount_usd: Option<Number>,
    date: Option<Shown<crate::model::PartialDate>>,
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

/// Pretty JSON text with a trailing newline.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    to_string_sized(value, 128)
}

/// [`to_string`] for a document of about `size` bytes: written into one buffer of that size,
/// not copied over and over as the buffer grows.
pub fn to_string_sized<T: Serialize + ?Sized>(value: &T, size: usize) -> String {
    let mut out = Vec::with_capacity(size);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, LinePerWrite::default());
    if value.serialize(&mut serializer).is_err() {
        out = b"null".to_vec();
    }
    out.push(b'\n');
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's `PrettyFormatter` (two spaces a level), byte for byte, but writing each line
/// break with its indentation in one piece. A hub's document is millions of short, deeply
/// indented lines, and the indentation two bytes at a time was a good part of its time.
#[derive(Default)]
struct LinePerWrite {
    depth: usize,
    has_value: bool,
}

/// A comma, a line break and indentation for the levels a document usually has.
const COMMA_NEWLINE_INDENT: &[u8; 66] =
    b",\n                                                                ";

impl LinePerWrite {
    /// An array or object opens one level deeper, with nothing in it yet.
    fn open(
        &mut self,
        out: &mut (impl std::io::Write + ?Sized),
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    /// It closes on a line of its own unless it is empty.
    fn close(
        &mut self,
        out: &mut (impl std::io::Write + ?Sized),
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(out, false)?;
        }
        out.write_all(bracket)
    }

    fn new_line(
        &self,
        out: &mut (impl std::io::Write + ?Sized),
        comma: bool,
    ) -> std::io::Result<()> {
        let start = usize::from(!comma);
        let end = 2 + 2 * self.depth;
        match COMMA_NEWLINE_INDENT.get(start..end) {
            Some(line) => out.write_all(line),
            None => {
                out.write_all(&COMMA_NEWLINE_INDENT[start..2])?;
                for _ in 0..self.depth {
                    out.write_all(b"  ")?;
                }
                Ok(())
            }
        }
    }
}

impl serde_json::ser::Formatter for LinePerWrite {
    fn begin_array<W: std::io::Write + ?Sized>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: std::io::Write + ?Sized>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: std::io::Write + ?Sized>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(out, !first)
    }

    fn end_array_value<W: std::io::Write + ?Sized>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: std::io::Write + ?Sized>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: std::io::Write + ?Sized>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: std::io::Write + ?Sized>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(out, !first)
    }

    fn begin_object_value<W: std::io::Write + ?Sized>(
        &mut self,
        out: &mut W,
    ) -> std::io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: std::io::Write + ?Sized>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The deal object of `view` as [`to_string`] prints its [`DealJson`], nested `depth` levels
/// deep: lines after the first are indented for that depth. `from` and `to` are the ids of who
/// pays and who is paid, which callers writing many deals look up many at a time.
pub fn write_deal(out: &mut String, view: &DealView<'_>, [from, to]: [&str; 2], depth: usize) {
    let (deal, standing) = (view.deal, view.report());
    let mut object = PrettyObject::open(out, depth);
    object.key("amount_usd").usd(standing.amount.value);
    object.key("date").date(standing.date);
    object.key("from").str(from);
    let id = object.key("id");
    match deal.id_parts() {
        DealIdParts::MadeUp { stem, line } if plain_json(stem) => {
            id.out.push('"');
            id.out.push_str(stem);
            id.out.push('-');
            id.out.push_str(itoa::Buffer::new().format(line));
            id.out.push('"');
        }
        _ => id.str(&deal.id()),
    }
    object.key("inferred").bool(deal.inferred());
    object.key("kind").str(deal.kind().as_str());
    object.key("label").opt_str(deal.label());
    object.key("notes").opt_str(deal.notes());
    object
        .key("qualifier")
        .str(standing.amount.qualifier.as_str());
    let reports = object.key("reports");
    reports.out.push('[');
    for (i, report) in deal.reports().enumerate() {
        push_line_break(reports.out, if i == 0 { "" } else { "," }, depth + 2);
        write_report(reports.out, &report, depth + 2);
    }
    push_line_break(reports.out, "", depth + 1);
    reports.out.push(']');
    object.key("round").opt_str(deal.round());
    object.key("stake_pct").f64(deal.stake_pct());
    object.key("status").str(standing.status.as_str());
    object.key("term_years").u32(deal.term_years());
    object.key("to").str(to);
    object
        .key("valuation_usd")
        .usd(deal.valuation().and_then(|v| v.value));
    object.close();
}

/// A report object as [`ReportJson`] prints, nested `depth` levels deep.
fn write_report(out: &mut String, report: &ReportRef<'_>, depth: usize) {
    let mut object = PrettyObject::open(out, depth);
    object.key("amount_usd").usd(report.amount.value);
    object.key("date").date(report.date);
    object.key("notes").opt_str(report.notes);
    object.key("publisher").opt_str(report.publisher);
    object
        .key("qualifier")
        .str(report.amount.qualifier.as_str());
    object.key("source").str(report.source);
    object.key("status").str(report.status.as_str());
    object.close();
}

/// `value` as [`to_string`] prints it (without the trailing newline), nested `depth` levels
/// deep. serde_json never writes a line break inside a string, so indenting every line
/// after the first nests it.
pub fn write_nested(out: &mut String, value: &impl Serialize, depth: usize) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    let mut lines = text.split('\n');
    out.push_str(lines.next().unwrap_or_default());
    for line in lines {
        push_line_break(out, "", depth);
        out.push_str(line);
    }
}

/// An object being written the way serde_json's pretty printer writes one: each key on a line
/// of its own, indented one level deeper than the braces.
pub struct PrettyObject<'o> {
    out: &'o mut String,
    depth: usize,
    empty: bool,
}

/// Where a value goes in the text, with the ways of writing one.
pub struct PrettyValue<'o> {
    pub out: &'o mut String,
}

impl<'o> PrettyObject<'o> {
    /// Opens an object whose closing brace is indented `depth` levels.
    pub fn open(out: &'o mut String, depth: usize) -> Self {
        out.push('{');
        PrettyObject {
            out,
            depth,
            empty: true,
        }
    }

    /// Starts the entry of `key` (which needs no escaping); its value comes next.
    #[inline]
    pub fn key(&mut self, key: &str) -> PrettyValue<'_> {
        let comma = if self.empty { "" } else { "," };
        self.empty = false;
        push_line_break(self.out, comma, self.depth + 1);
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\": ");
        PrettyValue { out: self.out }
    }

    pub fn close(self) {
        if !self.empty {
            push_line_break(self.out, "", self.depth);
        }
        self.out.push('}');
    }
}

impl PrettyValue<'_> {
    /// A string, escaped as serde_json escapes it.
    pub fn str(self, text: &str) {
        if plain_json(text) {
            self.out.push('"');
            self.out.push_str(text);
            self.out.push('"');
        } else {
            self.out
                .push_str(&serde_json::to_string(text).unwrap_or_default());
        }
    }

    pub fn opt_str(self, text: Option<&str>) {
        match text {
            Some(text) => self.str(text),
            None => self.out.push_str("null"),
        }
    }

    pub fn bool(self, value: bool) {
        self.out.push_str(if value { "true" } else { "false" });
    }

    /// A date as its text, or null.
    pub fn date(self, date: Option<PartialDate>) {
        match date {
            Some(date) => {
                self.out.push('"');
                let _ = date.write_text(self.out);
                self.out.push('"');
            }
            None => self.out.push_str("null"),
        }
    }

    /// Dollars as [`Money::to_json_number`] gives them, or null. Whole dollars, nearly every
    /// figure, are an integer spelled here; the rest go through serde_json's `Number`.
    pub fn usd(self, money: Option<Money>) {
        match money {
            Some(m) if m.cents() % 100 == 0 => {
                self.out
                    .push_str(itoa::Buffer::new().format(m.cents() / 100));
            }
            Some(m) => self
                .out
                .push_str(&serde_json::to_string(&m.to_json_number()).unwrap_or_default()),
            None => self.out.push_str("null"),
        }
    }

    pub fn u32(self, value: Option<u32>) {
        match value {
            Some(n) => self.out.push_str(itoa::Buffer::new().format(n)),
            None => self.out.push_str("null"),
        }
    }

    /// A float as serde_json writes one (null when not finite).
    pub fn f64(self, value: Option<f64>) {
        let text = value.map(|v| serde_json::to_string(&v).unwrap_or_default());
        self.out.push_str(text.as_deref().unwrap_or("null"));
    }
}

/// Whether serde_json writes `text` as it is between its quotes: no quote, backslash or control
/// character below U+0020 (the only characters it escapes).
#[inline]
fn plain_json(text: &str) -> bool {
    text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// `comma` (or nothing), a line break and the indentation of `depth` levels (two spaces each,
/// as serde_json's pretty printer indents), copied in one piece: the deals of `show` have two
/// dozen lines each.
#[inline]
fn push_line_break(out: &mut String, comma: &str, depth: usize) {
    const BREAK: &str = ",\n                                ";
    out.push_str(comma);
    match BREAK.get(1..2 + 2 * depth) {
        Some(line_break) => out.push_str(line_break),
        None => {
            out.push('\n');
            for _ in 0..depth {
                out.push_str("  ");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Deeper than the indentation kept at hand, and every kind of value and emptiness.
    #[test]
    fn lines_are_indented_as_serde_json_indents_them() {
        let mut deep = json!({"a": [], "b": {}, "c": [1, {"d": null}], "e": "x\n\"é"});
        for i in 0..70 {
            deep = if i % 2 == 0 {
                json!([deep, [], {}, 1.5, true, {"k": []}])
            } else {
                json!({"z": deep, "a": {}, "m": [null]})
            };
        }
        for value in [deep, json!([]), json!({}), json!(null), json!(3)] {
            assert_eq!(
                to_string_sized(&value, 0),
                serde_json::to_string_pretty(&value).unwrap() + "\n"
            );
        }
    }
}
