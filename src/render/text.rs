//! Plain-language pieces shared by table output and explanations: how a deal, a report and a
//! date read in a sentence. Pieces go out one `write_str` at a time rather than through
//! `write!`, whose machinery was most of the time of `show`, which writes tens of thousands.

use std::fmt::{self, Write};

use crate::graph::DealView;
use crate::model::{Dataset, ReportRef, Status};

/// "up to $50B (in talks, 2026-01)".
pub fn report_summary(report: &ReportRef<'_>) -> String {
    let mut out = String::new();
    let _ = write_report_summary(&mut out, report);
    out
}

fn write_report_summary(out: &mut impl Write, report: &ReportRef<'_>) -> fmt::Result {
    report.amount.write_text(out)?;
    out.write_str(" (")?;
    out.write_str(status_words(report.status))?;
    out.write_str(", ")?;
    write_date(out, report)?;
    out.write_char(')')
}

/// The report's date, or "undated".
pub fn write_date(out: &mut impl Write, report: &ReportRef<'_>) -> fmt::Result {
    match report.date {
        Some(d) => d.write_text(out),
        None => out.write_str("undated"),
    }
}

/// Status as prose: "in talks" rather than "in-talks".
pub fn status_words(status: Status) -> &'static str {
    match status {
        Status::Rumored => "rumored",
        Status::InTalks => "in talks",
        Status::Announced => "announced",
        Status::Completed => "completed",
        Status::Cancelled => "cancelled",
    }
}

/// Who reported it: the publisher, or the source when no publisher is given.
pub fn reporter<'a>(report: &ReportRef<'a>) -> &'a str {
    match &report.publisher {
        Some(p) => p,
        None if report.source.is_empty() => "no source given",
        None => report.source,
    }
}

/// "000_x.txt (Forbes, citing The Wall Street Journal)".
pub fn source_words(report: &ReportRef<'_>) -> String {
    let mut out = String::new();
    let _ = write_source_words(&mut out, report);
    out
}

/// [`source_words`] written to `out`.
pub fn write_source_words(out: &mut impl Write, report: &ReportRef<'_>) -> fmt::Result {
    match &report.publisher {
        Some(p) => {
            out.write_str(report.source)?;
            out.write_str(" (")?;
            out.write_str(p)?;
            out.write_char(')')
        }
        None if report.source.is_empty() => out.write_str("no source given"),
        None => out.write_str(report.source),
    }
}

/// "Amazon invests in OpenAI: up to $50B (in talks, 2026-01)".
pub fn deal_sentence(data: &Dataset, view: &DealView<'_>) -> String {
    let mut out = String::new();
    let _ = write_deal_sentence(&mut out, data, view);
    out
}

/// [`deal_sentence`] written to `out`.
pub fn write_deal_sentence(
    out: &mut impl Write,
    data: &Dataset,
    view: &DealView<'_>,
) -> fmt::Result {
    let d = view.deal;
    let (from, to) = (&data.entity(d.from()).name, &data.entity(d.to()).name);
    write_sentence_between(out, view, [from, to], |out, text| out.write_str(text))
}

/// [`deal_sentence`] written to `out`, given the names of who pays and who is paid.
/// `data_text` writes the parts the data spelled (the names and the label of an `other`
/// deal), so that a caller can escape those and nothing else: the rest is plain ASCII.
pub fn write_sentence_between<W: Write>(
    out: &mut W,
    view: &DealView<'_>,
    [from, to]: [&str; 2],
    data_text: impl Fn(&mut W, &str) -> fmt::Result,
) -> fmt::Result {
    let d = view.deal;
    data_text(out, from)?;
    out.write_char(' ')?;
    out.write_str(d.kind().verb())?;
    out.write_char(' ')?;
    data_text(out, to)?;
    if d.kind() == crate::model::DealKind::Other {
        out.write_str(" for ")?;
        data_text(out, d.kind_label())?;
    }
    out.write_str(": ")?;
    write_report_summary(out, &view.report())?;
    out.write_str(if d.inferred() { " [inferred]" } else { "" })
}
