//! CLI tests for `dealgraph map`: golden DOT files, Graphviz and builtin SVG, hostile names,
//! format and engine choice, loops, `--top`, the size guard and the gallery in docs/maps/;
//! `--out` and `--timeout` (a file written whole or not at all) are in `map/out.rs`, PDF maps
//! (read back by poppler's pdftotext and pdffonts) in `map/pdf.rs`.
//!
//! Regenerate the golden files with `UPDATE_GOLDEN=1 cargo test --test cli map::` and the
//! gallery with `docs/maps/make-gallery.sh`.

mod out;
mod pdf;

use std::path::{Path, PathBuf};
use std::process::Command;

use graphviz_rust::dot_structures::{Graph, Id, Stmt, Subgraph};

use crate::common::{dealgraph, run};

/// Every golden map is drawn as of this date, so it does not change with the calendar.
const AS_OF: &str = "2026-01-31";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs dealgraph from the crate root (so fixture paths in titles are relative).
fn run_here(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = dealgraph()
        .current_dir(root())
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `map ARGS --as-of AS_OF`, which must succeed; returns stdout.
fn map(args: &[&str]) -> String {
    let mut all = vec!["map", "--as-of", AS_OF];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run_here(&all);
    assert_eq!(code, 0, "map {args:?} failed:\n{stderr}");
    String::from_utf8(stdout).expect("UTF-8 output")
}

/// Runs `map --as-of AS_OF <args> --out <a new folder>/<name>`, checks that it succeeds with
/// nothing on stdout, and returns the folder (removed when dropped), the file and stderr.
fn map_to_file(name: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let out = ["--out", path.to_str().unwrap()];
    let (code, stdout, stderr) = run_here(&[&["map", "--as-of", AS_OF][..], args, &out].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    (dir, path, stderr)
}

/// The golden maps: file name, arguments, entities shown.
const GOLDEN: &[(&str, &[&str], usize)] = &[
    ("map-seeds.dot", &[], 7),
    (
        "map-seeds-openai.dot",
        &["--focus", "openai", "--radius", "1"],
        6,
    ),
    ("map-seeds-loops.dot", &["--loops"], 5),
    (
        "map-kinds.dot",
        &[
            "--data",
            "tests/fixtures/map-kinds.toml",
            "--status",
            "rumored,in-talks,announced,completed,cancelled",
        ],
        6,
    ),
    (
        "map-hostile.dot",
        &["--data", "tests/fixtures/map-hostile.toml"],
        8,
    ),
];

fn golden_path(name: &str) -> PathBuf {
    root().join("tests/golden").join(name)
}

/// Node and edge statements of a parsed DOT graph, with subgraphs flattened.
fn count(stmts: &[Stmt], nodes: &mut Vec<String>, edges: &mut usize) {
    for s in stmts {
        match s {
            Stmt::Node(n) => nodes.push(match &n.id.0 {
                Id::Escaped(t) | Id::Plain(t) | Id::Html(t) | Id::Anonymous(t) => t.clone(),
            }),
            Stmt::Edge(_) => *edges += 1,
            Stmt::Subgraph(Subgraph { stmts, .. }) => count(stmts, nodes, edges),
            _ => {}
        }
    }
}

/// Parses DOT with graphviz-rust; returns the entity node ids (legend left out) and edges.
fn parse_dot(text: &str) -> (Vec<String>, usize) {
    let graph = graphviz_rust::parse(text).unwrap_or_else(|e| panic!("DOT parses: {e}\n{text}"));
    let Graph::DiGraph { stmts, .. } = graph else {
        panic!("a digraph")
    };
    let (mut nodes, mut edges) = (Vec::new(), 0);
    count(&stmts, &mut nodes, &mut edges);
    nodes.retain(|n| n != "\"dealgraph:legend\"");
    (nodes, edges)
}

/// True when Graphviz's `dot` is installed. In CI (`CI=true`) a missing `dot` fails the test
/// instead of skipping it.
fn graphviz() -> bool {
    let found = Command::new("dot").arg("-V").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "Graphviz's `dot` is not installed, and CI=true requires the Graphviz tests to run"
        );
        eprintln!("skipped: Graphviz's `dot` is not installed");
    }
    found
}

/// Parses SVG as XML and returns the document text for further checks.
fn parse_svg(text: &str) -> roxmltree::Document<'_> {
    // Graphviz's SVG starts with a DOCTYPE.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("SVG is well-formed XML: {e}"))
}

/// Elements `<g>` with `class` and an id starting with `prefix`.
fn groups<'a>(
    doc: &'a roxmltree::Document<'a>,
    class: &str,
    prefix: &str,
) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("g")
                && n.attribute("class") == Some(class)
                && n.attribute("id").is_some_and(|id| id.starts_with(prefix))
        })
        .collect()
}

#[test]
fn dot_matches_the_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for &(name, args, entities) in GOLDEN {
        let text = map(args);
        let path = golden_path(name);
        if update {
            std::fs::write(&path, &text).expect("write golden");
        }
        let golden = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{name} is missing; run with UPDATE_GOLDEN=1"));
        assert_eq!(
            text, golden,
            "{name} changed; if on purpose, rerun with UPDATE_GOLDEN=1 and review the diff"
        );
        let (nodes, _) = parse_dot(&text);
        assert_eq!(nodes.len(), entities, "{name}: entity nodes");
    }
}

#[test]
fn dot_is_byte_identical_across_runs_and_keyed_by_entity_id() {
    let a = map(&[]);
    let b = map(&[]);
    assert_eq!(a, b);
    let (nodes, edges) = parse_dot(&a);
    let mut ids = nodes.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), nodes.len(), "one node per entity");
    assert!(nodes.contains(&"\"openai\"".to_string()), "{nodes:?}");
    // Parallel deals are separate edges: 18 deals, 18 edges.
    assert_eq!(edges, 18);
    assert_eq!(a.matches("\"softbank\" -> \"openai\"").count(), 3);
}

#[test]
fn dot_carries_title_legend_and_styles() {
    let text = map(&[]);
    assert!(text.contains("<b>Who pays whom</b>"));
    assert!(text.contains("bundled seeds · as of 2026-01-31 · 7 entities, 18 deals"));
    assert!(text.contains("label=\"$38B cloud · 7y\""), "edge label");
    assert!(text.contains("label=\"$50B investment (talks)\""));
    assert!(text.contains("Legend"));
    // In talks dashed, rumored dotted, inferred hollow.
    let line = |id: &str| {
        text.lines()
            .find(|l| l.contains(&format!("id=\"deal-{id}\"")))
            .unwrap_or_else(|| panic!("deal {id}"))
            .to_string()
    };
    assert!(line("amazon-openai-investment").contains("style=dashed"));
    assert!(line("openai-amazon-chips").contains("style=dotted"));
    assert!(line("openai-microsoft-cloud").contains("arrowhead=empty"));
    assert!(line("openai-amazon-cloud").contains("style=solid"));
    // Wider for more money.
    let width = |id: &str| -> f64 {
        let l = line(id);
        let at = l.find("penwidth=").expect("penwidth") + 9;
        l[at..].split(' ').next().unwrap().parse().unwrap()
    };
    assert!(width("openai-microsoft-cloud") > width("openai-amazon-cloud"));
    assert!(width("openai-amazon-cloud") > width("microsoft-openai-investment"));
    assert_eq!(width("openai-amazon-chips"), 1.0);
}

#[test]
fn graphviz_renders_every_golden_file() {
    if !graphviz() {
        return;
    }
    for &(name, _, entities) in GOLDEN {
        let out = Command::new("dot")
            .args(["-Tsvg", golden_path(name).to_str().unwrap()])
            .output()
            .expect("dot runs");
        assert!(
            out.status.success(),
            "dot -Tsvg {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = String::from_utf8(out.stdout).unwrap();
        let doc = parse_svg(&svg);
        assert_eq!(groups(&doc, "node", "entity-").len(), entities, "{name}");
    }
}

#[test]
fn both_engines_draw_one_element_per_entity() {
    let mut engines = vec!["builtin"];
    if graphviz() {
        engines.push("graphviz");
    }
    for engine in engines {
        for &(name, args, entities) in GOLDEN {
            let mut all = args.to_vec();
            all.extend(["--format", "svg", "--engine", engine]);
            let svg = map(&all);
            let doc = parse_svg(&svg);
            let class = if engine == "builtin" {
                "entity"
            } else {
                "node"
            };
            assert_eq!(
                groups(&doc, class, "entity-").len(),
                entities,
                "{engine} {name}"
            );
            let deal_class = if engine == "builtin" { "deal" } else { "edge" };
            assert!(
                !groups(&doc, deal_class, "deal-").is_empty(),
                "{engine} {name}"
            );
        }
    }
}

#[test]
fn builtin_svg_is_deterministic_and_has_arrowheads_labels_and_legend() {
    let a = map(&["--engine", "builtin", "--format", "svg"]);
    assert_eq!(a, map(&["--engine", "builtin", "--format", "svg"]));
    let doc = parse_svg(&a);
    let deals = groups(&doc, "deal", "deal-");
    assert_eq!(deals.len(), 18);
    for d in &deals {
        assert!(
            d.children().any(|c| c.attribute("class") == Some("arrow")),
            "every deal has an arrowhead"
        );
    }
    let labels: Vec<String> = groups(&doc, "label", "label-")
        .iter()
        .map(|g| {
            g.descendants()
                .filter(|n| n.has_tag_name("tspan"))
                .filter_map(|n| n.text())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert!(
        labels.contains(&"$38B cloud · 7y".to_string()),
        "{labels:?}"
    );
    assert!(a.contains("class=\"legend\""));
    assert!(a.contains(">investment (investor → investee)<"));
}

/// Names in tests/fixtures/map-hostile.toml, by entity id, as the data holds them.
const HOSTILE: &[(&str, &str)] = &[
    ("quote", "Say \"hi\" \\\" ] [label=\"pwned\"]"),
    ("backslash", "Back\\slash \\N \\l \\"),
    ("newline", "Line one\nline two\r\nand\ta tab \u{1b}[31m"),
    ("script", "<script>alert('x')</script> <g id=\"evil\"/>"),
    ("amp", "AT&T &amp; &lt;Sons&gt; ]]> <!-- -->"),
    ("arrow", "a -> b -- c {x; y} subgraph"),
    ("rtl", "\u{200f}שלום \u{202e}evil\u{202c} مرحبا"),
    ("emoji", "🚀 Rocket 深度求索 Ünïcødé"),
];

/// A name as drawn, up to where lines break: control characters escaped, white space gone.
fn shown(name: &str) -> String {
    dealgraph::render::style::clean(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn hostile_names_cannot_break_dot() {
    let text = map(&["--data", "tests/fixtures/map-hostile.toml"]);
    let (nodes, edges) = parse_dot(&text);
    let expected: Vec<String> = HOSTILE.iter().map(|(id, _)| format!("\"{id}\"")).collect();
    assert_eq!(nodes, expected, "exactly the entities, nothing injected");
    assert_eq!(edges, 8);
    assert!(
        !text.contains("pwned\"]"),
        "a quote in a name cannot end the string"
    );
    if graphviz() {
        let out = Command::new("dot")
            .args(["-Tsvg", golden_path("map-hostile.dot").to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success());
        let svg = String::from_utf8(out.stdout).unwrap();
        let doc = parse_svg(&svg);
        for (id, name) in HOSTILE {
            let g = groups(&doc, "node", &format!("entity-{id}"));
            assert_eq!(g.len(), 1, "{id}");
            let text: Vec<&str> = g[0]
                .descendants()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|n| n.text())
                .collect();
            assert_eq!(
                shown(&text.join(" ")),
                shown(name),
                "Graphviz draws {id} as written"
            );
        }
        assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    }
}

#[test]
fn hostile_names_cannot_break_svg() {
    let mut engines = vec!["builtin"];
    if graphviz() {
        engines.push("graphviz");
    }
    for engine in engines {
        let svg = map(&[
            "--data",
            "tests/fixtures/map-hostile.toml",
            "--engine",
            engine,
            "--format",
            "svg",
        ]);
        let doc = parse_svg(&svg);
        assert!(
            doc.descendants().all(|n| !n.has_tag_name("script")),
            "{engine}"
        );
        assert!(
            doc.descendants().all(|n| n.attribute("id") != Some("evil")),
            "{engine}: a name cannot add an element"
        );
        let class = if engine == "builtin" {
            "entity"
        } else {
            "node"
        };
        assert_eq!(
            groups(&doc, class, "entity-").len(),
            HOSTILE.len(),
            "{engine}"
        );
        if engine == "builtin" {
            for (id, name) in HOSTILE {
                let g = &groups(&doc, "entity", &format!("entity-{id}"))[0];
                let title = g
                    .children()
                    .find(|n| n.has_tag_name("title"))
                    .and_then(|n| n.text())
                    .unwrap();
                assert_eq!(
                    title.split(" (").next().map(shown),
                    Some(shown(name.split(" (").next().unwrap())),
                    "{id}"
                );
                let drawn: Vec<&str> = g
                    .descendants()
                    .filter(|n| n.has_tag_name("tspan"))
                    .filter_map(|n| n.text())
                    .collect();
                assert_eq!(
                    shown(&drawn.join(" ")),
                    shown(name),
                    "{id} drawn as written"
                );
            }
        }
    }
}

#[test]
fn auto_uses_the_builtin_engine_when_graphviz_is_missing() {
    let empty = tempfile::tempdir().unwrap();
    let out = dealgraph()
        .env("PATH", empty.path())
        .args(["map", "--as-of", AS_OF, "--format", "svg", "--verbose"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("engine: builtin"), "{stderr}");
    assert!(stderr.contains("not on PATH"), "{stderr}");
    let svg = String::from_utf8(out.stdout).unwrap();
    assert_eq!(svg, map(&["--format", "svg", "--engine", "builtin"]));

    let out = dealgraph()
        .env("PATH", empty.path())
        .args(["map", "--format", "svg", "--engine", "graphviz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not on PATH") && stderr.contains("--engine builtin"),
        "{stderr}"
    );
}

#[test]
fn verbose_names_graphviz_when_it_draws() {
    if !graphviz() {
        return;
    }
    let (code, _, stderr) = run_here(&["map", "-f", "svg", "--verbose", "--layout", "neato"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("engine: Graphviz dot"), "{stderr}");
    assert!(stderr.contains("layout neato"), "{stderr}");
}

#[test]
fn out_extension_picks_the_format_and_writes_the_file() {
    let (_svg_dir, svg, _) = map_to_file("map.svg", &["--engine", "builtin"]);
    let (_gv_dir, gv, _) = map_to_file("map.gv", &[]);
    let written = std::fs::read_to_string(&svg).unwrap();
    assert!(written.starts_with("<?xml"));
    assert_eq!(written, map(&["--engine", "builtin", "--format", "svg"]));
    assert_eq!(std::fs::read_to_string(&gv).unwrap(), map(&[]));
}

#[test]
fn bad_combinations_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (&["map", "--out", "map.jpg"], "cannot tell the format"),
        (
            &["map", "--out", "map.png", "--engine", "graphviz"],
            "PNG is drawn by the builtin engine",
        ),
        (&["cycles", "--title", "x"], "are for maps"),
        (
            &["cycles", "--format", "png"],
            "PNG is drawn by `dealgraph map`",
        ),
        (
            &["cycles", "--out", "loops.png"],
            "PNG is drawn by `dealgraph map`",
        ),
        (
            &["map", "--format", "svg", "--out", "map.dot"],
            "does not match",
        ),
        (&["map", "--format", "json"], "cannot write json"),
        (
            &["map", "--engine", "builtin"],
            "--engine chooses who draws SVG",
        ),
        (
            &[
                "map", "-f", "svg", "--engine", "builtin", "--layout", "neato",
            ],
            "builtin engine always draws a layered map",
        ),
        (&["map", "--radius", "2"], "--focus"),
        (
            &["map", "--focus", "openai", "--loops", "--radius", "1"],
            "cannot be used with",
        ),
        (&["map", "--focus", "opnai"], "did you mean \"openai\""),
        (
            &["map", "--focus", "openai", "--without", "openai"],
            "left out by --without",
        ),
    ];
    for (args, message) in cases {
        let out = run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn layout_is_written_into_dot_when_asked() {
    let text = map(&["--layout", "circo"]);
    assert!(text.contains("layout=\"circo\""));
    assert!(!map(&[]).contains("layout="));
}

#[test]
fn global_filters_choose_the_deals() {
    let text = map(&["--kinds", "cloud"]);
    let (nodes, edges) = parse_dot(&text);
    assert_eq!(edges, 4, "four cloud deals");
    assert!(!nodes.contains(&"\"softbank\"".to_string()));
    let text = map(&["--without", "amazon"]);
    assert!(!text.contains("\"amazon\""));
    let (code, text, _) = run_here(&["map", "--as-of", "2025-06-30"]);
    assert_eq!(code, 0);
    let (_, edges) = parse_dot(&String::from_utf8(text).unwrap());
    assert_eq!(
        edges, 2,
        "by mid-2025: the Series F, and Microsoft's stake, which counts from 2019 (event date)"
    );
    // Nothing left: an empty but valid map in both formats.
    let text = map(&["--min-amount", "1e15"]);
    assert_eq!(parse_dot(&text), (Vec::new(), 0));
    let svg = map(&["--min-amount", "1e15", "-f", "svg", "--engine", "builtin"]);
    assert!(
        parse_svg(&svg)
            .descendants()
            .any(|n| n.text() == Some("No deals match the filters."))
    );
}

#[test]
fn focus_radius_grows_the_neighbourhood() {
    let count = |args: &[&str]| parse_dot(&map(args)).0.len();
    assert_eq!(count(&["--focus", "softbank", "--radius", "0"]), 1);
    assert_eq!(count(&["--focus", "softbank"]), 2);
    assert_eq!(count(&["--focus", "softbank", "--radius", "2"]), 6);
    assert_eq!(count(&["--focus", "SoftBank Group", "--radius", "3"]), 7);
}

#[test]
fn loops_map_lists_and_draws_only_loops() {
    let text = map(&["--loops"]);
    assert!(text.contains("7 circular-financing loops"));
    // Each loop is numbered on its deals and listed in the legend with its round trip.
    assert!(
        text.contains("Amazon → OpenAI → Amazon: round trip $38B"),
        "{text}"
    );
    assert!(text.contains("<b>7</b>"));
    let (nodes, _) = parse_dot(&text);
    // SoftBank and the Gulf funds only pay in: they are on no loop.
    assert!(!nodes.contains(&"\"softbank\"".to_string()));
    assert!(!nodes.contains(&"\"middle-east-sovereign-funds\"".to_string()));
    let through = map(&["--loops", "--focus", "microsoft"]);
    assert!(through.contains("3 circular-financing loops through Microsoft"));
    // Without investments and loans there is no circular financing.
    let trade = map(&["--loops", "--kinds", "cloud,chips"]);
    assert!(trade.contains("No circular-financing loops"));
    assert_eq!(parse_dot(&trade), (Vec::new(), 0));
}

/// The gallery: (file stem, arguments) as in docs/maps/make-gallery.sh.
const GALLERY: &[(&str, &str)] = &[
    ("seeds", ""),
    ("openai", "--focus openai --radius 1"),
    ("loops", "--loops"),
    ("loop2", "--loop 2"),
    (
        "nvidia-credit",
        "--focus nvidia --title 'Nvidia and the AI labs it deals with' --subtitle 'Deals around Nvidia as of 31 January 2026; arrows point the way cash flows' --credit 'Graphic: The Daily Ledger. Sources: Forbes, CNBC, DCD, company statements'",
    ),
];

/// Words of a gallery line as the shell splits them: at spaces, single quotes grouping.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let (mut word, mut quoted, mut any) = (String::new(), false, false);
    for c in line.chars() {
        match c {
            '\'' => (quoted, any) = (!quoted, true),
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => (word, any) = (word + &c.to_string(), true),
        }
    }
    if any {
        words.push(word);
    }
    words
}

#[test]
fn gallery_is_what_the_current_code_draws() {
    let script = std::fs::read_to_string(root().join("docs/maps/make-gallery.sh")).unwrap();
    assert!(script.contains(&format!("--as-of {AS_OF}")));
    for (stem, args) in GALLERY {
        assert!(
            script.contains(&format!("\"{stem}:{args}\"")),
            "make-gallery.sh draws {stem} with {args:?}"
        );
        let words = shell_words(args);
        let mut all: Vec<&str> = words.iter().map(String::as_str).collect();
        all.extend(["--format", "svg", "--engine", "builtin"]);
        let drawn = map(&all);
        let file = root().join(format!("docs/maps/{stem}-builtin.svg"));
        let committed = std::fs::read_to_string(&file).unwrap_or_else(|_| {
            panic!(
                "{} is missing; run docs/maps/make-gallery.sh",
                file.display()
            )
        });
        assert!(
            drawn == committed,
            "{} is stale; run docs/maps/make-gallery.sh",
            file.display()
        );
        assert!(
            root()
                .join(format!("docs/maps/{stem}-graphviz.svg"))
                .exists()
        );
        let png = std::fs::read(root().join(format!("docs/maps/{stem}.png")))
            .unwrap_or_else(|_| panic!("docs/maps/{stem}.png is missing; run make-gallery.sh"));
        assert!(png.starts_with(b"\x89PNG"), "docs/maps/{stem}.png");
    }
    // PNG and PDF are drawn in the bundled font, so they are the same bytes on any machine:
    // the loops' PNG (one is enough: rasterising is slow in a debug build) and PDF.
    for file in ["loops.png", "loops.pdf"] {
        let format = &file[file.len() - 3..];
        let (code, drawn, stderr) =
            run_here(&["map", "--as-of", AS_OF, "--loops", "--format", format]);
        assert_eq!(code, 0, "{stderr}");
        let committed = std::fs::read(root().join("docs/maps").join(file))
            .unwrap_or_else(|_| panic!("docs/maps/{file} is missing; run make-gallery.sh"));
        assert!(
            drawn == committed,
            "docs/maps/{file} is stale (or the font is not the bundled one); run make-gallery.sh"
        );
    }
}

#[test]
fn docs_legend_matches_the_style_table() {
    let docs = std::fs::read_to_string(root().join("docs/maps.md")).unwrap();
    let legend = dealgraph::render::style::legend_markdown();
    assert!(
        docs.contains(&legend),
        "docs/maps.md's legend is stale; paste in style::legend_markdown():\n{legend}"
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&legend),
        "README.md's legend is stale; paste in style::legend_markdown():\n{legend}"
    );
}

/// Text that would break SVG or DOT if it were not escaped.
const HOSTILE_TEXT: &str = "</svg><script>alert(1)</script> & \"quotes\" 'q' <br/> \\ ]]>";

#[test]
fn title_subtitle_and_credit_are_drawn_and_escaped() {
    let args = [
        "--title",
        HOSTILE_TEXT,
        "--subtitle",
        "Sub & title",
        "--credit",
        "Graphic: The Daily <Ledger>",
    ];
    let mut svg_args = args.to_vec();
    svg_args.extend(["--format", "svg", "--engine", "builtin"]);
    let svg = map(&svg_args);
    let doc = parse_svg(&svg);
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for want in [HOSTILE_TEXT, "Sub & title", "Graphic: The Daily <Ledger>"] {
        assert!(texts.contains(&want), "{want:?} is drawn: {texts:?}");
    }
    assert!(!svg.contains("as of 2026-01-31"), "--subtitle replaces it");

    let dot = map(&args);
    let (nodes, _) = parse_dot(&dot);
    assert_eq!(nodes.len(), 7, "DOT still parses");
    assert!(!dot.contains("<script>") && !dot.contains("<Ledger>"));
    assert!(dot.contains("&lt;script&gt;") && dot.contains("Sub &amp; title"));

    // `cycles` shares the drawing options.
    let (code, svg, stderr) = run_here(&[
        "cycles",
        "--as-of",
        AS_OF,
        "--format",
        "svg",
        "--engine",
        "builtin",
        "--title",
        "Loops & more",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        String::from_utf8(svg)
            .unwrap()
            .contains(">Loops &amp; more</text>")
    );
}

#[test]
fn default_credit_names_the_outlets_and_the_subtitle_no_path() {
    let svg = map(&["--format", "svg", "--engine", "builtin"]);
    let doc = parse_svg(&svg);
    let credit = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("credit"))
        .and_then(|n| n.text())
        .expect("a credit line");
    assert!(credit.starts_with("Sources: "), "{credit}");
    for outlet in ["DCD", "CNBC, citing The Information", "Forbes"] {
        assert!(credit.contains(outlet), "{credit}");
    }
    assert!(
        !credit.contains("Unattributed"),
        "counted, not named: {credit}"
    );
    // Stable: the same on every run, in the DOT too.
    assert!(map(&[]).contains(credit));
    // --credit '' drops it.
    let none = map(&["--format", "svg", "--engine", "builtin", "--credit", ""]);
    assert!(!none.contains("class=\"credit\""));

    // A data file is named by its file name, a folder as "your data": never a path.
    let dot = map(&["--data", "tests/fixtures/small.toml"]);
    assert!(dot.contains("small.toml · as of"), "{dot}");
    assert!(!dot.contains("tests/fixtures"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/small.toml"),
        dir.path().join("small.toml"),
    )
    .unwrap();
    let folder = dir.path().to_str().unwrap();
    let dot = map(&["--data", folder]);
    assert!(dot.contains("your data · as of"), "{dot}");
    assert!(!dot.contains(folder));
}

#[test]
fn png_is_written_from_the_builtin_svg() {
    let (_dir, png, stderr) = map_to_file("map.png", &["--verbose"]);
    assert!(stderr.contains("rasterised by resvg in "), "{stderr}");
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    // Twice the SVG's size: the IHDR width and height.
    let svg = map(&["--format", "svg", "--engine", "builtin"]);
    let doc = parse_svg(&svg);
    let width: f64 = doc
        .root_element()
        .attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    let png_width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(png_width, (width * 2.0).ceil() as u32);
    // --format png to a pipe.
    let (code, piped, stderr) = run_here(&["map", "--as-of", AS_OF, "--format", "png"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(piped.starts_with(b"\x89PNG"));
}

#[test]
fn loop_n_draws_that_loop_of_the_cycles_ranking_on_the_faded_map() {
    let text = map(&["--loop", "2"]);
    // Loop 2 of `cycles` (largest round trip first) is Microsoft → OpenAI → Microsoft.
    assert!(
        text.contains("Loop 2: Microsoft → OpenAI → Microsoft"),
        "{text}"
    );
    assert!(text.contains("<b>2</b>"));
    // The whole map is there, the rest faded.
    let (nodes, _) = parse_dot(&text);
    assert!(nodes.contains(&"\"softbank\"".to_string()));
    assert!(text.contains("faded: on none of the loops drawn"));
    let (code, _, stderr) = run_here(&["map", "--as-of", AS_OF, "--loop", "99"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--loop 99: there are 7 loops"), "{stderr}");
}

#[test]
fn top_keeps_the_largest_entities_by_flow() {
    let text = map(&["--top", "2"]);
    let (nodes, _) = parse_dot(&text);
    // OpenAI and Microsoft carry the most money in the seeds (up to $310B of cloud).
    assert_eq!(nodes, ["\"openai\"", "\"microsoft\""], "{text}");
    let (code, _, _) = run_here(&["map", "--top", "2", "--focus", "openai"]);
    assert_eq!(code, 2);
}

#[test]
fn a_map_over_the_size_limit_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("big.csv");
    let mut csv = String::from("from,to,kind,amount_usd,source\n");
    for i in 0..1100 {
        csv.push_str(&format!("e{i},e{},cloud,1e6,s\n", i + 1));
    }
    std::fs::write(&data, csv).unwrap();
    let d = data.to_str().unwrap();
    let (code, _, stderr) = run_here(&["map", "--data", d, "--auto-entities"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("1101 entities and 1100 deals"), "{stderr}");
    assert!(
        stderr.contains("--top") && stderr.contains("--force"),
        "{stderr}"
    );
    let (code, out, _) = run_here(&["map", "--data", d, "--auto-entities", "--top", "50"]);
    assert_eq!(code, 0);
    assert_eq!(parse_dot(&String::from_utf8(out).unwrap()).0.len(), 50);
    let (code, _, _) = run_here(&["map", "--data", d, "--auto-entities", "--force"]);
    assert_eq!(code, 0);
}

#[test]
fn html_is_the_explore_page_of_the_map() {
    let (_dir, out, _) = map_to_file("openai.html", &["--focus", "softbank"]);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    // SoftBank's neighbourhood: SoftBank and OpenAI only.
    assert!(page.contains("\"softbank\"") && page.contains("\"openai\""));
    assert!(!page.contains("\"anthropic\""));
    let (code, _, _) = run_here(&["map", "--format", "html", "--engine", "builtin"]);
    assert_eq!(code, 2);
}
