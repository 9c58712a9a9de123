//! The data schema for TOML and JSON: walks a [`Node`] tree into entities and deals, reporting
//! every unknown key, wrong type, missing field and bad value rather than stopping at the first.

use chrono::NaiveDate;

use crate::model::{
    Amount, DealKind, Entity, EntityKind, Fact, FactKind, Qualifier, Report, Status,
};

use super::Interner;
use super::diagnostic::{Diagnostic, FileId, Loc};
use super::fields;
use super::raw::{RawDeal, RawEntity, RawFile, RawRef};
use super::tree::{Key, Node, Value};

const TOP_KEYS: &[&str] = &["entity", "entities", "deal", "deals"];
const ENTITY_KEYS: &[&str] = &["id", "name", "kind", "aliases", "notes", "fact", "facts"];
const FACT_KEYS: &[&str] = &[
    "kind",
    "label",
    "amount",
    "amount_usd",
    "qualifier",
    "period",
    "date",
    "source",
    "publisher",
    "notes",
];
const DEAL_KEYS: &[&str] = &[
    "id",
    "kind",
    "label",
    "from",
    "to",
    "round",
    "term_years",
    "valuation_usd",
    "stake_pct",
    "inferred",
    "notes",
    "report",
    "reports",
];
/// Added to [`DEAL_KEYS`] in a deal as `list deals --format json` writes it: the standing
/// report's fields, derived from `reports` and only checked against them.
const STANDING_KEYS: &[&str] = &["status", "amount_usd", "qualifier", "date", "event_date"];
/// Added to [`ENTITY_KEYS`] in an entity as `list entities --format json` writes it: counts
/// recomputed from the deals, ignored.
const COUNT_KEYS: &[&str] = &["deals_in", "deals_out"];
const REPORT_KEYS: &[&str] = &[
    "source",
    "publisher",
    "date",
    "event_date",
    "status",
    "amount",
    "amount_usd",
    "qualifier",
    "notes",
];

/// Walks one parsed document.
pub struct Walker<'a> {
    pub file: FileId,
    pub today: NaiveDate,
    pub diags: &'a mut Vec<Diagnostic>,
    pub interner: &'a mut Interner,
}

/// A table's entries, checked against the keys its section allows.
struct Fields<'n> {
    entries: &'n [(Key, Node)],
    span: std::ops::Range<usize>,
}

impl<'a> Walker<'a> {
    fn loc(&self, span: &std::ops::Range<usize>) -> Loc {
        Loc::span(self.file, span.clone())
    }

    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Reads a whole document.
    pub fn document(&mut self, root: &Node) -> RawFile {
        if let Value::Array(items) = &root.value {
            return self.listing(root, items);
        }
        let mut out = RawFile::default();
        let Some(fields) = self.fields(root, TOP_KEYS, "a data file") else {
            return out;
        };
        if fields.entries.is_empty() {
            self.error(
                Diagnostic::error(
                    "the file declares no entities and no deals",
                    self.loc(&root.span),
                )
                .with_help("add [[entity]] and [[deal]] tables; see docs/data-format.md"),
            );
        }
        for (key, node) in fields.entries {
            match key.name.as_str() {
                "entity" | "entities" => {
                    for item in self.array_of_tables(node, "entity") {
                        if let Some(e) = self.entity(item, ENTITY_KEYS) {
                            out.entities.push(e);
                        }
                    }
                }
                "deal" | "deals" => {
                    for item in self.array_of_tables(node, "deal") {
                        if let Some(d) = self.deal(item, DEAL_KEYS) {
                            out.deals.push(d);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// A JSON array as `list deals --format json` or `list entities --format json` writes it:
    /// an object with `name` (or `deals_in` / `deals_out`) is an entity, any other a deal.
    fn listing(&mut self, root: &Node, items: &[Node]) -> RawFile {
        let mut out = RawFile::default();
        let deal_keys: Vec<&str> = DEAL_KEYS.iter().chain(STANDING_KEYS).copied().collect();
        let entity_keys: Vec<&str> = ENTITY_KEYS.iter().chain(COUNT_KEYS).copied().collect();
        if items.is_empty() {
            let loc = self.loc(&root.span);
            self.error(
                Diagnostic::error("the file lists no entities and no deals", loc).with_help(
                    "a top-level array holds deal or entity objects, as `dealgraph list deals \
                     --format json` writes them; see docs/data-format.md",
                ),
            );
        }
        let names_an_entity =
            |(k, _): &(Key, Node)| matches!(k.name.as_str(), "name" | "deals_in" | "deals_out");
        for item in items {
            let is_entity = matches!(&item.value,
                Value::Table(entries) if entries.iter().any(names_an_entity));
            if is_entity {
                if let Some(e) = self.entity(item, &entity_keys) {
                    out.entities.push(e);
                }
            } else if let Some(d) = self.deal(item, &deal_keys) {
                out.deals.push(d);
            }
        }
        out
    }

    /// Checks that `node` is a table whose keys are all in `allowed`, with no duplicates.
    fn fields<'n>(&mut self, node: &'n Node, allowed: &[&str], what: &str) -> Option<Fields<'n>> {
        let Value::Table(entries) = &node.value else {
            self.error(
                Diagnostic::error(
                    format!("expected {what} (a table), found {}", node.value.describe()),
                    self.loc(&node.span),
                )
                .with_help("see docs/data-format.md for the layout"),
            );
            return None;
        };
        for (i, (key, _)) in entries.iter().enumerate() {
            if !allowed.contains(&key.name.as_str()) {
                let mut d = Diagnostic::error(
                    format!("unknown field `{}` in {what}", key.name),
                    self.loc(&key.span),
                );
                d = match fields::closest(&key.name, allowed.iter().copied()) {
                    Some(best) => d.with_help(format!("did you mean `{best}`?")),
                    None => d.with_help(format!("valid fields: {}", allowed.join(", "))),
                };
                self.error(d);
            } else if let Some((first, _)) = entries[..i].iter().find(|(k, _)| k.name == key.name) {
                let first_loc = self.loc(&first.span);
                self.error(
                    Diagnostic::error(
                        format!("field `{}` is given twice", key.name),
                        self.loc(&key.span),
                    )
                    .with_related(first_loc, "first given here")
                    .with_help("keep one of them"),
                );
            }
        }
        Some(Fields {
            entries,
            span: node.span.clone(),
        })
    }

    /// The tables of an array of tables (a single table is accepted as a one-element array).
    fn array_of_tables<'n>(&mut self, node: &'n Node, what: &str) -> Vec<&'n Node> {
        match &node.value {
            Value::Array(items) => items.iter().collect(),
            Value::Table(_) => vec![node],
            other => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "expected a list of {what} tables, found {}",
                            other.describe()
                        ),
                        self.loc(&node.span),
                    )
                    .with_help(format!(
                        "in TOML write [[{what}]] sections; in JSON an array of objects"
                    )),
                );
                Vec::new()
            }
        }
    }

    fn required<'n>(&mut self, f: &Fields<'n>, key: &str, what: &str) -> Option<&'n Node> {
        let found = f.get(key);
        if found.is_none()
            && let Some(null) = f.get_or_null(key)
        {
            self.error(
                Diagnostic::error(
                    format!("`{key}` is null, but every {what} needs one"),
                    self.loc(&null.span),
                )
                .with_help(format!(
                    "`{key}` is required; null is only for optional fields"
                )),
            );
        } else if found.is_none() {
            self.error(
                Diagnostic::error(
                    format!("{what} is missing the required field `{key}`"),
                    self.loc(&(f.span.start..f.span.start + 1)),
                )
                .with_help(format!("add `{key} = ...` to this {what}")),
            );
        }
        found
    }

    fn string(&mut self, node: &Node, key: &str) -> Option<String> {
        match &node.value {
            Value::String(s) => Some(s.clone()),
            other => {
                self.error(
                    Diagnostic::error(
                        format!("`{key}` must be a string, found {}", other.describe()),
                        self.loc(&node.span),
                    )
                    .with_help(format!("put the value of `{key}` in double quotes")),
                );
                None
            }
        }
    }

    fn opt_string(&mut self, f: &Fields<'_>, key: &str) -> Option<String> {
        let node = f.get(key)?;
        self.string(node, key)
    }

    /// A string, integer or date value as text (amounts and dates may be written bare).
    fn scalar_text(&mut self, node: &Node, key: &str) -> Option<String> {
        match &node.value {
            Value::String(s) => Some(s.clone()),
            Value::Integer(s) | Value::Float(s) | Value::Datetime(s) => Some(s.clone()),
            other => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "`{key}` must be a string or a number, found {}",
                            other.describe()
                        ),
                        self.loc(&node.span),
                    )
                    .with_help(format!("e.g. {key} = \"up to $50B\"")),
                );
                None
            }
        }
    }

    fn vocab<T: std::str::FromStr<Err = String>>(
        &mut self,
        node: &Node,
        key: &str,
        valid: &[&str],
    ) -> Option<T> {
        let text = self.string(node, key)?;
        match fields::vocabulary::<T>(&text, valid, self.loc(&node.span)) {
            Ok(v) => Some(v),
            Err(d) => {
                self.error(d);
                None
            }
        }
    }

    /// `amount` (text) or `amount_usd` (+ `qualifier`); undisclosed when neither is given.
    fn amount(&mut self, f: &Fields<'_>) -> Option<Amount> {
        let qualifier = match f.get("qualifier") {
            Some(node) => Some((self.string(node, "qualifier")?, self.loc(&node.span))),
            None => None,
        };
        let (node, key) = match (f.get("amount"), f.get("amount_usd")) {
            (Some(a), Some(b)) => {
                self.error(
                    Diagnostic::error(
                        "give either `amount` or `amount_usd`, not both",
                        self.loc(&b.span),
                    )
                    .with_related(self.loc(&a.span), "amount given here"),
                );
                return None;
            }
            (Some(a), None) => (a, "amount"),
            (None, Some(b)) => (b, "amount_usd"),
            (None, None) => {
                return match qualifier {
                    None => Some(Amount::UNDISCLOSED),
                    Some((q, loc)) => self.ok(q
                        .parse::<Qualifier>()
                        .map_err(|e| Diagnostic::error(e, loc))
                        .and_then(|q| fields::combine(Amount::UNDISCLOSED, q, loc))),
                };
            }
        };
        let text = self.scalar_text(node, key)?;
        let loc = self.loc(&node.span);
        let q = qualifier.as_ref().map(|(q, l)| (q.as_str(), *l));
        self.ok(fields::amount(&text, q, loc))
    }

    fn ok<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        result.map_err(|d| self.error(d)).ok()
    }

    fn date(&mut self, node: &Node, key: &str) -> Option<crate::model::PartialDate> {
        let text = self.scalar_text(node, key)?;
        // A TOML datetime with a time part: keep the date.
        let text = text
            .split(['T', ' '])
            .next()
            .unwrap_or_default()
            .to_string();
        let loc = self.loc(&node.span);
        self.ok(fields::date(&text, self.today, loc))
    }

    fn entity(&mut self, node: &Node, allowed: &[&str]) -> Option<RawEntity> {
        let f = self.fields(node, allowed, "an entity")?;
        let id_node = self.required(&f, "id", "entity");
        let name_node = self.required(&f, "name", "entity");
        let kind_node = self.required(&f, "kind", "entity");
        let id = id_node.and_then(|n| self.string(n, "id"));
        let id = match (id, id_node) {
            (Some(id), Some(n)) => {
                self.ok(fields::slug(&id, "entity", self.loc(&n.span)).map(str::to_owned))
            }
            _ => None,
        };
        let name = name_node.and_then(|n| self.string(n, "name"));
        let kind = kind_node.and_then(|n| {
            let valid: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
            self.vocab::<EntityKind>(n, "kind", &valid)
        });
        let aliases = match f.get("aliases") {
            None => Vec::new(),
            Some(n) => self.string_list(n, "aliases"),
        };
        let notes = self.opt_string(&f, "notes");
        let mut facts = Vec::new();
        for key in ["fact", "facts"] {
            if let Some(n) = f.get(key) {
                for item in self.array_of_tables(n, "entity.fact") {
                    if let Some(fact) = self.fact(item) {
                        facts.push(fact);
                    }
                }
            }
        }
        let (id, name, kind) = (id?, name?, kind?);
        if name.trim().is_empty() {
            self.error(Diagnostic::error(
                "entity name is empty",
                self.loc(&name_node?.span),
            ));
            return None;
        }
        Some(RawEntity {
            entity: Entity::new(&id, &name, kind).with_details(aliases, notes, facts),
            id_loc: self.loc(&id_node?.span),
        })
    }

    fn string_list(&mut self, node: &Node, key: &str) -> Vec<String> {
        match &node.value {
            Value::String(s) => s
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            Value::Array(items) => items.iter().filter_map(|n| self.string(n, key)).collect(),
            other => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "`{key}` must be a list of strings, found {}",
                            other.describe()
                        ),
                        self.loc(&node.span),
                    )
                    .with_help(format!("e.g. {key} = [\"AWS\", \"Amazon Web Services\"]")),
                );
                Vec::new()
            }
        }
    }

    fn fact(&mut self, node: &Node) -> Option<Fact> {
        let f = self.fields(node, FACT_KEYS, "a fact")?;
        let kind_node = self.required(&f, "kind", "fact");
        let date_node = self.required(&f, "date", "fact");
        let source_node = self.required(&f, "source", "fact");
        let publisher_node = self.required(&f, "publisher", "fact");
        let kind = kind_node.and_then(|n| {
            let valid: Vec<&str> = FactKind::ALL.iter().map(|k| k.as_str()).collect();
            self.vocab::<FactKind>(n, "kind", &valid)
        });
        let date = date_node.and_then(|n| self.date(n, "date"));
        let source = source_node.and_then(|n| self.string(n, "source"));
        let publisher = publisher_node.and_then(|n| self.string(n, "publisher"));
        let label = self.opt_string(&f, "label");
        let period = match f.get("period") {
            Some(n) => self.scalar_text(n, "period"),
            None => None,
        };
        let notes = self.opt_string(&f, "notes");
        let amount = self.amount(&f);
        let kind = kind?;
        if kind == FactKind::Other && label.is_none() {
            self.error(
                Diagnostic::error(
                    "a fact of kind other needs a `label`",
                    self.loc(&kind_node?.span),
                )
                .with_help("say what the figure is, e.g. label = \"IPO target\""),
            );
            return None;
        }
        Some(Fact {
            kind,
            label,
            amount: amount?,
            period,
            date: date?,
            source: self.interner.intern(&source?),
            publisher: self.interner.intern(&publisher?),
            notes,
        })
    }

    /// A deal table with the keys `allowed`: with [`STANDING_KEYS`] when it is from a `list
    /// deals --format json` array, and then those fields are checked against its reports.
    fn deal(&mut self, node: &Node, allowed: &[&str]) -> Option<RawDeal> {
        let listed = allowed.len() > DEAL_KEYS.len();
        let f = self.fields(node, allowed, "a deal")?;
        let id_node = self.required(&f, "id", "deal");
        let kind_node = self.required(&f, "kind", "deal");
        let from_node = self.required(&f, "from", "deal");
        let to_node = self.required(&f, "to", "deal");
        let id = match id_node {
            Some(n) => {
                let loc = self.loc(&n.span);
                self.string(n, "id")
                    .and_then(|s| self.ok(fields::slug(&s, "deal", loc).map(str::to_owned)))
                    .map(|s| (s, loc))
            }
            None => None,
        };
        let kind = kind_node.and_then(|n| {
            let valid: Vec<&str> = DealKind::ALL.iter().map(|k| k.as_str()).collect();
            self.vocab::<DealKind>(n, "kind", &valid)
        });
        let from = from_node.and_then(|n| self.reference(n, "from"));
        let to = to_node.and_then(|n| self.reference(n, "to"));
        let label = self.opt_string(&f, "label");
        let round = self.opt_string(&f, "round");
        let notes = self.opt_string(&f, "notes");
        let term_years = f.get("term_years").and_then(|n| self.term_years(n));
        let valuation = match f.get("valuation_usd") {
            Some(n) => {
                let text = self.scalar_text(n, "valuation_usd");
                let loc = self.loc(&n.span);
                text.and_then(|t| self.ok(fields::amount(&t, None, loc)))
            }
            None => None,
        };
        let stake_pct = match f.get("stake_pct") {
            Some(n) => {
                let text = self.scalar_text(n, "stake_pct");
                let loc = self.loc(&n.span);
                text.and_then(|t| self.ok(fields::stake_pct(&t, loc)))
            }
            None => None,
        };
        let inferred = match f.get("inferred") {
            None => false,
            Some(Node {
                value: Value::Bool(b),
                ..
            }) => *b,
            Some(n) => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "`inferred` must be true or false, found {}",
                            n.value.describe()
                        ),
                        self.loc(&n.span),
                    )
                    .with_help("write inferred = true (no quotes)"),
                );
                false
            }
        };
        let mut reports = Vec::new();
        let mut had_report_key = false;
        for key in ["report", "reports"] {
            if let Some(n) = f.get(key) {
                had_report_key = true;
                for item in self.array_of_tables(n, "deal.report") {
                    if let Some(r) = self.report(item) {
                        reports.push(r);
                    }
                }
            }
        }
        if !had_report_key {
            self.error(
                Diagnostic::error(
                    "deal has no reports",
                    self.loc(&(f.span.start..f.span.start + 1)),
                )
                .with_help("add at least one [[deal.report]] with source, date, status and amount"),
            );
            return None;
        }
        let kind = kind?;
        if kind == DealKind::Other && label.is_none() {
            self.error(
                Diagnostic::error(
                    "a deal of kind other needs a `label`",
                    self.loc(&kind_node?.span),
                )
                .with_help("say what the money pays for, e.g. label = \"model access\""),
            );
            return None;
        }
        if reports.is_empty() {
            return None;
        }
        if listed && !self.standing_is_a_report(&f, &reports) {
            return None;
        }
        Some(RawDeal {
            id: Some(id?),
            kind,
            label,
            from: from?,
            to: to?,
            round,
            term_years,
            valuation,
            stake_pct,
            inferred,
            notes,
            reports,
            loc: self.loc(&(f.span.start..f.span.start + 1)),
        })
    }

    /// In a listed deal, the standing report's fields (`status`, `amount_usd` + `qualifier`,
    /// `date`, `event_date`) must be those of one of its reports: they are derived, so an edit
    /// there instead of in `reports` is an error, never silently dropped. Fields left out are
    /// not compared, except `event_date`, which the listing leaves out when there is none.
    fn standing_is_a_report(&mut self, f: &Fields<'_>, reports: &[Report]) -> bool {
        let first = f
            .entries
            .iter()
            .find(|(k, _)| STANDING_KEYS.contains(&k.name.as_str()));
        let Some((first, _)) = first else {
            return true;
        };
        let status = match f.get("status") {
            Some(n) => {
                let valid: Vec<&str> = Status::ALL.iter().map(|k| k.as_str()).collect();
                let Some(status) = self.vocab::<Status>(n, "status", &valid) else {
                    return false;
                };
                Some(status)
            }
            None => None,
        };
        let amount = if f.get_or_null("amount_usd").is_some() || f.get("qualifier").is_some() {
            let Some(amount) = self.amount(f) else {
                return false;
            };
            Some(amount)
        } else {
            None
        };
        let mut dates = [None, None];
        for (slot, key) in dates.iter_mut().zip(["date", "event_date"]) {
            *slot = match f.get(key) {
                Some(n) => match self.date(n, key) {
                    Some(d) => Some(Some(d)),
                    None => return false,
                },
                None if key == "event_date" || f.get_or_null(key).is_some() => Some(None),
                None => None,
            };
        }
        let [date, event_date] = dates;
        let matches = reports.iter().any(|r| {
            status.is_none_or(|s| s == r.status)
                && amount.is_none_or(|a| a == r.amount)
                && date.is_none_or(|d| d == r.date)
                && event_date.is_none_or(|d| d == r.event_date)
        });
        if !matches {
            self.error(
                Diagnostic::error(
                    "this deal's `status`, `amount_usd`, `qualifier`, `date` and `event_date` \
                     match none of its reports",
                    self.loc(&first.span),
                )
                .with_help(
                    "in `list deals --format json` output these fields only repeat the standing \
                     report; edit the report in `reports` (or delete these fields)",
                ),
            );
        }
        matches
    }

    fn reference(&mut self, node: &Node, key: &str) -> Option<RawRef> {
        let id = self.string(node, key)?;
        Some(RawRef {
            id,
            loc: self.loc(&node.span),
        })
    }

    fn term_years(&mut self, node: &Node) -> Option<u32> {
        let parsed = match &node.value {
            Value::Integer(s) => s.parse::<u32>().ok().filter(|&y| (1..=100).contains(&y)),
            _ => None,
        };
        if parsed.is_none() {
            self.error(
                Diagnostic::error(
                    format!(
                        "`term_years` must be a whole number of years from 1 to 100, found {}",
                        node.value.describe()
                    ),
                    self.loc(&node.span),
                )
                .with_help("e.g. term_years = 7"),
            );
        }
        parsed
    }

    fn report(&mut self, node: &Node) -> Option<Report> {
        let f = self.fields(node, REPORT_KEYS, "a report")?;
        let source = self.opt_string(&f, "source");
        let publisher = self.opt_string(&f, "publisher");
        // Read every field before giving up, so each problem is reported.
        let date = f.get("date").map(|n| self.date(n, "date"));
        let event_date = f.get("event_date").map(|n| self.date(n, "event_date"));
        let status = match f.get("status") {
            Some(n) => {
                let valid: Vec<&str> = Status::ALL.iter().map(|k| k.as_str()).collect();
                self.vocab::<Status>(n, "status", &valid)
            }
            None => Some(Status::Announced),
        };
        let notes = self.opt_string(&f, "notes");
        let amount = self.amount(&f);
        let (date, event_date) = match (date, event_date) {
            (Some(None), _) | (_, Some(None)) => return None,
            (date, event_date) => (date.flatten(), event_date.flatten()),
        };
        let (status, amount) = (status?, amount?);
        if source.is_none() {
            let loc = self.loc(&(f.span.start..f.span.start + 1));
            self.diags.push(
                Diagnostic::warning("report has no source", loc)
                    .with_help("add source = \"<article file or URL>\" so readers can check it"),
            );
        }
        Some(Report {
            source: self.interner.intern(source.as_deref().unwrap_or("")),
            publisher: publisher.map(|p| self.interner.intern(&p)),
            date,
            event_date,
            status,
            amount,
            notes: notes.map(Into::into),
        })
    }
}

impl<'n> Fields<'n> {
    /// The value of `key`; a JSON `null` counts as absent (every optional field takes one).
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.get_or_null(key).filter(|n| n.value != Value::Null)
    }

    /// The value of `key`, `null` included.
    fn get_or_null(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, n)| n)
    }
}
