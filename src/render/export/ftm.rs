//! FollowTheMoney entities as JSON lines, for Aleph and OpenSanctions: entities as `Company`,
//! `Organization`, `PublicBody` or `Person`; investments in a company as `Ownership`, loans
//! as `Debt`, every other flow (cloud, chips, revenue, investments in a non-company) as
//! `Payment`. One compact serde_json line per entity (its escaping is the one escape).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::graph::{DealView, MoneyGraph};
use crate::model::{DealKind, Entity, EntityKind, ReportRef};
use crate::render::style;

use super::{end_date, first_date, nodes};

/// One FtM entity: `{"id", "schema", "properties": {name: [values]}}`.
#[derive(Serialize)]
struct FtmEntity {
    id: String,
    schema: &'static str,
    properties: BTreeMap<&'static str, Vec<String>>,
}

impl FtmEntity {
    fn new(id: String, schema: &'static str) -> FtmEntity {
        FtmEntity {
            id,
            schema,
            properties: BTreeMap::new(),
        }
    }

    fn add(&mut self, property: &'static str, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.properties.entry(property).or_default().push(value);
        }
    }
}

/// The FtM id of an entity and of a deal (prefixed so the two never collide).
pub fn entity_ftm_id(id: &str) -> String {
    format!("dg-entity-{id}")
}

pub fn deal_ftm_id(id: &str) -> String {
    format!("dg-deal-{id}")
}

/// The FtM schema of an entity kind. Funds are companies (and so can be owned).
pub fn entity_schema(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Company | EntityKind::Fund => "Company",
        EntityKind::Consortium => "Organization",
        EntityKind::SovereignFund | EntityKind::Government => "PublicBody",
        EntityKind::Person => "Person",
    }
}

/// The FtM schema of a deal and its two ends' properties (payer's first).
pub fn deal_schema(kind: DealKind, payee: EntityKind) -> (&'static str, [&'static str; 2]) {
    match kind {
        // An `Ownership`'s asset must be an asset: a company.
        DealKind::Investment if entity_schema(payee) == "Company" => {
            ("Ownership", ["owner", "asset"])
        }
        DealKind::Loan => ("Debt", ["creditor", "debtor"]),
        _ => ("Payment", ["payer", "beneficiary"]),
    }
}

/// Every node and deal of `graph` as FtM JSON lines.
pub fn to_ftm(graph: &MoneyGraph<'_>) -> Vec<u8> {
    let data = graph.dataset();
    let mut out = Vec::with_capacity(300 * (data.entities().len() + graph.deal_count()));
    for (_, entity) in nodes(graph) {
        line(&mut out, &entity_entity(entity));
    }
    for view in graph.deals() {
        let (from, to) = (data.entity(view.deal.from()), data.entity(view.deal.to()));
        line(&mut out, &deal_entity(&view, from, to));
    }
    out
}

fn line(out: &mut Vec<u8>, entity: &FtmEntity) {
    // Maps with string keys always serialize.
    let _ = serde_json::to_writer(&mut *out, entity);
    out.push(b'\n');
}

fn entity_entity(e: &Entity) -> FtmEntity {
    let mut ftm = FtmEntity::new(entity_ftm_id(&e.id), entity_schema(e.kind));
    ftm.add("name", e.name.as_str());
    for alias in e.aliases() {
        ftm.add("alias", alias.as_str());
    }
    if let Some(notes) = e.notes() {
        ftm.add("notes", notes);
    }
    ftm
}

fn deal_entity(view: &DealView<'_>, from: &Entity, to: &Entity) -> FtmEntity {
    let deal = view.deal;
    let report = view.report();
    let (schema, [payer, payee]) = deal_schema(deal.kind(), to.kind);
    let mut ftm = FtmEntity::new(deal_ftm_id(deal.id().as_str()), schema);
    ftm.add(payer, entity_ftm_id(&from.id));
    ftm.add(payee, entity_ftm_id(&to.id));
    ftm.add("recordId", deal.id().as_str());
    ftm.add("summary", style::deal_label(deal, &report));
    if let Some(value) = report.amount.value {
        let dollars = value.to_json_number().to_string();
        if schema == "Ownership" {
            ftm.add("sharesValue", dollars);
            ftm.add("sharesCurrency", "USD");
        } else {
            ftm.add("amount", dollars.clone());
            ftm.add("amountUsd", dollars);
            ftm.add("currency", "USD");
        }
    }
    if schema == "Ownership" {
        ftm.add("status", report.status.as_str());
        ftm.add("ownershipType", "investment");
        if let Some(pct) = deal.stake_pct() {
            ftm.add("percentage", pct.to_string());
        }
    } else if schema == "Payment" {
        ftm.add("purpose", deal.kind_label());
    }
    if let Some(date) = report.date {
        ftm.add("date", date.to_string());
    }
    if let Some(date) = first_date(view) {
        ftm.add("startDate", date.to_string());
    }
    if let Some(date) = end_date(view) {
        ftm.add("endDate", date.to_string());
    }
    if let Some(notes) = deal.notes() {
        ftm.add("description", notes);
    }
    for r in deal.reports() {
        ftm.add("description", report_line(&r));
        if r.source.starts_with("http://") || r.source.starts_with("https://") {
            ftm.add("sourceUrl", r.source);
        }
        if let Some(publisher) = r.publisher {
            ftm.add("publisher", publisher);
        }
    }
    dedup(&mut ftm);
    ftm
}

/// One report in words: "report 2025-12 · in-talks · at least $10B · CNBC · 004.txt · notes".
fn report_line(r: &ReportRef<'_>) -> String {
    let date = r.date.map_or("undated".to_owned(), |d| d.to_string());
    let mut parts = vec![
        date,
        r.status.as_str().to_owned(),
        r.amount.to_string(),
        r.source.to_owned(),
    ];
    parts.extend(r.publisher.map(str::to_owned));
    parts.extend(r.notes.map(str::to_owned));
    format!("report {}", parts.join(" · "))
}

/// FtM values are sets: keep each value once, in first-seen order.
fn dedup(ftm: &mut FtmEntity) {
    for values in ftm.properties.values_mut() {
        let mut seen = std::collections::HashSet::new();
        values.retain(|v| seen.insert(v.clone()));
    }
}
