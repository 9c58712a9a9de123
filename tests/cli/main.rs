//! The integration-test binary: CLI behaviour per command, one module each, sharing helpers.

mod common;
mod cycles;
mod foundation;
mod generate;
mod grades;
mod hardening;
mod map;
mod stakeholders;
