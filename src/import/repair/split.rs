//! Duties cells cut at their department headings, and where their text
//! was demonstrably lost.

use super::*;

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
pub(super) struct Split {
    lead: Vec<Block>,
    groups: Vec<(String, Vec<Vec<Block>>)>,
    /// Each passage (group, index in it) in the order of the cell.
    order: Vec<(usize, usize)>,
}

impl Split {
    pub(super) fn of(bs: &[Block]) -> Option<Split> {
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
    /// headings have no text says that the text is missing; a listed
    /// department the cell never heads says so too when a person judged its
    /// text lost (`lost`, from the reviewed file: 086), and otherwise only
    /// that its part could not be told apart ([`UNHEADED`]): the source
    /// may never have headed it (070's 自然资源局, 098's 公安局), or its
    /// text may be the unattributed text above (007, 078, 079, 093).
    pub(super) fn markdown(
        &mut self,
        section: &str,
        departments: &[String],
        lost: &[String],
        (notes, used): (&mut Notes, &mut Used),
    ) -> String {
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
            if self.groups.iter().any(|(n, _)| n == name) {
                continue;
            }
            if let Some(k) = lost.iter().position(|d| d == name) {
                used.insert((Judged::LostDepartment, k));
                notes.push(
                    Repair::DepartmentTextLost,
                    format!("{section}：“{name}”列为对应上级部门，原文职责中没有它的标题和文字，经审核是在提取时丢失，页面写“{LOST}”，待与原件核对。"),
                );
                parts.push(format!("### {name}\n\n{LOST}"));
            } else {
                notes.push(
                    Repair::DepartmentWithoutHeading,
                    format!(
                        "{section}：“{name}”列为对应上级部门，原文职责中没有它的标题，无法单独辨认它的职责{}，页面写“{UNHEADED}”，待与原件核对。",
                        if has_text(&self.lead) { "（第一个部门标题之前的文字可能就是它的职责）" } else { "" }
                    ),
                );
                parts.push(format!("### {name}\n\n{UNHEADED}"));
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
pub(super) fn mark_lost(
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
                            "{section}：原文{}经审核其后的文字在提取时丢失（句子或条目未完），待与原件核对。",
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
