//! The figures that make a loop readable: its round-trip amount (with the [`Bound`] its
//! qualifiers put on it) and its return ratio. Both read the hops' deals as they stand under
//! the graph's filter.

use std::cmp::Ordering;

use crate::graph::{HopGraph, HopId, MoneyGraph};
use crate::model::{DealId, Money, Qualifier};

/// How a figure built from reported amounts relates to the real one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bound {
    /// Every figure that decides it is exact.
    Exact,
    /// The real amount is at most this ("up to" figures decide it).
    Upper,
    /// The real amount is at least this ("at least" figures decide it).
    Lower,
    /// "About" figures decide it.
    Approx,
    /// Figures pull both ways ("up to" on one hop, "at least" on another): the real amount
    /// lies anywhere in [`RoundTrip::low`, `RoundTrip::high`], and no single figure is shown.
    Range,
}

impl Bound {
    /// `exact`, `upper`, `lower` or `approx`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Exact => "exact",
            Bound::Upper => "upper",
            Bound::Lower => "lower",
            Bound::Approx => "approx",
            Bound::Range => "range",
        }
    }
}

/// The round-trip amount of a loop and how exact it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundTrip {
    /// The smallest of the hops' largest known deal amounts; `None` when some hop has no deal
    /// with a known amount.
    pub amount: Option<Money>,
    /// How the real round trip relates to `amount`; `None` when `amount` is.
    pub bound: Option<Bound>,
    /// Per hop, the deal whose figure counts for it (its largest known amount, the smallest
    /// deal id among equals); `None` for a hop with no known amount.
    pub hop_deals: Vec<Option<DealId>>,
    /// Index of the hop whose figure is the round-trip amount (the first among equals).
    pub limiting_hop: Option<usize>,
    /// The least the real round trip can be, given every qualifier ("up to" allows zero);
    /// `None` when `amount` is.
    pub low: Option<Money>,
    /// The most it can be; `None` when `amount` is, or when "at least" figures leave it open.
    pub high: Option<Money>,
    /// For a time-ordered loop (`--time-ordered`): per hop, the one deal of the time-ordered
    /// chain the figures come from (see
    /// [`time_ordered_figures`](super::time_ordered_figures)); deals dated out of order are
    /// left out. `None` when every deal of each hop counts.
    pub chain: Option<Vec<DealId>>,
}

/// A reported figure as the range of values it allows: exact `[v, v]`, up-to `[0, v]`,
/// at-least `[v, ∞)`, about `[v, v]` marked fuzzy.
#[derive(Clone, Copy, Debug)]
struct Range {
    point: Money,
    lo: Money,
    /// `None` for no upper limit.
    hi: Option<Money>,
    fuzzy: bool,
}

impl Range {
    fn of(value: Money, qualifier: Qualifier) -> Range {
        let (lo, hi) = match qualifier {
            Qualifier::UpTo => (Money::ZERO, Some(value)),
            Qualifier::AtLeast => (value, None),
            Qualifier::Exact | Qualifier::About | Qualifier::Undisclosed => (value, Some(value)),
        };
        Range {
            point: value,
            lo,
            hi,
            fuzzy: qualifier == Qualifier::About,
        }
    }

    fn bound(self) -> Bound {
        let below = self.lo < self.point;
        let above = self.hi.is_none_or(|h| h > self.point);
        match (self.fuzzy, below, above) {
            (_, true, true) => Bound::Range,
            (true, _, _) => Bound::Approx,
            (false, true, false) => Bound::Upper,
            (false, false, true) => Bound::Lower,
            (false, false, false) => Bound::Exact,
        }
    }
}

fn min_hi(a: Option<Money>, b: Option<Money>) -> Option<Money> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_hi(a: Option<Money>, b: Option<Money>) -> Option<Money> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        _ => None,
    }
}

/// The round-trip amount of a loop: per hop the largest known deal amount (the hop's deals as
/// they stand under the graph's filter), and the smallest of those over the loop.
///
/// Qualifiers travel with the numbers. Each figure is read as the range it allows (exact
/// `[v, v]`, up to `[0, v]`, at least `[v, ∞)`, about ≈`v`); the hop's range is the largest of
/// its deals' and the loop's the smallest of its hops'. The [`Bound`] says where the real
/// round trip can lie: only below the amount → `Upper`, only above → `Lower`, both ways or an
/// "about" figure deciding it → `Approx`, neither → `Exact`. For example up to $50B out and
/// exactly $38B back gives "at most $38B" (`Upper`): the investment may be smaller than $38B.
/// Deals with no known amount are left out of the figures (their hop's figure counts only
/// what is known).
///
/// # Arguments
/// * `graph`: the graph the loop was found in.
/// * `hops`: `graph.hops()`.
/// * `loop_hops`: the loop's hops in order.
///
/// # Returns
/// The amount (`None` if a hop has no known amount), its bound, and which deal counts for
/// each hop.
///
/// # Complexity
/// `O(k·d·log D)` for `k` hops of `d` deals each, `D` deals in the graph.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{round_trip, Bound};
/// //   fund ──investment at least $8B──▶ lab
/// //     ▲                               │
/// //     └─────cloud $38B, chips $1B─────┘
/// let csv = "from,to,kind,amount_usd,amount_qualifier,source\n\
///            fund,lab,investment,8e9,at-least,s\nlab,fund,cloud,3.8e10,,s\nlab,fund,chips,1e9,,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let hops = graph.hops();
/// let (fund, lab) = (loaded.dataset.by_id("fund").unwrap(), loaded.dataset.by_id("lab").unwrap());
/// let trip = round_trip(&graph, &hops, &[hops.find(fund, lab).unwrap(), hops.find(lab, fund).unwrap()]);
/// assert_eq!(trip.amount.unwrap().to_string(), "$8B");
/// assert_eq!(trip.bound, Some(Bound::Lower)); // at least $8B went out, $38B came back
/// ```
pub fn round_trip(graph: &MoneyGraph<'_>, hops: &HopGraph, loop_hops: &[HopId]) -> RoundTrip {
    round_trip_of(graph, loop_hops.iter().map(|&h| hops.hop(h).deals))
}

/// [`round_trip`] over the given deals of each hop, in loop order (all of a hop's deals, or
/// only those of a time-ordered chain). `O(k·d·log D)`.
pub(super) fn round_trip_of<'a>(
    graph: &MoneyGraph<'_>,
    loop_deals: impl Iterator<Item = &'a [DealId]>,
) -> RoundTrip {
    combine_hops(loop_deals.map(|deals| hop_figure(graph, deals)), Vec::new())
}

/// What one hop's deals give the round trip of any loop through it: the deal whose figure
/// counts (largest known amount, the first in deal order among equals) and the hop's range.
#[derive(Clone, Copy, Debug)]
pub(super) struct HopFigure {
    best: Option<DealId>,
    range: Option<Range>,
}

/// The [`HopFigure`] of a hop's `deals`. `O(d·log D)`.
pub(super) fn hop_figure(graph: &MoneyGraph<'_>, deals: &[DealId]) -> HopFigure {
    let mut best: Option<(Money, DealId)> = None;
    let mut range: Option<Range> = None;
    for &d in deals {
        let Some(view) = graph.deal_view(d) else {
            continue;
        };
        let amount = view.report().amount;
        let Some(value) = amount.value else {
            continue;
        };
        if best.is_none_or(|(b, _)| value > b) {
            best = Some((value, d));
        }
        let r = Range::of(value, amount.qualifier);
        range = Some(match range {
            None => r,
            Some(acc) => Range {
                point: acc.point.max(r.point),
                lo: acc.lo.max(r.lo),
                hi: max_hi(acc.hi, r.hi),
                fuzzy: if r.point > acc.point {
                    r.fuzzy
                } else if r.point == acc.point {
                    acc.fuzzy || r.fuzzy
                } else {
                    acc.fuzzy
                },
            },
        });
    }
    HopFigure {
        best: best.map(|(_, d)| d),
        range,
    }
}

/// The round trip of a loop from its hops' figures, in loop order: the smallest range.
/// `hop_deals` is cleared and reused for [`RoundTrip::hop_deals`].
pub(super) fn combine_hops(
    figures: impl Iterator<Item = HopFigure>,
    mut hop_deals: Vec<Option<DealId>>,
) -> RoundTrip {
    hop_deals.clear();
    let mut total: Option<Range> = None;
    let mut limiting_hop = None;
    let mut unknown = false;
    for (i, figure) in figures.enumerate() {
        hop_deals.push(figure.best);
        let Some(r) = figure.range else {
            unknown = true;
            continue;
        };
        total = Some(match total {
            None => {
                limiting_hop = Some(i);
                r
            }
            Some(acc) => {
                if r.point < acc.point {
                    limiting_hop = Some(i);
                }
                Range {
                    point: acc.point.min(r.point),
                    lo: acc.lo.min(r.lo),
                    hi: min_hi(acc.hi, r.hi),
                    fuzzy: match r.point.cmp(&acc.point) {
                        Ordering::Less => r.fuzzy,
                        Ordering::Equal => acc.fuzzy || r.fuzzy,
                        Ordering::Greater => acc.fuzzy,
                    },
                }
            }
        });
    }
    match total {
        Some(range) if !unknown => RoundTrip {
            amount: Some(range.point),
            bound: Some(range.bound()),
            hop_deals,
            limiting_hop,
            low: Some(range.lo),
            high: range.hi,
            chain: None,
        },
        _ => RoundTrip {
            amount: None,
            bound: None,
            hop_deals,
            limiting_hop: None,
            low: None,
            high: None,
            chain: None,
        },
    }
}

/// How much of the financing comes back round.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReturnRatio {
    /// Round-trip amount ÷ financing amount (0.76 for 76%). For display only: the amounts
    /// themselves stay exact.
    pub value: f64,
    /// The financing deal divided by: the largest known investment or loan on the loop.
    pub financing: DealId,
}

/// The return ratio of a loop: its round-trip amount divided by the financing amount that
/// started it, taken as the largest known investment or loan deal anywhere on the loop (the
/// smallest deal id among equals). "At most $38B of Amazon's up-to-$50B comes back as AWS
/// revenue: 76%." The ratio is of the figures as reported; the round trip's [`Bound`] says how
/// far to trust it.
///
/// # Arguments
/// * `graph`, `hops`, `loop_hops`: as for [`round_trip`].
/// * `round_trip`: the loop's [`round_trip`].
///
/// # Returns
/// `None` when the round trip is unknown or a [`Bound::Range`] (one ratio of a range would be
/// a figure nobody reported), the loop has no financing deal with a known amount, or that
/// amount is zero. With [`Bound::Upper`] the ratio is at most its value, with
/// [`Bound::Lower`] at least.
///
/// # Complexity
/// `O(k·d·log D)` as [`round_trip`].
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{return_ratio, round_trip};
/// //   fund ──loan $4B──▶ lab ──cloud $1B──▶ fund
/// let csv = "from,to,kind,amount_usd,source\nfund,lab,loan,4e9,s\nlab,fund,cloud,1e9,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let hops = graph.hops();
/// let (fund, lab) = (loaded.dataset.by_id("fund").unwrap(), loaded.dataset.by_id("lab").unwrap());
/// let loop_hops = [hops.find(fund, lab).unwrap(), hops.find(lab, fund).unwrap()];
/// let trip = round_trip(&graph, &hops, &loop_hops);
/// assert_eq!(return_ratio(&graph, &hops, &loop_hops, &trip).unwrap().value, 0.25);
/// ```
pub fn return_ratio(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    loop_hops: &[HopId],
    round_trip: &RoundTrip,
) -> Option<ReturnRatio> {
    let deals = loop_hops
        .iter()
        .flat_map(|&h| hops.hop(h).deals.iter().copied());
    return_ratio_of(graph, deals, round_trip)
}

/// [`return_ratio`] over the given deals of the loop. `O(m·log D)` for `m` deals.
pub(super) fn return_ratio_of(
    graph: &MoneyGraph<'_>,
    deals: impl Iterator<Item = DealId>,
    round_trip: &RoundTrip,
) -> Option<ReturnRatio> {
    if round_trip.bound == Some(Bound::Range) {
        return None;
    }
    ratio_over(round_trip, largest_financing(graph, deals))
}

/// The largest known financing deal among `deals` (the smallest deal id among equals).
pub(super) fn largest_financing(
    graph: &MoneyGraph<'_>,
    deals: impl Iterator<Item = DealId>,
) -> Option<(Money, DealId)> {
    let mut best: Option<(Money, DealId)> = None;
    for d in deals {
        let Some(view) = graph.deal_view(d) else {
            continue;
        };
        if !view.deal.kind().is_financing() {
            continue;
        }
        if let Some(value) = view.report().amount.value {
            best = larger_financing(best, Some((value, d)));
        }
    }
    best
}

/// The larger of two financing figures: by amount, then the smaller deal id.
pub(super) fn larger_financing(
    a: Option<(Money, DealId)>,
    b: Option<(Money, DealId)>,
) -> Option<(Money, DealId)> {
    match (a, b) {
        (Some((x, xd)), Some((y, yd))) => Some(if y > x || (y == x && yd < xd) {
            (y, yd)
        } else {
            (x, xd)
        }),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The return ratio of `round_trip` over the financing figure `best`.
pub(super) fn ratio_over(
    round_trip: &RoundTrip,
    best: Option<(Money, DealId)>,
) -> Option<ReturnRatio> {
    if round_trip.bound == Some(Bound::Range) {
        return None;
    }
    let amount = round_trip.amount?;
    let (financing_amount, financing) = best?;
    Some(ReturnRatio {
        value: amount.ratio(financing_amount)?,
        financing,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::graph_of;
    use super::super::{CycleList, CycleOptions, SortKey, collect_cycles};
    use super::*;
    use crate::graph::Filter;

    /// The loops of the deals in `csv` (a CSV of deals), largest round trip first.
    fn loops_of(csv: &str) -> CycleList {
        let data = graph_of(csv);
        let graph = MoneyGraph::build(&data, Filter::today());
        let options = CycleOptions::default();
        collect_cycles(&graph, graph.hops(), &options, None, SortKey::Amount)
    }

    #[test]
    fn parallel_deals_form_one_hop_and_one_loop() {
        let list = loops_of(
            "from,to,kind,amount_usd,source\na,b,investment,5,s\na,b,loan,7,s\nb,a,cloud,3,s\nb,a,chips,4,s\n",
        );
        assert_eq!(list.cycles.len(), 1);
        let c = &list.cycles[0];
        assert_eq!(c.round_trip.amount, Money::from_dollars(4));
        assert_eq!(c.round_trip.bound, Some(Bound::Exact));
        // 4 back of the largest financing deal, the $7 loan.
        assert_eq!(c.ratio.unwrap().value, 4.0 / 7.0);
    }

    #[test]
    fn bounds_follow_the_qualifiers_that_decide_the_figure() {
        let bound = |out: &str, back: &str| {
            let csv = format!(
                "from,to,kind,amount_usd,amount_qualifier,source\na,b,investment,{out},s\nb,a,cloud,{back},s\n"
            );
            let list = loops_of(&csv);
            let trip = &list.cycles[0].round_trip;
            (trip.amount.map(|m| m.to_string()), trip.bound)
        };
        let some = |s: &str, b| (Some(s.to_string()), Some(b));
        assert_eq!(bound("50,up-to", "38,"), some("$38", Bound::Upper));
        assert_eq!(bound("50,", "38,up-to"), some("$38", Bound::Upper));
        assert_eq!(bound("8,at-least", "38,"), some("$8", Bound::Lower));
        // At least $40 out and exactly $38 back: exactly $38 comes round.
        assert_eq!(bound("40,at-least", "38,"), some("$38", Bound::Exact));
        // Up to $50 out, at least $38 back: anything from $0 to $50 comes round, a range.
        assert_eq!(bound("50,up-to", "38,at-least"), some("$38", Bound::Range));
        assert_eq!(bound("50,", "38,about"), some("$38", Bound::Approx));
        assert_eq!(bound("50,about", "38,"), some("$38", Bound::Exact));
        assert_eq!(bound("50,", ","), (None, None));
    }

    /// The issue's loop: at least $7.5, up to $100 and up to $22.4 on its hops is anywhere
    /// from $0 to $22.4, never "about $7.5".
    #[test]
    fn qualifiers_pulling_both_ways_give_a_range() {
        let list = loops_of(
            "from,to,kind,amount_usd,amount_qualifier,source\n\
             a,b,investment,7.5,at-least,s\nb,c,cloud,100,up-to,s\nc,a,chips,22.4,up-to,s\n",
        );
        let trip = &list.cycles[0].round_trip;
        assert_eq!(trip.bound, Some(Bound::Range));
        assert_eq!(trip.low, Some(Money::ZERO));
        assert_eq!(trip.high.map(|m| m.to_string()), Some("$22.40".to_string()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Every value the reports allow for the round trip lies in [low, high]: for random
        /// loops of 2 or 3 hops, one or two deals a hop, random figures and qualifiers, and a
        /// random real amount for each deal within what its qualifier allows.
        #[test]
        fn the_range_holds_every_value_the_reports_allow(
            deals in proptest::collection::vec((0usize..3, 1u32..100, 0usize..4, 0u32..=100), 2..7),
            three in proptest::bool::ANY,
        ) {
            let n = if three { 3 } else { 2 };
            let qualifiers = ["", "up-to", "at-least", "about"];
            let mut csv = String::from("from,to,kind,amount_usd,amount_qualifier,source\n");
            // Every hop gets a deal; the rest land on random hops.
            let mut chosen: Vec<(usize, u32, usize, u32)> =
                (0..n).map(|h| (h, 10, 0, 0)).collect();
            chosen.extend(deals.iter().map(|&(h, v, q, t)| (h % n, v, q, t)));
            for &(h, v, q, _) in &chosen {
                let kind = if h == 0 { "investment" } else { "cloud" };
                csv.push_str(&format!(
                    "e{h},e{},{kind},{v},{},s\n",
                    (h + 1) % n,
                    qualifiers[q]
                ));
            }
            let list = loops_of(&csv);
            let trip = &list.cycles[0].round_trip;
            // One consistent world: each deal's real amount, `t` percent of the way through
            // what its qualifier allows (at least: up to three times the figure).
            let real = |v: u32, q: usize, t: u32| -> f64 {
                let v = f64::from(v);
                let t = f64::from(t) / 100.0;
                match q {
                    1 => v * t,
                    2 => v + 2.0 * v * t,
                    _ => v,
                }
            };
            let round_trip = (0..n)
                .map(|h| {
                    chosen
                        .iter()
                        .filter(|d| d.0 == h)
                        .map(|&(_, v, q, t)| real(v, q, t))
                        .fold(0.0, f64::max)
                })
                .fold(f64::INFINITY, f64::min);
            let dollars = |m: Money| m.cents() as f64 / 100.0;
            let low = trip.low.map(dollars).unwrap();
            proptest::prop_assert!(low <= round_trip + 1e-9, "{low} > {round_trip}\n{csv}");
            if let Some(high) = trip.high.map(dollars) {
                proptest::prop_assert!(round_trip <= high + 1e-9, "{round_trip} > {high}\n{csv}");
            }
        }
    }
}
