//! Totals of reported amounts with mixed qualifiers, kept as exact ranges: "at least $8B" plus
//! "up to $5B" is "$8B – $13B", never a single made-up figure.
//!
//! Rules, per reported amount (see also docs/queries.md):
//! - **exact** `$X`: adds `X` to both bounds;
//! - **at least** `$X`: adds `X` to the lower bound and leaves the upper bound open;
//! - **up to** `$X`: adds `X` to the upper bound only (the real figure may be close to zero);
//! - **about** `$X`: adds `X` to both bounds, like exact; it is counted in
//!   [`MoneyRange::approximate`] so a reader can say "about";
//! - **undisclosed**: adds nothing to either bound; it is counted in
//!   [`MoneyRange::undisclosed`]. The bounds are therefore bounds *of the disclosed figures*.
//!
//! Besides the range, [`MoneyRange::stated`] sums every figure at face value ("up to $50B"
//! counts $50B, "at least $10B" counts $10B). That single number is what shares and ratios are
//! computed from, and output always says so ("of $155.5B stated inflows").
//!
//! All arithmetic is on whole cents in `i128` ([`MoneySum`]); nothing goes through `f64`.
//!
//! [`ByGrade`] keeps one such total per evidence [`Grade`], so that every total can say how
//! much of it is confirmed, in talks, rumored or inferred.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Value, json};

use crate::model::{Amount, Grade, MoneySum, Qualifier};

/// A total of reported amounts: exact lower and upper bounds (upper `None` = open, because an
/// "at least" figure is in it), the face-value sum, and how many amounts went in.
///
/// ```
/// use dealgraph::model::parse_amount;
/// use dealgraph::query::totals::MoneyRange;
///
/// let mut total = MoneyRange::new();
/// total.add(&parse_amount("$8B").unwrap());
/// total.add(&parse_amount("up to $5B").unwrap());
/// assert_eq!(total.to_string(), "$8B – $13B");
/// total.add(&parse_amount("at least $1B").unwrap());
/// assert_eq!(total.to_string(), "at least $9B");
/// total.add(&parse_amount("undisclosed").unwrap());
/// assert_eq!(total.to_string(), "at least $9B + 1 undisclosed");
/// assert_eq!(total.stated.to_string(), "$14B");
/// ```
#[derive(Clone, Copy, Debug, Eq)]
pub struct MoneyRange {
    /// Sum of exact, about and at-least figures.
    pub min: MoneySum,
    /// Sum of exact, about and up-to figures, while `open` is false; see [`MoneyRange::max`].
    upper: MoneySum,
    /// Every figure at face value, whatever its qualifier.
    pub stated: MoneySum,
    /// How many amounts were added, disclosed or not.
    pub count: u32,
    /// How many of them were undisclosed (they add nothing to the bounds).
    pub undisclosed: u32,
    /// How many were "about" figures (added to both bounds as if exact).
    pub approximate: u32,
    /// An at-least figure went in: no upper bound.
    open: bool,
}

// Queries hold one per counterparty and side, tens of thousands for a hub: a flag instead of
// an `Option` keeps the three sums and the counts in one cache line.
const _: () = assert!(std::mem::size_of::<MoneyRange>() == 64);

impl Default for MoneyRange {
    fn default() -> Self {
        MoneyRange::new()
    }
}

impl PartialEq for MoneyRange {
    fn eq(&self, other: &MoneyRange) -> bool {
        (self.min, self.max(), self.stated) == (other.min, other.max(), other.stated)
            && (self.count, self.undisclosed, self.approximate)
                == (other.count, other.undisclosed, other.approximate)
    }
}

impl std::hash::Hash for MoneyRange {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.min, self.max(), self.stated).hash(state);
        (self.count, self.undisclosed, self.approximate).hash(state);
    }
}

impl MoneyRange {
    /// The empty total: `$0`, no amounts.
    pub fn new() -> MoneyRange {
        MoneyRange {
            min: MoneySum::default(),
            upper: MoneySum::default(),
            stated: MoneySum::default(),
            count: 0,
            undisclosed: 0,
            approximate: 0,
            open: false,
        }
    }

    /// Sum of exact, about and up-to figures; `None` once an at-least figure is added.
    pub fn max(&self) -> Option<MoneySum> {
        (!self.open).then_some(self.upper)
    }

    /// The total of `amounts`.
    pub fn of<A: std::borrow::Borrow<Amount>>(amounts: impl IntoIterator<Item = A>) -> MoneyRange {
        let mut total = MoneyRange::new();
        for a in amounts {
            total.add(a.borrow());
        }
        total
    }

    /// Adds one reported amount by the rules in the module docs. `O(1)`.
    pub fn add(&mut self, amount: &Amount) {
        self.count += 1;
        let Some(value) = amount.value else {
            self.undisclosed += 1;
            return;
        };
        self.stated.add(value);
        // The upper sum is kept even once open: cheaper than a branch, and never read then.
        match amount.qualifier {
            Qualifier::Exact => {
                self.min.add(value);
                self.upper.add(value);
            }
            // A figure marked undisclosed is still a figure somebody wrote down; read it as
            // "about".
            Qualifier::About | Qualifier::Undisclosed => {
                self.min.add(value);
                self.upper.add(value);
                self.approximate += 1;
            }
            Qualifier::AtLeast => {
                self.min.add(value);
                self.open = true;
            }
            Qualifier::UpTo => self.upper.add(value),
        }
    }

    /// Adds every amount of `other`. `O(1)`.
    pub fn merge(&mut self, other: &MoneyRange) {
        self.min = sum(self.min, other.min);
        self.upper = sum(self.upper, other.upper);
        self.open |= other.open;
        self.stated = sum(self.stated, other.stated);
        self.count += other.count;
        self.undisclosed += other.undisclosed;
        self.approximate += other.approximate;
    }

    /// True when no disclosed figure went in (nothing, or only undisclosed amounts).
    pub fn is_unknown(&self) -> bool {
        self.count == self.undisclosed
    }

    /// True when both bounds are the same figure.
    pub fn is_exact(&self) -> bool {
        self.max() == Some(self.min)
    }

    /// `{"min_usd", "max_usd", "stated_usd", "amounts", "undisclosed"}`: dollars as JSON
    /// numbers; `max_usd` is null when the upper bound is open.
    pub fn to_json(&self) -> Value {
        json!({
            "min_usd": Value::Number(self.min.to_json_number()),
            "max_usd": self.max().map_or(Value::Null, |m| Value::Number(m.to_json_number())),
            "stated_usd": Value::Number(self.stated.to_json_number()),
            "amounts": self.count,
            "undisclosed": self.undisclosed,
        })
    }

    /// Orders totals largest first: by stated figure, then lower bound, then upper bound
    /// (open counts as largest). Ties are `Equal`; callers break them by id.
    pub fn cmp_desc(&self, other: &MoneyRange) -> Ordering {
        let upper = |r: &MoneyRange| r.max().map_or((1, MoneySum::default()), |m| (0, m));
        other
            .stated
            .cmp(&self.stated)
            .then(other.min.cmp(&self.min))
            .then(upper(other).cmp(&upper(self)))
    }

    /// `part.stated / self.stated`, for shares; `None` when this total has no stated figure.
    pub fn share(&self, part: &MoneyRange) -> Option<f64> {
        part.stated.ratio(self.stated)
    }
}

fn sum(a: MoneySum, b: MoneySum) -> MoneySum {
    let mut out = a;
    // MoneySum only adds Money; add through cents exactly.
    let cents = b.cents();
    let mut rest = cents;
    while rest != 0 {
        let step = rest.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
        out.add(crate::model::Money::from_cents(step as i64));
        rest -= step;
    }
    out
}

impl fmt::Display for MoneyRange {
    /// `$38B`, `$8B – $13B`, `at least $8B`, `up to $50B`, `undisclosed`, `$0`; then
    /// ` + N undisclosed` when some amounts had no figure.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 0 {
            return f.write_str("$0");
        }
        if self.is_unknown() {
            return f.write_str("undisclosed");
        }
        match self.max() {
            None => write!(f, "at least {}", self.min)?,
            Some(max) if max == self.min => {
                let about = if self.approximate > 0 { "about " } else { "" };
                write!(f, "{about}{max}")?
            }
            Some(max) if self.min.is_zero() => write!(f, "up to {max}")?,
            Some(max) => write!(f, "{} – {max}", self.min)?,
        }
        if self.undisclosed > 0 {
            write!(f, " + {} undisclosed", self.undisclosed)?;
        }
        Ok(())
    }
}

/// A total split by evidence grade: one [`MoneyRange`] per [`Grade`], so a reader sees how much
/// of a figure rests on confirmed deals and how much on talks, rumors or inferred flows.
///
/// ```
/// use dealgraph::model::{parse_amount, Grade};
/// use dealgraph::query::totals::ByGrade;
///
/// let mut split = ByGrade::new();
/// split.add(Grade::Confirmed, &parse_amount("$13B").unwrap());
/// split.add(Grade::InTalks, &parse_amount("$50B").unwrap());
/// split.add(Grade::Inferred, &parse_amount("up to $310B").unwrap());
/// assert_eq!(split.get(Grade::Confirmed).to_string(), "$13B");
/// assert_eq!(split.total().to_string(), "$63B – $373B");
/// assert!(!split.rests_only_below(Grade::InTalks));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ByGrade([MoneyRange; 4]);

impl ByGrade {
    /// Every grade empty.
    pub fn new() -> ByGrade {
        ByGrade::default()
    }

    /// Adds one amount resting on `grade`. `O(1)`.
    pub fn add(&mut self, grade: Grade, amount: &Amount) {
        self.0[grade as usize].add(amount);
    }

    /// Adds every amount of `other`, grade by grade. `O(1)`.
    pub fn merge(&mut self, other: &ByGrade) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            mine.merge(theirs);
        }
    }

    /// The amounts resting on `grade`.
    pub fn get(&self, grade: Grade) -> &MoneyRange {
        &self.0[grade as usize]
    }

    /// The amounts of every grade together: the unsplit total.
    pub fn total(&self) -> MoneyRange {
        let mut total = MoneyRange::new();
        for part in &self.0 {
            total.merge(part);
        }
        total
    }

    /// The grades with at least one amount, surest first, with their totals.
    pub fn parts(&self) -> impl Iterator<Item = (Grade, &MoneyRange)> {
        Grade::ALL
            .iter()
            .rev()
            .map(|&g| (g, self.get(g)))
            .filter(|(_, r)| r.count > 0)
    }

    /// True when some amount went in and none of them is at `grade` or surer: the total rests
    /// only on weaker evidence (`Grade::InTalks`: only on rumors and inferred flows).
    pub fn rests_only_below(&self, grade: Grade) -> bool {
        self.parts().next().is_some_and(|(g, _)| g < grade)
    }

    /// `{"confirmed", "in_talks", "rumored", "inferred"}`, each a [`MoneyRange::to_json`]
    /// object (all four always present).
    pub fn to_json(&self) -> Value {
        json!({
            "confirmed": self.get(Grade::Confirmed).to_json(),
            "in_talks": self.get(Grade::InTalks).to_json(),
            "rumored": self.get(Grade::Rumored).to_json(),
            "inferred": self.get(Grade::Inferred).to_json(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Money, parse_amount};

    fn total(amounts: &[&str]) -> MoneyRange {
        let parsed: Vec<Amount> = amounts.iter().map(|a| parse_amount(a).unwrap()).collect();
        MoneyRange::of(&parsed)
    }

    fn usd(d: i64) -> MoneySum {
        Money::from_dollars(d).unwrap().into()
    }

    #[test]
    fn at_least_plus_up_to_is_a_range() {
        let t = total(&["at least $8B", "up to $5B"]);
        assert_eq!(t.min, usd(8_000_000_000));
        assert_eq!(t.max(), None, "an at-least figure leaves the top open");
        assert_eq!(t.to_string(), "at least $8B");
        let t = total(&["$8B", "up to $5B"]);
        assert_eq!(
            (t.min, t.max()),
            (usd(8_000_000_000), Some(usd(13_000_000_000)))
        );
        assert_eq!(t.to_string(), "$8B – $13B");
    }

    #[test]
    fn exact_only_is_one_figure() {
        let t = total(&["$38B"]);
        assert!(t.is_exact());
        assert_eq!(t.to_string(), "$38B");
        assert_eq!(total(&["$22.5B", "$30B"]).to_string(), "$52.5B");
    }

    #[test]
    fn up_to_only_starts_at_zero() {
        let t = total(&["up to $50B", "up to $40B"]);
        assert!(t.min.is_zero());
        assert_eq!(t.to_string(), "up to $90B");
        assert_eq!(t.stated, usd(90_000_000_000));
    }

    #[test]
    fn about_counts_at_both_bounds_and_says_so() {
        let t = total(&["about $1.4T"]);
        assert_eq!(t.min, usd(1_400_000_000_000));
        assert_eq!(t.approximate, 1);
        assert_eq!(t.to_string(), "about $1.4T");
        assert_eq!(total(&["about $1B", "up to $1B"]).to_string(), "$1B – $2B");
    }

    #[test]
    fn undisclosed_is_counted_not_added() {
        let t = total(&["undisclosed", "undisclosed"]);
        assert!(t.is_unknown());
        assert_eq!((t.count, t.undisclosed), (2, 2));
        assert_eq!(t.to_string(), "undisclosed");
        assert_eq!(
            total(&["$1B", "undisclosed"]).to_string(),
            "$1B + 1 undisclosed"
        );
        assert_eq!(MoneyRange::new().to_string(), "$0");
    }

    #[test]
    fn merge_equals_adding_everything() {
        let all = [
            "$1B",
            "at least $2B",
            "up to $3B",
            "undisclosed",
            "about $4B",
        ];
        let mut merged = total(&all[..2]);
        merged.merge(&total(&all[2..]));
        assert_eq!(merged, total(&all));
    }

    #[test]
    fn sums_are_exact_beyond_i64_and_f64() {
        // 10 000 × $92 quadrillion − 1 cent overflows i64 cents and loses cents in f64.
        let big = Amount::exact(Money::from_cents(i64::MAX));
        let mut t = MoneyRange::new();
        for _ in 0..10_000 {
            t.add(&big);
        }
        assert_eq!(t.min.cents(), i128::from(i64::MAX) * 10_000);
        let mut m = t;
        m.merge(&t);
        assert_eq!(m.max().unwrap().cents(), i128::from(i64::MAX) * 20_000);
        let cents = Amount::exact(Money::from_cents(1));
        let mut c = MoneyRange::new();
        for _ in 0..3 {
            c.add(&cents);
        }
        assert_eq!(c.to_json()["min_usd"].to_string(), "0.03");
    }

    #[test]
    fn json_shows_an_open_top_as_null() {
        let v = total(&["at least $10B", "undisclosed"]).to_json();
        assert_eq!(v["min_usd"], json!(10_000_000_000i64));
        assert_eq!(v["max_usd"], Value::Null);
        assert_eq!(v["undisclosed"], json!(1));
    }

    fn split(amounts: &[(Grade, &str)]) -> ByGrade {
        let mut split = ByGrade::new();
        for (g, a) in amounts {
            split.add(*g, &parse_amount(a).unwrap());
        }
        split
    }

    #[test]
    fn a_split_total_keeps_talks_apart_from_confirmed_money() {
        // OpenAI's inflows on the seeds: $80B of them still in talks.
        let s = split(&[
            (Grade::Confirmed, "$13B"),
            (Grade::Confirmed, "$22.5B"),
            (Grade::Confirmed, "up to $40B"),
            (Grade::InTalks, "$50B"),
            (Grade::InTalks, "$30B"),
            (Grade::InTalks, "undisclosed"),
        ]);
        assert_eq!(s.get(Grade::Confirmed).to_string(), "$35.5B – $75.5B");
        assert_eq!(s.get(Grade::InTalks).to_string(), "$80B + 1 undisclosed");
        assert_eq!(s.get(Grade::Rumored).count, 0);
        assert_eq!(s.total().to_string(), "$115.5B – $155.5B + 1 undisclosed");
        let grades: Vec<Grade> = s.parts().map(|(g, _)| g).collect();
        assert_eq!(grades, [Grade::Confirmed, Grade::InTalks]);
        assert!(!s.rests_only_below(Grade::InTalks));
    }

    #[test]
    fn a_split_adds_up_to_the_unsplit_total_and_merges_grade_by_grade() {
        let amounts = [
            (Grade::Inferred, "up to $310B"),
            (Grade::Rumored, "undisclosed"),
            (Grade::Confirmed, "at least $8B"),
            (Grade::InTalks, "about $1B"),
        ];
        let whole = split(&amounts);
        assert_eq!(whole.total(), total(&amounts.map(|(_, a)| a)));
        let mut merged = split(&amounts[..2]);
        merged.merge(&split(&amounts[2..]));
        assert_eq!(merged, whole);
    }

    #[test]
    fn a_split_says_when_only_weak_evidence_holds_it_up() {
        let s = split(&[(Grade::Inferred, "up to $310B"), (Grade::Rumored, "$1B")]);
        assert!(s.rests_only_below(Grade::InTalks));
        assert!(!s.rests_only_below(Grade::Rumored));
        assert!(
            !ByGrade::new().rests_only_below(Grade::Confirmed),
            "nothing rests on nothing"
        );
        let v = s.to_json();
        assert_eq!(v["inferred"]["max_usd"], json!(310_000_000_000i64));
        assert_eq!(v["confirmed"]["amounts"], json!(0));
    }

    #[test]
    fn shares_use_stated_figures() {
        let all = total(&["up to $50B", "$50B"]);
        let part = total(&["up to $50B"]);
        assert_eq!(all.share(&part), Some(0.5));
        assert_eq!(MoneyRange::new().share(&part), None);
    }
}
