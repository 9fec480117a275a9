//! `synonyms.toml`: groups of words that mean the same to a citizen
//! searching (医保, 基本医疗保险, …). The file is optional: without it,
//! search matches words as written.
//!
//! ```toml
//! [[group]]
//! terms = ["医保", "医疗保险", "医疗保障", "基本医疗保险"]
//! note = "给编辑的说明（可选，不发布）"
//! ```
//!
//! Terms are compared as the search tokenizer sees them
//! ([`crate::search::normalize`]: full-width folded, ASCII lower-cased),
//! so `ＡＰＰ` and `app` are the same term.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::files::Boundary;
use crate::diagnostics::{Diagnostics, Position};
use crate::text_file;

/// The most groups a file may hold: far more than a township needs, few
/// enough that expanding a query stays cheap.
pub const MAX_GROUPS: usize = 2_000;
/// The most terms in one group.
pub const MAX_GROUP_TERMS: usize = 50;
/// A single character matches too much to stand for a whole group.
pub const MIN_TERM_CHARS: usize = 2;
/// Search terms are short words, not official titles.
pub const MAX_TERM_CHARS: usize = 20;

/// One group of equivalent terms, as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymGroup {
    pub terms: Vec<String>,
    /// Line of the group's `terms`.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    #[serde(default)]
    group: Vec<GroupEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupEntry {
    terms: Spanned<Vec<Spanned<String>>>,
    /// For the editor; never published.
    #[serde(default, rename = "note")]
    _note: Option<String>,
}

const FORMAT_HELP: &str =
    "每组写成 [[group]]，下一行 terms = [\"医保\", \"基本医疗保险\"]，可另加 note = \"…\"";

/// Loads `path` (= `content/synonyms.toml`); no file means no synonyms.
/// Every problem is reported with its line; the groups are returned even
/// then, but a run with errors never gets as far as using them.
pub fn load(
    path: &Path,
    rel: &dyn Fn(&Path) -> PathBuf,
    boundary: &Boundary,
    diags: &mut Diagnostics,
) -> Vec<SynonymGroup> {
    let shown = rel(path);
    if !boundary.allow(path, &shown, diags) {
        return Vec::new();
    }
    let text = match text_file::read(path) {
        Ok(t) => t,
        // Optional; but a link pointing at nothing is a mistake worth naming.
        Err(text_file::ReadError::Io(e))
            if e.kind() == std::io::ErrorKind::NotFound && path.symlink_metadata().is_err() =>
        {
            return Vec::new();
        }
        Err(e) => {
            diags
                .error(&shown, e.position(), e.to_string())
                .help("修正或删去 content/synonyms.toml（没有这个文件时，搜索只按字面匹配）");
            return Vec::new();
        }
    };
    parse(&text, &shown, diags)
}

/// Parses and checks the text of a synonyms file shown as `file`.
pub fn parse(text: &str, file: &Path, diags: &mut Diagnostics) -> Vec<SynonymGroup> {
    let at = |span: Range<usize>| Some(Position::of_offset(text, span.start));
    let parsed = match toml::from_str::<SynonymsFile>(text) {
        Ok(f) => f,
        Err(e) => {
            let pos = e.span().and_then(at);
            let line = pos
                .and_then(|p| text.lines().nth(p.line - 1))
                .unwrap_or_default();
            diags
                .error(file, pos, format!("格式错误：{}", e.message().trim()))
                .help(format_advice(line, e.message()));
            return Vec::new();
        }
    };
    if let Some(extra) = parsed.group.get(MAX_GROUPS) {
        diags
            .error(
                file,
                at(extra.terms.span()),
                format!(
                    "同义词有 {} 组，超过 {MAX_GROUPS} 组的上限",
                    parsed.group.len()
                ),
            )
            .help("删去不常用的组，或把意思相同的组合并");
    }

    // Normalized term → line of the group that has it.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut groups = Vec::with_capacity(parsed.group.len());
    for entry in &parsed.group {
        let group_pos = at(entry.terms.span());
        let line = group_pos.map_or(1, |p| p.line);
        let terms = entry.terms.get_ref();
        match terms.len() {
            0 | 1 => {
                let what = terms.first().map_or_else(
                    || "这一组没有词".to_string(),
                    |t| format!("这一组只有一个词 “{}”", t.get_ref().escape_debug()),
                );
                diags
                    .error(file, group_pos, what)
                    .help("每组至少写两个意思相同的词；补上同义词，或删去这一组");
            }
            n if n > MAX_GROUP_TERMS => {
                diags
                    .error(
                        file,
                        group_pos,
                        format!("这一组有 {n} 个词，超过 {MAX_GROUP_TERMS} 个的上限"),
                    )
                    .help("把它分成几组意思更窄的词");
            }
            _ => {}
        }
        let mut in_group = HashSet::new();
        for term in terms {
            let pos = at(term.span());
            let raw = term.get_ref();
            if let Some((problem, help)) = term_problem(raw) {
                diags.error(file, pos, problem).help(help);
                continue;
            }
            let key = crate::search::normalize(raw);
            if !in_group.insert(key.clone()) {
                diags
                    .error(file, pos, format!("词 “{raw}” 在这一组中重复"))
                    .help("删去重复的一个（全角与半角字母、数字，英文大小写，都算相同）");
                continue;
            }
            if let Some(first) = seen.get(&key) {
                diags
                    .error(
                        file,
                        pos,
                        format!("词 “{raw}” 已在第 {first} 行的一组中出现"),
                    )
                    .help("同一个词只能属于一组（否则搜索时不知该用哪一组）：把两组合并，或从其中一组删去它");
                continue;
            }
            seen.insert(key, line);
        }
        groups.push(SynonymGroup {
            terms: terms.iter().map(|t| t.get_ref().clone()).collect(),
            line,
        });
    }
    groups
}

/// What to do about a syntax error, judged from the line it is on: the
/// usual slips of a clerk each get their own advice.
fn format_advice(line: &str, message: &str) -> &'static str {
    if line.contains(['“', '”', '＂', '‘', '’']) {
        "引号要用英文半角的 \" \"（在英文输入法下输入），不能用中文引号 “ ”"
    } else if line.contains(['，', '；', '［', '］']) {
        "词与词之间用英文半角逗号 , 隔开，方括号也用英文的 [ ]（在英文输入法下输入）"
    } else if message.contains("unknown field") {
        "每组只能有 terms 和 note 两个键，文件中只能有 [[group]]；检查拼写"
    } else {
        FORMAT_HELP
    }
}

/// What is wrong with one term on its own, and what to do about it.
fn term_problem(term: &str) -> Option<(String, &'static str)> {
    let shown = term.escape_debug();
    if term.is_empty() {
        return Some((
            "有一个词是空的（\"\"）".to_string(),
            "删去这个空的 \"\"，或在引号中写上词",
        ));
    }
    if let Some(c) = term.chars().find(|&c| is_invisible(c)) {
        return Some((
            format!("词 “{shown}” 中有不可见的字符 U+{:04X}", u32::from(c)),
            "删去这个词，重新输入（这种字符常随网页或 PDF 中的文字一起复制进来）",
        ));
    }
    if let Some(c) = term.chars().find(|c| c.is_whitespace()) {
        let what = match c {
            ' ' => "空格".to_string(),
            '\u{3000}' => "全角空格".to_string(),
            _ => format!("空白字符 U+{:04X}", u32::from(c)),
        };
        return Some((
            format!("词 “{shown}” 中有{what}"),
            "一个词中不能有空格；两个词要分开写，如 \"医保\", \"社保\"",
        ));
    }
    let n = term.chars().count();
    if n < MIN_TERM_CHARS {
        return Some((
            format!("词 “{term}” 只有一个字"),
            "单个字会搜到太多事项；至少写两个字，如 “低保”",
        ));
    }
    if n > MAX_TERM_CHARS {
        return Some((
            format!("词 “{term}” 有 {n} 个字，超过 {MAX_TERM_CHARS} 个字的上限"),
            "同义词是人们搜索时输入的短词；长的正式名称只写其中的关键部分",
        ));
    }
    None
}

/// Control characters (tab and newline included: a term is one word) and
/// the invisible ones that split or hide a word: zero-width spaces and
/// joiners, the soft hyphen, a byte-order mark, direction marks.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || text_file::is_forbidden_control(c)
        || matches!(
            c,
            '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> (Vec<SynonymGroup>, Vec<String>) {
        let mut d = Diagnostics::default();
        let groups = parse(text, Path::new("content/synonyms.toml"), &mut d);
        let shown = d.sorted().iter().map(|x| x.to_string()).collect();
        (groups, shown)
    }

    fn errors(text: &str) -> Vec<String> {
        let (_, shown) = check(text);
        assert!(!shown.is_empty(), "no error for {text:?}");
        shown
    }

    #[test]
    fn a_valid_file_gives_groups_in_file_order() {
        let text = "# 说明\n\n[[group]]\nterms = [\"医保\", \"医疗保险\", \"基本医疗保险\"]\n\n[[group]]\nterms = [\"户口\", \"户籍\"]\nnote = \"给编辑看\"\n";
        let (groups, shown) = check(text);
        assert!(shown.is_empty(), "{shown:?}");
        assert_eq!(
            groups,
            [
                SynonymGroup {
                    terms: vec!["医保".into(), "医疗保险".into(), "基本医疗保险".into()],
                    line: 4,
                },
                SynonymGroup {
                    terms: vec!["户口".into(), "户籍".into()],
                    line: 7,
                },
            ]
        );
    }

    #[test]
    fn an_empty_file_has_no_groups() {
        assert_eq!(check(""), (Vec::new(), Vec::new()));
        assert_eq!(check("# 只有说明\n"), (Vec::new(), Vec::new()));
    }

    #[test]
    fn a_missing_file_is_no_synonyms() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = Diagnostics::default();
        let rel = |p: &Path| p.strip_prefix(tmp.path()).unwrap_or(p).to_path_buf();
        let path = tmp.path().join("content/synonyms.toml");
        let groups = load(&path, &rel, &Boundary::new(tmp.path()), &mut d);
        assert!(groups.is_empty());
        assert_eq!(d.iter().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_nothing_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        let path = content.join("synonyms.toml");
        std::os::unix::fs::symlink(content.join("gone.toml"), &path).unwrap();
        let mut d = Diagnostics::default();
        let rel = |p: &Path| p.strip_prefix(tmp.path()).unwrap_or(p).to_path_buf();
        load(&path, &rel, &Boundary::new(tmp.path()), &mut d);
        assert!(d.has_errors());
    }

    #[test]
    fn syntax_errors_name_their_line() {
        // An unclosed list is noticed where the file ends.
        let e = errors("[[group]]\nterms = [\"医保\", \"医疗保险\"\n");
        assert!(
            e[0].starts_with("错误 error: content/synonyms.toml:3:1: 格式错误"),
            "{e:?}"
        );
        assert!(e[0].contains("[[group]]"), "the help shows the form: {e:?}");
        let e = errors(
            "[[group]]\nterms = [\"医保\", \"医疗保险\"]\n\n[[group]]\nterms = [“户口”, “户籍”]\n",
        );
        assert!(
            e[0].contains("content/synonyms.toml:5:10: 格式错误"),
            "{e:?}"
        );
        assert!(e[0].contains("不能用中文引号"), "{e:?}");
        let e = errors("[[group]]\nterms = [\"户口\"，\"户籍\"]\n");
        assert!(e[0].contains("content/synonyms.toml:2:"), "{e:?}");
        assert!(e[0].contains("英文半角逗号"), "{e:?}");
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_their_line() {
        let e = errors("[[group]]\nterms = [\"医保\", \"医疗保险\"]\n\n[[group]]\nterm = [\"户口\", \"户籍\"]\n");
        assert!(
            e[0].contains("content/synonyms.toml:5:1: 格式错误"),
            "{e:?}"
        );
        assert!(e[0].contains("检查拼写"), "{e:?}");
        let e = errors("[[group]]\nterms = \"医保\"\n");
        assert!(e[0].contains("content/synonyms.toml:2:"), "{e:?}");
        let e = errors("[[group]]\nterms = [\"医保\", 1]\n");
        assert!(e[0].contains("content/synonyms.toml:2:"), "{e:?}");
        let e = errors("[group]\nterms = [\"医保\", \"医疗保险\"]\n");
        assert!(e[0].contains("content/synonyms.toml:1:"), "{e:?}");
    }

    #[test]
    fn a_group_needs_two_terms() {
        let e = errors("[[group]]\nterms = [\"医保\"]\n[[group]]\nterms = []\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].contains("content/synonyms.toml:2:9: 这一组只有一个词 “医保”"),
            "{e:?}"
        );
        assert!(e[0].contains("至少写两个"), "{e:?}");
        assert!(
            e[1].contains("content/synonyms.toml:4:9: 这一组没有词"),
            "{e:?}"
        );
        let e = errors("[[group]]\n");
        assert!(
            e[0].contains("content/synonyms.toml:1:1: 格式错误"),
            "{e:?}"
        );
        assert!(e[0].contains("terms"), "{e:?}");
    }

    #[test]
    fn bad_terms_are_named_with_their_line_and_column() {
        let e = errors("[[group]]\nterms = [\"医保\", \"\"]\n");
        assert!(
            e[0].contains("content/synonyms.toml:2:16: 有一个词是空的"),
            "{e:?}"
        );
        let e = errors("[[group]]\nterms = [\"医保\",\n  \"医疗 保险\"]\n");
        assert!(
            e[0].contains("content/synonyms.toml:3:3: 词 “医疗 保险” 中有空格"),
            "{e:?}"
        );
        let e = errors("[[group]]\nterms = [\"医保\", \"医疗\u{3000}保险\"]\n");
        assert!(
            e[0].contains(":2:16: 词 “医疗\\u{3000}保险” 中有全角空格"),
            "{e:?}"
        );
        let e = errors("[[group]]\nterms = [\"医保\", \"医疗\\t保险\"]\n");
        assert!(
            e[0].contains(":2:16: 词 “医疗\\t保险” 中有不可见的字符 U+0009"),
            "{e:?}"
        );
        let e = errors("[[group]]\nterms = [\"医保\", \"医疗\\u0007保险\"]\n");
        assert!(
            e[0].contains(":2:16: 词 “医疗\\u{7}保险” 中有不可见的字符 U+0007"),
            "{e:?}"
        );
        let e = errors("[[group]]\nterms = [\"医保\", \"医疗\u{200b}保险\"]\n");
        assert!(e[0].contains(":2:16:") && e[0].contains("U+200B"), "{e:?}");
        let e = errors("[[group]]\nterms = [\"医保\", \"保\"]\n");
        assert!(e[0].contains(":2:16: 词 “保” 只有一个字"), "{e:?}");
        assert!(e[0].contains("至少写两个字"), "{e:?}");
        let long = "医".repeat(MAX_TERM_CHARS + 1);
        let e = errors(&format!("[[group]]\nterms = [\"医保\", \"{long}\"]\n"));
        assert!(
            e[0].contains(&format!(
                ":2:16: 词 “{long}” 有 21 个字，超过 20 个字的上限"
            )),
            "{e:?}"
        );
        let just = "医".repeat(MAX_TERM_CHARS);
        assert!(
            check(&format!("[[group]]\nterms = [\"医保\", \"{just}\"]\n"))
                .1
                .is_empty()
        );
    }

    #[test]
    fn duplicates_inside_a_group_and_across_groups_are_errors() {
        let e = errors("[[group]]\nterms = [\"医保\", \"医疗保险\", \"医保\"]\n");
        assert!(
            e[0].contains("content/synonyms.toml:2:24: 词 “医保” 在这一组中重复"),
            "{e:?}"
        );
        let e = errors("[[group]]\nterms = [\"APP\", \"ａｐｐ\"]\n");
        assert!(e[0].contains(":2:17: 词 “ａｐｐ” 在这一组中重复"), "{e:?}");
        let e = errors(
            "[[group]]\nterms = [\"医保\", \"医疗保险\"]\n\n[[group]]\nterms = [\"农合\", \"医疗保险\"]\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("content/synonyms.toml:5:16: 词 “医疗保险” 已在第 2 行的一组中出现"),
            "{e:?}"
        );
        assert!(e[0].contains("只能属于一组"), "{e:?}");
    }

    #[test]
    fn too_many_groups_or_terms_are_refused() {
        let mut text = String::new();
        for i in 0..=MAX_GROUPS {
            text.push_str(&format!("[[group]]\nterms = [\"词{i}甲\", \"词{i}乙\"]\n"));
        }
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains(&format!(
                "content/synonyms.toml:{}:9: 同义词有 2001 组，超过 2000 组的上限",
                2 * MAX_GROUPS + 2
            )),
            "{e:?}"
        );
        let terms: Vec<String> = (0..=MAX_GROUP_TERMS)
            .map(|i| format!("\"词{i}\""))
            .collect();
        let e = errors(&format!("[[group]]\nterms = [{}]\n", terms.join(", ")));
        assert!(
            e[0].contains(":2:9: 这一组有 51 个词，超过 50 个的上限"),
            "{e:?}"
        );
    }

    #[test]
    fn every_problem_is_reported_in_one_run() {
        let e = errors("[[group]]\nterms = [\"保\", \"医 保\", \"医保\", \"医保\"]\n[[group]]\nterms = [\"医保\"]\n");
        assert_eq!(e.len(), 5, "{e:?}");
    }
}
