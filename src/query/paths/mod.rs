//! Money paths: every way money can travel from one entity to another along hops, shortest
//! first. "How does Nvidia's money reach Amazon?"
//!
//! Definitions (also in docs/queries.md):
//! - A **money path** from `A` to `B` is a sequence of hops `A → X₁ → … → B` that visits no
//!   entity twice (a simple path); its **length** is its number of hops.
//! - Paths are listed by length, then by the entity id strings along them, so the first `k`
//!   paths returned are the `k` shortest in that order.
//!
//! [`money_paths`] reads only the deals near the two ends; the tests check it against the
//! first search, which walked a built hop index (`reference.rs`), and against brute force.

mod adjacency;
mod bounded;
#[cfg(test)]
mod reference;

use std::time::Instant;

use crate::graph::{DealView, Edge, MoneyGraph};
use crate::model::{Dataset, EntityId};

pub use adjacency::DealEnds;
pub use bounded::money_paths;

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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::graph::{Filter, HopGraph};
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
        let a = EntityId(0);
        assert_eq!(money_paths(&graph, a, a, &PathOptions::default()).paths, []);
        let none = PathOptions {
            limit: 0,
            ..PathOptions::default()
        };
        assert_eq!(
            money_paths(&graph, a, EntityId(1), &none).end,
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
        let past = PathOptions {
            max_len: 6,
            limit: usize::MAX,
            deadline: Some(Instant::now()),
        };
        let found = money_paths(&graph, EntityId(0), EntityId(1), &past);
        assert_eq!(found.end, PathEnd::TimedOut);
        let all = PathOptions {
            max_len: 6,
            limit: usize::MAX,
            deadline: None,
        };
        // 1 + 5 + 5·4 + 5·4·3 + 5·4·3·2 + 5! = 326 simple paths.
        assert_eq!(
            money_paths(&graph, EntityId(0), EntityId(1), &all)
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
                        let want = reference::reference_paths(&graph, hops, from, to, &options);
                        let got = money_paths(&graph, from, to, &options);
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
            let found = reference::reference_paths(&graph, hops, from, to, &options);
            let bounded = money_paths(&graph, from, to, &options);
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
