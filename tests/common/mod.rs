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
