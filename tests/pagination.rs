//! Long tables are split into pages (`page_size` in site.toml): on the real
//! content with 20 rows a page, every matter of a list or category is on
//! exactly one of its pages, in the order of the unpaginated table; jump
//! links and pagers lead to pages that exist and anchors that are there.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// A copy of the repository's site with `page_size` set (None: the default).
fn real_site(page_size: Option<&str>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    copy_dir(&repo().join("theme"), &tmp.path().join("theme"));
    let mut toml = fs::read_to_string(repo().join("site.toml")).unwrap();
    if let Some(size) = page_size {
        // Before the first table, so the key belongs to the top level.
        toml = format!("page_size = {size}\n{toml}");
    }
    fs::write(tmp.path().join("site.toml"), toml).unwrap();
    tmp
}

fn build(site: &Path) -> PathBuf {
    let dist = site.join("dist");
    let out = qingdan(
        &[
            "build",
            "--output",
            dist.to_str().unwrap(),
            "--base-path",
            "/zwgk/lzqd/",
        ],
        site,
    );
    assert!(out.status.success(), "{}", text(&out));
    dist
}

/// The matters a table page lists, in order (the links of its row headers).
fn rows(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"<th data-label=事项名称 scope=row><a href=([^ >]+)>"#).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

/// The pages of the table whose first page is `dir` (`basic/`), in order.
fn pages(dist: &Path, dir: &str) -> Vec<String> {
    let mut v = vec![read_html(dist.join(dir).join("index.html"))];
    loop {
        let next = dist
            .join(dir)
            .join(format!("page/{}/index.html", v.len() + 1));
        if !next.exists() {
            break;
        }
        v.push(read_html(next));
    }
    v
}

/// Follows every link `re` finds in `html` (captures: the page, empty for
/// this one, and the anchor) and checks that the page has `<tag id=anchor>`
/// (`tag_id` is `<tr id=` or `<h2 id=`). Returns the number of links.
fn links_reach(dist: &Path, html: &str, re: &regex::Regex, tag_id: &str) -> usize {
    let mut n = 0;
    for c in re.captures_iter(html) {
        let target = if c[1].is_empty() {
            html.to_string()
        } else {
            read(dist, &c[1])
        };
        let want = format!("{tag_id}{}>", &c[2]);
        assert!(target.contains(&want), "{}#{} leads nowhere", &c[1], &c[2]);
        n += 1;
    }
    n
}

fn read(dist: &Path, url: &str) -> String {
    let path = url.strip_prefix("/zwgk/lzqd/").unwrap();
    read_html(dist.join(path).join("index.html"))
}

#[test]
fn long_tables_are_split_into_pages_without_losing_a_row() {
    let whole = real_site(None);
    let whole_dist = build(whole.path());
    let paged = real_site(Some("20"));
    let dist = build(paged.path());

    let jumps = regex::Regex::new(r#"<li><a href=([^ >]*)#(cat-[a-z0-9-]+)>"#).unwrap();
    let toc = regex::Regex::new(r#"<li><a href=([^ >]*)#(g-[a-z]+)>"#).unwrap();
    // Lists: 132, 103 and 47 matters make 7, 6 and 3 pages of 20.
    for (list, count, expected_pages) in [
        ("basic", 132, 7),
        ("cooperative", 103, 6),
        ("revoked", 47, 3),
    ] {
        let dir = format!("{list}/");
        let one = pages(&whole_dist, &dir);
        assert_eq!(one.len(), 1, "{list}: one page at the default size");
        let split = pages(&dist, &dir);
        assert_eq!(split.len(), expected_pages, "{list}");
        let all: Vec<String> = split.iter().flat_map(|h| rows(h)).collect();
        assert_eq!(all.len(), count, "{list}");
        assert_eq!(
            all,
            rows(&one[0]),
            "{list}: the pages' rows are the whole list's, in order"
        );
        for (i, html) in split.iter().enumerate() {
            let n = i + 1;
            assert!(rows(html).len() <= 20, "{list} page {n}");
            if n > 1 {
                assert!(
                    html.contains(&format!("清单（第 {n} 页） - ")),
                    "{list} page {n}: its own title"
                );
                assert!(html.contains("rel=prev"), "{list} page {n}");
            }
            assert!(
                html.contains(&format!("第 {n} 页，共 {expected_pages} 页")),
                "{list} page {n}"
            );
            assert_eq!(
                html.contains("rel=next"),
                n < expected_pages,
                "{list} page {n}"
            );
            assert!(
                html.contains(&format!("aria-current=page href=/zwgk/lzqd/{list}/")),
                "{list} page {n}: the pager marks the current page"
            );
        }
        // Every category's jump link, from every page, reaches a row with
        // that id: on this page when the category has rows here, else on
        // the page where it begins.
        let mut local_later = 0;
        for (i, html) in split.iter().enumerate() {
            let n = links_reach(&dist, html, &jumps, "<tr id=");
            assert!(n > 3, "{list} page {}: jump links", i + 1);
            for c in jumps.captures_iter(html) {
                let here = html.contains(&format!("<tr id={}>", &c[2]));
                assert_eq!(c[1].is_empty(), here, "{list} page {}: #{}", i + 1, &c[2]);
                local_later += usize::from(here && i > 0);
            }
        }
        assert!(
            local_later > 0,
            "{list}: a later page links its own categories"
        );
    }

    // Category pages: the same rows as the unpaginated page, in order.
    let mut split_categories = 0;
    for entry in fs::read_dir(dist.join("categories")).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_dir() || entry.file_name() == "page" {
            continue;
        }
        let dir = format!("categories/{}/", entry.file_name().to_string_lossy());
        let one = pages(&whole_dist, &dir);
        assert_eq!(one.len(), 1, "{dir}");
        let split = pages(&dist, &dir);
        let all: Vec<String> = split.iter().flat_map(|h| rows(h)).collect();
        assert_eq!(all, rows(&one[0]), "{dir}");
        if split.len() > 1 {
            split_categories += 1;
            // Where each list's part begins, from every page.
            for html in &split {
                assert!(links_reach(&dist, html, &toc, "<h2 id=") > 1, "{dir}");
            }
        }
    }
    assert!(
        split_categories >= 3,
        "{split_categories} categories have several pages"
    );

    // Department pages, at a quarter of the page size (5): the same
    // matters as the unpaginated page, in order, and the counts' links
    // reach their part, on the page or where it begins.
    let article = regex::Regex::new(r#"<article aria-labelledby=([cr]-\d+) class=xref>"#).unwrap();
    let articles = |html: &str| -> Vec<String> {
        article
            .captures_iter(html)
            .map(|c| c[1].to_string())
            .collect()
    };
    let parts = regex::Regex::new(r#"<li><a href=([^ >]*)#((?:coop|rev)-h)>"#).unwrap();
    let counts = regex::Regex::new(r"<strong>\d+</strong>").unwrap();
    let mut split_departments = 0;
    for entry in fs::read_dir(dist.join("departments")).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_dir() {
            continue;
        }
        let dir = format!("departments/{}/", entry.file_name().to_string_lossy());
        let one = pages(&whole_dist, &dir);
        assert_eq!(one.len(), 1, "{dir}");
        let split = pages(&dist, &dir);
        let all: Vec<String> = split.iter().flat_map(|h| articles(h)).collect();
        assert_eq!(all, articles(&one[0]), "{dir}");
        assert_eq!(split.len(), all.len().div_ceil(5).max(1), "{dir}");
        for (i, html) in split.iter().enumerate() {
            let n = i + 1;
            assert!(articles(html).len() <= 5, "{dir} page {n}");
            assert!(links_reach(&dist, html, &parts, "<h2 id=") >= 1, "{dir}");
            if split.len() > 1 {
                assert!(html.contains(&format!("第 {n} 页，共 {} 页", split.len())));
            }
        }
        if split.len() > 1 {
            split_departments += 1;
            // The counts are the department's, on every page.
            let first: Vec<&str> = counts.find_iter(&split[0]).map(|m| m.as_str()).collect();
            for pair in split.windows(2) {
                let here: Vec<&str> = counts.find_iter(&pair[1]).map(|m| m.as_str()).collect();
                assert_eq!(here, first, "{dir}");
                // A part that goes on from the page before says so.
                let last = articles(&pair[0]).pop().unwrap();
                let next = articles(&pair[1]).remove(0);
                assert_eq!(
                    pair[1].contains("，续上页）"),
                    last[..2] == next[..2],
                    "{dir}: {last} then {next}"
                );
            }
        }
    }
    assert!(
        split_departments >= 5,
        "{split_departments} departments have several pages"
    );
    // A matter's departments lead to the page of each that shows it.
    let dept_link =
        regex::Regex::new(r#"<a href=(/zwgk/lzqd/departments/[a-z0-9-]+/(?:page/\d+/)?)>"#)
            .unwrap();
    let mut later = 0;
    for entry in fs::read_dir(dist.join("matters")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let html = read_html(dist.join("matters").join(&name).join("index.html"));
        let seq: u32 = name.rsplit('-').next().unwrap().parse().unwrap();
        let shown = format!("<span class=seq>{seq}.</span> <a href=/zwgk/lzqd/matters/{name}/>");
        for c in dept_link.captures_iter(&html) {
            assert!(read(&dist, &c[1]).contains(&shown), "{name} → {}", &c[1]);
            later += usize::from(c[1].contains("/page/"));
        }
    }
    assert!(later > 20, "{later} links to a department's later page");

    // The unclassified matters on the categories page: 15, one page.
    assert_eq!(pages(&dist, "categories/").len(), 1);

    // The site map links a long list's pages, not its matters one by one.
    let map = read_html(dist.join("sitemap/index.html"));
    assert!(
        map.contains("<a href=/zwgk/lzqd/basic/page/7/>第 7 页（第 121–132 项）</a>"),
        "{map}"
    );
    let xml = fs::read_to_string(dist.join("sitemap.xml")).unwrap();
    assert!(xml.contains("<loc>/zwgk/lzqd/basic/page/7/</loc><lastmod>2025-07</lastmod>"));
    assert!(!xml.contains("/basic/page/8/"));

    // Every link of the paged site leads to a file.
    assert!(check_links(&dist, "/zwgk/lzqd/") > 5000);
}

#[test]
fn a_page_size_out_of_range_is_refused_where_it_is_written() {
    for bad in ["5", "100000"] {
        let site = real_site(Some(bad));
        for cmd in ["check", "build"] {
            let out = qingdan(&[cmd], site.path());
            let t = text(&out);
            assert!(!out.status.success(), "{cmd} {bad}: {t}");
            assert!(t.contains("site.toml:1:1"), "{cmd} {bad}: {t}");
            assert!(
                t.contains(&format!(
                    "page_size = {bad} 无效：每页行数应在 20 到 2000 之间"
                )),
                "{t}"
            );
        }
        assert!(!site.path().join("dist").exists());
    }
    // Not a number: the TOML error, with its place.
    let site = real_site(Some("\"多\""));
    let out = qingdan(&["check"], site.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("site.toml:1:"), "{}", text(&out));
}

#[test]
fn pages_stay_the_same_from_build_to_build() {
    let site = real_site(Some("20"));
    let a = snapshot(&build(site.path()));
    let b = snapshot(&build(site.path()));
    let differ: BTreeMap<_, _> = a.iter().filter(|(k, v)| b.get(*k) != Some(*v)).collect();
    assert!(differ.is_empty(), "{:?}", differ.keys().collect::<Vec<_>>());
}

#[test]
fn a_matter_leads_back_to_the_page_of_its_list_that_shows_it() {
    let site = real_site(Some("20"));
    let dist = build(site.path());
    let page = read_html(dist.join("matters/basic-125/index.html"));
    // 125 is the fifth row of the seventh page of 20.
    assert!(
        page.contains(
            "<li><a href=/zwgk/lzqd/basic/page/7/>基本履职事项清单</a></li><li aria-current=page>"
        ),
        "breadcrumb"
    );
    assert!(
        page.contains("<dt>所属清单</dt><dd><a href=/zwgk/lzqd/basic/page/7/>"),
        "所属清单"
    );
    let first = read_html(dist.join("matters/basic-020/index.html"));
    assert!(first.contains("<dt>所属清单</dt><dd><a href=/zwgk/lzqd/basic/>"));
}

/// A copy of the site at 20 rows a page whose `template` has `cuts` taken out.
fn site_with_theme_cut(template: &str, cuts: &[&str]) -> tempfile::TempDir {
    let site = real_site(Some("20"));
    let file = site.path().join("theme/templates").join(template);
    let mut text = fs::read_to_string(&file).unwrap();
    for cut in cuts {
        let (start, end) = match cut.split_once("…") {
            Some((from, to)) => {
                let start = text.find(from).unwrap_or_else(|| panic!("{from}"));
                let end =
                    start + text[start..].find(to).unwrap_or_else(|| panic!("{to}")) + to.len();
                (start, end)
            }
            None => {
                let start = text.find(cut).unwrap_or_else(|| panic!("{cut}"));
                (start, start + cut.len())
            }
        };
        text.replace_range(start..end, "");
    }
    fs::write(&file, text).unwrap();
    site
}

#[test]
fn a_theme_that_hides_later_pages_is_refused() {
    // Themes from before pagination: a list.html that shows one page of
    // rows and nothing leading to the others, a site map that lists a
    // list's matters but not its pages.
    let cases = [
        (
            "list.html",
            site_with_theme_cut(
                "list.html",
                &[
                    "{{ m::pager(pager=pager) }}",
                    "{% if jumps | length > 1 %}…</nav>\n{% endif %}",
                ],
            ),
            "没有链接到 /basic/page/2/",
        ),
        (
            "sitemap.html",
            site_with_theme_cut("sitemap.html", &["{% for p in g.pages %}…{% endfor %}"]),
            "页面 sitemap/index.html 没有链接到 /basic/page/2/",
        ),
        (
            "department.html",
            site_with_theme_cut("department.html", &["{{ m::pager(pager=pager) }}"]),
            "/page/2/：分页后",
        ),
    ];
    for (template, site, message) in &cases {
        for args in [&["check"][..], &["build", "--output", "dist"][..]] {
            let out = qingdan(args, site.path());
            let t = text(&out);
            assert!(!out.status.success(), "{template} {args:?}: {t}");
            assert!(t.contains(message), "{template} {args:?}: {t}");
            assert!(
                t.contains(&format!("主题的 {template} 没有给出到这一页的链接")),
                "{t}"
            );
            assert!(t.contains("调大 page_size"), "{t}");
        }
        assert!(
            !site.path().join("dist").exists(),
            "{template}: nothing published"
        );
        // At a page size that keeps every table whole, the same theme builds.
        let toml = site.path().join("site.toml");
        let settings =
            fs::read_to_string(&toml)
                .unwrap()
                .replacen("page_size = 20", "page_size = 200", 1);
        fs::write(&toml, settings).unwrap();
        let out = qingdan(&["build", "--output", "dist"], site.path());
        assert!(out.status.success(), "{template}: {}", text(&out));
    }
}

#[test]
fn later_pages_have_their_tables_date_whatever_the_slug() {
    // A category slug that ends in "page", and a matter of it updated later
    // than the list's publication.
    let site = real_site(Some("20"));
    let registry = site.path().join("content/categories.toml");
    let text_of = fs::read_to_string(&registry).unwrap();
    fs::write(
        &registry,
        text_of.replace("slug = \"dangjian\"", "slug = \"homepage\""),
    )
    .unwrap();
    let matter = site.path().join("content/basic/001.md");
    let text_of = fs::read_to_string(&matter).unwrap();
    fs::write(
        &matter,
        text_of.replacen("seq = 1\n", "seq = 1\nupdated = 2025-09-01\n", 1),
    )
    .unwrap();
    let dist = build(site.path());
    let xml = fs::read_to_string(dist.join("sitemap.xml")).unwrap();
    for page in [
        "categories/homepage/",
        "categories/homepage/page/2/",
        "basic/",
        "basic/page/7/",
    ] {
        assert!(
            xml.contains(&format!(
                "<loc>/zwgk/lzqd/{page}</loc><lastmod>2025-09-01</lastmod>"
            )),
            "{page}: {xml}"
        );
    }
    assert!(xml.contains("<loc>/zwgk/lzqd/revoked/page/2/</loc><lastmod>2025-07</lastmod>"));
}

#[test]
fn page_size_below_the_government_table_is_explained() {
    let site = real_site(None);
    let toml = site.path().join("site.toml");
    let settings = fs::read_to_string(&toml).unwrap() + "page_size = 50\n";
    fs::write(&toml, settings).unwrap();
    let out = qingdan(&["check"], site.path());
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("unknown field `page_size`"), "{t}");
    assert!(
        t.contains("page_size 是网站本身的设置，要写在 [government] 这一行之前"),
        "{t}"
    );
}
