//! The builtin map's legend: which samples it shows (entity kinds, deal kinds, statuses,
//! widths, faded), its size stacked or side by side, and its SVG.

use std::fmt::Write as _;

use super::builtin::{BADGE_R, badge_svg, shape_svg};
use super::text::{n, text_width, xml_escape};
use crate::render::dot::Present;
use crate::render::layout::{self, Point, Size};
use crate::render::map::MapSpec;
use crate::render::style::{self, Dash, Shape};

/// One legend line: a sample and its text.
pub(super) enum Sample {
    Shape(Shape, &'static str),
    Line {
        colour: &'static str,
        width: f64,
        dash: Dash,
        hollow: bool,
        opacity: f64,
    },
    Widths,
    /// A loop-number badge.
    Badge(usize),
}

const LEGEND_ROW: f64 = 18.0;
const LEGEND_PAD: f64 = 10.0;
const SAMPLE_W: f64 = 44.0;
const GROUP_GAP: f64 = 8.0;
const COLUMN_GAP: f64 = 28.0;
const BADGE_STEP: f64 = 2.0 * BADGE_R + 2.0;

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
pub(super) fn legend_groups(present: &Present, spec: &MapSpec) -> Vec<Vec<(Sample, String)>> {
    if present.entity_kinds.is_empty() {
        return Vec::new();
    }
    let loops: Vec<(Sample, String)> = spec
        .loop_keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let text = style::wrap(key, 46).join("\n");
            (Sample::Badge(spec.first_loop + i), text)
        })
        .collect();
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
    vec![loops, entities, deals, lines]
        .into_iter()
        .filter(|g: &Vec<_>| !g.is_empty())
        .collect()
}

fn row_height(sample: &Sample, text: &str) -> f64 {
    let lines = text.lines().count().max(1) as f64;
    match sample {
        Sample::Shape(..) => LEGEND_ROW + 4.0,
        Sample::Widths => LEGEND_ROW + 8.0,
        Sample::Line { .. } => LEGEND_ROW,
        Sample::Badge(_) => LEGEND_ROW + 2.0 + (lines - 1.0) * TEXT_LINE,
    }
}

/// Line height of legend text.
const TEXT_LINE: f64 = 12.5;

fn group_size(group: &[(Sample, String)]) -> Size {
    let text = group
        .iter()
        .flat_map(|(_, t)| t.lines())
        .map(|t| text_width(t, style::LEGEND_SIZE, false))
        .fold(0.0, f64::max);
    Size {
        w: SAMPLE_W + 8.0 + text,
        h: group.iter().map(|(s, t)| row_height(s, t)).sum(),
    }
}

/// The legend's size: groups stacked, or side by side when `across`.
pub(super) fn legend_size(groups: &[Vec<(Sample, String)>], across: bool) -> Size {
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
pub(super) fn legend(groups: &[Vec<(Sample, String)>], at: Point, across: bool) -> (String, Size) {
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
            let h = row_height(sample, text);
            let lines: Vec<&str> = text.lines().collect();
            // Several lines start at the top of the row; the sample sits by the first.
            let first = y + h / 2.0 - (lines.len().max(1) - 1) as f64 * TEXT_LINE / 2.0;
            let x1 = x + SAMPLE_W;
            body.push_str(&sample_svg(sample, x, first));
            for (i, line) in lines.iter().enumerate() {
                let _ = writeln!(
                    body,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\">{}</text>",
                    n(x1 + 8.0),
                    n(first + font * 0.35 + i as f64 * TEXT_LINE),
                    n(font),
                    style::INK,
                    xml_escape(line)
                );
            }
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

/// A legend sample (a shape, a line with its arrowhead, or a thin and a thick line) whose
/// left edge is at `x`, centred on height `mid`.
fn sample_svg(sample: &Sample, x: f64, mid: f64) -> String {
    let (x0, x1) = (x, x + SAMPLE_W);
    let mut out = String::new();
    match sample {
        Sample::Shape(shape, fill) => out.push_str(&shape_svg(
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
                let _ = writeln!(out, "<g opacity=\"{opacity}\">");
            }
            out.push_str(&legend_line(x0, x1, mid, colour, *width, *dash, *hollow));
            if *opacity < 1.0 {
                out.push_str("</g>\n");
            }
        }
        Sample::Badge(k) => {
            let (badge, w) = badge_svg(*k, x + (SAMPLE_W - BADGE_STEP) / 2.0, mid);
            let _ = w;
            out.push_str(&badge);
        }
        Sample::Widths => {
            out.push_str(&legend_line(
                x0,
                x1,
                mid - 5.0,
                style::INK,
                1.0,
                Dash::Solid,
                false,
            ));
            out.push_str(&legend_line(
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
    out
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
