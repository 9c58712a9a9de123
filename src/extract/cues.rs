//! The cue phrases for qualifiers, statuses and kinds, read from a TOML data file
//! (`src/extract/cues.toml`, compiled in) that users can read and extend.

use serde::Deserialize;

/// The bundled cue file.
pub const BUNDLED: &str = include_str!("cues.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(from = "CueFile")]
pub struct Cues {
    status: Vec<Family>,
    kind: Vec<KindFamily>,
    /// The qualifier phrases, longest first.
    qualifiers: Vec<(String, &'static str)>,
    /// Every status cue, lowercased, with its family's index.
    status_set: PhraseSet<usize>,
    /// Every kind cue, lowercased, with its family's index.
    kind_set: PhraseSet<usize>,
}

/// The cue file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CueFile {
    qualifier: toml::Table,
    status: Vec<Family>,
    kind: Vec<KindFamily>,
}

impl From<CueFile> for Cues {
    fn from(f: CueFile) -> Cues {
        let status_set = PhraseSet::new(
            f.status
                .iter()
                .enumerate()
                .flat_map(|(i, fam)| fam.cues.iter().map(move |c| (c.to_lowercase(), i))),
        );
        let kind_set = PhraseSet::new(
            f.kind
                .iter()
                .enumerate()
                .flat_map(|(i, fam)| fam.cues.iter().map(move |c| (c.to_lowercase(), i))),
        );
        Cues {
            qualifiers: qualifier_list(&f.qualifier),
            status: f.status,
            kind: f.kind,
            status_set,
            kind_set,
        }
    }
}

/// Phrases to find as whole words in one pass over a text (Aho-Corasick), each with a value.
/// Finding them costs O(text + matches) whatever the number of phrases.
#[derive(Clone, Debug)]
pub struct PhraseSet<T> {
    automaton: Option<aho_corasick::AhoCorasick>,
    phrases: Vec<(String, T)>,
}

impl<T> Default for PhraseSet<T> {
    fn default() -> Self {
        PhraseSet {
            automaton: None,
            phrases: Vec::new(),
        }
    }
}

impl<T> PhraseSet<T> {
    /// The set of `phrases` (empty phrases are dropped), in the order given.
    pub fn new(phrases: impl IntoIterator<Item = (String, T)>) -> PhraseSet<T> {
        let phrases: Vec<(String, T)> =
            phrases.into_iter().filter(|(p, _)| !p.is_empty()).collect();
        let automaton = aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(phrases.iter().map(|(p, _)| p))
            .ok();
        PhraseSet { automaton, phrases }
    }

    /// Every whole-word occurrence in `text`, overlapping ones included: (index of the phrase
    /// in the order given, start byte), in order of end.
    pub fn find(&self, text: &str) -> Vec<(usize, usize)> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        ac.find_overlapping_iter(text)
            .filter(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                before.is_none_or(|c| !c.is_alphanumeric())
                    && after.is_none_or(|c| !c.is_alphanumeric())
            })
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect()
    }

    /// The phrase and value at `index`.
    pub fn get(&self, index: usize) -> &(String, T) {
        &self.phrases[index]
    }
}

#[derive(Clone, Debug, Deserialize)]
struct Family {
    status: String,
    cues: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct KindFamily {
    kind: String,
    cues: Vec<String>,
}

/// A cue found in a sentence: what it sets, the phrase, and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit<'a> {
    pub value: &'a str,
    pub cue: std::borrow::Cow<'a, str>,
    pub at: usize,
}

impl Cues {
    /// The cues compiled into the binary.
    pub fn bundled() -> Cues {
        Cues::parse(BUNDLED).expect("the bundled cue file parses")
    }

    pub fn parse(text: &str) -> Result<Cues, toml::de::Error> {
        toml::from_str(text)
    }

    /// Qualifier phrases with their data-format word, longest phrase first.
    pub fn qualifiers(&self) -> &[(String, &'static str)] {
        &self.qualifiers
    }
}

/// The qualifier table's phrases with their data-format word, longest phrase first.
fn qualifier_list(table: &toml::Table) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = table
        .iter()
        .filter_map(|(cue, q)| {
            let q = match q.as_str()? {
                "up to" => "up to",
                "at least" => "at least",
                "about" => "about",
                _ => return None,
            };
            Some((cue.to_lowercase(), q))
        })
        .collect();
    out.sort_by_key(|(c, _)| std::cmp::Reverse(c.len()));
    out
}

impl Cues {
    /// The status of the first family with a cue in `lower` (a lowercased sentence), with
    /// that family's earliest cue.
    pub fn status(&self, lower: &str) -> Option<Hit<'_>> {
        let (index, at) = self
            .status_set
            .find(lower)
            .into_iter()
            .min_by_key(|&(i, at)| (self.status_set.get(i).1, at, i))?;
        let (cue, family) = self.status_set.get(index);
        Some(Hit {
            value: &self.status[*family].status,
            cue: cue.into(),
            at,
        })
    }

    /// Every kind cue in `lower`, in order of position (then of the cue file).
    pub fn kinds(&self, lower: &str) -> Vec<Hit<'_>> {
        let mut found = self.kind_set.find(lower);
        found.sort_by_key(|&(i, at)| (at, i));
        found
            .into_iter()
            .map(|(i, at)| {
                let (cue, family) = self.kind_set.get(i);
                Hit {
                    value: &self.kind[*family].kind,
                    cue: cue.into(),
                    at,
                }
            })
            .collect()
    }
}

/// Where `phrase` occurs in `text` as whole words.
pub fn word_positions<'a>(text: &'a str, phrase: &'a str) -> impl Iterator<Item = usize> + 'a {
    text.match_indices(phrase)
        .map(|(at, _)| at)
        .filter(move |&at| {
            let before = text[..at].chars().next_back();
            let after = text[at + phrase.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_from_hedges_and_tense() {
        let cues = Cues::bundled();
        let status = |s: &str| cues.status(&s.to_lowercase()).map(|h| h.value);
        assert_eq!(status("Acme is in talks to buy"), Some("in-talks"));
        assert_eq!(status("Acme could invest"), Some("rumored"));
        assert_eq!(status("Acme signed a deal"), Some("announced"));
        assert_eq!(status("Acme closed the round"), Some("completed"));
        assert_eq!(status("Mayor Acme spoke"), None);
    }

    #[test]
    fn kinds_by_position() {
        let cues = Cues::bundled();
        let hits = cues.kinds("a $5b cloud deal and an investment");
        let kinds: Vec<_> = hits.iter().map(|h| h.value).collect();
        assert_eq!(kinds, ["cloud", "investment"]);
    }
}
