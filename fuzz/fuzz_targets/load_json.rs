//! Fuzzes the json loader: any text must load or give diagnostics that render, never panic.
#![no_main]

mod loader;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| loader::load_any("fuzz.json", text));
