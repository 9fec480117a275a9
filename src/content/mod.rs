//! Loading `content/`: matter files, the two registries, the home page's
//! introduction and the search synonyms, as written by the clerk. Nothing here judges whether the
//! pieces agree with each other; that is `validate`'s job.

mod files;
mod front_matter;
mod matter;
mod registry;
mod sections;
mod synonyms;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Position, Severity};
use crate::text_file;

pub use front_matter::split_front_matter;
pub use matter::{
    FrontMatter, ListKind, Matter, MatterId, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES,
    SECTION_WORK_METHOD,
};
pub use registry::{Category, Department, Registry};
pub use sections::{parse_sections, Body, Section};
pub use synonyms::{SynonymGroup, MAX_GROUPS, MAX_GROUP_TERMS, MAX_TERM_CHARS, MIN_TERM_CHARS};

/// Everything under `content/`, parsed but not yet cross-checked.
#[derive(Debug)]
pub struct Content {
    /// False when some matter file could not be read or parsed: what is
    /// loaded is then not the whole list.
    pub complete: bool,
    pub intro: Intro,
    pub categories: Vec<Category>,
    pub departments: Vec<Department>,
    pub matters: Vec<Matter>,
    /// Search synonyms, in file order; empty without `synonyms.toml`.
    pub synonyms: Vec<SynonymGroup>,
}

/// `content/_index.md`: the 说明 shown on the home page.
#[derive(Debug, Default)]
pub struct Intro {
    pub title: Option<String>,
    pub markdown: String,
    /// Line of the file where `markdown` starts.
    pub first_line: usize,
    /// An editor's short note under the 说明, where it disagrees with the tables.
    pub note: Option<String>,
}

pub const INTRO_FILE: &str = "_index.md";
pub const CATEGORIES_FILE: &str = "categories.toml";
pub const DEPARTMENTS_FILE: &str = "departments.toml";
pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// Loads `root/content`. Paths in diagnostics are relative to `root`.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Content> {
    let dir = root.join("content");
    if !dir.is_dir() {
        diags
            .error(&dir, None, "找不到 content 文件夹")
            .help("在站点根目录建立 content/，或用 --root 指定站点根目录");
        return None;
    }
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let boundary = files::Boundary::new(root);
    if !boundary.allow(&dir, &rel(&dir), diags) {
        return None;
    }

    let categories = registry::load_categories(&dir.join(CATEGORIES_FILE), &rel, &boundary, diags);
    let departments =
        registry::load_departments(&dir.join(DEPARTMENTS_FILE), &rel, &boundary, diags);
    let intro = load_intro(&dir.join(INTRO_FILE), &rel, &boundary, diags);
    let synonyms = synonyms::load(&dir.join(SYNONYMS_FILE), &rel, &boundary, diags);
    let files = files::matter_files(&dir, &boundary, &rel, diags);

    let results: Vec<Result<Matter, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|path| {
            let shown = rel(path);
            let text = text_file::read(path).map_err(|e| {
                vec![Diagnostic {
                    severity: Severity::Error,
                    file: shown.clone(),
                    position: e.position(),
                    message: e.to_string(),
                    help: None,
                }]
            })?;
            matter::parse(&shown, &text)
        })
        .collect();

    let mut matters = Vec::new();
    let mut unreadable = 0;
    for r in results {
        match r {
            Ok(m) => matters.push(m),
            Err(ds) => {
                unreadable += 1;
                ds.into_iter().for_each(|d| diags.push(d));
            }
        }
    }
    matters.sort_by_key(|m| m.id());
    Some(Content {
        complete: unreadable == 0,
        intro,
        categories,
        departments,
        matters,
        synonyms,
    })
}

fn load_intro(
    path: &Path,
    rel: &dyn Fn(&Path) -> PathBuf,
    boundary: &files::Boundary,
    diags: &mut Diagnostics,
) -> Intro {
    let shown = rel(path);
    if !boundary.allow(path, &shown, diags) {
        return Intro::default();
    }
    let text = match text_file::read(path) {
        Ok(t) => t,
        Err(text_file::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            diags
                .warning(&shown, None, "没有首页说明文件，首页将只显示清单目录")
                .help("在 content/_index.md 中写入清单的说明");
            return Intro::default();
        }
        Err(e) => {
            diags.error(&shown, e.position(), e.to_string());
            return Intro::default();
        }
    };
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct IntroFront {
        title: Option<String>,
        note: Option<String>,
    }
    match split_front_matter(&text) {
        Some(split) => match toml::from_str::<IntroFront>(split.toml) {
            Ok(f) => Intro {
                title: f.title,
                markdown: split.body.to_string(),
                first_line: Position::of_offset(&text, split.body_offset).line,
                note: f.note.filter(|n| !n.trim().is_empty()),
            },
            Err(e) => {
                let pos = front_matter::error_position(&text, &split, &e);
                diags
                    .error(
                        &shown,
                        pos,
                        format!("首页说明的头部格式错误：{}", e.message()),
                    )
                    .help("_index.md 的头部只能有 title 和 note");
                Intro::default()
            }
        },
        None => Intro {
            title: None,
            markdown: text,
            first_line: 1,
            note: None,
        },
    }
}
