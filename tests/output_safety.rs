//! `--output` never destroys what is not a qingdan site (issue 8, section 1):
//! the real binary against repositories, web roots, files, links, leftovers
//! of interrupted builds, a second build and signals.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// A folder holding the fixture site as `site/`, so that tests can put
/// other folders beside it (`../www`).
fn site_in_a_folder() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&repo().join("tests/fixtures/site"), &site);
    copy_dir(&repo().join("theme"), &site.join("theme"));
    (tmp, site)
}

/// Names in `dir` that start with `.qingdan` (staging, old, lock).
fn ours(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".qingdan"))
        .collect();
    v.sort();
    v
}

fn refused(out: &Output, words: &[&str]) {
    let t = text(out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    for w in words {
        assert!(t.contains(w), "missing {w:?} in: {t}");
    }
}

#[test]
fn a_git_repository_is_never_replaced() {
    let (_tmp, site) = site_in_a_folder();
    let git = site.join(".git");
    fs::create_dir_all(git.join("objects/ab")).unwrap();
    fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    fs::write(git.join("objects/ab/cdef"), "history").unwrap();
    let before = snapshot(&git);
    for args in [
        &["build", "--output", ".git"][..],
        &["build", "--output", ".git", "--force"],
        &["build", "--output", ".git/objects", "--force"],
    ] {
        let out = qingdan(args, &site);
        refused(&out, &["git 仓库", "--force 也不例外"]);
        assert_eq!(snapshot(&git), before);
    }
    // A folder holding a repository, even deep inside, even with --force.
    let www = site.parent().unwrap().join("www");
    fs::create_dir_all(www.join("column/.git")).unwrap();
    fs::write(www.join("column/.git/HEAD"), "x").unwrap();
    let out = qingdan(&["build", "--output", "../www", "--force"], &site);
    refused(&out, &["git 仓库"]);
    assert!(www.join("column/.git/HEAD").is_file());
    assert!(ours(site.parent().unwrap()).is_empty());
}

#[test]
fn a_web_root_with_other_content_is_refused_unless_forced() {
    let (tmp, site) = site_in_a_folder();
    let www = tmp.path().join("www");
    fs::create_dir_all(www.join("news")).unwrap();
    fs::write(www.join("index.html"), "the portal").unwrap();
    fs::write(www.join("news/1.html"), "a column").unwrap();
    let before = snapshot(&www);
    let out = qingdan(&["build", "--output", "../www"], &site);
    refused(
        &out,
        &[
            "拒绝替换 ../www",
            "不是 qingdan 生成的",
            "2 项：index.html、news",
            "--force",
        ],
    );
    assert_eq!(snapshot(&www), before);
    assert!(ours(tmp.path()).is_empty(), "no lock or staging left");

    // The person means it: --force replaces the folder whole, marked.
    let out = qingdan(&["build", "--output", "../www", "--force"], &site);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!www.join("news").exists());
    assert!(www.join(".qingdan-site").is_file());
    assert!(www.join("matters/basic-001/index.html").is_file());
    // From now on it is ours: no --force needed.
    let out = qingdan(&["build", "--output", "../www"], &site);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn a_file_is_never_replaced() {
    let (_tmp, site) = site_in_a_folder();
    let before = fs::read(site.join("site.toml")).unwrap();
    for args in [
        &["build", "--output", "site.toml"][..],
        &["build", "--output", "site.toml", "--force"],
    ] {
        refused(&qingdan(args, &site), &["site.toml", "是一个文件"]);
        assert_eq!(fs::read(site.join("site.toml")).unwrap(), before);
    }
}

#[test]
fn the_site_its_parents_and_its_sources_are_refused_even_with_force() {
    let (tmp, site) = site_in_a_folder();
    let before = snapshot(tmp.path());
    for output in [".", "..", "content", "content/basic", "theme", "theme/new"] {
        let out = qingdan(&["build", "--output", output, "--force"], &site);
        refused(&out, &["拒绝写入", "--force 也不例外"]);
    }
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn an_empty_folder_and_a_new_path_are_accepted() {
    let (tmp, site) = site_in_a_folder();
    fs::create_dir(tmp.path().join("empty")).unwrap();
    for output in ["../empty", "../new/deeper"] {
        let out = qingdan(&["build", "--output", output], &site);
        assert!(out.status.success(), "{output}: {}", text(&out));
        assert!(site.join(output).join("index.html").is_file());
    }
}

#[test]
fn an_earlier_output_is_replaced_whole_and_marked() {
    let (_tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    let dist = site.join("dist");
    let marker = fs::read_to_string(dist.join(".qingdan-site")).unwrap();
    assert!(marker.starts_with("qingdan-site 2\n"), "{marker}");
    assert!(
        marker.contains("\nmatters/basic-001/index.html\n"),
        "{marker}"
    );
    // The marker lists every file: a file put in by hand is not the
    // build's to delete without --force.
    fs::write(dist.join("stale.html"), "put in by hand").unwrap();
    refused(
        &qingdan(&["build"], &site),
        &["1 项不是 qingdan 上次生成的：stale.html", "--force"],
    );
    let out = qingdan(&["build", "--force"], &site);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!dist.join("stale.html").exists());
    let out = qingdan(&["build"], &site);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(dist.join(".qingdan-site")).unwrap(),
        marker
    );
    assert!(ours(&site).is_empty(), "{:?}", ours(&site));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&dist).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755, "readable by a web server");
    }
}

#[cfg(unix)]
#[test]
fn a_linked_output_is_updated_where_it_points_and_the_link_kept() {
    use std::os::unix::fs::symlink;
    let (tmp, site) = site_in_a_folder();
    let www = tmp.path().join("www");
    fs::create_dir(&www).unwrap();
    let real = www.join("lzqd");
    symlink("../www/lzqd", site.join("dist")).unwrap();

    // The link points at nothing yet: the site is published there.
    let out = qingdan(&["build"], &site);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("符号链接，指向"), "{}", text(&out));
    assert!(real.join("index.html").is_file());
    assert!(fs::symlink_metadata(site.join("dist"))
        .unwrap()
        .file_type()
        .is_symlink());

    // Rebuilt with new content: the served copy changes, the link stays.
    let index = site.join("content/_index.md");
    let home = fs::read_to_string(&index).unwrap();
    fs::write(&index, format!("{home}\n新增的说明文字。\n")).unwrap();
    let out = qingdan(&["build"], &site);
    assert!(out.status.success(), "{}", text(&out));
    let link = site.join("dist");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_link(&link).unwrap(), PathBuf::from("../www/lzqd"));
    assert!(fs::read_to_string(link.join("index.html"))
        .unwrap()
        .contains("新增的说明文字"));
    assert!(ours(&www).is_empty() && ours(&site).is_empty());

    // The folder pointed at passes the same guard.
    let portal = www.join("portal");
    fs::create_dir_all(&portal).unwrap();
    fs::write(portal.join("index.html"), "the portal").unwrap();
    fs::remove_file(&link).unwrap();
    symlink(&portal, &link).unwrap();
    refused(&qingdan(&["build"], &site), &["不是 qingdan 生成的"]);
    assert_eq!(
        fs::read_to_string(portal.join("index.html")).unwrap(),
        "the portal"
    );
    fs::remove_file(&link).unwrap();
    symlink(site.join("content"), &link).unwrap();
    refused(
        &qingdan(&["build", "--force"], &site),
        &["content/", "--force 也不例外"],
    );
}

#[test]
fn leftovers_of_interrupted_builds_of_this_output_are_removed() {
    let (_tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    for name in [
        ".qingdan-staging-dist-Ab12Cd",
        ".qingdan-old-dist-Ef34Gh/site",
        ".qingdan-staging-www-Ij56Kl",
        ".qingdan-staging-dist-2-Mn78Op",
    ] {
        fs::create_dir_all(site.join(name).join("matters")).unwrap();
        fs::write(site.join(name).join("matters/x.html"), "big").unwrap();
    }
    let out = qingdan(&["build"], &site);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("已删除此前中断的构建留下的"),
        "{}",
        text(&out)
    );
    assert_eq!(
        ours(&site),
        [
            ".qingdan-staging-dist-2-Mn78Op",
            ".qingdan-staging-www-Ij56Kl"
        ],
        "other outputs' folders are kept"
    );
}

#[test]
fn a_second_build_into_the_same_output_is_refused_while_one_runs() {
    let (_tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    let before = snapshot(&site.join("dist"));
    let lock = fs::File::create(site.join(".qingdan-lock-dist")).unwrap();
    lock.try_lock().unwrap();
    let out = qingdan(&["build"], &site);
    refused(&out, &["另一个 qingdan build 正在写入 ./dist"]);
    assert_eq!(snapshot(&site.join("dist")), before);
    // Another output in the same folder is not held up.
    let out = qingdan(&["build", "--output", "dist2"], &site);
    assert!(out.status.success(), "{}", text(&out));
    drop(lock);
    let out = qingdan(&["build"], &site);
    assert!(out.status.success(), "{}", text(&out));
}

/// Starts a build that stops once its staging folder is complete, and waits
/// until it is there. No timing is assumed: the build says when it is ready.
/// Removing the returned file lets the build go on at once.
#[cfg(target_os = "linux")]
fn build_paused_before_the_swap(site: &Path) -> std::process::Child {
    build_paused_with(site, &["build"]).0
}

#[cfg(target_os = "linux")]
fn build_paused_with(site: &Path, args: &[&str]) -> (std::process::Child, PathBuf) {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let ready = site.parent().unwrap().join("ready");
    let _ = fs::remove_file(&ready);
    let child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(args)
        .current_dir(site)
        .env("QINGDAN_TEST_PAUSE_STAGED", &ready)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The build writes the staging folder's path into `ready`: wait until
    // the whole path is there, not just the file.
    let start = Instant::now();
    let staging = loop {
        match fs::read_to_string(&ready) {
            Ok(path) if path.ends_with('\n') => break PathBuf::from(path.trim_end()),
            _ => {
                assert!(
                    start.elapsed() < Duration::from_secs(120),
                    "the build never got ready"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    };
    assert!(staging.join(".qingdan-site").is_file());
    assert!(staging.join("index.html").is_file());
    (child, ready)
}

#[cfg(target_os = "linux")]
#[test]
fn a_build_stopped_by_a_signal_cleans_up_and_leaves_the_output_as_it_was() {
    use rustix::process::{kill_process, Pid, Signal};
    let (_tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    let before = snapshot(&site.join("dist"));
    fs::write(site.join("content/_index.md"), "改过的说明。\n").unwrap();
    for signal in [Signal::TERM, Signal::INT, Signal::HUP] {
        let child = build_paused_before_the_swap(&site);
        assert_eq!(ours(&site).len(), 2, "staging and lock: {:?}", ours(&site));
        kill_process(Pid::from_child(&child), signal).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "{signal:?}: {}", text(&out));
        assert!(text(&out).contains("构建被中断"), "{}", text(&out));
        assert_eq!(snapshot(&site.join("dist")), before, "{signal:?}");
        assert!(ours(&site).is_empty(), "{signal:?}: {:?}", ours(&site));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn what_a_killed_build_leaves_is_removed_by_the_next() {
    let (_tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    let before = snapshot(&site.join("dist"));
    let mut child = build_paused_before_the_swap(&site);
    child.kill().unwrap(); // SIGKILL: no cleanup is possible
    child.wait().unwrap();
    assert_eq!(snapshot(&site.join("dist")), before);
    let left = ours(&site);
    assert!(
        left.iter().any(|n| n.starts_with(".qingdan-staging-dist-")),
        "{left:?}"
    );
    let out = qingdan(&["build"], &site);
    assert!(out.status.success(), "{}", text(&out));
    assert!(ours(&site).is_empty(), "{:?}", ours(&site));
}

/// F1: a marker copied along with the site into a web root (`cp -a dist/.
/// www/`), or made by hand, does not make the web root the build's own.
#[test]
fn a_copied_or_hand_made_marker_does_not_make_a_web_root_ours() {
    let (tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    let www = tmp.path().join("www");
    fs::create_dir_all(www.join("news")).unwrap();
    fs::write(www.join("news/1.html"), "a column").unwrap();
    fs::write(www.join("portal.html"), "the portal").unwrap();
    copy_dir(&site.join("dist"), &www);
    let before = snapshot(&www);
    for args in [
        &["build", "--output", "../www"][..],
        &["build", "--output", "../www", "--base-path", "/x/"],
    ] {
        refused(
            &qingdan(args, &site),
            &[
                "拒绝替换 ../www",
                "2 项不是 qingdan 上次生成的：news、portal.html",
                "--force",
            ],
        );
        assert_eq!(snapshot(&www), before);
    }
    // A marker made by hand (`touch www/.qingdan-site`).
    let hand = tmp.path().join("hand");
    fs::create_dir_all(hand.join("column")).unwrap();
    fs::write(hand.join("column/x.html"), "a column").unwrap();
    fs::write(hand.join(".qingdan-site"), "").unwrap();
    let before = snapshot(&hand);
    refused(
        &qingdan(&["build", "--output", "../hand"], &site),
        &[
            "不是 qingdan 生成的",
            ".qingdan-site 不是本版 qingdan 写的",
            "--force",
        ],
    );
    assert_eq!(snapshot(&hand), before);
    // A marker that is a folder or a link is not a marker.
    fs::remove_file(hand.join(".qingdan-site")).unwrap();
    fs::create_dir(hand.join(".qingdan-site")).unwrap();
    refused(
        &qingdan(&["build", "--output", "../hand"], &site),
        &["不是 qingdan 生成的"],
    );
    #[cfg(unix)]
    {
        fs::remove_dir(hand.join(".qingdan-site")).unwrap();
        std::os::unix::fs::symlink(site.join("dist/.qingdan-site"), hand.join(".qingdan-site"))
            .unwrap();
        refused(
            &qingdan(&["build", "--output", "../hand"], &site),
            &["不是 qingdan 生成的"],
        );
    }
    assert!(hand.join("column/x.html").is_file());
    assert!(ours(tmp.path()).is_empty(), "{:?}", ours(tmp.path()));
}

/// F2: content/ and theme/ reached through symbolic links are protected
/// where they really are.
#[cfg(unix)]
#[test]
fn sources_reached_through_links_are_protected_where_they_are() {
    use std::os::unix::fs::symlink;
    let (_tmp, site) = site_in_a_folder();
    // As in the report: content -> src/content, inside the site.
    let src = site.join("src");
    fs::create_dir(&src).unwrap();
    for part in ["content", "theme"] {
        fs::rename(site.join(part), src.join(part)).unwrap();
        symlink(Path::new("src").join(part), site.join(part)).unwrap();
    }
    let out = qingdan(&["check"], &site);
    assert!(out.status.success(), "{}", text(&out));
    let before = snapshot(&src);
    for (output, force) in [
        ("src/content/basic", true),
        ("src/content", true),
        ("src/content/newdir", false),
        ("src/theme/static", true),
        ("src", true),
        ("src", false),
    ] {
        let mut args = vec!["build", "--output", output];
        if force {
            args.push("--force");
        }
        refused(&qingdan(&args, &site), &["拒绝写入", "--force 也不例外"]);
        assert_eq!(snapshot(&src), before, "{output}");
    }
    assert!(!src.join("content/newdir").exists());
    refused(
        &qingdan(&["build", "--output", "src", "--force"], &site),
        &["它包含站点的 content/"],
    );
}

/// F3: a repository deeper inside an earlier output is never deleted,
/// without --force as with it.
#[test]
fn a_repository_inside_a_marked_output_is_refused() {
    let (_tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    let git = site.join("dist/matters/.git");
    fs::create_dir_all(&git).unwrap();
    fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    for args in [&["build"][..], &["build", "--force"]] {
        refused(&qingdan(args, &site), &["git 仓库", "matters/.git"]);
        assert!(git.join("HEAD").is_file());
    }
}

/// Runs `script` (sh, with the binary as "$Q") in a mount namespace of its
/// own as root, so that its mounts vanish with it; `None` where that is not
/// possible (not root, no `unshare`).
#[cfg(target_os = "linux")]
fn in_mount_namespace(script: &str, cwd: &Path) -> Option<Output> {
    use std::process::Command;
    let probe = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "true"])
        .output()
        .ok()?;
    if !probe.status.success() {
        eprintln!("skipped: cannot make a mount namespace (needs root and unshare)");
        return None;
    }
    Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", script])
        .env("Q", env!("CARGO_BIN_EXE_qingdan"))
        .current_dir(cwd)
        .output()
        .ok()
}

/// F4: a file system mounted inside the output is never emptied, and an
/// output that is itself a mount point is explained.
#[cfg(target_os = "linux")]
#[test]
fn a_mount_inside_the_output_is_never_emptied() {
    let (tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    let uploads = tmp.path().join("uploads");
    fs::create_dir(&uploads).unwrap();
    fs::write(uploads.join("file.pdf"), "precious").unwrap();
    fs::create_dir(site.join("dist/matters/uploads")).unwrap();
    let script = "mount --bind ../uploads dist/matters/uploads || exit 99; \
                  \"$Q\" build; \"$Q\" build --force; exit 0";
    let Some(out) = in_mount_namespace(script, &site) else {
        return;
    };
    let t = text(&out);
    assert_eq!(t.matches("挂载点").count(), 2, "{t}");
    assert!(t.contains("dist/matters/uploads"), "{t}");
    assert_eq!(
        fs::read_to_string(uploads.join("file.pdf")).unwrap(),
        "precious"
    );

    // Deleting what an interrupted build left never crosses into a mount.
    let left = site.join(".qingdan-staging-dist-Ab12Cd/uploads");
    fs::create_dir_all(&left).unwrap();
    fs::write(left.parent().unwrap().join("index.html"), "half").unwrap();
    let script = "rmdir dist/matters/uploads; \
                  mount --bind ../uploads .qingdan-staging-dist-Ab12Cd/uploads || exit 99; \
                  \"$Q\" build";
    let out = in_mount_namespace(script, &site).unwrap();
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("无法删除") && t.contains("挂载点"), "{t}");
    assert_eq!(
        fs::read_to_string(uploads.join("file.pdf")).unwrap(),
        "precious"
    );
    assert!(!left.parent().unwrap().join("index.html").exists());

    // The output folder itself a mount point: cannot be renamed (EBUSY).
    let www = tmp.path().join("www");
    fs::create_dir(&www).unwrap();
    let script = "mount -t tmpfs none ../www || exit 99; \"$Q\" build --output ../www";
    let out = in_mount_namespace(script, &site).unwrap();
    refused(
        &out,
        &[
            "它本身是一个挂载点",
            "EBUSY",
            "挂载点里面的一个文件夹",
            "符号链接",
        ],
    );
    assert!(ours(tmp.path()).is_empty(), "{:?}", ours(tmp.path()));
}

/// F5: a folder created or filled while the build waits before its swap
/// is never replaced.
#[cfg(target_os = "linux")]
#[test]
fn a_folder_made_while_the_build_waits_is_never_replaced() {
    let (tmp, site) = site_in_a_folder();
    let www = tmp.path().join("www");
    for existed in [false, true] {
        let _ = fs::remove_dir_all(&www);
        if existed {
            fs::create_dir(&www).unwrap();
        }
        let (child, ready) = build_paused_with(&site, &["build", "--output", "../www"]);
        fs::create_dir_all(&www).unwrap();
        fs::write(www.join("precious.html"), "someone's").unwrap();
        fs::remove_file(&ready).unwrap();
        let out = child.wait_with_output().unwrap();
        refused(&out, &["拒绝替换 ../www"]);
        assert_eq!(
            fs::read_to_string(www.join("precious.html")).unwrap(),
            "someone's",
            "existed: {existed}"
        );
        assert_eq!(fs::read_dir(&www).unwrap().count(), 1);
        assert!(ours(tmp.path()).is_empty(), "{:?}", ours(tmp.path()));
    }
}

/// The output folder's mode and group are kept across builds.
#[cfg(unix)]
#[test]
fn the_outputs_mode_and_group_are_kept() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (_tmp, site) = site_in_a_folder();
    let dist = site.join("dist");
    fs::create_dir(&dist).unwrap();
    // nogroup where allowed (as root), else the user's own group.
    let gid = if std::os::unix::fs::chown(&dist, None, Some(65534)).is_ok() {
        65534
    } else {
        fs::metadata(&dist).unwrap().gid()
    };
    fs::set_permissions(&dist, fs::Permissions::from_mode(0o2750)).unwrap();
    for _ in 0..2 {
        let out = qingdan(&["build"], &site);
        assert!(out.status.success(), "{}", text(&out));
        let meta = fs::metadata(&dist).unwrap();
        assert_eq!(meta.mode() & 0o7777, 0o2750);
        assert_eq!(meta.gid(), gid);
    }
}

/// A build that stops on content errors removes no leftovers (so it has
/// none to report); the next good build removes and names them.
#[test]
fn leftovers_are_removed_only_by_a_build_that_gets_to_writing() {
    let (_tmp, site) = site_in_a_folder();
    assert!(qingdan(&["build"], &site).status.success());
    let left = site.join(".qingdan-staging-dist-Ab12Cd");
    fs::create_dir_all(&left).unwrap();
    let index = site.join("content/_index.md");
    let good = fs::read(&index).unwrap();
    let basic = fs::read_dir(site.join("content/basic"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let matter = fs::read(&basic).unwrap();
    fs::write(&basic, "+++\nlist = \"basic\"\n+++\n").unwrap();
    let out = qingdan(&["build"], &site);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(left.is_dir(), "kept by a build that wrote nothing");
    fs::write(&basic, matter).unwrap();
    fs::write(&index, good).unwrap();
    let out = qingdan(&["build"], &site);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("已删除此前中断的构建留下的"),
        "{}",
        text(&out)
    );
    assert!(!left.exists());
}

/// A folder holding the output that cannot be written: say why qingdan
/// needs to write there.
#[cfg(target_os = "linux")]
#[test]
fn a_read_only_parent_is_explained() {
    let (tmp, site) = site_in_a_folder();
    let ro = tmp.path().join("ro");
    fs::create_dir(&ro).unwrap();
    let out = {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        let out = qingdan(&["build", "--output", "../ro/www"], &site);
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
        if out.status.success() {
            // Root ignores the mode: a read-only mount instead.
            let script = "mount --bind ../ro ../ro && mount -o remount,bind,ro ../ro || exit 99; \
                          \"$Q\" build --output ../ro/www";
            match in_mount_namespace(script, &site) {
                Some(out) => out,
                None => return,
            }
        } else {
            out
        }
    };
    refused(
        &out,
        &[
            "qingdan 需要对输出目录所在的文件夹有写权限",
            ".qingdan-staging-",
            "锁文件",
        ],
    );
}

/// --force is not a way to replace another site's sources or the home folder.
#[test]
fn force_refuses_another_sites_sources_and_the_home_folder() {
    let (tmp, site) = site_in_a_folder();
    let other = tmp.path().join("other");
    fs::create_dir_all(other.join("content/basic")).unwrap();
    fs::write(other.join("site.toml"), "").unwrap();
    fs::write(other.join("content/basic/001.md"), "a matter").unwrap();
    for output in ["../other/content", "../other/content/basic"] {
        refused(
            &qingdan(&["build", "--output", output, "--force"], &site),
            &["另一个 qingdan 站点的源文件目录", "--force 也不例外"],
        );
    }
    assert!(other.join("content/basic/001.md").is_file());

    let home = tmp.path().join("home");
    fs::create_dir_all(&home).unwrap();
    fs::write(home.join(".bashrc"), "").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(["build", "--output", "../home", "--force"])
        .current_dir(&site)
        .env("HOME", &home)
        .output()
        .unwrap();
    refused(&out, &["用户的主目录", "--force 也不例外"]);
    assert!(home.join(".bashrc").is_file());
}
