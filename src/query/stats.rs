//! The shape of the data as it stands: counts by kind and status, money by deal kind as exact
//! ranges, the biggest receivers, payers and connectors, strongly connected components, and
//! how many circular-financing loops there are and who sits on most of them.
//!
//! Everything is measured on the filtered graph: `--as-of`, `--status`, `--kinds`,
//! `--min-amount`, `--without` and `--no-inferred` all change the figures. A report counts
//! when it belongs to an admitted deal and the date it counts from (its event date, else its
//! publication date) is on or before `--as-of` (or it is undated).

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::ops::ControlFlow;

use crate::graph::{DealView, MoneyGraph};
use crate::model::{DealKind, EntityId, EntityKind, Grade, MoneySum, Status};
use crate::query::cycles::{
    CountOptions, CycleOptions, GradeCounts, SearchEnd, count_cycles_by_length, cycles, loop_grade,
};
use crate::query::rows::bucket;
use crate::query::totals::{ByGrade, MoneyRange};

/// What [`stats`] computes.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsOptions {
    /// How many entities each "top" list keeps. Default 5.
    pub top: usize,
    /// Which loops to count (length bound, financing only, deadline). Default: the
    /// `dealgraph cycles` defaults, circular-financing loops of 2 to 6 hops.
    pub loops: CycleOptions,
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            top: 5,
            loops: CycleOptions::default(),
        }
    }
}

/// An entity and a money total, for the top lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub id: EntityId,
    pub total: MoneyRange,
    /// `total` split by the grade of each deal: what the rank rests on.
    pub by_grade: ByGrade,
    /// Number of deals in `total`.
    pub deals: usize,
}

/// Loop counts.
#[derive(Clone, Debug, PartialEq)]
pub struct LoopStats {
    /// Loops found (a lower bound unless `end` is complete).
    pub count: u64,
    /// `(length in hops, loops)`, shortest first, lengths with no loop left out.
    pub by_length: Vec<(usize, u64)>,
    /// `(entity, loops it sits on)`, most first, then entity id string; at most `top`.
    pub top_entities: Vec<(EntityId, u64)>,
    /// Entities on at least one loop.
    pub entities_on_loops: usize,
    /// How the count ended: with [`SearchEnd::TimedOut`], `count` is a lower bound.
    pub end: SearchEnd,
    /// Whether the loops were listed, which `top_entities` and `entities_on_loops` need: not
    /// when there were more than [`LIST_BUDGET`] or the listing ran out of time (the exact
    /// counter still gives `count`); those two are then empty and mean "not computed".
    pub listed: bool,
    /// With the loops listed: how many rest on each grade (a loop is as sure as its least sure
    /// hop); `None` when they were not listed.
    pub by_grade: Option<GradeCounts>,
}

/// The result of [`stats`]. Every list is in a fixed order: vocabularies in their declared
/// order (zero counts included), rankings largest first then entity id string.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Entities in the data, less those taken out with `--without`.
    pub entities: usize,
    /// Of those, entities with at least one admitted deal.
    pub active_entities: usize,
    /// `entities` by kind.
    pub entities_by_kind: Vec<(EntityKind, usize)>,
    /// Deals in the data, before any filter.
    pub deals_in_data: usize,
    /// Deals admitted by the filters.
    pub deals: usize,
    /// Admitted deals marked inferred.
    pub inferred_deals: usize,
    pub deals_by_kind: Vec<(DealKind, usize)>,
    /// By the standing report's status.
    pub deals_by_status: Vec<(Status, usize)>,
    /// Reports of admitted deals dated on or before as-of (or undated).
    pub reports: usize,
    /// Reports in the data, before any filter.
    pub reports_in_data: usize,
    /// `reports` by their own status.
    pub reports_by_status: Vec<(Status, usize)>,
    /// Distinct sources of `reports`.
    pub sources: usize,
    /// Distinct sources in the data (reports and entity facts), before any filter.
    pub sources_in_data: usize,
    /// Standing amounts of admitted deals by kind.
    pub money_by_kind: Vec<(DealKind, MoneyRange)>,
    /// Standing amounts of all admitted deals.
    pub money_total: MoneyRange,
    /// `money_total` split by the grade of each deal.
    pub money_by_grade: ByGrade,
    /// Entities by money received, largest stated total first (of every grade admitted by
    /// the filter: `Filter::at_grade(Grade::Confirmed)` ranks on confirmed deals alone).
    pub top_inflow: Vec<Ranked>,
    /// Entities by money paid, largest stated total first.
    pub top_outflow: Vec<Ranked>,
    /// `(entity, distinct counterparties)`, most first.
    pub top_counterparties: Vec<(EntityId, usize)>,
    /// Strongly connected components of the active entities, largest first: entities that
    /// can each reach every other by following the money. Each sorted by entity id string.
    pub components: Vec<Vec<EntityId>>,
    pub loops: LoopStats,
}

impl LoopStats {
    /// Not counted: the deadline passed first.
    pub fn skipped() -> LoopStats {
        LoopStats {
            count: 0,
            by_length: Vec::new(),
            top_entities: Vec::new(),
            entities_on_loops: 0,
            end: SearchEnd::TimedOut,
            listed: false,
            by_grade: None,
        }
    }
}

impl Stats {
    /// Components with more than one entity: where money can go round.
    pub fn nontrivial_components(&self) -> impl Iterator<Item = &Vec<EntityId>> {
        self.components.iter().filter(|c| c.len() > 1)
    }
}

/// Summary statistics of the filtered money-flow graph.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph.
/// * `options`: the length of the top lists and which loops to count.
///
/// # Returns
/// [`Stats`], deterministic: counts in vocabulary order, rankings by size then id string.
///
/// # Complexity
/// `O(n + d + r)` for the counts over `n` entities, `d` deals and `r` reports, plus
/// `O(s log s)` to count distinct sources; `O(n + d)` for the money rankings (candidates by
/// stated sum, only those totalled from their deals), `O(n + d)` and a sort of the busiest entities' lists for the counterparties;
/// `O(n + d)` for the components (iterative Tarjan on compressed rows). The loops are counted
/// at the same time on a thread of their own (from 100,000 deals) by the exact counter,
/// bounded by `options.loops.max_len` and `options.loops.deadline`, with `O(n + d)` memory.
///
/// # Example
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::model::DealKind;
/// use dealgraph::query::stats::{stats, StatsOptions};
///
/// //   fund ──investment ≥ $8B──▶ lab ──cloud $5B──▶ cloud
/// //     ▲                                            │
/// //     └───────────────revenue $1B──────────────────┘
/// let csv = "from,to,kind,amount_usd,amount_qualifier,source\n\
///            fund,lab,investment,8e9,at-least,a\nlab,cloud,cloud,5e9,,b\n\
///            cloud,fund,revenue,1e9,,b\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let s = stats(&graph, &StatsOptions::default());
/// assert_eq!((s.entities, s.deals, s.reports, s.sources), (3, 3, 3, 2));
/// assert_eq!(s.money_total.to_string(), "at least $14B");
/// let investment = s.money_by_kind.iter().find(|(k, _)| *k == DealKind::Investment).unwrap();
/// assert_eq!(investment.1.to_string(), "at least $8B");
/// assert_eq!(s.components[0].len(), 3); // one loop joins all three
/// assert_eq!(s.loops.count, 1);
/// ```
pub fn stats(graph: &MoneyGraph<'_>, options: &StatsOptions) -> Stats {
    // The loops are counted on a thread of their own while the rest is measured: on big data
    // each takes about as long as the other.
    let parallel = graph.dataset().deal_count() >= PARALLEL_FROM;
    let (mut s, loops) = crate::parallel::join(
        parallel,
        || figures(graph, options),
        || count_loops(graph, options),
    );
    s.loops = loops;
    s
}

/// From how many deals [`stats`] counts the loops on a thread of their own.
const PARALLEL_FROM: usize = 100_000;

/// Everything but the loops (left [`LoopStats::skipped`]).
fn figures(graph: &MoneyGraph<'_>, options: &StatsOptions) -> Stats {
    let data = graph.dataset();
    let as_of = graph.filter().as_of;
    let n = data.entities().len();

    let present: Vec<EntityId> = data.entity_ids().filter(|&e| graph.contains(e)).collect();
    let active = graph.active_entities();
    let mut is_active = vec![false; n];
    for e in &active {
        is_active[e.index()] = true;
    }
    let entities_by_kind = EntityKind::ALL
        .iter()
        .map(|&k| {
            (
                k,
                present
                    .iter()
                    .filter(|&&e| data.entity(e).kind == k)
                    .count(),
            )
        })
        .collect();

    let mut deals_by_kind: Vec<(DealKind, usize)> = DealKind::ALL.iter().map(|&k| (k, 0)).collect();
    let mut deals_by_status: Vec<(Status, usize)> = Status::ALL.iter().map(|&s| (s, 0)).collect();
    let mut reports_by_status: Vec<(Status, usize)> = Status::ALL.iter().map(|&s| (s, 0)).collect();
    let mut money_by_kind: Vec<(DealKind, MoneyRange)> = DealKind::ALL
        .iter()
        .map(|&k| (k, MoneyRange::new()))
        .collect();
    let mut money_by_grade = ByGrade::new();
    // Stated sums per entity (16 bytes each, where a split total is 256): the rankings pick
    // their candidates by them, and total the few picked from their own deals.
    let mut inflow = vec![MoneySum::default(); n];
    let mut outflow = vec![MoneySum::default(); n];
    // Each admitted deal's (payer, payee), for the components and the counterparties.
    let mut arcs: Vec<(u32, u32)> = Vec::with_capacity(graph.deal_count());
    let mut sources: BTreeSet<&str> = BTreeSet::new();
    // Sources are stored once each: a report citing the same one as the last is not looked up.
    let mut last_source: *const u8 = std::ptr::null();
    let mut reports = 0;
    let mut inferred_deals = 0;
    for view in graph.deals() {
        let deal = view.deal;
        let standing = view.report();
        let amount = &standing.amount;
        bump(&mut deals_by_kind, deal.kind());
        bump(&mut deals_by_status, standing.status);
        if let Some((_, total)) = money_by_kind.iter_mut().find(|(k, _)| *k == deal.kind()) {
            total.add(amount);
        }
        money_by_grade.add(Grade::of(standing.status, deal.inferred()), amount);
        if let Some(value) = amount.value {
            inflow[deal.to().index()].add(value);
            outflow[deal.from().index()].add(value);
        }
        arcs.push((deal.from().0, deal.to().0));
        inferred_deals += usize::from(deal.inferred());
        // A lone report that stands is dated on or before as-of, or undated.
        let lone = deal.report_count() == 1;
        for report in deal.reports() {
            if lone
                || report
                    .effective_date()
                    .is_none_or(|d| d.on_or_before(as_of))
            {
                reports += 1;
                bump(&mut reports_by_status, report.status);
                if report.source.as_ptr() != last_source {
                    last_source = report.source.as_ptr();
                    sources.insert(report.source);
                }
            }
        }
    }

    let top_inflow = ranked(data, &active, &inflow, options.top, |e| graph.incoming(e));
    let top_outflow = ranked(data, &active, &outflow, options.top, |e| graph.outgoing(e));
    drop((inflow, outflow));
    let top_counterparties = most_counterparties(data, &arcs, options.top);
    let components = components(data, &arcs, &is_active);
    drop(arcs);

    let loops = LoopStats::skipped();

    Stats {
        entities: present.len(),
        active_entities: active.len(),
        entities_by_kind,
        deals_in_data: data.deals().len(),
        deals: graph.deal_count(),
        inferred_deals,
        deals_by_kind,
        deals_by_status,
        reports,
        reports_in_data: data.report_count(),
        reports_by_status,
        sources: sources.len(),
        sources_in_data: data.source_count(),
        money_by_kind,
        money_total: money_by_grade.total(),
        money_by_grade,
        top_inflow,
        top_outflow,
        top_counterparties,
        components,
        loops,
    }
}

/// The entities with any flow, largest total first (ties: more deals, then id), cut to `top`,
/// each total split by grade from the entity's `deals` (those it is paid, or pays).
///
/// The order is by stated figure first, so the `top` are among the entities whose stated
/// sum (`stated`, per entity) is at least the `top`-th largest: only those are totalled,
/// unless fewer than `top` have a positive one (then every `active` entity is).
fn ranked<'d>(
    data: &crate::model::Dataset,
    active: &[EntityId],
    stated: &[MoneySum],
    top: usize,
    deals: impl Fn(EntityId) -> Vec<DealView<'d>>,
) -> Vec<Ranked> {
    let id_of = |e: EntityId| data.entity(e).id.as_str();
    let zero = MoneySum::default();
    let mut positive: Vec<MoneySum> = stated.iter().copied().filter(|&s| s > zero).collect();
    let candidates: Vec<EntityId> = if top > 0 && positive.len() >= top {
        let (_, &mut least, _) = positive.select_nth_unstable_by(top - 1, |a, b| b.cmp(a));
        (0..stated.len())
            .filter(|&i| stated[i] >= least)
            .map(|i| EntityId(i as u32))
            .collect()
    } else {
        active.to_vec()
    };
    drop(positive);
    let mut list: Vec<Ranked> = candidates
        .into_iter()
        .map(|id| {
            let mut by_grade = ByGrade::new();
            for view in deals(id) {
                by_grade.add(view.grade(), &view.report().amount);
            }
            let total = by_grade.total();
            Ranked {
                id,
                deals: total.count as usize,
                total,
                by_grade,
            }
        })
        .filter(|r| r.deals > 0)
        .collect();
    let order = |a: &Ranked, b: &Ranked| {
        a.total
            .cmp_desc(&b.total)
            .then(b.deals.cmp(&a.deals))
            .then_with(|| id_of(a.id).cmp(id_of(b.id)))
    };
    first_sorted(&mut list, top, order);
    list
}

/// Cuts `list` to its first `top` elements in `order` (a total order), sorted: a selection
/// then a sort of the few kept, `O(m + top log top)` for `m` elements.
fn first_sorted<T>(list: &mut Vec<T>, top: usize, order: impl Fn(&T, &T) -> Ordering) {
    if top == 0 {
        list.clear();
        return;
    }
    if list.len() > top {
        list.select_nth_unstable_by(top - 1, &order);
        list.truncate(top);
    }
    list.sort_by(order);
}

/// The `top` entities with the most distinct counterparties (most first, then id string).
/// Entities are tried by their number of deals, most first, and the search stops once that
/// number is below the `top`-th count: only the busiest entities' lists are sorted.
fn most_counterparties(
    data: &crate::model::Dataset,
    arcs: &[(u32, u32)],
    top: usize,
) -> Vec<(EntityId, usize)> {
    let id_of = |e: EntityId| data.entity(e).id.as_str();
    let both_ways = arcs.iter().flat_map(|&(a, b)| [(a, b), (b, a)]);
    let (starts, mut others) = bucket(data.entities().len(), both_ways);
    let degree = |v: usize| (starts[v + 1] - starts[v]) as usize;
    let mut by_degree: Vec<u32> = (0..data.entities().len() as u32)
        .filter(|&v| degree(v as usize) > 0)
        .collect();
    by_degree.sort_unstable_by_key(|&v| std::cmp::Reverse(degree(v as usize)));
    let order = |a: &(EntityId, usize), b: &(EntityId, usize)| {
        b.1.cmp(&a.1).then_with(|| id_of(a.0).cmp(id_of(b.0)))
    };
    let mut best: Vec<(EntityId, usize)> = Vec::new();
    for v in by_degree {
        let v = v as usize;
        // A tie with the last kept can still enter by its id: stop only below it.
        if best.len() >= top && best.last().is_none_or(|last| degree(v) < last.1) {
            break;
        }
        let list = &mut others[starts[v] as usize..starts[v + 1] as usize];
        list.sort_unstable();
        let distinct = 1 + list.windows(2).filter(|w| w[0] != w[1]).count();
        best.push((EntityId(v as u32), distinct));
        best.sort_by(order);
        best.truncate(top);
    }
    best
}

/// The strongly connected components of the admitted deals `arcs` (iterative Tarjan on
/// compressed rows) with a deal in them, largest first, each sorted by id string.
fn components(
    data: &crate::model::Dataset,
    arcs: &[(u32, u32)],
    is_active: &[bool],
) -> Vec<Vec<EntityId>> {
    let id_of = |e: &EntityId| data.entity(*e).id.as_str();
    let n = data.entities().len();
    let (starts, payees) = bucket(n, arcs.iter().copied());
    let component = crate::query::components::strongly_connected(&starts, &payees);
    drop(payees);
    // Active entities only: a component with two or more is all active, and an entity with
    // no deal is no component.
    let members = (0..n as u32)
        .filter(|&v| is_active[v as usize])
        .map(|v| (component[v as usize], v));
    let (starts, entities) = bucket(n, members);
    let mut components: Vec<Vec<EntityId>> = (0..n)
        .filter(|&c| starts[c + 1] > starts[c])
        .map(|c| {
            let mut ids: Vec<EntityId> = entities[starts[c] as usize..starts[c + 1] as usize]
                .iter()
                .map(|&v| EntityId(v))
                .collect();
            ids.sort_by(|a, b| id_of(a).cmp(id_of(b)));
            ids
        })
        .collect();
    // Largest first, then by their id lists; components share no entity and are sorted, so
    // their first ids decide.
    components.sort_unstable_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then_with(|| id_of(&a[0]).cmp(id_of(&b[0])))
    });
    components
}

fn bump<K: PartialEq + Copy>(counts: &mut [(K, usize)], key: K) {
    if let Some((_, n)) = counts.iter_mut().find(|(k, _)| *k == key) {
        *n += 1;
    }
}

/// The most loops `stats` lists to find the entities on most of them: listing walks
/// every loop (about a microsecond each), counting does not (milliseconds for millions).
pub const LIST_BUDGET: u64 = 2_000_000;

/// Loop counts. With a length bound (and no time order or `through`) the total and the
/// lengths come from the exact counter ([`count_cycles_by_length`]); the entities on most
/// loops need the loops listed, which is done only when there are at most [`LIST_BUDGET`]
/// of them and the deadline allows. Without a bound the search lists them all, as far as the
/// deadline allows.
fn count_loops(graph: &MoneyGraph<'_>, options: &StatsOptions) -> LoopStats {
    let opts = &options.loops;
    if opts
        .deadline
        .is_some_and(|d| std::time::Instant::now() >= d)
    {
        return LoopStats::skipped();
    }
    let counted = counted_by_length(graph, opts);
    if let Some((by_length, end)) = &counted
        && (*end != SearchEnd::Complete || by_length.iter().map(|c| c.1).sum::<u64>() > LIST_BUDGET)
    {
        return LoopStats {
            count: by_length.iter().map(|c| c.1).sum(),
            by_length: by_length.clone(),
            top_entities: Vec::new(),
            entities_on_loops: 0,
            end: *end,
            listed: false,
            by_grade: None,
        };
    }
    let listed = list_loops(graph, options);
    match counted {
        // The listing timed out but the counter did not: the counts stay exact.
        Some((by_length, SearchEnd::Complete)) if listed.end != SearchEnd::Complete => LoopStats {
            count: by_length.iter().map(|c| c.1).sum(),
            by_length,
            top_entities: Vec::new(),
            entities_on_loops: 0,
            end: SearchEnd::Complete,
            listed: false,
            by_grade: None,
        },
        _ => listed,
    }
}

/// The loops by length from the exact counter, when it applies (a length bound, no `through`,
/// no time order).
fn counted_by_length(
    graph: &MoneyGraph<'_>,
    opts: &CycleOptions,
) -> Option<(Vec<(usize, u64)>, SearchEnd)> {
    let max_len = opts.max_len?;
    if !opts.through.is_empty() || opts.time_ordered {
        return None;
    }
    let arcs = graph
        .deals()
        .map(|d| (d.deal.from().0, d.deal.to().0, d.deal.kind().is_financing()));
    let kernel = CountOptions {
        max_len,
        only_marked: opts.financing_only,
        deadline: opts.deadline,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let counts = count_cycles_by_length(graph.dataset().entities().len(), arcs, &kernel);
    let by_length = counts
        .by_length
        .iter()
        .enumerate()
        .skip(opts.min_len)
        .filter(|&(_, &c)| c > 0)
        .map(|(len, &c)| (len, c))
        .collect();
    let end = if counts.complete {
        SearchEnd::Complete
    } else {
        SearchEnd::TimedOut
    };
    Some((by_length, end))
}

/// Every loop listed: counts by length and per entity (lower bounds if the deadline passes).
fn list_loops(graph: &MoneyGraph<'_>, options: &StatsOptions) -> LoopStats {
    let data = graph.dataset();
    let hops = graph.hops();
    let mut count = 0u64;
    let mut by_len: Vec<u64> = Vec::new();
    let mut per_entity = vec![0u64; data.entities().len()];
    let mut grades = GradeCounts::default();
    let end = cycles(graph, hops, &options.loops, |entities, loop_hops| {
        count += 1;
        grades.add(loop_grade(graph, hops, loop_hops));
        let len = entities.len();
        if by_len.len() <= len {
            by_len.resize(len + 1, 0);
        }
        by_len[len] += 1;
        for e in entities {
            per_entity[e.index()] += 1;
        }
        ControlFlow::Continue(())
    });
    let by_length = by_len
        .into_iter()
        .enumerate()
        .filter(|&(_, c)| c > 0)
        .collect();
    let mut top_entities: Vec<(EntityId, u64)> = per_entity
        .into_iter()
        .enumerate()
        .filter(|&(_, c)| c > 0)
        .map(|(i, c)| (EntityId(i as u32), c))
        .collect();
    let entities_on_loops = top_entities.len();
    top_entities.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| data.entity(a.0).id.cmp(&data.entity(b.0).id))
    });
    top_entities.truncate(options.top);
    LoopStats {
        count,
        by_length,
        top_entities,
        entities_on_loops,
        end,
        listed: true,
        by_grade: Some(grades),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Filter;
    use crate::load::{LoadOptions, load_str};
    use crate::model::Grade;

    #[test]
    fn a_rank_says_what_it_rests_on_and_the_confirmed_view_drops_rumors() {
        // A rumored, inferred "up to $310B" against $38B announced.
        let csv = "from,to,kind,amount_usd,amount_qualifier,status,inferred,source\n\
                   lab,big,cloud,3.1e11,up-to,rumored,true,a\n\
                   lab,cloud,cloud,3.8e10,,announced,,b\n";
        let options = LoadOptions {
            auto_entities: true,
            ..LoadOptions::default()
        };
        let data = load_str("deals.csv", csv, options).expect("loads").dataset;
        let id = |r: &Ranked| data.entity(r.id).id.to_string();
        let s = stats(
            &MoneyGraph::build(&data, Filter::today()),
            &StatsOptions::default(),
        );
        assert_eq!(id(&s.top_inflow[0]), "big");
        assert!(s.top_inflow[0].by_grade.rests_only_below(Grade::InTalks));
        assert_eq!(s.money_by_grade.get(Grade::Confirmed).to_string(), "$38B");
        assert_eq!(s.money_by_grade.total(), s.money_total);
        let confirmed = Filter::today().at_grade(Grade::Confirmed);
        let s = stats(
            &MoneyGraph::build(&data, confirmed),
            &StatsOptions::default(),
        );
        let ids: Vec<String> = s.top_inflow.iter().map(id).collect();
        assert_eq!(ids, ["cloud"]);
    }

    #[test]
    fn rankings_counterparties_and_components_match_the_plain_way_on_generated_data() {
        // The plain way: a split total and a set of counterparties per entity, full sorts,
        // and petgraph's components.
        let data = crate::generate::loaded_deals(400, 6_000, 5);
        for top in [1, 5, 50, 1_000] {
            let graph = MoneyGraph::build(&data, Filter::today());
            let options = StatsOptions {
                top,
                ..StatsOptions::default()
            };
            let s = stats(&graph, &options);
            let id_of = |e: EntityId| data.entity(e).id.as_str();
            let n = data.entities().len();
            let (mut inflow, mut outflow) = (vec![ByGrade::new(); n], vec![ByGrade::new(); n]);
            let mut others = vec![BTreeSet::new(); n];
            for v in graph.deals() {
                let (a, b) = (v.deal.from(), v.deal.to());
                inflow[b.index()].add(v.grade(), &v.report().amount);
                outflow[a.index()].add(v.grade(), &v.report().amount);
                others[a.index()].insert(b);
                others[b.index()].insert(a);
            }
            let plain = |totals: &[ByGrade]| -> Vec<Ranked> {
                let mut list: Vec<Ranked> = (0..n)
                    .filter(|&i| totals[i].total().count > 0)
                    .map(|i| Ranked {
                        id: EntityId(i as u32),
                        total: totals[i].total(),
                        by_grade: totals[i],
                        deals: totals[i].total().count as usize,
                    })
                    .collect();
                list.sort_by(|a, b| {
                    a.total
                        .cmp_desc(&b.total)
                        .then(b.deals.cmp(&a.deals))
                        .then_with(|| id_of(a.id).cmp(id_of(b.id)))
                });
                list.truncate(top);
                list
            };
            assert_eq!(s.top_inflow, plain(&inflow), "top {top}");
            assert_eq!(s.top_outflow, plain(&outflow), "top {top}");
            let mut most: Vec<(EntityId, usize)> = (0..n)
                .filter(|&i| !others[i].is_empty())
                .map(|i| (EntityId(i as u32), others[i].len()))
                .collect();
            most.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| id_of(a.0).cmp(id_of(b.0))));
            most.truncate(top);
            assert_eq!(s.top_counterparties, most, "top {top}");
            let mut components: Vec<Vec<EntityId>> = graph
                .strongly_connected_components()
                .into_iter()
                .filter(|c| c.iter().any(|e| !others[e.index()].is_empty()))
                .map(|mut c| {
                    c.sort_by(|a, b| id_of(*a).cmp(id_of(*b)));
                    c
                })
                .collect();
            components.sort_by(|a, b| {
                let ids =
                    |c: &Vec<EntityId>| -> Vec<&str> { c.iter().map(|&e| id_of(e)).collect() };
                b.len().cmp(&a.len()).then_with(|| ids(a).cmp(&ids(b)))
            });
            assert!(components.len() > 10 && components[0].len() > 10);
            assert_eq!(s.components, components);
        }
    }
}
