//! The one style table for maps: entity kind → shape and fill, deal kind → colour, status →
//! dash, plus the label text of nodes and edges. The DOT writer, the builtin SVG writer, their
//! legends and the legend in docs/maps.md ([`legend_markdown`]) all read it, so they cannot
//! drift apart.

use std::fmt::Write as _;

use crate::model::{Amount, DealKind, DealRef, EntityKind, ReportRef, Status};

/// Font for every label (Graphviz resolves it through fontconfig; SVG lists fallbacks).
pub const FONT: &str = "Helvetica";
/// The CSS font stack used by the builtin SVG writer.
pub const FONT_STACK: &str = "Helvetica, Arial, 'Liberation Sans', sans-serif";
/// Font sizes in points: title, subtitle and caption, entity names, deal labels, legend.
pub const TITLE_SIZE: f64 = 18.0;
pub const SUBTITLE_SIZE: f64 = 11.0;
pub const NODE_SIZE: f64 = 12.0;
pub const EDGE_SIZE: f64 = 9.5;
pub const LEGEND_SIZE: f64 = 10.0;
/// Colour of text, node outlines and the title.
pub const INK: &str = "#222222";
/// Colour of secondary text (subtitle, caption, legend headings).
pub const MUTED: &str = "#666666";
/// Stroke colour of cancelled deals (shown only when `--status` asks for them).
pub const CANCELLED: &str = "#aaaaaa";
/// Opacity of deals that lie on no loop when loops are highlighted.
pub const FADED_OPACITY: f64 = 0.25;
/// Entity names wrap at this many characters, deal labels at [`EDGE_WRAP`].
pub const NODE_WRAP: usize = 18;
pub const EDGE_WRAP: usize = 24;

/// Node outline shapes that both renderers can draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A box with rounded corners.
    RoundedBox,
    /// A cylinder: a pot of money.
    Cylinder,
    Hexagon,
    Octagon,
    Ellipse,
    Parallelogram,
}

impl Shape {
    /// Graphviz `shape` and the extra `style` words it needs (besides `filled`).
    pub fn graphviz(self) -> (&'static str, &'static str) {
        match self {
            Shape::RoundedBox => ("box", "rounded,filled"),
            Shape::Cylinder => ("cylinder", "filled"),
            Shape::Hexagon => ("hexagon", "filled"),
            Shape::Octagon => ("octagon", "filled"),
            Shape::Ellipse => ("ellipse", "filled"),
            Shape::Parallelogram => ("parallelogram", "filled"),
        }
    }

    /// The shape's name for legends.
    pub fn name(self) -> &'static str {
        match self {
            Shape::RoundedBox => "rounded box",
            Shape::Cylinder => "cylinder",
            Shape::Hexagon => "hexagon",
            Shape::Octagon => "octagon",
            Shape::Ellipse => "ellipse",
            Shape::Parallelogram => "parallelogram",
        }
    }
}

/// How entities of one kind are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntityStyle {
    pub kind: EntityKind,
    pub shape: Shape,
    /// Fill colour, `#rrggbb`.
    pub fill: &'static str,
    /// Legend text.
    pub legend: &'static str,
}

/// Entity kinds in legend order.
pub const ENTITY_STYLES: [EntityStyle; 6] = [
    EntityStyle {
        kind: EntityKind::Company,
        shape: Shape::RoundedBox,
        fill: "#e6eef8",
        legend: "company",
    },
    EntityStyle {
        kind: EntityKind::Fund,
        shape: Shape::Cylinder,
        fill: "#fdf0cf",
        legend: "fund",
    },
    EntityStyle {
        kind: EntityKind::SovereignFund,
        shape: Shape::Hexagon,
        fill: "#fbe0cf",
        legend: "sovereign fund",
    },
    EntityStyle {
        kind: EntityKind::Government,
        shape: Shape::Octagon,
        fill: "#e8e1f3",
        legend: "government",
    },
    EntityStyle {
        kind: EntityKind::Person,
        shape: Shape::Ellipse,
        fill: "#e2f1e2",
        legend: "person",
    },
    EntityStyle {
        kind: EntityKind::Consortium,
        shape: Shape::Parallelogram,
        fill: "#ececec",
        legend: "consortium",
    },
];

/// The style of an entity kind.
pub fn entity_style(kind: EntityKind) -> &'static EntityStyle {
    ENTITY_STYLES
        .iter()
        .find(|s| s.kind == kind)
        .expect("every entity kind has a style")
}

/// How deals of one kind are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DealStyle {
    pub kind: DealKind,
    /// Stroke colour, `#rrggbb` (Okabe–Ito palette: safe for colour-blind readers).
    pub colour: &'static str,
    /// Legend text: which way the arrow points.
    pub legend: &'static str,
}

/// Deal kinds in legend order.
pub const DEAL_STYLES: [DealStyle; 6] = [
    DealStyle {
        kind: DealKind::Investment,
        colour: "#0072b2",
        legend: "investment (investor → investee)",
    },
    DealStyle {
        kind: DealKind::Cloud,
        colour: "#e69f00",
        legend: "cloud (customer → provider)",
    },
    DealStyle {
        kind: DealKind::Chips,
        colour: "#009e73",
        legend: "chips (buyer → seller)",
    },
    DealStyle {
        kind: DealKind::Loan,
        colour: "#cc79a7",
        legend: "loan (lender → borrower)",
    },
    DealStyle {
        kind: DealKind::Revenue,
        colour: "#d55e00",
        legend: "revenue (payer → payee)",
    },
    DealStyle {
        kind: DealKind::Other,
        colour: "#555555",
        legend: "other (payer → payee)",
    },
];

/// The style of a deal kind.
pub fn deal_style(kind: DealKind) -> &'static DealStyle {
    DEAL_STYLES
        .iter()
        .find(|s| s.kind == kind)
        .expect("every deal kind has a style")
}

/// Line pattern of an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

impl Dash {
    /// The Graphviz `style` word.
    pub fn graphviz(self) -> &'static str {
        match self {
            Dash::Solid => "solid",
            Dash::Dashed => "dashed",
            Dash::Dotted => "dotted",
        }
    }

    /// SVG `stroke-dasharray` for a line of `width` (dots need round caps), or `None`.
    pub fn svg_dasharray(self, width: f64) -> Option<String> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some(format!("{:.1} {:.1}", 5.0 + 2.0 * width, 3.0 + width)),
            Dash::Dotted => Some(format!("0.1 {:.1}", 2.5 + 1.5 * width)),
        }
    }
}

/// How a deal's standing status is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StatusStyle {
    pub status: Status,
    pub dash: Dash,
    /// Replaces the deal-kind colour (cancelled deals are grey).
    pub colour: Option<&'static str>,
    /// Appended to the edge label: "(talks)".
    pub suffix: Option<&'static str>,
    /// Legend text.
    pub legend: &'static str,
}

/// Statuses in legend order.
pub const STATUS_STYLES: [StatusStyle; 5] = [
    StatusStyle {
        status: Status::Completed,
        dash: Dash::Solid,
        colour: None,
        suffix: None,
        legend: "completed or announced",
    },
    StatusStyle {
        status: Status::Announced,
        dash: Dash::Solid,
        colour: None,
        suffix: None,
        legend: "completed or announced",
    },
    StatusStyle {
        status: Status::InTalks,
        dash: Dash::Dashed,
        colour: None,
        suffix: Some("talks"),
        legend: "in talks",
    },
    StatusStyle {
        status: Status::Rumored,
        dash: Dash::Dotted,
        colour: None,
        suffix: Some("rumored"),
        legend: "rumored",
    },
    StatusStyle {
        status: Status::Cancelled,
        dash: Dash::Solid,
        colour: Some(CANCELLED),
        suffix: Some("cancelled"),
        legend: "cancelled (grey; only with --status cancelled)",
    },
];

/// The style of a status.
pub fn status_style(status: Status) -> &'static StatusStyle {
    STATUS_STYLES
        .iter()
        .find(|s| s.status == status)
        .expect("every status has a style")
}

/// Legend text for faded deals when loops are highlighted.
pub const FADED_LEGEND: &str = "faded: on none of the loops drawn";

/// The stroke of one deal: colour, width, dash, arrowhead and opacity.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeLook {
    pub colour: &'static str,
    pub width: f64,
    pub dash: Dash,
    /// Hollow arrowhead (inferred deals).
    pub hollow: bool,
    /// 1.0, or [`FADED_OPACITY`] for deals off every loop when loops are highlighted.
    pub opacity: f64,
}

/// How `deal`, standing at `report`, is drawn. `faded` when loops are highlighted and the
/// deal is on none of them.
pub fn edge_look(deal: DealRef<'_>, report: &ReportRef<'_>, faded: bool) -> EdgeLook {
    let status = status_style(report.status);
    EdgeLook {
        colour: status.colour.unwrap_or(deal_style(deal.kind()).colour),
        width: edge_width(&report.amount),
        dash: status.dash,
        hollow: deal.inferred(),
        opacity: if faded { FADED_OPACITY } else { 1.0 },
    }
}

/// Line width in points: 1 for undisclosed amounts and for $100M or less, then one point more
/// per tenfold amount ($1B → 2, $10B → 3, $100B → 4), at most 6. Rounded to a tenth so the
/// output text is stable.
///
/// ```
/// use dealgraph::model::parse_amount;
/// use dealgraph::render::style::edge_width;
/// assert_eq!(edge_width(&parse_amount("undisclosed").unwrap()), 1.0);
/// assert_eq!(edge_width(&parse_amount("$1B").unwrap()), 2.0);
/// assert_eq!(edge_width(&parse_amount("up to $50B").unwrap()), 3.7);
/// ```
pub fn edge_width(amount: &Amount) -> f64 {
    let Some(value) = amount.value else {
        return 1.0;
    };
    // Display only: a ratio of cents in f64 is exact enough for a line width.
    let ratio = value.cents() as f64 / 10_000_000_000.0;
    if ratio <= 1.0 {
        return 1.0;
    }
    let width = (1.0 + ratio.log10()).min(6.0);
    (width * 10.0).round() / 10.0
}

/// The edge label of a deal: "$38B cloud · 7y", "up to $50B investment (talks)",
/// "undisclosed chips (rumored, inferred)".
pub fn deal_label(deal: DealRef<'_>, report: &ReportRef<'_>) -> String {
    let mut label = match report.amount.value {
        Some(_) => format!("{} {}", report.amount, deal.kind_label()),
        None => format!("undisclosed {}", deal.kind_label()),
    };
    if let Some(years) = deal.term_years() {
        let _ = write!(label, " · {years}y");
    }
    let mut notes: Vec<&str> = Vec::new();
    notes.extend(status_style(report.status).suffix);
    if deal.inferred() {
        notes.push("inferred");
    }
    if !notes.is_empty() {
        let _ = write!(label, " ({})", notes.join(", "));
    }
    label
}

/// Text fit for a label: line breaks kept as `\n`, tabs as spaces, and every other control
/// character (and the two code points XML forbids, U+FFFE and U+FFFF) shown escaped as
/// `\u{1b}`, so a name can neither break the output nor hide characters.
pub fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\r' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Label lines: `text` [`clean`]ed, split at its own line breaks, then wrapped at spaces so
/// no line is longer than `width` characters unless a single word is (words over `width`
/// characters are cut). Never empty.
///
/// ```
/// use dealgraph::render::style::wrap;
/// assert_eq!(wrap("Middle East sovereign wealth funds", 18),
///            ["Middle East", "sovereign wealth", "funds"]);
/// assert_eq!(wrap("a\nb", 18), ["a", "b"]);
/// ```
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(4);
    let mut lines = Vec::new();
    for paragraph in clean(text).split('\n') {
        let mut line = String::new();
        let mut line_len = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > width {
                if line_len > 0 {
                    lines.push(std::mem::take(&mut line));
                    line_len = 0;
                }
                let rest = word.split_off(width);
                lines.push(word.into_iter().collect());
                word = rest;
            }
            if line_len > 0 && line_len + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
                line_len = 0;
            }
            if line_len > 0 {
                line.push(' ');
                line_len += 1;
            }
            line_len += word.len();
            line.extend(word);
        }
        lines.push(line);
    }
    lines
}

/// The legend as Markdown, for docs/maps.md (a test keeps that file in step with this table).
pub fn legend_markdown() -> String {
    let mut md = String::new();
    md.push_str("| Entity kind | Shape | Fill |\n|---|---|---|\n");
    for s in &ENTITY_STYLES {
        let _ = writeln!(md, "| {} | {} | `{}` |", s.legend, s.shape.name(), s.fill);
    }
    md.push_str("\n| Deal kind (arrow: who pays → who is paid) | Colour |\n|---|---|\n");
    for s in &DEAL_STYLES {
        let _ = writeln!(md, "| {} | `{}` |", s.legend, s.colour);
    }
    md.push_str("\n| Standing status | Line | Label ends with |\n|---|---|---|\n");
    for s in &STATUS_STYLES {
        let line = match (s.colour, s.dash) {
            (Some(c), dash) => format!("{}, `{c}`", dash.graphviz()),
            (None, dash) => dash.graphviz().to_string(),
        };
        let suffix = s.suffix.map_or("—".to_string(), |x| format!("({x})"));
        let _ = writeln!(md, "| {} | {line} | {suffix} |", s.status);
    }
    md.push_str(
        "\n- Inferred deals (no source states them; other figures imply them): hollow \
         arrowhead, and \"inferred\" in the label.\n\
         - Line width: 1pt when the amount is undisclosed or at most $100M, one point more per \
         tenfold amount ($1B → 2pt, $10B → 3pt, $100B → 4pt), at most 6pt.\n\
         - When a map highlights loops, deals on no loop are faded.\n",
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_amount;

    #[test]
    fn every_kind_and_status_has_one_style() {
        for k in EntityKind::ALL {
            assert_eq!(ENTITY_STYLES.iter().filter(|s| s.kind == *k).count(), 1);
        }
        for k in DealKind::ALL {
            assert_eq!(DEAL_STYLES.iter().filter(|s| s.kind == *k).count(), 1);
        }
        for s in Status::ALL {
            assert_eq!(STATUS_STYLES.iter().filter(|t| t.status == *s).count(), 1);
        }
    }

    #[test]
    fn width_grows_with_log_amount_and_is_capped() {
        let w = |s: &str| edge_width(&parse_amount(s).unwrap());
        assert_eq!(w("$50M"), 1.0);
        assert_eq!(w("$10B"), 3.0);
        assert_eq!(w("$100B"), 4.0);
        assert_eq!(w("$1T"), 5.0);
        assert_eq!(w("$900T"), 6.0);
        assert!(w("$38B") > w("$13B"));
    }

    #[test]
    fn clean_escapes_controls_and_keeps_the_rest() {
        assert_eq!(clean("a\r\nb\tc\u{1b}[0m"), "a\nb c\\u{1b}[0m");
        assert_eq!(clean("Zoë 🚀 \u{200f}שלום <&>"), "Zoë 🚀 \u{200f}שלום <&>");
        assert_eq!(clean("x\u{ffff}"), "x\\u{ffff}");
    }

    #[test]
    fn wrap_cuts_long_words_and_keeps_empty_lines_non_empty() {
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("abcdefghijkl xy", 5), ["abcde", "fghij", "kl xy"]);
        assert_eq!(
            wrap("up to $50B investment (talks)", 24),
            ["up to $50B investment", "(talks)"]
        );
    }
}
