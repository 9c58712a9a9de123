//! Escaping: hostile names and notes survive every output of `list` and `show` intact (JSON,
//! CSV) and inert (tables: no raw control characters, one row per entity).

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::common::{ok_run, temp_file};

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

#[test]
fn hostile_labels_cannot_break_the_deals_table() {
    let (_d, path) = hostile_dataset("other");
    let out = ok_run(&["list", "deals", "--data", path.to_str().unwrap()]);
    assert_eq!(raw_controls(&out), vec![], "printed:\n{out}");
}
