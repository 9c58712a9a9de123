//! The interactive HTML map of `dealgraph explore`: one self-contained file (no network:
//! scripts, styles and data are inline, and its Content-Security-Policy forbids fetching
//! anything) drawn by Cytoscape.js at positions computed here ([`data`]).
//!
//! The data travels as one `<script type="application/json">` block ([`script_json`]) that
//! the page reads with `JSON.parse` and writes into the document with `textContent` only.
//!
//! Cytoscape.js is vendored in `vendor/` (MIT; its licence banner is kept in the file). To
//! update it: `npm pack cytoscape@VERSION`, unpack, copy `package/dist/cytoscape.min.js` and
//! `package/LICENSE` into `src/render/html/vendor/`, update `vendor/VERSION`, and run the
//! browser test (`python3 tests/browser/explore.py`).

pub mod data;
pub mod scope;

pub use data::{ExploreOptions, PageData, Selection, page_data};
pub use scope::Scope;

use crate::graph::Filter;
use crate::model::Dataset;
use crate::render::map::MapSpec;

/// The page: markup with `{{CSS}}`, `{{CYTOSCAPE}}`, `{{DATA}}` and `{{JS}}` in that order.
const TEMPLATE: &str = include_str!("page.html");
const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");
/// Cytoscape.js 3.35.0, `dist/cytoscape.min.js` as published (see `vendor/VERSION`).
pub const CYTOSCAPE: &str = include_str!("vendor/cytoscape.min.js");

/// The whole page for `page`.
///
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_bundled, LoadOptions};
/// use dealgraph::render::html::{self, ExploreOptions, Selection};
///
/// let loaded = load_bundled(LoadOptions::default()).unwrap();
/// let filter = Filter::today();
/// let selection = Selection::new(&loaded.dataset, &filter);
/// let page = html::page_data(&loaded.dataset, &filter, &selection, "seeds", &ExploreOptions::default());
/// let text = html::to_html(&page);
/// assert!(text.starts_with("<!DOCTYPE html>"));
/// assert_eq!(page.entities.len(), selection.entities.len());
/// ```
pub fn to_html(page: &PageData) -> String {
    let data = script_json(page);
    let mut out =
        String::with_capacity(TEMPLATE.len() + CSS.len() + CYTOSCAPE.len() + JS.len() + data.len());
    let mut rest = TEMPLATE;
    for (marker, text) in [
        ("{{CSS}}", CSS),
        ("{{CYTOSCAPE}}", CYTOSCAPE),
        ("{{DATA}}", data.as_str()),
        ("{{JS}}", JS),
    ] {
        let (before, after) = rest
            .split_once(marker)
            .expect("the page template has every marker, in order");
        out.push_str(before);
        out.push_str(text);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The interactive page of what the map `spec` shows (`map --format html`): the spec's
/// entities and every deal among them that the filters keep at some date up to `--as-of`
/// (so the date slider can replay them), titled as the spec. `filter` is the one the spec
/// was built under; `data_label` names the data ("bundled seeds").
///
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_bundled, LoadOptions};
/// use dealgraph::render::{html, map::MapSpec};
///
/// let loaded = load_bundled(LoadOptions::default()).unwrap();
/// let filter = Filter::today();
/// let graph = MoneyGraph::build(&loaded.dataset, filter.clone());
/// let openai = loaded.dataset.resolve("openai").unwrap();
/// let spec = MapSpec::neighbourhood(&graph, openai, 1, "seeds");
/// let text = html::map_page(&loaded.dataset, &filter, &spec, "seeds", &Default::default());
/// assert!(text.contains("Who pays whom around OpenAI"));
/// ```
pub fn map_page(
    data: &Dataset,
    filter: &Filter,
    spec: &MapSpec,
    data_label: &str,
    options: &ExploreOptions,
) -> String {
    let scope = Scope::only(data, filter, &spec.entities);
    to_html(&scope.page_data(&spec.title, data_label, options))
}

/// `value` as JSON that is safe inside a `<script>` element: every `<`, `>` and `&` (so no
/// `</script>` or `<!--` can appear) and the line separators U+2028 and U+2029 are written as
/// `\u` escapes, which `JSON.parse` turns back into the same characters. JSON has these
/// characters only inside strings, where the escapes mean the same.
///
/// ```
/// let text = dealgraph::render::html::script_json(&"</script><!-- \u{2028}&");
/// assert_eq!(text, r#""\u003c/script\u003e\u003c!-- \u2028\u0026""#);
/// ```
pub fn script_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("page data serialises");
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_cannot_close_its_script_element() {
        for (name, text) in [("cytoscape", CYTOSCAPE), ("page.js", JS), ("page.css", CSS)] {
            let lower = text.to_ascii_lowercase();
            assert!(!lower.contains("</script"), "{name} contains </script");
            assert!(!lower.contains("<!--"), "{name} contains <!--");
            assert!(!lower.contains("</style"), "{name} contains </style");
        }
        assert!(
            CYTOSCAPE.starts_with("/**\n * Copyright (c) 2016-2026, The Cytoscape Consortium.")
        );
    }

    #[test]
    fn hostile_text_stays_in_its_string() {
        let hostile = "</script><script>alert(1)</script> <!-- \"q\" 'q' \n \u{200f} \u{2028}";
        let json = script_json(&[hostile]);
        assert!(!json.contains('<') && !json.contains('\u{2028}'));
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [hostile]);
    }
}
