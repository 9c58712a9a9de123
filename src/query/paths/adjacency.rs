//! Every deal's ends as two compressed indexes (by payer, by payee), read straight off the deal
//! store with no filter applied: what a bounded path search needs to look at the few deals
//! near its two ends without admitting, grouping or sorting the others.

use crate::model::{Dataset, DealId, EntityId};

/// The deals each entity pays and is paid, unfiltered, in deal order (compressed sparse rows).
///
/// # Complexity
/// Built in `O(n + D)` for `n` entities and `D` deals (a count and a fill per side, the two
/// sides on two threads from a million deals), `8·(n + D)` bytes.
///
/// # Example
/// ```
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::paths::DealEnds;
///
/// let csv = "from,to,kind,source\na,b,cloud,s\nb,c,chips,s\na,c,loan,s\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let data = load_str("deals.csv", csv, options).unwrap().dataset;
/// let ends = DealEnds::build(&data);
/// let a = data.resolve("a").unwrap();
/// assert_eq!(ends.paid_by(a).len(), 2);
/// assert!(ends.paid_to(a).is_empty());
/// ```
#[derive(Debug)]
pub struct DealEnds {
    by: Side,
    to: Side,
}

#[derive(Debug)]
struct Side {
    starts: Vec<u32>,
    deals: Vec<DealId>,
}

/// From how many deals the two sides are built on two threads.
const PARALLEL_FROM: usize = 1 << 20;

impl DealEnds {
    pub fn build(data: &Dataset) -> DealEnds {
        let n = data.entities().len();
        let all = data.deal_count();
        let side = |end: fn(&crate::model::DealRef<'_>) -> EntityId| Side::build(data, n, end);
        let (by, to) = crate::parallel::join(
            all >= PARALLEL_FROM,
            || side(|d| d.from()),
            || side(|d| d.to()),
        );
        DealEnds { by, to }
    }

    /// The deals `e` pays, in deal order.
    pub fn paid_by(&self, e: EntityId) -> &[DealId] {
        self.by.of(e)
    }

    /// The deals paid to `e`, in deal order.
    pub fn paid_to(&self, e: EntityId) -> &[DealId] {
        self.to.of(e)
    }
}

impl Side {
    fn build(data: &Dataset, n: usize, end: fn(&crate::model::DealRef<'_>) -> EntityId) -> Side {
        let mut starts = vec![0u32; n + 1];
        for deal in data.deals() {
            starts[end(&deal).index() + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut deals = vec![DealId(0); data.deal_count()];
        for deal in data.deals() {
            let at = &mut next[end(&deal).index()];
            deals[*at as usize] = deal.index();
            *at += 1;
        }
        Side { starts, deals }
    }

    fn of(&self, e: EntityId) -> &[DealId] {
        let i = e.index();
        if i + 1 >= self.starts.len() {
            return &[];
        }
        &self.deals[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}
