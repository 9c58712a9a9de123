//! Table cells shared by several results: how one deal, with its standing report and any
//! reports that disagree, reads in a cell of `stakeholders` and `path` tables, and how a total
//! says what evidence it rests on.

use std::fmt::{self, Write as _};

use crate::graph::DealView;
use crate::model::Grade;
use crate::query::totals::ByGrade;
use crate::render::table::Escaped;
use crate::render::text;

/// How one deal reads in a table cell: the standing report first, then the deal id and who
/// reported it, then the other reports' figures so conflicting accounts stay visible.
pub fn deal_cell(view: &DealView<'_>) -> String {
    let mut out = String::new();
    let _ = write_deal_cell(&mut out, view);
    out
}

/// [`deal_cell`] written to `out`.
fn write_deal_cell(out: &mut String, view: &DealView<'_>) -> fmt::Result {
    let deal = view.deal;
    let report = view.report();
    let standing = text::report_summary(&report);
    out.push_str("• ");
    Escaped(out).write_str(deal.kind_label())?;
    if deal.inferred() {
        out.push_str(" (inferred)");
    }
    writeln!(out, ": {standing}")?;
    Escaped(out).write_str(&deal.id())?;
    out.push_str(" · ");
    Escaped(out).write_str(text::reporter(&report))?;
    // Most deals have one report, and nothing else to show.
    if deal.report_count() > 1 {
        let mut others: Vec<String> = Vec::new();
        for (i, r) in deal.reports().enumerate() {
            let s = text::report_summary(&r);
            if i != view.standing as usize && s != standing && !others.contains(&s) {
                others.push(s);
            }
        }
        if !others.is_empty() {
            write!(out, "\nalso reported: {}", others.join("; "))?;
        }
    }
    Ok(())
}

/// The deals of a row, one [`deal_cell`] after another, a line apart.
pub fn deal_cells(views: &[DealView<'_>]) -> String {
    let mut out = String::new();
    for (i, view) in views.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write_deal_cell(&mut out, view);
    }
    out
}

/// How a grade reads before a figure: "confirmed", "in talks", "rumored", "inferred".
pub fn grade_words(grade: Grade) -> &'static str {
    match grade {
        Grade::Confirmed => "confirmed",
        Grade::InTalks => "in talks",
        Grade::Rumored => "rumored",
        Grade::Inferred => "inferred",
    }
}

/// What a total rests on, for a table cell: "all confirmed" (or "all in talks"...) when one
/// grade holds it all, else one line per grade, surest first:
/// "confirmed $22.5B – $62.5B\nin talks $30B". "–" when nothing went in.
pub fn grade_lines(split: &ByGrade) -> String {
    let parts: Vec<_> = split.parts().collect();
    match parts.as_slice() {
        [] => "–".to_string(),
        [(grade, _)] => format!("all {}", grade_words(*grade)),
        _ => {
            let lines: Vec<String> = parts
                .iter()
                .map(|(grade, part)| format!("{} {part}", grade_words(*grade)))
                .collect();
            lines.join("\n")
        }
    }
}

/// A total and what it rests on, for a table cell: the total, then its [`grade_lines`]:
/// "$52.5B – $92.5B\nconfirmed $22.5B – $62.5B\nin talks $30B". "–" when nothing went in.
pub fn graded_total_cell(split: &ByGrade) -> String {
    let total = split.total();
    if total.count == 0 {
        return "–".to_string();
    }
    format!("{total}\n{}", grade_lines(split))
}

/// What a ranked or headline figure rests on, in a few words: "confirmed", "in talks or
/// surer", or "rumored or inferred only" when no deal in it is confirmed or in talks.
pub fn weakest_words(split: &ByGrade) -> Option<&'static str> {
    if split.rests_only_below(Grade::InTalks) {
        Some("rumored or inferred flows only")
    } else if split.rests_only_below(Grade::Confirmed) {
        Some("no confirmed deal")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_amount;

    #[test]
    fn a_graded_cell_names_each_grade_or_says_all() {
        let mut split = ByGrade::new();
        assert_eq!(graded_total_cell(&split), "–");
        split.add(Grade::InTalks, &parse_amount("$50B").unwrap());
        assert_eq!(graded_total_cell(&split), "$50B\nall in talks");
        assert_eq!(weakest_words(&split), Some("no confirmed deal"));
        split.add(Grade::Confirmed, &parse_amount("$22.5B").unwrap());
        assert_eq!(
            graded_total_cell(&split),
            "$72.5B\nconfirmed $22.5B\nin talks $50B"
        );
        assert_eq!(weakest_words(&split), None);
        let mut rumor = ByGrade::new();
        rumor.add(Grade::Inferred, &parse_amount("up to $310B").unwrap());
        assert_eq!(
            weakest_words(&rumor),
            Some("rumored or inferred flows only")
        );
    }
}
