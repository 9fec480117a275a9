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
    // Every page reads the same either way, to the space.
    let dist = ahead.path().join("dist");
    let all = pages(&dist);
    assert!(all.len() > 300, "{} pages", all.len());
    for path in all {
        let rel = path.strip_prefix(&dist).unwrap();
        let (a, b) = (
            read_tokens(&path),
            read_tokens(by_page.path().join("dist").join(rel)),
        );
        let first = a.iter().zip(&b).position(|(a, b)| a != b);
        assert!(
            a == b,
            "{}: {:?}",
            rel.display(),
            first.map(|i| (
                &a[i.saturating_sub(2)..(i + 2).min(a.len())],
                &b[i.saturating_sub(2)..(i + 2).min(b.len())]
            ))
        );
    }
}

/// A page's reading (see [`read_tokens`]) as one line of text, tags as
/// markers, without its spaces, and where the spaces were.
fn spaced(tokens: &[String]) -> (String, Vec<usize>) {
    let mut bare = String::new();
    let mut spaces = Vec::new();
    for t in tokens {
        let Some(text) = t.strip_prefix("text ") else {
            bare.push_str(&format!("\u{1}{t}\u{1}"));
            continue;
        };
        let text: String = serde_json::from_str(text).unwrap();
        for c in text.chars() {
            if c == ' ' {
                spaces.push(bare.len());
            } else {
                bare.push(c);
            }
        }
    }
    spaces.dedup();
    (bare, spaces)
}

/// Themes written in ways that minifying before rendering could change
/// (found by the reviews of this change and of an earlier attempt): each
/// builds pages with the same tags, attributes and text as page-by-page
/// minification, and loses no space a reader would see. (It may keep a
/// space the page minifier dropped between inline elements, as the
/// template has it.) Each case is edits (template, old text, new text).
#[test]
fn risky_template_syntax_gives_the_same_pages_either_way() {
    let home = "<p>共有履职事项 <strong>";
    let macros_end = "{% macro missing() %}原文此处内容缺失，待核实{% endmacro missing %}";
    // Whether each is minified ahead (else refused, and minified page by page).
    let ahead = [
        false, true, false, true, false, false, true, false, false, false, false, false, true,
        true, true, false, false, true, false,
    ];
    let cases: &[&[(&str, &str, &str)]] = &[
        // Tera inside a tag, outside a quoted value.
        &[(
            "base.html",
            r##"<a class="skip-link" href="#main">"##,
            r##"<a class="skip-link"{% if page.title %} title="{{ page.title }}"{% endif %} href="#main">"##,
        )],
        // A value with a space, written unquoted by a minifier.
        &[(
            "base.html",
            r#"<a class="site-title" href="{{ site.base }}">"#,
            r#"<a class="site-title" title="{{page.title}}" href="{{ site.base }}">"#,
        )],
        // A closing tag in another branch than its opening tag.
        &[(
            "base.html",
            "<main id=\"main\" class=\"wrap\" tabindex=\"-1\">",
            "{% if page.title %}<main id=\"main\" class=\"wrap\" tabindex=\"-1\">{% else %}<main id=\"main\">{% endif %}",
        )],
        // Words next to Tera in a block container.
        &[("index.html", home, "<p><span>共有</span> {{ total }} <span>履职事项</span> <strong>")],
        // Tera in an HTML comment.
        &[("index.html", home, "<!-- {{ total }} --><p>共有履职事项 <strong>")],
        // Entities and comments spelling Tera.
        &[("index.html", home, "<p>&#123;{ total }} 写法：{<!-- -->{ site.title }} <span title=\"&#123;{ total }}\">共有</span>履职事项 <strong>")],
        // Whitespace that shows, at a macro's edges and around a select.
        &[
            ("macros.html", macros_end, "{% macro missing() %} <span>原文此处内容缺失</span>\n<span>待核实</span> {% endmacro missing %}\n{% macro picker() %}每页\n<b>共</b> <select name=\"n\"><option>10</option></select>\n<span>条</span>{% endmacro picker %}"),
            ("index.html", "{% extends \"base.html\" %}", "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}"),
            ("index.html", home, "<p>{{ m::picker() }} 项</p><p>{{ m::missing() }}</p><p>共有履职事项 <strong>"),
        ],
        // A macro's or a filter block's text used as data.
        &[
            ("macros.html", macros_end, "{% macro missing() %}原文此处内容缺失，待核实{% endmacro missing %}\n{% macro intro() %}\n  <span>第一段</span>\n  <span>第二段很长很长</span>\n{% endmacro intro %}"),
            ("index.html", "{% extends \"base.html\" %}", "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}"),
            ("index.html", home, "<p>{{ m::intro() | striptags | truncate(length=10) }}</p><p>共有履职事项 <strong>"),
        ],
        &[("index.html", home, "<p>{% filter truncate(length=12) %}<span>a</span>\n   <span>bcd</span>{% endfilter %}</p><p>共有履职事项 <strong>")],
        // A value written into a script, where nothing decodes entities.
        &[("index.html", home, "<script>var base = \"{{ site.base }}\";</script><p>共有履职事项 <strong>")],
        // A statement opened in one attribute and closed in another tag's.
        &[("index.html", home, "<p title=\"{% if page.title == 'x' %}\"></p><div title=\"{% endif %}\">\n<a>1</a>\n<a>2</a></div><p>共有履职事项 <strong>")],
        // Preformatted text.
        &[("contact.html", "<h1>联系我们</h1>", "<h1>联系我们</h1><pre>  a\n   b  </pre>")],
        // No </head>: the body is not the head.
        &[("base.html", "</head>\n", "")],
        // A comment between text and a tag that trims whitespace before it.
        &[("contact.html", "<p>各上级部门的职责见<a href=\"{{ departments_url }}\">上级部门</a>", "<p>各上级部门的职责见 {# 链接见下 #}\n{%- if departments_url %}<a href=\"{{ departments_url }}\">上级部门</a>{% endif %}")],
        // A default attribute the minifier leaves out beside a value with Tera.
        &[("index.html", home, "<input type=\"text\" name=\"x\" value=\"{{ site.title }}\"><p>共有履职事项 <strong>")],
        // A macro's text, or a block's, inside an attribute value.
        &[
            ("macros.html", macros_end, "{% macro missing() %}原文此处内容缺失，待核实{% endmacro missing %}\n{% macro hint() %}输入   事项名称\n或编号{% endmacro hint %}"),
            ("index.html", "{% extends \"base.html\" %}", "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}"),
            ("index.html", home, "<input name=\"q\" value=\"{{ m::hint() }}\"><p>共有履职事项 <strong>"),
        ],
        &[
            ("base.html", "<main id=\"main\" class=\"wrap\" tabindex=\"-1\">", "<main id=\"main\" class=\"wrap\" tabindex=\"-1\" title=\"{% block tip %}{% endblock tip %}\">"),
            ("index.html", home, "{% block tip %}甲   乙\n丙{% endblock tip %}<p>共有履职事项 <strong>"),
        ],
        // Blocks in <head> that write words.
        &[
            ("base.html", "</head>", "{% block hw1 %}{% endblock hw1 %} {% block hw2 %}{% endblock hw2 %}\n</head>"),
            ("contact.html", "{% block content %}", "{% block hw1 %}Hello{% endblock hw1 %}{% block hw2 %}World{% endblock hw2 %}\n{% block content %}"),
        ],
        // A macro's output read as data through another macro.
        &[
            ("macros.html", macros_end, "{% macro missing() %}原文此处内容缺失，待核实{% endmacro missing %}\n{% macro intro() %}\n  <span>第一段</span>\n  <span>第二段</span>\n{% endmacro intro %}{% macro outer() %}{{ self::intro() }}{% endmacro outer %}"),
            ("index.html", "{% extends \"base.html\" %}", "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}"),
            ("index.html", home, "<p>{{ m::outer () | length }}</p><p>共有履职事项 <strong>"),
        ],
    ];
    assert_eq!(ahead.len(), cases.len());
    for (edits, ahead) in cases.iter().zip(ahead) {
        let edit = |name: &str, mut text: String| {
            for (file, old, new) in edits.iter() {
                if name == *file {
                    assert!(text.contains(old), "{file} no longer has {old}");
                    text = text.replacen(old, new, 1);
                }
            }
            text
        };
        let risky = site(edit);
        let by_page = site(|name, text| {
            let text = edit(name, text);
            if name == "macros.html" {
                text + "{# \u{E000} #}\n"
            } else {
                text
            }
        });
        let note = build(risky.path());
        let case = edits.last().map_or("", |e| e.2);
        assert_eq!(note.is_none(), ahead, "{case}: {note:?}");
        assert!(build(by_page.path()).is_some());
        let dist = risky.path().join("dist");
        for path in pages(&dist) {
            let rel = path.strip_prefix(&dist).unwrap();
            let (fast, fast_spaces) = spaced(&read_tokens(&path));
            let (slow, slow_spaces) = spaced(&read_tokens(by_page.path().join("dist").join(rel)));
            if fast != slow {
                let at = fast
                    .bytes()
                    .zip(slow.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let near = |s: &str| {
                    s.get(at.saturating_sub(80)..(at + 80).min(s.len()))
                        .unwrap_or("")
                        .to_string()
                };
                panic!(
                    "{case}: {}: {:?} != {:?}",
                    rel.display(),
                    near(&fast),
                    near(&slow)
                );
            }
            let lost: Vec<&usize> = slow_spaces
                .iter()
                .filter(|s| !fast_spaces.contains(s))
                .collect();
            assert!(
                lost.is_empty(),
                "{case}: {}: a space lost before {:?}",
                rel.display(),
                lost.first()
                    .map(|&&at| &slow[at..(at + 60).min(slow.len())])
            );
        }
    }
}
