//! Whole-graph exports for the tools analysts use: GraphML, GEXF, FollowTheMoney, Neo4j,
//! columnar CSV and dealgraph's own data format (JSON, TOML, CSV), one file per format. They share one table of node
//! and edge columns ([`NODE_COLUMNS`], [`EDGE_COLUMNS`]) so every format carries the same
//! fields, and each escapes text in one place (quick-xml, the csv crate, serde_json).

pub mod columnar;
pub mod datacsv;
pub mod ftm;
pub mod gexf;
pub mod graphml;
pub mod json;
pub mod neo4j;
#[cfg(test)]
mod roundtrip;

use std::borrow::Cow;

use crate::graph::{DealView, MoneyGraph};
use crate::model::{Amount, Dataset, Entity, EntityId, Money, PartialDate, Status};

/// One file of an export: its name inside the output folder (formats written as several
/// files) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub name: &'static str,
    pub bytes: Vec<u8>,
}

impl ExportFile {
    pub fn new(name: &'static str, bytes: impl Into<Vec<u8>>) -> ExportFile {
        ExportFile {
            name,
            bytes: bytes.into(),
        }
    }
}

/// The entities an export shows as nodes: every entity but those taken out with `--without`,
/// in entity order (entities in no deal included, so nothing about them is lost).
pub fn nodes<'d>(graph: &MoneyGraph<'d>) -> Vec<(EntityId, &'d Entity)> {
    let data = graph.dataset();
    data.entity_ids()
        .filter(|&id| graph.contains(id))
        .map(|id| (id, data.entity(id)))
        .collect()
}

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Double,
    Int,
}

impl ColumnType {
    /// The type's name, the same in GraphML (`attr.type`), GEXF (`<attribute type>`) and
    /// `neo4j-admin database import` headers (`name:type`).
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "string",
            ColumnType::Double => "double",
            ColumnType::Int => "long",
        }
    }
}

/// A named, typed attribute of every node or every edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
}

const fn column(name: &'static str, ty: ColumnType) -> Column {
    Column { name, ty }
}

/// Node attributes: the entity's id, name, kind, aliases (`; `-separated), notes, and the
/// fill colour of its kind on the maps.
pub const NODE_COLUMNS: [Column; 6] = [
    column("id", ColumnType::Text),
    column("name", ColumnType::Text),
    column("kind", ColumnType::Text),
    column("aliases", ColumnType::Text),
    column("notes", ColumnType::Text),
    column("colour", ColumnType::Text),
];

/// Edge attributes, one edge per deal. `amount_usd`, `qualifier`, `date`, `status`, `source`
/// and `publisher` come from the standing report (`date` is the event it gives, when the deal
/// was signed, announced or closed, else its publication date); `first_date` is the earliest
/// such date of any report;
/// `grade` is the evidence grade (`stated` by a source, or `inferred` from other figures);
/// `reports` holds every report as a JSON array (the shape of docs/json.md).
pub const EDGE_COLUMNS: [Column; 20] = [
    column("deal", ColumnType::Text),
    column("kind", ColumnType::Text),
    column("label", ColumnType::Text),
    column("amount_usd", ColumnType::Double),
    column("qualifier", ColumnType::Text),
    column("date", ColumnType::Text),
    column("status", ColumnType::Text),
    column("grade", ColumnType::Text),
    column("source", ColumnType::Text),
    column("publisher", ColumnType::Text),
    column("first_date", ColumnType::Text),
    column("round", ColumnType::Text),
    column("term_years", ColumnType::Int),
    column("valuation_usd", ColumnType::Double),
    column("valuation_qualifier", ColumnType::Text),
    column("stake_pct", ColumnType::Double),
    column("notes", ColumnType::Text),
    column("report_count", ColumnType::Int),
    column("reports", ColumnType::Text),
    column("colour", ColumnType::Text),
];

/// One attribute value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Money(Money),
    Number(f64),
    Int(u64),
    Missing,
}

impl<'a> Cell<'a> {
    fn opt_str(text: Option<&'a str>) -> Cell<'a> {
        text.map_or(Cell::Missing, |t| Cell::Text(Cow::Borrowed(t)))
    }

    fn date(date: Option<PartialDate>) -> Cell<'a> {
        date.map_or(Cell::Missing, |d| Cell::Text(Cow::Owned(d.to_string())))
    }

    /// The value as text, the same in every format: money in exact dollars (`38000000000`,
    /// `12.5`), numbers in their shortest exact form. `None` when missing.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Cell::Text(t) => Some(Cow::Borrowed(t)),
            Cell::Money(m) => Some(Cow::Owned(m.to_json_number().to_string())),
            Cell::Number(n) => Some(Cow::Owned(n.to_string())),
            Cell::Int(n) => Some(Cow::Owned(n.to_string())),
            Cell::Missing => None,
        }
    }
}

/// A node's values, in [`NODE_COLUMNS`] order.
pub fn node_cells(entity: &Entity) -> [Cell<'_>; 6] {
    let aliases = entity.aliases().join("; ");
    [
        Cell::Text(Cow::Borrowed(&entity.id)),
        Cell::Text(Cow::Borrowed(&entity.name)),
        Cell::Text(Cow::Borrowed(entity.kind.as_str())),
        if aliases.is_empty() {
            Cell::Missing
        } else {
            Cell::Text(Cow::Owned(aliases))
        },
        Cell::opt_str(entity.notes()),
        Cell::Text(Cow::Borrowed(
            crate::render::style::entity_style(entity.kind).fill,
        )),
    ]
}

/// A deal's values, in [`EDGE_COLUMNS`] order.
pub fn edge_cells<'d>(view: &DealView<'d>) -> [Cell<'d>; 20] {
    let deal = view.deal;
    let report = view.report();
    let money = |amount: Option<Amount>| {
        amount
            .and_then(|a| a.value)
            .map_or(Cell::Missing, Cell::Money)
    };
    let reports: Vec<_> = deal
        .reports()
        .map(|r| crate::render::json::ReportJson::new(&r))
        .collect();
    let reports = serde_json::to_string(&reports).unwrap_or_default();
    [
        Cell::Text(Cow::Owned(deal.id().as_str().to_owned())),
        Cell::Text(Cow::Borrowed(deal.kind().as_str())),
        Cell::opt_str(deal.label()),
        money(Some(report.amount)),
        Cell::Text(Cow::Borrowed(report.amount.qualifier.as_str())),
        Cell::date(report.effective_date()),
        Cell::Text(Cow::Borrowed(report.status.as_str())),
        Cell::Text(Cow::Borrowed(grade(deal.inferred()))),
        Cell::Text(Cow::Borrowed(report.source)),
        Cell::opt_str(report.publisher),
        Cell::date(first_date(view)),
        Cell::opt_str(deal.round()),
        deal.term_years()
            .map_or(Cell::Missing, |y| Cell::Int(u64::from(y))),
        money(deal.valuation()),
        deal.valuation().map_or(Cell::Missing, |v| {
            Cell::Text(Cow::Borrowed(v.qualifier.as_str()))
        }),
        deal.stake_pct().map_or(Cell::Missing, Cell::Number),
        Cell::opt_str(deal.notes()),
        Cell::Int(deal.report_count() as u64),
        Cell::Text(Cow::Owned(reports)),
        Cell::Text(Cow::Borrowed(
            crate::render::style::edge_look(deal, &report, false).colour,
        )),
    ]
}

/// The evidence grade of a deal: `stated` by a source, or `inferred` from other figures.
pub fn grade(inferred: bool) -> &'static str {
    if inferred { "inferred" } else { "stated" }
}

/// The earliest date a deal's reports give (event dates first, else publication dates):
/// when it first appears on a timeline.
pub fn first_date(view: &DealView<'_>) -> Option<PartialDate> {
    view.deal.reports().filter_map(|r| r.effective_date()).min()
}

/// The date a deal ended: its standing report's event date (else publication date) when that
/// report says it was cancelled.
pub fn end_date(view: &DealView<'_>) -> Option<PartialDate> {
    let report = view.report();
    (report.status == Status::Cancelled)
        .then_some(report.effective_date())
        .flatten()
}

/// The entity id of a deal's payer and payee.
pub fn ends<'d>(data: &'d Dataset, view: &DealView<'d>) -> (&'d str, &'d str) {
    (
        &data.entity(view.deal.from()).id,
        &data.entity(view.deal.to()).id,
    )
}

/// Text made safe for XML, the one escape of the XML formats: markup characters become
/// entities (quick-xml's escape), tab, newline and carriage return become character
/// references (so attribute-value and line-end normalisation leave them intact), and the
/// control characters XML 1.0 cannot carry become U+FFFD.
pub fn xml_escape(text: &str) -> Cow<'_, str> {
    let needs_more = text
        .chars()
        .any(|c| matches!(c, '\t' | '\n' | '\r') || !xml_char(c));
    let escaped = quick_xml::escape::escape(text);
    if !needs_more {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 8);
    for c in escaped.chars() {
        match c {
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !xml_char(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Characters XML 1.0 allows.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// XML writing helpers shared by GraphML and GEXF: every attribute value and text node goes
/// through [`xml_escape`].
pub(crate) mod xml {
    use std::borrow::Cow;
    use std::io::Write;

    use quick_xml::Writer;
    use quick_xml::events::attributes::Attribute;
    use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
    use quick_xml::name::QName;

    /// An XML document being written into memory, indented by two spaces.
    pub struct Doc {
        pub writer: Writer<Vec<u8>>,
    }

    impl Doc {
        pub fn new() -> Doc {
            let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
            write(
                &mut writer,
                Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
            );
            Doc { writer }
        }

        /// Opens `<name attrs…>`.
        pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
            write(&mut self.writer, Event::Start(start(name, attrs)));
        }

        pub fn close(&mut self, name: &str) {
            write(&mut self.writer, Event::End(BytesEnd::new(name)));
        }

        /// Writes `<name attrs…/>`.
        pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
            write(&mut self.writer, Event::Empty(start(name, attrs)));
        }

        /// Writes `<name attrs…>text</name>`.
        pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
            write(&mut self.writer, Event::Start(start(name, attrs)));
            let escaped = super::xml_escape(text);
            write(
                &mut self.writer,
                Event::Text(BytesText::from_escaped(escaped)),
            );
            write(&mut self.writer, Event::End(BytesEnd::new(name)));
        }

        pub fn finish(self) -> Vec<u8> {
            let mut bytes = self.writer.into_inner();
            bytes.push(b'\n');
            bytes
        }
    }

    fn start<'a>(name: &'a str, attrs: &[(&'a str, &'a str)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for (key, value) in attrs {
            start.push_attribute(Attribute {
                key: QName(key.as_bytes()),
                value: match super::xml_escape(value) {
                    Cow::Borrowed(v) => Cow::Borrowed(v.as_bytes()),
                    Cow::Owned(v) => Cow::Owned(v.into_bytes()),
                },
            });
        }
        start
    }

    /// Writing into a `Vec` cannot fail.
    fn write(writer: &mut Writer<Vec<u8>>, event: Event<'_>) {
        let _ = writer.write_event(event);
        let _ = writer.get_mut().flush();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::graph::Filter;
    use crate::model::{Deal, DealKind, EntityKind, Report, parse_amount};

    /// Names that every format must carry through: markup, quotes, line ends, a tab, a
    /// right-to-left mark.
    pub(crate) const HOSTILE: &str = "<a href=\"x\">AT&T</a> 'q' ]]>\r\nline two\tend \u{200f}שלום";

    /// Two entities with hostile names and a loop of two deals between them (one with two
    /// reports, the later one cancelled), as of 2026-06-30 with every status kept.
    pub(crate) fn hostile_graph() -> (Dataset, Filter) {
        let mut data = Dataset::new();
        let a = data
            .add_entity(Entity::new("a", HOSTILE, EntityKind::Company))
            .expect("new");
        let b = data
            .add_entity(Entity::new("b", "B & \"b\"", EntityKind::Fund))
            .expect("new");
        let report = |date: &str, status: Status, amount: &str| Report {
            source: Arc::from("https://example.com/?a=1&b=<2>"),
            publisher: Some(Arc::from(HOSTILE)),
            date: Some(date.parse().expect("date")),
            event_date: None,
            status,
            amount: parse_amount(amount).expect("amount"),
            notes: Some(HOSTILE.into()),
        };
        let mut ab = Deal::new(
            "a-b",
            DealKind::Investment,
            a,
            b,
            vec![report("2025-03", Status::Announced, "up to $1.5B")],
        );
        ab.notes = Some(HOSTILE.into());
        data.add_deal(ab);
        data.add_deal(Deal::new(
            "b-a",
            DealKind::Cloud,
            b,
            a,
            vec![
                report("2025-04-02", Status::Announced, "$12.34"),
                report("2025-09", Status::Cancelled, "$12.34"),
            ],
        ));
        let mut filter = Filter::new(chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("day"));
        filter.statuses = Status::ALL.to_vec();
        (data, filter)
    }

    #[test]
    fn xml_escape_keeps_hostile_text_recoverable() {
        assert_eq!(xml_escape("plain"), "plain");
        assert_eq!(
            xml_escape("a<b>&\"c'\nd\re\tf\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;d&#13;e&#9;f\u{fffd}"
        );
        assert_eq!(xml_escape("\u{200f}שלום"), "\u{200f}שלום");
    }

    #[test]
    fn edge_cells_carry_the_standing_report_and_every_report() {
        let (data, filter) = hostile_graph();
        let graph = MoneyGraph::build(&data, filter);
        let views: Vec<_> = graph.deals().collect();
        let cells = edge_cells(&views[1]);
        let text = |i: usize| cells[i].text().map(|t| t.into_owned());
        let column = |name: &str| {
            EDGE_COLUMNS
                .iter()
                .position(|c| c.name == name)
                .expect(name)
        };
        assert_eq!(text(column("status")).as_deref(), Some("cancelled"));
        assert_eq!(text(column("amount_usd")).as_deref(), Some("12.34"));
        assert_eq!(text(column("first_date")).as_deref(), Some("2025-04-02"));
        assert_eq!(text(column("report_count")).as_deref(), Some("2"));
        let reports: serde_json::Value =
            serde_json::from_str(&text(column("reports")).expect("reports")).expect("JSON");
        assert_eq!(reports.as_array().map(Vec::len), Some(2));
        assert_eq!(
            end_date(&views[1]).map(|d| d.to_string()).as_deref(),
            Some("2025-09")
        );
        assert_eq!(end_date(&views[0]), None);
    }
}
