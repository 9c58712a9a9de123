//! Parsing in blocks on several threads gives exactly what one reader gives: the same
//! dataset, symbols and diagnostics, in the same order, on files with quoted newlines,
//! CRLF, blank lines, errors in many blocks and a quote left open at the end.

use std::cell::Cell;
use std::sync::Arc;

use chrono::NaiveDate;
use proptest::prelude::*;

use crate::load::diagnostic::SourceFile;
use crate::load::{LoadError, LoadOptions, Loader};

thread_local! {
    /// Worker threads and block size forced by a test (this thread's loads only).
    pub(super) static FORCED: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
}

/// Everything a load of `files` (name, text) gives, as text: the dataset or the
/// diagnostics, with `threads` workers and blocks of `block` bytes.
fn load(files: &[(&str, &[u8])], auto: bool, threads: usize, block: usize) -> String {
    FORCED.set(Some((threads, block)));
    let mut loader = Loader::new(LoadOptions {
        auto_entities: auto,
        today: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        progress: None,
    });
    for (name, bytes) in files {
        let text: Arc<str> = Arc::from(String::from_utf8_lossy(bytes).as_ref());
        let file = loader
            .diags
            .files
            .add(SourceFile::with_text(name.to_string(), text));
        loader.csv(file, name, Some(bytes.len() as u64), *bytes);
    }
    FORCED.set(None);
    // Hash tables print in no fixed order: the entities, deals and diagnostics do.
    match loader.finish(Vec::new()) {
        Ok(l) => {
            let deals: Vec<_> = l.dataset.deals().map(|d| d.to_deal()).collect();
            format!(
                "Ok {} created\n{:#?}\n{deals:#?}\n{:#?}",
                l.auto_created,
                l.dataset.entities(),
                l.warnings.items
            )
        }
        Err(LoadError::Invalid(d)) => format!("Invalid\n{:#?}", d.items),
        Err(e) => format!("{e:?}"),
    }
}

/// Loads `files` on one reader and in blocks of many sizes on 1, 2 and 3 threads, and
/// checks every load gives the same.
fn same_everywhere(files: &[(&str, &[u8])], auto: bool, blocks: &[usize]) -> String {
    let serial = load(files, auto, 1, usize::MAX);
    for &threads in &[1, 2, 3] {
        for &block in blocks {
            let parallel = load(files, auto, threads, block);
            assert!(
                parallel == serial,
                "{threads} threads, blocks of {block} bytes differ from one reader:\n{}",
                first_difference(&serial, &parallel)
            );
        }
    }
    serial
}

fn first_difference(a: &str, b: &str) -> String {
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    let around = |t: &str| {
        t.lines()
            .skip(line.saturating_sub(3))
            .take(8)
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!("one reader:\n{}\nin blocks:\n{}", around(a), around(b))
}

const ENTITIES: &str = "id,name,kind\ne1,One,company\ne2,\"Two, \"\"the\"\" second\",company\n\
e3,\"Three\nlines\",lab\nE4,Bad id,company\ne5,Five,nonsense\n\ne6,Six,company\n";

/// A deals file with something to say in many rows: quoted commas and newlines, doubled
/// quotes, blank lines, unknown kinds, bad amounts, ragged rows, shared ids, missing
/// sources, undeclared and self-paying entities.
fn deals(crlf: bool, rows: usize) -> Vec<u8> {
    let mut text = String::from("id,from,to,kind,amount_usd,date,status,source,notes\n");
    for i in 0..rows {
        let row = match i % 13 {
            0 => format!(
                "d{i},e1,e2,chips,{}00,2024-01-0{},completed,s{},\n",
                i + 1,
                i % 9 + 1,
                i % 3
            ),
            1 => ",e2,e3,cloud,5,2024-02,announced,,\"a note, with a comma\"\n".to_string(),
            2 => format!("d{i},e3,e1,equity,7,2024,rumored,src,\"two\nlines \"\"quoted\"\"\"\n"),
            3 => format!("d{i},e1,e9,chips,1,2024-03-01,completed,src,\n"),
            4 => format!("d{i},e2,e1,cloudy,1,2024-03-01,completed,src,\n"),
            5 => format!("d{i},e2,e1,chips,lots,2024-03-01,completed,src,\n"),
            6 => format!("d{i},e2,e1,chips\n"),
            7 => "\n".to_string(),
            8 => format!(
                "d{},e1,e2,chips,3,2024-04-01,completed,second report,\n",
                i - 8
            ),
            9 => format!("d{},e2,e1,chips,3,2024-04-01,completed,disagrees,\n", i - 9),
            10 => format!("d{i},e5,e5,loan,9,2024-05-01,completed,src,\n"),
            11 => ",e6,e1,loan,,,,,\"\"\n".to_string(),
            _ => format!("d{i},e1,e3,revenue,12,2030-01-01,completed,\"https://x.test/a,b\",\n"),
        };
        text.push_str(&row);
    }
    if crlf {
        text = text.replace('\n', "\r\n");
    }
    text.into_bytes()
}

const BLOCKS: &[usize] = &[1, 2, 7, 16, 61, 200, 1000];

#[test]
fn blocks_give_what_one_reader_gives() {
    for crlf in [false, true] {
        let deals = deals(crlf, 60);
        for auto in [false, true] {
            let files: [(&str, &[u8]); 2] =
                [("deals.csv", &deals), ("entities.csv", ENTITIES.as_bytes())];
            let out = same_everywhere(&files, auto, BLOCKS);
            // The loads have something to compare: errors from several blocks.
            assert!(out.matches("unknown deal kind").count() >= 4, "{out}");
            assert!(out.contains("fields but the header has"), "{out}");
        }
    }
}

#[test]
fn a_clean_file_loads_the_same_in_blocks() {
    let mut deals = String::from("from,to,kind,amount_usd,date,status,source\n");
    for i in 0..300 {
        // Quoted sources in a few stretches: most blocks hold no quote (and are split
        // without csv-core), some do.
        let source = if i % 50 < 5 {
            format!("\"src {}\"", i % 4)
        } else {
            format!("src {}", i % 4)
        };
        deals.push_str(&format!(
            "e{},e{},chips,{},2024-01-01,completed,{source}\n",
            i % 7,
            (i + 1) % 7,
            i + 1,
        ));
    }
    let entities: String = std::iter::once("id,name\n".to_string())
        .chain((0..7).map(|i| format!("e{i},Entity {i}\n")))
        .collect();
    let files: [(&str, &[u8]); 2] = [
        ("deals.csv", deals.as_bytes()),
        ("entities.csv", entities.as_bytes()),
    ];
    let out = same_everywhere(&files, false, BLOCKS);
    assert!(out.starts_with("Ok 0 created"), "{out}");
}

#[test]
fn open_quotes_and_odd_endings_load_the_same() {
    let cases: &[&[u8]] = &[
        // A quote never closed, early and late.
        b"from,to,kind\ne1,e2,chips\n\"e1,e2,chips\ne1,e2,chips\ne2,e1,loan\n",
        b"from,to,kind\ne1,e2,chips\ne1,e2,chips\ne2,e1,\"loan\n",
        // No newline at the end; only `\r` line ends; a quote in the header.
        b"from,to,kind\ne1,e2,chips\ne2,e1,loan",
        b"from,to,kind\re1,e2,chips\re2,e1,loan\r",
        b"\"from\",\"t\no\",kind\ne1,e2,chips\n",
        b"\"from,to,kind\ne1,e2,chips\n",
        // Blank lines first, a byte-order mark, bytes that are not UTF-8.
        b"\n\n\xef\xbb\xbffrom,to,kind\n\ne1,e2,chips\n",
        b"from,to,kind\ne1,e\xff2,chips\ne2,e1,loan\n",
        b"",
        b"\n\n",
    ];
    for case in cases {
        let files: [(&str, &[u8]); 1] = [("deals.csv", case)];
        same_everywhere(&files, true, BLOCKS);
    }
}

/// One cell of a random deals row.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "e[0-9]",
        "(chips|cloud|loan|cloudy)",
        "[0-9]{1,3}",
        Just("\"quoted, \"\"comma\"\"\"".to_string()),
        Just("\"new\nline\"".to_string()),
        Just("2024-02-30".to_string()),
        Just(" ".to_string()),
    ]
}

/// Random rows of 1 to 6 cells under a header of 5 columns.
fn random_file() -> impl Strategy<Value = (String, bool)> {
    let row = prop::collection::vec(cell(), 1..6).prop_map(|cells| cells.join(","));
    (prop::collection::vec(row, 0..40), any::<bool>()).prop_map(|(rows, crlf)| {
        let mut text = String::from("from,to,kind,amount_usd,date\n");
        for row in rows {
            text.push_str(&row);
            text.push('\n');
        }
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        (text, crlf)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_files_load_the_same_in_blocks(
        (text, _crlf) in random_file(),
        block in 1usize..120,
        threads in 1usize..5,
    ) {
        let files: [(&str, &[u8]); 1] = [("deals.csv", text.as_bytes())];
        let serial = load(&files, true, 1, usize::MAX);
        let parallel = load(&files, true, threads, block);
        prop_assert!(serial == parallel, "{}", first_difference(&serial, &parallel));
    }
}

/// A load as text that names files instead of numbering them: reading the files in another
/// order numbers them differently, and must change nothing else.
fn describe(result: Result<crate::load::Loaded, LoadError>) -> String {
    match result {
        Ok(l) => {
            let deals: Vec<_> = l.dataset.deals().map(|d| d.to_deal()).collect();
            let warnings: Vec<String> = l
                .warnings
                .items
                .iter()
                .map(|d| d.render(&l.warnings.files, false))
                .collect();
            format!(
                "Ok {} created\n{:#?}\n{deals:#?}\n{warnings:#?}",
                l.auto_created,
                l.dataset.entities()
            )
        }
        Err(LoadError::Invalid(d)) => {
            let items: Vec<String> = d.items.iter().map(|x| x.render(&d.files, false)).collect();
            format!("Invalid\n{items:#?}")
        }
        Err(e) => format!("{e:?}"),
    }
}

/// Loads a folder of `files` (name, bytes) with `load_paths` on one thread and in blocks on
/// several, and checks each gives what reading the files one after the other in name order on
/// one reader gives; an id in them must be declared twice.
fn folder_loads_as_in_name_order(files: &[(&str, Vec<u8>)], auto: bool) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let options = LoadOptions {
        auto_entities: auto,
        today: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        progress: None,
    };
    // The reference: the files one after the other, in name order, on one reader.
    FORCED.set(Some((1, usize::MAX)));
    let mut loader = Loader::new(options);
    for (name, bytes) in files {
        let path = dir.path().join(name).display().to_string();
        let text: Arc<str> = Arc::from(String::from_utf8_lossy(bytes).as_ref());
        let file = loader.diags.files.add(SourceFile::with_text(path, text));
        loader.csv(file, name, Some(bytes.len() as u64), &bytes[..]);
    }
    let expected = describe(loader.finish(Vec::new()));
    assert!(expected.contains("is declared twice"), "{expected}");
    for (threads, block) in [(1, usize::MAX), (2, 7), (3, 61)] {
        FORCED.set(Some((threads, block)));
        let got = describe(crate::load::load_paths(&[dir.path().into()], options));
        assert!(
            got == expected,
            "{threads} threads, blocks of {block}, auto {auto}:\n{}",
            first_difference(&expected, &got)
        );
    }
    FORCED.set(None);
}

/// A folder of CSVs is read entities first (so deals find their ids on the parsing
/// threads), with the same dataset, symbols and diagnostics, in the same order, as reading
/// the files in name order: errors in every file, an id declared in two files, undeclared
/// and self-paying entities, with and without --auto-entities, in blocks and not.
#[test]
fn entities_first_gives_what_name_order_gives() {
    let more = "id,name,kind\ne7,Seven,company\ne2,Two again,company\ne8,Eight,wizard\n";
    let files = [
        ("a-deals.csv", deals(false, 60)),
        ("b-entities.csv", ENTITIES.as_bytes().to_vec()),
        ("c-entities.csv", more.as_bytes().to_vec()),
    ];
    for auto in [false, true] {
        folder_loads_as_in_name_order(&files, auto);
    }
}

/// An id declared twice in the first entities file: the entities, numbered while they were
/// indexed, are added again one by one and numbered again, as in name order.
#[test]
fn an_id_twice_in_the_first_entities_file_loads_as_in_name_order() {
    let entities = "id,name\ne1,One\ne2,Two\ne1,One again\ne3,Three\ne5,Five\ne6,Six\n";
    let files = [
        ("deals.csv", deals(false, 30)),
        ("entities.csv", entities.as_bytes().to_vec()),
    ];
    folder_loads_as_in_name_order(&files, false);
}

/// Many blocks of a deals file after two entities files (the id cache learns the first
/// beside their index, the second after it): they give what name order gives.
#[test]
fn blocks_after_two_entities_files_load_as_in_name_order() {
    let mut deals = String::from("from,to,kind,amount_usd,date,status,source\n");
    for i in 0..500 {
        let (from, to) = (i % 50, (i * 7 + 1) % 53);
        deals.push_str(&format!(
            "e{from},e{to},chips,{},2024-01-01,completed,s\n",
            i + 1
        ));
    }
    let entities: String = std::iter::once("id,name\n".to_string())
        .chain((0..50).map(|i| format!("e{i},Entity {i}\n")))
        .collect();
    let files = [
        ("a-deals.csv", deals.into_bytes()),
        ("b-entities.csv", entities.into_bytes()),
        (
            "c-entities.csv",
            b"id,name\ne3,Three again\ne51,Fifty-one\n".to_vec(),
        ),
    ];
    folder_loads_as_in_name_order(&files, true);
}
