//! Who a sentence names: known entities by name or alias (from the loaded data and the bundled
//! list of industry names, `companies.toml`), plus capitalised names proposed as new entities,
//! each mapped to a kebab-case id.

use serde::Deserialize;

use crate::model::Dataset;

/// The bundled list of industry names.
pub const BUNDLED_COMPANIES: &str = include_str!("companies.toml");

/// A list of industry names (`companies.toml`): who they are and what they sell.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Companies {
    #[serde(default)]
    company: Vec<Company>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Company {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    /// Deal kinds the company is paid for ("cloud", "chips").
    #[serde(default)]
    sells: Vec<String>,
}

impl Companies {
    /// The list compiled into the binary.
    pub fn bundled() -> Companies {
        Companies::parse(BUNDLED_COMPANIES).expect("the bundled company list parses")
    }

    pub fn parse(text: &str) -> Result<Companies, toml::de::Error> {
        toml::from_str(text)
    }
}

/// A name found in a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub id: String,
    /// As written in the sentence.
    pub written: String,
    pub start: usize,
    pub end: usize,
    /// Not in the loaded data: proposed as a new entity.
    pub new: bool,
}

/// Names and aliases of the known entities, longest first, matched case-sensitively.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// (name, id), longest name first.
    names: super::cues::PhraseSet<String>,
    /// (entity id, deal kind) for every entity the loaded data shows being paid for cloud or
    /// chips: a hint for "A and B signed a cloud deal" when the sentence shows no direction.
    sellers: std::collections::HashSet<(String, String)>,
}

/// Capitalised words that start sentences or name months, titles and the like, never a party.
const NOT_NAMES: &[&str] = &[
    "A",
    "An",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "In",
    "On",
    "At",
    "For",
    "From",
    "By",
    "And",
    "But",
    "Or",
    "So",
    "Now",
    "Here",
    "There",
    "According",
    "As",
    "If",
    "When",
    "While",
    "With",
    "After",
    "Before",
    "Also",
    "Then",
    "Still",
    "Yet",
    "Last",
    "Next",
    "First",
    "Second",
    "Third",
    "Meanwhile",
    "However",
    "Why",
    "What",
    "Who",
    "How",
    "Look",
    "CEO",
    "CFO",
    "CTO",
    "Chief",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "I",
    "We",
    "They",
    "He",
    "She",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Series",
    "AI",
    "US",
    "U.S.",
    "UK",
    "EU",
    "Advertisement",
    "Sponsored",
    "Think",
    "Consider",
    "Remember",
    "Imagine",
    "Despite",
    "Throwing",
    "Subscribe",
    "Read",
    "More",
    "Click",
    "Sign",
    "Both",
    "Each",
    "One",
    "Two",
];

/// Words after which a capitalised name is a person, not a party.
const PERSON_TITLES: &[&str] = &[
    "CEO",
    "CFO",
    "CTO",
    "chief",
    "executive",
    "founder",
    "President",
    "Mr",
    "Ms",
];

impl Lexicon {
    /// Every entity's name and aliases, with its id.
    pub fn from_dataset(data: &Dataset) -> Lexicon {
        Lexicon::new(data, &Companies::default())
    }

    /// The loaded entities' names and aliases, then the listed companies' (a listed company
    /// that shares a name with a loaded entity takes the loaded entity's id).
    pub fn new(data: &Dataset, companies: &Companies) -> Lexicon {
        let mut names = Vec::new();
        for e in data.entities() {
            names.push((e.name.to_string(), e.id.to_string()));
            for a in e.aliases() {
                names.push((a.clone(), e.id.to_string()));
            }
        }
        let loaded = names.clone();
        let mut sellers: std::collections::HashSet<(String, String)> = data
            .deals()
            .filter(|d| matches!(d.kind().as_str(), "cloud" | "chips"))
            .map(|d| {
                (
                    data.entity(d.to()).id.to_string(),
                    d.kind().as_str().to_string(),
                )
            })
            .collect();
        for c in &companies.company {
            let all = || std::iter::once(&c.name).chain(&c.aliases);
            let id = all()
                .find_map(|n| {
                    loaded
                        .iter()
                        .find(|(l, _)| l == n)
                        .map(|(_, id)| id.clone())
                })
                .unwrap_or_else(|| c.id.clone());
            names.extend(all().map(|n| (n.clone(), id.clone())));
            sellers.extend(c.sells.iter().map(|k| (id.clone(), k.clone())));
        }
        names.retain(|(n, _)| n.len() >= 2);
        // Longest first; among equal names the loaded data's (earlier) entry is kept.
        names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        names.dedup_by(|a, b| a.0 == b.0);
        Lexicon {
            names: super::cues::PhraseSet::new(names),
            sellers,
        }
    }

    /// Whether the loaded data shows `id` being paid for deals of `kind`.
    pub fn sells(&self, id: &str, kind: &str) -> bool {
        self.sellers.contains(&(id.to_string(), kind.to_string()))
    }

    /// The parties named in `sentence`, in order, known names first claiming their text.
    pub fn find(&self, sentence: &str) -> Vec<Party> {
        let mut taken = vec![false; sentence.len()];
        let mut out = Vec::new();
        // Longest name first (the set's order), each left to right, claiming its text.
        let mut found = self.names.find(sentence);
        found.sort_unstable();
        for (index, at) in found {
            let (name, id) = self.names.get(index);
            {
                let end = at + name.len();
                if taken[at..end].iter().any(|t| *t) {
                    continue;
                }
                taken[at..end].iter_mut().for_each(|t| *t = true);
                out.push(Party {
                    id: id.clone(),
                    written: name.clone(),
                    start: at,
                    end,
                    new: false,
                });
            }
        }
        out.extend(capitalised(sentence, &taken));
        out.sort_by_key(|p| p.start);
        out
    }
}

/// Runs of capitalised words that no known name took, minus the words that are never names.
fn capitalised(sentence: &str, taken: &[bool]) -> Vec<Party> {
    let mut out = Vec::new();
    let mut words = Vec::new(); // (start, end)
    for (start, word) in word_spans(sentence) {
        words.push((start, start + word.len(), word));
    }
    let mut i = 0;
    while i < words.len() {
        let is_name = |w: &str, at: usize| {
            w.chars().next().is_some_and(char::is_uppercase)
                && !NOT_NAMES.contains(&w)
                && !taken[at]
        };
        let (start, _, word) = words[i];
        if !is_name(word, start) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < words.len() && is_name(words[j + 1].2, words[j + 1].0) {
            // A run stops at punctuation between words.
            if sentence[words[j].1..words[j + 1].0].trim() != "" {
                break;
            }
            j += 1;
        }
        let end = words[j].1;
        let after_title = i > 0 && PERSON_TITLES.contains(&words[i - 1].2);
        if !after_title {
            let written = &sentence[start..end];
            out.push(Party {
                id: kebab(written),
                written: written.to_string(),
                start,
                end,
                new: true,
            });
        }
        i = j + 1;
    }
    out.retain(|p| !p.id.is_empty());
    out
}

/// Words (letters, digits, inner `.`, `&` and `-`) with their byte offsets.
fn word_spans(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let inner = c.is_alphanumeric() || (matches!(c, '.' | '-' | '&') && start.is_some());
        match (inner, start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                let w = s[b..i].trim_end_matches(['.', '-']);
                out.push((b, w));
                start = None;
            }
            _ => {}
        }
    }
    out.into_iter()
}

/// A kebab-case id: lowercase ASCII letters and digits joined by `-`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') && c != '\'' && c != '’' && c != '.' {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon {
            names: crate::extract::cues::PhraseSet::new([
                ("Globex Cloud".to_string(), "globex".to_string()),
                ("Globex".to_string(), "globex".to_string()),
            ]),
            ..Lexicon::default()
        }
    }

    #[test]
    fn known_and_new_names() {
        let found =
            lexicon().find("The report says Globex Cloud and Initech Labs met CEO Jane Roe.");
        let ids: Vec<_> = found.iter().map(|p| (p.id.as_str(), p.new)).collect();
        assert_eq!(ids, [("globex", false), ("initech-labs", true)]);
    }

    #[test]
    fn kebab_ids() {
        assert_eq!(kebab("Initech Labs"), "initech-labs");
        assert_eq!(kebab("Hooli.com Inc."), "hoolicom-inc");
        assert_eq!(kebab("Hooli's"), "hoolis");
    }
}
