//! Who has a stake in an entity, and how exposed it is to them: its counterparties grouped by
//! role, each with its deals and their total; each counterparty's share of the entity's
//! recorded inflows and outflows; investors of investors with look-through stakes; and the
//! vendor-financing ratio (how much of what the entity invests or lends comes back to it as
//! revenue).
//!
//! Definitions (also in docs/queries.md):
//! - **Roles**, by deal kind and direction. Paid *to* the entity: investment → investor,
//!   cloud/chips/revenue → customer, loan → lender. Paid *by* the entity: investment →
//!   investee, cloud/chips/revenue → supplier, loan → borrower. `other` deals either way →
//!   other. A counterparty with deals of several roles is listed in each ([`Role`]).
//! - **Totals** are exact ranges ([`MoneyRange`]), each also split by the evidence grade of
//!   its deals ([`ByGrade`]); **shares** compare stated figures (face value, undisclosed
//!   amounts left out) and always come with what they are a share of.
//! - **Indirect investors** within depth `N`: every entity with a chain of investment deals
//!   `X → … → entity` of 2 to `N` hops that visits no entity twice. Its **look-through stake**
//!   multiplies the stakes along each chain and sums over all its chains of 1 to `N` hops
//!   ([`lookthrough_stake`]).
//! - **Vendor financing** within depth `N`: the money the entity invests in or lends to
//!   counterparties `C`, against the non-financing deals (cloud, chips, revenue, other) paid
//!   back to the entity by entities reachable from `C` within `N − 1` hops without passing
//!   through the entity, i.e. closing a circular-financing loop of at most `N + 1` hops that
//!   starts with the entity's own financing ([`vendor_financing`]).

mod groups;
mod indirect;
mod neighbourhood;
mod vendor;

use crate::graph::MoneyGraph;
use crate::model::EntityId;
use crate::query::totals::{ByGrade, MoneyRange};

pub use groups::{Counterparty, Exposure, Group, Role};
pub use indirect::{
    Chain, IndirectInvestor, IndirectInvestors, direct_stake, indirect_investors, lookthrough_stake,
};
pub use vendor::{Returning, VendorFinancing, vendor_financing};

use neighbourhood::{Neighbourhood, PARALLEL_FROM};

/// How far [`stakeholders`] looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakeholderOptions {
    /// Longest investment chain for indirect investors, and `depth + 1` is the longest loop
    /// for vendor financing. Default 1: direct only.
    pub depth: usize,
    /// Most investment chains to follow before giving up (chains can be exponential).
    /// Default 10 000.
    pub max_chains: usize,
}

impl Default for StakeholderOptions {
    fn default() -> Self {
        StakeholderOptions {
            depth: 1,
            max_chains: 10_000,
        }
    }
}

/// The result of [`stakeholders`].
#[derive(Clone, Debug)]
pub struct Stakeholders<'d> {
    pub entity: EntityId,
    pub depth: usize,
    /// One group per [`Role`], in [`Role::ALL`] order, empty groups included.
    pub groups: Vec<Group<'d>>,
    /// Everything paid to the entity.
    pub inflows: MoneyRange,
    /// Everything paid by the entity.
    pub outflows: MoneyRange,
    /// `inflows` split by the grade of each deal: how much is confirmed, in talks, rumored or
    /// inferred.
    pub inflows_by_grade: ByGrade,
    /// `outflows` split by the grade of each deal.
    pub outflows_by_grade: ByGrade,
    /// Per counterparty over all roles, sorted by entity id string.
    pub exposure: Vec<Exposure>,
    pub indirect: IndirectInvestors,
    pub vendor_financing: VendorFinancing<'d>,
}

impl Stakeholders<'_> {
    /// The group of `role`.
    pub fn group(&self, role: Role) -> &Group<'_> {
        &self.groups[Role::ALL.iter().position(|&r| r == role).unwrap_or(0)]
    }

    /// `part.stated / inflows.stated`; `None` when `part` states no figure (nothing paid in,
    /// or only undisclosed amounts: its share is unknown, not zero) or no inflow is stated.
    pub fn share_of_inflows(&self, part: &MoneyRange) -> Option<f64> {
        (!part.is_unknown())
            .then(|| self.inflows.share(part))
            .flatten()
    }

    /// `part.stated / outflows.stated`; `None` when `part` states no figure or no outflow
    /// is stated.
    pub fn share_of_outflows(&self, part: &MoneyRange) -> Option<f64> {
        (!part.is_unknown())
            .then(|| self.outflows.share(part))
            .flatten()
    }
}

/// Everyone with a stake in `entity`, grouped by role, with exposure, indirect investors and
/// the vendor-financing ratio.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph (as-of, statuses, `--without`... already applied).
/// * `entity`: whose stakeholders; an entity taken out of the graph has none.
/// * `options`: depth for indirect investors and vendor financing, and a chain limit.
///
/// # Returns
/// [`Stakeholders`]: seven groups (empty ones included), members sorted by entity id string,
/// deals by deal id string; totals as exact ranges.
///
/// # Complexity
/// `O(d log d)` for the `d` deals of `entity`, after finding them: one scan of all `D` deals
/// unless the graph's per-entity index is already built ([`MoneyGraph::neighbourhood`]). From depth 2, `O(n + e)` for the hop graph (built once per graph) and
/// the vendor-financing search over `n` entities and `e` hops, and indirect investors,
/// `O(c · depth)` for the `c ≤ max_chains` investment chains followed.
///
/// # Example
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::stakeholders::{stakeholders, Role, StakeholderOptions};
///
/// //   fund ──investment $10B──▶ lab ──cloud $4B──▶ cloud
/// //                              ▲                   │
/// //                              └─investment ≤ $2B──┘
/// let csv = "from,to,kind,amount_usd,amount_qualifier,source\n\
///            fund,lab,investment,1e10,,a\n\
///            lab,cloud,cloud,4e9,,a\n\
///            cloud,lab,investment,2e9,up-to,a\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let graph = MoneyGraph::build(data, Filter::today());
/// let lab = data.resolve("lab").unwrap();
/// let s = stakeholders(&graph, lab, &StakeholderOptions::default());
/// let ids = |role| -> Vec<&str> {
///     s.group(role).members.iter().map(|m| data.entity(m.id).id.as_str()).collect()
/// };
/// assert_eq!(ids(Role::Investor), ["cloud", "fund"]);
/// assert_eq!(ids(Role::Supplier), ["cloud"]); // cloud is in two groups
/// assert_eq!(s.inflows.to_string(), "$10B – $12B");
/// let fund = &s.group(Role::Investor).members[1];
/// assert_eq!(s.share_of_inflows(&fund.inflow), Some(10.0 / 12.0));
/// ```
pub fn stakeholders<'d>(
    graph: &MoneyGraph<'d>,
    entity: EntityId,
    options: &StakeholderOptions,
) -> Stakeholders<'d> {
    stakeholders_split(graph, entity, options, PARALLEL_FROM)
}

/// [`stakeholders`], with the work split over two threads from `parallel_from` deals.
fn stakeholders_split<'d>(
    graph: &MoneyGraph<'d>,
    entity: EntityId,
    options: &StakeholderOptions,
    parallel_from: usize,
) -> Stakeholders<'d> {
    let near = Neighbourhood::of(graph, entity, parallel_from);
    let (groups, inflows_by_grade, outflows_by_grade) = groups::groups(&near);
    let exposure = groups::exposure(&near.counterparties, &groups);
    // Hops are only needed to look further than the direct counterparties.
    let vendor = if options.depth >= 2 {
        near.vendor_financing(Some(graph.hops()), options.depth)
    } else {
        near.vendor_financing(None, options.depth)
    };
    Stakeholders {
        entity,
        depth: options.depth,
        groups,
        inflows: inflows_by_grade.total(),
        outflows: outflows_by_grade.total(),
        inflows_by_grade,
        outflows_by_grade,
        exposure,
        indirect: indirect_investors(graph, entity, options.depth, options.max_chains),
        vendor_financing: vendor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{DealView, Filter};
    use crate::load::{LoadOptions, load_str};
    use crate::model::Dataset;

    pub(super) fn filter() -> Filter {
        Filter::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"))
    }

    pub(super) fn load(csv: &str) -> Dataset {
        let options = LoadOptions {
            auto_entities: true,
            ..LoadOptions::default()
        };
        load_str("deals.csv", csv, options).expect("loads").dataset
    }

    pub(super) fn ids(data: &Dataset, list: &[EntityId]) -> Vec<String> {
        list.iter()
            .map(|&e| data.entity(e).id.to_string())
            .collect()
    }

    /// What a [`Stakeholders`] says, as plain values: members with their deal ids and totals,
    /// exposure, and who pays back.
    fn said(data: &Dataset, s: &Stakeholders<'_>) -> Vec<String> {
        let mut out = vec![format!("in {} out {}", s.inflows, s.outflows)];
        let deal_ids = |deals: &[DealView<'_>]| -> Vec<String> {
            deals.iter().map(|v| v.deal.id().to_string()).collect()
        };
        for g in &s.groups {
            for m in &g.members {
                let id = &data.entity(m.id).id;
                let deals = deal_ids(&m.deals);
                out.push(format!(
                    "{:?} {id} {deals:?} {:?} {:?}",
                    g.role, m.inflow, m.outflow
                ));
            }
        }
        for e in &s.exposure {
            out.push(format!(
                "{} {:?} {:?}",
                data.entity(e.id).id,
                e.inflow,
                e.outflow
            ));
        }
        let v = &s.vendor_financing;
        out.push(format!(
            "{} {} {:?}",
            v.invested,
            v.returned,
            ids(data, &v.financed)
        ));
        for r in &v.returning {
            let id = &data.entity(r.id).id;
            out.push(format!(
                "{id} {} {:?}",
                r.hops_from_financed,
                deal_ids(&r.deals)
            ));
        }
        out
    }

    #[test]
    fn a_hub_read_on_two_threads_comes_out_as_on_one() {
        let data = crate::generate::loaded_deals(300, 5_000, 3);
        let as_of = chrono::NaiveDate::from_ymd_opt(2100, 1, 1).expect("date");
        let graph = MoneyGraph::build(&data, Filter::new(as_of));
        let hub = data.resolve("e0").expect("e0");
        let deals = graph.incoming(hub).len() + graph.outgoing(hub).len();
        assert!(
            deals >= 8 * 2,
            "a hub with {deals} deals splits into halves worth testing"
        );
        for depth in [1, 2] {
            let options = StakeholderOptions {
                depth,
                ..StakeholderOptions::default()
            };
            let one = stakeholders_split(&graph, hub, &options, usize::MAX);
            let two = stakeholders_split(&graph, hub, &options, 8);
            assert_eq!(said(&data, &one), said(&data, &two), "depth {depth}");
        }
    }

    #[test]
    fn a_counterparty_in_two_roles_is_listed_in_both() {
        let data = load(
            "from,to,kind,amount_usd,amount_qualifier,source\n\
             amazon,openai,investment,5e10,up-to,s\nopenai,amazon,cloud,3.8e10,,s\n",
        );
        let graph = MoneyGraph::build(&data, filter());
        let s = stakeholders(
            &graph,
            data.resolve("openai").unwrap(),
            &StakeholderOptions::default(),
        );
        assert_eq!(s.group(Role::Investor).members.len(), 1);
        assert_eq!(s.group(Role::Supplier).members.len(), 1);
        assert_eq!(
            s.group(Role::Supplier).members[0].total().to_string(),
            "$38B"
        );
        assert_eq!(s.exposure.len(), 1);
        assert_eq!(s.vendor_financing.invested.count, 0);
        assert_eq!(s.vendor_financing.ratio(), None);
        let amazon = stakeholders(
            &graph,
            data.resolve("amazon").unwrap(),
            &StakeholderOptions::default(),
        );
        assert_eq!(amazon.vendor_financing.ratio(), Some(0.76));
    }

    #[test]
    fn an_entity_left_out_has_no_stakeholders() {
        let data = load("from,to,kind,source\na,b,investment,s\n");
        let mut f = filter();
        f.without = vec![data.resolve("b").unwrap()];
        let graph = MoneyGraph::build(&data, f);
        let s = stakeholders(
            &graph,
            data.resolve("b").unwrap(),
            &StakeholderOptions {
                depth: 3,
                max_chains: 10,
            },
        );
        assert!(s.groups.iter().all(|g| g.members.is_empty()));
        assert!(s.indirect.investors.is_empty());
    }
}
