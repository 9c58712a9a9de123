//! The money-flow graph: one node per entity, one edge per deal from payer to payee, built
//! with petgraph after the global [`Filter`]s. Queries read it through this module only.

mod filter;
mod hops;

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};

use crate::model::{Dataset, DealId, DealRef, Entity, EntityId, ReportRef};

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
    /// The standing report. (Read on demand, which keeps a view at 40 bytes: queries hold
    /// tens of thousands of them.)
    pub fn report(&self) -> ReportRef<'d> {
        self.deal.report(self.standing as usize)
    }
}

/// The edge payload: which deal, and which of its reports stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub deal: DealId,
    pub report: u32,
}

/// The filtered money-flow multigraph over a [`Dataset`].
#[derive(Debug)]
pub struct MoneyGraph<'d> {
    data: &'d Dataset,
    filter: Filter,
    graph: StableDiGraph<EntityId, Edge>,
    /// Node of each entity, by entity index; `None` for entities taken out.
    node_of: Vec<Option<NodeIndex>>,
    /// Admitted deals in id order.
    deals: Vec<Edge>,
    /// The hop index, built on first use.
    hops: std::sync::OnceLock<HopGraph>,
}

impl<'d> MoneyGraph<'d> {
    /// Builds the graph of every deal that passes `filter`. Linear in entities + deals.
    pub fn build(data: &'d Dataset, filter: Filter) -> MoneyGraph<'d> {
        let mut graph = StableDiGraph::with_capacity(data.entities().len(), data.deals().len());
        let mut node_of = Vec::with_capacity(data.entities().len());
        for id in data.entity_ids() {
            node_of.push((!filter.without.contains(&id)).then(|| graph.add_node(id)));
        }
        let mut deals = Vec::new();
        for (i, deal) in data.deals().enumerate() {
            if let Some((report, _)) = filter.admit(deal) {
                let edge = Edge {
                    deal: DealId(i as u32),
                    report: report as u32,
                };
                if let (Some(a), Some(b)) =
                    (node_of[deal.from().index()], node_of[deal.to().index()])
                {
                    graph.add_edge(a, b, edge);
                    deals.push(edge);
                }
            }
        }
        MoneyGraph {
            data,
            filter,
            graph,
            node_of,
            deals,
            hops: std::sync::OnceLock::new(),
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
        self.node_of.get(id.index()).is_some_and(Option::is_some)
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
        self.deals.iter().map(|&e| self.view(e))
    }

    /// The admitted deal `id` as it stands, or `None` when the filter left it out.
    /// `O(log D)`.
    pub fn deal_view(&self, id: DealId) -> Option<DealView<'d>> {
        self.deals
            .binary_search_by_key(&id, |e| e.deal)
            .ok()
            .map(|i| self.view(self.deals[i]))
    }

    pub fn deal_count(&self) -> usize {
        self.deals.len()
    }

    /// Entities that take part in at least one admitted deal, in entity order.
    pub fn active_entities(&self) -> Vec<EntityId> {
        self.data
            .entity_ids()
            .filter(|&id| {
                self.node_of[id.index()].is_some_and(|n| {
                    self.graph
                        .edges_directed(n, Direction::Outgoing)
                        .next()
                        .is_some()
                        || self
                            .graph
                            .edges_directed(n, Direction::Incoming)
                            .next()
                            .is_some()
                })
            })
            .collect()
    }

    /// Deals paid by `id`, in deal order.
    pub fn outgoing(&self, id: EntityId) -> Vec<DealView<'d>> {
        self.adjacent(id, Direction::Outgoing)
    }

    /// Deals paid to `id`, in deal order.
    pub fn incoming(&self, id: EntityId) -> Vec<DealView<'d>> {
        self.adjacent(id, Direction::Incoming)
    }

    fn adjacent(&self, id: EntityId, dir: Direction) -> Vec<DealView<'d>> {
        let Some(node) = self.node_of.get(id.index()).copied().flatten() else {
            return Vec::new();
        };
        let mut edges: Vec<Edge> = self
            .graph
            .edges_directed(node, dir)
            .map(|e| *e.weight())
            .collect();
        edges.sort_unstable_by_key(|e| e.deal);
        edges.into_iter().map(|e| self.view(e)).collect()
    }

    /// Deals grouped into hops (one per ordered pair of entities), as a compact adjacency.
    /// Built on first use (`O(E log E)`) and kept, so every query after it gets it for free.
    pub fn hops(&self) -> &HopGraph {
        self.hops.get_or_init(|| {
            HopGraph::build(
                self.data.entities().len(),
                self.deals.iter().map(|e| {
                    let d = self.data.deal(e.deal);
                    (d.from(), d.to(), e.deal)
                }),
            )
        })
    }

    /// Strongly connected components (iterative Kosaraju, safe on long chains), each sorted,
    /// largest first, then by smallest entity id.
    pub fn strongly_connected_components(&self) -> Vec<Vec<EntityId>> {
        let mut sccs: Vec<Vec<EntityId>> = petgraph::algo::kosaraju_scc(&self.graph)
            .into_iter()
            .map(|c| {
                let mut ids: Vec<EntityId> = c.into_iter().map(|n| self.graph[n]).collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        sccs.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        sccs
    }
}
