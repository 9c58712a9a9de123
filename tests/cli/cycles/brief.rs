//! `cycles --brief`: the lean loop record of JSON, JSON lines and CSV is the full record less
//! its hops (CSV: less its deals column), sorted or streamed, on the seeds, on generated data
//! and with ids that need escaping.

use std::sync::Arc as Shared;

use serde_json::Value;

use dealgraph::graph::{Filter, MoneyGraph};
use dealgraph::model::{Amount, Dataset, Deal, DealKind, Entity, EntityId, Report, Status};
use dealgraph::query::cycles::{CycleOptions, SearchEnd, SortKey, top_cycles};
use dealgraph::render::cycles::{
    Record, stream_csv, stream_jsonl, write_csv, write_json, write_jsonl,
};

use crate::common::{AS_OF, generated_folder, run};

/// Runs `dealgraph ARGS` (which must succeed) and returns stdout.
fn stdout<S: AsRef<str>>(args: &[S]) -> String {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let out = run(&args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

/// Each line's object, with `hops` taken out when `drop_hops`.
fn lines(text: &str, drop_hops: bool) -> Vec<Value> {
    text.lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            let obj = v.as_object_mut().expect("a loop object");
            if drop_hops {
                assert!(
                    obj.remove("hops").is_some(),
                    "the full record has hops: {l}"
                );
            }
            v
        })
        .collect()
}

/// Brief against full, for JSON lines (sorted and streamed), the JSON document and CSV.
fn brief_is_full_less_hops(base: &[&str]) {
    for limit in ["1000", "0"] {
        let with = |extra: &[&'static str]| -> Vec<String> {
            [base, &["--limit", limit], extra]
                .concat()
                .into_iter()
                .map(String::from)
                .collect()
        };
        let full = stdout(&with(&["--format", "jsonl"]));
        let brief = stdout(&with(&["--format", "jsonl", "--brief"]));
        assert!(!brief.contains("\"hops\""));
        let (full, brief) = (lines(&full, true), lines(&brief, false));
        assert!(!full.is_empty(), "{base:?}: no loops to compare");
        assert_eq!(full, brief, "{base:?} --limit {limit}: jsonl");

        let mut doc: Value = serde_json::from_str(&stdout(&with(&["--format", "json"]))).unwrap();
        let short: Value =
            serde_json::from_str(&stdout(&with(&["--format", "json", "--brief"]))).unwrap();
        let obj = doc.as_object_mut().unwrap();
        assert!(obj.remove("deals").is_some());
        for c in obj["cycles"].as_array_mut().unwrap() {
            c.as_object_mut().unwrap().remove("hops");
        }
        assert_eq!(doc, short, "{base:?} --limit {limit}: json");

        let rows = |text: &str| -> Vec<Vec<String>> {
            let mut reader = ::csv::Reader::from_reader(text.as_bytes());
            let mut out = vec![reader.headers().unwrap().iter().map(String::from).collect()];
            out.extend(
                reader
                    .records()
                    .map(|r| r.unwrap().iter().map(String::from).collect()),
            );
            out
        };
        let full = rows(&stdout(&with(&["--format", "csv"])));
        let brief = rows(&stdout(&with(&["--format", "csv", "--brief"])));
        assert_eq!(full[0].last().unwrap(), "deals");
        let less: Vec<Vec<String>> = full
            .into_iter()
            .map(|mut r| {
                r.pop();
                r
            })
            .collect();
        assert_eq!(less, brief, "{base:?} --limit {limit}: csv");
    }
}

#[test]
fn brief_is_the_full_record_less_hops_on_the_seeds() {
    brief_is_full_less_hops(&["cycles", "--as-of", AS_OF, "--all"]);
}

#[test]
fn brief_is_the_full_record_less_hops_on_generated_data() {
    let (_dir, data, _) = generated_folder(300, 1500, 7);
    brief_is_full_less_hops(&["cycles", "--data", &data, "--max-len", "4", "--all"]);
}

/// Regression: in time order a hop's counted deal is the one of each loop's chain, so a hop's
/// object in the full JSON lines may differ from loop to loop (it was made once per hop, from
/// the first loop that took it). Each line must be the JSON document's loop object.
#[test]
fn time_ordered_json_lines_are_the_json_loop_objects() {
    let (_dir, data, _) = generated_folder(300, 1500, 7);
    let base = [
        "cycles",
        "--data",
        &data,
        "--max-len",
        "4",
        "--all",
        "--time-ordered",
    ];
    let jsonl = stdout(&[&base[..], &["--format", "jsonl"]].concat());
    let doc: Value =
        serde_json::from_str(&stdout(&[&base[..], &["--format", "json"]].concat())).unwrap();
    let loops = doc["cycles"].as_array().unwrap();
    assert!(loops.len() > 10, "{} loops", loops.len());
    assert_eq!(&lines(&jsonl, false), loops);
}

#[test]
fn seeds_brief_jsonl() {
    let text = stdout(&["cycles", "--as-of", AS_OF, "--format", "jsonl", "--brief"]);
    insta::assert_snapshot!("cycles_seeds_brief_jsonl", text);
}

#[test]
fn brief_is_refused_where_there_is_no_record_to_shorten() {
    for extra in [
        &["--brief"][..],
        &["--brief", "--format", "table"],
        &["--brief", "--format", "dot"],
        &["--brief", "--format", "svg"],
        &["--brief", "--explain"],
        &["--brief", "--count"],
    ] {
        let out = run(&[&["cycles", "--as-of", AS_OF][..], extra].concat());
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
        assert!(out.stderr.contains("--brief"), "{extra:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{extra:?}");
    }
}

/// Ids that JSON and CSV must escape or quote, in a ring of four with one investment.
const HOSTILE: [&str; 4] = ["a\"q", "b\\s", "c\nd,e", "<f>\u{200f}"];

fn hostile_ring() -> Dataset {
    let mut data = Dataset::new();
    for id in HOSTILE {
        data.add_entity(Entity::placeholder(id)).unwrap();
    }
    for i in 0..HOSTILE.len() {
        let kind = if i == 0 {
            DealKind::Investment
        } else {
            DealKind::Cloud
        };
        let report = Report {
            source: Shared::from("s.txt"),
            publisher: None,
            date: None,
            event_date: None,
            status: Status::Announced,
            amount: Amount::UNDISCLOSED,
            notes: None,
        };
        let (from, to) = (
            EntityId(i as u32),
            EntityId(((i + 1) % HOSTILE.len()) as u32),
        );
        data.add_deal(Deal::new(format!("d{i}"), kind, from, to, vec![report]));
    }
    data
}

#[test]
fn hostile_ids_are_escaped_and_read_back() {
    let data = hostile_ring();
    let graph = MoneyGraph::build(&data, Filter::today());
    let opts = CycleOptions::default();
    let list = top_cycles(&graph, graph.hops(), &opts, 10, SortKey::Amount);
    assert_eq!(list.cycles.len(), 1);
    // A loop starts at its smallest id: "<" sorts before letters.
    let ring = [HOSTILE[3], HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3]];
    let ids: Vec<Value> = ring[..4].iter().map(|&s| Value::from(s)).collect();

    let mut streamed = Vec::new();
    let (n, end) = stream_jsonl(&mut streamed, &graph, &opts, Record::Brief).unwrap();
    assert_eq!((n, end), (1, SearchEnd::Complete));
    let mut sorted = Vec::new();
    write_jsonl(&mut sorted, &graph, &list, Record::Brief).unwrap();
    assert_eq!(streamed, sorted);
    let text = String::from_utf8(streamed).unwrap();
    assert_eq!(
        text.lines().count(),
        1,
        "a newline in an id stays escaped: {text}"
    );
    let line: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(line["entities"], Value::from(ids.clone()));
    assert_eq!(line["length"], 4);

    let mut doc = Vec::new();
    write_json(&mut doc, &graph, &list, Record::Brief).unwrap();
    let doc: Value = serde_json::from_slice(&doc).unwrap();
    assert_eq!(doc["cycles"][0]["entities"], Value::from(ids));

    for streamed in [false, true] {
        let mut csv = Vec::new();
        if streamed {
            stream_csv(&mut csv, &graph, &opts, Record::Brief).unwrap();
        } else {
            write_csv(&mut csv, &graph, &list, Record::Brief).unwrap();
        }
        let mut reader = ::csv::Reader::from_reader(csv.as_slice());
        let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][2], ring.join(" → "));
        assert_eq!(rows[0].len(), 9);
    }
}
