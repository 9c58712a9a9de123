//! The data of an `explore` page: one [`PageData`] value, serialised into the page as JSON.
//! Every date question is answered here, in Rust, with the library's own rules: which report
//! of each deal stands at each slider position, and at which positions each loop exists.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::graph::{Filter, MoneyGraph};
use crate::model::{Amount, Dataset, DealId, DealKind, DealRef, EntityId, EntityKind, Status};
use crate::query::cycles::{Bound, CycleOptions, RoundTrip, SortKey, collect_cycles};
use crate::query::stakeholders::{StakeholderOptions, stakeholders};
use crate::render::layout::{self, LayoutEdge, LayoutNode, Size};
use crate::render::style::{self, Shape};

/// How much loop searching a page may do.
#[derive(Clone, Copy, Debug)]
pub struct ExploreOptions {
    /// Longest loop, in hops (`None`: no bound), as `cycles --max-len`.
    pub max_len: Option<usize>,
    /// Most loops searched at one slider position (the first found, as `cycles` keeps them).
    pub loops_per_date: usize,
    /// Most loops on the page in all.
    pub max_loops: usize,
    /// Time for all loop searches together; past it the loop list is marked incomplete.
    pub loop_budget: Duration,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            max_len: Some(6),
            loops_per_date: 200,
            max_loops: 1000,
            loop_budget: Duration::from_secs(20),
        }
    }
}

/// What the page can show: every deal that passes the date-independent filters (kinds,
/// inferred, `--without`) and has a report on or before the as-of date that passes
/// `--min-amount`, and their entities. Which report stands depends on the date, so the page
/// applies statuses and amounts to it.
#[derive(Clone, Debug)]
pub struct Selection {
    pub deals: Vec<DealId>,
    /// Sorted by id.
    pub entities: Vec<EntityId>,
}

impl Selection {
    pub fn new(data: &Dataset, filter: &Filter) -> Selection {
        let mut on_page = vec![false; data.entities().len()];
        let mut deals = Vec::new();
        for (i, deal) in data.deals().enumerate() {
            let keep = filter.kinds.contains(&deal.kind())
                && (filter.include_inferred || !deal.inferred())
                && !filter.without.contains(&deal.from())
                && !filter.without.contains(&deal.to())
                && deal.reports().any(|r| {
                    r.effective_date()
                        .is_none_or(|d| d.on_or_before(filter.as_of))
                        && big_enough(filter, &r.amount)
                });
            if keep {
                deals.push(DealId(i as u32));
                on_page[deal.from().index()] = true;
                on_page[deal.to().index()] = true;
            }
        }
        let entities = data.entity_ids().filter(|e| on_page[e.index()]).collect();
        Selection { deals, entities }
    }
}

/// Everything the page shows, as sent to it. Indexes (`kind`, `status`, `from`...) point
/// into the lists of this value.
#[derive(Clone, Debug, Serialize)]
pub struct PageData {
    pub title: String,
    pub data_label: String,
    pub as_of: String,
    /// Slider positions: the end of each month from the first dated report up to the as-of
    /// date, which is the last position (`--as-of YYYY-MM` means the end of that month too).
    pub dates: Vec<String>,
    pub entity_kinds: Vec<EntityKindLook>,
    pub deal_kinds: Vec<DealKindLook>,
    pub statuses: Vec<StatusLook>,
    pub faded_opacity: f64,
    pub entities: Vec<EntityData>,
    pub deals: Vec<DealData>,
    /// Loops ranked as `cycles` ranks them at the as-of date; loops gone by then follow,
    /// ranked at the last date they existed.
    pub loops: Vec<LoopData>,
    /// The loop search hit a limit: more loops may exist than the list shows.
    pub loops_incomplete: bool,
    pub max_len: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntityKindLook {
    pub name: &'static str,
    /// A Cytoscape node shape.
    pub shape: &'static str,
    pub shape_name: &'static str,
    pub fill: &'static str,
    pub legend: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct DealKindLook {
    pub name: &'static str,
    pub colour: &'static str,
    pub legend: &'static str,
    pub financing: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct StatusLook {
    pub name: &'static str,
    /// `solid`, `dashed` or `dotted`.
    pub dash: &'static str,
    /// Replaces the kind's colour.
    pub colour: Option<&'static str>,
    pub legend: &'static str,
    /// Shown when the page opens: the statuses `--status` keeps.
    pub on: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntityData {
    pub id: String,
    pub name: String,
    /// The name wrapped for the node label.
    pub label: String,
    pub aliases: Vec<String>,
    pub kind: usize,
    /// Centre and size from the layered layout, in points.
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// `stakeholders` at the as-of date; `None` when it has no deal then.
    pub stakes: Option<StakeSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StakeSummary {
    pub inflows: String,
    pub outflows: String,
    /// Non-empty roles: title and members (entity index, total with it).
    pub groups: Vec<(&'static str, Vec<(usize, String)>)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DealData {
    pub id: String,
    pub from: usize,
    pub to: usize,
    pub kind: usize,
    pub inferred: bool,
    pub notes: Option<String>,
    pub reports: Vec<ReportData>,
    /// `(position, report)`: from that slider position on, this report stands (`-1`: the deal
    /// does not exist yet), until the next step.
    pub steps: Vec<(usize, i64)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportData {
    pub source: String,
    pub publisher: Option<String>,
    pub date: Option<String>,
    pub status: usize,
    pub amount: String,
    /// Passes `--min-amount`.
    pub big_enough: bool,
    pub notes: Option<String>,
    /// The edge label and width while this report stands.
    pub label: String,
    pub width: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct LoopData {
    /// Entity indexes in loop order; the last pays the first.
    pub entities: Vec<usize>,
    /// Round trip, as `cycles` words it, at the latest date the loop exists.
    pub amount: String,
    /// `[from, to)` slider positions between which the loop exists.
    pub spans: Vec<(usize, usize)>,
}

/// Builds the page's data for `selection` under `filter` (the CLI's global filters).
///
/// Complexity: `O(P · D)` for the standing reports of `D` deals at `P` slider positions,
/// plus one loop search per position that changes the graph (bounded by
/// [`ExploreOptions`]), plus the layered layout of the selection.
pub fn page_data(
    data: &Dataset,
    filter: &Filter,
    selection: &Selection,
    data_label: &str,
    options: &ExploreOptions,
) -> PageData {
    let dates = positions(data, selection, filter.as_of);
    let mut page_index = vec![usize::MAX; data.entities().len()];
    for (i, e) in selection.entities.iter().enumerate() {
        page_index[e.index()] = i;
    }
    let deals: Vec<DealData> = selection
        .deals
        .iter()
        .map(|&id| deal_data(data.deal(id), filter, &dates, &page_index))
        .collect();
    let mut entities = entity_data(data, filter, selection, &page_index);
    place(&mut entities, &deals);
    let (loops, loops_incomplete) = loops(data, filter, &dates, &deals, &page_index, options);
    PageData {
        title: "Who pays whom".to_string(),
        data_label: data_label.to_string(),
        as_of: filter.as_of.to_string(),
        dates: dates.iter().map(NaiveDate::to_string).collect(),
        entity_kinds: EntityKind::ALL
            .iter()
            .map(|&k| {
                let s = style::entity_style(k);
                EntityKindLook {
                    name: k.as_str(),
                    shape: cytoscape_shape(s.shape),
                    shape_name: s.shape.name(),
                    fill: s.fill,
                    legend: s.legend,
                }
            })
            .collect(),
        deal_kinds: DealKind::ALL
            .iter()
            .map(|&k| DealKindLook {
                name: k.as_str(),
                colour: style::deal_style(k).colour,
                legend: style::deal_style(k).legend,
                financing: k.is_financing(),
            })
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|&s| {
                let look = style::status_style(s);
                StatusLook {
                    name: s.as_str(),
                    dash: look.dash.graphviz(),
                    colour: look.colour,
                    legend: look.legend,
                    on: filter.statuses.contains(&s),
                }
            })
            .collect(),
        faded_opacity: style::FADED_OPACITY,
        entities,
        deals,
        loops,
        loops_incomplete,
        max_len: options.max_len,
    }
}

/// The slider's dates: month ends from the first report's date (its event date where given,
/// as the standing rule counts it) to `as_of`, then `as_of`.
fn positions(data: &Dataset, selection: &Selection, as_of: NaiveDate) -> Vec<NaiveDate> {
    let first = selection
        .deals
        .iter()
        .flat_map(|&id| data.deal(id).reports())
        .filter_map(|r| r.effective_date().map(|d| d.first_day()))
        .filter(|&d| d <= as_of)
        .min()
        .unwrap_or(as_of);
    let mut dates = Vec::new();
    let mut month = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
    loop {
        let next = month.checked_add_months(chrono::Months::new(1));
        let Some(end) = next.and_then(|n| n.pred_opt()) else {
            break;
        };
        if end >= as_of {
            break;
        }
        dates.push(end);
        month = next.unwrap_or(as_of);
    }
    dates.push(as_of);
    dates
}

fn deal_data(
    deal: DealRef<'_>,
    filter: &Filter,
    dates: &[NaiveDate],
    page_index: &[usize],
) -> DealData {
    let kind = DealKind::ALL
        .iter()
        .position(|&k| k == deal.kind())
        .unwrap_or(0);
    let reports = deal
        .reports()
        .map(|r| ReportData {
            source: r.source.to_string(),
            publisher: r.publisher.map(str::to_string),
            date: r.date.map(|d| d.to_string()),
            status: Status::ALL.iter().position(|&s| s == r.status).unwrap_or(0),
            amount: r.amount.to_string(),
            big_enough: big_enough(filter, &r.amount),
            notes: r.notes.map(str::to_string),
            label: style::deal_label(deal, &r),
            width: style::edge_width(&r.amount),
        })
        .collect();
    let mut steps: Vec<(usize, i64)> = Vec::new();
    for (p, &date) in dates.iter().enumerate() {
        let standing = deal.standing_index(date).map_or(-1, |i| i as i64);
        if steps.last().is_none_or(|&(_, s)| s != standing) {
            steps.push((p, standing));
        }
    }
    DealData {
        id: deal.id().to_string(),
        from: page_index[deal.from().index()],
        to: page_index[deal.to().index()],
        kind,
        inferred: deal.inferred(),
        notes: deal.notes().map(str::to_string),
        reports,
        steps,
    }
}

fn entity_data(
    data: &Dataset,
    filter: &Filter,
    selection: &Selection,
    page_index: &[usize],
) -> Vec<EntityData> {
    let graph = MoneyGraph::build(data, filter.clone());
    let mut active = vec![false; data.entities().len()];
    for e in graph.active_entities() {
        active[e.index()] = true;
    }
    selection
        .entities
        .iter()
        .map(|&e| {
            let entity = data.entity(e);
            let lines = style::wrap(&entity.name, style::NODE_WRAP);
            let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1);
            let stakes = active[e.index()].then(|| {
                let s = stakeholders(&graph, e, &StakeholderOptions::default());
                StakeSummary {
                    inflows: s.inflows.to_string(),
                    outflows: s.outflows.to_string(),
                    groups: s
                        .groups
                        .iter()
                        .filter(|g| !g.members.is_empty())
                        .map(|g| {
                            let members = g
                                .members
                                .iter()
                                .map(|m| (page_index[m.id.index()], m.total().to_string()))
                                .collect();
                            (g.role.title(), members)
                        })
                        .collect(),
                }
            });
            EntityData {
                id: entity.id.to_string(),
                name: entity.name.to_string(),
                label: lines.join("\n"),
                aliases: entity.aliases().to_vec(),
                kind: EntityKind::ALL
                    .iter()
                    .position(|&k| k == entity.kind)
                    .unwrap_or(0),
                x: 0.0,
                y: 0.0,
                // About 7 points per character at the 12-point node font, plus padding.
                w: (longest as f64 * 7.0 + 20.0).max(40.0),
                h: lines.len() as f64 * 15.0 + 12.0,
                stakes,
            }
        })
        .collect()
}

/// Positions every entity with the builtin layered layout, one edge per payer–payee pair
/// (parallel deals share a route) with room for one label.
fn place(entities: &mut [EntityData], deals: &[DealData]) {
    let nodes: Vec<LayoutNode> = entities
        .iter()
        .map(|e| LayoutNode {
            size: Size { w: e.w, h: e.h },
            shape: Shape::RoundedBox,
        })
        .collect();
    let mut pairs: HashMap<(usize, usize), usize> = HashMap::new();
    let mut edges: Vec<LayoutEdge> = Vec::new();
    for d in deals {
        let financing = DealKind::ALL[d.kind].is_financing();
        let at = *pairs.entry((d.from, d.to)).or_insert_with(|| {
            edges.push(LayoutEdge {
                from: d.from,
                to: d.to,
                label: Size { w: 0.0, h: 0.0 },
                stroke: 1.0,
                weight: 0,
            });
            edges.len() - 1
        });
        // Room for every label of the pair, one above the other (the page draws parallel
        // deals side by side, labels at their middles), about 5.5 points per character.
        let longest = d.reports.iter().map(|r| r.label.chars().count()).max();
        let label = &mut edges[at].label;
        label.w = label
            .w
            .max(longest.unwrap_or(0).min(style::EDGE_WRAP) as f64 * 5.5);
        label.h += 26.0;
        // Financing keeps pointing right when loops must be broken.
        edges[at].weight += if financing { 4 } else { 1 };
    }
    let placed = layout::layout(&nodes, &edges);
    // The layout grows nodes where many edges meet; the page keeps them at their text's size.
    for (e, p) in entities.iter_mut().zip(&placed.nodes) {
        e.x = p.x;
        e.y = p.y;
    }
}

/// Every loop at every slider position, searched as `cycles` searches (global filters, the
/// as-of date set to the position). A position where no deal changes reuses the previous
/// search. Searches run from the as-of date backwards, so the first loops are ranked as
/// `cycles` ranks them.
fn loops(
    data: &Dataset,
    filter: &Filter,
    dates: &[NaiveDate],
    deals: &[DealData],
    page_index: &[usize],
    options: &ExploreOptions,
) -> (Vec<LoopData>, bool) {
    let deadline = Instant::now() + options.loop_budget;
    let mut changes = vec![false; dates.len()];
    for d in deals {
        for &(p, _) in &d.steps {
            changes[p] = true;
        }
    }
    let mut found: Vec<LoopData> = Vec::new();
    let mut presence: Vec<Vec<bool>> = Vec::new();
    let mut by_entities: HashMap<Vec<EntityId>, usize> = HashMap::new();
    let mut incomplete = false;
    // Loops of the newest searched position at or after each position.
    let mut current: Vec<usize> = Vec::new();
    for p in (0..dates.len()).rev() {
        // The graph at p equals the graph at p + 1 unless a deal changed at p + 1.
        let same_as_next = p + 1 < dates.len() && !changes[p + 1];
        if !same_as_next {
            current.clear();
            let graph = MoneyGraph::build(
                data,
                Filter {
                    as_of: dates[p],
                    ..filter.clone()
                },
            );
            let opts = CycleOptions {
                max_len: options.max_len,
                deadline: Some(deadline),
                ..CycleOptions::default()
            };
            let list = collect_cycles(
                &graph,
                graph.hops(),
                &opts,
                Some(options.loops_per_date),
                SortKey::Amount,
            );
            incomplete |= list.truncated;
            for cycle in list.cycles {
                let i = match by_entities.get(&cycle.entities) {
                    Some(&i) => i,
                    None if found.len() < options.max_loops => {
                        found.push(LoopData {
                            entities: cycle
                                .entities
                                .iter()
                                .map(|e| page_index[e.index()])
                                .collect(),
                            amount: round_trip_words(&cycle.round_trip),
                            spans: Vec::new(),
                        });
                        presence.push(vec![false; dates.len()]);
                        by_entities.insert(cycle.entities, found.len() - 1);
                        found.len() - 1
                    }
                    None => {
                        incomplete = true;
                        continue;
                    }
                };
                current.push(i);
            }
        }
        for &i in &current {
            presence[i][p] = true;
        }
    }
    for (l, present) in found.iter_mut().zip(&presence) {
        let mut start = None;
        for (p, &on) in present.iter().chain([&false]).enumerate() {
            match (on, start) {
                (true, None) => start = Some(p),
                (false, Some(s)) => {
                    l.spans.push((s, p));
                    start = None;
                }
                _ => {}
            }
        }
    }
    (found, incomplete)
}

/// True when `amount` passes `--min-amount` (as [`Filter::admit`] tests the standing report).
fn big_enough(filter: &Filter, amount: &Amount) -> bool {
    filter
        .min_amount
        .is_none_or(|min| amount.value.is_some_and(|v| v >= min))
}

/// "at most $38B", "$38B", "at least $8B", "about $38B" or "unknown", as `cycles` says it.
/// (A copy of `round_trip_words` in src/cli/cycles.rs: call the shared one once the house
/// refactor moves it into `render`.)
fn round_trip_words(trip: &RoundTrip) -> String {
    match (trip.amount, trip.bound) {
        (Some(a), Some(Bound::Upper)) => format!("at most {a}"),
        (Some(a), Some(Bound::Lower)) => format!("at least {a}"),
        (Some(a), Some(Bound::Approx)) => format!("about {a}"),
        (Some(a), _) => a.to_string(),
        (None, _) => "unknown".into(),
    }
}

/// The Cytoscape node shape closest to each outline of the style table.
fn cytoscape_shape(shape: Shape) -> &'static str {
    match shape {
        Shape::RoundedBox => "round-rectangle",
        Shape::Cylinder => "barrel",
        Shape::Hexagon => "hexagon",
        Shape::Octagon => "octagon",
        Shape::Ellipse => "ellipse",
        Shape::Parallelogram => "rhomboid",
    }
}
