//! `extract` on 10 MB of news text: the fixture articles of tests/fixtures/articles/ (every
//! sentence a deal or a trap, the worst case) repeated to 10 MiB, read with the bundled cues
//! and company list. The target: under a second on this machine.
//!
//! Run: `cargo bench --bench extract` (the text is built once, outside the timings).

use dealgraph::extract::{
    Article,
    cues::Cues,
    extract,
    parties::{Companies, Lexicon},
};
use dealgraph::model::Dataset;
use divan::Bencher;

fn main() {
    divan::main();
}

const SIZE: usize = 10 * 1024 * 1024;

/// The plain-text fixture articles, repeated until the text holds `SIZE` bytes.
fn text() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles");
    let mut one = String::new();
    for sub in [dir.clone(), dir.join("cues")] {
        let mut files: Vec<_> = std::fs::read_dir(sub)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        for f in files {
            one.push_str(&std::fs::read_to_string(f).unwrap());
            one.push('\n');
        }
    }
    let mut text = String::with_capacity(SIZE + one.len());
    while text.len() < SIZE {
        text.push_str(&one);
    }
    text
}

#[divan::bench(sample_count = 5)]
fn extract_10_mib_of_articles(bencher: Bencher) {
    let article = Article::new("bench.txt", &text());
    let lexicon = Lexicon::new(&Dataset::default(), &Companies::bundled());
    let cues = Cues::bundled();
    bencher.bench(|| extract(std::slice::from_ref(&article), &lexicon, &cues).len());
}
