//! Plain-language pieces shared by table output and explanations: how a deal, a report and a
//! date read in a sentence.

use crate::graph::DealView;
use crate::model::{Dataset, ReportRef, Status};

/// "up to $50B (in talks, 2026-01)".
pub fn report_summary(report: &ReportRef<'_>) -> String {
    let date = report
        .date
        .map_or_else(|| "undated".to_string(), |d| d.to_string());
    format!(
        "{} ({}, {date})",
        report.amount,
        status_words(report.status)
    )
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
    match &report.publisher {
        Some(p) => format!("{} ({p})", report.source),
        None if report.source.is_empty() => "no source given".to_string(),
        None => report.source.to_string(),
    }
}

/// "Amazon invests in OpenAI: up to $50B (in talks, 2026-01)".
pub fn deal_sentence(data: &Dataset, view: &DealView<'_>) -> String {
    let d = view.deal;
    let (from, to) = (&data.entity(d.from()).name, &data.entity(d.to()).name);
    let relation = match d.kind() {
        crate::model::DealKind::Other => format!("{from} pays {to} for {}", d.kind_label()),
        k => format!("{from} {} {to}", k.verb()),
    };
    format!(
        "{relation}: {}{}",
        report_summary(&view.report),
        if d.inferred() { " [inferred]" } else { "" }
    )
}
