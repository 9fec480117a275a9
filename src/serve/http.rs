//! Answering requests from the current snapshot. Files are looked up in
//! the built site held in memory, never on disk, so no request can reach
//! a file outside it; `..`, backslashes and NUL are refused outright, and
//! a folder without an `index.html` is a 404, never a listing.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use super::editor::WORKLIST;
use super::preview::{Snapshot, PREFIX, RELOAD_JS, SERVE_CSS};
use super::Shared;

/// How often an idle event stream gets a comment, so that a closed page is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Answers requests until the server stops. Each request gets a thread:
/// event streams stay open as long as their page.
pub fn serve(server: &Server, shared: &Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("qingdan-request".into())
            .spawn(move || handle(request, &shared));
        if let Err(e) = spawned {
            crate::say_err!("提示 warning: 无法处理请求（{e}）");
        }
    }
}

/// What a request is answered with.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// A file of the site (or of the preview), with its status.
    File {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// A theme file whose name carries its content's hash: it never
    /// changes under that name, so the browser may keep it across reloads.
    Hashed {
        content_type: &'static str,
        body: Vec<u8>,
    },
    Redirect(String),
    Events,
    MethodNotAllowed,
    BadRequest,
}

fn handle(request: Request, shared: &Shared) {
    let head = *request.method() == Method::Head;
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(with(plain(405, "只支持 GET 请求"), "Allow", "GET, HEAD"));
        return;
    }
    let snapshot = shared.current();
    let answer = route(&snapshot, request.url());
    let _ = match answer {
        Answer::Events => {
            stream_events(request, shared);
            Ok(())
        }
        Answer::File {
            status,
            content_type,
            body,
        } => {
            let response =
                Response::from_data(if head { Vec::new() } else { body }).with_status_code(status);
            let response = with(response, "Content-Type", content_type);
            let response = with(response, "Cache-Control", "no-store");
            request.respond(with(response, "X-Content-Type-Options", "nosniff"))
        }
        Answer::Hashed { content_type, body } => {
            let response = Response::from_data(if head { Vec::new() } else { body });
            let response = with(response, "Content-Type", content_type);
            let response = with(response, "Cache-Control", "max-age=31536000, immutable");
            request.respond(with(response, "X-Content-Type-Options", "nosniff"))
        }
        Answer::Redirect(to) => {
            let response = Response::from_data(Vec::new()).with_status_code(302);
            let response = with(response, "Location", &encode_path(&to));
            request.respond(with(response, "Cache-Control", "no-store"))
        }
        Answer::MethodNotAllowed => request.respond(plain(405, "只支持 GET 请求")),
        Answer::BadRequest => request.respond(plain(400, "请求的地址不合法")),
    };
}

type Body = Response<std::io::Cursor<Vec<u8>>>;

fn plain(status: u16, text: &str) -> Body {
    let response = Response::from_data(text.as_bytes().to_vec()).with_status_code(status);
    with(response, "Content-Type", "text/plain; charset=utf-8")
}

/// Adds a header. Values are ASCII constants and percent-encoded paths, so
/// none is refused; one that were would be left out rather than panic.
fn with(response: Body, name: &str, value: &str) -> Body {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(h) => response.with_header(h),
        Err(()) => response,
    }
}

/// Percent-encodes what may not stand in a header: non-ASCII, controls, spaces.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decides what a request URL gets, from the snapshot alone.
pub fn route(snapshot: &Snapshot, raw_url: &str) -> Answer {
    let raw_path = raw_url.split(['?', '#']).next().unwrap_or("");
    let Some(path) = percent_decode(raw_path) else {
        return Answer::BadRequest;
    };
    if !path.starts_with('/')
        || path.contains('\\')
        || path.contains('\0')
        || path.split('/').any(|seg| seg == ".." || seg == ".")
    {
        return Answer::BadRequest;
    }
    let base = snapshot.base.as_str();
    let Some(rel) = path.strip_prefix(base) else {
        // `/zwgk/lzqd` without its slash, or `/` when the site lives under a path.
        if format!("{path}/") == base || path == "/" {
            return Answer::Redirect(base.to_string());
        }
        return not_found(snapshot);
    };
    if let Some(own) = rel.strip_prefix(PREFIX) {
        return match own {
            "reload.js" => file(200, "reload.js", RELOAD_JS.as_bytes().to_vec()),
            "serve.css" => file(200, "serve.css", SERVE_CSS.as_bytes().to_vec()),
            "events" => Answer::Events,
            _ => not_found(snapshot),
        };
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    let is_page = key.ends_with(".html") || !has_extension(&key);
    if let (Some(broken), true) = (&snapshot.broken, is_page) {
        return file(500, "error.html", broken.html.clone());
    }
    if let Some(bytes) = snapshot.files.get(&key) {
        if is_hashed_asset(&key) {
            return Answer::Hashed {
                content_type: content_type(&key),
                body: bytes.to_vec(),
            };
        }
        return file(200, &key, bytes.to_vec());
    }
    // A folder asked for without its slash: send the browser to the slash,
    // so that the page's relative links resolve.
    if !rel.is_empty() && snapshot.files.contains_key(&format!("{rel}/index.html")) {
        return Answer::Redirect(format!("{base}{rel}/"));
    }
    if rel == WORKLIST.trim_end_matches('/') {
        return Answer::Redirect(format!("{base}{WORKLIST}"));
    }
    not_found(snapshot)
}

fn not_found(snapshot: &Snapshot) -> Answer {
    if let Some(broken) = &snapshot.broken {
        return file(500, "error.html", broken.html.clone());
    }
    match snapshot.files.get("404.html") {
        Some(bytes) => file(404, "404.html", bytes.to_vec()),
        None => file(404, "404.txt", "页面不存在".as_bytes().to_vec()),
    }
}

fn file(status: u16, name: &str, body: Vec<u8>) -> Answer {
    Answer::File {
        status,
        content_type: content_type(name),
        body,
    }
}

/// `static/style.1a2b3c4d5e.css`: named by `assets` with a content hash.
fn is_hashed_asset(path: &str) -> bool {
    let Some(name) = path.strip_prefix("static/") else {
        return false;
    };
    let parts: Vec<&str> = name.rsplit('.').collect();
    parts.len() >= 3 && parts[1].len() >= 8 && parts[1].bytes().all(|b| b.is_ascii_hexdigit())
}

fn has_extension(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// The Content-Type of a site file, by its extension; text always in UTF-8.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// `%E6%B8%85` → 清; `None` for a malformed escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Server-Sent Events: the current version at once, then each new one as
/// it is built (`event: reload`). The page reloads when the version is not
/// the one it was built with.
fn stream_events(request: Request, shared: &Shared) {
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n";
    let mut seen = shared.version();
    let first = format!("retry: 500\nevent: reload\ndata: {seen}\n\n");
    if writer.write_all(head.as_bytes()).is_err()
        || writer.write_all(first.as_bytes()).is_err()
        || writer.flush().is_err()
    {
        return;
    }
    loop {
        let now = shared.wait_for_change(&seen, KEEPALIVE);
        let message = if now == seen {
            ": keep-alive\n\n".to_string()
        } else {
            seen = now;
            format!("event: reload\ndata: {seen}\n\n")
        };
        if writer.write_all(message.as_bytes()).is_err() || writer.flush().is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::preview::Broken;

    fn snapshot(base: &str, broken: bool) -> Snapshot {
        let files: crate::serve::preview::Files = [
            ("index.html", &b"home"[..]),
            ("404.html", b"missing"),
            ("matters/basic-001/index.html", b"m1"),
            ("static/style.abc.css", b"css"),
            ("static/prefs.0123456789.js", b"js"),
            ("_review/index.html", b"work"),
        ]
        .into_iter()
        .map(|(p, b)| (p.to_string(), Arc::new(b.to_vec())))
        .collect();
        Snapshot {
            version: "v1".into(),
            base: base.into(),
            files,
            broken: broken.then(|| Broken {
                html: b"broken".to_vec(),
                text: String::new(),
                errors: 1,
            }),
            reviews: 0,
        }
    }

    fn body(a: &Answer) -> (u16, &str, &[u8]) {
        match a {
            Answer::Hashed { content_type, body } => (200, content_type, body),
            Answer::File {
                status,
                content_type,
                body,
            } => (*status, content_type, body),
            other => panic!("not a file: {other:?}"),
        }
    }

    #[test]
    fn pages_under_the_base_path() {
        let s = snapshot("/zwgk/lzqd/", false);
        assert_eq!(
            body(&route(&s, "/zwgk/lzqd/")),
            (200, "text/html; charset=utf-8", &b"home"[..])
        );
        assert_eq!(
            body(&route(&s, "/zwgk/lzqd/matters/basic-001/?x=1")).2,
            b"m1"
        );
        assert_eq!(
            route(&s, "/zwgk/lzqd/matters/basic-001"),
            Answer::Redirect("/zwgk/lzqd/matters/basic-001/".into())
        );
        assert_eq!(route(&s, "/"), Answer::Redirect("/zwgk/lzqd/".into()));
        assert_eq!(
            route(&s, "/zwgk/lzqd"),
            Answer::Redirect("/zwgk/lzqd/".into())
        );
        assert_eq!(body(&route(&s, "/other/")).0, 404);
        assert_eq!(
            body(&route(&s, "/zwgk/lzqd/static/style.abc.css")).1,
            "text/css; charset=utf-8"
        );
        assert_eq!(body(&route(&s, "/zwgk/lzqd/_review/")).2, b"work");
        assert!(matches!(
            route(&s, "/zwgk/lzqd/static/prefs.0123456789.js"),
            Answer::Hashed { .. }
        ));
        assert_eq!(
            route(&s, "/zwgk/lzqd/_review"),
            Answer::Redirect("/zwgk/lzqd/_review/".into())
        );
        assert_eq!(route(&s, "/zwgk/lzqd/_qingdan/events"), Answer::Events);
        assert_eq!(
            body(&route(&s, "/zwgk/lzqd/_qingdan/reload.js")).1,
            "text/javascript; charset=utf-8"
        );
    }

    #[test]
    fn nothing_outside_the_site() {
        let s = snapshot("/", false);
        for url in [
            "/../etc/passwd",
            "/static/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/static/%2E%2E/%2e%2e/Cargo.toml",
            "/..%5c..%5cetc",
            "/a%00b",
            "/%zz",
            "/./index.html",
        ] {
            assert_eq!(route(&s, url), Answer::BadRequest, "{url}");
        }
        // A folder with no index.html is not listed.
        assert_eq!(body(&route(&s, "/static/")).0, 404);
        assert_eq!(body(&route(&s, "/matters/")).0, 404);
    }

    #[test]
    fn a_broken_build_shows_the_error_page_for_pages_only() {
        let s = snapshot("/", true);
        assert_eq!(
            body(&route(&s, "/")),
            (500, "text/html; charset=utf-8", &b"broken"[..])
        );
        assert_eq!(body(&route(&s, "/matters/basic-001/")).2, b"broken");
        assert_eq!(body(&route(&s, "/nowhere/")).2, b"broken");
        assert_eq!(body(&route(&s, "/static/style.abc.css")).2, b"css");
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("/%E6%B8%85/").as_deref(), Some("/清/"));
        assert_eq!(percent_decode("/%E6%B8/"), None);
        assert_eq!(percent_decode("/%4"), None);
        assert_eq!(content_type("data/matters.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("x.bin"), "application/octet-stream");
        assert_eq!(encode_path("/清 单/"), "/%E6%B8%85%20%E5%8D%95/");
        assert!(is_hashed_asset("static/style.1a2b3c4d5e.css"));
        assert!(!is_hashed_asset("static/style.css"));
        assert!(!is_hashed_asset("search/index.json"));
    }
}
