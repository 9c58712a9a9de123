//! What a what-if changes: the same query on the data with the global filters (`--without`,
//! `--confirmed`, `--status`, `--as-of`…) and without them, compared. Loops lost and gained,
//! totals before and after, ranking moves. `render::diff` writes the results.

use std::collections::BTreeMap;

use crate::graph::MoneyGraph;
use crate::model::{Dataset, DealKind, EntityId};
use crate::query::cycles::{Cycle, CycleOptions, GradeCounts, SearchEnd, SortKey, collect_cycles};
use crate::query::stakeholders::Stakeholders;
use crate::query::stats::{LoopStats, Stats};
use crate::query::totals::{ByGrade, MoneyRange};

/// One figure before and after the filters.
#[derive(Clone, Debug, PartialEq)]
pub struct Change<T> {
    /// On the data with none of the filters.
    pub before: T,
    /// With the filters.
    pub after: T,
}

impl<T: PartialEq> Change<T> {
    pub fn new(before: T, after: T) -> Change<T> {
        Change { before, after }
    }

    /// The filters changed this figure.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// Loops with and without the filters: [`loop_diff`].
#[derive(Clone, Debug, PartialEq)]
pub struct LoopDiff {
    /// How many loops, by the grade each rests on.
    pub grades: Change<GradeCounts>,
    /// Loops only without the filters, with their figures there; in the order asked.
    pub lost: Vec<Cycle>,
    /// Loops only with the filters, with their figures there.
    pub gained: Vec<Cycle>,
    /// Loops on both sides whose round trip, ratio or grade the filters change.
    pub changed: Vec<Change<Cycle>>,
    /// The worse of the two searches' ends: unless complete, the lists are partial.
    pub end: SearchEnd,
}

impl LoopDiff {
    /// How many of the lost loops rest on each grade.
    pub fn lost_by_grade(&self) -> GradeCounts {
        let mut counts = GradeCounts::default();
        for c in &self.lost {
            counts.add(c.grade);
        }
        counts
    }
}

/// Compares the loops of `before` (the data with no filter) and `after` (with the filters),
/// matched by their entities in order (a loop is rotated to start at its smallest id on both
/// sides, so the same loop has the same key).
///
/// # Arguments
/// * `before`, `after`: graphs of the same dataset under two filters.
/// * `opts`: which loops, as for [`cycles`](crate::query::cycles::cycles); a deadline covers
///   both searches.
/// * `sort`: the order of the lost, gained and changed lists.
///
/// # Returns
/// [`LoopDiff`]. A loop's figures on each side are those of its own graph: a hop's deals,
/// statuses and amounts are those standing under that side's filter.
///
/// # Complexity
/// Two full loop searches ([`collect_cycles`] with no limit: memory grows with the loops,
/// `O(c·k)` for `c` loops of `k` hops), then `O(c log c)` to match them.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{CycleOptions, SortKey};
/// use dealgraph::query::diff::loop_diff;
/// //   fund ⇄ lab, fund ⇄ bank: what if the bank walked away?
/// let csv = "from,to,kind,source\nfund,lab,investment,s\nlab,fund,cloud,s\n\
///            fund,bank,loan,s\nbank,fund,revenue,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let mut without = Filter::today();
/// without.without.push(data.by_id("bank").unwrap());
/// let (before, after) = (MoneyGraph::build(data, Filter::today()), MoneyGraph::build(data, without));
/// let diff = loop_diff(&before, &after, &CycleOptions::default(), SortKey::Amount);
/// assert_eq!((diff.grades.before.total(), diff.grades.after.total()), (2, 1));
/// assert_eq!(data.entity(diff.lost[0].entities[0]).id, "bank");
/// assert!(diff.gained.is_empty() && diff.changed.is_empty());
/// ```
pub fn loop_diff(
    before: &MoneyGraph<'_>,
    after: &MoneyGraph<'_>,
    opts: &CycleOptions,
    sort: SortKey,
) -> LoopDiff {
    let old = collect_cycles(before, before.hops(), opts, None, sort);
    let new = collect_cycles(after, after.hops(), opts, None, sort);
    let index = |list: &[Cycle]| -> BTreeMap<Vec<EntityId>, usize> {
        list.iter()
            .enumerate()
            .map(|(i, c)| (c.entities.clone(), i))
            .collect()
    };
    let (old_at, new_at) = (index(&old.cycles), index(&new.cycles));
    let grades = |list: &[Cycle]| {
        let mut counts = GradeCounts::default();
        for c in list {
            counts.add(c.grade);
        }
        counts
    };
    let mut changed = Vec::new();
    for c in &old.cycles {
        if let Some(&j) = new_at.get(&c.entities) {
            let n = &new.cycles[j];
            if (&c.round_trip, c.ratio, c.grade) != (&n.round_trip, n.ratio, n.grade) {
                changed.push(Change::new(c.clone(), n.clone()));
            }
        }
    }
    let end = [old.end, new.end]
        .into_iter()
        .find(|e| *e != SearchEnd::Complete)
        .unwrap_or(SearchEnd::Complete);
    LoopDiff {
        grades: Change::new(grades(&old.cycles), grades(&new.cycles)),
        lost: old
            .cycles
            .iter()
            .filter(|c| !new_at.contains_key(&c.entities))
            .cloned()
            .collect(),
        gained: new
            .cycles
            .iter()
            .filter(|c| !old_at.contains_key(&c.entities))
            .cloned()
            .collect(),
        changed,
        end,
    }
}

/// One entity's stakeholders with and without the filters: [`stakeholder_diff`].
#[derive(Clone, Debug, PartialEq)]
pub struct StakeholderDiff {
    pub entity: EntityId,
    /// Everything paid to the entity, by grade.
    pub inflows: Change<ByGrade>,
    /// Everything it pays, by grade.
    pub outflows: Change<ByGrade>,
    /// The counterparties whose flows the filters change (lost ones have nothing after,
    /// gained ones nothing before), by entity id string.
    pub counterparties: Vec<CounterpartyChange>,
}

/// What one counterparty pays the entity and is paid by it, before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct CounterpartyChange {
    pub id: EntityId,
    pub inflow: Change<MoneyRange>,
    pub outflow: Change<MoneyRange>,
}

impl CounterpartyChange {
    /// No deal with the entity is left after the filters.
    pub fn lost(&self) -> bool {
        self.after_count() == 0
    }

    /// No deal with the entity was there before.
    pub fn gained(&self) -> bool {
        self.inflow.before.count + self.outflow.before.count == 0
    }

    fn after_count(&self) -> u32 {
        self.inflow.after.count + self.outflow.after.count
    }
}

/// Compares one entity's [`Stakeholders`] without the filters (`before`) and with them
/// (`after`): its totals, and every counterparty whose flows change.
///
/// # Complexity
/// `O(m log m)` for the `m` counterparties of both sides.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::diff::stakeholder_diff;
/// use dealgraph::query::stakeholders::{stakeholders, StakeholderOptions};
/// let csv = "from,to,kind,amount_usd,status,source\nfund,lab,investment,5e9,completed,s\n\
///            bank,lab,loan,1e9,rumored,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let lab = data.by_id("lab").unwrap();
/// let confirmed = Filter::today().at_grade(dealgraph::model::Grade::Confirmed);
/// let (before, after) = (MoneyGraph::build(data, Filter::today()), MoneyGraph::build(data, confirmed));
/// let o = StakeholderOptions::default();
/// let diff = stakeholder_diff(data, &stakeholders(&before, lab, &o), &stakeholders(&after, lab, &o));
/// assert_eq!(diff.inflows.before.total().to_string(), "$6B");
/// assert_eq!(diff.inflows.after.total().to_string(), "$5B");
/// assert!(diff.counterparties[0].lost()); // the bank's rumored loan
/// ```
pub fn stakeholder_diff(
    data: &Dataset,
    before: &Stakeholders<'_>,
    after: &Stakeholders<'_>,
) -> StakeholderDiff {
    let mut by_id: BTreeMap<&str, CounterpartyChange> = BTreeMap::new();
    for (side, is_before) in [(before, true), (after, false)] {
        for e in &side.exposure {
            let c = by_id
                .entry(data.entity(e.id).id.as_str())
                .or_insert_with(|| empty_change(e.id));
            let (inflow, outflow) = if is_before {
                (&mut c.inflow.before, &mut c.outflow.before)
            } else {
                (&mut c.inflow.after, &mut c.outflow.after)
            };
            (*inflow, *outflow) = (e.inflow, e.outflow);
        }
    }
    StakeholderDiff {
        entity: before.entity,
        inflows: Change::new(before.inflows_by_grade, after.inflows_by_grade),
        outflows: Change::new(before.outflows_by_grade, after.outflows_by_grade),
        counterparties: by_id
            .into_values()
            .filter(|c| c.inflow.changed() || c.outflow.changed())
            .collect(),
    }
}

fn empty_change(id: EntityId) -> CounterpartyChange {
    CounterpartyChange {
        id,
        inflow: Change::new(MoneyRange::new(), MoneyRange::new()),
        outflow: Change::new(MoneyRange::new(), MoneyRange::new()),
    }
}

/// The rankings of `stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ranking {
    /// Money received.
    Received,
    /// Money paid.
    Paid,
    /// Number of counterparties.
    Counterparties,
    /// Loops an entity sits on.
    Loops,
}

impl Ranking {
    /// `received`, `paid`, `counterparties`, `loops`, as in the JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Ranking::Received => "received",
            Ranking::Paid => "paid",
            Ranking::Counterparties => "counterparties",
            Ranking::Loops => "loops",
        }
    }
}

/// An entity whose place in a top list the filters change: rank from 1, `None` when it is not
/// in the top list on that side.
#[derive(Clone, Debug, PartialEq)]
pub struct RankChange {
    pub ranking: Ranking,
    pub id: EntityId,
    pub rank: Change<Option<usize>>,
}

/// `stats` with and without the filters: [`stats_diff`].
#[derive(Clone, Debug, PartialEq)]
pub struct StatsDiff {
    pub deals: Change<usize>,
    /// Entities in at least one deal.
    pub active_entities: Change<usize>,
    /// All money, by grade.
    pub money: Change<ByGrade>,
    /// Money by deal kind, every kind.
    pub money_by_kind: Vec<(DealKind, Change<MoneyRange>)>,
    pub loops: Change<LoopStats>,
    /// Moves in the top lists, by ranking, then the better rank of the two sides.
    pub rankings: Vec<RankChange>,
}

/// Compares [`Stats`] without the filters (`before`) and with them (`after`): counts, money
/// and loops before and after, and every move in the top lists. `O(t log t)` for `t` ranked
/// entities.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::diff::{stats_diff, Ranking};
/// use dealgraph::query::stats::{stats, StatsOptions};
/// let csv = "from,to,kind,amount_usd,status,source\nfund,lab,investment,5e9,completed,s\n\
///            bank,cloud,loan,9e9,rumored,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let confirmed = Filter::today().at_grade(dealgraph::model::Grade::Confirmed);
/// let o = StatsOptions::default();
/// let before = stats(&MoneyGraph::build(data, Filter::today()), &o);
/// let after = stats(&MoneyGraph::build(data, confirmed), &o);
/// let diff = stats_diff(&before, &after);
/// assert_eq!((diff.deals.before, diff.deals.after), (2, 1));
/// // The lab was second to the cloud's $9B; with confirmed deals alone it is first.
/// let lab = data.by_id("lab").unwrap();
/// let moved = diff.rankings.iter().find(|r| r.ranking == Ranking::Received && r.id == lab).unwrap();
/// assert_eq!((moved.rank.before, moved.rank.after), (Some(2), Some(1)));
/// ```
pub fn stats_diff(before: &Stats, after: &Stats) -> StatsDiff {
    let money_by_kind = before
        .money_by_kind
        .iter()
        .map(|(kind, b)| {
            let a = after
                .money_by_kind
                .iter()
                .find(|(k, _)| k == kind)
                .map_or(MoneyRange::new(), |(_, a)| *a);
            (*kind, Change::new(*b, a))
        })
        .collect();
    let ids = |list: &[crate::query::stats::Ranked]| list.iter().map(|r| r.id).collect();
    let mut rankings = Vec::new();
    let lists: [(Ranking, Vec<EntityId>, Vec<EntityId>); 4] = [
        (
            Ranking::Received,
            ids(&before.top_inflow),
            ids(&after.top_inflow),
        ),
        (
            Ranking::Paid,
            ids(&before.top_outflow),
            ids(&after.top_outflow),
        ),
        (
            Ranking::Counterparties,
            pairs_of(&before.top_counterparties),
            pairs_of(&after.top_counterparties),
        ),
        (
            Ranking::Loops,
            pairs_of(&before.loops.top_entities),
            pairs_of(&after.loops.top_entities),
        ),
    ];
    for (ranking, old, new) in lists {
        rankings.extend(rank_moves(ranking, &old, &new));
    }
    StatsDiff {
        deals: Change::new(before.deals, after.deals),
        active_entities: Change::new(before.active_entities, after.active_entities),
        money: Change::new(before.money_by_grade, after.money_by_grade),
        money_by_kind,
        loops: Change::new(before.loops.clone(), after.loops.clone()),
        rankings,
    }
}

fn pairs_of<N>(list: &[(EntityId, N)]) -> Vec<EntityId> {
    list.iter().map(|p| p.0).collect()
}

/// Every entity whose rank differs between two top lists, by its better rank.
fn rank_moves(ranking: Ranking, old: &[EntityId], new: &[EntityId]) -> Vec<RankChange> {
    let rank = |list: &[EntityId], id: EntityId| list.iter().position(|&e| e == id).map(|i| i + 1);
    let mut moves: Vec<RankChange> = Vec::new();
    for &id in old.iter().chain(new) {
        if moves.iter().any(|m| m.id == id) {
            continue;
        }
        let change = Change::new(rank(old, id), rank(new, id));
        if change.changed() {
            moves.push(RankChange {
                ranking,
                id,
                rank: change,
            });
        }
    }
    let best = |m: &RankChange| {
        [m.rank.before, m.rank.after]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(usize::MAX)
    };
    moves.sort_by_key(best);
    moves
}
