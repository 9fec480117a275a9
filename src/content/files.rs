//! Which files under `content/` are what. Every file is either loaded or
//! named in a warning, so that a misnamed matter never vanishes silently;
//! a symbolic link may point anywhere inside the site root, never outside
//! it (a link to /etc/passwd must not be published).

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::Diagnostics;

use super::{CATEGORIES_FILE, DEPARTMENTS_FILE, INTRO_FILE, SYNONYMS_FILE};

/// Files at the top of `content/` that are not matters.
const SITE_FILES: [&str; 4] = [INTRO_FILE, CATEGORIES_FILE, DEPARTMENTS_FILE, SYNONYMS_FILE];

/// The site root, resolved, against which links are judged.
pub struct Boundary {
    root: Option<PathBuf>,
}

impl Boundary {
    pub fn new(root: &Path) -> Boundary {
        Boundary {
            root: fs::canonicalize(root).ok(),
        }
    }

    /// `Err` with the resolved target when `path` (which exists) resolves
    /// to a place outside the site root.
    pub fn check(&self, path: &Path) -> Result<(), PathBuf> {
        let (Some(root), Ok(real)) = (&self.root, fs::canonicalize(path)) else {
            return Ok(()); // nothing to resolve: reading it reports the problem
        };
        // Inside the root, but never the repository's own files.
        let in_git = real
            .strip_prefix(root)
            .is_ok_and(|rest| rest.components().any(|c| c.as_os_str() == ".git"));
        if real.starts_with(root) && !in_git {
            Ok(())
        } else {
            Err(real)
        }
    }

    /// Checks one of the site's own files before it is read; returns false
    /// (with an error) when it is a link leaving the site root.
    pub fn allow(&self, path: &Path, shown: &Path, diags: &mut Diagnostics) -> bool {
        match self.check(path) {
            Ok(()) => true,
            Err(target) => {
                outside_error(shown, &target, diags);
                false
            }
        }
    }
}

fn outside_error(shown: &Path, target: &Path, diags: &mut Diagnostics) {
    diags
        .error(
            shown,
            None,
            format!(
                "这是指向站点目录之外或 .git 之中（{}）的符号链接，不会读入或发布",
                target.display()
            ),
        )
        .help("把文件本身复制到站点目录中，不要用指向站点之外的链接");
}

/// The matter files under `dir` (= `root/content`), sorted by path. Every
/// other file is named in a warning; links leaving the root are errors.
pub fn matter_files(
    dir: &Path,
    boundary: &Boundary,
    rel: &dyn Fn(&Path) -> PathBuf,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut walk = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let msg = if e.loop_ancestor().is_some() {
                    "符号链接形成循环，无法读取".to_string()
                } else {
                    format!("无法读取：{e}")
                };
                diags
                    .error(&rel(&p), None, msg)
                    .help("删除或修正这个链接或文件的权限");
                continue;
            }
        };
        let path = entry.path();
        if entry.path_is_symlink() {
            if let Err(target) = boundary.check(path) {
                outside_error(&rel(path), &target, diags);
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_dir() {
            if entry.depth() > 0 && entry.file_name().to_string_lossy().ends_with(".md") {
                diags
                    .warning(&rel(path), None, "这是文件夹，不是事项文件，未读入")
                    .help("事项文件是以 .md 结尾的文本文件；把这个文件夹改名或移出 content/");
            }
            continue;
        }
        if !entry.file_type().is_file() {
            diags
                .warning(
                    &rel(path),
                    None,
                    "不是普通文件（管道、设备或套接字），未读入",
                )
                .help("content/ 中只放文本文件；删除它");
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if entry.depth() == 1 && SITE_FILES.contains(&name.as_ref()) {
            continue; // loaded by name
        }
        match classify(&name) {
            Kind::Matter => files.push(path.to_path_buf()),
            Kind::Ignored(why) => {
                diags
                    .warning(&rel(path), None, format!("未作为事项读入：{why}"))
                    .help(advice(&name));
            }
        }
    }
    files
}

enum Kind {
    Matter,
    Ignored(&'static str),
}

fn classify(name: &str) -> Kind {
    let lower = name.to_ascii_lowercase();
    if name == INTRO_FILE {
        Kind::Ignored("只有 content/_index.md 是首页说明，其他文件夹中的 _index.md 不会被读入")
    } else if name.starts_with('.') {
        Kind::Ignored("以点开头的文件是隐藏文件")
    } else if lower.ends_with(".md") {
        Kind::Matter
    } else if SITE_FILES.contains(&name) {
        Kind::Ignored("站点文件只在 content/ 顶层读入")
    } else {
        Kind::Ignored("事项文件的名字须以 .md 结尾")
    }
}

fn advice(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .split(".md")
        .next()
        .filter(|s| lower.contains(".md") && !s.is_empty())
        .or_else(|| lower.strip_suffix(".markdown"));
    match stem {
        Some(stem) if !name.starts_with('.') => {
            format!("若这是一个事项，把它改名为 {stem}.md；否则把它移出 content/")
        }
        _ => "若这是一个事项，把它改名为“序号.md”（如 012.md）；否则把它移出 content/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(root: &Path) -> (Vec<String>, Diagnostics) {
        let mut diags = Diagnostics::default();
        let dir = root.join("content");
        let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
        let files = matter_files(&dir, &Boundary::new(root), &rel, &mut diags);
        let names = files
            .iter()
            .map(|p| rel(p).to_string_lossy().into_owned())
            .collect();
        (names, diags)
    }

    #[test]
    fn every_file_is_loaded_or_named() {
        let tmp = tempfile::tempdir().unwrap();
        let c = tmp.path().join("content/basic");
        fs::create_dir_all(&c).unwrap();
        for name in [
            "001.md",
            "002.MD",
            "012.markdown",
            "013.md.txt",
            ".md",
            "_index.md",
        ] {
            fs::write(c.join(name), "x").unwrap();
        }
        fs::write(tmp.path().join("content/_index.md"), "x").unwrap();
        let (names, diags) = scan(tmp.path());
        assert_eq!(names, ["content/basic/001.md", "content/basic/002.MD"]);
        let warned: Vec<String> = diags
            .iter()
            .map(|d| d.file.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            warned,
            [
                "content/basic/.md",
                "content/basic/012.markdown",
                "content/basic/013.md.txt",
                "content/basic/_index.md"
            ]
        );
        let help: Vec<&str> = diags.iter().filter_map(|d| d.help.as_deref()).collect();
        assert!(help[1].contains("012.md"), "{help:?}");
        assert!(help[2].contains("013.md"), "{help:?}");
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_followed_and_links_outside_refused() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.md"), "x").unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let c = tmp.path().join("content/basic");
        fs::create_dir_all(&c).unwrap();
        fs::create_dir_all(tmp.path().join("drafts")).unwrap();
        fs::write(tmp.path().join("drafts/003.md"), "x").unwrap();
        symlink(tmp.path().join("drafts/003.md"), c.join("003.md")).unwrap();
        symlink(outside.path().join("secret.md"), c.join("004.md")).unwrap();
        symlink(outside.path(), c.join("more")).unwrap();
        let (names, diags) = scan(tmp.path());
        assert_eq!(names, ["content/basic/003.md"]);
        let errors: Vec<String> = diags
            .iter()
            .map(|d| d.file.to_string_lossy().into_owned())
            .collect();
        assert_eq!(errors, ["content/basic/004.md", "content/basic/more"]);
        assert!(diags.has_errors());
    }
}
