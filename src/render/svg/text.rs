//! Text in the builtin SVG: XML escaping, Helvetica widths and line heights for sizing
//! boxes, numbers with one decimal, and centred multi-line text blocks.

use std::fmt::Write as _;

use crate::render::layout::{Point, Size};
use crate::render::style;

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
            // Arrows are a full em in Helvetica and Liberation Sans.
            0x2190..=0x21ff => 1000.0,
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
pub(super) fn line_height(size: f64) -> f64 {
    size * 1.25
}

pub(super) fn block_size(lines: &[String], size: f64, bold: bool) -> Size {
    Size {
        w: lines
            .iter()
            .map(|l| text_width(l, size, bold))
            .fold(0.0, f64::max),
        h: lines.len() as f64 * line_height(size),
    }
}

/// One number for SVG, with one decimal.
pub(super) fn n(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v == 0.0 {
        "0".to_string()
    } else {
        format!("{v:.1}")
    }
}

/// Centred lines of text; `halo` draws a white outline behind the glyphs.
pub(super) fn text_block(
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
