//! PNG from an SVG map, in pure Rust (resvg), its text in the bundled Liberation Sans
//! (see [`fonts`](super::fonts)), so the picture is the same on any machine.

use resvg::tiny_skia;

use super::fonts::{self, FontOptions};

/// How to rasterise: pixels per SVG unit, and where letters the bundled font lacks come from.
#[derive(Clone, Debug, PartialEq)]
pub struct PngOptions {
    /// 2.0 (the default) gives print-ready pictures twice the SVG's size.
    pub scale: f32,
    pub fonts: FontOptions,
}

impl Default for PngOptions {
    fn default() -> Self {
        PngOptions {
            scale: 2.0,
            fonts: FontOptions::default(),
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
    #[error("the SVG could not be read: {0}")]
    Svg(String),
    #[error("the picture is too large to rasterise ({0} × {1} px)")]
    TooLarge(u32, u32),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// The largest side of a PNG, in pixels; a bigger map should be drawn as SVG.
const MAX_SIDE: u32 = 16_384;

/// Rasterises `svg` (as written by [`render`](super::render)) into a PNG on white.
///
/// Text is set in the bundled Liberation Sans; letters it lacks come from the fonts of
/// `options.fonts`. Complexity: O(SVG size + pixels).
pub fn to_png(svg: &str, options: &PngOptions) -> Result<Png, PngError> {
    let fonts::Parsed { tree, font } = fonts::parse(svg, &options.fonts).map_err(PngError::Svg)?;
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
