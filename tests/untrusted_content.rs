//! Content a careless or hostile editor could write: every case `check`
//! refuses is also refused by `build` (never a crash), output a reader's
//! tools would execute is neutralised, and no file under content/ is
//! skipped without a word.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const MATTER: &str = "content/basic/001.md";

/// The fixture's basic-001 with `body` as its body.
fn with_body(site: &Path, body: &str) {
    let path = site.join(MATTER);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{}\n{body}", text.trim_end())).unwrap();
}

/// Runs `check` and `build` and asserts both refuse with exit 1 (not a
/// crash), `check` naming `file:line` and `message`; returns check's output.
fn both_refuse(site: &Path, file_line: &str, message: &str) -> String {
    let check = qingdan(&["check"], site);
    let shown = text(&check);
    assert_eq!(check.status.code(), Some(1), "check: {shown}");
    assert!(
        shown.contains(&format!("错误 error: {file_line}")),
        "check names {file_line}: {shown}"
    );
    assert!(shown.contains(message), "check says {message}: {shown}");
    let build = qingdan(&["build"], site);
    assert_eq!(build.status.code(), Some(1), "build: {}", text(&build));
    assert!(text(&build).contains(message), "{}", text(&build));
    assert!(!site.join("dist").exists());
    shown
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let site = fixture_site();
    with_body(site.path(), &format!("\n正文\n\n{}x\n", "- ".repeat(1200)));
    both_refuse(site.path(), &format!("{MATTER}:10:"), "嵌套过深");

    let site = fixture_site();
    with_body(site.path(), &format!("\n{}x\n", ">".repeat(2300)));
    both_refuse(site.path(), &format!("{MATTER}:8:"), "嵌套过深");
}

#[test]
fn a_huge_word_is_an_error_and_a_huge_file_is_refused_unread() {
    let site = fixture_site();
    with_body(site.path(), &format!("\n见 {} 号\n", "a".repeat(24_000)));
    both_refuse(
        site.path(),
        &format!("{MATTER}:8:3"),
        "24000 个连续的字母或数字",
    );

    let site = fixture_site();
    with_body(site.path(), &"1. 很长的一行\n".repeat(80_000));
    both_refuse(site.path(), MATTER, "文件过大");
}

#[test]
fn script_links_are_errors_in_every_spelling() {
    for (n, url) in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java%0Ascript:alert(1)",
        "&#106;avascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
    ]
    .iter()
    .enumerate()
    {
        let site = fixture_site();
        with_body(site.path(), &format!("\n正文\n\n见[办事指南]({url})。\n"));
        let out = both_refuse(site.path(), &format!("{MATTER}:10:2"), "不允许的");
        assert!(out.contains("协议"), "case {n}: {out}");
    }
    // The intro is checked too, on its own lines.
    let site = fixture_site();
    let intro = site.path().join("content/_index.md");
    let text = fs::read_to_string(&intro).unwrap();
    fs::write(&intro, format!("{text}\n![图](javascript:alert(1))\n")).unwrap();
    let line = text.lines().count() + 2;
    both_refuse(
        site.path(),
        &format!("content/_index.md:{line}:1"),
        "javascript: 协议",
    );

    // Safe links stay links.
    let site = fixture_site();
    with_body(
        site.path(),
        "\n见[政策](https://www.gov.cn/)、[邮箱](mailto:a@b.cn)、[电话](tel:0998-1)、[上级](../basic-002/)。\n",
    );
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", common::text(&out));
    let page = read_html(site.path().join("dist/matters/basic-001/index.html"));
    for href in ["https://www.gov.cn/", "mailto:a@b.cn", "tel:0998-1"] {
        assert!(page.contains(&format!("href={href}")), "{href}: {page}");
    }
}

#[test]
fn control_characters_are_errors_with_their_place() {
    let site = fixture_site();
    with_body(site.path(), "\n第一段\n\n第二\u{0}段\n");
    both_refuse(site.path(), &format!("{MATTER}:10:3"), "U+0000");

    // Written as a TOML escape, the file itself is clean: the value is checked.
    let site = fixture_site();
    let path = site.path().join(MATTER);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("加强基层党组织建设", "加强基层\\u001b[2J党组织建设"),
    )
    .unwrap();
    both_refuse(
        site.path(),
        &format!("{MATTER}:5:1"),
        "title 含有不可见的控制字符",
    );
}

#[test]
fn settings_that_reach_files_and_headers_are_validated() {
    let site = fixture_site();
    let toml = site.path().join("site.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        text.replace(
            "url = \"https://www.example.gov.cn\"",
            "url = \"https://www.example.gov.cn\\nDisallow: /\"",
        ),
    )
    .unwrap();
    both_refuse(site.path(), "site.toml:4:1", "url");

    let site = fixture_site();
    let path = site.path().join(MATTER);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("seq = 1\n", "seq = 1\nupdated = 10:30:00\n"),
    )
    .unwrap();
    both_refuse(site.path(), &format!("{MATTER}:4:"), "“10:30:00”带有时刻");
}

#[test]
fn csv_cells_never_run_as_formulas() {
    let site = fixture_site();
    let path = site.path().join(MATTER);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace(
            "title = \"加强基层党组织建设\"",
            "title = \"=HYPERLINK(\\\"http://x.cn\\\",\\\"点击\\\")\"",
        ) + "\n-1+1 是正文的第一行\n",
    )
    .unwrap();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", common::text(&out));
    let csv = fs::read_to_string(site.path().join("dist/data/matters.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let cells: Vec<String> = reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    assert!(cells.contains(&"'=HYPERLINK(\"http://x.cn\",\"点击\")".to_string()));
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "formula cell {cell:?}"
        );
    }
    // JSON keeps the value as written.
    let json = fs::read_to_string(site.path().join("dist/data/matters.json")).unwrap();
    assert!(json.contains("\"title\": \"=HYPERLINK("), "{json}");
}

#[test]
fn government_meta_tags_are_escaped_once_and_never_empty() {
    let site = fixture_site();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let home = read_html(site.path().join("dist/index.html"));
    // The fixture sets no site_id_code: the tag is left out, not written empty.
    assert!(!home.contains("SiteIDCode"), "{home}");
    let meta = regex::Regex::new(r"<meta ([^>]*)>").unwrap();
    for tag in meta.captures_iter(&home) {
        assert!(
            tag[1].contains("content=") || tag[1].contains("charset"),
            "{}",
            &tag[0]
        );
        assert!(
            !tag[1].contains("content=\"\"") && !tag[1].contains("content= "),
            "{}",
            &tag[0]
        );
    }

    let toml = site.path().join("site.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        text.replace(
            "[government]",
            "[government]\nsite_id_code = \"6531210001&amp;\"\nsite_domain = \"a<b>&c\"",
        ),
    )
    .unwrap();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", common::text(&out));
    let home = read_html(site.path().join("dist/index.html"));
    let value = |name: &str| -> String {
        let re =
            regex::Regex::new(&format!(r#"<meta content=("[^"]*"|[^ >]*) name={name}>"#)).unwrap();
        let raw = re
            .captures(&home)
            .unwrap_or_else(|| panic!("{name}: {home}"))[1]
            .trim_matches('"')
            .to_string();
        // Decode once, as a browser does.
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    assert_eq!(value("SiteIDCode"), "6531210001&amp;");
    assert_eq!(value("SiteDomain"), "a<b>&c");
}

#[test]
fn no_file_under_content_is_skipped_silently() {
    let site = fixture_site();
    let basic = site.path().join("content/basic");
    fs::copy(basic.join("002.md"), basic.join("012.markdown")).unwrap();
    fs::copy(basic.join("002.md"), basic.join("013.md.txt")).unwrap();
    fs::write(basic.join(".md"), "").unwrap();
    let out = qingdan(&["check"], site.path());
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    for name in ["012.markdown", "013.md.txt", ".md"] {
        assert!(
            shown.contains(&format!(
                "提示 warning: content/basic/{name}: 未作为事项读入"
            )),
            "{name}: {shown}"
        );
    }
    assert!(shown.contains("改名为 012.md"), "{shown}");
}

#[cfg(unix)]
#[test]
fn links_leaving_the_site_are_errors_and_links_inside_are_loaded() {
    use std::os::unix::fs::symlink;
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("passwd");
    fs::write(&secret, "root:x:0:0:root:/root:/bin/bash\n").unwrap();

    let site = fixture_site();
    let intro = site.path().join("content/_index.md");
    fs::remove_file(&intro).unwrap();
    symlink(&secret, &intro).unwrap();
    both_refuse(site.path(), "content/_index.md", "站点目录之外");

    let site = fixture_site();
    let reg = site.path().join("content/departments.toml");
    let moved = secret_dir.path().join("departments.toml");
    fs::rename(&reg, &moved).unwrap();
    symlink(&moved, &reg).unwrap();
    both_refuse(site.path(), "content/departments.toml", "站点目录之外");

    // A matter linked from elsewhere in the site is a matter like any other.
    let site = fixture_site();
    let basic = site.path().join("content/basic");
    fs::create_dir(site.path().join("drafts")).unwrap();
    fs::rename(basic.join("002.md"), site.path().join("drafts/002.md")).unwrap();
    symlink(site.path().join("drafts/002.md"), basic.join("002.md")).unwrap();
    let out = qingdan(&["check"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("基本履职事项：2 项"), "{}", text(&out));
}

#[test]
fn a_gap_in_the_numbering_is_a_warning() {
    let site = fixture_site();
    let basic = site.path().join("content/basic");
    let text2 = fs::read_to_string(basic.join("002.md")).unwrap();
    fs::remove_file(basic.join("002.md")).unwrap();
    fs::write(basic.join("004.md"), text2.replace("seq = 2", "seq = 4")).unwrap();
    let out = qingdan(&["check"], site.path());
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("content/basic/004.md:3:1: 基本履职事项的序号不连续：第 1 项之后是第 4 项，缺少第 2–3 项"),
        "{shown}"
    );
}

#[test]
fn import_does_not_overwrite_a_report_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.md");
    fs::write(&report, "my notes").unwrap();
    let source = repo().join("import/wukusake-2025-07.txt");
    let reviewed = repo().join("import/wukusake-2025-07.toml");
    let into = dir.path().join("content");
    let args = [
        "import",
        source.to_str().unwrap(),
        "--reviewed",
        reviewed.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ];
    let out = qingdan(&args, dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("report.md"), "{}", text(&out));
    assert_eq!(fs::read_to_string(&report).unwrap(), "my notes");
    assert!(!into.exists(), "nothing written");
}

#[test]
fn a_failed_build_shows_its_errors_and_only_counts_review_notes() {
    let site = fixture_site();
    let path = site.path().join(MATTER);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("党的建设", "党的建")).unwrap();
    let out = qingdan(&["build"], site.path());
    let shown = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("事项类别 “党的建” 未登记"), "{shown}");
    assert!(!shown.contains("待核实 review"), "{shown}");
    assert!(
        shown.contains("另有 1 个事项有待核实说明，运行 qingdan check 查看"),
        "{shown}"
    );
}

#[test]
fn review_findings_long_slugs_many_headings_entities_and_header_formulas() {
    // A slug too long for a file name.
    let site = fixture_site();
    let reg = site.path().join("content/departments.toml");
    let text = fs::read_to_string(&reg).unwrap();
    let slug = text
        .lines()
        .find_map(|l| l.strip_prefix("slug = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string();
    fs::write(&reg, text.replacen(&slug, &"a".repeat(300), 1)).unwrap();
    both_refuse(site.path(), "content/departments.toml", "slug");

    // Thousands of headings: refused quickly, not minutes of work.
    let site = fixture_site();
    let body: String = (0..5000)
        .map(|i| format!("## 标题{i}\n\n文字\n\n"))
        .collect();
    with_body(site.path(), &format!("\n{body}"));
    let started = std::time::Instant::now();
    both_refuse(site.path(), MATTER, "超过上限 100");
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());

    // A control character written as a character reference.
    let site = fixture_site();
    with_body(site.path(), "\n正文\n\n颜色&#x1B;[31m变红\n");
    both_refuse(site.path(), &format!("{MATTER}:10:"), "U+001B");

    // A section heading that is a formula: the CSV header is guarded too.
    let site = fixture_site();
    let coop = site.path().join("content/cooperative/001.md");
    let text = fs::read_to_string(&coop).unwrap();
    fs::write(
        &coop,
        format!("{text}\n## =HYPERLINK(\"http://x.cn\",\"点此\")\n\n文字\n"),
    )
    .unwrap();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", common::text(&out));
    let csv = fs::read_to_string(site.path().join("dist/data/matters.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.contains("\"'=HYPERLINK("), "{header}");
}

#[test]
fn blank_settings_are_unset_and_settings_refuse_bidi_overrides() {
    let site = fixture_site();
    let toml = site.path().join("site.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        text.replace("[government]", "[government]\nsite_id_code = \"   \""),
    )
    .unwrap();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", common::text(&out));
    assert!(common::text(&out).contains("未设置 site_id_code"));
    let home = read_html(site.path().join("dist/index.html"));
    assert!(
        !home.contains("SiteIDCode") && !home.contains("网站标识码"),
        "{home}"
    );

    let site = fixture_site();
    let path = site.path().join(MATTER);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("加强基层", "加强\u{202e}基层")).unwrap();
    both_refuse(site.path(), &format!("{MATTER}:5:"), "U+202E");
}

#[cfg(unix)]
#[test]
fn a_pipe_in_content_is_named_not_read() {
    let site = fixture_site();
    let fifo = site.path().join("content/basic/005.md");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let out = qingdan(&["check"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("content/basic/005.md: 不是普通文件"),
        "{}",
        text(&out)
    );

    let site = fixture_site();
    let intro = site.path().join("content/_index.md");
    fs::remove_file(&intro).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&intro)
        .status()
        .unwrap();
    assert!(status.success());
    both_refuse(site.path(), "content/_index.md", "不是普通文件");
}

#[test]
fn a_file_name_that_disagrees_with_its_seq_is_a_warning() {
    let site = fixture_site();
    let basic = site.path().join("content/basic");
    fs::rename(basic.join("002.md"), basic.join("003.md")).unwrap();
    let out = qingdan(&["check"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("content/basic/003.md:3:1: 文件名是 003，但 seq = 2，两者不一致"),
        "{}",
        text(&out)
    );
}
