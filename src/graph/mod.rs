//! The money-flow graph: one node per entity, one edge per deal from payer to payee, after
//! the global [`Filter`]s, kept as the indexes queries need (petgraph's graph among them),
//! each built on first use. Queries read it through this module only.

mod filter;
mod hops;

use std::sync::OnceLock;

use petgraph::stable_graph::{NodeIndex, StableDiGraph};

use crate::model::{Dataset, DealId, DealRef, Entity, EntityId, Grade, ReportRef};

pub use filter::Filter;
pub use hops::{Hop, HopGraph, HopId};

/// A deal as it stands under the filter: the deal and its standing report.
#[derive(Clone, Copy, Debug)]
pub struct DealView<'d> {
    pub id: DealId,
    pub deal: DealRef<'d>,
    /// Which of the deal's reports stands.
    pub standing: u32,
}

const _: () = assert!(std::mem::size_of::<DealView<'static>>() == 24);

impl<'d> DealView<'d> {
    /// The standing report. (Read on demand, which keeps a view at 24 bytes: queries hold
    /// tens of thousands of them.)
    pub fn report(&self) -> ReportRef<'d> {
        self.deal.report(self.standing as usize)
    }

    /// How sure this flow is: inferred, or its standing report's status as a grade.
    pub fn grade(&self) -> Grade {
        Grade::of(self.report().status, self.deal.inferred())
    }
}

/// The edge payload: which deal, and which of its reports stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub deal: DealId,
    pub report: u32,
}

/// The filtered money-flow multigraph over a [`Dataset`].
///
/// Each part is built on first use and kept: the admitted deals (one pass over every deal),
/// the per-entity deal index, the hop index and petgraph's graph. A question about one
/// entity ([`MoneyGraph::neighbourhood`]) needs none of them, so it is answered after one
/// scan instead of after a whole build.
#[derive(Debug)]
pub struct MoneyGraph<'d> {
    data: &'d Dataset,
    filter: Filter,
    /// Admitted deals in id order.
    deals: OnceLock<Vec<Edge>>,
    /// Each entity's admitted deals, paid and paid to it.
    index: OnceLock<(DealsByEntity, DealsByEntity)>,
    /// One node per entity, in entity order (so a node's index is its entity's), one edge per
    /// admitted deal; entities taken out have no edges.
    graph: OnceLock<StableDiGraph<EntityId, Edge>>,
    hops: OnceLock<HopGraph>,
}

/// From how many deals [`MoneyGraph::neighbourhood`] scans on two threads.
const PARALLEL_SCAN_FROM: usize = 1 << 20;

impl<'d> MoneyGraph<'d> {
    /// The graph of every deal that passes `filter`. `O(1)`: the parts are built when first
    /// asked for.
    pub fn build(data: &'d Dataset, filter: Filter) -> MoneyGraph<'d> {
        MoneyGraph {
            data,
            filter,
            deals: OnceLock::new(),
            index: OnceLock::new(),
            graph: OnceLock::new(),
            hops: OnceLock::new(),
        }
    }

    pub fn dataset(&self) -> &'d Dataset {
        self.data
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn entity(&self, id: EntityId) -> &'d Entity {
        self.data.entity(id)
    }

    /// True unless the entity was taken out with `--without`.
    pub fn contains(&self, id: EntityId) -> bool {
        id.index() < self.data.entities().len() && !self.filter.without.contains(&id)
    }

    /// The standing report of the deal at `index` if it passes the filter (the entities it
    /// links are tested by the filter too).
    fn admit(&self, index: usize, deal: DealRef<'d>) -> Option<Edge> {
        self.filter.admit(deal).map(|(report, _)| Edge {
            deal: DealId(index as u32),
            report: report as u32,
        })
    }

    fn admitted(&self) -> &[Edge] {
        self.deals.get_or_init(|| {
            self.data
                .deals()
                .enumerate()
                .filter_map(|(i, deal)| self.admit(i, deal))
                .collect()
        })
    }

    fn index(&self) -> &(DealsByEntity, DealsByEntity) {
        self.index.get_or_init(|| {
            let deals = self.admitted();
            let ends = |e: &Edge| {
                let d = self.data.deal(e.deal);
                (d.from().index(), d.to().index())
            };
            DealsByEntity::build_both(self.data.entities().len(), deals.iter().map(ends))
        })
    }

    /// petgraph's graph of the admitted deals.
    fn petgraph(&self) -> &StableDiGraph<EntityId, Edge> {
        self.graph.get_or_init(|| {
            let deals = self.admitted();
            let mut graph = StableDiGraph::with_capacity(self.data.entities().len(), deals.len());
            for id in self.data.entity_ids() {
                graph.add_node(id);
            }
            for &edge in deals {
                let deal = self.data.deal(edge.deal);
                let node = |id: EntityId| NodeIndex::new(id.index());
                graph.add_edge(node(deal.from()), node(deal.to()), edge);
            }
            graph
        })
    }

    fn view(&self, edge: Edge) -> DealView<'d> {
        let deal = self.data.deal(edge.deal);
        DealView {
            id: edge.deal,
            deal,
            standing: edge.report,
        }
    }

    /// Every admitted deal, in deal order.
    pub fn deals(&self) -> impl ExactSizeIterator<Item = DealView<'d>> + '_ {
        self.admitted().iter().map(|&e| self.view(e))
    }

    /// The admitted deal `id` as it stands, or `None` when the filter left it out.
    /// `O(1)` when every deal before it is admitted, else `O(log D)`.
    pub fn deal_view(&self, id: DealId) -> Option<DealView<'d>> {
        let deals = self.admitted();
        // Where the filter admits every deal before this one, it sits at its own index.
        if let Some(&edge) = deals.get(id.index())
            && edge.deal == id
        {
            return Some(self.view(edge));
        }
        deals
            .binary_search_by_key(&id, |e| e.deal)
            .ok()
            .map(|i| self.view(deals[i]))
    }

    pub fn deal_count(&self) -> usize {
        self.admitted().len()
    }

    /// Entities that take part in at least one admitted deal, in entity order.
    pub fn active_entities(&self) -> Vec<EntityId> {
        let (paid_by, paid_to) = self.index();
        self.data
            .entity_ids()
            .filter(|&id| !paid_by.of(id.index()).is_empty() || !paid_to.of(id.index()).is_empty())
            .collect()
    }

    /// Deals paid by `id`, in deal order. `O(d)` for its `d` deals, once the index is built.
    pub fn outgoing(&self, id: EntityId) -> Vec<DealView<'d>> {
        self.adjacent(id, &self.index().0)
    }

    /// Deals paid to `id`, in deal order. `O(d)` for its `d` deals, once the index is built.
    pub fn incoming(&self, id: EntityId) -> Vec<DealView<'d>> {
        self.adjacent(id, &self.index().1)
    }

    fn adjacent(&self, id: EntityId, side: &DealsByEntity) -> Vec<DealView<'d>> {
        if !self.contains(id) {
            return Vec::new();
        }
        let deals = self.admitted();
        side.of(id.index())
            .iter()
            .map(|&at| self.view(deals[at as usize]))
            .collect()
    }

    /// The deals paid to `id` and the deals paid by it, each in deal order: [`incoming`] and
    /// [`outgoing`] at once. From the index when it is built; otherwise one scan of every
    /// deal, `O(D)`, on two threads for millions, which for a question about one entity is
    /// far cheaper than building the index.
    ///
    /// [`incoming`]: MoneyGraph::incoming
    /// [`outgoing`]: MoneyGraph::outgoing
    pub fn neighbourhood(&self, id: EntityId) -> (Vec<DealView<'d>>, Vec<DealView<'d>>) {
        self.neighbourhood_split(id, PARALLEL_SCAN_FROM)
    }

    /// [`MoneyGraph::neighbourhood`], scanning on two threads from `parallel_from` deals.
    fn neighbourhood_split(
        &self,
        id: EntityId,
        parallel_from: usize,
    ) -> (Vec<DealView<'d>>, Vec<DealView<'d>>) {
        if self.index.get().is_some() || !self.contains(id) {
            return (self.incoming(id), self.outgoing(id));
        }
        let scan = |from: usize, to: usize| {
            let (mut incoming, mut outgoing) = (Vec::new(), Vec::new());
            for i in from..to {
                let deal = self.data.deal(DealId(i as u32));
                let (pays, paid) = (deal.from() == id, deal.to() == id);
                if !(pays || paid) {
                    continue;
                }
                if let Some(edge) = self.admit(i, deal) {
                    if paid {
                        incoming.push(self.view(edge));
                    }
                    if pays {
                        outgoing.push(self.view(edge));
                    }
                }
            }
            (incoming, outgoing)
        };
        let all = self.data.deal_count();
        let mid = if all >= parallel_from { all / 2 } else { all };
        let ((mut incoming, mut outgoing), (more_in, more_out)) =
            crate::parallel::join(mid < all, || scan(0, mid), || scan(mid, all));
        incoming.extend(more_in);
        outgoing.extend(more_out);
        (incoming, outgoing)
    }

    /// Deals grouped into hops (one per ordered pair of entities), as a compact adjacency.
    /// Built on first use (`O(E log E)`) and kept, so every query after it gets it for free.
    pub fn hops(&self) -> &HopGraph {
        self.hops.get_or_init(|| {
            HopGraph::build(
                self.data.entities().len(),
                self.admitted().iter().map(|e| {
                    let d = self.data.deal(e.deal);
                    (d.from(), d.to(), e.deal)
                }),
            )
        })
    }

    /// Strongly connected components (iterative Kosaraju, safe on long chains), each sorted,
    /// largest first, then by smallest entity id.
    pub fn strongly_connected_components(&self) -> Vec<Vec<EntityId>> {
        let graph = self.petgraph();
        let mut sccs: Vec<Vec<EntityId>> = petgraph::algo::kosaraju_scc(graph)
            .into_iter()
            // Entities taken out are nodes with no edges; they are no component.
            .filter(|c| c.len() > 1 || self.contains(graph[c[0]]))
            .map(|c| {
                let mut ids: Vec<EntityId> = c.into_iter().map(|n| graph[n]).collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        sccs.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        sccs
    }
}

/// One side of every entity's deals as one array: entity `n`'s are positions into the
/// admitted deals at `positions[starts[n]..starts[n + 1]]`, in deal order (compressed
/// sparse rows). A hub's deals are read in one sweep, where petgraph's linked edge lists
/// cost a dependent cache miss per deal.
#[derive(Debug)]
struct DealsByEntity {
    starts: Vec<u32>,
    positions: Vec<u32>,
}

impl DealsByEntity {
    /// Both sides' index of the deals whose `i`-th links the entities `ends[i]`, for
    /// `nodes` entities. Two passes, `O(nodes + deals)`, and no sort: each list fills in deal
    /// order.
    fn build_both(
        nodes: usize,
        ends: impl ExactSizeIterator<Item = (usize, usize)> + Clone,
    ) -> (DealsByEntity, DealsByEntity) {
        let deals = ends.len();
        let mut paid_by = vec![0u32; nodes + 1];
        let mut paid_to = vec![0u32; nodes + 1];
        for (a, b) in ends.clone() {
            paid_by[a + 1] += 1;
            paid_to[b + 1] += 1;
        }
        for n in 0..nodes {
            paid_by[n + 1] += paid_by[n];
            paid_to[n + 1] += paid_to[n];
        }
        let (mut next_by, mut next_to) = (paid_by.clone(), paid_to.clone());
        let mut by = vec![0u32; deals];
        let mut to = vec![0u32; deals];
        for (i, (a, b)) in ends.enumerate() {
            by[next_by[a] as usize] = i as u32;
            next_by[a] += 1;
            to[next_to[b] as usize] = i as u32;
            next_to[b] += 1;
        }
        (
            DealsByEntity {
                starts: paid_by,
                positions: by,
            },
            DealsByEntity {
                starts: paid_to,
                positions: to,
            },
        )
    }

    /// Positions of entity `n`'s deals, in deal order.
    fn of(&self, n: usize) -> &[u32] {
        &self.positions[self.starts[n] as usize..self.starts[n + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entitys_deals_are_the_admitted_ones_it_pays_or_is_paid_in_deal_order() {
        // Scanned (on one thread and on two) and from the index alike.
        let data = crate::generate::loaded_deals(200, 3_000, 11);
        let mut filter = Filter::new(chrono::NaiveDate::from_ymd_opt(2025, 6, 30).expect("date"));
        filter.without = vec![data.resolve("e3").expect("e3")];
        let graph = MoneyGraph::build(&data, filter.clone());
        let scanned = MoneyGraph::build(&data, filter.clone());
        let admitted: Vec<(DealId, EntityId, EntityId, usize)> = data
            .deals()
            .enumerate()
            .filter(|(_, d)| {
                !filter.without.contains(&d.from()) && !filter.without.contains(&d.to())
            })
            .filter_map(|(i, d)| {
                filter
                    .admit(d)
                    .map(|(r, _)| (DealId(i as u32), d.from(), d.to(), r))
            })
            .collect();
        assert!(admitted.len() > 1_000, "{} deals admitted", admitted.len());
        let listed = |views: Vec<DealView<'_>>| -> Vec<(DealId, u32)> {
            views.iter().map(|v| (v.id, v.standing)).collect()
        };
        for id in data.entity_ids() {
            let pays: Vec<(DealId, u32)> = admitted
                .iter()
                .filter(|d| d.1 == id)
                .map(|d| (d.0, d.3 as u32))
                .collect();
            let paid: Vec<(DealId, u32)> = admitted
                .iter()
                .filter(|d| d.2 == id)
                .map(|d| (d.0, d.3 as u32))
                .collect();
            let name = &data.entity(id).id;
            for parallel_from in [1, usize::MAX] {
                let (incoming, outgoing) = scanned.neighbourhood_split(id, parallel_from);
                assert_eq!(listed(incoming), paid, "{name} scanned");
                assert_eq!(listed(outgoing), pays, "{name} scanned");
            }
            assert_eq!(listed(graph.outgoing(id)), pays, "{name}");
            assert_eq!(listed(graph.incoming(id)), paid, "{name}");
            let (incoming, outgoing) = graph.neighbourhood(id);
            assert_eq!(
                (listed(incoming), listed(outgoing)),
                (paid, pays),
                "{name} indexed"
            );
        }
        let active: Vec<EntityId> = data
            .entity_ids()
            .filter(|&id| admitted.iter().any(|d| d.1 == id || d.2 == id))
            .collect();
        assert_eq!(graph.active_entities(), active);
    }
}
