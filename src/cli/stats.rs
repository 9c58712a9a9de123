//! `dealgraph stats`: the shape of the data: counts, money by kind, the biggest players,
//! strongly connected components and circular-financing loops.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use dealgraph::model::{Dataset, EntityId};
use dealgraph::query::cycles::{CycleOptions, SearchEnd};
use dealgraph::query::stats::{Ranked, Stats, StatsOptions, stats};
use dealgraph::render::{json as js, table};

use super::{CliResult, Context, Format, LengthArgs, output, parse_seconds};

/// Summary statistics of the data as it stands on --as-of, after every filter.
///
/// Counts entities, deals, reports and sources by kind and status; totals money by deal kind as
/// exact ranges ("at least $8B" leaves the top open); ranks entities by money received, money
/// paid and number of counterparties; lists the strongly connected components (groups in which
/// money can go round); and counts circular-financing loops (as `dealgraph cycles` finds them,
/// up to --max-len hops) and the entities that sit on the most loops.
///
/// Rankings by money use stated figures at face value ("up to $50B" counts $50B).
///
/// Examples:
///   dealgraph stats
///   dealgraph stats --status announced,completed --format json
///   dealgraph stats --without softbank        (which loops disappear if SoftBank walks away?)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many entities each ranking lists.
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub top: u32,

    #[command(flatten)]
    pub length: LengthArgs,

    /// Count every loop, not only circular-financing ones (those with an investment or loan).
    #[arg(long)]
    pub all_loops: bool,

    /// Stop counting loops after this many seconds; the count is then a lower bound.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub timeout: Duration,
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let format = ctx.format("stats", &[Format::Table, Format::Json])?;
    let graph = ctx.graph();
    let options = StatsOptions {
        top: args.top as usize,
        loops: CycleOptions {
            max_len: args.length.loop_bound()?,
            financing_only: !args.all_loops,
            deadline: Some(Instant::now() + args.timeout),
            ..CycleOptions::default()
        },
    };
    let s = stats(&graph, &options);
    let data = ctx.dataset();
    let bytes = match format {
        Format::Json => js::to_string(&to_json(data, &s, args, ctx)),
        _ => to_table(data, &s, args, ctx),
    };
    output::stdout(bytes.as_bytes())
}

fn loop_words(args: &Args) -> &'static str {
    if args.all_loops {
        "loops"
    } else {
        "circular-financing loops"
    }
}

fn to_table(data: &Dataset, s: &Stats, args: &Args, ctx: &Context) -> String {
    let name = |e: EntityId| table::cell_text(&data.entity(e).name);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Statistics of {}, as of {}",
        ctx.data_label,
        ctx.as_of()
    );

    let _ = writeln!(out, "\nCounts");
    let mut t = table::new_table(["", "count", "breakdown"]);
    let breakdown = |pairs: Vec<(String, usize)>| -> String {
        pairs
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    t.add_row(vec![
        "entities".to_string(),
        format!("{} ({} with deals)", s.entities, s.active_entities),
        breakdown(
            s.entities_by_kind
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect(),
        ),
    ]);
    t.add_row(vec![
        "deals".to_string(),
        format!("{} of {} in the data", s.deals, s.deals_in_data),
        breakdown(
            s.deals_by_kind
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect(),
        ),
    ]);
    t.add_row(vec![
        "deals by status".to_string(),
        format!("{} inferred", s.inferred_deals),
        breakdown(
            s.deals_by_status
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect(),
        ),
    ]);
    t.add_row(vec![
        "reports".to_string(),
        format!("{} of {} in the data", s.reports, s.reports_in_data),
        breakdown(
            s.reports_by_status
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect(),
        ),
    ]);
    t.add_row(vec![
        "sources".to_string(),
        format!("{} of {} in the data", s.sources, s.sources_in_data),
        String::new(),
    ]);
    let _ = writeln!(out, "{t}");

    let _ = writeln!(out, "\nMoney by deal kind (standing reports)");
    let mut t = table::new_table(["kind", "deals", "total"]);
    for ((kind, total), (_, n)) in s.money_by_kind.iter().zip(&s.deals_by_kind) {
        if *n > 0 {
            t.add_row(vec![kind.to_string(), n.to_string(), total.to_string()]);
        }
    }
    t.add_row(vec![
        "all".to_string(),
        s.deals.to_string(),
        s.money_total.to_string(),
    ]);
    let _ = writeln!(out, "{t}");

    let ranking = |out: &mut String, title: &str, list: &[Ranked]| {
        let _ = writeln!(out, "\n{title}");
        if list.is_empty() {
            let _ = writeln!(out, "none");
            return;
        }
        let mut t = table::new_table(["entity", "deals", "total", "stated"]);
        for r in list {
            t.add_row(vec![
                name(r.id),
                r.deals.to_string(),
                r.total.to_string(),
                if r.total.is_unknown() {
                    "–".to_string()
                } else {
                    r.total.stated.to_string()
                },
            ]);
        }
        let _ = writeln!(out, "{t}");
    };
    ranking(
        &mut out,
        "Top receivers (money paid to them)",
        &s.top_inflow,
    );
    ranking(&mut out, "Top payers (money paid by them)", &s.top_outflow);
    let _ = writeln!(out, "\nMost counterparties");
    let mut t = table::new_table(["entity", "counterparties"]);
    for (e, n) in &s.top_counterparties {
        t.add_row(vec![name(*e), n.to_string()]);
    }
    let _ = writeln!(out, "{t}");

    let nontrivial: Vec<&Vec<EntityId>> = s.nontrivial_components().collect();
    let mut sizes: Vec<String> = nontrivial
        .iter()
        .take(20)
        .map(|c| c.len().to_string())
        .collect();
    if nontrivial.len() > 20 {
        sizes.push("…".to_string());
    }
    let _ = writeln!(
        out,
        "\nStrongly connected components: {} ({} single entities; {} where money can go round{})",
        s.components.len(),
        s.components.len() - nontrivial.len(),
        nontrivial.len(),
        if sizes.is_empty() {
            String::new()
        } else {
            format!(", sizes {}", sizes.join(", "))
        }
    );
    const SHOWN_COMPONENTS: usize = 10;
    const SHOWN_NAMES: usize = 12;
    for c in nontrivial.iter().take(SHOWN_COMPONENTS) {
        let names: Vec<String> = c.iter().take(SHOWN_NAMES).map(|&e| name(e)).collect();
        let more = if c.len() > SHOWN_NAMES {
            format!(" … and {} more", c.len() - SHOWN_NAMES)
        } else {
            String::new()
        };
        let _ = writeln!(out, "  {} entities: {}{more}", c.len(), names.join(", "));
    }
    if nontrivial.len() > SHOWN_COMPONENTS {
        let _ = writeln!(
            out,
            "  … and {} more (--format json lists them all)",
            nontrivial.len() - SHOWN_COMPONENTS
        );
    }

    let l = &s.loops;
    let bound = if l.end == SearchEnd::Complete {
        ""
    } else {
        "at least "
    };
    let _ = writeln!(
        out,
        "\n{}: {bound}{} of up to {} hops, through {} entities",
        capitalize(loop_words(args)),
        l.count,
        args.length.max_len,
        l.entities_on_loops
    );
    if !l.by_length.is_empty() {
        let lens: Vec<String> = l
            .by_length
            .iter()
            .map(|(len, n)| format!("{n} of {len} hops"))
            .collect();
        let _ = writeln!(out, "  {}", lens.join(", "));
        let mut t = table::new_table(["entity", "loops it sits on"]);
        for (e, n) in &l.top_entities {
            t.add_row(vec![name(*e), n.to_string()]);
        }
        let _ = writeln!(out, "{t}");
    }
    if l.end == SearchEnd::TimedOut {
        let _ = writeln!(
            out,
            "  --timeout ran out: the counts are lower bounds (raise --timeout or lower --max-len)."
        );
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn to_json(data: &Dataset, s: &Stats, args: &Args, ctx: &Context) -> Value {
    let id = |e: EntityId| json!(data.entity(e).id);
    let counts = |pairs: Vec<(&str, usize)>| -> Value {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, n)| (k.to_string(), json!(n)))
                .collect(),
        )
    };
    let ranked = |list: &[Ranked]| -> Value {
        list.iter()
            .map(|r| {
                json!({
                    "id": id(r.id),
                    "name": data.entity(r.id).name,
                    "deals": r.deals,
                    "total": r.total.to_json(),
                })
            })
            .collect()
    };
    let end = match s.loops.end {
        SearchEnd::Complete => "complete",
        SearchEnd::Stopped => "stopped",
        SearchEnd::TimedOut => "timed-out",
    };
    json!({
        "as_of": ctx.as_of().to_string(),
        "entities": {
            "total": s.entities,
            "with_deals": s.active_entities,
            "by_kind": counts(s.entities_by_kind.iter().map(|(k, n)| (k.as_str(), *n)).collect()),
        },
        "deals": {
            "total": s.deals,
            "in_data": s.deals_in_data,
            "inferred": s.inferred_deals,
            "by_kind": counts(s.deals_by_kind.iter().map(|(k, n)| (k.as_str(), *n)).collect()),
            "by_status": counts(s.deals_by_status.iter().map(|(k, n)| (k.as_str(), *n)).collect()),
        },
        "reports": {
            "total": s.reports,
            "in_data": s.reports_in_data,
            "by_status": counts(s.reports_by_status.iter().map(|(k, n)| (k.as_str(), *n)).collect()),
        },
        "sources": {"total": s.sources, "in_data": s.sources_in_data},
        "money": {
            "total": s.money_total.to_json(),
            "by_kind": Value::Object(s.money_by_kind.iter()
                .map(|(k, r)| (k.as_str().to_string(), r.to_json())).collect()),
        },
        "top": {
            "inflow": ranked(&s.top_inflow),
            "outflow": ranked(&s.top_outflow),
            "counterparties": s.top_counterparties.iter().map(|(e, n)| json!({
                "id": id(*e), "name": data.entity(*e).name, "counterparties": n,
            })).collect::<Vec<_>>(),
        },
        "components": s.components.iter()
            .map(|c| c.iter().map(|&e| id(e)).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        "loops": {
            "financing_only": !args.all_loops,
            "max_len": args.length.max_len,
            "count": s.loops.count,
            "complete": s.loops.end == SearchEnd::Complete,
            "end": end,
            "by_length": s.loops.by_length.iter()
                .map(|(len, n)| json!({"length": len, "loops": n}))
                .collect::<Vec<_>>(),
            "entities_on_loops": s.loops.entities_on_loops,
            "top_entities": s.loops.top_entities.iter().map(|(e, n)| json!({
                "id": id(*e), "name": data.entity(*e).name, "loops": n,
            })).collect::<Vec<_>>(),
        },
    })
}
