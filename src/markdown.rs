//! Markdown to HTML and to plain text, with pulldown-cmark.
//!
//! Raw HTML in content is shown as text, never passed through: the site's
//! Content-Security-Policy forbids inline script and style, and a clerk's
//! pasted HTML fragment should not change the page.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

pub fn to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, options()).map(|e| match e {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        // Column alignment would be rendered as a style attribute, which the
        // Content-Security-Policy forbids.
        Event::Start(Tag::Table(aligns)) => Event::Start(Tag::Table(vec![
                pulldown_cmark::Alignment::None;
                aligns.len()
            ])),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// The text a reader sees, blocks separated by newlines. Ordered-list
/// numbers are part of the document's wording ("1.…; 2.…"), so they stay.
pub fn to_plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut counters: Vec<Option<u64>> = Vec::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::List(start)) => counters.push(start),
            Event::End(TagEnd::List(_)) => {
                counters.pop();
            }
            Event::Start(Tag::Item) => {
                if let Some(Some(n)) = counters.last_mut() {
                    out.push_str(&format!("{n}."));
                    *n += 1;
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::CodeBlock,
            ) if !out.ends_with('\n') && !out.is_empty() => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push('\t'),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let h = to_html("a <script>alert(1)</script> b\n\n<div style=\"x\">c</div>\n");
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
        assert!(!h.contains("<div"), "{h}");
    }

    #[test]
    fn tables_have_no_style_attributes() {
        let h = to_html("| a | b |\n|:-:|--:|\n| 1 | 2 |\n");
        assert!(h.contains("<table>"), "{h}");
        assert!(!h.contains("style"), "{h}");
    }

    #[test]
    fn plain_text_keeps_list_numbers() {
        let md = "3. 审查人选；\n4. 审核结果。\n\n段落";
        assert_eq!(to_plain(md), "3.审查人选；\n4.审核结果。\n段落");
    }
}
