//! The theme's Tera templates, loaded once a build. Minifying every
//! rendered page was the largest part of a big site's build, so each
//! template is minified once here instead, when that provably gives the
//! same pages (see [`verify`]); the pages made from them are then not
//! minified again. A theme where it cannot be shown (one template is
//! enough) keeps page-by-page minification, as before.

mod data_uses;
mod tera_syntax;
mod verify;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use tera::Tera;

use super::{chain, context, RenderError};

/// The loaded templates, and whether their pages still need minifying.
pub struct Templates {
    pub(super) tera: Tera,
    /// Why the templates could not be minified ahead, if they were not.
    pub(super) not_minified: Option<String>,
}

impl Templates {
    /// Why the pages are minified one by one (`None`: they need not be).
    pub fn not_minified(&self) -> Option<&str> {
        self.not_minified.as_deref()
    }
}

/// Loads every `*.html` under `theme/templates`, and minifies them if it
/// is safe to.
pub fn load(theme: &Path) -> Result<Templates, RenderError> {
    let glob = theme.join("templates").join("**").join("*.html");
    let glob = glob.to_string_lossy();
    let sources = match template_files(&glob) {
        Ok(sources) => Ok(sources),
        // Tera would stop the program on such a name.
        Err(Unread::Refused(why)) => return Err(RenderError::Load(why)),
        Err(Unread::LeftToTera(why)) => Err(why),
    };
    let why = match sources.and_then(|sources| minified(&sources)) {
        Ok(tera) => {
            return Ok(Templates {
                tera,
                not_minified: None,
            })
        }
        Err(why) => why,
    };
    // Tera reads the files itself so that its errors name every broken
    // template and line as written.
    let mut tera = Tera::new(&glob).map_err(|e| RenderError::Load(chain(&e)))?;
    configure(&mut tera)?;
    Ok(Templates {
        tera,
        not_minified: Some(why),
    })
}

/// The templates minified (each where it is safe to, else an error), parsed.
fn minified(sources: &BTreeMap<String, String>) -> Result<Tera, String> {
    let (as_written, minified) = rayon::join(
        || {
            // The theme as written must parse too where minifying may
            // remove text Tera's grammar refuses (a comment before
            // `{% extends %}`); elsewhere it parses as its minified form does.
            if sources.values().all(|text| tera_syntax::top_is_plain(text)) {
                return Ok(());
            }
            Tera::default()
                .add_raw_templates(sources.iter())
                .map_err(|e| chain(&e))
        },
        || {
            sources
                .par_iter()
                .map(|(name, text)| {
                    minify(text)
                        .map(|m| (name.as_str(), m))
                        .map_err(|e| format!("{name}：{e}"))
                })
                .collect::<Result<Vec<_>, _>>()
        },
    );
    as_written?;
    let minified = minified?;
    let mut tera = Tera::default();
    tera.add_raw_templates(minified.iter().map(|(n, t)| (*n, t.as_str())))
        .map_err(|e| chain(&e))?;
    // Tera's own escaping also writes `/` as `&#x2F;`, which the page
    // minifier used to turn back.
    tera.set_escape_fn(crate::html::escape);
    configure(&mut tera).map_err(|e| e.to_string())?;
    Ok(tera)
}

fn configure(tera: &mut Tera) -> Result<(), RenderError> {
    tera.autoescape_on(vec![".html", ".xml"]);
    // `{{ page.date | zh_date }}`: 2025-07 → 2025年7月, as the document writes dates.
    tera.register_filter(
        "zh_date",
        |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(crate::date::chinese(
                value.as_str().unwrap_or_default(),
            )))
        },
    );
    for required in context::TEMPLATES {
        if !tera.get_template_names().any(|n| n == *required) {
            return Err(RenderError::Load(format!("缺少模板 {required}")));
        }
    }
    Ok(())
}

/// The templates `Tera::new(glob)` would load, by name, read the way it
/// reads them (tera 1.20's `load_from_glob`): the glob's folder (up to its
/// first `*`) made canonical, the rest matched by globwalk, links followed,
/// entries that cannot be read skipped, files only, named by their path
/// below the folder. `a_theme_is_read_as_tera_reads_it` holds the two
/// together.
fn template_files(glob: &str) -> Result<BTreeMap<String, String>, Unread> {
    let star = glob
        .find('*')
        .ok_or_else(|| Unread::LeftToTera("模板路径中没有 *".into()))?;
    let (folder, rest) = glob.split_at(star);
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| Path::new(folder).into());
    let pattern = folder.join(rest);
    let pattern = pattern
        .to_str()
        .ok_or_else(|| Unread::Refused(format!("主题路径不是 UTF-8 编码：{}", folder.display())))?;
    let mut sources = BTreeMap::new();
    let walk = globwalk::glob_builder(pattern)
        .follow_links(true)
        .build()
        .map_err(|e| Unread::LeftToTera(e.to_string()))?;
    for entry in walk.filter_map(Result::ok) {
        let path = entry.into_path();
        if !path.is_file() {
            continue;
        }
        let name = path
            .strip_prefix(&folder)
            .map_err(|e| Unread::LeftToTera(e.to_string()))?
            .to_str()
            .ok_or_else(|| {
                Unread::Refused(format!(
                    "模板文件名不是 UTF-8 编码：{}\n    → 把它改成 UTF-8 的名称（如只用英文字母、数字和 -）",
                    path.display()
                ))
            })?
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Unread::LeftToTera(format!("{}：{e}", path.display())))?;
        sources.insert(name, text);
    }
    Ok(sources)
}

/// Why [`template_files`] did not read the theme.
enum Unread {
    /// A path Tera cannot take (it would stop the program): the error.
    Refused(String),
    /// Anything else: Tera reads the theme itself and says what is wrong.
    LeftToTera(String),
}

/// Minifies one template, its Tera syntax untouched, if that keeps the
/// meaning of every page made from it.
fn minify(text: &str) -> Result<String, String> {
    let core = text.trim_matches(verify::is_space);
    let split = tera_syntax::split(core)
        .ok_or("Tera 语法无法安全地分出（未闭合、{% raw %} 或含私用区字符）")?;
    // Text of a template may not be read as data (see data_uses).
    for piece in &split.pieces {
        data_uses::check(piece)?;
    }
    let minified =
        String::from_utf8(super::minify(split.html.as_bytes())).map_err(|e| e.to_string())?;
    let minified = verify::checked(&split, &minified)?;
    let core = split
        .restore(&minified)
        .ok_or_else(|| "压缩改动了 Tera 语法".to_string())?;
    // Text the minifier decoded or joined (`&#123;{`, `{<!-- -->{`) must
    // not have become Tera syntax: the same pieces, and no others.
    let mut expected = split.pieces.clone();
    let mut found = tera_syntax::pieces(&core).unwrap_or_default();
    expected.sort_unstable();
    found.sort_unstable();
    if found != expected {
        return Err("压缩后的文字构成了新的 Tera 语法".into());
    }
    // Whitespace at a template's ends may stand between words once the
    // template is put into another: it stays, as one space, unless a
    // block starts or ends there.
    let (hidden_start, hidden_end) = verify::hidden_edges(&minified);
    let space = |ws: &str, hidden: bool| if ws.is_empty() || hidden { "" } else { " " };
    let lead = space(
        &text[..text.len() - text.trim_start_matches(verify::is_space).len()],
        hidden_start,
    );
    let trail = space(
        &text[text.trim_end_matches(verify::is_space).len()..],
        hidden_end,
    );
    Ok(format!("{lead}{core}{trail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_theme_is_read_as_tera_reads_it() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("theme/templates");
        let other = tmp.path().join("other");
        for folder in [dir.join("sub/deeper"), dir.join("x.html"), other.clone()] {
            std::fs::create_dir_all(folder).unwrap();
        }
        for file in [
            "a.html",
            "sub/b.html",
            "sub/deeper/c.html",
            ".hidden.html",
            "upper.HTML",
            "short.htm",
            "e.html.txt",
            "x.html/f.html",
            "名称.html",
        ] {
            std::fs::write(dir.join(file), "x").unwrap();
        }
        std::fs::write(other.join("g.html"), "x").unwrap();
        symlink(&other, dir.join("linked")).unwrap();
        symlink(other.join("g.html"), dir.join("l.html")).unwrap();
        symlink(tmp.path().join("nowhere"), dir.join("broken.html")).unwrap();
        // Through a relative path with `..`, as a root given on the command line may be.
        let relative = dir.join("..").join("templates").join("**").join("*.html");
        for glob in [dir.join("**").join("*.html"), relative] {
            let glob = glob.to_string_lossy();
            let Ok(ours) = template_files(&glob) else {
                panic!("the theme is read");
            };
            let ours: Vec<String> = ours.into_keys().collect();
            let tera = Tera::new(&glob).unwrap();
            let mut theirs: Vec<&str> = tera.get_template_names().collect();
            theirs.sort_unstable();
            assert_eq!(ours, theirs);
            assert!(ours.len() >= 6, "{ours:?}");
        }
    }

    /// A copy of the repository's theme with `edit` made to it.
    fn theme_with(edit: impl Fn(&Path)) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/templates");
        let to = tmp.path().join("templates");
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
        edit(&to);
        tmp
    }

    #[test]
    fn text_that_tera_refuses_is_refused_though_minifying_would_remove_it() {
        for lead in ["<!-- 联系页 -->\n", "\u{c}"] {
            let theme = theme_with(|t| {
                let file = t.join("contact.html");
                let text = std::fs::read_to_string(&file).unwrap();
                std::fs::write(file, format!("{lead}{text}")).unwrap();
            });
            match load(theme.path()) {
                Err(RenderError::Load(msg)) => assert!(msg.contains("contact.html"), "{msg}"),
                Err(e) => panic!("{e}"),
                Ok(_) => panic!("{lead:?} before extends was accepted"),
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_template_name_that_is_not_utf8_is_an_error_not_a_crash() {
        use std::os::unix::ffi::OsStrExt;
        let theme = theme_with(|t| {
            let name = std::ffi::OsStr::from_bytes(b"bad\xff.html");
            std::fs::write(t.join(name), "x").unwrap();
        });
        match load(theme.path()) {
            Err(RenderError::Load(msg)) => assert!(msg.contains("UTF-8"), "{msg}"),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn only_a_plain_top_spares_parsing_the_theme_as_written() {
        for plain in [
            "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n<p>x</p>",
            "  {%- import \"m.html\" as m -%}\r\n{# note #}<!-- c --><p>{{ x }}</p>",
            "{# only comments and text #}<p>{% if a %}b{% endif %}</p>",
        ] {
            assert!(tera_syntax::top_is_plain(plain), "{plain}");
        }
        for not_plain in [
            "<!-- c -->{% extends \"base.html\" %}",
            "\u{c}{% extends \"base.html\" %}",
            "{# c #}{% extends \"base.html\" %}",
            "{% extends \"base.html\" %}{# c #}{% import \"m.html\" as m %}",
            "<p>{% import \"m.html\" as m %}</p>",
        ] {
            assert!(!tera_syntax::top_is_plain(not_plain), "{not_plain}");
        }
    }

    #[test]
    fn the_repository_theme_is_minified_ahead() {
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("theme");
        let templates = load(&theme).expect("the theme loads");
        assert_eq!(templates.not_minified(), None);
    }
}
