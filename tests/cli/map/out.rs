//! `map --out` and `--timeout`: a file is written whole or not at all, the input data and special
//! files (devices, FIFOs, `-`) are never replaced, and no temporary file is left behind.

use super::*;

#[test]
fn refuses_to_overwrite_the_input_data() {
    let (code, _, stderr) = run_here(&[
        "map",
        "--data",
        "tests/fixtures/map-kinds.toml",
        "--format",
        "dot",
        "--out",
        "tests/fixtures/map-kinds.toml",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("refusing to write over the input"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------
// `--out FILE` is atomic: a failing run leaves an existing FILE as it was, and no temporary
// `.dealgraph-*` file is left in the folder; it never replaces a special file (issue 15).

/// The names in `dir`, sorted.
pub(super) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `map --out DIR/map.svg` with `args` over an existing map.svg and checks that it fails
/// with `code` and leaves the folder exactly as it was.
fn failing_out_leaves_the_file(args: &[&str], path_env: Option<&std::ffi::OsStr>, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("map.svg");
    std::fs::write(&out_path, "the old map\n").unwrap();
    let mut cmd = dealgraph();
    cmd.args(["map", "--out", out_path.to_str().unwrap()])
        .args(args);
    if let Some(p) = path_env {
        cmd.env("PATH", p);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}");
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "the old map\n");
    assert_eq!(
        names_in(dir.path()),
        ["map.svg"],
        "{args:?}: a temporary file was left"
    );
}

#[test]
fn out_file_is_untouched_when_the_focus_is_unknown() {
    failing_out_leaves_the_file(&["--focus", "nobody-at-all"], None, 2);
}

#[test]
fn out_file_is_untouched_when_graphviz_is_missing() {
    let empty = tempfile::tempdir().unwrap();
    failing_out_leaves_the_file(&["--engine", "graphviz"], Some(empty.path().as_os_str()), 2);
}

#[cfg(unix)]
#[test]
fn out_file_is_untouched_when_graphviz_fails_halfway() {
    use std::os::unix::fs::PermissionsExt;
    // A `dot` that reads the graph, prints half an SVG and dies.
    let bin = tempfile::tempdir().unwrap();
    let dot = bin.path().join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\n/bin/cat >/dev/null\nprintf '<svg half'\necho 'dot: out of memory' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    failing_out_leaves_the_file(&["--engine", "graphviz"], Some(bin.path().as_os_str()), 1);
}

#[test]
fn out_to_a_folder_fails_without_leaving_a_temporary_file() {
    // The map is drawn and written to a temporary file; only the rename fails.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("map.svg")).unwrap();
    let target = dir.path().join("map.svg");
    let out = run(&[
        "map",
        "--engine",
        "builtin",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
    assert_eq!(names_in(dir.path()), ["map.svg"]);
    assert!(target.is_dir());
}

#[test]
fn out_replaces_the_file_whole_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("map.svg");
    std::fs::write(&target, "x".repeat(1_000_000)).unwrap();
    let out = run(&[
        "map",
        "--engine",
        "builtin",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("<?xml") && written.trim_end().ends_with("</svg>"));
    assert!(roxmltree::Document::parse(&written).is_ok());
    assert_eq!(names_in(dir.path()), ["map.svg"]);
}

/// `map -o /dev/null` (as root, once) renamed a regular file over /dev/null. It must write
/// into the device and leave it a character device.
#[cfg(unix)]
#[test]
fn out_to_dev_null_leaves_it_a_device() {
    dev_null_stays_a_device("svg");
}

/// `map --format FORMAT -o /dev/null` succeeds and /dev/null is still a character device.
#[cfg(unix)]
pub(super) fn dev_null_stays_a_device(format: &str) {
    use std::os::unix::fs::FileTypeExt;
    let out = run(&[
        "map",
        "--engine",
        "builtin",
        "--format",
        format,
        "-o",
        "/dev/null",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let kind = std::fs::metadata("/dev/null").unwrap().file_type();
    assert!(kind.is_char_device(), "/dev/null is now {kind:?}");
}

/// A FIFO given to --out receives the whole map and stays a FIFO (it used to be replaced by
/// a regular file while its reader waited for ever).
#[cfg(unix)]
#[test]
fn out_to_a_fifo_feeds_its_reader_and_stays_a_fifo() {
    fifo_gets_the_map("svg");
}

/// `map --format FORMAT -o FIFO`: the FIFO's reader gets what stdout gets, and the FIFO
/// stays a FIFO with nothing beside it.
#[cfg(unix)]
pub(super) fn fifo_gets_the_map(format: &str) {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("map.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (sent, received) = std::sync::mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&reader_path).and_then(|mut f| f.read_to_end(&mut bytes));
        let _ = sent.send(read.map(|_| bytes));
    });
    let args = [
        "map", "--as-of", AS_OF, "--engine", "builtin", "--format", format,
    ];
    let (code, _, stderr) = run_here(&[&args[..], &["-o", fifo.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{stderr}");
    let bytes = received
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the FIFO's reader got the map")
        .unwrap();
    let (code, stdout, stderr) = run_here(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        bytes == stdout,
        "{format}: the FIFO got other bytes than stdout"
    );
    let kind = std::fs::metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO is now {kind:?}");
    assert_eq!(names_in(dir.path()), ["map.fifo"]);
}

/// `-o -` is stdout, not a file named `-`.
#[test]
fn out_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dealgraph()
        .current_dir(dir.path())
        .args(["map", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("digraph"));
    assert!(names_in(dir.path()).is_empty());
}

#[test]
fn a_timeout_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("big.csv");
    let mut csv = String::from("from,to,kind,amount_usd,source\n");
    for i in 0..3000u64 {
        csv.push_str(&format!(
            "a{},b{},cloud,1e6,s\n",
            i % 997,
            (i * 7 + 1) % 991
        ));
    }
    std::fs::write(&data, csv).unwrap();
    let out = dir.path().join("map.svg");
    let (code, _, stderr) = run_here(&[
        "map",
        "--data",
        data.to_str().unwrap(),
        "--auto-entities",
        "--force",
        "--engine",
        "builtin",
        "--timeout",
        "0.001",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--timeout 0.001 s"), "{stderr}");
    assert!(!out.exists());
    assert_eq!(names_in(dir.path()), ["big.csv"]);
}

#[cfg(unix)]
#[test]
fn a_timeout_stops_graphviz_and_leaves_the_file() {
    use std::os::unix::fs::PermissionsExt;
    // A `dot` that reads the graph and never answers: --timeout kills it.
    let bin = tempfile::tempdir().unwrap();
    let dot = bin.path().join("dot");
    std::fs::write(&dot, "#!/bin/sh\n/bin/cat >/dev/null\nexec /bin/sleep 60\n").unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    let start = std::time::Instant::now();
    failing_out_leaves_the_file(
        &["--engine", "graphviz", "--timeout", "0.5"],
        Some(bin.path().as_os_str()),
        1,
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}
