//! `dealgraph path`: money paths between two entities, shortest first; filters, limits, the
//! table, CSV and JSON, and a search that times out on a complete digraph.

use serde_json::{Value, json};

use crate::common::{
    AS_OF, complete_digraph, csv_rows, run, seeds_json, stake_chain_json, temp_file,
};

#[test]
fn path_nvidia_amazon_finds_both_two_hop_routes_first() {
    let v = seeds_json(&["path", "nvidia", "amazon"]);
    assert_eq!(
        (v["from"].as_str(), v["to"].as_str()),
        (Some("nvidia"), Some("amazon"))
    );
    assert_eq!(v["end"], "complete");
    let paths = v["paths"].as_array().unwrap();
    let entities: Vec<Vec<&str>> = paths
        .iter()
        .map(|p| {
            p["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(entities[0], ["nvidia", "anthropic", "amazon"]);
    assert_eq!(entities[1], ["nvidia", "openai", "amazon"]);
    let lengths: Vec<u64> = paths
        .iter()
        .map(|p| p["length"].as_u64().unwrap())
        .collect();
    assert!(lengths.is_sorted(), "shortest first: {lengths:?}");
    for p in paths {
        for hop in p["hops"].as_array().unwrap() {
            for d in hop["deals"].as_array().unwrap() {
                assert_eq!((&d["from"], &d["to"]), (&hop["from"], &hop["to"]));
            }
        }
    }
    let second_hop = &paths[1]["hops"][1];
    assert_eq!(second_hop["total"]["min_usd"], 38_000_000_000i64);
}

#[test]
fn path_respects_without_and_max_len_and_limit() {
    let v = seeds_json(&["path", "nvidia", "amazon", "--without", "anthropic"]);
    let first = &v["paths"][0]["entities"];
    assert_eq!(first, &serde_json::json!(["nvidia", "openai", "amazon"]));
    let none = seeds_json(&[
        "path",
        "nvidia",
        "amazon",
        "--without",
        "anthropic",
        "--without",
        "openai",
    ]);
    assert_eq!(none["paths"], serde_json::json!([]));
    let short = seeds_json(&["path", "nvidia", "amazon", "--max-len", "1"]);
    assert_eq!(short["paths"], serde_json::json!([]));
    let one = seeds_json(&["path", "nvidia", "amazon", "--limit", "1"]);
    assert_eq!(one["paths"].as_array().unwrap().len(), 1);
    assert_eq!(one["end"], "limited");
    let r = run(&["path", "amazon", "softbank", "--as-of", AS_OF]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("No money path from Amazon to SoftBank within 4 hops.")
    );
}

#[test]
fn path_table() {
    let r = run(&["path", "nvidia", "amazon", "--as-of", AS_OF]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("path_nvidia_amazon", r.stdout);
}

#[test]
fn path_on_fixture() {
    let v = stake_chain_json(&["path", "top", "cloud"]);
    let entities: Vec<&Value> = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["entities"])
        .collect();
    assert_eq!(
        entities,
        [
            &serde_json::json!(["top", "lab", "cloud"]),
            &serde_json::json!(["top", "mid", "lab", "cloud"])
        ]
    );
}

#[test]
fn path_csv_has_one_row_per_hop_as_in_the_json() {
    let args = ["path", "openai", "amazon"];
    let json: Value =
        serde_json::from_str(&run(&[&args[..], &["--format", "json"]].concat()).stdout).unwrap();
    let out = run(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = csv_rows(&out.stdout);
    let mut expected = Vec::new();
    for (n, path) in json["paths"].as_array().unwrap().iter().enumerate() {
        for (i, hop) in path["hops"].as_array().unwrap().iter().enumerate() {
            let deals: Vec<&str> = hop["deals"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap())
                .collect();
            expected.push(vec![
                (n + 1).to_string(),
                path["length"].to_string(),
                (i + 1).to_string(),
                hop["from"].as_str().unwrap().to_string(),
                hop["to"].as_str().unwrap().to_string(),
                deals.join(";"),
            ]);
        }
    }
    assert!(!expected.is_empty());
    let got: Vec<Vec<String>> = rows[1..]
        .iter()
        .map(|r| [&r[..5], &r[r.len() - 1..]].concat())
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn path_title_and_json_give_the_max_len_in_force() {
    let out = run(&["path", "openai", "amazon"]);
    assert!(
        out.stdout
            .starts_with("Money paths from OpenAI to Amazon, shortest first (up to 4 hops)")
    );
    let out = run(&[
        "path",
        "openai",
        "amazon",
        "--max-len",
        "2",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["max_len"], json!(2));
}

#[test]
fn path_on_complete_digraph_of_15_times_out_with_what_it_found() {
    // The only way from e0 to t is the direct deal; every longer candidate wanders round the
    // K15 and comes back to e0, which a path cannot revisit, so the search for 2..14 hops
    // runs (about 13^12 steps) until the timeout while the output stays one path long.
    let (_dir, path) = temp_file(
        "k15t.csv",
        complete_digraph(15, "e0,t,investment,1000000,s.txt\n").as_bytes(),
    );
    let data = path.to_str().unwrap();
    let base = [
        "path",
        "e0",
        "t",
        "--data",
        data,
        "--auto-entities",
        "--max-len",
        "14",
        "--timeout",
        "0.5",
    ];
    let out = run(&base);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("1 path(s); --timeout ran out, so longer paths may be missing."),
        "{}",
        out.stdout
    );
    let json = run(&[&base[..], &["--format", "json"]].concat());
    assert_eq!(json.code, 0, "{}", json.stderr);
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["end"], "timed-out");
    assert_eq!(json["complete"], false);
    assert_eq!(json["paths"].as_array().map(Vec::len), Some(1));

    // No unbounded length and no zero timeout: both are usage errors.
    for bad in [&["--max-len", "0"][..], &["--timeout", "0"][..]] {
        let out = run(&[
            &["path", "e0", "t", "--data", data, "--auto-entities"][..],
            bad,
        ]
        .concat());
        assert_eq!(out.code, 2, "{bad:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{bad:?}");
    }
}
