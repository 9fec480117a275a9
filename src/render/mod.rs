//! Pages: the model rendered through the theme's Tera templates, then
//! minified. Data files (JSON, CSV, sitemap) are in `export`.

mod context;
mod pages;
mod paging;

use std::path::Path;

use rayon::prelude::*;
use tera::Tera;

use crate::model::Site;
use crate::output::{Sink, WriteError};

pub use context::Assets;

/// The file of every HTML page the site has, in a stable order (for the
/// sitemap); the 404 page is not one a search engine should list.
pub fn page_paths(site: &Site) -> Vec<String> {
    pages::kinds(site)
        .into_iter()
        .filter(|k| *k != pages::PageKind::NotFound)
        .map(|k| k.path(site))
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("模板加载失败（theme/templates）：{0}")]
    Load(String),
    #[error("页面 {page} 渲染失败：{cause}")]
    Page { page: String, cause: String },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Loads every `*.html` under `theme/templates`.
pub fn load_templates(theme: &Path) -> Result<Tera, RenderError> {
    let glob = theme.join("templates").join("**").join("*.html");
    let mut tera = Tera::new(&glob.to_string_lossy()).map_err(|e| RenderError::Load(chain(&e)))?;
    tera.autoescape_on(vec![".html", ".xml"]);
    // `{{ page.date | zh_date }}`: 2025-07 → 2025年7月, as the document writes dates.
    tera.register_filter(
        "zh_date",
        |value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
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

/// Renders every HTML page of the site into `sink`, in parallel, each
/// page written as soon as it is made. Returns the number of pages.
pub fn render_pages(
    site: &Site,
    tera: &Tera,
    assets: &Assets,
    sink: &dyn Sink,
) -> Result<usize, RenderError> {
    let maker = pages::Pages::new(site, assets);
    let kinds = pages::kinds(site);
    kinds.par_iter().try_for_each(|&kind| {
        let page = maker.page(kind);
        let html = tera
            .render(page.template, &page.context)
            .map_err(|e| RenderError::Page {
                page: page.path.clone(),
                cause: chain(&e),
            })?;
        sink.put(&page.path, &minify(html.as_bytes()))?;
        Ok::<(), RenderError>(())
    })?;
    Ok(kinds.len())
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
