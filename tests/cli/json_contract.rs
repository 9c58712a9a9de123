//! docs/json.md is the contract for scripts: the fields it documents are the fields the
//! commands write, no more and no fewer.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{AS_OF, ok_run, seeds_json};

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

/// The example under `heading`: the first ```json block, parsed.
fn json_example(doc: &str, heading: &str) -> Value {
    let section = doc.split(heading).nth(1).expect("heading in docs/json.md");
    let block = section.split("```json\n").nth(1).unwrap();
    serde_json::from_str(block.split("```").next().unwrap()).expect("the example is JSON")
}

#[test]
fn cycles_json_and_jsonl_are_as_documented() {
    let doc = doc();
    let example = json_example(&doc, "### `cycles --format json`");
    let written = seeds_json(&["cycles"]);
    assert_eq!(keys([&written]), keys([&example]));
    let loops = written["cycles"].as_array().unwrap();
    assert!(!loops.is_empty());
    assert_eq!(keys(loops), keys(example["cycles"].as_array().unwrap()));
    let hops = |v: &Value| -> Vec<Value> {
        v["cycles"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["hops"].as_array().unwrap().clone())
            .collect()
    };
    assert_eq!(keys(&hops(&written)), keys(&hops(&example)));
    let deals: Vec<&Value> = written["deals"].as_object().unwrap().values().collect();
    assert!(!deals.is_empty());
    assert_eq!(keys(deals), table_fields(&doc, "## The deal object"));

    // JSON lines: the same loop objects, one a line.
    let lines = ok_run(&["cycles", "--as-of", AS_OF, "--format", "jsonl"]);
    let parsed: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&parsed, loops);
}
