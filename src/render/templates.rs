//! The theme's Tera templates, loaded once per build. Where no template puts
//! Tera's syntax inside an HTML tag (`<a{% if … %} aria-current=…{% endif %}>`),
//! each template is minified here, once (minify-html passes `{{ }}`, `{% %}`
//! and `{# #}` through untouched), and the pages rendered from them are not
//! minified again: minifying every page was about a third of a county
//! site's build. A theme that does put Tera syntax inside a tag cannot be
//! minified before it is rendered, so its pages are minified one by one.

use std::collections::HashMap;
use std::path::Path;

use tera::Tera;
use walkdir::WalkDir;

use super::{chain, context, RenderError};

/// The loaded templates, and whether they were minified already.
pub struct Templates {
    pub(super) tera: Tera,
    /// True when the templates were minified, so that the pages need not be.
    pub(super) minified: bool,
}

/// Loads every `*.html` under `theme/templates`. Errors name the template
/// and the line of its source as written.
pub fn load(theme: &Path) -> Result<Templates, RenderError> {
    let sources = read(&theme.join("templates"))?;
    let as_written = tera_of(&sources, false)?;
    if sources.iter().all(|(_, text)| !syntax_in_tag(text)) {
        let minified: Vec<(String, String)> = sources
            .iter()
            .map(|(name, text)| (name.clone(), minify(text)))
            .collect();
        // Should minifying ever give something Tera cannot read, the pages
        // are minified instead: never worse than before.
        if let Ok(tera) = tera_of(&minified, true) {
            return Ok(Templates {
                tera,
                minified: true,
            });
        }
    }
    Ok(Templates {
        tera: as_written,
        minified: false,
    })
}

/// The templates' names (as Tera knows them: `macros.html`, `sub/x.html`)
/// and texts, in name order.
fn read(dir: &Path) -> Result<Vec<(String, String)>, RenderError> {
    let mut sources = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| RenderError::Load(e.to_string()))?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let name = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let text = std::fs::read_to_string(path)
            .map_err(|e| RenderError::Load(format!("{}：{e}", path.display())))?;
        sources.push((name, text));
    }
    Ok(sources)
}

fn tera_of(sources: &[(String, String)], minified: bool) -> Result<Tera, RenderError> {
    let mut tera = Tera::default();
    tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| RenderError::Load(chain(&e)))?;
    tera.autoescape_on(vec![".html", ".xml"]);
    if minified {
        // Tera's escaping also writes `/` as `&#x2F;`, which the page
        // minifier used to turn back; what is left is what HTML needs.
        tera.set_escape_fn(crate::html::escape);
    }
    // `{{ page.date | zh_date }}`: 2025-07 → 2025年7月, as the document writes dates.
    tera.register_filter(
        "zh_date",
        |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(crate::date::chinese(
                value.as_str().unwrap_or_default(),
            )))
        },
    );
    for required in context::TEMPLATES {
        if !tera.get_template_names().any(|n| n == *required) {
            return Err(RenderError::Load(format!("缺少模板 {required}")));
        }
    }
    Ok(tera)
}

/// A template's source minified, its Tera syntax kept as written.
fn minify(text: &str) -> String {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.preserve_brace_template_syntax = true;
    String::from_utf8_lossy(&minify_html::minify(text.as_bytes(), &cfg)).into_owned()
}

/// Whether Tera syntax stands inside an HTML tag where a minifier would
/// take it for attributes: anywhere in a tag but inside a quoted value,
/// or inside a quoted value when it holds that value's own quote.
fn syntax_in_tag(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Tera's own blocks are skipped whole outside tags.
        if let Some(end) = tera_end(b, i) {
            i = end;
            continue;
        }
        let opens_tag = b[i] == b'<' && b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic());
        if !opens_tag {
            i += 1;
            continue;
        }
        // Inside a tag until its `>`.
        let mut quote: Option<u8> = None;
        i += 1;
        while i < b.len() {
            if let Some(end) = tera_end(b, i) {
                match quote {
                    Some(q) if !b[i..end].contains(&q) => {
                        i = end;
                        continue;
                    }
                    _ => return true,
                }
            }
            match (quote, b[i]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    false
}

/// Where the Tera block (`{{ }}`, `{% %}`, `{# #}`) starting at `i` ends,
/// if one starts there.
fn tera_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let close: &[u8] = match b.get(i + 1) {
        Some(b'{') => b"}}",
        Some(b'%') => b"%}",
        Some(b'#') => b"#}",
        _ => return None,
    };
    let rest = &b[i + 2..];
    let at = rest.windows(2).position(|w| w == close)?;
    Some(i + 2 + at + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tera_syntax_inside_a_tag_is_found() {
        for inside in [
            r#"<a href="/"{% if x %} aria-current="page"{% endif %}>"#,
            r#"<tr{% if a %} id="{{ a }}"{% endif %}>"#,
            r#"<a {{ attrs }}>"#,
            r#"<a href={{ url }}>"#,
            r#"<a class="{% if x == "a" %}on{% endif %}">"#,
            r#"<p {# note #}>"#,
        ] {
            assert!(syntax_in_tag(inside), "{inside}");
        }
        for outside in [
            r#"<a href="{{ url }}">{{ name }}</a>"#,
            r#"{% if x %}<a href="/" aria-current="page">首页</a>{% else %}<a href="/">首页</a>{% endif %}"#,
            r#"<nav aria-label="{% if n > 1 %}按清单跳转{% else %}本页目录{% endif %}">"#,
            r#"<td data-label="{% if key == 'c' %}配合{% else %}收回{% endif %}">"#,
            "{# a <b> in a comment #} 1 < 2",
            r#"{% if a > b %}<i>x</i>{% endif %}"#,
        ] {
            assert!(!syntax_in_tag(outside), "{outside}");
        }
    }

    #[test]
    fn a_template_is_minified_with_its_tera_syntax_as_written() {
        let text = "<ul>\n  {% for l in lists %}\n  <li class=\"item\">\n    <a href=\"{{ l.url }}\">{{ l.name }}</a>\n  </li>\n  {% endfor %}\n</ul>\n";
        let min = minify(text);
        assert_eq!(
            min,
            "<ul>{% for l in lists %} <li class=item><a href=\"{{ l.url }}\">{{ l.name }}</a></li>{% endfor %}</ul>"
        );
    }
}
