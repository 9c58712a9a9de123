//! The money paths between two entities by a search that stays near them: the filters are
//! applied to the deals it looks at, one entity's deals at a time, and the distances to the
//! target grow one level per path length, so a short answer never reads the far side of the
//! data (no admitted-deal list, no global hop index).

use std::sync::OnceLock;
use std::time::Instant;

use hashbrown::HashMap;

use super::{DealEnds, MoneyPath, PathEnd, PathList, PathOptions};
use crate::graph::{Edge, MoneyGraph};
use crate::model::{Dataset, DealId, EntityId};

/// From how many deals the scan for the two ends runs on two threads.
const PARALLEL_SCAN_FROM: usize = 1 << 20;

/// One entity's admitted deals out, grouped by payee: `targets[i]` is `(payee, start, end)`
/// with its deals `edges[start..end]`, payees in id-string order.
#[derive(Debug, Default)]
struct OutHops {
    targets: Vec<(EntityId, u32, u32)>,
    edges: Vec<(EntityId, Edge)>,
}

/// Each entity's deals, unfiltered, and the filter to admit them with.
struct Deals<'g, 'd> {
    graph: &'g MoneyGraph<'d>,
    data: &'d Dataset,
    /// The deals `from` pays and the deals paid to `to`, in deal order, from one scan.
    from: (EntityId, Vec<DealId>),
    to: (EntityId, Vec<DealId>),
    /// Every entity's deals, built only when the search goes past the two ends.
    index: OnceLock<DealEnds>,
}

/// The search's state: lazily admitted deals around the two ends.
struct Near<'g, 'd> {
    deals: Deals<'g, 'd>,
    data: &'d Dataset,
    to: EntityId,
    /// Hops to `to` (`u32::MAX`: more than `depth`, or never).
    dist: Vec<u32>,
    /// Distances are exact up to this depth.
    depth: usize,
    frontier: Vec<EntityId>,
    /// The admitted deals into `to`, by payer (the last hop of every path).
    last: HashMap<EntityId, Vec<Edge>>,
    out: HashMap<EntityId, OutHops>,
}

impl<'g, 'd> Deals<'g, 'd> {
    /// The deals at the two ends for paths `from → to`: one scan of every deal for the deals at the
    /// two ends (on two threads from a million deals).
    fn new(graph: &'g MoneyGraph<'d>, from: EntityId, to: EntityId) -> Self {
        let data = graph.dataset();
        let scan = |first: usize, last: usize| {
            let (mut paid_by, mut paid_to) = (Vec::new(), Vec::new());
            for i in first..last {
                let deal = data.deal(DealId(i as u32));
                if deal.from() == from {
                    paid_by.push(deal.index());
                }
                if deal.to() == to {
                    paid_to.push(deal.index());
                }
            }
            (paid_by, paid_to)
        };
        let all = data.deal_count();
        let mid = if all >= PARALLEL_SCAN_FROM {
            all / 2
        } else {
            all
        };
        let ((mut paid_by, mut paid_to), (more_by, more_to)) =
            crate::parallel::join(mid < all, || scan(0, mid), || scan(mid, all));
        paid_by.extend(more_by);
        paid_to.extend(more_to);
        Deals {
            graph,
            data,
            from: (from, paid_by),
            to: (to, paid_to),
            index: OnceLock::new(),
        }
    }

    /// The deals `e` pays, in deal order.
    fn paid_by(&self, e: EntityId) -> &[DealId] {
        if e == self.from.0 {
            return &self.from.1;
        }
        self.index
            .get_or_init(|| DealEnds::build(self.data))
            .paid_by(e)
    }

    /// The deals paid to `e`, in deal order.
    fn paid_to(&self, e: EntityId) -> &[DealId] {
        if e == self.to.0 {
            return &self.to.1;
        }
        self.index
            .get_or_init(|| DealEnds::build(self.data))
            .paid_to(e)
    }

    fn admit(&self, deal: DealId) -> Option<Edge> {
        self.graph
            .filter()
            .admit(self.data.deal(deal))
            .map(|(report, _)| Edge {
                deal,
                report: report as u32,
            })
    }
}

impl<'g, 'd> Near<'g, 'd> {
    fn new(graph: &'g MoneyGraph<'d>, from: EntityId, to: EntityId) -> Self {
        let data = graph.dataset();
        let mut dist = vec![u32::MAX; data.entities().len()];
        dist[to.index()] = 0;
        Near {
            deals: Deals::new(graph, from, to),
            data,
            to,
            dist,
            depth: 0,
            frontier: vec![to],
            last: HashMap::new(),
            out: HashMap::new(),
        }
    }

    /// Extends the distances to `to` to `depth` hops (a breadth-first search on the reversed
    /// deals, one level a call). False when no entity is left to reach.
    fn reach(&mut self, depth: usize) -> bool {
        while self.depth < depth {
            if self.frontier.is_empty() {
                return false;
            }
            self.depth += 1;
            let level = self.depth as u32;
            let mut next = Vec::new();
            for v in std::mem::take(&mut self.frontier) {
                for &deal in self.deals.paid_to(v) {
                    let u = self.data.deal(deal).from();
                    if self.dist[u.index()] != u32::MAX && self.depth > 1 {
                        continue;
                    }
                    let Some(edge) = self.deals.admit(deal) else {
                        continue;
                    };
                    if self.depth == 1 {
                        self.last.entry(u).or_default().push(edge);
                    }
                    if self.dist[u.index()] == u32::MAX {
                        self.dist[u.index()] = level;
                        next.push(u);
                    }
                }
            }
            self.frontier = next;
        }
        true
    }

    fn dist(&self, e: EntityId) -> usize {
        match self.dist[e.index()] {
            u32::MAX => usize::MAX,
            d => d as usize,
        }
    }

    /// `v`'s admitted deals out, grouped by payee in id-string order (built once).
    fn out_hops(&mut self, v: EntityId) -> &OutHops {
        if !self.out.contains_key(&v) {
            let data = self.data;
            let mut edges: Vec<(EntityId, Edge)> = self
                .deals
                .paid_by(v)
                .iter()
                .filter_map(|&d| self.deals.admit(d).map(|e| (data.deal(d).to(), e)))
                .collect();
            // Stable: each payee's deals stay in deal order.
            edges.sort_by(|a, b| {
                if a.0 == b.0 {
                    std::cmp::Ordering::Equal
                } else {
                    data.entity(a.0).id.cmp(&data.entity(b.0).id)
                }
            });
            let mut targets: Vec<(EntityId, u32, u32)> = Vec::new();
            for (i, &(w, _)) in edges.iter().enumerate() {
                match targets.last_mut() {
                    Some(last) if last.0 == w => last.2 = i as u32 + 1,
                    _ => targets.push((w, i as u32, i as u32 + 1)),
                }
            }
            self.out.insert(v, OutHops { targets, edges });
        }
        &self.out[&v]
    }

    /// The deals of the hop `v → w` (found before: `w` is `to`, or one of `v`'s payees).
    fn hop_edges(&self, v: EntityId, w: EntityId) -> Vec<Edge> {
        if w == self.to
            && let Some(edges) = self.last.get(&v)
        {
            return edges.clone();
        }
        let hops = &self.out[&v];
        let id = |e: EntityId| &self.data.entity(e).id;
        let i = hops
            .targets
            .binary_search_by(|t| id(t.0).cmp(id(w)))
            .expect("a hop the search stepped along");
        let (_, start, end) = hops.targets[i];
        hops.edges[start as usize..end as usize]
            .iter()
            .map(|e| e.1)
            .collect()
    }
}

/// The money paths from `from` to `to`, shortest first (by length, then by the entity id
/// strings along them), found by looking only at deals near the two ends. When `from` and
/// `to` are the same entity there is no path (a path back to the start is a loop: see
/// [`cycles`](crate::query::cycles)).
///
/// One scan of every deal finds the deals at the two ends (on two threads from a million
/// deals); an index of every entity's deals ([`DealEnds`]) is built only if the search goes
/// further. For each length `L = 1..=max_len` in turn, the reverse breadth-first search from `to` is
/// extended to depth `L − 1` (admitting each deal it reads), then a depth-first search from
/// `from` walks payees in id-string order, entering only those that can still reach `to` in
/// the hops left; the last hop is read off the deals into `to`. A payer's deals are admitted,
/// grouped by payee and sorted when the search first stands on it. It stops at `limit` paths
/// (and one more found), so when short paths are many the far side is never read.
///
/// # Arguments
/// * `graph`: the filtered graph (only its filter and data are read: none of its indexes is
///   built).
/// * `from`, `to`: the two ends.
/// * `options`: length bound, result limit and deadline.
///
/// # Returns
/// [`PathList`]: at most `limit` paths, and whether the search was complete, hit the limit,
/// or timed out.
///
/// # Complexity
/// `O(D)` for the scan of `D` deals; `O(n + D)` for the index when it is needed, and
/// `O(Σ deals of the entities within L − 1 hops of to)` for the distances, plus the
/// depth-first searches over the entities that can still reach `to` (in the worst case
/// exponential in `L`, as the number of simple paths is); each entity stood on costs `O(d log d)` for its `d` deals once.
/// Memory `O(n)` bytes for the distances plus what is read.
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
/// let data = load_str("deals.csv", csv, options).unwrap().dataset;
/// let graph = MoneyGraph::build(&data, Filter::today());
/// let (a, b) = (data.resolve("chipco").unwrap(), data.resolve("cloud").unwrap());
/// let found = money_paths(&graph, a, b, &PathOptions::default());
/// let names: Vec<Vec<&str>> = found.paths.iter()
///     .map(|p| p.entities.iter().map(|&e| data.entity(e).id.as_str()).collect())
///     .collect();
/// assert_eq!(names, [vec!["chipco", "cloud"], vec!["chipco", "lab", "cloud"]]);
/// ```
// About 90 lines: one iterative-deepening search whose stack, visited set, distance bound and
// deadline checks share state.
pub fn money_paths(
    graph: &MoneyGraph<'_>,
    from: EntityId,
    to: EntityId,
    options: &PathOptions,
) -> PathList {
    let data = graph.dataset();
    let n = data.entities().len();
    let mut paths = Vec::new();
    let done = |paths: Vec<MoneyPath>, end| PathList { paths, end };
    if from == to
        || from.index() >= n
        || to.index() >= n
        || options.limit == 0
        || !graph.contains(from)
        || !graph.contains(to)
    {
        let end = if options.limit == 0 && from != to {
            PathEnd::Limited
        } else {
            PathEnd::Complete
        };
        return done(paths, end);
    }
    let max_len = options.max_len.min(u32::MAX as usize - 1);
    let mut near = Near::new(graph, from, to);
    let mut on_path = vec![false; n];
    let mut steps: u64 = 0;
    for len in 1..=max_len {
        // Depth 1 at least: the last hop of every path is read off the deals into `to`.
        if !near.reach((len - 1).max(1)) && near.dist(from) == usize::MAX {
            break; // Nothing further reaches `to`.
        }
        let mut entities = vec![from];
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
                // One hop left: only the hop to `to` can end the path.
                near.last.get(&v).filter(|_| i == 0).map(|_| to)
            } else {
                near.out_hops(v).targets.get(i).map(|t| t.0)
            };
            let Some(w) = step else {
                entities.pop();
                next.pop();
                on_path[v.index()] = false;
                continue;
            };
            *next.last_mut().expect("stack in step") += 1;
            let used = entities.len(); // hops after stepping to w
            let d = near.dist(w);
            if on_path[w.index()] || d == usize::MAX || used + d > len {
                continue;
            }
            if w == to {
                if used == len {
                    if paths.len() == options.limit {
                        return done(paths, PathEnd::Limited);
                    }
                    let mut found = entities.clone();
                    found.push(w);
                    paths.push(path_of(&near, found));
                }
                continue;
            }
            entities.push(w);
            next.push(0);
            on_path[w.index()] = true;
        }
    }
    done(paths, PathEnd::Complete)
}

/// The path along `entities`, each hop's deals sorted as [`MoneyPath::hops`] says.
fn path_of(near: &Near<'_, '_>, entities: Vec<EntityId>) -> MoneyPath {
    let hops = entities
        .windows(2)
        .map(|pair| super::sorted_by_id(near.data, near.hop_edges(pair[0], pair[1])))
        .collect();
    MoneyPath { entities, hops }
}
