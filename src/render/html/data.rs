//! The data of an `explore` page: one [`PageData`] value, serialised into the page as JSON.
//! Every date question is answered here, in Rust, with the library's own rules: which report
//! of each deal stands at each slider position, and at which positions each loop exists.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::graph::{Filter, MoneyGraph};
use crate::model::{
    Amount, Dataset, DealId, DealKind, DealRef, EntityId, EntityKind, Grade, Status,
};
use crate::query::cycles::{CycleOptions, SortKey, top_cycles};
use crate::query::stakeholders::{StakeholderOptions, stakeholders};
use crate::query::totals::ByGrade;
use crate::render::cells::grade_words;
use crate::render::cycles::round_trip_words;
use crate::render::layout::{self, LayoutEdge, LayoutNode, Size};
use crate::render::style::{self, Shape};

/// How much loop searching a page may do.
#[derive(Clone, Copy, Debug)]
pub struct ExploreOptions {
    /// Longest loop, in hops (`None`: no bound), as `cycles --max-len`.
    pub max_len: Option<usize>,
    /// Most loops listed at one slider position: the best by round trip, as `cycles
    /// --limit N` ranks them.
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
    /// Evidence grades, surest first; a deal's grade is its standing report's.
    pub grades: Vec<GradeLook>,
    pub faded_opacity: f64,
    pub entities: Vec<EntityData>,
    pub deals: Vec<DealData>,
    /// Every loop found at any slider position, in the order first found (the as-of date's
    /// ranking first).
    pub loops: Vec<LoopData>,
    /// How the loops rank at each slider position, as `cycles --as-of DATE` ranks them.
    pub rankings: Vec<Ranking>,
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
pub struct GradeLook {
    /// As JSON spells it: `confirmed`, `in-talks`, `rumored`, `inferred`.
    pub name: &'static str,
    /// In words: "in talks".
    pub words: &'static str,
    /// Shown when the page opens: at least the filter's `min_grade`.
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
    /// `inflows` by evidence grade, surest first: `(grade words, total)`.
    pub inflows_by_grade: Vec<GradePart>,
    pub outflows_by_grade: Vec<GradePart>,
    /// Non-empty roles: title and members (entity index, total with it, that total by
    /// grade).
    pub groups: Vec<(&'static str, Vec<Member>)>,
}

/// A total's part resting on one grade: `("in talks", "$50B")`.
pub type GradePart = (&'static str, String);

/// A stakeholder: entity index, total with it, that total by grade.
pub type Member = (usize, String, Vec<GradePart>);

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
    /// Index into `grades` (surest first): this report's status as a grade, or inferred.
    pub grade: usize,
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
    /// Entity indexes in loop order (as `cycles` writes them); the last pays the first.
    pub entities: Vec<usize>,
    /// `[from, to)` slider positions between which the loop exists.
    pub spans: Vec<(usize, usize)>,
}

/// The loops at the slider positions `[from, to)` (where no deal changes), best first as
/// `cycles` ranks them there: `(loop index, round trip as `cycles` words it)`.
#[derive(Clone, Debug, Serialize)]
pub struct Ranking {
    pub from: usize,
    pub to: usize,
    /// How many loops `cycles` finds there (at least this many when the search stopped).
    pub found: u64,
    pub loops: Vec<(usize, String)>,
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
    let found = loops(data, filter, &dates, &deals, &page_index, options);
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
        grades: grade_order()
            .map(|g| GradeLook {
                name: g.as_str(),
                words: grade_words(g),
                on: g >= filter.min_grade,
            })
            .collect(),
        faded_opacity: style::FADED_OPACITY,
        entities,
        deals,
        loops: found.loops,
        rankings: found.rankings,
        loops_incomplete: found.incomplete,
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
            grade: grade_index(Grade::of(r.status, deal.inferred())),
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
                    inflows_by_grade: grade_parts(&s.inflows_by_grade),
                    outflows_by_grade: grade_parts(&s.outflows_by_grade),
                    groups: s
                        .groups
                        .iter()
                        .filter(|g| !g.members.is_empty())
                        .map(|g| {
                            let members = g
                                .members
                                .iter()
                                .map(|m| {
                                    let split = grade_parts(&m.total_by_grade());
                                    (page_index[m.id.index()], m.total().to_string(), split)
                                })
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
    // The page draws parallel deals side by side with a label each, where the SVG map draws
    // one route: wider gaps within the layers keep those labels apart (seen on the seeds),
    // and the map pane is taller than wide.
    for (e, p) in entities.iter_mut().zip(&placed.nodes) {
        e.x = p.x;
        e.y = p.y * LAYER_SPREAD;
    }
}

/// How much taller than the SVG map's the page's gaps within a layer are.
const LAYER_SPREAD: f64 = 1.6;

/// The loops of a page: each once, and how they rank at each slider position.
struct Found {
    loops: Vec<LoopData>,
    rankings: Vec<Ranking>,
    incomplete: bool,
}

/// Every loop at every slider position, searched and ranked as `cycles` does it (global
/// filters, the as-of date set to the position, the best [`ExploreOptions::loops_per_date`]
/// by round trip, exactly as `top_cycles` gives them). The graph only changes at positions
/// where some deal does, so one search covers each run of positions between changes; the
/// searches go from the as-of date backwards, so the as-of date's loops come first.
fn loops(
    data: &Dataset,
    filter: &Filter,
    dates: &[NaiveDate],
    deals: &[DealData],
    page_index: &[usize],
    options: &ExploreOptions,
) -> Found {
    let deadline = Instant::now() + options.loop_budget;
    let mut changes = vec![false; dates.len()];
    for d in deals {
        for &(p, _) in &d.steps {
            changes[p] = true;
        }
    }
    let mut found = Found {
        loops: Vec::new(),
        rankings: Vec::new(),
        incomplete: false,
    };
    let mut by_entities: HashMap<Vec<EntityId>, usize> = HashMap::new();
    let mut end = dates.len();
    while end > 0 {
        // Positions [start, end) show the same graph: search at its last date.
        let mut start = end - 1;
        while start > 0 && !changes[start] {
            start -= 1;
        }
        let graph = MoneyGraph::build(
            data,
            Filter {
                as_of: dates[end - 1],
                ..filter.clone()
            },
        );
        let opts = CycleOptions {
            max_len: options.max_len,
            deadline: Some(deadline),
            ..CycleOptions::default()
        };
        let list = top_cycles(
            &graph,
            graph.hops(),
            &opts,
            options.loops_per_date,
            SortKey::Amount,
        );
        found.incomplete |= list.truncated;
        let mut ranking = Ranking {
            from: start,
            to: end,
            found: list.found,
            loops: Vec::with_capacity(list.cycles.len()),
        };
        for cycle in list.cycles {
            let i = match by_entities.get(&cycle.entities) {
                Some(&i) => i,
                None if found.loops.len() < options.max_loops => {
                    found.loops.push(LoopData {
                        entities: cycle
                            .entities
                            .iter()
                            .map(|e| page_index[e.index()])
                            .collect(),
                        spans: Vec::new(),
                    });
                    by_entities.insert(cycle.entities.clone(), found.loops.len() - 1);
                    found.loops.len() - 1
                }
                None => {
                    found.incomplete = true;
                    continue;
                }
            };
            // Runs are visited newest first: a loop present in the next run extends its span.
            let spans = &mut found.loops[i].spans;
            match spans.last_mut() {
                Some(span) if span.0 == end => span.0 = start,
                _ => spans.push((start, end)),
            }
            ranking.loops.push((i, round_trip_words(&cycle.round_trip)));
        }
        found.rankings.push(ranking);
        end = start;
    }
    for l in &mut found.loops {
        l.spans.reverse();
    }
    found.rankings.reverse();
    found
}

/// The grades, surest first: the order of [`PageData::grades`].
fn grade_order() -> impl Iterator<Item = Grade> {
    Grade::ALL.iter().rev().copied()
}

/// Where `grade` is in [`grade_order`].
fn grade_index(grade: Grade) -> usize {
    grade_order().position(|g| g == grade).unwrap_or(0)
}

/// A total's parts by grade, surest first, in words: `[("confirmed", "$13B"), ...]`.
fn grade_parts(split: &ByGrade) -> Vec<GradePart> {
    split
        .parts()
        .map(|(g, total)| (grade_words(g), total.to_string()))
        .collect()
}

/// True when `amount` passes `--min-amount` (as [`Filter::admit`] tests the standing report).
fn big_enough(filter: &Filter, amount: &Amount) -> bool {
    filter
        .min_amount
        .is_none_or(|min| amount.value.is_some_and(|v| v >= min))
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
