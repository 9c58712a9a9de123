//! Writing candidates as a draft data file (TOML with the evidence in comments and `notes`,
//! or JSON) that `dealgraph validate --auto-entities` accepts as is.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::Candidate;

/// A unique deal id per placed candidate: `from-to-kind`, then `-2`, `-3`, …
fn ids(candidates: &[Candidate]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    candidates
        .iter()
        .map(|c| {
            let base = format!(
                "{}-{}-{}",
                c.from.as_deref().unwrap_or("unknown"),
                c.to.as_deref().unwrap_or("unknown"),
                c.kind
            );
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base}-{n}") }
        })
        .collect()
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn evidence(c: &Candidate) -> String {
    let cues: Vec<String> = c
        .cues
        .iter()
        .map(|(f, cue)| format!("{f} ← \"{cue}\""))
        .collect();
    format!(
        "{}:{}:{} [{}] {}",
        c.file,
        c.line,
        c.col,
        c.confidence,
        cues.join("; ")
    )
}

/// The draft as TOML: placed candidates as `[[deal]]`, the others commented out with the reason.
pub fn to_toml(candidates: &[Candidate]) -> String {
    let mut out = String::from(
        "# DRAFT written by `dealgraph extract`: every deal below is a guess to review.\n\
         # Evidence: file:line:col [confidence] and the cue behind each field.\n\
         # Check with: dealgraph validate --data THIS_FILE --auto-entities\n",
    );
    let mut new: Vec<&(String, String)> = candidates
        .iter()
        .filter(|c| c.reason.is_none())
        .flat_map(|c| &c.new_entities)
        .collect();
    new.sort();
    new.dedup_by(|a, b| a.0 == b.0);
    if !new.is_empty() {
        out.push_str("#\n# New entities proposed (not in the loaded data), declare or map them:\n");
        for (id, name) in new {
            let _ = writeln!(out, "#   {id} = {name:?}");
        }
    }
    for (c, id) in candidates.iter().zip(ids(candidates)) {
        let mut deal = String::new();
        let _ = writeln!(deal, "\n# {}", evidence(c));
        let _ = writeln!(deal, "# \"{}\"", c.sentence.replace('\n', " "));
        let comment = c.reason.is_some();
        if let Some(r) = &c.reason {
            let _ = writeln!(
                deal,
                "# NOT PLACED: {r}; fill in from/to and uncomment to keep it."
            );
        }
        let mut body = String::new();
        let _ = writeln!(body, "[[deal]]\nid = {}\nkind = {}", q(&id), q(&c.kind));
        let _ = writeln!(
            body,
            "from = {}\nto = {}",
            q(c.from.as_deref().unwrap_or("?")),
            q(c.to.as_deref().unwrap_or("?"))
        );
        let _ = writeln!(
            body,
            "notes = {}",
            q(&format!("DRAFT ({} confidence)", c.confidence))
        );
        let _ = writeln!(body, "\n[[deal.report]]\nsource = {}", q(&c.file));
        if let Some(d) = &c.date {
            let _ = writeln!(body, "date = {}", q(d));
        }
        let _ = writeln!(body, "status = {}", q(&c.status));
        if let Some(a) = &c.amount {
            let _ = writeln!(body, "amount = {}", q(a));
        }
        let _ = writeln!(body, "notes = {}", q(&report_notes(c)));
        deal.push_str(&body);
        if comment {
            deal = deal
                .lines()
                .map(|l| {
                    if l.starts_with('#') || l.is_empty() {
                        format!("{l}\n")
                    } else {
                        format!("# {l}\n")
                    }
                })
                .collect();
        }
        out.push_str(&deal);
    }
    out
}

fn report_notes(c: &Candidate) -> String {
    let mut n = format!("Evidence {}: \"{}\"", evidence(c), c.sentence);
    if let Some(u) = &c.url {
        let _ = write!(n, " URL: {u}");
    }
    if let Some(a) = &c.amount_note {
        let _ = write!(n, " Amount: {a}");
    }
    n
}

#[derive(Serialize)]
struct JsonDraft<'a> {
    deals: Vec<JsonDeal<'a>>,
}

#[derive(Serialize)]
struct JsonDeal<'a> {
    id: String,
    kind: &'a str,
    from: &'a str,
    to: &'a str,
    notes: String,
    reports: [JsonReport<'a>; 1],
}

#[derive(Serialize)]
struct JsonReport<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<&'a str>,
    notes: String,
}

/// The draft as a JSON value: placed candidates only (JSON has no comments to keep the rest).
pub fn to_json_value(candidates: &[Candidate]) -> impl Serialize + '_ {
    let mut draft = JsonDraft { deals: Vec::new() };
    for (c, id) in candidates.iter().zip(ids(candidates)) {
        let deal = JsonDeal {
            id,
            kind: &c.kind,
            from: c.from.as_deref().unwrap_or("?"),
            to: c.to.as_deref().unwrap_or("?"),
            notes: match &c.reason {
                Some(r) => format!("NOT PLACED: {r}"),
                None => format!("DRAFT ({} confidence)", c.confidence),
            },
            reports: [JsonReport {
                source: &c.file,
                date: c.date.as_deref(),
                status: &c.status,
                amount: c.amount.as_deref(),
                notes: report_notes(c),
            }],
        };
        if c.reason.is_none() {
            draft.deals.push(deal);
        }
    }
    draft
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unplaced_candidates_are_commented_out() {
        let c = Candidate {
            from: Some("a".into()),
            kind: "cloud".into(),
            status: "announced".into(),
            reason: Some("no second party".into()),
            confidence: "low",
            ..Candidate::default()
        };
        let toml = to_toml(&[c]);
        assert!(toml.contains("# NOT PLACED: no second party"));
        assert!(!toml.lines().any(|l| l.starts_with("[[deal]]")));
    }
}
