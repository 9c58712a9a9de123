//! `extract`: reads news articles (plain text or HTML) and drafts deal records in the project's
//! own data format, each with its evidence (sentence, `file:line:col`, confidence and the cue
//! behind every field). Rule-based and offline; the cues live in `cues.toml`.

pub mod amounts;
pub mod cues;
pub mod direction;
pub mod draft;
pub mod parties;
pub mod sentences;

use cues::Cues;
use parties::Lexicon;

/// An article as plain text, with the name it is reported under.
#[derive(Clone, Debug)]
pub struct Article {
    pub file: String,
    pub text: String,
}

impl Article {
    /// The article in `raw`, read as HTML when the name ends in `.html`/`.htm` or the text
    /// starts with a tag.
    pub fn new(file: &str, raw: &str) -> Article {
        let lower = file.to_ascii_lowercase();
        let html = lower.ends_with(".html")
            || lower.ends_with(".htm")
            || raw.trim_start().starts_with('<');
        let text = if html {
            sentences::html_to_text(raw)
        } else {
            raw.to_string()
        };
        Article {
            file: file.to_string(),
            text,
        }
    }
}

/// One candidate deal and why the rules think so.
#[derive(Clone, Debug, Default)]
pub struct Candidate {
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: String,
    /// In the data format's words ("up to $50B").
    pub amount: Option<String>,
    /// The amount as written, when it is not in dollars or has no figure.
    pub amount_note: Option<String>,
    pub status: String,
    pub date: Option<String>,
    pub file: String,
    pub url: Option<String>,
    pub sentence: String,
    pub line: usize,
    pub col: usize,
    /// high, medium or low.
    pub confidence: &'static str,
    /// Field → the cue that set it.
    pub cues: Vec<(&'static str, String)>,
    /// Parties not in the loaded data: (id, name as written).
    pub new_entities: Vec<(String, String)>,
    /// Further payers listed with `from` in the same sentence: (id, name as written, new).
    pub also_from: Vec<(String, String, bool)>,
    /// Why the candidate is not placed fully; such candidates are drafted commented out.
    pub reason: Option<String>,
}

/// Every candidate deal in `articles`, in article and sentence order.
pub fn extract(articles: &[Article], lexicon: &Lexicon, cues: &Cues) -> Vec<Candidate> {
    let mut out = Vec::new();
    for article in articles {
        let url = find_url(&article.text);
        let article_date = find_date(&article.text);
        for s in sentences::split(&article.text) {
            let mut found: Vec<Candidate> = Vec::new();
            let whole = Whole {
                text: &s.text,
                lower: s.text.to_ascii_lowercase(),
                parties: std::cell::OnceCell::new(),
            };
            // The whole sentence, then each clause ("…, and B signed …") for further deals.
            for range in clauses(&s.text) {
                let offset = range.start;
                let Some(mut c) = read_sentence(&whole, range, lexicon, cues, article_date) else {
                    continue;
                };
                let same = |o: &Candidate| (&o.from, &o.to, &o.kind) == (&c.from, &c.to, &c.kind);
                if found
                    .iter()
                    .any(|o| same(o) || o.reason.is_none() && c.reason.is_some())
                {
                    continue;
                }
                c.file = article.file.clone();
                c.url = url.clone();
                c.line = s.line;
                c.col = s.col + s.text[..offset].chars().count();
                let listed = std::mem::take(&mut c.also_from);
                if !listed.is_empty() && c.amount.is_some() && !shared_each(&c.sentence) {
                    // One figure for several listed payers is no payer's own amount.
                    let written = c.cues.iter().find(|(f, _)| *f == "amount");
                    c.amount_note = Some(format!(
                        "{} shared by the {} payers listed together; each one's share is not stated",
                        written.map_or("", |(_, w)| w.as_str()),
                        listed.len() + 1
                    ));
                    c.amount = None;
                }
                for (id, written, new) in listed {
                    let mut other = c.clone();
                    other.from = Some(id.clone());
                    other
                        .new_entities
                        .retain(|(i, _)| Some(i) != c.from.as_ref());
                    if new {
                        other.new_entities.push((id, written));
                    }
                    other
                        .cues
                        .push(("from", "listed with the first payer".into()));
                    found.push(other);
                }
                found.push(c);
            }
            out.extend(found);
        }
    }
    out
}

/// Whether the sentence gives each listed payer the figure ("each", "apiece").
fn shared_each(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    ["each", "apiece"]
        .iter()
        .any(|w| cues::word_positions(&lower, w).next().is_some())
}

/// Verbs that start a second clause after a bare " and ": "A invested in B and provides …".
const AND_VERBS: &[&str] = &[
    "provides", "supplies", "sells", "signed", "agreed", "plans", "will", "is", "has", "buys",
    "invested", "invests", "lends", "lent",
];

/// The sentence itself, then its clauses when it has several, as byte ranges.
fn clauses(sentence: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    out.push(0..sentence.len());
    let mut start = 0;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for sep in ["; ", ", and ", ", while ", ", but "] {
        cuts.extend(sentence.match_indices(sep).map(|(at, m)| (at, m.len())));
    }
    for (at, m) in sentence.match_indices(" and ") {
        let next = sentence[at + m.len()..].split_whitespace().next();
        if next.is_some_and(|w| AND_VERBS.contains(&w)) && !cuts.iter().any(|(c, _)| c + 1 == at) {
            cuts.push((at, m.len()));
        }
    }
    cuts.sort_unstable();
    if cuts.is_empty() {
        return out;
    }
    for (at, len) in cuts {
        if at > start {
            out.push(start..at);
        }
        start = (at + len).max(start);
    }
    out.push(start..sentence.len());
    out
}

/// A sentence, lowercased (ASCII only, so byte offsets are shared) and its parties, found once
/// for all its clauses.
struct Whole<'a> {
    text: &'a str,
    lower: String,
    parties: std::cell::OnceCell<Vec<parties::Party>>,
}

/// The candidate in the clause `range` of the sentence `whole`: it needs a kind cue and two parties or
/// a figure. Parties and direction patterns may reach back before the clause (its subject).
fn read_sentence(
    whole: &Whole,
    range: std::ops::Range<usize>,
    lexicon: &Lexicon,
    cues: &Cues,
    article_date: Option<(i32, u32)>,
) -> Option<Candidate> {
    let text = &whole.text[range.clone()];
    // ASCII lowercasing keeps byte offsets shared with `text` (the cues are ASCII).
    let lower = &whole.lower[range.clone()];
    let mut kinds = cues.kinds(lower);
    let money: Vec<_> = amounts::find(text, cues)
        .into_iter()
        .filter(|m| !is_valuation(lower, m.end, m.start))
        .collect();
    // No kind cue: only a figure moved by an investing structure ("A put $X into B") counts.
    if kinds.is_empty() && money.is_empty() {
        return None;
    }
    let all_parties = whole.parties.get_or_init(|| lexicon.find(whole.text));
    let parties: Vec<_> = all_parties
        .iter()
        .filter(|p| range.contains(&p.start))
        .map(|p| parties::Party {
            start: p.start - range.start,
            end: p.end - range.start,
            ..p.clone()
        })
        .collect();
    let dir = direction::read(&whole.lower, all_parties, range.clone());
    if kinds.is_empty() {
        let implied = dir.as_ref().and_then(|d| direction::implied_kind(d.cue));
        kinds.push(cues::Hit {
            value: implied?,
            cue: format!("implied by \"{}\"", dir.as_ref()?.cue).into(),
            at: 0,
        });
    }
    // The kind cue nearest the figure, else nearest the word that set the direction.
    let anchor = money
        .first()
        .map(|m| m.start)
        .or_else(|| dir.as_ref().map(|d| d.at.saturating_sub(range.start)))
        .unwrap_or(0);
    let kind = kinds
        .iter()
        .min_by_key(|h| h.at.abs_diff(anchor))
        .expect("not empty");
    let dir = dir.or_else(|| known_seller(kind.value, &parties, lexicon));
    if parties.is_empty() || money.is_empty() && dir.is_none() {
        return None;
    }
    let mut c = Candidate {
        sentence: text.to_string(),
        ..Candidate::default()
    };
    c.kind = kind.value.to_string();
    c.cues.push(("kind", kind.cue.to_string()));
    if let Some(m) = money.first() {
        c.amount = m.amount.clone();
        c.cues.push(("amount", m.written.clone()));
        // "an A-led round that raised $X": X is the round; the leader's share is at most X.
        let led = lower.contains("-led ") || cues::word_positions(lower, "led by").next().is_some();
        let round_total = ["raised", "raising", "round of", "totaling", "totalling"]
            .iter()
            .any(|w| lower[..m.start].trim_end().ends_with(w));
        if led && round_total && m.qualifier_cue.is_none() && dir.is_some() {
            c.amount = m.amount.as_ref().map(|a| format!("up to {a}"));
            c.cues.push((
                "qualifier",
                "a round the payer led: its share is at most the round".into(),
            ));
        }
        if let Some(cur) = m.currency {
            c.amount_note = Some(format!("{} in {cur}, not converted: review", m.written));
        }
    }
    // "in May" is a month, not a hedge.
    let mut hedges = lower.to_string();
    if lower.contains(" may") {
        for lead in ["in may", "last may", "since may", "this may", "of may"] {
            hedges = hedges.replace(lead, &" ".repeat(lead.len()));
        }
    }
    match cues.status(&hedges) {
        Some(h) => {
            c.status = h.value.to_string();
            c.cues.push(("status", h.cue.into_owned()));
        }
        None => c.status = "announced".into(),
    }
    c.date =
        sentence_month(lower, article_date).or(article_date.map(|(y, m)| format!("{y}-{m:02}")));
    let mut score = 0;
    match dir {
        Some(d) => {
            c.cues.push(("direction", d.cue.to_string()));
            for p in [&d.from, &d.to] {
                if p.new {
                    c.new_entities.push((p.id.clone(), p.written.clone()));
                } else {
                    score += 1;
                }
            }
            c.also_from = (d.more_from.iter())
                .map(|p| (p.id.clone(), p.written.clone(), p.new))
                .collect();
            c.from = Some(d.from.id);
            c.to = Some(d.to.id);
            score += 1;
        }
        None => {
            let distinct: std::collections::BTreeSet<_> =
                parties.iter().map(|p| p.id.as_str()).collect();
            c.reason = Some(if distinct.len() < 2 {
                "no second party".into()
            } else {
                "direction unclear".into()
            });
            c.from = parties.first().map(|p| p.id.clone());
            c.to = parties
                .iter()
                .find(|p| Some(&p.id) != c.from.as_ref())
                .map(|p| p.id.clone());
        }
    }
    if c.amount.is_some() {
        score += 1;
    }
    c.confidence = match score {
        4.. => "high",
        3 => "medium",
        _ => "low",
    };
    Some(c)
}

/// "A and B signed a cloud deal": when exactly two parties are named and the company list or
/// the loaded data shows exactly one of them being paid for this kind of deal, the other pays it.
/// Both must be known entities.
fn known_seller(
    kind: &str,
    parties: &[parties::Party],
    lexicon: &Lexicon,
) -> Option<direction::Direction> {
    if parties.iter().any(|p| p.new) {
        return None;
    }
    let mut distinct: Vec<&parties::Party> = Vec::new();
    for p in parties {
        if !distinct.iter().any(|q| q.id == p.id) {
            distinct.push(p);
        }
    }
    let [a, b] = distinct[..] else { return None };
    let (from, to) = match (lexicon.sells(&a.id, kind), lexicon.sells(&b.id, kind)) {
        (false, true) => (a, b),
        (true, false) => (b, a),
        _ => return None,
    };
    Some(direction::Direction {
        from: from.clone(),
        to: to.clone(),
        cue: "B sells this kind (company list or loaded data)",
        at: 0,
        more_from: Vec::new(),
    })
}

/// Whether the amount at `start..end` is a valuation rather than a payment.
fn is_valuation(lower: &str, end: usize, start: usize) -> bool {
    let after: String = lower[end..]
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let before = lower[..start].trim_end();
    // "values B at $X", "valuing B at $X"
    let values_at = before.ends_with(" at")
        && ["values", "valued", "valuing", "value"]
            .iter()
            .any(|w| cues::word_positions(&lower[..start], w).next().is_some());
    after.contains("valuation")
        || before.ends_with("valued at")
        || before.ends_with("valuation of")
        || values_at
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// "last November", "in December": that month, in the article's year or the one before.
fn sentence_month(lower: &str, article: Option<(i32, u32)>) -> Option<String> {
    let (year, month) = article?;
    let mut previous = "";
    for word in lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if let Some(i) = MONTHS.iter().position(|m| *m == word)
            && ["last", "in", "since", "this"].contains(&previous)
        {
            let m = i as u32 + 1;
            let y = if m > month || previous == "last" && m == month {
                year - 1
            } else {
                year
            };
            return Some(format!("{y}-{m:02}"));
        }
        previous = word;
    }
    None
}

/// The article's own date: the first `YYYY-MM-DD` or "Month [D,] YYYY" in its first lines that
/// are short enough to be a headline or dateline (a date inside a paragraph is about an event).
fn find_date(text: &str) -> Option<(i32, u32)> {
    for line in text.lines().take(8).filter(|l| l.chars().count() <= 160) {
        let lower = line.to_lowercase();
        for (at, _) in lower.match_indices("20") {
            let b = lower.as_bytes();
            if b.len() >= at + 7
                && b[at..at + 4].iter().all(u8::is_ascii_digit)
                && b[at + 4] == b'-'
            {
                let y = lower[at..at + 4].parse().ok()?;
                let m = lower.get(at + 5..at + 7)?.parse().ok()?;
                if (1..=12).contains(&m) {
                    return Some((y, m));
                }
            }
        }
        for (i, name) in MONTHS.iter().enumerate() {
            if let Some(at) = cues::word_positions(&lower, name).next() {
                let rest = lower[at + name.len()..]
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == ' ');
                let start = lower.len() - rest.len();
                let year = lower[at + name.len()..start]
                    .split(|c: char| !c.is_ascii_digit())
                    .rfind(|s| s.len() == 4);
                if let Some(y) = year.and_then(|y| y.parse().ok()) {
                    return Some((y, i as u32 + 1));
                }
            }
        }
    }
    None
}

/// The first http(s) URL the text names.
fn find_url(text: &str) -> Option<String> {
    let at = text.find("https://").or_else(|| text.find("http://"))?;
    let url: String = text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<' | '>' | ')'))
        .collect();
    Some(url.trim_end_matches(['.', ',']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sentence_gives_a_full_candidate() {
        let articles = [Article::new(
            "a.txt",
            "Published 2026-03-02 at https://example.com/x.\nHooli is in talks to invest up to $5 billion in Initech, people said last November.",
        )];
        let c = extract(&articles, &Lexicon::default(), &Cues::bundled());
        assert_eq!(c.len(), 1);
        let c = &c[0];
        assert_eq!(
            (c.from.as_deref(), c.to.as_deref()),
            (Some("hooli"), Some("initech"))
        );
        assert_eq!(c.kind, "investment");
        assert_eq!(c.amount.as_deref(), Some("up to $5B"));
        assert_eq!(c.status, "in-talks");
        assert_eq!(c.date.as_deref(), Some("2025-11"));
        assert_eq!(c.url.as_deref(), Some("https://example.com/x"));
        assert_eq!((c.line, c.col), (2, 1));
        assert!(c.reason.is_none());
    }

    #[test]
    fn unplaced_candidates_say_why() {
        let articles = [Article::new(
            "a.txt",
            "Hooli and Initech signed a $3 billion cloud deal.",
        )];
        let c = extract(&articles, &Lexicon::default(), &Cues::bundled());
        assert_eq!(c[0].reason.as_deref(), Some("direction unclear"));
    }

    #[test]
    fn hostile_text_does_not_panic() {
        let text = "İẞ Hooli invests $ in İnitech… $9 in ẞeta, $1.5. $ from\n<\u{0}> \u{202e}Ω raised $3bn from Ωmega; and\n\n$,";
        for t in [text, &text.repeat(3), "$", "in", "from A", "A-led"] {
            let articles = [Article::new("x.txt", t), Article::new("x.html", t)];
            let _ = extract(&articles, &Lexicon::default(), &Cues::bundled());
        }
    }

    #[test]
    fn adverts_give_nothing() {
        let articles = [Article::new(
            "a.txt",
            "Subscribe now and save 50% on your first year!",
        )];
        assert!(extract(&articles, &Lexicon::default(), &Cues::bundled()).is_empty());
    }
}
