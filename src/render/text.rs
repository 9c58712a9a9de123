//! Plain-language pieces shared by table output and explanations: how a deal, a report and a
//! date read in a sentence.

use std::fmt::Write as _;

use crate::graph::DealView;
use crate::model::{Dataset, DealKind, ReportRef, Status};

/// "up to $50B (in talks, 2026-01)", or "$38B (announced, signed 2025-11, reported 2025-12)"
/// when the report gives an event date.
pub fn report_summary(report: &ReportRef<'_>) -> String {
    let status = status_words(report.status);
    format!("{} ({status}, {})", report.amount, report_date(report))
}

/// The report's date, or "undated"; with an event date, both: "signed 2025-11, reported
/// 2025-12" ("since 2025-10, ..." for talks and rumours, which nothing was signed in).
pub fn report_date(report: &ReportRef<'_>) -> String {
    let published = report
        .date
        .map_or_else(|| "undated".to_string(), |d| d.to_string());
    let Some(event) = report.event_date else {
        return published;
    };
    let verb = match report.status {
        Status::Rumored | Status::InTalks => "since",
        Status::Announced | Status::Completed | Status::Cancelled => "signed",
    };
    match report.date {
        Some(_) => format!("{verb} {event}, reported {published}"),
        None => format!("{verb} {event}"),
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
    match &report.publisher {
        Some(p) => format!("{} ({p})", report.source),
        None => reporter(report).to_string(),
    }
}

/// "Amazon invests in OpenAI: up to $50B (in talks, 2026-01)".
pub fn deal_sentence(data: &Dataset, view: &DealView<'_>) -> String {
    let d = view.deal;
    let (from, to) = (&data.entity(d.from()).name, &data.entity(d.to()).name);
    let mut out = format!("{from} {} {to}", d.kind().verb());
    if d.kind() == DealKind::Other {
        let _ = write!(out, " for {}", d.kind_label());
    }
    let _ = write!(out, ": {}", report_summary(&view.report()));
    if d.inferred() {
        out.push_str(" [inferred]");
    }
    out
}
