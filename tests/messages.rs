//! What `build` prints: errors in full, warnings summarised unless
//! `--verbose`, and no progress indicator when not on a terminal.

mod common;

use std::fs;

use common::{fixture_site, qingdan, text};

#[test]
fn build_summarises_many_warnings_and_verbose_prints_all() {
    let site = fixture_site();
    let basic = site.path().join("content/basic");
    for i in 10..22 {
        fs::copy(basic.join("002.md"), basic.join(format!("0{i}.markdown"))).unwrap();
    }
    let all = text(&qingdan(&["check"], site.path()));
    let total = all.matches("提示 warning: ").count();
    assert!(total >= 12, "{all}");

    let out = qingdan(&["build"], site.path());
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("提示 warning：共 {total} 条，按类别：")),
        "{shown}"
    );
    assert!(
        shown.contains("   12 条，例如 content/basic/010.markdown: 未作为事项读入"),
        "{shown}"
    );
    assert_eq!(shown.matches("提示 warning: ").count(), 5, "{shown}");
    assert!(
        shown.contains(&format!("其余 {} 条提示", total - 5)),
        "{shown}"
    );
    assert!(shown.contains("qingdan build --verbose"), "{shown}");
    // Not a terminal: no spinner.
    assert!(!shown.contains("正在构建"), "{shown}");

    let out = qingdan(&["build", "--verbose"], site.path());
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert_eq!(shown.matches("提示 warning: ").count(), total, "{shown}");
    assert!(!shown.contains("按类别"), "{shown}");
}

#[test]
fn errors_are_always_printed_in_full() {
    let site = fixture_site();
    let basic = site.path().join("content/basic");
    for i in 10..22 {
        fs::copy(basic.join("002.md"), basic.join(format!("0{i}.markdown"))).unwrap();
    }
    for i in 3..10 {
        let t = fs::read_to_string(basic.join("002.md")).unwrap();
        fs::write(
            basic.join(format!("00{i}.md")),
            t.replace("seq = 2", "seq = 2\nfoo = 1"),
        )
        .unwrap();
    }
    let out = qingdan(&["build"], site.path());
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.matches("错误 error: ").count() >= 7, "{shown}");
    assert!(shown.contains("按类别"), "{shown}");
}
