//! Questions asked of the money-flow graph: loops, stakeholders, paths and statistics. One
//! query per file; each returns owned, deterministically sorted results.

pub mod components;
pub mod cycles;
pub mod diff;
pub mod paths;
mod rows;
pub mod stakeholders;
pub mod stats;
pub mod top_entities;
pub mod totals;

#[cfg(test)]
mod testgen;
