//! Counting loops (`query::cycles::count_cycles`, every elementary cycle, as `cycles --count
//! --all`) at length bounds 3–6 on data from `dealgraph::generate` (entities = deals / 5,
//! seed 1). 10k deals at bounds 3–4 run by default; 100k and 1M deals and bounds 5–6 (up to
//! billions of loops) with `cargo bench --bench cycles -- --ignored`. Also the exact top 20
//! (`cycles --limit 20`) by round trip (bottleneck-pruned) and by ratio (every loop ranked).

use dealgraph::graph::{Filter, MoneyGraph};
use dealgraph::model::Status;
use dealgraph::query::cycles::{CycleOptions, SortKey, count_cycles, top_cycles};
use divan::Bencher;

mod common;

use common::loaded;

fn main() {
    divan::main();
}

fn count(bencher: Bencher, deals: u32, bound: usize) {
    let loaded = loaded(deals);
    // Every status, as the peer comparison does, so the graph is every row of the CSV.
    let filter = Filter {
        statuses: Status::ALL.to_vec(),
        ..Filter::new(common::as_of())
    };
    let graph = MoneyGraph::build(&loaded.dataset, filter);
    let opts = CycleOptions {
        max_len: Some(bound),
        financing_only: false,
        ..CycleOptions::default()
    };
    bencher.bench(|| count_cycles(&graph, &opts));
}

#[divan::bench(args = [3, 4], sample_count = 5)]
fn count_10k_deals(bencher: Bencher, bound: usize) {
    count(bencher, 10_000, bound);
}

#[divan::bench(ignore, args = [5, 6], sample_count = 3)]
fn count_10k_deals_long(bencher: Bencher, bound: usize) {
    count(bencher, 10_000, bound);
}

#[divan::bench(ignore, args = [3, 4, 5, 6], sample_count = 3)]
fn count_100k_deals(bencher: Bencher, bound: usize) {
    count(bencher, 100_000, bound);
}

#[divan::bench(ignore, args = [3, 4, 5], sample_count = 3)]
fn count_1m_deals(bencher: Bencher, bound: usize) {
    count(bencher, 1_000_000, bound);
}

#[divan::bench(args = [SortKey::Amount, SortKey::Ratio], sample_count = 5)]
fn top20_10k_deals_len4(bencher: Bencher, sort: SortKey) {
    let loaded = loaded(10_000);
    let filter = Filter {
        statuses: Status::ALL.to_vec(),
        ..Filter::new(common::as_of())
    };
    let graph = MoneyGraph::build(&loaded.dataset, filter);
    let opts = CycleOptions {
        max_len: Some(4),
        ..CycleOptions::default()
    };
    bencher.bench(|| top_cycles(&graph, graph.hops(), &opts, 20, sort));
}
