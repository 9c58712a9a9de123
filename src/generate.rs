//! Synthetic deal data for tests, benchmarks and scale trials: a deterministic, scale-free
//! money-flow graph written as the entities and deals CSVs that [`crate::load`] reads.
//!
//! The same [`Spec`] gives the same bytes on every machine: the random numbers come from a
//! xoshiro256** generator written here (seeded with SplitMix64), every draw is integer
//! arithmetic (no floating-point `exp`/`ln`, whose last bits differ between C libraries), and
//! nothing iterates a hash map.
//!
//! # The model
//!
//! Entities `e0`, `e1`, … arrive one at a time, spread evenly over the deals. Each arrival brings
//! one deal linking the newcomer to an existing entity; every other deal links two existing
//! entities. Endpoints are chosen by *preferential attachment*: the payer is a uniformly random
//! earlier payer (so an entity is picked in proportion to how many deals it already pays), the
//! payee likewise among earlier payees, and one draw in four is instead uniform over all arrived
//! entities. Both in- and out-degrees come out heavy-tailed (a few hubs, a long tail of
//! entities with one or two deals), as in real deal data. When there are at least
//! `entities - 1` deals, every entity takes part in some deal.
//!
//! Each deal row also gets:
//! - a kind: cloud 30 %, chips 22 %, revenue 20 %, investment 18 %, loan 10 %;
//! - an amount, log-uniform over $100K–$1T as integer dollars with three significant digits,
//!   and a qualifier: exact 70 %, up-to 12 %, about 8 %, at-least 5 %, undisclosed 5 % (no
//!   amount);
//! - a date, uniform over 2015-01-01..=2026-06-30: 80 % a full date, 15 % year and month, 5 %
//!   undated;
//! - a status: announced 40 %, completed 30 %, in-talks 12 %, rumored 10 %, cancelled 8 %;
//! - the source `dealgraph-generate`.
//!
//! No deal has the same payer and payee. Pairs of entities may have several deals (parallel
//! edges), as real data does.
//!
//! ```
//! use dealgraph::generate::{Spec, deals_csv, entities_csv};
//! use dealgraph::load::{load_str, LoadOptions};
//!
//! let spec = Spec { entities: 50, deals: 200, seed: 7 };
//! let deals = deals_csv(&spec);
//! assert_eq!(deals, deals_csv(&spec)); // same seed, same bytes
//! assert!(deals.starts_with(b"from,to,kind,amount_usd,amount_qualifier,date,status,source\n"));
//!
//! // The deals CSV loads on its own when entities are created on the fly.
//! let text = String::from_utf8(deals).unwrap();
//! let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
//! let loaded = load_str("deals.csv", &text, options).unwrap();
//! assert_eq!(loaded.dataset.deals().len(), 200);
//! # let _ = entities_csv(&spec);
//! ```

use std::io::{self, Write};

use chrono::{Days, NaiveDate};

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Number of entities (`e0` … `e{n-1}`); at least 2 when there are deals.
    pub entities: u32,
    /// Number of deals (one CSV row each).
    pub deals: u32,
    /// Seed of the random number generator.
    pub seed: u64,
}

/// Why a [`Spec`] cannot be generated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("deals need at least 2 entities, but --entities is {0}")]
    TooFewEntities(u32),
}

impl Spec {
    /// Checks that the spec can be generated.
    pub fn check(&self) -> Result<(), SpecError> {
        if self.deals > 0 && self.entities < 2 {
            return Err(SpecError::TooFewEntities(self.entities));
        }
        Ok(())
    }
}

/// The header of the deals CSV.
pub const DEALS_HEADER: &str = "from,to,kind,amount_usd,amount_qualifier,date,status,source";
/// The header of the entities CSV.
pub const ENTITIES_HEADER: &str = "id,name,kind";
/// The `source` of every generated deal.
pub const SOURCE: &str = "dealgraph-generate";

/// One generated deal row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Index of the payer (`e{from}`).
    pub from: u32,
    /// Index of the payee (`e{to}`); never equal to `from`.
    pub to: u32,
    pub kind: &'static str,
    /// Whole dollars; `None` when undisclosed.
    pub amount_usd: Option<u64>,
    pub qualifier: &'static str,
    /// Days since 2015-01-01 and the precision written: 0 undated, 1 year-month, 2 full date.
    pub date: Option<(u32, u8)>,
    pub status: &'static str,
}

// ---------------------------------------------------------------------------------------------
// Random numbers: SplitMix64 to seed, xoshiro256** to draw. Both are public-domain reference
// algorithms (Blackman & Vigna), reproduced exactly so output never depends on a crate version.

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// xoshiro256**: small, fast, and the same on every platform.
#[derive(Clone, Debug)]
struct Rng([u64; 4]);

impl Rng {
    /// A generator for `seed`, on an independent `stream` (entities and deals use different
    /// streams so changing one never shifts the other).
    fn new(seed: u64, stream: u64) -> Rng {
        let mut sm = seed ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03);
        Rng([
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), by Lemire's multiply-shift (bias below 2^-32 for any `n`
    /// used here).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Picks from `(weight, value)` pairs whose weights sum to 100.
    fn weighted<T: Copy>(&mut self, table: &[(u8, T)]) -> T {
        let mut r = self.below(100) as u8;
        for &(w, v) in table {
            if r < w {
                return v;
            }
            r -= w;
        }
        table[table.len() - 1].1
    }
}

const DEAL_KINDS: &[(u8, &str)] = &[
    (30, "cloud"),
    (22, "chips"),
    (20, "revenue"),
    (18, "investment"),
    (10, "loan"),
];
const QUALIFIERS: &[(u8, &str)] = &[
    (70, "exact"),
    (12, "up-to"),
    (8, "about"),
    (5, "at-least"),
    (5, "undisclosed"),
];
const STATUSES: &[(u8, &str)] = &[
    (40, "announced"),
    (30, "completed"),
    (12, "in-talks"),
    (10, "rumored"),
    (8, "cancelled"),
];
/// 0 undated, 1 year-month, 2 full date.
const DATE_PRECISION: &[(u8, u8)] = &[(80, 2), (15, 1), (5, 0)];
const ENTITY_KINDS: &[(u8, &str)] = &[
    (80, "company"),
    (10, "fund"),
    (3, "person"),
    (3, "consortium"),
    (2, "sovereign-fund"),
    (2, "government"),
];
const NAME_HEADS: &[&str] = &[
    "Apex", "Aurora", "Beacon", "Cobalt", "Delta", "Ember", "Fathom", "Granite", "Helix", "Ion",
    "Juniper", "Keystone", "Lumen", "Meridian", "Nimbus", "Nova", "Orbit", "Photon", "Quanta",
    "Radiant", "Sable", "Tensor", "Umbra", "Vector", "Willow", "Xenon", "Yotta", "Zenith",
];
const NAME_TAILS: &[&str] = &[
    "AI",
    "Labs",
    "Systems",
    "Capital",
    "Compute",
    "Cloud",
    "Semiconductor",
    "Partners",
    "Networks",
    "Robotics",
    "Foundry",
    "Data",
    "Ventures",
    "Holdings",
    "Research",
];

/// Days from 2015-01-01 to 2026-06-30 inclusive.
const DATE_SPAN_DAYS: u64 = 4199;
/// Share (percent) of endpoint draws that are uniform instead of preferential.
const UNIFORM_PCT: u64 = 25;

/// The deal rows of `spec`, in order. Holds two `u32` per deal generated so far (the payer and
/// payee lists that preferential attachment samples from).
pub struct Deals {
    rng: Rng,
    spec: Spec,
    /// Deals produced so far.
    made: u32,
    /// Entities arrived so far (`e0..e{arrived}`).
    arrived: u32,
    /// Arrival deals due in total: one per entity after the first, at most one per deal.
    arrivals: u32,
    payers: Vec<u32>,
    payees: Vec<u32>,
}

impl Deals {
    /// The rows for `spec` (see the module docs for the model).
    pub fn new(spec: &Spec) -> Result<Deals, SpecError> {
        spec.check()?;
        let capacity = spec.deals as usize;
        Ok(Deals {
            rng: Rng::new(spec.seed, 2),
            spec: *spec,
            made: 0,
            arrived: 1,
            arrivals: spec.entities.saturating_sub(1).min(spec.deals),
            payers: Vec::with_capacity(capacity),
            payees: Vec::with_capacity(capacity),
        })
    }

    /// An endpoint drawn from `list` (preferential) or uniformly over arrived entities.
    fn pick(rng: &mut Rng, list: &[u32], arrived: u32) -> u32 {
        if list.is_empty() || rng.below(100) < UNIFORM_PCT {
            rng.below(u64::from(arrived)) as u32
        } else {
            list[rng.below(list.len() as u64) as usize]
        }
    }

    fn endpoints(&mut self) -> (u32, u32) {
        let k = u128::from(self.made);
        let total = u128::from(self.arrivals);
        let deals = u128::from(self.spec.deals);
        // Arrivals due after this deal: ceil((k + 1) * total / deals), spread evenly.
        let due = ((k + 1) * total).div_ceil(deals) as u32;
        let rng = &mut self.rng;
        if self.arrived - 1 < due {
            let new = self.arrived;
            self.arrived += 1;
            return if rng.below(2) == 0 {
                (new, Self::pick(rng, &self.payees, new))
            } else {
                (Self::pick(rng, &self.payers, new), new)
            };
        }
        let n = self.arrived;
        let from = Self::pick(rng, &self.payers, n);
        for _ in 0..8 {
            let to = Self::pick(rng, &self.payees, n);
            if to != from {
                return (from, to);
            }
        }
        // A hub that both pays and is paid most: fall back to any other entity.
        let to = (from + 1 + rng.below(u64::from(n - 1)) as u32) % n;
        (from, to)
    }
}

impl Iterator for Deals {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        if self.made == self.spec.deals {
            return None;
        }
        let (from, to) = self.endpoints();
        self.made += 1;
        self.payers.push(from);
        self.payees.push(to);
        let rng = &mut self.rng;
        let kind = rng.weighted(DEAL_KINDS);
        let qualifier = rng.weighted(QUALIFIERS);
        let amount_usd = (qualifier != "undisclosed").then(|| log_uniform_amount(rng));
        let date = match rng.weighted(DATE_PRECISION) {
            0 => None,
            p => Some((rng.below(DATE_SPAN_DAYS) as u32, p)),
        };
        let status = rng.weighted(STATUSES);
        Some(Row {
            from,
            to,
            kind,
            amount_usd,
            qualifier,
            date,
            status,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.spec.deals - self.made) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Deals {}

/// Whole dollars in [$100K, $1T), log-uniform, three significant digits: a mantissa in
/// 100..=999 drawn with probability proportional to 1/m (by rejection), times a power of ten
/// drawn uniformly from 10^3..=10^9. Integer-only, so identical everywhere.
fn log_uniform_amount(rng: &mut Rng) -> u64 {
    let mantissa = loop {
        let m = 100 + rng.below(900);
        if rng.below(m) < 100 {
            break m;
        }
    };
    mantissa * 10u64.pow(3 + rng.below(7) as u32)
}

/// The first day a generated deal can be dated.
const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2015, 1, 1).expect("a valid date");

/// The day `days` after [`FIRST_DAY`].
fn day(days: u32) -> NaiveDate {
    FIRST_DAY + Days::new(u64::from(days))
}

/// The date as the CSV spells it: nothing when undated, `YYYY-MM` or `YYYY-MM-DD`.
fn write_date(out: &mut impl Write, date: Option<(u32, u8)>) -> io::Result<()> {
    match date {
        None => Ok(()),
        Some((days, 1)) => write!(out, "{}", day(days).format("%Y-%m")),
        Some((days, _)) => write!(out, "{}", day(days).format("%Y-%m-%d")),
    }
}

/// Writes the deals CSV of `spec` (header + one row per deal) to `out`. Wrap files in a
/// `BufWriter`: rows are written field by field.
///
/// Complexity: `O(deals)` time; `8 × deals` bytes of memory for the attachment lists.
pub fn write_deals(spec: &Spec, mut out: impl Write) -> io::Result<()> {
    let deals = Deals::new(spec).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    writeln!(out, "{DEALS_HEADER}")?;
    for row in deals {
        write!(out, "e{},e{},{},", row.from, row.to, row.kind)?;
        if let Some(a) = row.amount_usd {
            write!(out, "{a}")?;
        }
        write!(out, ",{},", row.qualifier)?;
        write_date(&mut out, row.date)?;
        writeln!(out, ",{},{SOURCE}", row.status)?;
    }
    out.flush()
}

/// Writes the entities CSV of `spec`: `id,name,kind`, ids `e0` … in order, names like
/// "Nimbus Compute 17" (unique thanks to the number), kinds mostly `company`.
///
/// Complexity: `O(entities)` time, constant memory.
pub fn write_entities(spec: &Spec, mut out: impl Write) -> io::Result<()> {
    let mut rng = Rng::new(spec.seed, 1);
    writeln!(out, "{ENTITIES_HEADER}")?;
    for i in 0..spec.entities {
        let head = NAME_HEADS[rng.below(NAME_HEADS.len() as u64) as usize];
        let tail = NAME_TAILS[rng.below(NAME_TAILS.len() as u64) as usize];
        let kind = rng.weighted(ENTITY_KINDS);
        writeln!(out, "e{i},{head} {tail} {i},{kind}")?;
    }
    out.flush()
}

/// The deals CSV of `spec` in memory. Panics if the spec fails [`Spec::check`].
pub fn deals_csv(spec: &Spec) -> Vec<u8> {
    let mut out = Vec::with_capacity(spec.deals as usize * 64 + 64);
    write_deals(spec, &mut out).expect("a valid spec");
    out
}

/// The entities CSV of `spec` in memory.
pub fn entities_csv(spec: &Spec) -> Vec<u8> {
    let mut out = Vec::with_capacity(spec.entities as usize * 32 + 16);
    write_entities(spec, &mut out).expect("writing to memory cannot fail");
    out
}

/// The same data as one TOML document (`[[entity]]` and `[[deal]]` with one `[[deal.report]]`
/// each; deal ids `d0`, `d1`, …), for comparing loaders across formats. Panics if the spec
/// fails [`Spec::check`].
pub fn toml_document(spec: &Spec) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(spec.deals as usize * 160 + spec.entities as usize * 64);
    for (id, name, kind) in entity_rows(spec) {
        let _ = writeln!(
            out,
            "[[entity]]\nid = \"{id}\"\nname = \"{name}\"\nkind = \"{kind}\"\n"
        );
    }
    for (i, row) in Deals::new(spec).expect("a valid spec").enumerate() {
        let _ = writeln!(
            out,
            "[[deal]]\nid = \"d{i}\"\nkind = \"{}\"\nfrom = \"e{}\"\nto = \"e{}\"\n\n[[deal.report]]\nsource = \"{SOURCE}\"\nstatus = \"{}\"\nqualifier = \"{}\"",
            row.kind, row.from, row.to, row.status, row.qualifier
        );
        if let Some(a) = row.amount_usd {
            let _ = writeln!(out, "amount_usd = {a}");
        }
        if row.date.is_some() {
            let mut date = Vec::new();
            write_date(&mut date, row.date).expect("memory");
            let _ = writeln!(out, "date = \"{}\"", String::from_utf8_lossy(&date));
        }
        out.push('\n');
    }
    out
}

/// The same data as one JSON document (`{"entities": [...], "deals": [...]}`; deal ids `d0`,
/// `d1`, …). Panics if the spec fails [`Spec::check`].
pub fn json_document(spec: &Spec) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(spec.deals as usize * 200 + spec.entities as usize * 64);
    out.push_str("{\"entities\": [\n");
    for (i, (id, name, kind)) in entity_rows(spec).enumerate() {
        let sep = if i == 0 { "" } else { ",\n" };
        let _ = write!(
            out,
            "{sep}{{\"id\": \"{id}\", \"name\": \"{name}\", \"kind\": \"{kind}\"}}"
        );
    }
    out.push_str("\n], \"deals\": [\n");
    for (i, row) in Deals::new(spec).expect("a valid spec").enumerate() {
        let sep = if i == 0 { "" } else { ",\n" };
        let _ = write!(
            out,
            "{sep}{{\"id\": \"d{i}\", \"kind\": \"{}\", \"from\": \"e{}\", \"to\": \"e{}\", \"reports\": [{{\"source\": \"{SOURCE}\", \"status\": \"{}\", \"qualifier\": \"{}\"",
            row.kind, row.from, row.to, row.status, row.qualifier
        );
        if let Some(a) = row.amount_usd {
            let _ = write!(out, ", \"amount_usd\": {a}");
        }
        if row.date.is_some() {
            let mut date = Vec::new();
            write_date(&mut date, row.date).expect("memory");
            let _ = write!(out, ", \"date\": \"{}\"", String::from_utf8_lossy(&date));
        }
        out.push_str("}]}");
    }
    out.push_str("\n]}\n");
    out
}

/// `(id, name, kind)` of each entity, parsed back from [`write_entities`] so the three formats
/// always agree.
fn entity_rows(spec: &Spec) -> impl Iterator<Item = (String, String, String)> {
    let text = String::from_utf8(entities_csv(spec)).expect("ASCII");
    text.lines()
        .skip(1)
        .map(|line| {
            let mut f = line.splitn(3, ',');
            let mut next = || f.next().unwrap_or_default().to_string();
            (next(), next(), next())
        })
        .collect::<Vec<_>>()
        .into_iter()
}

/// The deals of a generated dataset loaded as the CLI loads `--auto-entities` data, for the
/// tests of the layers above.
#[cfg(test)]
pub(crate) fn loaded_deals(entities: u32, deals: u32, seed: u64) -> crate::model::Dataset {
    let spec = Spec {
        entities,
        deals,
        seed,
    };
    let csv = String::from_utf8(deals_csv(&spec)).expect("the generator writes UTF-8");
    let options = crate::load::LoadOptions {
        auto_entities: true,
        ..crate::load::LoadOptions::default()
    };
    crate::load::load_str("deals.csv", &csv, options)
        .expect("generated data loads")
        .dataset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(entities: u32, deals: u32, seed: u64) -> Spec {
        Spec {
            entities,
            deals,
            seed,
        }
    }

    #[test]
    fn same_seed_same_bytes() {
        let s = spec(300, 2000, 42);
        assert_eq!(deals_csv(&s), deals_csv(&s));
        assert_eq!(entities_csv(&s), entities_csv(&s));
        assert_eq!(toml_document(&s), toml_document(&s));
    }

    #[test]
    fn different_seed_different_bytes() {
        assert_ne!(
            deals_csv(&spec(300, 2000, 1)),
            deals_csv(&spec(300, 2000, 2))
        );
        assert_ne!(
            entities_csv(&spec(300, 0, 1)),
            entities_csv(&spec(300, 0, 2))
        );
    }

    /// Pins the exact output so a change to the generator (or a platform difference) shows up.
    #[test]
    fn output_is_pinned() {
        let s = spec(5, 6, 2024);
        let deals = String::from_utf8(deals_csv(&s)).unwrap();
        let entities = String::from_utf8(entities_csv(&s)).unwrap();
        assert_eq!(deals, PINNED_DEALS, "{deals}");
        assert_eq!(entities, PINNED_ENTITIES, "{entities}");
    }

    const PINNED_DEALS: &str = "\
from,to,kind,amount_usd,amount_qualifier,date,status,source
e1,e0,cloud,9580000000,exact,2023-11-15,completed,dealgraph-generate
e2,e0,investment,247000,up-to,2015-07-21,announced,dealgraph-generate
e2,e0,loan,67300000000,exact,2016-10-16,announced,dealgraph-generate
e3,e1,cloud,437000000,exact,2016-03,completed,dealgraph-generate
e4,e3,chips,251000000000,exact,2016-03,announced,dealgraph-generate
e3,e1,revenue,1730000000,exact,2015-12-16,completed,dealgraph-generate
";
    const PINNED_ENTITIES: &str = "\
id,name,kind
e0,Orbit Holdings 0,company
e1,Orbit Labs 1,company
e2,Ember Robotics 2,company
e3,Willow Data 3,company
e4,Granite Semiconductor 4,fund
";

    #[test]
    fn rng_matches_the_reference_xoshiro256starstar() {
        // Reference: state {1, 2, 3, 4} gives 11520, 0, 1509978240, 1215971899390074240.
        let mut rng = Rng([1, 2, 3, 4]);
        let got: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
        assert_eq!(got, [11520, 0, 1509978240, 1215971899390074240]);
        // SplitMix64 from 0: first output 0xe220a8397b1dcdaf.
        let mut sm = 0;
        assert_eq!(splitmix64(&mut sm), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn no_self_deals_and_every_entity_used() {
        let s = spec(1000, 5000, 9);
        let mut used = vec![false; 1000];
        for row in Deals::new(&s).unwrap() {
            assert_ne!(row.from, row.to);
            assert!(row.from < 1000 && row.to < 1000);
            used[row.from as usize] = true;
            used[row.to as usize] = true;
        }
        assert!(used.iter().all(|&u| u));
    }

    #[test]
    fn two_entities_still_work() {
        let rows: Vec<Row> = Deals::new(&spec(2, 50, 3)).unwrap().collect();
        assert_eq!(rows.len(), 50);
        assert!(rows.iter().all(|r| r.from != r.to));
    }

    #[test]
    fn too_few_entities_is_an_error() {
        assert_eq!(
            Deals::new(&spec(1, 5, 0)).err(),
            Some(SpecError::TooFewEntities(1))
        );
        assert_eq!(Deals::new(&spec(0, 0, 0)).unwrap().count(), 0);
    }

    #[test]
    fn degrees_are_skewed_both_ways() {
        let n = 10_000u32;
        let s = spec(n, 50_000, 5);
        let mut out_deg = vec![0u32; n as usize];
        let mut in_deg = vec![0u32; n as usize];
        for row in Deals::new(&s).unwrap() {
            out_deg[row.from as usize] += 1;
            in_deg[row.to as usize] += 1;
        }
        for (name, mut deg) in [("out", out_deg), ("in", in_deg)] {
            deg.sort_unstable_by(|a, b| b.cmp(a));
            let total: u64 = deg.iter().map(|&d| u64::from(d)).sum();
            let top1pct: u64 = deg[..(n / 100) as usize]
                .iter()
                .map(|&d| u64::from(d))
                .sum();
            // Uniform random endpoints would give the top 1 % about 3 % of the deals, and a
            // maximum degree near 15; preferential attachment gives hubs.
            assert!(
                top1pct * 100 / total >= 15,
                "{name}: top 1% hold {top1pct} of {total}"
            );
            assert!(deg[0] >= 200, "{name}: max degree {}", deg[0]);
            // ...and a long tail: many entities with at most one deal that way.
            let low = deg.iter().filter(|&&d| d <= 1).count();
            assert!(low >= (n / 4) as usize, "{name}: {low} entities with <= 1");
        }
    }

    #[test]
    fn mixes_kinds_statuses_and_amounts() {
        let rows: Vec<Row> = Deals::new(&spec(500, 20_000, 11)).unwrap().collect();
        let share =
            |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count() * 100 / rows.len();
        let investments = share(&|r| r.kind == "investment");
        assert!(
            (10..30).contains(&investments),
            "investments {investments}%"
        );
        for kind in ["cloud", "chips", "revenue", "loan"] {
            assert!(share(&|r| r.kind == kind) > 0, "{kind}");
        }
        for status in ["announced", "completed", "in-talks", "rumored", "cancelled"] {
            assert!(share(&|r| r.status == status) > 0, "{status}");
        }
        let amounts: Vec<u64> = rows.iter().filter_map(|r| r.amount_usd).collect();
        assert!(
            amounts
                .iter()
                .all(|&a| (100_000..1_000_000_000_000).contains(&a))
        );
        // Log-uniform: each of the seven decades holds roughly a seventh.
        for decade in 5..12 {
            let lo = 10u64.pow(decade);
            let n = amounts.iter().filter(|&&a| a >= lo && a < lo * 10).count();
            let pct = n * 100 / amounts.len();
            assert!((10..=19).contains(&pct), "decade 1e{decade}: {pct}%");
        }
        let undisclosed = rows.iter().filter(|r| r.amount_usd.is_none()).count();
        assert!(undisclosed > 0);
        assert!(
            rows.iter()
                .all(|r| r.amount_usd.is_none() == (r.qualifier == "undisclosed"))
        );
    }

    #[test]
    fn dates_are_valid_and_in_range() {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(day(0), ymd(2015, 1, 1));
        assert_eq!(day(365 + 31 + 28), ymd(2016, 2, 29));
        assert_eq!(day(DATE_SPAN_DAYS as u32 - 1), ymd(2026, 6, 30));
        let mut text = Vec::new();
        write_date(&mut text, Some((365 + 31 + 28, 2))).unwrap();
        write_date(&mut text, Some((365 + 31 + 28, 1))).unwrap();
        write_date(&mut text, None).unwrap();
        assert_eq!(text, b"2016-02-292016-02");
    }

    #[test]
    fn all_three_formats_load_to_the_same_dataset() {
        use crate::load::{LoadOptions, load_str};
        let s = spec(40, 300, 8);
        let options = LoadOptions::default();
        // One CSV holds one kind of row: load the deals CSV with entities made on the fly.
        let deals_text = String::from_utf8(deals_csv(&s)).unwrap();
        let auto = LoadOptions {
            auto_entities: true,
            ..options
        };
        let from_csv = load_str("deals.csv", &deals_text, auto).unwrap().dataset;
        let from_toml = load_str("d.toml", &toml_document(&s), options)
            .unwrap()
            .dataset;
        let from_json = load_str("d.json", &json_document(&s), options)
            .unwrap()
            .dataset;
        assert_eq!(from_toml.entities().len(), 40);
        assert_eq!(from_json.entities().len(), 40);
        for other in [&from_toml, &from_json] {
            assert_eq!(other.deals().len(), from_csv.deals().len());
            for (a, b) in from_csv.deals().zip(other.deals()) {
                assert_eq!(from_csv.entity(a.from()).id, other.entity(b.from()).id);
                assert_eq!(from_csv.entity(a.to()).id, other.entity(b.to()).id);
                assert_eq!(a.kind(), b.kind());
                assert_eq!(a.report(0).amount, b.report(0).amount);
                assert_eq!(a.report(0).date, b.report(0).date);
                assert_eq!(a.report(0).status, b.report(0).status);
            }
        }
    }
}
