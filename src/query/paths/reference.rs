//! The first `path` search, kept as the tests' reference: iterative deepening over a built
//! [`HopGraph`], pruned by a reverse breadth-first search. [`super::money_paths`] must give
//! the same list while reading only the deals near the two ends.

use std::time::Instant;

use super::{MoneyPath, PathEnd, PathList, PathOptions, sorted_by_id};
use crate::graph::{Edge, HopGraph, HopId, MoneyGraph};
use crate::model::EntityId;

/// The money paths from `from` to `to` on `hops` (`graph.hops()`), as [`super::money_paths`]
/// lists them. `O(n + e)` for the distances, then one depth-first search per length.
// About 100 lines: one iterative-deepening search whose explicit stack, visited set, distance
// bound and deadline checks share state; split, each part would take all of it as arguments.
pub(super) fn reference_paths(
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
