//! The fonts PNG and PDF maps are drawn in: Liberation Sans (OFL, `assets/fonts/`), bundled
//! into the binary so a map looks the same on any machine; the machine's fonts (and any
//! folders given) only supply letters it lacks, such as emoji or Chinese.

use std::path::PathBuf;
use std::sync::Arc;

use resvg::usvg::{self, fontdb};

/// The family every map's text is drawn in, whatever fonts the machine has.
pub const BUNDLED_FAMILY: &str = "Liberation Sans";

/// Liberation Sans 2.1.5, regular and bold (the only weights a map uses).
static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Bold.ttf");

/// Where fonts come from: the bundled Liberation Sans, then `extra_dirs`, then the system's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FontOptions {
    /// Folders of .ttf/.otf files searched, before the system's, for letters Liberation Sans
    /// does not have.
    pub extra_dirs: Vec<PathBuf>,
    /// Whether the system's fonts are searched for missing letters (true in the CLI). Off,
    /// the picture depends on nothing but the binary and `extra_dirs`.
    pub system: bool,
}

impl FontOptions {
    /// The bundled font, `extra_dirs`, and the system's fonts for missing letters.
    pub fn with_system(extra_dirs: Vec<PathBuf>) -> Self {
        FontOptions {
            extra_dirs,
            system: true,
        }
    }
}

/// A parsed SVG, ready to rasterise or to write as PDF, and the family its text is in.
pub(super) struct Parsed {
    pub tree: usvg::Tree,
    pub font: String,
}

/// Parses `svg` with every piece of text set in the bundled Liberation Sans (bold for a weight
/// of 600 or more), whatever family the SVG names; a letter it lacks comes from the other
/// fonts of `options`. Complexity: O(size of the SVG) plus a scan of the system's fonts.
pub(super) fn parse(svg: &str, options: &FontOptions) -> Result<Parsed, String> {
    let mut db = fontdb::Database::new();
    let regular = first(db.load_font_source(fontdb::Source::Binary(Arc::new(REGULAR))));
    let bold = first(db.load_font_source(fontdb::Source::Binary(Arc::new(BOLD))));
    for dir in &options.extra_dirs {
        db.load_fonts_dir(dir);
    }
    if options.system {
        db.load_system_fonts();
    }
    db.set_sans_serif_family(BUNDLED_FAMILY);
    let mut opt = usvg::Options {
        font_family: BUNDLED_FAMILY.to_string(),
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    };
    // The bundled faces by id: a system's own (other) version of Liberation Sans, or its
    // Helvetica or Arial named first in the SVG, never takes their place.
    opt.font_resolver.select_font = Box::new(move |font, _| match (regular, bold) {
        (Some(r), Some(b)) => Some(if font.weight() >= 600 { b } else { r }),
        _ => None,
    });
    opt.font_resolver.select_fallback = Box::new(closest_with);
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    Ok(Parsed {
        tree,
        font: format!("{BUNDLED_FAMILY} (bundled)"),
    })
}

/// The face for a letter `c` the faces in `used` lack: of those that have it, the one closest
/// in style, weight and width to `used[0]` (the face the text asked for), a "Sans" family
/// first, then the first loaded. (The default takes the first face that has the letter,
/// which drew Hebrew in DejaVu Sans Condensed Bold inside a regular name.) O(faces).
fn closest_with(
    c: char,
    used: &[fontdb::ID],
    db: &mut Arc<fontdb::Database>,
) -> Option<fontdb::ID> {
    let base = db.face(*used.first()?)?;
    let (style, weight, stretch) = (base.style, base.weight.0, base.stretch.to_number());
    db.faces()
        .filter(|f| !used.contains(&f.id) && has_char(db, f.id, c))
        .min_by_key(|f| {
            let sans = f.families.iter().any(|(n, _)| n.contains("Sans"));
            (
                f.style != style,
                f.weight.0.abs_diff(weight),
                f.stretch.to_number().abs_diff(stretch),
                !sans,
            )
        })
        .map(|f| f.id)
}

/// Whether face `id` has a glyph for `c`.
fn has_char(db: &fontdb::Database, id: fontdb::ID, c: char) -> bool {
    db.with_face_data(id, |data, index| {
        ttf_parser::Face::parse(data, index).is_ok_and(|f| f.glyph_index(c).is_some())
    })
    .unwrap_or(false)
}

/// The first face loaded from a font file.
fn first(ids: impl IntoIterator<Item = fontdb::ID>) -> Option<fontdb::ID> {
    ids.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The glyph outlines of the text in `svg`, drawn with `options`.
    fn text_paths(svg: &str, options: &FontOptions) -> Vec<String> {
        let parsed = parse(svg, options).unwrap();
        let mut out = Vec::new();
        collect(parsed.tree.root(), &mut out);
        out
    }

    fn collect(group: &usvg::Group, out: &mut Vec<String>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => collect(g, out),
                usvg::Node::Text(t) => collect(t.flattened(), out),
                usvg::Node::Path(p) => out.push(format!("{:?}", p.data())),
                usvg::Node::Image(_) => {}
            }
        }
    }

    const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" font-family="Helvetica, Arial, sans-serif"><text x="5" y="20" font-size="12">Who pays whom</text><text x="5" y="35" font-size="12" font-weight="bold">OpenAI</text></svg>"#;

    #[test]
    fn text_is_drawn_in_the_bundled_font_with_or_without_the_systems() {
        let alone = text_paths(SVG, &FontOptions::default());
        assert_eq!(alone.len(), 2, "both lines have glyphs: {alone:?}");
        let with_system = text_paths(SVG, &FontOptions::with_system(Vec::new()));
        assert_eq!(alone, with_system);
    }

    #[test]
    fn bold_text_gets_the_bold_face() {
        let bold = SVG.replace(
            "font-size=\"12\">Who",
            "font-size=\"12\" font-weight=\"bold\">Who",
        );
        let regular = text_paths(SVG, &FontOptions::default());
        let both_bold = text_paths(&bold, &FontOptions::default());
        assert_ne!(regular[0], both_bold[0]);
        assert_eq!(regular[1], both_bold[1]);
    }
}
