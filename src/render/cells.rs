//! Table cells shared by several results: how one deal, with its standing report and any
//! reports that disagree, reads in a cell of `stakeholders` and `path` tables.

use std::fmt::{self, Write as _};

use crate::graph::DealView;
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
