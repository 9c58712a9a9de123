//! Time-ordered loops: whether money went out before it came back, checked per loop from the
//! dates of each hop's deals (a greedy check, held to the definition by a property test), and
//! the figures of such a loop taken from the deals that make it time-ordered.

use crate::graph::{DealView, Hop, HopGraph, HopId, MoneyGraph};
use crate::model::{DealId, Grade, PartialDate};

use super::figures::{return_ratio_of, round_trip_of};
use super::{ReturnRatio, RoundTrip, Undated};

/// Whether a loop is time-ordered: for some financing deal on it (any deal, if the loop has no
/// financing hop at all), starting there and going round, each following hop has a deal dated
/// on or after the previous one — money goes out before it comes back. A deal's date is its
/// standing report's event date (when it was signed, announced or closed), else that report's
/// publication date; partial dates compare as the start of their period, a less precise
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

/// The figures of a time-ordered loop, from the deals that make it time-ordered.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderedFigures {
    /// The round trip of the chain; [`RoundTrip::chain`] names its deals.
    pub round_trip: RoundTrip,
    /// The chain's return ratio: its round trip over its largest known financing deal.
    pub ratio: Option<ReturnRatio>,
    /// The surest grade of any time-ordered chain round the loop (the weakest deal of that
    /// chain): the loop is time-ordered among the flows at least this sure.
    pub grade: Grade,
}

/// The figures of a time-ordered loop taken only from deals in time order. A loop is
/// time-ordered when some chain of one deal per hop, starting from a financing deal, is in date
/// order ([`is_time_ordered`]); a deal that fits no such chain (a contract signed before the
/// investment it is said to return) says nothing about money that went out and came back, so
/// it is left out. Of the chains in order, the one whose smallest amount is largest carries
/// the figures (an unknown amount counts as smallest; among equals the surer chain, then the
/// first found); the grade is that of the surest chain, which may be another one.
///
/// # Arguments
/// * `graph`, `hops`, `loop_hops`: as for [`round_trip`](super::round_trip).
/// * `undated`: as for [`is_time_ordered`].
///
/// # Returns
/// `None` when the loop is not time-ordered.
///
/// # Complexity
/// `O(k²·d²)` for `k` hops of `d` deals: from each start, the chains kept per hop are those no
/// other beats on both date and amount (at most `d + 1`).
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{time_ordered_figures, Undated};
/// //   fund ──investment $50B, 2026-01──▶ lab ──cloud $38B 2025-11; chips $2B 2026-02──▶ fund
/// let csv = "from,to,kind,amount_usd,date,source\nfund,lab,investment,5e10,2026-01,s\n\
///            lab,fund,cloud,3.8e10,2025-11,s\nlab,fund,chips,2e9,2026-02,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let hops = graph.hops();
/// let (fund, lab) = (loaded.dataset.by_id("fund").unwrap(), loaded.dataset.by_id("lab").unwrap());
/// let loop_hops = [hops.find(fund, lab).unwrap(), hops.find(lab, fund).unwrap()];
/// let figures = time_ordered_figures(&graph, &hops, &loop_hops, Undated::Break).unwrap();
/// // The $38B cloud deal came before the investment: only the $2B of chips comes back.
/// assert_eq!(figures.round_trip.amount.unwrap().to_string(), "$2B");
/// assert_eq!(figures.ratio.unwrap().value, 0.04);
/// ```
pub fn time_ordered_figures(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    loop_hops: &[HopId],
    undated: Undated,
) -> Option<OrderedFigures> {
    let by_amount = |v: &DealView<'_>| (v.report().amount.value, v.grade());
    let (_, chain) = best_chain(graph, hops, loop_hops, undated, by_amount)?;
    let (grade, _) = best_chain(graph, hops, loop_hops, undated, |v| v.grade())?;
    let mut round_trip = round_trip_of(graph, chain.iter().map(std::slice::from_ref));
    let ratio = return_ratio_of(graph, chain.iter().copied(), &round_trip);
    round_trip.chain = Some(chain);
    Some(OrderedFigures {
        round_trip,
        ratio,
        grade,
    })
}

/// A partial chain: the time it has reached (`None`: before everything), the smallest value
/// on it, and its deals from the start hop on.
#[derive(Clone)]
struct Partial<V> {
    time: Option<PartialDate>,
    value: V,
    deals: Vec<DealId>,
}

/// The time-ordered chain (one deal per hop, as [`is_time_ordered`] defines them) whose
/// smallest `value` is largest, with that value; its deals in `loop_hops` order. Among equals
/// the first start, then the first chain in deal order. `None` when the loop is not
/// time-ordered.
fn best_chain<V: Copy + Ord>(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    loop_hops: &[HopId],
    undated: Undated,
    value: impl Fn(&DealView<'_>) -> V,
) -> Option<(V, Vec<DealId>)> {
    let k = loop_hops.len();
    let ok = undated == Undated::Ok;
    let views: Vec<Vec<DealView<'_>>> = loop_hops
        .iter()
        .map(|&h| {
            hops.hop(h)
                .deals
                .iter()
                .filter_map(|&d| graph.deal_view(d))
                .collect()
        })
        .collect();
    let financing_loop = views.iter().flatten().any(|v| v.deal.kind().is_financing());
    let mut best: Option<(V, usize, Vec<DealId>)> = None;
    for j in 0..k {
        let mut chains: Vec<Partial<V>> = Vec::new();
        for v in &views[j] {
            if financing_loop && !v.deal.kind().is_financing() {
                continue;
            }
            let time = match v.report().effective_date() {
                Some(date) => Some(date),
                None if ok => None,
                None => continue,
            };
            chains.push(Partial {
                time,
                value: value(v),
                deals: vec![v.id],
            });
        }
        for i in 1..k {
            if chains.is_empty() {
                break;
            }
            chains = extend(&chains, &views[(j + i) % k], ok, &value);
        }
        for c in chains {
            if best.as_ref().is_none_or(|(b, _, _)| c.value > *b) {
                best = Some((c.value, j, c.deals));
            }
        }
    }
    best.map(|(v, j, mut deals)| {
        // Deals run from hop j on; put them in loop order.
        deals.rotate_right(j);
        (v, deals)
    })
}

/// Every way to continue `chains` by one deal of the next hop in time order, keeping only the
/// chains no other beats on both time reached (earlier is better) and value (larger is).
fn extend<V: Copy + Ord>(
    chains: &[Partial<V>],
    next: &[DealView<'_>],
    ok: bool,
    value: &impl Fn(&DealView<'_>) -> V,
) -> Vec<Partial<V>> {
    let mut out: Vec<Partial<V>> = Vec::new();
    for v in next {
        let date = v.report().effective_date();
        if date.is_none() && !ok {
            continue;
        }
        for c in chains {
            // An undated deal (allowed by --undated ok) fits anywhere and keeps the time.
            let time = match date {
                Some(d) if c.time.is_none_or(|t| t <= d) => Some(d),
                Some(_) => continue,
                None => c.time,
            };
            let mut deals = c.deals.clone();
            deals.push(v.id);
            out.push(Partial {
                time,
                value: c.value.min(value(v)),
                deals,
            });
        }
    }
    // Earliest first, then largest value; keep a chain only if it beats every earlier one.
    out.sort_by(|a, b| a.time.cmp(&b.time).then(b.value.cmp(&a.value)));
    let mut kept: Vec<Partial<V>> = Vec::new();
    for c in out {
        if kept.last().is_none_or(|last| c.value > last.value) {
            kept.push(c);
        }
    }
    kept
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
            match view.report().effective_date() {
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
    use crate::model::Money;

    /// Straight from the definition: over every rotation and every choice of one deal per hop
    /// in time order, the largest smallest amount (unknown lowest) and the surest weakest grade.
    fn brute_best(
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        loop_hops: &[HopId],
        undated: Undated,
    ) -> (Option<Money>, Grade) {
        let views: Vec<Vec<DealView<'_>>> = loop_hops
            .iter()
            .map(|&h| {
                hops.hop(h)
                    .deals
                    .iter()
                    .filter_map(|&d| graph.deal_view(d))
                    .collect()
            })
            .collect();
        let financing_loop = views.iter().flatten().any(|v| v.deal.kind().is_financing());
        let k = views.len();
        let mut best: (Option<Option<Money>>, Option<Grade>) = (None, None);
        for j in 0..k {
            let mut choice = vec![0usize; k];
            'choices: loop {
                let seq: Vec<&DealView<'_>> = (0..k)
                    .map(|i| &views[(j + i) % k][choice[(j + i) % k]])
                    .collect();
                let start_ok = !financing_loop || seq[0].deal.kind().is_financing();
                let dates: Vec<Option<PartialDate>> =
                    seq.iter().map(|v| v.report().effective_date()).collect();
                let dates_ok = dates.iter().all(|d| d.is_some() || undated == Undated::Ok);
                let dated: Vec<PartialDate> = dates.iter().flatten().copied().collect();
                if start_ok && dates_ok && dated.windows(2).all(|w| w[0] <= w[1]) {
                    let amount = seq.iter().map(|v| v.report().amount.value).min().flatten();
                    let grade = seq
                        .iter()
                        .map(|v| v.grade())
                        .min()
                        .unwrap_or(Grade::Inferred);
                    best.0 = best.0.max(Some(amount));
                    best.1 = best.1.max(Some(grade));
                }
                for i in 0..k {
                    choice[i] += 1;
                    if choice[i] < views[i].len() {
                        continue 'choices;
                    }
                    choice[i] = 0;
                }
                break;
            }
        }
        (best.0.flatten(), best.1.unwrap_or(Grade::Inferred))
    }

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
                    let ordered = brute_time_ordered(&graph, hops, &loop_hops, undated);
                    prop_assert_eq!(
                        is_time_ordered(&graph, hops, &loop_hops, undated),
                        ordered,
                        "{}", dot_of(&deals)
                    );
                    // The figures exist exactly for time-ordered loops, and come from the
                    // chain in order that carries the most, graded by the surest chain.
                    let figures = time_ordered_figures(&graph, hops, &loop_hops, undated);
                    prop_assert_eq!(figures.is_some(), ordered, "{}", dot_of(&deals));
                    if let Some(f) = figures {
                        let (amount, grade) = brute_best(&graph, hops, &loop_hops, undated);
                        prop_assert_eq!(f.round_trip.amount, amount, "{}", dot_of(&deals));
                        prop_assert_eq!(f.grade, grade, "{}", dot_of(&deals));
                    }
                }
            }
        }
    }
}
