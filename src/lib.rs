//! dealgraph maps who pays whom in the AI industry — investments, cloud contracts, chip
//! purchases, loans — and finds where the money goes round in circles.
//!
//! Edges point the way cash flows: the `from` entity pays the `to` entity. The pipeline is
//! visible in the modules: [`model`] → [`load`] → [`graph`] → [`query`] → [`render`]; lower
//! layers never import higher ones, and the library never depends on the command line.
//!
//! ```
//! use dealgraph::graph::{Filter, MoneyGraph};
//! use dealgraph::load::{load_bundled, LoadOptions};
//!
//! // The seeds dataset extracted from five news articles is compiled in.
//! let loaded = load_bundled(LoadOptions::default()).unwrap();
//! let data = &loaded.dataset;
//! let amazon = data.resolve("AWS").unwrap();
//! let openai = data.resolve("openai").unwrap();
//!
//! // The money-flow graph as it stands today: each deal judged by its newest report.
//! let graph = MoneyGraph::build(data, Filter::today());
//! let paid_by_openai: Vec<_> = graph
//!     .incoming(amazon)
//!     .into_iter()
//!     .filter(|v| v.deal.from() == openai)
//!     .map(|v| v.report().amount.to_string())
//!     .collect();
//! assert!(paid_by_openai.contains(&"$38B".to_string()));
//!
//! // Money goes round: Amazon pays OpenAI and OpenAI pays Amazon.
//! let hops = graph.hops();
//! assert!(hops.find(amazon, openai).is_some() && hops.find(openai, amazon).is_some());
//! ```

pub mod extract;
pub mod generate;
pub mod graph;
pub mod load;
pub mod model;
mod parallel;
pub mod query;
pub mod render;
