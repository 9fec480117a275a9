//! Importing a published list into `content/` (`qingdan import`): read the
//! source ([`source`]), repair it ([`clean`], [`repair`]) with the reviewed
//! judgements ([`reviewed`]), write matter files and registries, and report
//! ([`report`]).

pub mod clean;
pub mod repair;
pub mod report;
pub mod reviewed;
pub mod source;
pub mod unreadable;

use std::fs;
use std::path::{Path, PathBuf};

use crate::content::{Registry, CATEGORIES_FILE, DEPARTMENTS_FILE, INTRO_FILE};
use repair::Imported;
use reviewed::Reviewed;
use source::Source;

pub struct Options<'a> {
    pub sources: &'a [PathBuf],
    pub into: &'a Path,
    pub reviewed: Option<&'a Path>,
    pub report: Option<&'a Path>,
    pub force: bool,
}

pub struct Outcome {
    pub imported: Imported,
    pub report: String,
    pub written: usize,
}

/// Reads every source (one extracted text, or one CSV per table).
fn read_sources(paths: &[PathBuf]) -> Result<Source, String> {
    let mut all = Source::default();
    for path in paths {
        let bytes = fs::read(path).map_err(|e| format!("{}: 无法读取：{e}", path.display()))?;
        let is_csv = path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
        let src = if is_csv {
            source::parse_csv(path, &bytes)
        } else {
            let text =
                crate::text_file::decode(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            source::parse_extracted(path, &text)
        }
        .map_err(|e| e.to_string())?;
        all.title = all.title.or(src.title);
        all.date = all.date.or(src.date);
        all.intro = all.intro.or(src.intro);
        all.rows.extend(src.rows);
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in &all.rows {
        if let Some(list) = r.list {
            if !seen.insert((list, r.seq)) {
                return Err(format!(
                    "第 {} 行：{}第 {} 项出现了两次",
                    r.line,
                    list.name(),
                    r.seq
                ));
            }
        }
    }
    Ok(all)
}

/// The 说明 as Markdown: headings one level below the home page's, spaces
/// from line wrapping removed.
fn intro_markdown(source: &Source, note: Option<&str>) -> Result<String, String> {
    #[derive(serde::Serialize)]
    struct Front<'a> {
        title: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<&'a str>,
    }
    let front = toml::to_string(&Front {
        title: "说明",
        note,
    })
    .map_err(|e| e.to_string())?;
    let mut out = format!("+++\n{front}+++\n\n");
    if let Some(intro) = &source.intro {
        for line in intro.lines() {
            let line = line.trim();
            if let Some(h) = line.strip_prefix("#### ") {
                out.push_str(&format!("### {}\n", clean::squash_spaces(h)));
            } else {
                out.push_str(&clean::squash_spaces(line));
                out.push('\n');
            }
        }
    }
    Ok(out)
}

pub fn run(opts: &Options<'_>) -> Result<Outcome, String> {
    let source = read_sources(opts.sources)?;
    let reviewed = match opts.reviewed {
        Some(p) => Reviewed::load(p)?,
        None => Reviewed::default(),
    };
    let imported = repair::repair(&source, &reviewed);

    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for m in &imported.matters {
        let front = toml::to_string(&m.front).map_err(|e| format!("{}: {e}", m.id))?;
        let path = opts
            .into
            .join(m.id.list.key())
            .join(format!("{:03}.md", m.id.seq));
        files.push((path, format!("+++\n{front}+++\n{}", m.body)));
    }
    let registry = |r: Registry| toml::to_string(&r).map_err(|e| e.to_string());
    files.push((
        opts.into.join(CATEGORIES_FILE),
        registry(Registry {
            category: imported.categories.clone(),
            department: Vec::new(),
        })?,
    ));
    files.push((
        opts.into.join(DEPARTMENTS_FILE),
        registry(Registry {
            category: Vec::new(),
            department: imported.departments.clone(),
        })?,
    ));
    files.push((
        opts.into.join(INTRO_FILE),
        intro_markdown(&source, reviewed.intro_note.as_deref())?,
    ));
    let source_name = opts
        .sources
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join("、");
    let report = report::render(&source_name, &source, &imported, &reviewed);
    if let Some(r) = opts.report {
        files.push((r.to_path_buf(), report.clone()));
    }

    // The report too: an existing file is overwritten only with --force.
    if !opts.force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| fs::symlink_metadata(p).is_ok())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "{} 个文件已存在（如 {}），未写入任何文件。确认要覆盖时加 --force",
                existing.len(),
                existing[0]
            ));
        }
    }
    for (path, text) in &files {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(Outcome {
        imported,
        report,
        written: files.len(),
    })
}
