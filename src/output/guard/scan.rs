//! What a folder about to be replaced holds: repositories, mounts, other
//! sites, and entries its marker does not list.

use std::io;
use std::path::{Path, PathBuf};

use super::places::is_bare_repository;
use super::MARKER;
use crate::output::tree;

/// What a walk of a folder about to be replaced found.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// A repository inside.
    pub(super) git: Option<PathBuf>,
    /// A folder on another mount (a file system mounted inside).
    pub(super) mount: Option<PathBuf>,
    /// Another site's root (`site.toml` beside `content/`).
    pub(super) site: Option<PathBuf>,
    /// Entries the marker does not list (a folder once, not what it holds).
    pub(super) extra: Vec<String>,
}

/// Walks `dir` (links are not followed) looking for repositories, mounts
/// and other sites, and, when `listed` is given, for entries that are
/// neither a listed file nor a folder holding one. Stops at the first
/// repository, mount or site.
pub(super) fn scan(
    dir: &Path,
    top: &tree::Ident,
    listed: Option<&std::collections::BTreeSet<String>>,
) -> io::Result<Scan> {
    let folders: std::collections::BTreeSet<&str> = listed
        .into_iter()
        .flatten()
        .flat_map(|f| {
            f.match_indices('/')
                .map(move |(i, _)| &f[..i])
                .collect::<Vec<_>>()
        })
        .collect();
    let mut found = Scan::default();
    let mut extra_dir: Option<PathBuf> = None;
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        let path = entry.path();
        let is_dir = entry.file_type().is_dir();
        if entry.file_name() == ".git" {
            found.git = Some(path.to_path_buf());
            return Ok(found);
        }
        // A bare repository is found by its `HEAD`, which the walk visits,
        // rather than by looking for one in every folder (any case: a
        // case-folding file system finds `head` as `HEAD`).
        if entry.file_name().eq_ignore_ascii_case("HEAD") {
            if let Some(repo) = path.parent().filter(|p| is_bare_repository(p)) {
                found.git = Some(repo.to_path_buf());
                return Ok(found);
            }
        }
        if is_dir {
            let id = tree::ident(path)?;
            if !id.same_mount(top) {
                found.mount = Some(path.to_path_buf());
                return Ok(found);
            }
        } else if entry.file_name() == "site.toml" {
            let site = path.parent().unwrap_or(dir);
            if site.join("content").is_dir() {
                found.site = Some(site.to_path_buf());
                return Ok(found);
            }
        }
        let Some(listed) = listed else { continue };
        if extra_dir.as_ref().is_some_and(|d| path.starts_with(d)) {
            continue;
        }
        let rel = path
            .strip_prefix(dir)
            .map(|r| r.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"))
            .unwrap_or_default();
        let known = if is_dir {
            folders.contains(rel.as_str())
        } else {
            entry.file_type().is_file() && (rel == MARKER || listed.contains(&rel))
        };
        if !known {
            found.extra.push(rel);
            if is_dir {
                extra_dir = Some(path.to_path_buf());
            }
        }
    }
    Ok(found)
}

/// A few of the names, so that the operator recognises the folder.
pub(super) fn sample(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("、");
    if names.len() > SHOWN {
        s.push_str(" 等");
    }
    s
}
