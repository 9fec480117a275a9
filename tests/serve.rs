//! `qingdan serve` on the real binary: a copy of the fixture served under a
//! base path on a free port; edits, a broken file and its fix, the
//! worklist, requests for what is not the site's, and that `build` output
//! never carries the preview's additions. Nothing waits a fixed time: every
//! wait polls until a generous deadline.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{fixture_site, qingdan, snapshot, text};

const BASE: &str = "/zwgk/lzqd/";
const DEADLINE: Duration = Duration::from_secs(60);

/// A running `qingdan serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(site: &Path, extra: &[&str]) -> Server {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("serve.log");
    // A port taken between the probe and the bind is retried with another.
    for _ in 0..5 {
        let port = free_port();
        let file = fs::File::create(&log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
            .args(["serve", "--root"])
            .arg(site)
            .args(["--port", &port.to_string()])
            .args(extra)
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        loop {
            let out = fs::read_to_string(&log).unwrap_or_default();
            if out.contains("预览地址") {
                return Server {
                    child,
                    port,
                    log,
                    _dir: logs,
                };
            }
            if let Some(status) = child.try_wait().unwrap() {
                assert!(
                    out.contains("已被占用"),
                    "serve exited with {status}: {out}"
                );
                break;
            }
            assert!(start.elapsed() < DEADLINE, "serve never started: {out}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    panic!("no free port");
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

/// A plain HTTP/1.1 GET, the path sent exactly as given.
fn get(port: u16, path: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// Polls `path` until `ok` holds for the reply; returns it.
fn poll(port: u16, path: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
    let start = Instant::now();
    loop {
        let r = get(port, path);
        if ok(&r) {
            return r;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "{what}: {path} still answers {}: {}",
            r.status,
            r.body.chars().take(3000).collect::<String>()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The versions an event stream has announced, read on a thread.
fn listen(port: u16) -> Arc<Mutex<Vec<String>>> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {BASE}_qingdan/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let out = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { return };
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                if event == "reload" {
                    out.lock().unwrap().push(d.to_string());
                }
            }
        }
    });
    seen
}

fn wait_for(what: &str, ok: impl Fn() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < DEADLINE, "{what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn set_title(site: &Path, file: &str, from: &str, to: &str) {
    let path = site.join(file);
    let old = fs::read_to_string(&path).unwrap();
    assert!(old.contains(from), "{file} has no {from}");
    fs::write(&path, old.replace(from, to)).unwrap();
}

#[test]
fn pages_are_served_under_the_base_path() {
    let site = fixture_site();
    let server = start(site.path(), &["--base-path", BASE]);
    let home = get(server.port, BASE);
    assert_eq!(home.status, 200);
    assert!(home
        .headers
        .contains("content-type: text/html; charset=utf-8"));
    assert!(home.body.contains("示例镇履职事项清单"));
    // The reload script is a file of its own, the CSP allows no inline script.
    assert!(home
        .body
        .contains(&format!(r#"<script src="{BASE}_qingdan/reload.js""#)));
    assert!(!home.body.contains("<script>"));
    let page = get(server.port, &format!("{BASE}matters/basic-001/"));
    assert!(page.body.contains("加强基层党组织建设"), "{}", page.body);
    let script = get(server.port, &format!("{BASE}_qingdan/reload.js"));
    assert_eq!(script.status, 200);
    assert!(script
        .headers
        .contains("content-type: text/javascript; charset=utf-8"));
    assert!(script.body.contains("EventSource"));
    let css_link = regex::Regex::new(r"static/style\.[0-9a-f]+\.css")
        .unwrap()
        .find(&home.body)
        .unwrap()
        .as_str()
        .to_string();
    let css = get(server.port, &format!("{BASE}{css_link}"));
    assert_eq!(css.status, 200);
    assert!(css
        .headers
        .contains("content-type: text/css; charset=utf-8"));
    let json = get(server.port, &format!("{BASE}data/matters.json"));
    assert!(json
        .headers
        .contains("content-type: application/json; charset=utf-8"));
    // Outside the base path: the root sends there, the rest is not found.
    let root = get(server.port, "/");
    assert_eq!(root.status, 302);
    assert!(root.headers.contains(&format!("location: {BASE}")));
    assert_eq!(get(server.port, "/matters/basic-001/").status, 404);
    // dist/ is never written.
    assert!(!site.path().join("dist").exists());
}

#[test]
fn an_edit_reaches_the_page_and_sends_a_reload_event() {
    let site = fixture_site();
    let server = start(site.path(), &["--base-path", BASE]);
    let events = listen(server.port);
    wait_for("the stream announces the current version", || {
        !events.lock().unwrap().is_empty()
    });
    let first = events.lock().unwrap()[0].clone();
    let page = format!("{BASE}matters/basic-001/");
    assert!(get(server.port, &page).body.contains(&first));

    set_title(
        site.path(),
        "content/basic/001.md",
        "加强基层党组织建设",
        "加强和改进基层党组织建设",
    );
    let r = poll(server.port, &page, "the edit is served", |r| {
        r.body.contains("加强和改进基层党组织建设")
    });
    wait_for("a reload event with a new version", || {
        events.lock().unwrap().iter().any(|v| *v != first)
    });
    let newest = events.lock().unwrap().last().unwrap().clone();
    assert!(r.body.contains(&newest) || get(server.port, &page).body.contains(&newest));
    // Lists show the new title too.
    assert!(get(server.port, &format!("{BASE}basic/"))
        .body
        .contains("加强和改进基层党组织建设"));
}

#[test]
fn a_broken_front_matter_shows_the_error_page_until_it_is_fixed() {
    let site = fixture_site();
    let server = start(site.path(), &["--base-path", BASE]);
    let events = listen(server.port);
    wait_for("the stream is open", || !events.lock().unwrap().is_empty());
    let page = format!("{BASE}matters/basic-002/");
    let file = site.path().join("content/basic/001.md");
    let good = fs::read_to_string(&file).unwrap();
    // An unclosed quote on line 5.
    fs::write(
        &file,
        good.replace(
            "title = \"加强基层党组织建设\"",
            "title = \"加强基层党组织建设",
        ),
    )
    .unwrap();
    let broken = poll(server.port, &page, "the error page", |r| {
        r.body.contains("网站暂时无法生成")
    });
    assert_eq!(broken.status, 500);
    assert!(broken
        .headers
        .contains("content-type: text/html; charset=utf-8"));
    assert!(
        broken.body.contains("content/basic/001.md:5"),
        "{}",
        broken.body
    );
    assert!(broken.body.contains("第 5 行"), "{}", broken.body);
    // The offending line's text and the advice.
    assert!(
        broken.body.contains("title = &quot;加强基层党组织建设"),
        "{}",
        broken.body
    );
    assert!(broken.body.contains("怎样改"), "{}", broken.body);
    // It reloads itself once fixed, like every page.
    assert!(broken.body.contains("_qingdan/reload.js"));
    // Every page shows it, not just the broken matter's.
    assert!(get(server.port, BASE).body.contains("网站暂时无法生成"));
    // The terminal says so too.
    let log = fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("content/basic/001.md:5"), "{log}");

    // The stream announced the broken build before the fix is saved.
    let broken_version = regex::Regex::new(r#"data-version="([^"]+)""#)
        .unwrap()
        .captures(&broken.body)
        .unwrap()[1]
        .to_string();
    wait_for("the broken build announced", || {
        events.lock().unwrap().contains(&broken_version)
    });
    let before_fix = events.lock().unwrap().len();
    fs::write(&file, &good).unwrap();
    let fixed = poll(server.port, &page, "the page is back", |r| r.status == 200);
    assert!(!fixed.body.contains("网站暂时无法生成"));
    assert!(fixed.body.contains("示例镇"), "{}", fixed.body);
    wait_for("a reload after the fix", || {
        events.lock().unwrap().len() > before_fix
    });
    assert!(!events.lock().unwrap().last().unwrap().eq(&broken_version));
}

#[test]
fn the_worklist_and_the_matter_page_show_the_review_notes() {
    let site = fixture_site();
    let server = start(site.path(), &["--base-path", BASE]);
    let list = get(server.port, &format!("{BASE}_review/"));
    assert_eq!(list.status, 200);
    assert!(list.body.contains("待核实清单"));
    assert!(
        list.body.contains("事项类别原文为空，待核实。"),
        "{}",
        list.body
    );
    assert!(list.body.contains(&format!("{BASE}matters/revoked-001/")));
    assert!(list.body.contains("content/revoked/001.md"));
    assert!(
        list.body.contains("<strong>1</strong> 个待核实"),
        "{}",
        list.body
    );
    assert!(list.body.contains("上级部门收回事项（1 个待核实）"));
    assert!(list.body.contains("基本履职事项（0 个待核实）"));
    // Without the slash it is sent to the slash.
    assert_eq!(get(server.port, &format!("{BASE}_review")).status, 302);

    let page = get(server.port, &format!("{BASE}matters/revoked-001/"));
    assert!(page.body.contains("编辑核对说明"));
    assert!(page.body.contains("事项类别原文为空，待核实。"));
    // A matter without a note has no box.
    let other = get(server.port, &format!("{BASE}matters/basic-001/"));
    assert!(!other.body.contains("编辑核对说明"));

    // A note deleted: the matter leaves the worklist.
    let file = site.path().join("content/revoked/001.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replace(
            "review = \"事项类别原文为空，待核实。\"",
            "category = \"民生服务\"",
        ),
    )
    .unwrap();
    poll(
        server.port,
        &format!("{BASE}_review/"),
        "the note is gone",
        |r| r.body.contains("<strong>0</strong> 个待核实"),
    );
}

#[test]
fn only_the_sites_own_files_are_served() {
    let site = fixture_site();
    fs::write(site.path().join("secret.txt"), "秘密").unwrap();
    let server = start(site.path(), &["--base-path", BASE]);
    for path in [
        "/zwgk/lzqd/../../secret.txt",
        "/zwgk/lzqd/%2e%2e/%2e%2e/secret.txt",
        "/zwgk/lzqd/static/..%2f..%2fsecret.txt",
        "/../secret.txt",
        "/zwgk/lzqd/..%5csecret.txt",
    ] {
        let r = get(server.port, path);
        assert_eq!(r.status, 400, "{path}");
        assert!(!r.body.contains("秘密"), "{path}");
    }
    for path in [
        "/zwgk/lzqd/secret.txt",
        "/zwgk/lzqd/site.toml",
        "/zwgk/lzqd/content/basic/001.md",
        "/zwgk/lzqd/theme/templates/base.html",
        "/zwgk/lzqd/static/",
        "/zwgk/lzqd/matters/",
        "/zwgk/lzqd/_qingdan/",
    ] {
        let r = get(server.port, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            !r.body.contains("秘密") && !r.body.contains("<title>Index of"),
            "{path}"
        );
    }
}

#[test]
fn a_built_site_has_neither_the_reload_script_nor_the_notes() {
    let site = fixture_site();
    // Serving first changes nothing of what build writes.
    drop(start(site.path(), &[]));
    let out = qingdan(&["build"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let dist = snapshot(&site.path().join("dist"));
    assert!(dist.keys().any(|k| k.starts_with("matters/revoked-001/")));
    for (path, bytes) in dist {
        let s = String::from_utf8_lossy(&bytes);
        for leak in [
            "_qingdan",
            "reload.js",
            "EventSource",
            "qd-note",
            "_review",
            "编辑核对说明",
            "事项类别原文为空",
        ] {
            assert!(!s.contains(leak), "{path} contains {leak}");
        }
    }
}

#[test]
fn a_port_in_use_is_refused_with_a_clear_message() {
    let site = fixture_site();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = qingdan(&["serve", "--port", &port], site.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("端口 {port} 已被占用")),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("--port"), "{}", text(&out));
}

#[test]
fn a_folder_that_is_not_a_site_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = qingdan(&["serve", "--port", "0"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("没有 site.toml"), "{}", text(&out));
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_stops_the_preview_cleanly() {
    use rustix::process::{kill_process, Pid, Signal};
    let site = fixture_site();
    let mut server = start(site.path(), &[]);
    assert_eq!(get(server.port, "/").status, 200);
    kill_process(Pid::from_child(&server.child), Signal::INT).unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < DEADLINE, "serve did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    let log = fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("预览已停止"), "{log}");
    assert!(!site.path().join("dist").exists());
}

#[test]
fn a_broken_theme_or_site_toml_also_shows_the_error_page() {
    let site = fixture_site();
    let server = start(site.path(), &[]);
    let template = site.path().join("theme/templates/matter.html");
    let good = fs::read_to_string(&template).unwrap();
    fs::write(&template, good.replace("{% endblock content %}", "")).unwrap();
    let r = poll(
        server.port,
        "/matters/basic-001/",
        "the theme error page",
        |r| r.body.contains("网站暂时无法生成"),
    );
    assert!(r.body.contains("theme/"), "{}", r.body);
    fs::write(&template, &good).unwrap();
    poll(
        server.port,
        "/matters/basic-001/",
        "the page is back",
        |r| r.status == 200,
    );

    let config = site.path().join("site.toml");
    let good = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        good.replace("township = \"示例镇\"", "township = 示例镇"),
    )
    .unwrap();
    let r = poll(server.port, "/", "the site.toml error page", |r| {
        r.body.contains("网站暂时无法生成")
    });
    assert!(r.body.contains("site.toml:2"), "{}", r.body);
    fs::write(&config, &good).unwrap();
    poll(server.port, "/", "the home page is back", |r| {
        r.status == 200
    });
}

#[test]
fn a_broken_synonyms_file_shows_the_error_page_and_its_removal_is_fine() {
    let site = fixture_site();
    let server = start(site.path(), &[]);
    let file = site.path().join("content/synonyms.toml");
    let good = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        format!("{good}\n[[group]]\nterms = [\"领养\", \"抱养\"]\n"),
    )
    .unwrap();
    let r = poll(server.port, "/", "the synonyms error page", |r| {
        r.body.contains("网站暂时无法生成")
    });
    assert!(r.body.contains("content/synonyms.toml:14:"), "{}", r.body);
    assert!(r.body.contains("只能属于一组"), "{}", r.body);
    // The file is optional: without it the site is back.
    fs::remove_file(&file).unwrap();
    poll(server.port, "/", "the home page is back", |r| {
        r.status == 200
    });
}

#[test]
fn without_port_the_default_or_a_later_one_is_used() {
    let site = fixture_site();
    // Hold the default port (unless something else already does).
    let _held = TcpListener::bind(("127.0.0.1", 1111));
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("serve.log");
    let file = fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(["serve", "--root"])
        .arg(site.path())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let out = loop {
        let out = fs::read_to_string(&log).unwrap_or_default();
        if out.contains("预览地址") || child.try_wait().unwrap().is_some() {
            break out;
        }
        assert!(start.elapsed() < DEADLINE, "serve never started: {out}");
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    let port: u16 = regex::Regex::new(r"预览地址：http://127\.0\.0\.1:(\d+)/")
        .unwrap()
        .captures(&out)
        .unwrap_or_else(|| panic!("no address: {out}"))[1]
        .parse()
        .unwrap();
    assert!((1112..1131).contains(&port), "{out}");
}

/// A clerk's terminal closed (stderr a closed pipe): Ctrl-C or SIGTERM
/// still stops the preview, it does not hang on the farewell message.
#[cfg(unix)]
#[test]
fn serve_stops_on_a_signal_even_when_its_output_is_gone() {
    use std::io::BufRead as _;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let site = fixture_site();
    let mut child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(["serve", "--port", &free_port().to_string()])
        .current_dir(site.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it serves (its handler for Ctrl-C is set just after it
    // says so), then close its stderr: every later write to it fails.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("Ctrl-C") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "serve ended early"
        );
    }
    std::thread::sleep(Duration::from_millis(500));
    drop(child.stderr.take());
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "{status:?}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
