//! `dealgraph explore`: the page file itself (offline, data escaped, written atomically) and
//! the size guard. tests/browser/explore.py opens the pages in headless Chromium.

use crate::common::{generated_folder, run, temp_file};

/// The JSON in the page's data block.
fn page_data(html: &str) -> serde_json::Value {
    let start = "<script type=\"application/json\" id=\"dealgraph-data\">";
    let from = html.find(start).expect("data block") + start.len();
    let len = html[from..].find("</script>").expect("data block ends");
    serde_json::from_str(&html[from..from + len]).expect("data block is JSON")
}

#[test]
fn seeds_page_is_self_contained_and_matches_map() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.html");
    let r = run(&[
        "explore",
        "--as-of",
        "2026-01-31",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.is_empty() && r.stderr.is_empty(),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing loaded from elsewhere: no src or href attribute, no stylesheet link, and a
    // policy that forbids fetching.
    for needle in [" src=", " href=", "<link", "@import", "url("] {
        let outside_script = html.split("<script").next().unwrap().contains(needle);
        assert!(!outside_script, "{needle} in the page head");
    }
    assert!(html.contains("default-src 'none'"));
    assert_eq!(html.matches("<script").count(), 3);
    assert!(html.contains("Copyright (c) 2016-2026, The Cytoscape Consortium."));
    let data = page_data(&html);
    assert_eq!(data["as_of"], "2026-01-31");
    assert_eq!(
        data["dates"].as_array().unwrap().last().unwrap(),
        "2026-01-31"
    );
    let map = run(&["map", "--verbose", "--as-of", "2026-01-31"]);
    assert!(
        map.stderr.starts_with("map: 7 entities, 18 deals"),
        "{}",
        map.stderr
    );
    assert_eq!(data["entities"].as_array().unwrap().len(), 7);
    assert_eq!(data["deals"].as_array().unwrap().len(), 18);
    let loops = run(&["cycles", "--format", "json", "--as-of", "2026-01-31"]);
    let loops: serde_json::Value = serde_json::from_str(&loops.stdout).unwrap();
    assert_eq!(
        data["loops"].as_array().unwrap().len(),
        loops["cycles"].as_array().unwrap().len()
    );
}

#[test]
fn hostile_names_cannot_close_the_data_block() {
    let toml = "[[entity]]\nid = \"evil\"\nname = \"</script><script>alert(1)</script> <!-- \\u2028\"\n\
                kind = \"company\"\n[[entity]]\nid = \"b\"\nname = \"B\"\nkind = \"fund\"\n\
                [[deal]]\nid = \"d\"\nkind = \"investment\"\nfrom = \"b\"\nto = \"evil\"\n\
                [[deal.report]]\nsource = \"</script>\"\ndate = \"2025-01\"\nstatus = \"announced\"\n";
    let (dir, data) = temp_file("evil.toml", toml.as_bytes());
    let out = dir.path().join("evil.html");
    let r = run(&[
        "--data",
        data.to_str().unwrap(),
        "explore",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(!html.contains("alert(1)</script>"));
    assert!(!html.contains('\u{2028}'));
    assert_eq!(html.matches("</script>").count(), 3);
    let data = page_data(&html);
    let names: Vec<&str> = data["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"</script><script>alert(1)</script> <!-- \u{2028}"));
}

#[test]
fn refuses_other_formats_and_keeps_inputs() {
    let r = run(&["explore", "--format", "svg"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`explore` writes HTML"), "{}", r.stderr);
    let (_dir, data) = temp_file("d.csv", b"from,to,kind,source\na,b,investment,s\n");
    let d = data.to_str().unwrap();
    let r = run(&["--data", d, "--auto-entities", "explore", "--out", d]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("refusing to write over the input"),
        "{}",
        r.stderr
    );
}

#[test]
fn size_guard_names_the_limit_and_force_passes_it() {
    let (dir, folder, _) = generated_folder(5_200, 5_400, 3);
    let r = run(&["--data", &folder, "explore", "--out", "never.html"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("above 5000"), "{}", r.stderr);
    assert!(
        r.stderr.contains("--min-amount") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    let out = dir.path().join("big.html");
    let out = out.to_str().unwrap();
    let r = run(&[
        "--data",
        &folder,
        "--min-amount",
        "$100B",
        "explore",
        "--out",
        out,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
