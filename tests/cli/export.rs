//! `dealgraph export`: every format read back by the real tool that opens it (networkx,
//! igraph, xmllint with the GEXF 1.3 XSD, followthemoney, Kuzu, DuckDB, PySpark), on the
//! seeds and on a generated dataset with hostile names, compared with dealgraph's own loops.
//! The checkers are Python scripts in tests/export/; a missing tool fails the test when
//! CI=true and skips it (with a message) elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{dealgraph, generated_folder, run};

/// A dataset and the global options every run on it gets.
struct Case {
    name: &'static str,
    global: Vec<String>,
    /// Loop length bound for the cycle comparisons.
    bound: u16,
    dir: tempfile::TempDir,
    /// Keeps a generated dataset alive.
    _data: Option<tempfile::TempDir>,
}

impl Case {
    fn seeds() -> Case {
        Case::new("seeds", vec![], 6, None)
    }

    /// A generated dataset plus tests/export/hostile.toml, every status kept (so a cancelled
    /// deal gets an end date).
    fn hostile() -> Case {
        let (dir, out, _) = generated_folder(300, 1500, 4);
        let global = vec![
            "--data".into(),
            out,
            "--data".into(),
            export_dir().join("hostile.toml").display().to_string(),
            "--status".into(),
            "rumored,in-talks,announced,completed,cancelled".into(),
        ];
        Case::new("hostile", global, 4, Some(dir))
    }

    fn new(
        name: &'static str,
        mut global: Vec<String>,
        bound: u16,
        data: Option<tempfile::TempDir>,
    ) -> Case {
        global.extend(["--as-of".into(), "2026-06-30".into()]);
        let case = Case {
            name,
            global,
            bound,
            dir: tempfile::tempdir().expect("temp dir"),
            _data: data,
        };
        case.export("json", "reference.json");
        let bound = case.bound.to_string();
        let cycles = case.dealgraph(&[
            "cycles",
            "--all",
            "--max-len",
            &bound,
            "--limit",
            "0",
            "--format",
            "json",
        ]);
        std::fs::write(case.path("cycles.json"), cycles).expect("write cycles");
        case
    }

    /// The global options but the data.
    fn filters(&self) -> Vec<&String> {
        let mut out = Vec::new();
        let mut args = self.global.iter();
        while let Some(arg) = args.next() {
            if arg == "--data" {
                args.next();
            } else {
                out.push(arg);
            }
        }
        out
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs dealgraph with the case's global options; it must succeed. Returns stdout.
    fn dealgraph(&self, args: &[&str]) -> Vec<u8> {
        let out = dealgraph()
            .args(&self.global)
            .args(args)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// `dealgraph export FORMAT --out NAME` in the case's folder; returns the path.
    fn export(&self, format: &str, name: &str) -> PathBuf {
        let out = self.path(name);
        let out_text = out.display().to_string();
        self.dealgraph(&["export", format, "--out", &out_text]);
        out
    }

    /// Runs a checker script on an export; fails on a failed check.
    fn check(&self, script: &str, export: &Path) {
        let bound = self.bound.to_string();
        let reference = self.path("reference.json");
        let cycles = self.path("cycles.json");
        let out = Command::new(python())
            .current_dir(export_dir())
            .arg(script)
            .args([export, &reference, &cycles])
            .arg(&bound)
            .output();
        let out = match out {
            Ok(out) => out,
            Err(e) => return missing(&format!("{} ({e})", python().display())),
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        match out.status.code() {
            Some(0) => eprint!("{}: {stdout}", self.name),
            Some(3) => missing(&stderr),
            _ => panic!("{} {script} failed:\n{stdout}{stderr}", self.name),
        }
    }
}

fn export_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/export")
}

/// The Python with the checkers' packages: $DEALGRAPH_PYTHON, else the venv .ci/run makes,
/// else python3.
fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("DEALGRAPH_PYTHON") {
        return path.into();
    }
    let venv = std::env::var_os("HOME")
        .map(|home| Path::new(&home).join(".cache/dealgraph-venv/bin/python"));
    venv.filter(|p| p.exists())
        .unwrap_or_else(|| "python3".into())
}

/// A tool is missing: a failure in CI, a skip elsewhere.
fn missing(what: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("a tool the export tests need is missing in CI: {what}");
    }
    eprintln!("skipped: {what}");
}

#[test]
fn graphml_reads_in_networkx_and_igraph_with_the_same_loops() {
    for case in [Case::seeds(), Case::hostile()] {
        let file = case.export("graphml", "deals.graphml");
        case.check("check_graphml.py", &file);
    }
}

#[test]
fn gexf_validates_against_the_xsd_and_reads_in_networkx_with_the_same_loops() {
    for case in [Case::seeds(), Case::hostile()] {
        let file = case.export("gexf", "deals.gexf");
        let xsd = export_dir().join("gexf-1.3/gexf.xsd");
        match Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&xsd)
            .arg(&file)
            .output()
        {
            Ok(out) => assert!(
                out.status.success(),
                "{}: xmllint rejects the GEXF:\n{}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => missing(&format!("xmllint ({e}); apt-get install libxml2-utils")),
        }
        case.check("check_gexf.py", &file);
    }
}

#[test]
fn ftm_passes_ftm_validate_and_keeps_every_entity_and_deal() {
    for case in [Case::seeds(), Case::hostile()] {
        let file = case.export("ftm", "deals.ftm.json");
        case.check("check_ftm.py", &file);
    }
}

#[test]
fn neo4j_csvs_load_into_kuzu_and_cypher_finds_the_same_loops() {
    for case in [Case::seeds(), Case::hostile()] {
        let folder = case.export("neo4j", "neo4j");
        let cypher = std::fs::read_to_string(folder.join("import.cypher")).expect("cypher");
        let statements = cypher.lines().filter(|l| l.ends_with(';')).count();
        let reference: serde_json::Value =
            serde_json::from_slice(&std::fs::read(case.path("reference.json")).expect("ref"))
                .expect("reference JSON");
        let count = |key: &str| reference[key].as_array().map_or(0, Vec::len);
        // The constraint, one MERGE per entity, one CREATE per deal; no statement spans lines.
        assert_eq!(
            statements,
            1 + count("entities") + count("deals"),
            "{}",
            case.name
        );
        assert_eq!(cypher.lines().count(), statements + 2, "{}", case.name);
        case.check("check_kuzu.py", &folder);
    }
}

#[test]
fn columnar_edges_give_the_same_loops_in_duckdb_on_10k_deals() {
    let (dir, out, _) = generated_folder(2000, 10_000, 7);
    let mut cases = vec![Case::seeds(), Case::hostile()];
    cases.push(Case::new("10k", vec!["--data".into(), out], 4, Some(dir)));
    for case in cases {
        let folder = case.export("columnar", "columnar");
        case.check("check_duckdb.py", &folder);
    }
}

#[test]
fn the_pyspark_recipe_finds_the_same_loops_when_spark_is_installed() {
    // PySpark and a Java runtime are optional: .ci/run sets DEALGRAPH_SPARK=1 when both are
    // installed (see docs/scale-out.md).
    if std::env::var_os("DEALGRAPH_SPARK").is_none() {
        eprintln!("skipped: DEALGRAPH_SPARK is not set");
        return;
    }
    let case = Case::hostile();
    let folder = case.export("columnar", "columnar");
    case.check("check_spark.py", &folder);
}

#[test]
fn json_and_toml_exports_load_back_with_the_same_deals_entities_facts_and_reports() {
    let seeds = Case::seeds();
    let hostile = Case::hostile();
    let seed_ids: Vec<String> = {
        let reference: serde_json::Value =
            serde_json::from_slice(&std::fs::read(seeds.path("reference.json")).expect("ref"))
                .expect("reference JSON");
        reference["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .map(|e| e["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let hostile_ids = ["quote", "markup", "newline", "rtl", "formula", "emoji"].map(String::from);
    for (case, ids) in [(&seeds, &seed_ids[..]), (&hostile, &hostile_ids[..])] {
        for exported in [
            case.path("reference.json"),
            case.export("toml", "reference.toml"),
        ] {
            let exported = exported.display().to_string();
            // `show` lists an entity's facts and every report of its deals.
            let mut commands: Vec<Vec<&str>> = vec![
                vec!["list", "deals", "--format", "json"],
                vec!["list", "entities", "--format", "json"],
            ];
            commands.extend(
                ids.iter()
                    .map(|id| vec!["show", id.as_str(), "--format", "json"]),
            );
            for command in commands {
                let before = case.dealgraph(&command);
                let after = dealgraph()
                    .args(["--data", &exported])
                    .args(case.filters())
                    .args(&command)
                    .output()
                    .expect("runs");
                assert!(
                    after.status.success(),
                    "{}: {}",
                    case.name,
                    String::from_utf8_lossy(&after.stderr)
                );
                assert!(
                    before == after.stdout,
                    "{} {command:?}: the reloaded {exported} differs",
                    case.name
                );
            }
        }
    }
}

/// `export csv` holds what CSV can (no entity facts, no deal-level notes: docs/exports.md):
/// the folder loads back and exports to the same bytes.
#[test]
fn csv_export_loads_back_and_exports_the_same_files() {
    for case in [Case::seeds(), Case::hostile()] {
        let folder = case.export("csv", "csv");
        let again = case.path("again");
        let out = dealgraph()
            .args(["--data", &folder.display().to_string()])
            .args(case.filters())
            .args(["export", "csv", "--out", &again.display().to_string()])
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        );
        for file in ["entities.csv", "deals.csv"] {
            let a = std::fs::read(folder.join(file)).expect("first");
            let b = std::fs::read(again.join(file)).expect("again");
            assert!(
                a == b,
                "{} {file}: the reloaded CSV exports differently",
                case.name
            );
            assert!(a.len() > 100, "{} {file} is empty", case.name);
        }
    }
}

#[test]
fn single_file_formats_write_stdout_and_folders_need_out() {
    let r = run(&["export", "graphml", "--as-of", "2026-06-30"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("<?xml"), "{}", &r.stdout[..40]);
    let r = run(&["export", "neo4j"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--out"), "{}", r.stderr);
    let r = run(&["export", "json", "--format", "json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("argument"), "{}", r.stderr);
}

#[test]
fn filters_apply_to_the_export() {
    let all = run(&["export", "json", "--as-of", "2026-06-30"]);
    let cloud = run(&[
        "export",
        "json",
        "--as-of",
        "2026-06-30",
        "--kinds",
        "cloud",
        "--without",
        "openai",
    ]);
    let deals = |text: &str| -> Vec<serde_json::Value> {
        let doc: serde_json::Value = serde_json::from_str(text).expect("JSON");
        doc["deals"].as_array().expect("deals").clone()
    };
    let (all, cloud) = (deals(&all.stdout), deals(&cloud.stdout));
    assert!(cloud.len() < all.len() && !cloud.is_empty());
    assert!(
        cloud
            .iter()
            .all(|d| d["kind"] == "cloud" && d["from"] != "openai" && d["to"] != "openai")
    );
}
