//! PDF from an SVG map, in pure Rust (krilla and krilla-svg): vector shapes, and text that can
//! be selected and searched, in the bundled Liberation Sans embedded as a subset.

use krilla::Document;
use krilla::geom::Size;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla_svg::{SurfaceExt, SvgSettings};

use super::fonts::{self, FontOptions};

/// How to write a PDF: the document's title (shown by readers) and the fonts for letters
/// the bundled font lacks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PdfOptions {
    /// The PDF's title in its metadata, usually the map's headline; none when empty.
    pub title: String,
    pub fonts: FontOptions,
}

/// A PDF and the font family its text is in (for `--verbose`).
#[derive(Clone, Debug)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub font: String,
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the SVG could not be read: {0}")]
    Svg(String),
    #[error("the SVG has no size")]
    Empty,
    #[error("PDF writing failed: {0}")]
    Write(String),
}

/// The largest side of a PDF page in points (200 inches, the limit of common readers); a
/// bigger map is scaled down to fit, which a vector picture does without loss.
const MAX_SIDE: f32 = 14_400.0;

/// Writes `svg` (as written by [`render`](super::render)) as a one-page PDF, one SVG unit to
/// a point (as illustration software imports SVG).
///
/// Text stays text, set in the bundled Liberation Sans, whose glyphs used are embedded;
/// letters it lacks come from the fonts of `options.fonts`. The output has no date or random
/// id in it: the same SVG gives the same bytes. Complexity: O(SVG size).
///
/// ```
/// use dealgraph::render::svg::{PdfOptions, to_pdf};
///
/// let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30">
///   <text x="5" y="20" font-size="12">Who pays whom</text></svg>"#;
/// let pdf = to_pdf(svg, &PdfOptions::default()).unwrap();
/// assert!(pdf.bytes.starts_with(b"%PDF-"));
/// assert_eq!(pdf.font, "Liberation Sans (bundled)");
/// ```
pub fn to_pdf(svg: &str, options: &PdfOptions) -> Result<Pdf, PdfError> {
    let fonts::Parsed { tree, font } = fonts::parse(svg, &options.fonts).map_err(PdfError::Svg)?;
    let (w, h) = (tree.size().width(), tree.size().height());
    let fit = (MAX_SIDE / w.max(h)).min(1.0);
    let size = Size::from_wh(w * fit, h * fit).ok_or(PdfError::Empty)?;
    let mut document = Document::new();
    let mut metadata = Metadata::new().creator("dealgraph".to_string());
    if !options.title.is_empty() {
        metadata = metadata.title(options.title.clone());
    }
    document.set_metadata(metadata);
    let mut page = document.start_page_with(PageSettings::new(size));
    let mut surface = page.surface();
    let drawn = surface.draw_svg(&tree, size, SvgSettings::default());
    surface.finish();
    page.finish();
    drawn.ok_or_else(|| PdfError::Write("the SVG could not be drawn".to_string()))?;
    let bytes = document
        .finish()
        .map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(Pdf { bytes, font })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="5" y="20" font-size="14" font-weight="bold">Who pays whom</text>
<text x="5" y="45" font-size="11" fill="#666666">A &amp; B &lt;Co&gt; "quoted"</text></svg>"##;

    #[test]
    fn a_pdf_embeds_the_bundled_font_and_keeps_the_page_size() {
        let pdf = to_pdf(
            SVG,
            &PdfOptions {
                title: "Who pays whom".to_string(),
                ..PdfOptions::default()
            },
        )
        .unwrap();
        let bytes = &pdf.bytes;
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(bytes);
        assert!(text.trim_end().ends_with("%%EOF"));
        // One page, 300 × 60 points, and the subset fonts (regular and bold) embedded.
        assert!(text.contains("/MediaBox[0 0 300 60]"), "{text}");
        assert_eq!(text.matches("/FontFile2").count(), 2, "{text}");
        assert!(text.contains("LiberationSans"), "{text}");
        assert!(text.contains("dealgraph"));
    }

    #[test]
    fn the_same_svg_gives_the_same_bytes() {
        let a = to_pdf(SVG, &PdfOptions::default()).unwrap().bytes;
        let b = to_pdf(SVG, &PdfOptions::default()).unwrap().bytes;
        assert_eq!(a, b);
    }

    #[test]
    fn a_huge_map_is_scaled_to_fit_the_page_limit() {
        let huge = SVG.replace("width=\"300\"", "width=\"30000\"");
        let text = String::from_utf8_lossy(&to_pdf(&huge, &PdfOptions::default()).unwrap().bytes)
            .into_owned();
        assert!(text.contains("/MediaBox[0 0 14400 28.8]"), "{text}");
    }

    #[test]
    fn an_svg_that_is_not_one_is_an_error() {
        let err = to_pdf("<html>", &PdfOptions::default()).unwrap_err();
        assert!(matches!(err, PdfError::Svg(_)), "{err}");
    }
}
