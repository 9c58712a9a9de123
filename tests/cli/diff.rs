//! `--diff` (issue 14, "what-if as a difference"): `cycles`, `stakeholders` and `stats` compare
//! the data with the global filters against the same data with none of them, on the bundled
//! seeds.

use serde_json::Value;

use crate::common::{AS_OF, csv_rows, run, seeds_json};

fn entities(loops: &Value) -> Vec<Vec<&str>> {
    loops
        .as_array()
        .expect("loops")
        .iter()
        .map(|c| {
            c["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn without_amazon_loses_exactly_the_amazon_loops() {
    let doc = seeds_json(&["cycles", "--without", "amazon", "--diff"]);
    let lost = entities(&doc["lost"]);
    assert_eq!(lost.len(), 6, "{doc}");
    assert!(lost.iter().all(|l| l.contains(&"amazon")), "{lost:?}");
    assert!(doc["gained"].as_array().unwrap().is_empty());
    assert_eq!(doc["loops"]["before"]["total"], 7);
    assert_eq!(doc["loops"]["after"]["total"], 1);
    // Every loop before is either lost or still there.
    let before = seeds_json(&["cycles"]);
    let after = seeds_json(&["cycles", "--without", "amazon"]);
    assert_eq!(
        before["cycles"].as_array().unwrap().len(),
        lost.len() + after["cycles"].as_array().unwrap().len()
    );
    // The lost Amazon → OpenAI loop keeps its round trip and grade.
    let aws = doc["lost"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entities"] == serde_json::json!(["amazon", "openai"]))
        .expect("Amazon → OpenAI lost");
    assert_eq!(aws["round_trip_usd"], 38_000_000_000u64);
    assert_eq!(aws["grade"], "in-talks");
    assert_eq!(
        doc["compared"]["filters"],
        "without Amazon; as of 2026-02-01"
    );
}

#[test]
fn confirmed_diff_says_how_many_loops_rest_on_unconfirmed_deals() {
    let out = run(&["cycles", "--confirmed", "--diff", "--as-of", AS_OF]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("confirmed deals only"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("6 loop(s) lost: 1 needed deals in talks, 5 needed inferred flows; 6 of them rested on deals not confirmed"),
        "{}",
        out.stdout
    );
    let doc = seeds_json(&["cycles", "--confirmed", "--diff"]);
    assert_eq!(doc["loops"]["lost"]["total"], 6);
    assert_eq!(doc["loops"]["lost"]["confirmed"], 0);
    assert_eq!(doc["loops"]["after"]["total"], 1);
}

#[test]
fn diff_with_no_filter_is_a_usage_error_naming_the_flags() {
    for command in [&["cycles"][..], &["stats"], &["stakeholders", "openai"]] {
        let mut args = command.to_vec();
        args.push("--diff");
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        for flag in [
            "--without",
            "--confirmed",
            "--no-inferred",
            "--status",
            "--kinds",
            "--min-amount",
            "--as-of",
        ] {
            assert!(out.stderr.contains(flag), "{args:?}: {}", out.stderr);
        }
    }
    // Commands without a difference view do not take the flag.
    assert_eq!(
        run(&["list", "deals", "--without", "amazon", "--diff"]).code,
        2
    );
}

#[test]
fn stakeholders_diff_shows_softbanks_money_leaving_openai() {
    let doc = seeds_json(&["stakeholders", "openai", "--without", "softbank", "--diff"]);
    let parties = doc["counterparties"].as_array().unwrap();
    assert_eq!(parties.len(), 1, "{doc}");
    assert_eq!(parties[0]["id"], "softbank");
    assert_eq!(parties[0]["lost"], true);
    assert_eq!(parties[0]["inflow"]["after"]["amounts"], 0);
    let before = &doc["inflows"]["before"]["total"];
    let after = &doc["inflows"]["after"]["total"];
    assert!(
        before["stated_usd"].as_f64() > after["stated_usd"].as_f64(),
        "{doc}"
    );
    // The table says before and after; CSV has one row per figure.
    let table = run(&[
        "stakeholders",
        "openai",
        "--without",
        "softbank",
        "--diff",
        "--as-of",
        AS_OF,
    ]);
    assert!(
        table.stdout.contains("SoftBank") && table.stdout.contains("lost"),
        "{}",
        table.stdout
    );
    let csv = run(&[
        "stakeholders",
        "openai",
        "--without",
        "softbank",
        "--diff",
        "--format",
        "csv",
        "--as-of",
        AS_OF,
    ]);
    let rows = csv_rows(&csv.stdout);
    assert_eq!(rows[0], ["section", "item", "measure", "before", "after"]);
    assert!(
        rows.iter()
            .any(|r| r[0] == "counterparty" && r[1] == "softbank"),
        "{rows:?}"
    );
}

#[test]
fn stats_diff_on_confirmed_deals_moves_microsoft_out_of_the_top() {
    let doc = seeds_json(&["stats", "--confirmed", "--diff"]);
    let microsoft = doc["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ranking"] == "received" && r["id"] == "microsoft")
        .expect("Microsoft's rank moves");
    assert_eq!(
        microsoft["before"], 1,
        "top on one rumored, inferred \"up to $310B\""
    );
    assert_eq!(microsoft["after"], Value::Null);
    assert_eq!(doc["loops"]["before"]["count"], 7);
    assert_eq!(doc["loops"]["after"]["count"], 1);
    assert_eq!(doc["deals"]["before"], 18);
    let csv = run(&[
        "stats",
        "--confirmed",
        "--diff",
        "--format",
        "csv",
        "--as-of",
        AS_OF,
    ]);
    let rows = csv_rows(&csv.stdout);
    assert!(
        rows.iter()
            .any(|r| r == &["ranking", "microsoft", "received", "1", ""]),
        "{rows:?}"
    );
}
