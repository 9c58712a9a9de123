//! The counterparties of an entity grouped by role (investors, customers, lenders and their
//! mirror images, other deals), each with its deals and totals, and the exposure to each
//! counterparty over all its roles.

use crate::graph::DealView;
use crate::model::{DealKind, EntityId};
use crate::query::totals::{ByGrade, MoneyRange};

use super::neighbourhood::{Neighbourhood, Side};

/// A counterparty's role towards the entity, by deal kind and direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Invests in the entity.
    Investor,
    /// The entity invests in it.
    Investee,
    /// Pays the entity for cloud, chips or other revenue.
    Customer,
    /// The entity pays it for cloud, chips or other revenue.
    Supplier,
    /// Lends to the entity.
    Lender,
    /// The entity lends to it.
    Borrower,
    /// `other` deals, either way.
    Other,
}

impl Role {
    /// Every role, in output order.
    pub const ALL: [Role; 7] = [
        Role::Investor,
        Role::Investee,
        Role::Customer,
        Role::Supplier,
        Role::Lender,
        Role::Borrower,
        Role::Other,
    ];

    /// The role of the counterparty of a `kind` deal that is paid to the entity
    /// (`incoming`) or by it.
    ///
    /// ```
    /// use dealgraph::model::DealKind;
    /// use dealgraph::query::stakeholders::Role;
    /// assert_eq!(Role::of(DealKind::Investment, true), Role::Investor);
    /// assert_eq!(Role::of(DealKind::Cloud, false), Role::Supplier);
    /// ```
    pub fn of(kind: DealKind, incoming: bool) -> Role {
        match (kind, incoming) {
            (DealKind::Investment, true) => Role::Investor,
            (DealKind::Investment, false) => Role::Investee,
            (DealKind::Cloud | DealKind::Chips | DealKind::Revenue, true) => Role::Customer,
            (DealKind::Cloud | DealKind::Chips | DealKind::Revenue, false) => Role::Supplier,
            (DealKind::Loan, true) => Role::Lender,
            (DealKind::Loan, false) => Role::Borrower,
            (DealKind::Other, _) => Role::Other,
        }
    }

    /// The group's key in JSON: `investors`, `investees`, `customers`, `suppliers`, `lenders`,
    /// `borrowers`, `other`.
    pub fn group_key(self) -> &'static str {
        match self {
            Role::Investor => "investors",
            Role::Investee => "investees",
            Role::Customer => "customers",
            Role::Supplier => "suppliers",
            Role::Lender => "lenders",
            Role::Borrower => "borrowers",
            Role::Other => "other",
        }
    }

    /// The group's title in tables: "Investors (invest in it)".
    pub fn title(self) -> &'static str {
        match self {
            Role::Investor => "Investors (invest in it)",
            Role::Investee => "Investees (it invests in them)",
            Role::Customer => "Customers (pay it for cloud, chips or services)",
            Role::Supplier => "Suppliers (it pays them for cloud, chips or services)",
            Role::Lender => "Lenders (lend to it)",
            Role::Borrower => "Borrowers (it lends to them)",
            Role::Other => "Other deals",
        }
    }
}

/// One counterparty in one role: the deals that put it there and their totals.
#[derive(Clone, Debug)]
pub struct Counterparty<'d> {
    pub id: EntityId,
    pub role: Role,
    /// Sorted by deal id string.
    pub deals: Vec<DealView<'d>>,
    /// Those of `deals` paid to the entity.
    pub inflow: MoneyRange,
    /// Those of `deals` paid by the entity.
    pub outflow: MoneyRange,
    /// `inflow` split by the grade of each deal.
    pub inflow_by_grade: ByGrade,
    /// `outflow` split by the grade of each deal.
    pub outflow_by_grade: ByGrade,
}

impl Counterparty<'_> {
    /// All of `deals` (standing amounts): the inflow and the outflow together.
    pub fn total(&self) -> MoneyRange {
        let mut total = self.inflow;
        total.merge(&self.outflow);
        total
    }

    /// [`Counterparty::total`] split by the grade of each deal.
    pub fn total_by_grade(&self) -> ByGrade {
        let mut total = self.inflow_by_grade;
        total.merge(&self.outflow_by_grade);
        total
    }
}

/// The counterparties of one role, sorted by entity id string.
#[derive(Clone, Debug)]
pub struct Group<'d> {
    pub role: Role,
    pub members: Vec<Counterparty<'d>>,
}

/// Everything one counterparty pays the entity and is paid by it, over all roles.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposure {
    pub id: EntityId,
    pub inflow: MoneyRange,
    pub outflow: MoneyRange,
    /// `inflow` split by the grade of each deal.
    pub inflow_by_grade: ByGrade,
    /// `outflow` split by the grade of each deal.
    pub outflow_by_grade: ByGrade,
}

/// The entity's deals sorted into one group per role (in [`Role::ALL`] order), members by
/// entity id string and their deals by deal id string, with the entity's inflows and outflows
/// split by grade.
pub(super) fn groups<'d>(near: &Neighbourhood<'d>) -> (Vec<Group<'d>>, ByGrade, ByGrade) {
    // Every deal once per side, keyed by (role, counterparty rank, deal rank) and carrying its
    // place in `near.deals`: one integer sort puts them in output order, members grouped,
    // deals sorted by id string.
    let mut order: Vec<u128> = near
        .deals
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let role = Role::of(d.kind, d.incoming) as u128;
            let rank = u128::from(near.deal_rank[i]);
            role << 96 | u128::from(d.counterparty) << 64 | rank << 32 | i as u128
        })
        .collect();
    order.sort_unstable();
    // Gathered in a loop of their own, so that the reads overlap.
    let sides: Vec<Side<'d>> = order
        .iter()
        .map(|&key| near.deals[key as u32 as usize])
        .collect();
    let member_of = |key: u128| ((key >> 96) as usize, (key >> 64) as u32);
    // Runs of one (role, counterparty) are the members.
    let mut runs: Vec<(usize, u32, std::ops::Range<usize>)> = Vec::new();
    for (at, &key) in order.iter().enumerate() {
        let (role, rank) = member_of(key);
        match runs.last_mut() {
            Some((r, c, range)) if (*r, *c) == (role, rank) => range.end = at + 1,
            _ => runs.push((role, rank, at..at + 1)),
        }
    }
    let mut sizes = [0usize; Role::ALL.len()];
    for &(role, _, _) in &runs {
        sizes[role] += 1;
    }
    let mut groups: Vec<Group<'d>> = Role::ALL
        .iter()
        .map(|&role| Group {
            role,
            members: Vec::with_capacity(sizes[role as usize]),
        })
        .collect();
    let mut inflows = ByGrade::new();
    let mut outflows = ByGrade::new();
    for (role, rank, range) in runs {
        let mut member = Counterparty {
            id: near.counterparties[rank as usize],
            role: Role::ALL[role],
            deals: Vec::with_capacity(range.len()),
            inflow: MoneyRange::new(),
            outflow: MoneyRange::new(),
            inflow_by_grade: ByGrade::new(),
            outflow_by_grade: ByGrade::new(),
        };
        for d in &sides[range] {
            if d.incoming {
                member.inflow_by_grade.add(d.grade, &d.amount);
            } else {
                member.outflow_by_grade.add(d.grade, &d.amount);
            }
            member.deals.push(d.view);
        }
        member.inflow = member.inflow_by_grade.total();
        member.outflow = member.outflow_by_grade.total();
        inflows.merge(&member.inflow_by_grade);
        outflows.merge(&member.outflow_by_grade);
        groups[role].members.push(member);
    }
    (groups, inflows, outflows)
}

/// Each counterparty's inflow and outflow over all its roles, in the order of
/// `counterparties`, which is the order of each group's members too: one merge of the groups
/// (writing each total where a counterparty's roles are added up as they come would be a
/// cache miss per deal for a hub).
pub(super) fn exposure(counterparties: &[EntityId], groups: &[Group<'_>]) -> Vec<Exposure> {
    let mut next = vec![0usize; groups.len()];
    counterparties
        .iter()
        .map(|&id| {
            let mut e = Exposure {
                id,
                inflow: MoneyRange::new(),
                outflow: MoneyRange::new(),
                inflow_by_grade: ByGrade::new(),
                outflow_by_grade: ByGrade::new(),
            };
            for (group, at) in groups.iter().zip(&mut next) {
                if let Some(m) = group.members.get(*at).filter(|m| m.id == id) {
                    e.inflow_by_grade.merge(&m.inflow_by_grade);
                    e.outflow_by_grade.merge(&m.outflow_by_grade);
                    *at += 1;
                }
            }
            e.inflow = e.inflow_by_grade.total();
            e.outflow = e.outflow_by_grade.total();
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::super::tests::filter;
    use super::super::{StakeholderOptions, stakeholders};
    use super::*;
    use crate::graph::MoneyGraph;
    use crate::query::testgen::{build, dataset_parts, dot};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn groups_are_the_direct_neighbours_by_role((n, deals) in dataset_parts(14), pick in 0usize..7) {
            let data = build(n, &deals);
            let graph = MoneyGraph::build(&data, filter());
            let entity = EntityId((pick % n) as u32);
            let s = stakeholders(&graph, entity, &StakeholderOptions::default());
            // Expected: role → counterparty → deal ids, straight from the deal list.
            let mut expected: BTreeMap<Role, BTreeMap<EntityId, BTreeSet<String>>> = BTreeMap::new();
            for d in data.deals() {
                let (other, incoming) = if d.to() == entity {
                    (d.from(), true)
                } else if d.from() == entity {
                    (d.to(), false)
                } else {
                    continue;
                };
                expected.entry(Role::of(d.kind(), incoming)).or_default()
                    .entry(other).or_default().insert(d.id().to_string());
            }
            for group in &s.groups {
                let got: BTreeMap<EntityId, BTreeSet<String>> = group.members.iter()
                    .map(|m| (m.id, m.deals.iter().map(|v| v.deal.id().to_string()).collect()))
                    .collect();
                let want = expected.remove(&group.role).unwrap_or_default();
                prop_assert_eq!(&got, &want, "{:?} of {}\n{}", group.role, data.entity(entity).id, dot(&data));
                // Members sorted by id string, deals by deal id string.
                let member_ids: Vec<&str> = group.members.iter().map(|m| data.entity(m.id).id.as_str()).collect();
                prop_assert!(member_ids.is_sorted());
                for m in &group.members {
                    prop_assert!(m.deals.iter().map(|v| v.deal.id()).is_sorted());
                    let total = MoneyRange::of(m.deals.iter().map(|v| v.report().amount));
                    prop_assert_eq!(m.total(), total);
                    for (grade, part) in m.total_by_grade().parts() {
                        let want = MoneyRange::of(m.deals.iter().filter(|v| v.grade() == grade).map(|v| v.report().amount));
                        prop_assert_eq!(*part, want, "{:?}", grade);
                    }
                }
            }
            let inflow = MoneyRange::of(data.deals().filter(|d| d.to() == entity).map(|d| d.report(0).amount));
            prop_assert_eq!(s.inflows, inflow);
            let mut exposure_in = MoneyRange::new();
            for e in &s.exposure {
                exposure_in.merge(&e.inflow);
            }
            prop_assert_eq!(exposure_in, inflow);
        }
    }
}
