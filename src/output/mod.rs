//! The built site in memory, and writing it so that a reader never sees a
//! half-written output and nothing that is not a qingdan site is replaced:
//! [`guard`] decides whether the output may be replaced, [`lock`] keeps a
//! second build out, the site is written into a staging folder beside the
//! output, and [`swap`] puts it in place only once complete. [`interrupt`]
//! cleans up when the build is stopped by a signal.

pub mod guard;
mod gzip;
pub mod interrupt;
pub mod lock;
pub mod swap;
pub mod tree;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub use guard::{Found, Refusal, Target};
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

    #[cfg(test)]
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
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
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("另一个 qingdan build 正在写入 {0}（锁文件 {1}）；请等它结束后再构建。")]
    Busy(String, PathBuf),
    #[error("拒绝替换 {0}：构建期间它被别人改动了（新建、换掉或放进了文件），为免删除别人的文件，新网站没有发布。请查看那里现在有什么，再重新构建。")]
    Changed(String),
    #[error("无法在 {path} 中写入（{source}）。qingdan 需要对输出目录所在的文件夹有写权限：新网站先写进它旁边的临时目录 .qingdan-staging-…，完成后一步换入输出目录；防止两次构建同时写入的锁文件 .qingdan-lock-… 也放在那里。请给这个文件夹写权限，或者把 --output 指向一个有写权限的文件夹里的目录。")]
    ParentNotWritable { path: PathBuf, source: io::Error },
    #[error("无法替换 {0}：它是一个挂载点（{1}）。构建先把新网站写在输出目录旁边，再一步换入，而挂载点不能被改名或替换。请把 --output 指向挂载点里面的一个文件夹，或者让 --output 是一个指向那个文件夹的符号链接。")]
    MountPoint(String, io::Error),
    #[error("写入 {path} 失败：{source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// For the folder that holds the output: no permission there is explained.
fn parent_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| match source.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            WriteError::ParentNotWritable {
                path: path.to_path_buf(),
                source,
            }
        }
        _ => WriteError::Io {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// An output that may be replaced, locked against other builds.
#[derive(Debug)]
pub struct Prepared {
    root: PathBuf,
    target: Target,
    force: bool,
    tag: String,
    // Declared before the lock, so dropped first: a signal never removes a
    // lock file that another build created after this one released its own.
    _registered: interrupt::Registered,
    _lock: lock::OutputLock,
}

/// Checks that the site at `root` may be written to `output` (`force`:
/// also over a folder without the marker) and takes the output's lock.
/// Call before the slow stages, so that a refusal or a busy output is
/// reported at once.
pub fn prepare(root: &Path, output: &Path, force: bool) -> Result<Prepared, WriteError> {
    let target = guard::resolve(output)?;
    guard::inspect(root, &target, force)?;
    let parent = target.parent().to_path_buf();
    fs::create_dir_all(&parent).map_err(parent_err(&parent))?;
    let tag = swap::tag(target.name());
    // Taken and registered in one step, so that a signal in between cannot
    // leave the lock file behind.
    let mut held = interrupt::hold();
    let lock = match lock::acquire(&parent, &tag) {
        Ok(lock) => lock,
        Err(lock::LockError::Busy(path)) => {
            return Err(WriteError::Busy(target.to_string(), path));
        }
        Err(lock::LockError::Io(_, source)) => return Err(parent_err(&parent)(source)),
    };
    held.set_published(false);
    let registered = held.register(lock.path());
    drop(held);
    Ok(Prepared {
        root: root.to_path_buf(),
        target,
        force,
        tag,
        _registered: registered,
        _lock: lock,
    })
}

/// Notes for the operator about what interrupted builds left.
fn leftover_notes(l: &swap::Leftovers, target: &Target) -> Vec<String> {
    let restored = l.restored.iter().map(|p| {
        format!(
            "上次构建在替换途中被终止，已把 {} 中的旧网站放回 {}",
            p.display(),
            target
        )
    });
    let removed = l
        .removed
        .iter()
        .map(|p| format!("已删除此前中断的构建留下的 {}", p.display()));
    let kept = l.kept.iter().map(|(p, e)| {
        format!(
            "此前中断的构建留下的 {} 无法删除（{e}），请手工删除",
            p.display()
        )
    });
    restored.chain(removed).chain(kept).collect()
}

impl Prepared {
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Removes what interrupted builds of this output left (only now that
    /// the content is known to be good, so that a build that stops on
    /// content errors removes nothing it would have to report), checks the
    /// output's top folder again and opens the staging folder beside it;
    /// files are then written into it as they are made.
    pub fn stage(self) -> Result<Staged, WriteError> {
        let parent = self.target.parent().to_path_buf();
        let leftovers = swap::remove_leftovers(&parent, &self.tag, &self.target.dir)
            .map_err(io_err(&parent))?;
        let leftovers = leftover_notes(&leftovers, &self.target);
        // The content loaded since `prepare`: what the output's place, its
        // top folder and its marker decide is checked again, so that a
        // folder changed meanwhile is refused before the pages are made.
        // Not the walk through its insides (a tenth of a 2,820-matter
        // rebuild): the whole check runs again just before the swap.
        guard::glance(&self.root, &self.target, self.force)?;
        let (staging, registered) = {
            let mut held = interrupt::hold();
            let staging = swap::staging_dir(&parent, &self.tag).map_err(parent_err(&parent))?;
            let registered = held.register(staging.path());
            (staging, registered)
        };
        Ok(Staged {
            prepared: self,
            staging,
            _staging_registered: registered,
            written: Mutex::new(Vec::new()),
            shared_folders: Default::default(),
            files: AtomicUsize::new(0),
            leftovers,
        })
    }

    /// Writes `output` and puts it in the target's place; on any failure the
    /// target is left as it was. Releases the lock. (Builds write into
    /// [`Prepared::stage`] as they go; this is for a site already in memory.)
    #[cfg(test)]
    pub fn publish(self, output: &Output) -> Result<(), WriteError> {
        let staged = self.stage()?;
        for (rel, bytes) in output.files() {
            staged.put(rel, bytes)?;
        }
        staged.publish()
    }
}

/// Where a build's files go as they are made: the staging folder of a
/// build, or nowhere for `check`, which renders everything and keeps nothing.
pub trait Sink: Sync {
    /// Writes one file, `rel` being its path inside the site.
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError>;

    /// Whether what is put is kept (`check` keeps nothing, so nothing is
    /// worth compressing for it).
    fn keeps(&self) -> bool {
        true
    }
}

/// Writes `rel` and, beside it, `rel.gz` compressed ahead of time, so that a
/// server set up for it (nginx `gzip_static`) sends the big data and search
/// files compressed without compressing them on every request. The gzip
/// header carries no time or name: the same input, the same bytes.
pub fn put_compressed(sink: &dyn Sink, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
    sink.put(rel, bytes)?;
    if !sink.keeps() {
        return Ok(());
    }
    let gz_path = format!("{rel}.gz");
    let gz = gzip::gzip(bytes).map_err(io_err(Path::new(&gz_path)))?;
    sink.put(&gz_path, &gz)
}

/// [`put_compressed`] for a file compressed ahead of time, the same way.
pub fn put_precompressed(
    sink: &dyn Sink,
    rel: &str,
    bytes: &[u8],
    gz: &[u8],
) -> Result<(), WriteError> {
    sink.put(rel, bytes)?;
    if sink.keeps() {
        sink.put(&format!("{rel}.gz"), gz)?;
    }
    Ok(())
}

/// Where `check` renders: everything is made, nothing is kept.
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _rel: &str, _bytes: &[u8]) -> Result<(), WriteError> {
        Ok(())
    }

    fn keeps(&self) -> bool {
        false
    }
}

impl Sink for std::sync::Mutex<Output> {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .add(rel, bytes);
        Ok(())
    }
}

/// A staging folder being filled; [`Staged::publish`] swaps it in, and
/// dropping it unpublished removes it. Its name (`.qingdan-staging-…`)
/// marks it as the build's own until the marker is written, last.
pub struct Staged {
    prepared: Prepared,
    staging: tempfile::TempDir,
    _staging_registered: interrupt::Registered,
    /// Every path written, for the marker.
    written: Mutex<Vec<String>>,
    /// The folders found made already when a file was put: those that hold
    /// several files (the search index's thousands go into a few), which
    /// need not be made again. A page's folder, made for it, is not kept.
    shared_folders: std::sync::RwLock<rustc_hash::FxHashSet<String>>,
    files: AtomicUsize,
    leftovers: Vec<String>,
}

impl Sink for Staged {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.staging.path().join(rel);
        // Each file whole before a signal's cleanup runs.
        let _writing = interrupt::writing();
        if let Some((folder, _)) = rel.rsplit_once('/') {
            let shared = self
                .shared_folders
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .contains(folder);
            if !shared {
                let p = self.staging.path().join(folder);
                match fs::create_dir(&p) {
                    // Most folders hold one page: made here, never asked for again.
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && p.is_dir() => {
                        self.shared_folders
                            .write()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .insert(folder.to_string());
                    }
                    Err(_) => fs::create_dir_all(&p).map_err(io_err(&p))?,
                }
            }
        }
        fs::write(&path, bytes).map_err(io_err(&path))?;
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(rel.to_string());
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Staged {
    /// Files of the site, the marker (written by [`Self::publish`]) included.
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed) + 1
    }

    /// Notes for the operator about what interrupted builds of this output
    /// left and what became of it.
    pub fn leftover_notes(&self) -> &[String] {
        &self.leftovers
    }

    /// Writes the marker, checks the output once more and puts the staging
    /// folder in its place, with the old folder's permissions; on any
    /// failure the output is left as it was. Releases the lock.
    pub fn publish(self) -> Result<(), WriteError> {
        let Staged {
            prepared,
            staging,
            _staging_registered,
            written,
            ..
        } = self;
        let written = written
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let text = guard::marker_text(written.iter().map(String::as_str));
        let marker = staging.path().join(guard::MARKER);
        fs::write(&marker, text).map_err(io_err(&marker))?;
        test_pause(staging.path());

        let target = &prepared.target;
        let dir = &target.dir;
        let mut held = interrupt::hold();
        // Once more, immediately before the swap: what is there now is what
        // the swap may replace, and nothing else.
        let (found, ident) = guard::inspect_ident(&prepared.root, target, prepared.force)?;
        // Checked once more after an exchange, on the folder swapped out: a
        // file put in between the inspection and the swap undoes the swap.
        let check = |old: &Path| guard::still_as_found(old, found);
        let expect = match (found, ident) {
            (Found::Nothing, _) | (_, None) => swap::Expect::Nothing,
            (_, Some(ident)) => swap::Expect::Folder {
                ident,
                check: &check,
            },
        };
        let path = staging.path();
        // Staging folders are created 0700: the old folder's mode, group
        // (and owner, as root) or else readable by a web server.
        match expect {
            swap::Expect::Nothing => set_readable(path),
            swap::Expect::Folder { .. } => copy_permissions(dir, path),
        }
        .map_err(io_err(path))?;
        let staged_ident = tree::ident(path).map_err(io_err(path))?;
        let swapped = swap::replace(path, dir, target.parent(), &prepared.tag, expect);
        // From here the staging path is removed only by us, and only while
        // it still names the new site: never blindly.
        let path = staging.keep();
        if swapped.is_err() && tree::ident(&path).is_ok_and(|id| id == staged_ident) {
            let _ = tree::remove_tree(&path);
        }
        let old = match swapped {
            Ok(old) => old,
            Err(swap::SwapError::Changed) => return Err(WriteError::Changed(target.to_string())),
            Err(swap::SwapError::Io(e)) if e.kind() == io::ErrorKind::ResourceBusy => {
                return Err(WriteError::MountPoint(target.to_string(), e));
            }
            Err(swap::SwapError::Io(e)) => return Err(io_err(dir)(e)),
        };
        held.set_published(true);
        // The old site: where the staging folder was (exchange), or a folder
        // of its own (two renames), which a signal must also remove.
        let _old_registered = old.as_deref().map(|old| held.register(old));
        drop(held);
        // The pool is idle now: the old site goes folders side by side.
        if let Some(old) = &old {
            let _ = tree::remove_tree_in_parallel(old);
        }
        Ok(())
    }
}

/// For the tests of interruption only (the `test-hooks` feature, never in a
/// release): with `QINGDAN_TEST_PAUSE_STAGED` set to a file path, a build
/// whose staging folder is complete writes its path and a newline (the sign
/// that the line is whole) to that file and waits (at most a minute) before
/// the swap, so that a test can act at exactly that point. The wait ends
/// early when the file is removed.
#[cfg(feature = "test-hooks")]
fn test_pause(staging: &Path) {
    let Some(ready) = std::env::var_os("QINGDAN_TEST_PAUSE_STAGED") else {
        return;
    };
    let mut line = staging.as_os_str().to_os_string();
    line.push("\n");
    if fs::write(&ready, line.as_encoded_bytes()).is_ok() {
        for _ in 0..600 {
            if fs::symlink_metadata(&ready).is_err() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

#[cfg(not(feature = "test-hooks"))]
fn test_pause(_staging: &Path) {}

#[cfg(unix)]
fn set_readable(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_readable(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Gives `to` the permission bits and group of `from`, and its owner when
/// running as root. The group (and owner) are kept where allowed; where
/// not, the build goes on with the process's own.
#[cfg(unix)]
fn copy_permissions(from: &Path, to: &Path) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = fs::symlink_metadata(from)?;
    let uid = is_root().then_some(meta.uid());
    // First the owner and group: changing them clears set-id bits.
    let _ = std::os::unix::fs::chown(to, uid, Some(meta.gid()));
    fs::set_permissions(to, fs::Permissions::from_mode(meta.mode() & 0o7777))
}

#[cfg(not(unix))]
fn copy_permissions(_from: &Path, _to: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
fn is_root() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_root() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("site.toml"), "").unwrap();
        tmp
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
    fn replaces_an_earlier_output_whole_and_marks_it() {
        let tmp = site_root();
        let dist = tmp.path().join("dist");
        let mut first = Output::default();
        first.add("stale/x.html", "old");
        prepare(tmp.path(), &dist, false)
            .unwrap()
            .publish(&first)
            .unwrap();
        assert_eq!(
            fs::read_to_string(dist.join(guard::MARKER)).unwrap(),
            guard::marker_text(["stale/x.html"])
        );
        let mut out = Output::default();
        out.add("a/index.html", "new");
        prepare(tmp.path(), &dist, false)
            .unwrap()
            .publish(&out)
            .unwrap();
        assert_eq!(
            fs::read_to_string(dist.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!dist.join("stale").exists());
        assert_eq!(
            names(tmp.path()),
            ["dist", "site.toml"],
            "staging, old and lock are removed"
        );
    }

    #[test]
    fn refuses_to_replace_the_site_root() {
        let tmp = site_root();
        let out = Output::default();
        assert!(prepare(tmp.path(), tmp.path(), true).is_err());
        assert!(prepare(tmp.path(), &tmp.path().join("content/x"), true).is_err());
        assert!(prepare(tmp.path(), tmp.path().parent().unwrap(), true).is_err());
        prepare(tmp.path(), &tmp.path().join("dist"), false)
            .unwrap()
            .publish(&out)
            .unwrap();
    }

    #[test]
    fn a_folder_filled_while_the_site_rendered_is_not_replaced() {
        let tmp = site_root();
        let www = tmp.path().join("www");
        fs::create_dir(&www).unwrap();
        let prepared = prepare(tmp.path(), &www, false).unwrap();
        fs::write(www.join("notes.txt"), "someone's").unwrap();
        let err = prepared.publish(&Output::default()).unwrap_err();
        assert!(matches!(err, WriteError::Refused(_)), "{err}");
        assert_eq!(names(&www), ["notes.txt"]);
        assert_eq!(names(tmp.path()), ["site.toml", "www"]);
    }

    #[test]
    fn a_folder_changed_while_the_content_loaded_is_refused_before_staging() {
        let tmp = site_root();
        let www = tmp.path().join("www");
        fs::create_dir(&www).unwrap();
        let prepared = prepare(tmp.path(), &www, false).unwrap();
        fs::create_dir(www.join(".git")).unwrap();
        let err = prepared.stage().err().expect("refused");
        assert!(matches!(err, WriteError::Refused(_)), "{err}");
        // Nothing staged beside it.
        assert_eq!(names(tmp.path()), ["site.toml", "www"]);
        assert_eq!(names(&www), [".git"]);
    }

    #[test]
    fn a_second_build_into_the_same_output_is_refused_while_the_first_runs() {
        let tmp = site_root();
        let dist = tmp.path().join("dist");
        let first = prepare(tmp.path(), &dist, false).unwrap();
        let err = prepare(tmp.path(), &dist, false).unwrap_err();
        assert!(matches!(err, WriteError::Busy(..)), "{err}");
        assert!(err.to_string().contains("另一个 qingdan build 正在写入"));
        first.publish(&Output::default()).unwrap();
        prepare(tmp.path(), &dist, false).unwrap();
    }
}
