//! Money paths: every way money can travel from one entity to another along hops, shortest
//! first. "How does Nvidia's money reach Amazon?"
//!
//! Definitions (also in docs/queries.md):
//! - A **money path** from `A` to `B` is a sequence of hops `A → X₁ → … → B` that visits no
//!   entity twice (a simple path); its **length** is its number of hops.
//! - Paths are listed by length, then by the entity id strings along them, so the first `k`
//!   paths returned are the `k` shortest in that order.
//!
//! Two searches give the same list: [`bounded_paths`] (what `dealgraph path` runs) reads only
//! the deals near the two ends; [`money_paths`] walks a built [`HopGraph`].

mod adjacency;
mod bounded;

use std::time::Instant;

use crate::graph::{DealView, Edge, HopGraph, HopId, MoneyGraph};
use crate::model::{Dataset, EntityId};

pub use adjacency::DealEnds;
pub use bounded::bounded_paths;

/// One money path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoneyPath {
    /// From the source to the target, no entity twice.
    pub entities: Vec<EntityId>,
    /// `hops[i]`: the admitted deals from `entities[i]` to `entities[i + 1]` with their
    /// standing reports, sorted by deal id string (then by position in the data).
    pub hops: Vec<Vec<Edge>>,
}

impl MoneyPath {
    /// Number of hops.
    pub fn len(&self) -> usize {
        self.hops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hops.is_empty()
    }

    /// The deals of hop `i` (from `entities[i]` to `entities[i + 1]`) as they stand, sorted
    /// by deal id string.
    pub fn hop_deals<'d>(&self, graph: &MoneyGraph<'d>, i: usize) -> Vec<DealView<'d>> {
        let data = graph.dataset();
        self.hops[i]
            .iter()
            .map(|e| DealView {
                id: e.deal,
                deal: data.deal(e.deal),
                standing: e.report,
            })
            .collect()
    }
}

/// `edges` sorted by deal id string, then by position in the data.
fn sorted_by_id(data: &Dataset, mut edges: Vec<Edge>) -> Vec<Edge> {
    edges.sort_by(|a, b| {
        let id = |e: &Edge| data.deal(e.deal).id();
        id(a).cmp(&id(b)).then(a.deal.cmp(&b.deal))
    });
    edges
}

/// Which paths to find.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathOptions {
    /// Longest path, in hops. Default 4.
    pub max_len: usize,
    /// Most paths to return. Default 100.
    pub limit: usize,
    /// Give up at this instant and return what was found.
    pub deadline: Option<Instant>,
}

impl Default for PathOptions {
    fn default() -> Self {
        PathOptions {
            max_len: 4,
            limit: 100,
            deadline: None,
        }
    }
}

/// How a path search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathEnd {
    /// Every path within `max_len` was found.
    Complete,
    /// `limit` paths were found and at least one more exists.
    Limited,
    /// The deadline passed first.
    TimedOut,
}

/// The result of [`money_paths`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathList {
    /// Shortest first, then by the entity id strings along the path.
    pub paths: Vec<MoneyPath>,
    pub end: PathEnd,
}

/// The money paths from `from` to `to`, shortest first, on a built hop index (the reference
/// for [`bounded_paths`], which `dealgraph path` runs).
///
/// Runs one depth-first search per length `1..=max_len` (iterative deepening, explicit stacks),
/// pruned by each entity's hop distance to `to` (a reverse breadth-first search), so branches
/// that cannot reach `to` within the remaining hops are never entered. Successors are visited
/// in entity id string order, which makes the order within a length lexicographic by id.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph (for entity ids).
/// * `hops`: `graph.hops()`; the returned hop ids index it.
/// * `from`, `to`: the two ends; when they are the same entity there is no path (a path
///   back to the start is a loop: see [`cycles`](crate::query::cycles)).
/// * `options`: length bound, result limit and deadline.
///
/// # Returns
/// [`PathList`]: at most `limit` paths, and whether the search was complete, hit the limit,
/// or timed out.
///
/// # Complexity
/// `O(n + e)` for the distance search over `n` entities and `e` hops. The depth-first searches
/// only enter entities that can still reach `to` in time, so each step extends a prefix of an
/// eventual path: `O(L · (p + 1) · b)` for `L = max_len`, `p ≤ limit` paths found and branching
/// factor `b`, in the worst case exponential in `L` (the number of simple paths is). Memory
/// `O(n + e + p · L)`.
///
/// # Example
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::paths::{money_paths, PathOptions};
///
/// //   chipco ──investment──▶ lab ──cloud──▶ cloud
/// //      └─────────chips (chipco buys)───────▲
/// let csv = "from,to,kind,source\nchipco,lab,investment,a\nlab,cloud,cloud,a\nchipco,cloud,chips,a\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let graph = MoneyGraph::build(data, Filter::today());
/// let hops = graph.hops();
/// let (a, b) = (data.resolve("chipco").unwrap(), data.resolve("cloud").unwrap());
/// let found = money_paths(&graph, &hops, a, b, &PathOptions::default());
/// let names: Vec<Vec<&str>> = found.paths.iter()
///     .map(|p| p.entities.iter().map(|&e| data.entity(e).id.as_str()).collect())
///     .collect();
/// assert_eq!(names, [vec!["chipco", "cloud"], vec!["chipco", "lab", "cloud"]]);
/// ```
// About 100 lines: one iterative-deepening search whose explicit stack, visited set, distance
// bound and deadline checks share state; split, each part would take all of it as arguments.
pub fn money_paths(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    from: EntityId,
    to: EntityId,
    options: &PathOptions,
) -> PathList {
    let data = graph.dataset();
    let n = hops.entity_count();
    let mut paths = Vec::new();
    let done = |paths: Vec<MoneyPath>, end| PathList { paths, end };
    if from == to || from.index() >= n || to.index() >= n || options.limit == 0 {
        let end = if options.limit == 0 && from != to {
            PathEnd::Limited
        } else {
            PathEnd::Complete
        };
        return done(paths, end);
    }
    let max_len = options.max_len;
    let dist_to = distances_to(hops, to, max_len);
    // Successors in id-string order, only those that can still reach `to` in time (an entity
    // after `from` is at most `max_len - 1` hops from `to`): a hub's other successors are
    // never sorted.
    let ordered = |v: EntityId| -> Vec<(EntityId, HopId)> {
        let mut s: Vec<(EntityId, HopId)> = hops
            .successors(v)
            .iter()
            .copied()
            .filter(|&(w, _)| dist_to[w.index()] < max_len)
            .collect();
        s.sort_unstable_by(|a, b| data.entity(a.0).id.cmp(&data.entity(b.0).id));
        s
    };
    let mut succ_cache: Vec<Option<Vec<(EntityId, HopId)>>> = vec![None; n];
    let mut on_path = vec![false; n];
    let mut steps: u64 = 0;
    if dist_to[from.index()] > max_len {
        return done(paths, PathEnd::Complete);
    }
    for len in dist_to[from.index()]..=max_len {
        // DFS for paths of exactly `len` hops.
        let mut entities = vec![from];
        let mut path_hops: Vec<HopId> = Vec::new();
        let mut next = vec![0usize];
        on_path[from.index()] = true;
        while let Some(&v) = entities.last() {
            steps += 1;
            if steps.is_multiple_of(1024) && options.deadline.is_some_and(|d| Instant::now() >= d) {
                return done(paths, PathEnd::TimedOut);
            }
            let i = *next.last().expect("stack in step");
            let step = if v == to {
                None
            } else if entities.len() == len {
                // One hop left: only the hop to `to` can end the path, so the widest level of
                // the search never builds or sorts a successor list.
                hops.find(v, to).filter(|_| i == 0).map(|hop| (to, hop))
            } else {
                let succ = succ_cache[v.index()].get_or_insert_with(|| ordered(v));
                succ.get(i).copied()
            };
            let Some((w, hop)) = step else {
                entities.pop();
                next.pop();
                path_hops.pop();
                on_path[v.index()] = false;
                continue;
            };
            *next.last_mut().expect("stack in step") += 1;
            let used = entities.len(); // hops after stepping to w
            if on_path[w.index()] || dist_to[w.index()] == usize::MAX {
                continue;
            }
            if used + dist_to[w.index()] > len {
                continue;
            }
            if w == to {
                if used == len {
                    if paths.len() == options.limit {
                        return done(paths, PathEnd::Limited);
                    }
                    let mut found = entities.clone();
                    found.push(w);
                    let mut found_hops = path_hops.clone();
                    found_hops.push(hop);
                    let deals = found_hops
                        .iter()
                        .map(|&h| hop_edges(graph, hops.hop(h).deals))
                        .collect();
                    paths.push(MoneyPath {
                        entities: found,
                        hops: deals,
                    });
                }
                continue;
            }
            entities.push(w);
            path_hops.push(hop);
            next.push(0);
            on_path[w.index()] = true;
        }
    }
    done(paths, PathEnd::Complete)
}

/// A hop's admitted deals as they stand, sorted as [`MoneyPath::hops`] says.
fn hop_edges(graph: &MoneyGraph<'_>, deals: &[crate::model::DealId]) -> Vec<Edge> {
    let edges = deals
        .iter()
        .filter_map(|&d| graph.deal_view(d))
        .map(|v| Edge {
            deal: v.id,
            report: v.standing,
        })
        .collect();
    sorted_by_id(graph.dataset(), edges)
}

/// Hop distance from every entity to `to`, `usize::MAX` beyond `max_len` hops or unreachable:
/// a breadth-first search on the reversed hops, stopped at depth `max_len`. The reversed hops
/// are two flat arrays (counts, then a fill): `O(n + e)` time, `4·(n + e)` bytes, no
/// allocation per entity.
fn distances_to(hops: &HopGraph, to: EntityId, max_len: usize) -> Vec<usize> {
    let n = hops.entity_count();
    let mut starts = vec![0u32; n + 1];
    for hop in hops.hops() {
        starts[hop.to.index() + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut from = vec![EntityId(0); hops.hop_count()];
    for hop in hops.hops() {
        let at = &mut fill[hop.to.index()];
        from[*at as usize] = hop.from;
        *at += 1;
    }
    let mut dist = vec![usize::MAX; n];
    dist[to.index()] = 0;
    let mut frontier = vec![to];
    for depth in 1..=max_len {
        let mut next = Vec::new();
        for v in frontier {
            let range = starts[v.index()] as usize..starts[v.index() + 1] as usize;
            for &u in &from[range] {
                if dist[u.index()] == usize::MAX {
                    dist[u.index()] = depth;
                    next.push(u);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    dist
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::graph::Filter;
    use crate::model::Dataset;
    use crate::query::testgen::{build, dataset_parts, dot};

    fn filter() -> Filter {
        Filter::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"))
    }

    /// Every simple path from `from` to `to` of at most `max_len` hops, by brute force, sorted
    /// shortest first and then by the entity id strings along it.
    fn brute(
        data: &Dataset,
        hops: &HopGraph,
        from: EntityId,
        to: EntityId,
        max_len: usize,
    ) -> Vec<Vec<String>> {
        fn walk(
            v: EntityId,
            to: EntityId,
            left: usize,
            path: &mut Vec<EntityId>,
            hops: &HopGraph,
            out: &mut Vec<Vec<EntityId>>,
        ) {
            if v == to {
                out.push(path.clone());
                return;
            }
            if left == 0 {
                return;
            }
            for &(w, _) in hops.successors(v) {
                if !path.contains(&w) {
                    path.push(w);
                    walk(w, to, left - 1, path, hops, out);
                    path.pop();
                }
            }
        }
        let mut out = Vec::new();
        if from != to {
            walk(from, to, max_len, &mut vec![from], hops, &mut out);
        }
        let mut named: Vec<Vec<String>> = out
            .into_iter()
            .map(|p| p.iter().map(|&e| data.entity(e).id.to_string()).collect())
            .collect();
        named.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        named
    }

    #[test]
    fn no_path_to_itself_and_limit_zero_is_limited() {
        let data = build(2, &[]);
        let graph = MoneyGraph::build(&data, filter());
        let hops = graph.hops();
        let a = EntityId(0);
        assert_eq!(
            money_paths(&graph, hops, a, a, &PathOptions::default()).paths,
            []
        );
        let none = PathOptions {
            limit: 0,
            ..PathOptions::default()
        };
        assert_eq!(
            money_paths(&graph, hops, a, EntityId(1), &none).end,
            PathEnd::Limited
        );
    }

    #[test]
    fn a_passed_deadline_times_out() {
        // A complete graph on 7 entities has thousands of simple paths.
        let mut deals = Vec::new();
        for from in 0..7 {
            for to in 0..7 {
                if from != to {
                    deals.push(crate::query::testgen::GenDeal {
                        from,
                        to,
                        kind: crate::model::DealKind::Cloud,
                        amount: crate::model::Amount::UNDISCLOSED,
                        stake_pct: None,
                    });
                }
            }
        }
        let data = build(7, &deals);
        let graph = MoneyGraph::build(&data, filter());
        let hops = graph.hops();
        let past = PathOptions {
            max_len: 6,
            limit: usize::MAX,
            deadline: Some(Instant::now()),
        };
        let found = money_paths(&graph, hops, EntityId(0), EntityId(1), &past);
        assert_eq!(found.end, PathEnd::TimedOut);
        let all = PathOptions {
            max_len: 6,
            limit: usize::MAX,
            deadline: None,
        };
        // 1 + 5 + 5·4 + 5·4·3 + 5·4·3·2 + 5! = 326 simple paths.
        assert_eq!(
            money_paths(&graph, hops, EntityId(0), EntityId(1), &all)
                .paths
                .len(),
            326
        );
    }

    /// A filter from a few random choices: as-of date, kinds left out, a minimum amount, an
    /// entity taken out.
    fn random_filter(choice: u32, entities: usize) -> Filter {
        let year = 2015 + (choice % 13) as i32;
        let mut f = Filter::new(chrono::NaiveDate::from_ymd_opt(year, 6, 30).expect("date"));
        if choice & 16 != 0 {
            f.kinds.retain(|&k| k != crate::model::DealKind::Cloud);
        }
        if choice & 32 != 0 {
            f.min_amount = Some(crate::model::Money::from_dollars(20).expect("small"));
        }
        if choice & 64 != 0 && entities > 2 {
            f.without = vec![EntityId((choice as usize / 128 % entities) as u32)];
        }
        if choice & 1024 != 0 {
            f.statuses.retain(|&s| s != crate::model::Status::Rumored);
        }
        f
    }

    #[test]
    fn bounded_search_gives_the_hop_index_search_on_generated_data() {
        // Both searches, every filter kind, lengths 1 to 5, limits small and large.
        let data = crate::generate::loaded_deals(300, 6_000, 7);
        let mut compared = 0;
        for choice in [
            0u32,
            16,
            32 | 5,
            64 | (128 * 7),
            1024 | 11,
            16 | 32 | 64 | 1024 | 3,
        ] {
            let graph = MoneyGraph::build(&data, random_filter(choice, 300));
            let hops = graph.hops();
            for (a, b) in [(1, 0), (0, 1), (2, 5), (17, 3), (250, 0), (3, 299), (7, 7)] {
                let (from, to) = (EntityId(a), EntityId(b));
                for max_len in 1..=5 {
                    for limit in [1, 7, 100, 5_000] {
                        let options = PathOptions {
                            max_len,
                            limit,
                            deadline: None,
                        };
                        let want = money_paths(&graph, hops, from, to, &options);
                        let got = bounded_paths(&graph, from, to, &options);
                        assert_eq!(
                            got, want,
                            "e{a} → e{b} ≤ {max_len}, limit {limit}, {choice}"
                        );
                        compared += got.paths.len();
                    }
                }
            }
        }
        assert!(compared > 10_000, "only {compared} paths compared");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn paths_match_brute_force_shortest_first(
            (n, deals) in dataset_parts(16), a in 0usize..7, b in 0usize..7,
            max_len in 1usize..6, limit in 1usize..12, choice in 0u32..2048,
        ) {
            let data = build(n, &deals);
            let mut filter = filter();
            filter.kinds = random_filter(choice, n).kinds;
            filter.min_amount = random_filter(choice, n).min_amount;
            filter.without = random_filter(choice, n).without;
            let graph = MoneyGraph::build(&data, filter);
            let hops = graph.hops();
            let (from, to) = (EntityId((a % n) as u32), EntityId((b % n) as u32));
            let options = PathOptions { max_len, limit, deadline: None };
            let found = money_paths(&graph, hops, from, to, &options);
            let bounded = bounded_paths(&graph, from, to, &options);
            prop_assert_eq!(&bounded, &found);
            let want = brute(&data, hops, from, to, max_len);
            let got: Vec<Vec<String>> = found.paths.iter()
                .map(|p| p.entities.iter().map(|&e| data.entity(e).id.to_string()).collect())
                .collect();
            let shown = &want[..want.len().min(limit)];
            prop_assert_eq!(&got[..], shown, "{} → {}\n{}", data.entity(from).id, data.entity(to).id, dot(&data));
            let end = if want.len() > limit { PathEnd::Limited } else { PathEnd::Complete };
            prop_assert_eq!(found.end, end);
            // Each hop lists every admitted deal between its two entities, by deal id string.
            for p in &found.paths {
                prop_assert_eq!(p.hops.len() + 1, p.entities.len());
                for (i, edges) in p.hops.iter().enumerate() {
                    let mut admitted: Vec<(String, crate::model::DealId)> = graph.deals()
                        .filter(|v| (v.deal.from(), v.deal.to()) == (p.entities[i], p.entities[i + 1]))
                        .map(|v| (v.deal.id().to_string(), v.id))
                        .collect();
                    admitted.sort();
                    let listed: Vec<(String, crate::model::DealId)> = edges.iter()
                        .map(|e| (data.deal(e.deal).id().to_string(), e.deal))
                        .collect();
                    prop_assert!(!listed.is_empty());
                    prop_assert_eq!(listed, admitted);
                }
            }
        }
    }
}
