//! Cross-checks of the loaded content: every name a matter uses is
//! registered, numbers are unique, each list's sections are there, and
//! nothing registered is left without matters.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::config::single_line_problem;
use crate::content::{Content, ListKind, Matter};
use crate::diagnostics::{Diagnostics, Position};
use crate::markdown::{self, Problem, MAX_NESTING, MAX_WORD_CHARS};

pub fn validate(content: &Content, diags: &mut Diagnostics) {
    let categories: Vec<&str> = content.categories.iter().map(|c| c.name.as_str()).collect();
    let departments: Vec<&str> = content
        .departments
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let mut seen: HashMap<(ListKind, i64), &Path> = HashMap::new();
    let mut used_categories = HashSet::new();
    let mut used_departments = HashSet::new();

    // Each matter on its own, in parallel; their findings are merged in
    // the matters' order, so the output stays the same.
    let per_matter: Vec<Diagnostics> = content
        .matters
        .par_iter()
        .map(|m| {
            let mut d = Diagnostics::default();
            check_matter(m, &categories, &departments, &mut d);
            d
        })
        .collect();
    for d in per_matter {
        d.into_items().for_each(|x| diags.push(x));
    }
    for m in &content.matters {
        let f = &m.front;
        if let Some(c) = &f.category {
            used_categories.insert(c.as_str());
        }
        used_departments.extend(f.departments.iter().map(String::as_str));
        if let Some(first) = seen.insert((f.list, f.seq), &m.path) {
            diags
                .error(
                    &m.path,
                    m.position_of("seq"),
                    format!(
                        "{} 第 {} 项重复：{} 也用了这个序号",
                        f.list.name(),
                        f.seq,
                        first.display()
                    ),
                )
                .help("同一清单中每个事项的 seq 必须不同；改正其中一个文件的 seq");
        }
    }

    let intro = Path::new("content").join(crate::content::INTRO_FILE);
    let intro_values = [
        ("title", content.intro.title.as_deref()),
        ("note", content.intro.note.as_deref()),
    ];
    for (key, value) in intro_values {
        let Some(value) = value else { continue };
        let problem = if key == "title" {
            single_line_problem(value)
        } else {
            value
                .chars()
                .any(crate::text_file::is_forbidden_control)
                .then_some("含有不可见的控制字符")
        };
        if let Some(problem) = problem {
            diags
                .error(&intro, None, format!("头部的 {key} {problem}"))
                .help("删去换行和 \\u 转义的控制字符");
        }
    }
    check_markdown(
        &intro,
        &content.intro.markdown,
        content.intro.first_line,
        diags,
    );

    if !content.complete {
        // Unused names and gaps would only echo the unreadable files.
        return;
    }
    check_seq_gaps(content, diags);
    let file = Path::new("content").join(crate::content::CATEGORIES_FILE);
    for c in &content.categories {
        if !used_categories.contains(c.name.as_str()) {
            diags
                .error(
                    &file,
                    None,
                    format!(
                        "事项类别 “{}” 下没有任何事项（政府网站不得有空栏目）",
                        c.name
                    ),
                )
                .help("删去这个类别，或给事项填上这个类别");
        }
    }
    let file = Path::new("content").join(crate::content::DEPARTMENTS_FILE);
    for d in &content.departments {
        if !used_departments.contains(d.name.as_str()) {
            diags
                .error(
                    &file,
                    None,
                    format!("部门 “{}” 没有任何事项（政府网站不得有空栏目）", d.name),
                )
                .help("删去这个部门，或在事项的 departments 中写上它");
        }
    }
}

/// Headings (`##` and `###`) one matter may have: a real one has at most
/// about a dozen (a section per kind of duty, a subsection per department).
const MAX_HEADINGS: usize = 100;

fn check_matter(m: &Matter, categories: &[&str], departments: &[&str], diags: &mut Diagnostics) {
    let f = &m.front;
    let file = m.path.as_path();
    let at = |key: &str| m.position_of(key);
    let has_review = f.review.as_deref().is_some_and(|r| !r.trim().is_empty());

    // Any positive number: a county's site may hold tens of thousands.
    if f.seq < 1 || u32::try_from(f.seq).is_err() {
        diags
            .error(file, at("seq"), format!("seq = {} 无效", f.seq))
            .help("seq 是事项在清单中的序号，从 1 开始的正整数");
    }
    // A file renamed without its seq (or the other way round) is a slip
    // that numbering by hand makes easy.
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if let Ok(n) = stem.parse::<i64>() {
        if n != f.seq {
            diags
                .warning(
                    file,
                    at("seq"),
                    format!("文件名是 {stem}，但 seq = {}，两者不一致", f.seq),
                )
                .help(format!("把文件改名为 {:03}.md，或把 seq 改为 {n}", f.seq));
        }
    }
    let mut names = vec![("title", f.title.as_str())];
    names.extend(f.category.iter().map(|c| ("category", c.as_str())));
    names.extend(f.departments.iter().map(|d| ("departments", d.as_str())));
    for (key, value) in names {
        if let Some(problem) = single_line_problem(value) {
            diags
                .error(file, at(key), format!("{key} {problem}"))
                .help("名称只能是一行普通文字；删去换行和 \\u 转义的控制字符");
        }
    }
    if let Some(problem) = f
        .review
        .as_deref()
        .filter(|r| r.chars().any(crate::text_file::is_forbidden_control))
        .map(|_| "含有不可见的控制字符")
    {
        diags
            .error(file, at("review"), format!("review {problem}"))
            .help("删去 \\u 转义的控制字符");
    }
    if let Some((_, n)) = markdown::longest_word(&f.title).filter(|&(_, n)| n > MAX_WORD_CHARS) {
        diags
            .error(
                file,
                at("title"),
                format!("title 中有一串 {n} 个连续的字母或数字，超过上限 {MAX_WORD_CHARS}"),
            )
            .help("事项名称中不应有这么长的英文或数字串；检查是否误粘贴");
    }
    check_markdown(file, &m.body.markdown, m.body.first_line, diags);
    if f.title.trim().is_empty() {
        diags
            .error(file, at("title"), "title（事项名称）为空")
            .help("填写事项名称");
    }
    match &f.category {
        Some(c) if !categories.contains(&c.as_str()) => {
            diags
                .error(file, at("category"), format!("事项类别 “{c}” 未登记"))
                .help(suggest(c, categories, "content/categories.toml"));
        }
        Some(_) => {}
        None if has_review => {}
        None => {
            diags
                .error(file, at("list"), "缺少 category（事项类别）")
                .help("填写 category；若原文无法辨认，写一条 review 说明待核实之处");
        }
    }

    let mut listed = HashSet::new();
    for d in &f.departments {
        if !departments.contains(&d.as_str()) {
            diags
                .error(file, at("departments"), format!("部门 “{d}” 未登记"))
                .help(suggest(d, departments, "content/departments.toml"));
        }
        if !listed.insert(d.as_str()) {
            diags
                .error(file, at("departments"), format!("部门 “{d}” 重复列出"))
                .help("每个部门只写一次");
        }
    }
    match f.list {
        ListKind::Basic if !f.departments.is_empty() => {
            diags
                .error(
                    file,
                    at("departments"),
                    "基本履职事项由本镇负责，不应有 departments",
                )
                .help("删去 departments，或把 list 改为 cooperative / revoked");
        }
        ListKind::Cooperative | ListKind::Revoked if f.departments.is_empty() && !has_review => {
            diags
                .error(
                    file,
                    at("list"),
                    format!("{}必须至少有一个部门（departments）", f.list.name()),
                )
                .help("填写 departments；若原文无法辨认，写一条 review 说明待核实之处");
        }
        _ => {}
    }

    let headings: usize = m
        .body
        .sections
        .iter()
        .map(|s| 1 + s.subsections.len())
        .sum();
    if headings > MAX_HEADINGS {
        diags
            .error(
                file,
                Some(line(m.body.first_line)),
                format!("正文有 {headings} 个 ## 或 ### 标题，超过上限 {MAX_HEADINGS}"),
            )
            .help("一个事项只有几个小节（上级部门职责、乡镇配合职责、工作方式）和每个部门一个 ### 标题；检查是否误粘贴");
        return;
    }
    let required = f.list.required_sections();
    for name in required {
        match m.body.section(name) {
            None => {
                diags
                    .error(
                        file,
                        Some(line(m.body.first_line)),
                        format!("缺少小节 “## {name}”"),
                    )
                    .help(format!("{}的正文需要 “## {name}” 小节", f.list.name()));
            }
            Some(s) if s.markdown.is_empty() && !has_review => {
                diags
                    .warning(file, Some(line(s.line)), format!("小节 “{name}” 没有内容"))
                    .help("补上内容，或写一条 review 说明原文缺失");
            }
            Some(_) => {}
        }
    }
    for s in &m.body.sections {
        if !required.contains(&s.heading.as_str()) {
            diags
                .warning(
                    file,
                    Some(line(s.line)),
                    format!("“{}” 不是{}的标准小节", s.heading, f.list.name()),
                )
                .help(if required.is_empty() {
                    "基本履职事项的正文不需要小节".to_string()
                } else {
                    format!(
                        "本清单的小节标题只能是：{}（括号用英文半角 ( )）",
                        required
                            .iter()
                            .map(|r| format!("“## {r}”"))
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                });
        }
        let mut seen_subsections = HashSet::new();
        for sub in &s.subsections {
            if !seen_subsections.insert(sub.heading.as_str()) {
                diags
                    .error(
                        file,
                        Some(line(sub.line)),
                        format!("小节 “### {}” 出现了两次", sub.heading),
                    )
                    .help("每个部门只用一个 ### 小节；把两处内容合在一起");
            }
            if s.heading == crate::content::SECTION_DEPARTMENT_DUTIES
                && !f.departments.contains(&sub.heading)
            {
                diags
                    .error(
                        file,
                        Some(line(sub.line)),
                        format!("小节 “### {}” 不是本事项的部门", sub.heading),
                    )
                    .help("“上级部门职责” 下的 ### 小节标题必须是 departments 中的部门全称");
            }
        }
    }
    if let Some(r) = f.review.as_deref().filter(|r| !r.trim().is_empty()) {
        diags.review(file, at("review"), r.trim());
    }
}

/// Refuses what the renderer or the search index cannot take, and links a
/// reader must not be sent to; `first_line` is where `text` starts.
fn check_markdown(file: &Path, text: &str, first_line: usize, diags: &mut Diagnostics) {
    for finding in markdown::lint(text) {
        let p = Position::of_offset(text, finding.offset);
        let at = Some(Position {
            line: p.line + first_line - 1,
            column: p.column,
        });
        match finding.problem {
            Problem::TooDeep => diags
                .error(
                    file,
                    at,
                    format!(
                        "Markdown 嵌套过深：列表、引用或强调一层套一层，超过上限 {MAX_NESTING} 层"
                    ),
                )
                .help("把内容改写成平铺的列表或段落；行首的 -、>、数字编号都会增加一层"),
            Problem::UnsafeUrl { url, scheme } => diags
                .error(
                    file,
                    at,
                    format!(
                        "链接 “{}” 使用了不允许的 {scheme}: 协议",
                        url.escape_debug()
                    ),
                )
                .help("链接只能是 http://、https://、mailto:、tel: 或站内的相对地址；删去这个链接"),
            Problem::Control { code } => diags
                .error(
                    file,
                    at,
                    format!("这里写了不可见的控制字符 U+{code:04X}（以 &#…; 的形式）"),
                )
                .help("删去这个 &#…; 字符引用"),
            Problem::LongWord { chars } => diags
                .error(
                    file,
                    at,
                    format!("有一串 {chars} 个连续的字母或数字，超过上限 {MAX_WORD_CHARS}"),
                )
                .help("正文中不应有这么长的英文或数字串；检查是否误粘贴了编码或数据"),
        }
    }
}

/// Numbers within a list should run without gaps: a gap is usually a
/// matter file lost or misnamed.
fn check_seq_gaps(content: &Content, diags: &mut Diagnostics) {
    let mut by_list: BTreeMap<ListKind, Vec<(i64, &Matter)>> = BTreeMap::new();
    for m in &content.matters {
        by_list
            .entry(m.front.list)
            .or_default()
            .push((m.front.seq, m));
    }
    for (list, mut seqs) in by_list {
        seqs.sort_by_key(|&(seq, _)| seq);
        let mut a = 0;
        for (b, m) in seqs {
            if b > a + 1 {
                let missing = if b == a + 2 {
                    format!("第 {} 项", a + 1)
                } else {
                    format!("第 {}–{} 项", a + 1, b - 1)
                };
                diags
                    .warning(
                        &m.path,
                        m.position_of("seq"),
                        if a == 0 {
                            format!(
                                "{}的序号不从 1 开始：第一项是第 {b} 项，缺少{missing}",
                                list.name()
                            )
                        } else {
                            format!(
                                "{}的序号不连续：第 {a} 项之后是第 {b} 项，缺少{missing}",
                                list.name()
                            )
                        },
                    )
                    .help("检查是否有事项文件被删除、改名或写错了 seq；清单调整后应重新连续编号");
            }
            a = a.max(b);
        }
    }
}

fn line(line: usize) -> Position {
    Position { line, column: 1 }
}

/// "Did you mean" advice: the registered names closest to `wrong`.
pub fn suggest(wrong: &str, known: &[&str], registry: &str) -> String {
    let mut scored: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for k in known {
        let mut score = strsim::normalized_levenshtein(wrong, k);
        if k.contains(wrong) || wrong.contains(k) {
            score += 0.5;
        }
        if score > 0.3 {
            scored.entry(-(score * 1000.0) as i64).or_default().push(k);
        }
    }
    let close: Vec<&str> = scored.into_values().flatten().take(3).collect();
    if close.is_empty() {
        format!("先在 {registry} 中登记，或改用已登记的名称")
    } else {
        format!(
            "是否应为：{}？否则先在 {registry} 中登记",
            close
                .iter()
                .map(|c| format!("“{c}”"))
                .collect::<Vec<_>>()
                .join("、")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_names() {
        let known = ["疏附县民政局", "疏附县财政局", "疏附县水利局"];
        let s = suggest("疏附县民政", &known, "x");
        assert!(s.starts_with("是否应为：“疏附县民政局”"), "{s}");
        let s = suggest("完全不同的名字很长很长", &known, "x.toml");
        assert!(s.contains("x.toml"));
    }
}
