//! SVG maps, two ways: through Graphviz (`dot` on PATH, run by graphviz-rust on the DOT of
//! [`dot::to_dot`]), or with the builtin renderer: pure Rust, a layered
//! layout from [`layout`] and our own SVG writer. Both read the same style
//! table. Every piece of text is XML-escaped by [`xml_escape`]; a name can never add an
//! element or an attribute.

use std::fmt::Write as _;
use std::path::PathBuf;

use graphviz_rust::cmd::{CommandArg, Format, Layout as GvLayout};

use super::dot::{self, Present};
use super::layout::{self, LayoutEdge, LayoutNode, Point, Size};
use super::map::MapSpec;
use super::style::{self, Dash, Shape};
use crate::graph::DealView;
use crate::model::Dataset;
use crate::render::text;

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

/// The Graphviz layout engine (`dot -K`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphvizLayout {
    /// Layered, left to right (the default).
    Dot,
    /// Spring model.
    Neato,
    /// Multiscale spring model, for large graphs.
    Sfdp,
    /// Circular.
    Circo,
}

impl GraphvizLayout {
    pub fn name(self) -> &'static str {
        match self {
            GraphvizLayout::Dot => "dot",
            GraphvizLayout::Neato => "neato",
            GraphvizLayout::Sfdp => "sfdp",
            GraphvizLayout::Circo => "circo",
        }
    }

    fn command(self) -> GvLayout {
        match self {
            GraphvizLayout::Dot => GvLayout::Dot,
            GraphvizLayout::Neato => GvLayout::Neato,
            GraphvizLayout::Sfdp => GvLayout::Sfdp,
            GraphvizLayout::Circo => GvLayout::Circo,
        }
    }
}

/// How to render an SVG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SvgOptions {
    pub engine: Engine,
    /// Used by Graphviz only.
    pub layout: GraphvizLayout,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            engine: Engine::Auto,
            layout: GraphvizLayout::Dot,
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
            let text = render_graphviz(spec, data, options.layout)?;
            let at = graphviz_path().map_or_else(String::new, |p| format!(" at {}", p.display()));
            Ok(Svg {
                text,
                engine: Drawn::Graphviz,
                reason: format!("Graphviz dot{at}, layout {}", options.layout.name()),
            })
        }
    }
}

/// Where `dot` is on PATH, if anywhere.
pub fn graphviz_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let names: &[&str] = if cfg!(windows) {
        &["dot.exe", "dot"]
    } else {
        &["dot"]
    };
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| is_executable(p))
}

fn is_executable(path: &std::path::Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Runs Graphviz (`dot -K<layout> -Tsvg`) on the DOT of `spec`.
pub fn render_graphviz(
    spec: &MapSpec,
    data: &Dataset,
    layout: GraphvizLayout,
) -> Result<String, SvgError> {
    let text = dot::to_dot(spec, data);
    let args = vec![
        CommandArg::Format(Format::Svg),
        CommandArg::Layout(layout.command()),
    ];
    match graphviz_rust::exec_dot(text, args) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| SvgError::GraphvizFailed("its SVG is not UTF-8".to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SvgError::GraphvizMissing),
        Err(e) => Err(SvgError::GraphvizFailed(e.to_string().trim().to_string())),
    }
}

/// `text` safe inside XML character data and attribute values: `&`, `<`, `>`, `"` and `'`
/// become entities, after [`style::clean`] has shown control characters (which XML 1.0
/// forbids) escaped.
///
/// ```
/// use dealgraph::render::svg::xml_escape;
/// assert_eq!(xml_escape("<script>\"a\" & 'b'"), "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;");
/// ```
pub fn xml_escape(text: &str) -> String {
    let text = style::clean(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Width of `text` in points at `size`, from Helvetica's advance widths; wide (CJK, emoji)
/// characters count a full em, zero-width ones nothing.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    // Helvetica advance widths for ' ' to '~', in 1/1000 em.
    const ASCII: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ];
    let units: f64 = text
        .chars()
        .map(|c| match c as u32 {
            0x20..=0x7e => f64::from(ASCII[(c as u32 - 0x20) as usize]),
            _ => match unicode_width::UnicodeWidthChar::width(c) {
                Some(0) | None => 0.0,
                Some(1) => 600.0,
                Some(_) => 1000.0,
            },
        })
        .sum();
    units / 1000.0 * size * if bold { 1.08 } else { 1.0 }
}

/// Line height for a font size.
fn line_height(size: f64) -> f64 {
    size * 1.25
}

fn block_size(lines: &[String], size: f64, bold: bool) -> Size {
    Size {
        w: lines
            .iter()
            .map(|l| text_width(l, size, bold))
            .fold(0.0, f64::max),
        h: lines.len() as f64 * line_height(size),
    }
}

/// The outline size that fits a text block of `text`.
fn node_size(shape: Shape, text: Size) -> Size {
    let (w, h) = match shape {
        Shape::RoundedBox => (text.w + 20.0, text.h + 12.0),
        Shape::Ellipse => (text.w * 1.3 + 16.0, text.h * 1.4 + 10.0),
        Shape::Hexagon | Shape::Parallelogram => {
            let h = text.h + 12.0;
            (text.w + 0.9 * h + 14.0, h)
        }
        Shape::Octagon => {
            let h = text.h + 14.0;
            (text.w + 0.6 * h + 14.0, h)
        }
        Shape::Cylinder => (text.w + 20.0, text.h + 22.0),
    };
    Size {
        w: w.max(56.0),
        h: h.max(30.0),
    }
}

/// One number for SVG, with one decimal.
fn n(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v == 0.0 {
        "0".to_string()
    } else {
        format!("{v:.1}")
    }
}

const MARGIN: f64 = 20.0;

/// Draws `spec` with the builtin layered layout: title and caption on top, the map, and the
/// legend at the right. Deterministic: the same spec gives the same bytes.
///
/// Complexity: dominated by the layout, `O(S · (V + E) log(V + E))` over the graph with a
/// dummy vertex per layer an edge crosses.
pub fn render_builtin(spec: &MapSpec, data: &Dataset) -> String {
    let Plan {
        names,
        deals,
        placed,
        ..
    } = plan(spec, data);
    // Title block.
    let mut head = String::new();
    let mut y = MARGIN + style::TITLE_SIZE;
    let mut head_w: f64 = 0.0;
    let _ = writeln!(
        head,
        "<text class=\"title\" x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"{}\">{}</text>",
        n(MARGIN),
        n(y),
        n(style::TITLE_SIZE),
        style::INK,
        xml_escape(&spec.title)
    );
    head_w = head_w.max(text_width(&spec.title, style::TITLE_SIZE, true));
    y += 4.0;
    for line in std::iter::once(&spec.subtitle).chain(&spec.notes) {
        for part in style::wrap(line, 120) {
            y += line_height(style::SUBTITLE_SIZE);
            let _ = writeln!(
                head,
                "<text class=\"caption\" x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\">{}</text>",
                n(MARGIN),
                n(y),
                n(style::SUBTITLE_SIZE),
                style::MUTED,
                xml_escape(&part)
            );
            head_w = head_w.max(text_width(&part, style::SUBTITLE_SIZE, false));
        }
    }
    let top = y + 22.0;
    let origin = Point { x: MARGIN, y: top };

    // The legend: at the right of the map, or below it in columns when the map is flat.
    let groups = legend_groups(&dot::present(spec, data));
    let stacked = legend_size(&groups, false);
    let below = placed.height < stacked.h * 0.8 && placed.width > 0.0;
    let legend_at = if below {
        Point {
            x: origin.x,
            y: top + placed.height + 30.0,
        }
    } else if placed.width > 0.0 {
        Point {
            x: origin.x + placed.width + 36.0,
            y: top,
        }
    } else {
        origin
    };
    let (legend, legend_size) = legend(&groups, legend_at, below);

    let width = (MARGIN + head_w)
        .max(legend_at.x + legend_size.w)
        .max(origin.x + placed.width)
        + MARGIN;
    let height = (top + placed.height).max(legend_at.y + legend_size.h) + MARGIN;

    let mut svg = String::new();
    let _ = writeln!(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{}\">",
        xml_escape(style::FONT_STACK),
        w = n(width),
        h = n(height),
    );
    let _ = writeln!(svg, "<title>{}</title>", xml_escape(&spec.title));
    let _ = writeln!(svg, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    svg.push_str(&head);

    let at = |p: Point| Point {
        x: p.x + origin.x,
        y: p.y + origin.y,
    };
    // Deals under entities: lines, arrowheads, then labels on top.
    let _ = writeln!(svg, "<g class=\"deals\">");
    for ((view, look, _), route) in deals.iter().zip(&placed.edges) {
        if route.curves.is_empty() {
            continue;
        }
        let (end, dir) = route.end();
        let (arrow_len, half) = layout::arrow_size(look.width);
        // Stop the line where the arrowhead starts, so a thick line cannot poke through it.
        let back = Point {
            x: -dir.x * arrow_len * 0.9,
            y: -dir.y * arrow_len * 0.9,
        };
        let mut d = format!("M{},{}", n(at(route.start).x), n(at(route.start).y));
        let last = route.curves.len() - 1;
        for (i, c) in route.curves.iter().enumerate() {
            let shift = |p: Point, yes: bool| {
                let p = at(p);
                if yes {
                    Point {
                        x: p.x + back.x,
                        y: p.y + back.y,
                    }
                } else {
                    p
                }
            };
            let (c1, c2, e) = (
                shift(c[0], false),
                shift(c[1], i == last),
                shift(c[2], i == last),
            );
            let _ = write!(
                d,
                " C{},{} {},{} {},{}",
                n(c1.x),
                n(c1.y),
                n(c2.x),
                n(c2.y),
                n(e.x),
                n(e.y)
            );
        }
        let dash = look
            .dash
            .svg_dasharray(look.width)
            .map_or_else(String::new, |a| {
                format!(" stroke-dasharray=\"{a}\" stroke-linecap=\"round\"")
            });
        let opacity = if look.opacity < 1.0 {
            format!(" opacity=\"{}\"", look.opacity)
        } else {
            String::new()
        };
        let _ = writeln!(
            svg,
            "<g class=\"deal\" id=\"deal-{}\"{opacity}><title>{}</title>",
            xml_escape(&view.deal.id()),
            xml_escape(&text::deal_sentence(data, view))
        );
        let _ = writeln!(
            svg,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{dash}/>",
            look.colour,
            n(look.width)
        );
        let tip = at(end);
        let base = Point {
            x: tip.x - dir.x * arrow_len,
            y: tip.y - dir.y * arrow_len,
        };
        let normal = Point {
            x: -dir.y * half,
            y: dir.x * half,
        };
        let fill = if look.hollow { "white" } else { look.colour };
        let _ = writeln!(
            svg,
            "<path class=\"arrow\" d=\"M{},{} L{},{} L{},{} Z\" fill=\"{fill}\" stroke=\"{}\" stroke-width=\"1.2\" stroke-linejoin=\"miter\"/>",
            n(tip.x),
            n(tip.y),
            n(base.x + normal.x),
            n(base.y + normal.y),
            n(base.x - normal.x),
            n(base.y - normal.y),
            look.colour
        );
        let _ = writeln!(svg, "</g>");
    }
    let _ = writeln!(svg, "</g>");

    let _ = writeln!(svg, "<g class=\"entities\">");
    for (i, &e) in spec.entities.iter().enumerate() {
        let entity = data.entity(e);
        let s = style::entity_style(entity.kind);
        let focus = spec.focus == Some(e);
        let c = at(placed.nodes[i]);
        let size = placed.sizes[i];
        let _ = writeln!(
            svg,
            "<g class=\"entity\" id=\"entity-{}\"><title>{} ({})</title>",
            xml_escape(&entity.id),
            xml_escape(&entity.name),
            s.legend
        );
        svg.push_str(&shape_svg(
            s.shape,
            c,
            size,
            s.fill,
            if focus { 2.5 } else { 1.0 },
        ));
        let dy = if s.shape == Shape::Cylinder {
            cylinder_ry(size) / 2.0
        } else {
            0.0
        };
        svg.push_str(&text_block(
            &names[i],
            Point {
                x: c.x,
                y: c.y + dy,
            },
            style::NODE_SIZE,
            style::INK,
            focus,
            false,
        ));
        let _ = writeln!(svg, "</g>");
    }
    let _ = writeln!(svg, "</g>");

    let _ = writeln!(svg, "<g class=\"labels\">");
    for ((view, look, lines), route) in deals.iter().zip(&placed.edges) {
        if route.curves.is_empty() {
            continue;
        }
        let colour = if look.opacity < 1.0 {
            style::MUTED
        } else {
            style::INK
        };
        let _ = writeln!(
            svg,
            "<g class=\"label\" id=\"label-{}\">",
            xml_escape(&view.deal.id())
        );
        svg.push_str(&text_block(
            lines,
            at(route.label),
            style::EDGE_SIZE,
            colour,
            false,
            true,
        ));
        let _ = writeln!(svg, "</g>");
    }
    let _ = writeln!(svg, "</g>");
    svg.push_str(&legend);
    if spec.entities.is_empty() {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\">No deals match the filters.</text>",
            n(MARGIN),
            n(top + 14.0),
            n(style::NODE_SIZE),
            style::MUTED
        );
    }
    let _ = writeln!(svg, "</svg>");
    svg
}

/// The laid-out map before it is written: entity name lines, deals with their look and
/// label lines, and the layout input and output.
struct Plan<'d> {
    names: Vec<Vec<String>>,
    deals: Vec<(DealView<'d>, style::EdgeLook, Vec<String>)>,
    /// The layout input for the deals (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    edges: Vec<LayoutEdge>,
    placed: layout::Layout,
}

fn plan<'d>(spec: &MapSpec, data: &'d Dataset) -> Plan<'d> {
    let highlighting = !spec.loops.is_empty();
    let mut names = Vec::with_capacity(spec.entities.len());
    let mut nodes = Vec::with_capacity(spec.entities.len());
    let mut index_of: Vec<Option<usize>> = vec![None; data.entities().len()];
    for (i, &e) in spec.entities.iter().enumerate() {
        let entity = data.entity(e);
        let lines = style::wrap(&entity.name, style::NODE_WRAP);
        let bold = spec.focus == Some(e);
        let shape = style::entity_style(entity.kind).shape;
        let size = node_size(shape, block_size(&lines, style::NODE_SIZE, bold));
        nodes.push(LayoutNode { size, shape });
        names.push(lines);
        index_of[e.index()] = Some(i);
    }
    // Deals whose ends are both on the map.
    let mut deals = Vec::new();
    let mut edges = Vec::new();
    for d in &spec.deals {
        let view = d.view(data);
        let (Some(from), Some(to)) = (
            index_of[view.deal.from().index()],
            index_of[view.deal.to().index()],
        ) else {
            continue;
        };
        let look = style::edge_look(view.deal, &view.report(), highlighting && !d.on_loop);
        let lines = style::wrap(
            &style::deal_label(view.deal, &view.report()),
            style::EDGE_WRAP,
        );
        let label = block_size(&lines, style::EDGE_SIZE, false);
        edges.push(LayoutEdge {
            from,
            to,
            label: Size {
                w: label.w + 4.0,
                h: label.h,
            },
            stroke: look.width,
            // Financing keeps pointing right when loops must be broken.
            weight: if view.deal.kind().is_financing() {
                4
            } else {
                1
            },
        });
        deals.push((view, look, lines));
    }
    let placed = layout::layout(&nodes, &edges);
    Plan {
        names,
        deals,
        edges,
        placed,
    }
}

/// Centred lines of text; `halo` draws a white outline behind the glyphs.
fn text_block(
    lines: &[String],
    centre: Point,
    size: f64,
    fill: &str,
    bold: bool,
    halo: bool,
) -> String {
    let lh = line_height(size);
    let first = centre.y - (lines.len() as f64 - 1.0) * lh / 2.0 + size * 0.35;
    let weight = if bold { " font-weight=\"bold\"" } else { "" };
    let halo = if halo {
        " stroke=\"white\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\""
    } else {
        ""
    };
    let mut out = format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{fill}\"{weight}{halo}>",
        n(centre.x),
        n(first),
        n(size)
    );
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { lh };
        let _ = write!(
            out,
            "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
            n(centre.x),
            n(dy),
            xml_escape(line)
        );
    }
    out.push_str("</text>\n");
    out
}

fn cylinder_ry(size: Size) -> f64 {
    (size.h / 6.0).min(7.0)
}

/// The outline of a node centred on `c`.
fn shape_svg(shape: Shape, c: Point, size: Size, fill: &str, stroke: f64) -> String {
    let (hw, hh) = (size.w / 2.0, size.h / 2.0);
    let (l, r, t, b) = (c.x - hw, c.x + hw, c.y - hh, c.y + hh);
    let paint = format!(
        "fill=\"{fill}\" stroke=\"{}\" stroke-width=\"{}\"",
        style::INK,
        n(stroke)
    );
    let polygon = |pts: &[(f64, f64)]| {
        let p: Vec<String> = pts
            .iter()
            .map(|&(x, y)| format!("{},{}", n(x), n(y)))
            .collect();
        format!("<polygon points=\"{}\" {paint}/>\n", p.join(" "))
    };
    match shape {
        Shape::RoundedBox => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" {paint}/>\n",
            n(l),
            n(t),
            n(size.w),
            n(size.h)
        ),
        Shape::Ellipse => format!(
            "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {paint}/>\n",
            n(c.x),
            n(c.y),
            n(hw),
            n(hh)
        ),
        Shape::Hexagon => {
            let s = layout::slant(size);
            polygon(&[
                (l + s, t),
                (r - s, t),
                (r, c.y),
                (r - s, b),
                (l + s, b),
                (l, c.y),
            ])
        }
        Shape::Octagon => {
            let k = layout::octagon_cut(size);
            polygon(&[
                (l + k, t),
                (r - k, t),
                (r, t + k),
                (r, b - k),
                (r - k, b),
                (l + k, b),
                (l, b - k),
                (l, t + k),
            ])
        }
        Shape::Parallelogram => {
            let s = layout::slant(size);
            polygon(&[(l + s, t), (r, t), (r - s, b), (l, b)])
        }
        Shape::Cylinder => {
            let ry = cylinder_ry(size);
            format!(
                "<path d=\"M{l},{t1} L{l},{b1} A{hw},{ry} 0 0 0 {r},{b1} L{r},{t1} A{hw},{ry} 0 0 0 {l},{t1} Z\" {paint}/>\n<ellipse cx=\"{cx}\" cy=\"{t1}\" rx=\"{hw}\" ry=\"{ry}\" {paint}/>\n",
                l = n(l),
                r = n(r),
                t1 = n(t + ry),
                b1 = n(b - ry),
                hw = n(hw),
                ry = n(ry),
                cx = n(c.x),
            )
        }
    }
}

/// One legend line: a sample and its text.
enum Sample {
    Shape(Shape, &'static str),
    Line {
        colour: &'static str,
        width: f64,
        dash: Dash,
        hollow: bool,
        opacity: f64,
    },
    Widths,
}

const LEGEND_ROW: f64 = 18.0;
const LEGEND_PAD: f64 = 10.0;
const SAMPLE_W: f64 = 44.0;
const GROUP_GAP: f64 = 8.0;
const COLUMN_GAP: f64 = 28.0;

fn line_sample(colour: &'static str, width: f64, dash: Dash, hollow: bool) -> Sample {
    Sample::Line {
        colour,
        width,
        dash,
        hollow,
        opacity: 1.0,
    }
}

/// The legend's groups (entity kinds; deal kinds; lines), with what the map shows.
fn legend_groups(present: &Present) -> Vec<Vec<(Sample, String)>> {
    if present.entity_kinds.is_empty() {
        return Vec::new();
    }
    let entities = present
        .entity_kinds
        .iter()
        .map(|k| {
            let s = style::entity_style(*k);
            (Sample::Shape(s.shape, s.fill), s.legend.to_string())
        })
        .collect();
    let deals = present
        .deal_kinds
        .iter()
        .map(|k| {
            let s = style::deal_style(*k);
            (
                line_sample(s.colour, 2.5, Dash::Solid, false),
                s.legend.to_string(),
            )
        })
        .collect();
    let mut lines: Vec<(Sample, String)> = present
        .statuses
        .iter()
        .map(|st| {
            let s = style::status_style(*st);
            (
                line_sample(s.colour.unwrap_or(style::INK), 2.0, s.dash, false),
                s.legend.to_string(),
            )
        })
        .collect();
    if present.inferred {
        lines.push((
            line_sample(style::INK, 1.5, Dash::Solid, true),
            "inferred (implied by other figures)".to_string(),
        ));
    }
    lines.push((Sample::Widths, "thicker: larger amount".to_string()));
    if present.faded {
        lines.push((
            Sample::Line {
                colour: style::INK,
                width: 2.0,
                dash: Dash::Solid,
                hollow: false,
                opacity: style::FADED_OPACITY,
            },
            style::FADED_LEGEND.to_string(),
        ));
    }
    vec![entities, deals, lines]
        .into_iter()
        .filter(|g: &Vec<_>| !g.is_empty())
        .collect()
}

fn row_height(sample: &Sample) -> f64 {
    match sample {
        Sample::Shape(..) => LEGEND_ROW + 4.0,
        Sample::Widths => LEGEND_ROW + 8.0,
        Sample::Line { .. } => LEGEND_ROW,
    }
}

fn group_size(group: &[(Sample, String)]) -> Size {
    let text = group
        .iter()
        .map(|(_, t)| text_width(t, style::LEGEND_SIZE, false))
        .fold(0.0, f64::max);
    Size {
        w: SAMPLE_W + 8.0 + text,
        h: group.iter().map(|(s, _)| row_height(s)).sum(),
    }
}

/// The legend's size: groups stacked, or side by side when `across`.
fn legend_size(groups: &[Vec<(Sample, String)>], across: bool) -> Size {
    if groups.is_empty() {
        return Size::default();
    }
    let sizes: Vec<Size> = groups.iter().map(|g| group_size(g)).collect();
    let heading = LEGEND_PAD + style::LEGEND_SIZE + 8.0;
    let (w, h) = if across {
        (
            sizes.iter().map(|s| s.w).sum::<f64>() + COLUMN_GAP * (sizes.len() - 1) as f64,
            sizes.iter().map(|s| s.h).fold(0.0, f64::max),
        )
    } else {
        (
            sizes.iter().map(|s| s.w).fold(0.0, f64::max),
            sizes.iter().map(|s| s.h).sum::<f64>() + GROUP_GAP * (sizes.len() - 1) as f64,
        )
    };
    let w = w.max(text_width("Legend", style::LEGEND_SIZE, true));
    Size {
        w: w + 2.0 * LEGEND_PAD,
        h: heading + h + LEGEND_PAD,
    }
}

/// The legend box at `at`, groups stacked or side by side (`across`).
fn legend(groups: &[Vec<(Sample, String)>], at: Point, across: bool) -> (String, Size) {
    if groups.is_empty() {
        return (String::new(), Size::default());
    }
    let size = legend_size(groups, across);
    let font = style::LEGEND_SIZE;
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"{}\">Legend</text>",
        n(at.x + LEGEND_PAD),
        n(at.y + LEGEND_PAD + font),
        n(font),
        style::MUTED
    );
    let top = at.y + LEGEND_PAD + font + 8.0;
    let mut x = at.x + LEGEND_PAD;
    let mut y = top;
    for group in groups {
        for (sample, text) in group {
            let h = row_height(sample);
            let mid = y + h / 2.0;
            let (x0, x1) = (x, x + SAMPLE_W);
            match sample {
                Sample::Shape(shape, fill) => body.push_str(&shape_svg(
                    *shape,
                    Point {
                        x: x + SAMPLE_W / 2.0,
                        y: mid,
                    },
                    Size {
                        w: SAMPLE_W - 4.0,
                        h: 16.0,
                    },
                    fill,
                    1.0,
                )),
                Sample::Line {
                    colour,
                    width,
                    dash,
                    hollow,
                    opacity,
                } => {
                    if *opacity < 1.0 {
                        let _ = writeln!(body, "<g opacity=\"{opacity}\">");
                    }
                    body.push_str(&legend_line(x0, x1, mid, colour, *width, *dash, *hollow));
                    if *opacity < 1.0 {
                        body.push_str("</g>\n");
                    }
                }
                Sample::Widths => {
                    body.push_str(&legend_line(
                        x0,
                        x1,
                        mid - 5.0,
                        style::INK,
                        1.0,
                        Dash::Solid,
                        false,
                    ));
                    body.push_str(&legend_line(
                        x0,
                        x1,
                        mid + 5.0,
                        style::INK,
                        4.0,
                        Dash::Solid,
                        false,
                    ));
                }
            }
            let _ = writeln!(
                body,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\">{}</text>",
                n(x1 + 8.0),
                n(mid + font * 0.35),
                n(font),
                style::INK,
                xml_escape(text)
            );
            y += h;
        }
        if across {
            x += group_size(group).w + COLUMN_GAP;
            y = top;
        } else {
            y += GROUP_GAP;
        }
    }
    let out = format!(
        "<g class=\"legend\">\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"white\" stroke=\"#cccccc\"/>\n{body}</g>\n",
        n(at.x),
        n(at.y),
        n(size.w),
        n(size.h)
    );
    (out, size)
}

/// A legend line sample with its arrowhead, from `x0` to `x1` at height `y`.
fn legend_line(
    x0: f64,
    x1: f64,
    y: f64,
    colour: &str,
    width: f64,
    dash: Dash,
    hollow: bool,
) -> String {
    let (len, half) = layout::arrow_size(width.min(2.5));
    let dash = dash.svg_dasharray(width).map_or_else(String::new, |a| {
        format!(" stroke-dasharray=\"{a}\" stroke-linecap=\"round\"")
    });
    let fill = if hollow { "white" } else { colour };
    format!(
        "<path d=\"M{},{} L{},{}\" stroke=\"{colour}\" stroke-width=\"{}\"{dash}/>\n<path d=\"M{},{} L{},{} L{},{} Z\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"1.2\"/>\n",
        n(x0),
        n(y),
        n(x1 - len * 0.9),
        n(y),
        n(width),
        n(x1),
        n(y),
        n(x1 - len),
        n(y - half),
        n(x1 - len),
        n(y + half)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Filter, MoneyGraph};
    use crate::load::{LoadOptions, load_bundled};

    /// The seeds maps (whole, OpenAI's neighbourhood, two loops) lay out cleanly: no boxes
    /// overlap, no edge crosses an entity or another edge's label, arrows reach their entity.
    #[test]
    fn seeds_maps_are_readable() {
        let loaded = load_bundled(LoadOptions::default()).unwrap();
        let data = &loaded.dataset;
        let graph = MoneyGraph::build(data, Filter::new("2026-01-31".parse().unwrap()));
        let id = |s: &str| data.resolve(s).unwrap();
        let specs = [
            MapSpec::whole(&graph, "seeds"),
            MapSpec::neighbourhood(&graph, id("openai"), 1, "seeds"),
            MapSpec::loops(
                &graph,
                &[
                    vec![id("amazon"), id("openai")],
                    vec![id("amazon"), id("nvidia"), id("anthropic")],
                ],
                "seeds",
            ),
        ];
        for spec in &specs {
            let plan = plan(spec, data);
            let nodes: Vec<LayoutNode> = spec
                .entities
                .iter()
                .zip(&plan.placed.sizes)
                .map(|(&e, &size)| LayoutNode {
                    size,
                    shape: style::entity_style(data.entity(e).kind).shape,
                })
                .collect();
            layout::check_layout(&nodes, &plan.edges, &plan.placed)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.title));
            assert_eq!(plan.edges.len(), spec.deals.len());
        }
    }

    #[test]
    fn widths_follow_helvetica_and_count_wide_characters() {
        assert!((text_width("i", 10.0, false) - 2.22).abs() < 1e-9);
        assert!(text_width("WWW", 10.0, false) > text_width("iii", 10.0, false) * 3.0);
        assert_eq!(text_width("中", 10.0, false), 10.0);
        assert_eq!(text_width("\u{200f}", 10.0, false), 0.0);
    }
}
