//! Fuzzes date parsing (report dates and --as-of): never panics; a parsed date displays and
//! parses back to the same date.
#![no_main]

use dealgraph::model::{PartialDate, parse_as_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(date) = text.parse::<PartialDate>() {
        let again: PartialDate = date.to_string().parse().expect("display parses back");
        assert_eq!(again, date);
        let _ = date.on_or_before(chrono::NaiveDate::MIN);
    }
    let _ = parse_as_of(text);
});
