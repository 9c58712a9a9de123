//! What `dealgraph show ENTITY` prints: one entity, its facts, and every deal in and out with
//! all reports side by side, as text or as one JSON document. Writing it out is the caller's.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::graph::DealView;
use crate::model::{Dataset, DealIdParts, Entity, EntityId, Fact, PartialDate};
use crate::render::json::{self as js, PrettyObject};
use crate::render::table::{self, Escaped, SmallTable};
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

/// The JSON text of `show` (pretty, with a trailing newline): the entity, its facts, and the
/// deals it pays (`outgoing`) and is paid (`incoming`), each with every report. Keys in sorted
/// order, as the document's `Value` would print them; the deals, nearly all of the text, are
/// written by [`js::write_deal`], on two threads when there are many.
pub fn to_json(
    data: &Dataset,
    id: EntityId,
    outgoing: &[DealView<'_>],
    incoming: &[DealView<'_>],
) -> String {
    // A deal with one report takes about 700 bytes.
    let mut out = String::with_capacity(1024 + 800 * (outgoing.len() + incoming.len()));
    let mut document = PrettyObject::open(&mut out, 0);
    js::write_nested(document.key("entity").out, &entity_json(data, id), 1);
    let facts: Vec<_> = data.entity(id).facts().iter().map(FactJson::new).collect();
    js::write_nested(document.key("facts").out, &facts, 1);
    write_deal_array(document.key("incoming").out, data, incoming);
    write_deal_array(document.key("outgoing").out, data, outgoing);
    document.close();
    out.push('\n');
    out
}

fn entity_json(data: &Dataset, id: EntityId) -> EntityJson<'_> {
    let entity = data.entity(id);
    EntityJson {
        aliases: entity.aliases(),
        id: &entity.id,
        kind: entity.kind.as_str(),
        name: &entity.name,
        notes: entity.notes(),
    }
}

/// The deals as a JSON array one level deep, each object on lines of its own.
fn write_deal_array(out: &mut String, data: &Dataset, views: &[DealView<'_>]) {
    out.push('[');
    if views.is_empty() {
        out.push(']');
        return;
    }
    in_two_halves(out, views, ",", |out, views| {
        let with_ids = with_parties(data, views, |e| e.id.as_str());
        for (i, (v, parties)) in with_ids.enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            js::write_deal(out, v, parties, 2);
        }
    });
    out.push_str("\n  ]");
}

/// The text of `show`: the entity, its facts, then every deal it pays and is paid with a
/// table of its reports (★ on the one standing as of `as_of`).
pub fn to_text(
    data: &Dataset,
    id: EntityId,
    outgoing: &[DealView<'_>],
    incoming: &[DealView<'_>],
    as_of: NaiveDate,
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
    let reports = SmallTable::new(&["", "date", "status", "amount", "source"]);
    let pays = format!("Pays ({} deals)", outgoing.len());
    section(&mut out, data, &pays, outgoing, &reports);
    let paid = format!("Is paid by ({} deals)", incoming.len());
    section(&mut out, data, &paid, incoming, &reports);
    let _ = writeln!(out, "\nAs of {}. ★ marks the report that stands.", as_of);
    out
}

/// The deals of one side, each with a table of its reports drawn in a copy of `reports`.
fn section(
    out: &mut String,
    data: &Dataset,
    title: &str,
    views: &[DealView<'_>],
    reports: &SmallTable,
) {
    let _ = writeln!(out, "\n{title}");
    // A deal with one report takes about 800 bytes.
    out.reserve(800 * views.len());
    in_two_halves(out, views, "", |out, views| {
        let mut reports = reports.clone();
        for (v, parties) in with_parties(data, views, |e| e.name.as_str()) {
            write_deal_text(out, v, parties, &mut reports);
        }
    });
}

/// Each deal with `side` (the name or the id) of who pays and who is paid. They are read a
/// batch of deals ahead of writing any: a hub's deals and their parties lie all over a big
/// dataset, and reads that miss the cache one after another, with no work between them, are
/// waited on together rather than one at a time.
fn with_parties<'v, 'd: 'v>(
    data: &'d Dataset,
    views: &'v [DealView<'d>],
    side: impl Fn(&'d Entity) -> &'d str,
) -> impl Iterator<Item = (&'v DealView<'d>, [&'d str; 2])> {
    const BATCH: usize = 32;
    views.chunks(BATCH).flat_map(move |batch| {
        let mut parties = [[""; 2]; BATCH];
        for (slot, v) in parties.iter_mut().zip(batch) {
            *slot = [v.deal.from(), v.deal.to()].map(|e| side(data.entity(e)));
        }
        batch.iter().zip(parties)
    })
}

/// One deal: its sentence, its id, its notes, and the table of its reports.
fn write_deal_text(
    out: &mut String,
    v: &DealView<'_>,
    [from, to]: [&str; 2],
    reports: &mut SmallTable,
) {
    out.push_str("  ");
    let escaped = |out: &mut String, text: &str| Escaped(out).write_str(text);
    let _ = text::write_sentence_between(out, v, [from, to], escaped);
    out.push_str("\n  deal ");
    match v.deal.id_parts() {
        DealIdParts::Written(id) => {
            let _ = Escaped(out).write_str(id);
        }
        // The stem and line written side by side, as `{stem}-{line}` spells them.
        DealIdParts::MadeUp { stem, line } => {
            let _ = Escaped(out).write_str(stem);
            out.push('-');
            out.push_str(itoa::Buffer::new().format(line));
        }
    }
    out.push('\n');
    if let Some(notes) = &v.deal.notes() {
        let _ = writeln!(out, "{}", wrapped(notes, "  "));
    }
    reports.clear_rows();
    for (i, r) in v.deal.reports().enumerate() {
        reports.cell(if i == v.standing as usize { "★" } else { "" });
        reports.cell_with(|s| text::write_date(s, &r));
        reports.cell(text::status_words(r.status));
        reports.cell_with(|s| r.amount.write_text(s));
        reports.cell_with(|s| text::write_source_words(&mut Escaped(s), &r));
    }
    reports.write_to(out);
    out.push('\n');
}

/// Appends what `render` writes for `views`, with `separator` between the two halves when the
/// list is long enough to be worth rendering its second half on another thread (`show` of a
/// hub writes tens of megabytes). The halves are joined in order, so the text is the same.
fn in_two_halves(
    out: &mut String,
    views: &[DealView<'_>],
    separator: &str,
    render: impl Fn(&mut String, &[DealView<'_>]) + Sync,
) {
    // Below this, starting a thread and copying its half costs more than it saves.
    const HALF_WORTH_A_THREAD: usize = 2048;
    if views.len() < 2 * HALF_WORTH_A_THREAD {
        render(out, views);
        return;
    }
    let (first, second) = views.split_at(views.len() / 2);
    let room_for_half = (out.capacity() - out.len()) / 2;
    let ((), second) = crate::parallel::join(
        true,
        || render(out, first),
        || {
            let mut text = String::with_capacity(room_for_half);
            render(&mut text, second);
            text
        },
    );
    out.push_str(separator);
    out.push_str(&second);
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

    /// The document of `show` as serde would write it: the reference [`to_json`] is held to.
    #[derive(Serialize)]
    struct ShowJson<'a> {
        entity: EntityJson<'a>,
        facts: Vec<FactJson<'a>>,
        incoming: Vec<js::DealJson<'a>>,
        outgoing: Vec<js::DealJson<'a>>,
    }

    fn document<'a>(
        data: &'a Dataset,
        id: EntityId,
        outgoing: &[DealView<'a>],
        incoming: &[DealView<'a>],
    ) -> ShowJson<'a> {
        let deals = |views: &[DealView<'a>]| {
            let deals = views.iter().map(|v| js::DealJson::new(data, v));
            deals.collect()
        };
        ShowJson {
            entity: entity_json(data, id),
            facts: data.entity(id).facts().iter().map(FactJson::new).collect(),
            incoming: deals(incoming),
            outgoing: deals(outgoing),
        }
    }

    /// Written straight from the data, the document must read as its `Value` tree prints,
    /// whose keys serde_json sorts: a field out of order, missing or renamed shows here.
    fn assert_written_as_value_prints(data: &Dataset) {
        let graph = MoneyGraph::build(data, Filter::today());
        for id in data.entity_ids() {
            let (outgoing, incoming) = (graph.outgoing(id), graph.incoming(id));
            let doc = document(data, id, &outgoing, &incoming);
            let value = serde_json::to_value(&doc).expect("string keys only");
            assert_eq!(
                to_json(data, id, &outgoing, &incoming),
                js::to_string(&value)
            );
        }
    }

    #[test]
    fn long_lists_written_in_halves_read_as_written_in_one_go() {
        // More than enough deals to be written in two halves.
        let data = &crate::generate::loaded_deals(2_000, 10_000, 1);
        let graph = MoneyGraph::build(data, Filter::today());
        let views: Vec<_> = graph.deals().collect();
        assert!(views.len() > 4096);

        let mut json = String::new();
        write_deal_array(&mut json, data, &views);
        let shapes: Vec<_> = views.iter().map(|v| js::DealJson::new(data, v)).collect();
        let mut expected = String::new();
        js::write_nested(&mut expected, &shapes, 1);
        assert_eq!(json, expected);

        let reports = SmallTable::new(&["", "date", "status", "amount", "source"]);
        let mut text = String::new();
        section(&mut text, data, "All", &views, &reports);
        let mut expected = String::from("\nAll\n");
        let mut one_table = reports.clone();
        for (v, parties) in with_parties(data, &views, |e| e.name.as_str()) {
            write_deal_text(&mut expected, v, parties, &mut one_table);
        }
        assert_eq!(text, expected);
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
