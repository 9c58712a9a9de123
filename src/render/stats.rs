//! What `dealgraph stats` prints: the counts, money by kind, rankings, components and loop
//! counts of a [`Stats`] as tables and sentences, as the JSON of docs/json.md, or its rankings
//! as CSV. Writing it out is the caller's.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::model::{Dataset, EntityId, MoneySum};
use crate::query::cycles::SearchEnd;
use crate::query::stats::{Ranked, Stats, StatsOptions};
use crate::render::cells::{grade_lines, weakest_words};
use crate::render::json::Shown;
use crate::render::{csv, table};

/// What the figures are of: where the data came from ("bundled seeds" or the paths), the
/// date they stand on, and the options they were computed with.
pub struct Scope<'a> {
    pub data_label: &'a str,
    pub as_of: NaiveDate,
    pub options: &'a StatsOptions,
}

impl Scope<'_> {
    /// The loop length bound as the user gave it: 0 for no bound.
    fn max_len(&self) -> usize {
        self.options.loops.max_len.unwrap_or(0)
    }

    fn loop_words(&self) -> &'static str {
        if self.options.loops.financing_only {
            "Circular-financing loops"
        } else {
            "Loops"
        }
    }
}

// Split into the sections it prints, each a few lines; the whole reads top to bottom as the
// output does.
/// The tables and sentences of `stats`.
pub fn to_table(data: &Dataset, s: &Stats, scope: &Scope<'_>) -> String {
    let name = |e: EntityId| table::cell_text(&data.entity(e).name);
    let mut out = format!(
        "Statistics of {}, as of {}\n",
        scope.data_label, scope.as_of
    );
    counts_table(&mut out, s);
    money_table(&mut out, s);
    ranking(
        &mut out,
        data,
        "Top receivers (money paid to them)",
        &s.top_inflow,
    );
    ranking(
        &mut out,
        data,
        "Top payers (money paid by them)",
        &s.top_outflow,
    );
    let _ = writeln!(out, "\nMost counterparties");
    let mut t = table::new_table(["entity", "counterparties"]);
    for (e, n) in &s.top_counterparties {
        t.add_row(vec![name(*e), n.to_string()]);
    }
    let _ = writeln!(out, "{t}");
    components(&mut out, data, s);
    loops(&mut out, data, s, scope);
    out
}

fn counts_table(out: &mut String, s: &Stats) {
    fn breakdown<K: ToString>(pairs: &[(K, usize)]) -> String {
        pairs
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{} {n}", k.to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    }
    let _ = writeln!(out, "\nCounts");
    let mut t = table::new_table(["", "count", "breakdown"]);
    let rows = [
        (
            "entities",
            format!("{} ({} with deals)", s.entities, s.active_entities),
            breakdown(&s.entities_by_kind),
        ),
        (
            "deals",
            format!("{} of {} in the data", s.deals, s.deals_in_data),
            breakdown(&s.deals_by_kind),
        ),
        (
            "deals by status",
            format!("{} inferred", s.inferred_deals),
            breakdown(&s.deals_by_status),
        ),
        (
            "reports",
            format!("{} of {} in the data", s.reports, s.reports_in_data),
            breakdown(&s.reports_by_status),
        ),
        (
            "sources",
            format!("{} of {} in the data", s.sources, s.sources_in_data),
            String::new(),
        ),
    ];
    for (what, count, by) in rows {
        t.add_row(vec![what.to_string(), count, by]);
    }
    let _ = writeln!(out, "{t}");
}

fn money_table(out: &mut String, s: &Stats) {
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
    if s.money_total.count > 0 {
        let by_grade = grade_lines(&s.money_by_grade).replace('\n', "; ");
        let _ = writeln!(out, "All of it by grade: {by_grade}");
    }
}

fn ranking(out: &mut String, data: &Dataset, title: &str, list: &[Ranked]) {
    let _ = writeln!(out, "\n{title}");
    if list.is_empty() {
        let _ = writeln!(out, "none");
        return;
    }
    let mut t = table::new_table(["entity", "deals", "total", "stated", "rests on"]);
    for r in list {
        t.add_row(vec![
            table::cell_text(&data.entity(r.id).name),
            r.deals.to_string(),
            r.total.to_string(),
            if r.total.is_unknown() {
                "–".to_string()
            } else {
                r.total.stated.to_string()
            },
            grade_lines(&r.by_grade),
        ]);
    }
    let _ = writeln!(out, "{t}");
    // A rank that no confirmed deal holds up is said in words under the table, where the
    // figure is read, with the way to rank on confirmed deals alone.
    let weak: Vec<String> = list
        .iter()
        .filter_map(|r| {
            let words = weakest_words(&r.by_grade)?;
            let name = table::cell_text(&data.entity(r.id).name);
            Some(format!("{name} ({words})"))
        })
        .collect();
    if !weak.is_empty() {
        let _ = writeln!(
            out,
            "No confirmed deal holds up the rank of: {}. `--confirmed` ranks on confirmed \
             deals alone.",
            weak.join(", ")
        );
    }
}

fn components(out: &mut String, data: &Dataset, s: &Stats) {
    const SHOWN_SIZES: usize = 20;
    const SHOWN_COMPONENTS: usize = 10;
    const SHOWN_NAMES: usize = 12;
    let nontrivial: Vec<&Vec<EntityId>> = s.nontrivial_components().collect();
    let mut sizes: Vec<String> = nontrivial
        .iter()
        .take(SHOWN_SIZES)
        .map(|c| c.len().to_string())
        .collect();
    if nontrivial.len() > SHOWN_SIZES {
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
    for c in nontrivial.iter().take(SHOWN_COMPONENTS) {
        let names: Vec<String> = c
            .iter()
            .take(SHOWN_NAMES)
            .map(|&e| table::cell_text(&data.entity(e).name))
            .collect();
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
}

fn loops(out: &mut String, data: &Dataset, s: &Stats, scope: &Scope<'_>) {
    let l = &s.loops;
    let lengths = match scope.options.loops.max_len {
        Some(max) => format!("of up to {max} hops"),
        None => "of any length".to_string(),
    };
    if l.end != SearchEnd::Complete && l.count == 0 {
        let _ = writeln!(
            out,
            "\n{} {lengths}: not counted, --timeout ran out first (raise --timeout or lower \
             --max-len).",
            scope.loop_words()
        );
        return;
    }
    let bound = if l.end == SearchEnd::Complete {
        ""
    } else {
        "at least "
    };
    let through = if l.listed {
        format!(", through {} entities", l.entities_on_loops)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\n{}: {bound}{} {lengths}{through}",
        scope.loop_words(),
        l.count,
    );
    if let Some(grades) = l.by_grade.filter(|g| g.total() > 0) {
        let summary = crate::render::cycles::grade_summary(&grades);
        let rests = summary
            .split_once(": ")
            .map_or(summary.as_str(), |(_, r)| r);
        let _ = writeln!(out, "  rests on: {rests}");
    }
    if !l.by_length.is_empty() {
        let lens: Vec<String> = l
            .by_length
            .iter()
            .map(|(len, n)| format!("{n} of {len} hops"))
            .collect();
        let _ = writeln!(out, "  {}", lens.join(", "));
    }
    if l.listed && !l.top_entities.is_empty() {
        let mut t = table::new_table(["entity", "loops it sits on"]);
        for (e, n) in &l.top_entities {
            t.add_row(vec![table::cell_text(&data.entity(*e).name), n.to_string()]);
        }
        let _ = writeln!(out, "{t}");
    } else if !l.listed && l.end == SearchEnd::Complete {
        let _ = writeln!(
            out,
            "  The entities on most loops are skipped: that needs every loop listed, too many \
             (over {}) or too slow for --timeout; `dealgraph cycles --through ENTITY --count` \
             counts one entity's.",
            crate::query::stats::LIST_BUDGET
        );
    }
    if l.end == SearchEnd::TimedOut {
        let _ = writeln!(
            out,
            "  --timeout ran out: the counts are lower bounds (raise --timeout or lower --max-len)."
        );
    }
}

/// The rankings as CSV, one row per ranked entity: `ranking` (inflow, outflow, counterparties
/// or loops), `rank` from 1, the entity's `id` and `name`, then `deals`, `undisclosed` (how
/// many of them have no amount), `stated_usd`, `min_usd` and `max_usd` (empty when open) for
/// the money rankings, or `count` (counterparties, loops) for the others; fields that do not
/// apply are empty.
pub fn to_csv(data: &Dataset, s: &Stats) -> csv::Result<String> {
    let row =
        |ranking: &str, rank: usize, e: EntityId, money: Option<&Ranked>, count: Option<u64>| {
            let e = data.entity(e);
            let usd = |m: MoneySum| m.to_json_number().to_string();
            let total = money.map(|r| &r.total);
            [
                ranking.to_string(),
                (rank + 1).to_string(),
                e.id.to_string(),
                e.name.to_string(),
                money.map(|r| r.deals.to_string()).unwrap_or_default(),
                total.map(|t| t.undisclosed.to_string()).unwrap_or_default(),
                total.map(|t| usd(t.stated)).unwrap_or_default(),
                total.map(|t| usd(t.min)).unwrap_or_default(),
                total.and_then(|t| t.max()).map(usd).unwrap_or_default(),
                count.map(|n| n.to_string()).unwrap_or_default(),
            ]
        };
    let money = |ranking, list: &[Ranked]| -> Vec<[String; 10]> {
        let rows = list.iter().enumerate();
        rows.map(|(i, r)| row(ranking, i, r.id, Some(r), None))
            .collect()
    };
    let mut rows = money("inflow", &s.top_inflow);
    rows.extend(money("outflow", &s.top_outflow));
    for (i, &(e, n)) in s.top_counterparties.iter().enumerate() {
        rows.push(row("counterparties", i, e, None, Some(n as u64)));
    }
    for (i, &(e, n)) in s.loops.top_entities.iter().enumerate() {
        rows.push(row("loops", i, e, None, Some(n)));
    }
    csv::to_string(
        "ranking,rank,id,name,deals,undisclosed,stated_usd,min_usd,max_usd,count",
        rows,
    )
}

/// The JSON document of `stats` (docs/json.md). Fields of every view here are in sorted
/// order, as a `serde_json::Value` prints its keys.
pub fn to_json(data: &Dataset, s: &Stats, scope: &Scope<'_>) -> String {
    crate::render::json::to_string(&StatsJson::new(data, s, scope))
}

#[derive(Serialize)]
struct StatsJson<'a> {
    as_of: Shown<NaiveDate>,
    components: Vec<Vec<&'a str>>,
    deals: DealCounts,
    entities: EntityCounts,
    loops: LoopsJson<'a>,
    money: MoneyJson,
    reports: ReportCounts,
    sources: SourceCounts,
    top: TopJson<'a>,
}

/// `{kind: count}` in sorted key order.
type Counts = BTreeMap<&'static str, usize>;

fn counts<K: Copy>(pairs: &[(K, usize)], name: impl Fn(K) -> &'static str) -> Counts {
    pairs.iter().map(|&(k, n)| (name(k), n)).collect()
}

#[derive(Serialize)]
struct DealCounts {
    by_kind: Counts,
    by_status: Counts,
    in_data: usize,
    inferred: usize,
    total: usize,
}

#[derive(Serialize)]
struct EntityCounts {
    by_kind: Counts,
    total: usize,
    with_deals: usize,
}

#[derive(Serialize)]
struct ReportCounts {
    by_status: Counts,
    in_data: usize,
    total: usize,
}

#[derive(Serialize)]
struct SourceCounts {
    in_data: usize,
    total: usize,
}

#[derive(Serialize)]
struct MoneyJson {
    by_grade: Value,
    by_kind: BTreeMap<&'static str, Value>,
    total: Value,
}

#[derive(Serialize)]
struct TopJson<'a> {
    counterparties: Vec<Counted<'a>>,
    inflow: Vec<RankedJson<'a>>,
    outflow: Vec<RankedJson<'a>>,
}

#[derive(Serialize)]
struct RankedJson<'a> {
    by_grade: Value,
    deals: usize,
    id: &'a str,
    name: &'a str,
    total: Value,
}

/// An entity and how many counterparties it has.
#[derive(Serialize)]
struct Counted<'a> {
    counterparties: usize,
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct LoopsJson<'a> {
    by_grade: Option<Value>,
    by_length: Vec<LengthJson>,
    complete: bool,
    count: Option<u64>,
    end: &'static str,
    entities_on_loops: Option<usize>,
    financing_only: bool,
    listed: bool,
    max_len: usize,
    top_entities: Vec<OnLoops<'a>>,
}

#[derive(Serialize)]
struct LengthJson {
    length: usize,
    loops: u64,
}

/// An entity and how many loops it sits on.
#[derive(Serialize)]
struct OnLoops<'a> {
    id: &'a str,
    loops: u64,
    name: &'a str,
}

impl<'a> StatsJson<'a> {
    fn new(data: &'a Dataset, s: &Stats, scope: &Scope<'_>) -> Self {
        let id = |e: EntityId| data.entity(e).id.as_str();
        let name = |e: EntityId| data.entity(e).name.as_str();
        let ranked = |list: &[Ranked]| -> Vec<RankedJson<'a>> {
            list.iter()
                .map(|r| RankedJson {
                    by_grade: r.by_grade.to_json(),
                    deals: r.deals,
                    id: id(r.id),
                    name: name(r.id),
                    total: r.total.to_json(),
                })
                .collect()
        };
        let l = &s.loops;
        StatsJson {
            as_of: Shown(scope.as_of),
            components: s
                .components
                .iter()
                .map(|c| c.iter().map(|&e| id(e)).collect())
                .collect(),
            deals: DealCounts {
                by_kind: counts(&s.deals_by_kind, |k| k.as_str()),
                by_status: counts(&s.deals_by_status, |k| k.as_str()),
                in_data: s.deals_in_data,
                inferred: s.inferred_deals,
                total: s.deals,
            },
            entities: EntityCounts {
                by_kind: counts(&s.entities_by_kind, |k| k.as_str()),
                total: s.entities,
                with_deals: s.active_entities,
            },
            loops: LoopsJson {
                by_grade: l.by_grade.map(|g| {
                    serde_json::json!({
                        "confirmed": g.of(crate::model::Grade::Confirmed),
                        "in_talks": g.of(crate::model::Grade::InTalks),
                        "rumored": g.of(crate::model::Grade::Rumored),
                        "inferred": g.of(crate::model::Grade::Inferred),
                    })
                }),
                by_length: l
                    .by_length
                    .iter()
                    .map(|&(length, loops)| LengthJson { length, loops })
                    .collect(),
                complete: l.end == SearchEnd::Complete,
                // Nothing counted before the timeout is "not counted", never "at least 0".
                count: (l.end == SearchEnd::Complete || l.count > 0).then_some(l.count),
                end: match l.end {
                    SearchEnd::Complete => "complete",
                    SearchEnd::Stopped => "stopped",
                    SearchEnd::TimedOut => "timed-out",
                },
                entities_on_loops: l.listed.then_some(l.entities_on_loops),
                financing_only: scope.options.loops.financing_only,
                listed: l.listed,
                max_len: scope.max_len(),
                top_entities: l
                    .top_entities
                    .iter()
                    .map(|&(e, loops)| OnLoops {
                        id: id(e),
                        loops,
                        name: name(e),
                    })
                    .collect(),
            },
            money: MoneyJson {
                by_grade: s.money_by_grade.to_json(),
                by_kind: s
                    .money_by_kind
                    .iter()
                    .map(|(k, r)| (k.as_str(), r.to_json()))
                    .collect(),
                total: s.money_total.to_json(),
            },
            reports: ReportCounts {
                by_status: counts(&s.reports_by_status, |k| k.as_str()),
                in_data: s.reports_in_data,
                total: s.reports,
            },
            sources: SourceCounts {
                in_data: s.sources_in_data,
                total: s.sources,
            },
            top: TopJson {
                counterparties: s
                    .top_counterparties
                    .iter()
                    .map(|&(e, counterparties)| Counted {
                        counterparties,
                        id: id(e),
                        name: name(e),
                    })
                    .collect(),
                inflow: ranked(&s.top_inflow),
                outflow: ranked(&s.top_outflow),
            },
        }
    }
}
