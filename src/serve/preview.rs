//! One build of the preview: the site rendered in memory by the same
//! pipeline as `build`, then, in this copy only, the preview's additions:
//! the reload script and stylesheet in every page's head, the editors'
//! notes on matters under review, the worklist `/_review/`. While the
//! content does not build, the snapshot keeps the last good files for
//! assets and carries the error page shown instead of every page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::Site;
use crate::output::Output;
use crate::{assets, export, pipeline, render, search};

use super::editor;

/// The script that reloads a page when its build is replaced. Served only
/// by `serve`, at `<base>_qingdan/reload.js`; a file, not inline, so the
/// site's Content-Security-Policy (`script-src 'self'`) allows it.
pub const RELOAD_JS: &str = include_str!("reload.js");
/// Styles of the preview's own additions (notes, worklist, error page).
pub const SERVE_CSS: &str = include_str!("serve.css");
/// Where the preview's own files live, under the base path.
pub const PREFIX: &str = "_qingdan/";

/// Files of a build by their path; shared between snapshots.
pub type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// A build as served.
pub struct Snapshot {
    /// Changes with every build; the pages' event streams compare it.
    pub version: String,
    /// The base path the site is served under.
    pub base: String,
    /// The last good build, by path inside the site (`matters/basic-001/index.html`).
    pub files: Files,
    /// Set while the content does not build: shown instead of every page.
    pub broken: Option<Broken>,
    /// Matters under review in the last good build.
    pub reviews: usize,
}

impl Snapshot {
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

pub struct Broken {
    pub html: Vec<u8>,
    /// The diagnostics as the terminal shows them.
    pub text: String,
    pub errors: usize,
}

/// Builds snapshots of one site; each gets a new version.
pub struct Builder {
    root: PathBuf,
    base_override: Option<String>,
    /// Distinguishes this run from an earlier one, so a page left open
    /// across a restart of `serve` reloads too.
    run_id: u128,
    generation: AtomicU64,
}

impl Builder {
    pub fn new(root: &Path, base_override: Option<&str>) -> Builder {
        let run_id = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Builder {
            root: root.to_path_buf(),
            base_override: base_override.map(str::to_string),
            run_id,
            generation: AtomicU64::new(0),
        }
    }

    /// Loads, checks and renders the site; `previous` supplies the files
    /// and base path to keep while the content is broken. The search index,
    /// the slowest part, is left to [`Deferred::finish`], so that open pages
    /// can reload before it is done; until then the previous index is served.
    pub fn build(&self, previous: Option<&Snapshot>) -> (Snapshot, Option<Deferred>) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let version = format!("{:x}-{generation}", self.run_id);
        let (kept_base, kept_files, kept_reviews) = match previous {
            Some(p) => (p.base.clone(), p.files.clone(), p.reviews),
            None => (
                self.base_override.clone().unwrap_or_else(|| "/".into()),
                Files::new(),
                0,
            ),
        };
        let broken = |diags: &Diagnostics, extra: Option<String>| {
            let snapshot = Snapshot {
                broken: Some(error_page(
                    &self.root,
                    diags,
                    extra.as_deref(),
                    &kept_base,
                    &version,
                )),
                version: version.clone(),
                base: kept_base.clone(),
                files: kept_files.clone(),
                reviews: kept_reviews,
            };
            (snapshot, None)
        };

        let (site, diags) = pipeline::load(&self.root, self.base_override.as_deref());
        let Some(site) = site else {
            return broken(&diags, None);
        };
        let output = match render_without_search(&site, &self.root.join("theme")) {
            Ok(o) => o,
            Err(msg) => return broken(&diags, Some(msg)),
        };
        let base = site.config.base_path.clone();
        let notes = editor::notes(&self.root, &diags, &site);
        let by_page: BTreeMap<String, &editor::Note> = notes
            .iter()
            .map(|n| (format!("{}index.html", n.path), n))
            .collect();
        let head = head_tags(&base, &version);
        let bar = editor::preview_bar(&base, notes.len());

        let mut files = Files::new();
        // The previous search index until the new one is made.
        for (path, bytes) in &kept_files {
            if path.starts_with(SEARCH_DIR) {
                files.insert(path.clone(), Arc::clone(bytes));
            }
        }
        for (path, bytes) in output.files() {
            if !path.ends_with(".html") {
                files.insert(path.clone(), Arc::new(bytes.clone()));
                continue;
            }
            let html = String::from_utf8_lossy(bytes);
            let note_box = by_page.get(path.as_str()).map(|n| editor::note_box(n));
            files.insert(
                path.clone(),
                Arc::new(inject(&html, &head, &bar, note_box.as_deref()).into_bytes()),
            );
        }
        if let Some(shell) = files.get("404.html") {
            let shell = String::from_utf8_lossy(shell).into_owned();
            files.insert(
                format!("{}index.html", editor::WORKLIST),
                Arc::new(editor::worklist_page(&shell, &site, &notes).into_bytes()),
            );
        }
        let snapshot = Snapshot {
            version,
            base,
            files,
            broken: None,
            reviews: notes.len(),
        };
        (snapshot, Some(Deferred { site }))
    }
}

/// Where the search index lives in the output.
const SEARCH_DIR: &str = "search/";

/// What `pipeline::render` does, less the search index (see [`Deferred`]),
/// into memory. Keep in step with it.
fn render_without_search(site: &Site, theme: &Path) -> Result<Output, String> {
    let tera = render::load_templates(theme).map_err(|e| e.to_string())?;
    let sink = Mutex::new(Output::default());
    let assets = assets::copy_static(theme, &site.config.base_path, &sink)?;
    render::render_pages(site, &tera, &assets, &sink).map_err(|e| e.to_string())?;
    export::write_data(site, &sink)?;
    export::write_sitemap(site, &sink)?;
    Ok(sink.into_inner().unwrap_or_else(PoisonError::into_inner))
}

/// The part of a build done after the pages are served: the search index.
pub struct Deferred {
    site: Site,
}

impl Deferred {
    /// The snapshot with the new search index in place, under the same
    /// version (the pages are the same, nothing needs to reload).
    pub fn finish(self, snapshot: &Snapshot) -> Result<Snapshot, String> {
        let sink = Mutex::new(Output::default());
        search::write_index(&self.site, &sink)?;
        let out = sink.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut files: Files = snapshot
            .files
            .iter()
            .filter(|(p, _)| !p.starts_with(SEARCH_DIR) || p.ends_with(".html"))
            .map(|(p, b)| (p.clone(), Arc::clone(b)))
            .collect();
        for (path, bytes) in out.files() {
            files.insert(path.clone(), Arc::new(bytes.clone()));
        }
        Ok(Snapshot {
            version: snapshot.version.clone(),
            base: snapshot.base.clone(),
            files,
            broken: None,
            reviews: snapshot.reviews,
        })
    }
}

/// The preview's stylesheet and reload script, for a page's `<head>`.
fn head_tags(base: &str, version: &str) -> String {
    format!(
        r#"<link rel="stylesheet" href="{base}{PREFIX}serve.css"><script src="{base}{PREFIX}reload.js" data-version="{}" defer></script>"#,
        escape(version)
    )
}

/// Adds `head` before `</head>`, `bar` at the top of `<body>` and
/// `after_title` after the first `</h1>`. A page missing one of these
/// (a theme of one's own) just goes without that addition.
pub fn inject(html: &str, head: &str, bar: &str, after_title: Option<&str>) -> String {
    let mut out = String::with_capacity(html.len() + head.len() + bar.len() + 2048);
    let mut rest = html;
    if let Some(i) = rest.find("</head>") {
        out.push_str(&rest[..i]);
        out.push_str(head);
        rest = &rest[i..];
    }
    if let Some(i) = rest.find("<body") {
        if let Some(j) = rest[i..].find('>') {
            let mut end = i + j + 1;
            // After the theme's skip link, which stays the first thing a
            // keyboard reaches.
            let after = &rest[end..];
            if after.starts_with("<a class=skip-link") || after.starts_with("<a class=\"skip-link")
            {
                if let Some(k) = after.find("</a>") {
                    end += k + "</a>".len();
                }
            }
            out.push_str(&rest[..end]);
            out.push_str(bar);
            rest = &rest[end..];
        }
    }
    if let Some(extra) = after_title {
        if let Some(i) = rest.find("</h1>") {
            let end = i + "</h1>".len();
            out.push_str(&rest[..end]);
            out.push_str(extra);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

pub use crate::html::escape;

/// The page shown instead of every page while the site does not build:
/// every error and warning with its file, line, the line's text and the
/// advice. It carries the reload script, so the page returns by itself
/// once the file is fixed.
fn error_page(
    root: &Path,
    diags: &Diagnostics,
    extra: Option<&str>,
    base: &str,
    version: &str,
) -> Broken {
    let sorted = diags.sorted();
    let errs: Vec<&Diagnostic> = sorted
        .iter()
        .copied()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let warnings: Vec<&Diagnostic> = sorted
        .iter()
        .copied()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    let errors = errs.len() + usize::from(extra.is_some());
    let mut text: Vec<String> = errs.iter().map(|d| d.to_string()).collect();
    if let Some(e) = extra {
        text.push(format!("错误 error: {e}"));
    }
    if !warnings.is_empty() {
        text.push(format!(
            "（另有 {} 条提示，见浏览器中的错误页）",
            warnings.len()
        ));
    }

    let mut items = String::new();
    for d in &errs {
        items.push_str(&diagnostic_item(root, d));
    }
    if let Some(e) = extra {
        items.push_str(&format!(
            r#"<li class="qd-diag qd-error"><p class="qd-where"><span class="qd-label">错误</span> <code>theme/</code></p><p class="qd-message">{}</p><p class="qd-help">怎样改：修正主题（theme/templates、theme/static）中的问题后保存，本页会自动刷新。</p></li>"#,
            escape(e)
        ));
    }
    let mut more = String::new();
    if !warnings.is_empty() {
        more.push_str(&format!(
            r#"<details class="qd-more"><summary>另有 {} 条提示（不妨碍生成网站，可以以后再处理）</summary><ol class="qd-diags">"#,
            warnings.len()
        ));
        for d in &warnings {
            more.push_str(&diagnostic_item(root, d));
        }
        more.push_str("</ol></details>");
    }
    let html = format!(
        r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>内容有错误 - 预览</title>{head}</head><body class="qd-error-page"><main><h1>内容有 {errors} 个错误，网站暂时无法生成</h1><p>下面列出了每个错误：哪个文件、第几行、那一行写的是什么、应该怎样改。改好并保存文件后，本页会自动回到原来的页面。</p><ol class="qd-diags">{items}</ol>{more}<p class="qd-foot">这是 qingdan serve 的预览错误页，只在本机显示；正式网站（qingdan build）在有错误时不会更新。</p></main></body></html>"#,
        head = head_tags(base, version),
    );
    Broken {
        html: html.into_bytes(),
        text: text.join("\n"),
        errors,
    }
}

fn diagnostic_item(root: &Path, d: &Diagnostic) -> String {
    let (class, label) = match d.severity {
        Severity::Error => ("qd-error", "错误"),
        Severity::Warning => ("qd-warning", "提示"),
        Severity::Review => ("qd-review", "待核实"),
    };
    let mut place = d.file.display().to_string();
    let mut line_text = None;
    if let Some(p) = d.position {
        place.push_str(&format!(":{}:{}", p.line, p.column));
        line_text = source_line(&root.join(&d.file), p.line);
    }
    let mut item = format!(
        r#"<li class="qd-diag {class}"><p class="qd-where"><span class="qd-label">{label}</span> <code>{}</code>{}</p>"#,
        escape(&place),
        d.position
            .map(|p| format!("（第 {} 行）", p.line))
            .unwrap_or_default()
    );
    if let (Some(line), Some(p)) = (line_text, d.position) {
        item.push_str(&format!(
            r#"<pre class="qd-line"><span class="qd-lineno">{}</span> {}</pre>"#,
            p.line,
            escape(&line)
        ));
    }
    item.push_str(&format!(
        r#"<p class="qd-message">{}</p>"#,
        escape(&d.message)
    ));
    if let Some(h) = &d.help {
        item.push_str(&format!(r#"<p class="qd-help">怎样改：{}</p>"#, escape(h)));
    }
    item.push_str("</li>");
    item
}

/// Line `n` (1-based) of a file, as far as it can be read; long lines are cut.
fn source_line(path: &Path, n: usize) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 4 * 1024 * 1024 {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let line = text.lines().nth(n.checked_sub(1)?)?;
    let line = line.trim_end_matches('\r');
    let cut: String = line
        .chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '�'
            } else {
                c
            }
        })
        .take(300)
        .collect();
    Some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inject_places_each_addition() {
        let page =
            "<html><head><title>x</title></head><body class=a><h1>T</h1><p>b</p></body></html>";
        let out = inject(page, "<HEAD>", "<BAR>", Some("<NOTE>"));
        assert_eq!(
            out,
            "<html><head><title>x</title><HEAD></head><body class=a><BAR><h1>T</h1><NOTE><p>b</p></body></html>"
        );
        let skip = "<head></head><body><a class=skip-link href=#main>跳到正文</a><main>";
        assert_eq!(
            inject(skip, "", "<BAR>", None),
            "<head></head><body><a class=skip-link href=#main>跳到正文</a><BAR><main>"
        );
        // A page without the landmarks is left as it is.
        assert_eq!(inject("plain", "<HEAD>", "<BAR>", Some("<NOTE>")), "plain");
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;"
        );
    }

    #[test]
    fn source_line_reads_the_numbered_line() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.md");
        std::fs::write(&f, "\u{feff}one\r\ntwo\u{1}\r\n").unwrap();
        assert_eq!(source_line(&f, 1).as_deref(), Some("one"));
        assert_eq!(source_line(&f, 2).as_deref(), Some("two�"));
        assert_eq!(source_line(&f, 3), None);
        assert_eq!(source_line(&f, 0), None);
    }
}
