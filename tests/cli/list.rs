//! `dealgraph list deals|entities`: the JSON contract, CSV that loads back, filters, and the
//! same deals from TOML, CSV and JSON data.

use crate::common::{fixture, run};

#[test]
fn list_deals_json_follows_the_contract() {
    let out = run(&[
        "list",
        "deals",
        "--format",
        "json",
        "--data",
        fixture("small.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let deal = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "beta-alpha-investment")
        .unwrap();
    assert_eq!(deal["from"], "beta");
    assert_eq!(deal["to"], "alpha");
    assert_eq!(deal["kind"], "investment");
    // The newer report stands.
    assert_eq!(deal["status"], "announced");
    assert_eq!(deal["amount_usd"], 8_000_000_000u64);
    assert_eq!(deal["qualifier"], "up-to");
    assert_eq!(deal["date"], "2025-09-15");
    assert_eq!(deal["reports"].as_array().unwrap().len(), 2);
    assert_eq!(deal["reports"][0]["publisher"], "Example Wire");
    let undisclosed = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "gamma-alpha-investment")
        .unwrap();
    assert!(undisclosed["amount_usd"].is_null());
    assert_eq!(undisclosed["qualifier"], "undisclosed");
}

#[test]
fn list_deals_csv_loads_back() {
    let out = run(&["list", "deals", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let entities = run(&["list", "entities", "--format", "csv"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deals.csv"), &out.stdout).unwrap();
    std::fs::write(dir.path().join("entities.csv"), &entities.stdout).unwrap();
    let back = run(&[
        "list",
        "deals",
        "--format",
        "json",
        "--data",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    let original = run(&["list", "deals", "--format", "json"]);
    let a: serde_json::Value = serde_json::from_str(&original.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_str(&back.stdout).unwrap();
    let key = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["id"].clone(),
                    d["from"].clone(),
                    d["to"].clone(),
                    d["amount_usd"].clone(),
                    d["status"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&a), key(&b));
}

#[test]
fn list_filters_by_kind_and_involving() {
    let out = run(&["list", "deals", "--kind", "cloud", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().all(|d| d["kind"] == "cloud"));
    let out = run(&["list", "deals", "--involving", "AWS", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(!v.as_array().unwrap().is_empty());
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|d| d["from"] == "amazon" || d["to"] == "amazon")
    );
    let out = run(&[
        "list",
        "entities",
        "--kind",
        "sovereign-fund",
        "--format",
        "csv",
    ]);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
}

#[test]
fn as_of_picks_the_standing_report() {
    let data = fixture("small.toml");
    let out = run(&[
        "list",
        "deals",
        "--format",
        "json",
        "--as-of",
        "2025-07",
        "--data",
        data.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    // The cloud deal was first reported in October: it does not exist yet in July.
    assert_eq!(ids, ["beta-alpha-investment", "gamma-alpha-investment"]);
    assert_eq!(v[0]["status"], "in-talks");
    assert_eq!(v[0]["qualifier"], "at-least");
}

#[test]
fn the_same_data_loads_from_toml_csv_and_json() {
    let toml = run(&[
        "list",
        "deals",
        "--format",
        "json",
        "--data",
        fixture("small.toml").to_str().unwrap(),
    ]);
    let csv = run(&[
        "list",
        "deals",
        "--format",
        "json",
        "--data",
        fixture("small-entities.csv").to_str().unwrap(),
        "--data",
        fixture("small-deals.csv").to_str().unwrap(),
    ]);
    assert_eq!(toml.code, 0, "{}", toml.stderr);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        for deal in v.as_array_mut().unwrap() {
            deal["notes"] = serde_json::Value::Null;
            deal["term_years"] = serde_json::Value::Null;
            for r in deal["reports"].as_array_mut().unwrap() {
                r["notes"] = serde_json::Value::Null;
            }
        }
        v
    };
    assert_eq!(strip(&toml.stdout), strip(&csv.stdout));
    let json = run(&[
        "list",
        "deals",
        "--format",
        "json",
        "--data",
        fixture("small.json").to_str().unwrap(),
    ]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v[0]["amount_usd"], 5_000_000_000u64);
    assert_eq!(v[0]["qualifier"], "at-least");
}
