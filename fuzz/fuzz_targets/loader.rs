//! What the load targets share: any text must load or give diagnostics that render, never
//! panic.

use dealgraph::load::{LoadError, LoadOptions, load_str};

/// Loads `text` as the file `name`, whose extension picks the format, and renders what it
/// gives: the warnings, or the diagnostics that must hold an error.
pub fn load_any(name: &str, text: &str) {
    let options = LoadOptions {
        auto_entities: text.len().is_multiple_of(2),
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        progress: None,
    };
    match load_str(name, text, options) {
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
}
