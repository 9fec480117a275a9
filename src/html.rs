//! HTML escaping, for what qingdan writes into pages itself (the editors'
//! views of `serve`) and for the values Tera puts into templates minified
//! ahead of rendering (see `render::templates`).

/// Escapes `& < > " '` for text and quoted attribute values; unlike
/// Tera's own escaping, leaves `/` as it is (URLs stay readable).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_what_html_needs_and_keeps_slashes() {
        assert_eq!(
            super::escape(r#"/a/b?x=1&y="2"<i>'"#),
            "/a/b?x=1&amp;y=&quot;2&quot;&lt;i&gt;&#39;"
        );
    }
}
