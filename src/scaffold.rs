//! `qingdan new`: the next matter file of a list, laid out as `check`
//! wants it, with names checked against the registries.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::content::{self, FrontMatter, ListKind};
use crate::diagnostics::Diagnostics;
use crate::validate::suggest;

/// What the clerk asked for.
pub struct NewMatter<'a> {
    pub list: ListKind,
    pub category: Option<&'a str>,
    pub title: Option<&'a str>,
    pub departments: &'a [String],
}

/// Parses a list name as typed: `basic`, `基本`, `基本履职事项`, ….
pub fn parse_list(s: &str) -> Result<ListKind, String> {
    let t = s.trim();
    ListKind::ALL
        .into_iter()
        .find(|k| {
            t.eq_ignore_ascii_case(k.key())
                || t == k.name()
                || k.name().starts_with(t) && t.chars().count() >= 2
                || t == short_name(*k)
        })
        .ok_or_else(|| {
            format!(
                "没有清单 “{s}”：可用 basic 或 基本（基本履职事项）、cooperative 或 配合（配合履职事项）、revoked 或 收回（上级部门收回事项）"
            )
        })
}

/// The two characters a clerk calls a list by: 基本, 配合, 收回.
fn short_name(k: ListKind) -> &'static str {
    match k {
        ListKind::Basic => "基本",
        ListKind::Cooperative => "配合",
        ListKind::Revoked => "收回",
    }
}

/// Writes the new matter under `root/content` and returns its path.
pub fn create(root: &Path, req: &NewMatter) -> Result<PathBuf, String> {
    let mut diags = Diagnostics::default();
    let Some(content) = content::load(root, &mut diags) else {
        return Err(format!(
            "找不到 {}；用 --root 指定站点根目录",
            root.join("content").display()
        ));
    };
    if req.list == ListKind::Basic && !req.departments.is_empty() {
        return Err(
            "基本履职事项由本镇负责，不写部门；去掉 --department，或选 cooperative / revoked"
                .into(),
        );
    }
    let mut problems = Vec::new();
    let categories: Vec<&str> = content.categories.iter().map(|c| c.name.as_str()).collect();
    if let Some(c) = req.category.filter(|c| !categories.contains(c)) {
        problems.push(format!(
            "事项类别 “{c}” 未登记。{}",
            suggest(c, &categories, "content/categories.toml")
        ));
    }
    let departments: Vec<&str> = content
        .departments
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    for d in req
        .departments
        .iter()
        .filter(|d| !departments.contains(&d.as_str()))
    {
        problems.push(format!(
            "部门 “{d}” 未登记。{}",
            suggest(d, &departments, "content/departments.toml")
        ));
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }

    // Numbers and files of the list as they are on disk, also files that
    // do not parse: a new matter must not take a number already written.
    let list_dir = root.join("content").join(req.list.key());
    let seq = next_seq(&content, req.list, &list_dir);
    let path = list_dir.join(format!("{seq:03}.md"));
    if fs::symlink_metadata(&path).is_ok() {
        return Err(format!("{} 已存在，未改动", path.display()));
    }
    fs::create_dir_all(&list_dir).map_err(|e| format!("{}: {e}", list_dir.display()))?;
    fs::write(&path, render(req, seq)).map_err(|e| format!("{}: {e}", path.display()))?;
    // Shown as typed: `content/basic/133.md` rather than `./content/…`.
    Ok(path
        .strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or(path))
}

fn next_seq(content: &content::Content, list: ListKind, dir: &Path) -> i64 {
    let loaded = content
        .matters
        .iter()
        .filter(|m| m.front.list == list)
        .map(|m| m.front.seq);
    let named = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".md")?.parse::<i64>().ok()
        });
    loaded.chain(named).max().unwrap_or(0) + 1
}

/// The file's text: front matter as `check` wants it and the sections the
/// list needs. Anything the clerk did not give is marked for review, so
/// the matter is listed by `check` until it is filled in.
fn render(req: &NewMatter, seq: i64) -> String {
    let mut missing = Vec::new();
    if req.title.is_none() {
        missing.push("事项名称");
    }
    if req.category.is_none() {
        missing.push("事项类别");
    }
    if req.list != ListKind::Basic && req.departments.is_empty() {
        missing.push("部门");
    }
    missing.push("职责内容");
    let front = FrontMatter {
        list: req.list,
        seq,
        category: req.category.map(str::to_string),
        title: req.title.unwrap_or("（待填写事项名称）").to_string(),
        departments: req.departments.to_vec(),
        review: Some(format!("新建事项，待填写：{}。", missing.join("、"))),
        updated: None,
    };
    let toml = toml::to_string(&front).unwrap_or_default();
    let mut out = format!("+++\n{toml}+++\n");
    for section in req.list.required_sections() {
        let _ = write!(out, "\n## {section}\n");
        if *section == content::SECTION_DEPARTMENT_DUTIES && req.departments.len() > 1 {
            for d in req.departments {
                let _ = write!(out, "\n### {d}\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_names_in_english_and_chinese() {
        assert_eq!(parse_list("basic").unwrap(), ListKind::Basic);
        assert_eq!(parse_list("Cooperative").unwrap(), ListKind::Cooperative);
        assert_eq!(parse_list("配合").unwrap(), ListKind::Cooperative);
        assert_eq!(parse_list("上级部门收回事项").unwrap(), ListKind::Revoked);
        assert_eq!(parse_list("收回").unwrap(), ListKind::Revoked);
        assert!(parse_list("other").unwrap_err().contains("basic"));
        assert!(parse_list("基").is_err());
    }

    #[test]
    fn renders_the_sections_each_list_needs() {
        let depts = ["疏附县民政局".to_string(), "疏附县财政局".to_string()];
        let text = render(
            &NewMatter {
                list: ListKind::Cooperative,
                category: Some("民生服务"),
                title: Some("高龄津贴"),
                departments: &depts,
            },
            41,
        );
        let parsed = crate::content::split_front_matter(&text).unwrap();
        let front: FrontMatter = toml::from_str(parsed.toml).unwrap();
        assert_eq!(front.seq, 41);
        assert_eq!(front.departments, depts);
        assert_eq!(
            front.review.as_deref(),
            Some("新建事项，待填写：职责内容。")
        );
        assert!(text.contains("## 上级部门职责\n\n### 疏附县民政局\n\n### 疏附县财政局\n"));
        assert!(text.ends_with("## 乡镇(街道)配合职责\n"));

        let text = render(
            &NewMatter {
                list: ListKind::Revoked,
                category: None,
                title: None,
                departments: &[],
            },
            48,
        );
        assert!(text.contains("title = \"（待填写事项名称）\""), "{text}");
        assert!(
            text.contains("待填写：事项名称、事项类别、部门、职责内容"),
            "{text}"
        );
        assert!(text.ends_with("## 工作方式\n"), "{text}");
    }
}
