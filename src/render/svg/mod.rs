//! SVG maps, two ways: through Graphviz (`dot` on PATH, run by graphviz-rust on the DOT of
//! [`dot::to_dot`]), or with the builtin renderer: pure Rust, a layered
//! layout from [`layout`] and our own SVG writer. Both read the same style
//! table. Every piece of text is XML-escaped by [`xml_escape`]; a name can never add an
//! element or an attribute.

//!
//! `graphviz` runs Graphviz; `builtin` plans and writes the builtin map, with its
//! `legend`; `text` escapes, measures and places text; `png` rasterises an SVG (resvg) and
//! `pdf` writes it as PDF (krilla-svg), both in the bundled font of `fonts`.

mod builtin;
mod fonts;
mod graphviz;
mod legend;
mod pdf;
mod png;
mod text;

pub use builtin::render_builtin;
pub use fonts::{BUNDLED_FAMILY, FontOptions};
pub use graphviz::{GraphvizLayout, graphviz_path, render_graphviz, render_graphviz_until};
pub use pdf::{Pdf, PdfError, PdfOptions, to_pdf};
pub use png::{Png, PngError, PngOptions, to_png};
pub use text::{text_width, xml_escape};

use super::map::MapSpec;
#[cfg(doc)]
use super::{dot, layout};
use crate::model::Dataset;

/// Which renderer draws the SVG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Graphviz when `dot` is on PATH, the builtin renderer otherwise.
    Auto,
    /// Graphviz's `dot` program; an error when it is missing.
    Graphviz,
    /// The pure-Rust layered renderer; needs nothing installed.
    Builtin,
}

/// How to render an SVG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SvgOptions {
    pub engine: Engine,
    /// Used by Graphviz only.
    pub layout: GraphvizLayout,
    /// When to stop Graphviz (it is killed); the builtin engine ignores it.
    pub deadline: Option<std::time::Instant>,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            engine: Engine::Auto,
            layout: GraphvizLayout::Dot,
            deadline: None,
        }
    }
}

/// The renderer that drew an SVG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drawn {
    Graphviz,
    Builtin,
}

/// A rendered SVG, which engine drew it and why (for `--verbose`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svg {
    pub text: String,
    pub engine: Drawn,
    /// "Graphviz dot at /usr/bin/dot, layout dot" or "builtin: Graphviz's dot is not on PATH".
    pub reason: String,
}

/// Why Graphviz could not draw a map.
#[derive(Debug, thiserror::Error)]
pub enum SvgError {
    #[error("Graphviz's `dot` program is not on PATH")]
    GraphvizMissing,
    #[error("Graphviz failed: {0}")]
    GraphvizFailed(String),
    #[error("Graphviz did not finish in time")]
    TimedOut,
}

/// Draws `spec` as SVG with the engine in `options`.
///
/// Arguments: the spec, the dataset its ids point into, and the engine and Graphviz layout.
/// Returns the SVG text and which engine drew it; an error only when Graphviz was asked for
/// (or found by `Auto`) and is missing or fails. Complexity: see [`render_builtin`].
///
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_bundled, LoadOptions};
/// use dealgraph::render::{map::MapSpec, svg};
///
/// let loaded = load_bundled(LoadOptions::default()).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let spec = MapSpec::whole(&graph, "bundled seeds");
/// let options = svg::SvgOptions { engine: svg::Engine::Builtin, ..Default::default() };
/// let out = svg::render(&spec, &loaded.dataset, options).unwrap();
/// assert_eq!(out.engine, svg::Drawn::Builtin);
/// assert!(out.text.contains("<svg"));
/// ```
pub fn render(spec: &MapSpec, data: &Dataset, options: SvgOptions) -> Result<Svg, SvgError> {
    let builtin = |reason: String| Svg {
        text: render_builtin(spec, data),
        engine: Drawn::Builtin,
        reason,
    };
    match options.engine {
        Engine::Builtin => Ok(builtin("builtin renderer, as asked".to_string())),
        Engine::Auto if graphviz_path().is_none() => Ok(builtin(
            "builtin renderer: Graphviz's `dot` is not on PATH".to_string(),
        )),
        Engine::Auto | Engine::Graphviz => {
            let text = render_graphviz_until(spec, data, options.layout, options.deadline)?;
            let at = graphviz_path().map_or_else(String::new, |p| format!(" at {}", p.display()));
            Ok(Svg {
                text,
                engine: Drawn::Graphviz,
                reason: format!("Graphviz dot{at}, layout {}", options.layout.name()),
            })
        }
    }
}
