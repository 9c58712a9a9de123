//! `dealgraph show ENTITY`: one entity, its facts, and every deal in and out with all
//! reports side by side, so conflicting accounts are visible.

use std::fmt::Write as _;

use serde_json::{Value, json};

use dealgraph::graph::DealView;
use dealgraph::model::{Dataset, Fact};
use dealgraph::render::{json as js, table, text};

use super::{CliResult, Context, Format, output};

/// Show one entity, its facts, and every deal it pays or is paid, with all their reports.
///
/// Facts are valuations, revenue, commitments and the like. Every report of each deal is
/// listed, so conflicting accounts sit side by side; the standing report (newest on or before
/// --as-of) is marked ★.
///
/// ENTITY may be an id, a name or an alias, in any case: `show aws` finds Amazon.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Entity id, name or alias.
    pub entity: String,
}

pub fn fact_json(f: &Fact) -> Value {
    json!({
        "kind": f.kind.as_str(), "label": f.label, "amount_usd": js::amount_usd(&f.amount),
        "qualifier": f.amount.qualifier.as_str(), "period": f.period, "date": f.date.to_string(),
        "source": &*f.source, "publisher": &*f.publisher, "notes": f.notes,
    })
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let format = ctx.format("show", &[Format::Table, Format::Json])?;
    let id = ctx.resolve(&args.entity)?;
    let graph = ctx.graph();
    let data = ctx.dataset();
    let entity = data.entity(id);
    let outgoing = graph.outgoing(id);
    let incoming = graph.incoming(id);
    if format == Format::Json {
        let value = json!({
            "entity": {
                "id": entity.id, "name": entity.name, "kind": entity.kind.as_str(),
                "aliases": entity.aliases, "notes": entity.notes,
            },
            "facts": entity.facts.iter().map(fact_json).collect::<Vec<_>>(),
            "outgoing": outgoing.iter().map(|v| js::deal_json(data, v)).collect::<Vec<_>>(),
            "incoming": incoming.iter().map(|v| js::deal_json(data, v)).collect::<Vec<_>>(),
        });
        return output::stdout(js::to_string(&value).as_bytes());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}, id {})",
        table::cell_text(&entity.name),
        entity.kind,
        entity.id
    );
    if !entity.aliases.is_empty() {
        let _ = writeln!(
            out,
            "Also known as: {}",
            table::cell_text(&entity.aliases.join(", "))
        );
    }
    if let Some(notes) = &entity.notes {
        let _ = writeln!(out, "{}", wrapped(notes, ""));
    }
    if !entity.facts.is_empty() {
        let _ = writeln!(out, "\nFacts");
        let mut t = table::new_table(["kind", "figure", "period", "date", "source"]);
        for f in &entity.facts {
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
        &outgoing,
    );
    section(
        &mut out,
        data,
        &format!("Is paid by ({} deals)", incoming.len()),
        &incoming,
    );
    let _ = writeln!(
        out,
        "\nAs of {}. ★ marks the report that stands.",
        ctx.as_of()
    );
    output::stdout(out.as_bytes())
}

fn section(out: &mut String, data: &Dataset, title: &str, views: &[DealView<'_>]) {
    let _ = writeln!(out, "\n{title}");
    for v in views {
        let _ = writeln!(out, "  {}", table::cell_text(&text::deal_sentence(data, v)));
        let _ = writeln!(out, "  deal {}", table::cell_text(&v.deal.id));
        if let Some(notes) = &v.deal.notes {
            let _ = writeln!(out, "{}", wrapped(notes, "  "));
        }
        let mut t = table::new_table(["", "date", "status", "amount", "source"]);
        for r in &v.deal.reports {
            let standing = std::ptr::eq(r, v.report);
            t.add_row(vec![
                if standing { "★" } else { "" }.to_string(),
                r.date.map_or_else(|| "undated".into(), |d| d.to_string()),
                text::status_words(r.status).to_string(),
                r.amount.to_string(),
                table::cell_text(&text::source_words(r)),
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
