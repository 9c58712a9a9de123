//! `dealgraph show`: entity arguments by id, name or alias, and conflicting reports side by side.

use crate::common::run;

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
