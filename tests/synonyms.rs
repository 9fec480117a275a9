//! `content/synonyms.toml`: a broken file stops `check` and `build` alike,
//! with the file and line, and leaves the published site alone; a good
//! one reaches the model normalized; every group of the repository's own
//! file finds something in the real content.

mod common;

use std::fs;

use common::*;
use qingdan::{pipeline, search};

#[test]
fn a_broken_synonyms_file_fails_check_and_build_with_its_line() {
    let site = fixture_site();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let before = snapshot(&site.path().join("dist"));

    let file = site.path().join("content/synonyms.toml");
    fs::write(
        &file,
        "[[group]]\nterms = [\"医保\", \"医疗保险\"]\n\n[[group]]\nterms = [\"农合\", \"医疗保险\", \"保\"]\n",
    )
    .unwrap();
    for command in ["check", "build"] {
        let out = qingdan(&[command], site.path());
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {t}");
        assert!(
            t.contains(
                "错误 error: content/synonyms.toml:5:16: 词 “医疗保险” 已在第 2 行的一组中出现"
            ),
            "{command}: {t}"
        );
        assert!(t.contains("只能属于一组"), "{command}: {t}");
        assert!(
            t.contains("content/synonyms.toml:5:24: 词 “保” 只有一个字"),
            "{command}: {t}"
        );
        assert!(t.contains("2 个错误"), "{command}: {t}");
    }
    assert_eq!(snapshot(&site.path().join("dist")), before);

    // A syntax slip: Chinese quotes, with advice about them.
    fs::write(&file, "[[group]]\nterms = [“户口”, “户籍”]\n").unwrap();
    for command in ["check", "build"] {
        let out = qingdan(&[command], site.path());
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {t}");
        assert!(
            t.contains("content/synonyms.toml:2:10: 格式错误"),
            "{command}: {t}"
        );
        assert!(t.contains("不能用中文引号"), "{command}: {t}");
    }
    assert_eq!(snapshot(&site.path().join("dist")), before);

    // Not UTF-8.
    fs::write(&file, b"[[group]]\nterms = [\"\xd2\xbd\xb1\xa3\", \"x\"]\n").unwrap();
    let out = qingdan(&["build"], site.path());
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("content/synonyms.toml:2:1") && t.contains("UTF-8"),
        "{t}"
    );
    assert_eq!(snapshot(&site.path().join("dist")), before);
}

#[test]
fn the_file_is_optional_and_read_only_at_the_top_of_content() {
    let site = fixture_site();
    let file = site.path().join("content/synonyms.toml");
    fs::remove_file(&file).unwrap();
    let out = qingdan(&["check"], site.path());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(!t.contains("synonyms"), "{t}");
    let (site_model, _) = pipeline::load(site.path(), None);
    assert!(site_model.expect("the fixture loads").synonyms.is_empty());

    // In a list's folder it is not a matter and not the synonyms: named.
    fs::write(
        site.path().join("content/basic/synonyms.toml"),
        "[[group]]\nterms = [\"医保\", \"医疗保险\"]\n",
    )
    .unwrap();
    let out = qingdan(&["check"], site.path());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("content/basic/synonyms.toml: 未作为事项读入：站点文件只在 content/ 顶层读入"),
        "{t}"
    );
}

#[test]
fn the_groups_reach_the_model_in_file_order_normalized() {
    let site = fixture_site();
    let (model, diags) = pipeline::load(site.path(), None);
    assert!(!diags.has_errors());
    let model = model.expect("the fixture loads");
    assert_eq!(
        model.synonyms,
        [
            vec!["高龄津贴", "高龄补贴", "老人补贴"],
            vec!["收养", "领养"],
            vec!["app", "手机应用"],
        ]
    );
    // As the search tokenizer sees text.
    for group in &model.synonyms {
        for term in group {
            assert_eq!(&search::normalize(term), term);
        }
    }
}

/// The searchable words of every matter of the repository's content, as
/// the search tokenizer normalizes them: title and body.
fn matter_texts(site: &qingdan::model::Site) -> Vec<(String, String)> {
    // Title and every section, headings included, as the index takes them.
    site.matters
        .iter()
        .map(|m| {
            let mut text = m.title.clone();
            for s in &m.sections {
                text.push('\n');
                text.push_str(&s.heading);
                text.push('\n');
                text.push_str(&s.text);
            }
            (m.id.clone(), search::normalize(&text))
        })
        .collect()
}

#[test]
fn every_group_of_the_real_synonyms_finds_a_matter() {
    let (site, diags) = pipeline::load(&repo(), None);
    assert!(!diags.has_errors());
    let site = site.expect("the repository's content loads");
    let groups = &site.synonyms;
    assert!(groups.len() >= 40, "only {} groups", groups.len());
    let texts = matter_texts(&site);
    assert_eq!(texts.len(), 282);
    let idle: Vec<String> = groups
        .iter()
        .filter(|g| {
            !g.iter()
                .any(|term| texts.iter().any(|(_, t)| t.contains(term.as_str())))
        })
        .map(|g| g.join("、"))
        .collect();
    assert!(
        idle.is_empty(),
        "groups of content/synonyms.toml whose words no matter's title or body has: {idle:#?}"
    );
    // The words citizens type that the brief started from.
    for (typed, official) in [
        ("医保", "基本医疗保险"),
        ("社保", "社会保险"),
        ("户口", "户籍"),
        ("结婚", "婚姻登记"),
        ("农合", "城乡居民基本医疗保险"),
        ("五保", "特困人员"),
        ("残疾证", "残疾人证"),
        ("危房", "自建房"),
    ] {
        assert!(
            groups
                .iter()
                .any(|g| g.iter().any(|t| t == typed) && g.iter().any(|t| t == official)),
            "{typed} and {official} are not in one group"
        );
    }
}

/// The messages the clerk's guide shows for synonyms.toml are the ones the
/// program prints, word for word: each input below is one the guide's
/// examples came from.
#[test]
fn the_guide_quotes_the_real_messages() {
    let guide = fs::read_to_string(repo().join("docs/编辑指南.md")).unwrap();
    let site = fixture_site();
    let file = site.path().join("content/synonyms.toml");
    let inputs: [&str; 8] = [
        "[[group]]\nterms = [\"医保\", \"医疗保险\", \"基本医疗保险\"]\n\n[[group]]\nterms = [\"农合\", \"医疗保险\", \"保\", \"医疗 保险\"]\n\n[[group]]\nterms = [\"户口\"]\n\n[[group]]\nterms = [\"结婚\", \"婚姻登记\", \"结婚\"]\n",
        "[[group]]\nterms = []\n",
        "[[group]]\nterms = [\"医保\", \"基本医疗保险参保扩面及服务工作的考核办法和细则\"]\n",
        "[[group]]\nterms = [\"户口\", \"户籍\", \"\"]\n",
        "[[group]]\nterms = [\"户口\", \"户\u{200b}籍\"]\n",
        "[[group]]\nterms = [“户口”, “户籍”]\n",
        "[[group]]\nterms = [\"户口\"，\"户籍\"]\n",
        "[[group]]\nterm = [\"户口\", \"户籍\"]\n",
    ];
    let mut quoted = 0;
    for input in inputs {
        fs::write(&file, input).unwrap();
        let (_, diags) = pipeline::load(site.path(), None);
        let ours: Vec<String> = diags
            .iter()
            .filter(|d| d.file.ends_with("synonyms.toml"))
            .map(|d| d.to_string())
            .collect();
        assert!(!ours.is_empty(), "no message for {input:?}");
        for message in ours {
            for line in message.lines() {
                assert!(
                    guide.contains(&format!("    {line}\n")),
                    "docs/编辑指南.md does not quote this line of a synonyms.toml message:\n{line}"
                );
            }
            quoted += 1;
        }
    }
    assert!(quoted >= 12, "{quoted}");
}
