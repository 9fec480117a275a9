//! `categories.toml` and `departments.toml`: the names a matter may use,
//! each with an ASCII slug for its URL.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::files::Boundary;
use crate::diagnostics::{Diagnostics, Position};
use crate::text_file;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// The full, canonical name, e.g. 疏附县民政局.
    pub name: String,
    pub slug: String,
    /// A short name for tight places, e.g. 民政局.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
}

/// The file forms of the two registries.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<Category>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub department: Vec<Department>,
}

trait Named {
    fn name(&self) -> &str;
    fn slug(&self) -> &str;
}

impl Named for Category {
    fn name(&self) -> &str {
        &self.name
    }
    fn slug(&self) -> &str {
        &self.slug
    }
}

impl Named for Department {
    fn name(&self) -> &str {
        &self.name
    }
    fn slug(&self) -> &str {
        &self.slug
    }
}

pub fn load_categories(
    path: &Path,
    rel: &dyn Fn(&Path) -> PathBuf,
    boundary: &Boundary,
    diags: &mut Diagnostics,
) -> Vec<Category> {
    let (entries, text) = load(path, rel, boundary, diags, "category", |r| r.category);
    check_entries(&entries, &text, &rel(path), diags);
    entries
}

pub fn load_departments(
    path: &Path,
    rel: &dyn Fn(&Path) -> PathBuf,
    boundary: &Boundary,
    diags: &mut Diagnostics,
) -> Vec<Department> {
    let (entries, text) = load(path, rel, boundary, diags, "department", |r| r.department);
    check_entries(&entries, &text, &rel(path), diags);
    entries
}

fn load<T>(
    path: &Path,
    rel: &dyn Fn(&Path) -> PathBuf,
    boundary: &Boundary,
    diags: &mut Diagnostics,
    table: &str,
    pick: impl Fn(Registry) -> Vec<T>,
) -> (Vec<T>, String) {
    let shown = rel(path);
    if !boundary.allow(path, &shown, diags) {
        return (Vec::new(), String::new());
    }
    let text = match text_file::read(path) {
        Ok(t) => t,
        Err(e) => {
            diags
                .error(&shown, e.position(), e.to_string())
                .help(format!(
                    "content/ 中需要 {} 文件，每项写成 [[{table}]] name = \"…\" slug = \"…\"",
                    shown
                        .file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default()
                ));
            return (Vec::new(), String::new());
        }
    };
    match toml::from_str::<Registry>(&text) {
        Ok(r) => (pick(r), text),
        Err(e) => {
            let pos = e.span().map(|s| Position::of_offset(&text, s.start));
            diags
                .error(&shown, pos, format!("格式错误：{}", e.message().trim()))
                .help(format!(
                    "每项写成 [[{table}]]，键为 name、slug（部门还可有 short）"
                ));
            (Vec::new(), text)
        }
    }
}

fn check_entries<T: Named>(entries: &[T], text: &str, file: &Path, diags: &mut Diagnostics) {
    let mut names = HashSet::new();
    let mut slugs = HashSet::new();
    let position = |needle: &str| {
        text.find(&format!("\"{needle}\""))
            .map(|o| Position::of_offset(text, o))
    };
    for e in entries {
        if e.name().trim().is_empty() {
            diags
                .error(file, None, "有一项的 name 为空")
                .help("填写完整名称");
        }
        if !names.insert(e.name()) {
            diags
                .error(
                    file,
                    position(e.name()),
                    format!("名称 “{}” 重复", e.name()),
                )
                .help("每个名称只登记一次");
        }
        if !is_slug(e.slug()) {
            diags
                .error(
                    file,
                    position(e.slug()),
                    format!("“{}” 的 slug “{}” 无效", e.name(), e.slug()),
                )
                .help(format!("slug 用于网址，只能由小写英文字母、数字和连字符组成，不超过 {MAX_SLUG_LEN} 个字符，如 minzheng"));
        } else if !slugs.insert(e.slug()) {
            diags
                .error(
                    file,
                    position(e.slug()),
                    format!("slug “{}” 重复", e.slug()),
                )
                .help("每项的 slug 必须不同");
        }
    }
}

/// Slugs name folders of the output: short enough for every file system.
pub const MAX_SLUG_LEN: usize = 64;

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_LEN
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii() {
        assert!(is_slug("minzheng"));
        assert!(is_slug("dang-jian-2"));
        assert!(!is_slug("Minzheng"));
        assert!(!is_slug("民政"));
        assert!(!is_slug("-a"));
        assert!(!is_slug(""));
        assert!(is_slug(&"a".repeat(MAX_SLUG_LEN)));
        assert!(!is_slug(&"a".repeat(MAX_SLUG_LEN + 1)));
    }

    #[test]
    fn duplicates_are_reported() {
        let mut d = Diagnostics::default();
        let text = "[[department]]\nname = \"a\"\nslug = \"x\"\n[[department]]\nname = \"a\"\nslug = \"x\"\n";
        let r: Registry = toml::from_str(text).unwrap();
        check_entries(&r.department, text, Path::new("d.toml"), &mut d);
        assert_eq!(d.iter().count(), 2);
    }
}
