//! `dealgraph list deals|entities`: the JSON contract, CSV that loads back, filters, and the
//! same deals from TOML, CSV and JSON data.

use crate::common::{fixture, ok_run, run, temp_file};

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

#[test]
fn list_json_loads_back_byte_for_byte() {
    let deals = ok_run(&["list", "deals", "--format", "json"]);
    let entities = ok_run(&["list", "entities", "--format", "json"]);
    let (_d, deals_path) = temp_file("deals.json", deals.as_bytes());
    let (_e, entities_path) = temp_file("entities.json", entities.as_bytes());
    let seeds_entities = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/entities.toml");
    let deals_path = deals_path.to_str().unwrap();
    let entities_path = entities_path.to_str().unwrap();
    let both = ["--data", deals_path, "--data", entities_path];
    for data in [
        &both[..],
        &["--data", deals_path, "--data", seeds_entities][..],
        &["--data", deals_path, "--auto-entities"][..],
    ] {
        let again = ok_run(&[data, &["list", "deals", "--format", "json"]].concat());
        assert!(
            again == deals,
            "{data:?}: list deals differs after reloading"
        );
    }
    let again = ok_run(&[&both[..], &["list", "entities", "--format", "json"]].concat());
    assert!(again == entities, "list entities differs after reloading");
    // Without entities, the error says how to give them.
    let out = run(&["--data", deals_path, "validate"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("or pass --auto-entities"),
        "{}",
        out.stderr
    );
}

#[test]
fn list_json_derived_fields_are_checked_and_typos_still_fail() {
    let deals = ok_run(&["list", "deals", "--format", "json"]);
    let check = |text: String, needles: &[&str]| {
        let (_dir, path) = temp_file("deals.json", text.as_bytes());
        let out = run(&[
            "--data",
            path.to_str().unwrap(),
            "--auto-entities",
            "validate",
        ]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        for needle in needles {
            assert!(
                out.stderr.contains(needle),
                "{needle:?} not in {}",
                out.stderr
            );
        }
    };
    check(
        deals.replacen("\"round\": null", "\"rownd\": null", 1),
        &[
            "unknown field `rownd` in a deal",
            "did you mean `round`?",
            "deals.json:",
        ],
    );
    // Editing the standing figure instead of the report it repeats is an error, not ignored.
    check(
        deals.replacen(
            "\"amount_usd\": 8000000000,\n    \"date\"",
            "\"amount_usd\": 9000000000,\n    \"date\"",
            1,
        ),
        &["match none of its reports", "edit the report in `reports`"],
    );
    check(
        deals.replacen("\"id\": \"amazon-anthropic-investment\"", "\"id\": null", 1),
        &["`id` is null, but every deal needs one"],
    );
    assert!(deals.contains("\"amount_usd\": 8000000000,\n    \"date\""));
}

#[test]
fn amounts_past_ten_trillion_print_exactly_in_json() {
    let toml = r#"
[[deal]]
id = "big"
kind = "investment"
from = "a"
to = "b"
[[deal.report]]
source = "s"
date = "2025-01"
amount = "12345678901234.56"

[[deal]]
id = "huge"
kind = "investment"
from = "b"
to = "a"
[[deal.report]]
source = "s"
date = "2025-01"
amount = "90000000000000000.07"
"#;
    let (_dir, path) = temp_file("big.toml", toml.as_bytes());
    let path = path.to_str().unwrap();
    let out = ok_run(&[
        "--data",
        path,
        "--auto-entities",
        "list",
        "deals",
        "--format",
        "json",
    ]);
    assert!(out.contains("\"amount_usd\": 12345678901234.56,"), "{out}");
    // Through an f64 this one would print as 90000000000000000.0.
    assert!(
        out.contains("\"amount_usd\": 90000000000000000.07,"),
        "{out}"
    );
    // And it loads back exactly.
    let (_d2, listed) = temp_file("listed.json", out.as_bytes());
    let listed = listed.to_str().unwrap();
    let again = ok_run(&[
        "--data",
        listed,
        "--auto-entities",
        "list",
        "deals",
        "--format",
        "json",
    ]);
    assert_eq!(again, out);
}
