//! What `dealgraph validate` prints on stdout: a one-line summary of what was loaded, or the
//! JSON of docs/json.md with every warning. Writing it out (and the warnings on stderr) is the
//! caller's.

use serde::Serialize;

use crate::load::Loaded;

/// `ok: N entities, … (where the data came from; W warning(s))`.
pub fn summary(loaded: &Loaded, data_label: &str) -> String {
    let data = &loaded.dataset;
    format!(
        "ok: {} entities, {} deals, {} reports, {} sources ({data_label}; {} warning(s))\n",
        data.entities().len(),
        data.deals().len(),
        data.report_count(),
        data.source_count(),
        loaded.warnings.warning_count(),
    )
}

/// The JSON of `validate`: the counts and every warning. Fields in sorted key order, as
/// [`crate::render::json`] explains.
#[derive(Serialize)]
struct ValidateJson<'a> {
    auto_created_entities: usize,
    deals: usize,
    entities: usize,
    ok: bool,
    reports: usize,
    sources: usize,
    warnings: Vec<WarningJson<'a>>,
}

#[derive(Serialize)]
struct WarningJson<'a> {
    help: Option<&'a str>,
    location: Option<String>,
    message: &'a str,
    severity: &'static str,
}

/// The JSON text of `validate` (data that fails to load never gets here: `ok` is always true).
pub fn to_json(loaded: &Loaded) -> String {
    let data = &loaded.dataset;
    let warnings = &loaded.warnings;
    crate::render::json::to_string(&ValidateJson {
        auto_created_entities: loaded.auto_created,
        deals: data.deals().len(),
        entities: data.entities().len(),
        ok: true,
        reports: data.report_count(),
        sources: data.source_count(),
        warnings: warnings
            .items
            .iter()
            .map(|d| WarningJson {
                help: d.help.as_deref(),
                location: d.location(&warnings.files),
                message: &d.message,
                severity: "warning",
            })
            .collect(),
    })
}
