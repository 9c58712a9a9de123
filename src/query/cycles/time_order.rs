//! Time-ordered loops: whether money went out before it came back, checked per loop from the
//! dates of each hop's deals (a greedy check, held to the definition by a property test).

use crate::graph::{Hop, HopGraph, HopId, MoneyGraph};
use crate::model::PartialDate;

use super::Undated;

/// Whether a loop is time-ordered: for some financing deal on it (any deal, if the loop has no
/// financing hop at all), starting there and going round, each following hop has a deal dated
/// on or after the previous one — money goes out before it comes back. A deal's date is its
/// standing report's date; partial dates compare as the start of their period, a less precise
/// date first among equals (`2025` < `2025-11` < `2025-11-03`). Undated deals follow
/// `undated`.
///
/// # Arguments
/// * `graph`, `hops`, `loop_hops`: as for [`round_trip`](super::round_trip).
/// * `undated`: whether an undated deal breaks the order or fits anywhere.
///
/// # Returns
/// `true` when some start and choice of one deal per hop is in date order.
///
/// # Complexity
/// `O(k²·log d + k·d·log d)` for `k` hops of `d` deals: each start is checked greedily (the
/// earliest deal that keeps the order is always the best choice).
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{is_time_ordered, Undated};
/// //   fund ──investment 2025-03──▶ lab ──cloud 2025-01, undated chips──▶ fund
/// let csv = "from,to,kind,date,source\nfund,lab,investment,2025-03,s\n\
///            lab,fund,cloud,2025-01,s\nlab,fund,chips,,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let hops = graph.hops();
/// let (fund, lab) = (loaded.dataset.by_id("fund").unwrap(), loaded.dataset.by_id("lab").unwrap());
/// let loop_hops = [hops.find(fund, lab).unwrap(), hops.find(lab, fund).unwrap()];
/// // The cloud deal came before the investment; only the undated chips could follow it.
/// assert!(!is_time_ordered(&graph, &hops, &loop_hops, Undated::Break));
/// assert!(is_time_ordered(&graph, &hops, &loop_hops, Undated::Ok));
/// ```
pub fn is_time_ordered(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    loop_hops: &[HopId],
    undated: Undated,
) -> bool {
    let times: Vec<HopTimes> = loop_hops
        .iter()
        .map(|&h| HopTimes::of(graph, &hops.hop(h)))
        .collect();
    let refs: Vec<&HopTimes> = times.iter().collect();
    time_ordered(&refs, undated)
}

/// The dates of one hop's deals, sorted, for time-order checks.
#[derive(Clone, Debug, Default)]
pub(super) struct HopTimes {
    pub(super) dated: Vec<PartialDate>,
    pub(super) undated: bool,
    pub(super) financing_dated: Vec<PartialDate>,
    pub(super) financing_undated: bool,
    pub(super) financing: bool,
}

impl HopTimes {
    pub(super) fn of(graph: &MoneyGraph<'_>, hop: &Hop<'_>) -> HopTimes {
        let mut t = HopTimes::default();
        for &d in hop.deals {
            let Some(view) = graph.deal_view(d) else {
                continue;
            };
            let financing = view.deal.kind().is_financing();
            t.financing |= financing;
            match view.report().date {
                Some(date) => {
                    t.dated.push(date);
                    if financing {
                        t.financing_dated.push(date);
                    }
                }
                None => {
                    t.undated = true;
                    t.financing_undated |= financing;
                }
            }
        }
        t.dated.sort_unstable();
        t.financing_dated.sort_unstable();
        t
    }

    /// Whether the hop has a financing deal a time-ordered loop can start at.
    pub(super) fn can_start_financing(&self, undated: Undated) -> bool {
        !self.financing_dated.is_empty() || (undated == Undated::Ok && self.financing_undated)
    }
}

/// The greedy check behind [`is_time_ordered`]. A time of `None` means "before everything"
/// (an undated start under [`Undated::Ok`]).
pub(super) fn time_ordered(times: &[&HopTimes], undated: Undated) -> bool {
    let k = times.len();
    let ok = undated == Undated::Ok;
    let financing_loop = times.iter().any(|t| t.financing);
    for j in 0..k {
        let start = times[j];
        let (dated, undated_start) = if financing_loop {
            (&start.financing_dated, start.financing_undated)
        } else {
            (&start.dated, start.undated)
        };
        let mut now: Option<PartialDate> = if ok && undated_start {
            None
        } else if let Some(&first) = dated.first() {
            Some(first)
        } else {
            continue;
        };
        let mut ordered = true;
        for i in 1..k {
            let hop = times[(j + i) % k];
            if ok && hop.undated {
                continue;
            }
            let next = match now {
                None => 0,
                Some(t) => hop.dated.partition_point(|d| *d < t),
            };
            match hop.dated.get(next) {
                Some(&d) => now = Some(d),
                None => {
                    ordered = false;
                    break;
                }
            }
        }
        if ordered {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::testkit::{
        all_simple_cycles, brute_time_ordered, csv_of, dot_of, gen_graph, load,
    };
    use super::*;
    use crate::graph::Filter;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// The greedy time-order check agrees with trying every start and every deal choice.
        #[test]
        fn time_order_matches_definition((deals, _) in gen_graph()) {
            let data = load(&csv_of(&deals));
            let graph = MoneyGraph::build(&data, Filter::today());
            let hops = graph.hops();
            for (_, loop_hops) in all_simple_cycles(&graph, hops) {
                for undated in [Undated::Break, Undated::Ok] {
                    prop_assert_eq!(
                        is_time_ordered(&graph, hops, &loop_hops, undated),
                        brute_time_ordered(&graph, hops, &loop_hops, undated),
                        "{}", dot_of(&deals)
                    );
                }
            }
        }
    }
}
