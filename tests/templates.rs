//! The theme's templates are minified once when loaded, and the pages they
//! render are not minified again; a theme that puts Tera syntax inside an
//! HTML tag (which a minifier would take for attributes) gets its pages
//! minified one by one instead. Both give the same page, as a browser
//! reads it.

mod common;

use std::fs;

use common::*;

/// The real site with the repository's theme, or with its navigation
/// written the older way, `<a href="…"{% if … %} aria-current="page"{% endif %}>`.
fn site(tera_in_tags: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    copy_dir(&repo().join("theme"), &tmp.path().join("theme"));
    fs::copy(repo().join("site.toml"), tmp.path().join("site.toml")).unwrap();
    if tera_in_tags {
        let base = tmp.path().join("theme/templates/base.html");
        let text = fs::read_to_string(&base).unwrap();
        let old = r#"<li>{% if page.section == "home" %}<a href="{{ site.base }}" aria-current="page">首页</a>{% else %}<a href="{{ site.base }}">首页</a>{% endif %}</li>"#;
        assert!(text.contains(old), "the theme's home link changed");
        let new = r#"<li><a href="{{ site.base }}"{% if page.section == "home" %} aria-current="page"{% endif %}>首页</a></li>"#;
        fs::write(&base, text.replace(old, new)).unwrap();
    }
    tmp
}

#[test]
fn minified_templates_and_minified_pages_give_the_same_pages() {
    let ours = site(false);
    let older = site(true);
    for s in [&ours, &older] {
        let out = qingdan(&["build", "--output", "dist"], s.path());
        assert!(out.status.success(), "{}", text(&out));
    }
    let page = |s: &tempfile::TempDir, rel: &str| {
        fs::read_to_string(s.path().join("dist").join(rel)).unwrap()
    };
    // The repository's theme: pages come out of the minified templates as
    // they are (Tera's values keep their quotes); the older navigation
    // cannot be minified before rendering, so its pages are minified.
    let home = page(&ours, "index.html");
    assert!(
        home.contains(r#"<a href="/" aria-current=page>首页</a>"#),
        "{home}"
    );
    let older_home = page(&older, "index.html");
    assert!(
        older_home.contains("<a aria-current=page href=/>首页</a>"),
        "{older_home}"
    );
    assert!(!older_home.contains(r#"href="/""#), "minified page by page");
    // Read in the minifier's one form, every page is the same either way.
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(ours.path().join("dist")) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = path.strip_prefix(ours.path()).unwrap();
        assert_eq!(
            read_html(path),
            read_html(older.path().join(rel)),
            "{}",
            rel.display()
        );
        pages += 1;
    }
    assert!(pages > 300, "{pages} pages compared");
}
