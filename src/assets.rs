//! The theme's static files (CSS, JS, images), copied under `static/`.

use std::path::Path;

use walkdir::WalkDir;

use crate::output::Output;
use crate::render::Assets;

/// Adds `theme/static/**` to `out` and returns each file's URL by its name.
pub fn copy_static(theme: &Path, base_path: &str, out: &mut Output) -> Result<Assets, String> {
    let dir = theme.join("static");
    let mut assets = Assets::new();
    if !dir.is_dir() {
        return Ok(assets);
    }
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("无法读取 {}：{e}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(entry.path())
            .map_err(|e| format!("无法读取 {}：{e}", entry.path().display()))?;
        let target = format!("static/{rel}");
        assets.insert(rel, format!("{base_path}{target}"));
        out.add(target, bytes);
    }
    Ok(assets)
}
