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
use super::unreadable::{Lexicon, LOST, PLACEHOLDER, UNHEADED};
use crate::content::{Category, Department, ListKind, MatterId};
use crate::content::{
    FrontMatter, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES, SECTION_WORK_METHOD,
};

mod names;
mod split;

use names::decode_columns;
use split::{mark_lost, Split};

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
    DepartmentTextLost,
    LostEnd,
    UnreadableByRule,
    UnreadableJudged,
    OtherRowText,
    ReviewerNote,
}

impl Repair {
    pub const ALL: [Repair; 25] = [
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
        Repair::DepartmentTextLost,
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
                "列出的部门在职责原文中没有标题（页面写“原文中未能单独辨认该部门的职责，待核实”）"
            }
            Repair::DepartmentTextLost => {
                "列出的部门在职责原文中没有标题，经审核其文字在提取时丢失（页面写“原文此处内容缺失，待核实”）"
            }
            Repair::LostEnd => "职责末尾在提取时截断（页面写“原文此处内容缺失，待核实”）",
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
    LostDepartment,
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
        let lost = judgement.map_or(&[][..], |j| j.lost_departments.as_slice());
        let markdown = match split.then(|| Split::of(&bs)).flatten() {
            Some(mut parts) => parts.markdown(name, departments, lost, (notes, used)),
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
                (
                    Judged::LostDepartment,
                    &j.lost_departments,
                    "判为职责在提取时丢失、原文职责中没有标题的部门",
                ),
            ];
            for (kind, passages, what) in recorded {
                for (k, passage) in passages.iter().enumerate() {
                    if !used.contains(&(kind, k)) {
                        problems.push(format!(
                            "{id}: 审核数据{what}{}在本行职责中找不到（{}）",
                            quote(passage),
                            if kind == Judged::LostDepartment {
                                "须是本行列出而上级部门职责中没有标题的部门"
                            } else {
                                "须是一条或一段之内的原文"
                            }
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

#[cfg(test)]
fn section_markdown(cell: &str, departments: &[String], split_by_department: bool) -> String {
    let bs = blocks(cell, departments);
    let mut notes = Notes::default();
    let mut used = Used::new();
    match (split_by_department && departments.len() > 1)
        .then(|| Split::of(&bs))
        .flatten()
    {
        Some(mut parts) => {
            parts.markdown("上级部门职责", departments, &[], (&mut notes, &mut used))
        }
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
mod tests;
