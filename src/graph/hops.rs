//! Hops: all deals between one ordered pair of entities, as a single edge. Loops and paths
//! are sequences of hops; the adjacency is a compressed sparse row for fast traversal.

use crate::model::{DealId, EntityId};

/// Index of a hop in its [`HopGraph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HopId(pub u32);

/// Every admitted deal from `from` to `to`, in deal order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub from: EntityId,
    pub to: EntityId,
    pub deals: Vec<DealId>,
}

/// Hops with a compressed adjacency: successors of each entity sorted by entity id.
#[derive(Clone, Debug, Default)]
pub struct HopGraph {
    hops: Vec<Hop>,
    /// `offsets[v]..offsets[v + 1]` indexes `targets` for entity `v`.
    offsets: Vec<u32>,
    targets: Vec<(EntityId, HopId)>,
}

impl HopGraph {
    /// Groups `(from, to, deal)` triples into hops. `O(E log E)`.
    pub fn build(
        entity_count: usize,
        deals: impl Iterator<Item = (EntityId, EntityId, DealId)>,
    ) -> HopGraph {
        let mut triples: Vec<(EntityId, EntityId, DealId)> = deals.collect();
        triples.sort_unstable();
        let mut hops: Vec<Hop> = Vec::new();
        for (from, to, deal) in triples {
            match hops.last_mut() {
                Some(h) if h.from == from && h.to == to => h.deals.push(deal),
                _ => hops.push(Hop {
                    from,
                    to,
                    deals: vec![deal],
                }),
            }
        }
        let mut offsets = vec![0u32; entity_count + 1];
        for h in &hops {
            offsets[h.from.index() + 1] += 1;
        }
        for i in 0..entity_count {
            offsets[i + 1] += offsets[i];
        }
        // Hops are sorted by (from, to), so targets come out grouped and sorted.
        let targets = hops
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to, HopId(i as u32)))
            .collect();
        HopGraph {
            hops,
            offsets,
            targets,
        }
    }

    pub fn entity_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn hop(&self, id: HopId) -> &Hop {
        &self.hops[id.0 as usize]
    }

    pub fn hops(&self) -> &[Hop] {
        &self.hops
    }

    /// Successors of `v` with the hop leading to each, sorted by successor id.
    pub fn successors(&self, v: EntityId) -> &[(EntityId, HopId)] {
        let i = v.index();
        if i + 1 >= self.offsets.len() {
            return &[];
        }
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The hop from `a` to `b`, if any (binary search).
    pub fn find(&self, a: EntityId, b: EntityId) -> Option<HopId> {
        let succ = self.successors(a);
        succ.binary_search_by_key(&b, |&(t, _)| t)
            .ok()
            .map(|i| succ[i].1)
    }
}
