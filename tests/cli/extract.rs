//! `dealgraph extract`: drafts from our own fixture articles validate as is and match their
//! answer keys; the evaluation on the five seed articles is in `extract/eval.rs`.

mod eval;

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::common::{fixture, run};

#[allow(dead_code)]
fn triples(toml_text: &str, skip_inferred: bool) -> BTreeSet<(String, String, String)> {
    let value: toml::Table = toml_text.parse().expect("draft parses");
    let deals = value
        .get("deal")
        .and_then(|d| d.as_array())
        .cloned()
        .unwrap_or_default();
    deals
        .iter()
        .filter(|d| !(skip_inferred && d.get("inferred").and_then(|v| v.as_bool()) == Some(true)))
        .map(|d| {
            let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            (s("from"), s("to"), s("kind"))
        })
        .collect()
}

/// Runs `extract FILES... --out DIR/NAME` plus `extra` options, checks that `validate
/// --auto-entities` accepts the draft, and returns it.
fn extract_and_validate(files: &[PathBuf], name: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(name);
    let mut args = vec!["extract".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--out".into(), out.display().to_string()]);
    args.extend(extra.iter().map(|a| a.to_string()));
    let r = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let draft = std::fs::read_to_string(&out).unwrap();
    let v = run(&[
        "validate",
        "--data",
        out.to_str().unwrap(),
        "--auto-entities",
    ]);
    assert_eq!(v.code, 0, "{}\n{draft}", v.stderr);
    draft
}

#[test]
fn fixture_draft_validates_and_finds_each_pattern() {
    let articles = fixture("articles");
    let files = ["hooli.txt", "globex.html", "umbrella.txt"].map(|f| articles.join(f));
    let draft = extract_and_validate(&files, "draft.toml", &[]);
    // Every flow of the answer key, with its source, date, status and amount.
    let key: toml::Table = std::fs::read_to_string(articles.join("answers.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let got: toml::Table = draft.parse().unwrap();
    let report_of = |d: &toml::Value| {
        let r = &d["report"][0];
        let s = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        (
            d["from"].as_str().unwrap().to_string(),
            d["to"].as_str().unwrap().to_string(),
            d["kind"].as_str().unwrap().to_string(),
            s("source"),
            s("date"),
            s("status"),
            s("amount"),
        )
    };
    let drafted: BTreeSet<_> = got["deal"]
        .as_array()
        .unwrap()
        .iter()
        .map(report_of)
        .collect();
    for deal in key["deal"].as_array().unwrap() {
        let want = report_of(deal);
        assert!(
            drafted.contains(&want),
            "{want:?} missing from the draft:\n{draft}"
        );
    }
    assert_eq!(
        drafted.len(),
        key["deal"].as_array().unwrap().len(),
        "no extra deals:\n{draft}"
    );
    assert!(draft.contains("hooli.txt:4:1"));
    assert!(
        draft.contains("NOT PLACED: direction unclear"),
        "the two-party compute deal is kept commented out"
    );
    assert!(!draft.contains("Nobody"), "scripts are dropped");
    assert!(!draft.contains("Subscribe"), "adverts give nothing");
}

#[test]
fn json_draft_loads() {
    let file = fixture("articles").join("hooli.txt");
    let draft = extract_and_validate(&[file], "draft.json", &["--format", "json"]);
    assert!(draft.trim_start().starts_with('{'));
}

/// Whether `phrase` occurs in `text` as whole words.
pub fn has_word(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// The ten articles of tests/fixtures/articles/cues/, one per cue family, each with its
/// answer key (`NAME.key`: TOML in the data format, not named .toml so that loading the
/// fixtures folder skips it): the draft holds exactly the keyed flows with their source,
/// date, status and amount; a key report's `notes` must appear in the drafted report's notes
/// (the flagged currency, the URL); the sentences that name no direction stay commented out;
/// and the draft validates as is.
#[test]
fn cue_family_articles_match_their_answer_keys() {
    let dir = fixture("articles/cues");
    let mut articles = Vec::new();
    let mut keys = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".key") {
            keys.push(path);
        } else {
            articles.push(path);
        }
    }
    articles.sort();
    keys.sort();
    assert_eq!(
        (articles.len(), keys.len()),
        (10, 10),
        "ten articles, ten keys"
    );
    let draft = extract_and_validate(&articles, "draft.toml", &[]);
    let rows = |text: &str| -> BTreeSet<(String, String)> {
        let value: toml::Table = text.parse().unwrap();
        let mut out = BTreeSet::new();
        for d in value
            .get("deal")
            .and_then(|d| d.as_array())
            .into_iter()
            .flatten()
        {
            let s = |v: &toml::Value, k: &str| {
                v.get(k).and_then(|v| v.as_str()).unwrap_or("-").to_string()
            };
            for r in d["report"].as_array().unwrap() {
                let row = [
                    s(d, "from"),
                    s(d, "to"),
                    s(d, "kind"),
                    s(r, "source"),
                    s(r, "date"),
                    s(r, "status"),
                    s(r, "amount"),
                ]
                .join(" ");
                out.insert((row, s(r, "notes")));
            }
        }
        out
    };
    let got = rows(&draft);
    let mut want = BTreeSet::new();
    for k in &keys {
        want.extend(rows(&std::fs::read_to_string(k).unwrap()));
    }
    let got_rows: BTreeSet<&String> = got.iter().map(|(r, _)| r).collect();
    let want_rows: BTreeSet<&String> = want.iter().map(|(r, _)| r).collect();
    let missing: Vec<_> = want_rows.difference(&got_rows).collect();
    let extra: Vec<_> = got_rows.difference(&want_rows).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}\n{draft}"
    );
    for (row, notes) in &want {
        if notes != "-" {
            let (_, drafted) = got.iter().find(|(r, _)| r == row).unwrap();
            assert!(
                drafted.contains(notes.as_str()),
                "{row}: {notes:?} not in {drafted:?}"
            );
        }
    }
    for unplaced in [
        "Marrick and Ostrel Systems are also negotiating a $400 million chip partnership",
        "Pellucid and Marrick signed a $900 million compute deal on Tuesday.",
    ] {
        let at = draft
            .find(unplaced)
            .unwrap_or_else(|| panic!("{unplaced:?} kept"));
        let next = draft[at..].lines().nth(1).unwrap();
        assert!(
            next.starts_with("# NOT PLACED: direction unclear"),
            "{next}"
        );
    }
    let blocks = unplaced(&draft);
    assert_eq!(blocks.len(), 2, "{draft}");
    for block in blocks {
        let deal: toml::Table = block
            .parse()
            .expect("an unplaced candidate uncomments to TOML");
        let d = &deal["deal"][0];
        assert!(d["from"].is_str() && d["kind"].is_str() && d["report"][0]["source"].is_str());
    }
    for noise in [
        "tracker",
        "Sponsored",
        "chairs",
        "subscribe",
        "memory prices",
    ] {
        assert!(!draft.contains(noise), "{noise:?} gives nothing");
    }
}

/// The candidates kept commented out ("# NOT PLACED: …"), each uncommented.
fn unplaced(draft: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = draft.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("# NOT PLACED") {
            continue;
        }
        let mut block = String::new();
        for l in lines.by_ref() {
            let body = l.strip_prefix("# ").unwrap_or(l);
            let toml_line = l.is_empty()
                || body.starts_with("[[")
                || body.split_once(" = ").is_some_and(|(k, _)| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
            if !toml_line {
                break;
            }
            block.push_str(body);
            block.push('\n');
        }
        out.push(block);
    }
    out
}
