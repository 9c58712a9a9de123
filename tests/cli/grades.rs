//! CLI tests for evidence grades in headline figures (issue 14, "speculation and fact are
//! mixed in the headlines"): `stakeholders` totals and `stats` rankings say how much rests on
//! confirmed deals, on talks, on rumors and on inferred flows, on the bundled seeds.

use serde_json::Value;

use crate::common::run;

/// Every seeds article is out by then.
const AS_OF: &str = "2026-02-01";

fn stdout(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--as-of", AS_OF]);
    let r = run(&all);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.stdout
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let text = stdout(&all);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{text}"))
}

const BILLION: f64 = 1e9;

fn billions(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number: {v}")) / BILLION
}

/// OpenAI's headline inflows led with "$65.5B – $155.5B" (later "$115.5B – $155.5B"), $80B of
/// it (Amazon $50B, SoftBank $30B) still in talks: the summary now leads with the confirmed
/// money and puts the talks on a line of their own.
#[test]
fn openai_summary_splits_talks_from_confirmed_money() {
    let out = stdout(&["stakeholders", "openai"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1], "Recorded inflows:  $35.5B – $75.5B confirmed (3 deals)",
        "{out}"
    );
    assert!(
        lines[2].contains("$80B + 4 undisclosed more in talks (6 deals)"),
        "{out}"
    );
    assert!(
        lines[3].contains("$115.5B – $155.5B + 4 undisclosed in all"),
        "{out}"
    );
    assert!(
        out.contains("Recorded outflows: $38B confirmed (1 deal)"),
        "the inferred $310B is not headline money:\n{out}"
    );
    assert!(out.contains("up to $310B more inferred (1 deal)"), "{out}");
    // Per counterparty too: SoftBank's $30B round is in talks, its earlier money confirmed.
    assert!(out.contains("confirmed $22.5B – $62.5B"), "{out}");
    assert!(out.contains("all in talks"), "Amazon's $50B: {out}");
}

#[test]
fn openai_json_carries_the_grade_split_of_every_total() {
    let v = json(&["stakeholders", "openai"]);
    let inflows = &v["inflows_by_grade"];
    assert_eq!(billions(&inflows["confirmed"]["min_usd"]), 35.5);
    assert_eq!(billions(&inflows["confirmed"]["max_usd"]), 75.5);
    assert_eq!(billions(&inflows["in_talks"]["stated_usd"]), 80.0);
    assert_eq!(inflows["in_talks"]["undisclosed"], 4);
    assert_eq!(inflows["rumored"]["amounts"], 0);
    // The split adds up to the total it splits.
    let amounts: u64 = ["confirmed", "in_talks", "rumored", "inferred"]
        .iter()
        .map(|g| inflows[g]["amounts"].as_u64().expect("a count"))
        .sum();
    assert_eq!(Some(amounts), v["inflows"]["amounts"].as_u64());
    assert_eq!(
        billions(&v["outflows_by_grade"]["inferred"]["max_usd"]),
        310.0
    );
    let amazon = v["groups"]["investors"]
        .as_array()
        .expect("investors")
        .iter()
        .find(|m| m["id"] == "amazon")
        .expect("Amazon invests");
    assert_eq!(
        billions(&amazon["total_by_grade"]["in_talks"]["min_usd"]),
        50.0
    );
    assert_eq!(amazon["total_by_grade"]["confirmed"]["amounts"], 0);
    let exposure = v["exposure"]
        .as_array()
        .expect("exposure")
        .iter()
        .find(|e| e["id"] == "microsoft")
        .expect("Microsoft");
    assert_eq!(
        billions(&exposure["outflow_by_grade"]["inferred"]["max_usd"]),
        310.0
    );
    assert_eq!(
        billions(&exposure["inflow_by_grade"]["confirmed"]["min_usd"]),
        13.0
    );
}

/// Microsoft ranked top receiver on one rumored, inferred "up to $310B", and nothing said so.
#[test]
fn stats_say_when_a_top_rank_rests_on_rumor_alone() {
    let out = stdout(&["stats"]);
    let receivers = out
        .split("Top receivers")
        .nth(1)
        .and_then(|rest| rest.split("Top payers").next())
        .expect("a receivers ranking");
    let microsoft = receivers
        .lines()
        .find(|l| l.contains("Microsoft"))
        .expect("Microsoft ranks");
    assert!(microsoft.contains("all inferred"), "{receivers}");
    assert!(
        receivers.contains(
            "No confirmed deal holds up the rank of: Microsoft (rumored or inferred flows only)"
        ),
        "{receivers}"
    );
    assert!(receivers.contains("`--confirmed` ranks on confirmed deals alone"));
}

#[test]
fn stats_ranked_on_confirmed_deals_do_not_put_microsoft_on_top() {
    let v = json(&["stats", "--confirmed"]);
    let top = &v["top"]["inflow"][0];
    assert_eq!(top["id"], "openai", "{top}");
    assert_eq!(billions(&top["total"]["max_usd"]), 75.5);
    // Every ranked figure is confirmed money, and says so.
    assert_eq!(top["by_grade"]["confirmed"], top["total"], "{top}");
    assert_eq!(top["by_grade"]["in_talks"]["amounts"], 0);
    let ids: Vec<&str> = v["top"]["inflow"]
        .as_array()
        .expect("ranking")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert!(!ids.contains(&"microsoft"), "{ids:?}");
    let table = stdout(&["stats", "--confirmed"]);
    assert!(!table.contains("No confirmed deal holds up"), "{table}");
    let openai = table
        .lines()
        .find(|l| l.contains("OpenAI"))
        .expect("OpenAI ranks");
    assert!(openai.contains("all confirmed"), "{table}");
}

#[test]
fn stats_json_carries_each_ranked_figures_grade_mix() {
    let v = json(&["stats"]);
    let top = &v["top"]["inflow"][0];
    assert_eq!(top["id"], "microsoft");
    assert_eq!(billions(&top["by_grade"]["inferred"]["stated_usd"]), 310.0);
    assert_eq!(top["by_grade"]["confirmed"]["amounts"], 0);
    let money = &v["money"];
    assert_eq!(
        money["by_grade"]["confirmed"]["amounts"]
            .as_u64()
            .expect("count")
            + money["by_grade"]["in_talks"]["amounts"]
                .as_u64()
                .expect("count")
            + money["by_grade"]["rumored"]["amounts"]
                .as_u64()
                .expect("count")
            + money["by_grade"]["inferred"]["amounts"]
                .as_u64()
                .expect("count"),
        money["total"]["amounts"].as_u64().expect("count")
    );
}

/// The loop count of `stats` says what the loops rest on, as `cycles` does: 7 loops, only 1
/// on confirmed deals alone.
#[test]
fn stats_loop_count_says_what_the_loops_rest_on() {
    let text = stdout(&["stats"]);
    assert!(
        text.contains("rests on: 1 on confirmed deals alone, 1 more needs deals in talks, 5 more need inferred flows"),
        "{text}"
    );
    let doc = json(&["stats"]);
    assert_eq!(
        doc["loops"]["by_grade"],
        serde_json::json!({"confirmed": 1, "in_talks": 1, "rumored": 0, "inferred": 5})
    );
}
