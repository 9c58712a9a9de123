//! docs/json.md is the contract for scripts: the fields it documents are the fields the
//! commands write, no more and no fewer.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{ok_run, seeds_json};

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md")).unwrap()
}

/// The backticked names in the first column of the table under `heading`.
fn table_fields(doc: &str, heading: &str) -> BTreeSet<String> {
    let section = doc.split(heading).nth(1).expect("heading in docs/json.md");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            let first = l.split('|').nth(1).unwrap();
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The `"quoted"` names of a `{...}` list in the paragraph under `heading`.
fn brace_fields(doc: &str, heading: &str) -> BTreeSet<String> {
    let section = doc.split(heading).nth(1).expect("heading in docs/json.md");
    let section = section.split("\n## ").next().unwrap();
    let inner = section
        .split('{')
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap();
    inner
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn keys<'a>(values: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    values
        .into_iter()
        .flat_map(|v| v.as_object().unwrap().keys().cloned())
        .collect()
}

#[test]
fn the_deal_object_and_its_reports_are_as_documented() {
    let doc = doc();
    let deals = seeds_json(&["list", "deals"]);
    let deals = deals.as_array().unwrap();
    assert_eq!(keys(deals), table_fields(&doc, "## The deal object"));

    let reports_row = doc.lines().find(|l| l.starts_with("| `reports`")).unwrap();
    let documented: BTreeSet<String> = reports_row
        .split('|')
        .nth(3)
        .unwrap()
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    let written = keys(deals.iter().flat_map(|d| d["reports"].as_array().unwrap()));
    assert_eq!(written, documented);
}

#[test]
fn list_entities_and_validate_are_as_documented() {
    let doc = doc();
    let entities = seeds_json(&["list", "entities"]);
    assert_eq!(
        keys(entities.as_array().unwrap()),
        brace_fields(&doc, "## `list entities`")
    );
    let validate: Value = serde_json::from_str(&ok_run(&["validate", "--format", "json"])).unwrap();
    let mut documented = brace_fields(&doc, "## `validate`");
    // The paragraph lists the warning object's fields too; the document has `warnings`.
    documented.retain(|k| !["severity", "message", "location", "help"].contains(&k.as_str()));
    assert_eq!(keys([&validate]), documented);
}
