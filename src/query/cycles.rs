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

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::ops::ControlFlow;
use std::time::Instant;

use crate::graph::{Hop, HopGraph, HopId, MoneyGraph};
use crate::model::{Dataset, DealId, EntityId, Money, PartialDate, Qualifier};
use crate::query::components::Tarjan;
use crate::query::cycle_count::{CountOptions, count_cycles_by_length};

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

/// Counts the loops of `graph` that match `opts` without storing them.
///
/// With a length bound and no `through` or time-order requirement (the common case, and what
/// `cycles --count` runs), the loops are counted without being listed, by
/// [`count_cycles_by_length`] on the bare digraph of hops: financing loops are all loops less
/// the loops of non-financing hops alone. Otherwise the search of [`cycles`] runs and each
/// loop it finds is counted.
///
/// # Arguments
/// * `graph`, `opts`: as for [`cycles`] (the hops are built only when the search needs them).
///
/// # Returns
/// The number of loops, and how the search ended (a [`SearchEnd::TimedOut`] count is a lower
/// bound).
///
/// # Complexity
/// See [`count_cycles_by_length`] for the counting kernel (on every core); otherwise as
/// [`cycles`], spread over every core when the length is bounded. `O(n + e)` memory per core
/// either way.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{count_cycles, CycleOptions, SearchEnd};
/// //   a ──investment──▶ b ──cloud──▶ c
/// //   ▲  ◀────cloud─────┘            │
/// //   └────────────revenue───────────┘
/// let csv = "from,to,kind,source\na,b,investment,s\nb,a,cloud,s\nb,c,cloud,s\nc,a,revenue,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// assert_eq!(count_cycles(&graph, &CycleOptions::default()), (2, SearchEnd::Complete));
/// let short = CycleOptions { max_len: Some(2), ..CycleOptions::default() };
/// assert_eq!(count_cycles(&graph, &short).0, 1);
/// ```
pub fn count_cycles(graph: &MoneyGraph<'_>, opts: &CycleOptions) -> (u64, SearchEnd) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Some(max_len) = opts.max_len
        && opts.through.is_empty()
        && !opts.time_ordered
    {
        // Counting needs no order and no hop ids: the kernel counts on the bare digraph of
        // deals (it merges parallel deals into one arc, financing if any of them is).
        let arcs = graph
            .deals()
            .map(|d| (d.deal.from().0, d.deal.to().0, d.deal.kind().is_financing()));
        let kernel = CountOptions {
            max_len,
            only_marked: opts.financing_only,
            deadline: opts.deadline,
            threads,
        };
        let counts = count_cycles_by_length(graph.dataset().entities().len(), arcs, &kernel);
        let end = if counts.complete {
            SearchEnd::Complete
        } else {
            SearchEnd::TimedOut
        };
        return (counts.at_least(opts.min_len), end);
    }
    let hops = graph.hops();
    let parts = threads as u32;
    if opts.max_len.is_none() || parts < 2 {
        let mut count = 0u64;
        let end = cycles(graph, hops, opts, |_, _| {
            count += 1;
            ControlFlow::Continue(())
        });
        return (count, end);
    }
    // Bounded search: the loops out of a start through different first hops are found
    // independently, so each thread takes every `parts`-th first hop of every start (a few
    // hub entities hold most loops, so splitting by start alone would leave threads idle).
    // The sum does not depend on who took which.
    let net = Net::build(graph, hops, opts);
    let results: Vec<(u64, SearchEnd)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..parts)
            .map(|part| {
                let net = &net;
                scope.spawn(move || {
                    let mut search = Search::new(net, opts);
                    search.first_arcs = (part, parts);
                    let mut count = 0u64;
                    let end = search.run(&mut |_: &[EntityId], _: &[HopId]| {
                        count += 1;
                        ControlFlow::Continue(())
                    });
                    (count, end)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let count = results.iter().map(|r| r.0).sum();
    let end = results
        .iter()
        .map(|r| r.1)
        .find(|e| *e != SearchEnd::Complete)
        .unwrap_or(SearchEnd::Complete);
    (count, end)
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
        }
    }

    /// Number of hops (= number of entities).
    pub fn length(&self) -> usize {
        self.hops.len()
    }
}

/// Loops collected up to a limit.
#[derive(Clone, Debug, PartialEq)]
pub struct CycleList {
    /// Sorted as asked.
    pub cycles: Vec<Cycle>,
    /// More loops exist than were collected: the limit stopped the search, or time ran out.
    pub truncated: bool,
    /// How the search ended.
    pub end: SearchEnd,
}

/// Orders for [`sort_cycles`]. Every order ends with the loops' entity ids, so it is total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Round-trip amount, largest first (unknown last), then length, then ids. The default.
    #[default]
    Amount,
    /// Return ratio, largest first (unknown last), then as `Amount`.
    Ratio,
    /// Fewest hops first, then round-trip amount (largest first), then ids.
    Length,
    /// By the entities' names along the loop, then ids.
    Name,
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
    let end = cycles(graph, hops, opts, |entities, loop_hops| {
        if limit.is_some_and(|l| found.len() >= l) {
            truncated = true;
            return ControlFlow::Break(());
        }
        found.push(Cycle::new(graph, hops, entities, loop_hops));
        ControlFlow::Continue(())
    });
    sort_cycles(graph.dataset(), &mut found, sort);
    CycleList {
        cycles: found,
        truncated: truncated || end == SearchEnd::TimedOut,
        end,
    }
}

/// Sorts loops by `key`; ties are broken by length and then by the entity ids along each
/// loop, so the order is total and deterministic.
///
/// # Arguments
/// * `data`: the dataset the loops' entities belong to (for ids and names).
/// * `cycles`: the loops to sort in place.
/// * `key`: see [`SortKey`].
///
/// # Complexity
/// `O(m log m)` comparisons of `O(k)` each for `m` loops of up to `k` hops.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{collect_cycles, sort_cycles, CycleOptions, SortKey};
/// //   a ⇄ b ($5B out, $1B back)      c ⇄ d ($2B out, $2B back)
/// let csv = "from,to,kind,amount_usd,source\na,b,investment,5e9,s\nb,a,cloud,1e9,s\n\
///            c,d,investment,2e9,s\nd,c,cloud,2e9,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let mut found = collect_cycles(&graph, &graph.hops(), &CycleOptions::default(), None, SortKey::Amount).cycles;
/// let first = |c: &[dealgraph::query::cycles::Cycle]| graph.entity(c[0].entities[0]).id.clone();
/// assert_eq!(first(&found), "c"); // $2B round trip beats $1B
/// sort_cycles(graph.dataset(), &mut found, SortKey::Name);
/// assert_eq!(first(&found), "a");
/// ```
pub fn sort_cycles(data: &Dataset, cycles: &mut [Cycle], key: SortKey) {
    let ids = |c: &Cycle| -> Vec<&str> {
        c.entities
            .iter()
            .map(|&e| data.entity(e).id.as_str())
            .collect()
    };
    let amount = |a: &Cycle, b: &Cycle| desc_unknown_last(a.round_trip.amount, b.round_trip.amount);
    cycles.sort_by(|a, b| {
        let first = match key {
            SortKey::Amount => amount(a, b).then(a.length().cmp(&b.length())),
            SortKey::Ratio => {
                let (x, y) = (a.ratio.map(|r| r.value), b.ratio.map(|r| r.value));
                let by_ratio = match (x, y) {
                    (Some(x), Some(y)) => y.total_cmp(&x),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                };
                by_ratio
                    .then_with(|| amount(a, b))
                    .then(a.length().cmp(&b.length()))
            }
            SortKey::Length => a.length().cmp(&b.length()).then_with(|| amount(a, b)),
            SortKey::Name => {
                let names = |c: &Cycle| -> Vec<&str> {
                    c.entities
                        .iter()
                        .map(|&e| data.entity(e).name.as_str())
                        .collect()
                };
                names(a).cmp(&names(b))
            }
        };
        first
            .then(a.length().cmp(&b.length()))
            .then_with(|| ids(a).cmp(&ids(b)))
    });
}

fn desc_unknown_last(a: Option<Money>, b: Option<Money>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// How a figure built from reported amounts relates to the real one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bound {
    /// Every figure that decides it is exact.
    Exact,
    /// The real amount is at most this ("up to" figures decide it).
    Upper,
    /// The real amount is at least this ("at least" figures decide it).
    Lower,
    /// "About" figures decide it, or figures that could move it both ways.
    Approx,
}

impl Bound {
    /// `exact`, `upper`, `lower` or `approx`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Exact => "exact",
            Bound::Upper => "upper",
            Bound::Lower => "lower",
            Bound::Approx => "approx",
        }
    }
}

/// The round-trip amount of a loop and how exact it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundTrip {
    /// The smallest of the hops' largest known deal amounts; `None` when some hop has no deal
    /// with a known amount.
    pub amount: Option<Money>,
    /// How the real round trip relates to `amount`; `None` when `amount` is.
    pub bound: Option<Bound>,
    /// Per hop, the deal whose figure counts for it (its largest known amount, the smallest
    /// deal id among equals); `None` for a hop with no known amount.
    pub hop_deals: Vec<Option<DealId>>,
    /// Index of the hop whose figure is the round-trip amount (the first among equals).
    pub limiting_hop: Option<usize>,
}

/// A reported figure as the range of values it allows: exact `[v, v]`, up-to `[0, v]`,
/// at-least `[v, ∞)`, about `[v, v]` marked fuzzy.
#[derive(Clone, Copy, Debug)]
struct Range {
    point: Money,
    lo: Money,
    /// `None` for no upper limit.
    hi: Option<Money>,
    fuzzy: bool,
}

impl Range {
    fn of(value: Money, qualifier: Qualifier) -> Range {
        let (lo, hi) = match qualifier {
            Qualifier::UpTo => (Money::ZERO, Some(value)),
            Qualifier::AtLeast => (value, None),
            Qualifier::Exact | Qualifier::About | Qualifier::Undisclosed => (value, Some(value)),
        };
        Range {
            point: value,
            lo,
            hi,
            fuzzy: qualifier == Qualifier::About,
        }
    }

    fn bound(self) -> Bound {
        let below = self.lo < self.point;
        let above = self.hi.is_none_or(|h| h > self.point);
        match (self.fuzzy, below, above) {
            (true, _, _) | (false, true, true) => Bound::Approx,
            (false, true, false) => Bound::Upper,
            (false, false, true) => Bound::Lower,
            (false, false, false) => Bound::Exact,
        }
    }
}

fn min_hi(a: Option<Money>, b: Option<Money>) -> Option<Money> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_hi(a: Option<Money>, b: Option<Money>) -> Option<Money> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        _ => None,
    }
}

/// The round-trip amount of a loop: per hop the largest known deal amount (the hop's deals as
/// they stand under the graph's filter), and the smallest of those over the loop.
///
/// Qualifiers travel with the numbers. Each figure is read as the range it allows (exact
/// `[v, v]`, up to `[0, v]`, at least `[v, ∞)`, about ≈`v`); the hop's range is the largest of
/// its deals' and the loop's the smallest of its hops'. The [`Bound`] says where the real
/// round trip can lie: only below the amount → `Upper`, only above → `Lower`, both ways or an
/// "about" figure deciding it → `Approx`, neither → `Exact`. For example up to $50B out and
/// exactly $38B back gives "at most $38B" (`Upper`): the investment may be smaller than $38B.
/// Deals with no known amount are left out of the figures (their hop's figure counts only
/// what is known).
///
/// # Arguments
/// * `graph`: the graph the loop was found in.
/// * `hops`: `graph.hops()`.
/// * `loop_hops`: the loop's hops in order.
///
/// # Returns
/// The amount (`None` if a hop has no known amount), its bound, and which deal counts for
/// each hop.
///
/// # Complexity
/// `O(k·d·log D)` for `k` hops of `d` deals each, `D` deals in the graph.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{round_trip, Bound};
/// //   fund ──investment at least $8B──▶ lab
/// //     ▲                               │
/// //     └─────cloud $38B, chips $1B─────┘
/// let csv = "from,to,kind,amount_usd,amount_qualifier,source\n\
///            fund,lab,investment,8e9,at-least,s\nlab,fund,cloud,3.8e10,,s\nlab,fund,chips,1e9,,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let hops = graph.hops();
/// let (fund, lab) = (loaded.dataset.by_id("fund").unwrap(), loaded.dataset.by_id("lab").unwrap());
/// let trip = round_trip(&graph, &hops, &[hops.find(fund, lab).unwrap(), hops.find(lab, fund).unwrap()]);
/// assert_eq!(trip.amount.unwrap().to_string(), "$8B");
/// assert_eq!(trip.bound, Some(Bound::Lower)); // at least $8B went out, $38B came back
/// ```
pub fn round_trip(graph: &MoneyGraph<'_>, hops: &HopGraph, loop_hops: &[HopId]) -> RoundTrip {
    let mut hop_deals = Vec::with_capacity(loop_hops.len());
    let mut total: Option<Range> = None;
    let mut limiting_hop = None;
    let mut unknown = false;
    for (i, &h) in loop_hops.iter().enumerate() {
        let mut best: Option<(Money, DealId)> = None;
        let mut range: Option<Range> = None;
        for &d in hops.hop(h).deals {
            let Some(view) = graph.deal_view(d) else {
                continue;
            };
            let Some(value) = view.report().amount.value else {
                continue;
            };
            if best.is_none_or(|(b, _)| value > b) {
                best = Some((value, d));
            }
            let r = Range::of(value, view.report().amount.qualifier);
            range = Some(match range {
                None => r,
                Some(acc) => Range {
                    point: acc.point.max(r.point),
                    lo: acc.lo.max(r.lo),
                    hi: max_hi(acc.hi, r.hi),
                    fuzzy: if r.point > acc.point {
                        r.fuzzy
                    } else if r.point == acc.point {
                        acc.fuzzy || r.fuzzy
                    } else {
                        acc.fuzzy
                    },
                },
            });
        }
        hop_deals.push(best.map(|(_, d)| d));
        let Some(r) = range else {
            unknown = true;
            continue;
        };
        total = Some(match total {
            None => {
                limiting_hop = Some(i);
                r
            }
            Some(acc) => {
                if r.point < acc.point {
                    limiting_hop = Some(i);
                }
                Range {
                    point: acc.point.min(r.point),
                    lo: acc.lo.min(r.lo),
                    hi: min_hi(acc.hi, r.hi),
                    fuzzy: match r.point.cmp(&acc.point) {
                        Ordering::Less => r.fuzzy,
                        Ordering::Equal => acc.fuzzy || r.fuzzy,
                        Ordering::Greater => acc.fuzzy,
                    },
                }
            }
        });
    }
    match total {
        Some(range) if !unknown => RoundTrip {
            amount: Some(range.point),
            bound: Some(range.bound()),
            hop_deals,
            limiting_hop,
        },
        _ => RoundTrip {
            amount: None,
            bound: None,
            hop_deals,
            limiting_hop: None,
        },
    }
}

/// How much of the financing comes back round.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReturnRatio {
    /// Round-trip amount ÷ financing amount (0.76 for 76%). For display only: the amounts
    /// themselves stay exact.
    pub value: f64,
    /// The financing deal divided by: the largest known investment or loan on the loop.
    pub financing: DealId,
}

/// The return ratio of a loop: its round-trip amount divided by the financing amount that
/// started it, taken as the largest known investment or loan deal anywhere on the loop (the
/// smallest deal id among equals). "At most $38B of Amazon's up-to-$50B comes back as AWS
/// revenue: 76%." The ratio is of the figures as reported; the round trip's [`Bound`] says how
/// far to trust it.
///
/// # Arguments
/// * `graph`, `hops`, `loop_hops`: as for [`round_trip`].
/// * `round_trip`: the loop's [`round_trip`].
///
/// # Returns
/// `None` when the round trip is unknown, the loop has no financing deal with a known
/// amount, or that amount is zero.
///
/// # Complexity
/// `O(k·d·log D)` as [`round_trip`].
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{return_ratio, round_trip};
/// //   fund ──loan $4B──▶ lab ──cloud $1B──▶ fund
/// let csv = "from,to,kind,amount_usd,source\nfund,lab,loan,4e9,s\nlab,fund,cloud,1e9,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let hops = graph.hops();
/// let (fund, lab) = (loaded.dataset.by_id("fund").unwrap(), loaded.dataset.by_id("lab").unwrap());
/// let loop_hops = [hops.find(fund, lab).unwrap(), hops.find(lab, fund).unwrap()];
/// let trip = round_trip(&graph, &hops, &loop_hops);
/// assert_eq!(return_ratio(&graph, &hops, &loop_hops, &trip).unwrap().value, 0.25);
/// ```
pub fn return_ratio(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    loop_hops: &[HopId],
    round_trip: &RoundTrip,
) -> Option<ReturnRatio> {
    let amount = round_trip.amount?;
    let mut best: Option<(Money, DealId)> = None;
    for &h in loop_hops {
        for &d in hops.hop(h).deals {
            let Some(view) = graph.deal_view(d) else {
                continue;
            };
            if !view.deal.kind().is_financing() {
                continue;
            }
            if let Some(value) = view.report().amount.value
                && best.is_none_or(|(b, bd)| value > b || (value == b && d < bd))
            {
                best = Some((value, d));
            }
        }
    }
    let (financing_amount, financing) = best?;
    Some(ReturnRatio {
        value: amount.ratio(financing_amount)?,
        financing,
    })
}

/// Whether a loop is time-ordered: for some financing deal on it (any deal, if the loop has no
/// financing hop at all), starting there and going round, each following hop has a deal dated
/// on or after the previous one — money goes out before it comes back. A deal's date is its
/// standing report's date; partial dates compare as the start of their period, a less precise
/// date first among equals (`2025` < `2025-11` < `2025-11-03`). Undated deals follow
/// `undated`.
///
/// # Arguments
/// * `graph`, `hops`, `loop_hops`: as for [`round_trip`].
/// * `undated`: whether an undated deal breaks the order or fits anywhere.
///
/// # Returns
/// `true` when some start and choice of one deal per hop is in date order.
///
/// # Complexity
/// `O(k²·log d + k·d·log d)` for `k` hops of `d` deals: each start is checked greedily (the
/// earliest deal that keeps the order is always the best choice).
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{is_time_ordered, Undated};
/// //   fund ──investment 2025-03──▶ lab ──cloud 2025-01, undated chips──▶ fund
/// let csv = "from,to,kind,date,source\nfund,lab,investment,2025-03,s\n\
///            lab,fund,cloud,2025-01,s\nlab,fund,chips,,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let hops = graph.hops();
/// let (fund, lab) = (loaded.dataset.by_id("fund").unwrap(), loaded.dataset.by_id("lab").unwrap());
/// let loop_hops = [hops.find(fund, lab).unwrap(), hops.find(lab, fund).unwrap()];
/// // The cloud deal came before the investment; only the undated chips could follow it.
/// assert!(!is_time_ordered(&graph, &hops, &loop_hops, Undated::Break));
/// assert!(is_time_ordered(&graph, &hops, &loop_hops, Undated::Ok));
/// ```
pub fn is_time_ordered(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    loop_hops: &[HopId],
    undated: Undated,
) -> bool {
    let times: Vec<HopTimes> = loop_hops
        .iter()
        .map(|&h| HopTimes::of(graph, &hops.hop(h)))
        .collect();
    let refs: Vec<&HopTimes> = times.iter().collect();
    time_ordered(&refs, undated)
}

/// The dates of one hop's deals, sorted, for time-order checks.
#[derive(Clone, Debug, Default)]
struct HopTimes {
    dated: Vec<PartialDate>,
    undated: bool,
    financing_dated: Vec<PartialDate>,
    financing_undated: bool,
    financing: bool,
}

impl HopTimes {
    fn of(graph: &MoneyGraph<'_>, hop: &Hop<'_>) -> HopTimes {
        let mut t = HopTimes::default();
        for &d in hop.deals {
            let Some(view) = graph.deal_view(d) else {
                continue;
            };
            let financing = view.deal.kind().is_financing();
            t.financing |= financing;
            match view.report().date {
                Some(date) => {
                    t.dated.push(date);
                    if financing {
                        t.financing_dated.push(date);
                    }
                }
                None => {
                    t.undated = true;
                    t.financing_undated |= financing;
                }
            }
        }
        t.dated.sort_unstable();
        t.financing_dated.sort_unstable();
        t
    }

    /// Whether the hop has a financing deal a time-ordered loop can start at.
    fn can_start_financing(&self, undated: Undated) -> bool {
        !self.financing_dated.is_empty() || (undated == Undated::Ok && self.financing_undated)
    }
}

/// The greedy check behind [`is_time_ordered`]. A time of `None` means "before everything"
/// (an undated start under [`Undated::Ok`]).
fn time_ordered(times: &[&HopTimes], undated: Undated) -> bool {
    let k = times.len();
    let ok = undated == Undated::Ok;
    let financing_loop = times.iter().any(|t| t.financing);
    for j in 0..k {
        let start = times[j];
        let (dated, undated_start) = if financing_loop {
            (&start.financing_dated, start.financing_undated)
        } else {
            (&start.dated, start.undated)
        };
        let mut now: Option<PartialDate> = if ok && undated_start {
            None
        } else if let Some(&first) = dated.first() {
            Some(first)
        } else {
            continue;
        };
        let mut ordered = true;
        for i in 1..k {
            let hop = times[(j + i) % k];
            if ok && hop.undated {
                continue;
            }
            let next = match now {
                None => 0,
                Some(t) => hop.dated.partition_point(|d| *d < t),
            };
            match hop.dated.get(next) {
                Some(&d) => now = Some(d),
                None => {
                    ordered = false;
                    break;
                }
            }
        }
        if ordered {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// The search.

const INF: u32 = u32::MAX;

/// The visitor of [`cycles`], behind a reference inside the search.
type Visitor<'v> = dyn FnMut(&[EntityId], &[HopId]) -> ControlFlow<()> + 'v;

/// One hop as the search sees it.
#[derive(Clone, Copy, Debug)]
struct Arc {
    to: u32,
    hop: HopId,
    /// The hop can count as the loop's financing (in time-ordered mode: as its start).
    financing: bool,
}

/// The hop graph relabelled for the search: entities that take part in a usable hop, numbered
/// in id-string order, with forward and reverse compressed adjacency.
struct Net {
    entity: Vec<EntityId>,
    out_start: Vec<u32>,
    out: Vec<Arc>,
    in_start: Vec<u32>,
    /// `(from, financing)` of each incoming arc.
    inc: Vec<(u32, bool)>,
    /// By hop index; empty unless time order is asked for.
    times: Vec<HopTimes>,
    /// Local indices of the `through` entities, sorted and deduplicated.
    through: Vec<u32>,
    /// A `through` entity has no usable hop, so nothing can match.
    through_missing: bool,
}

impl Net {
    fn build(graph: &MoneyGraph<'_>, hops: &HopGraph, opts: &CycleOptions) -> Net {
        let data = graph.dataset();
        let times: Vec<HopTimes> = if opts.time_ordered {
            hops.hops().map(|h| HopTimes::of(graph, &h)).collect()
        } else {
            Vec::new()
        };
        let usable = |i: usize| {
            !opts.time_ordered || opts.undated == Undated::Ok || !times[i].dated.is_empty()
        };
        let n_all = hops.entity_count();
        let mut present = vec![false; n_all];
        for (i, h) in hops.hops().enumerate() {
            if h.from != h.to && usable(i) {
                present[h.from.index()] = true;
                present[h.to.index()] = true;
            }
        }
        let mut entity: Vec<EntityId> = (0..n_all)
            .filter(|&i| present[i])
            .map(|i| EntityId(i as u32))
            .collect();
        entity.sort_by(|a, b| data.entity(*a).id.cmp(&data.entity(*b).id));
        let mut local = vec![INF; n_all];
        for (i, e) in entity.iter().enumerate() {
            local[e.index()] = i as u32;
        }
        let mut arcs: Vec<(u32, Arc)> = Vec::new();
        for (i, h) in hops.hops().enumerate() {
            if h.from == h.to || !usable(i) {
                continue;
            }
            let financing = if opts.time_ordered {
                times[i].can_start_financing(opts.undated)
            } else {
                h.deals.iter().any(|&d| data.deal(d).kind().is_financing())
            };
            arcs.push((
                local[h.from.index()],
                Arc {
                    to: local[h.to.index()],
                    hop: HopId(i as u32),
                    financing,
                },
            ));
        }
        arcs.sort_unstable_by_key(|&(from, a)| (from, a.to));
        let n = entity.len();
        let mut out_start = vec![0u32; n + 1];
        let mut in_start = vec![0u32; n + 1];
        for &(from, a) in &arcs {
            out_start[from as usize + 1] += 1;
            in_start[a.to as usize + 1] += 1;
        }
        for i in 0..n {
            out_start[i + 1] += out_start[i];
            in_start[i + 1] += in_start[i];
        }
        let out: Vec<Arc> = arcs.iter().map(|&(_, a)| a).collect();
        let mut fill = in_start.clone();
        let mut inc = vec![(0u32, false); arcs.len()];
        for &(from, a) in &arcs {
            let slot = &mut fill[a.to as usize];
            inc[*slot as usize] = (from, a.financing);
            *slot += 1;
        }
        let mut through = Vec::new();
        let mut through_missing = false;
        for t in &opts.through {
            match local.get(t.index()) {
                Some(&l) if l != INF => through.push(l),
                _ => through_missing = true,
            }
        }
        through.sort_unstable();
        through.dedup();
        Net {
            entity,
            out_start,
            out,
            in_start,
            inc,
            times,
            through,
            through_missing,
        }
    }

    fn len(&self) -> usize {
        self.entity.len()
    }

    fn out_arcs(&self, v: u32) -> &[Arc] {
        &self.out[self.out_start[v as usize] as usize..self.out_start[v as usize + 1] as usize]
    }

    fn in_arcs(&self, v: u32) -> &[(u32, bool)] {
        &self.inc[self.in_start[v as usize] as usize..self.in_start[v as usize + 1] as usize]
    }
}

/// One level of the explicit depth-first stack.
#[derive(Clone, Copy, Debug)]
struct Frame {
    v: u32,
    next: u32,
    end: u32,
    /// Bounded search: shortest distance back to the start found below (the bound = none).
    blen: u32,
    /// Unbounded search: a loop (or a pruned branch that might hold one) was found below.
    closed: bool,
    /// The arc into `v` is a financing hop.
    financing: bool,
}

/// Search state, allocated once and reset per start vertex (only what was touched).
struct Search<'n> {
    net: &'n Net,
    opts: &'n CycleOptions,
    bound: Option<u32>,
    /// Bounded search: the strongly connected component of each vertex (`INF` if alone).
    comp: Vec<u32>,
    tarjan: Tarjan,
    /// Forward distance from the start (within the alive part of its component).
    dist_from: Vec<u32>,
    /// Distance back to the start.
    dist_to: Vec<u32>,
    /// Shortest walk back to the start that takes a financing hop.
    dist_to_financed: Vec<u32>,
    dist_to_financed_done: Vec<u32>,
    /// Per `through` entity: distance to it.
    dist_to_through: Vec<Vec<u32>>,
    touched: Vec<u32>,
    region: Vec<u32>,
    region_list: Vec<u32>,
    stamp: u32,
    lock: Vec<u32>,
    blocked: Vec<bool>,
    blist: Vec<Vec<u32>>,
    on_path: Vec<bool>,
    is_through: Vec<bool>,
    path: Vec<u32>,
    path_hops: Vec<HopId>,
    frames: Vec<Frame>,
    entities: Vec<EntityId>,
    queue: std::collections::VecDeque<(u32, bool)>,
    relax: Vec<(u32, u32)>,
    ticks: u32,
    /// `(part, parts)`: explore only the first hops out of each start whose position among
    /// the start's arcs is `part` modulo `parts`, so that threads can share one start's
    /// loops. `(0, 1)`: all of them.
    first_arcs: (u32, u32),
}

impl<'n> Search<'n> {
    fn new(net: &'n Net, opts: &'n CycleOptions) -> Search<'n> {
        let n = net.len();
        let mut is_through = vec![false; n];
        for &t in &net.through {
            is_through[t as usize] = true;
        }
        Search {
            net,
            opts,
            bound: opts.max_len.map(|l| l.min(u32::MAX as usize - 2) as u32),
            comp: Vec::new(),
            tarjan: Tarjan::new(n),
            dist_from: vec![INF; n],
            dist_to: vec![INF; n],
            dist_to_financed: vec![INF; n],
            dist_to_financed_done: vec![INF; n],
            dist_to_through: vec![vec![INF; n]; net.through.len()],
            touched: Vec::new(),
            region: vec![0; n],
            region_list: Vec::new(),
            stamp: 0,
            lock: vec![0; n],
            blocked: vec![false; n],
            blist: vec![Vec::new(); n],
            on_path: vec![false; n],
            is_through,
            path: Vec::new(),
            path_hops: Vec::new(),
            frames: Vec::new(),
            entities: Vec::new(),
            queue: std::collections::VecDeque::new(),
            relax: Vec::new(),
            ticks: 0,
            first_arcs: (0, 1),
        }
    }

    fn timed_out(&self) -> bool {
        self.opts.deadline.is_some_and(|d| Instant::now() >= d)
    }

    fn run(&mut self, visit: &mut Visitor<'_>) -> SearchEnd {
        if self.bound.is_some_and(|l| l < 2)
            || self.opts.min_len > self.bound.map_or(usize::MAX, |l| l as usize)
            || self.net.through_missing
        {
            return SearchEnd::Complete;
        }
        let n = self.net.len();
        let everyone: Vec<u32> = (0..n as u32).collect();
        self.mark(&everyone);
        let components = self.components(&everyone);
        match self.bound {
            Some(_) => self.run_bounded(components, visit),
            None => self.run_unbounded(components, visit),
        }
    }

    /// Bounded search: from each start `s` in id order, over the entities within reach of a
    /// closed walk of at most `L` hops through `s` in its component (entities before `s` are
    /// done). The work per start stays local to the start's neighbourhood.
    fn run_bounded(&mut self, components: Vec<Vec<u32>>, visit: &mut Visitor<'_>) -> SearchEnd {
        self.comp = vec![INF; self.net.len()];
        for (i, c) in components.iter().enumerate() {
            for &v in c {
                self.comp[v as usize] = i as u32;
            }
        }
        let first_through = self.net.through.first().copied();
        for s in 0..self.net.len() as u32 {
            if first_through.is_some_and(|t| s > t) {
                break;
            }
            if self.comp[s as usize] == INF {
                continue;
            }
            if self.timed_out() {
                return SearchEnd::TimedOut;
            }
            if let ControlFlow::Break(end) = self.search_from(s, visit) {
                return end;
            }
        }
        SearchEnd::Complete
    }

    /// Unbounded search (Johnson): take the component with the smallest start `s`, find the
    /// loops through `s` in it, then split the component without `s` into strongly connected
    /// components again and carry on with those.
    fn run_unbounded(&mut self, components: Vec<Vec<u32>>, visit: &mut Visitor<'_>) -> SearchEnd {
        let mut work: BinaryHeap<Reverse<(u32, Vec<u32>)>> =
            components.into_iter().map(|c| Reverse((c[0], c))).collect();
        let first_through = self.net.through.first().copied();
        while let Some(Reverse((s, component))) = work.pop() {
            if first_through.is_some_and(|t| s > t) {
                break;
            }
            if self.timed_out() {
                return SearchEnd::TimedOut;
            }
            self.region_list.clear();
            self.region_list.extend_from_slice(&component);
            self.mark(&component);
            // Requirements that fail for a component fail for every part of it too.
            if !self.worth_searching() {
                continue;
            }
            let flow = self.search(s, None, visit);
            for &v in &component {
                self.blocked[v as usize] = false;
                self.blist[v as usize].clear();
            }
            if let ControlFlow::Break(end) = flow {
                return end;
            }
            let rest = &component[1..];
            self.mark(rest);
            for c in self.components(rest) {
                work.push(Reverse((c[0], c)));
            }
        }
        SearchEnd::Complete
    }

    /// Makes `vertices` the current region.
    fn mark(&mut self, vertices: &[u32]) {
        self.stamp += 1;
        for &v in vertices {
            self.region[v as usize] = self.stamp;
        }
    }

    /// The strongly connected components of the current region with two or more entities,
    /// each sorted (`vertices` lists the region).
    fn components(&mut self, vertices: &[u32]) -> Vec<Vec<u32>> {
        let (net, region, stamp) = (self.net, &self.region, self.stamp);
        let mut found = Vec::new();
        self.tarjan.run(
            &net.out_start,
            |i| net.out[i].to,
            vertices.iter().copied(),
            |w| region[w as usize] == stamp,
            |members| {
                if members.len() >= 2 {
                    let mut component = members.to_vec();
                    component.sort_unstable();
                    found.push(component);
                }
            },
        );
        found
    }

    /// Breadth-first distances from (`forward`) or to `s` over alive vertices (same component,
    /// not before `s`), up to `limit` hops. Fills `dist_from` or `dist_to`.
    fn bfs_alive(&mut self, s: u32, forward: bool, limit: u32) {
        let net = self.net;
        let comp = &self.comp;
        let c = comp[s as usize];
        let dist = if forward {
            &mut self.dist_from
        } else {
            &mut self.dist_to
        };
        let queue = &mut self.queue;
        let touched = &mut self.touched;
        dist[s as usize] = 0;
        touched.push(s);
        queue.clear();
        queue.push_back((s, false));
        while let Some((v, _)) = queue.pop_front() {
            let d = dist[v as usize];
            if d >= limit {
                continue;
            }
            let mut step = |w: u32| {
                if w >= s && comp[w as usize] == c && dist[w as usize] == INF {
                    dist[w as usize] = d + 1;
                    touched.push(w);
                    queue.push_back((w, false));
                }
            };
            if forward {
                net.out_arcs(v).iter().for_each(|a| step(a.to));
            } else {
                net.in_arcs(v).iter().for_each(|&(u, _)| step(u));
            }
        }
    }

    fn in_region(&self, v: u32) -> bool {
        self.region[v as usize] == self.stamp
    }

    /// Distances to `target` within the region (for the `through` pruning).
    fn bfs_region_to(&mut self, target: u32, j: usize) {
        let dist = &mut self.dist_to_through[j];
        dist[target as usize] = 0;
        self.queue.clear();
        self.queue.push_back((target, false));
        while let Some((v, _)) = self.queue.pop_front() {
            let d = dist[v as usize];
            for &(u, _) in self.net.in_arcs(v) {
                if self.region[u as usize] == self.stamp && dist[u as usize] == INF {
                    dist[u as usize] = d + 1;
                    self.queue.push_back((u, false));
                }
            }
        }
    }

    /// Shortest walks back to `s` within the region that take at least one financing hop:
    /// a breadth-first search over (vertex, financing taken yet) states, backwards from
    /// (`s`, taken).
    fn bfs_financed(&mut self, s: u32) {
        self.dist_to_financed_done[s as usize] = 0;
        self.queue.clear();
        self.queue.push_back((s, true));
        while let Some((w, done)) = self.queue.pop_front() {
            let d = if done {
                self.dist_to_financed_done[w as usize]
            } else {
                self.dist_to_financed[w as usize]
            };
            for &(u, financing) in self.net.in_arcs(w) {
                if self.region[u as usize] != self.stamp {
                    continue;
                }
                // From (u, before) the arc leads to (w, before || financing).
                if done {
                    if self.dist_to_financed_done[u as usize] == INF {
                        self.dist_to_financed_done[u as usize] = d + 1;
                        self.queue.push_back((u, true));
                    }
                    if financing && self.dist_to_financed[u as usize] == INF {
                        self.dist_to_financed[u as usize] = d + 1;
                        self.queue.push_back((u, false));
                    }
                } else if !financing && self.dist_to_financed[u as usize] == INF {
                    self.dist_to_financed[u as usize] = d + 1;
                    self.queue.push_back((u, false));
                }
            }
        }
    }

    /// Finds every matching loop whose smallest vertex is `s`.
    fn search_from(&mut self, s: u32, visit: &mut Visitor<'_>) -> ControlFlow<SearchEnd> {
        let limit = self.bound.map_or(INF, |l| l - 1);
        self.bfs_alive(s, true, limit);
        self.bfs_alive(s, false, limit);
        self.stamp += 1;
        self.region_list.clear();
        for i in 0..self.touched.len() {
            let v = self.touched[i];
            let (f, t) = (self.dist_from[v as usize], self.dist_to[v as usize]);
            if self.region[v as usize] != self.stamp
                && f != INF
                && t != INF
                && self.bound.is_none_or(|l| f + t <= l)
            {
                self.region[v as usize] = self.stamp;
                self.region_list.push(v);
            }
        }
        let result = if self.worth_searching() {
            let bound = self
                .bound
                .filter(|&l| (l as usize) < self.region_list.len());
            if let Some(l) = bound {
                if self.opts.financing_only {
                    self.bfs_financed(s);
                }
                for j in 0..self.net.through.len() {
                    self.bfs_region_to(self.net.through[j], j);
                }
                for &v in &self.region_list {
                    self.lock[v as usize] = l;
                }
            }
            self.search(s, bound, visit)
        } else {
            ControlFlow::Continue(())
        };
        for &v in &self.touched {
            self.dist_from[v as usize] = INF;
            self.dist_to[v as usize] = INF;
        }
        self.touched.clear();
        for &v in &self.region_list {
            let v = v as usize;
            self.dist_to_financed[v] = INF;
            self.dist_to_financed_done[v] = INF;
            for d in &mut self.dist_to_through {
                d[v] = INF;
            }
            self.blocked[v] = false;
            self.blist[v].clear();
        }
        result
    }

    /// Whether the region around the start can hold a matching loop at all.
    fn worth_searching(&self) -> bool {
        if self.region_list.len() < 2 {
            return false;
        }
        if self.net.through.iter().any(|&t| !self.in_region(t)) {
            return false;
        }
        if self.opts.financing_only {
            let financed = self.region_list.iter().any(|&v| {
                self.net.out_arcs(v).iter().any(|a| {
                    a.financing
                        && self.in_region(a.to)
                        && self.bound.is_none_or(|l| {
                            self.dist_from[v as usize] + 1 + self.dist_to[a.to as usize] <= l
                        })
                })
            });
            if !financed {
                return false;
            }
        }
        true
    }

    /// Whether the path closed by `arc` back to the start is a loop to report.
    fn matches(&self, arc: Arc, financing_on_path: u32, through_on_path: u32) -> bool {
        if self.path.len() < self.opts.min_len {
            return false;
        }
        if self.opts.financing_only && financing_on_path == 0 && !arc.financing {
            return false;
        }
        if through_on_path as usize != self.net.through.len() {
            return false;
        }
        if self.opts.time_ordered {
            let times: Vec<&HopTimes> = self
                .path_hops
                .iter()
                .chain(std::iter::once(&arc.hop))
                .map(|h| &self.net.times[h.0 as usize])
                .collect();
            return time_ordered(&times, self.opts.undated);
        }
        true
    }

    /// Whether pushing `w` (reached by `arc`, with `len` vertices on the path) can still lead
    /// to a loop that meets the `through` and financing requirements within the bound `l`.
    fn hopeless(
        &self,
        w: u32,
        arc: Arc,
        len: u32,
        l: u32,
        financing_on_path: u32,
        through_on_path: u32,
    ) -> bool {
        let budget = l - len;
        if self.opts.financing_only
            && financing_on_path == 0
            && !arc.financing
            && self.dist_to_financed[w as usize] > budget
        {
            return true;
        }
        if !self.net.through.is_empty() {
            let on = through_on_path + u32::from(self.is_through[w as usize]);
            let missing = self.net.through.len() as u32 - on;
            if missing + 1 > budget {
                return true;
            }
            for (j, &t) in self.net.through.iter().enumerate() {
                if t == w || self.on_path[t as usize] {
                    continue;
                }
                let there = self.dist_to_through[j][w as usize];
                let back = self.dist_to[t as usize];
                if there == INF || back == INF || there + back > budget {
                    return true;
                }
            }
        }
        false
    }

    /// The depth-first search from `s`: Gupta–Suzumura bounded blocking when `bound` is set,
    /// Johnson's blocking otherwise.
    fn search(
        &mut self,
        s: u32,
        bound: Option<u32>,
        visit: &mut Visitor<'_>,
    ) -> ControlFlow<SearchEnd> {
        let l = bound.unwrap_or(INF);
        self.path.clear();
        self.path_hops.clear();
        self.frames.clear();
        self.path.push(s);
        self.on_path[s as usize] = true;
        self.lock[s as usize] = 0;
        self.blocked[s as usize] = true;
        self.frames.push(Frame {
            v: s,
            next: self.net.out_start[s as usize],
            end: self.net.out_start[s as usize + 1],
            blen: l,
            closed: false,
            financing: false,
        });
        let mut financing_on_path = 0u32;
        let mut through_on_path = u32::from(self.is_through[s as usize]);
        let result = loop {
            self.ticks = self.ticks.wrapping_add(1);
            if self.ticks.is_multiple_of(4096) && self.timed_out() {
                break ControlFlow::Break(SearchEnd::TimedOut);
            }
            let Some(top) = self.frames.len().checked_sub(1) else {
                break ControlFlow::Continue(());
            };
            let frame = self.frames[top];
            if frame.next < frame.end {
                self.frames[top].next += 1;
                let (part, parts) = self.first_arcs;
                if top == 0 && (frame.next - self.net.out_start[s as usize]) % parts != part {
                    continue;
                }
                let arc = self.net.out[frame.next as usize];
                let w = arc.to;
                if self.region[w as usize] != self.stamp {
                    continue;
                }
                if w == s {
                    self.frames[top].blen = 1;
                    self.frames[top].closed = true;
                    if self.matches(arc, financing_on_path, through_on_path) {
                        self.entities.clear();
                        self.entities
                            .extend(self.path.iter().map(|&v| self.net.entity[v as usize]));
                        self.path_hops.push(arc.hop);
                        let flow = visit(&self.entities, &self.path_hops);
                        self.path_hops.pop();
                        if flow.is_break() {
                            break ControlFlow::Break(SearchEnd::Stopped);
                        }
                    }
                    continue;
                }
                let len = self.path.len() as u32;
                if bound.is_some() {
                    if len >= self.lock[w as usize] || self.dist_to[w as usize] > l - len {
                        continue;
                    }
                    if self.hopeless(w, arc, len, l, financing_on_path, through_on_path) {
                        // A loop might lie past `w` even though none matches: count it as
                        // found, so that no lock set below outlives this path.
                        self.frames[top].blen = 1;
                        continue;
                    }
                    self.lock[w as usize] = len + 1;
                } else {
                    if self.blocked[w as usize] {
                        continue;
                    }
                    self.blocked[w as usize] = true;
                }
                self.path.push(w);
                self.path_hops.push(arc.hop);
                self.on_path[w as usize] = true;
                financing_on_path += u32::from(arc.financing);
                through_on_path += u32::from(self.is_through[w as usize]);
                self.frames.push(Frame {
                    v: w,
                    next: self.net.out_start[w as usize],
                    end: self.net.out_start[w as usize + 1],
                    blen: l,
                    closed: false,
                    financing: arc.financing,
                });
            } else {
                self.frames.pop();
                self.path.pop();
                self.on_path[frame.v as usize] = false;
                let Some(parent) = self.frames.last_mut() else {
                    break ControlFlow::Continue(());
                };
                self.path_hops.pop();
                financing_on_path -= u32::from(frame.financing);
                through_on_path -= u32::from(self.is_through[frame.v as usize]);
                if bound.is_some() {
                    parent.blen = parent.blen.min(frame.blen);
                    if frame.blen < l {
                        self.relax_locks(frame.v, frame.blen, l);
                    } else {
                        self.wait_on_successors(frame.v);
                    }
                } else if frame.closed {
                    parent.closed = true;
                    self.unblock(frame.v);
                } else {
                    self.wait_on_successors(frame.v);
                }
            }
        };
        for &v in &self.path {
            self.on_path[v as usize] = false;
        }
        self.path.clear();
        self.path_hops.clear();
        self.frames.clear();
        result
    }

    /// `v` found nothing: put it on the wait list of each successor in the region, to be
    /// released when that successor is.
    fn wait_on_successors(&mut self, v: u32) {
        for a in self.net.out_arcs(v) {
            let w = a.to as usize;
            if self.region[w] == self.stamp && !self.blist[w].contains(&v) {
                self.blist[w].push(v);
            }
        }
    }

    /// Johnson's unblock, iteratively. Vertices on the path stay blocked; they are released
    /// when they are popped (a loop below them marks them closed).
    fn unblock(&mut self, v: u32) {
        self.relax.clear();
        self.relax.push((v, 0));
        while let Some((u, _)) = self.relax.pop() {
            let u = u as usize;
            if self.blocked[u] && !self.on_path[u] {
                self.blocked[u] = false;
                let mut waiting = std::mem::take(&mut self.blist[u]);
                self.relax.extend(waiting.drain(..).map(|w| (w, 0)));
                self.blist[u] = waiting;
            }
        }
    }

    /// Gupta–Suzumura's lock relaxation: `v` is `blen` hops from the start, so it may be
    /// entered again at any depth below `l − blen + 1`; its waiters one hop further out.
    fn relax_locks(&mut self, v: u32, blen: u32, l: u32) {
        self.relax.clear();
        self.relax.push((v, blen));
        while let Some((u, bl)) = self.relax.pop() {
            if bl > l {
                continue;
            }
            let allowed = l - bl + 1;
            if self.lock[u as usize] < allowed {
                self.lock[u as usize] = allowed;
                for i in 0..self.blist[u as usize].len() {
                    let w = self.blist[u as usize][i];
                    if !self.on_path[w as usize] {
                        self.relax.push((w, bl + 1));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fmt::Write as _;
    use std::sync::Arc as Shared;

    use proptest::prelude::*;

    use super::*;
    use crate::graph::Filter;
    use crate::load::{LoadOptions, load_str};
    use crate::model::{Amount, Deal, DealKind, Entity, Report, Status};

    /// Entity ids whose string order differs from their creation order.
    const NAMES: [&str; 8] = [
        "kilo", "alpha", "mike", "bravo", "zulu", "echo", "delta", "hotel",
    ];
    const KINDS: [&str; 5] = ["investment", "cloud", "chips", "loan", "revenue"];
    const QUALIFIERS: [&str; 4] = ["", "up-to", "at-least", "about"];

    /// One generated deal: from, to, kind, month (none = undated), amount and qualifier.
    type GenDeal = (usize, usize, usize, Option<u32>, Option<(u32, usize)>);

    fn csv_of(deals: &[GenDeal]) -> String {
        let mut csv =
            String::from("id,from,to,kind,amount_usd,amount_qualifier,date,status,source\n");
        for (i, &(from, to, kind, month, amount)) in deals.iter().enumerate() {
            let (value, qualifier) = amount.map_or((String::new(), ""), |(v, q)| {
                (format!("{v}000000000"), QUALIFIERS[q])
            });
            let date = month.map_or(String::new(), |m| format!("2025-{m:02}"));
            writeln!(
                csv,
                "d{i},{},{},{},{value},{qualifier},{date},announced,s.txt",
                NAMES[from], NAMES[to], KINDS[kind]
            )
            .unwrap();
        }
        csv
    }

    fn dot_of(deals: &[GenDeal]) -> String {
        let mut dot = String::from("digraph {\n");
        for &(from, to, kind, month, amount) in deals {
            writeln!(
                dot,
                "  {} -> {} [label=\"{} {:?} {:?}\"];",
                NAMES[from], NAMES[to], KINDS[kind], month, amount
            )
            .unwrap();
        }
        dot.push('}');
        dot
    }

    fn load(csv: &str) -> Dataset {
        let options = LoadOptions {
            auto_entities: true,
            ..LoadOptions::default()
        };
        load_str("gen.csv", csv, options).unwrap().dataset
    }

    /// Every elementary cycle by exhaustive search over simple paths from each start, kept
    /// only when its start has the smallest id: no blocking, no pruning, no cleverness.
    fn all_simple_cycles(
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
    ) -> Vec<(Vec<EntityId>, Vec<HopId>)> {
        let data = graph.dataset();
        let id = |e: EntityId| data.entity(e).id.as_str();
        let mut out = Vec::new();
        let n = hops.entity_count();
        for s in 0..n as u32 {
            let s = EntityId(s);
            let mut path = vec![s];
            let mut path_hops = Vec::new();
            extend(hops, &id, s, &mut path, &mut path_hops, &mut out);
        }
        out
    }

    fn extend<'a>(
        hops: &HopGraph,
        id: &impl Fn(EntityId) -> &'a str,
        s: EntityId,
        path: &mut Vec<EntityId>,
        path_hops: &mut Vec<HopId>,
        out: &mut Vec<(Vec<EntityId>, Vec<HopId>)>,
    ) {
        let last = *path.last().unwrap();
        for &(w, h) in hops.successors(last) {
            if w == s {
                let mut hs = path_hops.clone();
                hs.push(h);
                out.push((path.clone(), hs));
            } else if id(w) > id(s) && !path.contains(&w) {
                path.push(w);
                path_hops.push(h);
                extend(hops, id, s, path, path_hops, out);
                path.pop();
                path_hops.pop();
            }
        }
    }

    /// Time order straight from the definition: some rotation and some choice of one deal per
    /// hop, starting at a financing deal when the loop has one, whose dated deals never go
    /// back in time (undated deals: unusable under `Break`, ignored under `Ok`).
    fn brute_time_ordered(
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        loop_hops: &[HopId],
        undated: Undated,
    ) -> bool {
        let deals: Vec<Vec<(bool, Option<PartialDate>)>> = loop_hops
            .iter()
            .map(|&h| {
                hops.hop(h)
                    .deals
                    .iter()
                    .map(|&d| {
                        let v = graph.deal_view(d).unwrap();
                        (v.deal.kind().is_financing(), v.report().date)
                    })
                    .collect()
            })
            .collect();
        let financing_loop = deals.iter().flatten().any(|d| d.0);
        let k = deals.len();
        for j in 0..k {
            let mut choice = vec![0usize; k];
            'choices: loop {
                let seq: Vec<(bool, Option<PartialDate>)> = (0..k)
                    .map(|i| deals[(j + i) % k][choice[(j + i) % k]])
                    .collect();
                let start_ok = !financing_loop || seq[0].0;
                let dates_ok = seq.iter().all(|d| d.1.is_some() || undated == Undated::Ok);
                let dated: Vec<PartialDate> = seq.iter().filter_map(|d| d.1).collect();
                if start_ok && dates_ok && dated.windows(2).all(|w| w[0] <= w[1]) {
                    return true;
                }
                for i in 0..k {
                    choice[i] += 1;
                    if choice[i] < deals[i].len() {
                        continue 'choices;
                    }
                    choice[i] = 0;
                }
                break;
            }
        }
        false
    }

    fn brute(
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        all: &[(Vec<EntityId>, Vec<HopId>)],
        opts: &CycleOptions,
    ) -> BTreeSet<Vec<EntityId>> {
        all.iter()
            .filter(|(entities, loop_hops)| {
                let k = entities.len();
                let financing = loop_hops.iter().any(|&h| {
                    hops.hop(h)
                        .deals
                        .iter()
                        .any(|&d| graph.dataset().deal(d).kind().is_financing())
                });
                k >= opts.min_len
                    && opts.max_len.is_none_or(|l| k <= l)
                    && opts.through.iter().all(|t| entities.contains(t))
                    && (!opts.financing_only || financing)
                    && (!opts.time_ordered
                        || brute_time_ordered(graph, hops, loop_hops, opts.undated))
            })
            .map(|(e, _)| e.clone())
            .collect()
    }

    /// Runs the search and checks the shape of every loop it reports.
    fn search(graph: &MoneyGraph<'_>, hops: &HopGraph, opts: &CycleOptions) -> Vec<Vec<EntityId>> {
        let data = graph.dataset();
        let mut found = Vec::new();
        let end = cycles(graph, hops, opts, |entities, loop_hops| {
            assert_eq!(entities.len(), loop_hops.len());
            for (i, &h) in loop_hops.iter().enumerate() {
                let hop = hops.hop(h);
                assert_eq!(hop.from, entities[i]);
                assert_eq!(hop.to, entities[(i + 1) % entities.len()]);
            }
            let first = &data.entity(entities[0]).id;
            assert!(entities[1..].iter().all(|&e| &data.entity(e).id > first));
            found.push(entities.to_vec());
            ControlFlow::Continue(())
        });
        assert_eq!(end, SearchEnd::Complete);
        found
    }

    fn option_sets(through: &[EntityId]) -> Vec<CycleOptions> {
        let mut sets = Vec::new();
        let throughs: Vec<Vec<EntityId>> = vec![
            Vec::new(),
            through.iter().take(1).copied().collect(),
            through.to_vec(),
        ];
        for max_len in [None, Some(2), Some(3), Some(4), Some(5)] {
            for min_len in [2, 3] {
                for through in &throughs {
                    for financing_only in [true, false] {
                        for (time_ordered, undated) in [
                            (false, Undated::Break),
                            (true, Undated::Break),
                            (true, Undated::Ok),
                        ] {
                            sets.push(CycleOptions {
                                max_len,
                                min_len,
                                through: through.clone(),
                                financing_only,
                                time_ordered,
                                undated,
                                deadline: None,
                            });
                        }
                    }
                }
            }
        }
        sets
    }

    fn gen_deal(n: usize) -> impl Strategy<Value = GenDeal> {
        (
            0..n,
            1..n,
            0..KINDS.len(),
            prop::option::weighted(0.8, 1u32..=4),
            prop::option::weighted(0.8, (1u32..=6, 0..QUALIFIERS.len())),
        )
            .prop_map(move |(from, offset, kind, month, amount)| {
                (from, (from + offset) % n, kind, month, amount)
            })
    }

    fn gen_graph() -> impl Strategy<Value = (Vec<GenDeal>, Vec<usize>)> {
        (2usize..=8).prop_flat_map(|n| {
            (
                prop::collection::vec(gen_deal(n), 1..=3 * n),
                prop::collection::vec(0..n, 2),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// The search finds exactly the loops of the brute-force reference, for every option
        /// combination that changes the result.
        #[test]
        fn matches_brute_force((deals, through) in gen_graph()) {
            let csv = csv_of(&deals);
            let data = load(&csv);
            let graph = MoneyGraph::build(&data, Filter::today());
            let hops = graph.hops();
            let all = all_simple_cycles(&graph, hops);
            let through: Vec<EntityId> = through
                .iter()
                .filter_map(|&i| data.by_id(NAMES[i]))
                .collect();
            for opts in option_sets(&through) {
                let found = search(&graph, hops, &opts);
                let set: BTreeSet<Vec<EntityId>> = found.iter().cloned().collect();
                prop_assert_eq!(set.len(), found.len(), "a loop was reported twice");
                let expected = brute(&graph, hops, &all, &opts);
                prop_assert_eq!(
                    &set, &expected,
                    "options {:?}\ngraph:\n{}", opts, dot_of(&deals)
                );
                let (count, _) = count_cycles(&graph, &opts);
                prop_assert_eq!(count as usize, expected.len());
            }
        }

        /// The greedy time-order check agrees with trying every start and every deal choice.
        #[test]
        fn time_order_matches_definition((deals, _) in gen_graph()) {
            let data = load(&csv_of(&deals));
            let graph = MoneyGraph::build(&data, Filter::today());
            let hops = graph.hops();
            for (_, loop_hops) in all_simple_cycles(&graph, hops) {
                for undated in [Undated::Break, Undated::Ok] {
                    prop_assert_eq!(
                        is_time_ordered(&graph, hops, &loop_hops, undated),
                        brute_time_ordered(&graph, hops, &loop_hops, undated),
                        "{}", dot_of(&deals)
                    );
                }
            }
        }
    }

    fn graph_of(csv: &str) -> Dataset {
        load(csv)
    }

    fn names(graph: &MoneyGraph<'_>, hops: &HopGraph, opts: &CycleOptions) -> Vec<String> {
        search(graph, hops, opts)
            .into_iter()
            .map(|c| {
                c.iter()
                    .map(|&e| graph.entity(e).id.as_str())
                    .collect::<Vec<_>>()
                    .join(">")
            })
            .collect()
    }

    #[test]
    fn loops_start_at_the_smallest_id_string_not_the_first_loaded() {
        let data = graph_of(
            "from,to,kind,source\nzed,mid,investment,s\nmid,abe,cloud,s\nabe,zed,cloud,s\n",
        );
        let graph = MoneyGraph::build(&data, Filter::today());
        assert_eq!(
            names(&graph, graph.hops(), &CycleOptions::default()),
            ["abe>zed>mid"]
        );
    }

    #[test]
    fn parallel_deals_form_one_hop_and_one_loop() {
        let data = graph_of(
            "from,to,kind,amount_usd,source\na,b,investment,5,s\na,b,loan,7,s\nb,a,cloud,3,s\nb,a,chips,4,s\n",
        );
        let graph = MoneyGraph::build(&data, Filter::today());
        let hops = graph.hops();
        let list = collect_cycles(
            &graph,
            hops,
            &CycleOptions::default(),
            None,
            SortKey::Amount,
        );
        assert_eq!(list.cycles.len(), 1);
        let c = &list.cycles[0];
        assert_eq!(c.round_trip.amount, Money::from_dollars(4));
        assert_eq!(c.round_trip.bound, Some(Bound::Exact));
        // 4 back of the largest financing deal, the $7 loan.
        assert_eq!(c.ratio.unwrap().value, 4.0 / 7.0);
    }

    #[test]
    fn bounds_follow_the_qualifiers_that_decide_the_figure() {
        let bound = |out: &str, back: &str| {
            let csv = format!(
                "from,to,kind,amount_usd,amount_qualifier,source\na,b,investment,{out},s\nb,a,cloud,{back},s\n"
            );
            let data = graph_of(&csv);
            let graph = MoneyGraph::build(&data, Filter::today());
            let hops = graph.hops();
            let list = collect_cycles(
                &graph,
                hops,
                &CycleOptions::default(),
                None,
                SortKey::Amount,
            );
            let trip = &list.cycles[0].round_trip;
            (trip.amount.map(|m| m.to_string()), trip.bound)
        };
        let some = |s: &str, b| (Some(s.to_string()), Some(b));
        assert_eq!(bound("50,up-to", "38,"), some("$38", Bound::Upper));
        assert_eq!(bound("50,", "38,up-to"), some("$38", Bound::Upper));
        assert_eq!(bound("8,at-least", "38,"), some("$8", Bound::Lower));
        // At least $40 out and exactly $38 back: exactly $38 comes round.
        assert_eq!(bound("40,at-least", "38,"), some("$38", Bound::Exact));
        assert_eq!(bound("50,up-to", "38,at-least"), some("$38", Bound::Approx));
        assert_eq!(bound("50,", "38,about"), some("$38", Bound::Approx));
        assert_eq!(bound("50,about", "38,"), some("$38", Bound::Exact));
        assert_eq!(bound("50,", ","), (None, None));
    }

    #[test]
    fn limit_stops_the_search_and_reports_truncation() {
        let mut csv = String::from("from,to,kind,source\n");
        for a in 0..6 {
            for b in 0..6 {
                if a != b {
                    writeln!(csv, "n{a},n{b},investment,s").unwrap();
                }
            }
        }
        let data = graph_of(&csv);
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

    /// Regression: a branch pruned by the financing requirement must not leave the entities
    /// before it locked. From a, the path a → b → c dead-ends (c only leads back to b; b ⇄ c is
    /// a loop of its own, found from b), and
    /// a → b → w → a has no financing, so it is pruned at w: b found nothing that matches. b
    /// must still be enterable after the investment a → c, or a → c → b → w → a is lost.
    #[test]
    fn pruned_branch_does_not_lock_out_a_financed_path() {
        let data = graph_of(
            "from,to,kind,source\na,b,cloud,s\nb,c,investment,s\nb,w,cloud,s\nw,a,cloud,s\n\
             a,c,investment,s\nc,b,cloud,s\na,e,cloud,s\ne,a,cloud,s\na,f,cloud,s\nf,a,cloud,s\n",
        );
        let graph = MoneyGraph::build(&data, Filter::today());
        let opts = CycleOptions {
            max_len: Some(5),
            ..CycleOptions::default()
        };
        assert_eq!(names(&graph, graph.hops(), &opts), ["a>c>b>w", "b>c"]);
    }

    #[test]
    fn deadline_in_the_past_times_out() {
        let data = graph_of("from,to,kind,source\na,b,investment,s\nb,a,cloud,s\n");
        let graph = MoneyGraph::build(&data, Filter::today());
        let opts = CycleOptions {
            deadline: Some(Instant::now()),
            ..CycleOptions::default()
        };
        assert_eq!(count_cycles(&graph, &opts).1, SearchEnd::TimedOut);
    }

    /// A ring of `n` entities (one investment, the rest cloud deals), built directly.
    fn ring(n: usize, close: bool) -> Dataset {
        let mut data = Dataset::new();
        for i in 0..n {
            data.add_entity(Entity::placeholder(&format!("e{i:06}")))
                .unwrap();
        }
        let report = Report {
            source: Shared::from("s.txt"),
            publisher: None,
            date: None,
            status: Status::Announced,
            amount: Amount::UNDISCLOSED,
            notes: None,
        };
        let edges = if close { n } else { n - 1 };
        for i in 0..edges {
            let kind = if i == 0 {
                DealKind::Investment
            } else {
                DealKind::Cloud
            };
            let (from, to) = (EntityId(i as u32), EntityId(((i + 1) % n) as u32));
            data.add_deal(Deal::new(
                format!("d{i}"),
                kind,
                from,
                to,
                vec![report.clone()],
            ));
        }
        data
    }

    #[test]
    fn long_chains_and_rings_do_not_overflow_the_stack() {
        let n = 100_000;
        let chain = ring(n, false);
        let graph = MoneyGraph::build(&chain, Filter::today());
        let unbounded = CycleOptions {
            max_len: None,
            ..CycleOptions::default()
        };
        assert_eq!(count_cycles(&graph, &unbounded).0, 0);

        let closed = ring(n, true);
        let graph = MoneyGraph::build(&closed, Filter::today());
        let hops = graph.hops();
        assert_eq!(count_cycles(&graph, &unbounded).0, 1);
        assert_eq!(count_cycles(&graph, &CycleOptions::default()).0, 0);
        let mut length = 0;
        cycles(&graph, hops, &unbounded, |e, _| {
            length = e.len();
            ControlFlow::Continue(())
        });
        assert_eq!(length, n);
    }

    #[test]
    fn through_an_entity_missing_from_the_graph_finds_nothing() {
        let data = graph_of("from,to,kind,source\na,b,investment,s\nb,a,cloud,s\nc,a,cloud,s\n");
        let mut filter = Filter::today();
        let c = data.by_id("c").unwrap();
        filter.without.push(c);
        let graph = MoneyGraph::build(&data, filter);
        let opts = CycleOptions {
            through: vec![c],
            ..CycleOptions::default()
        };
        assert_eq!(count_cycles(&graph, &opts), (0, SearchEnd::Complete));
    }

    #[test]
    fn sorting_is_total_and_puts_unknown_amounts_last() {
        let data = graph_of(
            "from,to,kind,amount_usd,source\n\
             a,b,investment,5,s\nb,a,cloud,,s\n\
             c,d,investment,2,s\nd,c,cloud,2,s\n\
             e,f,investment,9,s\nf,e,cloud,1,s\nf,g,cloud,3,s\ng,e,cloud,3,s\n",
        );
        let graph = MoneyGraph::build(&data, Filter::today());
        let hops = graph.hops();
        let ids = |key| {
            collect_cycles(&graph, hops, &CycleOptions::default(), None, key)
                .cycles
                .iter()
                .map(|c| {
                    c.entities
                        .iter()
                        .map(|&e| graph.entity(e).id.as_str())
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(SortKey::Amount), ["efg", "cd", "ef", "ab"]);
        assert_eq!(ids(SortKey::Ratio), ["cd", "efg", "ef", "ab"]);
        assert_eq!(ids(SortKey::Length), ["cd", "ef", "ab", "efg"]);
        assert_eq!(ids(SortKey::Name), ["ab", "cd", "ef", "efg"]);
    }
}
