//! `qingdan serve`: the clerk's live preview. The site is built in memory
//! (never into `dist/`), served over HTTP on 127.0.0.1, rebuilt when a file
//! under `content/`, `theme/` or `site.toml` changes, and every open page
//! reloads itself through Server-Sent Events.
//!
//! What only the preview shows is added here, to the served copy of the
//! rendered pages, never by the theme: the reload script
//! ([`preview::RELOAD_JS`]), the editors' `review` notes and the worklist
//! `/_review/` ([`editor`]), and the error page that replaces every page
//! while the content does not build. The public `build` goes through none
//! of this, so its output cannot carry a note or the script.

pub mod editor;
pub mod http;
pub mod preview;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

pub use preview::Snapshot;

/// Port tried first when none is given (as Zola does).
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after the default are tried when it is taken.
const PORTS_TO_TRY: u16 = 20;

pub struct Options {
    pub root: PathBuf,
    /// Given explicitly: use exactly this one, or fail.
    pub port: Option<u16>,
    pub bind: IpAddr,
    pub base_path: Option<String>,
    pub open: bool,
}

/// The current build, shared by the request threads; `version` tells the
/// open pages (through their event streams) that they are out of date.
pub struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    version: Mutex<String>,
    changed: Condvar,
}

impl Shared {
    pub fn new(snapshot: Snapshot) -> Shared {
        let version = snapshot.version.clone();
        Shared {
            snapshot: RwLock::new(Arc::new(snapshot)),
            version: Mutex::new(version),
            changed: Condvar::new(),
        }
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Puts a new build in place and wakes every event stream.
    pub fn replace(&self, snapshot: Snapshot) {
        let version = snapshot.version.clone();
        *self
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
        *self.version.lock().unwrap_or_else(PoisonError::into_inner) = version;
        self.changed.notify_all();
    }

    /// Waits until the version differs from `seen` or `timeout` passes;
    /// returns the version then.
    pub fn wait_for_change(&self, seen: &str, timeout: Duration) -> String {
        let guard = self.version.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |v| v == seen)
            .unwrap_or_else(PoisonError::into_inner);
        guard.clone()
    }

    pub fn version(&self) -> String {
        self.version
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Runs the preview until the process is stopped. Returns only on a
/// failure to start, with the message for the clerk.
pub fn run(opts: &Options) -> Result<(), String> {
    let root = opts.root.as_path();
    if !root.join("site.toml").is_file() {
        return Err(format!(
            "{} 里没有 site.toml，这不是一个站点目录。\n    → 在站点目录（有 site.toml、content/ 的文件夹）里运行，或用 --root 指定它",
            shown(root)
        ));
    }
    let base_override = opts.base_path.as_deref();
    if let Some(b) = base_override {
        crate::config::normalize_base_path(b).map_err(|e| format!("--base-path：{e}"))?;
    }

    // Watching starts before the first build: a change saved meanwhile
    // waits for the rebuild loop instead of being lost.
    let watching = watch::start(root).map_err(|e| format!("无法监视文件变化：{e}"))?;
    let started = Instant::now();
    let builder = preview::Builder::new(root, base_override);
    let (first, deferred) = builder.build(None);
    let first = match deferred.map(|d| d.finish(&first)) {
        None => first,
        Some(Ok(complete)) => complete,
        Some(Err(e)) => {
            crate::say_err!("提示 warning: 搜索索引生成失败：{e}");
            first
        }
    };
    report_build(&first, started.elapsed());
    let shared = Arc::new(Shared::new(first));

    let listener = bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("无法读取监听地址：{e}"))?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| format!("无法启动预览服务：{e}"))?;

    watching
        .rebuild_on_change(builder, Arc::clone(&shared))
        .map_err(|e| format!("无法监视文件变化：{e}"))?;

    let base = shared.current().base.clone();
    let url = format!("http://{}{}", display_addr(addr), base);
    crate::say!("预览地址：{url}");
    crate::say!("待核实清单：{url}_review/");
    crate::say!("保存文件后页面会自动刷新。按 Ctrl-C 停止预览。");
    if !opts.bind.is_loopback() {
        crate::say_err!(
            "提示 warning: 预览监听在 {}，同一网络中的其他电脑也能打开它，包括待核实说明；只在本机预览时去掉 --bind。",
            opts.bind
        );
    }

    if let Err(e) = ctrlc::set_handler(|| {
        crate::say_err!("\n预览已停止。");
        std::process::exit(0)
    }) {
        crate::say_err!("提示 warning: 无法处理 Ctrl-C（{e}）；关闭终端窗口即可停止预览。");
    }

    if opts.open {
        open_browser(&url);
    }

    http::serve(&server, &shared);
    Ok(())
}

fn shown(root: &Path) -> String {
    if root == Path::new(".") {
        "当前文件夹".into()
    } else {
        root.display().to_string()
    }
}

/// Prints one line about a build: how long, how many pages, or that it failed.
pub fn report_build(snapshot: &Snapshot, took: Duration) {
    let ms = took.as_millis();
    match &snapshot.broken {
        None => crate::say_err!(
            "[{}] 已生成 {} 个页面和文件（{} ms），{} 个事项待核实。",
            clock(),
            snapshot.file_count(),
            ms,
            snapshot.reviews
        ),
        Some(b) => crate::say_err!(
            "[{}] 内容有 {} 个错误，浏览器中显示错误页（{} ms）：\n{}",
            clock(),
            b.errors,
            ms,
            b.text
        ),
    }
}

/// The time of day (UTC) for log lines, so that a clerk can match a line to a save.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02}",
        (secs / 3600) % 24,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Binds `port`, or, with none given, the default port or one of the next few.
fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, String> {
    let try_one = |p: u16| TcpListener::bind(SocketAddr::new(ip, p));
    match port {
        Some(p) => try_one(p).map_err(|e| bind_error(ip, p, &e)),
        None => {
            let mut last = None;
            for p in DEFAULT_PORT..DEFAULT_PORT.saturating_add(PORTS_TO_TRY) {
                match try_one(p) {
                    Ok(l) => return Ok(l),
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
                    Err(e) => return Err(bind_error(ip, p, &e)),
                }
            }
            Err(format!(
                "端口 {DEFAULT_PORT}–{} 都已被占用（{}）。\n    → 用 --port 指定一个空闲端口，例如 --port 8080",
                DEFAULT_PORT.saturating_add(PORTS_TO_TRY - 1),
                last.map_or_else(String::new, |e| e.to_string())
            ))
        }
    }
}

fn bind_error(ip: IpAddr, port: u16, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "端口 {port} 已被占用（可能另一个 qingdan serve 还开着）。\n    → 关掉占用它的程序，或换一个端口：--port {}，或不写 --port 让 qingdan 自己找空闲端口",
            port.saturating_add(1)
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "没有权限使用端口 {port}（1024 以下的端口需要管理员权限）。\n    → 换一个大于 1024 的端口，例如 --port 8080"
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "本机没有地址 {ip}。\n    → 去掉 --bind（默认 127.0.0.1，只有本机能访问）"
        ),
        _ => format!("无法在 {ip}:{port} 上启动预览服务：{e}"),
    }
}

fn display_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("[::1]:{}", addr.port()),
        _ => addr.to_string(),
    }
}

/// Opens the preview in the desktop's browser; a failure only says so.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Err(e) = cmd.spawn() {
        crate::say_err!("提示 warning: 无法打开浏览器（{e}）；请手动打开 {url}");
    }
}
