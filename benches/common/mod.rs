//! What every bench starts from: a synthetic dataset from `dealgraph::generate`, loaded.

use chrono::NaiveDate;
use dealgraph::generate::{self, Spec};
use dealgraph::load::{LoadOptions, Loaded, load_str};

/// The day benches judge deals on (fixed, so results do not drift with the calendar).
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()
}

/// `deals` generated deals between `deals / 5` entities (seed 1), loaded from CSV.
pub fn loaded(deals: u32) -> Loaded {
    let spec = Spec {
        entities: deals / 5,
        deals,
        seed: 1,
    };
    let text = String::from_utf8(generate::deals_csv(&spec)).unwrap();
    let options = LoadOptions {
        auto_entities: true,
        today: as_of(),
        progress: None,
    };
    load_str("deals.csv", &text, options).expect("generated data loads")
}
