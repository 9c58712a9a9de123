//! What `dealgraph show ENTITY` prints: one entity, its facts, and every deal in and out with
//! all reports side by side, as text or as one JSON document. Writing it out is the caller's.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::graph::DealView;
use crate::model::{Dataset, EntityId, Fact};
use crate::render::{json as js, table, text};

/// A fact of an entity (valuation, revenue, ...) as JSON.
pub fn fact_json(f: &Fact) -> Value {
    json!({
        "kind": f.kind.as_str(), "label": f.label, "amount_usd": js::amount_usd(&f.amount),
        "qualifier": f.amount.qualifier.as_str(), "period": f.period, "date": f.date.to_string(),
        "source": &*f.source, "publisher": &*f.publisher, "notes": f.notes,
    })
}

/// The JSON document of `show`: the entity, its facts, and the deals it pays (`outgoing`)
/// and is paid (`incoming`), each with every report.
pub fn to_json(
    data: &Dataset,
    id: EntityId,
    outgoing: &[DealView<'_>],
    incoming: &[DealView<'_>],
) -> Value {
    let entity = data.entity(id);
    json!({
        "entity": {
            "id": entity.id, "name": entity.name, "kind": entity.kind.as_str(),
            "aliases": entity.aliases(), "notes": entity.notes(),
        },
        "facts": entity.facts().iter().map(fact_json).collect::<Vec<_>>(),
        "outgoing": outgoing.iter().map(|v| js::deal_json(data, v)).collect::<Vec<_>>(),
        "incoming": incoming.iter().map(|v| js::deal_json(data, v)).collect::<Vec<_>>(),
    })
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
    section(
        &mut out,
        data,
        &format!("Pays ({} deals)", outgoing.len()),
        outgoing,
    );
    section(
        &mut out,
        data,
        &format!("Is paid by ({} deals)", incoming.len()),
        incoming,
    );
    let _ = writeln!(out, "\nAs of {}. ★ marks the report that stands.", as_of);
    out
}

fn section(out: &mut String, data: &Dataset, title: &str, views: &[DealView<'_>]) {
    let _ = writeln!(out, "\n{title}");
    for v in views {
        let _ = writeln!(out, "  {}", table::cell_text(&text::deal_sentence(data, v)));
        let _ = writeln!(out, "  deal {}", table::cell_text(&v.deal.id()));
        if let Some(notes) = &v.deal.notes() {
            let _ = writeln!(out, "{}", wrapped(notes, "  "));
        }
        let mut t = table::new_table(["", "date", "status", "amount", "source"]);
        for (i, r) in v.deal.reports().enumerate() {
            let standing = i == v.standing;
            t.add_row(vec![
                if standing { "★" } else { "" }.to_string(),
                r.date.map_or_else(|| "undated".into(), |d| d.to_string()),
                text::status_words(r.status).to_string(),
                r.amount.to_string(),
                table::cell_text(&text::source_words(&r)),
            ]);
        }
        let _ = writeln!(out, "{t}");
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
