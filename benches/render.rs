//! Drawing maps: DOT text for the whole graph (`map --format dot`) at 10k and 100k deals
//! (1M with `cargo bench --bench render -- --ignored`), DOT for the biggest hub's
//! neighbourhood (`map e0 --format dot`), and the built-in SVG renderer (layout included) on
//! 1k deals, where a drawing is still readable.

use dealgraph::graph::{Filter, MoneyGraph};
use dealgraph::load::Loaded;
use dealgraph::render::dot::to_dot;
use dealgraph::render::map::MapSpec;
use dealgraph::render::svg::render_builtin;
use divan::Bencher;

mod common;

use common::loaded;

fn main() {
    divan::main();
}

fn whole_dot(bencher: Bencher, loaded: &Loaded) {
    let graph = MoneyGraph::build(&loaded.dataset, Filter::new(common::as_of()));
    bencher.bench(|| to_dot(&MapSpec::whole(&graph, "bench"), &loaded.dataset).len());
}

#[divan::bench(args = [10_000, 100_000], sample_count = 5)]
fn dot_whole_graph(bencher: Bencher, deals: u32) {
    whole_dot(bencher, &loaded(deals));
}

#[divan::bench(ignore, sample_count = 3)]
fn dot_whole_graph_1m_deals(bencher: Bencher) {
    whole_dot(bencher, &loaded(1_000_000));
}

#[divan::bench(sample_count = 10)]
fn dot_hub_neighbourhood_100k_deals(bencher: Bencher) {
    let loaded = loaded(100_000);
    let graph = MoneyGraph::build(&loaded.dataset, Filter::new(common::as_of()));
    let hub = loaded.dataset.by_id("e0").expect("e0 exists");
    bencher.bench(|| {
        let spec = MapSpec::neighbourhood(&graph, hub, 1, "bench");
        to_dot(&spec, &loaded.dataset).len()
    });
}

#[divan::bench(sample_count = 5)]
fn svg_builtin_whole_graph_1k_deals(bencher: Bencher) {
    let loaded = loaded(1_000);
    let graph = MoneyGraph::build(&loaded.dataset, Filter::new(common::as_of()));
    bencher.bench(|| render_builtin(&MapSpec::whole(&graph, "bench"), &loaded.dataset).len());
}
