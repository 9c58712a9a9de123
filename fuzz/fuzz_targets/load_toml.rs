//! Fuzzes the toml loader: any text must load or give diagnostics that render, never panic.
#![no_main]

use dealgraph::load::{LoadError, LoadOptions, load_str};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let options = LoadOptions {
        auto_entities: text.len().is_multiple_of(2),
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        progress: None,
    };
    match load_str("fuzz.toml", text, options) {
        Ok(loaded) => {
            let _ = loaded.warnings.render(false);
        }
        Err(LoadError::Invalid(diags)) => {
            assert!(diags.has_errors());
            let rendered = diags.render(false);
            assert!(!rendered.is_empty());
            for d in &diags.items {
                let _ = d.location(&diags.files);
            }
        }
        Err(LoadError::Usage { .. }) => unreachable!("the name has a known extension"),
    }
});
