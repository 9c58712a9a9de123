//! What every command shares: global options on either side of the subcommand, usage errors
//! (exit 2, nothing on stdout), the formats each accepts, `--help` text, and a closed stdout.

use crate::common::{fixture, run};

#[test]
fn global_options_work_before_and_after_the_subcommand() {
    let data = fixture("small.toml");
    let before = run(&[
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
        "list",
        "deals",
    ]);
    let after = run(&[
        "list",
        "deals",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert_eq!(before.stdout, after.stdout);
}

#[test]
fn missing_data_path_is_a_usage_error() {
    let out = run(&["validate", "--data", "/nonexistent/deals.toml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot read /nonexistent/deals.toml"),
        "{}",
        out.stderr
    );
    let out = run(&["list", "deals", "--format", "dot"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`list` cannot write dot"),
        "{}",
        out.stderr
    );
    let out = run(&["list", "deals", "--status", "pending"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown status \"pending\""),
        "{}",
        out.stderr
    );
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

#[test]
fn bad_arguments_are_usage_errors() {
    let cases: &[&[&str]] = &[
        &["stakeholders", "openaii"],
        &["stakeholders", "openai", "--format", "csv"],
        &["stakeholders", "openai", "--depth", "0"],
        &["stakeholders", "softbank", "--without", "softbank"],
        &["path", "openai", "open ai"],
        &["path", "nvidia", "amazon", "--timeout", "0"],
        &["path", "nvidia", "amazon", "--limit", "0"],
        &["path", "nvidia", "amazon", "--without", "amazon"],
        &["stats", "--max-len", "1"],
        &["stats", "--format", "dot"],
    ];
    for args in cases {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(!r.stderr.is_empty(), "{args:?}");
    }
    let r = run(&["stakeholders", "openaii"]);
    assert!(r.stderr.contains("did you mean \"openai\""), "{}", r.stderr);
    let r = run(&["path", "openai", "open ai"]);
    assert!(r.stderr.contains("cycles"), "{}", r.stderr);
}

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
fn help_explains_the_options() {
    let r = run(&["stakeholders", "--help"]);
    assert_eq!(r.code, 0);
    for needle in ["--depth", "vendor-financing", "investors", "look-through"] {
        assert!(r.stdout.contains(needle), "{needle} in {}", r.stdout);
    }
    let r = run(&["path", "--help"]);
    for needle in ["--max-len", "--limit", "--timeout", "shortest first"] {
        assert!(r.stdout.contains(needle), "{needle} in {}", r.stdout);
    }
    let r = run(&["stats", "--help"]);
    for needle in ["--top", "--max-len", "--timeout", "strongly connected"] {
        assert!(r.stdout.contains(needle), "{needle} in {}", r.stdout);
    }
}

#[test]
fn broken_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dealgraph"))
        .args(["list", "deals", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.code() == Some(0),
        "status {:?}",
        output.status
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}

/// Piped tables are 100 columns wide unless COLUMNS says otherwise.
#[test]
fn piped_tables_default_to_100_columns() {
    let width = |columns: Option<&str>| {
        let mut cmd = crate::common::dealgraph();
        match columns {
            Some(c) => cmd.env("COLUMNS", c),
            None => cmd.env_remove("COLUMNS"),
        };
        let out = cmd.args(["cycles", "--max-len", "2"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines().next().unwrap().chars().count()
    };
    assert_eq!(width(None), 100);
    let wider = width(Some("120"));
    assert!(wider > 100 && wider <= 120, "{wider}");
}
