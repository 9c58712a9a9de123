//! Fuzzes `extract` on arbitrary text, read as plain text and as HTML, with an empty lexicon and
//! the bundled company list: never panics; every candidate's position lies in the article and
//! every placed candidate has both parties.
#![no_main]

use dealgraph::extract::{
    Article,
    cues::Cues,
    extract,
    parties::{Companies, Lexicon},
};
use dealgraph::model::Dataset;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|text: &str| {
    static SETUP: OnceLock<(Lexicon, Cues)> = OnceLock::new();
    let (lexicon, cues) = SETUP.get_or_init(|| {
        (
            Lexicon::new(&Dataset::default(), &Companies::bundled()),
            Cues::bundled(),
        )
    });
    for name in ["a.txt", "a.html"] {
        let article = Article::new(name, text);
        let lines = article.text.lines().count().max(1);
        for c in extract(std::slice::from_ref(&article), lexicon, cues) {
            assert!(c.line >= 1 && c.line <= lines, "line {} of {lines}", c.line);
            assert!(c.col >= 1);
            if c.reason.is_none() {
                assert!(c.from.is_some() && c.to.is_some() && c.from != c.to);
            }
        }
    }
});
