//! Pages: the model rendered through the theme's Tera templates, minified
//! once when loaded where that is safe (see `templates`), else each page
//! after rendering. Data files (JSON, CSV, sitemap) are in `export`.

mod context;
mod pages;
mod paging;
mod templates;

use std::path::Path;

use rayon::prelude::*;

use crate::model::Site;
use crate::output::{Sink, WriteError};

pub use context::Assets;
pub use templates::Templates;

/// The file of every HTML page the site has and the date it last changed,
/// in a stable order (for the sitemap); the 404 page is not one a search
/// engine should list.
pub fn page_paths(site: &Site) -> Vec<(String, String)> {
    pages::kinds(site)
        .into_iter()
        .filter(|k| *k != pages::PageKind::NotFound)
        .map(|k| (k.path(site), k.date(site)))
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("模板加载失败（theme/templates）：{0}")]
    Load(String),
    #[error("页面 {page} 渲染失败：{cause}")]
    Page { page: String, cause: String },
    /// A theme from before pagination: the later pages of a split table
    /// would be published with nothing leading to them.
    #[error(
        "页面 {page} 没有链接到 {url}：分页后，主题的 {template} 没有给出到这一页的链接（分页 pager 或各页列表），读者到不了这一页的事项。\n    → 用本版 qingdan 的 theme/templates（list.html、category.html、categories.html、department.html、sitemap.html 和 macros.html 中的 pager）更新主题；或在 site.toml 中调大 page_size（表格每页 page_size 项，部门页每页 page_size/4 项，最大 2000），使最长的表格和部门页都只有一页"
    )]
    Unlinked {
        page: String,
        template: &'static str,
        url: String,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Loads every `*.html` under `theme/templates` (see [`templates`]).
pub fn load_templates(theme: &Path) -> Result<Templates, RenderError> {
    templates::load(theme)
}

/// Room for a page at first: a matter's page is 5 to 8 KB.
const PAGE_BYTES: usize = 16 * 1024;

/// Renders every HTML page of the site into `sink`, in parallel, each
/// page written as soon as it is made. Returns the number of pages.
pub fn render_pages(
    site: &Site,
    templates: &Templates,
    assets: &Assets,
    sink: &dyn Sink,
) -> Result<usize, RenderError> {
    let maker = pages::Pages::new(site, assets);
    let kinds = pages::kinds(site);
    kinds.par_iter().try_for_each(|&kind| {
        let page = maker.page(kind);
        // Rendered into bytes, not `render`'s String: that would check the
        // whole page again for UTF-8 and grow from 2 KB, copying as it grows.
        let mut html = Vec::with_capacity(PAGE_BYTES);
        templates
            .tera
            .render_to(page.template, &page.context, &mut html)
            .map_err(|e| RenderError::Page {
                page: page.path.clone(),
                cause: chain(&e),
            })?;
        // Pages of templates minified ahead are minified already.
        let html = match templates.not_minified {
            None => html,
            Some(_) => minify(&html),
        };
        let text = if page.must_link.is_empty() {
            Default::default()
        } else {
            String::from_utf8_lossy(&html)
        };
        if let Some(missing) = page.must_link.iter().find(|url| !links_to(&text, url)) {
            return Err(RenderError::Unlinked {
                page: page.path.clone(),
                template: page.template,
                url: missing.clone(),
            });
        }
        sink.put(&page.path, &html)?;
        Ok::<(), RenderError>(())
    })?;
    Ok(kinds.len())
}

/// Whether `html` has an attribute whose value is `url`, quoted or not (as
/// the minifier leaves it), written as the theme may write a link: after
/// an origin (`https://host/basic/page/2/`), with `index.html` after it,
/// or with a query or a fragment.
fn links_to(text: &str, url: &str) -> bool {
    let html = text.as_bytes();
    let ends_value =
        |c: Option<&u8>| c.is_none_or(|c| matches!(c, b'"' | b'\'' | b' ' | b'>' | b'#' | b'?'));
    text.match_indices(url).any(|(i, _)| {
        // Back to the start of the attribute's value: nothing, or an origin.
        let start = html[..i]
            .iter()
            .rposition(|c| matches!(c, b'=' | b'"' | b'\'' | b' ' | b'>' | b'<'))
            .map_or(0, |p| p + 1);
        let before = &html[start..i];
        let attribute = start > 0 && matches!(html[start - 1], b'=' | b'"' | b'\'');
        let origin = before.is_empty()
            || [&b"https://"[..], &b"http://"[..]]
                .iter()
                .any(|s| before.starts_with(s) && !before[s.len()..].contains(&b'/'));
        let after = i + url.len();
        let end = ends_value(html.get(after))
            || (html[after..].starts_with(b"index.html")
                && ends_value(html.get(after + "index.html".len())));
        attribute && origin && end
    })
}

fn minify(html: &[u8]) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_css = false;
    cfg.minify_js = false;
    minify_html::minify(html, &cfg)
}

/// Tera hides the useful part of an error in its source chain.
fn chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::links_to;

    #[test]
    fn a_link_is_an_attribute_value_not_any_mention() {
        let page = r#"<a href=/b/page/2/ rel=next>2</a><a href="/c/page/3/#x">3</a>"#;
        assert!(links_to(page, "/b/page/2/"));
        assert!(links_to(page, "/c/page/3/"));
        assert!(!links_to(page, "/b/page/"));
        assert!(!links_to(page, "/page/2/"));
        assert!(!links_to("<p>/b/page/2/</p>", "/b/page/2/"));
        // Other ways a theme may write the same link.
        for link in [
            r#"<a href="https://www.example.gov.cn/b/page/2/">"#,
            r#"<a href=http://localhost:1111/b/page/2/>"#,
            r#"<a href='/b/page/2/index.html'>"#,
            r#"<a href="/b/page/2/?from=pager">"#,
            r#"<a href=/b/page/2/index.html#top>"#,
        ] {
            assert!(links_to(link, "/b/page/2/"), "{link}");
        }
        for not_it in [
            r#"<a href="/x/b/page/2/">"#,
            r#"<a href="https://a.cn/x/b/page/2/">"#,
            r#"<a href="/b/page/2/index.htm">"#,
            r#"<a href="/b/page/2/x">"#,
        ] {
            assert!(!links_to(not_it, "/b/page/2/"), "{not_it}");
        }
    }
}
