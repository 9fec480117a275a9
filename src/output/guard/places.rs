//! Places that are never an output, whatever `--force` says.

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::{real_path, Refusal};

/// Places that are never an output, whatever is in them: the site, its
/// ancestors and its sources (also where links lead), another site's
/// sources, the home folder and the system's top folders.
pub(super) fn protected(root: &Path, dir: &Path, place: &str) -> Result<(), Refusal> {
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

pub(super) fn in_system_tree(dir: &Path) -> bool {
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
pub(super) fn is_bare_repository(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}
