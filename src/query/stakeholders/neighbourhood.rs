//! The entity's deals read once per query, on two threads for a hub, and ranked by id string
//! (counterparties and deals) so that every later sort in groups and vendor financing compares
//! integers.

use crate::graph::{DealView, MoneyGraph};
use crate::model::{Amount, DealIdParts, DealIdRef, DealKind, EntityId, Grade};
use crate::parallel::join;

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
pub(super) struct Side<'d> {
    pub(super) view: DealView<'d>,
    pub(super) kind: DealKind,
    /// The standing amount.
    pub(super) amount: Amount,
    /// How sure the flow is ([`DealView::grade`]).
    pub(super) grade: Grade,
    /// Paid to the entity (else by it).
    pub(super) incoming: bool,
    /// Rank of the counterparty in [`Neighbourhood::counterparties`].
    pub(super) counterparty: u32,
}

/// From how many deals [`Neighbourhood::of`] splits its work over two threads (below it, a
/// thread costs more than it saves).
pub(super) const PARALLEL_FROM: usize = 8192;

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
        let report = view.report();
        sides.push(Side {
            view,
            kind: deal.kind(),
            amount: report.amount,
            grade: Grade::of(report.status, deal.inferred()),
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
pub(super) struct Neighbourhood<'d> {
    pub(super) entity: EntityId,
    pub(super) data: &'d crate::model::Dataset,
    /// Incoming deals in deal order, then outgoing ones (a self-deal is on both sides).
    pub(super) deals: Vec<Side<'d>>,
    /// Rank of each of `deals` by (deal id string, deal index, incoming first).
    pub(super) deal_rank: Vec<u32>,
    /// Indices into `deals` in rank order.
    pub(super) by_rank: Vec<u32>,
    /// Distinct counterparties sorted by entity id string.
    pub(super) counterparties: Vec<EntityId>,
}

impl<'d> Neighbourhood<'d> {
    pub(super) fn of(
        graph: &MoneyGraph<'d>,
        entity: EntityId,
        parallel_from: usize,
    ) -> Neighbourhood<'d> {
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
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

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
    }
}
