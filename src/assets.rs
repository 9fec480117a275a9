//! The theme's static files (CSS, JS, images), copied under `static/` with
//! a content hash in their names, so a browser never uses a stale copy.

use std::path::Path;

use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::output::Sink;
use crate::render::Assets;

/// `style.css` with content `bytes` becomes `style.1a2b3c4d5e.css`.
fn hashed_name(rel: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match rel.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
            format!("{stem}.{hash}.{ext}")
        }
        _ => format!("{rel}.{hash}"),
    }
}

/// Writes `theme/static/**` to `out` and returns each file's URL by its name.
pub fn copy_static(theme: &Path, base_path: &str, out: &dyn Sink) -> Result<Assets, String> {
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
        // The hash makes a name 11 bytes longer; file systems allow 255.
        if rel.split('/').any(|part| part.len() > 200) {
            return Err(format!(
                "theme/static/{rel}：文件名太长（超过 200 字节），请改短"
            ));
        }
        let target = format!("static/{}", hashed_name(&rel, &bytes));
        assets.insert(rel, format!("{base_path}{target}"));
        out.put(&target, &bytes).map_err(|e| e.to_string())?;
    }
    Ok(assets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        let a = hashed_name("style.css", b"body{}");
        assert!(
            a.starts_with("style.") && a.ends_with(".css") && a.len() == "style..css".len() + 10,
            "{a}"
        );
        assert_ne!(a, hashed_name("style.css", b"body{ }"));
        assert_eq!(hashed_name("img/logo.png", b"x").split('.').count(), 3);
        assert!(hashed_name("LICENSE", b"x").starts_with("LICENSE."));
    }
}
