//! The closed vocabularies of the data: entity kinds, deal kinds, report statuses and fact
//! kinds, each with its spelling in data files and a parser that lists the valid values.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Defines a kebab-case vocabulary enum with `ALL`, `as_str`, `Display` and `FromStr`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const WHAT: &'static str = $what;

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value spelled exactly as [`Self::as_str`] spells it, without allocating
            /// (the forgiving spellings are `FromStr`'s).
            #[inline]
            pub fn from_exact(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The valid spellings, comma-separated, for error messages.
            pub fn valid_values() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let norm = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == norm)
                    .ok_or_else(|| format!("unknown {} {:?}; expected one of: {}", $what, s, Self::valid_values()))
            }
        }
    };
}

vocabulary!(
    /// What sort of party an entity is.
    EntityKind, "entity kind" {
        Company => "company",
        Fund => "fund",
        SovereignFund => "sovereign-fund",
        Government => "government",
        Person => "person",
        Consortium => "consortium",
    }
);

vocabulary!(
    /// What the money in a deal pays for. The edge always points from payer to payee.
    DealKind, "deal kind" {
        Investment => "investment",
        Cloud => "cloud",
        Chips => "chips",
        Loan => "loan",
        Revenue => "revenue",
        Other => "other",
    }
);

impl DealKind {
    /// Investments and loans finance the payee; a loop needs one of these to be
    /// circular financing rather than plain trade.
    pub fn is_financing(self) -> bool {
        matches!(self, DealKind::Investment | DealKind::Loan)
    }

    /// Verb phrase for plain-language explanations: "Amazon invests in OpenAI".
    pub fn verb(self) -> &'static str {
        match self {
            DealKind::Investment => "invests in",
            DealKind::Cloud => "buys cloud compute from",
            DealKind::Chips => "buys chips from",
            DealKind::Loan => "lends to",
            DealKind::Revenue => "pays",
            DealKind::Other => "pays",
        }
    }
}

vocabulary!(
    /// How far along a deal was when a report described it.
    Status, "status" {
        Rumored => "rumored",
        InTalks => "in-talks",
        Announced => "announced",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

vocabulary!(
    /// How sure a flow is, weakest first: what a figure built from flows rests on. A flow
    /// stated by no source is inferred; otherwise its standing report's status decides:
    /// rumored, in talks, or confirmed (announced, completed or cancelled: a source states
    /// it). A chain of flows is as sure as its weakest flow.
    Grade, "evidence grade" {
        Inferred => "inferred",
        Rumored => "rumored",
        InTalks => "in-talks",
        Confirmed => "confirmed",
    }
);

impl Grade {
    /// The grade of a flow with this standing status, inferred or not.
    pub fn of(status: Status, inferred: bool) -> Grade {
        match (inferred, status) {
            (true, _) => Grade::Inferred,
            (false, Status::Rumored) => Grade::Rumored,
            (false, Status::InTalks) => Grade::InTalks,
            (false, Status::Announced | Status::Completed | Status::Cancelled) => Grade::Confirmed,
        }
    }
}

vocabulary!(
    /// What an entity fact measures.
    FactKind, "fact kind" {
        Valuation => "valuation",
        Revenue => "revenue",
        Commitment => "commitment",
        Backlog => "backlog",
        Funding => "funding",
        Other => "other",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spellings_and_lists_valid_values() {
        assert_eq!("in-talks".parse::<Status>(), Ok(Status::InTalks));
        assert_eq!("confirmed".parse::<Grade>(), Ok(Grade::Confirmed));
        assert_eq!(Grade::of(Status::Completed, true), Grade::Inferred);
        assert_eq!(Grade::of(Status::Announced, false), Grade::Confirmed);
        assert!(Grade::Rumored < Grade::InTalks && Grade::InTalks < Grade::Confirmed);
        assert_eq!("In Talks".parse::<Status>(), Ok(Status::InTalks));
        assert_eq!(
            "sovereign_fund".parse::<EntityKind>(),
            Ok(EntityKind::SovereignFund)
        );
        let err = "invstment".parse::<DealKind>().unwrap_err();
        assert!(
            err.contains("investment, cloud, chips, loan, revenue, other"),
            "{err}"
        );
    }
}
