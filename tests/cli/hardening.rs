//! Hardening: the bad-input corpus (tests/bad-input/), generated hostile inputs (huge lines,
//! deep nesting), escaping of hostile names in every text output, pathological graphs, and
//! regression tests for what fuzzing found.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::common::{complete_digraph, dealgraph, run, temp_file};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input")
}

/// One entry of tests/bad-input/expected.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    #[serde(default)]
    args: Vec<String>,
    code: i32,
    message: String,
    location: Option<String>,
    help: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Expected {
    case: Vec<Case>,
}

/// The first rendered diagnostic of `stderr`: from its `error:` line to the next blank line
/// that is followed by another `error:` / `warning:` line.
fn diagnostic_with<'a>(stderr: &'a str, message: &str) -> Option<&'a str> {
    let starts: Vec<usize> = stderr
        .match_indices("error: ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || stderr.as_bytes()[i - 1] == b'\n')
        .collect();
    starts.iter().enumerate().find_map(|(n, &start)| {
        let end = starts.get(n + 1).copied().unwrap_or(stderr.len());
        let text = &stderr[start..end];
        text.lines()
            .next()
            .is_some_and(|l| l.contains(message))
            .then_some(text)
    })
}

/// Checks one corpus case; returns what is wrong with it.
fn check_case(case: &Case) -> Result<(), String> {
    let mut cmd = dealgraph();
    cmd.current_dir(corpus_dir())
        .arg("validate")
        .args(&case.args)
        .args(["--data", &case.file]);
    let out = cmd.output().map_err(|e| format!("cannot run: {e}"))?;
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let context = || format!("\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}");
    if code != case.code {
        return Err(format!(
            "exit code {code}, expected {}{}",
            case.code,
            context()
        ));
    }
    if case.code == 0 {
        if !stdout.contains(&case.message) {
            return Err(format!("stdout lacks {:?}{}", case.message, context()));
        }
        return Ok(());
    }
    if !stdout.is_empty() {
        return Err(format!("stdout must be empty on failure{}", context()));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return Err(format!("panic{}", context()));
    }
    let Some(diag) = diagnostic_with(&stderr, &case.message) else {
        return Err(format!(
            "no error line with {:?}{}",
            case.message,
            context()
        ));
    };
    if let Some(location) = &case.location {
        let wanted = format!("--> {location}\n");
        if !diag.contains(&wanted) {
            return Err(format!(
                "the diagnostic does not point at {location}{}",
                context()
            ));
        }
    }
    if let Some(help) = &case.help
        && !diag.contains(&format!("help: {help}"))
    {
        return Err(format!("no help {help:?}{}", context()));
    }
    Ok(())
}

#[test]
fn bad_input_corpus_gives_the_recorded_errors() {
    let text = std::fs::read_to_string(corpus_dir().join("expected.toml")).unwrap();
    let expected: Expected = toml::from_str(&text).unwrap();
    let failing_cases = expected.case.iter().filter(|c| c.code != 0).count();
    assert!(
        failing_cases >= 50,
        "the corpus needs at least 50 malformed files, has {failing_cases}"
    );
    // Every file in the corpus has an expectation, and every expectation has its file.
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.toml")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = expected.case.iter().map(|c| c.file.clone()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "tests/bad-input and expected.toml disagree"
    );
    let mut failures = String::new();
    for case in &expected.case {
        if let Err(why) = check_case(case) {
            writeln!(failures, "=== {}: {why}\n", case.file).unwrap();
        }
    }
    assert!(failures.is_empty(), "corpus failures:\n{failures}");
}

/// Runs `validate` on generated content and checks for a clean data error with a short report.
fn assert_clean_error(name: &str, content: &[u8], message: &str, location: &str) -> String {
    let (_dir, path) = temp_file(name, content);
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    let short = &out.stderr[..out.stderr.len().min(2000)];
    assert_eq!(out.code, 1, "{name}: exit code; stderr:\n{short}");
    assert!(out.stdout.is_empty(), "{name}: stdout {:?}", out.stdout);
    assert!(
        out.stderr.contains(message),
        "{name}: {message:?} in\n{short}"
    );
    assert!(
        out.stderr.contains(&format!("{name}{location}")),
        "{name}: location {location:?} in\n{short}"
    );
    out.stderr
}

const TEN_MB: usize = 10 * 1024 * 1024;

#[test]
fn ten_megabyte_single_line_gives_a_short_error() {
    let mut toml = b"[[entity]]\nid = \"a\"\nname = \"".to_vec();
    toml.extend(std::iter::repeat_n(b'x', TEN_MB));
    toml.extend(b"\" trailing\n");
    let col = 9 + TEN_MB + 2;
    let err = assert_clean_error(
        "long.toml",
        &toml,
        "TOML syntax error",
        &format!(":3:{col}"),
    );
    assert!(err.len() < 2000, "error report is {} bytes", err.len());

    let mut json = b"{\"entities\": [\"".to_vec();
    json.extend(std::iter::repeat_n(b'y', TEN_MB));
    json.extend(b"\" oops]}\n");
    let err = assert_clean_error("long.json", &json, "JSON syntax error", ":1:");
    assert!(err.len() < 2000, "error report is {} bytes", err.len());

    let mut csv = b"id,name,kind\nalpha,".to_vec();
    csv.extend(std::iter::repeat_n(b'z', TEN_MB));
    csv.extend(b",compny\n");
    let col = 6 + TEN_MB + 2;
    let err = assert_clean_error(
        "long.csv",
        &csv,
        "unknown entity kind \"compny\"",
        &format!(":2:{col}"),
    );
    assert!(err.len() < 2000, "error report is {} bytes", err.len());
}

#[test]
fn json_nested_ten_thousand_deep_is_a_clean_error() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let err = assert_clean_error("deep.json", deep.as_bytes(), "nesting", ":1:");
    assert!(
        err.contains("at most three levels of nesting"),
        "regression: a JSON array of arrays was taken for TOML:\n{}",
        &err[..err.len().min(2000)]
    );
    let deep = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    assert_clean_error("deep-object.json", deep.as_bytes(), "nesting", ":1:");
}

#[test]
fn toml_nested_ten_thousand_deep_is_a_clean_error() {
    let deep = format!("a = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_clean_error("deep.toml", deep.as_bytes(), "TOML syntax error", ":1:");
    let deep = format!("a = {}1{}\n", "{b = ".repeat(10_000), "}".repeat(10_000));
    assert_clean_error(
        "deep-inline.toml",
        deep.as_bytes(),
        "TOML syntax error",
        ":1:",
    );
    // Deep table headers are one line each; the key path itself is the nesting.
    let deep = format!("[{}]\nx = 1\n", vec!["a"; 10_000].join("."));
    let (_d, path) = temp_file("deep-header.toml", deep.as_bytes());
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", &out.stderr[..out.stderr.len().min(2000)]);
    assert!(out.stdout.is_empty());
}

#[test]
fn moderately_deep_values_are_rejected_by_the_schema_not_a_crash() {
    // Deep enough to pass both parsers' limits, so the schema walker sees it.
    let json = format!("{{\"entities\": {}{}}}", "[".repeat(100), "]".repeat(100));
    assert_clean_error("deep100.json", json.as_bytes(), "expected an entity", ":1:");
    let toml = format!(
        "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"company\"\naliases = {}{}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    let (_d, path) = temp_file("deep100.toml", toml.as_bytes());
    let out = run(&["validate", "--data", path.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn regression_unclosed_csv_quote_no_longer_swallows_rows() {
    // Before: the csv crate ended the quoted field at end of file, so the rows after the stray
    // quote vanished into one `source` value and the file "loaded" with one deal.
    let text = "from,to,kind,source\na,b,cloud,\"s.txt\nb,a,loan,t.txt\nb,c,loan,u.txt\n";
    let (_d, path) = temp_file("q.csv", text.as_bytes());
    let out = run(&[
        "validate",
        "--auto-entities",
        "--data",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("this quoted field is never closed"));
    assert!(out.stderr.contains("q.csv:2:11"), "{}", out.stderr);
    // Doubled quotes inside a quoted field, and quotes inside an unquoted field, are fine.
    let text = "from,to,kind,source\na,b,cloud,\"s \"\"x\"\", y\"\nb,a,loan,5\" screen\n";
    let (_d, path) = temp_file("ok.csv", text.as_bytes());
    let out = run(&[
        "validate",
        "--auto-entities",
        "--data",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn regression_fuzz_zero_amount_with_huge_exponent_is_quick() {
    // Found by the parse_amount fuzz target: "0e-959595911" looped ~a billion times in
    // decimal_to_cents (a hang), and a huge negative exponent overflowed an i32.
    for amount in ["0e-959595911", "0e999999999", "0.5e-2147483648"] {
        let text = format!(
            "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"company\"\n\
             [[entity]]\nid = \"b\"\nname = \"B\"\nkind = \"company\"\n\
             [[deal]]\nid = \"d\"\nkind = \"loan\"\nfrom = \"a\"\nto = \"b\"\n\
             [[deal.report]]\nsource = \"s\"\namount = \"{amount}\"\n"
        );
        assert_clean_error("exp.toml", text.as_bytes(), "invalid amount", ":16:10");
    }
}

#[test]
fn regression_bom_is_not_a_column() {
    // Before: the byte-order mark counted as column 1 of line 1.
    let text = "\u{feff}{\"entities\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": 5}]}";
    assert_clean_error("bom.json", text.as_bytes(), "`kind` must be", ":1:48");
    let text = "\u{feff}kind = 5\n";
    assert_clean_error("bom.toml", text.as_bytes(), "unknown field `kind`", ":1:1");
}

// ---------------------------------------------------------------------------------------
// Escaping: hostile names and notes survive every output format intact and inert.

/// Names chosen to break naive writers of JSON, CSV, DOT, HTML/SVG and terminals.
const HOSTILE: &[&str] = &[
    "Quote \" Corp",
    "Back\\slash Ltd",
    "Two\nLines Inc",
    "<script>alert(1)</script>",
    "AT&T &amp; Co",
    "{Braces} [and] brackets",
    "Dash -- Dash",
    "Arrow -> Arrow",
    "\u{202E}lacipsuS\u{202C} RTL",
    "Rocket 🚀 Ventures",
    "Tab\tand\rCR",
    "Escape \u{1b}[31mred\u{1b}[0m",
    "Comma, \"quoted\", and;semicolon",
];

/// A JSON data file with one entity per hostile name and a deal of `kind` from each to the
/// next, labelled, noted and reported with hostile text too.
fn hostile_dataset(kind: &str) -> (tempfile::TempDir, PathBuf) {
    let entities: Vec<Value> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({"id": format!("e{i:02}"), "name": name, "kind": "company",
                   "notes": format!("note: {name}")})
        })
        .collect();
    let deals: Vec<Value> = (0..HOSTILE.len())
        .map(|i| {
            let j = (i + 1) % HOSTILE.len();
            json!({"id": format!("d{i:02}"), "kind": kind, "label": HOSTILE[i],
                   "from": format!("e{i:02}"), "to": format!("e{j:02}"),
                   "notes": HOSTILE[j],
                   "reports": [{"source": HOSTILE[i], "publisher": HOSTILE[j],
                                "date": "2025-01", "status": "announced",
                                "amount_usd": 1_000_000 * (i + 1),
                                "notes": HOSTILE[i]}]})
        })
        .collect();
    let text = json!({"entities": entities, "deals": deals}).to_string();
    temp_file("hostile.json", text.as_bytes())
}

fn ok_run(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

#[test]
fn hostile_names_round_trip_through_json() {
    let (_d, path) = hostile_dataset("other");
    let data = path.to_str().unwrap();
    let entities: Value = serde_json::from_str(&ok_run(&[
        "list", "entities", "--data", data, "--format", "json",
    ]))
    .expect("entities JSON parses");
    let entities = entities.as_array().unwrap();
    assert_eq!(entities.len(), HOSTILE.len());
    for (i, e) in entities.iter().enumerate() {
        assert_eq!(e["name"], HOSTILE[i]);
        assert_eq!(e["notes"], format!("note: {}", HOSTILE[i]));
    }
    let deals: Value = serde_json::from_str(&ok_run(&[
        "list", "deals", "--data", data, "--format", "json",
    ]))
    .expect("deals JSON parses");
    let deals = deals.as_array().unwrap();
    assert_eq!(deals.len(), HOSTILE.len());
    for (i, d) in deals.iter().enumerate() {
        let j = (i + 1) % HOSTILE.len();
        assert_eq!(d["label"], HOSTILE[i]);
        assert_eq!(d["notes"], HOSTILE[j]);
        assert_eq!(d["reports"][0]["source"], HOSTILE[i]);
        assert_eq!(d["reports"][0]["publisher"], HOSTILE[j]);
        assert_eq!(d["reports"][0]["notes"], HOSTILE[i]);
    }
}

fn parse_csv(text: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("CSV output parses")
}

#[test]
fn hostile_names_round_trip_through_csv() {
    let (_d, path) = hostile_dataset("other");
    let data = path.to_str().unwrap();
    let entities_csv = ok_run(&["list", "entities", "--data", data, "--format", "csv"]);
    let rows = parse_csv(&entities_csv);
    let header = &rows[0];
    let name_col = header.iter().position(|h| h == "name").unwrap();
    assert_eq!(rows.len(), HOSTILE.len() + 1);
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row.len(), header.len(), "row {i} is ragged");
        assert_eq!(&row[name_col], HOSTILE[i]);
    }
    let deals_csv = ok_run(&["list", "deals", "--data", data, "--format", "csv"]);
    let rows = parse_csv(&deals_csv);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), HOSTILE.len() + 1);
    for (i, row) in rows[1..].iter().enumerate() {
        let j = (i + 1) % HOSTILE.len();
        assert_eq!(row.len(), rows[0].len(), "row {i} is ragged");
        assert_eq!(&row[col("label")], HOSTILE[i]);
        assert_eq!(&row[col("source")], HOSTILE[i]);
        assert_eq!(&row[col("publisher")], HOSTILE[j]);
    }
    // And the two CSVs load back to the same deals.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("entities.csv"), &entities_csv).unwrap();
    std::fs::write(dir.path().join("deals.csv"), &deals_csv).unwrap();
    let back = ok_run(&[
        "list",
        "deals",
        "--data",
        dir.path().to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(back, deals_csv);
    let back = ok_run(&[
        "list",
        "entities",
        "--data",
        dir.path().to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(back, entities_csv);
}

/// Control characters other than the line ends that frame the table itself.
fn raw_controls(text: &str) -> Vec<(usize, char)> {
    text.lines()
        .enumerate()
        .flat_map(|(n, line)| {
            line.chars()
                .filter(|c| c.is_control())
                .map(move |c| (n + 1, c))
        })
        .collect()
}

#[test]
fn hostile_names_cannot_break_table_output() {
    let (_d, path) = hostile_dataset("cloud");
    let data = path.to_str().unwrap();
    for args in [
        vec!["list", "entities"],
        vec!["list", "deals"],
        vec!["show", "e02"],
        vec!["show", "e11"],
    ] {
        let mut full = args.clone();
        full.extend(["--data", data]);
        let out = ok_run(&full);
        assert_eq!(raw_controls(&out), vec![], "{args:?} printed:\n{out}");
        assert!(!out.contains('\r'), "{args:?}");
    }
    let table = ok_run(&["list", "entities", "--data", data]);
    assert!(table.contains("Two\\nLines Inc"), "{table}");
    assert!(table.contains("Rocket 🚀 Ventures"), "{table}");
    // One table row per entity: the newline inside a name did not add a row.
    let rows = table.lines().filter(|l| l.contains("company")).count();
    assert_eq!(rows, HOSTILE.len(), "{table}");
}

// ---------------------------------------------------------------------------------------
// Pathological graphs: generated, loaded and queried; they must complete (timings by hand in
// docs/hardening.md).

fn write_dataset(
    entities: usize,
    deals: impl Iterator<Item = (usize, usize)>,
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut e = String::from("id,name,kind\n");
    for i in 0..entities {
        writeln!(e, "e{i},Entity {i},company").unwrap();
    }
    let mut d = String::from("id,from,to,kind,amount_usd,date,status,source\n");
    for (n, (a, b)) in deals.enumerate() {
        writeln!(
            d,
            "d{n},e{a},e{b},cloud,{},2025-01,announced,s.txt",
            1000 + n
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("entities.csv"), e).unwrap();
    std::fs::write(dir.path().join("deals.csv"), d).unwrap();
    dir
}

fn query_all(dir: &Path, entities: usize, deals: usize, show: &str) {
    let data = dir.to_str().unwrap();
    let ok = ok_run(&["validate", "--data", data]);
    assert!(
        ok.starts_with(&format!("ok: {entities} entities, {deals} deals")),
        "{ok}"
    );
    let list = ok_run(&["list", "deals", "--data", data, "--format", "csv"]);
    assert_eq!(list.lines().count(), deals + 1);
    let list = ok_run(&["list", "entities", "--data", data, "--format", "json"]);
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list.as_array().unwrap().len(), entities);
    let shown = ok_run(&["show", show, "--data", data]);
    assert!(shown.contains(&format!("Entity {}", &show[1..])), "{shown}");
}

#[test]
fn star_of_a_thousand_entities_loads_and_queries() {
    let dir = write_dataset(1000, (1..1000).map(|i| (0, i)));
    query_all(dir.path(), 1000, 999, "e0");
}

#[test]
fn chain_of_a_thousand_entities_loads_and_queries() {
    let dir = write_dataset(1000, (0..999).map(|i| (i, i + 1)));
    query_all(dir.path(), 1000, 999, "e500");
}

#[test]
fn ten_thousand_deals_between_two_entities_load_and_query() {
    let dir = write_dataset(2, (0..10_000).map(|i| (i % 2, 1 - i % 2)));
    query_all(dir.path(), 2, 10_000, "e1");
}

#[test]
fn hostile_labels_cannot_break_the_deals_table() {
    let (_d, path) = hostile_dataset("other");
    let out = ok_run(&["list", "deals", "--data", path.to_str().unwrap()]);
    assert_eq!(raw_controls(&out), vec![], "printed:\n{out}");
}

// ---------------------------------------------------------------------------------------
// Unbounded searches on a complete digraph: they stop at --limit or --timeout and say so
// (peak memory and times measured by hand in docs/hardening.md; no timing assertions here).

#[test]
fn complete_digraph_of_15_without_a_length_bound_stops_at_the_default_limit() {
    let (_dir, path) = temp_file("k15.csv", complete_digraph(15, "").as_bytes());
    let data = path.to_str().unwrap();
    let base = [
        "cycles",
        "--data",
        data,
        "--auto-entities",
        "--max-len",
        "0",
        "--all",
    ];
    let out = run(&base);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("note: showing the first 1000 loops found; more exist"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("1000 loop(s)"), "{}", out.stdout);
    let json = run(&[&base[..], &["--format", "json"]].concat());
    assert_eq!(json.code, 0, "{}", json.stderr);
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["count"], 1000);
    assert_eq!(json["truncated"], true);
    assert_eq!(json["cycles"].as_array().map(Vec::len), Some(1000));
}

#[test]
fn complete_digraph_of_15_count_with_a_timeout_is_partial_and_exits_0() {
    // K15 has about 2.6e11 simple cycles: no machine counts them in half a second.
    let (_dir, path) = temp_file("k15.csv", complete_digraph(15, "").as_bytes());
    let out = run(&[
        "cycles",
        "--data",
        path.to_str().unwrap(),
        "--auto-entities",
        "--max-len",
        "0",
        "--all",
        "--count",
        "--timeout",
        "0.5",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let counted: u64 = out.stdout.trim().parse().unwrap_or_else(|_| {
        panic!("stdout is only the count: {:?}", out.stdout);
    });
    assert!(counted > 0);
    assert!(
        out.stderr.contains(&format!(
            "note: stopped after the --timeout of 0.5s; at least {counted} loop(s) match"
        )),
        "{}",
        out.stderr
    );
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

// ---------------------------------------------------------------------------------------
// `--out FILE` is atomic: a failing run leaves an existing FILE as it was, and no temporary
// `.dealgraph-*` file is left in the folder.

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `map --out DIR/map.svg` with `args` over an existing map.svg and checks that it fails
/// with `code` and leaves the folder exactly as it was.
fn failing_out_leaves_the_file(args: &[&str], path_env: Option<&std::ffi::OsStr>, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("map.svg");
    std::fs::write(&out_path, "the old map\n").unwrap();
    let mut cmd = dealgraph();
    cmd.args(["map", "--out", out_path.to_str().unwrap()])
        .args(args);
    if let Some(p) = path_env {
        cmd.env("PATH", p);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}");
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "the old map\n");
    assert_eq!(
        names_in(dir.path()),
        ["map.svg"],
        "{args:?}: a temporary file was left"
    );
}

#[test]
fn out_file_is_untouched_when_the_focus_is_unknown() {
    failing_out_leaves_the_file(&["--focus", "nobody-at-all"], None, 2);
}

#[test]
fn out_file_is_untouched_when_graphviz_is_missing() {
    let empty = tempfile::tempdir().unwrap();
    failing_out_leaves_the_file(&["--engine", "graphviz"], Some(empty.path().as_os_str()), 2);
}

#[cfg(unix)]
#[test]
fn out_file_is_untouched_when_graphviz_fails_halfway() {
    use std::os::unix::fs::PermissionsExt;
    // A `dot` that reads the graph, prints half an SVG and dies.
    let bin = tempfile::tempdir().unwrap();
    let dot = bin.path().join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\n/bin/cat >/dev/null\nprintf '<svg half'\necho 'dot: out of memory' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    failing_out_leaves_the_file(&["--engine", "graphviz"], Some(bin.path().as_os_str()), 1);
}

#[test]
fn out_to_a_folder_fails_without_leaving_a_temporary_file() {
    // The map is drawn and written to a temporary file; only the rename fails.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("map.svg")).unwrap();
    let target = dir.path().join("map.svg");
    let out = run(&[
        "map",
        "--engine",
        "builtin",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
    assert_eq!(names_in(dir.path()), ["map.svg"]);
    assert!(target.is_dir());
}

#[test]
fn out_replaces_the_file_whole_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("map.svg");
    std::fs::write(&target, "x".repeat(1_000_000)).unwrap();
    let out = run(&[
        "map",
        "--engine",
        "builtin",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("<?xml") && written.trim_end().ends_with("</svg>"));
    assert!(roxmltree::Document::parse(&written).is_ok());
    assert_eq!(names_in(dir.path()), ["map.svg"]);
}

// ---- stats, path, list, validate: help, formats and CSV (issue 13) ----

#[test]
fn examples_in_help_print_one_a_line() {
    for command in ["list", "path", "stats", "validate"] {
        let out = run(&[command, "--help"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let examples = out
            .stdout
            .split_once("EXAMPLES:\n")
            .unwrap_or_else(|| panic!("{command} --help has no EXAMPLES:\n{}", out.stdout))
            .1;
        assert!(!examples.trim().is_empty(), "{command}");
        for line in examples.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                line.starts_with("  dealgraph ") && line.matches("dealgraph ").count() == 1,
                "{command} --help: {line:?}"
            );
        }
    }
}

#[test]
fn each_command_accepts_only_its_formats() {
    for (args, format) in [
        (&["validate"][..], "csv"),
        (&["list", "deals"], "dot"),
        (&["stats"], "svg"),
        (&["path", "openai", "amazon"], "dot"),
    ] {
        let mut all = args.to_vec();
        all.extend(["--format", format]);
        let out = run(&all);
        assert_eq!(out.code, 2, "{args:?} --format {format}: {}", out.stdout);
        assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
    }
}

/// The rows of CSV text, header first.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
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
fn stats_without_a_loop_bound_says_any_length() {
    let out = run(&["stats", "--max-len", "0"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(" of any length, through "),
        "{}",
        out.stdout
    );
}

// ---------------------------------------------------------------------------------------
// Input that cannot hurt (issue 15): --out never replaces a special file, and a misspelt
// CSV column is an error, not a silently undisclosed amount.

/// `map -o /dev/null` (as root, once) renamed a regular file over /dev/null. It must write
/// into the device and leave it a character device.
#[cfg(unix)]
#[test]
fn out_to_dev_null_leaves_it_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let out = run(&[
        "map",
        "--engine",
        "builtin",
        "--format",
        "svg",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let kind = std::fs::metadata("/dev/null").unwrap().file_type();
    assert!(kind.is_char_device(), "/dev/null is now {kind:?}");
}

/// A FIFO given to --out receives the whole map and stays a FIFO (it used to be replaced by
/// a regular file while its reader waited for ever).
#[cfg(unix)]
#[test]
fn out_to_a_fifo_feeds_its_reader_and_stays_a_fifo() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("map.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (sent, received) = std::sync::mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&reader_path).and_then(|mut f| f.read_to_end(&mut bytes));
        let _ = sent.send(read.map(|_| bytes));
    });
    let args = ["map", "--engine", "builtin", "--format", "svg"];
    let out = run(&[&args[..], &["-o", fifo.to_str().unwrap()]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bytes = received
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the FIFO's reader got the map")
        .unwrap();
    assert_eq!(String::from_utf8(bytes).unwrap(), run(&args).stdout);
    let kind = std::fs::metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO is now {kind:?}");
    assert_eq!(names_in(dir.path()), ["map.fifo"]);
}

/// `-o -` is stdout, not a file named `-`.
#[test]
fn out_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dealgraph()
        .current_dir(dir.path())
        .args(["map", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("digraph"));
    assert!(names_in(dir.path()).is_empty());
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
