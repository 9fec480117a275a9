//! Turning raw rows into matters: undo the damage that can be shown to be
//! damage, apply the reviewed judgements, and write down in each matter's
//! `review` note everything that was inferred or could not be repaired.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use pinyin::ToPinyin;
use regex::Regex;

use super::clean::{blocks, blocks_to_markdown, headings, squash_spaces, strip_html, Block};
use super::reviewed::{Reviewed, RowJudgement};
use super::source::{RawRow, Source};
use super::unreadable::{Lexicon, LOST, PLACEHOLDER};
use crate::content::{Category, Department, ListKind, MatterId};
use crate::content::{
    FrontMatter, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES, SECTION_WORK_METHOD,
};

pub const TITLE_UNVERIFIED: &str = "（事项名称待核实）";

#[derive(Debug)]
pub struct ImportedMatter {
    pub id: MatterId,
    pub front: FrontMatter,
    pub body: String,
    /// What was repaired or judged in this row, once per note.
    pub repairs: Vec<Repair>,
}

/// The kinds of repair and judgement, for the report's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Repair {
    TitleCorrected,
    TitleUnreadable,
    EmptyCell,
    LostStart,
    CategoryFromNeighbours,
    CategoryJudged,
    CategoryUnknown,
    DepartmentsDecoded,
    DepartmentsFromHeadings,
    DepartmentsJudged,
    DepartmentsUnknown,
    ReceiverLabel,
    RevokedUnsplit,
    DamagedHeading,
    RepeatedHeading,
    DuplicateText,
    LeadWithoutDepartment,
    HeadingWithoutText,
    DepartmentWithoutHeading,
    LostEnd,
    UnreadableByRule,
    UnreadableJudged,
    OtherRowText,
    ReviewerNote,
}

impl Repair {
    pub const ALL: [Repair; 24] = [
        Repair::TitleCorrected,
        Repair::TitleUnreadable,
        Repair::EmptyCell,
        Repair::LostStart,
        Repair::CategoryFromNeighbours,
        Repair::CategoryJudged,
        Repair::CategoryUnknown,
        Repair::DepartmentsDecoded,
        Repair::DepartmentsFromHeadings,
        Repair::DepartmentsJudged,
        Repair::DepartmentsUnknown,
        Repair::ReceiverLabel,
        Repair::RevokedUnsplit,
        Repair::DamagedHeading,
        Repair::RepeatedHeading,
        Repair::DuplicateText,
        Repair::LeadWithoutDepartment,
        Repair::HeadingWithoutText,
        Repair::DepartmentWithoutHeading,
        Repair::LostEnd,
        Repair::UnreadableByRule,
        Repair::UnreadableJudged,
        Repair::OtherRowText,
        Repair::ReviewerNote,
    ];

    /// What the report calls it.
    pub fn name(self) -> &'static str {
        match self {
            Repair::TitleCorrected => "事项名称按审核判断更正",
            Repair::TitleUnreadable => "事项名称无法可靠复原（页面写“事项名称待核实”）",
            Repair::EmptyCell => "单元格为空",
            Repair::LostStart => "职责开头在提取时丢失（页面写“原文此处内容缺失，待核实”）",
            Repair::CategoryFromNeighbours => "事项类别按前后相同的事项补全",
            Repair::CategoryJudged => "事项类别按审核判断确定",
            Repair::CategoryUnknown => "事项类别无法确定（未分类）",
            Repair::DepartmentsDecoded => "按列提取的部门单元格逐行读回",
            Repair::DepartmentsFromHeadings => "部门依职责原文中的部门标题确定",
            Repair::DepartmentsJudged => "部门按审核判断确定",
            Repair::DepartmentsUnknown => "部门无法辨认",
            Repair::ReceiverLabel => "“承接方式:”按承接部门处理",
            Repair::RevokedUnsplit => "承接部门与工作方式未能分开",
            Repair::DamagedHeading => "受损的部门标题按登记名称分段",
            Repair::RepeatedHeading => "同一部门标题出现多次，各段合并在该部门下",
            Repair::DuplicateText => "与另一部门的职责逐字相同的一段，不作为该部门职责发布",
            Repair::LeadWithoutDepartment => "第一个部门标题之前的文字，所属部门待核实",
            Repair::HeadingWithoutText => {
                "部门标题之后没有文字（页面写“原文此处内容缺失，待核实”）"
            }
            Repair::DepartmentWithoutHeading => {
                "列出的部门在职责原文中没有标题（页面写“原文此处内容缺失，待核实”）"
            }
            Repair::LostEnd => "职责末尾在句子中间截断（页面写“原文此处内容缺失，待核实”）",
            Repair::UnreadableByRule => "按规则判为无法辨认的段落（页面写“此处原文待核实”）",
            Repair::UnreadableJudged => "经审核判为无法辨认的段落（页面写“此处原文待核实”）",
            Repair::OtherRowText => "错入本行的他行文字，不予发布",
            Repair::ReviewerNote => "审核数据中的理由说明",
        }
    }
}

/// A row's review note, line by line, with the kind of each line.
#[derive(Debug, Default)]
struct Notes {
    lines: Vec<String>,
    repairs: Vec<Repair>,
}

impl Notes {
    fn push(&mut self, kind: Repair, line: String) {
        self.lines.push(line);
        self.repairs.push(kind);
    }
}

#[derive(Debug)]
pub struct Imported {
    pub matters: Vec<ImportedMatter>,
    pub categories: Vec<Category>,
    pub departments: Vec<Department>,
    /// Judgements that named a row the source does not have, and the like.
    pub problems: Vec<String>,
}

fn quote(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        "（空）".to_string()
    } else {
        format!("“{s}”")
    }
}

/// Cleans one short cell (category, title, department names).
fn clean_cell(s: &str) -> String {
    squash_spaces(&strip_html(s))
}

/// Splits a department cell into names.
fn split_names(cell: &str) -> Vec<String> {
    cell.split(['、', ',', '，', ';', '；'])
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|p| !p.is_empty())
        .collect()
}

static LONE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,2}[.．、]?$").unwrap_or_else(|_| unreachable!()));

static RECEIVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^\s*承接(?P<kind>部门|方式)\s*[:：]\s*(?P<dept>.*?)\s*工作方式\s*[:：]\s*(?P<method>.*)$").unwrap_or_else(|_| unreachable!())
});

/// An ASCII slug from the pinyin of a Chinese name.
pub fn slug_of(name: &str) -> String {
    let mut out = String::new();
    for (c, p) in name.chars().zip(name.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
    }
    if out.is_empty() {
        "x".to_string()
    } else {
        out
    }
}

/// What the repair of every row needs to know: the source (for a row's
/// neighbours), the reviewed judgements, and which names are registered.
struct Repairer<'a> {
    source: &'a Source,
    registered_categories: BTreeSet<&'a str>,
    registered_departments: BTreeSet<&'a str>,
    known_departments: Vec<String>,
    /// How often each cleaned category cell occurs in the tables.
    category_counts: BTreeMap<String, usize>,
    /// The document's character pairs, for the unreadability rule.
    lexicon: Lexicon,
    /// Each row's duties cells without white space, with their section.
    bare_cells: Vec<Vec<(String, &'static str)>>,
}

/// Which recorded passages of a row's judgement were found, by kind and index.
type Used = BTreeSet<(Judged, usize)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Judged {
    Unreadable,
    Start,
    End,
}

/// A duties cell this long (or longer) that is part of another row's is
/// taken to be that row's text.
const MIN_COPIED_CHARS: usize = 10;

impl<'a> Repairer<'a> {
    fn new(source: &'a Source, reviewed: &'a Reviewed) -> Self {
        let mut category_counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in &source.rows {
            *category_counts.entry(clean_cell(&r.category)).or_default() += 1;
        }
        Repairer {
            source,
            registered_categories: reviewed.category.iter().map(|c| c.name.as_str()).collect(),
            registered_departments: reviewed
                .department
                .iter()
                .map(|d| d.name.as_str())
                .collect(),
            known_departments: reviewed.department.iter().map(|d| d.name.clone()).collect(),
            category_counts,
            lexicon: Lexicon::of_source(source),
            bare_cells: source
                .rows
                .iter()
                .map(|r| {
                    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect();
                    vec![
                        (bare(&r.department_duties), SECTION_DEPARTMENT_DUTIES),
                        (bare(&r.township_duties), SECTION_TOWNSHIP_DUTIES),
                        (bare(&r.revoked_cell), SECTION_WORK_METHOD),
                        (bare(&r.work_method), SECTION_WORK_METHOD),
                    ]
                })
                .collect(),
        }
    }

    /// A category is a registered name; without a registry, a name the
    /// tables use more than once or the 说明 names (garbage is unique).
    fn is_category(&self, c: &str) -> bool {
        if c.is_empty() {
            return false;
        }
        if !self.registered_categories.is_empty() {
            return self.registered_categories.contains(c);
        }
        let intro = self.source.intro.as_deref().unwrap_or("");
        self.category_counts.get(c).copied().unwrap_or(0) >= 2 || intro.contains(c)
    }

    fn is_department(&self, d: &str) -> bool {
        self.registered_departments.is_empty() || self.registered_departments.contains(d)
    }

    fn title(&self, row: &RawRow, judgement: Option<&RowJudgement>, notes: &mut Notes) -> String {
        let unverified = || TITLE_UNVERIFIED.trim_matches(['（', '）']).to_string();
        match judgement {
            Some(RowJudgement { title: Some(t), .. }) => {
                notes.push(
                    Repair::TitleCorrected,
                    format!("事项名称：原文提取为{}，已更正为“{t}”。", quote(&row.title)),
                );
                t.clone()
            }
            Some(RowJudgement {
                title_readable: Some(part),
                ..
            }) => {
                notes.push(
                    Repair::TitleUnreadable,
                    format!(
                        "事项名称：原文提取为{}，文字缺失或错乱，无法可靠复原，待与原件核对。",
                        quote(&row.title)
                    ),
                );
                if part.is_empty() {
                    unverified()
                } else {
                    format!("{part}{TITLE_UNVERIFIED}")
                }
            }
            _ => {
                let t = clean_cell(&row.title);
                if t.is_empty() {
                    notes.push(
                        Repair::EmptyCell,
                        "事项名称：原文单元格为空，待与原件核对。".to_string(),
                    );
                    unverified()
                } else {
                    t
                }
            }
        }
    }

    /// The nearest readable category before (or after) row
    /// `i` in the same list, passing over unreadable ones.
    fn nearest_category(&self, i: usize, backwards: bool) -> Option<String> {
        let list = self.source.rows[i].list;
        let mut j = i;
        loop {
            j = if backwards { j.checked_sub(1)? } else { j + 1 };
            let r = self.source.rows.get(j).filter(|r| r.list == list)?;
            let c = clean_cell(&r.category);
            if self.is_category(&c) {
                return Some(c);
            }
        }
    }

    fn category(
        &self,
        i: usize,
        judgement: Option<&RowJudgement>,
        notes: &mut Notes,
    ) -> Option<String> {
        let row = &self.source.rows[i];
        if let Some(c) = judgement.and_then(|j| j.category.clone()) {
            notes.push(
                Repair::CategoryJudged,
                format!(
                    "事项类别：原文单元格为{}，定为“{c}”。",
                    quote(&row.category)
                ),
            );
            return Some(c);
        }
        let cleaned = clean_cell(&row.category);
        if self.is_category(&cleaned) {
            return Some(cleaned);
        }
        match (
            self.nearest_category(i, true),
            self.nearest_category(i, false),
        ) {
            (Some(a), Some(b)) if a == b => {
                notes.push(
                    Repair::CategoryFromNeighbours,
                    format!(
                    "事项类别：原文单元格为{}，前后最近的事项均为“{a}”，据此补为“{a}”，请核对。",
                    quote(&row.category)
                ),
                );
                Some(a)
            }
            _ => {
                notes.push(
                    Repair::CategoryUnknown,
                    format!(
                        "事项类别：原文单元格为{}，无法确定，待核实。",
                        quote(&row.category)
                    ),
                );
                None
            }
        }
    }

    /// The departments of a row: the judgement, else the cell when every
    /// name in it is registered, else the department headings of the duties
    /// text when the cell's characters all come from them.
    fn departments(
        &self,
        list: ListKind,
        cell: &str,
        text: &str,
        judgement: Option<&RowJudgement>,
        notes: &mut Notes,
    ) -> Vec<String> {
        let column = list.department_column().unwrap_or("部门");
        if let Some(ds) = judgement.and_then(|j| j.departments.clone()) {
            notes.push(
                Repair::DepartmentsJudged,
                format!(
                    "{column}：原文单元格为{}，定为“{}”。",
                    quote(cell),
                    ds.join("、")
                ),
            );
            return ds;
        }
        let parts = split_names(cell);
        if !parts.is_empty() && parts.iter().all(|p| self.is_department(p)) {
            return parts;
        }
        if let Some((lines, names)) = decode_columns(cell, &self.known_departments) {
            notes.push(Repair::DepartmentsDecoded, format!(
                "{column}：原文单元格为{}，是按列提取的部门名称（每列 {lines} 字）；逐行读回，每个字都属于已登记的名称，依次为“{}”。",
                quote(cell),
                names.join("、")
            ));
            return names;
        }
        let mut headed: Vec<String> = Vec::new();
        for b in blocks(text, &self.known_departments) {
            if let Block::Department(d) = b {
                if !headed.contains(&d) {
                    headed.push(d);
                }
            }
        }
        let cell_chars: String = cell
            .chars()
            .filter(|c| !c.is_whitespace() && !"、,，".contains(*c))
            .collect();
        let from_headings = !cell_chars.is_empty()
            && cell_chars
                .chars()
                .all(|c| headed.iter().any(|d| d.contains(c)));
        if !headed.is_empty() && from_headings {
            notes.push(
                Repair::DepartmentsFromHeadings,
                format!(
                    "{column}：原文单元格为{}，字序错乱；依职责原文中的部门标题定为“{}”，请核对。",
                    quote(cell),
                    headed.join("、")
                ),
            );
            return headed;
        }
        notes.push(
            Repair::DepartmentsUnknown,
            format!("{column}：原文单元格为{}，无法辨认，待核实。", quote(cell)),
        );
        Vec::new()
    }

    /// Departments and body of a cooperative matter.
    fn cooperative(
        &self,
        row: &RawRow,
        judgement: Option<&RowJudgement>,
        notes: &mut Notes,
        used: &mut Used,
    ) -> (Vec<String>, String) {
        let text = format!("{} {}", row.department_duties, row.township_duties);
        let departments = self.departments(
            ListKind::Cooperative,
            &row.departments,
            &text,
            judgement,
            notes,
        );
        let duties = self.section(
            row,
            SECTION_DEPARTMENT_DUTIES,
            &row.department_duties,
            &departments,
            true,
            judgement,
            (notes, used),
        );
        let township = self.section(
            row,
            SECTION_TOWNSHIP_DUTIES,
            &row.township_duties,
            &departments,
            false,
            judgement,
            (notes, used),
        );
        note_section(SECTION_DEPARTMENT_DUTIES, &row.department_duties, notes);
        note_section(SECTION_TOWNSHIP_DUTIES, &row.township_duties, notes);
        let body = format!(
            "\n## {SECTION_DEPARTMENT_DUTIES}\n\n{}\n\n## {SECTION_TOWNSHIP_DUTIES}\n\n{}\n",
            duties.markdown, township.markdown
        );
        (departments, body)
    }

    /// Departments and body of a revoked matter; the receiving department
    /// and the work method share one cell in the document.
    fn revoked(
        &self,
        row: &RawRow,
        judgement: Option<&RowJudgement>,
        notes: &mut Notes,
        used: &mut Used,
    ) -> (Vec<String>, String) {
        let (cell, method) = if row.revoked_cell.is_empty() {
            (row.departments.clone(), row.work_method.clone())
        } else if let Some(c) = RECEIVER.captures(&row.revoked_cell) {
            if &c["kind"] == "方式" {
                notes.push(
                    Repair::ReceiverLabel,
                    "承接部门：原文写作“承接方式:”，按承接部门处理。".to_string(),
                );
            }
            (c["dept"].to_string(), c["method"].to_string())
        } else {
            notes.push(
                Repair::RevokedUnsplit,
                format!(
                    "承接部门及工作方式：原文为{}，未能分开，待核实。",
                    quote(&row.revoked_cell)
                ),
            );
            (String::new(), row.revoked_cell.clone())
        };
        let departments = self.departments(ListKind::Revoked, &cell, &method, judgement, notes);
        let work = self.section(
            row,
            SECTION_WORK_METHOD,
            &method,
            &departments,
            false,
            judgement,
            (notes, used),
        );
        note_section(SECTION_WORK_METHOD, &method, notes);
        (
            departments,
            format!("\n## {SECTION_WORK_METHOD}\n\n{}\n", work.markdown),
        )
    }

    /// The row, and its section, whose duties hold all of `cell` word for
    /// word (white space aside) when `cell` stops in the middle of a
    /// sentence: text the extraction put into the wrong row
    /// (cooperative-095's township duty is a piece of 094's item 4). Cells
    /// under [`MIN_COPIED_CHARS`] characters are never judged.
    fn copied_from(&self, row: &RawRow, cell: &str) -> Option<(MatterId, &'static str)> {
        let bare: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
        // A whole duty that two rows share ends as a sentence ends; a piece
        // cut out of another row's text stops in the middle of one.
        let mid_sentence = !bare.ends_with(['。', '；', ';', '.', '！', '？']);
        if bare.chars().count() < MIN_COPIED_CHARS || !mid_sentence {
            return None;
        }
        self.source
            .rows
            .iter()
            .zip(&self.bare_cells)
            .filter(|(r, _)| !std::ptr::eq(*r, row))
            .find_map(|(r, cells)| {
                let (_, section) = cells
                    .iter()
                    .find(|(text, _)| text.len() > bare.len() && text.contains(&bare))?;
                Some((
                    MatterId {
                        list: r.list?,
                        seq: r.seq,
                    },
                    *section,
                ))
            })
    }

    /// A duties cell as Markdown, with what cannot be read replaced.
    #[allow(clippy::too_many_arguments)]
    fn section(
        &self,
        row: &RawRow,
        name: &str,
        cell: &str,
        departments: &[String],
        split_by_department: bool,
        judgement: Option<&RowJudgement>,
        (notes, used): (&mut Notes, &mut Used),
    ) -> SectionText {
        if let Some((other, other_section)) = self.copied_from(row, cell) {
            notes.push(Repair::OtherRowText, format!(
                "{name}：原文为{}，与{}第 {} 项的{other_section}中的一段逐字相同，是提取时错入本行的文字，不在本事项下发布，待与原件核对。",
                quote(cell),
                other.list.name(),
                other.seq
            ));
            return SectionText {
                markdown: String::new(),
            };
        }
        let mut bs = blocks(cell, departments);
        for h in headings(&strip_html(cell), departments) {
            if let Some(damaged) = h.damaged {
                notes.push(Repair::DamagedHeading, format!(
                    "{name}：部门标题原文提取为“{damaged}:”，与已登记的“{}”只差一字，按该部门分段。",
                    h.name
                ));
            }
        }
        let recorded = judgement.map_or(&[][..], |j| j.unreadable.as_slice());
        self.mask(name, &mut bs, recorded, notes, used);
        mark_lost(name, &mut bs, judgement, notes, used);
        let split = split_by_department && departments.len() > 1;
        let markdown = match split.then(|| Split::of(&bs)).flatten() {
            Some(mut parts) => parts.markdown(name, departments, notes),
            None => blocks_to_markdown(&bs),
        };
        SectionText { markdown }
    }

    /// Replaces each passage that cannot be read with [`PLACEHOLDER`]: a
    /// whole passage the rule finds unreadable, and the parts a person
    /// recorded for the row. The notes quote what was extracted.
    fn mask(
        &self,
        section: &str,
        bs: &mut [Block],
        recorded: &[String],
        notes: &mut Notes,
        used: &mut Used,
    ) {
        for b in bs.iter_mut() {
            let (label, text) = match b {
                Block::Item(n, t) => (format!("第 {n} 条"), t),
                Block::Text(t) | Block::Heading(t) => ("一段".to_string(), t),
                Block::Department(_) => continue,
            };
            let m = self.lexicon.measure(text);
            if m.is_unreadable() {
                notes.push(Repair::UnreadableByRule, format!(
                    "{section}：{label}原文提取为{}，{} 个字中 {} 个与全文他处连不成词，按规则判为无法辨认，以“{PLACEHOLDER}”代替，待与原件核对。",
                    quote(text),
                    m.counted,
                    m.unaccounted
                ));
                *text = PLACEHOLDER.to_string();
                continue;
            }
            for (k, passage) in recorded.iter().enumerate() {
                let passage = squash_spaces(passage);
                if !passage.is_empty() && text.contains(&passage) {
                    used.insert((Judged::Unreadable, k));
                    notes.push(Repair::UnreadableJudged, format!(
                        "{section}：{label}中原文提取为{}的文字经审核无法辨认，以“{PLACEHOLDER}”代替，待与原件核对。",
                        quote(&passage)
                    ));
                    *text = text.replace(&passage, PLACEHOLDER);
                }
            }
        }
    }

    fn matter(
        &self,
        i: usize,
        list: ListKind,
        judgement: Option<&RowJudgement>,
        problems: &mut Vec<String>,
    ) -> ImportedMatter {
        let row = &self.source.rows[i];
        let mut notes = Notes::default();
        let mut used = Used::new();
        let title = self.title(row, judgement, &mut notes);
        let category = self.category(i, judgement, &mut notes);
        let (departments, body) = match list {
            ListKind::Basic => (Vec::new(), String::new()),
            ListKind::Cooperative => self.cooperative(row, judgement, &mut notes, &mut used),
            ListKind::Revoked => self.revoked(row, judgement, &mut notes, &mut used),
        };
        let id = MatterId { list, seq: row.seq };
        if let Some(j) = judgement {
            let recorded = [
                (Judged::Unreadable, &j.unreadable, "判为无法辨认的文字"),
                (Judged::Start, &j.starts_mid_sentence, "判为开头丢失的文字"),
                (Judged::End, &j.ends_mid_sentence, "判为末尾截断的文字"),
            ];
            for (kind, passages, what) in recorded {
                for (k, passage) in passages.iter().enumerate() {
                    if !used.contains(&(kind, k)) {
                        problems.push(format!(
                            "{id}: 审核数据{what}{}在本行职责中找不到（须是一条或一段之内的原文）",
                            quote(passage)
                        ));
                    }
                }
            }
        }
        if let Some(j) = judgement {
            notes.push(Repair::ReviewerNote, j.note.trim().to_string());
        }
        ImportedMatter {
            id,
            front: FrontMatter {
                list,
                seq: i64::from(row.seq),
                category,
                title,
                departments,
                review: (!notes.lines.is_empty()).then(|| notes.lines.join("\n")),
                updated: None,
            },
            body,
            repairs: notes.repairs,
        }
    }
}

pub fn repair(source: &Source, reviewed: &Reviewed) -> Imported {
    let repairer = Repairer::new(source, reviewed);
    let mut problems = Vec::new();
    let mut matters = Vec::new();
    for (i, row) in source.rows.iter().enumerate() {
        let Some(list) = row.list else { continue };
        let id = MatterId { list, seq: row.seq };
        let m = repairer.matter(i, list, reviewed.judgement(&id.to_string()), &mut problems);
        for d in &m.front.departments {
            if !repairer.is_department(d) {
                problems.push(format!("{id}: 部门“{d}”未在审核数据中登记"));
            }
        }
        matters.push(m);
    }
    for j in &reviewed.row {
        if !matters.iter().any(|m| m.id.to_string() == j.id) {
            problems.push(format!("审核数据中的 {} 在原文中没有对应的行", j.id));
        }
    }

    // Registries: in order of first use; reviewed slugs, else pinyin.
    let mut categories: Vec<Category> = Vec::new();
    let mut departments: Vec<Department> = Vec::new();
    for m in &matters {
        if let Some(c) = &m.front.category {
            if !categories.iter().any(|x| &x.name == c) {
                categories.push(
                    reviewed
                        .category
                        .iter()
                        .find(|x| &x.name == c)
                        .cloned()
                        .unwrap_or_else(|| Category {
                            name: c.clone(),
                            slug: slug_of(c),
                        }),
                );
            }
        }
    }
    for d in &reviewed.department {
        if matters
            .iter()
            .any(|m| m.front.departments.contains(&d.name))
        {
            departments.push(d.clone());
        }
    }
    for m in &matters {
        for d in &m.front.departments {
            if !departments.iter().any(|x| &x.name == d) {
                departments.push(Department {
                    name: d.clone(),
                    slug: slug_of(d.trim_start_matches("疏附县")),
                    short: None,
                });
            }
        }
    }
    Imported {
        matters,
        categories,
        departments,
        problems,
    }
}

struct SectionText {
    markdown: String,
}

/// A department cell read down its columns. The document lays several
/// names out in a narrow cell, one line under another, and the extraction
/// read the cell column by column: the first character of every line, then
/// the second, and so on. Reading it back line by line (for each possible
/// number of lines) is proven right only when the result is registered
/// names one after another (with or without 、), every character used
/// exactly once: cooperative-086's cell gives twelve departments.
fn decode_columns(cell: &str, registered: &[String]) -> Option<(usize, Vec<String>)> {
    let chars: Vec<char> = cell.chars().filter(|c| !c.is_whitespace()).collect();
    for lines in 2..chars.len() {
        let width = chars.len().div_ceil(lines);
        let mut text = String::with_capacity(cell.len());
        for line in 0..lines {
            for column in 0..width {
                if let Some(c) = chars.get(column * lines + line) {
                    text.push(*c);
                }
            }
        }
        if let Some(names) = segment_names(&text, registered) {
            let distinct: BTreeSet<&String> = names.iter().collect();
            if names.len() >= 2 && distinct.len() == names.len() {
                return Some((lines, names));
            }
        }
    }
    None
}

/// `text` as registered names one after another (、 between them allowed).
fn segment_names(text: &str, registered: &[String]) -> Option<Vec<String>> {
    let rest = text.trim_start_matches('、');
    if rest.is_empty() {
        return Some(Vec::new());
    }
    registered
        .iter()
        .filter(|n| rest.starts_with(n.as_str()))
        .find_map(|n| {
            let mut names = segment_names(&rest[n.len()..], registered)?;
            names.insert(0, n.clone());
            Some(names)
        })
}

/// The words of a passage that a reader compares: its items and paragraphs.
fn passage_text(bs: &[Block]) -> String {
    bs.iter()
        .filter_map(|b| match b {
            Block::Item(_, t) | Block::Text(t) => Some(t.replace(LOST, "")),
            _ => None,
        })
        .collect()
}

fn has_text(bs: &[Block]) -> bool {
    bs.iter()
        .any(|b| matches!(b, Block::Item(_, t) | Block::Text(t) if !t.is_empty()))
}

/// A duties cell cut at its department headings: the text before the first
/// heading (whose department the extraction lost), then each department
/// in the order of its first heading with the passages under its headings
/// (a department the source heads twice, as 002 does, keeps both in one
/// subsection). A Chinese-numeral sub-heading right before a department
/// heading (`三、公务员职级晋升 疏附县委组织部:`) introduces that department's part.
struct Split {
    lead: Vec<Block>,
    groups: Vec<(String, Vec<Vec<Block>>)>,
    /// Each passage (group, index in it) in the order of the cell.
    order: Vec<(usize, usize)>,
}

impl Split {
    fn of(bs: &[Block]) -> Option<Split> {
        let first = bs.iter().position(|b| matches!(b, Block::Department(_)))?;
        let introduces = |k: usize| {
            bs[k..]
                .iter()
                .find(|b| !matches!(b, Block::Heading(_)))
                .is_some_and(|b| matches!(b, Block::Department(_)))
        };
        let mut lead_end = first;
        while lead_end > 0 && matches!(bs[lead_end - 1], Block::Heading(_)) {
            lead_end -= 1;
        }
        let mut split = Split {
            lead: bs[..lead_end].to_vec(),
            groups: Vec::new(),
            order: Vec::new(),
        };
        let mut pending: Vec<Block> = Vec::new();
        let mut current: Option<(usize, usize)> = None;
        for (k, b) in bs.iter().enumerate().skip(lead_end) {
            match b {
                Block::Department(name) => {
                    let g = match split.groups.iter().position(|(n, _)| n == name) {
                        Some(g) => g,
                        None => {
                            split.groups.push((name.clone(), Vec::new()));
                            split.groups.len() - 1
                        }
                    };
                    let p = split.groups[g].1.len();
                    split.order.push((g, p));
                    split.groups[g].1.push(std::mem::take(&mut pending));
                    current = Some((g, p));
                }
                Block::Heading(_) if introduces(k) => pending.push(b.clone()),
                other => match current.and_then(|(g, p)| split.groups.get_mut(g)?.1.get_mut(p)) {
                    Some(passage) => passage.push(other.clone()),
                    None => split.lead.push(other.clone()),
                },
            }
        }
        Some(split)
    }

    /// The `###` subsections, with what a reader must be told: a passage
    /// that repeats another department's word for word is not published
    /// as this one's (056: 疏附县公安局 repeats 住建局's duty, then its own
    /// heading comes again with nothing after it); a department whose
    /// headings have no text, and a listed department the cell never heads,
    /// say that the text is missing.
    fn markdown(&mut self, section: &str, departments: &[String], notes: &mut Notes) -> String {
        if has_text(&self.lead) {
            notes.push(
                Repair::LeadWithoutDepartment,
                format!(
                    "{section}：第一个部门标题之前的文字{}没有部门标题（可能在提取时丢失），页面上归入所属部门待核实的部分，待与原件核对。",
                    quote(&passage_text(&self.lead))
                ),
            );
        }
        // Duplicates, in the order of the cell: the later copy is withheld.
        let mut seen: Vec<(String, String)> = Vec::new();
        for (g, p) in self.order.clone() {
            let name = self.groups[g].0.clone();
            let text = passage_text(&self.groups[g].1[p]);
            if text.is_empty() {
                continue;
            }
            if let Some((other, _)) = seen.iter().find(|(n, t)| n != &name && t == &text) {
                notes.push(
                    Repair::DuplicateText,
                    format!(
                        "{section}：“{name}:”之后的文字{}与“{other}”一段逐字相同，可能是提取时重复的文字，不作为“{name}”的职责发布，待与原件核对。",
                        quote(&text)
                    ),
                );
                self.groups[g].1[p].retain(|b| !matches!(b, Block::Item(..) | Block::Text(_)));
            } else {
                seen.push((name, text));
            }
        }
        let mut parts = Vec::new();
        if !self.lead.is_empty() {
            parts.push(blocks_to_markdown(&self.lead));
        }
        for (name, passages) in &self.groups {
            if passages.len() > 1 {
                notes.push(
                    Repair::RepeatedHeading,
                    format!(
                        "{section}：原文中“{name}:”出现 {} 次，各段合并在该部门下。",
                        passages.len()
                    ),
                );
            }
            let mut all: Vec<Block> = passages.concat();
            if !has_text(&all) {
                notes.push(
                    Repair::HeadingWithoutText,
                    format!("{section}：原文“{name}:”之后没有该部门的文字（可能在提取时丢失），页面写“{LOST}”，待与原件核对。"),
                );
                all.push(Block::Text(LOST.to_string()));
            }
            parts.push(format!("### {name}\n\n{}", blocks_to_markdown(&all)));
        }
        for name in departments {
            if !self.groups.iter().any(|(n, _)| n == name) {
                notes.push(
                    Repair::DepartmentWithoutHeading,
                    format!("{section}：“{name}”列为对应上级部门，原文职责中却没有它的标题和文字（可能在提取时丢失），页面写“{LOST}”，待与原件核对。"),
                );
                parts.push(format!("### {name}\n\n{LOST}"));
            }
        }
        parts.join("\n\n")
    }
}

/// Where the source's text was demonstrably lost, the page says so in
/// place ([`LOST`]), and the note says what was lost. The rule: a section
/// (or a department's part of it) whose first numbered item is past 1, or
/// that begins with unnumbered text followed by items past 1 (the text is
/// the end of a lost item); an item that is a lone number; a section or
/// department part whose last passage stops at a comma or 、. Beyond the
/// rule, a person records passages that begin or end mid-sentence in the
/// reviewed file (`starts_mid_sentence`, `ends_mid_sentence`).
fn mark_lost(
    section: &str,
    bs: &mut Vec<Block>,
    judgement: Option<&RowJudgement>,
    notes: &mut Notes,
    used: &mut Used,
) {
    fn text_mut(b: &mut Block) -> Option<&mut String> {
        match b {
            Block::Item(_, t) | Block::Text(t) => Some(t),
            _ => None,
        }
    }
    fn prepend(t: &mut String) {
        if t.as_str() != PLACEHOLDER && !t.starts_with(LOST) {
            t.insert_str(0, LOST);
        }
    }
    fn append(t: &mut String) {
        if t.as_str() != PLACEHOLDER && !t.ends_with(LOST) {
            t.push_str(LOST);
        }
    }
    // Starts of runs: the section, and right after each department heading.
    let mut k = 0;
    while k <= bs.len() {
        let at_start = k == 0 || matches!(bs.get(k - 1), Some(Block::Department(_)));
        if !at_start || k == bs.len() {
            k += 1;
            continue;
        }
        let next_item = bs[k..]
            .iter()
            .take_while(|b| !matches!(b, Block::Department(_)))
            .find_map(|b| match b {
                Block::Item(n, _) => Some(*n),
                _ => None,
            });
        match &mut bs[k] {
            Block::Item(n, t) if *n > 1 => {
                let n = *n;
                notes.push(
                    Repair::LostStart,
                    format!(
                        "{section}：原文从第 {n} 条开始，前面的内容在提取时丢失，待与原件核对。"
                    ),
                );
                if t.is_empty() {
                    *t = LOST.to_string();
                } else {
                    bs.insert(k, Block::Text(LOST.to_string()));
                    k += 1;
                }
            }
            Block::Text(t) if next_item.is_some_and(|n| n > 1) => {
                let what = if t.as_str() == PLACEHOLDER {
                    "开头一段（已判为无法辨认）".to_string()
                } else {
                    format!("开头{}", quote(t))
                };
                notes.push(
                    Repair::LostStart,
                    format!(
                        "{section}：原文{what}没有编号，其后从第 {} 条开始，是前面一条的后半，开头在提取时丢失，待与原件核对。",
                        next_item.unwrap_or(0)
                    ),
                );
                prepend(t);
            }
            _ => {}
        }
        k += 1;
    }
    // Lone numbers anywhere (`3.` with nothing after it is not cut as an item).
    for b in bs.iter_mut() {
        let lone = match b {
            Block::Item(n, t) if t.is_empty() => Some(n.to_string()),
            Block::Text(t) if LONE_NUMBER.is_match(t) => {
                Some(t.trim_end_matches(['.', '．', '、']).to_string())
            }
            _ => None,
        };
        if let (Some(n), Some(t)) = (lone, text_mut(b)) {
            notes.push(
                Repair::LostStart,
                format!("{section}：原文第 {n} 条只有编号，文字在提取时丢失，待与原件核对。"),
            );
            t.push_str(LOST);
        }
    }
    // Ends of runs: before each department heading, and the end.
    for k in 0..bs.len() {
        let at_end = bs
            .get(k + 1)
            .is_none_or(|b| matches!(b, Block::Department(_)));
        if !at_end {
            continue;
        }
        if let Some(t) = text_mut(&mut bs[k]) {
            if t.ends_with([',', '，', '、']) {
                notes.push(
                    Repair::LostEnd,
                    format!(
                        "{section}：原文{}止于逗号，句子在提取时截断，待与原件核对。",
                        quote(t)
                    ),
                );
                append(t);
            }
        }
    }
    let Some(j) = judgement else { return };
    for (kind, passages) in [
        (Judged::Start, &j.starts_mid_sentence),
        (Judged::End, &j.ends_mid_sentence),
    ] {
        for (i, passage) in passages.iter().enumerate() {
            let passage = squash_spaces(passage);
            if passage.is_empty() {
                continue;
            }
            for b in bs.iter_mut() {
                let Some(t) = text_mut(b) else { continue };
                let found = match kind {
                    Judged::Start => t.trim_start_matches(LOST).starts_with(&passage),
                    _ => t.trim_end_matches(LOST).ends_with(&passage),
                };
                if !found {
                    continue;
                }
                used.insert((kind, i));
                if kind == Judged::Start {
                    notes.push(
                        Repair::LostStart,
                        format!("{section}：原文{}经审核是从句子中间开始的文字，开头在提取时丢失，待与原件核对。", quote(&passage)),
                    );
                    prepend(t);
                } else {
                    notes.push(
                        Repair::LostEnd,
                        format!(
                            "{section}：原文{}经审核是在句子中间截断的文字，待与原件核对。",
                            quote(&passage)
                        ),
                    );
                    append(t);
                }
                break;
            }
        }
    }
}

#[cfg(test)]
fn section_markdown(cell: &str, departments: &[String], split_by_department: bool) -> String {
    let bs = blocks(cell, departments);
    let mut notes = Notes::default();
    match (split_by_department && departments.len() > 1)
        .then(|| Split::of(&bs))
        .flatten()
    {
        Some(mut parts) => parts.markdown("上级部门职责", departments, &mut notes),
        None => blocks_to_markdown(&bs),
    }
}

fn note_section(name: &str, raw: &str, notes: &mut Notes) {
    if raw.trim().is_empty() {
        notes.push(
            Repair::EmptyCell,
            format!("{name}：原文单元格为空，待与原件核对。"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(list: ListKind, seq: u32, category: &str, title: &str) -> RawRow {
        RawRow {
            list: Some(list),
            seq,
            line: seq as usize,
            category: category.into(),
            title: title.into(),
            ..RawRow::default()
        }
    }

    fn reviewed_with(depts: &[&str]) -> Reviewed {
        Reviewed {
            department: depts
                .iter()
                .map(|d| Department {
                    name: d.to_string(),
                    slug: slug_of(d),
                    short: None,
                })
                .collect(),
            ..Reviewed::default()
        }
    }

    #[test]
    fn category_split_by_a_space_is_joined() {
        let src = Source {
            rows: vec![
                row(ListKind::Basic, 1, "应急管理及消 防", "甲"),
                row(ListKind::Basic, 2, "应急管理及消 防", "乙"),
            ],
            ..Source::default()
        };
        let out = repair(&src, &Reviewed::default());
        assert_eq!(
            out.matters[0].front.category.as_deref(),
            Some("应急管理及消防")
        );
        assert!(out.matters[0].front.review.is_none());
        assert_eq!(out.categories[0].slug, "yingjiguanlijixiaofang");
    }

    #[test]
    fn missing_category_is_filled_only_when_both_neighbours_agree() {
        let src = Source {
            rows: vec![
                row(ListKind::Basic, 1, "党的建设", "甲"),
                row(ListKind::Basic, 2, "1 1 TH 1", "乙"),
                row(ListKind::Basic, 3, "党的建设", "丙"),
                row(ListKind::Basic, 4, "", "丁"),
                row(ListKind::Basic, 5, "综合政务", "戊"),
                row(ListKind::Basic, 6, "综合政务", "己"),
                row(ListKind::Basic, 7, "", "庚"),
                row(ListKind::Basic, 8, "", "辛"),
                row(ListKind::Basic, 9, "综合政务", "壬"),
            ],
            ..Source::default()
        };
        let out = repair(&src, &Reviewed::default());
        let m = &out.matters[1].front;
        assert_eq!(m.category.as_deref(), Some("党的建设"));
        assert!(m.review.as_deref().unwrap().contains("“1 1 TH 1”"));
        let m = &out.matters[3].front;
        assert_eq!(m.category, None);
        assert!(m.review.as_deref().unwrap().contains("无法确定"));
        // A run of blanks between two rows that agree
        assert_eq!(out.matters[6].front.category.as_deref(), Some("综合政务"));
        assert_eq!(out.matters[7].front.category.as_deref(), Some("综合政务"));
    }

    #[test]
    fn interleaved_department_cell_is_read_from_the_duties_headings() {
        let mut r = row(
            ListKind::Cooperative,
            13,
            "乡村振兴",
            "对农业资金 分配的监督",
        );
        r.departments = "疏附县农业 审计农村局".into();
        r.department_duties =
            "疏附县农业农村局: 1.统计需求; 2.核实。 疏附县审计局: 对资金进行审计监督。".into();
        r.township_duties = "1.镇级上报; 2.镇级使用。".into();
        let src = Source {
            rows: vec![r],
            ..Source::default()
        };
        let out = repair(&src, &reviewed_with(&["疏附县农业农村局", "疏附县审计局"]));
        let m = &out.matters[0];
        assert_eq!(m.front.departments, ["疏附县农业农村局", "疏附县审计局"]);
        assert!(m.front.review.as_deref().unwrap().contains("字序错乱"));
        assert!(m.body.contains("### 疏附县农业农村局\n\n1. 统计需求;\n2. 核实。\n\n### 疏附县审计局\n\n对资金进行审计监督。"), "{}", m.body);
        assert_eq!(m.front.title, "对农业资金分配的监督");
    }

    #[test]
    fn text_before_the_first_department_heading_stays_above_the_subsections() {
        let depts = vec![
            "疏附县公安局".to_string(),
            "疏附县市场监督管理局".to_string(),
        ];
        let s = section_markdown(
            "依法查处传销。 疏附县市场监督管理局: 1.制定方案; 2.组织宣传",
            &depts,
            true,
        );
        assert_eq!(
            s,
            "依法查处传销。\n\n### 疏附县市场监督管理局\n\n1. 制定方案;\n2. 组织宣传\n\n### 疏附县公安局\n\n（原文此处内容缺失，待核实）"
        );
        // A department heading that comes twice: both parts in its one subsection.
        let s = section_markdown(
            "疏附县公安局: 甲。 疏附县市场监督管理局: 乙。 疏附县公安局: 丙。",
            &depts,
            true,
        );
        assert_eq!(
            s,
            "### 疏附县公安局\n\n甲。\n\n丙。\n\n### 疏附县市场监督管理局\n\n乙。"
        );
    }

    #[test]
    fn lost_first_lines_are_noted() {
        let mut r = row(ListKind::Cooperative, 1, "党的建设", "推荐县级表以工作");
        r.departments = "织部".into();
        r.department_duties = "3.审查人选; 4.审核结果。".into();
        r.township_duties = "1.制定方案".into();
        let src = Source {
            rows: vec![r],
            ..Source::default()
        };
        let mut reviewed = reviewed_with(&["疏附县委组织部"]);
        reviewed.row.push(RowJudgement {
            id: "cooperative-001".into(),
            title_readable: Some("推荐县级……".into()),
            departments: Some(vec!["疏附县委组织部".into()]),
            note: "配合职责多次写明报疏附县委组织部。".into(),
            ..RowJudgement::default()
        });
        let out = repair(&src, &reviewed);
        let m = &out.matters[0];
        assert_eq!(m.front.title, "推荐县级……（事项名称待核实）");
        let review = m.front.review.as_deref().unwrap();
        assert!(review.contains("原文从第 3 条开始"), "{review}");
        assert!(review.contains("“织部”"), "{review}");
        assert!(review.contains("报疏附县委组织部"), "{review}");
        assert!(m.body.contains("3. 审查人选;\n4. 审核结果。"));
    }

    /// The real source and reviewed file of this repository.
    fn real() -> (Source, Reviewed) {
        let source = super::super::source::parse_extracted(
            std::path::Path::new("wukusake-2025-07.txt"),
            include_str!("../../import/wukusake-2025-07.txt"),
        )
        .unwrap();
        let reviewed: Reviewed =
            toml::from_str(include_str!("../../import/wukusake-2025-07.toml")).unwrap();
        (source, reviewed)
    }

    fn imported<'a>(out: &'a Imported, id: &str) -> &'a ImportedMatter {
        out.matters.iter().find(|m| m.id.to_string() == id).unwrap()
    }

    #[test]
    fn unreadable_passages_are_replaced_and_quoted_in_the_note() {
        let (source, mut reviewed) = real();
        let out = repair(&source, &reviewed);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        // By the rule: cooperative-010's department duties are garbage.
        let m = imported(&out, "cooperative-010");
        assert!(
            m.body
                .contains(&format!("## 上级部门职责\n\n{PLACEHOLDER}\n")),
            "{}",
            m.body
        );
        assert!(!m.body.contains("仔造后"));
        let note = m.front.review.as_deref().unwrap();
        assert!(
            note.contains("“L癌[好F人力公治和社八仔造后·”") && note.contains("按规则"),
            "{note}"
        );
        // By a person's judgement: two passages inside item 1 of cooperative-044.
        let m = imported(&out, "cooperative-044");
        assert_eq!(m.body.matches(PLACEHOLDER).count(), 2, "{}", m.body);
        assert!(m
            .body
            .contains(&format!("择优初步确定粮食应急{PLACEHOLDER}层层签订")));
        assert!(!m.body.contains("替强从困难"));
        assert!(m
            .front
            .review
            .as_deref()
            .unwrap()
            .contains("经审核无法辨认"));
        // cooperative-085's lead item, cooperative-050's two items.
        assert!(!imported(&out, "cooperative-085").body.contains("尼报告"));
        assert_eq!(
            imported(&out, "cooperative-050")
                .body
                .matches(PLACEHOLDER)
                .count(),
            2
        );

        // A recorded passage the row does not have is a problem, not a silent no-op.
        if let Some(j) = reviewed.row.iter_mut().find(|r| r.id == "cooperative-044") {
            j.unreadable.push("不在本行的文字".into());
        }
        let out = repair(&source, &reviewed);
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert!(out.problems[0].contains("cooperative-044"));
    }

    #[test]
    fn a_department_cell_read_down_its_columns_is_read_back_when_every_character_fits() {
        let (source, reviewed) = real();
        let registered: Vec<String> = reviewed.department.iter().map(|d| d.name.clone()).collect();
        let cell = &source
            .rows
            .iter()
            .find(|r| r.list == Some(ListKind::Cooperative) && r.seq == 86)
            .unwrap()
            .departments;
        let (lines, names) = decode_columns(cell, &registered).unwrap();
        assert_eq!(lines, 24);
        assert_eq!(
            names,
            [
                "疏附县应急管理局",
                "疏附县自然资源局",
                "疏附县水利局",
                "疏附县卫生健康委员会",
                "疏附县交通运输局",
                "疏附县商务和工业信息化局",
                "国网新疆电力有限公司疏附县供电公司",
                "疏附县民政局",
                "疏附县住房和城乡建设局",
                "疏附县发展和改革委员会",
                "疏附县公安局",
                "疏附县财政局",
            ]
        );
        // One character that fits no name, and there is no proof.
        assert!(decode_columns(&cell.replacen('疏', "旅", 1), &registered).is_none());
        // cooperative-025's cell does not come out whole: it stays judged.
        let cell25 = &source
            .rows
            .iter()
            .find(|r| r.list == Some(ListKind::Cooperative) && r.seq == 25)
            .unwrap()
            .departments;
        assert!(decode_columns(cell25, &registered).is_none());
    }

    #[test]
    fn text_of_a_neighbouring_row_is_not_published_under_this_one() {
        let (source, reviewed) = real();
        let out = repair(&source, &reviewed);
        let m = imported(&out, "cooperative-095");
        assert!(
            m.body.ends_with("## 乡镇(街道)配合职责\n\n\n"),
            "{}",
            m.body
        );
        assert!(!m.body.contains("对险情征兆明显的地区"));
        let note = m.front.review.as_deref().unwrap();
        assert!(
            note.contains("与配合履职事项第 94 项的乡镇(街道)配合职责中的一段逐字相同"),
            "{note}"
        );
        // The row it came from keeps it.
        assert!(imported(&out, "cooperative-094")
            .body
            .contains("对险情征兆明显的地区"));
    }

    /// The `### department` subsections of a matter's 上级部门职责: name and text.
    fn subsections(m: &ImportedMatter) -> Vec<(String, String)> {
        let duties = m.body.split("## 乡镇(街道)配合职责").next().unwrap_or("");
        duties
            .split("\n### ")
            .skip(1)
            .map(|p| {
                let (name, text) = p.split_once('\n').unwrap_or((p, ""));
                (name.to_string(), text.trim().to_string())
            })
            .collect()
    }

    #[test]
    fn garbled_passages_the_reviewed_file_records_are_not_published() {
        let (source, reviewed) = real();
        let out = repair(&source, &reviewed);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        for (id, garbled, kept) in [
            ("cooperative-079", "及展目标", ""),
            (
                "cooperative-051",
                "申核惠见",
                "根据农村集体经济组织提供的申请资料,",
            ),
            ("cooperative-004", "补价接入领", "的初领、变更、"),
            ("cooperative-002", "考察设话", "镇级协助开展"),
            ("cooperative-064", "泥沙泳积", "对因河道"),
            (
                "cooperative-064",
                "送达当民事人",
                "将行政处罚决定书按法律规定的方式",
            ),
            ("cooperative-020", "官颈鳞癌", "唇腭裂、"),
            ("cooperative-077", "梳理模排", "镇级"),
        ] {
            let m = imported(&out, id);
            assert!(!m.body.contains(garbled), "{id}: {}", m.body);
            assert!(
                m.body.contains(&format!("{kept}{PLACEHOLDER}")),
                "{id}: {}",
                m.body
            );
            assert!(m.front.review.as_deref().unwrap().contains(garbled), "{id}");
        }
    }

    #[test]
    fn lost_text_is_said_to_be_lost_in_place() {
        let (source, reviewed) = real();
        let out = repair(&source, &reviewed);
        let duties = |id: &str| {
            let m = imported(&out, id);
            let d = m.body.split("## 乡镇(街道)配合职责").next().unwrap_or("");
            (d.to_string(), m.front.review.clone().unwrap_or_default())
        };
        // By the rule: text without a number before item 3, and a last item
        // that stops at a comma (046).
        let (d, note) = duties("cooperative-046");
        assert!(d.contains(&format!("{LOST}下达;\n")), "{d}");
        assert!(d.contains(&format!("进行跟踪检查,{LOST}\n")), "{d}");
        assert!(
            note.contains("开头在提取时丢失") && note.contains("止于逗号"),
            "{note}"
        );
        // A lone number (060).
        let (d, _) = duties("cooperative-060");
        assert!(d.contains(&format!("\n3.{LOST}\n")), "{d}");
        // Lists that begin past 1: the page says so before them.
        for (id, first) in [
            ("cooperative-001", "3. 审查"),
            ("cooperative-002", "5. 做好考核结果运用"),
            ("cooperative-007", "3. 确定初步推荐人选"),
            ("cooperative-038", "3. 统筹实施"),
            ("cooperative-050", "2\\. "),
            ("cooperative-078", "2. 疏附县委宣传部"),
            ("cooperative-097", "2. 负责对食品小作坊"),
        ] {
            let (d, note) = duties(id);
            assert!(d.contains(&format!("{LOST}\n\n{first}")), "{id}: {d}");
            assert!(note.contains("原文从第"), "{id}: {note}");
        }
        // An unreadable first passage needs no second mark (079).
        let (d, note) = duties("cooperative-079");
        assert!(d.contains(&format!("\n{PLACEHOLDER}\n")), "{d}");
        assert!(note.contains("开头一段（已判为无法辨认）"), "{note}");
        // Recorded in the reviewed file: starts (086, 090, 093) and ends (085, 098).
        for (id, mark) in [
            ("cooperative-086", format!("{LOST}防疫工作,")),
            ("cooperative-090", format!("{LOST}单位,确定为")),
            ("cooperative-093", format!("{LOST}抢险技术支撑。")),
            ("cooperative-085", format!("确保转移安{LOST}")),
            ("cooperative-098", format!("普及传销{LOST}")),
        ] {
            let (d, note) = duties(id);
            assert!(d.contains(&mark), "{id}: {d}");
            assert!(note.contains("经审核是"), "{id}: {note}");
        }
        // A passage recorded that the row does not have is a problem.
        let mut reviewed = reviewed;
        if let Some(j) = reviewed.row.iter_mut().find(|r| r.id == "cooperative-098") {
            j.ends_mid_sentence.push("不在本行".into());
        }
        let out = repair(&source, &reviewed);
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert!(out.problems[0].contains("末尾截断"));
    }

    #[test]
    fn a_passage_repeating_another_departments_is_not_published_as_its_duty() {
        let (source, reviewed) = real();
        let out = repair(&source, &reviewed);
        let m = imported(&out, "cooperative-056");
        let subs = subsections(m);
        let police = subs.iter().find(|(n, _)| n == "疏附县公安局").unwrap();
        assert_eq!(police.1, LOST);
        let housing = subs
            .iter()
            .find(|(n, _)| n == "疏附县住房和城乡建设局")
            .unwrap();
        assert_eq!(housing.1, "负责建筑工程扬尘污染防治。");
        let note = m.front.review.as_deref().unwrap();
        assert!(
            note.contains("“疏附县公安局:”之后的文字“负责建筑工程扬尘污染防治。”与“疏附县住房和城乡建设局”一段逐字相同"),
            "{note}"
        );
        assert_eq!(subs.iter().filter(|(n, _)| n == "疏附县公安局").count(), 1);
    }

    #[test]
    fn a_department_headed_twice_keeps_both_parts_in_one_subsection() {
        let (source, reviewed) = real();
        let out = repair(&source, &reviewed);
        let m = imported(&out, "cooperative-002");
        let subs = subsections(m);
        let names: Vec<&str> = subs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["疏附县人力资源和社会保障局", "疏附县委组织部"]);
        // Each part's numbered sub-heading comes with it.
        assert!(subs[0]
            .1
            .starts_with("二、事业编、工勤编考核\n\n1. 根据地区考核文件"));
        assert!(subs[0]
            .1
            .contains("四、事业单位工作人员岗位变动及管理岗位职员等级晋升\n\n1. 上会研究"));
        assert!(subs[1]
            .1
            .starts_with("三、公务员职级晋升\n\n1. 根据三定方案"));
        assert!(subs[1]
            .1
            .contains("五、疏附县委组织部(延伸考察和干部监督工作)\n\n1. 制定延伸考察工作方案"));
        assert!(!subs[0].1.contains("三定方案") && !subs[1].1.contains("上会研究"));
        assert!(m
            .front
            .review
            .as_deref()
            .unwrap()
            .contains("出现 2 次，各段合并在该部门下"));
    }

    #[test]
    fn a_listed_department_without_a_heading_is_said_to_have_lost_its_text() {
        let (source, reviewed) = real();
        let out = repair(&source, &reviewed);
        let m = imported(&out, "cooperative-086");
        let subs = subsections(m);
        assert_eq!(subs.len(), 12);
        let lost: Vec<&str> = subs
            .iter()
            .filter(|(_, t)| t == LOST)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(lost.len(), 9, "{lost:?}");
        assert!(lost.contains(&"疏附县应急管理局") && !lost.contains(&"疏附县交通运输局"));
        // The paragraph whose department was lost stays above, once.
        assert_eq!(m.body.matches("防疫工作,提供心理援助服务").count(), 1);
    }

    #[test]
    fn revoked_cell_is_split_into_department_and_work_method() {
        let mut r = row(ListKind::Revoked, 41, "交通运输", "");
        r.revoked_cell =
            "承接方式: 疏附县交通运输局 工作方式: 负责对造成公路路面损坏行为的处罚。".into();
        let src = Source {
            rows: vec![r],
            ..Source::default()
        };
        let out = repair(&src, &reviewed_with(&["疏附县交通运输局"]));
        let m = &out.matters[0];
        assert_eq!(m.front.departments, ["疏附县交通运输局"]);
        assert_eq!(m.front.title, "事项名称待核实");
        let review = m.front.review.as_deref().unwrap();
        assert!(review.contains("承接方式"), "{review}");
        assert!(m
            .body
            .contains("## 工作方式\n\n负责对造成公路路面损坏行为的处罚。"));
    }
}
