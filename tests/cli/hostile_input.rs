//! Hostile input: the bad-input corpus (tests/bad-input/), generated inputs with huge lines and
//! deep nesting, regression tests for what fuzzing found, and pathological graphs that must
//! load and answer queries (timings by hand in docs/hardening.md).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::common::{dealgraph, ok_run, run, temp_file};

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

/// `validate --auto-entities` on `text` written to a temporary file `name`.
fn validate_auto_entities(name: &str, text: &str) -> (tempfile::TempDir, crate::common::Run) {
    let (dir, path) = temp_file(name, text.as_bytes());
    let out = run(&[
        "validate",
        "--auto-entities",
        "--data",
        path.to_str().unwrap(),
    ]);
    (dir, out)
}

#[test]
fn regression_unclosed_csv_quote_no_longer_swallows_rows() {
    // Before: the csv crate ended the quoted field at end of file, so the rows after the stray
    // quote vanished into one `source` value and the file "loaded" with one deal.
    let text = "from,to,kind,source\na,b,cloud,\"s.txt\nb,a,loan,t.txt\nb,c,loan,u.txt\n";
    let (_d, out) = validate_auto_entities("q.csv", text);
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

/// `--data` on a symlink to `/dev/zero` read until memory ran out (4.2 GB, then an abort), and a
/// FIFO was opened twice and hung. Only regular files are read now (exit 2, at once).
#[cfg(unix)]
#[test]
fn regression_data_refuses_devices_and_fifos() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let fifo = dir.path().join("fifo.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for path in [&zero, &fifo] {
        let mut cmd = dealgraph();
        cmd.args([
            "validate",
            "--auto-entities",
            "--data",
            path.to_str().unwrap(),
        ])
        .timeout(std::time::Duration::from_secs(20));
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path:?}: {stderr}");
        assert!(stderr.contains("is not a regular file"), "{stderr}");
    }
    // A folder holding a FIFO is refused the same way, not hung on.
    let out = dealgraph()
        .args(["validate", "--data", dir.path().to_str().unwrap()])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn data_files_over_the_size_limit_are_refused_and_the_limit_can_be_raised() {
    let text = "from,to,kind,source\na,b,loan,s.txt\n";
    let (_d, path) = temp_file("d.csv", text.as_bytes());
    let data = path.to_str().unwrap();
    let out = dealgraph()
        .env("DEALGRAPH_MAX_INPUT_BYTES", "10")
        .args(["validate", "--auto-entities", "--data", data])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("more than the limit of 10 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("DEALGRAPH_MAX_INPUT_BYTES"), "{stderr}");
    let out = dealgraph()
        .env("DEALGRAPH_MAX_INPUT_BYTES", "1000")
        .args(["validate", "--auto-entities", "--data", data])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// 20,000 rows with a bad kind took 7.5 s to report and 100,000 timed out: each diagnostic
/// counted the lines before it. Now the line starts are found once, and the first 50
/// problems are printed with a count of the rest (all with --all-errors).
#[test]
fn regression_many_row_errors_are_reported_in_linear_time_and_capped() {
    let mut text = String::from("from,to,kind,source\r\n");
    for i in 0..100_000 {
        writeln!(text, "e{i},e{},lon,s.txt\r", i + 1).unwrap();
    }
    let (_d, path) = temp_file("many.csv", text.as_bytes());
    let data = path.to_str().unwrap();
    let started = std::time::Instant::now();
    let out = run(&["validate", "--auto-entities", "--data", data]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr.matches("error: unknown deal kind").count(), 50);
    assert!(
        out.stderr
            .contains("... and 99950 more problem(s) not shown; --all-errors prints them all"),
        "{}",
        &out.stderr[out.stderr.len().saturating_sub(500)..]
    );
    // The last row is on line 100,001, and CRLF does not shift it to the line before.
    let out = run(&[
        "validate",
        "--auto-entities",
        "--all-errors",
        "--data",
        data,
    ]);
    assert_eq!(
        out.stderr.matches("error: unknown deal kind").count(),
        100_000
    );
    assert!(
        out.stderr.contains("many.csv:100001:16"),
        "last row's location"
    );
    // Generous even for a debug build on a busy machine; quadratic reporting took minutes.
    assert!(started.elapsed().as_secs() < 120, "{:?}", started.elapsed());
}

/// `--status ''`, `--kinds ''` and `--without ''` were ignored silently (every deal shown).
#[test]
fn regression_empty_filter_lists_are_usage_errors() {
    for args in [
        ["--status", ""],
        ["--kinds", ""],
        ["--kinds", "loan,"],
        ["--without", ""],
    ] {
        let out = run(&["list", "deals", args[0], args[1]]);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(out.stderr.contains("empty"), "{args:?}: {}", out.stderr);
    }
}

/// `--auto-entities` created entities with ids that `--data` refuses in a file (a newline,
/// markup, upper case), so `list ... --format csv` output did not load back.
#[test]
fn regression_auto_entities_follow_the_id_rules() {
    let text = "from,to,kind,source\nopenai,\"</svg><script>\",loan,s.txt\n";
    let (_d, out) = validate_auto_entities("d.csv", text);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("invalid entity id \"</svg><script>\""));
    // Valid ids still load, and what list writes loads back.
    let text = "from,to,kind,source\nopenai,microsoft,loan,s.txt\n";
    let (dir, path) = temp_file("d.csv", text.as_bytes());
    let data = path.to_str().unwrap();
    let entities = ok_run(&[
        "list",
        "entities",
        "--auto-entities",
        "--data",
        data,
        "--format",
        "csv",
    ]);
    let deals = ok_run(&[
        "list",
        "deals",
        "--auto-entities",
        "--data",
        data,
        "--format",
        "csv",
    ]);
    let back = dir.path().join("back");
    std::fs::create_dir(&back).unwrap();
    std::fs::write(back.join("entities.csv"), entities).unwrap();
    std::fs::write(back.join("deals.csv"), deals).unwrap();
    ok_run(&["validate", "--data", back.to_str().unwrap()]);
}

/// SIGINT or SIGTERM while `--out` was being written left a hidden partial
/// `.dealgraph-XXXXXX` (16–40 MB) in the folder. Now it is removed and the exit code is
/// 128 + the signal.
#[cfg(unix)]
#[test]
fn regression_a_signal_during_out_leaves_no_temporary_file() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d.csv");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dealgraph"))
            .args(["generate", "--entities", "100000", "--deals", "50000000"])
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the temporary file exists, so the signal lands mid-write.
        let started = std::time::Instant::now();
        while std::fs::read_dir(dir.path()).unwrap().count() == 0 {
            assert!(
                started.elapsed().as_secs() < 60,
                "no temporary file appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let killed = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{signal}: left behind {left:?}");
    }
}
