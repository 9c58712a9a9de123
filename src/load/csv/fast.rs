//! The short way through the plainest deal rows (nearly every row of a big export): a row
//! with no id, label, round, notes, term, valuation, stake or event date, whose words are
//! spelled as dealgraph writes them, becomes its report at once, without the general
//! conversion's intermediate row. Any other row, or a row with a problem, returns `None` and
//! takes the general way ([`Rows::convert_record`]), which says what is wrong; both ways give
//! the same report for the rows this one takes (a unit test below checks them side by side).
//!
//! [`Rows::convert_record`]: super::rows::Rows::convert_record

use std::ops::Range;

use super::rows::{DealColumns, Rows, trim};
use super::symbols::UNKNOWN;
use crate::load::diagnostic::Loc;
use crate::load::fields;
use crate::model::{Amount, DealKind, EntityId, PlainDeal, Qualifier, Status};

/// The columns the short way reads, found once from a deals header; none for an entities
/// file.
#[derive(Clone, Debug)]
pub(super) struct FastColumns {
    columns: DealColumns,
    /// Columns whose cell must be blank (id, label, round, notes, term_years,
    /// valuation_usd, stake_pct, event_date).
    blank: Vec<usize>,
    width: usize,
}

/// A plain deal row, converted: the deal, its source and publisher (cells of the row), and
/// where its `from` and `to` ids are in the block (the text the row is part of).
pub(super) struct PlainRow<'t> {
    pub(super) deal: PlainDeal,
    pub(super) source: Option<&'t str>,
    pub(super) publisher: Option<&'t str>,
    pub(super) from: Range<usize>,
    pub(super) to: Range<usize>,
}

impl FastColumns {
    /// The short way for a deals file of `width` columns.
    pub(super) fn new(columns: DealColumns, width: usize) -> FastColumns {
        let c = &columns;
        let blank = [
            c.id,
            c.label,
            c.round,
            c.notes,
            c.term_years,
            c.valuation_usd,
            c.stake_pct,
            c.event_date,
        ]
        .into_iter()
        .flatten()
        .collect();
        FastColumns {
            columns,
            blank,
            width,
        }
    }

    /// The row whose fields are at `fields` in `text` (UTF-8, as the whole block is), if it
    /// is plain; `text` is at byte `at` of its block, where the row's ids are then found.
    pub(super) fn convert<'t>(
        &self,
        rows: &Rows<'_>,
        text: &'t str,
        at: usize,
        fields: &[Range<usize>],
    ) -> Option<PlainRow<'t>> {
        if fields.len() != self.width {
            return None;
        }
        let get = |col: Option<usize>| {
            let value = trim(text.get(fields[col?].clone())?);
            (!value.is_empty()).then_some(value)
        };
        let c = &self.columns;
        if self.blank.iter().any(|&i| get(Some(i)).is_some()) {
            return None;
        }
        let (from, to) = (get(c.from)?, get(c.to)?);
        // Where a cell's text is in the block.
        let place = |cell: &str| {
            let start = at + (cell.as_ptr() as usize - text.as_ptr() as usize);
            start..start + cell.len()
        };
        let kind = DealKind::from_exact(get(c.kind)?)?;
        if kind == DealKind::Other {
            return None; // it needs a label, which a plain row has not
        }
        let status = match get(c.status) {
            Some(s) => Status::from_exact(s)?,
            None => Status::Announced,
        };
        let qualifier = get(c.amount_qualifier).or_else(|| get(c.qualifier));
        let cell = get(c.amount_usd).or_else(|| get(c.amount));
        let amount = amount(cell, qualifier, Loc::File(rows.file))?;
        let date = match get(c.date) {
            Some(d) => Some(fields::plain_date(d, rows.today)?),
            None => None,
        };
        let inferred = match get(c.inferred) {
            Some(v) => inferred(v)?,
            None => false,
        };
        Some(PlainRow {
            deal: PlainDeal {
                kind,
                parties: [EntityId(UNKNOWN); 2],
                inferred,
                date,
                status,
                amount,
            },
            source: get(c.source),
            publisher: get(c.publisher),
            from: place(from),
            to: place(to),
        })
    }
}

/// An amount as [`fields::amount`] reads it, when it reads it without a problem.
/// (`nowhere` stands for the cell in the diagnostics, which are thrown away.)
fn amount(text: Option<&str>, qualifier: Option<&str>, nowhere: Loc) -> Option<Amount> {
    let q = match qualifier {
        Some(q) => Some(Qualifier::from_exact(q)?),
        None => None,
    };
    let amount = match text {
        Some(text) => match fields::whole_dollars(text) {
            // An exact figure, said to be exact or not qualified: as it is.
            Some(amount) if matches!(q, None | Some(Qualifier::Exact)) => return Some(amount),
            Some(amount) => amount,
            None => fields::amount(text, None, nowhere).ok()?,
        },
        None => Amount::UNDISCLOSED,
    };
    match q {
        Some(q) => fields::combine(amount, q, nowhere).ok(),
        None => Some(amount),
    }
}

/// `inferred` as the general way reads it.
fn inferred(v: &str) -> Option<bool> {
    let is = |words: [&str; 3]| words.iter().any(|w| v.eq_ignore_ascii_case(w));
    if is(["true", "yes", "1"]) {
        Some(true)
    } else if is(["false", "no", "0"]) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::super::rows::{DEAL_COLUMNS, Item, Record};
    use super::*;
    use crate::load::Interner;

    /// Cells each column may hold: good values, spellings only the general way accepts,
    /// and bad ones.
    fn pool(column: &str) -> &'static [&'static str] {
        match column {
            "from" | "to" => &["e1", " e2 ", "", "E3", "a-b"],
            "kind" => &["investment", "cloud", "Chips", "other", "loan", "bogus", ""],
            "amount_usd" | "amount" => &["13800000000", "", "0", "$50B", "up to $5B", "1.5e9", "x"],
            "amount_qualifier" | "qualifier" => &[
                "",
                "exact",
                "up_to",
                "estimate",
                "undisclosed",
                "at_least",
                "bad",
            ],
            "date" | "event_date" => &[
                "",
                "2020-05",
                "2019",
                "2021-02-29",
                "2999",
                "2020-13",
                "May",
            ],
            "status" => &["", "completed", "in_talks", "Rumored", "cancelled", "nope"],
            "source" | "publisher" => &["", "src", "a b"],
            "inferred" => &["", "true", "NO", "1", "maybe"],
            "id" => &["", "", "d1"],
            "term_years" => &["", "", "7"],
            _ => &["", "", "x"],
        }
    }

    const HEADERS: &[&[&str]] = &[
        &[
            "from",
            "to",
            "kind",
            "amount_usd",
            "amount_qualifier",
            "date",
            "status",
            "source",
        ],
        DEAL_COLUMNS,
        &[
            "kind",
            "to",
            "from",
            "amount_usd",
            "amount",
            "amount_qualifier",
            "qualifier",
        ],
    ];

    /// Both ways over the same row: where the short way takes it, the general way gives the
    /// same plain deal.
    fn both_ways(header: &[&str], cells: &[&str]) -> bool {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let mut interner = Interner::default();
        let mut rows = Rows {
            columns: DealColumns::new(&header),
            entity_columns: Default::default(),
            header: &header,
            is_entities: false,
            file: 0,
            today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            interner: &mut interner,
        };
        let text = cells.join(",");
        let mut fields = Vec::new();
        let mut at = 0;
        for c in cells {
            fields.push(at..at + c.len());
            at += c.len() + 1;
        }
        let fast = FastColumns::new(rows.columns, header.len());
        let short = fast.convert(&rows, &text, 0, &fields);
        let record = Record {
            text: text.as_bytes(),
            utf8: None,
            fields: &fields,
            line: 2,
            byte: 10,
        };
        let mut names = String::new();
        let general = rows.convert_record(record, &mut names);
        let Some(short) = short else {
            return false;
        };
        let Item::Deal {
            row, has_source, ..
        } = general
        else {
            panic!("the short way took {text:?}, the general way refused it");
        };
        assert!(row.id.is_none() && row.is_plain(), "{text:?}");
        let report = &row.report;
        let deal = short.deal;
        assert_eq!(row.kind, deal.kind, "{text:?}");
        assert_eq!(row.inferred, deal.inferred, "{text:?}");
        assert_eq!(report.date, deal.date, "{text:?}");
        assert_eq!(report.status, deal.status, "{text:?}");
        assert_eq!(report.amount, deal.amount, "{text:?}");
        assert_eq!(&*report.source, short.source.unwrap_or(""), "{text:?}");
        assert_eq!(report.publisher.as_deref(), short.publisher, "{text:?}");
        assert_eq!(has_source, short.source.is_some(), "{text:?}");
        assert_eq!(&names[row.from], &text[short.from], "{text:?}");
        assert_eq!(&names[row.to], &text[short.to], "{text:?}");
        true
    }

    #[test]
    fn the_generated_rows_take_the_short_way() {
        let header = HEADERS[0];
        let row = [
            "e1",
            "e0",
            "chips",
            "13800000000",
            "exact",
            "2020-05",
            "completed",
            "g",
        ];
        assert!(both_ways(header, &row));
        let undisclosed = ["e1", "e0", "loan", "", "", "2020", "", ""];
        assert!(both_ways(header, &undisclosed));
        // A word spelled otherwise, and a row with an id, take the general way.
        let upper = ["e1", "e0", "Chips", "1", "", "", "", ""];
        assert!(!both_ways(header, &upper));
        assert!(!both_ways(
            &["id", "from", "to", "kind"],
            &["d1", "a", "b", "loan"]
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever the cells, the short way agrees with the general one where it answers.
        #[test]
        fn the_short_way_agrees(which in 0..HEADERS.len(), picks in prop::collection::vec(0usize..64, 24)) {
            let header = HEADERS[which];
            let cells: Vec<&str> = header
                .iter()
                .zip(&picks)
                .map(|(h, &k)| pool(h)[k % pool(h).len()])
                .collect();
            both_ways(header, &cells);
        }
    }
}
