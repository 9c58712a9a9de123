//! `dealgraph stats`: counts, money, rankings, components and loops of the seeds and of
//! tests/fixtures/stake-chain.toml, as tables, JSON and CSV.

use serde_json::Value;

use crate::common::{AS_OF, csv_rows, ids, on_stake_chain, run, seeds_json, stake_chain_json};

#[test]
fn stats_on_the_seeds() {
    let v = seeds_json(&["stats"]);
    assert_eq!(v["entities"]["total"], 8);
    assert_eq!(v["entities"]["with_deals"], 7);
    assert_eq!(v["deals"]["total"], 18);
    assert_eq!(v["deals"]["by_kind"]["investment"], 11);
    // amazon-openai-model-access stands in talks (its unattributed report of 2026-01), not
    // rumored (Forbes's writer's analysis of the same month): the more definite status wins.
    assert_eq!(v["deals"]["by_status"]["in-talks"], 7);
    assert_eq!(v["reports"]["total"], 40);
    assert_eq!(v["sources"]["total"], 5);
    assert_eq!(v["money"]["by_kind"]["cloud"]["min_usd"], 38_000_000_000i64);
    assert_eq!(
        v["money"]["by_kind"]["cloud"]["max_usd"],
        348_000_000_000i64
    );
    assert_eq!(v["money"]["by_kind"]["investment"]["max_usd"], Value::Null);
    assert_eq!(ids(&v["top"]["counterparties"])[0], "openai");
    assert_eq!(
        v["components"][0],
        serde_json::json!(["amazon", "anthropic", "microsoft", "nvidia", "openai"])
    );
    // 2 hops: Amazon⇄Anthropic, Amazon⇄OpenAI, OpenAI⇄Microsoft; 3 hops: Amazon → Nvidia →
    // Anthropic|OpenAI → Amazon; 4: OpenAI → Microsoft → Anthropic → Amazon → OpenAI;
    // 5: Amazon → Nvidia → OpenAI → Microsoft → Anthropic → Amazon.
    assert_eq!(v["loops"]["count"], 7);
    assert_eq!(v["loops"]["complete"], true);
    assert_eq!(v["loops"]["top_entities"][0]["id"], "amazon");
    assert_eq!(v["loops"]["top_entities"][0]["loops"], 6);
}

#[test]
fn which_loops_disappear_without_an_entity() {
    // SoftBank only pays in: no loop runs through it, but its deals are gone.
    let v = seeds_json(&["stats", "--without", "softbank"]);
    assert_eq!(v["loops"]["count"], 7);
    assert_eq!(v["deals"]["total"], 15);
    assert_eq!(v["entities"]["total"], 7);
    // Amazon sits on six of the seven loops.
    let v = seeds_json(&["stats", "--without", "amazon"]);
    assert_eq!(v["loops"]["count"], 1);
    assert_eq!(
        v["components"][0],
        serde_json::json!(["microsoft", "openai"])
    );
}

#[test]
fn stats_table() {
    let r = run(&["stats", "--as-of", AS_OF]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("stats_seeds", r.stdout);
}

#[test]
fn stats_on_fixture() {
    let r = on_stake_chain(&["stats"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("stats_fixture", r.stdout);
    let v = stake_chain_json(&["stats", "--max-len", "3"]);
    // top ⇄ lab, top → lab → cloud → top, top → mid → lab → top (the 4-hop one is cut).
    assert_eq!(v["loops"]["count"], 3);
    assert_eq!(v["loops"]["max_len"], 3);
    assert_eq!(v["deals"]["by_kind"]["loan"], 1);
}

#[test]
fn stats_csv_has_one_row_per_ranked_entity_as_in_the_json() {
    let json: Value =
        serde_json::from_str(&run(&["stats", "--format", "json", "--top", "3"]).stdout).unwrap();
    let out = run(&["stats", "--format", "csv", "--top", "3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows[0][..4], ["ranking", "rank", "id", "name"]);
    let ids = |ranking: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r[0] == ranking)
            .map(|r| r[2].clone())
            .collect()
    };
    let json_ids = |list: &Value| -> Vec<String> {
        let items = list.as_array().unwrap();
        items
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("inflow"), json_ids(&json["top"]["inflow"]));
    assert_eq!(ids("outflow"), json_ids(&json["top"]["outflow"]));
    assert_eq!(
        ids("counterparties"),
        json_ids(&json["top"]["counterparties"])
    );
    assert_eq!(ids("loops"), json_ids(&json["loops"]["top_entities"]));
    let first_inflow = rows.iter().find(|r| r[0] == "inflow").unwrap();
    let stated = &json["top"]["inflow"][0]["total"]["stated_usd"];
    assert_eq!(first_inflow[6], stated.to_string(), "{first_inflow:?}");
}

#[test]
fn stats_without_a_loop_bound_says_any_length() {
    let out = run(&["stats", "--max-len", "0"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(" of any length, through "),
        "{}",
        out.stdout
    );
}

/// Issue 19: the loop figure comes from the exact counter, or says plainly it was not counted;
/// never "at least 0" (as on 5M deals, when listing the loops timed out).
#[test]
fn stats_loop_count_is_exact_or_says_it_was_not_counted() {
    let (_dir, data, _) = crate::common::generated_folder(5000, 25000, 1);
    let cycles = crate::common::ok_run(&["cycles", "--count", "--max-len", "4", "--data", &data]);
    let exact: u64 = cycles.trim().parse().expect("a count");
    let json = crate::common::ok_run(&[
        "stats",
        "--max-len",
        "4",
        "--format",
        "json",
        "--data",
        &data,
    ]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["loops"]["count"], exact, "{}", doc["loops"]);
    assert_eq!(doc["loops"]["complete"], true);
    // No time to count: said so, and no number.
    let table = crate::common::ok_run(&["stats", "--timeout", "0.000001", "--data", &data]);
    assert!(
        table.contains("not counted, --timeout ran out first"),
        "{table}"
    );
    assert!(!table.contains("at least 0"), "{table}");
    let json = crate::common::ok_run(&[
        "stats",
        "--timeout",
        "0.000001",
        "--format",
        "json",
        "--data",
        &data,
    ]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        doc["loops"]["count"],
        serde_json::Value::Null,
        "{}",
        doc["loops"]
    );
    assert_eq!(doc["loops"]["listed"], false);
}
