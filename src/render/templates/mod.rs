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

use tera::Tera;
use walkdir::WalkDir;

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
    let dir = theme.join("templates");
    let glob = dir.join("**").join("*.html");
    // Tera reads the files itself so that its errors name every broken
    // template and line as written.
    let mut as_written =
        Tera::new(&glob.to_string_lossy()).map_err(|e| RenderError::Load(chain(&e)))?;
    configure(&mut as_written)?;
    let minified = sources(&dir, &as_written).and_then(|sources| {
        let minified = sources
            .iter()
            .map(|(name, text)| {
                minify(text)
                    .map(|m| (name.as_str(), m))
                    .map_err(|e| format!("{name}：{e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut tera = Tera::default();
        tera.add_raw_templates(minified.iter().map(|(n, t)| (*n, t.as_str())))
            .map_err(|e| chain(&e))?;
        // Tera's own escaping also writes `/` as `&#x2F;`, which the page
        // minifier used to turn back.
        tera.set_escape_fn(crate::html::escape);
        configure(&mut tera).map_err(|e| e.to_string())?;
        Ok(tera)
    });
    Ok(match minified {
        Ok(tera) => Templates {
            tera,
            not_minified: None,
        },
        Err(why) => Templates {
            tera: as_written,
            not_minified: Some(why),
        },
    })
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

/// The texts of the templates Tera loaded, by name. Read again here, as
/// Tera keeps only their parsed form; a set that differs from Tera's
/// (a file changed in between) is not minified.
fn sources(dir: &Path, tera: &Tera) -> Result<BTreeMap<String, String>, String> {
    let mut sources = BTreeMap::new();
    for entry in WalkDir::new(dir).follow_links(true) {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let name = path
            .strip_prefix(dir)
            .map_err(|e| e.to_string())?
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}：{e}", path.display()))?;
        sources.insert(name, text);
    }
    let mut loaded: Vec<&str> = tera.get_template_names().collect();
    loaded.sort_unstable();
    if !sources.keys().map(String::as_str).eq(loaded) {
        return Err("模板在读取时有变动".into());
    }
    Ok(sources)
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

    #[test]
    fn the_repository_theme_is_minified_ahead() {
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("theme");
        let templates = load(&theme).expect("the theme loads");
        assert_eq!(templates.not_minified(), None);
    }
}
