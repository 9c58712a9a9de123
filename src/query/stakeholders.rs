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

use std::collections::{BTreeMap, VecDeque};

use crate::graph::{DealView, HopGraph, MoneyGraph};
use crate::model::{Amount, DealIdParts, DealIdRef, DealKind, EntityId};
use crate::parallel::join;
use crate::query::totals::MoneyRange;

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
}

impl Counterparty<'_> {
    /// All of `deals` (standing amounts): the inflow and the outflow together.
    pub fn total(&self) -> MoneyRange {
        let mut total = self.inflow;
        total.merge(&self.outflow);
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
    let mut inflows = MoneyRange::new();
    let mut outflows = MoneyRange::new();
    for (role, rank, range) in runs {
        let mut member = Counterparty {
            id: near.counterparties[rank as usize],
            role: Role::ALL[role],
            deals: Vec::with_capacity(range.len()),
            inflow: MoneyRange::new(),
            outflow: MoneyRange::new(),
        };
        for d in &sides[range] {
            if d.incoming {
                member.inflow.add(&d.amount);
                inflows.add(&d.amount);
            } else {
                member.outflow.add(&d.amount);
                outflows.add(&d.amount);
            }
            member.deals.push(d.view);
        }
        groups[role].members.push(member);
    }
    let exposure = exposure(&near.counterparties, &groups);
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
        inflows,
        outflows,
        exposure,
        indirect: indirect_investors(graph, entity, options.depth, options.max_chains),
        vendor_financing: vendor,
    }
}

/// Each counterparty's inflow and outflow over all its roles, in the order of
/// `counterparties`, which is the order of each group's members too: one merge of the groups
/// (writing each total where a counterparty's roles are added up as they come would be a
/// cache miss per deal for a hub).
fn exposure(counterparties: &[EntityId], groups: &[Group<'_>]) -> Vec<Exposure> {
    let mut next = vec![0usize; groups.len()];
    counterparties
        .iter()
        .map(|&id| {
            let mut e = Exposure {
                id,
                inflow: MoneyRange::new(),
                outflow: MoneyRange::new(),
            };
            for (group, at) in groups.iter().zip(&mut next) {
                if let Some(m) = group.members.get(*at).filter(|m| m.id == id) {
                    e.inflow.merge(&m.inflow);
                    e.outflow.merge(&m.outflow);
                    *at += 1;
                }
            }
            e
        })
        .collect()
}

/// The start of `s` as a number that orders like `s` itself: the first 16 bytes, big-endian,
/// zero-padded. Equal keys need the full comparison; sorting by key first touches each
/// string once instead of at every comparison.
fn prefix_key(s: &str) -> u128 {
    let mut buf = [0u8; 16];
    let n = s.len().min(16);
    buf[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(buf)
}

/// Ranks of `items` when sorted by their id string (then `tie`): `rank[i]` is the place of
/// `items[i]`, and the second vector lists the items' indices in that order.
fn ranks_by_id<'s, T: Ord + Copy>(
    items: impl Iterator<Item = (&'s str, T)>,
) -> (Vec<u32>, Vec<u32>) {
    let items: Vec<(&'s str, T)> = items.collect();
    // Sort small integer pairs; only ids sharing their first 16 bytes need the strings.
    let mut keyed: Vec<(u128, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, (s, _))| (prefix_key(s), i as u32))
        .collect();
    keyed.sort_unstable();
    for run in keyed.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            run.sort_unstable_by(|a, b| {
                let (x, y) = (&items[a.1 as usize], &items[b.1 as usize]);
                x.0.cmp(y.0).then(x.1.cmp(&y.1)).then(a.1.cmp(&b.1))
            });
        }
    }
    let by_rank: Vec<u32> = keyed.iter().map(|k| k.1).collect();
    let mut rank = vec![0u32; by_rank.len()];
    for (r, &i) in by_rank.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    (rank, by_rank)
}

/// One deal of the entity, seen from one side, with what the query reads of it copied in:
/// gathered in deal order (the order the deals and their reports sit in memory) rather than
/// in output order, where each read would be a cache miss of its own.
#[derive(Clone, Copy, Debug)]
struct Side<'d> {
    view: DealView<'d>,
    kind: DealKind,
    /// The standing amount.
    amount: Amount,
    /// Paid to the entity (else by it).
    incoming: bool,
    /// Rank of the counterparty in [`Neighbourhood::counterparties`].
    counterparty: u32,
}

/// From how many deals [`Neighbourhood::of`] splits its work over two threads (below it, a
/// thread costs more than it saves).
const PARALLEL_FROM: usize = 8192;

/// The sides of `views`, the first `incoming` of them paid to the entity and the rest paid by
/// it, with their deal ids spelled out.
fn read_sides<'d>(views: &[DealView<'d>], incoming: usize) -> (Vec<Side<'d>>, Vec<DealIdRef<'d>>) {
    // One tight pass in deal order reads everything later steps need from each deal and its
    // report: the loads are independent, so their misses overlap.
    let mut sides: Vec<Side<'d>> = Vec::with_capacity(views.len());
    let mut id_parts: Vec<DealIdParts<'d>> = Vec::with_capacity(views.len());
    for (i, &view) in views.iter().enumerate() {
        let deal = view.deal;
        let incoming = i < incoming;
        sides.push(Side {
            view,
            kind: deal.kind(),
            amount: view.report().amount,
            incoming,
            counterparty: if incoming { deal.from().0 } else { deal.to().0 },
        });
        id_parts.push(deal.id_parts());
    }
    // Made-up ids are spelled out in a pass of their own: building one takes a few dozen
    // instructions, which in the pass above kept the row loads from overlapping.
    let ids = id_parts.into_iter().map(DealIdParts::spell).collect();
    (sides, ids)
}

/// The entity's deals with everything output order needs, worked out once per query in
/// `O(d log d)` for its `d` deals: counterparties and deals ranked by id string, so that
/// every later sort compares integers.
struct Neighbourhood<'d> {
    entity: EntityId,
    data: &'d crate::model::Dataset,
    /// Incoming deals in deal order, then outgoing ones (a self-deal is on both sides).
    deals: Vec<Side<'d>>,
    /// Rank of each of `deals` by (deal id string, deal index, incoming first).
    deal_rank: Vec<u32>,
    /// Indices into `deals` in rank order.
    by_rank: Vec<u32>,
    /// Distinct counterparties sorted by entity id string.
    counterparties: Vec<EntityId>,
}

impl<'d> Neighbourhood<'d> {
    fn of(graph: &MoneyGraph<'d>, entity: EntityId, parallel_from: usize) -> Neighbourhood<'d> {
        let data = graph.dataset();
        let (mut views, outgoing) = graph.neighbourhood(entity);
        let incoming = views.len();
        views.extend(outgoing);
        // A hub's deals are read half on each core: the reads are cache and TLB misses, and
        // two cores keep twice as many in flight.
        let parallel = views.len() >= parallel_from;
        let read =
            |from: usize, to: usize| read_sides(&views[from..to], incoming.saturating_sub(from));
        let mid = if parallel {
            views.len() / 2
        } else {
            views.len()
        };
        let ((mut deals, mut deal_ids), (more, more_ids)) =
            join(parallel, || read(0, mid), || read(mid, views.len()));
        deals.extend(more);
        deal_ids.extend(more_ids);
        // Counterparties and deals are ranked by id string at once, one on each core.
        let counterparties_by_id = || {
            let mut ids: Vec<EntityId> = deals.iter().map(|d| EntityId(d.counterparty)).collect();
            ids.sort_unstable();
            ids.dedup();
            let (rank, by_id) = ranks_by_id(ids.iter().map(|&e| (data.entity(e).id.as_str(), e)));
            (ids, rank, by_id)
        };
        let deals_by_id = || {
            ranks_by_id(
                deal_ids
                    .iter()
                    .zip(&deals)
                    .map(|(id, d)| (id.as_str(), (d.view.id, !d.incoming))),
            )
        };
        let ((ids, id_rank, by_id), (deal_rank, by_rank)) =
            join(parallel, counterparties_by_id, deals_by_id);
        let counterparties: Vec<EntityId> = by_id.iter().map(|&i| ids[i as usize]).collect();
        // From entity index to rank.
        for d in &mut deals {
            let i = ids.binary_search(&EntityId(d.counterparty));
            d.counterparty = id_rank[i.expect("every counterparty is listed")];
        }
        Neighbourhood {
            entity,
            data,
            deals,
            deal_rank,
            by_rank,
            counterparties,
        }
    }

    /// See [`vendor_financing`]; `hops` is needed only when `depth >= 2`.
    fn vendor_financing(&self, hops: Option<&HopGraph>, depth: usize) -> VendorFinancing<'d> {
        let mut invested = MoneyRange::new();
        let mut is_financed = vec![false; self.counterparties.len()];
        for d in self.deals.iter().filter(|d| !d.incoming) {
            if d.kind.is_financing() {
                invested.add(&d.amount);
                is_financed[d.counterparty as usize] = true;
            }
        }
        let financed: Vec<EntityId> = self
            .counterparties
            .iter()
            .zip(&is_financed)
            .filter_map(|(&e, &f)| f.then_some(e))
            .collect();
        // Hops from the nearest financed counterparty, by counterparty rank (`None`: not
        // reached). Within one hop only the financed ones count; further out, a
        // multi-source breadth-first search that never enters the entity.
        let dist: Vec<Option<usize>> = match hops {
            _ if depth == 0 => vec![None; self.counterparties.len()],
            Some(hops) if depth >= 2 => {
                let reached = self.reach(hops, &financed, depth);
                self.counterparties
                    .iter()
                    .map(|e| reached[e.index()].checked_sub(1).map(|d| d as usize))
                    .collect()
            }
            _ => is_financed.iter().map(|&f| f.then_some(0)).collect(),
        };
        let mut returned = MoneyRange::new();
        let mut returned_direct = MoneyRange::new();
        // One slot per returning counterparty, by rank; deals visited in rank order.
        let mut slot_of: Vec<Option<u32>> = vec![None; self.counterparties.len()];
        let mut returning: Vec<(usize, u32, Returning<'d>)> = Vec::new();
        for &i in &self.by_rank {
            let d = &self.deals[i as usize];
            if !d.incoming || d.kind.is_financing() {
                continue;
            }
            let Some(hops_from) = dist[d.counterparty as usize] else {
                continue;
            };
            returned.add(&d.amount);
            if hops_from == 0 {
                returned_direct.add(&d.amount);
            }
            let slot = &mut slot_of[d.counterparty as usize];
            match *slot {
                Some(s) => returning[s as usize].2.deals.push(d.view),
                None => {
                    *slot = Some(returning.len() as u32);
                    returning.push((
                        hops_from,
                        d.counterparty,
                        Returning {
                            id: self.counterparties[d.counterparty as usize],
                            hops_from_financed: hops_from,
                            deals: vec![d.view],
                        },
                    ));
                }
            }
        }
        returning.sort_unstable_by_key(|r| (r.0, r.1));
        VendorFinancing {
            depth,
            invested,
            financed,
            returned,
            returned_direct,
            returning: returning.into_iter().map(|r| r.2).collect(),
        }
    }

    /// Multi-source BFS from `financed` over `hops`, never entering the entity, out to
    /// `depth - 1` hops: `1 + hops` for each entity reached, 0 elsewhere. The array is zeroed
    /// by the allocator, so only the pages the search touches cost anything.
    fn reach(&self, hops: &HopGraph, financed: &[EntityId], depth: usize) -> Vec<u32> {
        let mut dist = vec![0u32; hops.entity_count().max(self.data.entities().len())];
        let mut queue = VecDeque::new();
        for &c in financed {
            dist[c.index()] = 1;
            queue.push_back(c);
        }
        while let Some(v) = queue.pop_front() {
            let d = dist[v.index()] as usize - 1;
            if d + 1 >= depth {
                continue;
            }
            for &(w, _) in hops.successors(v) {
                if w != self.entity && dist[w.index()] == 0 {
                    dist[w.index()] = d as u32 + 2;
                    queue.push_back(w);
                }
            }
        }
        dist
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
/// `O(d log d)` for the `d` deals of `entity`; from depth 2, plus one multi-source
/// breadth-first search over the `n` entities and `e` hops it reaches, avoiding `entity`.
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
    Neighbourhood::of(graph, entity, PARALLEL_FROM).vendor_financing(Some(hops), depth)
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
        fn ranks_by_id_sort_like_the_strings(
            ids in proptest::collection::vec("(a-long-shared-prefix-){0,2}[ab\u{0}é]{0,3}", 0..12),
        ) {
            // Long shared prefixes, NUL bytes and multi-byte characters around the 16-byte key.
            let (rank, by_rank) = ranks_by_id(ids.iter().enumerate().map(|(i, s)| (s.as_str(), i)));
            let mut want: Vec<usize> = (0..ids.len()).collect();
            want.sort_by(|&a, &b| ids[a].cmp(&ids[b]).then(a.cmp(&b)));
            let got: Vec<usize> = by_rank.iter().map(|&i| i as usize).collect();
            prop_assert_eq!(&got, &want);
            for (r, &i) in want.iter().enumerate() {
                prop_assert_eq!(rank[i] as usize, r);
            }
        }

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
            let financed: BTreeSet<EntityId> = data.deals()
                .filter(|d| d.from() == entity && d.kind().is_financing()).map(|d| d.to()).collect();
            fn reach(v: EntityId, left: usize, avoid: EntityId, path: &mut Vec<EntityId>, data: &Dataset, out: &mut BTreeSet<EntityId>) {
                out.insert(v);
                if left == 0 { return; }
                for d in data.deals() {
                    if d.from() == v && d.to() != avoid && !path.contains(&d.to()) {
                        path.push(d.to());
                        reach(d.to(), left - 1, avoid, path, data, out);
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
            let want: BTreeSet<String> = data.deals()
                .filter(|d| d.to() == entity && !d.kind().is_financing() && returners.contains(&d.from()))
                .map(|d| d.id().to_string()).collect();
            let got: BTreeSet<String> = v.returning.iter()
                .flat_map(|r| r.deals.iter().map(|d| d.deal.id().to_string())).collect();
            prop_assert_eq!(&got, &want, "depth {} of {}\n{}", depth, data.entity(entity).id, dot(&data));
            let total = MoneyRange::of(data.deals().filter(|d| want.contains(d.id().as_str())).map(|d| d.report(0).amount));
            prop_assert_eq!(v.returned, total);
            prop_assert_eq!(v.financed.iter().copied().collect::<BTreeSet<_>>(), financed);
        }
    }
}
