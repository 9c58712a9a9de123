//! `dealgraph stakeholders`, on the bundled seeds and on tests/fixtures/stake-chain.toml (an
//! investment chain with stakes, a vendor-financing loop, a lender, an `other` deal, and names
//! that need escaping).

use serde_json::Value;

use crate::common::{AS_OF, ids, on_stake_chain, run, seeds_json, stake_chain_json};

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

#[test]
fn openai_investors_include_amazon_softbank_microsoft_nvidia_and_the_gulf_funds() {
    let v = seeds_json(&["stakeholders", "openai"]);
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
    // The flat $50B of Forbes/WSJ and DCD stands over the same month's unattributed "up to".
    assert_eq!(amazon["total"]["min_usd"], 50_000_000_000i64);
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
    let v = seeds_json(&["stakeholders", "aws"]);
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
    // Wide enough that no deal cell wraps mid-sentence.
    let out = crate::common::dealgraph()
        .env("COLUMNS", "200")
        .args(["stakeholders", "openai", "--as-of", AS_OF])
        .output()
        .unwrap();
    let r = crate::common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
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
        seeds_json(&["stakeholders", "openai", "--limit", "1"]),
        seeds_json(&["stakeholders", "openai"])
    );
}

#[test]
fn without_softbank_drops_it_and_its_money_from_openai() {
    let with = seeds_json(&["stakeholders", "openai"]);
    let without = seeds_json(&["stakeholders", "openai", "--without", "SoftBank Group"]);
    assert!(ids(&with["groups"]["investors"]).contains(&"softbank"));
    assert!(!ids(&without["groups"]["investors"]).contains(&"softbank"));
    assert_eq!(without["inflows"]["stated_usd"], 63_000_000_000i64);
    let amazon = member(&without["groups"]["investors"], "amazon");
    assert!((amazon["share_of_inflows"].as_f64().unwrap() - 50.0 / 63.0).abs() < 1e-9);
}

#[test]
fn status_filter_drops_talks() {
    let v = seeds_json(&["stakeholders", "openai", "--status", "announced,completed"]);
    assert_eq!(ids(&v["groups"]["investors"]), ["microsoft", "softbank"]);
    assert_eq!(ids(&v["groups"]["suppliers"]), ["amazon"]);
}

#[test]
fn indirect_investors_with_chains_and_lookthrough_stakes() {
    let v = stake_chain_json(&["stakeholders", "lab", "--depth", "2"]);
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
    let shallow = stake_chain_json(&["stakeholders", "lab"]);
    assert_eq!(shallow["indirect_investors"], serde_json::json!([]));
    let cut = stake_chain_json(&["stakeholders", "lab", "--depth", "3", "--without", "mid"]);
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
    let direct = stake_chain_json(&["stakeholders", "top"]);
    let vf = &direct["vendor_financing"];
    assert_eq!(vf["invested_usd"], 12_000_000_000i64);
    assert_eq!(vf["returned_usd"], 1_000_000_000i64);
    assert_eq!(vf["invested"]["min_usd"], 10_000_000_000i64);
    let deep = stake_chain_json(&["stakeholders", "top", "--depth", "2"]);
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
    let r = on_stake_chain(&["stakeholders", "lab", "--depth", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Side\\nFund"),
        "newline in a name is shown escaped"
    );
    assert!(!r.stdout.contains("Side\nFund"));
    insta::assert_snapshot!("stakeholders_fixture_lab", r.stdout);
}
