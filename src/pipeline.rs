//! The whole run, one stage after another:
//! config → load → validate → model → render → export → write.

use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::model::Site;
use crate::output::{self, Discard, Sink};
use crate::render::Templates;
use crate::{assets, config, content, export, model, render, search, validate};

/// Loads and validates the site at `root`. The site is `None` when there are errors.
pub fn load(root: &Path, base_path: Option<&str>) -> (Option<Site>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let config = config::load(root, &mut diags);
    let content = content::load(root, &mut diags);
    if let Some(content) = &content {
        validate::validate(content, &mut diags);
    }
    let mut config = match config {
        Some(c) => c,
        None => return (None, diags),
    };
    if let Some(b) = base_path {
        match config::normalize_base_path(b) {
            Ok(b) => config.base_path = b,
            Err(msg) => {
                diags.error(Path::new("--base-path"), None, msg);
            }
        }
    }
    match content {
        Some(content) if !diags.has_errors() => (Some(model::build(config, content)), diags),
        _ => (None, diags),
    }
}

/// [`load`], and the theme's templates loaded side by side with it: nothing
/// else needs them but the pages.
fn load_with_templates(
    root: &Path,
    base_path: Option<&str>,
) -> ((Option<Site>, Diagnostics), Result<Templates, String>) {
    rayon::join(
        || load(root, base_path),
        || render::load_templates(&root.join("theme")).map_err(|e| e.to_string()),
    )
}

/// Renders a checked site into `sink` through `tera`: pages, assets,
/// data files and the search index, each written as it is made. Returns
/// why the pages had to be minified one by one, if they had to (see
/// `render::Templates`).
pub fn render(
    site: &Site,
    tera: &Templates,
    theme: &Path,
    sink: &dyn Sink,
) -> Result<Option<String>, String> {
    let assets = assets::copy_static(theme, &site.config.base_path, sink)?;
    // The search index, the longest part, starts first; pages, data files
    // and sitemap are made alongside it.
    let (index, (pages, data)) = rayon::join(
        || search::write_index(site, sink),
        || {
            rayon::join(
                || render::render_pages(site, tera, &assets, sink).map_err(|e| e.to_string()),
                || -> Result<(), String> {
                    export::write_data(site, sink)?;
                    export::write_sitemap(site, sink)
                },
            )
        },
    );
    data?;
    index?;
    pages?;
    Ok(tera.not_minified().map(str::to_string))
}

/// Everything `build` does but writing: load, validate, render every page
/// and data file, and throw them away. What this accepts, `build` builds.
/// Theme and render failures are errors in the diagnostics.
pub fn check(root: &Path, base_path: Option<&str>) -> (Option<Site>, Diagnostics) {
    let ((site, mut diags), templates) = load_with_templates(root, base_path);
    let Some(site) = site else {
        return (None, diags);
    };
    match templates.and_then(|t| render(&site, &t, &root.join("theme"), &Discard)) {
        Ok(_) => (Some(site), diags),
        Err(msg) => {
            diags
                .error(&root.join("theme"), None, msg)
                .help("修正主题（theme/templates、theme/static）中的问题后重试");
            (None, diags)
        }
    }
}

pub enum BuildError {
    /// Content or configuration problems, all listed.
    Invalid(Diagnostics),
    /// Theme or output problems.
    Failed(Diagnostics, String),
}

pub struct Built {
    pub site: Site,
    pub diags: Diagnostics,
    pub files: usize,
    /// Where the site went (through a symbolic link, if the output is one).
    pub target: output::Target,
    /// Why the theme's templates could not be minified ahead, if not.
    pub not_minified: Option<String>,
    /// Notes on what interrupted earlier builds left (removed, put back).
    pub leftovers: Vec<String>,
}

/// Checks, renders and writes the site to `output_dir`, which is replaced only
/// on success, and only if it is a site qingdan wrote, empty or not there
/// (`force`: also a folder without the marker; see [`output::guard`]).
pub fn build(
    root: &Path,
    output_dir: &Path,
    base_path: Option<&str>,
    force: bool,
) -> Result<Built, BuildError> {
    // Before the slow stages: a refused or busy output is reported at once.
    let prepared = match output::prepare(root, output_dir, force) {
        Ok(p) => p,
        Err(e) => return Err(BuildError::Failed(Diagnostics::default(), e.to_string())),
    };
    let ((site, diags), templates) = load_with_templates(root, base_path);
    let Some(site) = site else {
        return Err(BuildError::Invalid(diags));
    };
    let target = prepared.target().clone();
    // Leftovers of interrupted builds are removed here, once the content is
    // known to be good; a failure after that still names what was removed.
    let staged = match prepared.stage() {
        Ok(s) => s,
        Err(e) => return Err(BuildError::Failed(diags, e.to_string())),
    };
    let leftovers = staged.leftover_notes().to_vec();
    let with_notes = |msg: String| {
        leftovers
            .iter()
            .fold(msg, |msg, note| format!("{msg}\n提示 warning: {note}"))
    };
    let not_minified = match templates.and_then(|t| render(&site, &t, &root.join("theme"), &staged))
    {
        Ok(why) => why,
        // Dropping the staging folder removes it; the output is untouched.
        Err(e) => return Err(BuildError::Failed(diags, with_notes(e))),
    };
    let files = staged.files();
    if let Err(e) = staged.publish() {
        return Err(BuildError::Failed(diags, with_notes(e.to_string())));
    }
    Ok(Built {
        site,
        diags,
        files,
        target,
        not_minified,
        leftovers,
    })
}
