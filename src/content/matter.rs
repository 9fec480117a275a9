//! One matter (事项): a Markdown file with TOML front matter.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::front_matter::{error_position, split_front_matter};
use super::sections::{parse_sections, Body};
use crate::diagnostics::{Diagnostic, Position, Severity};

/// The three lists of a 履职事项清单.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    /// 基本履职事项: the township does it itself.
    Basic,
    /// 配合履职事项: a county department leads, the township helps.
    Cooperative,
    /// 上级部门收回事项: taken back by a county department.
    Revoked,
}

impl ListKind {
    pub const ALL: [ListKind; 3] = [ListKind::Basic, ListKind::Cooperative, ListKind::Revoked];

    pub fn key(self) -> &'static str {
        match self {
            ListKind::Basic => "basic",
            ListKind::Cooperative => "cooperative",
            ListKind::Revoked => "revoked",
        }
    }

    /// The list's name as the document prints it.
    pub fn name(self) -> &'static str {
        match self {
            ListKind::Basic => "基本履职事项",
            ListKind::Cooperative => "配合履职事项",
            ListKind::Revoked => "上级部门收回事项",
        }
    }

    /// The heading of the department column in this list's table.
    pub fn department_column(self) -> Option<&'static str> {
        match self {
            ListKind::Basic => None,
            ListKind::Cooperative => Some("对应上级部门"),
            ListKind::Revoked => Some("承接部门"),
        }
    }

    /// Body sections every matter of this list must have.
    pub fn required_sections(self) -> &'static [&'static str] {
        match self {
            ListKind::Basic => &[],
            ListKind::Cooperative => &[SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES],
            ListKind::Revoked => &[SECTION_WORK_METHOD],
        }
    }
}

pub const SECTION_DEPARTMENT_DUTIES: &str = "上级部门职责";
pub const SECTION_TOWNSHIP_DUTIES: &str = "乡镇(街道)配合职责";
pub const SECTION_WORK_METHOD: &str = "工作方式";

impl fmt::Display for ListKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A matter's identity: its list and its number in that list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MatterId {
    pub list: ListKind,
    pub seq: u32,
}

impl fmt::Display for MatterId {
    /// `cooperative-040`: the matter's URL segment and export id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:03}", self.list.key(), self.seq)
    }
}

/// The front matter as written in the file.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub list: ListKind,
    pub seq: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<crate::date::Date>,
}

#[derive(Debug, Clone)]
pub struct Matter {
    /// Path relative to the site root, for messages.
    pub path: PathBuf,
    pub front: FrontMatter,
    /// Where each front-matter key starts, for messages.
    pub key_lines: Vec<(String, Position)>,
    pub body: Body,
}

impl Matter {
    pub fn id(&self) -> MatterId {
        MatterId {
            list: self.front.list,
            seq: u32::try_from(self.front.seq).unwrap_or(0),
        }
    }

    /// Where `key` is written in the front matter, if it is.
    pub fn position_of(&self, key: &str) -> Option<Position> {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, p)| *p)
    }
}

/// Parses one matter file; `path` is only used in messages.
pub fn parse(path: &Path, text: &str) -> Result<Matter, Vec<Diagnostic>> {
    let err = |position: Option<Position>, message: String, help: &str| Diagnostic {
        severity: Severity::Error,
        file: path.to_path_buf(),
        position,
        message,
        help: Some(help.to_string()),
    };
    let Some(split) = split_front_matter(text) else {
        return Err(vec![err(
            Some(Position { line: 1, column: 1 }),
            "缺少头部信息（front matter）：文件应以一行 +++ 开始，再以一行 +++ 结束头部".into(),
            "在文件开头加上 +++ …… +++，其中写 list、seq、category、title 等，参照其他事项文件",
        )]);
    };
    let front: FrontMatter = toml::from_str(split.toml).map_err(|e| {
        let position = error_position(text, &split, &e);
        let line = position
            .and_then(|p| text.lines().nth(p.line - 1))
            .unwrap_or_default();
        vec![err(
            position,
            format!("头部信息格式错误：{}", e.message().trim()),
            front_matter_advice(line, e.message()),
        )]
    })?;
    let key_lines = key_positions(text, split.toml_offset, split.toml);
    let body_line = Position::of_offset(text, split.body_offset).line;
    let body = parse_sections(split.body, body_line);
    Ok(Matter {
        path: path.to_path_buf(),
        front,
        key_lines,
        body,
    })
}

/// What to do about a front-matter error, judged from the line it is on:
/// the usual slips of a clerk each get their own advice.
fn front_matter_advice(line: &str, message: &str) -> &'static str {
    let key = line.split('=').next().unwrap_or_default().trim();
    if line.contains(['“', '”', '＂', '‘', '’']) {
        "引号要用英文半角的 \" \"（在英文输入法下输入），不能用中文引号 “ ”"
    } else if key == "seq" {
        "seq 写阿拉伯数字，不加引号，例如 seq = 41"
    } else if key == "updated" {
        "日期写成 updated = 2025-08-01（月、日都写两位，不加引号），或只写年月 updated = \"2025-08\""
    } else if key == "departments" {
        "departments 写成方括号里的列表，每个部门全称加英文引号、用英文逗号隔开，例如 departments = [\"疏附县民政局\", \"疏附县财政局\"]"
    } else if message.contains("unknown field") {
        "可用的键：list、seq、category、title、departments、review、updated；检查拼写"
    } else {
        "文字要放在英文半角引号 \" \" 里；可用的键：list、seq、category、title、departments、review、updated"
    }
}

/// Positions of top-level `key =` lines in the front matter.
fn key_positions(text: &str, offset: usize, toml: &str) -> Vec<(String, Position)> {
    let mut out = Vec::new();
    let mut at = offset;
    for line in toml.split_inclusive('\n') {
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push((key.to_string(), Position::of_offset(text, at)));
            }
        }
        at += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nlist = \"cooperative\"\nseq = 40\ncategory = \"乡村振兴\"\ntitle = \"农作物秸秆综合利用\"\ndepartments = [\"疏附县农业农村局\"]\n+++\n\n## 上级部门职责\n\n1. 制定方案\n\n## 乡镇(街道)配合职责\n\n宣传禁烧\n";

    #[test]
    fn parses_a_matter() {
        let m = parse(Path::new("content/c.md"), GOOD).unwrap();
        assert_eq!(m.id().to_string(), "cooperative-040");
        assert_eq!(m.front.departments, ["疏附县农业农村局"]);
        assert_eq!(m.body.sections.len(), 2);
        assert_eq!(m.position_of("seq").unwrap().line, 3);
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let text = GOOD.replace("seq = 40", "seq = 40\ncatgory = \"x\"");
        let e = parse(Path::new("c.md"), &text).unwrap_err();
        assert_eq!(e[0].position.unwrap().line, 4);
        assert!(e[0].message.contains("catgory"), "{}", e[0].message);
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        let e = parse(Path::new("c.md"), "# 标题\n").unwrap_err();
        assert!(e[0].message.contains("front matter"));
    }

    #[test]
    fn common_slips_get_their_own_advice() {
        let help = |from: &str, to: &str| {
            let e = parse(Path::new("c.md"), &GOOD.replace(from, to)).unwrap_err();
            e[0].help.clone().unwrap()
        };
        assert!(help("category = \"乡村振兴\"", "category = “乡村振兴”").contains("中文引号"));
        assert!(help("seq = 40", "seq = \"四十\"").contains("阿拉伯数字"));
        assert!(help("seq = 40", "seq = 40\nupdated = 2025-8-1").contains("两位"));
        assert!(help("seq = 40", "seq = 40\ncatgory = \"x\"").contains("检查拼写"));
    }

    #[test]
    fn unknown_list_is_an_error() {
        let text = GOOD.replace("cooperative", "basics");
        let e = parse(Path::new("c.md"), &text).unwrap_err();
        assert_eq!(e[0].position.unwrap().line, 2);
    }
}
