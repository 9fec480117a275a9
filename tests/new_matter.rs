//! `qingdan new` on a copy of the fixture site, as a clerk would use it.

mod common;

use std::fs;

use common::*;

#[test]
fn new_writes_the_next_matter_that_check_accepts_and_lists_for_review() {
    let site = fixture_site();
    let out = qingdan(
        &[
            "new",
            "配合",
            "--category",
            "民生服务",
            "--title",
            "困难群众临时救助",
            "--department",
            "示例县民政局",
            "--department",
            "示例县财政局",
        ],
        site.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "content/cooperative/002.md"
    );
    let file = fs::read_to_string(site.path().join("content/cooperative/002.md")).unwrap();
    assert!(file.contains("seq = 2\n"), "{file}");
    assert!(file.contains("### 示例县财政局"), "{file}");

    let check = qingdan(&["check"], site.path());
    let shown = text(&check);
    assert!(check.status.success(), "{shown}");
    assert!(shown.contains("配合履职事项：2 项"), "{shown}");
    assert!(
        shown.contains(
            "待核实 review: content/cooperative/002.md:7:1: 新建事项，待填写：职责内容。"
        ),
        "{shown}"
    );

    // The next one takes the next number, also for a list's first file.
    let out = qingdan(&["new", "revoked", "--title", "x"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(site.path().join("content/revoked/002.md").is_file());
}

#[test]
fn new_refuses_unknown_names_with_suggestions_and_unknown_lists() {
    let site = fixture_site();
    let before = snapshot(&site.path().join("content"));
    let out = qingdan(
        &[
            "new",
            "cooperative",
            "--category",
            "民生",
            "--department",
            "民政",
        ],
        site.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("是否应为：“示例县民政局”"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("是否应为：“民生服务”"),
        "{}",
        text(&out)
    );

    let out = qingdan(
        &["new", "basic", "--department", "示例县民政局"],
        site.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let out = qingdan(&["new", "other"], site.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cooperative"), "{}", text(&out));
    assert_eq!(
        snapshot(&site.path().join("content")),
        before,
        "nothing written"
    );
}
