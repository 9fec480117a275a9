//! Helpers for tests that run the real `qingdan` binary.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn qingdan(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run qingdan")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of the fixture site with the repository's theme.
pub fn fixture_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/site"), dir.path());
    copy_dir(&repo().join("theme"), &dir.path().join("theme"));
    dir
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Checks that every `href`/`src` in the site's HTML that points inside the
/// site resolves to a file, given the site is served under `base`.
/// Returns the number of links checked.
pub fn check_links(dist: &Path, base: &str) -> usize {
    let re = regex::Regex::new(r#"(?:href|src)="?([^"\s>]+)"#).unwrap();
    let mut checked = 0;
    for (rel, bytes) in snapshot(dist) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for cap in re.captures_iter(&html) {
            let url = &cap[1];
            if url.starts_with("http")
                || url.starts_with('#')
                || url.starts_with("mailto:")
                || url.starts_with("tel:")
            {
                continue;
            }
            assert!(
                url.starts_with(base),
                "{rel}: link {url} is not under the base path {base}"
            );
            let path = url[base.len()..].split(['#', '?']).next().unwrap();
            let file = if path.is_empty() || path.ends_with('/') {
                dist.join(path).join("index.html")
            } else {
                dist.join(path)
            };
            assert!(
                file.is_file(),
                "{rel}: link {url} points at nothing ({})",
                file.display()
            );
            checked += 1;
        }
    }
    checked
}

/// A built page in the minifier's canonical form, as the tests read pages:
/// a theme's templates are minified once when loaded (src/render/templates.rs)
/// and the values Tera puts in keep their quotes, so the same page can be
/// written `href="/x/"` or `href=/x/`; minifying it again gives one form.
#[allow(dead_code)]
pub fn read_html(path: impl AsRef<Path>) -> String {
    let raw =
        std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()));
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    String::from_utf8(minify_html::minify(&raw, &cfg)).unwrap()
}

/// A page as a browser's tokenizer reads it, one token a line: tags with
/// their attributes in name order and values decoded, text decoded with
/// each run of whitespace made one space (removed only next to a tag that
/// starts or ends a block, where a browser shows none), comments left out. Two pages with the same reading show the same, whatever
/// their quoting, attribute order or entities; unlike [`read_html`], a
/// space one keeps and the other drops shows.
#[allow(dead_code)]
pub fn read_tokens(path: impl AsRef<Path>) -> Vec<String> {
    let raw =
        std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()));
    tokens_of(&raw)
}

fn tokens_of(raw: &[u8]) -> Vec<String> {
    use html5gum::{Token, Tokenizer};
    let mut emitter = html5gum::emitters::default::DefaultEmitter::<()>::default();
    emitter.naively_switch_states(true);
    let mut out: Vec<String> = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<String>| {
        if !text.is_empty() {
            let mut collapsed = String::new();
            for (i, part) in text.split(|c: char| c.is_ascii_whitespace()).enumerate() {
                if i > 0 && !collapsed.ends_with(' ') {
                    collapsed.push(' ');
                }
                collapsed.push_str(part);
            }
            out.push(format!("text {collapsed:?}"));
            text.clear();
        }
    };
    for token in Tokenizer::new_with_emitter(raw, emitter) {
        match token.unwrap() {
            // The tokenizer reads <noscript> as text; without scripts it is HTML.
            Token::String(s)
                if out.last().is_some_and(|t| t.starts_with("<noscript ")) && text.is_empty() =>
            {
                out.extend(tokens_of(&s));
            }
            Token::String(s) => text.push_str(&String::from_utf8_lossy(&s)),
            Token::Comment(_) | Token::Error(_) => {}
            Token::StartTag(t) => {
                flush(&mut text, &mut out);
                let attributes: Vec<String> = t
                    .attributes
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{}={:?}",
                            String::from_utf8_lossy(k),
                            String::from_utf8_lossy(v)
                        )
                    })
                    .collect();
                out.push(format!(
                    "<{} {}>",
                    String::from_utf8_lossy(&t.name),
                    attributes.join(" ")
                ));
            }
            Token::EndTag(t) => {
                flush(&mut text, &mut out);
                out.push(format!("</{}>", String::from_utf8_lossy(&t.name)));
            }
            Token::Doctype(d) => {
                flush(&mut text, &mut out);
                out.push(format!("{d:?}"));
            }
        }
    }
    flush(&mut text, &mut out);
    // Whitespace at a block's edge shows nowhere. (A copy of the list in
    // src/render/templates/verify.rs, kept apart on purpose: the reading
    // must not take its rule from the code it checks.)
    const BLOCK: &[&str] = &[
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "col",
        "colgroup",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ];
    let is_block = |t: Option<&String>| {
        t.and_then(|t| t.strip_prefix("</").or_else(|| t.strip_prefix('<')))
            .and_then(|t| t.split([' ', '>']).next())
            .is_some_and(|name| BLOCK.contains(&name))
    };
    let mut read = Vec::new();
    for (i, t) in out.iter().enumerate() {
        let Some(text) = t.strip_prefix("text ") else {
            read.push(t.clone());
            continue;
        };
        let mut text: String = serde_json::from_str(text).unwrap_or_default();
        if is_block(i.checked_sub(1).and_then(|p| out.get(p))) {
            text = text.trim_start_matches(' ').to_string();
        }
        if is_block(out.get(i + 1)) {
            text = text.trim_end_matches(' ').to_string();
        }
        if !text.is_empty() {
            read.push(format!("text {text:?}"));
        }
    }
    read
}
