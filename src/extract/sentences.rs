//! Splitting an article into sentences, each with the 1-based line and column (in characters)
//! where it starts, and turning HTML into plain text (scripts and styles dropped).

/// One sentence of an article and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    pub line: usize,
    pub col: usize,
}

/// The sentences of `text`: a sentence ends at `.`, `!` or `?` followed by white space, or at
/// the end of a line (articles put one paragraph or heading per line).
pub fn split(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut start: Option<(usize, usize)> = None; // (byte, col)
        let mut chars = line.char_indices().enumerate().peekable();
        while let Some((col, (byte, c))) = chars.next() {
            if start.is_none() && !c.is_whitespace() {
                start = Some((byte, col + 1));
            }
            let next_is_space = chars.peek().is_none_or(|(_, (_, n))| n.is_whitespace());
            if matches!(c, '.' | '!' | '?')
                && next_is_space
                && let Some((b, col)) = start.take()
            {
                push(&mut out, &line[b..byte + c.len_utf8()], index + 1, col);
            }
        }
        if let Some((b, col)) = start {
            push(&mut out, &line[b..], index + 1, col);
        }
    }
    out
}

fn push(out: &mut Vec<Sentence>, text: &str, line: usize, col: usize) {
    let text = text.trim_end();
    if !text.is_empty() {
        out.push(Sentence {
            text: text.to_string(),
            line,
            col,
        });
    }
}

/// The readable text of an HTML page: one line per block element, scripts, styles and
/// other non-content elements dropped.
pub fn html_to_text(html: &str) -> String {
    use scraper::{Html, Node};
    const SKIP: &[&str] = &["script", "style", "noscript", "template", "svg"];
    const BLOCK: &[&str] = &[
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "tr",
        "section",
        "article",
        "header",
        "footer",
        "title",
        "blockquote",
        "time",
    ];
    let doc = Html::parse_document(html);
    let mut out = String::new();
    let mut stack = vec![(doc.tree.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Text(t) if !closing => {
                let squeezed = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !squeezed.is_empty() {
                    if !out.is_empty()
                        && !out.ends_with(['\n', ' '])
                        && t.starts_with(char::is_whitespace)
                    {
                        out.push(' ');
                    }
                    out.push_str(&squeezed);
                    if t.ends_with(char::is_whitespace) {
                        out.push(' ');
                    }
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let block = BLOCK.contains(&name);
                if closing {
                    if block && !out.ends_with('\n') {
                        out.truncate(out.trim_end_matches(' ').len());
                        out.push('\n');
                    }
                    continue;
                }
                stack.push((node, true));
                for child in node.children().rev() {
                    stack.push((child, false));
                }
            }
            _ if !closing => {
                for child in node.children().rev() {
                    stack.push((child, false));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_stops_and_lines_with_positions() {
        let s = split("Acme raised $1.5B. Then it stopped!\nA heading\n  Indented one? Yes.");
        let got: Vec<_> = s.iter().map(|s| (s.text.as_str(), s.line, s.col)).collect();
        assert_eq!(
            got,
            [
                ("Acme raised $1.5B.", 1, 1),
                ("Then it stopped!", 1, 20),
                ("A heading", 2, 1),
                ("Indented one?", 3, 3),
                ("Yes.", 3, 17),
            ]
        );
    }

    #[test]
    fn html_drops_scripts_and_styles() {
        let text = html_to_text(
            "<html><head><style>p{}</style><script>var x='Acme invests';</script></head>\
             <body><h1>Title</h1><p>Acme <b>invests</b> in Beta.</p><p>Second.</p></body></html>",
        );
        assert_eq!(text.trim(), "Title\nAcme invests in Beta.\nSecond.");
    }
}
