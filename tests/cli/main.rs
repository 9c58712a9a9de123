//! The integration-test binary: CLI behaviour per command, one module each, plus what all
//! commands share (global options, hostile input, escaping), sharing helpers.

mod common;
mod cycles;
mod diff;
mod escaping;
mod event_dates;
mod explore;
mod export;
mod extract;
mod generate;
mod global;
mod grades;
mod hostile_input;
mod json_contract;
mod list;
mod map;
mod path;
mod seeds;
mod show;
mod stakeholders;
mod stats;
mod validate;
