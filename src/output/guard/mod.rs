//! Whether a build may replace a path. A build replaces its output folder
//! whole, so it may only replace a folder that qingdan itself wrote (its
//! marker lists every file, and it holds nothing else), an empty folder, or
//! a path where nothing is yet. Some places are refused even with
//! `--force`: the site itself, its ancestors, `content/` and `theme/` (also
//! where links lead), another site's root or sources, git repositories and
//! mounts anywhere inside, the home folder and the system's top folders.

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::tree;

mod marker;
mod places;
mod scan;

pub use marker::{marker_text, read_marker, Marker, MARKER, MARKER_HEADER};
use places::{is_bare_repository, protected};
use scan::{sample, scan};

/// How many links are followed before giving up (as the kernel's ELOOP).
const MAX_LINKS: usize = 40;

/// Where the site goes, once symbolic links are followed.
#[derive(Debug, Clone)]
pub struct Target {
    /// The path as the operator gave it.
    pub given: PathBuf,
    /// The folder that is replaced: absolute, with every existing part
    /// resolved; `given` itself, or where its link points.
    pub dir: PathBuf,
    /// `given` is a symbolic link; it is kept, and its target replaced.
    pub link: bool,
}

impl Target {
    /// The folder holding `dir`, where the staging folder and the lock go.
    pub fn parent(&self) -> &Path {
        self.dir.parent().unwrap_or(Path::new("/"))
    }

    /// The last part of `dir`.
    pub fn name(&self) -> &OsStr {
        self.dir.file_name().unwrap_or(OsStr::new("dist"))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.given.display())?;
        if self.link {
            write!(f, "（符号链接，指向 {}）", self.dir.display())?;
        }
        Ok(())
    }
}

/// What is at the target now, when it may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Nothing,
    Empty,
    /// A folder holding the marker: an earlier build's output.
    Site,
    /// A folder without the marker, replaced because of `--force`.
    Forced,
}

/// Why a target is refused. Each message says what is there and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("拒绝写入 {0}：它是站点根目录或其上级目录。构建会整体替换输出目录，站点本身会被删除（--force 也不例外）。请用 --output 指定站点之外的新目录，或不加 --output，使用默认的 dist。")]
    SiteRoot(String),
    #[error("拒绝写入 {0}：它在站点的 {1}/ 之内。构建会整体替换输出目录，站点的源文件会被删除（--force 也不例外）。请换一个 content/、theme/ 之外的输出目录。")]
    SiteSource(String, &'static str),
    #[error("拒绝写入 {0}：{1} 是 git 仓库或仓库的 .git 目录，替换会毁掉版本历史（--force 也不例外）。请换一个不存在的路径或空目录作为输出目录。")]
    Git(String, String),
    #[error("拒绝写入 {0}：其中有 site.toml，它是一个 qingdan 站点的根目录，不是生成的网站（--force 也不例外）。请换一个输出目录。")]
    OtherSite(String),
    #[error("拒绝写入 {0}：其中的 {1} 是一个 qingdan 站点的根目录（有 site.toml 和 content/），替换会删除那个站点（--force 也不例外）。请换一个输出目录。")]
    OtherSiteInside(String, String),
    #[error("拒绝写入 {0}：它是一个文件，不是目录。构建会整体替换输出目录，这个文件会被删除。请换一个输出目录；若确实不再需要这个文件，请先自行删除它。")]
    NotAFolder(String),
    #[error("拒绝替换 {place}：这个目录不是 qingdan 生成的（其中没有有效的标记文件 .qingdan-site），里面有 {count} 项：{sample}。构建会整体替换输出目录，其中原有的一切都会被删除。{advice}")]
    Unmarked {
        place: String,
        count: usize,
        sample: String,
        advice: &'static str,
    },
    #[error("拒绝写入 {0}：它包含站点的 {1}/（{2}）。构建会整体替换输出目录，站点的源文件会被删除（--force 也不例外）。请换一个不包含 content/、theme/ 的输出目录。")]
    ContainsSource(String, &'static str, String),
    #[error("拒绝写入 {0}：{1} 是另一个 qingdan 站点的源文件目录（它的上级目录中有 site.toml），替换会删除那个站点的内容（--force 也不例外）。请换一个输出目录。")]
    OtherSiteSource(String, String),
    #[error("拒绝写入 {0}：它是{1}，不能作为输出目录（--force 也不例外）。构建会整体替换输出目录。请用 --output 指定一个专门存放本网站的目录。")]
    System(String, &'static str),
    #[error("拒绝写入 {0}：{1} 是另一个文件系统的挂载点（--force 也不例外）。构建会整体替换输出目录，挂载在那里的文件也会被删除。请先卸载它，或换一个输出目录。")]
    Mount(String, String),
    #[error("拒绝写入 {0}：它本身是一个挂载点。构建先把新网站写在输出目录旁边，再一步换入，而挂载点不能被改名或替换（系统会报 EBUSY）。请把 --output 指向挂载点里面的一个文件夹（例如 {1}），或者让 --output 是一个指向那个文件夹的符号链接。")]
    MountPoint(String, String),
    #[error("拒绝替换 {place}：其中虽有标记文件 .qingdan-site，但还有 {count} 项不是 qingdan 上次生成的：{sample}。（常见原因：把生成的网站连同 .qingdan-site 复制进了网站根目录，或手工建立了标记文件。）构建会整体替换输出目录，这些也会被删除。请把 --output 指向只存放本网站的目录；若确实要删除它们，请加上 --force。")]
    Extra {
        place: String,
        count: usize,
        sample: String,
    },
    #[error("无法确定输出目录 {0}：{1}")]
    Unresolvable(String, String),
    #[error("无法读取输出目录 {0}：{1}")]
    Io(String, io::Error),
}

const ADVICE_UNMARKED: &str = "请换一个不存在的路径或空目录作为 --output；若确实要用生成的网站替换这个目录的全部内容，请加上 --force。";
const ADVICE_OLD_MARKER: &str = "其中的 .qingdan-site 不是本版 qingdan 写的（没有文件清单，可能是旧版 qingdan 生成或手工建立的）：确认目录里只有本网站后加上 --force 构建一次，此后就不再需要 --force。";
const ADVICE_OLD_SITE: &str = "它看起来是旧版 qingdan 生成的网站（那时还没有标记文件）：确认后加上 --force 构建一次，此后就不再需要 --force。";

/// Follows `given` to the folder a build would replace. A symbolic link is
/// followed (also one that points at nothing yet); the link itself is kept.
pub fn resolve(given: &Path) -> Result<Target, Refusal> {
    let shown = given.display().to_string();
    let fail = |why: String| Refusal::Unresolvable(shown.clone(), why);
    let cwd = std::env::current_dir().map_err(|e| fail(e.to_string()))?;
    // Joining drops `cwd` when `given` is absolute; collecting the components
    // drops `.` and a trailing `/` (which would make lstat follow a link).
    let mut path: PathBuf = cwd.join(given).components().collect();
    let mut link = false;
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                link = true;
                let to = fs::read_link(&path).map_err(|e| fail(e.to_string()))?;
                let from = path.parent().unwrap_or(Path::new("/"));
                path = from.join(to).components().collect();
            }
            _ => {
                let dir = real_path(&path).map_err(|e| fail(e.to_string()))?;
                return Ok(Target {
                    given: given.to_path_buf(),
                    dir,
                    link,
                });
            }
        }
    }
    Err(fail("符号链接层数过多".into()))
}

/// `path` with every existing part resolved; the parts that do not exist yet
/// are appended as they are.
fn real_path(path: &Path) -> io::Result<PathBuf> {
    match fs::canonicalize(path) {
        Ok(real) => Ok(real),
        // A part that does not exist cannot be a link: `..` after it is lexical.
        Err(e) if e.kind() == io::ErrorKind::NotFound => match path.components().next_back() {
            Some(Component::Normal(name)) => Ok(real_path(parent_of(path))?.join(name)),
            Some(Component::ParentDir) => {
                let real = real_path(parent_of(path))?;
                Ok(real.parent().map(Path::to_path_buf).unwrap_or(real))
            }
            _ => Err(e),
        },
        Err(e) => Err(e),
    }
}

fn parent_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("/"))
}

/// Decides whether the site at `root` may be written to `target`.
pub fn inspect(root: &Path, target: &Target, force: bool) -> Result<Found, Refusal> {
    inspect_ident(root, target, force).map(|(found, _)| found)
}

/// [`inspect`], with the identity of the folder found (taken before it was
/// looked into), so that a swap can make sure it replaces that folder.
pub fn inspect_ident(
    root: &Path,
    target: &Target,
    force: bool,
) -> Result<(Found, Option<tree::Ident>), Refusal> {
    glance(root, target, force)?.walk()
}

/// What [`glance`] leaves to check: nothing, or the folder's insides.
#[derive(Debug)]
pub enum Glance {
    Done(Found, Option<tree::Ident>),
    Walk {
        place: String,
        dir: PathBuf,
        ident: tree::Ident,
        /// The marker's files; `None` when forced past a missing marker.
        listed: Option<std::collections::BTreeSet<String>>,
        force: bool,
    },
}

/// [`inspect_ident`] but for the walk through the folder's insides, which
/// takes seconds on a large site: every refusal that the place, the folder
/// itself and its marker decide.
pub fn glance(root: &Path, target: &Target, force: bool) -> Result<Glance, Refusal> {
    let place = target.to_string();
    let dir = &target.dir;
    protected(root, dir, &place)?;

    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Glance::Done(Found::Nothing, None))
        }
        Err(e) => return Err(Refusal::Io(place, e)),
    };
    if !meta.is_dir() {
        return Err(Refusal::NotAFolder(place));
    }
    let ident = tree::ident(dir).map_err(|e| Refusal::Io(place.clone(), e))?;
    if tree::is_mount_point(dir) {
        let inside = dir.join("lzqd").display().to_string();
        return Err(Refusal::MountPoint(place, inside));
    }
    let mut names: Vec<String> = fs::read_dir(dir)
        .and_then(|entries| {
            entries
                .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .map_err(|e| Refusal::Io(place.clone(), e))?;
    if names.is_empty() {
        return Ok(Glance::Done(Found::Empty, Some(ident)));
    }
    names.sort();
    let has = |name: &str| names.iter().any(|n| n == name);
    if has(".git") || is_bare_repository(dir) {
        return Err(Refusal::Git(place, dir.display().to_string()));
    }
    if has("site.toml") {
        return Err(Refusal::OtherSite(place));
    }
    let marker = read_marker(dir);
    let listed = match marker {
        Marker::Files(files) => Some(files),
        Marker::Missing | Marker::Invalid if force => None,
        Marker::Missing | Marker::Invalid => {
            let old_site = has("sitemap.xml") && has("search") && has("data") && has("matters");
            return Err(Refusal::Unmarked {
                place,
                count: names.len(),
                sample: sample(&names),
                advice: if matches!(marker, Marker::Invalid) {
                    ADVICE_OLD_MARKER
                } else if old_site {
                    ADVICE_OLD_SITE
                } else {
                    ADVICE_UNMARKED
                },
            });
        }
    };
    Ok(Glance::Walk {
        place,
        dir: dir.clone(),
        ident,
        listed,
        force,
    })
}

impl Glance {
    /// Finishes the check with one walk of what would be deleted:
    /// repositories and mounts are refused always, entries the marker does
    /// not list unless forced.
    pub fn walk(self) -> Result<(Found, Option<tree::Ident>), Refusal> {
        let (place, dir, ident, listed, force) = match self {
            Glance::Done(found, ident) => return Ok((found, ident)),
            Glance::Walk {
                place,
                dir,
                ident,
                listed,
                force,
            } => (place, dir, ident, listed, force),
        };
        let scan =
            scan(&dir, &ident, listed.as_ref()).map_err(|e| Refusal::Io(place.clone(), e))?;
        if let Some(repo) = scan.git {
            return Err(Refusal::Git(place, repo.display().to_string()));
        }
        if let Some(mount) = scan.mount {
            return Err(Refusal::Mount(place, mount.display().to_string()));
        }
        if let Some(site) = scan.site {
            return Err(Refusal::OtherSiteInside(place, site.display().to_string()));
        }
        if force {
            return Ok((Found::Forced, Some(ident)));
        }
        if !scan.extra.is_empty() {
            return Err(Refusal::Extra {
                place,
                count: scan.extra.len(),
                sample: sample(&scan.extra),
            });
        }
        Ok((Found::Site, Some(ident)))
    }
}

/// Whether the folder at `dir` (the output, moved aside by the swap) still
/// holds what [`inspect`] found there: still nothing for `Empty`; for
/// `Site`, still nothing its marker does not list; for both `Site` and
/// `Forced`, still no repository, mount or other site inside.
pub fn still_as_found(dir: &Path, found: Found) -> bool {
    match found {
        Found::Nothing => false,
        Found::Empty => fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()),
        Found::Site | Found::Forced => {
            let Ok(top) = tree::ident(dir) else {
                return false;
            };
            let marker = read_marker(dir);
            let listed = match (&marker, found) {
                (Marker::Files(files), Found::Site) => Some(files),
                (_, Found::Site) => return false,
                _ => None,
            };
            scan(dir, &top, listed).is_ok_and(|s| {
                s.git.is_none()
                    && s.mount.is_none()
                    && s.site.is_none()
                    && (listed.is_none() || s.extra.is_empty())
            })
        }
    }
}

#[cfg(test)]
mod tests;
