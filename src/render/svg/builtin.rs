//! The builtin renderer: pure Rust, no program to install. Plans the map (text blocks,
//! node and label sizes, the layered [`layout`]), then writes the title, deals, entities,
//! labels and legend as SVG. Deterministic: the same spec gives the same bytes.

use std::fmt::Write as _;

use super::legend::{legend, legend_groups, legend_size};
use super::text::{block_size, line_height, n, text_block, text_width, xml_escape};
use crate::graph::DealView;
use crate::model::Dataset;
use crate::render::dot;
use crate::render::layout::{self, LayoutEdge, LayoutNode, Point, Size};
use crate::render::map::MapSpec;
use crate::render::style::{self, Shape};
use crate::render::text;

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
    let (head, head_w, y) = title_block(spec);
    let top = y + 22.0;
    let origin = Point { x: MARGIN, y: top };

    // The legend: at the right of the map, or below it in columns when the map is flat.
    let groups = legend_groups(&dot::present(spec, data), spec);
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
    let bottom = (top + placed.height).max(legend_at.y + legend_size.h);
    let (foot, foot_w, height) = credit_block(spec, bottom);
    let width = width.max(MARGIN + foot_w + MARGIN);

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
    for ((view, look, _, _), route) in deals.iter().zip(&placed.edges) {
        if !route.curves.is_empty() {
            svg.push_str(&deal_svg(data, view, look, route, &at));
        }
    }
    let _ = writeln!(svg, "</g>");
    entities_svg(&mut svg, spec, data, &names, &placed, &at);
    labels_svg(&mut svg, &deals, &placed, &at);
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
    svg.push_str(&foot);
    let _ = writeln!(svg, "</svg>");
    svg
}

/// The credit line under the map and legend: its SVG, its width and the picture's height.
fn credit_block(spec: &MapSpec, bottom: f64) -> (String, f64, f64) {
    let mut foot = String::new();
    let y = if spec.credit.is_empty() {
        bottom
    } else {
        bottom + 8.0
    };
    let (foot_w, y) = muted_lines(
        &mut foot,
        "credit",
        &spec.credit,
        style::LEGEND_SIZE,
        140,
        y,
    );
    (foot, foot_w, y + MARGIN)
}

/// The title and caption lines: their SVG, their widest line and the baseline of the last.
fn title_block(spec: &MapSpec) -> (String, f64, f64) {
    let mut head = String::new();
    let mut y = MARGIN + style::TITLE_SIZE;
    let _ = writeln!(
        head,
        "<text class=\"title\" x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"{}\">{}</text>",
        n(MARGIN),
        n(y),
        n(style::TITLE_SIZE),
        style::INK,
        xml_escape(&spec.title)
    );
    let mut head_w = text_width(&spec.title, style::TITLE_SIZE, true);
    y += 4.0;
    for line in std::iter::once(&spec.subtitle).chain(&spec.notes) {
        let (w, last) = muted_lines(&mut head, "caption", line, style::SUBTITLE_SIZE, 120, y);
        head_w = head_w.max(w);
        y = last;
    }
    (head, head_w, y)
}

/// Writes `text`, wrapped at `wrap` characters, as muted lines of `class` below baseline `y`;
/// returns the widest line's width and the last baseline (`y` when `text` is empty).
fn muted_lines(
    out: &mut String,
    class: &str,
    text: &str,
    size: f64,
    wrap: usize,
    mut y: f64,
) -> (f64, f64) {
    let mut widest: f64 = 0.0;
    if text.is_empty() {
        return (widest, y);
    }
    for part in style::wrap(text, wrap) {
        y += line_height(size);
        let _ = writeln!(
            out,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\">{}</text>",
            n(MARGIN),
            n(y),
            n(size),
            style::MUTED,
            xml_escape(&part)
        );
        widest = widest.max(text_width(&part, size, false));
    }
    (widest, y)
}

/// One deal: its line (stopped short of the arrowhead), its arrowhead, and a tooltip with
/// the deal in words.
fn deal_svg(
    data: &Dataset,
    view: &DealView,
    look: &style::EdgeLook,
    route: &layout::Route,
    at: &dyn Fn(Point) -> Point,
) -> String {
    let mut out = String::new();
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
        out,
        "<g class=\"deal\" id=\"deal-{}\"{opacity}><title>{}</title>",
        xml_escape(&view.deal.id()),
        xml_escape(&text::deal_sentence(data, view))
    );
    let _ = writeln!(
        out,
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
        out,
        "<path class=\"arrow\" d=\"M{},{} L{},{} L{},{} Z\" fill=\"{fill}\" stroke=\"{}\" stroke-width=\"1.2\" stroke-linejoin=\"miter\"/>",
        n(tip.x),
        n(tip.y),
        n(base.x + normal.x),
        n(base.y + normal.y),
        n(base.x - normal.x),
        n(base.y - normal.y),
        look.colour
    );
    let _ = writeln!(out, "</g>");
    out
}

/// The entities, each its outline and its name; the focus drawn bold.
fn entities_svg(
    svg: &mut String,
    spec: &MapSpec,
    data: &Dataset,
    names: &[Vec<String>],
    placed: &layout::Layout,
    at: &dyn Fn(Point) -> Point,
) {
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
}

/// The deal labels, on top of everything but the legend.
fn labels_svg(
    svg: &mut String,
    deals: &[PlannedDeal],
    placed: &layout::Layout,
    at: &dyn Fn(Point) -> Point,
) {
    // A white halo behind each label, so lines passing under it never cut through the text.
    let _ = writeln!(
        svg,
        "<g class=\"labels\" stroke=\"white\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">"
    );
    for ((view, look, lines, numbers), route) in deals.iter().zip(&placed.edges) {
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
        let centre = at(route.label);
        let badges = badges_width(numbers);
        let text_w = block_size(lines, style::EDGE_SIZE, false).w + 4.0;
        let mut x = centre.x - (text_w + badges) / 2.0;
        for &k in numbers {
            let (badge, w) = badge_svg(k, x, centre.y);
            svg.push_str(&badge);
            x += w;
        }
        svg.push_str(&text_block(
            lines,
            Point {
                x: centre.x + badges / 2.0,
                y: centre.y,
            },
            style::EDGE_SIZE,
            colour,
            false,
            true,
        ));
        let _ = writeln!(svg, "</g>");
    }
    let _ = writeln!(svg, "</g>");
}

/// A deal on the map: the deal, its look and its label lines.
/// A deal on the map: the deal, its look, its label lines and its loop numbers.
type PlannedDeal<'d> = (DealView<'d>, style::EdgeLook, Vec<String>, Vec<usize>);

/// Radius of a loop-number badge, and the room each takes on a label.
pub(super) const BADGE_R: f64 = 7.0;
const BADGE_STEP: f64 = 2.0 * BADGE_R + 2.0;

/// The room the badges of `numbers` take at the left of a label.
fn badges_width(numbers: &[usize]) -> f64 {
    numbers
        .iter()
        .map(|&k| BADGE_STEP + if k >= 10 { 5.0 } else { 0.0 })
        .sum()
}

/// A loop-number badge (a dark disc with the number in white, as newspapers number the
/// steps of a graphic) whose left edge is at `x`, centred on height `y`; returns its SVG and
/// width. Drawn with shapes, so it needs no special glyph.
pub(super) fn badge_svg(number: usize, x: f64, y: f64) -> (String, f64) {
    let w = if number >= 10 {
        BADGE_STEP + 5.0
    } else {
        BADGE_STEP
    };
    let rx = w / 2.0 - 1.0;
    let svg = format!(
        "<rect class=\"badge\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{}\" stroke=\"white\" stroke-width=\"1\"/><text x=\"{}\" y=\"{}\" font-size=\"9.5\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"white\" stroke=\"none\">{number}</text>\n",
        n(x + 1.0),
        n(y - BADGE_R),
        n(2.0 * rx),
        n(2.0 * BADGE_R),
        n(BADGE_R),
        style::INK,
        n(x + w / 2.0),
        n(y + 3.4),
    );
    (svg, w)
}

/// The laid-out map before it is written: entity name lines, deals with their look and
/// label lines, and the layout input and output.
struct Plan<'d> {
    names: Vec<Vec<String>>,
    deals: Vec<PlannedDeal<'d>>,
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
        let badges = badges_width(&d.loop_numbers);
        edges.push(LayoutEdge {
            from,
            to,
            label: Size {
                w: label.w + 4.0 + badges,
                h: label.h.max(if badges > 0.0 {
                    2.0 * BADGE_R + 2.0
                } else {
                    0.0
                }),
            },
            stroke: look.width,
            // Financing keeps pointing right when loops must be broken.
            weight: if view.deal.kind().is_financing() {
                4
            } else {
                1
            },
        });
        deals.push((view, look, lines, d.loop_numbers.clone()));
    }
    let placed = layout::layout(&nodes, &edges);
    Plan {
        names,
        deals,
        edges,
        placed,
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

fn cylinder_ry(size: Size) -> f64 {
    (size.h / 6.0).min(7.0)
}

/// The outline of a node centred on `c`.
pub(super) fn shape_svg(shape: Shape, c: Point, size: Size, fill: &str, stroke: f64) -> String {
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
