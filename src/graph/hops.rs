//! Hops: all deals between one ordered pair of entities, as a single edge. Loops and paths
//! are sequences of hops; the adjacency is a compressed sparse row for fast traversal.

use crate::model::{DealId, EntityId};

/// Index of a hop in its [`HopGraph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HopId(pub u32);

/// Every admitted deal from `from` to `to`, in deal order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop<'g> {
    pub from: EntityId,
    pub to: EntityId,
    pub deals: &'g [DealId],
}

/// Hops with a compressed adjacency: successors of each entity sorted by entity id.
#[derive(Clone, Debug, Default)]
pub struct HopGraph {
    /// `(from, to)` of each hop, sorted.
    ends: Vec<(EntityId, EntityId)>,
    /// Hop `h`'s deals are `deals[deal_starts[h]..deal_starts[h + 1]]`: one array for every
    /// hop's deals, where a vector per hop cost an allocation and 24 bytes a hop.
    deal_starts: Vec<u32>,
    deals: Vec<DealId>,
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
        let mut ends: Vec<(EntityId, EntityId)> = Vec::new();
        let mut deal_starts: Vec<u32> = Vec::new();
        let mut hop_deals: Vec<DealId> = Vec::with_capacity(triples.len());
        for (from, to, deal) in triples {
            if ends.last() != Some(&(from, to)) {
                ends.push((from, to));
                deal_starts.push(hop_deals.len() as u32);
            }
            hop_deals.push(deal);
        }
        deal_starts.push(hop_deals.len() as u32);
        let mut offsets = vec![0u32; entity_count + 1];
        for &(from, _) in &ends {
            offsets[from.index() + 1] += 1;
        }
        for i in 0..entity_count {
            offsets[i + 1] += offsets[i];
        }
        // Hops are sorted by (from, to), so targets come out grouped and sorted.
        let targets = ends
            .iter()
            .enumerate()
            .map(|(i, &(_, to))| (to, HopId(i as u32)))
            .collect();
        HopGraph {
            ends,
            deal_starts,
            deals: hop_deals,
            offsets,
            targets,
        }
    }

    pub fn entity_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn hop(&self, id: HopId) -> Hop<'_> {
        let i = id.0 as usize;
        let (from, to) = self.ends[i];
        let deals = &self.deals[self.deal_starts[i] as usize..self.deal_starts[i + 1] as usize];
        Hop { from, to, deals }
    }

    /// Every hop, in id order (sorted by `(from, to)`).
    pub fn hops(&self) -> impl ExactSizeIterator<Item = Hop<'_>> + '_ {
        (0..self.ends.len()).map(|i| self.hop(HopId(i as u32)))
    }

    pub fn hop_count(&self) -> usize {
        self.ends.len()
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
