//! One build at a time into one output: an advisory lock on a file beside
//! the output (never inside it, so it is never published), held from the
//! start of the build to its end and then removed.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

pub const LOCK: &str = ".qingdan-lock-";

/// Held while a build writes its output; removes the lock file when dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    /// Open for as long as the lock is held: closing it releases the lock.
    _file: File,
}

#[derive(Debug)]
pub enum LockError {
    /// Another build holds the lock.
    Busy(PathBuf),
    Io(PathBuf, io::Error),
}

impl OutputLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Takes the lock of the output tagged `tag` in `parent`, without waiting.
/// The file is empty and never written: were it a link planted by someone
/// else, nothing it points at would change.
pub fn acquire(parent: &Path, tag: &str) -> Result<OutputLock, LockError> {
    let path = parent.join(format!("{LOCK}{tag}"));
    let io_err = |e| LockError::Io(path.clone(), e);
    // A build that finishes removes the file while still holding its lock;
    // whoever opened the file before that holds a lock on a removed file and
    // must try again on the new one.
    for _ in 0..16 {
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(LockError::Busy(path)),
            Err(TryLockError::Error(e)) => return Err(io_err(e)),
        }
        if is_same_file(&file, &path) {
            return Ok(OutputLock { path, _file: file });
        }
    }
    Err(LockError::Busy(path))
}

#[cfg(unix)]
fn is_same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // lstat: a link at `path` is not the file that was locked.
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_same_file(_file: &File, _path: &Path) -> bool {
    true
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked (the file closes after this), so that a
        // waiting build notices and retries on a fresh file. Elsewhere an open
        // file cannot be removed; the file stays, empty of meaning.
        if cfg!(unix) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_build_is_refused_while_the_first_holds_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let first = acquire(tmp.path(), "dist").unwrap();
        assert!(first.path().is_file());
        assert!(matches!(
            acquire(tmp.path(), "dist"),
            Err(LockError::Busy(_))
        ));
        // Another output in the same folder has its own lock.
        let other = acquire(tmp.path(), "www").unwrap();
        drop(first);
        drop(other);
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            0,
            "lock files removed"
        );
        let again = acquire(tmp.path(), "dist").unwrap();
        drop(again);
    }

    #[test]
    fn a_lock_file_left_by_a_killed_build_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(".qingdan-lock-dist"), "left by kill -9").unwrap();
        let lock = acquire(tmp.path(), "dist").unwrap();
        drop(lock);
        assert!(!tmp.path().join(".qingdan-lock-dist").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_neither_written_through_nor_taken_for_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, tmp.path().join(".qingdan-lock-dist")).unwrap();
        assert!(acquire(tmp.path(), "dist").is_err());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    }
}
