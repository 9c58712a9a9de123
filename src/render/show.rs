//! What `dealgraph show ENTITY` prints: one entity, its facts, and the deals in and out with
//! all reports side by side, as text (the deal lists capped) or as one JSON document
//! ([`document`], every deal). Writing it out is the caller's.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::graph::DealView;
use crate::model::{Dataset, EntityId, Fact, PartialDate};
use crate::render::json as js;
use crate::render::table;
use crate::render::text;

/// A fact of an entity (valuation, revenue, ...) as JSON; fields in sorted key order, as
/// [`js`] explains.
#[derive(Serialize)]
struct FactJson<'a> {
    amount_usd: Value,
    date: js::Shown<PartialDate>,
    kind: &'static str,
    label: &'a Option<String>,
    notes: &'a Option<String>,
    period: &'a Option<String>,
    publisher: &'a str,
    qualifier: &'static str,
    source: &'a str,
}

impl<'a> FactJson<'a> {
    fn new(f: &'a Fact) -> Self {
        FactJson {
            amount_usd: js::amount_usd(&f.amount),
            date: js::Shown(f.date),
            kind: f.kind.as_str(),
            label: &f.label,
            notes: &f.notes,
            period: &f.period,
            publisher: &f.publisher,
            qualifier: f.amount.qualifier.as_str(),
            source: &f.source,
        }
    }
}

/// A fact of an entity as a `Value`.
pub fn fact_json(f: &Fact) -> Value {
    js::to_value(&FactJson::new(f))
}

#[derive(Serialize)]
struct EntityJson<'a> {
    aliases: &'a [String],
    id: &'a str,
    kind: &'static str,
    name: &'a str,
    notes: Option<&'a str>,
}

/// The JSON document of `show`: the entity, its facts, and every deal it pays (`outgoing`) and
/// is paid (`incoming`), each with every report. Keys in sorted order, as a `Value` prints them.
#[derive(Serialize)]
pub struct ShowJson<'d, 'v> {
    entity: EntityJson<'d>,
    facts: Vec<FactJson<'d>>,
    incoming: DealList<'d, 'v>,
    outgoing: DealList<'d, 'v>,
}

/// Deals as an array of [`js::DealJson`], made one at a time as they are written.
struct DealList<'d, 'v>(&'d Dataset, &'v [DealView<'d>]);

impl Serialize for DealList<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let DealList(data, views) = *self;
        serializer.collect_seq(views.iter().map(|v| js::DealJson::new(data, v)))
    }
}

/// The document of `show` for `id`, to write with [`js::to_string`].
pub fn document<'d, 'v>(
    data: &'d Dataset,
    id: EntityId,
    outgoing: &'v [DealView<'d>],
    incoming: &'v [DealView<'d>],
) -> ShowJson<'d, 'v> {
    let entity = data.entity(id);
    ShowJson {
        entity: EntityJson {
            aliases: entity.aliases(),
            id: &entity.id,
            kind: entity.kind.as_str(),
            name: &entity.name,
            notes: entity.notes(),
        },
        facts: entity.facts().iter().map(FactJson::new).collect(),
        incoming: DealList(data, incoming),
        outgoing: DealList(data, outgoing),
    }
}

/// The text of `show`: the entity, its facts, then the deals it pays and is paid, each with a
/// table of its reports (★ on the one standing as of `as_of`). Each side shows its first
/// `limit` deals (0: all) and says how to see the rest.
pub fn to_text(
    data: &Dataset,
    id: EntityId,
    outgoing: &[DealView<'_>],
    incoming: &[DealView<'_>],
    as_of: NaiveDate,
    limit: usize,
) -> String {
    let entity = data.entity(id);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}, id {})",
        table::cell_text(&entity.name),
        entity.kind,
        entity.id
    );
    if !entity.aliases().is_empty() {
        let _ = writeln!(
            out,
            "Also known as: {}",
            table::cell_text(&entity.aliases().join(", "))
        );
    }
    if let Some(notes) = &entity.notes() {
        let _ = writeln!(out, "{}", wrapped(notes, ""));
    }
    if !entity.facts().is_empty() {
        let _ = writeln!(out, "\nFacts");
        let mut t = table::new_table(["kind", "figure", "period", "date", "source"]);
        for f in entity.facts() {
            let kind = match &f.label {
                Some(l) => format!("{}: {}", f.kind, l),
                None => f.kind.to_string(),
            };
            t.add_row(vec![
                table::cell_text(&kind),
                f.amount.to_string(),
                f.period.clone().unwrap_or_default(),
                f.date.to_string(),
                table::cell_text(&format!("{} ({})", f.source, f.publisher)),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    let pays = format!("Pays ({} deals)", outgoing.len());
    section(&mut out, data, &pays, outgoing, (limit, as_of));
    let paid = format!("Is paid by ({} deals)", incoming.len());
    section(&mut out, data, &paid, incoming, (limit, as_of));
    let _ = writeln!(out, "\nAs of {}. ★ marks the report that stands.", as_of);
    out
}

/// The first `limit` deals of one side (0: all), then a note if some were left out.
fn section(
    out: &mut String,
    data: &Dataset,
    title: &str,
    views: &[DealView<'_>],
    (limit, as_of): (usize, NaiveDate),
) {
    let _ = writeln!(out, "\n{title}");
    let shown = if limit == 0 {
        views.len()
    } else {
        limit.min(views.len())
    };
    for v in &views[..shown] {
        write_deal_text(out, data, v, as_of);
    }
    if shown < views.len() {
        let _ = writeln!(out, "{}", table::capped_note(shown, views.len(), "deals"));
    }
}

/// One deal: its sentence, its id, its notes, the table of its reports, and why the standing
/// one stands when others compete with it.
fn write_deal_text(out: &mut String, data: &Dataset, v: &DealView<'_>, as_of: NaiveDate) {
    let sentence = table::cell_text(&text::deal_sentence(data, v));
    let id = table::cell_text(&v.deal.id());
    let _ = writeln!(out, "  {sentence}\n  deal {id}");
    if let Some(notes) = &v.deal.notes() {
        let _ = writeln!(out, "{}", wrapped(notes, "  "));
    }
    let mut reports = table::new_table(["", "date", "status", "amount", "source"]);
    for (i, r) in v.deal.reports().enumerate() {
        let star = if i == v.standing as usize { "★" } else { "" };
        reports.add_row(vec![
            star.to_string(),
            text::report_date(&r),
            text::status_words(r.status).to_string(),
            r.amount.to_string(),
            table::cell_text(&text::source_words(&r)),
        ]);
    }
    let _ = writeln!(out, "{reports}");
    if let Some(reason) = v.deal.standing_reason(as_of) {
        let _ = writeln!(out, "  ★ stands: {reason}");
    }
}

/// Notes as a paragraph wrapped at 100 columns with `indent` on every line.
fn wrapped(text: &str, indent: &str) -> String {
    let options = textwrap::Options::new(100)
        .initial_indent(indent)
        .subsequent_indent(indent)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(&table::cell_text(text), options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Filter, MoneyGraph};
    use crate::load::{LoadOptions, load_bundled, load_str};

    /// Written from its `Serialize` view, the document must read as its `Value` tree prints,
    /// whose keys serde_json sorts: a field out of order, missing or renamed shows here.
    fn assert_written_as_value_prints(data: &Dataset) {
        let graph = MoneyGraph::build(data, Filter::today());
        for id in data.entity_ids() {
            let (outgoing, incoming) = (graph.outgoing(id), graph.incoming(id));
            let doc = document(data, id, &outgoing, &incoming);
            let value = serde_json::to_value(&doc).expect("string keys only");
            assert_eq!(js::to_string(&doc), js::to_string(&value));
        }
    }

    #[test]
    fn long_lists_are_capped_with_a_note() {
        let data = &crate::generate::loaded_deals(50, 300, 1);
        let graph = MoneyGraph::build(data, Filter::today());
        let views: Vec<_> = graph.deals().collect();

        let mut all = String::new();
        section(&mut all, data, "All", &views, (0, Filter::today().as_of));
        assert_eq!(all.matches("\n  deal ").count(), views.len());
        assert!(!all.contains("note: "));

        let mut capped = String::new();
        section(&mut capped, data, "All", &views, (7, Filter::today().as_of));
        assert_eq!(capped.matches("\n  deal ").count(), 7);
        let note = table::capped_note(7, views.len(), "deals");
        assert!(capped.ends_with(&format!("{note}\n")), "{capped}");
        assert!(all.starts_with(capped.trim_end_matches(&format!("{note}\n"))));
    }

    #[test]
    fn json_keys_come_in_the_order_values_print_them() {
        let loaded = load_bundled(LoadOptions::default()).expect("bundled data loads");
        assert_written_as_value_prints(&loaded.dataset);
        let hostile = include_str!("../../tests/fixtures/map-hostile.toml");
        let loaded = load_str("map-hostile.toml", hostile, LoadOptions::default()).expect("loads");
        assert_written_as_value_prints(&loaded.dataset);
    }
}
