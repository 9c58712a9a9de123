//! Exact money: whole US cents in an `i64`, and amounts as reported (a value plus a qualifier
//! such as "up to" or "at least"). Parsing accepts the forms people write ("up to $50B",
//! "1.5bn", "1e9") and never goes through floating point.

use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroI64;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A non-negative amount of US dollars, stored exactly as whole cents.
///
/// The cents are kept with their sign bit flipped in a `NonZeroI64`, so that `i64::MIN` (never
/// an amount) is the one value left out and an `Option<Money>` is 8 bytes, not 16: every
/// reported amount of a big load carries one.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money(NonZeroI64);

impl Money {
    pub const ZERO: Money = Money::from_cents(0);

    /// Money from whole cents (`i64::MIN` is taken as `i64::MIN + 1`).
    pub const fn from_cents(cents: i64) -> Money {
        let cents = if cents == i64::MIN { cents + 1 } else { cents };
        match NonZeroI64::new(cents ^ i64::MIN) {
            Some(stored) => Money(stored),
            None => unreachable!(),
        }
    }

    /// Money from whole dollars, `None` if it does not fit.
    pub fn from_dollars(dollars: i64) -> Option<Money> {
        dollars.checked_mul(100).map(Money::from_cents)
    }

    pub const fn cents(self) -> i64 {
        self.0.get() ^ i64::MIN
    }

    /// The amount in dollars as a JSON number: an integer when it is whole dollars, otherwise a
    /// decimal with two places (parsed from its exact decimal text, not computed in floating point).
    ///
    /// Exact at any size: serde_json's `arbitrary_precision` feature keeps the number as this
    /// text, so $12,345,678,901,234.56 is written as `12345678901234.56`, never rounded through
    /// an `f64`. A trailing zero cent is dropped (`1.5`), as the `f64` form always wrote it.
    pub fn to_json_number(self) -> serde_json::Number {
        json_dollars(i128::from(self.cents()))
    }

    /// A ratio `self / other` for display; `None` when `other` is zero.
    pub fn ratio(self, other: Money) -> Option<f64> {
        (other.cents() != 0).then(|| self.cents() as f64 / other.cents() as f64)
    }
}

impl Ord for Money {
    fn cmp(&self, other: &Money) -> Ordering {
        self.cents().cmp(&other.cents())
    }
}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Default for Money {
    fn default() -> Money {
        Money::ZERO
    }
}

impl fmt::Debug for Money {
    /// As the derived form would show the cents: `Money(150)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Money").field(&self.cents()).finish()
    }
}

/// A sum of many amounts: 128-bit cents, so adding a million $1T deals cannot overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct MoneySum(i128);

impl MoneySum {
    pub fn add(&mut self, money: Money) {
        self.0 += i128::from(money.cents());
    }
    pub fn cents(self) -> i128 {
        self.0
    }
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
    /// A JSON number in dollars (integer when whole).
    pub fn to_json_number(self) -> serde_json::Number {
        json_dollars(self.0)
    }
    /// `self / other` for display; `None` when `other` is zero.
    pub fn ratio(self, other: MoneySum) -> Option<f64> {
        (other.0 != 0).then(|| self.0 as f64 / other.0 as f64)
    }
}

/// Cents as an exact JSON number of dollars: `150` → `1.5`, `-5` → `-0.05`, `700` → `7`.
fn json_dollars(cents: i128) -> serde_json::Number {
    if cents % 100 == 0
        && let Ok(dollars) = i64::try_from(cents / 100)
    {
        return serde_json::Number::from(dollars);
    }
    let sign = if cents < 0 { "-" } else { "" };
    let (whole, frac) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    let text = match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    };
    // Always valid JSON number text, so the parse cannot fail; 0 is a fallback, never reached.
    text.parse().unwrap_or_else(|_| serde_json::Number::from(0))
}

impl From<Money> for MoneySum {
    fn from(m: Money) -> Self {
        MoneySum(i128::from(m.cents()))
    }
}

impl fmt::Display for MoneySum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_compact(f, self.0)
    }
}

impl fmt::Display for Money {
    /// Compact form: `$38B`, `$22.5B`, `$1.4T`, `$250M`, `$1,234.56`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_compact(f, i128::from(self.cents()))
    }
}

const UNITS: [(u64, &str); 4] = [
    (100 * 1_000_000_000_000, "T"),
    (100 * 1_000_000_000, "B"),
    (100 * 1_000_000, "M"),
    (100 * 1_000, "K"),
];

/// The compact form of any 128-bit sum: up to three significant decimals, trailing zeros
/// dropped, `~` when that is not exact.
fn write_compact(f: &mut fmt::Formatter<'_>, cents: i128) -> fmt::Result {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    for (scale, unit) in UNITS {
        let scale = i128::from(scale);
        if cents >= scale {
            // Up to three significant decimals, trailing zeros dropped; exact integer arithmetic.
            let whole = cents / scale;
            let frac = (cents % scale) * 1000 / scale;
            let mut frac_text = format!("{frac:03}");
            while frac_text.ends_with('0') {
                frac_text.pop();
            }
            let exact = (cents % scale) * 1000 % scale == 0;
            let approx = if exact { "" } else { "~" };
            return if frac_text.is_empty() {
                write!(f, "{approx}{sign}${whole}{unit}")
            } else {
                write!(f, "{approx}{sign}${whole}.{frac_text}{unit}")
            };
        }
    }
    let dollars = cents / 100;
    let rest = cents % 100;
    if rest == 0 {
        write!(f, "{sign}${dollars}")
    } else {
        write!(f, "{sign}${dollars}.{rest:02}")
    }
}

/// How a reported figure relates to the real amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Qualifier {
    Exact,
    UpTo,
    AtLeast,
    About,
    Undisclosed,
}

impl Qualifier {
    pub const ALL: [Qualifier; 5] = [
        Qualifier::Exact,
        Qualifier::UpTo,
        Qualifier::AtLeast,
        Qualifier::About,
        Qualifier::Undisclosed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::UpTo => "up-to",
            Qualifier::AtLeast => "at-least",
            Qualifier::About => "about",
            Qualifier::Undisclosed => "undisclosed",
        }
    }

    /// The qualifier spelled exactly as [`Qualifier::as_str`] spells it, without allocating
    /// (the forgiving spellings are `FromStr`'s).
    #[inline]
    pub fn from_exact(text: &str) -> Option<Qualifier> {
        match text {
            "exact" => Some(Qualifier::Exact),
            "up-to" => Some(Qualifier::UpTo),
            "at-least" => Some(Qualifier::AtLeast),
            "about" => Some(Qualifier::About),
            "undisclosed" => Some(Qualifier::Undisclosed),
            _ => None,
        }
    }

    /// Words placed before a figure in prose ("up to $50B").
    pub fn prefix(self) -> &'static str {
        match self {
            Qualifier::Exact | Qualifier::Undisclosed => "",
            Qualifier::UpTo => "up to ",
            Qualifier::AtLeast => "at least ",
            Qualifier::About => "about ",
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Qualifier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Ok(match norm.as_str() {
            "exact" | "" => Qualifier::Exact,
            "up-to" | "upto" | "at-most" => Qualifier::UpTo,
            "at-least" | "atleast" | "more-than" | "over" => Qualifier::AtLeast,
            "about" | "approx" | "approximately" | "around" => Qualifier::About,
            "undisclosed" | "unknown" => Qualifier::Undisclosed,
            _ => {
                return Err(format!(
                    "unknown amount qualifier {s:?}; expected one of: {}",
                    Qualifier::ALL.map(Qualifier::as_str).join(", ")
                ));
            }
        })
    }
}

/// A reported amount: a figure (absent when undisclosed) and how to read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount {
    pub qualifier: Qualifier,
    pub value: Option<Money>,
}

impl Amount {
    pub const UNDISCLOSED: Amount = Amount {
        qualifier: Qualifier::Undisclosed,
        value: None,
    };

    pub fn new(qualifier: Qualifier, value: Money) -> Amount {
        Amount {
            qualifier,
            value: Some(value),
        }
    }

    pub fn exact(value: Money) -> Amount {
        Amount::new(Qualifier::Exact, value)
    }

    /// The known figure, if any.
    pub fn known(&self) -> Option<Money> {
        self.value
    }
}

impl fmt::Display for Amount {
    /// "up to $50B", "undisclosed".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value {
            None => f.write_str("undisclosed"),
            Some(v) => write!(f, "{}{v}", self.qualifier.prefix()),
        }
    }
}

/// Why an amount string could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("empty amount")]
    Empty,
    #[error("cannot read {0:?} as an amount")]
    Syntax(String),
    #[error("unknown unit {0:?}")]
    Unit(String),
    #[error("amount must be greater than zero")]
    NotPositive,
    #[error("amount is too large (the limit is about $92 quadrillion)")]
    TooLarge,
    #[error("amount is more precise than a cent")]
    SubCent,
}

impl AmountError {
    /// What to write instead.
    pub fn help(&self) -> &'static str {
        match self {
            AmountError::Unit(_) => "units are K, M, B (or bn) and T, e.g. \"$22.5B\" or \"1.5bn\"",
            AmountError::NotPositive => {
                "write \"undisclosed\" when no figure was reported; amounts are positive USD"
            }
            AmountError::TooLarge => "amounts are USD; check the unit (K, M, B, T)",
            AmountError::SubCent => "amounts are exact to the cent; round to two decimals",
            _ => {
                "write e.g. \"$38B\", \"up to $50B\", \"at least $8B\", \"about $1.4T\", \
                 \"22500000000\" or \"undisclosed\""
            }
        }
    }
}

const QUALIFIER_WORDS: [(&str, Qualifier); 14] = [
    ("up to ", Qualifier::UpTo),
    ("as much as ", Qualifier::UpTo),
    ("at most ", Qualifier::UpTo),
    ("nearly ", Qualifier::UpTo),
    ("at least ", Qualifier::AtLeast),
    ("more than ", Qualifier::AtLeast),
    ("over ", Qualifier::AtLeast),
    (">= ", Qualifier::AtLeast),
    ("> ", Qualifier::AtLeast),
    ("about ", Qualifier::About),
    ("approximately ", Qualifier::About),
    ("around ", Qualifier::About),
    ("roughly ", Qualifier::About),
    ("~", Qualifier::About),
];

/// Parses an amount as people write it: an optional qualifier (`up to`, `at least`, `about`,
/// `~`, ...), an optional `$`, a number (commas allowed, decimal point, or exponent `1e9`),
/// an optional unit (`K`, `M`, `B`/`bn`, `T`, or the words), an optional `USD`. The word
/// `undisclosed` (or `unknown`, `n/a`) means no figure.
///
/// ```
/// use dealgraph::model::{parse_amount, Money, Qualifier};
/// let a = parse_amount("up to $50B").unwrap();
/// assert_eq!(a.qualifier, Qualifier::UpTo);
/// assert_eq!(a.value, Money::from_dollars(50_000_000_000));
/// assert_eq!(parse_amount("1.5bn").unwrap().value, Money::from_dollars(1_500_000_000));
/// assert!(parse_amount("$50BB").is_err());
/// ```
pub fn parse_amount(text: &str) -> Result<Amount, AmountError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(AmountError::Empty);
    }
    let lower = trimmed.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "undisclosed" | "unknown" | "n/a" | "na" | "-"
    ) {
        return Ok(Amount::UNDISCLOSED);
    }
    let mut rest = lower.as_str();
    let mut qualifier = Qualifier::Exact;
    for (word, q) in QUALIFIER_WORDS {
        if let Some(stripped) = rest.strip_prefix(word) {
            qualifier = q;
            rest = stripped.trim_start();
            break;
        }
    }
    let value = parse_money(rest)?;
    Ok(Amount::new(qualifier, value))
}

/// Parses a plain figure (no qualifier): `$38B`, `1e9`, `1,000,000`, `1.5bn`, `250 million`.
pub fn parse_money(text: &str) -> Result<Money, AmountError> {
    let lower = text.trim().to_ascii_lowercase();
    let mut rest = lower.trim();
    if rest.is_empty() {
        return Err(AmountError::Empty);
    }
    if rest.starts_with('-') {
        return Err(AmountError::NotPositive);
    }
    rest = rest.strip_prefix("us$").unwrap_or(rest);
    rest = rest.strip_prefix('$').unwrap_or(rest).trim_start();
    rest = rest.strip_suffix("usd").unwrap_or(rest).trim_end();
    rest = rest.strip_suffix("dollars").unwrap_or(rest).trim_end();
    if rest.starts_with('-') {
        return Err(AmountError::NotPositive);
    }
    // Split the number from the unit.
    let number_end = rest
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || c == ','
                || ((c == 'e') && exponent_follows(&rest[i + 1..]))
                || ((c == '+' || c == '-') && rest[..i].ends_with('e')))
        })
        .map_or(rest.len(), |(i, _)| i);
    let (number, unit) = rest.split_at(number_end);
    let unit = unit.trim();
    if number.is_empty() {
        return Err(AmountError::Syntax(text.trim().to_string()));
    }
    let scale: i128 = match unit {
        "" => 1,
        "k" | "thousand" => 1_000,
        "m" | "mn" | "mm" | "million" => 1_000_000,
        "b" | "bn" | "billion" => 1_000_000_000,
        "t" | "tn" | "trillion" => 1_000_000_000_000,
        other => {
            if other.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(AmountError::Unit(other.to_string()));
            }
            return Err(AmountError::Syntax(text.trim().to_string()));
        }
    };
    let cents = decimal_to_cents(number, scale).ok_or_else(|| {
        // An exponent too negative to read (`1e-99999999999999999999`) is tiny, not large.
        if let Some((mantissa, _)) = number.split_once("e-") {
            if mantissa.bytes().all(|b| matches!(b, b'0' | b'.' | b',')) {
                AmountError::NotPositive
            } else {
                AmountError::SubCent
            }
        } else if number.contains(['e']) || number.len() > 30 {
            AmountError::TooLarge
        } else {
            AmountError::Syntax(text.trim().to_string())
        }
    })?;
    let cents = cents?;
    if cents <= 0 {
        return Err(AmountError::NotPositive);
    }
    let cents = i64::try_from(cents).map_err(|_| AmountError::TooLarge)?;
    Ok(Money::from_cents(cents))
}

fn exponent_follows(after_e: &str) -> bool {
    let after = after_e.strip_prefix(['+', '-']).unwrap_or(after_e);
    after.starts_with(|c: char| c.is_ascii_digit())
}

/// `digits[.digits][e[+-]digits]` times `scale` dollars, in cents. Outer `None`: not a number
/// or out of range; inner error: finer than a cent.
fn decimal_to_cents(number: &str, scale: i128) -> Option<Result<i128, AmountError>> {
    let (mantissa, exponent) = match number.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (number, 0),
    };
    // Commas only as thousands separators in the integer part.
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return None;
        }
    }
    let int_digits: String = int_part.chars().filter(|&c| c != ',').collect();
    if !int_digits.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let digits = format!("{int_digits}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None;
    }
    let mantissa_value: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    // value = mantissa_value * 10^(exponent - frac_len) * scale * 100 cents
    let mut power = exponent.checked_sub(i32::try_from(frac_part.len()).ok()?)?;
    let mut cents = mantissa_value.checked_mul(scale)?.checked_mul(100)?;
    if cents == 0 {
        // Zero at any power is zero: without this, "0e-999999999" spins a billion times.
        return Some(Ok(0));
    }
    while power > 0 {
        cents = cents.checked_mul(10)?;
        power -= 1;
        if cents > i128::from(i64::MAX) * 10 {
            return None;
        }
    }
    while power < 0 {
        if cents % 10 != 0 {
            return Some(Err(AmountError::SubCent));
        }
        cents /= 10;
        power += 1;
    }
    Some(Ok(cents))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dollars(d: i64) -> Money {
        Money::from_dollars(d).unwrap()
    }

    #[test]
    fn zero_with_a_huge_exponent_is_quick() {
        // Found by fuzzing (parse_amount): these looped about a billion times.
        for text in ["0e-959595911", "0e999999999"] {
            assert_eq!(parse_amount(text), Err(AmountError::NotPositive), "{text}");
        }
        // The exponent minus the fraction's length no longer overflows an i32.
        for text in ["0.000e-2147483647", "0.5e-2147483648"] {
            assert!(parse_amount(text).is_err(), "{text}");
        }
    }

    #[test]
    fn parses_human_amounts() {
        let cases = [
            ("$22.5B", Qualifier::Exact, 22_500_000_000),
            ("up to $50B", Qualifier::UpTo, 50_000_000_000),
            ("at least $8B", Qualifier::AtLeast, 8_000_000_000),
            ("about $1.4T", Qualifier::About, 1_400_000_000_000),
            ("~$620B", Qualifier::About, 620_000_000_000),
            ("1e9", Qualifier::Exact, 1_000_000_000),
            ("1000000000", Qualifier::Exact, 1_000_000_000),
            ("$1B", Qualifier::Exact, 1_000_000_000),
            ("1.5bn", Qualifier::Exact, 1_500_000_000),
            ("2.5e3M", Qualifier::Exact, 2_500_000_000),
            ("$1,234,567", Qualifier::Exact, 1_234_567),
            ("250 million", Qualifier::Exact, 250_000_000),
            ("More than $10B", Qualifier::AtLeast, 10_000_000_000),
            ("38B USD", Qualifier::Exact, 38_000_000_000),
        ];
        for (text, q, d) in cases {
            let a = parse_amount(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(a.qualifier, q, "{text}");
            assert_eq!(a.value, Some(dollars(d)), "{text}");
        }
        assert_eq!(parse_amount("Undisclosed").unwrap(), Amount::UNDISCLOSED);
        assert_eq!(
            parse_amount("0.01").unwrap().value,
            Some(Money::from_cents(1))
        );
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(parse_amount("-5"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("0"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("$0B"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("1e400"), Err(AmountError::TooLarge));
        assert_eq!(
            parse_amount("1e-99999999999999999999"),
            Err(AmountError::SubCent)
        );
        assert_eq!(
            parse_amount("0e-99999999999999999999"),
            Err(AmountError::NotPositive)
        );
        assert_eq!(parse_amount("100000000T"), Err(AmountError::TooLarge));
        assert_eq!(parse_amount("0.001"), Err(AmountError::SubCent));
        assert!(matches!(parse_amount("$50BB"), Err(AmountError::Unit(_))));
        assert!(matches!(
            parse_amount("fifty billion"),
            Err(AmountError::Syntax(_))
        ));
        assert!(matches!(parse_amount("NaN"), Err(AmountError::Syntax(_))));
        assert!(matches!(parse_amount("1,00"), Err(AmountError::Syntax(_))));
        assert!(matches!(parse_amount(""), Err(AmountError::Empty)));
        assert!(matches!(parse_amount("$"), Err(AmountError::Syntax(_))));
        assert!(matches!(parse_amount("1.2.3"), Err(AmountError::Syntax(_))));
    }

    /// The 128-bit form, which sums too big for 64 bits go through.
    struct Wide(i128);

    impl fmt::Display for Wide {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_compact(f, self.0)
        }
    }

    fn spelled_as_wide(cents: i64) {
        let wide = Wide(i128::from(cents)).to_string();
        assert_eq!(Money::from_cents(cents).to_string(), wide, "{cents}");
        assert_eq!(MoneySum(i128::from(cents)).to_string(), wide, "{cents}");
        let amount = Amount::new(Qualifier::AtLeast, Money::from_cents(cents));
        assert_eq!(amount.to_string(), format!("at least {wide}"), "{cents}");
    }

    #[test]
    fn spelled_as_the_wide_form_at_every_edge() {
        for (scale, _) in UNITS {
            let scale = scale as i64;
            for cents in [scale - 1, scale, scale + 1, scale + scale / 1000, scale + 7] {
                spelled_as_wide(cents);
                spelled_as_wide(-cents);
            }
        }
        for cents in [0, 1, 99, 100, 101, 12_345, 99_999, i64::MAX, i64::MIN + 1] {
            spelled_as_wide(cents);
        }
        let huge = MoneySum(i128::from(i64::MAX) * 1000);
        assert_eq!(huge.to_string(), Wide(huge.0).to_string());
        assert_eq!(Amount::UNDISCLOSED.to_string(), "undisclosed");
    }

    proptest::proptest! {
        #[test]
        fn spelled_as_the_wide_form(cents in i64::MIN + 1..=i64::MAX, digits in 0u32..16) {
            spelled_as_wide(cents);
            // Amounts as reported are mostly a few significant digits.
            spelled_as_wide(cents.signum() * (cents % 1000).abs() * 10i64.pow(digits) / 10);
        }
    }

    #[test]
    fn displays_compactly_and_exactly() {
        assert_eq!(dollars(38_000_000_000).to_string(), "$38B");
        assert_eq!(dollars(22_500_000_000).to_string(), "$22.5B");
        assert_eq!(dollars(1_400_000_000_000).to_string(), "$1.4T");
        assert_eq!(dollars(250).to_string(), "$250");
        assert_eq!(Money::from_cents(123_456).to_string(), "~$1.234K");
        assert_eq!(dollars(1_234_567_891).to_string(), "~$1.234B");
        assert_eq!(
            parse_amount("up to $50B").unwrap().to_string(),
            "up to $50B"
        );
        assert_eq!(Money::from_cents(150).to_json_number().to_string(), "1.5");
        assert_eq!(dollars(7).to_json_number().to_string(), "7");
    }

    #[test]
    fn json_numbers_are_exact_at_any_size() {
        let big = Money::from_cents(1_234_567_890_123_456);
        assert_eq!(big.to_json_number().to_string(), "12345678901234.56");
        let json = serde_json::to_string(&serde_json::json!({ "usd": big.to_json_number() }));
        assert_eq!(json.unwrap(), r#"{"usd":12345678901234.56}"#);
        assert_eq!(
            Money::from_cents(1_234_567_890_123_405)
                .to_json_number()
                .to_string(),
            "12345678901234.05"
        );
        assert_eq!(
            Money::from_cents(i64::MAX).to_json_number().to_string(),
            "92233720368547758.07"
        );
        assert_eq!(Money::from_cents(-5).to_json_number().to_string(), "-0.05");
        assert_eq!(Money::from_cents(-150).to_json_number().to_string(), "-1.5");
        let sum = MoneySum(i128::from(i64::MAX) * 1000 + 1);
        assert_eq!(sum.to_json_number().to_string(), "92233720368547758070.01");
        assert_eq!(
            MoneySum(i128::from(i64::MAX) * 100)
                .to_json_number()
                .to_string(),
            "9223372036854775807"
        );
    }
}
