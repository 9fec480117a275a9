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

/// The file every output folder carries, so that the next build knows the
/// folder is one it may replace. It lists every file the build wrote, in
/// order, so the same input still gives a byte-identical output; a folder
/// is the build's own only if it holds nothing else (see [`read_marker`]).
pub const MARKER: &str = ".qingdan-site";

/// The first line of the marker: its name and format version.
pub const MARKER_HEADER: &str = "qingdan-site 2";

/// The marker's explanation for a person who opens it, between the header
/// line and the list.
const MARKER_NOTE: &str = "\
# 本目录由 qingdan（履职事项清单网站生成器）生成，下面列出它写入的全部文件。
# qingdan build 只会整体替换带有本标记文件、且除下列文件外别无他物的目录；
# 请不要在这里存放其他文件，否则下次构建会拒绝替换并列出它们。
# This folder was written by qingdan build; below is every file it wrote.
# The next build replaces the folder whole only if it holds nothing else.
";

/// The line after which the files are listed, one a line.
const MARKER_FILES: &str = "files:";

/// The largest marker read (a site of 30,000 matters lists about 2 MB).
const MARKER_MAX: u64 = 64 << 20;

/// The marker's text for a site of `files` (paths inside the output, the
/// marker itself not among them). `\`, newline and carriage return in a
/// path are escaped, so that one path is always one line.
pub fn marker_text<'a>(files: impl IntoIterator<Item = &'a str>) -> String {
    let mut files: Vec<&str> = files.into_iter().filter(|f| *f != MARKER).collect();
    files.sort_unstable();
    files.dedup();
    let mut s = format!("{MARKER_HEADER}\n{MARKER_NOTE}{MARKER_FILES}\n");
    for f in files {
        for c in f.chars() {
            match c {
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                c => s.push(c),
            }
        }
        s.push('\n');
    }
    s
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(c) => out.push(c),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What the marker of a folder says.
#[derive(Debug, PartialEq, Eq)]
pub enum Marker {
    /// No marker.
    Missing,
    /// A marker, but not a regular file with this version's header and list
    /// (an older qingdan's, or one made by hand).
    Invalid,
    /// The files the build that wrote the folder wrote.
    Files(std::collections::BTreeSet<String>),
}

/// The longest line and the deepest path a valid marker lists.
const MARKER_MAX_LINE: usize = 4096;
const MARKER_MAX_DEPTH: usize = 32;

/// Reads the marker of `dir`.
pub fn read_marker(dir: &Path) -> Marker {
    use std::io::Read;
    let path = dir.join(MARKER);
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Marker::Invalid,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Marker::Missing,
        Err(_) => return Marker::Invalid,
    }
    let mut text = String::new();
    let read = fs::File::open(&path)
        .and_then(|f| f.take(MARKER_MAX).read_to_string(&mut text))
        .is_ok();
    if !read {
        return Marker::Invalid;
    }
    let mut lines = text.split_terminator('\n');
    if lines.next() != Some(MARKER_HEADER) {
        return Marker::Invalid;
    }
    if !lines.any(|l| l == MARKER_FILES) {
        return Marker::Invalid;
    }
    if !text.ends_with('\n') {
        // Cut short (the size limit, or a torn write).
        return Marker::Invalid;
    }
    // No path qingdan writes is this long or deep; a line that is would
    // only make the scan slow (its folders are worked out per part).
    let files: Vec<&str> = lines.collect();
    if files
        .iter()
        .any(|l| l.len() > MARKER_MAX_LINE || l.matches('/').count() > MARKER_MAX_DEPTH)
    {
        return Marker::Invalid;
    }
    Marker::Files(files.into_iter().map(unescape).collect())
}

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
    let place = target.to_string();
    let dir = &target.dir;
    protected(root, dir, &place)?;

    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Found::Nothing, None)),
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
        return Ok((Found::Empty, Some(ident)));
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
    let listed = match &marker {
        Marker::Files(files) => Some(files),
        Marker::Missing | Marker::Invalid if force => None,
        Marker::Missing | Marker::Invalid => {
            let old_site = has("sitemap.xml") && has("search") && has("data") && has("matters");
            return Err(Refusal::Unmarked {
                place,
                count: names.len(),
                sample: sample(&names),
                advice: if marker == Marker::Invalid {
                    ADVICE_OLD_MARKER
                } else if old_site {
                    ADVICE_OLD_SITE
                } else {
                    ADVICE_UNMARKED
                },
            });
        }
    };
    // One walk of what would be deleted: repositories and mounts are
    // refused always, entries the marker does not list unless forced.
    let scan = scan(dir, &ident, listed).map_err(|e| Refusal::Io(place.clone(), e))?;
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

/// Places that are never an output, whatever is in them: the site, its
/// ancestors and its sources (also where links lead), another site's
/// sources, the home folder and the system's top folders.
fn protected(root: &Path, dir: &Path, place: &str) -> Result<(), Refusal> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let given_root = cwd.join(root);
    let real_root = real_path(&given_root).unwrap_or_else(|_| given_root.clone());
    if real_root.starts_with(dir) || given_root.starts_with(dir) {
        return Err(Refusal::SiteRoot(place.to_string()));
    }
    for part in ["content", "theme"] {
        // Where the site names it, where it really is (a source folder that
        // is a link to elsewhere is protected there too), and wherever the
        // links inside it lead.
        let named = real_root.join(part);
        let mut places = vec![named.clone()];
        places.extend(fs::canonicalize(&named));
        places.extend(linked_places(&named));
        for p in places {
            if dir.starts_with(&p) {
                return Err(Refusal::SiteSource(place.to_string(), part));
            }
            if p.starts_with(dir) {
                return Err(Refusal::ContainsSource(
                    place.to_string(),
                    part,
                    p.display().to_string(),
                ));
            }
        }
    }
    for a in dir.ancestors() {
        let is_source = a
            .file_name()
            .is_some_and(|n| n == "content" || n == "theme");
        if let (true, Some(parent)) = (is_source, a.parent()) {
            if parent.join("site.toml").is_file() {
                return Err(Refusal::OtherSiteSource(
                    place.to_string(),
                    a.display().to_string(),
                ));
            }
        }
    }
    if let Some(repo) = git_dir_above(dir) {
        return Err(Refusal::Git(place.to_string(), repo.display().to_string()));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        let real = fs::canonicalize(&home).unwrap_or_else(|_| home.clone());
        if real.starts_with(dir) || home.starts_with(dir) {
            return Err(Refusal::System(
                place.to_string(),
                "用户的主目录或其上级目录",
            ));
        }
    }
    for sys in SYSTEM_FOLDERS {
        let sys = Path::new(sys);
        let real = fs::canonicalize(sys).unwrap_or_else(|_| sys.to_path_buf());
        if dir == sys || dir == real {
            return Err(Refusal::System(place.to_string(), "系统目录"));
        }
    }
    if in_system_tree(dir) {
        return Err(Refusal::System(
            place.to_string(),
            "系统目录之内（/etc、/usr、/var 等，网站目录 /var/www、/usr/share/nginx/html 除外）",
        ));
    }
    Ok(())
}

/// Where the links under `source` lead (files and folders, resolved).
fn linked_places(source: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(source)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path_is_symlink())
        .filter_map(|e| fs::canonicalize(e.path()).ok())
        .collect()
}

/// Trees that belong to the operating system and its packages: nothing in
/// them is ever an output, whatever `--force` says (`/var/lib`, `/etc/ssl`
/// or `/usr/local` replaced by a site break the machine). The usual web
/// roots inside them are the exception.
const SYSTEM_TREES: &[&str] = &[
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run",
    "/sbin", "/sys", "/usr", "/var",
];
const WEB_ROOTS: &[&str] = &["/var/www", "/usr/share/nginx/html", "/var/lib/nginx/html"];

fn in_system_tree(dir: &Path) -> bool {
    let real = real_path(dir).unwrap_or_else(|_| dir.to_path_buf());
    [dir, real.as_path()].iter().any(|d| {
        SYSTEM_TREES.iter().any(|t| d.starts_with(t))
            && !WEB_ROOTS
                .iter()
                .any(|w| d.starts_with(w) && *d != Path::new(w))
    })
}

/// Top folders of a Unix system: never an output.
const SYSTEM_FOLDERS: &[&str] = &[
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt",
    "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
];

/// What a walk of a folder about to be replaced found.
#[derive(Debug, Default)]
struct Scan {
    /// A repository inside.
    git: Option<PathBuf>,
    /// A folder on another mount (a file system mounted inside).
    mount: Option<PathBuf>,
    /// Another site's root (`site.toml` beside `content/`).
    site: Option<PathBuf>,
    /// Entries the marker does not list (a folder once, not what it holds).
    extra: Vec<String>,
}

/// Walks `dir` (links are not followed) looking for repositories, mounts
/// and other sites, and, when `listed` is given, for entries that are
/// neither a listed file nor a folder holding one. Stops at the first
/// repository, mount or site.
fn scan(
    dir: &Path,
    top: &tree::Ident,
    listed: Option<&std::collections::BTreeSet<String>>,
) -> io::Result<Scan> {
    let folders: std::collections::BTreeSet<&str> = listed
        .into_iter()
        .flatten()
        .flat_map(|f| {
            f.match_indices('/')
                .map(move |(i, _)| &f[..i])
                .collect::<Vec<_>>()
        })
        .collect();
    let mut found = Scan::default();
    let mut extra_dir: Option<PathBuf> = None;
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        let path = entry.path();
        let is_dir = entry.file_type().is_dir();
        if entry.file_name() == ".git" || (is_dir && is_bare_repository(path)) {
            found.git = Some(path.to_path_buf());
            return Ok(found);
        }
        if is_dir {
            let id = tree::ident(path)?;
            if !id.same_mount(top) {
                found.mount = Some(path.to_path_buf());
                return Ok(found);
            }
        } else if entry.file_name() == "site.toml" {
            let site = path.parent().unwrap_or(dir);
            if site.join("content").is_dir() {
                found.site = Some(site.to_path_buf());
                return Ok(found);
            }
        }
        let Some(listed) = listed else { continue };
        if extra_dir.as_ref().is_some_and(|d| path.starts_with(d)) {
            continue;
        }
        let rel = path
            .strip_prefix(dir)
            .map(|r| r.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"))
            .unwrap_or_default();
        let known = if is_dir {
            folders.contains(rel.as_str())
        } else {
            entry.file_type().is_file() && (rel == MARKER || listed.contains(&rel))
        };
        if !known {
            found.extra.push(rel);
            if is_dir {
                extra_dir = Some(path.to_path_buf());
            }
        }
    }
    Ok(found)
}

/// A few of the names, so that the operator recognises the folder.
fn sample(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("、");
    if names.len() > SHOWN {
        s.push_str(" 等");
    }
    s
}

/// `dir` itself or a folder above it named `.git`: a repository's own data.
fn git_dir_above(dir: &Path) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for c in dir.components() {
        path.push(c);
        if matches!(c, Component::Normal(n) if n == ".git") {
            return Some(path);
        }
    }
    None
}

/// A bare repository has no `.git`, but `HEAD`, `objects/` and `refs/`.
fn is_bare_repository(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(dir: &Path) -> Target {
        resolve(dir).unwrap()
    }

    fn site() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("content/basic")).unwrap();
        fs::create_dir_all(tmp.path().join("theme/templates")).unwrap();
        fs::write(tmp.path().join("site.toml"), "title = \"x\"\n").unwrap();
        tmp
    }

    #[test]
    fn a_new_path_an_empty_folder_and_an_earlier_output_are_accepted() {
        let tmp = site();
        let root = tmp.path();
        let dist = root.join("dist");
        assert_eq!(
            inspect(root, &target(&dist), false).unwrap(),
            Found::Nothing
        );
        assert_eq!(
            inspect(root, &target(&root.join("a/b/c")), false).unwrap(),
            Found::Nothing
        );
        fs::create_dir(&dist).unwrap();
        assert_eq!(inspect(root, &target(&dist), false).unwrap(), Found::Empty);
        fs::write(dist.join(MARKER), marker_text(["index.html"])).unwrap();
        fs::write(dist.join("index.html"), "x").unwrap();
        assert_eq!(inspect(root, &target(&dist), false).unwrap(), Found::Site);
    }

    #[test]
    fn the_site_its_ancestors_and_its_sources_are_refused_even_with_force() {
        let tmp = site();
        let root = tmp.path();
        for (dir, force) in [
            (root.to_path_buf(), true),
            (root.parent().unwrap().to_path_buf(), true),
            (PathBuf::from("/"), true),
            (root.join("content"), true),
            (root.join("content/basic/new"), true),
            (root.join("theme"), true),
            (root.join("dist/.."), true),
        ] {
            let err = inspect(root, &target(&dir), force).unwrap_err();
            assert!(
                matches!(err, Refusal::SiteRoot(_) | Refusal::SiteSource(..)),
                "{}: {err}",
                dir.display()
            );
        }
    }

    #[test]
    fn repositories_are_refused_even_with_force() {
        let tmp = site();
        let root = tmp.path();
        fs::create_dir_all(root.join(".git/objects")).unwrap();
        for dir in [root.join(".git"), root.join(".git/objects")] {
            let err = inspect(root, &target(&dir), true).unwrap_err();
            assert!(matches!(err, Refusal::Git(..)), "{err}");
        }
        let other = tempfile::tempdir().unwrap();
        let repo = other.path().join("repo");
        fs::create_dir_all(repo.join(".git")).unwrap();
        let err = inspect(root, &target(&repo), true).unwrap_err();
        assert!(matches!(err, Refusal::Git(..)), "{err}");
        // A worktree's `.git` is a file.
        let wt = other.path().join("wt");
        fs::create_dir_all(&wt).unwrap();
        fs::write(wt.join(".git"), "gitdir: ../repo/.git/worktrees/wt\n").unwrap();
        assert!(matches!(
            inspect(root, &target(&wt), true),
            Err(Refusal::Git(..))
        ));
        // A bare repository.
        let bare = other.path().join("bare.git");
        fs::create_dir_all(bare.join("objects")).unwrap();
        fs::create_dir_all(bare.join("refs")).unwrap();
        fs::write(bare.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        assert!(matches!(
            inspect(root, &target(&bare), true),
            Err(Refusal::Git(..))
        ));
        // Another site deeper inside a folder that --force would replace.
        let holder = other.path().join("holder");
        fs::create_dir_all(holder.join("sites/x/content")).unwrap();
        fs::write(holder.join("sites/x/site.toml"), "").unwrap();
        assert!(matches!(
            inspect(root, &target(&holder), true),
            Err(Refusal::OtherSiteInside(..))
        ));
        // A repository deeper inside a folder that --force would replace.
        let www = other.path().join("www");
        fs::create_dir_all(www.join("column/.git")).unwrap();
        assert!(matches!(
            inspect(root, &target(&www), true),
            Err(Refusal::Git(..))
        ));
    }

    #[test]
    fn a_file_and_another_sites_root_are_refused() {
        let tmp = site();
        let root = tmp.path();
        for force in [false, true] {
            let err = inspect(root, &target(&root.join("site.toml")), force).unwrap_err();
            assert!(matches!(err, Refusal::NotAFolder(_)), "{err}");
        }
        let other = site();
        let err = inspect(root, &target(other.path()), true).unwrap_err();
        assert!(matches!(err, Refusal::OtherSite(_)), "{err}");
    }

    #[test]
    fn an_unmarked_folder_is_refused_with_its_contents_named_unless_forced() {
        let tmp = site();
        let root = tmp.path();
        let www = root.join("www");
        for name in ["a", "b", "c", "d", "e", "f"] {
            fs::create_dir_all(www.join(name)).unwrap();
        }
        let err = inspect(root, &target(&www), false).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("6 项：a、b、c、d、e 等"), "{msg}");
        assert!(msg.contains("--force"), "{msg}");
        assert_eq!(inspect(root, &target(&www), true).unwrap(), Found::Forced);
    }

    #[test]
    fn an_output_of_an_older_qingdan_is_recognised_in_the_message() {
        let tmp = site();
        let root = tmp.path();
        let dist = root.join("dist");
        for d in ["search", "data", "matters"] {
            fs::create_dir_all(dist.join(d)).unwrap();
        }
        fs::write(dist.join("sitemap.xml"), "").unwrap();
        let msg = inspect(root, &target(&dist), false)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("旧版 qingdan"), "{msg}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_to_the_folder_it_points_at() {
        use std::os::unix::fs::symlink;
        let tmp = site();
        let root = tmp.path();
        let www = tempfile::tempdir().unwrap();
        let real = www.path().join("lzqd");
        symlink(&real, root.join("dist")).unwrap();
        // Dangling: publish where it points.
        let t = target(&root.join("dist"));
        assert!(t.link);
        assert_eq!(t.dir, fs::canonicalize(www.path()).unwrap().join("lzqd"));
        assert_eq!(inspect(root, &t, false).unwrap(), Found::Nothing);
        // A trailing slash does not hide the link.
        assert!(target(&root.join("dist/")).link);
        // The folder pointed at passes the same guard.
        fs::create_dir_all(real.join("other")).unwrap();
        assert!(matches!(
            inspect(root, &target(&root.join("dist")), false),
            Err(Refusal::Unmarked { .. })
        ));
        // A link to the site's own content is refused.
        symlink(root.join("content"), root.join("out")).unwrap();
        assert!(matches!(
            inspect(root, &target(&root.join("out")), true),
            Err(Refusal::SiteSource(..))
        ));
        // A loop of links.
        symlink(root.join("loop2"), root.join("loop1")).unwrap();
        symlink(root.join("loop1"), root.join("loop2")).unwrap();
        assert!(matches!(
            resolve(&root.join("loop1")),
            Err(Refusal::Unresolvable(..))
        ));
    }

    #[test]
    fn the_marker_lists_files_and_is_read_back_only_when_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        assert_eq!(read_marker(dir), Marker::Missing);
        let text = marker_text(["b/index.html", "a.css", "odd\nname\\x", "a.css", MARKER]);
        assert!(text.starts_with("qingdan-site 2\n# "), "{text}");
        assert!(
            text.ends_with("files:\na.css\nb/index.html\nodd\\nname\\\\x\n"),
            "{text}"
        );
        fs::write(dir.join(MARKER), &text).unwrap();
        let Marker::Files(files) = read_marker(dir) else {
            panic!("not read back");
        };
        assert_eq!(
            files.into_iter().collect::<Vec<_>>(),
            ["a.css", "b/index.html", "odd\nname\\x"]
        );
        for bad in [
            "",
            "本目录由 qingdan 生成。\n",
            "qingdan-site 2\n# no list\n",
            &text[..text.len() - 1],
            "qingdan-site 3\nfiles:\n",
            &format!("qingdan-site 2\nfiles:\n{}\n", "a/".repeat(3000)),
            &format!("qingdan-site 2\nfiles:\n{}x\n", "a/".repeat(40)),
        ] {
            fs::write(dir.join(MARKER), bad).unwrap();
            assert_eq!(read_marker(dir), Marker::Invalid, "{bad:?}");
        }
    }

    #[test]
    fn a_marked_folder_with_anything_unlisted_is_refused_unless_forced() {
        let tmp = site();
        let root = tmp.path();
        let dist = root.join("dist");
        fs::create_dir_all(dist.join("matters/a")).unwrap();
        fs::write(dist.join("matters/a/index.html"), "").unwrap();
        fs::write(dist.join("index.html"), "").unwrap();
        let text = marker_text(["index.html", "matters/a/index.html"]);
        fs::write(dist.join(MARKER), text).unwrap();
        assert_eq!(inspect(root, &target(&dist), false).unwrap(), Found::Site);
        fs::create_dir_all(dist.join("matters/b/deep")).unwrap();
        fs::write(dist.join("matters/b/deep/x"), "").unwrap();
        fs::write(dist.join("notes.txt"), "").unwrap();
        let msg = inspect(root, &target(&dist), false)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("2 项不是 qingdan 上次生成的：matters/b、notes.txt"),
            "{msg}"
        );
        assert_eq!(inspect(root, &target(&dist), true).unwrap(), Found::Forced);
    }

    #[test]
    fn nothing_inside_the_system_trees_is_an_output_but_web_roots_are() {
        for dir in [
            "/var/lib",
            "/etc/ssl",
            "/usr/local",
            "/usr/local/bin",
            "/var/www",
            "/boot/x",
        ] {
            assert!(in_system_tree(Path::new(dir)), "{dir}");
        }
        for dir in [
            "/var/www/html",
            "/var/www/zwgk/lzqd",
            "/usr/share/nginx/html/lzqd",
            "/srv/www",
            "/tmp/x/dist",
            "/home/web/dist",
        ] {
            assert!(!in_system_tree(Path::new(dir)), "{dir}");
        }
    }

    #[test]
    fn system_folders_are_refused_even_with_force() {
        let tmp = site();
        for dir in ["/usr", "/etc", "/var", "/tmp", "/home", "/srv", "/opt"] {
            let err = inspect(tmp.path(), &target(Path::new(dir)), true).unwrap_err();
            // /tmp holds the test site: refused as its ancestor first.
            assert!(
                matches!(err, Refusal::System(..) | Refusal::SiteRoot(_)),
                "{dir}: {err}"
            );
        }
    }

    #[test]
    fn a_folder_is_still_as_found_only_while_nothing_was_added() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("dist");
        fs::create_dir(&dir).unwrap();
        assert!(still_as_found(&dir, Found::Empty));
        fs::write(dir.join("index.html"), "").unwrap();
        assert!(!still_as_found(&dir, Found::Empty));
        assert!(!still_as_found(&dir, Found::Site), "no marker");
        fs::write(dir.join(MARKER), marker_text(["index.html"])).unwrap();
        assert!(still_as_found(&dir, Found::Site));
        fs::write(dir.join("precious.html"), "").unwrap();
        assert!(!still_as_found(&dir, Found::Site));
        assert!(still_as_found(&dir, Found::Forced));
        fs::create_dir_all(dir.join("x/.git")).unwrap();
        assert!(!still_as_found(&dir, Found::Forced));
    }
}
