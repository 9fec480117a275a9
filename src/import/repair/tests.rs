//! The repair of rows, on small cases and on the real source.

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
        "依法查处传销。\n\n### 疏附县市场监督管理局\n\n1. 制定方案;\n2. 组织宣传\n\n### 疏附县公安局\n\n（原文中未能单独辨认该部门的职责，待核实）"
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
        include_str!("../../../import/wukusake-2025-07.txt"),
    )
    .unwrap();
    let reviewed: Reviewed =
        toml::from_str(include_str!("../../../import/wukusake-2025-07.toml")).unwrap();
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
    // By a person's judgement: two passages inside item 1 of
    // cooperative-044, and the misread word 研案 of item 3.
    let m = imported(&out, "cooperative-044");
    assert_eq!(m.body.matches(PLACEHOLDER).count(), 3, "{}", m.body);
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
        // One-character misreads are recorded like 020's and 077's.
        ("cooperative-044", "应急研案", "启动粮食应急"),
        ("cooperative-070", "相关项权", "确认房屋所有权归属及相关"),
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
    // Recorded in the reviewed file: starts (086, 090, 093) and ends
    // (085, 098 mid-sentence; 002, 038 at ; on the last row of a PDF page).
    for (id, mark) in [
        ("cooperative-086", format!("{LOST}防疫工作,")),
        ("cooperative-090", format!("{LOST}单位,确定为")),
        ("cooperative-093", format!("{LOST}抢险技术支撑。")),
        ("cooperative-085", format!("确保转移安{LOST}")),
        ("cooperative-098", format!("普及传销{LOST}")),
        ("cooperative-002", format!("指导镇级规范实施;{LOST}\n")),
        ("cooperative-038", format!("利用企业建设;{LOST}\n")),
    ] {
        let (d, note) = duties(id);
        assert!(d.contains(&mark), "{id}: {d}");
        assert!(note.contains("经审核"), "{id}: {note}");
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
fn a_listed_department_without_a_heading_is_said_lost_only_where_judged_so() {
    let (source, mut reviewed) = real();
    let out = repair(&source, &reviewed);
    // No claim of loss: 070's cell is whole (items 1-10 of 住建局),
    // 098's and the others' unattributed text may be the department's.
    for (id, name) in [
        ("cooperative-070", "疏附县自然资源局"),
        ("cooperative-098", "疏附县公安局"),
        ("cooperative-007", "疏附县委组织部"),
        ("cooperative-078", "疏附县委宣传部"),
        ("cooperative-079", "疏附县文化体育广播电视和旅游局"),
        ("cooperative-093", "疏附县水利局"),
    ] {
        let m = imported(&out, id);
        let subs = subsections(m);
        let (_, text) = subs.iter().find(|(n, _)| n == name).unwrap();
        assert_eq!(text, UNHEADED, "{id} {name}");
        let note = m.front.review.as_deref().unwrap();
        assert!(
            note.contains(&format!(
                "“{name}”列为对应上级部门，原文职责中没有它的标题，无法单独辨认"
            )),
            "{id}: {note}"
        );
    }
    // A heading followed by nothing is lost text.
    for (id, name) in [
        ("cooperative-007", "疏附县人力资源和社会保障局"),
        ("cooperative-056", "疏附县公安局"),
        ("cooperative-078", "疏附县文化体育广播电视和旅游局"),
        ("cooperative-079", "疏附县市场监督管理局"),
        ("cooperative-093", "疏附县应急管理局"),
    ] {
        let subs = subsections(imported(&out, id));
        let (_, text) = subs.iter().find(|(n, _)| n == name).unwrap();
        assert_eq!(text, LOST, "{id} {name}");
    }
    // Judged lost in the reviewed file, a department that has a heading
    // (or is not listed) is a problem.
    if let Some(j) = reviewed.row.iter_mut().find(|r| r.id == "cooperative-086") {
        j.lost_departments.push("疏附县交通运输局".into());
    }
    let out = repair(&source, &reviewed);
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert!(out.problems[0].contains("疏附县交通运输局"));
}

#[test]
fn numbers_the_source_repeats_are_kept() {
    let (source, reviewed) = real();
    let out = repair(&source, &reviewed);
    let m = imported(&out, "cooperative-002");
    assert_eq!(
        m.body.matches(&format!("3\\. {PLACEHOLDER}")).count(),
        2,
        "{}",
        m.body
    );
    assert!(m
        .front
        .review
        .as_deref()
        .unwrap()
        .contains("按原文的编号保留"));
    let m = imported(&out, "cooperative-050");
    assert_eq!(m.body.matches(&format!("2\\. {PLACEHOLDER}")).count(), 2);
    assert!(m
        .front
        .review
        .as_deref()
        .unwrap()
        .contains("按原文的编号保留"));
}

#[test]
fn a_listed_department_judged_lost_is_said_to_have_lost_its_text() {
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
