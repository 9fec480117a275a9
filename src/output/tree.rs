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

/// The identity of `path` itself (a link is not followed). On Linux one
/// `statx` tells all three: the output's checks take it for every folder of
/// the old site, three times a build.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn ident(path: &Path) -> io::Result<Ident> {
    use rustix::fs::{makedev, statx, AtFlags, StatxFlags, CWD};
    let st = match statx(
        CWD,
        path,
        AtFlags::SYMLINK_NOFOLLOW | AtFlags::NO_AUTOMOUNT,
        StatxFlags::INO | StatxFlags::MNT_ID,
    ) {
        Ok(st) => st,
        // Before Linux 4.11, or refused by an old container's seccomp
        // filter (as std falls back); a real error, lstat gives it again.
        Err(rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => return ident_by_lstat(path),
        Err(e) => return Err(e.into()),
    };
    Ok(Ident {
        // As `st_dev` of stat(2), which other code compares.
        dev: makedev(st.stx_dev_major, st.stx_dev_minor),
        ino: st.stx_ino,
        mnt: (st.stx_mask & StatxFlags::MNT_ID.bits() != 0).then_some(st.stx_mnt_id),
    })
}

#[cfg(unix)]
fn ident_by_lstat(path: &Path) -> io::Result<Ident> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::symlink_metadata(path)?;
    Ok(Ident {
        dev: meta.dev(),
        ino: meta.ino(),
        mnt: None,
    })
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub fn ident(path: &Path) -> io::Result<Ident> {
    ident_by_lstat(path)
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
    let Some(top) = top_folder(path)? else {
        return Ok(());
    };
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
        empty_folder(
            &dir,
            &top,
            |sub| stack.push((sub, false)),
            |e| {
                first_err.get_or_insert(e);
            },
        );
    }
    first_err.map_or(Ok(()), Err)
}

/// [`remove_tree`], with folders emptied side by side on rayon's pool: for
/// the old site after a swap, when the pool has nothing else to do. Never
/// from the signal handler: the pool's threads may be waiting for it. Which
/// error is returned, when several happen, depends on the order of work.
pub fn remove_tree_in_parallel(path: &Path) -> io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex, PoisonError};

    struct Folder {
        path: PathBuf,
        parent: Option<Arc<Folder>>,
        /// Its own listing, and each folder inside not yet removed: the
        /// last of these to finish removes it.
        pending: AtomicUsize,
    }
    type FirstErr = Mutex<Option<io::Error>>;
    fn keep(first_err: &FirstErr, e: io::Error) {
        first_err
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(e);
    }
    // Up the chain, without recursion: a deep tree cannot exhaust a stack.
    fn finish(mut folder: Arc<Folder>, first_err: &FirstErr) {
        while folder.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            if let Err(e) = fs::remove_dir(&folder.path) {
                keep(first_err, e);
            }
            match &folder.parent {
                Some(parent) => folder = Arc::clone(parent),
                None => return,
            }
        }
    }
    // Spawned, not called: the pool's queues, not a stack, hold the work.
    fn empty<'s>(
        scope: &rayon::Scope<'s>,
        folder: Arc<Folder>,
        top: &'s Ident,
        first_err: &'s FirstErr,
    ) {
        empty_folder(
            &folder.path,
            top,
            |sub| {
                folder.pending.fetch_add(1, Ordering::AcqRel);
                let sub = Arc::new(Folder {
                    path: sub,
                    parent: Some(Arc::clone(&folder)),
                    pending: AtomicUsize::new(1),
                });
                scope.spawn(move |scope| empty(scope, sub, top, first_err));
            },
            |e| keep(first_err, e),
        );
        finish(folder, first_err);
    }

    let Some(top) = top_folder(path)? else {
        return Ok(());
    };
    let first_err = Mutex::new(None);
    let root = Arc::new(Folder {
        path: path.to_path_buf(),
        parent: None,
        pending: AtomicUsize::new(1),
    });
    rayon::scope(|scope| empty(scope, root, &top, &first_err));
    first_err
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .map_or(Ok(()), Err)
}

/// The identity of the folder at `path`, which a removal compares what it
/// finds inside with; `None` once a file or a link at `path` is removed, or
/// if nothing is there.
fn top_folder(path: &Path) -> io::Result<Option<Ident>> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => ident(path).map(Some),
        Ok(_) => fs::remove_file(path).map(|()| None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Removes the files and links in `dir` and hands each folder inside that
/// is on `top`'s mount to `descend`; a folder on another mount, and every
/// failure, go to `fail`.
fn empty_folder(
    dir: &Path,
    top: &Ident,
    mut descend: impl FnMut(PathBuf),
    mut fail: impl FnMut(io::Error),
) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return fail(e),
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        let p = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => match ident(&p) {
                Ok(id) if id.same_mount(top) => descend(p),
                Ok(_) => fail(io::Error::other(format!(
                    "{} 是另一个文件系统的挂载点，未删除其中的内容",
                    p.display()
                ))),
                Err(e) => fail(e),
            },
            Ok(_) => {
                if let Err(e) = fs::remove_file(&p) {
                    fail(e);
                }
            }
            Err(e) => fail(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Remove = fn(&Path) -> io::Result<()>;
    const REMOVALS: [Remove; 2] = [remove_tree, remove_tree_in_parallel];

    #[test]
    fn a_tree_is_removed_whole_links_not_followed() {
        for remove in REMOVALS {
            let tmp = tempfile::tempdir().unwrap();
            let t = tmp.path().join("t");
            fs::create_dir_all(t.join("a/b/c")).unwrap();
            fs::write(t.join("a/b/c/x"), "x").unwrap();
            fs::write(t.join("y"), "y").unwrap();
            for i in 0..50 {
                fs::create_dir_all(t.join(format!("m/{i}/d"))).unwrap();
                fs::write(t.join(format!("m/{i}/index.html")), "").unwrap();
            }
            let outside = tmp.path().join("outside");
            fs::create_dir(&outside).unwrap();
            fs::write(outside.join("keep"), "").unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(&outside, t.join("a/link")).unwrap();
            remove(&t).unwrap();
            assert!(!t.exists());
            assert!(outside.join("keep").is_file());
            remove(&t).unwrap();
            // A file or a link at the top is removed itself.
            fs::write(&t, "").unwrap();
            remove(&t).unwrap();
            assert!(!t.exists());
        }
    }

    #[test]
    fn a_deep_tree_does_not_exhaust_the_stack() {
        for remove in REMOVALS {
            let tmp = tempfile::tempdir().unwrap();
            let mut p = tmp.path().join("t");
            let top = p.clone();
            for _ in 0..300 {
                p.push("d");
            }
            fs::create_dir_all(&p).unwrap();
            remove(&top).unwrap();
            assert!(!top.exists());
        }
    }

    #[test]
    fn the_root_is_a_mount_point_and_a_plain_folder_is_not() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(!is_mount_point(tmp.path()));
        assert!(is_mount_point(Path::new("/")));
    }
}
