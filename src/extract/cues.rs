//! The cue phrases for qualifiers, statuses and kinds, read from a TOML data file
//! (`src/extract/cues.toml`, compiled in) that users can read and extend.

use serde::Deserialize;

/// The bundled cue file.
pub const BUNDLED: &str = include_str!("cues.toml");

#[derive(Clone, Debug, Deserialize)]
pub struct Cues {
    qualifier: toml::Table,
    status: Vec<Family>,
    kind: Vec<KindFamily>,
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
pub struct Hit {
    pub value: String,
    pub cue: String,
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
    pub fn qualifiers(&self) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = self
            .qualifier
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

    /// The status of the first family with a cue in `lower` (a lowercased sentence).
    pub fn status(&self, lower: &str) -> Option<Hit> {
        self.status.iter().find_map(|f| {
            first_hit(lower, &f.cues).map(|(cue, at)| Hit {
                value: f.status.clone(),
                cue,
                at,
            })
        })
    }

    /// Every kind cue in `lower`, in order of position.
    pub fn kinds(&self, lower: &str) -> Vec<Hit> {
        let mut out = Vec::new();
        for f in &self.kind {
            for cue in &f.cues {
                for at in word_positions(lower, cue) {
                    out.push(Hit {
                        value: f.kind.clone(),
                        cue: cue.clone(),
                        at,
                    });
                }
            }
        }
        out.sort_by_key(|h| h.at);
        out
    }
}

fn first_hit(lower: &str, cues: &[String]) -> Option<(String, usize)> {
    cues.iter()
        .filter_map(|c| word_positions(lower, c).next().map(|at| (c.clone(), at)))
        .min_by_key(|(_, at)| *at)
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
        assert_eq!(
            status("Acme is in talks to buy").as_deref(),
            Some("in-talks")
        );
        assert_eq!(status("Acme could invest").as_deref(), Some("rumored"));
        assert_eq!(status("Acme signed a deal").as_deref(), Some("announced"));
        assert_eq!(
            status("Acme closed the round").as_deref(),
            Some("completed")
        );
        assert_eq!(status("Mayor Acme spoke").as_deref(), None);
    }

    #[test]
    fn kinds_by_position() {
        let hits = Cues::bundled().kinds("a $5b cloud deal and an investment");
        let kinds: Vec<_> = hits.iter().map(|h| h.value.as_str()).collect();
        assert_eq!(kinds, ["cloud", "investment"]);
    }
}
