//! The built site in memory, and writing it so that a reader never sees a
//! half-written `dist/`: everything goes into a staging folder beside it,
//! which replaces the old folder only once complete.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Files of the built site by their path inside the output folder.
#[derive(Debug, Default)]
pub struct Output {
    files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn files(&self) -> impl Iterator<Item = (&String, &Vec<u8>)> {
        self.files.iter()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("输出目录 {0} 不安全：它是站点根目录、其上级目录，或在 content/、theme/ 之内；构建会整体替换输出目录")]
    Unsafe(PathBuf),
    #[error("写入 {path} 失败：{source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Refuses output folders whose replacement would destroy the site itself.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), WriteError> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Resolve what exists; the output itself may not yet.
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => {
                fs::canonicalize(parent).map(|c| c.join(name)).unwrap_or(p)
            }
            _ => p,
        }
    };
    let root = fs::canonicalize(root).unwrap_or_else(|_| abs(root));
    let out = abs(output);
    let unsafe_place = root.starts_with(&out)
        || out.starts_with(root.join("content"))
        || out.starts_with(root.join("theme"));
    if unsafe_place {
        return Err(WriteError::Unsafe(output.to_path_buf()));
    }
    Ok(())
}

/// Writes `output` to `dir`, replacing what was there only on success.
pub fn write_atomically(dir: &Path, output: &Output) -> Result<(), WriteError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".qingdan-staging-")
        .tempdir_in(&parent)
        .map_err(io_err(&parent))?;
    for (rel, bytes) in output.files() {
        let path = staging.path().join(rel);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        fs::write(&path, bytes).map_err(io_err(&path))?;
    }
    // Staging folders are created 0700; the site must be readable by a web server.
    set_readable(staging.path()).map_err(io_err(staging.path()))?;

    let old = if dir.exists() {
        let old = tempfile::Builder::new()
            .prefix(".qingdan-old-")
            .tempdir_in(&parent)
            .map_err(io_err(&parent))?;
        let old_path = old.path().join("dist");
        fs::rename(dir, &old_path).map_err(io_err(dir))?;
        Some(old)
    } else {
        None
    };
    let staged = staging.keep();
    if let Err(e) = fs::rename(&staged, dir) {
        // Put the previous site back before reporting.
        if let Some(old) = &old {
            let _ = fs::rename(old.path().join("dist"), dir);
        }
        let _ = fs::remove_dir_all(&staged);
        return Err(io_err(dir)(e));
    }
    drop(old); // removes the previous site
    Ok(())
}

#[cfg(unix)]
fn set_readable(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_readable(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_old_folder_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dist = tmp.path().join("dist");
        fs::create_dir_all(dist.join("stale")).unwrap();
        fs::write(dist.join("stale/x.html"), "old").unwrap();
        let mut out = Output::default();
        out.add("a/index.html", "new");
        write_atomically(&dist, &out).unwrap();
        assert_eq!(
            fs::read_to_string(dist.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!dist.join("stale").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging and old folders are removed");
    }

    #[test]
    fn refuses_to_replace_the_site_root() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(check_output_dir(tmp.path(), tmp.path()).is_err());
        assert!(check_output_dir(tmp.path(), &tmp.path().join("content/x")).is_err());
        assert!(check_output_dir(tmp.path(), tmp.path().parent().unwrap()).is_err());
        assert!(check_output_dir(tmp.path(), &tmp.path().join("dist")).is_ok());
    }
}
