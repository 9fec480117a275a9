//! The guard on small folders made for each case.

use super::places::in_system_tree;
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
    // A bare repository deeper inside, found by its HEAD (a file, or a
    // link as older git made it), however deep its objects go.
    for link in [false, true] {
        let www = other.path().join(format!("www-bare-{link}"));
        let repo = www.join("column/old/mirror.git");
        fs::create_dir_all(repo.join("objects/ab")).unwrap();
        fs::write(repo.join("objects/ab/cdef"), "").unwrap();
        fs::create_dir_all(repo.join("refs/heads")).unwrap();
        fs::write(repo.join("refs/heads/main"), "").unwrap();
        if link {
            #[cfg(unix)]
            std::os::unix::fs::symlink("refs/heads/main", repo.join("HEAD")).unwrap();
            #[cfg(not(unix))]
            continue;
        } else {
            fs::write(repo.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        }
        match inspect(root, &target(&www), true) {
            Err(Refusal::Git(_, found)) => {
                assert_eq!(Path::new(&found), fs::canonicalize(&repo).unwrap())
            }
            other => panic!("{other:?}"),
        }
    }
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
