//! Who pays whom in one sentence, from its structure: "A invests in B", "B raised $X from A",
//! "A's investment in B", "B will spend $X on A's cloud", "A agreed to buy chips from B".

use std::ops::Range;

use super::parties::Party;

/// A direction read from a sentence: payer, payee and the pattern that set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Direction {
    pub from: Party,
    pub to: Party,
    pub cue: &'static str,
    /// Byte offset of the word that set the direction (the verb or preposition).
    pub at: usize,
    /// Further payers listed with `from` ("A, B and C invest in D"), in order.
    pub more_from: Vec<Party>,
}

/// Verbs whose subject receives money from the party after "from".
const RAISE: &[&str] = &[
    "took",
    "takes",
    "raised",
    "raise",
    "raises",
    "raising",
    "secured",
    "secures",
    "received",
    "receives",
    "gets",
    "got",
    "borrowed",
    "borrows",
    "funding",
    "investment",
    "backing",
];
/// Verbs whose subject pays the party after "from".
const BUY: &[&str] = &[
    "buy",
    "buys",
    "bought",
    "buying",
    "purchase",
    "purchases",
    "purchased",
    "rent",
    "rents",
    "rented",
    "lease",
    "leases",
    "leased",
    "order",
    "ordered",
];
/// Words before "in B" that make the subject an investor in B.
const INVEST: &[&str] = &[
    "invest",
    "invests",
    "invested",
    "investing",
    "investment",
    "stake",
    "bet",
    "backing",
    "funding",
];
/// More words that make the subject an investor in what follows "in"/"into".
const PUT: &[&str] = &[
    "put", "puts", "putting", "pour", "pours", "pouring", "poured",
];
/// Verbs whose subject pays their object directly: "A backs B".
const BACK: &[&str] = &["backs", "funds", "finances", "bankrolls"];
/// Words before "on B" / "with B" that make the subject pay B.
const SPEND: &[&str] = &[
    "spend", "spends", "spent", "spending", "pay", "pays", "paid", "paying",
];
/// Words before "to B" that make the subject pay B.
const LEND: &[&str] = &[
    "lend", "lends", "lent", "lending", "loan", "loaned", "pay", "paid", "pays", "extend",
    "extends", "extended", "grants", "granted",
];
/// Verbs whose subject joins a round: "A joined B's funding round".
const JOIN: &[&str] = &[
    "joined", "joins", "join", "joining", "led", "leads", "co-led",
];
/// Verbs whose subject is paid by the party after "to": "A sold chips to B".
const SELL: &[&str] = &["sell", "sells", "sold", "selling"];
/// Verbs whose subject seeks money from their object: "A is courting B".
const COURT: &[&str] = &["courting", "courts", "wooing", "woos", "tapping"];
/// Verbs whose subject is paid by their object: "A provides B with cloud".
const PROVIDE: &[&str] = &[
    "provides", "provide", "provided", "supplies", "supply", "supplied",
];
/// Words that refer back to a party already named: "provides the company with …".
const REFERS: &[&str] = &[
    "the company",
    "the startup",
    "the start-up",
    "the firm",
    "the lab",
    "it",
];
/// Common nouns that, standing between a party and a verb, are the verb's real subject.
const GENERIC: &[&str] = &[
    "companies",
    "firms",
    "investors",
    "startups",
    "those",
    "others",
];
/// "led by A", "backed by A": A pays the subject.
const BY: &[&str] = &["backed", "funded", "led", "financed"];

/// Words after "with B about" that make the subject pay B: "A held talks with B about
/// contributing to the round".
const CONTRIBUTE: &[&str] = &[
    "contributing",
    "investing",
    "participating",
    "joining",
    "funding",
    "backing",
];

/// The direction of the money in `lower` (a lowercased sentence) among `parties`, if its
/// structure shows one, with the other payers listed alongside the first.
///
/// Only cue words inside the byte range `within` count (a later clause of the sentence is read
/// with the whole sentence around it, so its subject and "the company" can point back).
pub fn read(lower: &str, parties: &[Party], within: Range<usize>) -> Option<Direction> {
    let mut d = read_one(lower, parties, &within)?;
    let listed = |a: &Party, b: &Party| {
        matches!(
            lower[a.end..b.start].trim(),
            "," | "and" | ", and" | "or" | "&"
        )
    };
    let i = parties.iter().position(|p| p.start == d.from.start)?;
    let mut j = i;
    // The list stays inside the clause: "…in B, and A signed" does not list B with A.
    while j > 0 && parties[j - 1].start >= within.start && listed(&parties[j - 1], &parties[j]) {
        j -= 1;
    }
    let mut k = i;
    while k + 1 < parties.len() && listed(&parties[k], &parties[k + 1]) {
        k += 1;
    }
    // A list has "and" or "or" in it: "According to X, A invests" is no list.
    let has_and = parties[j..=k]
        .windows(2)
        .any(|w| lower[w[0].end..w[1].start].trim() != ",");
    if !has_and {
        return Some(d);
    }
    d.more_from = parties[j..=k]
        .iter()
        .filter(|p| p.id != d.from.id && p.id != d.to.id)
        .cloned()
        .collect();
    Some(d)
}

// Over 100 lines on purpose: the patterns are tried in this order and the first that fits
// wins, so they read best as one list (each is a short loop).
fn read_one(lower: &str, parties: &[Party], within: &Range<usize>) -> Option<Direction> {
    let words = words(lower);
    let after = |at: usize| party_after(lower, parties, at);
    // The subject before byte `at`; "A backs B and is investing in C": a clause joined by
    // "and" plus a verb keeps the sentence's first party as its subject.
    let before = |at: usize| {
        let p = parties.iter().rev().find(|p| p.end <= at)?;
        let between = &lower[p.end..at];
        // "Analysts doubt companies invested in B": a common noun is the subject, not A.
        if between
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| GENERIC.contains(&w))
        {
            return None;
        }
        let joined = [" and is ", " and has ", " and will ", " and was "]
            .iter()
            .any(|j| between.contains(j))
            || between.trim() == "and";
        let first = parties.iter().find(|q| !q.new).unwrap_or(&parties[0]);
        Some(if joined { first.clone() } else { p.clone() })
    };
    let make = |from: Party, to: Party, cue, at| {
        (from.id != to.id).then_some(Direction {
            from,
            to,
            cue,
            at,
            more_from: Vec::new(),
        })
    };
    // "A's investment in B" / "A invests in B"
    for word in ["in", "into"] {
        for at in positions(&words, within, word) {
            if (preceded_by(lower, at, INVEST) || preceded_by(lower, at, PUT))
                && let (Some(to), Some(from)) = (after(at + word.len()), before(at))
                && let Some(d) = make(from, to, "A invests in B", at)
            {
                return Some(d);
            }
        }
    }
    for verb in BACK {
        for at in positions(&words, within, verb) {
            if let (Some(to), Some(from)) = (after(at + verb.len()), before(at))
                && let Some(d) = make(from, to, "A backs B", at)
            {
                return Some(d);
            }
        }
    }
    // "A buys B's chips": the possessive names the seller.
    for verb in BUY {
        for at in positions(&words, within, verb) {
            if let Some(seller) = after(at + verb.len())
                && possessive(lower, &seller)
                && let Some(buyer) = before(at)
                && let Some(d) = make(buyer, seller, "A buys B's goods", at)
            {
                return Some(d);
            }
        }
    }
    // "A joined B's funding round": A pays B.
    for verb in JOIN {
        for at in positions(&words, within, verb) {
            if let Some(to) = after(at + verb.len())
                && possessive(lower, &to)
                && lower[to.end..].split_whitespace().take(4).any(|w| {
                    w.starts_with("round") || w.starts_with("series") || w.starts_with("funding")
                })
                && let Some(from) = before(at)
                && let Some(d) = make(from, to, "A joins B's round", at)
            {
                return Some(d);
            }
        }
    }
    // "A sold $X of servers to B", "A agreed to sell chips to B": B pays A.
    for at in positions(&words, within, "to") {
        if let Some(v) = SELL.iter().filter_map(|w| last_before(&words, at, w)).max()
            && within.contains(&v)
            && let Some(buyer) = after(at + 2)
            && let Some(seller) = before(v)
            && let Some(d) = make(buyer, seller, "A sells to B", v)
        {
            return Some(d);
        }
    }
    // "A is courting B for $X", "A engaged with B as part of its fundraising": B pays A.
    for verb in COURT {
        for at in positions(&words, within, verb) {
            if let Some(investor) = after(at + verb.len())
                && let Some(raiser) = before(at)
                && let Some(d) = make(investor, raiser, "A courts B for funding", at)
            {
                return Some(d);
            }
        }
    }
    for at in positions(&words, within, "with") {
        if let Some(investor) = after(at + 4)
            && raises_after(&lower[investor.end..])
            && let Some(raiser) = before(at)
            && let Some(d) = make(
                investor,
                raiser,
                "A talks with B as part of its fundraising",
                at,
            )
        {
            return Some(d);
        }
    }
    // "A provides B with cloud", "A supplies the startup with chips": B pays A.
    for verb in PROVIDE {
        for at in positions(&words, within, verb) {
            let Some(seller) = before(at) else { continue };
            let rest = lower[at + verb.len()..].trim_start();
            let object = match REFERS.iter().find(|r| starts_with_word(rest, r)) {
                // "the company": the last party named before the verb other than the seller.
                Some(_) => parties
                    .iter()
                    .rev()
                    .find(|p| p.end <= at && p.id != seller.id)
                    .cloned(),
                None => after(at + verb.len()),
            };
            if let Some(buyer) = object
                && let Some(d) = make(buyer, seller, "A provides B with services", at)
            {
                return Some(d);
            }
        }
    }
    for at in positions(&words, within, "from") {
        let verb_before = |verbs: &[&str]| {
            verbs
                .iter()
                .filter_map(|w| last_before(&words, at, w))
                .max()
        };
        if let Some(target) = after(at + 4) {
            if let Some(v) = verb_before(BUY)
                && let Some(payer) = before(v)
                && let Some(d) = make(payer, target.clone(), "A buys from B", at)
            {
                return Some(d);
            }
            if let Some(v) = verb_before(RAISE)
                && let Some(payee) = before(v).or_else(|| before(at))
                && let Some(d) = make(target, payee, "B raised from A", at)
            {
                return Some(d);
            }
        }
    }
    for word in ["on", "with", "to"] {
        let verbs = if word == "to" { LEND } else { SPEND };
        for at in positions(&words, within, word) {
            let Some(verb) = verbs
                .iter()
                .filter_map(|w| last_before(&words, at, w))
                .max()
            else {
                continue;
            };
            if let (Some(to), Some(from)) = (after(at + word.len()), before(verb))
                && let Some(d) = make(
                    from,
                    to,
                    if word == "to" {
                        "A lends to B"
                    } else {
                        "A spends on B"
                    },
                    at,
                )
            {
                return Some(d);
            }
        }
    }
    for at in positions(&words, within, "with") {
        let about = lower[at..].find(" about ").map(|a| at + a + 7);
        if let Some(a) = about
            && CONTRIBUTE.iter().any(|w| lower[a..].starts_with(w))
            && let (Some(to), Some(from)) = (after(at + 4), before(at))
            && let Some(d) = make(from, to, "A in talks with B about contributing", at)
        {
            return Some(d);
        }
    }
    for at in positions(&words, within, "by") {
        if preceded_by(lower, at, BY)
            && let (Some(from), Some(to)) = (after(at + 2), before(at))
            && let Some(d) = make(from, to, "B backed by A", at)
        {
            return Some(d);
        }
    }
    // "A-led round": "Hooli-led", the party glued to "-led".
    for p in parties {
        if within.contains(&p.end)
            && lower[p.end..].starts_with("-led")
            && let Some(to) = parties
                .iter()
                .find(|q| q.start < p.start || q.start > p.end + 4)
            && let Some(d) = make(p.clone(), to.clone(), "A-led round in B", p.end)
        {
            return Some(d);
        }
    }
    None
}

/// The kind a direction pattern implies when the sentence has no kind cue: "A put $X into B"
/// is an investment.
pub fn implied_kind(cue: &str) -> Option<&'static str> {
    match cue {
        "A invests in B" | "A backs B" | "A joins B's round" => Some("investment"),
        _ => None,
    }
}

/// Whether `rest` (the text after "with B") says the subject is raising money: "… as part of
/// its fundraising", "… for its capital-raising".
fn raises_after(rest: &str) -> bool {
    let words: Vec<&str> = rest.split_whitespace().take(12).collect();
    words.windows(3).any(|w| {
        w[0] == "its"
            && w[1..]
                .iter()
                .any(|x| x.contains("raising") || x.starts_with("funding"))
    })
}

/// The words of `lower` (runs of letters and digits) with their byte offsets: the direction
/// patterns look words up here rather than searching the sentence for each.
fn words(lower: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in lower.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                out.push((b, &lower[b..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(b) = start {
        out.push((b, &lower[b..]));
    }
    out
}

/// `a == b`, the lengths and first bytes compared first (most words differ there).
fn same_word(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Whether `p` is written in the possessive ("B's", "B’s").
fn possessive(lower: &str, p: &Party) -> bool {
    lower[p.end..].starts_with("'s") || lower[p.end..].starts_with("’s")
}

/// Where `word` occurs as a whole word inside `within`.
fn positions<'a>(
    words: &'a [(usize, &'a str)],
    within: &'a Range<usize>,
    word: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    words
        .iter()
        .filter(move |(at, w)| same_word(w, word) && within.contains(at))
        .map(|(at, _)| *at)
}

/// The last occurrence of `word` before byte `at`.
fn last_before(words: &[(usize, &str)], at: usize, word: &str) -> Option<usize> {
    words
        .iter()
        .rev()
        .find(|(start, w)| *start < at && same_word(w, word))
        .map(|(start, _)| *start)
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word)
        .is_some_and(|r| r.chars().next().is_none_or(|c| !c.is_alphanumeric()))
}

/// The party that starts within a few words after byte `at`, skipping articles and
/// possessives ("in the Hooli unit", "on Globex's cloud").
const SKIP: &[&str] = &[
    "the", "a", "an", "its", "rival", "startup", "start-up", "lab", "company", "firm",
];

fn party_after(lower: &str, parties: &[Party], at: usize) -> Option<Party> {
    let first = parties.iter().find(|p| p.start >= at)?;
    let gap = &lower[at..first.start];
    let words = gap.split_whitespace().filter(|w| !SKIP.contains(w)).count();
    // "in… you guessed it, B": an aside after an ellipsis or a dash.
    let trimmed = gap.trim();
    let aside =
        (trimmed.starts_with('…') || trimmed.starts_with("...") || trimmed.starts_with('—'))
            && trimmed.ends_with([',', ':', '—'])
            && words <= 6;
    if words != 0 && !aside {
        return None;
    }
    // "in Hooli's rival, Initech" / "into Hooli rival Initech": the rival is meant.
    let rest = lower[first.end..].trim_start_matches(['\'', '’', 's']);
    if rest.trim_start().starts_with("rival")
        && let Some(q) = parties
            .iter()
            .find(|q| q.start > first.end && q.start - first.end < 16)
    {
        return Some(q.clone());
    }
    Some(first.clone())
}

/// Whether one of `words` ends within the eight words before byte `at`.
fn preceded_by(lower: &str, at: usize, words: &[&str]) -> bool {
    lower[..at]
        .split_whitespace()
        .rev()
        .take(8)
        .any(|w| words.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::parties::Lexicon;

    fn dir(s: &str) -> Option<(String, String)> {
        let parties = Lexicon::default().find(s);
        read(&s.to_ascii_lowercase(), &parties, 0..s.len()).map(|d| (d.from.id, d.to.id))
    }

    fn pair(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.into(), b.into()))
    }

    #[test]
    fn listed_payers() {
        let s = "Hooli, Vandelay and Initech held talks with Globex about contributing $1B.";
        let parties = Lexicon::default().find(s);
        let d = read(&s.to_ascii_lowercase(), &parties, 0..s.len()).unwrap();
        assert_eq!(
            (d.from.id.as_str(), d.to.id.as_str()),
            ("initech", "globex")
        );
        let more: Vec<_> = d.more_from.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(more, ["hooli", "vandelay"]);
    }

    #[test]
    fn patterns() {
        assert_eq!(
            dir("Hooli invests $2B in Initech."),
            pair("hooli", "initech")
        );
        assert_eq!(
            dir("Initech raised $2B from Hooli."),
            pair("hooli", "initech")
        );
        assert_eq!(
            dir("Hooli's investment in Initech is large."),
            pair("hooli", "initech")
        );
        assert_eq!(
            dir("Initech will spend $9B on Hooli's cloud."),
            pair("initech", "hooli")
        );
        assert_eq!(
            dir("Initech agreed to buy chips from Vandelay."),
            pair("initech", "vandelay")
        );
        assert_eq!(
            dir("Initech's round was led by Hooli."),
            pair("hooli", "initech")
        );
        assert_eq!(dir("Hooli and Initech met."), None);
        assert_eq!(
            dir("Hooli put up to $5B into Initech."),
            pair("hooli", "initech")
        );
        assert_eq!(
            dir("Hooli has $2B invested in Initech's rival, Vandelay."),
            pair("hooli", "vandelay")
        );
        assert_eq!(dir("Hooli backs Initech."), pair("hooli", "initech"));
        assert_eq!(
            dir("Think: Hooli backs Initech and is investing $1B in Vandelay."),
            pair("hooli", "vandelay")
        );
    }
}
