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

/// The help a clerk reads is in Chinese, for every command.
#[test]
fn help_is_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let out = qingdan(&["--help"], dir.path());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.starts_with("qingdan：把乡镇（街道）履职事项清单发布成网站。"),
        "{t}"
    );
    assert!(t.contains("用法：qingdan <命令> [选项]"), "{t}");
    for (cmd, about) in [
        ("build", "生成网站"),
        ("serve", "边改边预览"),
        ("check", "检查全部内容"),
        ("new", "新建一个清单的下一个事项文件"),
        ("import", "把已发布的清单"),
    ] {
        assert!(
            t.contains(&format!("  {cmd}")) && t.contains(about),
            "{cmd}: {t}"
        );
        let out = qingdan(&[cmd, "--help"], dir.path());
        let h = text(&out);
        assert!(out.status.success(), "{cmd}: {h}");
        assert!(h.starts_with(about), "{cmd}: {h}");
        assert!(h.contains(&format!("用法：qingdan {cmd}")), "{cmd}: {h}");
        assert!(
            h.contains("-h, --help") && h.contains("显示帮助"),
            "{cmd}: {h}"
        );
        for english in [
            "Usage:",
            "Options:",
            "Print help",
            "[default:",
            "Arguments:",
        ] {
            assert!(!h.contains(english), "{cmd}: {english} in {h}");
        }
    }
    // `help` as a command, as in git.
    let out = qingdan(&["help"], dir.path());
    assert!(out.status.success() && text(&out).contains("用法：qingdan <命令> [选项]"));
    let out = qingdan(&["help", "build"], dir.path());
    assert!(
        out.status.success() && text(&out).starts_with("生成网站"),
        "{}",
        text(&out)
    );
    let out = qingdan(&["help", "nope"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("没有命令 “nope”"), "{}", text(&out));
    // A command line clap cannot read: said in Chinese, with clap's
    // suggestion and the command's usage, no English.
    for (args, said) in [
        (&["build", "--bogus"][..], "不认识的选项或参数 “--bogus”"),
        (&["biuld"][..], "没有命令 “biuld”。是不是要写 build？"),
        (
            &["build", "--outptu", "x"][..],
            "不认识的选项或参数 “--outptu”。是不是要写 --output？",
        ),
        (&["build", "--output"][..], "--output <文件夹> 后面缺少值"),
        (&["import"][..], "缺少必需的参数 <来源文件>"),
        (&["check", "--root", "a", "--root", "b"][..], "只能写一次"),
        (
            &["serve", "--port", "abc"][..],
            "--port <端口> 的值 “abc” 无效：应为整数",
        ),
        (
            &["serve", "--port", "99999"][..],
            "--port <端口> 的值 “99999” 无效：应在 0–65535 之间",
        ),
    ] {
        let out = qingdan(args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let t = text(&out);
        assert!(t.starts_with("错误 error: 命令写得不对："), "{t}");
        assert!(t.contains(said), "{args:?}: {t}");
        assert!(t.contains("查看中文用法"), "{t}");
        assert!(
            !t.contains("Usage") && !t.contains("For more information"),
            "{args:?}: English left in {t}"
        );
    }
    let out = qingdan(&["build", "--bogus"], dir.path());
    assert!(text(&out).contains("用法：qingdan build [选项]"));
    let out = qingdan(&["--version"], dir.path());
    assert!(text(&out).starts_with("qingdan "), "{}", text(&out));
}
