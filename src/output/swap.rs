//! Putting a finished staging folder in the output's place so that the
//! output path always names a whole site: the old one or the new one.
//!
//! Where the OS can exchange two paths in one step (Linux `renameat2` with
//! `RENAME_EXCHANGE`) that is used; elsewhere, or where the file system refuses it, two renames, with the old
//! site put back if the second fails. The staging folder and the old site
//! live beside the output under names that carry the output's name, so that
//! a later build of the same output can remove what an interrupted one left.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::tree::{self, Ident};

pub const STAGING: &str = ".qingdan-staging-";
pub const OLD: &str = ".qingdan-old-";
/// Random letters and digits that end a staging or old folder's name.
const RANDOM_LEN: usize = 6;
/// The old site inside its `.qingdan-old-…` folder (two-rename swap only).
const OLD_SITE: &str = "site";

/// The output's name as it appears in the names of its staging, old and
/// lock files: the name itself when short and printable, else a hash of it.
pub fn tag(name: &OsStr) -> String {
    match name.to_str() {
        Some(s) if !s.is_empty() && s.len() <= 64 && !s.chars().any(char::is_control) => {
            s.to_string()
        }
        _ => {
            let hash = Sha256::digest(name.as_encoded_bytes());
            let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
            format!("x{hex}")
        }
    }
}

/// A new, empty staging folder in `parent`, removed when dropped.
pub fn staging_dir(parent: &Path, tag: &str) -> io::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{STAGING}{tag}-"))
        .rand_bytes(RANDOM_LEN)
        .tempdir_in(parent)
}

/// Whether `name` is a staging or old folder of the output tagged `tag`:
/// the prefix, the tag, `-` and exactly the random letters, so that the
/// output `dist` does not claim the folders of `dist-2`.
fn is_leftover(name: &str, tag: &str) -> bool {
    [STAGING, OLD].iter().any(|prefix| {
        name.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix(tag))
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|r| r.len() == RANDOM_LEN && r.bytes().all(|b| b.is_ascii_alphanumeric()))
    })
}

/// What [`remove_leftovers`] did.
#[derive(Debug, Default)]
pub struct Leftovers {
    /// An old site put back in place of a missing output.
    pub restored: Option<PathBuf>,
    pub removed: Vec<PathBuf>,
    /// Could not be removed (say, made by another user): not in the way of
    /// this build, so reported rather than fatal.
    pub kept: Vec<(PathBuf, io::Error)>,
}

/// Removes what an interrupted build of the output `dir` left in `parent`.
/// Must be called holding the output's lock, so that no running build's
/// folder is taken. If the output is missing while an old site waits (a
/// build stopped between the two renames), the old site is put back.
pub fn remove_leftovers(parent: &Path, tag: &str, dir: &Path) -> io::Result<Leftovers> {
    let mut found: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(parent)? {
        let entry = entry?;
        let name = entry.file_name();
        // A link with such a name is not ours: never follow it to delete.
        if name.to_str().is_some_and(|n| is_leftover(n, tag)) && entry.file_type()?.is_dir() {
            found.push(entry.path());
        }
    }
    found.sort();
    let mut done = Leftovers::default();
    if fs::symlink_metadata(dir).is_err() {
        let old_site = found
            .iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(OLD))
            })
            .map(|p| p.join(OLD_SITE))
            .find(|site| site.join(super::guard::MARKER).is_file());
        if let Some(site) = old_site {
            if fs::rename(&site, dir).is_ok() {
                done.restored = Some(site);
            }
        }
    }
    for path in found {
        match tree::remove_tree(&path) {
            Ok(()) => done.removed.push(path),
            Err(e) => done.kept.push((path, e)),
        }
    }
    Ok(done)
}

/// Why [`replace`] did not put the new site in place; the output is as it was.
#[derive(Debug)]
pub enum SwapError {
    /// The output is not the folder that was inspected: created, replaced
    /// or filled meanwhile by someone else.
    Changed,
    Io(io::Error),
}

impl From<io::Error> for SwapError {
    fn from(e: io::Error) -> Self {
        SwapError::Io(e)
    }
}

/// What the output was when last inspected, so that the swap replaces that
/// and nothing else.
#[derive(Clone, Copy)]
pub enum Expect<'a> {
    /// Nothing was there: a folder that appears meanwhile is never replaced.
    Nothing,
    /// This folder, which must still pass `check` once swapped out (its
    /// contents as inspected: still empty, still nothing unlisted).
    Folder {
        ident: Ident,
        check: &'a dyn Fn(&Path) -> bool,
    },
}

/// Puts the folder `staged` at `dir`, both in `parent`, if `dir` is still
/// what `expect` says. Returns where the previous site is now, for the
/// caller to remove, if there was one.
pub fn replace(
    staged: &Path,
    dir: &Path,
    parent: &Path,
    tag: &str,
    expect: Expect<'_>,
) -> Result<Option<PathBuf>, SwapError> {
    match expect {
        Expect::Nothing => {
            rename_noreplace(staged, dir)?;
            Ok(None)
        }
        Expect::Folder { ident, check } => {
            let still = |old: &Path| tree::ident(old).is_ok_and(|id| id == ident) && check(old);
            if exchange(staged, dir)? {
                // `staged` now names what was at `dir`.
                if !still(staged) {
                    exchange(staged, dir)?;
                    return Err(SwapError::Changed);
                }
                Ok(Some(staged.to_path_buf()))
            } else {
                replace_by_renames(staged, dir, parent, tag, still).map(Some)
            }
        }
    }
}

/// Renames `from` to `to` only if nothing is at `to`: one step where the OS
/// can (Linux `RENAME_NOREPLACE`); elsewhere a check and a rename (which
/// never replaces a folder that holds anything).
fn rename_noreplace(from: &Path, to: &Path) -> Result<(), SwapError> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        use rustix::io::Errno;
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            Err(Errno::EXIST) => return Err(SwapError::Changed),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(e) => return Err(SwapError::Io(e.into())),
        }
    }
    if fs::symlink_metadata(to).is_ok() {
        return Err(SwapError::Changed);
    }
    fs::rename(from, to).map_err(|e| match e.kind() {
        io::ErrorKind::DirectoryNotEmpty => SwapError::Changed,
        _ => SwapError::Io(e),
    })
}

/// Moves `dir` aside and `staged` in its place: for a moment `dir` does not
/// exist. If what was moved aside is not `still` what was inspected, or the
/// second rename fails, the old folder is put back.
fn replace_by_renames(
    staged: &Path,
    dir: &Path,
    parent: &Path,
    tag: &str,
    still: impl Fn(&Path) -> bool,
) -> Result<PathBuf, SwapError> {
    let old = tempfile::Builder::new()
        .prefix(&format!("{OLD}{tag}-"))
        .rand_bytes(RANDOM_LEN)
        .tempdir_in(parent)?;
    let old_site = old.path().join(OLD_SITE);
    fs::rename(dir, &old_site)?;
    if !still(&old_site) {
        fs::rename(&old_site, dir)?;
        return Err(SwapError::Changed);
    }
    if let Err(e) = fs::rename(staged, dir) {
        let _ = fs::rename(&old_site, dir);
        return Err(e.into());
    }
    Ok(old.keep())
}

/// Exchanges two paths in one step. `Ok(false)`: not supported here.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // The file system does not support it, or the kernel is too old.
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path, page: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(super::super::guard::MARKER), "").unwrap();
        fs::write(dir.join("index.html"), page).unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn tags_are_the_name_or_a_hash_of_an_awkward_one() {
        assert_eq!(tag(OsStr::new("dist")), "dist");
        let long = "x".repeat(200);
        let t = tag(OsStr::new(&long));
        assert_eq!(t.len(), 17);
        assert_ne!(t, tag(OsStr::new(&"y".repeat(200))));
        assert!(tag(OsStr::new("a\nb")).starts_with('x'));
    }

    #[test]
    fn leftovers_are_matched_by_the_outputs_own_name_only() {
        assert!(is_leftover(".qingdan-staging-dist-Ab12Cd", "dist"));
        assert!(is_leftover(".qingdan-old-dist-Ab12Cd", "dist"));
        assert!(!is_leftover(".qingdan-staging-dist-2-Ab12Cd", "dist"));
        assert!(is_leftover(".qingdan-staging-dist-2-Ab12Cd", "dist-2"));
        assert!(!is_leftover(".qingdan-staging-dist-Ab12C", "dist"));
        assert!(!is_leftover(".qingdan-staging-dist-Ab1-Cd", "dist"));
        assert!(!is_leftover(".qingdan-lock-dist", "dist"));
        assert!(!is_leftover("dist", "dist"));
    }

    #[test]
    fn exchange_and_renames_both_replace_the_site_whole() {
        for by_renames in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let dist = tmp.path().join("dist");
            site(&dist, "old");
            fs::write(dist.join("stale.html"), "").unwrap();
            let staged = staging_dir(tmp.path(), "dist").unwrap().keep();
            site(&staged, "new");
            let expect = Expect::Folder {
                ident: tree::ident(&dist).unwrap(),
                check: &|_| true,
            };
            let old = if by_renames {
                replace_by_renames(&staged, &dist, tmp.path(), "dist", |_| true).unwrap()
            } else {
                replace(&staged, &dist, tmp.path(), "dist", expect)
                    .unwrap()
                    .unwrap()
            };
            assert_eq!(fs::read_to_string(dist.join("index.html")).unwrap(), "new");
            assert!(!dist.join("stale.html").exists());
            fs::remove_dir_all(old).unwrap();
            assert_eq!(names(tmp.path()), ["dist"]);
        }
    }

    #[test]
    fn exchange_swaps_two_folders_where_supported() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        site(&a, "a");
        site(&b, "b");
        if exchange(&a, &b).unwrap() {
            assert_eq!(fs::read_to_string(a.join("index.html")).unwrap(), "b");
            assert_eq!(fs::read_to_string(b.join("index.html")).unwrap(), "a");
        } else {
            assert_eq!(fs::read_to_string(a.join("index.html")).unwrap(), "a");
        }
    }

    #[test]
    fn a_new_output_is_one_rename() {
        let tmp = tempfile::tempdir().unwrap();
        let staged = staging_dir(tmp.path(), "dist").unwrap().keep();
        site(&staged, "new");
        let dist = tmp.path().join("dist");
        assert!(replace(&staged, &dist, tmp.path(), "dist", Expect::Nothing)
            .unwrap()
            .is_none());
        assert_eq!(names(tmp.path()), ["dist"]);
    }

    #[test]
    fn a_folder_that_appeared_or_changed_since_inspected_is_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        let staged = staging_dir(p, "www").unwrap().keep();
        site(&staged, "new");
        // Nothing was there when inspected; now a folder is.
        let www = p.join("www");
        fs::create_dir(&www).unwrap();
        fs::write(www.join("precious.html"), "keep").unwrap();
        assert!(matches!(
            replace(&staged, &www, p, "www", Expect::Nothing),
            Err(SwapError::Changed)
        ));
        // Another folder put in place of the one inspected.
        let inspected = tree::ident(&www).unwrap();
        fs::rename(&www, p.join("moved")).unwrap();
        fs::create_dir(&www).unwrap();
        fs::write(www.join("precious.html"), "keep").unwrap();
        let expect = Expect::Folder {
            ident: inspected,
            check: &|_| true,
        };
        assert!(matches!(
            replace(&staged, &www, p, "www", expect),
            Err(SwapError::Changed)
        ));
        // An empty folder filled meanwhile.
        let is_empty = |p: &Path| fs::read_dir(p).is_ok_and(|mut d| d.next().is_none());
        let expect = Expect::Folder {
            ident: tree::ident(&www).unwrap(),
            check: &is_empty,
        };
        assert!(matches!(
            replace(&staged, &www, p, "www", expect),
            Err(SwapError::Changed)
        ));
        let r = replace_by_renames(&staged, &www, p, "www", |_| false);
        assert!(matches!(r, Err(SwapError::Changed)));
        assert_eq!(
            fs::read_to_string(www.join("precious.html")).unwrap(),
            "keep"
        );
        assert_eq!(
            fs::read_to_string(staged.join("index.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn leftovers_of_this_output_are_removed_and_others_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        site(&p.join("dist"), "current");
        for name in [
            ".qingdan-staging-dist-aaaaaa",
            ".qingdan-old-dist-bbbbbb",
            ".qingdan-staging-dist-2-cccccc",
            ".qingdan-staging-www-dddddd",
        ] {
            site(&p.join(name), name);
        }
        fs::write(p.join(".qingdan-staging-dist-eeeeee"), "a file, not ours").unwrap();
        let done = remove_leftovers(p, "dist", &p.join("dist")).unwrap();
        assert_eq!(done.removed.len(), 2);
        assert!(done.restored.is_none() && done.kept.is_empty());
        assert_eq!(
            names(p),
            [
                ".qingdan-staging-dist-2-cccccc",
                ".qingdan-staging-dist-eeeeee",
                ".qingdan-staging-www-dddddd",
                "dist"
            ]
        );
        assert_eq!(
            fs::read_to_string(p.join("dist/index.html")).unwrap(),
            "current"
        );
    }

    #[test]
    fn an_old_site_left_between_two_renames_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        site(&p.join(".qingdan-old-dist-aaaaaa").join(OLD_SITE), "old");
        site(&p.join(".qingdan-staging-dist-bbbbbb"), "half-written");
        let done = remove_leftovers(p, "dist", &p.join("dist")).unwrap();
        assert!(done.restored.is_some());
        assert_eq!(names(p), ["dist"]);
        assert_eq!(
            fs::read_to_string(p.join("dist/index.html")).unwrap(),
            "old"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_named_like_a_leftover_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        let precious = tempfile::tempdir().unwrap();
        fs::write(precious.path().join("keep"), "").unwrap();
        std::os::unix::fs::symlink(precious.path(), p.join(".qingdan-staging-dist-aaaaaa"))
            .unwrap();
        let done = remove_leftovers(p, "dist", &p.join("dist")).unwrap();
        assert!(done.removed.is_empty() && done.kept.is_empty());
        assert!(precious.path().join("keep").exists());
    }
}
