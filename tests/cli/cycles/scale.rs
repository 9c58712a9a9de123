//! `dealgraph cycles` against deadlines and larger data: partial rankings and counts that say
//! so, `--timings`, and the exact top-N on generated data.

use super::*;

/// `dealgraph cycles` on the deals in `csv` (its entities made up), with no length bound and
/// the `more` arguments.
fn unbounded(csv: &str, more: &[&str]) -> crate::common::Run {
    let (_dir, path) = temp_file("deals.csv", csv.as_bytes());
    let path = path.to_str().unwrap();
    let base = [
        "cycles",
        "--data",
        path,
        "--auto-entities",
        "--max-len",
        "0",
    ];
    run(&[&base[..], more].concat())
}

/// `--limit` ranks all loops, so on K12 (119 481 284 loops) only a `--timeout` ends the
/// search early, and then the table and the JSON say the ranking is incomplete.
#[test]
fn complete_digraph_of_12_with_a_timeout_says_the_ranking_is_incomplete() {
    let k12 = complete_digraph(12, "");
    let started = Instant::now();
    let out = unbounded(&k12, &["--timeout", "0.5"]);
    let elapsed = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("shown are the top of the")
            && out.stderr.contains("the ranking is incomplete"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("1000 loop(s): 1000 on confirmed deals alone shown, the top of ")
            && out
                .stdout
                .contains("found before the --timeout: the ranking is incomplete (2 hops or more;"),
        "{}",
        out.stdout
    );
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    let out = unbounded(&k12, &["--format", "json", "--timeout", "0.5"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let result: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(result["count"], 1000);
    assert_eq!(result["truncated"], true);
    assert_eq!(result["ranking_complete"], false);
    assert!(result["found"].as_u64().unwrap() >= 1000);
}

#[test]
fn timeout_gives_partial_results_and_a_notice() {
    let started = Instant::now();
    let out = unbounded(&complete_digraph(12, ""), &["--count", "--timeout", "0.3"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("stopped after the --timeout of 0.3s"),
        "{}",
        out.stderr
    );
    let partial: u64 = out.stdout.trim().parse().unwrap();
    assert!(partial > 0);

    // Every deal dated before the one investment: no loop can be time-ordered, so the search
    // runs on (and finds nothing) until the timeout.
    let mut csv = String::from("from,to,kind,date,source\n");
    for a in 0..12 {
        for b in 0..12 {
            if a != b {
                let (kind, date) = if (a, b) == (0, 1) {
                    ("investment", "2025-06")
                } else {
                    ("cloud", "2024-01")
                };
                writeln!(csv, "n{a:02},n{b:02},{kind},{date},s.txt").unwrap();
            }
        }
    }
    let args = ["--time-ordered", "--timeout", "0.3"];
    let started = Instant::now();
    let out = unbounded(&csv, &[&args[..], &["--format", "json"]].concat());
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "the 0 loop(s) shown are the top of the 0 found so far: the ranking is incomplete"
        ),
        "{}",
        out.stderr
    );
    let result: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (&result["count"], &result["truncated"]),
        (&Value::from(0), &Value::from(true))
    );
    assert_eq!(result["ranking_complete"], false);
    let out = unbounded(&csv, &args);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .starts_with("No loops found before the --timeout"),
        "{}",
        out.stdout
    );
}

/// The counting kernel behind `--count` and the listing search are separate algorithms: on
/// generated scale-free data they must agree for every bound, with and without `--all`, and
/// with `--min-len`.
#[test]
fn count_agrees_with_the_listed_loops_on_generated_data() {
    let (_dir, data, _) = generated_folder(300, 1500, 7);
    let data = data.as_str();
    let status = "rumored,in-talks,announced,completed,cancelled";
    let mut listed_total = 0;
    for max_len in ["3", "4", "5"] {
        for extra in [&[][..], &["--all"][..], &["--all", "--min-len", "3"][..]] {
            let base = [
                &["--data", data, "--status", status, "--max-len", max_len][..],
                extra,
            ]
            .concat();
            let count = run(&[&["cycles"][..], &base[..], &["--count"][..]].concat());
            assert_eq!(count.code, 0, "{}", count.stderr);
            let listed = json(&[&base[..], &["--limit", "0"][..]].concat());
            assert_eq!(
                count.stdout.trim(),
                listed["count"].to_string(),
                "max-len {max_len} {extra:?}"
            );
            listed_total += listed["count"].as_u64().unwrap();
        }
    }
    assert!(
        listed_total > 1000,
        "too few loops to compare: {listed_total}"
    );
}

#[test]
fn timings_go_to_stderr_and_leave_the_output_alone() {
    let plain = run(&with(SMALL, &["--count"]));
    let timed = run(&with(SMALL, &["--count", "--timings"]));
    assert_eq!(timed.code, 0);
    assert_eq!(timed.stdout, plain.stdout);
    let line = timed.stderr.lines().last().unwrap_or_default();
    let parts: Vec<&str> = line.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    assert!(
        matches!(parts[..], ["timings:", "load", l, "s", "command", c, "s"]
            if l.parse::<f64>().is_ok() && c.parse::<f64>().is_ok()),
        "{line:?}"
    );
}

/// Without a length bound, K15's loops cannot all be ranked: a `--timeout` gives the top 1000
/// of those found in time, and says the ranking is incomplete.
#[test]
fn complete_digraph_of_15_without_a_length_bound_ranks_what_the_timeout_allows() {
    let k15 = complete_digraph(15, "");
    let base = ["--all", "--timeout", "0.5"];
    let out = unbounded(&k15, &base);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the 1000 loop(s) shown are the top of the")
            && out.stderr.contains("the ranking is incomplete"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("1000 loop(s)"), "{}", out.stdout);
    let json = unbounded(&k15, &[&base[..], &["--format", "json"]].concat());
    assert_eq!(json.code, 0, "{}", json.stderr);
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["count"], 1000);
    assert_eq!(json["truncated"], true);
    assert_eq!(json["ranking_complete"], false);
    assert_eq!(json["cycles"].as_array().map(Vec::len), Some(1000));
}

/// Issue 19: `--limit 5` once ranked the first 5 loops found (from the smallest entity id);
/// it must give the top 5 by round trip among all loops, the head of the full list.
#[test]
fn limit_shows_the_best_of_all_loops_on_generated_data() {
    let (_dir, data, _) = generated_folder(2000, 10_000, 1);
    let base = ["--data", data.as_str(), "--max-len", "3"];
    let top = json(&[&base[..], &["--limit", "5"]].concat());
    let all = json(&[&base[..], &["--limit", "0"]].concat());
    let trip = |c: &Value| c["round_trip_usd"].as_f64().unwrap_or(-1.0);
    let mut every: Vec<&Value> = all["cycles"].as_array().unwrap().iter().collect();
    assert!(every.len() > 5, "too few loops: {}", every.len());
    every.sort_by(|a, b| trip(b).total_cmp(&trip(a)));
    let want: Vec<f64> = every[..5].iter().map(|c| trip(c)).collect();
    let got: Vec<f64> = top["cycles"].as_array().unwrap().iter().map(trip).collect();
    assert_eq!(got, want);
    assert_eq!(top["found"], all["count"]);
    assert_eq!(
        (&top["truncated"], &top["ranking_complete"]),
        (&Value::from(true), &Value::from(true))
    );
}

#[test]
fn complete_digraph_of_15_count_with_a_timeout_is_partial_and_exits_0() {
    // K15 has about 2.6e11 simple cycles: no machine counts them in half a second.
    let k15 = complete_digraph(15, "");
    let out = unbounded(&k15, &["--all", "--count", "--timeout", "0.5"]);
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
