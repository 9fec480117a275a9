//! The real binary on the fixture site: every page type, base paths,
//! failed builds, determinism, and the errors a clerk would see.

mod common;

use std::fs;

use common::*;

#[test]
fn builds_every_page_type_with_working_links_under_a_base_path() {
    let site = fixture_site();
    let out = qingdan(&["build", "--base-path", "/zwgk/lzqd/"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let dist = site.path().join("dist");
    for page in [
        "index.html",
        "basic/index.html",
        "cooperative/index.html",
        "revoked/index.html",
        "categories/index.html",
        "categories/minsheng/index.html",
        "departments/index.html",
        "departments/minzheng/index.html",
        "matters/cooperative-001/index.html",
        "matters/basic-002/index.html",
        "404.html",
        "sitemap/index.html",
        "contact/index.html",
        "sitemap.xml",
        "robots.txt",
        "search/index.html",
        "search/manifest.json",
        "search/t/0.json",
        "search/d/b0.json",
        "search/a.json",
        "data/matters.json",
        "data/matters.csv",
    ] {
        assert!(dist.join(page).is_file(), "missing {page}");
    }
    let links = check_links(&dist, "/zwgk/lzqd/");
    assert!(links > 50, "only {links} links checked");

    let matter = fs::read_to_string(dist.join("matters/cooperative-001/index.html")).unwrap();
    assert!(matter.contains("老年人高龄津贴的发放管理"));
    assert!(
        matter.contains("<h3>示例县民政局</h3>"),
        "department subsection"
    );
    assert!(matter.contains("/zwgk/lzqd/departments/caizheng/"));
    let basic1 = fs::read_to_string(dist.join("matters/basic-001/index.html")).unwrap();
    assert!(
        basic1.contains("/zwgk/lzqd/matters/basic-002/"),
        "next within the list"
    );

    // The department page puts its own duties beside the township's.
    let dept = fs::read_to_string(dist.join("departments/caizheng/index.html")).unwrap();
    assert!(
        dept.contains("做好资金保障工作"),
        "the department's own duties"
    );
    assert!(
        !dept.contains("发放高龄津贴资金"),
        "not another department's duties"
    );
    assert!(
        dept.contains("受理本镇老人高龄补贴申请"),
        "the township's duties"
    );

    // Raw HTML in content is shown as text, never run.
    let revoked = fs::read_to_string(dist.join("matters/revoked-001/index.html")).unwrap();
    assert!(!revoked.contains("<script>alert"));
    assert!(revoked.contains("&lt;script>") || revoked.contains("&lt;script&gt;"));

    // Dates: the matter's own `updated`, else the site's `published`.
    let basic2 = fs::read_to_string(dist.join("matters/basic-002/index.html")).unwrap();
    assert!(basic2.contains("2025-08-15"));
    let home = fs::read_to_string(dist.join("index.html")).unwrap();
    assert!(home.contains("2025-07-01"));
    assert!(home.contains("示例镇的<strong>履职事项清单</strong>"));

    let sitemap = fs::read_to_string(dist.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://www.example.gov.cn/zwgk/lzqd/matters/basic-001/</loc>"));
    assert!(sitemap.contains("<lastmod>2025-08-15</lastmod>"));
}

#[test]
fn exports_json_and_csv_with_sections() {
    let site = fixture_site();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let dist = site.path().join("dist");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dist.join("data/matters.json")).unwrap()).unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 4);
    let coop = records
        .iter()
        .find(|r| r["id"] == "cooperative-001")
        .unwrap();
    assert_eq!(coop["url"], "/matters/cooperative-001/");
    assert_eq!(coop["departments"][1], "示例县财政局");
    let township = coop["sections"]["乡镇(街道)配合职责"].as_str().unwrap();
    assert!(
        township.starts_with("1.做好高龄津贴政策宣传；"),
        "{township}"
    );
    let revoked = records.iter().find(|r| r["id"] == "revoked-001").unwrap();
    assert_eq!(revoked["category"], "");

    let csv = fs::read(dist.join("data/matters.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}".as_bytes()), "BOM for Excel");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        &headers[..7],
        [
            "id",
            "list",
            "seq",
            "category",
            "title",
            "departments",
            "url"
        ]
    );
    assert!(headers.contains(&"工作方式".to_string()));
    assert_eq!(reader.records().count(), 4);
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = fixture_site();
    assert!(qingdan(&["build"], site.path()).status.success());
    let before = snapshot(&site.path().join("dist"));

    fs::write(
        site.path().join("content/basic/003.md"),
        "+++\nlist = \"basic\"\nseq = 2\ncategory = \"民生服务\"\ntitle = \"重复序号\"\n+++\n",
    )
    .unwrap();
    let out = qingdan(&["build"], site.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("content/basic/003.md:3:1"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(&site.path().join("dist")), before);
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".qingdan"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_broken_template_fails_the_build_without_touching_dist() {
    let site = fixture_site();
    assert!(qingdan(&["build"], site.path()).status.success());
    let before = snapshot(&site.path().join("dist"));
    fs::write(site.path().join("theme/templates/matter.html"), "{% extends \"base.html\" %}{% block content %}{{ matter.nope.deeper }}{% endblock content %}").unwrap();
    let out = qingdan(&["build"], site.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("matters/"), "{}", text(&out));
    assert_eq!(snapshot(&site.path().join("dist")), before);
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let site = fixture_site();
    assert!(qingdan(&["build", "--output", "a"], site.path())
        .status
        .success());
    assert!(qingdan(&["build", "--output", "b"], site.path())
        .status
        .success());
    let a = snapshot(&site.path().join("a"));
    assert!(!a.is_empty());
    assert_eq!(a, snapshot(&site.path().join("b")));
}

#[test]
fn check_lists_every_error_with_file_line_and_advice() {
    let site = fixture_site();
    let c = site.path().join("content");
    fs::write(
        c.join("basic/009.md"),
        "+++\nlist = \"basic\"\nseq = 9\ncategory = \"民生服\"\ntitle = \"甲\"\n+++\n",
    )
    .unwrap();
    fs::write(
        c.join("basic/010.md"),
        "+++\nlist = \"basic\"\nseq = 10\ncatgory = \"民生服务\"\ntitle = \"乙\"\n+++\n",
    )
    .unwrap();
    fs::write(c.join("basic/011.md"), "没有头部\n").unwrap();
    fs::write(
        c.join("basic/012.md"),
        b"+++\nlist = \"basic\"\nseq = 12\ntitle = \"\xd6\xd0\"\n+++\n",
    )
    .unwrap();
    let out = qingdan(&["check"], site.path());
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("content/basic/009.md:4:1: 事项类别 “民生服” 未登记"),
        "{t}"
    );
    assert!(t.contains("是否应为：“民生服务”"), "{t}");
    assert!(t.contains("content/basic/010.md:4:1"), "{t}");
    assert!(t.contains("catgory"), "{t}");
    assert!(t.contains("content/basic/011.md:1:1"), "{t}");
    assert!(
        t.contains("content/basic/012.md") && t.contains("UTF-8"),
        "{t}"
    );
    // Everything is reported in one run.
    assert!(t.contains("4 个错误"), "{t}");
}

#[test]
fn usage_errors_exit_with_2() {
    let site = fixture_site();
    let out = qingdan(&["build", "--no-such-flag"], site.path());
    assert_eq!(out.status.code(), Some(2));
    let out = qingdan(&["build", "--output", "."], site.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "replacing the site root is refused"
    );
    assert!(site.path().join("site.toml").exists());
}

#[test]
fn assets_carry_a_content_hash_and_missing_footer_facts_are_warned() {
    let site = fixture_site();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let statics: Vec<String> = fs::read_dir(site.path().join("dist/static"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let css = statics
        .iter()
        .find(|n| n.starts_with("style.") && n.ends_with(".css"))
        .expect("hashed css");
    assert_ne!(css, "style.css");
    let home = fs::read_to_string(site.path().join("dist/index.html")).unwrap();
    assert!(
        home.contains(&format!("/static/{css}")),
        "pages link the hashed name"
    );

    let out = qingdan(&["check"], site.path());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    for key in ["address", "email", "site_id_code", "icp", "police_record"] {
        assert!(
            t.contains(&format!("[government] 未设置 {key}")),
            "{key}: {t}"
        );
    }
    assert!(!t.contains("未设置 sponsor"), "set in the fixture: {t}");
}

#[test]
fn section_errors_point_at_the_body() {
    let site = fixture_site();
    let c = site.path().join("content");
    fs::write(
        c.join("cooperative/002.md"),
        "+++\nlist = \"cooperative\"\nseq = 2\ncategory = \"民生服务\"\ntitle = \"甲\"\ndepartments = [\"示例县民政局\"]\n+++\n\n## 上级部门职责\n\n### 示例县民政局\n\n审核。\n\n### 示例县民政局\n\n发放。\n",
    )
    .unwrap();
    let out = qingdan(&["check"], site.path());
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("content/cooperative/002.md:8:1: 缺少小节 “## 乡镇(街道)配合职责”"),
        "{t}"
    );
    assert!(
        t.contains("content/cooperative/002.md:15:1: 小节 “### 示例县民政局” 出现了两次"),
        "{t}"
    );
}

#[test]
fn a_matter_under_review_shows_the_configured_notice_never_the_note() {
    let site = fixture_site();
    let toml_path = site.path().join("site.toml");
    let config = fs::read_to_string(&toml_path).unwrap();
    fs::write(
        &toml_path,
        config.replace(
            "description =",
            "review_notice = \"本事项正在核对，以原件为准。\"\ndescription =",
        ),
    )
    .unwrap();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let dist = site.path().join("dist");
    let page = fs::read_to_string(dist.join("matters/revoked-001/index.html")).unwrap();
    assert!(page.contains("本事项正在核对，以原件为准。"), "{page}");
    for (path, bytes) in snapshot(&dist) {
        let t = String::from_utf8_lossy(&bytes);
        assert!(!t.contains("事项类别原文为空"), "{path} shows the note");
    }
    let list = fs::read_to_string(dist.join("revoked/index.html")).unwrap();
    assert!(list.contains("核对中"), "the row is marked");
    let other = fs::read_to_string(dist.join("matters/basic-001/index.html")).unwrap();
    assert!(!other.contains("本事项正在核对"));

    // An empty notice would leave citizens without the sentence.
    fs::write(
        &toml_path,
        config.replace("description =", "review_notice = \" \"\ndescription ="),
    )
    .unwrap();
    let out = qingdan(&["check"], site.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("review_notice"), "{}", text(&out));
}

#[test]
fn big_data_and_search_files_come_precompressed() {
    use std::io::Read as _;
    let site = fixture_site();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let dist = site.path().join("dist");
    for file in [
        "search/manifest.json",
        "search/t/0.json",
        "search/d/b0.json",
        "search/p/0.json",
        "search/r/0.json",
        "data/matters.json",
        "data/matters.csv",
    ] {
        let plain = fs::read(dist.join(file)).unwrap();
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(fs::File::open(dist.join(format!("{file}.gz"))).unwrap())
            .read_to_end(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, plain, "{file}.gz holds {file}");
    }
}

#[test]
fn search_texts_come_in_bundles_named_in_the_manifest() {
    let site = fixture_site();
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let dist = site.path().join("dist");
    let read = |rel: &str| -> serde_json::Value {
        serde_json::from_slice(&fs::read(dist.join(rel)).unwrap()).unwrap()
    };
    let manifest = read("search/manifest.json");
    assert_eq!(manifest["block"], 4, "{manifest}");
    // basic 1 and 2 share the first bundle of the basic list, in order.
    let raw = fs::read_to_string(dist.join("search/d/b0.json")).unwrap();
    assert!(raw.find("\"1\":") < raw.find("\"2\":"), "{raw}");
    let basic = read("search/d/b0.json");
    let keys: Vec<&String> = basic.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["1", "2"]);
    for field in ["title", "category", "departments", "body"] {
        assert!(basic["1"][field].is_string(), "{field} of basic 1");
    }
    assert_eq!(read("search/d/c0.json").as_object().unwrap().len(), 1);
    assert_eq!(read("search/d/r0.json").as_object().unwrap().len(), 1);
    let mut stored: Vec<String> = fs::read_dir(dist.join("search/d"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    stored.sort();
    assert_eq!(
        stored,
        [
            "b0.json",
            "b0.json.gz",
            "c0.json",
            "c0.json.gz",
            "r0.json",
            "r0.json.gz"
        ],
        "one bundle a list, each with its .gz, no file per matter"
    );
}
