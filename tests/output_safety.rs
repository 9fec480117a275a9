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
#[cfg(target_os = "linux")]
fn build_paused_before_the_swap(site: &Path) -> std::process::Child {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let ready = site.parent().unwrap().join("ready");
    let _ = fs::remove_file(&ready);
    let child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .arg("build")
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
    child
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
