//! Markdown to HTML and to plain text, with pulldown-cmark.
//!
//! Raw HTML in content is shown as text, never passed through: the site's
//! Content-Security-Policy forbids inline script and style, and a clerk's
//! pasted HTML fragment should not change the page. Links are live only
//! for the schemes in [`SAFE_SCHEMES`] and relative URLs; [`lint`] finds
//! what validation must refuse before anything is rendered.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// How deeply Markdown elements (lists, quotes, emphasis, …) may nest.
/// A real matter nests at most 4 deep; the HTML minifier recurses once per
/// level and overflows its stack somewhere past a thousand.
pub const MAX_NESTING: usize = 32;

/// The longest run of ASCII letters and digits text may hold. Search
/// indexes each such run as one word, letter by letter.
pub const MAX_WORD_CHARS: usize = 100;

/// URL schemes written as live links; anything else with a scheme is refused.
pub const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Something in a Markdown text that validation refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Elements nested deeper than [`MAX_NESTING`].
    TooDeep,
    /// A link or image whose URL has a scheme not in [`SAFE_SCHEMES`].
    UnsafeUrl { url: String, scheme: String },
    /// A run of ASCII letters and digits longer than [`MAX_WORD_CHARS`].
    LongWord { chars: usize },
    /// A control character written as a character reference (`&#x1B;`),
    /// which the file check cannot see.
    Control { code: u32 },
}

/// A problem and the byte offset in the Markdown where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub offset: usize,
    pub problem: Problem,
}

/// Everything in `markdown` that must not reach the built site, in order.
/// Each kind is reported once per text, at its first place.
pub fn lint(markdown: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut too_deep = false;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                depth += 1;
                if depth > MAX_NESTING && !too_deep {
                    too_deep = true;
                    found.push(Finding {
                        offset: range.start,
                        problem: Problem::TooDeep,
                    });
                }
                // Attribute text (link titles, a code block's language)
                // reaches the page too.
                let attribute = match &tag {
                    Tag::Link { title, .. } | Tag::Image { title, .. } => Some(title.as_ref()),
                    Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info)) => {
                        Some(info.as_ref())
                    }
                    _ => None,
                };
                if let Some(c) = attribute.and_then(|a| {
                    a.chars()
                        .find(|&c| crate::text_file::is_forbidden_control(c))
                }) {
                    found.push(Finding {
                        offset: range.start,
                        problem: Problem::Control { code: c as u32 },
                    });
                }
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = tag {
                    if let Some(scheme) = unsafe_scheme(&dest_url) {
                        found.push(Finding {
                            offset: range.start,
                            problem: Problem::UnsafeUrl {
                                url: dest_url.to_string(),
                                scheme,
                            },
                        });
                    }
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = t
                    .chars()
                    .find(|&c| crate::text_file::is_forbidden_control(c))
                {
                    found.push(Finding {
                        offset: range.start,
                        problem: Problem::Control { code: c as u32 },
                    });
                }
            }
            _ => {}
        }
    }
    if let Some((offset, chars)) = longest_word(markdown).filter(|&(_, n)| n > MAX_WORD_CHARS) {
        found.push(Finding {
            offset,
            problem: Problem::LongWord { chars },
        });
    }
    found.sort_by_key(|f| f.offset);
    found
}

/// The byte offset and length (in characters) of the longest run of ASCII
/// letters and digits in `text`.
pub fn longest_word(text: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start = 0;
    let mut len = 0;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            if len == 0 {
                start = i;
            }
            len += 1;
            if best.is_none_or(|(_, n)| len > n) {
                best = Some((start, len));
            }
        } else {
            len = 0;
        }
    }
    best
}

/// The scheme of `url` when it is one a live link must not have. Browsers
/// ignore ASCII whitespace and control characters inside a URL and compare
/// schemes without case; percent-escapes are decoded too, so no spelling
/// of `javascript:` slips through.
pub fn unsafe_scheme(url: &str) -> Option<String> {
    let visible = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
            .collect()
    };
    let mut folded = visible(url);
    // Decode until stable, so that %256A becomes %6A becomes j.
    for _ in 0..4 {
        let decoded = visible(&percent_decode(&folded));
        if decoded == folded {
            break;
        }
        folded = decoded;
    }
    let end = folded.find([':', '/', '?', '#'])?;
    if !folded[end..].starts_with(':') {
        return None; // a relative URL
    }
    let scheme = folded[..end].to_ascii_lowercase();
    if SAFE_SCHEMES.contains(&scheme.as_str()) {
        None
    } else {
        Some(scheme)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

pub fn to_html(markdown: &str) -> String {
    // Validation refuses unsafe URLs; should one reach here anyway, its
    // link is dropped and only its text is shown.
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options()).filter_map(move |e| match e {
        // Links and images nest properly, so one stack pairs their ends.
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
            let drop = unsafe_scheme(dest_url).is_some();
            dropped.push(drop);
            (!drop).then_some(e)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => (!dropped.pop().unwrap_or(false)).then_some(e),
        e => Some(e),
    });
    let events = events.map(|e| match e {
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
    fn unsafe_schemes_are_found_in_every_spelling() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:x",
            "%6Aavascript:alert(1)",
            "%256Aavascript:alert(1)",
            "vbscript:msgbox",
            "data:text/html;base64,PHNjcmlwdD4=",
            "DATA:image/png;base64,AAAA",
            "file:///etc/passwd",
        ] {
            assert!(unsafe_scheme(url).is_some(), "{url:?}");
        }
        for url in [
            "https://www.gov.cn/",
            "HTTP://x.cn",
            "mailto:a@b.cn",
            "tel:0998-1234567",
            "../basic/",
            "/zwgk/lzqd/",
            "page.html?a=b:c",
            "#top",
            "a/b:c",
        ] {
            assert_eq!(unsafe_scheme(url), None, "{url:?}");
        }
    }

    #[test]
    fn lint_finds_links_depth_and_long_words_with_offsets() {
        let md = "正文\n\n[点我](javascript:alert(1)) 与 <vbscript:x> 和 ![图](data:image/png;base64,AAAA)\n";
        let f = lint(md);
        let schemes: Vec<_> = f
            .iter()
            .map(|f| match &f.problem {
                Problem::UnsafeUrl { scheme, .. } => scheme.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(schemes, ["javascript", "vbscript", "data"]);
        assert_eq!(&md[f[0].offset..f[0].offset + 1], "[");

        let deep = "- ".repeat(MAX_NESTING) + "x\n";
        assert!(lint(&deep).iter().any(|f| f.problem == Problem::TooDeep));
        let quotes = ">".repeat(MAX_NESTING + 1) + " x\n";
        assert!(lint(&quotes).iter().any(|f| f.problem == Problem::TooDeep));
        let ok = "- a\n  - b\n    - c\n\n> 引用 **强调**\n";
        assert!(lint(ok).is_empty(), "{:?}", lint(ok));

        let word = format!("前文{}后文", "a".repeat(MAX_WORD_CHARS + 1));
        let f = lint(&word);
        assert_eq!(
            f,
            [Finding {
                offset: "前文".len(),
                problem: Problem::LongWord {
                    chars: MAX_WORD_CHARS + 1
                }
            }]
        );
        assert!(lint(&"a".repeat(MAX_WORD_CHARS)).is_empty());

        let f = lint("正文&#x1B;[31m与&#8;");
        assert_eq!(f[0].problem, Problem::Control { code: 0x1b });
        for md in [
            "[链接](https://a.cn \"标题&#x1B;反转\")",
            "![图](https://a.cn/x.png \"&#x2028;\")",
            "```x&#x202E;y\ncode\n```\n",
        ] {
            assert!(
                lint(md)
                    .iter()
                    .any(|f| matches!(f.problem, Problem::Control { .. })),
                "{md}"
            );
        }
    }

    #[test]
    fn unsafe_links_never_render_as_links() {
        let h = to_html("[点我](javascript:alert(1)) ![图](data:x) [好](https://a.cn)");
        assert!(!h.contains("javascript"), "{h}");
        assert!(!h.contains("data:"), "{h}");
        assert!(h.contains("点我") && h.contains("图"), "{h}");
        assert!(h.contains("<a href=\"https://a.cn\">好</a>"), "{h}");
    }

    #[test]
    fn plain_text_keeps_list_numbers() {
        let md = "3. 审查人选；\n4. 审核结果。\n\n段落";
        assert_eq!(to_plain(md), "3.审查人选；\n4.审核结果。\n段落");
    }
}
