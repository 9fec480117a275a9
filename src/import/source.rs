//! Reading a published list: the text extracted from its PDF (tables as
//! tab-separated lines, the header repeated on every page, page footers in
//! between), or the same tables as CSV files.

use std::path::Path;

use crate::content::ListKind;

/// One table row as the source gives it, before any repair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRow {
    pub list: Option<ListKind>,
    pub seq: u32,
    /// Line (extracted text) or record number (CSV) in the source.
    pub line: usize,
    pub category: String,
    pub title: String,
    /// 对应上级部门 (cooperative) or 承接部门 (revoked).
    pub departments: String,
    /// 上级部门职责 (cooperative).
    pub department_duties: String,
    /// 乡镇(街道)配合职责 (cooperative).
    pub township_duties: String,
    /// 承接部门及工作方式 as one cell (revoked), when not split.
    pub revoked_cell: String,
    /// 工作方式 (revoked), when given as its own column.
    pub work_method: String,
}

#[derive(Debug, Default)]
pub struct Source {
    pub title: Option<String>,
    pub date: Option<String>,
    /// The 说明, as Markdown.
    pub intro: Option<String>,
    pub rows: Vec<RawRow>,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{file}:{line}: {message}")]
    At {
        file: String,
        line: usize,
        message: String,
    },
}

fn at(file: &Path, line: usize, message: impl Into<String>) -> SourceError {
    SourceError::At {
        file: file.display().to_string(),
        line,
        message: message.into(),
    }
}

/// The list a table heading names, by its Chinese title.
fn table_of(heading: &str) -> Option<ListKind> {
    let h = heading.trim_start_matches('#').trim();
    if h.starts_with("基本履职事项清单") {
        Some(ListKind::Basic)
    } else if h.starts_with("配合履职事项清单") {
        Some(ListKind::Cooperative)
    } else if h.starts_with("上级部门收回事项清单") {
        Some(ListKind::Revoked)
    } else {
        None
    }
}

fn is_page_footer(line: &str) -> bool {
    let l = line.trim();
    l.starts_with('第') && l.contains('页') && (l.contains('共') || l.ends_with('页'))
}

/// Parses the text extracted from the PDF.
pub fn parse_extracted(file: &Path, text: &str) -> Result<Source, SourceError> {
    let mut src = Source::default();
    let mut list: Option<ListKind> = None;
    let mut intro: Option<Vec<&str>> = None;
    let mut in_contents = false;
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            let heading = trimmed.trim_start_matches('#').trim();
            if let Some(kind) = table_of(heading) {
                list = Some(kind);
                intro = intro.filter(|_| false);
                in_contents = false;
                continue;
            }
            if list.is_none() {
                if src.title.is_none() {
                    src.title = Some(heading.split_whitespace().collect::<Vec<_>>().join(""));
                    continue;
                }
                if heading == "说明" {
                    intro = Some(Vec::new());
                    continue;
                }
                if heading.replace(' ', "") == "目录" {
                    if let Some(lines) = intro.take() {
                        src.intro = Some(lines.join("\n").trim().to_string());
                    }
                    in_contents = true;
                    continue;
                }
            }
        }
        match list {
            None => {
                if let Some(lines) = intro.as_mut() {
                    lines.push(line);
                } else if !in_contents
                    && src.date.is_none()
                    && trimmed.ends_with('月')
                    && trimmed.contains('年')
                {
                    src.date = Some(trimmed.to_string());
                }
            }
            Some(kind) => {
                if trimmed.is_empty() || trimmed.starts_with("序号") || is_page_footer(trimmed) {
                    continue;
                }
                let cells: Vec<&str> = line.split('\t').collect();
                let seq: u32 = cells[0].trim().parse().map_err(|_| {
                    at(
                        file,
                        n,
                        format!(
                            "{}中这一行不以序号开头：“{}”",
                            kind.name(),
                            trimmed.chars().take(30).collect::<String>()
                        ),
                    )
                })?;
                src.rows.push(row_from_cells(kind, seq, n, &cells[1..]));
            }
        }
    }
    if let Some(lines) = intro.take() {
        src.intro = Some(lines.join("\n").trim().to_string());
    }
    if src.rows.is_empty() {
        return Err(at(
            file,
            1,
            "没有找到任何清单表格（应有“基本履职事项清单”等标题）",
        ));
    }
    Ok(src)
}

fn row_from_cells(kind: ListKind, seq: u32, line: usize, cells: &[&str]) -> RawRow {
    let cell = |i: usize| cells.get(i).map_or(String::new(), |c| c.trim().to_string());
    let mut row = RawRow {
        list: Some(kind),
        seq,
        line,
        category: cell(0),
        title: cell(1),
        ..RawRow::default()
    };
    match kind {
        ListKind::Basic => {}
        ListKind::Cooperative => {
            row.departments = cell(2);
            row.department_duties = cell(3);
            row.township_duties = cell(4);
        }
        ListKind::Revoked => row.revoked_cell = cell(2),
    }
    row
}

/// Reads one table kept as CSV; the list is told by its header row.
pub fn parse_csv(file: &Path, bytes: &[u8]) -> Result<Source, SourceError> {
    let text = crate::text_file::decode(bytes.to_vec()).map_err(|e| at(file, 1, e.to_string()))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| at(file, 1, format!("无法读取表头：{e}")))?
        .iter()
        .map(|h| h.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let need = |names: &[&str]| {
        col(names).ok_or_else(|| {
            at(
                file,
                1,
                format!("表头中缺少“{}”列（现有：{}）", names[0], headers.join("、")),
            )
        })
    };
    let seq_col = need(&["序号"])?;
    let cat_col = need(&["事项类别"])?;
    let title_col = need(&["事项名称"])?;
    let dept_col = col(&["对应上级部门"]);
    let kind = if dept_col.is_some() {
        ListKind::Cooperative
    } else if col(&["承接部门及工作方式", "承接部门"]).is_some() {
        ListKind::Revoked
    } else {
        ListKind::Basic
    };
    let duties_col = col(&["上级部门职责"]);
    let township_col = col(&["乡镇(街道)配合职责", "乡镇（街道）配合职责", "乡镇配合职责"]);
    let revoked_col = col(&["承接部门及工作方式"]);
    let receiver_col = col(&["承接部门"]);
    let method_col = col(&["工作方式"]);
    if kind == ListKind::Cooperative && (duties_col.is_none() || township_col.is_none()) {
        return Err(at(
            file,
            1,
            "配合履职事项表需要“上级部门职责”和“乡镇(街道)配合职责”两列",
        ));
    }

    let mut src = Source::default();
    for (k, record) in reader.records().enumerate() {
        let line = k + 2;
        let record = record.map_err(|e| at(file, line, format!("CSV 格式错误：{e}")))?;
        let get = |c: Option<usize>| {
            c.and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let seq_text = get(Some(seq_col));
        if seq_text.is_empty() && record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let seq: u32 = seq_text
            .parse()
            .map_err(|_| at(file, line, format!("序号“{seq_text}”不是正整数")))?;
        src.rows.push(RawRow {
            list: Some(kind),
            seq,
            line,
            category: get(Some(cat_col)),
            title: get(Some(title_col)),
            departments: if kind == ListKind::Revoked {
                get(receiver_col)
            } else {
                get(dept_col)
            },
            department_duties: get(duties_col),
            township_duties: get(township_col),
            revoked_cell: get(revoked_col),
            work_method: get(method_col),
        });
    }
    Ok(src)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# 某县某镇 履职事项清单\n\n2025年7月\n\n### 说明\n\n#### 一、基本情况\n\n某镇概况。\n\n# 目 录\n\n1.基本履职事项清单\t1\n\n# 基本履职事项清单\n\n序号\t事项类别\t事项名称\n1\t党的建设\t加强党的建设\n\n第 1 页, 共 3 页\n\n序号\t事项类别\t事项名称\n2\t应急管理及消 防\t做好消防\n\n## 配合履职事项清单\n\n序号\t事项 类别\t事项名称\t对应上级 部门\t上级部门职责\t乡镇(街道) 配合职责\n1\t民生服务\t高龄津贴\t疏附县民政局\t1.审核; 2.发放。\t1.宣传\n\n## 上级部门收回事项清单\n\n序号\t事项类别\t事项名称\t承接部门及工作方式\n1\t民生服务\t收养登记\t承接部门: 疏附县民政局 工作方式: 负责收养登记。\n";

    #[test]
    fn page_headers_and_footers_in_the_middle_of_a_table_are_skipped() {
        let s = parse_extracted(Path::new("x.txt"), SAMPLE).unwrap();
        assert_eq!(s.title.as_deref(), Some("某县某镇履职事项清单"));
        assert_eq!(s.date.as_deref(), Some("2025年7月"));
        assert!(s.intro.as_deref().unwrap().contains("某镇概况"));
        assert!(!s.intro.as_deref().unwrap().contains("目 录"));
        assert_eq!(s.rows.len(), 4);
        assert_eq!(s.rows[1].seq, 2);
        assert_eq!(s.rows[1].category, "应急管理及消 防");
        assert_eq!(s.rows[2].list, Some(ListKind::Cooperative));
        assert_eq!(s.rows[2].department_duties, "1.审核; 2.发放。");
        assert!(s.rows[3].revoked_cell.starts_with("承接部门"));
    }

    #[test]
    fn a_stray_line_in_a_table_is_an_error_with_its_line() {
        let text = SAMPLE.replace("2\t应急", "x\t应急");
        let e = parse_extracted(Path::new("x.txt"), &text).unwrap_err();
        assert!(e.to_string().starts_with("x.txt:23:"), "{e}");
    }

    #[test]
    fn csv_tables_are_told_by_their_headers() {
        let csv = "\u{feff}序号,事项类别,事项名称,对应上级部门,上级部门职责,乡镇(街道)配合职责\n1,民生服务,高龄津贴,疏附县民政局,\"1.审核; 2.发放。\",1.宣传\n";
        let s = parse_csv(Path::new("c.csv"), csv.as_bytes()).unwrap();
        assert_eq!(s.rows[0].list, Some(ListKind::Cooperative));
        assert_eq!(s.rows[0].departments, "疏附县民政局");
        let csv = "序号,事项类别,事项名称,承接部门,工作方式\n3,民生服务,收养登记,疏附县民政局,负责收养登记。\n";
        let s = parse_csv(Path::new("r.csv"), csv.as_bytes()).unwrap();
        assert_eq!(s.rows[0].list, Some(ListKind::Revoked));
        assert_eq!(s.rows[0].work_method, "负责收养登记。");
        let e = parse_csv(Path::new("b.csv"), "序号,名称\n1,x\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("事项类别"));
    }
}
