//! Circular-financing loops: the elementary cycles of hops in the money-flow graph, and the
//! figures that make a loop readable (its round-trip amount, how exact that is, and its return
//! ratio).
//!
//! The search splits the graph into strongly connected components, then runs Johnson's
//! elementary-circuit algorithm (no length bound) or the bounded-blocking variant of Gupta and
//! Suzumura (with a length bound) from each start entity, with `--through`, financing and
//! length requirements pruned during the search. Every loop is reported once, rotated to start
//! at the entity with the smallest id (the id *string*, as users see it). Everything runs on
//! explicit stacks: a 100 000-entity chain cannot overflow the call stack.
//!
//! Definitions (also in docs/queries.md):
//! - A **hop** is every admitted deal from one entity to another ([`HopGraph`]).
//! - A **loop** is an elementary directed cycle of hops: no entity twice.
//! - A **circular-financing loop** has at least one financing hop: a hop with an investment or
//!   a loan deal ([`DealKind::is_financing`](crate::model::DealKind::is_financing)).
//! - The **round-trip amount** of a loop: per hop its largest known deal amount; the loop's is
//!   the smallest of those (`None` when some hop has no known amount). See [`round_trip`].
//! - The **return ratio**: the round-trip amount divided by the largest known financing deal on
//!   the loop. See [`return_ratio`].
//! - A **time-ordered** loop: starting from a financing deal, every following hop has a deal
//!   dated on or after the one before. See [`is_time_ordered`].
//!
//! This module holds the options and the entry points; the parts live in `search` (the
//! blocking search), `figures` (round trip, return ratio), `time_order`, `sort` and `count`
//! (counting without listing). Their public items are re-exported here.

mod count;
mod figures;
mod grades;
mod ordered;
mod search;
mod sort;
mod time_order;

#[cfg(test)]
mod testkit;

use std::ops::ControlFlow;
use std::sync::OnceLock;
use std::time::Instant;

use crate::graph::{HopGraph, HopId, MoneyGraph};
use crate::model::{EntityId, Grade};

pub use count::{CountOptions, LengthCounts, count_cycles, count_cycles_by_length};
pub use figures::{Bound, ReturnRatio, RoundTrip, return_ratio, round_trip};
pub use grades::{GradeCounts, count_by_grade};
pub use ordered::cycles_in_order;
pub use sort::{SortKey, compare, sort_cycles};

use sort::TopN;
pub use time_order::{OrderedFigures, is_time_ordered, time_ordered_figures};

use search::{Net, Search};

/// What an undated deal does to a time-ordered loop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Undated {
    /// An undated deal cannot be placed in time, so it cannot be a step of a time-ordered loop
    /// (a hop whose deals are all undated breaks the order). The default.
    #[default]
    Break,
    /// An undated deal fits anywhere: it neither breaks the order nor moves it forward.
    Ok,
}

/// Which loops to find. `CycleOptions::default()` gives the `dealgraph cycles` defaults:
/// circular-financing loops of 2 to 6 hops, in any time order.
#[derive(Clone, Debug, PartialEq)]
pub struct CycleOptions {
    /// Longest loop, in hops; `None` for no bound. Default `Some(6)`.
    pub max_len: Option<usize>,
    /// Shortest loop reported, in hops. Default 2 (the shortest possible: self-deals are
    /// rejected when loading).
    pub min_len: usize,
    /// Every one of these entities must be on the loop.
    pub through: Vec<EntityId>,
    /// Only circular-financing loops: at least one hop with an investment or loan deal.
    /// Default `true`; `false` also finds pure trade loops (`--all`).
    pub financing_only: bool,
    /// Only time-ordered loops (see [`is_time_ordered`]).
    pub time_ordered: bool,
    /// How undated deals count when `time_ordered` is set.
    pub undated: Undated,
    /// Give up at this instant; the search then ends with [`SearchEnd::TimedOut`].
    pub deadline: Option<Instant>,
}

impl Default for CycleOptions {
    fn default() -> Self {
        CycleOptions {
            max_len: Some(6),
            min_len: 2,
            through: Vec::new(),
            financing_only: true,
            time_ordered: false,
            undated: Undated::Break,
            deadline: None,
        }
    }
}

/// How a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchEnd {
    /// Every matching loop was visited.
    Complete,
    /// The visitor returned [`ControlFlow::Break`].
    Stopped,
    /// [`CycleOptions::deadline`] passed first.
    TimedOut,
}

impl SearchEnd {
    pub fn is_complete(self) -> bool {
        self == SearchEnd::Complete
    }
}

/// Visits every loop of `graph` that matches `opts`, each exactly once, rotated to start at its
/// entity with the smallest id string.
///
/// Loops come in a deterministic order: grouped by their first entity in id order, then in
/// depth-first order over successors sorted by id. `visit` receives the loop's entities and
/// its hops (`hops[i]` goes from `entities[i]` to `entities[(i + 1) % len]`); the slices are
/// only valid during the call. Return [`ControlFlow::Break`] to stop the search.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph (the global filters are already applied).
/// * `hops`: `graph.hops()`; the hop ids passed to `visit` index it.
/// * `opts`: length bounds, `through` entities, the financing and time-order requirements,
///   and an optional deadline.
/// * `visit`: called once per matching loop.
///
/// # Returns
/// How the search ended: [`SearchEnd::Complete`], [`SearchEnd::Stopped`] by `visit`, or
/// [`SearchEnd::TimedOut`].
///
/// # Complexity
/// With `n` entities and `e` hops, `c` loops within the length bound and `L` the bound:
/// `O(n + e)` to split the graph into strongly connected components (iterative Tarjan).
/// Without a bound (Johnson, 1975) each component is searched from its smallest entity, which
/// is then removed and the rest split again: `O((n + e)(c + 1))` in all. With a bound
/// (Gupta & Suzumura, 2021) each start `s` first takes a breadth-first search over the
/// entities within `L − 1` hops of `s` and back, so the work stays near `s`; then the bounded
/// blocking search: `O((n + e)·L·(c + 1))` in all. Both are output-sensitive: an entity that
/// led nowhere stays blocked until a loop is found past it, so dead-end paths are not walked
/// again and again. `through`, financing and length requirements skip start entities and
/// components that cannot hold a matching loop and prune branches that cannot complete one
/// (a pruned branch counts as "found" for the blocking, which keeps the search exact at the
/// price of some re-walking; the bounds above count every loop within the length bound).
/// Time order is checked per loop found: `O(k²·log d)` for `k` hops of `d` deals. Memory:
/// `O(n + e)`, whatever the number of loops.
///
/// # Example
/// ```
/// use std::ops::ControlFlow;
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{cycles, CycleOptions};
///
/// //   fund ──investment $10B──▶ lab ──cloud $4B──▶ cloud
/// //     ▲                        ▲                   │
/// //     │                        └────chips $2B──────┤
/// //     └──────────────revenue $1B───────────────────┘
/// let csv = "from,to,kind,amount_usd,date,status,source\n\
///            fund,lab,investment,1e10,2025-01,completed,a.txt\n\
///            lab,cloud,cloud,4e9,2025-02,announced,a.txt\n\
///            cloud,lab,chips,2e9,2025-03,announced,a.txt\n\
///            cloud,fund,revenue,1e9,2025-04,announced,a.txt\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let hops = graph.hops();
///
/// let mut found = Vec::new();
/// cycles(&graph, &hops, &CycleOptions::default(), |entities, _hops| {
///     let ids: Vec<&str> = entities.iter().map(|&e| graph.entity(e).id.as_str()).collect();
///     found.push(ids.join(" → "));
///     ControlFlow::Continue(())
/// });
/// // lab ⇄ cloud is plain trade; only the loop with the investment is circular financing.
/// assert_eq!(found, ["cloud → fund → lab"]);
///
/// let all = CycleOptions { financing_only: false, ..CycleOptions::default() };
/// let mut count = 0;
/// cycles(&graph, &hops, &all, |_, _| { count += 1; ControlFlow::Continue(()) });
/// assert_eq!(count, 2);
/// ```
pub fn cycles<F>(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
    mut visit: F,
) -> SearchEnd
where
    F: FnMut(&[EntityId], &[HopId]) -> ControlFlow<()>,
{
    let net = Net::build(graph, hops, opts);
    let mut search = Search::new(&net, opts);
    search.run(&mut visit)
}

/// How many matching loops each entity sits on: "who is at the centre of the circles".
///
/// # Arguments
/// * `graph`, `hops`, `opts`: as for [`cycles`].
///
/// # Returns
/// `(entity, loops)` for every entity on at least one loop, most loops first, then by entity
/// id; and how the search ended (counts are lower bounds unless it is complete).
///
/// # Complexity
/// As [`cycles`], plus `O(k)` per loop of `k` hops and `O(n log n)` to sort.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{loops_per_entity, CycleOptions};
/// //   a ──investment──▶ b ──cloud──▶ c
/// //   ▲  ◀────cloud─────┘            │
/// //   └────────────revenue───────────┘
/// let csv = "from,to,kind,source\na,b,investment,s\nb,a,cloud,s\nb,c,cloud,s\nc,a,revenue,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let (counts, _) = loops_per_entity(&graph, &graph.hops(), &CycleOptions::default());
/// let named: Vec<(&str, u64)> =
///     counts.iter().map(|&(e, n)| (graph.entity(e).id.as_str(), n)).collect();
/// assert_eq!(named, [("a", 2), ("b", 2), ("c", 1)]);
/// ```
pub fn loops_per_entity(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
) -> (Vec<(EntityId, u64)>, SearchEnd) {
    let mut counts = vec![0u64; hops.entity_count()];
    let end = cycles(graph, hops, opts, |entities, _| {
        for e in entities {
            counts[e.index()] += 1;
        }
        ControlFlow::Continue(())
    });
    let data = graph.dataset();
    let mut out: Vec<(EntityId, u64)> = counts
        .into_iter()
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .map(|(i, n)| (EntityId(i as u32), n))
        .collect();
    out.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| data.entity(a.0).id.cmp(&data.entity(b.0).id))
    });
    (out, end)
}

/// A loop found by [`collect_cycles`], with its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Cycle {
    /// The entities in order, starting at the one with the smallest id; the last pays the
    /// first. No repeat of the first at the end.
    pub entities: Vec<EntityId>,
    /// `hops[i]` goes from `entities[i]` to `entities[(i + 1) % len]`.
    pub hops: Vec<HopId>,
    pub round_trip: RoundTrip,
    pub ratio: Option<ReturnRatio>,
    /// How sure the loop is: the grade of its weakest hop, a hop being as sure as its surest
    /// deal. A loop that needs one rumored flow is rumored, however firm the rest.
    pub grade: Grade,
}

impl Cycle {
    /// A loop with its round-trip amount and return ratio worked out.
    pub fn new(
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        entities: &[EntityId],
        loop_hops: &[HopId],
    ) -> Cycle {
        let round_trip = round_trip(graph, hops, loop_hops);
        let ratio = return_ratio(graph, hops, loop_hops, &round_trip);
        Cycle {
            entities: entities.to_vec(),
            hops: loop_hops.to_vec(),
            round_trip,
            ratio,
            grade: loop_grade(graph, hops, loop_hops),
        }
    }

    /// A loop found under `opts`: with `opts.time_ordered`, its figures and grade come only
    /// from the deals in time order ([`time_ordered_figures`]); otherwise as [`Cycle::new`].
    pub fn found(
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        entities: &[EntityId],
        loop_hops: &[HopId],
        opts: &CycleOptions,
    ) -> Cycle {
        if opts.time_ordered
            && let Some(f) = time_ordered_figures(graph, hops, loop_hops, opts.undated)
        {
            return Cycle {
                entities: entities.to_vec(),
                hops: loop_hops.to_vec(),
                round_trip: f.round_trip,
                ratio: f.ratio,
                grade: f.grade,
            };
        }
        Cycle::new(graph, hops, entities, loop_hops)
    }

    /// Number of hops (= number of entities).
    pub fn length(&self) -> usize {
        self.hops.len()
    }
}

/// Each hop's share of the figures of every loop through it (its [`round_trip`] figure,
/// largest financing deal and grade), worked out the first time a loop takes the hop: a
/// search that finds millions of loops over a few thousand hops reads each hop's deals once.
/// [`FigureCache::found`] gives what [`Cycle::found`] gives.
///
/// # Example
/// ```
/// # use std::ops::ControlFlow;
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{cycles, Cycle, CycleOptions, FigureCache};
/// let csv = "from,to,kind,amount_usd,source\na,b,investment,5e9,s\nb,a,cloud,1e9,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let (hops, opts) = (graph.hops(), CycleOptions::default());
/// let mut figures = FigureCache::new(hops);
/// cycles(&graph, hops, &opts, |entities, loop_hops| {
///     let cached = figures.found(&graph, hops, entities, loop_hops, &opts);
///     assert_eq!(cached, Cycle::found(&graph, hops, entities, loop_hops, &opts));
///     assert_eq!(cached.round_trip.amount.unwrap().to_string(), "$1B");
///     ControlFlow::Continue(())
/// });
/// ```
pub struct FigureCache {
    /// By hop index; set once, by whichever thread first meets the hop.
    hops: Vec<OnceLock<HopShare>>,
}

#[derive(Clone, Copy, Debug)]
struct HopShare {
    figure: figures::HopFigure,
    financing: Option<(crate::model::Money, crate::model::DealId)>,
    grade: Grade,
}

impl HopShare {
    /// The share of a hop with these `deals`. `O(d·log D)` for `d` deals of `D`.
    fn of(graph: &MoneyGraph<'_>, deals: &[crate::model::DealId]) -> HopShare {
        HopShare {
            figure: figures::hop_figure(graph, deals),
            financing: figures::largest_financing(graph, deals.iter().copied()),
            grade: deals
                .iter()
                .filter_map(|&d| graph.deal_view(d))
                .map(|v| v.grade())
                .max()
                .unwrap_or(Grade::Inferred),
        }
    }
}

impl FigureCache {
    /// An empty cache for the hops of `hops`. `O(h)`. One cache serves every thread of a
    /// search: each hop's share is worked out once.
    pub fn new(hops: &HopGraph) -> FigureCache {
        FigureCache {
            hops: (0..hops.hop_count()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The loop with its figures, as [`Cycle::found`]: `O(k)` for `k` hops once each hop's
    /// share is known (`O(d·log D)` the first time, for `d` deals of `D`).
    pub fn found(
        &self,
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        entities: &[EntityId],
        loop_hops: &[HopId],
        opts: &CycleOptions,
    ) -> Cycle {
        let mut cycle = Cycle {
            entities: Vec::new(),
            hops: Vec::new(),
            round_trip: figures::combine_hops(std::iter::empty(), Vec::new()),
            ratio: None,
            grade: Grade::Inferred,
        };
        self.fill(&mut cycle, graph, hops, entities, loop_hops, opts);
        cycle
    }

    /// [`FigureCache::found`] into `cycle`, reusing its vectors: a stream of loops then
    /// allocates nothing per loop.
    pub fn fill(
        &self,
        cycle: &mut Cycle,
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        entities: &[EntityId],
        loop_hops: &[HopId],
        opts: &CycleOptions,
    ) {
        if opts.time_ordered || loop_hops.iter().any(|h| h.0 as usize >= self.hops.len()) {
            // Time order takes one deal per hop; a hop not in `hops` has no share.
            *cycle = Cycle::found(graph, hops, entities, loop_hops, opts);
            return;
        }
        let shares = loop_hops.iter().map(|&h| {
            self.hops[h.0 as usize].get_or_init(|| HopShare::of(graph, hops.hop(h).deals))
        });
        let reuse = std::mem::take(&mut cycle.round_trip.hop_deals);
        cycle.round_trip = figures::combine_hops(shares.clone().map(|s| s.figure), reuse);
        let best = shares
            .clone()
            .fold(None, |acc, s| figures::larger_financing(acc, s.financing));
        cycle.ratio = figures::ratio_over(&cycle.round_trip, best);
        cycle.grade = shares.map(|s| s.grade).min().unwrap_or(Grade::Inferred);
        cycle.entities.clear();
        cycle.entities.extend_from_slice(entities);
        cycle.hops.clear();
        cycle.hops.extend_from_slice(loop_hops);
    }
}

/// The grade of a loop: the weakest of its hops' grades, each hop graded by its surest deal
/// as it stands under the graph's filter. `O(k·d)` for `k` hops of `d` deals.
pub fn loop_grade(graph: &MoneyGraph<'_>, hops: &HopGraph, loop_hops: &[HopId]) -> Grade {
    loop_hops
        .iter()
        .map(|&h| {
            hops.hop(h)
                .deals
                .iter()
                .filter_map(|&d| graph.deal_view(d))
                .map(|v| v.grade())
                .max()
                .unwrap_or(Grade::Inferred)
        })
        .min()
        .unwrap_or(Grade::Inferred)
}

/// Loops collected up to a limit.
#[derive(Clone, Debug, PartialEq)]
pub struct CycleList {
    /// Sorted as asked.
    pub cycles: Vec<Cycle>,
    /// More loops exist than were collected: the limit stopped the search, or time ran out.
    pub truncated: bool,
    /// How many matching loops the search visited: all of them when it is complete (for
    /// [`top_cycles`]); for [`collect_cycles`], those collected.
    pub found: u64,
    /// How the search ended.
    pub end: SearchEnd,
}

/// Collects up to `limit` matching loops with their figures, sorted by `sort`.
///
/// The search stops as soon as a loop beyond `limit` turns up, so `truncated` means that more
/// loops exist (or that the deadline passed). The loops kept are the first `limit` in search
/// order (see [`cycles`]), then sorted.
///
/// # Arguments
/// * `graph`, `hops`, `opts`: as for [`cycles`].
/// * `limit`: most loops to keep; `None` keeps them all (memory grows with the output).
/// * `sort`: the order of the result.
///
/// # Returns
/// The loops, whether more exist, and how the search ended.
///
/// # Complexity
/// As [`cycles`], plus `O(k·d)` per loop of `k` hops with `d` deals per hop for its figures,
/// and `O(m log m)` comparisons to sort `m` loops. Memory `O(n + e + limit·k)`.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{collect_cycles, Bound, CycleOptions, SortKey};
/// //   investor ──investment up to $50B──▶ lab
/// //       ▲                                │
/// //       └──────────cloud $38B────────────┘
/// let csv = "from,to,kind,amount_usd,amount_qualifier,source\n\
///            investor,lab,investment,5e10,up-to,s\n\
///            lab,investor,cloud,3.8e10,,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let found = collect_cycles(&graph, &graph.hops(), &CycleOptions::default(), Some(10), SortKey::Amount);
/// assert!(!found.truncated);
/// let loop_ = &found.cycles[0];
/// assert_eq!(loop_.round_trip.amount.unwrap().to_string(), "$38B");
/// assert_eq!(loop_.round_trip.bound, Some(Bound::Upper)); // the investment is "up to"
/// assert_eq!(loop_.ratio.as_ref().unwrap().value, 0.76);
/// ```
pub fn collect_cycles(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
    limit: Option<usize>,
    sort: SortKey,
) -> CycleList {
    let mut found = Vec::new();
    let mut truncated = false;
    let figures = FigureCache::new(hops);
    let end = cycles(graph, hops, opts, |entities, loop_hops| {
        if limit.is_some_and(|l| found.len() >= l) {
            truncated = true;
            return ControlFlow::Break(());
        }
        found.push(figures.found(graph, hops, entities, loop_hops, opts));
        ControlFlow::Continue(())
    });
    sort_cycles(graph.dataset(), &mut found, sort);
    CycleList {
        found: found.len() as u64,
        cycles: found,
        truncated: truncated || end == SearchEnd::TimedOut,
        end,
    }
}

/// The `n` best matching loops by `sort` among *all* loops within the bounds, best first:
/// exact top-N. Unlike [`collect_cycles`], the search visits every loop (so time grows with
/// all of them) while memory holds only the best `n` (a bounded heap). Ties are broken as in
/// [`sort_cycles`], so the result does not depend on search order.
///
/// # Arguments
/// * `graph`, `hops`, `opts`: as for [`cycles`]; with a deadline the ranking covers only the
///   loops found before it (`end` is then [`SearchEnd::TimedOut`]).
/// * `n`: how many loops to return.
/// * `sort`: the ranking.
///
/// # Returns
/// The best `n` loops; `found`, the number of loops visited; `truncated` when more than `n`
/// were found or time ran out.
///
/// # Complexity
/// As [`cycles`] over all loops, plus `O(k·d + log n)` per loop of `k` hops with `d` deals
/// per hop (its figures, then the heap). Memory `O(n + e + n·k)`.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{top_cycles, CycleOptions, SortKey};
/// //   a ⇄ b ($1B back)   c ⇄ d ($2B back)   e ⇄ f ($3B back)
/// let csv = "from,to,kind,amount_usd,source\na,b,investment,5e9,s\nb,a,cloud,1e9,s\n\
///            c,d,investment,5e9,s\nd,c,cloud,2e9,s\ne,f,investment,5e9,s\nf,e,cloud,3e9,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let top = top_cycles(&graph, &graph.hops(), &CycleOptions::default(), 1, SortKey::Amount);
/// assert_eq!(graph.entity(top.cycles[0].entities[0]).id, "e"); // found last, ranked first
/// assert_eq!((top.found, top.truncated), (3, true));
/// ```
pub fn top_cycles(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
    n: usize,
    sort: SortKey,
) -> CycleList {
    // With a length bound and no --through or time order, the counter gives the total in
    // milliseconds, so the search may skip the loops that cannot rank.
    let countable = opts.max_len.is_some() && opts.through.is_empty() && !opts.time_ordered;
    if sort == SortKey::Amount
        && n > 0
        && countable
        && let Some(list) = top_by_amount(graph, hops, opts, n, n.saturating_mul(4).max(64))
    {
        return list;
    }
    rank_within(graph, hops, opts, n, sort, &|_| true)
}

/// [`top_cycles`] over the loops made of the hops (by index) that `keep` accepts.
fn rank_within(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
    n: usize,
    sort: SortKey,
    keep: &dyn Fn(usize) -> bool,
) -> CycleList {
    let data = graph.dataset();
    let mut top = TopN::new(n);
    let mut found = 0u64;
    let net = Net::build_within(graph, hops, opts, keep);
    let figures = FigureCache::new(hops);
    let end = Search::new(&net, opts).run(&mut |entities: &[EntityId], loop_hops: &[HopId]| {
        found += 1;
        top.offer(
            data,
            sort,
            figures.found(graph, hops, entities, loop_hops, opts),
        );
        ControlFlow::Continue(())
    });
    let cycles = top.into_sorted();
    CycleList {
        truncated: found > cycles.len() as u64 || end == SearchEnd::TimedOut,
        cycles,
        found,
        end,
    }
}

/// Bottleneck pruning for `--sort amount`. A loop's round trip is the smallest of its hops'
/// amounts (a hop's largest known deal), so the loops whose round trip is at least `t` are
/// exactly the loops made of hops of amount `t` or more. Those are searched for a threshold
/// `t` lowered step by step (four times as many hops each time) until they hold `n` loops:
/// every other loop has a hop below `t` (or of unknown amount), so ranks after all of them,
/// and the top `n` of the few is the top `n` of all. The total comes from the counter.
/// `first`: how many hops the first threshold admits. `None` when no threshold short of every
/// hop holds `n` loops: then search them all.
fn top_by_amount(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
    n: usize,
    first: usize,
) -> Option<CycleList> {
    let amounts: Vec<Option<crate::model::Money>> = hops
        .hops()
        .map(|h| {
            h.deals
                .iter()
                .filter_map(|&d| graph.deal_view(d)?.report().amount.value)
                .max()
        })
        .collect();
    let mut sorted: Vec<_> = amounts.iter().flatten().copied().collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let mut m = first.max(1);
    while m < sorted.len() {
        let t = sorted[m - 1];
        let keep = |i: usize| amounts[i].is_some_and(|a| a >= t);
        let mut list = rank_within(graph, hops, opts, n, SortKey::Amount, &keep);
        if list.end == SearchEnd::TimedOut {
            return Some(list);
        }
        if list.found >= n as u64 {
            let (total, end) = count_cycles(graph, opts);
            list.found = total.max(list.found);
            list.truncated = list.found > n as u64 || end == SearchEnd::TimedOut;
            list.end = end;
            return Some(list);
        }
        m = m.saturating_mul(4);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::testkit::complete_digraph;
    use super::*;
    use crate::graph::Filter;

    #[test]
    fn limit_stops_the_search_and_reports_truncation() {
        let data = complete_digraph(6, |_, _| "investment");
        let graph = MoneyGraph::build(&data, Filter::today());
        let hops = graph.hops();
        let opts = CycleOptions {
            max_len: None,
            ..CycleOptions::default()
        };
        let (total, _) = count_cycles(&graph, &opts);
        // Complete digraph on 6 nodes: sum over k of C(6,k)(k-1)! = 409 elementary cycles.
        assert_eq!(total, 409);
        let list = collect_cycles(&graph, hops, &opts, Some(409), SortKey::Amount);
        assert!(!list.truncated);
        let list = collect_cycles(&graph, hops, &opts, Some(408), SortKey::Amount);
        assert!(list.truncated);
        assert_eq!(list.cycles.len(), 408);
        assert_eq!(list.end, SearchEnd::Stopped);
    }
}

#[cfg(test)]
mod top_tests {
    use proptest::prelude::*;

    use super::testkit::{all_simple_cycles, csv_of, gen_graph, load};
    use super::*;
    use crate::graph::Filter;

    /// Every matching loop, found by brute force (every simple path from every start), with
    /// its figures, sorted by `sort`.
    fn brute_ranking(
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        opts: &CycleOptions,
        sort: SortKey,
    ) -> Vec<Cycle> {
        let financing = |h: &HopId| {
            hops.hop(*h)
                .deals
                .iter()
                .filter_map(|&d| graph.deal_view(d))
                .any(|v| v.deal.kind().is_financing())
        };
        let mut every: Vec<Cycle> = all_simple_cycles(graph, hops)
            .into_iter()
            .filter(|(_, hs)| opts.max_len.is_none_or(|m| hs.len() <= m))
            .filter(|(_, hs)| hs.len() >= opts.min_len)
            .filter(|(_, hs)| !opts.financing_only || hs.iter().any(financing))
            .map(|(es, hs)| Cycle::new(graph, hops, &es, &hs))
            .collect();
        sort_cycles(graph.dataset(), &mut every, sort);
        every
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Exact top-N equals the first N of every loop found by brute force and sorted, by
        /// round trip and by ratio, for N in 1, 5, 100 and every bound from 2 to 6 (small
        /// amounts, so many ties: broken by length, then the entity ids along the loop).
        #[test]
        fn top_n_is_the_head_of_the_full_ranking(
            (deals, _) in gen_graph(),
            all in any::<bool>(),
        ) {
            let data = load(&csv_of(&deals));
            let graph = MoneyGraph::build(&data, Filter::today());
            let hops = graph.hops();
            for max_len in 2..=6 {
                let opts = CycleOptions {
                    max_len: Some(max_len),
                    financing_only: !all,
                    ..CycleOptions::default()
                };
                for sort in [SortKey::Amount, SortKey::Ratio] {
                    let every = brute_ranking(&graph, hops, &opts, sort);
                    prop_assert_eq!(
                        &collect_cycles(&graph, hops, &opts, None, sort).cycles,
                        &every
                    );
                    for n in [1, 5, 100] {
                        let top = top_cycles(&graph, hops, &opts, n, sort);
                        let want = &every[..n.min(every.len())];
                        prop_assert_eq!(&top.cycles[..], want);
                        prop_assert_eq!(top.found, every.len() as u64);
                        prop_assert_eq!(top.truncated, every.len() > n);
                        prop_assert_eq!(top.end, SearchEnd::Complete);
                        if sort == SortKey::Amount {
                            // The bottleneck pruning from its smallest first step: the same
                            // list and total whenever it applies.
                            if let Some(pruned) = top_by_amount(&graph, hops, &opts, n, 1) {
                                prop_assert_eq!(&pruned.cycles[..], want);
                                prop_assert_eq!(pruned.found, top.found);
                                prop_assert_eq!(pruned.truncated, top.truncated);
                                prop_assert_eq!(pruned.end, SearchEnd::Complete);
                            }
                        }
                    }
                }
            }
        }
    }
}
