//! Folders as the output code sees them: which file system (mount) an entry
//! is on, and removing a tree without ever crossing into another mount.
//!
//! A bind mount of a folder of the same file system has the same device
//! number as its surroundings, so on Linux the mount id (`statx`
//! `STATX_MNT_ID`, Linux 5.8) is compared as well; elsewhere, or on older
//! kernels, the device number alone.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Which folder an entry is, and on which mount: compared before and after a
/// swap, and between a folder and what lies inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ident {
    pub dev: u64,
    pub ino: u64,
    /// The mount id, where the kernel tells it.
    pub mnt: Option<u64>,
}

impl Ident {
    /// Whether `other` lies on the same mount as `self`.
    pub fn same_mount(&self, other: &Ident) -> bool {
        self.dev == other.dev
            && match (self.mnt, other.mnt) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// The identity of `path` itself (a link is not followed).
#[cfg(unix)]
pub fn ident(path: &Path) -> io::Result<Ident> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::symlink_metadata(path)?;
    Ok(Ident {
        dev: meta.dev(),
        ino: meta.ino(),
        mnt: mount_id(path),
    })
}

#[cfg(not(unix))]
pub fn ident(path: &Path) -> io::Result<Ident> {
    fs::symlink_metadata(path)?;
    Ok(Ident {
        dev: 0,
        ino: 0,
        mnt: None,
    })
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn mount_id(path: &Path) -> Option<u64> {
    use rustix::fs::{statx, AtFlags, StatxFlags, CWD};
    let st = statx(
        CWD,
        path,
        AtFlags::SYMLINK_NOFOLLOW | AtFlags::NO_AUTOMOUNT,
        StatxFlags::MNT_ID,
    )
    .ok()?;
    (st.stx_mask & StatxFlags::MNT_ID.bits() != 0).then_some(st.stx_mnt_id)
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
fn mount_id(_path: &Path) -> Option<u64> {
    None
}

/// Whether the folder `dir` is itself where a file system is mounted: it is
/// on another mount than the folder holding it.
pub fn is_mount_point(dir: &Path) -> bool {
    let Some(parent) = dir.parent() else {
        return true;
    };
    match (ident(dir), ident(parent)) {
        (Ok(d), Ok(p)) => !d.same_mount(&p),
        _ => false,
    }
}

/// Removes the tree at `path` (a link is removed, not followed), except what
/// lies on another mount than `path` itself: such a folder is left with all
/// it holds, and the first one found is returned as an error, after all else
/// was removed. Iterative, so that a deep tree cannot exhaust the stack.
pub fn remove_tree(path: &Path) -> io::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return fs::remove_file(path);
    }
    let top = ident(path)?;
    let mut first_err: Option<io::Error> = None;
    // (folder, its entries already pushed)
    let mut stack: Vec<(PathBuf, bool)> = vec![(path.to_path_buf(), false)];
    while let Some((dir, expanded)) = stack.pop() {
        if expanded {
            if let Err(e) = fs::remove_dir(&dir) {
                first_err.get_or_insert(e);
            }
            continue;
        }
        stack.push((dir.clone(), true));
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                first_err.get_or_insert(e);
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    first_err.get_or_insert(e);
                    continue;
                }
            };
            let p = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => match ident(&p) {
                    Ok(id) if id.same_mount(&top) => stack.push((p, false)),
                    Ok(_) => {
                        first_err.get_or_insert(io::Error::other(format!(
                            "{} 是另一个文件系统的挂载点，未删除其中的内容",
                            p.display()
                        )));
                    }
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                },
                Ok(_) => {
                    if let Err(e) = fs::remove_file(&p) {
                        first_err.get_or_insert(e);
                    }
                }
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_is_removed_whole_links_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path().join("t");
        fs::create_dir_all(t.join("a/b/c")).unwrap();
        fs::write(t.join("a/b/c/x"), "x").unwrap();
        fs::write(t.join("y"), "y").unwrap();
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("keep"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, t.join("a/link")).unwrap();
        remove_tree(&t).unwrap();
        assert!(!t.exists());
        assert!(outside.join("keep").is_file());
        remove_tree(&t).unwrap();
    }

    #[test]
    fn a_deep_tree_does_not_exhaust_the_stack() {
        let tmp = tempfile::tempdir().unwrap();
        let mut p = tmp.path().join("t");
        let top = p.clone();
        for _ in 0..300 {
            p.push("d");
        }
        fs::create_dir_all(&p).unwrap();
        remove_tree(&top).unwrap();
        assert!(!top.exists());
    }

    #[test]
    fn the_root_is_a_mount_point_and_a_plain_folder_is_not() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(!is_mount_point(tmp.path()));
        assert!(is_mount_point(Path::new("/")));
    }
}
