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
        r.stderr.contains("--min-amount")
            && r.stderr.contains("--focus")
            && r.stderr.contains("--force"),
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

/// The loop list at the as-of date is `cycles --format json`'s, in its order (both rank with
/// `top_cycles`), on data with far more loops than a page lists.
#[test]
fn first_loops_are_ranked_as_cycles_ranks_them() {
    let (dir, folder, _) = generated_folder(400, 1_200, 7);
    let out = dir.path().join("gen.html");
    let r = run(&["--data", &folder, "explore", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data = page_data(&std::fs::read_to_string(&out).unwrap());
    let ranking = data["rankings"].as_array().unwrap().last().unwrap();
    let ids = |i: &serde_json::Value| -> Vec<String> {
        data["loops"][i.as_u64().unwrap() as usize]["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                data["entities"][e.as_u64().unwrap() as usize]["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let page: Vec<Vec<String>> = ranking["loops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| ids(&l[0]))
        .collect();
    let cli = run(&[
        "--data", &folder, "cycles", "--format", "json", "--limit", "200",
    ]);
    let cli: serde_json::Value = serde_json::from_str(&cli.stdout).unwrap();
    let cli: Vec<Vec<String>> = cli["cycles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::from_value(c["entities"].clone()).unwrap())
        .collect();
    assert!(cli.len() >= 50, "the test needs many loops: {}", cli.len());
    assert_eq!(page, cli);
    assert!(ranking["found"].as_u64().unwrap() >= page.len() as u64);
}

#[test]
fn focus_keeps_a_neighbourhood_and_its_loops() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("focus.html");
    let args = [
        "--as-of",
        "2026-01-31",
        "explore",
        "--focus",
        "anthropic",
        "--radius",
        "1",
    ];
    let r = run(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data = page_data(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(data["title"], "Who pays whom around Anthropic");
    let map = run(&[
        "map",
        "--verbose",
        "--as-of",
        "2026-01-31",
        "--focus",
        "anthropic",
    ]);
    let words: Vec<&str> = map.stderr.split_whitespace().collect();
    let n: usize = words[1].parse().unwrap();
    assert_eq!(
        data["entities"].as_array().unwrap().len(),
        n,
        "{}",
        map.stderr
    );
    // Every loop on the page stays among the page's entities.
    for l in data["loops"].as_array().unwrap() {
        for e in l["entities"].as_array().unwrap() {
            assert!((e.as_u64().unwrap() as usize) < n);
        }
    }
    let r = run(&["explore", "--radius", "2"]);
    assert_eq!(r.code, 2, "--radius needs --focus");
    let r = run(&["explore", "--focus", "no-such-entity"]);
    assert!(
        r.code != 0 && r.stderr.contains("no-such-entity"),
        "{}",
        r.stderr
    );
    let r = run(&["--without", "anthropic", "explore", "--focus", "anthropic"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--without"), "{}", r.stderr);
}
