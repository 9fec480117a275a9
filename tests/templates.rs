//! The theme's templates are minified once when loaded, when that provably
//! gives the same pages, and the pages they render are not minified again;
//! otherwise the pages are minified one by one. Both give the same page,
//! as a browser reads it.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// The real site with the repository's theme, `edit` applied to its
/// templates (name, text).
fn site(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    copy_dir(&repo().join("theme"), &tmp.path().join("theme"));
    fs::copy(repo().join("site.toml"), tmp.path().join("site.toml")).unwrap();
    let dir = tmp.path().join("theme/templates");
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, edit(&name, text)).unwrap();
    }
    tmp
}

/// Builds with `--verbose`; the note on page-by-page minification, if any.
fn build(site: &Path) -> Option<String> {
    let out = qingdan(&["build", "--output", "dist", "--verbose"], site);
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
        .lines()
        .find(|l| l.contains("页面逐页压缩"))
        .map(str::to_string)
}

fn pages(dist: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dist)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

#[test]
fn minified_templates_and_minified_pages_give_the_same_pages() {
    let ahead = site(|_, text| text);
    // A Tera comment holding a private-use character (which the check
    // refuses) changes no page, and makes every page minified one by one.
    let by_page = site(|name, text| {
        if name == "macros.html" {
            text + "{# \u{E000} #}\n"
        } else {
            text
        }
    });
    assert_eq!(
        build(ahead.path()),
        None,
        "the repository's theme is minified ahead"
    );
    let note = build(by_page.path()).expect("a note on page-by-page minification");
    assert!(note.contains("macros.html"), "{note}");
    // Values Tera puts into attributes keep their quotes.
    let home = fs::read_to_string(ahead.path().join("dist/index.html")).unwrap();
    assert!(
        home.contains(r#"<a aria-current=page href="/">首页</a>"#),
        "{home}"
    );
    // Read in the minifier's one form, every page is the same either way.
    let dist = ahead.path().join("dist");
    let all = pages(&dist);
    assert!(all.len() > 300, "{} pages", all.len());
    for path in all {
        let rel = path.strip_prefix(&dist).unwrap();
        assert_eq!(
            read_html(&path),
            read_html(by_page.path().join("dist").join(rel)),
            "{}",
            rel.display()
        );
    }
}

/// Themes written in ways that minifying before rendering would change
/// (each found by a review of an earlier attempt) build the same pages as
/// page-by-page minification, read in the minifier's form.
#[test]
fn risky_template_syntax_gives_the_same_pages_either_way() {
    let cases: &[(&str, &str, &str)] = &[
        // Tera inside a tag, outside a quoted value.
        (
            "base.html",
            r##"<a class="skip-link" href="#main">"##,
            r##"<a class="skip-link"{% if page.title %} title="{{ page.title }}"{% endif %} href="#main">"##,
        ),
        // A value with a space, written unquoted by a minifier.
        (
            "base.html",
            r#"<a class="site-title" href="{{ site.base }}">"#,
            r#"<a class="site-title" title="{{page.title}}" href="{{ site.base }}">"#,
        ),
        // A closing tag in another branch than its opening tag.
        (
            "base.html",
            "<main id=\"main\" class=\"wrap\" tabindex=\"-1\">",
            "{% if page.title %}<main id=\"main\" class=\"wrap\" tabindex=\"-1\">{% else %}<main id=\"main\">{% endif %}",
        ),
        // Words next to Tera in a block container.
        (
            "index.html",
            "<p>共有履职事项 <strong>",
            "<p><span>共有</span> {{ total }} <span>履职事项</span> <strong>",
        ),
        // Tera in an HTML comment, and an entity spelling Tera.
        (
            "index.html",
            "<p>共有履职事项 <strong>",
            "<!-- {{ total }} --><p>&#123;{ total }} 共有履职事项 <strong>",
        ),
        // Whitespace that shows, next to a template's edge.
        (
            "macros.html",
            "{% macro missing() %}原文此处内容缺失，待核实{% endmacro missing %}",
            "{% macro missing() %} <span>原文此处内容缺失</span>\n<span>待核实</span> {% endmacro missing %}",
        ),
        // Preformatted text.
        ("contact.html", "<h1>联系我们</h1>", "<h1>联系我们</h1><pre>  a\n   b  </pre>"),
    ];
    let plain = site(|_, text| text);
    build(plain.path());
    for (file, old, new) in cases {
        let risky = site(|name, text| {
            if name == *file {
                assert!(text.contains(old), "{file} no longer has {old}");
                text.replacen(old, new, 1)
            } else {
                text
            }
        });
        let by_page = site(|name, text| {
            let text = if name == *file {
                text.replacen(old, new, 1)
            } else {
                text
            };
            if name == "macros.html" {
                text + "{# \u{E000} #}\n"
            } else {
                text
            }
        });
        build(risky.path());
        assert!(build(by_page.path()).is_some());
        let dist = risky.path().join("dist");
        for path in pages(&dist) {
            let rel = path.strip_prefix(&dist).unwrap();
            assert_eq!(
                read_html(&path),
                read_html(by_page.path().join("dist").join(rel)),
                "{new}: {}",
                rel.display()
            );
        }
    }
}
