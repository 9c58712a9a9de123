//! The order of a list of loops: by round-trip amount, return ratio, length or names, each
//! made total by the loops' entity ids so that output never depends on search order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Cycle;
use crate::model::{Dataset, Money};

/// Orders for [`sort_cycles`]. Every order ends with the loops' entity ids, so it is total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Round-trip amount, largest first (unknown last), then length, then ids. The default.
    #[default]
    Amount,
    /// Return ratio, largest first (unknown last), then as `Amount`.
    Ratio,
    /// Fewest hops first, then round-trip amount (largest first), then ids.
    Length,
    /// By the entities' names along the loop, then ids.
    Name,
}

/// Sorts loops by `key`; ties are broken by length and then by the entity ids along each
/// loop, so the order is total and deterministic.
///
/// # Arguments
/// * `data`: the dataset the loops' entities belong to (for ids and names).
/// * `cycles`: the loops to sort in place.
/// * `key`: see [`SortKey`].
///
/// # Complexity
/// `O(m log m)` comparisons of `O(k)` each for `m` loops of up to `k` hops.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{collect_cycles, sort_cycles, CycleOptions, SortKey};
/// //   a ⇄ b ($5B out, $1B back)      c ⇄ d ($2B out, $2B back)
/// let csv = "from,to,kind,amount_usd,source\na,b,investment,5e9,s\nb,a,cloud,1e9,s\n\
///            c,d,investment,2e9,s\nd,c,cloud,2e9,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let mut found = collect_cycles(&graph, &graph.hops(), &CycleOptions::default(), None, SortKey::Amount).cycles;
/// let first = |c: &[dealgraph::query::cycles::Cycle]| graph.entity(c[0].entities[0]).id.clone();
/// assert_eq!(first(&found), "c"); // $2B round trip beats $1B
/// sort_cycles(graph.dataset(), &mut found, SortKey::Name);
/// assert_eq!(first(&found), "a");
/// ```
pub fn sort_cycles(data: &Dataset, cycles: &mut [Cycle], key: SortKey) {
    cycles.sort_by(|a, b| compare(data, key, a, b));
}

/// The order of [`sort_cycles`]: `Less` when `a` comes before `b`. Total: two distinct loops
/// never compare `Equal`.
pub fn compare(data: &Dataset, key: SortKey, a: &Cycle, b: &Cycle) -> Ordering {
    let ids = |c: &Cycle| -> Vec<&str> {
        c.entities
            .iter()
            .map(|&e| data.entity(e).id.as_str())
            .collect()
    };
    let amount = |a: &Cycle, b: &Cycle| desc_unknown_last(a.round_trip.amount, b.round_trip.amount);
    let first = match key {
        SortKey::Amount => amount(a, b).then(a.length().cmp(&b.length())),
        SortKey::Ratio => {
            let (x, y) = (a.ratio.map(|r| r.value), b.ratio.map(|r| r.value));
            let by_ratio = match (x, y) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            by_ratio
                .then_with(|| amount(a, b))
                .then(a.length().cmp(&b.length()))
        }
        SortKey::Length => a.length().cmp(&b.length()).then_with(|| amount(a, b)),
        SortKey::Name => {
            let names = |c: &Cycle| -> Vec<&str> {
                c.entities
                    .iter()
                    .map(|&e| data.entity(e).name.as_str())
                    .collect()
            };
            names(a).cmp(&names(b))
        }
    };
    first
        .then(a.length().cmp(&b.length()))
        .then_with(|| ids(a).cmp(&ids(b)))
}

/// The best `n` loops seen so far by a [`SortKey`], in a max-heap whose top is the worst kept:
/// memory `O(n)` however many loops are offered, `O(log n)` comparisons per loop.
pub(super) struct TopN<'d> {
    n: usize,
    heap: BinaryHeap<Ranked<'d>>,
}

/// A loop ordered by [`compare`], so that the heap's maximum is the worst-ranked loop.
struct Ranked<'d> {
    cycle: Cycle,
    data: &'d Dataset,
    key: SortKey,
}

impl Ord for Ranked<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(self.data, self.key, &self.cycle, &other.cycle)
    }
}

impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked<'_> {}

impl<'d> TopN<'d> {
    pub(super) fn new(n: usize) -> Self {
        TopN {
            n,
            heap: BinaryHeap::with_capacity(n.min(1 << 16) + 1),
        }
    }

    /// Offers a loop: kept when fewer than `n` are kept or it ranks before the worst kept.
    pub(super) fn offer(&mut self, data: &'d Dataset, key: SortKey, cycle: Cycle) {
        if self.n == 0 {
            return;
        }
        let ranked = Ranked { cycle, data, key };
        if self.heap.len() < self.n {
            self.heap.push(ranked);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && ranked < *worst
        {
            *worst = ranked;
        }
    }

    /// The loops kept, best first.
    pub(super) fn into_sorted(self) -> Vec<Cycle> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.cycle)
            .collect()
    }
}

fn desc_unknown_last(a: Option<Money>, b: Option<Money>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::graph_of;
    use super::super::{CycleOptions, collect_cycles};
    use super::*;
    use crate::graph::{Filter, MoneyGraph};

    #[test]
    fn sorting_is_total_and_puts_unknown_amounts_last() {
        let data = graph_of(
            "from,to,kind,amount_usd,source\n\
             a,b,investment,5,s\nb,a,cloud,,s\n\
             c,d,investment,2,s\nd,c,cloud,2,s\n\
             e,f,investment,9,s\nf,e,cloud,1,s\nf,g,cloud,3,s\ng,e,cloud,3,s\n",
        );
        let graph = MoneyGraph::build(&data, Filter::today());
        let hops = graph.hops();
        let ids = |key| {
            collect_cycles(&graph, hops, &CycleOptions::default(), None, key)
                .cycles
                .iter()
                .map(|c| {
                    c.entities
                        .iter()
                        .map(|&e| graph.entity(e).id.as_str())
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(SortKey::Amount), ["efg", "cd", "ef", "ab"]);
        assert_eq!(ids(SortKey::Ratio), ["cd", "efg", "ef", "ab"]);
        assert_eq!(ids(SortKey::Length), ["cd", "ef", "ab", "efg"]);
        assert_eq!(ids(SortKey::Name), ["ab", "cd", "ef", "efg"]);
    }
}
