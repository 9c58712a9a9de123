//! PDF maps (`map --out x.pdf`, `--format pdf`), read back by a real reader: poppler's
//! `pdftotext` finds the text, `pdffonts` shows every font embedded, `pdfinfo` the page. In
//! CI (`CI=true`) missing poppler-utils fails these tests; elsewhere they are skipped.

use super::*;

/// Runs poppler's `tool` (pdftotext, pdfinfo, pdffonts) on `pdf` and returns what it prints;
/// `None` (a skip, or a failure under CI=true) when poppler-utils is not installed.
fn poppler(tool: &str, pdf: &Path) -> Option<String> {
    let mut cmd = Command::new(tool);
    cmd.arg(pdf);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = match cmd.output() {
        Ok(out) => out,
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "poppler's {tool} is not installed, and CI=true requires the PDF tests to run \
                 (apt-get install poppler-utils)"
            );
            eprintln!("skipped: poppler's {tool} is not installed (apt-get install poppler-utils)");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "{tool} {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `pdffonts`' table: (name, embedded) of each font.
fn fonts_of(pdf: &Path) -> Option<Vec<(String, bool)>> {
    let table = poppler("pdffonts", pdf)?;
    Some(
        table
            .lines()
            .skip(2)
            .map(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                // name type... encoding emb sub uni object-id generation
                let emb = cols[cols.len() - 5];
                (cols[0].to_string(), emb == "yes")
            })
            .collect(),
    )
}

/// Reads `pdf` back: `pdftotext` finds every one of `wanted`, and `pdfinfo` one page; returns
/// what `pdfinfo` says, or `None` when poppler is not installed (see [`poppler`]).
fn read_back(pdf: &Path, wanted: &[&str]) -> Option<String> {
    let text = poppler("pdftotext", pdf)?;
    for wanted in wanted {
        assert!(
            text.contains(wanted),
            "{wanted:?} not in the PDF's text:\n{text}"
        );
    }
    let info = poppler("pdfinfo", pdf)?;
    assert!(info.contains("Pages:           1"), "{info}");
    Some(info)
}

/// Writes `map --as-of AS_OF ARGS --out DIR/map.pdf` and returns the folder, the path and
/// stderr.
fn write_pdf(args: &[&str]) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("map.pdf");
    let mut all = vec!["map", "--as-of", AS_OF];
    all.extend_from_slice(args);
    all.extend(["--out", pdf.to_str().unwrap()]);
    let (code, stdout, stderr) = run_here(&all);
    assert_eq!(code, 0, "{all:?}: {stderr}");
    assert!(stdout.is_empty());
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "{all:?}");
    (dir, pdf, stderr)
}

#[test]
fn a_pdf_map_reads_back_with_its_title_names_and_credit() {
    let (_dir, pdf, stderr) = write_pdf(&["--credit", "Graphic: The Daily Ledger", "--verbose"]);
    assert!(
        stderr.contains("written as PDF by krilla in Liberation Sans (bundled)"),
        "{stderr}"
    );
    let wanted = [
        "Who pays whom",
        "OpenAI",
        "Microsoft",
        "Middle East",
        "$13B investment",
        "Graphic: The Daily Ledger",
    ];
    let Some(info) = read_back(&pdf, &wanted) else {
        return;
    };
    // The SVG's size in points, and the map's headline as the document title.
    assert!(info.contains("Title:           Who pays whom"), "{info}");
    let svg = map(&["--format", "svg", "--engine", "builtin"]);
    let doc = parse_svg(&svg);
    let width = doc.root_element().attribute("width").unwrap();
    assert!(
        info.contains(&format!("Page size:       {width} x ")),
        "{info}"
    );
}

#[test]
fn a_pdf_map_embeds_its_fonts_and_is_the_same_bytes_every_time() {
    let (dir, pdf, _) = write_pdf(&["--loops"]);
    let Some(fonts) = fonts_of(&pdf) else {
        return;
    };
    // Regular and bold Liberation Sans, subset ("ABCDEF+LiberationSans"), both embedded.
    assert_eq!(fonts.len(), 2, "{fonts:?}");
    for (name, embedded) in &fonts {
        assert!(*embedded, "{name} is not embedded: {fonts:?}");
        assert!(name.contains("+LiberationSans"), "{fonts:?}");
    }
    // The same map to stdout is byte for byte the file: no date, no random id.
    let (code, piped, stderr) = run_here(&["map", "--as-of", AS_OF, "--loops", "--format", "pdf"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(piped == std::fs::read(&pdf).unwrap());
    assert_eq!(super::out::names_in(dir.path()), ["map.pdf"]);
}

#[test]
fn hostile_names_survive_into_the_pdf_as_text() {
    let (_dir, pdf, _) = write_pdf(&["--data", "tests/fixtures/map-hostile.toml"]);
    // Quotes, brackets, markup, entities and accents come through as written (names wrap),
    // and nothing was read as markup: one page.
    let wanted = [
        "Say \"hi\" \\\" ]",
        "[label=\"pwned\"]",
        "<script>alert('x')",
        "AT&T &amp;",
        "&lt;Sons&gt; ]]>",
        "<!-- -->",
        "a -> b -- c {x; y}",
        "Back\\slash \\N \\l \\",
        "Ünïcødé",
        "Rocket",
        "Line one",
    ];
    if read_back(&pdf, &wanted).is_none() {
        return;
    }
    // Every font embedded, whichever the machine found for the Hebrew, Arabic or emoji.
    let fonts = fonts_of(&pdf).unwrap();
    assert!(fonts.iter().all(|(_, embedded)| *embedded), "{fonts:?}");
    assert!(fonts.iter().any(|(n, _)| n.ends_with("+LiberationSans")));
}

#[test]
fn pdf_is_drawn_by_map_with_the_builtin_engine() {
    for (args, message) in [
        (
            &["map", "--out", "map.pdf", "--engine", "graphviz"][..],
            "PDF is drawn by the builtin engine",
        ),
        (
            &["cycles", "--format", "pdf"],
            "PDF is drawn by `dealgraph map`",
        ),
        (
            &["map", "--format", "pdf", "--out", "map.svg"],
            "does not match",
        ),
    ] {
        let out = run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
    // --engine builtin (or auto) is fine.
    let (code, bytes, stderr) = run_here(&[
        "map", "--engine", "builtin", "--format", "pdf", "--focus", "openai",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(bytes.starts_with(b"%PDF-"));
}

#[cfg(unix)]
#[test]
fn pdf_to_dev_null_leaves_it_a_device() {
    super::out::dev_null_stays_a_device("pdf");
}

#[cfg(unix)]
#[test]
fn pdf_to_a_fifo_feeds_its_reader_and_stays_a_fifo() {
    super::out::fifo_gets_the_map("pdf");
}
