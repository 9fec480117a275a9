//! Loading `content/`: matter files, the two registries and the home page's
//! introduction, as written by the clerk. Nothing here judges whether the
//! pieces agree with each other; that is `validate`'s job.

mod front_matter;
mod matter;
mod registry;
mod sections;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::text_file;

pub use front_matter::split_front_matter;
pub use matter::{
    FrontMatter, ListKind, Matter, MatterId, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES,
    SECTION_WORK_METHOD,
};
pub use registry::{Category, Department, Registry};
pub use sections::{parse_sections, Body, Section};

/// Everything under `content/`, parsed but not yet cross-checked.
#[derive(Debug)]
pub struct Content {
    pub intro: Intro,
    pub categories: Vec<Category>,
    pub departments: Vec<Department>,
    pub matters: Vec<Matter>,
}

/// `content/_index.md`: the 说明 shown on the home page.
#[derive(Debug, Default)]
pub struct Intro {
    pub title: Option<String>,
    pub markdown: String,
    /// An editor's short note under the 说明, where it disagrees with the tables.
    pub note: Option<String>,
}

pub const INTRO_FILE: &str = "_index.md";
pub const CATEGORIES_FILE: &str = "categories.toml";
pub const DEPARTMENTS_FILE: &str = "departments.toml";

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

    let categories = registry::load_categories(&dir.join(CATEGORIES_FILE), &rel, diags);
    let departments = registry::load_departments(&dir.join(DEPARTMENTS_FILE), &rel, diags);
    let intro = load_intro(&dir.join(INTRO_FILE), &rel, diags);

    let mut files: Vec<PathBuf> = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let p = e.path();
                let is_md = p.extension().is_some_and(|x| x.eq_ignore_ascii_case("md"));
                if is_md && p.file_name().is_some_and(|n| n != INTRO_FILE) {
                    files.push(p.to_path_buf());
                }
            }
            Ok(_) => {}
            Err(e) => {
                let p = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.clone());
                diags.error(&rel(&p), None, format!("无法读取：{e}"));
            }
        }
    }

    let results: Vec<Result<Matter, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|path| {
            let shown = rel(path);
            let text = text_file::read(path).map_err(|e| {
                vec![Diagnostic {
                    severity: Severity::Error,
                    file: shown.clone(),
                    position: None,
                    message: e.to_string(),
                    help: None,
                }]
            })?;
            matter::parse(&shown, &text)
        })
        .collect();

    let mut matters = Vec::new();
    for r in results {
        match r {
            Ok(m) => matters.push(m),
            Err(ds) => ds.into_iter().for_each(|d| diags.push(d)),
        }
    }
    matters.sort_by_key(|m| m.id());
    Some(Content {
        intro,
        categories,
        departments,
        matters,
    })
}

fn load_intro(path: &Path, rel: &dyn Fn(&Path) -> PathBuf, diags: &mut Diagnostics) -> Intro {
    let shown = rel(path);
    let text = match text_file::read(path) {
        Ok(t) => t,
        Err(text_file::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            diags
                .warning(&shown, None, "没有首页说明文件，首页将只显示清单目录")
                .help("在 content/_index.md 中写入清单的说明");
            return Intro::default();
        }
        Err(e) => {
            diags.error(&shown, None, e.to_string());
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
            note: None,
        },
    }
}
