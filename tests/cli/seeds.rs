//! The bundled seeds: every report cites one of the five articles, and the golden output of
//! `list`, `show` and `validate` on them at a fixed date.

use crate::common::run;

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

/// Snapshots of `list`, `show` and `validate` on the bundled seeds, at a fixed date.
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
