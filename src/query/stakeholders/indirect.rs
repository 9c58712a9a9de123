//! Investors of investors: the chains of investment deals that lead down to an entity, the
//! stake along each, and the look-through stake each investor holds through all of them.

use std::collections::BTreeMap;

use crate::graph::MoneyGraph;
use crate::model::{DealKind, EntityId};

/// A chain of investments from an investor down to the entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    /// The investor first, the entity last; no entity twice.
    pub entities: Vec<EntityId>,
    /// The product of the stakes along the chain, in percent; `None` when a link has no
    /// known stake.
    pub stake_pct: Option<f64>,
}

impl Chain {
    /// Number of investment hops.
    pub fn len(&self) -> usize {
        self.entities.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An investor of investors, with every chain that links it to the entity.
#[derive(Clone, Debug, PartialEq)]
pub struct IndirectInvestor {
    pub id: EntityId,
    /// Every chain of 1 to `depth` hops (the direct one too, when it also invests directly),
    /// shortest first, then by the entity ids along it.
    pub chains: Vec<Chain>,
    /// Sum of the chains' stakes, over the chains whose every link has a known stake; `None`
    /// when no chain has.
    pub lookthrough_stake_pct: Option<f64>,
    /// True when some chain has a link with no known stake, so the look-through stake (if
    /// any) is a lower bound.
    pub lookthrough_partial: bool,
}

impl IndirectInvestor {
    /// The shortest chain of 2 or more hops: why it is an *indirect* investor.
    pub fn via(&self) -> &Chain {
        self.chains
            .iter()
            .find(|c| c.len() >= 2)
            .unwrap_or(&self.chains[0])
    }

    /// True when it also invests in the entity directly.
    pub fn also_direct(&self) -> bool {
        self.chains.iter().any(|c| c.len() == 1)
    }
}

/// The result of [`indirect_investors`].
#[derive(Clone, Debug, PartialEq)]
pub struct IndirectInvestors {
    /// Sorted by shortest indirect chain, then entity id string.
    pub investors: Vec<IndirectInvestor>,
    /// The chain limit stopped the search: some chains (and maybe investors) are missing.
    pub truncated: bool,
}

/// The stake `investor` holds in `investee` through admitted investment deals: the sum of
/// their `stake_pct` (capped at 100), or `None` when no such deal reports a stake.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph; only its admitted investment deals count.
/// * `investor`, `investee`: the two ends of the link.
///
/// # Returns
/// The stake in percent, or `None` when unknown.
///
/// # Complexity
/// `O(d)` for the `d` deals paid by `investor`.
///
/// # Example
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::stakeholders::direct_stake;
///
/// //   fund ──investment 2%──▶ lab      (and a later round: 3% more)
/// //   fund ──investment ?───▶ other
/// let csv = "id,from,to,kind,stake_pct,source\n\
///            a,fund,lab,investment,2,s\nb,fund,lab,investment,3,s\nc,fund,other,investment,,s\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let graph = MoneyGraph::build(data, Filter::today());
/// let id = |name| data.resolve(name).unwrap();
/// assert_eq!(direct_stake(&graph, id("fund"), id("lab")), Some(5.0));
/// assert_eq!(direct_stake(&graph, id("fund"), id("other")), None);
/// ```
pub fn direct_stake(graph: &MoneyGraph<'_>, investor: EntityId, investee: EntityId) -> Option<f64> {
    let stakes: Vec<f64> = graph
        .outgoing(investor)
        .iter()
        .filter(|v| v.deal.to() == investee && v.deal.kind() == DealKind::Investment)
        .filter_map(|v| v.deal.stake_pct())
        .collect();
    (!stakes.is_empty()).then(|| stakes.iter().sum::<f64>().min(100.0))
}

/// The look-through stake along one chain `[investor, …, entity]`: the product of the
/// [`direct_stake`]s of each link, in percent; `None` when a link has no known stake or the
/// chain has fewer than two entities.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph.
/// * `chain`: entities from the top investor down to the entity.
///
/// # Returns
/// The percentage of the last entity owned, through this chain, by the first.
///
/// # Complexity
/// `O(k · d)` for `k` links of at most `d` deals each.
///
/// # Example
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::stakeholders::lookthrough_stake;
///
/// //   top ──50%──▶ mid ──10%──▶ lab      top owns 50% × 10% = 5% of lab
/// let csv = "from,to,kind,stake_pct,source\ntop,mid,investment,50,a\nmid,lab,investment,10,a\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let graph = MoneyGraph::build(data, Filter::today());
/// let chain: Vec<_> = ["top", "mid", "lab"].iter().map(|n| data.resolve(n).unwrap()).collect();
/// assert_eq!(lookthrough_stake(&graph, &chain), Some(5.0));
/// ```
pub fn lookthrough_stake(graph: &MoneyGraph<'_>, chain: &[EntityId]) -> Option<f64> {
    if chain.len() < 2 {
        return None;
    }
    let mut fraction = 1.0;
    for link in chain.windows(2) {
        fraction *= direct_stake(graph, link[0], link[1])? / 100.0;
    }
    Some(fraction * 100.0)
}

/// Investors of investors of `entity`: every entity with a chain of 2 to `depth` investment
/// hops down to `entity` that visits no entity twice, with all its chains and look-through
/// stake.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph; only investment deals count.
/// * `entity`: the entity invested in.
/// * `depth`: longest chain, in hops; below 2 there are no indirect investors.
/// * `max_chains`: stop after following this many chains (the count can be exponential).
///
/// # Returns
/// [`IndirectInvestors`]: sorted by shortest indirect chain, then entity id string; each
/// investor's chains (direct one included) shortest first, then by entity ids.
///
/// # Complexity
/// `O(e log e)` to build the reversed investment adjacency over `e` investment deals, then an
/// iterative depth-first search that is `O(c · depth)` for the `c ≤ max_chains` chains it
/// follows. Memory `O(n + e + c · depth)`.
///
/// # Example
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::stakeholders::indirect_investors;
///
/// //   top ──40%──▶ mid ──10%──▶ lab
/// //    └───────────10%──────────▲        top: 40% × 10% + 10% = 14% look-through
/// let csv = "from,to,kind,stake_pct,source\n\
///            top,mid,investment,40,a\nmid,lab,investment,10,a\ntop,lab,investment,10,a\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let graph = MoneyGraph::build(data, Filter::today());
/// let found = indirect_investors(&graph, data.resolve("lab").unwrap(), 2, 1000);
/// let top = &found.investors[0];
/// assert_eq!(data.entity(top.id).id, "top");
/// assert!(top.also_direct());
/// assert_eq!(top.via().len(), 2);
/// assert!((top.lookthrough_stake_pct.unwrap() - 14.0).abs() < 1e-9);
/// assert!(indirect_investors(&graph, data.resolve("lab").unwrap(), 1, 1000).investors.is_empty());
/// ```
pub fn indirect_investors(
    graph: &MoneyGraph<'_>,
    entity: EntityId,
    depth: usize,
    max_chains: usize,
) -> IndirectInvestors {
    let data = graph.dataset();
    let n = data.entities().len();
    if depth < 2 || !graph.contains(entity) {
        return IndirectInvestors {
            investors: Vec::new(),
            truncated: false,
        };
    }
    // investors_of[v]: who invests in v, sorted by id string, no repeats.
    let mut investors_of: Vec<Vec<EntityId>> = vec![Vec::new(); n];
    for view in graph.deals() {
        if view.deal.kind() == DealKind::Investment {
            investors_of[view.deal.to().index()].push(view.deal.from());
        }
    }
    for list in &mut investors_of {
        list.sort_by(|a, b| data.entity(*a).id.cmp(&data.entity(*b).id));
        list.dedup();
    }
    let (chains, truncated) = chains_up(&investors_of, entity, depth, max_chains);
    let mut investors: Vec<IndirectInvestor> = chains
        .into_iter()
        .filter(|(_, list)| list.iter().any(|c| c.len() >= 3))
        .map(|(id, list)| investor(graph, id, list))
        .collect();
    investors.sort_by(|a, b| {
        a.via()
            .len()
            .cmp(&b.via().len())
            .then_with(|| data.entity(a.id).id.cmp(&data.entity(b.id).id))
    });
    IndirectInvestors {
        investors,
        truncated,
    }
}

/// Every simple chain of 1 to `depth` investment hops up from `entity` (`investors_of[v]`: who
/// invests in `v`), as `[investor … entity]` by top investor, found by an iterative
/// depth-first search; true when it stopped at `max_chains`.
fn chains_up(
    investors_of: &[Vec<EntityId>],
    entity: EntityId,
    depth: usize,
    max_chains: usize,
) -> (BTreeMap<EntityId, Vec<Vec<EntityId>>>, bool) {
    let mut on_path = vec![false; investors_of.len()];
    let mut path = vec![entity];
    on_path[entity.index()] = true;
    let mut next_child = vec![0usize];
    let mut chains: BTreeMap<EntityId, Vec<Vec<EntityId>>> = BTreeMap::new();
    let mut found = 0usize;
    let mut truncated = false;
    while let Some(&top) = path.last() {
        let i = next_child.last().copied().unwrap_or(0);
        let children = &investors_of[top.index()];
        if path.len() > depth || i >= children.len() {
            path.pop();
            next_child.pop();
            on_path[top.index()] = false;
            continue;
        }
        *next_child.last_mut().expect("stack in step with path") += 1;
        let child = children[i];
        if on_path[child.index()] {
            continue; // chains that revisit an entity are cut
        }
        if found >= max_chains {
            truncated = true;
            break;
        }
        found += 1;
        path.push(child);
        next_child.push(0);
        on_path[child.index()] = true;
        let chain: Vec<EntityId> = path.iter().rev().copied().collect();
        chains.entry(child).or_default().push(chain);
    }
    (chains, truncated)
}

/// Investor `id` with its `chains` (entities top first), stakes worked out and sorted.
fn investor(graph: &MoneyGraph<'_>, id: EntityId, list: Vec<Vec<EntityId>>) -> IndirectInvestor {
    let data = graph.dataset();
    let mut chains: Vec<Chain> = list
        .into_iter()
        .map(|entities| Chain {
            stake_pct: lookthrough_stake(graph, &entities),
            entities,
        })
        .collect();
    chains.sort_by(|a, b| {
        a.len().cmp(&b.len()).then_with(|| {
            let ids = |c: &Chain| -> Vec<&str> {
                c.entities
                    .iter()
                    .map(|&e| data.entity(e).id.as_str())
                    .collect()
            };
            ids(a).cmp(&ids(b))
        })
    });
    let known: Vec<f64> = chains.iter().filter_map(|c| c.stake_pct).collect();
    IndirectInvestor {
        id,
        lookthrough_partial: known.len() < chains.len(),
        lookthrough_stake_pct: (!known.is_empty()).then(|| known.iter().sum()),
        chains,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::super::tests::{filter, ids, load};
    use super::*;
    use crate::model::Dataset;
    use crate::query::testgen::{build, dataset_parts, dot};

    #[test]
    fn lookthrough_multiplies_along_chains_and_sums_over_them() {
        // top owns 50% of a and 20% of b; a owns 10% of lab, b owns 30% of lab;
        // top → lab directly 1%. Look-through: 5% + 6% + 1% = 12%.
        let data = load(
            "from,to,kind,stake_pct,source\n\
             top,a,investment,50,s\ntop,b,investment,20,s\n\
             a,lab,investment,10,s\nb,lab,investment,30,s\ntop,lab,investment,1,s\n",
        );
        let graph = MoneyGraph::build(&data, filter());
        let lab = data.resolve("lab").unwrap();
        let found = indirect_investors(&graph, lab, 2, 100);
        assert_eq!(found.investors.len(), 1);
        let top = &found.investors[0];
        assert_eq!(data.entity(top.id).id, "top");
        let chains: Vec<Vec<String>> = top.chains.iter().map(|c| ids(&data, &c.entities)).collect();
        assert_eq!(
            chains,
            [
                vec!["top", "lab"],
                vec!["top", "a", "lab"],
                vec!["top", "b", "lab"]
            ]
        );
        assert!((top.lookthrough_stake_pct.unwrap() - 12.0).abs() < 1e-9);
        assert!(!top.lookthrough_partial);
    }

    #[test]
    fn lookthrough_with_an_unknown_link_is_partial_or_unknown() {
        // x → y has no stake: the chain's stake is unknown.
        let data = load(
            "from,to,kind,stake_pct,source\n\
             x,y,investment,,s\ny,lab,investment,20,s\nx,z,investment,50,s\nz,lab,investment,10,s\n",
        );
        let graph = MoneyGraph::build(&data, filter());
        let lab = data.resolve("lab").unwrap();
        let x = &indirect_investors(&graph, lab, 3, 100).investors[0];
        assert_eq!(x.chains.len(), 2);
        assert!(x.lookthrough_partial);
        assert!((x.lookthrough_stake_pct.unwrap() - 5.0).abs() < 1e-9);
        let y = data.resolve("y").unwrap();
        assert_eq!(
            lookthrough_stake(&graph, &[data.resolve("x").unwrap(), y, lab]),
            None
        );
        assert_eq!(lookthrough_stake(&graph, &[lab]), None);
    }

    #[test]
    fn chains_that_revisit_an_entity_are_cut() {
        // a and b invest in each other; both invest in lab. a → b → a → lab is not a chain.
        let data = load(
            "from,to,kind,stake_pct,source\n\
             a,b,investment,10,s\nb,a,investment,10,s\na,lab,investment,10,s\nb,lab,investment,10,s\n",
        );
        let graph = MoneyGraph::build(&data, filter());
        let lab = data.resolve("lab").unwrap();
        let found = indirect_investors(&graph, lab, 5, 100);
        for inv in &found.investors {
            assert_eq!(inv.chains.len(), 2, "{:?}", inv.chains);
            assert!((inv.lookthrough_stake_pct.unwrap() - 11.0).abs() < 1e-9);
        }
        assert_eq!(found.investors.len(), 2);
    }

    #[test]
    fn stakes_of_several_deals_add_up_and_cap_at_100() {
        let data = load(
            "id,from,to,kind,stake_pct,source\n\
             one,a,lab,investment,60,s\ntwo,a,lab,investment,70,s\nthree,a,lab,cloud,,s\n",
        );
        let graph = MoneyGraph::build(&data, filter());
        let (a, lab) = (data.resolve("a").unwrap(), data.resolve("lab").unwrap());
        assert_eq!(direct_stake(&graph, a, lab), Some(100.0));
        assert_eq!(direct_stake(&graph, lab, a), None);
    }

    #[test]
    fn chain_limit_truncates() {
        let data =
            load("from,to,kind,source\na,lab,investment,s\nb,lab,investment,s\nc,a,investment,s\n");
        let graph = MoneyGraph::build(&data, filter());
        let found = indirect_investors(&graph, data.resolve("lab").unwrap(), 3, 2);
        assert!(found.truncated);
    }

    /// Simple paths on the reversed investment graph from `entity`, as `[investor … entity]`.
    fn brute_chains(
        data: &Dataset,
        graph: &MoneyGraph<'_>,
        entity: EntityId,
        depth: usize,
    ) -> Vec<Vec<EntityId>> {
        let mut edges: BTreeSet<(EntityId, EntityId)> = BTreeSet::new();
        for v in graph.deals() {
            if v.deal.kind() == DealKind::Investment {
                edges.insert((v.deal.from(), v.deal.to()));
            }
        }
        fn walk(
            path: &mut Vec<EntityId>,
            edges: &BTreeSet<(EntityId, EntityId)>,
            depth: usize,
            n: usize,
            out: &mut Vec<Vec<EntityId>>,
        ) {
            if path.len() > depth {
                return;
            }
            let head = *path.last().unwrap();
            for x in 0..n as u32 {
                let x = EntityId(x);
                if edges.contains(&(x, head)) && !path.contains(&x) {
                    path.push(x);
                    out.push(path.iter().rev().copied().collect());
                    walk(path, edges, depth, n, out);
                    path.pop();
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &mut vec![entity],
            &edges,
            depth,
            data.entities().len(),
            &mut out,
        );
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn indirect_investors_are_reachability_on_reversed_investments(
            (n, deals) in dataset_parts(14), pick in 0usize..7, depth in 1usize..5,
        ) {
            let data = build(n, &deals);
            let graph = MoneyGraph::build(&data, filter());
            let entity = EntityId((pick % n) as u32);
            let found = indirect_investors(&graph, entity, depth, 100_000);
            prop_assert!(!found.truncated);
            let chains = brute_chains(&data, &graph, entity, depth);
            let want: BTreeSet<EntityId> = chains.iter().filter(|c| c.len() >= 3).map(|c| c[0]).collect();
            let got: BTreeSet<EntityId> = found.investors.iter().map(|i| i.id).collect();
            prop_assert_eq!(&got, &want, "depth {} of {}\n{}", depth, data.entity(entity).id, dot(&data));
            // Direct investors plus indirect ones = everything within `depth` reversed hops.
            let mut ball: BTreeSet<EntityId> = BTreeSet::new();
            let mut frontier = vec![entity];
            for _ in 0..depth {
                let mut next = Vec::new();
                for v in frontier {
                    for d in data.deals() {
                        if d.kind() == DealKind::Investment && d.to() == v && d.from() != entity && ball.insert(d.from()) {
                            next.push(d.from());
                        }
                    }
                }
                frontier = next;
            }
            let direct: BTreeSet<EntityId> = data.deals()
                .filter(|d| d.kind() == DealKind::Investment && d.to() == entity).map(|d| d.from()).collect();
            let union: BTreeSet<EntityId> = direct.union(&got).copied().collect();
            prop_assert_eq!(union, ball);
            // Every chain: simple, within depth, and the look-through stake is its sum.
            for inv in &found.investors {
                let mut want_chains: Vec<Vec<EntityId>> = chains.iter().filter(|c| c[0] == inv.id).cloned().collect();
                want_chains.sort();
                let mut got_chains: Vec<Vec<EntityId>> = inv.chains.iter().map(|c| c.entities.clone()).collect();
                got_chains.sort();
                prop_assert_eq!(&got_chains, &want_chains);
                let stakes: Vec<Option<f64>> = want_chains.iter().map(|c| lookthrough_stake(&graph, c)).collect();
                let known: Vec<f64> = stakes.iter().flatten().copied().collect();
                let sum = (!known.is_empty()).then(|| known.iter().sum::<f64>());
                match (sum, inv.lookthrough_stake_pct) {
                    (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-9),
                    (a, b) => prop_assert_eq!(a, b),
                }
                prop_assert_eq!(inv.lookthrough_partial, known.len() < stakes.len());
            }
        }
    }
}
