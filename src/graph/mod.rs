//! The money-flow graph: one node per entity, one edge per deal from payer to payee, built
//! with petgraph after the global [`Filter`]s. Queries read it through this module only.

mod filter;
mod hops;

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
    /// The standing report. (Read on demand, which keeps a view at 24 bytes: queries hold
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
    /// Each node's admitted deals, paid and paid to it.
    paid_by: DealsByNode,
    paid_to: DealsByNode,
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
        let (paid_by, paid_to) = DealsByNode::build_both(&graph, deals.len());
        MoneyGraph {
            data,
            filter,
            graph,
            node_of,
            deals,
            paid_by,
            paid_to,
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
                    !self.paid_by.of(n.index()).is_empty() || !self.paid_to.of(n.index()).is_empty()
                })
            })
            .collect()
    }

    /// Deals paid by `id`, in deal order. `O(d)` for its `d` deals.
    pub fn outgoing(&self, id: EntityId) -> Vec<DealView<'d>> {
        self.adjacent(id, &self.paid_by)
    }

    /// Deals paid to `id`, in deal order. `O(d)` for its `d` deals.
    pub fn incoming(&self, id: EntityId) -> Vec<DealView<'d>> {
        self.adjacent(id, &self.paid_to)
    }

    fn adjacent(&self, id: EntityId, side: &DealsByNode) -> Vec<DealView<'d>> {
        let Some(node) = self.node_of.get(id.index()).copied().flatten() else {
            return Vec::new();
        };
        side.of(node.index())
            .iter()
            .map(|&at| self.view(self.deals[at as usize]))
            .collect()
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

/// One side of every node's deals as one array: node `n`'s are positions into
/// [`MoneyGraph::deals`] at `positions[starts[n]..starts[n + 1]]`, in deal order (compressed
/// sparse rows). A hub's deals are read in one sweep, where petgraph's linked edge lists
/// cost a dependent cache miss per deal.
#[derive(Debug)]
struct DealsByNode {
    starts: Vec<u32>,
    positions: Vec<u32>,
}

impl DealsByNode {
    /// Both sides' index of `graph`'s edges, whose `i`-th is `deals[i]`. Two passes over the
    /// edges, `O(nodes + deals)`, and no sort: each list fills in deal order.
    fn build_both(
        graph: &StableDiGraph<EntityId, Edge>,
        deals: usize,
    ) -> (DealsByNode, DealsByNode) {
        let nodes = petgraph::visit::NodeIndexable::node_bound(graph);
        let ends = |i: usize| {
            let (a, b) = graph
                .edge_endpoints(petgraph::stable_graph::EdgeIndex::new(i))
                .expect("no edge is ever removed");
            (a.index(), b.index())
        };
        let mut paid_by = vec![0u32; nodes + 1];
        let mut paid_to = vec![0u32; nodes + 1];
        for i in 0..deals {
            let (a, b) = ends(i);
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
        for i in 0..deals {
            let (a, b) = ends(i);
            by[next_by[a] as usize] = i as u32;
            next_by[a] += 1;
            to[next_to[b] as usize] = i as u32;
            next_to[b] += 1;
        }
        (
            DealsByNode {
                starts: paid_by,
                positions: by,
            },
            DealsByNode {
                starts: paid_to,
                positions: to,
            },
        )
    }

    /// Positions of node `n`'s deals, in deal order.
    fn of(&self, n: usize) -> &[u32] {
        &self.positions[self.starts[n] as usize..self.starts[n + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, load_str};

    #[test]
    fn each_entitys_deals_are_the_admitted_ones_it_pays_or_is_paid_in_deal_order() {
        let spec = crate::generate::Spec {
            entities: 200,
            deals: 3_000,
            seed: 11,
        };
        let csv = String::from_utf8(crate::generate::deals_csv(&spec)).expect("UTF-8");
        let options = LoadOptions {
            auto_entities: true,
            ..LoadOptions::default()
        };
        let data = load_str("deals.csv", &csv, options).expect("loads").dataset;
        let mut filter = Filter::new(chrono::NaiveDate::from_ymd_opt(2025, 6, 30).expect("date"));
        filter.without = vec![data.resolve("e3").expect("e3")];
        let graph = MoneyGraph::build(&data, filter.clone());
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
            assert_eq!(listed(graph.outgoing(id)), pays, "{}", data.entity(id).id);
            assert_eq!(listed(graph.incoming(id)), paid, "{}", data.entity(id).id);
        }
        let active: Vec<EntityId> = data
            .entity_ids()
            .filter(|&id| admitted.iter().any(|d| d.1 == id || d.2 == id))
            .collect();
        assert_eq!(graph.active_entities(), active);
    }
}
