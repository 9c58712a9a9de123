//! Vendor financing: how much of what an entity invests or lends comes back to it as revenue,
//! directly from those it finances or through loops of up to `depth + 1` hops.

use std::collections::VecDeque;

use crate::graph::{DealView, HopGraph, MoneyGraph};
use crate::model::EntityId;
use crate::query::totals::{ByGrade, MoneyRange};

use super::neighbourhood::{Neighbourhood, PARALLEL_FROM};

/// Entities reached back from the entity's own financing, paying it back.
#[derive(Clone, Debug)]
pub struct Returning<'d> {
    /// Who pays the entity back.
    pub id: EntityId,
    /// Hops from the nearest financed counterparty to it (0: a financed counterparty itself).
    pub hops_from_financed: usize,
    /// Its non-financing deals paying the entity, sorted by deal id string.
    pub deals: Vec<DealView<'d>>,
}

/// The vendor-financing ratio of an entity; see [`vendor_financing`].
#[derive(Clone, Debug)]
pub struct VendorFinancing<'d> {
    /// Loops of up to `depth + 1` hops were followed.
    pub depth: usize,
    /// The entity's own investment and loan deals.
    pub invested: MoneyRange,
    /// Who it invested in or lent to, in entity id string order.
    pub financed: Vec<EntityId>,
    /// Non-financing money back from `financed` and from entities they reach within
    /// `depth − 1` hops.
    pub returned: MoneyRange,
    /// The part of `returned` paid directly by `financed`.
    pub returned_direct: MoneyRange,
    /// `invested` split by the grade of each deal.
    pub invested_by_grade: ByGrade,
    /// `returned` split by the grade of each deal.
    pub returned_by_grade: ByGrade,
    /// Who pays it back, nearest first, then entity id string.
    pub returning: Vec<Returning<'d>>,
}

impl VendorFinancing<'_> {
    /// `returned / invested` on stated figures; `None` when nothing stated was invested.
    pub fn ratio(&self) -> Option<f64> {
        self.invested.share(&self.returned)
    }
}

/// How much of what `entity` invests or lends comes back to it as revenue, directly from the
/// counterparties it finances and through loops of up to `depth + 1` hops.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph.
/// * `hops`: `graph.hops()`.
/// * `entity`: the investor or lender.
/// * `depth`: how many hops the money may take from a financed counterparty back to
///   `entity`; 1 counts only counterparties paying it directly, 0 counts nothing.
///
/// # Returns
/// [`VendorFinancing`]: the invested range, the returned range (and its direct part), and
/// who pays back through which deals. Each returning deal is counted once, however many
/// loops it closes.
///
/// # Complexity
/// `O(d log d)` for the `d` deals of `entity`; from depth 2, plus one multi-source
/// breadth-first search over the `n` entities and `e` hops it reaches, avoiding `entity`.
///
/// # Example
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::stakeholders::vendor_financing;
///
/// //   chipco ──investment $10B──▶ lab ──cloud $6B──▶ cloud ──chips $3B──▶ chipco
/// //      ▲                         │
/// //      └──────chips $2B──────────┘
/// let csv = "from,to,kind,amount_usd,source\n\
///            chipco,lab,investment,1e10,a\nlab,cloud,cloud,6e9,a\n\
///            cloud,chipco,chips,3e9,a\nlab,chipco,chips,2e9,a\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let graph = MoneyGraph::build(data, Filter::today());
/// let chipco = data.resolve("chipco").unwrap();
/// let direct = vendor_financing(&graph, &graph.hops(), chipco, 1);
/// assert_eq!(direct.ratio(), Some(0.2)); // $2B back of $10B
/// let loops = vendor_financing(&graph, &graph.hops(), chipco, 2);
/// assert_eq!(loops.returned.to_string(), "$5B");
/// assert_eq!(loops.ratio(), Some(0.5));
/// ```
pub fn vendor_financing<'d>(
    graph: &MoneyGraph<'d>,
    hops: &HopGraph,
    entity: EntityId,
    depth: usize,
) -> VendorFinancing<'d> {
    Neighbourhood::of(graph, entity, PARALLEL_FROM).vendor_financing(Some(hops), depth)
}

impl<'d> Neighbourhood<'d> {
    /// See [`vendor_financing`]; `hops` is needed only when `depth >= 2`.
    pub(super) fn vendor_financing(
        &self,
        hops: Option<&HopGraph>,
        depth: usize,
    ) -> VendorFinancing<'d> {
        let mut invested_by_grade = ByGrade::new();
        let mut is_financed = vec![false; self.counterparties.len()];
        for d in self.deals.iter().filter(|d| !d.incoming) {
            if d.kind.is_financing() {
                invested_by_grade.add(d.grade, &d.amount);
                is_financed[d.counterparty as usize] = true;
            }
        }
        let financed: Vec<EntityId> = self
            .counterparties
            .iter()
            .zip(&is_financed)
            .filter_map(|(&e, &f)| f.then_some(e))
            .collect();
        // Hops from the nearest financed counterparty, by counterparty rank (`None`: not
        // reached). Within one hop only the financed ones count; further out, a
        // multi-source breadth-first search that never enters the entity.
        let dist: Vec<Option<usize>> = match hops {
            _ if depth == 0 => vec![None; self.counterparties.len()],
            Some(hops) if depth >= 2 => {
                let reached = self.reach(hops, &financed, depth);
                self.counterparties
                    .iter()
                    .map(|e| reached[e.index()].checked_sub(1).map(|d| d as usize))
                    .collect()
            }
            _ => is_financed.iter().map(|&f| f.then_some(0)).collect(),
        };
        let mut returned_by_grade = ByGrade::new();
        let mut returned_direct = MoneyRange::new();
        // One slot per returning counterparty, by rank; deals visited in rank order.
        let mut slot_of: Vec<Option<u32>> = vec![None; self.counterparties.len()];
        let mut returning: Vec<(usize, u32, Returning<'d>)> = Vec::new();
        for &i in &self.by_rank {
            let d = &self.deals[i as usize];
            if !d.incoming || d.kind.is_financing() {
                continue;
            }
            let Some(hops_from) = dist[d.counterparty as usize] else {
                continue;
            };
            returned_by_grade.add(d.grade, &d.amount);
            if hops_from == 0 {
                returned_direct.add(&d.amount);
            }
            let slot = &mut slot_of[d.counterparty as usize];
            match *slot {
                Some(s) => returning[s as usize].2.deals.push(d.view),
                None => {
                    *slot = Some(returning.len() as u32);
                    returning.push((
                        hops_from,
                        d.counterparty,
                        Returning {
                            id: self.counterparties[d.counterparty as usize],
                            hops_from_financed: hops_from,
                            deals: vec![d.view],
                        },
                    ));
                }
            }
        }
        returning.sort_unstable_by_key(|r| (r.0, r.1));
        VendorFinancing {
            depth,
            invested: invested_by_grade.total(),
            financed,
            returned: returned_by_grade.total(),
            returned_direct,
            invested_by_grade,
            returned_by_grade,
            returning: returning.into_iter().map(|r| r.2).collect(),
        }
    }

    /// Multi-source BFS from `financed` over `hops`, never entering the entity, out to
    /// `depth - 1` hops: `1 + hops` for each entity reached, 0 elsewhere. The array is zeroed
    /// by the allocator, so only the pages the search touches cost anything.
    fn reach(&self, hops: &HopGraph, financed: &[EntityId], depth: usize) -> Vec<u32> {
        let mut dist = vec![0u32; hops.entity_count().max(self.data.entities().len())];
        let mut queue = VecDeque::new();
        for &c in financed {
            dist[c.index()] = 1;
            queue.push_back(c);
        }
        while let Some(v) = queue.pop_front() {
            let d = dist[v.index()] as usize - 1;
            if d + 1 >= depth {
                continue;
            }
            for &(w, _) in hops.successors(v) {
                if w != self.entity && dist[w.index()] == 0 {
                    dist[w.index()] = d as u32 + 2;
                    queue.push_back(w);
                }
            }
        }
        dist
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::super::tests::filter;
    use super::*;
    use crate::model::Dataset;
    use crate::query::testgen::{build, dataset_parts, dot};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn vendor_financing_counts_exactly_the_deals_closing_a_loop(
            (n, deals) in dataset_parts(14), pick in 0usize..7, depth in 0usize..5,
        ) {
            let data = build(n, &deals);
            let graph = MoneyGraph::build(&data, filter());
            let hops = graph.hops();
            let entity = EntityId((pick % n) as u32);
            let v = vendor_financing(&graph, hops, entity, depth);
            // Brute force: X returns money if some simple path C → … → X avoiding `entity`
            // of at most depth − 1 hops starts at an entity C that `entity` finances.
            let financed: BTreeSet<EntityId> = data.deals()
                .filter(|d| d.from() == entity && d.kind().is_financing()).map(|d| d.to()).collect();
            fn reach(v: EntityId, left: usize, avoid: EntityId, path: &mut Vec<EntityId>, data: &Dataset, out: &mut BTreeSet<EntityId>) {
                out.insert(v);
                if left == 0 { return; }
                for d in data.deals() {
                    if d.from() == v && d.to() != avoid && !path.contains(&d.to()) {
                        path.push(d.to());
                        reach(d.to(), left - 1, avoid, path, data, out);
                        path.pop();
                    }
                }
            }
            let mut returners = BTreeSet::new();
            if depth >= 1 {
                for &c in &financed {
                    reach(c, depth - 1, entity, &mut vec![c], &data, &mut returners);
                }
            }
            let want: BTreeSet<String> = data.deals()
                .filter(|d| d.to() == entity && !d.kind().is_financing() && returners.contains(&d.from()))
                .map(|d| d.id().to_string()).collect();
            let got: BTreeSet<String> = v.returning.iter()
                .flat_map(|r| r.deals.iter().map(|d| d.deal.id().to_string())).collect();
            prop_assert_eq!(&got, &want, "depth {} of {}\n{}", depth, data.entity(entity).id, dot(&data));
            let total = MoneyRange::of(data.deals().filter(|d| want.contains(d.id().as_str())).map(|d| d.report(0).amount));
            prop_assert_eq!(v.returned, total);
            prop_assert_eq!(v.financed.iter().copied().collect::<BTreeSet<_>>(), financed);
        }
    }
}
