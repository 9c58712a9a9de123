//! A map as the bytes of its file: DOT, SVG (by Graphviz or the builtin engine), PNG, PDF or
//! the explorer's HTML page. The one place that picks a renderer for a map's format; the
//! caller decides where the bytes go and how long it waits.

use std::time::Instant;

use crate::graph::Filter;
use crate::model::Dataset;
use crate::render::map::MapSpec;
use crate::render::{dot, html, svg};

/// The file formats a map is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapFormat {
    /// Graphviz's language, for `dot -Tsvg` or an editor.
    Dot,
    /// Drawn by Graphviz or the builtin engine ([`svg::Engine`]).
    Svg,
    /// The builtin SVG, rasterised by resvg.
    Png,
    /// The builtin SVG, written as PDF by krilla.
    Pdf,
    /// The explorer's page over the map's entities and deals.
    Html,
}

impl MapFormat {
    /// "dot", "svg", "png", "pdf" or "html": the format's name, as `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            MapFormat::Dot => "dot",
            MapFormat::Svg => "svg",
            MapFormat::Png => "png",
            MapFormat::Pdf => "pdf",
            MapFormat::Html => "html",
        }
    }

    /// The format a file's extension names, in any case: svg, png, pdf, html or htm, dot or gv.
    ///
    /// ```
    /// use dealgraph::render::drawing::MapFormat;
    ///
    /// assert_eq!(MapFormat::from_extension("GV"), Some(MapFormat::Dot));
    /// assert_eq!(MapFormat::from_extension("txt"), None);
    /// ```
    pub fn from_extension(ext: &str) -> Option<MapFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "svg" => Some(MapFormat::Svg),
            "png" => Some(MapFormat::Png),
            "pdf" => Some(MapFormat::Pdf),
            "html" | "htm" => Some(MapFormat::Html),
            "dot" | "gv" => Some(MapFormat::Dot),
            _ => None,
        }
    }
}

/// How to draw a map.
#[derive(Clone, Debug)]
pub struct DrawOptions<'a> {
    pub format: MapFormat,
    /// Who draws SVG.
    pub engine: svg::Engine,
    /// The Graphviz layout asked for: written into DOT, used by Graphviz for SVG.
    pub layout: Option<svg::GraphvizLayout>,
    /// Graphviz is stopped here (the builtin engine cannot be).
    pub deadline: Option<Instant>,
    /// The fonts of PNG and PDF.
    pub fonts: svg::FontOptions,
    /// Which deals stand, for an HTML page.
    pub filter: &'a Filter,
    /// The data's name, for an HTML page.
    pub data_name: &'a str,
}

/// A drawn map.
#[derive(Clone, Debug)]
pub struct Drawing {
    pub bytes: Vec<u8>,
    /// Who drew it, for a verbose note: "builtin renderer, rasterised by resvg in Liberation
    /// Sans". `None` for DOT and HTML, which nobody draws.
    pub engine: Option<String>,
    /// A layout other than `dot` was asked for, but Graphviz was not there to use it.
    pub layout_ignored: bool,
}

/// Why a map could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    #[error(transparent)]
    Svg(#[from] svg::SvgError),
    #[error(transparent)]
    Png(#[from] svg::PngError),
    #[error(transparent)]
    Pdf(#[from] svg::PdfError),
}

/// `spec` drawn as `options` say.
///
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{LoadOptions, load_bundled};
/// use dealgraph::render::drawing::{DrawOptions, MapFormat, draw};
/// use dealgraph::render::{map::MapSpec, svg};
///
/// let data = load_bundled(LoadOptions::default()).unwrap().dataset;
/// let filter = Filter::today();
/// let graph = MoneyGraph::build(&data, filter.clone());
/// let spec = MapSpec::whole(&graph, "seeds");
/// let options = DrawOptions {
///     format: MapFormat::Dot,
///     engine: svg::Engine::Builtin,
///     layout: None,
///     deadline: None,
///     fonts: svg::FontOptions::default(),
///     filter: &filter,
///     data_name: "seeds",
/// };
/// let dot = draw(&spec, &data, &options).unwrap();
/// assert!(dot.bytes.starts_with(b"digraph"));
/// ```
pub fn draw(
    spec: &MapSpec,
    data: &Dataset,
    options: &DrawOptions<'_>,
) -> Result<Drawing, DrawError> {
    let drawing = |bytes: Vec<u8>, engine: Option<String>| Drawing {
        bytes,
        engine,
        layout_ignored: false,
    };
    Ok(match options.format {
        MapFormat::Dot => {
            let text = match options.layout {
                Some(layout) => dot::to_dot_with_layout(spec, data, layout.name()),
                None => dot::to_dot(spec, data),
            };
            drawing(text.into_bytes(), None)
        }
        MapFormat::Png => {
            let svg = svg::render_builtin(spec, data);
            let png_options = svg::PngOptions {
                fonts: options.fonts.clone(),
                ..svg::PngOptions::default()
            };
            let png = svg::to_png(&svg, &png_options)?;
            let how = format!("builtin renderer, rasterised by resvg in {}", png.font);
            drawing(png.bytes, Some(how))
        }
        MapFormat::Pdf => {
            let svg = svg::render_builtin(spec, data);
            let pdf_options = svg::PdfOptions {
                title: spec.title.clone(),
                fonts: options.fonts.clone(),
            };
            let pdf = svg::to_pdf(&svg, &pdf_options)?;
            let how = format!("builtin renderer, written as PDF by krilla in {}", pdf.font);
            drawing(pdf.bytes, Some(how))
        }
        MapFormat::Html => {
            let selection = html::Selection {
                deals: spec.deals.iter().map(|d| d.id).collect(),
                entities: spec.entities.clone(),
            };
            let page = html::page_data(
                data,
                options.filter,
                &selection,
                options.data_name,
                &html::ExploreOptions::default(),
            );
            drawing(html::to_html(&page).into_bytes(), None)
        }
        MapFormat::Svg => {
            let svg_options = svg::SvgOptions {
                engine: options.engine,
                layout: options.layout.unwrap_or(svg::GraphvizLayout::Dot),
                deadline: options.deadline,
            };
            let drawn = svg::render(spec, data, svg_options)?;
            Drawing {
                layout_ignored: drawn.engine == svg::Drawn::Builtin
                    && options
                        .layout
                        .is_some_and(|l| l != svg::GraphvizLayout::Dot),
                bytes: drawn.text.into_bytes(),
                engine: Some(drawn.reason),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::MoneyGraph;
    use crate::load::{LoadOptions, load_bundled};

    fn drawn(format: MapFormat, layout: Option<svg::GraphvizLayout>) -> Drawing {
        let data = load_bundled(LoadOptions::default()).unwrap().dataset;
        let filter = Filter::today();
        let graph = MoneyGraph::build(&data, filter.clone());
        let spec = MapSpec::whole(&graph, "seeds");
        let options = DrawOptions {
            format,
            engine: svg::Engine::Builtin,
            layout,
            deadline: None,
            fonts: svg::FontOptions::default(),
            filter: &filter,
            data_name: "seeds",
        };
        draw(&spec, &data, &options).unwrap()
    }

    #[test]
    fn each_format_gives_its_own_file() {
        let starts = |d: &Drawing, magic: &[u8]| d.bytes.starts_with(magic);
        let dot = drawn(MapFormat::Dot, Some(svg::GraphvizLayout::Neato));
        assert!(starts(&dot, b"digraph") && dot.engine.is_none());
        assert!(String::from_utf8_lossy(&dot.bytes).contains("layout=\"neato\""));
        let png = drawn(MapFormat::Png, None);
        assert!(starts(&png, b"\x89PNG\r\n\x1a\n"), "{:?}", png.engine);
        assert!(png.engine.unwrap().contains("resvg"));
        assert!(starts(&drawn(MapFormat::Pdf, None), b"%PDF-"));
        let html = String::from_utf8(drawn(MapFormat::Html, None).bytes).unwrap();
        assert!(html.to_ascii_lowercase().starts_with("<!doctype html"));
        let svg = drawn(MapFormat::Svg, None);
        assert!(String::from_utf8_lossy(&svg.bytes).contains("<svg"));
        assert!(!svg.layout_ignored);
    }

    #[test]
    fn each_format_is_named_by_its_extension() {
        use MapFormat::*;
        for format in [Dot, Svg, Png, Pdf, Html] {
            assert_eq!(MapFormat::from_extension(format.name()), Some(format));
            let upper = format.name().to_uppercase();
            assert_eq!(MapFormat::from_extension(&upper), Some(format));
        }
        assert_eq!(MapFormat::from_extension("htm"), Some(Html));
        assert_eq!(MapFormat::from_extension("gv"), Some(Dot));
        assert_eq!(MapFormat::from_extension("jpeg"), None);
        assert_eq!(MapFormat::from_extension(""), None);
    }

    #[test]
    fn a_layout_the_builtin_engine_cannot_draw_is_said() {
        assert!(drawn(MapFormat::Svg, Some(svg::GraphvizLayout::Circo)).layout_ignored);
        assert!(!drawn(MapFormat::Svg, Some(svg::GraphvizLayout::Dot)).layout_ignored);
    }
}
