//! PNG from an SVG map, in pure Rust (resvg): the fonts it draws with are found on the
//! machine (plus any folders given) and named back, so a missing font is never silent.

use std::path::PathBuf;

use resvg::{tiny_skia, usvg};

use crate::render::style;

/// How to rasterise: pixels per SVG unit, and extra font folders searched before the system's.
#[derive(Clone, Debug, PartialEq)]
pub struct PngOptions {
    /// 2.0 (the default) gives print-ready pictures twice the SVG's size.
    pub scale: f32,
    pub font_dirs: Vec<PathBuf>,
}

impl Default for PngOptions {
    fn default() -> Self {
        PngOptions {
            scale: 2.0,
            font_dirs: Vec::new(),
        }
    }
}

/// A PNG and the font family its text was drawn in (for `--verbose`).
#[derive(Clone, Debug)]
pub struct Png {
    pub bytes: Vec<u8>,
    pub font: String,
}

/// Why a PNG could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("no fonts found on this machine to draw the map's text")]
    NoFonts,
    #[error("the SVG could not be read: {0}")]
    Svg(String),
    #[error("the picture is too large to rasterise ({0} × {1} px)")]
    TooLarge(u32, u32),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// The largest side of a PNG, in pixels; a bigger map should be drawn as SVG.
const MAX_SIDE: u32 = 16_384;

/// Rasterises `svg` (as written by [`render`](super::render)) into a PNG.
///
/// Fonts: the folders in `options.font_dirs`, then the system's. The first family of
/// [`style::FONT_STACK`] that is installed draws the text; when none is, the first installed
/// family whose name has "Sans" in it, else any. Which one is returned in [`Png::font`].
pub fn to_png(svg: &str, options: &PngOptions) -> Result<Png, PngError> {
    let mut opt = usvg::Options::default();
    let db = opt.fontdb_mut();
    for dir in &options.font_dirs {
        db.load_fonts_dir(dir);
    }
    db.load_system_fonts();
    let font = pick_font(db).ok_or(PngError::NoFonts)?;
    db.set_sans_serif_family(font.clone());
    opt.font_family = font.clone();
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| PngError::Svg(e.to_string()))?;
    let size = tree.size();
    let w = (size.width() * options.scale).ceil() as u32;
    let h = (size.height() * options.scale).ceil() as u32;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(PngError::TooLarge(w, h));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or(PngError::TooLarge(w, h))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(options.scale, options.scale),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))?;
    Ok(Png { bytes, font })
}

/// The family that draws the text: the first of the style's stack that is installed, else a
/// "Sans" family, else any; `None` when there are no fonts at all.
fn pick_font(db: &usvg::fontdb::Database) -> Option<String> {
    let has = |name: &str| {
        db.faces()
            .any(|f| f.families.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
    };
    let wanted = style::FONT_STACK
        .split(',')
        .map(|f| f.trim().trim_matches('\'').trim_matches('"'))
        .find(|f| has(f));
    if let Some(f) = wanted {
        return Some(f.to_string());
    }
    let mut families: Vec<&str> = db
        .faces()
        .flat_map(|f| f.families.iter().map(|(n, _)| n.as_str()))
        .collect();
    families.sort_unstable();
    families
        .iter()
        .find(|n| n.contains("Sans") && !n.contains("Mono"))
        .or(families.first())
        .map(|s| s.to_string())
}
