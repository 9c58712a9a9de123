//! What `--diff` prints: a [`LoopDiff`], [`StakeholderDiff`] or [`StatsDiff`] (the same query
//! without and with the global filters) as a table, as the JSON of docs/json.md ("What-if
//! differences") or as CSV rows `section,item,measure,before,after`.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::graph::Filter;
use crate::model::{Dataset, EntityId, Grade, Status};
use crate::query::cycles::{Cycle, GradeCounts, SearchEnd};
use crate::query::diff::{Change, LoopDiff, StakeholderDiff, StatsDiff};
use crate::query::stats::LoopStats;
use crate::query::totals::{ByGrade, MoneyRange};
use crate::render::cells::grade_words;
use crate::render::cycles::{grade_summary, loop_names, round_trip_words};
use crate::render::{csv, json as js, table};

/// What is compared: the filters given, in words, and the date of the unfiltered side.
pub struct Compared {
    /// "without SoftBank; confirmed deals only; as of 2025-06-30".
    pub filters: String,
    pub before: Filter,
    pub after: Filter,
}

impl Compared {
    /// Describes `after` (the filters given) against `before` (none of them).
    pub fn new(data: &Dataset, before: &Filter, after: &Filter) -> Compared {
        Compared {
            filters: filter_words(data, before, after),
            before: before.clone(),
            after: after.clone(),
        }
    }

    fn heading(&self) -> String {
        format!(
            "What the filters change ({}), against the data with no filter as of {}:",
            self.filters, self.before.as_of
        )
    }

    fn to_json(&self) -> Value {
        json!({
            "filters": self.filters,
            "before_as_of": self.before.as_of.to_string(),
            "after_as_of": self.after.as_of.to_string(),
        })
    }
}

/// The filters of `after` that differ from `before`, in words.
pub fn filter_words(data: &Dataset, before: &Filter, after: &Filter) -> String {
    let mut parts = Vec::new();
    if !after.without.is_empty() {
        let names: Vec<String> = after
            .without
            .iter()
            .map(|&e| table::cell_text(&data.entity(e).name))
            .collect();
        parts.push(format!("without {}", names.join(" and ")));
    }
    if after.statuses != before.statuses {
        let names: Vec<&str> = after.statuses.iter().map(|s| s.as_str()).collect();
        let confirmed = after.statuses == [Status::Announced, Status::Completed];
        if confirmed && !after.include_inferred {
            parts.push("confirmed deals only".into());
        } else {
            parts.push(format!("status {}", names.join(",")));
        }
    }
    let confirmed_said = parts.iter().any(|p| p == "confirmed deals only");
    if !after.include_inferred && before.include_inferred && !confirmed_said {
        parts.push("no inferred flows".into());
    }
    if after.min_grade > before.min_grade {
        parts.push(format!("{} or surer", grade_words(after.min_grade)));
    }
    if after.kinds != before.kinds {
        let names: Vec<&str> = after.kinds.iter().map(|k| k.as_str()).collect();
        parts.push(format!("kinds {}", names.join(",")));
    }
    if let Some(min) = after.min_amount {
        parts.push(format!("at least {min} a deal"));
    }
    if after.as_of != before.as_of {
        parts.push(format!("as of {}", after.as_of));
    }
    if parts.is_empty() {
        "the filters given".into()
    } else {
        parts.join("; ")
    }
}

fn loop_ids(data: &Dataset, c: &Cycle) -> String {
    let mut ids: Vec<&str> = c
        .entities
        .iter()
        .map(|&e| data.entity(e).id.as_str())
        .collect();
    ids.push(ids[0]);
    ids.join(" → ")
}

/// "before → after"; "–" when neither side has any amount.
fn arrow(c: &Change<MoneyRange>) -> String {
    if c.before.count + c.after.count == 0 {
        "–".into()
    } else {
        format!("{} → {}", c.before, c.after)
    }
}

fn partial_note(end: SearchEnd) -> &'static str {
    if end == SearchEnd::Complete {
        ""
    } else {
        "\n--timeout ran out: the loops compared are those found in time.\n"
    }
}

/// The loops table: counts before and after with their grades, then one row per loop lost,
/// gained or changed.
pub fn loops_table(data: &Dataset, d: &LoopDiff, compared: &Compared) -> String {
    let mut out = format!("{}\n", compared.heading());
    let _ = writeln!(out, "  before: {}", grade_summary(&d.grades.before));
    let _ = writeln!(out, "  after:  {}", grade_summary(&d.grades.after));
    if !d.lost.is_empty() {
        let _ = writeln!(out, "  {}", lost_words(&d.lost_by_grade()));
    }
    if d.lost.is_empty() && d.gained.is_empty() && d.changed.is_empty() {
        out.push_str("No loop is lost, gained or changed.\n");
        out.push_str(partial_note(d.end));
        return out;
    }
    let mut t = table::new_table(["change", "loop", "round trip", "rests on"]);
    for (change, list) in [("lost", &d.lost), ("gained", &d.gained)] {
        for c in list {
            t.add_row(vec![
                change.into(),
                loop_names(data, c),
                round_trip_words(&c.round_trip),
                grade_words(c.grade).into(),
            ]);
        }
    }
    for c in &d.changed {
        t.add_row(vec![
            "changed".into(),
            loop_names(data, &c.before),
            format!(
                "{} → {}",
                round_trip_words(&c.before.round_trip),
                round_trip_words(&c.after.round_trip)
            ),
            format!(
                "{} → {}",
                grade_words(c.before.grade),
                grade_words(c.after.grade)
            ),
        ]);
    }
    let _ = writeln!(out, "{t}");
    out.push_str(partial_note(d.end));
    out
}

/// "6 loops are lost: 1 needed deals in talks, 5 rumored or inferred flows".
fn lost_words(lost: &GradeCounts) -> String {
    let parts: Vec<String> = [
        (Grade::Confirmed, "rested on confirmed deals alone"),
        (Grade::InTalks, "needed deals in talks"),
        (Grade::Rumored, "needed rumored deals"),
        (Grade::Inferred, "needed inferred flows"),
    ]
    .into_iter()
    .filter(|&(g, _)| lost.of(g) > 0)
    .map(|(g, words)| format!("{} {words}", lost.of(g)))
    .collect();
    format!(
        "{} loop(s) lost: {}; {} of them rested on deals not confirmed",
        lost.total(),
        parts.join(", "),
        lost.total() - lost.of(Grade::Confirmed)
    )
}

fn grades_json(g: &GradeCounts) -> Value {
    json!({
        "total": g.total(),
        "confirmed": g.of(Grade::Confirmed),
        "in_talks": g.of(Grade::InTalks),
        "rumored": g.of(Grade::Rumored),
        "inferred": g.of(Grade::Inferred),
    })
}

fn cycle_json(data: &Dataset, c: &Cycle) -> Value {
    let trip = &c.round_trip;
    let usd = |m: Option<crate::model::Money>| m.map_or(Value::Null, |m| json!(m.to_json_number()));
    json!({
        "entities": c.entities.iter().map(|&e| data.entity(e).id.as_str()).collect::<Vec<_>>(),
        "round_trip": round_trip_words(trip),
        "round_trip_usd": usd(trip.amount),
        "round_trip_min_usd": usd(trip.low),
        "round_trip_max_usd": usd(trip.high),
        "bound": trip.bound.map(|b| b.as_str()),
        "return_ratio": c.ratio.map(|r| r.value),
        "grade": c.grade.as_str(),
    })
}

/// The loops' JSON document (docs/json.md, "What-if differences").
pub fn loops_json(data: &Dataset, d: &LoopDiff, compared: &Compared) -> String {
    let doc = json!({
        "compared": compared.to_json(),
        "complete": d.end == SearchEnd::Complete,
        "loops": {
            "before": grades_json(&d.grades.before),
            "after": grades_json(&d.grades.after),
            "lost": grades_json(&d.lost_by_grade()),
        },
        "lost": d.lost.iter().map(|c| cycle_json(data, c)).collect::<Vec<_>>(),
        "gained": d.gained.iter().map(|c| cycle_json(data, c)).collect::<Vec<_>>(),
        "changed": d.changed.iter().map(|c| json!({
            "before": cycle_json(data, &c.before),
            "after": cycle_json(data, &c.after),
        })).collect::<Vec<_>>(),
    });
    js::to_string(&doc)
}

/// One CSV row.
type Row = [String; 5];

fn row(section: &str, item: &str, measure: &str, before: String, after: String) -> Row {
    [section.into(), item.into(), measure.into(), before, after]
}

const CSV_HEADER: &str = "section,item,measure,before,after";

/// The loops as CSV: the counts by grade, then each loop lost, gained or changed (its round
/// trip and grade on each side; empty where the loop does not exist).
pub fn loops_csv(data: &Dataset, d: &LoopDiff) -> csv::Result<String> {
    let mut rows: Vec<Row> = Vec::new();
    let (b, a) = (&d.grades.before, &d.grades.after);
    rows.push(row(
        "loops",
        "all",
        "count",
        b.total().to_string(),
        a.total().to_string(),
    ));
    for g in Grade::ALL.iter().rev() {
        rows.push(row(
            "loops",
            "all",
            g.as_str(),
            b.of(*g).to_string(),
            a.of(*g).to_string(),
        ));
    }
    let sides = |c: Option<&Cycle>| -> (String, String) {
        c.map_or((String::new(), String::new()), |c| {
            (
                round_trip_words(&c.round_trip),
                c.grade.as_str().to_string(),
            )
        })
    };
    let mut push = |section: &str, item: String, before: Option<&Cycle>, after: Option<&Cycle>| {
        let (bt, bg) = sides(before);
        let (at, ag) = sides(after);
        rows.push(row(section, &item, "round_trip", bt, at));
        rows.push(row(section, &item, "grade", bg, ag));
    };
    for c in &d.lost {
        push("lost", loop_ids(data, c), Some(c), None);
    }
    for c in &d.gained {
        push("gained", loop_ids(data, c), None, Some(c));
    }
    for c in &d.changed {
        push(
            "changed",
            loop_ids(data, &c.before),
            Some(&c.before),
            Some(&c.after),
        );
    }
    csv::to_string(CSV_HEADER, rows)
}

/// "$115.5B – $155.5B (confirmed $13B, in talks $80B …)".
fn split_words(g: &ByGrade) -> String {
    let parts: Vec<String> = g
        .parts()
        .map(|(grade, r)| format!("{} {r}", grade_words(grade)))
        .collect();
    if parts.is_empty() {
        "$0".into()
    } else {
        format!("{} ({})", g.total(), parts.join(", "))
    }
}

/// The stakeholders table: the entity's totals before and after, then each counterparty whose
/// flows change.
pub fn stakeholders_table(data: &Dataset, d: &StakeholderDiff, compared: &Compared) -> String {
    let name = table::cell_text(&data.entity(d.entity).name);
    let mut out = format!("{}\n", compared.heading());
    let _ = writeln!(out, "{name}'s recorded inflows");
    let _ = writeln!(out, "  before: {}", split_words(&d.inflows.before));
    let _ = writeln!(out, "  after:  {}", split_words(&d.inflows.after));
    let _ = writeln!(out, "{name}'s recorded outflows");
    let _ = writeln!(out, "  before: {}", split_words(&d.outflows.before));
    let _ = writeln!(out, "  after:  {}", split_words(&d.outflows.after));
    if d.counterparties.is_empty() {
        out.push_str("No counterparty's flows change.\n");
        return out;
    }
    let mut t = table::new_table(["counterparty", "change", "pays it", "is paid by it"]);
    for c in &d.counterparties {
        let change = if c.lost() {
            "lost"
        } else if c.gained() {
            "gained"
        } else {
            "changed"
        };
        t.add_row(vec![
            table::cell_text(&data.entity(c.id).name),
            change.into(),
            arrow(&c.inflow),
            arrow(&c.outflow),
        ]);
    }
    let _ = writeln!(out, "{t}");
    out
}

fn range_change_json(c: &Change<MoneyRange>) -> Value {
    json!({"before": c.before.to_json(), "after": c.after.to_json()})
}

fn split_json(g: &ByGrade) -> Value {
    json!({"total": g.total().to_json(), "by_grade": g.to_json()})
}

/// The stakeholders' JSON document (docs/json.md, "What-if differences").
pub fn stakeholders_json(data: &Dataset, d: &StakeholderDiff, compared: &Compared) -> String {
    let doc = json!({
        "compared": compared.to_json(),
        "entity": data.entity(d.entity).id,
        "inflows": {"before": split_json(&d.inflows.before), "after": split_json(&d.inflows.after)},
        "outflows": {"before": split_json(&d.outflows.before), "after": split_json(&d.outflows.after)},
        "counterparties": d.counterparties.iter().map(|c| json!({
            "id": data.entity(c.id).id,
            "name": data.entity(c.id).name,
            "lost": c.lost(),
            "gained": c.gained(),
            "inflow": range_change_json(&c.inflow),
            "outflow": range_change_json(&c.outflow),
        })).collect::<Vec<_>>(),
    });
    js::to_string(&doc)
}

/// The stakeholders as CSV: the entity's totals, then each counterparty's flows.
pub fn stakeholders_csv(data: &Dataset, d: &StakeholderDiff) -> csv::Result<String> {
    let id = data.entity(d.entity).id.as_str();
    let mut rows: Vec<Row> = Vec::new();
    for (measure, c) in [("inflows", &d.inflows), ("outflows", &d.outflows)] {
        rows.push(row(
            "total",
            id,
            measure,
            c.before.total().to_string(),
            c.after.total().to_string(),
        ));
        for g in Grade::ALL.iter().rev() {
            let (b, a) = (c.before.get(*g), c.after.get(*g));
            if b.count + a.count > 0 {
                rows.push(row(
                    "total",
                    id,
                    &format!("{measure} {}", g.as_str()),
                    b.to_string(),
                    a.to_string(),
                ));
            }
        }
    }
    for c in &d.counterparties {
        let who = data.entity(c.id).id.as_str();
        rows.push(row(
            "counterparty",
            who,
            "pays it",
            c.inflow.before.to_string(),
            c.inflow.after.to_string(),
        ));
        rows.push(row(
            "counterparty",
            who,
            "is paid by it",
            c.outflow.before.to_string(),
            c.outflow.after.to_string(),
        ));
    }
    csv::to_string(CSV_HEADER, rows)
}

/// "7", "at least 3293766", "not counted".
fn loop_count_words(l: &LoopStats) -> String {
    match l.end {
        SearchEnd::Complete => l.count.to_string(),
        _ if l.count == 0 => "not counted".into(),
        _ => format!("at least {}", l.count),
    }
}

fn rank_words(rank: Option<usize>) -> String {
    rank.map_or("–".into(), |r| format!("#{r}"))
}

/// The stats table: counts, money and loops before and after, then every move in the top
/// lists.
pub fn stats_table(data: &Dataset, d: &StatsDiff, compared: &Compared) -> String {
    let mut out = format!("{}\n", compared.heading());
    let mut t = table::new_table(["measure", "before", "after"]);
    t.add_row(vec![
        "deals".into(),
        d.deals.before.to_string(),
        d.deals.after.to_string(),
    ]);
    t.add_row(vec![
        "entities in a deal".into(),
        d.active_entities.before.to_string(),
        d.active_entities.after.to_string(),
    ]);
    t.add_row(vec![
        "money, all deals".into(),
        d.money.before.total().to_string(),
        d.money.after.total().to_string(),
    ]);
    for g in Grade::ALL.iter().rev() {
        let (b, a) = (d.money.before.get(*g), d.money.after.get(*g));
        if b.count + a.count > 0 {
            t.add_row(vec![
                format!("  {}", grade_words(*g)),
                b.to_string(),
                a.to_string(),
            ]);
        }
    }
    for (kind, c) in &d.money_by_kind {
        if c.before.count + c.after.count > 0 {
            t.add_row(vec![
                format!("  {}", kind.as_str()),
                c.before.to_string(),
                c.after.to_string(),
            ]);
        }
    }
    t.add_row(vec![
        "loops".into(),
        loop_count_words(&d.loops.before),
        loop_count_words(&d.loops.after),
    ]);
    let _ = writeln!(out, "{t}");
    if d.rankings.is_empty() {
        out.push_str("No ranking changes.\n");
        return out;
    }
    let mut t = table::new_table(["ranking", "entity", "before", "after"]);
    for m in &d.rankings {
        t.add_row(vec![
            m.ranking.as_str().into(),
            table::cell_text(&data.entity(m.id).name),
            rank_words(m.rank.before),
            rank_words(m.rank.after),
        ]);
    }
    let _ = writeln!(out, "Ranking changes (top lists; – = not in it)\n{t}");
    out
}

fn loops_json_side(l: &LoopStats) -> Value {
    let counted = l.end == SearchEnd::Complete || l.count > 0;
    json!({"count": counted.then_some(l.count), "complete": l.end == SearchEnd::Complete})
}

fn entity_ref(data: &Dataset, id: EntityId) -> (&str, &str) {
    let e = data.entity(id);
    (e.id.as_str(), e.name.as_str())
}

/// The stats' JSON document (docs/json.md, "What-if differences").
pub fn stats_json(data: &Dataset, d: &StatsDiff, compared: &Compared) -> String {
    let by_kind: serde_json::Map<String, Value> = d
        .money_by_kind
        .iter()
        .map(|(k, c)| (k.as_str().to_string(), range_change_json(c)))
        .collect();
    let doc = json!({
        "compared": compared.to_json(),
        "deals": {"before": d.deals.before, "after": d.deals.after},
        "active_entities": {"before": d.active_entities.before, "after": d.active_entities.after},
        "money": {"before": split_json(&d.money.before), "after": split_json(&d.money.after)},
        "money_by_kind": by_kind,
        "loops": {"before": loops_json_side(&d.loops.before), "after": loops_json_side(&d.loops.after)},
        "rankings": d.rankings.iter().map(|m| {
            let (id, name) = entity_ref(data, m.id);
            json!({"ranking": m.ranking.as_str(), "id": id, "name": name,
                   "before": m.rank.before, "after": m.rank.after})
        }).collect::<Vec<_>>(),
    });
    js::to_string(&doc)
}

/// The stats as CSV: each measure, then each ranking move (ranks from 1, empty when out of
/// the top list).
pub fn stats_csv(data: &Dataset, d: &StatsDiff) -> csv::Result<String> {
    let mut rows: Vec<Row> = vec![
        row(
            "count",
            "deals",
            "count",
            d.deals.before.to_string(),
            d.deals.after.to_string(),
        ),
        row(
            "count",
            "entities in a deal",
            "count",
            d.active_entities.before.to_string(),
            d.active_entities.after.to_string(),
        ),
        row(
            "money",
            "all",
            "total",
            d.money.before.total().to_string(),
            d.money.after.total().to_string(),
        ),
    ];
    for g in Grade::ALL.iter().rev() {
        let (b, a) = (d.money.before.get(*g), d.money.after.get(*g));
        rows.push(row(
            "money",
            g.as_str(),
            "total",
            b.to_string(),
            a.to_string(),
        ));
    }
    for (kind, c) in &d.money_by_kind {
        rows.push(row(
            "money",
            kind.as_str(),
            "total",
            c.before.to_string(),
            c.after.to_string(),
        ));
    }
    rows.push(row(
        "count",
        "loops",
        "count",
        loop_count_words(&d.loops.before),
        loop_count_words(&d.loops.after),
    ));
    let rank = |r: Option<usize>| r.map_or(String::new(), |r| r.to_string());
    for m in &d.rankings {
        rows.push(row(
            "ranking",
            data.entity(m.id).id.as_str(),
            m.ranking.as_str(),
            rank(m.rank.before),
            rank(m.rank.after),
        ));
    }
    csv::to_string(CSV_HEADER, rows)
}
