//! The import report: counts, the matters that need an editor, and where
//! the 说明 and the tables disagree.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::repair::{Imported, Repair};
use super::reviewed::Reviewed;
use super::source::Source;
use crate::content::ListKind;

static STATED_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(基本履职事项|配合履职事项|上级部门收回事项)\s*(\d+)\s*项")
        .unwrap_or_else(|_| unreachable!())
});
static STATED_CATEGORIES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+)\s*个类别").unwrap_or_else(|_| unreachable!()));
static STATED_DEPARTMENTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"涉及\s*(\d+)\s*个部门").unwrap_or_else(|_| unreachable!()));

/// Per paragraph of the 说明 that says `包括……N 个类别`: N and the names it
/// lists (split at 、, and at a 和 that joins the last two names, where a
/// part is a known category: 市场监管和综合政务, but 文化和旅游 stays whole).
fn stated_categories(intro: &str, known: &[&str]) -> Vec<(u32, Vec<String>)> {
    let mut out = Vec::new();
    let mut from = 0;
    for c in STATED_CATEGORIES.captures_iter(intro) {
        let (Some(whole), Some(n)) = (c.get(0), c.get(1).and_then(|n| n.as_str().parse().ok()))
        else {
            continue;
        };
        let before = &intro[from..whole.start()];
        from = whole.end();
        let Some(at) = before.rfind("包括") else {
            out.push((n, Vec::new()));
            continue;
        };
        let span = super::clean::squash_spaces(&before[at + "包括".len()..]);
        let mut names = Vec::new();
        for piece in span.split('、').map(str::trim).filter(|p| !p.is_empty()) {
            let split = (!known.contains(&piece))
                .then(|| {
                    piece.match_indices('和').find_map(|(i, _)| {
                        let (a, b) = (&piece[..i], &piece[i + '和'.len_utf8()..]);
                        (known.contains(&a) || known.contains(&b)).then_some((a, b))
                    })
                })
                .flatten();
            match split {
                Some((a, b)) => {
                    names.push(a.to_string());
                    names.push(b.to_string());
                }
                None => names.push(piece.to_string()),
            }
        }
        out.push((n, names));
    }
    out
}

pub fn render(
    source_name: &str,
    source: &Source,
    imported: &Imported,
    reviewed: &Reviewed,
) -> String {
    let notes = &reviewed.notes;
    let mut r = String::new();
    r.push_str("# 导入报告\n\n");
    r.push_str(&format!("来源：`{source_name}`"));
    if let Some(t) = &source.title {
        r.push_str(&format!("（{t}"));
        if let Some(d) = &source.date {
            r.push_str(&format!("，{d}"));
        }
        r.push('）');
    }
    r.push_str("\n\n本报告由 `qingdan import` 生成。\n\n");

    let per_list = |k: ListKind| imported.matters.iter().filter(move |m| m.id.list == k);
    r.push_str("## 各清单事项数\n\n| 清单 | 事项数 | 待核实 |\n| --- | ---: | ---: |\n");
    for k in ListKind::ALL {
        let n = per_list(k).count();
        let review = per_list(k).filter(|m| m.front.review.is_some()).count();
        r.push_str(&format!("| {} | {n} | {review} |\n", k.name()));
    }
    r.push_str(&format!(
        "| 合计 | {} | {} |\n\n",
        imported.matters.len(),
        imported
            .matters
            .iter()
            .filter(|m| m.front.review.is_some())
            .count()
    ));

    r.push_str(
        "## 各事项类别事项数\n\n| 事项类别 | 基本 | 配合 | 收回 |\n| --- | ---: | ---: | ---: |\n",
    );
    let mut names: Vec<String> = imported.categories.iter().map(|c| c.name.clone()).collect();
    names.push(String::new());
    for name in &names {
        let count = |k: ListKind| {
            per_list(k)
                .filter(|m| m.front.category.as_deref().unwrap_or("") == name)
                .count()
        };
        let shown = if name.is_empty() {
            "（未分类）"
        } else {
            name
        };
        let counts = [
            count(ListKind::Basic),
            count(ListKind::Cooperative),
            count(ListKind::Revoked),
        ];
        if counts.iter().sum::<usize>() > 0 {
            r.push_str(&format!(
                "| {shown} | {} | {} | {} |\n",
                counts[0], counts[1], counts[2]
            ));
        }
    }
    r.push_str("\n## 各部门事项数\n\n| 部门 | 配合 | 收回 |\n| --- | ---: | ---: |\n");
    for d in &imported.departments {
        let count = |k: ListKind| {
            per_list(k)
                .filter(|m| m.front.departments.contains(&d.name))
                .count()
        };
        r.push_str(&format!(
            "| {} | {} | {} |\n",
            d.name,
            count(ListKind::Cooperative),
            count(ListKind::Revoked)
        ));
    }

    let without: Vec<String> = imported
        .matters
        .iter()
        .filter(|m| m.id.list != ListKind::Basic && m.front.departments.is_empty())
        .map(|m| format!("{} {}", m.id, m.front.title))
        .collect();
    r.push_str(&format!(
        "\n部门数按发布的事项计（一个事项列出几个部门就计入几个部门）。没有部门的配合或收回事项：{} 项{}\n",
        without.len(),
        if without.is_empty() {
            "。".to_string()
        } else {
            format!("（{}）。", without.join("；"))
        }
    ));

    r.push_str("\n## 修复与判断\n\n导入时对每个单元格都去掉提取产生的 HTML 片段和中文词语中间的空格，拆开连在一行的编号条目；以下为各类修复与判断的处数（同一事项可有多处），详见下文各事项的 review 说明。\n\n| 类别 | 处数 | 事项数 |\n| --- | ---: | ---: |\n");
    for kind in Repair::ALL {
        let places: usize = imported
            .matters
            .iter()
            .map(|m| m.repairs.iter().filter(|&&k| k == kind).count())
            .sum();
        let matters = imported
            .matters
            .iter()
            .filter(|m| m.repairs.contains(&kind))
            .count();
        if places > 0 {
            r.push_str(&format!("| {} | {places} | {matters} |\n", kind.name()));
        }
    }

    r.push_str("\n## 说明与表格的差异\n\n以表格为准；下列差异供编辑核对原件。\n\n");
    let intro = source.intro.as_deref().unwrap_or("");
    let mut diffs = Vec::new();
    let mut stated: BTreeMap<&str, u32> = BTreeMap::new();
    for c in STATED_COUNT.captures_iter(intro) {
        if let (Some(k), Some(n)) = (c.get(1), c.get(2).and_then(|n| n.as_str().parse().ok())) {
            stated.insert(k.as_str(), n);
        }
    }
    for k in ListKind::ALL {
        let actual = per_list(k).count() as u32;
        match stated.get(k.name()) {
            Some(&n) if n != actual => {
                diffs.push(format!("说明称{}有 {n} 项，表格有 {actual} 项。", k.name()))
            }
            _ => {}
        }
    }
    // The 说明 names, per list in order, the categories it covers and
    // states how many they are.
    let known: Vec<&str> = reviewed
        .category
        .iter()
        .map(|c| c.name.as_str())
        .chain(imported.categories.iter().map(|c| c.name.as_str()))
        .collect();
    for (k, (n, named)) in ListKind::ALL.iter().zip(stated_categories(intro, &known)) {
        let mut cats: Vec<&str> = per_list(*k)
            .filter_map(|m| m.front.category.as_deref())
            .collect();
        cats.sort_unstable();
        cats.dedup();
        if cats.len() as u32 != n || named.len() as u32 != n {
            diffs.push(format!(
                "说明称{}包括 {n} 个类别，列出的名称有 {} 个；表格中（已辨认的）类别有 {} 个：{}。",
                k.name(),
                named.len(),
                cats.len(),
                cats.join("、")
            ));
        }
        let absent: Vec<&str> = named
            .iter()
            .map(String::as_str)
            .filter(|c| !cats.contains(c))
            .collect();
        if !absent.is_empty() {
            diffs.push(format!(
                "说明列出的{}类别中，表格没有事项的：{}。",
                k.name(),
                absent.join("、")
            ));
        }
        let unnamed: Vec<&str> = cats
            .iter()
            .copied()
            .filter(|c| !named.iter().any(|x| x == c))
            .collect();
        if !unnamed.is_empty() {
            diffs.push(format!(
                "表格中{}的类别“{}”，说明没有列出。",
                k.name(),
                unnamed.join("”“")
            ));
        }
    }
    for c in &reviewed.category {
        let used = imported.categories.iter().any(|x| x.name == c.name);
        if !used && intro.contains(&c.name) {
            diffs.push(format!(
                "说明列出的类别“{}”在整个表格中都没有事项（网站不设此类别）。",
                c.name
            ));
        }
    }
    let stated_depts: Vec<u32> = STATED_DEPARTMENTS
        .captures_iter(intro)
        .filter_map(|c| c.get(1)?.as_str().parse().ok())
        .collect();
    for (k, n) in [ListKind::Cooperative, ListKind::Revoked]
        .iter()
        .zip(&stated_depts)
    {
        let mut ds: Vec<&str> = per_list(*k)
            .flat_map(|m| m.front.departments.iter().map(String::as_str))
            .collect();
        ds.sort_unstable();
        ds.dedup();
        if ds.len() as u32 != *n {
            diffs.push(format!(
                "说明称{}涉及 {n} 个部门（单位），表格中（已辨认的）部门有 {} 个。",
                k.name(),
                ds.len()
            ));
        }
    }
    diffs.extend(notes.iter().cloned());
    if diffs.is_empty() {
        r.push_str("未发现差异。\n");
    }
    for d in diffs {
        r.push_str(&format!("- {d}\n"));
    }
    if !imported.problems.is_empty() {
        r.push_str("\n## 审核数据的问题\n\n");
        for p in &imported.problems {
            r.push_str(&format!("- {p}\n"));
        }
    }

    r.push_str("\n## 待核实的事项\n\n以下事项带有 `review` 说明（`qingdan check` 也会列出）。引号中是原文提取的文字。\n");
    for k in ListKind::ALL {
        let items: Vec<_> = per_list(k).filter(|m| m.front.review.is_some()).collect();
        if items.is_empty() {
            continue;
        }
        r.push_str(&format!("\n### {}（{} 项）\n\n", k.name(), items.len()));
        for m in items {
            r.push_str(&format!("- **{} {}**", m.id, m.front.title));
            for line in m.front.review.as_deref().unwrap_or("").lines() {
                r.push_str(&format!("\n  - {line}"));
            }
            r.push('\n');
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_categories_each_list_of_the_intro_names_are_read_with_their_count() {
        let source = super::super::source::parse_extracted(
            std::path::Path::new("wukusake-2025-07.txt"),
            include_str!("../../import/wukusake-2025-07.txt"),
        )
        .unwrap_or_default();
        let reviewed: Reviewed =
            toml::from_str(include_str!("../../import/wukusake-2025-07.toml")).unwrap_or_default();
        let known: Vec<&str> = reviewed.category.iter().map(|c| c.name.as_str()).collect();
        let stated = stated_categories(source.intro.as_deref().unwrap_or(""), &known);
        let counts: Vec<(u32, usize)> = stated.iter().map(|(n, v)| (*n, v.len())).collect();
        // Basic: 21 names for 20; cooperative: 19 for 17; revoked: 10 for 10.
        assert_eq!(counts, [(20, 21), (17, 19), (10, 10)]);
        assert_eq!(stated[1].1.last().map(String::as_str), Some("综合政务"));
        assert!(stated[1].1.iter().any(|c| c == "文化和旅游"));
        assert!(stated[1].1.iter().any(|c| c == "商贸物流"));
        assert!(stated[2].1.iter().any(|c| c == "卫生健康"));
    }
}
