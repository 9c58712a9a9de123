//! What `dealgraph stakeholders ENTITY` prints: the counterparties of an entity by role, its
//! exposure to each, indirect investors and vendor financing, as tables (comfy-table, long ones
//! capped) or as one JSON document written straight from the query's result.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Number;

use crate::graph::DealView;
use crate::model::{Dataset, EntityId, Grade, MoneySum};
use crate::query::stakeholders::{Chain, Counterparty, Group, Role, Stakeholders, VendorFinancing};
use crate::query::totals::{ByGrade, MoneyRange};
use crate::render::cells::{deal_cells, grade_words, graded_total_cell};
use crate::render::json as js;
use crate::render::table::{self, cell_text, new_table};

/// Rows a table shows when no limit is given: the first of each group, exposure, indirect
/// investors and vendor-financing list.
pub const DEFAULT_LIMIT: usize = 50;

/// A ratio as a percentage with one decimal, or "–" when unknown.
fn percent(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "–".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// An entity's name as [`table::cell_text`] shows it.
fn name(data: &Dataset, id: EntityId) -> String {
    cell_text(&data.entity(id).name)
}

/// The tables and sentences of a [`Stakeholders`] result. Each table shows its first `limit`
/// rows (`None`: all of them), with a [`table::capped_note`] under it when rows are cut.
pub fn to_table(
    data: &Dataset,
    s: &Stakeholders<'_>,
    as_of: NaiveDate,
    limit: Option<usize>,
) -> String {
    let entity = data.entity(s.entity);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Stakeholders of {} ({}, id {}), as of {as_of}",
        cell_text(&entity.name),
        entity.kind,
        cell_text(&entity.id),
    );
    graded_flow_lines(&mut out, "Recorded inflows:  ", &s.inflows_by_grade);
    graded_flow_lines(&mut out, "Recorded outflows: ", &s.outflows_by_grade);
    for group in &s.groups {
        group_table(&mut out, data, s, group, limit);
    }
    if s.groups.iter().all(|g| g.members.is_empty()) {
        let _ = writeln!(
            out,
            "\nNo deals involve {} under the current filters.",
            cell_text(&entity.name)
        );
    }
    exposure_table(&mut out, data, s, limit);
    vendor_table(&mut out, data, &s.vendor_financing, &entity.name, limit);
    indirect_table(&mut out, data, s, limit);
    out
}

/// Up to `limit` rows of `rows` as a table with `header`, then the capped note when rows were
/// cut (`what` names the rows).
fn capped_table<T>(
    out: &mut String,
    header: &[&str],
    rows: &[T],
    limit: Option<usize>,
    what: &str,
    row: impl Fn(&T) -> Vec<String>,
) {
    let shown = limit.map_or(rows.len(), |n| n.min(rows.len()));
    let mut t = new_table(header.iter().copied());
    for r in &rows[..shown] {
        t.add_row(row(r));
    }
    let _ = writeln!(out, "{t}");
    if shown < rows.len() {
        let _ = writeln!(out, "{}", table::capped_note(shown, rows.len(), what));
    }
}

/// One role's members, each with its total, its share and its deals.
fn group_table(
    out: &mut String,
    data: &Dataset,
    s: &Stakeholders<'_>,
    group: &Group<'_>,
    limit: Option<usize>,
) {
    if group.members.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{} — {}", group.role.title(), group.members.len());
    let share_header = match group.role {
        Role::Investor | Role::Customer | Role::Lender => "share of inflows",
        Role::Investee | Role::Supplier | Role::Borrower => "share of outflows",
        Role::Other => "share (in / out)",
    };
    let header = ["counterparty", "total", share_header, "deals"];
    capped_table(out, &header, &group.members, limit, "counterparties", |m| {
        let share = match group.role {
            Role::Investor | Role::Customer | Role::Lender => {
                percent(s.share_of_inflows(&m.inflow))
            }
            Role::Investee | Role::Supplier | Role::Borrower => {
                percent(s.share_of_outflows(&m.outflow))
            }
            Role::Other => format!(
                "{} / {}",
                percent(s.share_of_inflows(&m.inflow)),
                percent(s.share_of_outflows(&m.outflow))
            ),
        };
        vec![
            name(data, m.id),
            graded_total_cell(&m.total_by_grade()),
            share,
            deal_cells(&m.deals),
        ]
    });
}

/// Each counterparty over all its deals, and what the shares compare.
fn exposure_table(out: &mut String, data: &Dataset, s: &Stakeholders<'_>, limit: Option<usize>) {
    if s.exposure.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nExposure: each counterparty over all its deals");
    let header = [
        "counterparty",
        "pays it",
        "share of inflows",
        "is paid by it",
        "share of outflows",
    ];
    capped_table(out, &header, &s.exposure, limit, "counterparties", |e| {
        vec![
            name(data, e.id),
            graded_total_cell(&e.inflow_by_grade),
            percent(s.share_of_inflows(&e.inflow)),
            graded_total_cell(&e.outflow_by_grade),
            percent(s.share_of_outflows(&e.outflow)),
        ]
    });
    let _ = writeln!(
        out,
        "Shares compare stated figures at face value (\"up to $50B\" counts $50B): of {} \
         stated inflows and {} stated outflows; undisclosed amounts are not counted.",
        s.inflows.stated, s.outflows.stated
    );
}

/// Investors of investors with their chains and look-through stakes, or how to see them.
fn indirect_table(out: &mut String, data: &Dataset, s: &Stakeholders<'_>, limit: Option<usize>) {
    if s.depth < 2 {
        let _ = writeln!(
            out,
            "\nIndirect investors: use --depth 2 (or more) to see investors of investors."
        );
        return;
    }
    if s.indirect.investors.is_empty() {
        let _ = writeln!(out, "\nIndirect investors (up to {} hops): none.", s.depth);
        return;
    }
    let _ = writeln!(out, "\nIndirect investors (up to {} hops)", s.depth);
    let header = ["investor", "chains", "look-through stake"];
    capped_table(
        out,
        &header,
        &s.indirect.investors,
        limit,
        "indirect investors",
        |inv| {
            let chains: Vec<String> = inv.chains.iter().map(|c| chain_words(data, c)).collect();
            let stake = match (inv.lookthrough_stake_pct, inv.lookthrough_partial) {
                (None, _) => "unknown".to_string(),
                (Some(p), false) => stake_words(p),
                (Some(p), true) => format!("at least {}", stake_words(p)),
            };
            vec![name(data, inv.id), chains.join("\n"), stake]
        },
    );
    if s.indirect.truncated {
        let _ = writeln!(
            out,
            "Stopped after 10000 chains: the list is incomplete; lower --depth."
        );
    }
}

/// "Top → Mid → Lab (5%)".
fn chain_words(data: &Dataset, chain: &Chain) -> String {
    let names: Vec<String> = chain.entities.iter().map(|&e| name(data, e)).collect();
    match chain.stake_pct {
        Some(pct) => format!("{} ({})", names.join(" → "), stake_words(pct)),
        None => format!("{} (stake unknown)", names.join(" → ")),
    }
}

/// A percentage with up to four decimals, trailing zeros dropped: "5%", "0.0125%".
fn stake_words(pct: f64) -> String {
    let text = format!("{pct:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// "$38B + 3 undisclosed in 4 deals ($38B stated)", then what it rests on when not all of
/// it is confirmed: "at least $58B in 2 deals ($58B stated; confirmed at least $8B, in talks
/// $50B)".
fn flow_words(split: &ByGrade) -> String {
    let r = split.total();
    if r.count == 0 {
        return "none".to_string();
    }
    let mut grades = String::new();
    if split.parts().any(|(g, _)| g != Grade::Confirmed) {
        for (g, part) in split.parts() {
            let sep = if grades.is_empty() { "; " } else { ", " };
            let _ = write!(grades, "{sep}{} {part}", grade_words(g));
        }
    }
    format!(
        "{r} in {} deal{} ({} stated{grades})",
        r.count,
        if r.count == 1 { "" } else { "s" },
        r.stated
    )
}

/// A headline total, confirmed money first so that it is the figure a reader quotes, then
/// each weaker grade as "more", then the whole:
///
/// ```text
/// Recorded inflows:  $35.5B – $75.5B confirmed (3 deals)
///                    $80B + 4 undisclosed more in talks (6 deals)
///                    $115.5B – $155.5B + 4 undisclosed in all (9 deals; $155.5B stated)
/// ```
///
/// When every deal is confirmed, one line: "$38B confirmed (1 deal; $38B stated)".
fn graded_flow_lines(out: &mut String, label: &str, split: &ByGrade) {
    let total = split.total();
    if total.count == 0 {
        let _ = writeln!(out, "{label}none");
        return;
    }
    let deals = |n: u32| format!("{n} deal{}", if n == 1 { "" } else { "s" });
    let confirmed = split.get(Grade::Confirmed);
    let indent = " ".repeat(label.chars().count());
    let weaker: Vec<_> = split
        .parts()
        .filter(|(g, _)| *g != Grade::Confirmed)
        .collect();
    if weaker.is_empty() {
        let _ = writeln!(
            out,
            "{label}{confirmed} confirmed ({}; {} stated)",
            deals(confirmed.count),
            confirmed.stated
        );
        return;
    }
    let _ = writeln!(
        out,
        "{label}{confirmed} confirmed ({})",
        deals(confirmed.count)
    );
    for (grade, part) in weaker {
        let _ = writeln!(
            out,
            "{indent}{part} more {} ({})",
            grade_words(grade),
            deals(part.count)
        );
    }
    let _ = writeln!(
        out,
        "{indent}{total} in all ({}; {} stated)",
        deals(total.count),
        total.stated
    );
}

/// What comes back to the entity of what it invests or lends, and who pays it back.
fn vendor_table(
    out: &mut String,
    data: &Dataset,
    v: &VendorFinancing<'_>,
    entity_name: &str,
    limit: Option<usize>,
) {
    let entity_name = cell_text(entity_name);
    let reach = if v.depth <= 1 {
        "directly".to_string()
    } else {
        format!("directly or through up to {} hops", v.depth)
    };
    let _ = writeln!(out, "\nVendor financing");
    if v.invested.count == 0 {
        let _ = writeln!(
            out,
            "{entity_name} invests in or lends to no one here, so no money comes back to it as \
             vendor financing."
        );
        return;
    }
    let financed: Vec<String> = v.financed.iter().map(|&e| name(data, e)).collect();
    let _ = writeln!(
        out,
        "{entity_name} invests in or lends to {}: {}.",
        financed.join(", "),
        flow_words(&v.invested_by_grade)
    );
    if v.returning.is_empty() {
        let _ = writeln!(
            out,
            "None of it comes back as revenue ({reach}) under the current filters."
        );
        return;
    }
    let _ = writeln!(
        out,
        "Paid back to {entity_name} as revenue ({reach}): {}; directly by those it finances: {}.",
        flow_words(&v.returned_by_grade),
        v.returned_direct
    );
    let _ = writeln!(
        out,
        "Vendor-financing ratio: {} (stated figures: {} back of {} invested).",
        percent(v.ratio()),
        v.returned.stated,
        v.invested.stated
    );
    let header = ["paid back by", "hops from financed", "deals"];
    capped_table(
        out,
        &header,
        &v.returning,
        limit,
        "counterparties paying back",
        |r| {
            let hops = r.hops_from_financed.to_string();
            vec![name(data, r.id), hops, deal_cells(&r.deals)]
        },
    );
}

// The JSON document is written straight from the query's result: a hub has tens of thousands
// of counterparties, and a `Value` tree of them takes far longer to build than to print. Fields
// of every shape are in the sorted order that a `Value` (serde_json without `preserve_order`)
// prints its keys in, so the text is the same as that tree's; a test holds the two together.

/// The JSON text of a [`Stakeholders`] result (pretty, with a trailing newline), as
/// docs/json.md describes it.
pub fn to_json(data: &Dataset, s: &Stakeholders<'_>, as_of: NaiveDate) -> String {
    let deals: usize = s
        .groups
        .iter()
        .flat_map(|g| &g.members)
        .map(|m| m.deals.len())
        .sum();
    let members: usize = s.groups.iter().map(|g| g.members.len()).sum();
    // About 1.2 KB per deal object, 600 bytes per member and per exposure row.
    let size = 4096 + 1300 * deals + 600 * (members + s.exposure.len());
    js::to_string_sized(&document(data, s, as_of), size)
}

fn document<'a>(data: &'a Dataset, s: &'a Stakeholders<'a>, as_of: NaiveDate) -> DocumentJson<'a> {
    let entity = data.entity(s.entity);
    let v = &s.vendor_financing;
    DocumentJson {
        as_of: js::Shown(as_of),
        depth: s.depth,
        entity: &entity.id,
        exposure: ExposuresJson { data, s },
        groups: GroupsJson { data, s },
        indirect_investors: IndirectJson { data, s },
        indirect_truncated: s.indirect.truncated,
        inflows: RangeJson::new(&s.inflows),
        inflows_by_grade: GradesJson::new(&s.inflows_by_grade),
        name: &entity.name,
        outflows: RangeJson::new(&s.outflows),
        outflows_by_grade: GradesJson::new(&s.outflows_by_grade),
        vendor_financing: VendorJson {
            depth: v.depth,
            financed: IdsJson(data, &v.financed),
            invested: RangeJson::new(&v.invested),
            invested_by_grade: GradesJson::new(&v.invested_by_grade),
            invested_usd: usd(v.invested.stated),
            ratio: v.ratio(),
            returned: RangeJson::new(&v.returned),
            returned_by_grade: GradesJson::new(&v.returned_by_grade),
            returned_direct: RangeJson::new(&v.returned_direct),
            returned_usd: usd(v.returned.stated),
            returning: ReturningJson { data, v },
        },
    }
}

#[derive(Serialize)]
struct DocumentJson<'a> {
    as_of: js::Shown<NaiveDate>,
    depth: usize,
    entity: &'a str,
    exposure: ExposuresJson<'a>,
    groups: GroupsJson<'a>,
    indirect_investors: IndirectJson<'a>,
    indirect_truncated: bool,
    inflows: RangeJson,
    inflows_by_grade: GradesJson,
    name: &'a str,
    outflows: RangeJson,
    outflows_by_grade: GradesJson,
    vendor_financing: VendorJson<'a>,
}

/// Dollars as a JSON number, as [`MoneySum::to_json_number`] gives them; whole dollars, nearly
/// every sum, without going through its text.
fn usd(sum: MoneySum) -> Number {
    let cents = sum.cents();
    if cents % 100 == 0
        && let Ok(dollars) = i64::try_from(cents / 100)
    {
        return Number::from(dollars);
    }
    sum.to_json_number()
}

/// A [`MoneyRange`] as [`MoneyRange::to_json`] shows it.
#[derive(Serialize)]
struct RangeJson {
    amounts: u32,
    max_usd: Option<Number>,
    min_usd: Number,
    stated_usd: Number,
    undisclosed: u32,
}

impl RangeJson {
    fn new(r: &MoneyRange) -> Self {
        RangeJson {
            amounts: r.count,
            max_usd: r.max().map(usd),
            min_usd: usd(r.min),
            stated_usd: usd(r.stated),
            undisclosed: r.undisclosed,
        }
    }
}

/// A [`ByGrade`] as [`ByGrade::to_json`] shows it.
#[derive(Serialize)]
struct GradesJson {
    confirmed: RangeJson,
    in_talks: RangeJson,
    inferred: RangeJson,
    rumored: RangeJson,
}

impl GradesJson {
    fn new(split: &ByGrade) -> Self {
        GradesJson {
            confirmed: RangeJson::new(split.get(Grade::Confirmed)),
            in_talks: RangeJson::new(split.get(Grade::InTalks)),
            inferred: RangeJson::new(split.get(Grade::Inferred)),
            rumored: RangeJson::new(split.get(Grade::Rumored)),
        }
    }
}

/// Entity ids.
struct IdsJson<'a>(&'a Dataset, &'a [EntityId]);

impl Serialize for IdsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let IdsJson(data, ids) = *self;
        serializer.collect_seq(ids.iter().map(|&e| data.entity(e).id.as_str()))
    }
}

/// Each role's members under its key. Keys print sorted, and a key met twice keeps the later
/// group, as inserting them into a `Map` one by one would.
struct GroupsJson<'a> {
    data: &'a Dataset,
    s: &'a Stakeholders<'a>,
}

impl Serialize for GroupsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut groups: Vec<&Group<'_>> = Vec::with_capacity(self.s.groups.len());
        for group in &self.s.groups {
            let key = group.role.group_key();
            match groups.iter_mut().find(|g| g.role.group_key() == key) {
                Some(earlier) => *earlier = group,
                None => groups.push(group),
            }
        }
        groups.sort_by_key(|g| g.role.group_key());
        let mut map = serializer.serialize_map(Some(groups.len()))?;
        for group in groups {
            let members = MembersJson {
                data: self.data,
                s: self.s,
                members: &group.members,
            };
            map.serialize_entry(group.role.group_key(), &members)?;
        }
        map.end()
    }
}

struct MembersJson<'a> {
    data: &'a Dataset,
    s: &'a Stakeholders<'a>,
    members: &'a [Counterparty<'a>],
}

impl Serialize for MembersJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (data, s) = (self.data, self.s);
        serializer.collect_seq(self.members.iter().map(|m| MemberJson {
            deals: DealsJson(data, &m.deals),
            id: &data.entity(m.id).id,
            name: &data.entity(m.id).name,
            share_of_inflows: s.share_of_inflows(&m.inflow),
            share_of_outflows: s.share_of_outflows(&m.outflow),
            total: RangeJson::new(&m.total()),
            total_by_grade: GradesJson::new(&m.total_by_grade()),
        }))
    }
}

#[derive(Serialize)]
struct MemberJson<'a> {
    deals: DealsJson<'a>,
    id: &'a str,
    name: &'a str,
    share_of_inflows: Option<f64>,
    share_of_outflows: Option<f64>,
    total: RangeJson,
    total_by_grade: GradesJson,
}

/// Deals as the deal objects of [`js::DealJson`], made one at a time as they are written.
struct DealsJson<'a>(&'a Dataset, &'a [DealView<'a>]);

impl Serialize for DealsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let DealsJson(data, views) = *self;
        serializer.collect_seq(views.iter().map(|v| js::DealJson::new(data, v)))
    }
}

struct ExposuresJson<'a> {
    data: &'a Dataset,
    s: &'a Stakeholders<'a>,
}

impl Serialize for ExposuresJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (data, s) = (self.data, self.s);
        serializer.collect_seq(s.exposure.iter().map(|e| ExposureJson {
            id: &data.entity(e.id).id,
            inflow: RangeJson::new(&e.inflow),
            inflow_by_grade: GradesJson::new(&e.inflow_by_grade),
            name: &data.entity(e.id).name,
            outflow: RangeJson::new(&e.outflow),
            outflow_by_grade: GradesJson::new(&e.outflow_by_grade),
            share_of_inflows: s.share_of_inflows(&e.inflow),
            share_of_outflows: s.share_of_outflows(&e.outflow),
        }))
    }
}

#[derive(Serialize)]
struct ExposureJson<'a> {
    id: &'a str,
    inflow: RangeJson,
    inflow_by_grade: GradesJson,
    name: &'a str,
    outflow: RangeJson,
    outflow_by_grade: GradesJson,
    share_of_inflows: Option<f64>,
    share_of_outflows: Option<f64>,
}

struct IndirectJson<'a> {
    data: &'a Dataset,
    s: &'a Stakeholders<'a>,
}

impl Serialize for IndirectJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let data = self.data;
        serializer.collect_seq(
            self.s
                .indirect
                .investors
                .iter()
                .map(|inv| IndirectInvestorJson {
                    also_direct: inv.also_direct(),
                    chains: ChainsJson(data, &inv.chains),
                    id: &data.entity(inv.id).id,
                    lookthrough_partial: inv.lookthrough_partial,
                    lookthrough_stake_pct: inv.lookthrough_stake_pct,
                    name: &data.entity(inv.id).name,
                    via: IdsJson(data, &inv.via().entities),
                }),
        )
    }
}

#[derive(Serialize)]
struct IndirectInvestorJson<'a> {
    also_direct: bool,
    chains: ChainsJson<'a>,
    id: &'a str,
    lookthrough_partial: bool,
    lookthrough_stake_pct: Option<f64>,
    name: &'a str,
    via: IdsJson<'a>,
}

struct ChainsJson<'a>(&'a Dataset, &'a [Chain]);

impl Serialize for ChainsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ChainsJson(data, chains) = *self;
        serializer.collect_seq(chains.iter().map(|c| ChainJson {
            entities: IdsJson(data, &c.entities),
            stake_pct: c.stake_pct,
        }))
    }
}

#[derive(Serialize)]
struct ChainJson<'a> {
    entities: IdsJson<'a>,
    stake_pct: Option<f64>,
}

#[derive(Serialize)]
struct VendorJson<'a> {
    depth: usize,
    financed: IdsJson<'a>,
    invested: RangeJson,
    invested_by_grade: GradesJson,
    invested_usd: Number,
    ratio: Option<f64>,
    returned: RangeJson,
    returned_by_grade: GradesJson,
    returned_direct: RangeJson,
    returned_usd: Number,
    returning: ReturningJson<'a>,
}

struct ReturningJson<'a> {
    data: &'a Dataset,
    v: &'a VendorFinancing<'a>,
}

impl Serialize for ReturningJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let data = self.data;
        serializer.collect_seq(self.v.returning.iter().map(|r| ReturnerJson {
            deals: DealIdsJson(&r.deals),
            hops_from_financed: r.hops_from_financed,
            id: &data.entity(r.id).id,
            name: &data.entity(r.id).name,
        }))
    }
}

#[derive(Serialize)]
struct ReturnerJson<'a> {
    deals: DealIdsJson<'a>,
    hops_from_financed: usize,
    id: &'a str,
    name: &'a str,
}

struct DealIdsJson<'a>(&'a [DealView<'a>]);

impl Serialize for DealIdsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| d.deal.id()))
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::{Filter, MoneyGraph};
    use crate::load::{LoadOptions, load_bundled, load_str};
    use crate::model::Money;
    use crate::query::stakeholders::{StakeholderOptions, stakeholders};
    use serde_json::{Map, Value, json};

    use super::*;

    /// A share as a JSON number, or null.
    fn share_json(ratio: Option<f64>) -> Value {
        ratio.map_or(Value::Null, |r| json!(r))
    }

    /// The document as a `Value` tree, the way it was built before it was written directly.
    fn value_document(data: &Dataset, s: &Stakeholders<'_>, as_of: NaiveDate) -> Value {
        let entity = data.entity(s.entity);
        let id = |e: EntityId| json!(data.entity(e).id);
        let mut groups = Map::new();
        for group in &s.groups {
            let members: Vec<Value> = group
                .members
                .iter()
                .map(|m| {
                    json!({
                        "id": id(m.id),
                        "name": data.entity(m.id).name,
                        "total": m.total().to_json(),
                        "total_by_grade": m.total_by_grade().to_json(),
                        "share_of_inflows": share_json(s.share_of_inflows(&m.inflow)),
                        "share_of_outflows": share_json(s.share_of_outflows(&m.outflow)),
                        "deals": m.deals.iter().map(|v| js::deal_json(data, v)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            groups.insert(group.role.group_key().to_string(), Value::Array(members));
        }
        let exposure: Vec<Value> = s
            .exposure
            .iter()
            .map(|e| {
                json!({
                    "id": id(e.id),
                    "name": data.entity(e.id).name,
                    "inflow": e.inflow.to_json(),
                    "inflow_by_grade": e.inflow_by_grade.to_json(),
                    "share_of_inflows": share_json(s.share_of_inflows(&e.inflow)),
                    "outflow": e.outflow.to_json(),
                    "outflow_by_grade": e.outflow_by_grade.to_json(),
                    "share_of_outflows": share_json(s.share_of_outflows(&e.outflow)),
                })
            })
            .collect();
        let indirect: Vec<Value> = s
            .indirect
            .investors
            .iter()
            .map(|inv| {
                let ids = |c: &[EntityId]| c.iter().map(|&e| id(e)).collect::<Vec<_>>();
                json!({
                    "id": id(inv.id),
                    "name": data.entity(inv.id).name,
                    "via": ids(&inv.via().entities),
                    "also_direct": inv.also_direct(),
                    "chains": inv.chains.iter().map(|c| json!({
                        "entities": ids(&c.entities),
                        "stake_pct": c.stake_pct,
                    })).collect::<Vec<_>>(),
                    "lookthrough_stake_pct": inv.lookthrough_stake_pct,
                    "lookthrough_partial": inv.lookthrough_partial,
                })
            })
            .collect();
        let v = &s.vendor_financing;
        let vendor = json!({
            "invested_usd": Value::Number(v.invested.stated.to_json_number()),
            "returned_usd": Value::Number(v.returned.stated.to_json_number()),
            "ratio": share_json(v.ratio()),
            "depth": v.depth,
            "invested": v.invested.to_json(),
            "invested_by_grade": v.invested_by_grade.to_json(),
            "returned": v.returned.to_json(),
            "returned_by_grade": v.returned_by_grade.to_json(),
            "returned_direct": v.returned_direct.to_json(),
            "financed": v.financed.iter().map(|&e| id(e)).collect::<Vec<_>>(),
            "returning": v.returning.iter().map(|r| json!({
                "id": id(r.id),
                "name": data.entity(r.id).name,
                "hops_from_financed": r.hops_from_financed,
                "deals": r.deals.iter().map(|d| json!(d.deal.id())).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        json!({
            "entity": entity.id,
            "name": entity.name,
            "as_of": as_of.to_string(),
            "depth": s.depth,
            "inflows": s.inflows.to_json(),
            "inflows_by_grade": s.inflows_by_grade.to_json(),
            "outflows": s.outflows.to_json(),
            "outflows_by_grade": s.outflows_by_grade.to_json(),
            "groups": Value::Object(groups),
            "exposure": exposure,
            "indirect_investors": indirect,
            "indirect_truncated": s.indirect.truncated,
            "vendor_financing": vendor,
        })
    }

    /// Written straight from the result, every document must read as its `Value` tree prints,
    /// whose keys serde_json sorts: a field out of order, missing or renamed shows here.
    fn assert_written_as_value_prints(data: &Dataset, as_of: NaiveDate) {
        let graph = MoneyGraph::build(data, Filter::new(as_of));
        for id in data.entity_ids() {
            for depth in 1..=3 {
                let options = StakeholderOptions {
                    depth,
                    ..StakeholderOptions::default()
                };
                let result = stakeholders(&graph, id, &options);
                let value = value_document(data, &result, as_of);
                assert_eq!(
                    to_json(data, &result, as_of),
                    js::to_string(&value),
                    "{} at depth {depth}",
                    data.entity(id).id
                );
            }
        }
    }

    #[test]
    fn json_keys_come_in_the_order_values_print_them() {
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date");
        let loaded = load_bundled(LoadOptions::default()).expect("bundled data loads");
        assert_written_as_value_prints(&loaded.dataset, as_of);
        for (name, text) in [
            (
                "map-hostile.toml",
                include_str!("../../tests/fixtures/map-hostile.toml"),
            ),
            (
                "stake-chain.toml",
                include_str!("../../tests/fixtures/stake-chain.toml"),
            ),
            (
                "cycles-small.toml",
                include_str!("../../tests/fixtures/cycles-small.toml"),
            ),
        ] {
            let loaded = load_str(name, text, LoadOptions::default()).expect("fixture loads");
            assert_written_as_value_prints(&loaded.dataset, as_of);
        }
    }

    #[test]
    fn whole_and_fractional_dollars_print_as_before() {
        for cents in [0i64, 100, -100, 150, -150, 1, 99, i64::MAX, i64::MIN + 1] {
            let mut sum = MoneySum::default();
            sum.add(Money::from_cents(cents));
            let mut big = sum;
            big.add(Money::from_cents(cents));
            for s in [sum, big] {
                assert_eq!(
                    js::to_string(&usd(s)),
                    js::to_string(&s.to_json_number()),
                    "{s:?}"
                );
            }
        }
    }
}
