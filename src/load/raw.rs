//! Entities and deals as read from one file, before entity references are resolved across
//! all files. Each keeps the locations its later checks point at.

use crate::model::{Amount, DealKind, Entity, Report};

use super::diagnostic::Loc;

#[derive(Debug)]
pub struct RawEntity {
    pub entity: Entity,
    pub id_loc: Loc,
}

/// A reference to an entity by id, with where it was written.
#[derive(Debug, Clone)]
pub struct RawRef {
    pub id: String,
    pub loc: Loc,
}

#[derive(Debug)]
pub struct RawDeal {
    /// `None` for CSV rows without an id: one is made up from the row.
    pub id: Option<(String, Loc)>,
    pub kind: DealKind,
    pub label: Option<String>,
    pub from: RawRef,
    pub to: RawRef,
    pub round: Option<String>,
    pub term_years: Option<u32>,
    pub valuation: Option<Amount>,
    pub stake_pct: Option<f64>,
    pub inferred: bool,
    pub notes: Option<String>,
    pub reports: Vec<Report>,
    /// Where the deal starts (its table, or its first CSV row).
    pub loc: Loc,
}

/// What one file contributed.
#[derive(Debug, Default)]
pub struct RawFile {
    pub entities: Vec<RawEntity>,
    pub deals: Vec<RawDeal>,
}
