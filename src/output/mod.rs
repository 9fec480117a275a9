//! The built site in memory, and writing it so that a reader never sees a
//! half-written output and nothing that is not a qingdan site is replaced:
//! [`guard`] decides whether the output may be replaced, [`lock`] keeps a
//! second build out, the site is written into a staging folder beside the
//! output, and [`swap`] puts it in place only once complete. [`interrupt`]
//! cleans up when the build is stopped by a signal.

pub mod guard;
pub mod interrupt;
pub mod lock;
pub mod swap;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

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
    #[error("写入 {path} 失败：{source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An output that may be replaced, locked against other builds.
#[derive(Debug)]
pub struct Prepared {
    root: PathBuf,
    target: Target,
    force: bool,
    tag: String,
    leftovers: swap::Leftovers,
    // Declared before the lock, so dropped first: a signal never removes a
    // lock file that another build created after this one released its own.
    _registered: interrupt::Registered,
    _lock: lock::OutputLock,
}

/// Checks that the site at `root` may be written to `output` (`force`:
/// also over a folder without the marker), takes the output's lock and
/// removes what interrupted builds of it left. Call before the slow stages,
/// so that a refusal or a busy output is reported at once.
pub fn prepare(root: &Path, output: &Path, force: bool) -> Result<Prepared, WriteError> {
    let target = guard::resolve(output)?;
    guard::inspect(root, &target, force)?;
    let parent = target.parent().to_path_buf();
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let tag = swap::tag(target.name());
    // Taken and registered in one step, so that a signal in between cannot
    // leave the lock file behind.
    let mut held = interrupt::hold();
    let lock = match lock::acquire(&parent, &tag) {
        Ok(lock) => lock,
        Err(lock::LockError::Busy(path)) => {
            return Err(WriteError::Busy(target.to_string(), path));
        }
        Err(lock::LockError::Io(path, source)) => return Err(WriteError::Io { path, source }),
    };
    held.set_published(false);
    let registered = held.register(lock.path());
    drop(held);
    let leftovers = swap::remove_leftovers(&parent, &tag, &target.dir).map_err(io_err(&parent))?;
    Ok(Prepared {
        root: root.to_path_buf(),
        target,
        force,
        tag,
        leftovers,
        _registered: registered,
        _lock: lock,
    })
}

impl Prepared {
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// What interrupted builds of this output left, and what became of it.
    pub fn leftovers(&self) -> &swap::Leftovers {
        &self.leftovers
    }

    /// Notes for the operator about [`Self::leftovers`].
    pub fn leftover_notes(&self) -> Vec<String> {
        let l = &self.leftovers;
        let restored = l.restored.iter().map(|p| {
            format!(
                "上次构建在替换途中被终止，已把 {} 中的旧网站放回 {}",
                p.display(),
                self.target
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

    /// Opens the staging folder beside the output, with the marker already
    /// in it; files are then written into it as they are made.
    pub fn stage(self) -> Result<Staged, WriteError> {
        // Checked again: the folder may have changed while the site loaded.
        guard::inspect(&self.root, &self.target, self.force)?;
        let (staging, registered) = {
            let mut held = interrupt::hold();
            let parent = self.target.parent();
            let staging = swap::staging_dir(parent, &self.tag).map_err(io_err(parent))?;
            let registered = held.register(staging.path());
            (staging, registered)
        };
        let staged = Staged {
            prepared: self,
            staging,
            _staging_registered: registered,
            files: AtomicUsize::new(0),
        };
        // The marker first, so that even a staging folder left half-written
        // is recognisably ours.
        staged.put(guard::MARKER, guard::MARKER_TEXT.as_bytes())?;
        Ok(staged)
    }

    /// Writes `output` and puts it in the target's place; on any failure the
    /// target is left as it was. Releases the lock.
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
}

/// Writes `rel` and, beside it, `rel.gz` compressed ahead of time, so that a
/// server set up for it (nginx `gzip_static`) sends the big data and search
/// files compressed without compressing them on every request. The gzip
/// header carries no time or name: the same input, the same bytes.
pub fn put_compressed(sink: &dyn Sink, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
    use std::io::Write as _;
    sink.put(rel, bytes)?;
    let gz_path = format!("{rel}.gz");
    let mut gz = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::new(6));
    gz.write_all(bytes)
        .and_then(|()| gz.finish())
        .map_err(io_err(Path::new(&gz_path)))
        .and_then(|gz| sink.put(&gz_path, &gz))
}

/// Counts the files `check` would write.
#[derive(Debug, Default)]
pub struct Discard {
    files: AtomicUsize,
}

impl Discard {
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }
}

impl Sink for Discard {
    fn put(&self, _rel: &str, _bytes: &[u8]) -> Result<(), WriteError> {
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
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
/// dropping it unpublished removes it.
pub struct Staged {
    prepared: Prepared,
    staging: tempfile::TempDir,
    _staging_registered: interrupt::Registered,
    files: AtomicUsize,
}

impl Sink for Staged {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.staging.path().join(rel);
        // Each file whole before a signal's cleanup runs.
        let _held = interrupt::hold();
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        fs::write(&path, bytes).map_err(io_err(&path))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Staged {
    /// Files written so far, the marker included.
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Puts the staging folder in the target's place; on any failure the
    /// target is left as it was. Releases the lock.
    pub fn publish(self) -> Result<(), WriteError> {
        let staging = self.staging.path();
        // Staging folders are created 0700; the site must be readable by a web server.
        set_readable(staging).map_err(io_err(staging))?;
        test_pause(staging);

        let target = &self.prepared.target;
        let dir = &target.dir;
        let mut held = interrupt::hold();
        let old = swap::replace(staging, dir, target.parent(), &self.prepared.tag)
            .map_err(io_err(dir))?;
        held.set_published(true);
        // The old site: where the staging folder was (exchange), or a folder
        // of its own (two renames), which a signal must also remove.
        let _old_registered = old.as_deref().map(|old| held.register(old));
        drop(held);
        if let Some(old) = &old {
            let _ = fs::remove_dir_all(old);
        }
        Ok(())
    }
}

/// For the tests of interruption only: with `QINGDAN_TEST_PAUSE_STAGED` set
/// to a file path, a build whose staging folder is complete writes its path
/// and a newline (the sign that the line is whole) to that file and waits (at most a minute) before the swap, so that a test can send a
/// signal at exactly that point.
fn test_pause(staging: &Path) {
    let Some(ready) = std::env::var_os("QINGDAN_TEST_PAUSE_STAGED") else {
        return;
    };
    let mut line = staging.as_os_str().to_os_string();
    line.push("\n");
    if fs::write(&ready, line.as_encoded_bytes()).is_ok() {
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
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
            guard::MARKER_TEXT
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
