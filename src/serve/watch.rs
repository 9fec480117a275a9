//! Watching `content/`, `theme/` and `site.toml`, and rebuilding after a
//! change. Changes that arrive together (an editor writes a file in several
//! steps, `git checkout` touches many) are taken as one: the rebuild starts
//! once no change has come for [`QUIET`], or at the latest after [`MAX_WAIT`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::preview::Builder;
use super::{report_build, Shared};

/// How long the files must stay still before a rebuild.
pub const QUIET: Duration = Duration::from_millis(25);
/// A rebuild starts at the latest this long after the first change.
pub const MAX_WAIT: Duration = Duration::from_millis(500);

/// Starts watching the site at `root`. Call before the first build, so
/// that a change saved while it runs is not missed: the changes wait in
/// the channel until [`Watching::rebuild_on_change`] takes them.
pub fn start(root: &Path) -> notify::Result<Watching> {
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher = notify::recommended_watcher(tx)?;
    // The root itself only for site.toml and for content/ or theme/ appearing;
    // recursively it would also watch dist/, target/ and .git.
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    let mut watched = BTreeSet::new();
    watch_folders(&mut watcher, root, &mut watched);
    Ok(Watching {
        root: root.to_path_buf(),
        watcher,
        watched,
        rx,
    })
}

pub struct Watching {
    root: PathBuf,
    watcher: RecommendedWatcher,
    /// content/ and theme/, once watched; a folder created after the start
    /// (the clerk made content/ only now) is added at the next change.
    watched: BTreeSet<PathBuf>,
    rx: Receiver<notify::Result<Event>>,
}

impl Watching {
    /// Rebuilds into `shared` after every change, on a thread of its own
    /// that runs as long as the process.
    pub fn rebuild_on_change(
        mut self,
        builder: Builder,
        shared: Arc<Shared>,
    ) -> std::io::Result<()> {
        std::thread::Builder::new()
            .name("qingdan-watch".into())
            .spawn(move || rebuild_loop(&mut self, &builder, &shared))?;
        Ok(())
    }
}

fn watch_folders(watcher: &mut RecommendedWatcher, root: &Path, watched: &mut BTreeSet<PathBuf>) {
    for name in ["content", "theme"] {
        let dir = root.join(name);
        if dir.is_dir() && !watched.contains(&dir) {
            match watcher.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    watched.insert(dir);
                }
                Err(e) => crate::say_err!(
                    "提示 warning: 无法监视 {}（{e}）；改动后请重新运行 qingdan serve",
                    dir.display()
                ),
            }
        }
    }
}

fn rebuild_loop(watching: &mut Watching, builder: &Builder, shared: &Shared) {
    let root = watching.root.clone();
    let root = root.as_path();
    loop {
        // Wait for the first change that matters.
        let first = loop {
            match watching.rx.recv() {
                Ok(Ok(event)) if relevant(root, &event) => break Instant::now(),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => crate::say_err!("提示 warning: 监视文件时出错：{e}"),
                Err(_) => return,
            }
        };
        // Then for the files to stay still.
        loop {
            let left = MAX_WAIT.saturating_sub(first.elapsed());
            if left.is_zero() {
                break;
            }
            match watching.rx.recv_timeout(QUIET.min(left)) {
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        watch_folders(&mut watching.watcher, root, &mut watching.watched);
        let started = Instant::now();
        let previous = shared.current();
        let (snapshot, deferred) = builder.build(Some(&previous));
        drop(previous);
        let took = started.elapsed();
        shared.replace(snapshot);
        // The pages are out; the search index follows under the same version.
        if let Some(deferred) = deferred {
            let current = shared.current();
            match deferred.finish(&current) {
                Ok(complete) => shared.replace(complete),
                Err(e) => {
                    crate::say_err!("提示 warning: 搜索索引生成失败，搜索页仍用上一版索引：{e}")
                }
            }
        }
        report_build(&shared.current(), took);
    }
}

/// A change that can alter the site: a write, creation, removal or rename
/// of a file in `content/` or `theme/`, or of `site.toml`. Opening and
/// reading (the rebuild itself reads every file) are not changes, nor are
/// editors' swap and backup files.
pub fn relevant(root: &Path, event: &Event) -> bool {
    let kind_matters = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        EventKind::Any | EventKind::Other => true,
    };
    kind_matters && event.paths.iter().any(|p| relevant_path(root, p))
}

fn relevant_path(root: &Path, path: &Path) -> bool {
    // The watcher reports absolute paths, with any `.` the root was given with.
    let root = plain(&std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()));
    let path = plain(path);
    let Ok(rel) = path.strip_prefix(&root) else {
        return false;
    };
    let mut parts = rel.components();
    let first = parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_editor_scratch(&name) {
        return false;
    }
    match first.as_deref() {
        Some("site.toml") => parts.next().is_none(),
        Some("content" | "theme") => true,
        _ => false,
    }
}

/// The path without `.` components.
fn plain(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Vim's `.x.swp` and `4913` probe, Emacs' `#x#` and `.#x`, `x~` backups.
fn is_editor_scratch(name: &str) -> bool {
    name == "4913"
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, MetadataKind};

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn writes_under_content_theme_and_site_toml_count() {
        let root = Path::new("/site");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        assert!(relevant(root, &event(write, "/site/content/basic/001.md")));
        assert!(relevant(
            root,
            &event(write, "/site/theme/static/style.css")
        ));
        assert!(relevant(root, &event(write, "/site/site.toml")));
        assert!(relevant(root, &event(write, "/site/content/synonyms.toml")));
        assert!(relevant(
            root,
            &event(
                EventKind::Create(CreateKind::File),
                "/site/content/basic/003.md"
            )
        ));
        assert!(relevant(
            root,
            &event(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                "/site/content/basic/001.md"
            )
        ));
    }

    #[test]
    fn reads_scratch_files_and_other_folders_do_not() {
        let root = Path::new("/site");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        assert!(!relevant(
            root,
            &event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                "/site/content/basic/001.md"
            )
        ));
        assert!(!relevant(
            root,
            &event(
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
                "/site/content/a.md"
            )
        ));
        assert!(!relevant(root, &event(write, "/site/dist/index.html")));
        assert!(!relevant(
            root,
            &event(write, "/site/content/basic/.001.md.swp")
        ));
        assert!(!relevant(root, &event(write, "/site/content/basic/4913")));
        assert!(!relevant(
            root,
            &event(write, "/site/content/basic/001.md~")
        ));
        assert!(!relevant(root, &event(write, "/site/site.toml.bak")));
        assert!(!relevant(root, &event(write, "/elsewhere/content/a.md")));
    }

    #[test]
    fn a_root_given_as_dot_matches_absolute_event_paths() {
        let cwd = std::env::current_dir().unwrap();
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let path = cwd.join(".").join("content/basic/001.md");
        assert!(relevant(
            Path::new("."),
            &event(write, path.to_str().unwrap())
        ));
    }
}
