//! Fuzzes the builtin SVG writer with arbitrary entity names, notes, labels, sources and data
//! labels: the text must parse as XML (roxmltree, which also refuses DTDs), hold only the
//! elements the writer draws (no injected `<script>`, no `on*` attribute), one entity group
//! per entity and at most one deal group per deal, and give every name back as its text.
#![no_main]

use dealgraph::render::{style, svg};
use libfuzzer_sys::fuzz_target;

#[path = "map_input.rs"]
mod map_input;

const ELEMENTS: &[&str] = &[
    "svg", "title", "rect", "text", "tspan", "g", "path", "ellipse", "polygon",
];

fuzz_target!(|input: map_input::MapInput| {
    let Some(data) = map_input::dataset(&input) else {
        return;
    };
    let spec = map_input::spec(&input, &data);
    let text = svg::render_builtin(&spec, &data);
    let doc = match roxmltree::Document::parse(&text) {
        Ok(d) => d,
        Err(e) => panic!("the SVG is not XML: {e}\n{text}"),
    };
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            ELEMENTS.contains(&name),
            "unexpected element <{name}>:\n{text}"
        );
        assert_eq!(
            node.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg"),
            "an element left the SVG namespace:\n{text}"
        );
        for a in node.attributes() {
            let key = a.name().to_ascii_lowercase();
            assert!(
                !key.starts_with("on") && a.namespace().is_none(),
                "unexpected attribute {key}:\n{text}"
            );
        }
    }
    // The document title is the map's title, character for character (after `clean`).
    let title = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap_or("");
    assert_eq!(title, style::clean(&spec.title), "title:\n{text}");

    let class = |c: &str| {
        doc.descendants()
            .filter(|n| n.is_element() && n.attribute("class") == Some(c))
            .collect::<Vec<_>>()
    };
    let entities = class("entity");
    assert_eq!(
        entities.len(),
        spec.entities.len(),
        "one group per entity:\n{text}"
    );
    for (g, &e) in entities.iter().zip(&spec.entities) {
        let entity = data.entity(e);
        assert_eq!(
            g.attribute("id"),
            Some(format!("entity-{}", entity.id).as_str())
        );
        // The tooltip is the name and kind; the drawn text is the wrapped name.
        let tooltip = g
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap_or("");
        let legend = style::entity_style(entity.kind).legend;
        assert_eq!(
            tooltip,
            format!("{} ({legend})", style::clean(&entity.name)),
            "entity tooltip:\n{text}"
        );
        let lines: Vec<String> = g
            .descendants()
            .filter(|n| n.has_tag_name("tspan"))
            .map(|n| n.text().unwrap_or("").to_string())
            .collect();
        assert_eq!(
            lines,
            style::wrap(&entity.name, style::NODE_WRAP),
            "entity text:\n{text}"
        );
    }
    let deals = class("deal");
    assert!(
        deals.len() <= spec.deals.len(),
        "at most one group per deal:\n{text}"
    );
    assert_eq!(
        class("label").len(),
        deals.len(),
        "one label per drawn deal:\n{text}"
    );
    assert_eq!(class("entities").len(), 1);
    assert_eq!(class("deals").len(), 1);
});
