//! CLI tests for the foundation: validate, list, show, loading and diagnostics.

use crate::common::{fixture, run, temp_file};

const ENTITIES: &str = "[[entity]]\nid = \"alpha\"\nname = \"Alpha\"\nkind = \"company\"\n\n\
                        [[entity]]\nid = \"beta\"\nname = \"Beta\"\nkind = \"company\"\n\n";

/// A deal between alpha and beta with one report whose lines are `report`.
fn deal_with(report: &str) -> String {
    format!(
        "{ENTITIES}[[deal]]\nid = \"d1\"\nkind = \"cloud\"\nfrom = \"alpha\"\nto = \"beta\"\n\n\
         [[deal.report]]\nsource = \"s.txt\"\n{report}\n"
    )
}

/// Loads `content` as `name` and checks the run fails with a data error whose message
/// contains `message` at `file:line:col` ending in `location`.
fn assert_diagnostic(name: &str, content: &str, message: &str, location: &str) {
    let (_dir, path) = temp_file(name, content.as_bytes());
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert_eq!(
        out.code, 1,
        "exit code for {message:?}\nstderr:\n{}",
        out.stderr
    );
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout, got {:?}",
        out.stdout
    );
    assert!(
        out.stderr.contains(message),
        "expected {message:?} in:\n{}",
        out.stderr
    );
    let expected = format!("{name}{location}");
    assert!(
        out.stderr.contains(&expected),
        "expected location {expected:?} in:\n{}",
        out.stderr
    );
}

#[test]
fn toml_syntax_error_points_at_the_line() {
    assert_diagnostic(
        "bad.toml",
        "[[entity]]\nid = \"a\nname = \"A\"\n",
        "TOML syntax error",
        ":2:",
    );
}

#[test]
fn wrong_type_is_reported() {
    let text = format!("{ENTITIES}[[entity]]\nid = \"c\"\nname = 42\nkind = \"company\"\n");
    assert_diagnostic(
        "t.toml",
        &text,
        "`name` must be a string, found an integer",
        ":13:8",
    );
}

#[test]
fn missing_required_field_is_reported() {
    let text = "[[entity]]\nid = \"a\"\nkind = \"company\"\n";
    assert_diagnostic(
        "m.toml",
        text,
        "entity is missing the required field `name`",
        ":1:1",
    );
}

#[test]
fn unknown_field_gets_a_suggestion() {
    let text = "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"company\"\nalias = [\"x\"]\n";
    assert_diagnostic("u.toml", text, "unknown field `alias` in an entity", ":5:1");
    let (_d, path) = temp_file("u.toml", text.as_bytes());
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert!(
        out.stderr.contains("did you mean `aliases`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_kind_lists_the_valid_ones() {
    let text = "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"compny\"\n";
    assert_diagnostic(
        "k.toml",
        text,
        "expected one of: company, fund, sovereign-fund",
        ":4:8",
    );
}

#[test]
fn unknown_status_lists_the_valid_ones() {
    let text = deal_with("date = \"2025\"\nstatus = \"signed\"\namount = \"$1B\"");
    assert_diagnostic(
        "s.toml",
        &text,
        "unknown status \"signed\"; expected one of: rumored, in-talks, announced, completed, cancelled",
        ":20:10",
    );
}

#[test]
fn unknown_qualifier_lists_the_valid_ones() {
    let text = deal_with("amount_usd = 5\nqualifier = \"maybe\"");
    assert_diagnostic(
        "q.toml",
        &text,
        "unknown amount qualifier \"maybe\"",
        ":20:13",
    );
}

#[test]
fn unparseable_amount_is_reported() {
    let text = deal_with("amount = \"fifty billion\"");
    assert_diagnostic(
        "a.toml",
        &text,
        "invalid amount \"fifty billion\"",
        ":19:10",
    );
}

#[test]
fn negative_and_zero_amounts_are_rejected() {
    let text = deal_with("amount = \"-5\"");
    assert_diagnostic(
        "n.toml",
        &text,
        "amount must be greater than zero",
        ":19:10",
    );
    let text = deal_with("amount_usd = 0");
    assert_diagnostic(
        "z.toml",
        &text,
        "amount must be greater than zero",
        ":19:14",
    );
}

#[test]
fn up_to_without_an_amount_is_rejected() {
    let text = deal_with("qualifier = \"up-to\"");
    assert_diagnostic(
        "up.toml",
        &text,
        "qualifier up-to needs an amount",
        ":19:13",
    );
}

#[test]
fn unparseable_date_is_reported() {
    let text = deal_with("date = \"2025-02-30\"");
    assert_diagnostic("d.toml", &text, "2025-02 has no day 30", ":19:8");
    let text = deal_with("date = \"yesterday\"");
    assert_diagnostic("y.toml", &text, "invalid date \"yesterday\"", ":19:8");
}

#[test]
fn future_dates_are_rejected() {
    let text = deal_with("date = \"2999-01\"");
    assert_diagnostic("f.toml", &text, "date 2999-01 is in the future", ":19:8");
}

#[test]
fn duplicate_entity_ids_across_files_point_at_both() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), ENTITIES).unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        "[[entity]]\nid = \"beta\"\nname = \"B2\"\nkind = \"fund\"\n",
    )
    .unwrap();
    let out = run(&["validate", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("entity id \"beta\" is declared twice"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("b.toml:2:6"), "{}", out.stderr);
    assert!(
        out.stderr.contains("a.toml:7:6"),
        "first declaration shown: {}",
        out.stderr
    );
}

#[test]
fn duplicate_deal_ids_are_rejected() {
    let deal = "[[deal]]\nid = \"d1\"\nkind = \"cloud\"\nfrom = \"alpha\"\nto = \"beta\"\n[[deal.report]]\nsource = \"s\"\n";
    let text = format!("{ENTITIES}{deal}{deal}");
    assert_diagnostic("dd.toml", &text, "deal id \"d1\" is used twice", ":19:6");
}

#[test]
fn unknown_entity_reference_suggests_the_closest() {
    let text = format!(
        "{ENTITIES}[[deal]]\nid = \"d1\"\nkind = \"cloud\"\nfrom = \"alpah\"\nto = \"beta\"\n[[deal.report]]\nsource = \"s\"\n"
    );
    assert_diagnostic(
        "r.toml",
        &text,
        "`from` names entity \"alpah\", which is not declared",
        ":14:8",
    );
    let (_d, path) = temp_file("r.toml", text.as_bytes());
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert!(
        out.stderr.contains("did you mean \"alpha\"?"),
        "{}",
        out.stderr
    );
}

#[test]
fn auto_entities_creates_undeclared_entities() {
    let (_d, path) = temp_file("deals.csv", b"from,to,kind\nx,y,loan\n");
    let out = run(&[
        "validate",
        "--auto-entities",
        "--data",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("ok: 2 entities, 1 deals"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("created 2 entities"), "{}", out.stderr);
}

#[test]
fn self_deals_are_rejected() {
    let text = format!(
        "{ENTITIES}[[deal]]\nid = \"d1\"\nkind = \"cloud\"\nfrom = \"alpha\"\nto = \"alpha\"\n[[deal.report]]\nsource = \"s\"\n"
    );
    assert_diagnostic("self.toml", &text, "has \"alpha\" paying itself", ":15:6");
}

#[test]
fn every_problem_in_a_file_is_reported() {
    let text = "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"compny\"\n\n[[deal]]\nid = \"x\"\nkind = \"investment\"\nfrom = \"a\"\nto = \"b\"\n[[deal.report]]\namount = \"$50BB\"\ndate = \"2025-13\"\n";
    let (_d, path) = temp_file("many.toml", text.as_bytes());
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    for needle in [
        "unknown entity kind \"compny\"",
        "unknown unit \"bb\"",
        "there is no month 13",
        "3 error(s)",
    ] {
        assert!(
            out.stderr.contains(needle),
            "missing {needle:?} in:\n{}",
            out.stderr
        );
    }
}

#[test]
fn warnings_do_not_fail_validation() {
    let text = format!(
        "{ENTITIES}[[entity]]\nid = \"lonely\"\nname = \"Lonely\"\nkind = \"person\"\n\n[[deal]]\nid = \"d1\"\nkind = \"cloud\"\nfrom = \"alpha\"\nto = \"beta\"\n[[deal.report]]\namount = \"$1B\"\n"
    );
    let (_d, path) = temp_file("w.toml", text.as_bytes());
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("warning: report has no source"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("warning: entity \"lonely\" is in no deal"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("2 warning(s)"), "{}", out.stdout);
}

#[test]
fn json_and_csv_errors_carry_locations() {
    assert_diagnostic(
        "bad.json",
        "{\"entities\": [\n  {\"id\": \"a\",}\n]}",
        "JSON syntax error",
        ":2:",
    );
    assert_diagnostic(
        "ragged.csv",
        "from,to,kind\nalpha,beta\n",
        "this row has 2 fields but the header has 3",
        ":2:",
    );
    assert_diagnostic(
        "kind.csv",
        "from,to,kind\nalpha,beta,cloudy\n",
        "unknown deal kind \"cloudy\"",
        ":2:12",
    );
}

#[test]
fn toml_that_is_really_json_gets_a_hint() {
    let (_d, path) = temp_file("x.toml", b"{\"entities\": []}\n");
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("this file looks like JSON: rename it to .json"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_data_path_is_a_usage_error() {
    let out = run(&["validate", "--data", "/nonexistent/deals.toml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot read /nonexistent/deals.toml"),
        "{}",
        out.stderr
    );
    let out = run(&["list", "deals", "--format", "dot"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`list` cannot write dot"),
        "{}",
        out.stderr
    );
    let out = run(&["list", "deals", "--status", "pending"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown status \"pending\""),
        "{}",
        out.stderr
    );
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
fn global_options_work_before_and_after_the_subcommand() {
    let data = fixture("small.toml");
    let before = run(&[
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
        "list",
        "deals",
    ]);
    let after = run(&[
        "list",
        "deals",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert_eq!(before.stdout, after.stdout);
}

#[test]
fn entity_arguments_accept_names_and_aliases_and_suggest() {
    let by_alias = run(&["show", "aws", "--format", "json"]);
    assert_eq!(by_alias.code, 0, "{}", by_alias.stderr);
    let v: serde_json::Value = serde_json::from_str(&by_alias.stdout).unwrap();
    assert_eq!(v["entity"]["id"], "amazon");
    let typo = run(&["show", "anthropik"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean \"anthropic\"?"),
        "{}",
        typo.stderr
    );
}

#[test]
fn show_puts_conflicting_reports_side_by_side() {
    let out = run(&["show", "openai"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("at least $10B"), "{}", out.stdout);
    assert!(out.stdout.contains("up to $50B"), "{}", out.stdout);
    assert!(out.stdout.contains("★"), "{}", out.stdout);
    assert!(
        out.stdout.contains("CNBC, citing The Information"),
        "{}",
        out.stdout
    );
}

#[test]
fn validate_summarises_the_bundled_seeds() {
    let out = run(&["validate"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("ok: "), "{}", out.stdout);
    assert!(
        out.stdout.contains("5 sources (bundled seeds"),
        "{}",
        out.stdout
    );
}

#[test]
fn every_seed_report_cites_one_of_the_five_articles() {
    const ARTICLES: [&str; 5] = [
        "000_5ba4fde9eaa70b78.txt",
        "001_715b1eed07c081d0.txt",
        "002_25d94d7f872dd70e.txt",
        "003_c4e42021910157f9.txt",
        "004_31cf9df19f39d1bd.txt",
    ];
    let out = run(&[
        "list",
        "deals",
        "--format",
        "json",
        "--status",
        "rumored,in-talks,announced,completed,cancelled",
    ]);
    let deals: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut cited = std::collections::BTreeSet::new();
    for deal in deals.as_array().unwrap() {
        for report in deal["reports"].as_array().unwrap() {
            let source = report["source"].as_str().unwrap();
            assert!(
                ARTICLES.contains(&source),
                "deal {} cites {source:?}",
                deal["id"]
            );
            assert!(
                report["publisher"].is_string(),
                "deal {} report lacks a publisher",
                deal["id"]
            );
            cited.insert(source.to_string());
        }
    }
    assert_eq!(cited.len(), 5, "every article is cited: {cited:?}");
    let entities = run(&["list", "entities", "--format", "json"]);
    let entities: serde_json::Value = serde_json::from_str(&entities.stdout).unwrap();
    for e in entities.as_array().unwrap() {
        for fact in e["facts"].as_array().unwrap() {
            assert!(
                ARTICLES.contains(&fact["source"].as_str().unwrap()),
                "{fact}"
            );
        }
    }
}

#[test]
fn broken_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dealgraph"))
        .args(["list", "deals", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.code() == Some(0),
        "status {:?}",
        output.status
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}

/// Snapshots of each foundation command on the bundled seeds, at a fixed date.
#[test]
fn snapshots_of_list_show_and_validate_on_the_seeds() {
    let as_of = ["--as-of", "2026-01-31"];
    let cases: [(&str, Vec<&str>); 6] = [
        ("list_deals", vec!["list", "deals"]),
        ("list_entities", vec!["list", "entities"]),
        ("list_deals_csv", vec!["list", "deals", "--format", "csv"]),
        ("show_amazon", vec!["show", "amazon"]),
        (
            "show_openai_json",
            vec!["show", "openai", "--format", "json"],
        ),
        ("validate", vec!["validate"]),
    ];
    for (name, args) in cases {
        let args: Vec<&str> = args.into_iter().chain(as_of).collect();
        let out = run(&args);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        insta::assert_snapshot!(name, out.stdout);
    }
}
