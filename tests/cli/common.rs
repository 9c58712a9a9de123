//! Helpers shared by the CLI tests.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The dealgraph binary, with a fixed terminal width of 140 columns (the golden tables were
/// drawn at it; `global::piped_tables_default_to_100_columns` checks the default) and no
/// colour.
pub fn dealgraph() -> Command {
    let mut cmd = Command::cargo_bin("dealgraph").expect("binary builds");
    cmd.env("NO_COLOR", "1").env("COLUMNS", "140");
    cmd
}

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs dealgraph with `args` and captures everything.
pub fn run(args: &[&str]) -> Run {
    let out = dealgraph().args(args).output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Path of a file under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Writes `content` to a fresh temporary file called `name`; keep the dir alive while used.
pub fn temp_file(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write temp file");
    (dir, path)
}

/// A deals CSV (for `--auto-entities`) of the complete digraph on `n` entities `e0`..,
/// every third deal an investment; `extra` rows are appended as they are.
pub fn complete_digraph(n: usize, extra: &str) -> String {
    let mut csv = String::from("from,to,kind,amount_usd,source\n");
    for a in 0..n {
        for b in (0..n).filter(|&b| b != a) {
            let kind = if (a + b) % 3 == 0 {
                "investment"
            } else {
                "cloud"
            };
            writeln!(
                csv,
                "e{a},e{b},{kind},{},s.txt",
                (a * n + b + 1) * 1_000_000
            )
            .unwrap();
        }
    }
    csv.push_str(extra);
    csv
}

/// Runs `dealgraph generate` into a fresh folder (entities.csv and deals.csv); keep the dir
/// alive while the data is used. Returns the run (it must have succeeded) and the folder.
pub fn generated_folder(entities: u32, deals: u32, seed: u64) -> (tempfile::TempDir, String, Run) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir
        .path()
        .join("data")
        .to_str()
        .expect("UTF-8 temp path")
        .to_string();
    let (entities, deals, seed) = (entities.to_string(), deals.to_string(), seed.to_string());
    let made = run(&[
        "generate",
        "--entities",
        &entities,
        "--deals",
        &deals,
        "--seed",
        &seed,
        "--out",
        &out,
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    (dir, out, made)
}

/// Runs `args` (which must succeed) and returns stdout.
pub fn ok_run(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

/// The rows of CSV text, header first.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The ids of a JSON list of `{"id": ..}` objects, in order.
pub fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect()
}

/// The seeds as they stood at the start of February 2026 (every article is out by then).
pub const AS_OF: &str = "2026-02-01";

/// Runs `args --as-of AS_OF --format json` on the bundled seeds (it must succeed) and parses
/// stdout.
pub fn seeds_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--as-of", AS_OF, "--format", "json"]);
    let r = run(&all);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", r.stdout))
}

/// Runs on tests/fixtures/stake-chain.toml as of 2026-01-01, with the fixture given by a
/// relative path, so outputs that name the data file are the same on every machine.
pub fn on_stake_chain(args: &[&str]) -> Run {
    let out = dealgraph()
        .current_dir(fixture(""))
        .args(["--data", "stake-chain.toml", "--as-of", "2026-01-01"])
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// [`on_stake_chain`] with `--format json` (it must succeed), parsed.
pub fn stake_chain_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let r = on_stake_chain(&all);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("json")
}
