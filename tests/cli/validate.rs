//! `dealgraph validate`: its summary, and the diagnostic it gives for each kind of mistake in
//! a data file (TOML, JSON, CSV): the message, `file:line:col`, and a did-you-mean.

use std::path::{Path, PathBuf};

use crate::common::{dealgraph, run, temp_file};

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

/// A misspelt column (`ammount_usd`) is an error at its header cell with the closest name;
/// before, the $100B deal loaded as undisclosed and validate said ok.
#[test]
fn misspelt_csv_column_is_an_error_with_did_you_mean() {
    let csv = "id,from,to,kind,ammount_usd,date,status,source\n\
               d1,a,b,investment,100000000000,2025-01,announced,s.txt\n";
    let (_dir, path) = temp_file("deals.csv", csv.as_bytes());
    let out = run(&[
        "validate",
        "--auto-entities",
        "--data",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error: unknown column `ammount_usd` in the deals CSV"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("deals.csv:1:17"), "{}", out.stderr);
    assert!(
        out.stderr.contains("did you mean `amount_usd`?"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    // Entities CSVs are checked the same way.
    let (_dir, path) = temp_file("entities.csv", b"id,name,knd\na,A,company\n");
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("did you mean `kind`?"),
        "{}",
        out.stderr
    );
}

/// Columns starting with `x_` are carried and ignored, in deals and entities CSVs.
#[test]
fn x_prefixed_csv_columns_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("deals.csv"),
        "from,to,kind,amount_usd,source,x_checked_by\na,b,investment,5000000,s.txt,me\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("entities.csv"),
        "id,name,x_ticker\na,A,AAA\nb,B,BBB\n",
    )
    .unwrap();
    let out = run(&["validate", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("ok: 2 entities, 1 deals"),
        "{}",
        out.stdout
    );
}

/// Every file of the seeds and of tests/fixtures still loads (a CSV column the loader does
/// not read would now fail it).
#[test]
fn seeds_and_fixtures_still_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures");
    let mut sets: Vec<Vec<PathBuf>> = vec![vec![root.join("seeds")]];
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        // The deals CSV names entities its sibling declares.
        match name.as_str() {
            "small-deals.csv" => sets.push(vec![path, fixtures.join("small-entities.csv")]),
            _ => sets.push(vec![path]),
        }
    }
    for set in &sets {
        let mut cmd = dealgraph();
        cmd.arg("validate");
        for path in set {
            cmd.arg("--data").arg(path);
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{set:?}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
