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
    // The 说明 states, per list in order, how many categories it covers.
    let stated_cats: Vec<u32> = STATED_CATEGORIES
        .captures_iter(intro)
        .filter_map(|c| c.get(1)?.as_str().parse().ok())
        .collect();
    for (k, n) in ListKind::ALL.iter().zip(&stated_cats) {
        let mut cats: Vec<&str> = per_list(*k)
            .filter_map(|m| m.front.category.as_deref())
            .collect();
        cats.sort_unstable();
        cats.dedup();
        if cats.len() as u32 != *n {
            diffs.push(format!(
                "说明称{}包括 {n} 个类别，表格中（已辨认的）类别有 {} 个：{}。",
                k.name(),
                cats.len(),
                cats.join("、")
            ));
        }
    }
    for c in &imported.categories {
        if !intro.contains(&c.name) {
            diffs.push(format!("表格中的类别“{}”在说明中没有出现。", c.name));
        }
    }
    for c in &reviewed.category {
        let used = imported.categories.iter().any(|x| x.name == c.name);
        if !used && intro.contains(&c.name) {
            diffs.push(format!(
                "说明列出的类别“{}”在表格中没有事项（网站不设此类别）。",
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
