//! dealgraph maps who pays whom in the AI industry — investments, cloud contracts, chip
//! purchases, loans — and finds where the money goes round in circles.
//!
//! Edges point the way cash flows: the `from` entity pays the `to` entity. The pipeline is
//! visible in the modules: [`model`] → [`load`] → [`graph`] → [`query`] → [`render`].

pub mod graph;
pub mod load;
pub mod model;
pub mod query;
pub mod render;
