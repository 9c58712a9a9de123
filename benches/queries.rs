//! Queries after loading, as the commands run them: the graph builds each part on first use,
//! and `stakeholders` and `show` scan for one entity's deals and build none. Timed:
//! `stakeholders` and `show` for the busiest entity (the generator's first hub, `e0`), and
//! `path` between two hubs. `show` is the deal lists, then its whole text (the default table
//! format) or its JSON text, in memory (writing to the terminal is left out); `show_lists`
//! is the deal lists alone. 100k deals by default; 5M deals (the issue's "under 50 ms after
//! load" case) with `cargo bench --bench queries -- --ignored`.

use dealgraph::graph::{Filter, MoneyGraph};
use dealgraph::load::Loaded;
use dealgraph::query::paths::{PathOptions, money_paths};
use dealgraph::query::stakeholders::{StakeholderOptions, stakeholders};
use dealgraph::render::show;
use divan::Bencher;

mod common;

use common::loaded;

fn main() {
    divan::main();
}

fn queries(deals: u32) -> (Loaded, Filter) {
    (loaded(deals), Filter::new(common::as_of()))
}

fn bench_stakeholders(bencher: Bencher, deals: u32) {
    let (loaded, filter) = queries(deals);
    let graph = MoneyGraph::build(&loaded.dataset, filter);
    let hub = loaded.dataset.by_id("e0").expect("e0 exists");
    bencher.bench(|| stakeholders(&graph, hub, &StakeholderOptions::default()));
}

/// How much of `show` to time: the deal lists alone, or the lists and the whole output.
#[derive(Clone, Copy, Debug)]
enum Show {
    Lists,
    Text,
    Json,
}

fn bench_show(bencher: Bencher, deals: u32, what: Show) {
    let (loaded, filter) = queries(deals);
    let as_of = filter.as_of;
    let graph = MoneyGraph::build(&loaded.dataset, filter);
    let data = &loaded.dataset;
    let hub = data.by_id("e0").expect("e0 exists");
    bencher.bench(|| {
        let (incoming, outgoing) = graph.neighbourhood(hub);
        match what {
            Show::Lists => outgoing.len() + incoming.len(),
            Show::Text => show::to_text(data, hub, &outgoing, &incoming, as_of, 0).len(),
            Show::Json => {
                dealgraph::render::json::to_string(&show::document(data, hub, &outgoing, &incoming))
                    .len()
            }
        }
    });
}

fn bench_path(bencher: Bencher, deals: u32) {
    let (loaded, filter) = queries(deals);
    let graph = MoneyGraph::build(&loaded.dataset, filter);
    let (from, to) = (
        loaded.dataset.by_id("e1").unwrap(),
        loaded.dataset.by_id("e0").unwrap(),
    );
    let options = PathOptions::default();
    bencher.bench(|| money_paths(&graph, from, to, &options));
}

#[divan::bench(sample_count = 10)]
fn stakeholders_100k_deals(bencher: Bencher) {
    bench_stakeholders(bencher, 100_000);
}

#[divan::bench(sample_count = 10)]
fn show_lists_100k_deals(bencher: Bencher) {
    bench_show(bencher, 100_000, Show::Lists);
}

#[divan::bench(sample_count = 10)]
fn show_text_100k_deals(bencher: Bencher) {
    bench_show(bencher, 100_000, Show::Text);
}

#[divan::bench(sample_count = 10)]
fn show_json_100k_deals(bencher: Bencher) {
    bench_show(bencher, 100_000, Show::Json);
}

#[divan::bench(sample_count = 10)]
fn path_100k_deals(bencher: Bencher) {
    bench_path(bencher, 100_000);
}

#[divan::bench(ignore, sample_count = 15)]
fn stakeholders_5m_deals(bencher: Bencher) {
    bench_stakeholders(bencher, 5_000_000);
}

#[divan::bench(ignore, sample_count = 15)]
fn show_lists_5m_deals(bencher: Bencher) {
    bench_show(bencher, 5_000_000, Show::Lists);
}

#[divan::bench(ignore, sample_count = 3)]
fn show_text_5m_deals(bencher: Bencher) {
    bench_show(bencher, 5_000_000, Show::Text);
}

#[divan::bench(ignore, sample_count = 3)]
fn show_json_5m_deals(bencher: Bencher) {
    bench_show(bencher, 5_000_000, Show::Json);
}
