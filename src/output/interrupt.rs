//! What to clean up when the build is stopped by a signal (Ctrl-C, SIGTERM,
//! SIGHUP). The binary installs a handler that calls [`on_signal`]; the
//! writer registers its staging folder and lock file here, holds
//! [`writing`] while it writes a file and [`hold`] while it swaps the
//! folders, so that the handler neither removes a folder under a writer
//! nor stops a swap half done.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Paths the build created and that are of no use once it is stopped.
#[derive(Debug, Default)]
pub struct State {
    paths: Vec<PathBuf>,
    /// The new site is in place: stopping now leaves it published.
    published: bool,
}

static STATE: RwLock<State> = RwLock::new(State {
    paths: Vec::new(),
    published: false,
});

/// Exit status of a build stopped by a signal (128 + SIGINT, as shells do).
pub const EXIT_INTERRUPTED: i32 = 130;

fn state() -> RwLockWriteGuard<'static, State> {
    STATE.write().unwrap_or_else(PoisonError::into_inner)
}

/// Held by the writer around each step that must not be cut in half and
/// that no other step may overlap (the swap).
pub fn hold() -> Held {
    Held(state())
}

/// Held by the writer while it writes one file: files are written side by
/// side, each whole before the handler cleans up.
pub fn writing() -> Writing {
    Writing {
        _shared: STATE.read().unwrap_or_else(PoisonError::into_inner),
    }
}

pub struct Held(RwLockWriteGuard<'static, State>);

pub struct Writing {
    _shared: RwLockReadGuard<'static, State>,
}

impl Held {
    /// Whether the new site is in place (set while the swap is held).
    pub fn set_published(&mut self, published: bool) {
        self.0.published = published;
    }

    /// [`register`] while held.
    pub fn register(&mut self, path: &Path) -> Registered {
        self.0.paths.push(path.to_path_buf());
        Registered(path.to_path_buf())
    }
}

/// Removes `path` if the build is stopped, until the returned value is dropped.
pub fn register(path: &Path) -> Registered {
    state().paths.push(path.to_path_buf());
    Registered(path.to_path_buf())
}

#[derive(Debug)]
pub struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        let mut s = state();
        if let Some(i) = s.paths.iter().rposition(|p| *p == self.0) {
            s.paths.remove(i);
        }
    }
}

impl State {
    /// Removes every registered path; returns the message for the operator.
    pub fn clean_up(&mut self) -> String {
        for path in self.paths.drain(..).rev() {
            let _ = match fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => super::tree::remove_tree(&path),
                Ok(_) => fs::remove_file(&path),
                Err(_) => Ok(()),
            };
        }
        if self.published {
            "构建被中断：新网站此前已经发布完成。".into()
        } else {
            "构建被中断：输出目录未改动，临时文件已清除。".into()
        }
    }
}

/// The signal handler's work: waits for the writes or the swap in
/// progress, cleans up and ends the process. The writers stay blocked
/// meanwhile, so nothing is written after the cleanup.
pub fn on_signal() -> ! {
    let mut s = state();
    let message = s.clean_up();
    crate::say_err!("{message}");
    std::process::exit(EXIT_INTERRUPTED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_up_removes_the_staging_folder_and_the_lock_file() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = tmp.path().join(".qingdan-staging-dist-aaaaaa");
        fs::create_dir_all(staging.join("matters/basic-001")).unwrap();
        fs::write(staging.join("matters/basic-001/index.html"), "x").unwrap();
        let lock = tmp.path().join(".qingdan-lock-dist");
        fs::write(&lock, "").unwrap();
        let dist = tmp.path().join("dist");
        fs::create_dir(&dist).unwrap();

        // A state of its own: the global one belongs to the other tests' writers.
        let mut s = State::default();
        s.paths.push(lock.clone());
        s.paths.push(staging.clone());
        s.paths.push(tmp.path().join("already-gone"));
        let message = s.clean_up();
        assert!(message.contains("未改动"), "{message}");
        assert!(!staging.exists() && !lock.exists());
        assert!(dist.is_dir(), "the output is not touched");
        assert!(s.paths.is_empty());

        s.published = true;
        assert!(s.clean_up().contains("发布完成"));
    }

    #[test]
    fn registrations_end_with_their_guard() {
        let path = PathBuf::from("/nonexistent/qingdan-registration-test");
        let r = register(&path);
        assert!(state().paths.contains(&path));
        drop(r);
        assert!(!state().paths.contains(&path));
    }
}
