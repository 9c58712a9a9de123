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
//! - **Totals** are exact ranges ([`MoneyRange`]); **shares** compare stated figures (face
//!   value, undisclosed amounts left out) and always come with what they are a share of.
//! - **Indirect investors** within depth `N`: every entity with a chain of investment deals
//!   `X → … → entity` of 2 to `N` hops that visits no entity twice. Its **look-through stake**
//!   multiplies the stakes along each chain and sums over all its chains of 1 to `N` hops
//!   ([`lookthrough_stake`]).
//! - **Vendor financing** within depth `N`: the money the entity invests in or lends to
//!   counterparties `C`, against the non-financing deals (cloud, chips, revenue, other) paid
//!   back to the entity by entities reachable from `C` within `N − 1` hops without passing
//!   through the entity, i.e. closing a circular-financing loop of at most `N + 1` hops that
//!   starts with the entity's own financing ([`vendor_financing`]).

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::graph::{DealView, HopGraph, MoneyGraph};
use crate::model::{DealKind, EntityId};
use crate::query::totals::MoneyRange;

/// One counterparty in one role, with its deals (and whether each is paid to the entity).
type MemberDeals<'d> = ((Role, EntityId), Vec<(bool, DealView<'d>)>);

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
    /// All of `deals` (standing amounts).
    pub total: MoneyRange,
    /// Those of `deals` paid to the entity.
    pub inflow: MoneyRange,
    /// Those of `deals` paid by the entity.
    pub outflow: MoneyRange,
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
}

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

/// Entities reached back from the entity's own financing, paying it back.
#[derive(Clone, Debug)]
pub struct Returning<'d> {
    /// Who pays the entity back.
    pub id: EntityId,
    /// Hops from the nearest financed counterparty to it (0: a financed counterparty itself).
    pub hops_from_financed: usize,
    /// Its non-financing deals paying the entity, sorted by deal id string.
    pub deals: Vec<DealView<'d>>,
}

/// The vendor-financing ratio of an entity; see [`vendor_financing`].
#[derive(Clone, Debug)]
pub struct VendorFinancing<'d> {
    /// Loops of up to `depth + 1` hops were followed.
    pub depth: usize,
    /// The entity's own investment and loan deals.
    pub invested: MoneyRange,
    /// Who it invested in or lent to, in entity id string order.
    pub financed: Vec<EntityId>,
    /// Non-financing money back from `financed` and from entities they reach within
    /// `depth − 1` hops.
    pub returned: MoneyRange,
    /// The part of `returned` paid directly by `financed`.
    pub returned_direct: MoneyRange,
    /// Who pays it back, nearest first, then entity id string.
    pub returning: Vec<Returning<'d>>,
}

impl VendorFinancing<'_> {
    /// `returned / invested` on stated figures; `None` when nothing stated was invested.
    pub fn ratio(&self) -> Option<f64> {
        self.invested.share(&self.returned)
    }
}

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
/// `O(d log d)` for the `d` deals of `entity`; `O(n + e)` for the hop graph and the
/// vendor-financing search over `n` entities and `e` hops; indirect investors are
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
    let data = graph.dataset();
    // Keyed by entity index while collecting (no string copies per deal); sorted by id string
    // once at the end, for deterministic output.
    let mut members: HashMap<(Role, EntityId), Vec<(bool, DealView<'d>)>> = HashMap::new();
    let mut exposure: HashMap<EntityId, (MoneyRange, MoneyRange)> = HashMap::new();
    let mut inflows = MoneyRange::new();
    let mut outflows = MoneyRange::new();
    let sides = [
        (true, graph.incoming(entity)),
        (false, graph.outgoing(entity)),
    ];
    for (incoming, views) in sides {
        for view in views {
            let other = if incoming {
                view.deal.from
            } else {
                view.deal.to
            };
            let role = Role::of(view.deal.kind, incoming);
            members
                .entry((role, other))
                .or_default()
                .push((incoming, view));
            let (inflow, outflow) = exposure
                .entry(other)
                .or_insert_with(|| (MoneyRange::new(), MoneyRange::new()));
            if incoming {
                inflow.add(&view.report.amount);
                inflows.add(&view.report.amount);
            } else {
                outflow.add(&view.report.amount);
                outflows.add(&view.report.amount);
            }
        }
    }
    let id_of = |e: EntityId| data.entity(e).id.as_str();
    let mut members: Vec<MemberDeals<'d>> = members.into_iter().collect();
    members.sort_unstable_by(|((ra, a), _), ((rb, b), _)| {
        ra.cmp(rb)
            .then_with(|| id_of(*a).cmp(id_of(*b)))
            .then(a.cmp(b))
    });
    let mut exposure: Vec<(EntityId, (MoneyRange, MoneyRange))> = exposure.into_iter().collect();
    exposure.sort_unstable_by(|(a, _), (b, _)| id_of(*a).cmp(id_of(*b)).then(a.cmp(b)));
    let mut groups: Vec<Group<'d>> = Role::ALL
        .iter()
        .map(|&role| Group {
            role,
            members: Vec::new(),
        })
        .collect();
    for ((role, id), mut deals) in members {
        deals.sort_by(|a, b| a.1.deal.id.cmp(&b.1.deal.id).then(a.1.id.cmp(&b.1.id)));
        let mut member = Counterparty {
            id,
            role,
            deals: Vec::with_capacity(deals.len()),
            total: MoneyRange::new(),
            inflow: MoneyRange::new(),
            outflow: MoneyRange::new(),
        };
        for (incoming, view) in deals {
            member.total.add(&view.report.amount);
            if incoming {
                member.inflow.add(&view.report.amount);
            } else {
                member.outflow.add(&view.report.amount);
            }
            member.deals.push(view);
        }
        let slot = Role::ALL.iter().position(|&r| r == role).unwrap_or(0);
        groups[slot].members.push(member);
    }
    let exposure = exposure
        .into_iter()
        .map(|(id, (inflow, outflow))| Exposure {
            id,
            inflow,
            outflow,
        })
        .collect();
    let hops = graph.hops();
    Stakeholders {
        entity,
        depth: options.depth,
        groups,
        inflows,
        outflows,
        exposure,
        indirect: indirect_investors(graph, entity, options.depth, options.max_chains),
        vendor_financing: vendor_financing(graph, hops, entity, options.depth),
    }
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
        .filter(|v| v.deal.to == investee && v.deal.kind == DealKind::Investment)
        .filter_map(|v| v.deal.stake_pct)
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
        if view.deal.kind == DealKind::Investment {
            investors_of[view.deal.to.index()].push(view.deal.from);
        }
    }
    for list in &mut investors_of {
        list.sort_by(|a, b| data.entity(*a).id.cmp(&data.entity(*b).id));
        list.dedup();
    }
    // Iterative DFS over simple reversed paths from `entity`, at most `depth` hops.
    let mut on_path = vec![false; n];
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
    let mut investors: Vec<IndirectInvestor> = chains
        .into_iter()
        .filter(|(_, list)| list.iter().any(|c| c.len() >= 3))
        .map(|(id, list)| {
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
        })
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

/// How much of what `entity` invests or lends comes back to it as revenue, directly from the
/// counterparties it finances and through loops of up to `depth + 1` hops.
///
/// # Arguments
/// * `graph`: the filtered money-flow graph.
/// * `hops`: `graph.hops()`.
/// * `entity`: the investor or lender.
/// * `depth`: how many hops the money may take from a financed counterparty back to
///   `entity`; 1 counts only counterparties paying it directly, 0 counts nothing.
///
/// # Returns
/// [`VendorFinancing`]: the invested range, the returned range (and its direct part), and
/// who pays back through which deals. Each returning deal is counted once, however many
/// loops it closes.
///
/// # Complexity
/// `O(n + e + d)`: one multi-source breadth-first search over `n` entities and `e` hops,
/// avoiding `entity`, plus the `d` deals of `entity`.
///
/// # Example
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::stakeholders::vendor_financing;
///
/// //   chipco ──investment $10B──▶ lab ──cloud $6B──▶ cloud ──chips $3B──▶ chipco
/// //      ▲                         │
/// //      └──────chips $2B──────────┘
/// let csv = "from,to,kind,amount_usd,source\n\
///            chipco,lab,investment,1e10,a\nlab,cloud,cloud,6e9,a\n\
///            cloud,chipco,chips,3e9,a\nlab,chipco,chips,2e9,a\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let data = &loaded.dataset;
/// let graph = MoneyGraph::build(data, Filter::today());
/// let chipco = data.resolve("chipco").unwrap();
/// let direct = vendor_financing(&graph, &graph.hops(), chipco, 1);
/// assert_eq!(direct.ratio(), Some(0.2)); // $2B back of $10B
/// let loops = vendor_financing(&graph, &graph.hops(), chipco, 2);
/// assert_eq!(loops.returned.to_string(), "$5B");
/// assert_eq!(loops.ratio(), Some(0.5));
/// ```
pub fn vendor_financing<'d>(
    graph: &MoneyGraph<'d>,
    hops: &HopGraph,
    entity: EntityId,
    depth: usize,
) -> VendorFinancing<'d> {
    let data = graph.dataset();
    let n = hops.entity_count();
    let mut invested = MoneyRange::new();
    let mut financed: Vec<EntityId> = Vec::new();
    for view in graph.outgoing(entity) {
        if view.deal.kind.is_financing() {
            invested.add(&view.report.amount);
            financed.push(view.deal.to);
        }
    }
    financed.sort_by(|a, b| data.entity(*a).id.cmp(&data.entity(*b).id));
    financed.dedup();
    // Multi-source BFS from the financed counterparties, never entering `entity`.
    let mut dist: Vec<Option<usize>> = vec![None; n];
    let mut queue = VecDeque::new();
    if depth >= 1 {
        for &c in &financed {
            dist[c.index()] = Some(0);
            queue.push_back(c);
        }
    }
    while let Some(v) = queue.pop_front() {
        let d = dist[v.index()].unwrap_or(0);
        if d + 1 >= depth {
            continue;
        }
        for &(w, _) in hops.successors(v) {
            if w != entity && dist[w.index()].is_none() {
                dist[w.index()] = Some(d + 1);
                queue.push_back(w);
            }
        }
    }
    let mut returned = MoneyRange::new();
    let mut returned_direct = MoneyRange::new();
    let mut returning: Vec<Returning<'d>> = Vec::new();
    let mut slot_of: HashMap<EntityId, usize> = HashMap::new();
    for view in graph.incoming(entity) {
        if view.deal.kind.is_financing() {
            continue;
        }
        let Some(d) = dist[view.deal.from.index()] else {
            continue;
        };
        returned.add(&view.report.amount);
        if d == 0 {
            returned_direct.add(&view.report.amount);
        }
        match slot_of.get(&view.deal.from) {
            Some(&slot) => returning[slot].deals.push(view),
            None => {
                slot_of.insert(view.deal.from, returning.len());
                returning.push(Returning {
                    id: view.deal.from,
                    hops_from_financed: d,
                    deals: vec![view],
                });
            }
        }
    }
    for r in &mut returning {
        r.deals
            .sort_by(|a, b| a.deal.id.cmp(&b.deal.id).then(a.id.cmp(&b.id)));
    }
    returning.sort_by(|a, b| {
        a.hops_from_financed
            .cmp(&b.hops_from_financed)
            .then_with(|| data.entity(a.id).id.cmp(&data.entity(b.id).id))
    });
    VendorFinancing {
        depth,
        invested,
        financed,
        returned,
        returned_direct,
        returning,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::*;
    use crate::graph::Filter;
    use crate::load::{LoadOptions, load_str};
    use crate::model::Dataset;
    use crate::query::testgen::{build, dataset_parts, dot};

    fn filter() -> Filter {
        Filter::new(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"))
    }

    fn load(csv: &str) -> Dataset {
        let options = LoadOptions {
            auto_entities: true,
            ..LoadOptions::default()
        };
        load_str("deals.csv", csv, options).expect("loads").dataset
    }

    fn ids(data: &Dataset, list: &[EntityId]) -> Vec<String> {
        list.iter()
            .map(|&e| data.entity(e).id.to_string())
            .collect()
    }

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
        assert_eq!(s.group(Role::Supplier).members[0].total.to_string(), "$38B");
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

    /// Simple paths on the reversed investment graph from `entity`, as `[investor … entity]`.
    fn brute_chains(
        data: &Dataset,
        graph: &MoneyGraph<'_>,
        entity: EntityId,
        depth: usize,
    ) -> Vec<Vec<EntityId>> {
        let mut edges: BTreeSet<(EntityId, EntityId)> = BTreeSet::new();
        for v in graph.deals() {
            if v.deal.kind == DealKind::Investment {
                edges.insert((v.deal.from, v.deal.to));
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
        fn groups_are_the_direct_neighbours_by_role((n, deals) in dataset_parts(14), pick in 0usize..7) {
            let data = build(n, &deals);
            let graph = MoneyGraph::build(&data, filter());
            let entity = EntityId((pick % n) as u32);
            let s = stakeholders(&graph, entity, &StakeholderOptions::default());
            // Expected: role → counterparty → deal ids, straight from the deal list.
            let mut expected: BTreeMap<Role, BTreeMap<EntityId, BTreeSet<String>>> = BTreeMap::new();
            for d in data.deals() {
                let (other, incoming) = if d.to == entity {
                    (d.from, true)
                } else if d.from == entity {
                    (d.to, false)
                } else {
                    continue;
                };
                expected.entry(Role::of(d.kind, incoming)).or_default()
                    .entry(other).or_default().insert(d.id.to_string());
            }
            for group in &s.groups {
                let got: BTreeMap<EntityId, BTreeSet<String>> = group.members.iter()
                    .map(|m| (m.id, m.deals.iter().map(|v| v.deal.id.to_string()).collect()))
                    .collect();
                let want = expected.remove(&group.role).unwrap_or_default();
                prop_assert_eq!(&got, &want, "{:?} of {}\n{}", group.role, data.entity(entity).id, dot(&data));
                // Members sorted by id string, deals by deal id string.
                let member_ids: Vec<&str> = group.members.iter().map(|m| data.entity(m.id).id.as_str()).collect();
                prop_assert!(member_ids.is_sorted());
                for m in &group.members {
                    prop_assert!(m.deals.iter().map(|v| &v.deal.id).is_sorted());
                    let total = MoneyRange::of(m.deals.iter().map(|v| &v.report.amount));
                    prop_assert_eq!(m.total, total);
                }
            }
            let inflow = MoneyRange::of(data.deals().iter().filter(|d| d.to == entity).map(|d| &d.reports[0].amount));
            prop_assert_eq!(s.inflows, inflow);
            let mut exposure_in = MoneyRange::new();
            for e in &s.exposure {
                exposure_in.merge(&e.inflow);
            }
            prop_assert_eq!(exposure_in, inflow);
        }

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
                        if d.kind == DealKind::Investment && d.to == v && d.from != entity && ball.insert(d.from) {
                            next.push(d.from);
                        }
                    }
                }
                frontier = next;
            }
            let direct: BTreeSet<EntityId> = data.deals().iter()
                .filter(|d| d.kind == DealKind::Investment && d.to == entity).map(|d| d.from).collect();
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

        #[test]
        fn vendor_financing_counts_exactly_the_deals_closing_a_loop(
            (n, deals) in dataset_parts(14), pick in 0usize..7, depth in 0usize..5,
        ) {
            let data = build(n, &deals);
            let graph = MoneyGraph::build(&data, filter());
            let hops = graph.hops();
            let entity = EntityId((pick % n) as u32);
            let v = vendor_financing(&graph, hops, entity, depth);
            // Brute force: X returns money if some simple path C → … → X avoiding `entity`
            // of at most depth − 1 hops starts at an entity C that `entity` finances.
            let financed: BTreeSet<EntityId> = data.deals().iter()
                .filter(|d| d.from == entity && d.kind.is_financing()).map(|d| d.to).collect();
            fn reach(v: EntityId, left: usize, avoid: EntityId, path: &mut Vec<EntityId>, data: &Dataset, out: &mut BTreeSet<EntityId>) {
                out.insert(v);
                if left == 0 { return; }
                for d in data.deals() {
                    if d.from == v && d.to != avoid && !path.contains(&d.to) {
                        path.push(d.to);
                        reach(d.to, left - 1, avoid, path, data, out);
                        path.pop();
                    }
                }
            }
            let mut returners = BTreeSet::new();
            if depth >= 1 {
                for &c in &financed {
                    reach(c, depth - 1, entity, &mut vec![c], &data, &mut returners);
                }
            }
            let want: BTreeSet<String> = data.deals().iter()
                .filter(|d| d.to == entity && !d.kind.is_financing() && returners.contains(&d.from))
                .map(|d| d.id.to_string()).collect();
            let got: BTreeSet<String> = v.returning.iter()
                .flat_map(|r| r.deals.iter().map(|d| d.deal.id.to_string())).collect();
            prop_assert_eq!(&got, &want, "depth {} of {}\n{}", depth, data.entity(entity).id, dot(&data));
            let total = MoneyRange::of(data.deals().iter().filter(|d| want.contains(d.id.as_str())).map(|d| &d.reports[0].amount));
            prop_assert_eq!(v.returned, total);
            prop_assert_eq!(v.financed.iter().copied().collect::<BTreeSet<_>>(), financed);
        }
    }
}
