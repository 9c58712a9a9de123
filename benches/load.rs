//! Loading and graph building at 10k and 100k deals (1M with `cargo bench --bench load --
//! --ignored`), on data from `dealgraph::generate` (entities = deals / 5, seed 1).
//!
//! Run: `cargo bench --bench load`. Inputs are generated once per size, outside the timings.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use dealgraph::generate::{self, Spec};
use dealgraph::graph::{Filter, MoneyGraph};
use dealgraph::load::{LoadOptions, Loaded, load_paths, load_str};
use divan::Bencher;

fn main() {
    divan::main();
}

const SIZES: [u32; 2] = [10_000, 100_000];

fn spec(deals: u32) -> Spec {
    Spec {
        entities: deals / 5,
        deals,
        seed: 1,
    }
}

fn options() -> LoadOptions {
    LoadOptions {
        auto_entities: false,
        today: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        progress: None,
    }
}

/// A folder holding entities.csv and deals.csv for `deals`, written once per run.
fn csv_dir(deals: u32) -> PathBuf {
    static DIRS: OnceLock<std::sync::Mutex<Vec<(u32, tempfile::TempDir)>>> = OnceLock::new();
    let dirs = DIRS.get_or_init(Default::default);
    let mut dirs = dirs.lock().unwrap();
    if let Some((_, d)) = dirs.iter().find(|(n, _)| *n == deals) {
        return d.path().to_path_buf();
    }
    let dir = tempfile::tempdir().unwrap();
    let s = spec(deals);
    std::fs::write(dir.path().join("entities.csv"), generate::entities_csv(&s)).unwrap();
    std::fs::write(dir.path().join("deals.csv"), generate::deals_csv(&s)).unwrap();
    let path = dir.path().to_path_buf();
    dirs.push((deals, dir));
    path
}

fn loaded(deals: u32) -> Loaded {
    load_paths(&[csv_dir(deals)], options()).expect("generated data loads")
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn load_csv(bencher: Bencher, deals: u32) {
    let dir = csv_dir(deals);
    bencher.bench(|| load_paths(std::slice::from_ref(&dir), options()).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn load_toml(bencher: Bencher, deals: u32) {
    let text = generate::toml_document(&spec(deals));
    bencher.bench(|| load_str("data.toml", &text, options()).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn load_json(bencher: Bencher, deals: u32) {
    let text = generate::json_document(&spec(deals));
    bencher.bench(|| load_str("data.json", &text, options()).unwrap());
}

/// The admitted deals and the per-entity index, which a graph builds on first use: what every
/// query but `show` and `stakeholders` (which scan) needs first. A fresh graph each time, so
/// nothing built stays cached.
#[divan::bench(args = SIZES, sample_count = 10)]
fn build_graph(bencher: Bencher, deals: u32) {
    let loaded = loaded(deals);
    let filter = Filter::new(options().today);
    let first = loaded.dataset.entity_ids().next().expect("entities");
    bencher.bench(|| {
        let graph = MoneyGraph::build(&loaded.dataset, filter.clone());
        graph.outgoing(first);
        graph
    });
}

/// The hop index on a fresh graph (the admitted deals included).
#[divan::bench(args = SIZES, sample_count = 10)]
fn build_hops(bencher: Bencher, deals: u32) {
    let loaded = loaded(deals);
    let filter = Filter::new(options().today);
    bencher.bench(|| {
        let graph = MoneyGraph::build(&loaded.dataset, filter.clone());
        graph.hops();
        graph
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn generate_csv(bencher: Bencher, deals: u32) {
    bencher.bench(|| generate::deals_csv(&spec(deals)));
}

/// The 5M-deal scale of the issue is too slow for every run: `-- --ignored` includes it.
#[divan::bench(ignore, sample_count = 3)]
fn load_csv_1m_entities_5m_deals(bencher: Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let s = Spec {
        entities: 1_000_000,
        deals: 5_000_000,
        seed: 1,
    };
    std::fs::write(dir.path().join("entities.csv"), generate::entities_csv(&s)).unwrap();
    std::fs::write(dir.path().join("deals.csv"), generate::deals_csv(&s)).unwrap();
    let paths = [dir.path().to_path_buf()];
    bencher.bench(|| load_paths(&paths, options()).unwrap());
}
