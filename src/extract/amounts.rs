//! Money in the words of business news: "$50 billion", "$38bn", "$1.5B", "50 billion dollars",
//! "€5 billion" (kept in its currency), "tens of billions", "multibillion", with the
//! qualifier written before it ("up to", "at least", "about", …).

use super::cues::Cues;

/// One amount found in a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// Byte range in the sentence.
    pub start: usize,
    pub end: usize,
    /// As written, qualifier included: "up to $50 billion".
    pub written: String,
    /// In the data format's words ("up to $50B"), when it is in dollars.
    pub amount: Option<String>,
    /// The currency when it is not dollars ("EUR"), flagged for review.
    pub currency: Option<&'static str>,
    /// The qualifier cue that was read ("as much as"), if any.
    pub qualifier_cue: Option<String>,
}

const UNITS: &[(&str, &str)] = &[
    ("trillion", "T"),
    ("billion", "B"),
    ("million", "M"),
    ("thousand", "K"),
    ("bn", "B"),
    ("tn", "T"),
    ("mn", "M"),
    ("b", "B"),
    ("m", "M"),
    ("t", "T"),
    ("k", "K"),
];

/// Vague magnitudes: the phrase and the floor it stands for.
const VAGUE: &[(&str, &str)] = &[
    ("tens of billions of dollars", "at least $10B"),
    ("tens of billions", "at least $10B"),
    ("hundreds of billions", "at least $100B"),
    ("hundreds of millions", "at least $100M"),
    ("multibillion-dollar", "at least $1B"),
    ("multibillion", "at least $1B"),
    ("multi-billion", "at least $1B"),
    ("billions of dollars", "at least $1B"),
];

/// Every amount in `sentence`, in order.
pub fn find(sentence: &str, cues: &Cues) -> Vec<Mention> {
    // Every amount has a digit or a vague magnitude ("…billion…", "multi…"): most sentences
    // have neither.
    let b = sentence.as_bytes();
    if !b.iter().any(u8::is_ascii_digit)
        && memchr::memmem::find(b, b"illion").is_none()
        && memchr::memmem::find(b, b"ulti").is_none()
    {
        return Vec::new();
    }
    // ASCII lowercasing keeps every byte offset (the cues are ASCII).
    let lower = sentence.to_ascii_lowercase();
    let mut out = Vec::new();
    let bytes = sentence.as_bytes();
    let mut i = 0;
    while i < sentence.len() {
        let first = bytes[i].to_ascii_lowercase();
        if let Some((len, floor)) = VAGUE
            .iter()
            .filter(|(p, _)| p.as_bytes()[0] == first)
            .find(|(p, _)| lower[i..].starts_with(p) && at_word_start(&lower, i))
            .map(|(p, f)| (p.len(), *f))
        {
            out.push(Mention {
                start: i,
                end: i + len,
                written: sentence[i..i + len].to_string(),
                amount: Some(floor.to_string()),
                currency: None,
                qualifier_cue: None,
            });
            i += len;
            continue;
        }
        let c = sentence[i..].chars().next().unwrap_or(' ');
        let symbol = match c {
            '$' => Some(None),
            '€' => Some(Some("EUR")),
            '£' => Some(Some("GBP")),
            _ => None,
        };
        let number_start = if symbol.is_some() {
            i + c.len_utf8()
        } else {
            i
        };
        let starts_number = bytes.get(number_start).is_some_and(u8::is_ascii_digit)
            && (symbol.is_some() || at_word_start(&lower, i));
        if !starts_number {
            i += c.len_utf8();
            continue;
        }
        let (number, after_number) = read_number(sentence, number_start);
        let (unit, mut end) = read_unit(&lower, after_number);
        let mut currency = symbol.flatten();
        let mut dollars = symbol.is_some();
        // "50 billion dollars", "5 billion euros"
        for (word, cur) in [(" dollars", None), (" usd", None), (" euros", Some("EUR"))] {
            if lower[end..].starts_with(word) {
                end += word.len();
                dollars = true;
                currency = cur;
            }
        }
        if !dollars || unit.is_none() && symbol.is_none() {
            i = end.max(i + 1);
            continue;
        }
        let (qualifier, cue) = qualifier_before(&lower[..i], cues);
        let figure = format!("${number}{}", unit.unwrap_or(""));
        let amount = (currency.is_none()).then(|| match qualifier {
            Some(q) => format!("{q} {figure}"),
            None => figure,
        });
        let start = cue.as_ref().map_or(i, |c| i - c.len() - 1);
        out.push(Mention {
            start,
            end,
            written: sentence[start..end].to_string(),
            amount,
            currency,
            qualifier_cue: cue,
        });
        i = end;
    }
    out
}

fn at_word_start(s: &str, i: usize) -> bool {
    s[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn read_number(s: &str, from: usize) -> (String, usize) {
    let mut number = String::new();
    let mut end = from;
    let b = s.as_bytes();
    while end < b.len() {
        match b[end] {
            d @ b'0'..=b'9' => number.push(d as char),
            b',' if b.get(end + 1).is_some_and(u8::is_ascii_digit) => {}
            b'.' if b.get(end + 1).is_some_and(u8::is_ascii_digit) => number.push('.'),
            _ => break,
        }
        end += 1;
    }
    (number, end)
}

fn read_unit(lower: &str, from: usize) -> (Option<&'static str>, usize) {
    let rest = &lower[from..];
    let spaced = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('-'));
    for (word, unit) in UNITS {
        // Long words may follow a space; the short ones are glued on ("$38bn", "$1.5B").
        let candidates = if word.len() > 2 {
            [Some(rest), spaced]
        } else {
            [Some(rest), None]
        };
        for text in candidates.into_iter().flatten() {
            if let Some(after) = text.strip_prefix(word)
                && after.chars().next().is_none_or(|c| !c.is_alphanumeric())
            {
                return (Some(unit), lower.len() - after.len());
            }
        }
    }
    (None, from)
}

/// The qualifier that ends `before` (the text up to an amount), in the data format's words.
fn qualifier_before(before: &str, cues: &Cues) -> (Option<&'static str>, Option<String>) {
    let before = before.trim_end();
    for (cue, qualifier) in cues.qualifiers() {
        if before.ends_with(cue.as_str())
            && before[..before.len() - cue.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        {
            return (Some(qualifier), Some(cue.clone()));
        }
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amounts(s: &str) -> Vec<String> {
        find(s, &Cues::bundled())
            .into_iter()
            .map(|m| {
                m.amount
                    .unwrap_or_else(|| format!("{} {}", m.currency.unwrap(), m.written))
            })
            .collect()
    }

    #[test]
    fn common_spellings() {
        assert_eq!(amounts("a $50 billion deal"), ["$50B"]);
        assert_eq!(amounts("a $38bn deal and $1.5B more"), ["$38B", "$1.5B"]);
        assert_eq!(amounts("a sum of 50 billion dollars"), ["$50B"]);
        assert_eq!(amounts("worth $1,500 million"), ["$1500M"]);
        assert_eq!(amounts("tens of billions in chips"), ["at least $10B"]);
        assert_eq!(amounts("a multibillion-dollar pact"), ["at least $1B"]);
        assert_eq!(amounts("a €5 billion loan"), ["EUR €5 billion"]);
    }

    #[test]
    fn qualifiers() {
        assert_eq!(amounts("up to $50 billion"), ["up to $50B"]);
        assert_eq!(amounts("as much as $50B"), ["up to $50B"]);
        assert_eq!(amounts("at least $8B"), ["at least $8B"]);
        assert_eq!(amounts("more than $10 billion"), ["at least $10B"]);
        assert_eq!(amounts("about $1.4 trillion"), ["about $1.4T"]);
        assert_eq!(amounts("roughly $2B"), ["about $2B"]);
        assert_eq!(amounts("nearly $310B"), ["up to $310B"]);
    }

    #[test]
    fn plain_numbers_are_not_money() {
        assert!(amounts("it cut 16,000 jobs in 2025").is_empty());
        assert!(amounts("a 7-year term").is_empty());
    }
}
