//! CLI tests for `stakeholders`, `path` and `stats`, on the bundled seeds and on
//! tests/fixtures/stake-chain.toml (an investment chain with stakes, a vendor-financing loop,
//! a lender, an `other` deal, and names that need escaping).

use serde_json::Value;

use crate::common::{dealgraph, fixture, run};

/// The seeds as they stood at the start of February 2026 (every article is out by then).
const AS_OF: &str = "2026-02-01";

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--as-of", AS_OF, "--format", "json"]);
    let r = run(&all);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", r.stdout))
}

/// Runs with the fixture given by a relative path, so outputs that name the data file are
/// the same on every machine.
fn on_fixture(args: &[&str]) -> crate::common::Run {
    let out = dealgraph()
        .current_dir(fixture(""))
        .args(["--data", "stake-chain.toml", "--as-of", "2026-01-01"])
        .args(args)
        .output()
        .expect("runs");
    crate::common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixture_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let r = on_fixture(&all);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("json")
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect()
}

fn member<'a>(group: &'a Value, id: &str) -> &'a Value {
    group
        .as_array()
        .expect("array")
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing from {group}"))
}

fn deal<'a>(m: &'a Value, id: &str) -> &'a Value {
    m["deals"]
        .as_array()
        .expect("deals")
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("deal {id} missing"))
}

// ---- stakeholders on the seeds ----

#[test]
fn openai_investors_include_amazon_softbank_microsoft_nvidia_and_the_gulf_funds() {
    let v = json(&["stakeholders", "openai"]);
    assert_eq!(v["entity"], "openai");
    let groups = &v["groups"];
    for key in [
        "investors",
        "investees",
        "customers",
        "suppliers",
        "lenders",
        "borrowers",
        "other",
    ] {
        assert!(groups[key].is_array(), "group {key} must be present");
    }
    assert_eq!(groups["investees"], serde_json::json!([]));
    assert_eq!(groups["lenders"], serde_json::json!([]));
    assert_eq!(
        ids(&groups["investors"]),
        [
            "amazon",
            "microsoft",
            "middle-east-sovereign-funds",
            "nvidia",
            "softbank"
        ]
    );
    // Amazon: a prospective investor, in talks, with both accounts of the figure visible.
    let amazon = member(&groups["investors"], "amazon");
    let investment = deal(amazon, "amazon-openai-investment");
    assert_eq!(investment["status"], "in-talks");
    let reports: Vec<(String, Value)> = investment["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["qualifier"].as_str().unwrap().to_string(),
                r["amount_usd"].clone(),
            )
        })
        .collect();
    assert!(
        reports.contains(&("at-least".into(), 10_000_000_000i64.into())),
        "{reports:?}"
    );
    assert!(
        reports.contains(&("up-to".into(), 50_000_000_000i64.into())),
        "{reports:?}"
    );
    assert_eq!(amazon["total"]["min_usd"], 0);
    assert_eq!(amazon["total"]["max_usd"], 50_000_000_000i64);
    // ... and its cloud supplier at $38B.
    let supplier = member(&groups["suppliers"], "amazon");
    assert_eq!(
        deal(supplier, "openai-amazon-cloud")["amount_usd"],
        38_000_000_000i64
    );
    assert_eq!(supplier["total"]["min_usd"], 38_000_000_000i64);
    assert_eq!(supplier["total"]["undisclosed"], 2);
    assert!(supplier["share_of_outflows"].as_f64().unwrap() > 0.1);
    // Shares say what they are a share of.
    assert_eq!(v["inflows"]["stated_usd"], 155_500_000_000i64);
    let softbank = member(&groups["investors"], "softbank");
    let share = softbank["share_of_inflows"].as_f64().unwrap();
    assert!((share - 92.5 / 155.5).abs() < 1e-9, "{share}");
    // Undisclosed only: the share is unknown, not zero.
    assert_eq!(
        member(&groups["investors"], "nvidia")["share_of_inflows"],
        Value::Null
    );
    // OpenAI finances no one here.
    assert_eq!(v["vendor_financing"]["ratio"], Value::Null);
    assert_eq!(v["indirect_investors"], serde_json::json!([]));
}

#[test]
fn amazon_has_openai_as_customer_and_anthropic_as_investee() {
    let v = json(&["stakeholders", "aws"]);
    assert_eq!(v["entity"], "amazon");
    assert_eq!(ids(&v["groups"]["customers"]), ["anthropic", "openai"]);
    assert_eq!(ids(&v["groups"]["investees"]), ["anthropic", "openai"]);
    assert_eq!(ids(&v["groups"]["suppliers"]), ["nvidia"]);
    let vf = &v["vendor_financing"];
    assert_eq!(vf["invested_usd"], 58_000_000_000i64);
    assert_eq!(vf["returned_usd"], 38_000_000_000i64);
    assert!((vf["ratio"].as_f64().unwrap() - 38.0 / 58.0).abs() < 1e-9);
    assert_eq!(vf["financed"], serde_json::json!(["anthropic", "openai"]));
}

#[test]
fn stakeholders_openai_table() {
    let r = run(&["stakeholders", "openai", "--as-of", AS_OF]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("also reported: at least $10B (in talks, 2025-12)")
    );
    insta::assert_snapshot!("stakeholders_openai", r.stdout);
}

/// Long tables show their first --limit rows and say how to see the rest; JSON lists them all.
#[test]
fn limit_caps_each_table_with_a_note() {
    let full = run(&["stakeholders", "openai", "--as-of", AS_OF]);
    let all = run(&["stakeholders", "openai", "--as-of", AS_OF, "--limit", "0"]);
    assert_eq!(
        all.stdout, full.stdout,
        "no table of openai reaches the default limit"
    );
    assert!(!full.stdout.contains("note: showing"));
    let capped = run(&["stakeholders", "openai", "--as-of", AS_OF, "--limit", "2"]);
    assert_eq!(capped.code, 0, "{}", capped.stderr);
    assert!(capped.stdout.contains("Investors (invest in it) — 5"));
    insta::assert_snapshot!("stakeholders_openai_limit_2", capped.stdout);
    let note = "note: showing 2 of 5 counterparties; --limit 0 shows them all";
    assert!(capped.stdout.contains(note), "{}", capped.stdout);
    assert_eq!(
        json(&["stakeholders", "openai", "--limit", "1"]),
        json(&["stakeholders", "openai"])
    );
}

#[test]
fn without_softbank_drops_it_and_its_money_from_openai() {
    let with = json(&["stakeholders", "openai"]);
    let without = json(&["stakeholders", "openai", "--without", "SoftBank Group"]);
    assert!(ids(&with["groups"]["investors"]).contains(&"softbank"));
    assert!(!ids(&without["groups"]["investors"]).contains(&"softbank"));
    assert_eq!(without["inflows"]["stated_usd"], 63_000_000_000i64);
    let amazon = member(&without["groups"]["investors"], "amazon");
    assert!((amazon["share_of_inflows"].as_f64().unwrap() - 50.0 / 63.0).abs() < 1e-9);
}

#[test]
fn status_filter_drops_talks() {
    let v = json(&["stakeholders", "openai", "--status", "announced,completed"]);
    assert_eq!(ids(&v["groups"]["investors"]), ["microsoft", "softbank"]);
    assert_eq!(ids(&v["groups"]["suppliers"]), ["amazon"]);
}

// ---- stakeholders on the fixture ----

#[test]
fn indirect_investors_with_chains_and_lookthrough_stakes() {
    let v = fixture_json(&["stakeholders", "lab", "--depth", "2"]);
    let indirect = v["indirect_investors"].as_array().unwrap();
    let by_id = |id: &str| indirect.iter().find(|i| i["id"] == id).unwrap();
    assert_eq!(ids(&v["indirect_investors"]), ["side", "top"]);
    let top = by_id("top");
    assert_eq!(top["via"], serde_json::json!(["top", "mid", "lab"]));
    assert_eq!(top["also_direct"], true);
    // 50% of mid × 10% of lab, plus 5% held directly.
    assert!((top["lookthrough_stake_pct"].as_f64().unwrap() - 10.0).abs() < 1e-9);
    assert_eq!(top["lookthrough_partial"], false);
    let side = by_id("side");
    assert_eq!(side["lookthrough_stake_pct"], Value::Null);
    assert_eq!(side["lookthrough_partial"], true);
    // Names are data, not markup: JSON keeps them exactly.
    assert_eq!(side["name"], "Side\nFund \u{200f}RTL");
    assert_eq!(by_id("top")["name"], "Top \"Holdings\" <&> 🚀");
    // Depth 1: none; --without mid: side is cut off and top is direct only.
    let shallow = fixture_json(&["stakeholders", "lab"]);
    assert_eq!(shallow["indirect_investors"], serde_json::json!([]));
    let cut = fixture_json(&["stakeholders", "lab", "--depth", "3", "--without", "mid"]);
    assert_eq!(cut["indirect_investors"], serde_json::json!([]));
    // Roles: a lender, suppliers, other.
    assert_eq!(ids(&v["groups"]["lenders"]), ["bank"]);
    assert_eq!(ids(&v["groups"]["suppliers"]), ["cloud", "top"]);
    assert_eq!(ids(&v["groups"]["other"]), ["partner"]);
    assert_eq!(v["inflows"]["min_usd"], 4_500_000_000i64);
    assert_eq!(v["inflows"]["max_usd"], 6_500_000_000i64);
}

#[test]
fn vendor_financing_through_loops_grows_with_depth() {
    let direct = fixture_json(&["stakeholders", "top"]);
    let vf = &direct["vendor_financing"];
    assert_eq!(vf["invested_usd"], 12_000_000_000i64);
    assert_eq!(vf["returned_usd"], 1_000_000_000i64);
    assert_eq!(vf["invested"]["min_usd"], 10_000_000_000i64);
    let deep = fixture_json(&["stakeholders", "top", "--depth", "2"]);
    let vf = &deep["vendor_financing"];
    assert_eq!(vf["returned_usd"], 4_000_000_000i64);
    assert!((vf["ratio"].as_f64().unwrap() - 4.0 / 12.0).abs() < 1e-9);
    assert_eq!(ids(&vf["returning"]), ["lab", "cloud"]);
    assert_eq!(
        vf["returning"][1]["deals"],
        serde_json::json!(["cloud-top-chips"])
    );
}

#[test]
fn stakeholders_fixture_table_escapes_names() {
    let r = on_fixture(&["stakeholders", "lab", "--depth", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Side\\nFund"),
        "newline in a name is shown escaped"
    );
    assert!(!r.stdout.contains("Side\nFund"));
    insta::assert_snapshot!("stakeholders_fixture_lab", r.stdout);
}

// ---- path ----

#[test]
fn path_nvidia_amazon_finds_both_two_hop_routes_first() {
    let v = json(&["path", "nvidia", "amazon"]);
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
    let v = json(&["path", "nvidia", "amazon", "--without", "anthropic"]);
    let first = &v["paths"][0]["entities"];
    assert_eq!(first, &serde_json::json!(["nvidia", "openai", "amazon"]));
    let none = json(&[
        "path",
        "nvidia",
        "amazon",
        "--without",
        "anthropic",
        "--without",
        "openai",
    ]);
    assert_eq!(none["paths"], serde_json::json!([]));
    let short = json(&["path", "nvidia", "amazon", "--max-len", "1"]);
    assert_eq!(short["paths"], serde_json::json!([]));
    let one = json(&["path", "nvidia", "amazon", "--limit", "1"]);
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
    let v = fixture_json(&["path", "top", "cloud"]);
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

// ---- stats ----

#[test]
fn stats_on_the_seeds() {
    let v = json(&["stats"]);
    assert_eq!(v["entities"]["total"], 8);
    assert_eq!(v["entities"]["with_deals"], 7);
    assert_eq!(v["deals"]["total"], 18);
    assert_eq!(v["deals"]["by_kind"]["investment"], 11);
    assert_eq!(v["deals"]["by_status"]["in-talks"], 6);
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
    let v = json(&["stats", "--without", "softbank"]);
    assert_eq!(v["loops"]["count"], 7);
    assert_eq!(v["deals"]["total"], 15);
    assert_eq!(v["entities"]["total"], 7);
    // Amazon sits on six of the seven loops.
    let v = json(&["stats", "--without", "amazon"]);
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
    let r = on_fixture(&["stats"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("stats_fixture", r.stdout);
    let v = fixture_json(&["stats", "--max-len", "3"]);
    // top ⇄ lab, top → lab → cloud → top, top → mid → lab → top (the 4-hop one is cut).
    assert_eq!(v["loops"]["count"], 3);
    assert_eq!(v["loops"]["max_len"], 3);
    assert_eq!(v["deals"]["by_kind"]["loan"], 1);
}

// ---- errors and help ----

#[test]
fn bad_arguments_are_usage_errors() {
    let cases: &[&[&str]] = &[
        &["stakeholders", "openaii"],
        &["stakeholders", "openai", "--format", "csv"],
        &["stakeholders", "openai", "--depth", "0"],
        &["stakeholders", "softbank", "--without", "softbank"],
        &["path", "openai", "open ai"],
        &["path", "nvidia", "amazon", "--timeout", "0"],
        &["path", "nvidia", "amazon", "--limit", "0"],
        &["path", "nvidia", "amazon", "--without", "amazon"],
        &["stats", "--max-len", "1"],
        &["stats", "--format", "dot"],
    ];
    for args in cases {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(!r.stderr.is_empty(), "{args:?}");
    }
    let r = run(&["stakeholders", "openaii"]);
    assert!(r.stderr.contains("did you mean \"openai\""), "{}", r.stderr);
    let r = run(&["path", "openai", "open ai"]);
    assert!(r.stderr.contains("cycles"), "{}", r.stderr);
}

#[test]
fn help_explains_the_options() {
    let r = run(&["stakeholders", "--help"]);
    assert_eq!(r.code, 0);
    for needle in ["--depth", "vendor-financing", "investors", "look-through"] {
        assert!(r.stdout.contains(needle), "{needle} in {}", r.stdout);
    }
    let r = run(&["path", "--help"]);
    for needle in ["--max-len", "--limit", "--timeout", "shortest first"] {
        assert!(r.stdout.contains(needle), "{needle} in {}", r.stdout);
    }
    let r = run(&["stats", "--help"]);
    for needle in ["--top", "--max-len", "--timeout", "strongly connected"] {
        assert!(r.stdout.contains(needle), "{needle} in {}", r.stdout);
    }
}
