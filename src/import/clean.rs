//! Undoing what PDF extraction does to table cells: HTML fragments, spaces
//! inside Chinese words, numbered duties run together on one line.

use std::sync::LazyLock;

use regex::Regex;

/// Is `c` part of Chinese running text (Han, CJK punctuation, full-width forms)?
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}' | '\u{2018}'..='\u{201f}'
        | '\u{2460}'..='\u{2473}')
}

/// Removes white space that touches Chinese text (the extraction puts it
/// where the PDF wrapped a line) and folds the rest to single spaces.
pub fn squash_spaces(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            let touches_cjk = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
            let touches_punct = before.is_some_and(|c| "(,;:.、".contains(c))
                || after.is_some_and(|c| "),;:、".contains(c));
            if !touches_cjk && !touches_punct {
                out.push(' ');
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

static HTML_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:ol|ul|li|p|div|br)\b[^>]*>").unwrap_or_else(|_| unreachable!())
});
static HTML_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:b|i|u|em|strong|span|sup|sub|font)\b[^>]*>")
        .unwrap_or_else(|_| unreachable!())
});

/// True if the cell holds HTML tags (only the ones extraction produces;
/// `<镇>` in running text is not a tag).
pub fn has_html(s: &str) -> bool {
    HTML_BLOCK.is_match(s) || HTML_INLINE.is_match(s)
}

/// Block tags become line breaks; inline tags go.
pub fn strip_html(s: &str) -> String {
    let s = HTML_BLOCK.replace_all(s, "\n");
    HTML_INLINE.replace_all(&s, "").into_owned()
}

static LI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<li\b[^>]*>").unwrap_or_else(|_| unreachable!()));
static STARTS_NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\d{1,2}[.．、]|[①-⑳])").unwrap_or_else(|_| unreachable!())
});

/// In an `<ol>`, the browser numbered the items and the extraction lost the
/// numbers; put them back as the PDF showed them (1, 2, 3 …).
fn number_list_items(cell: &str) -> String {
    if !cell.to_ascii_lowercase().contains("<ol") {
        return cell.to_string();
    }
    let mut out = String::with_capacity(cell.len() + 16);
    for (k, piece) in LI.split(cell).enumerate() {
        if k > 0 {
            out.push_str("<li>");
            if !STARTS_NUMBERED.is_match(piece) {
                out.push_str(&format!("{k}."));
            }
        }
        out.push_str(piece);
    }
    out
}

/// One piece of a duties cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `疏附县民政局:`: whose duties follow.
    Department(String),
    /// `一、考核`: a sub-heading the document numbers with Chinese numerals.
    Heading(String),
    /// `3.审核……`: a numbered duty.
    Item(u32, String),
    Text(String),
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s;；。:：,，])(?P<marker>(?P<cn>[一二三四五六七八九十]{1,3})、|(?P<num>\d{1,2})[.．、](?:\s*)(?P<after>[^\d\s])|(?P<circ>[①-⑳]))")
        .unwrap_or_else(|_| unreachable!())
});

/// A department heading inside a duties cell: a registered name and a colon.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// Byte offset where the heading starts.
    pub at: usize,
    /// Byte offset where the duties after the colon start.
    pub body_at: usize,
    /// The registered name it stands for.
    pub name: String,
    /// The heading as extracted, when it is not the registered name.
    pub damaged: Option<String>,
}

fn ends_a_sentence(c: char) -> bool {
    c.is_whitespace() || "。;；".contains(c)
}

/// The department headings of `text`: a registered name followed by a
/// colon (anywhere when the cell has several departments, else at the start
/// of a sentence), or a damaged one: at the start of a sentence, the characters before a colon are
/// within one edit (a character lost, added or misread: 疏附住房和城乡建设局,
/// 旅附县市场监督管理局) of exactly one registered name.
pub fn headings(text: &str, departments: &[String]) -> Vec<Heading> {
    let mut out: Vec<Heading> = Vec::new();
    let colons: Vec<usize> = text
        .char_indices()
        .filter(|&(_, c)| c == ':' || c == '：')
        .map(|(i, _)| i)
        .collect();
    for &colon in &colons {
        let body_at = colon + text[colon..].chars().next().map_or(0, char::len_utf8);
        let before = text[..colon].trim_end();
        // Exact: the longest registered name that ends right before the
        // colon, at the start of a sentence; among several departments also
        // inside one (056: 进行监督疏附县住房和城乡建设局:), where only a
        // heading can explain a name and a colon.
        let exact = departments
            .iter()
            .filter(|n| before.ends_with(n.as_str()))
            .max_by_key(|n| n.len())
            .filter(|n| {
                let start = before[..before.len() - n.len()].chars().next_back();
                departments.len() > 1 || start.is_none_or(ends_a_sentence)
            });
        if let Some(name) = exact {
            out.push(Heading {
                at: before.len() - name.len(),
                body_at,
                name: name.clone(),
                damaged: None,
            });
            continue;
        }
        let chars: Vec<(usize, char)> = before.char_indices().collect();
        let mut best: Vec<(usize, &String)> = Vec::new();
        for name in departments {
            let len = name.chars().count();
            for k in len.saturating_sub(1)..=len + 1 {
                if k < 4 || k > chars.len() {
                    continue;
                }
                let start = chars[chars.len() - k].0;
                let candidate = &before[start..];
                let clean = candidate
                    .chars()
                    .all(|c| is_cjk(c) && !"。;；,，、:：（）()".contains(c));
                let boundary = before[..start]
                    .chars()
                    .next_back()
                    .is_none_or(ends_a_sentence);
                if !clean || !boundary {
                    continue;
                }
                if strsim::levenshtein(candidate, name) == 1 {
                    best.push((start, name));
                }
            }
        }
        // One name (at its longest reading) or none: two names are no proof.
        best.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
        best.dedup_by(|later, first| later.1 == first.1);
        if let [(start, name)] = best.as_slice() {
            out.push(Heading {
                at: *start,
                body_at,
                name: (*name).clone(),
                damaged: Some(before[*start..].to_string()),
            });
        }
    }
    out
}

/// Cuts a cell into blocks at numbered items, Chinese-numeral headings and
/// the department labels in `departments` (full names followed by a colon).
pub fn blocks(cell: &str, departments: &[String]) -> Vec<Block> {
    let text = strip_html(&number_list_items(cell));
    // Candidate cut points: (offset where the marker starts, kind)
    #[derive(Clone)]
    enum Cut {
        Dept(String, usize),
        Heading,
        Item(u32),
    }
    let mut cuts: Vec<(usize, Cut)> = Vec::new();
    for h in headings(&text, departments) {
        cuts.push((h.at, Cut::Dept(h.name, h.body_at)));
    }
    for m in MARKER.captures_iter(&text) {
        // The cut goes where the marker starts, after the boundary character.
        let Some(start) = m.name("marker").map(|g| g.start()) else {
            continue;
        };
        if m.name("cn").is_some() {
            cuts.push((start, Cut::Heading));
        } else if let Some(n) = m.name("num") {
            cuts.push((start, Cut::Item(n.as_str().parse().unwrap_or(0))));
        } else if let Some(c) = m.name("circ") {
            let n = c
                .as_str()
                .chars()
                .next()
                .map_or(0, |c| c as u32 - '①' as u32 + 1);
            cuts.push((start, Cut::Item(n)));
        }
    }
    cuts.sort_by_key(|(at, _)| *at);
    cuts.dedup_by_key(|(at, _)| *at);

    // Keep an item marker where it continues the numbering (or starts
    // anew), and where it follows the end of a duty (`;` or `。`) with a
    // number no lower than the last: the source numbered a new item there,
    // even if items between were lost or a number is repeated, and merging
    // it into the item before would hide the source's numbering.
    let mut kept: Vec<(usize, Cut)> = Vec::new();
    let mut last: Option<u32> = None;
    for (at, cut) in cuts {
        match cut {
            Cut::Item(n) => {
                let after_a_duty = text[..at].trim_end().ends_with([';', '；', '。']);
                let ok = match last {
                    None => true,
                    Some(prev) => n == prev + 1 || n == 1 || (after_a_duty && n >= prev),
                };
                if ok {
                    last = Some(n);
                    kept.push((at, Cut::Item(n)));
                }
            }
            other => {
                last = None;
                kept.push((at, other));
            }
        }
    }

    let mut out = Vec::new();
    let first = kept.first().map_or(text.len(), |(at, _)| *at);
    let lead = squash_spaces(&text[..first]);
    if !lead.is_empty() {
        out.push(Block::Text(lead));
    }
    for (k, (at, cut)) in kept.iter().enumerate() {
        let end = kept.get(k + 1).map_or(text.len(), |(next, _)| *next);
        let piece = &text[*at..end];
        match cut {
            Cut::Dept(name, body_at) => {
                out.push(Block::Department(name.clone()));
                let body = squash_spaces(&text[(*body_at).min(end)..end]);
                if !body.is_empty() {
                    out.push(Block::Text(body));
                }
            }
            Cut::Heading => out.push(Block::Heading(squash_spaces(piece))),
            Cut::Item(n) => {
                let body = piece.trim_start();
                let skip = body
                    .char_indices()
                    .find(|&(_, c)| {
                        !(c.is_ascii_digit() || ".．、①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".contains(c))
                    })
                    .map_or(body.len(), |(i, _)| i);
                out.push(Block::Item(*n, squash_spaces(&body[skip..])));
            }
        }
    }
    out
}

/// Escapes what Markdown would otherwise read as markup.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>#|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    // A paragraph that starts like a list item must stay a paragraph.
    let needs = out.starts_with(['-', '+'])
        || out
            .char_indices()
            .find(|(_, c)| !c.is_ascii_digit())
            .is_some_and(|(i, c)| {
                i > 0
                    && (c == '.' || c == ')')
                    && out[i + 1..].chars().next().is_none_or(char::is_whitespace)
            });
    if needs {
        let at = out.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
        out.insert(at, '\\');
    }
    out
}

/// Markdown for a run of blocks. Numbered items become an ordered list when
/// their numbers run on without a gap (so the list shows the same numbers as
/// the document); otherwise each keeps its number as text.
pub fn blocks_to_markdown(blocks: &[Block]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        match &blocks[i] {
            Block::Item(..) => {
                let start = i;
                while i < blocks.len() && matches!(blocks[i], Block::Item(..)) {
                    i += 1;
                }
                let run = &blocks[start..i];
                let numbers: Vec<u32> = run
                    .iter()
                    .filter_map(|b| {
                        if let Block::Item(n, _) = b {
                            Some(*n)
                        } else {
                            None
                        }
                    })
                    .collect();
                let consecutive = numbers.windows(2).all(|w| w[1] == w[0] + 1);
                let lines: Vec<String> = run
                    .iter()
                    .filter_map(|b| {
                        if let Block::Item(n, t) = b {
                            Some((n, t))
                        } else {
                            None
                        }
                    })
                    .map(|(n, t)| {
                        if consecutive {
                            format!("{n}. {}", escape_markdown(t))
                        } else {
                            format!("{n}\\. {}", escape_markdown(t))
                        }
                    })
                    .collect();
                parts.push(lines.join(if consecutive { "\n" } else { "\n\n" }));
                continue;
            }
            Block::Department(name) => parts.push(format!("**{}:**", escape_markdown(name))),
            Block::Heading(t) | Block::Text(t) => parts.push(escape_markdown(t)),
        }
        i += 1;
    }
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_inside_chinese_are_removed() {
        assert_eq!(squash_spaces("应急管理及消 防"), "应急管理及消防");
        assert_eq!(
            squash_spaces("做好国土资 源监督检查 工作"),
            "做好国土资源监督检查工作"
        );
        assert_eq!(
            squash_spaces("就业援助 (就业困难人员初审)"),
            "就业援助(就业困难人员初审)"
        );
        assert_eq!(squash_spaces("中国农技推广App 等"), "中国农技推广App等");
        assert_eq!(squash_spaces("Word  and   Excel"), "Word and Excel");
    }

    #[test]
    fn html_list_becomes_items() {
        let cell = "<ol> <li>1.负责公益性岗位的开发;</li> <li>2.审批镇级提交的申报材料;</li> </ol>";
        assert!(has_html(cell));
        let b = blocks(cell, &[]);
        assert_eq!(
            b,
            vec![
                Block::Item(1, "负责公益性岗位的开发;".into()),
                Block::Item(2, "审批镇级提交的申报材料;".into())
            ]
        );
        assert_eq!(
            blocks_to_markdown(&b),
            "1. 负责公益性岗位的开发;\n2. 审批镇级提交的申报材料;"
        );
    }

    #[test]
    fn ordered_html_list_items_get_their_numbers_back() {
        let cell = "<ol> <li>根据需求进行规划布局;</li> <li>做好招投标和建设工作;</li> </ol>";
        let b = blocks(cell, &[]);
        assert_eq!(
            blocks_to_markdown(&b),
            "1. 根据需求进行规划布局;\n2. 做好招投标和建设工作;"
        );
    }

    #[test]
    fn run_together_items_are_split() {
        let b = blocks(
            "1.镇级上报农业资金需求; 2.镇级根据要求科学使用农业资金。",
            &[],
        );
        assert_eq!(b.len(), 2);
        assert_eq!(
            b[1],
            Block::Item(2, "镇级根据要求科学使用农业资金。".into())
        );
    }

    #[test]
    fn department_labels_and_headings() {
        let depts = vec!["疏附县农业农村局".to_string(), "疏附县审计局".to_string()];
        let cell = "疏附县农业农村局: 1.统计需求; 2.核实。 疏附县审计局: 对农业资金进行审计监督。";
        let b = blocks(cell, &depts);
        assert_eq!(b[0], Block::Department("疏附县农业农村局".into()));
        assert_eq!(b[2], Block::Item(2, "核实。".into()));
        assert_eq!(b[3], Block::Department("疏附县审计局".into()));
        assert_eq!(b[4], Block::Text("对农业资金进行审计监督。".into()));
        let b = blocks("一、考核 1.组织撰写报告; 二、晋升 1.上报名册", &[]);
        assert_eq!(b[0], Block::Heading("一、考核".into()));
        assert_eq!(b[2], Block::Heading("二、晋升".into()));
        assert_eq!(b[3], Block::Item(1, "上报名册".into()));
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn damaged_department_headings_are_read_when_one_edit_from_one_name() {
        let depts = names(&[
            "疏附县市场监督管理局",
            "疏附县住房和城乡建设局",
            "疏附县文化体育广播电视和旅游局",
        ]);
        // cooperative-025: 县 lost.
        let cell = "疏附县市场监督管理局: 对学校周边的食品安全进行清理整治。疏附住房和城乡建设局:对校园周边影响师生安全的建筑工地进行排查整治。";
        let b = blocks(cell, &depts);
        assert_eq!(
            b[2],
            Block::Department("疏附县住房和城乡建设局".into()),
            "{b:?}"
        );
        assert_eq!(
            b[3],
            Block::Text("对校园周边影响师生安全的建筑工地进行排查整治。".into())
        );
        let h = headings(cell, &depts);
        assert_eq!(h[1].damaged.as_deref(), Some("疏附住房和城乡建设局"));
        // cooperative-079: 疏 misread as 旅, at the very end of the cell.
        let b = blocks("5.规范旅游经营行为。旅附县市场监督管理局:", &depts);
        assert_eq!(
            b.last(),
            Some(&Block::Department("疏附县市场监督管理局".into())),
            "{b:?}"
        );
        // cooperative-056: a full name and a colon need no sentence end before them.
        let b = blocks(
            "进行监督疏附县住房和城乡建设局: 负责建筑工程扬尘污染防治。",
            &depts,
        );
        assert_eq!(b[0], Block::Text("进行监督".into()), "{b:?}");
        assert_eq!(b[1], Block::Department("疏附县住房和城乡建设局".into()));
        // One department: a name inside a sentence stays text (revoked-004).
        let one = names(&["疏附县人力资源和社会保障局"]);
        assert!(headings("的责任,由疏附县人力资源和社会保障局:开展统计。", &one).is_empty());
        assert_eq!(
            headings("疏附县人力资源和社会保障局: 开展统计。", &one).len(),
            1
        );
        // Not a heading: two edits away, or inside a sentence.
        assert!(headings("疏附住房城乡建设局: 甲", &depts).is_empty());
        assert!(headings("报送附住房和城乡建设局: 甲", &depts).is_empty());
    }

    #[test]
    fn numbers_that_break_the_sequence_stay_in_the_text() {
        let b = blocks("1.按1.5倍比例推荐; 2.公示", &[]);
        assert_eq!(b.len(), 2, "{b:?}");
        // Gaps keep their numbers as text, not renumbered by Markdown.
        let md = blocks_to_markdown(&[Block::Item(2, "a".into()), Block::Item(1, "b".into())]);
        assert_eq!(md, "2\\. a\n\n1\\. b");
    }

    #[test]
    fn items_are_kept_as_the_source_numbers_them_never_merged() {
        // cooperative-044, 乡镇配合职责: item 2 was lost in extraction; 3 follows the 1st.
        let b = blocks(
            "1. 镇级根据布局规划组织申报; 每季度至少组织应急保障培训,及时报疏附县发展和改革委员会备案;3.在疏附县人民政府启动粮食应急预案后,执行定点供应任务。",
            &[],
        );
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(matches!(&b[1], Block::Item(3, t) if t.starts_with("在疏附县人民政府")));
        // cooperative-050, 上级部门职责: the source numbers 2 twice.
        let b = blocks(
            "2. 审核临时用地使用人旋父的有天材料; 2. 化皂胶料用地使用人旋制上地有良主安。",
            &[],
        );
        assert_eq!(b.len(), 2, "{b:?}");
        // cooperative-002, 乡镇配合职责 “三、延伸考察”: 1, 2, 3, 3 as printed.
        let b = blocks(
            "三、延伸考察和干部监督工作 1.镇级协助开展考察设话; 2.镇级通过走访、及时上报异常情况; 3.对考察组反馈调过走访,及时上报异常情况; 3.对考察组反馈调社会。",
            &[],
        );
        let numbers: Vec<u32> = b
            .iter()
            .filter_map(|x| {
                if let Block::Item(n, _) = x {
                    Some(*n)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(numbers, [1, 2, 3, 3]);
        assert_eq!(
            blocks_to_markdown(&b[2..]),
            "2\\. 镇级通过走访、及时上报异常情况;\n\n3\\. 对考察组反馈调过走访,及时上报异常情况;\n\n3\\. 对考察组反馈调社会。"
        );
        // A number inside a sentence is still text.
        let b = blocks("1.按比例推荐,从中选出3.5倍人选; 2.公示", &[]);
        assert_eq!(b.len(), 2, "{b:?}");
    }

    #[test]
    fn markdown_specials_are_escaped() {
        assert_eq!(escape_markdown("仅乡<镇>村"), "仅乡\\<镇\\>村");
        assert_eq!(escape_markdown("1.5万元"), "1.5万元");
        assert_eq!(escape_markdown("3.审核"), "3.审核");
        assert_eq!(escape_markdown("3. 审核"), "3\\. 审核");
        assert_eq!(escape_markdown("-项"), "\\-项");
    }
}
