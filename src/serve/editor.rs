//! The editors' view, only in `serve`: each matter under review shows its
//! `review` note in a marked box, and `/_review/` lists every matter
//! awaiting verification, grouped by list. The notes come from the review
//! diagnostics that validation already collects (file and note), matched to
//! the matter by the file's `list` and `seq`; the public model never holds
//! them, so nothing here can leak into `build`.

use std::path::{Path, PathBuf};

use crate::content::{split_front_matter, FrontMatter, ListKind, MatterId};
use crate::diagnostics::{Diagnostics, Severity};
use crate::model::Site;
use crate::text_file;

use super::preview::escape;

/// The worklist's path under the base path.
pub const WORKLIST: &str = "_review/";

/// A matter under review, with its editors' note.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: String,
    pub list: &'static str,
    pub list_name: &'static str,
    pub seq: u32,
    pub title: String,
    /// URL of the matter's page.
    pub url: String,
    /// Path of the page inside the site (`matters/basic-001/`).
    pub path: String,
    /// The matter file, relative to the site root, and the note's line.
    pub file: PathBuf,
    pub line: Option<usize>,
    pub note: String,
}

/// The notes of every matter under review, in the site's order.
pub fn notes(root: &Path, diags: &Diagnostics, site: &Site) -> Vec<Note> {
    let mut notes: Vec<(usize, Note)> = diags
        .iter()
        .filter(|d| d.severity == Severity::Review)
        .filter_map(|d| {
            let id = matter_id(&root.join(&d.file))?.to_string();
            let index = site.matters.iter().position(|m| m.id == id)?;
            let m = &site.matters[index];
            Some((
                index,
                Note {
                    id,
                    list: m.list,
                    list_name: m.list_name,
                    seq: m.seq,
                    title: m.title.clone(),
                    url: m.url.clone(),
                    path: m.path.clone(),
                    file: d.file.clone(),
                    line: d.position.map(|p| p.line),
                    note: d.message.clone(),
                },
            ))
        })
        .collect();
    notes.sort_by_key(|(i, _)| *i);
    notes.into_iter().map(|(_, n)| n).collect()
}

/// The `list` and `seq` of a matter file that passed validation.
fn matter_id(path: &Path) -> Option<MatterId> {
    let text = text_file::read(path).ok()?;
    let split = split_front_matter(&text)?;
    let front: FrontMatter = toml::from_str(split.toml).ok()?;
    Some(MatterId {
        list: front.list,
        seq: u32::try_from(front.seq).ok()?,
    })
}

fn where_(n: &Note) -> String {
    match n.line {
        Some(l) => format!("{}（第 {l} 行）", n.file.display()),
        None => n.file.display().to_string(),
    }
}

/// The box shown under a matter's title in the preview.
pub fn note_box(n: &Note) -> String {
    format!(
        r#"<aside class="qd-note" aria-label="编辑核对说明"><p class="qd-note-head"><strong>编辑核对说明</strong>（只在预览中显示，正式网站不显示）· 在 <code>{}</code> 的 review 中</p><div class="qd-note-text">{}</div><p class="qd-note-foot">核对完成后删除文件中 review 这一项，本事项就会作为“已核对”发布。<a href="{}">返回待核实清单</a></p></aside>"#,
        escape(&where_(n)),
        escape(&n.note),
        escape(&worklist_url_from(&n.url, &n.path)),
    )
}

/// `/base/_review/` from a matter's URL and path.
fn worklist_url_from(url: &str, path: &str) -> String {
    let base = url.strip_suffix(path).unwrap_or("/");
    format!("{base}{WORKLIST}")
}

/// The strip at the top of every served page: that this is the preview,
/// and the way to the worklist.
pub fn preview_bar(base: &str, reviews: usize) -> String {
    format!(
        r#"<div class="qd-bar" role="note">本机预览（qingdan serve）· 保存文件后自动刷新 · <a href="{}{WORKLIST}">待核实清单（{reviews} 项）</a></div>"#,
        escape(base)
    )
}

/// `/_review/`: every matter awaiting verification, grouped by list, with
/// counts on top, in the site's frame (`shell` is its rendered 404 page,
/// whose `<main>` is replaced).
pub fn worklist_page(shell: &str, site: &Site, notes: &[Note]) -> String {
    let total = site.matters.len();
    let mut main = String::new();
    main.push_str("<h1>待核实清单</h1>");
    main.push_str(&format!(
        r#"<p class="qd-counts">共 {total} 个事项，其中 <strong>{}</strong> 个待核实（有 review 说明），{} 个已核对。</p><ul class="qd-count-list">"#,
        notes.len(),
        total - notes.len().min(total)
    ));
    for kind in ListKind::ALL {
        let in_list = site.matters.iter().filter(|m| m.list == kind.key()).count();
        let waiting = notes.iter().filter(|n| n.list == kind.key()).count();
        main.push_str(&format!(
            r##"<li><a href="#list-{}">{}</a>：{waiting} 个待核实 / 共 {in_list} 个</li>"##,
            kind.key(),
            kind.name()
        ));
    }
    main.push_str("</ul>");
    main.push_str(
        r#"<p class="qd-howto">每个事项下面是编辑写在文件 <code>review = "…"</code> 里的说明。拿原件（PDF）核对、改好正文后，删除 review 这一项（多行的说明连同三个引号之间的全部文字）并保存，事项就从本清单消失。本页只在 qingdan serve 预览中有，正式网站没有。</p>"#,
    );
    for kind in ListKind::ALL {
        let list: Vec<&Note> = notes.iter().filter(|n| n.list == kind.key()).collect();
        main.push_str(&format!(
            r#"<section class="qd-worklist" aria-labelledby="list-{key}"><h2 id="list-{key}">{}（{} 个待核实）</h2>"#,
            kind.name(),
            list.len(),
            key = kind.key()
        ));
        if list.is_empty() {
            main.push_str("<p>本清单没有待核实的事项。</p></section>");
            continue;
        }
        main.push_str("<ol class=\"qd-items\">");
        for n in list {
            main.push_str(&format!(
                r#"<li><p class="qd-item-title"><a href="{}">第 {} 项 · {}</a></p><p class="qd-item-file">文件：<code>{}</code></p><div class="qd-note-text">{}</div></li>"#,
                escape(&n.url),
                n.seq,
                escape(&n.title),
                escape(&where_(n)),
                escape(&n.note)
            ));
        }
        main.push_str("</ol></section>");
    }
    replace_main(shell, &main, "待核实清单")
}

/// The shell with its `<main>` content and `<title>` replaced.
fn replace_main(shell: &str, main: &str, title: &str) -> String {
    // The 404 page's breadcrumb and meta tags name it 页面不存在.
    let shell = shell.replace("页面不存在", title);
    let shell = shell.as_str();
    let mut page = match (shell.find("<main"), shell.rfind("</main>")) {
        (Some(start), Some(end)) if start < end => match shell[start..end].find('>') {
            Some(open) => {
                let inner_start = start + open + 1;
                format!("{}{}{}", &shell[..inner_start], main, &shell[end..])
            }
            None => shell.to_string(),
        },
        _ => format!("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title></title></head><body><main>{main}</main></body></html>"),
    };
    if let (Some(a), Some(b)) = (page.find("<title>"), page.find("</title>")) {
        if a < b {
            page.replace_range(a + "<title>".len()..b, &format!("{title} - 预览"));
        }
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worklist_url_is_under_the_base() {
        assert_eq!(
            worklist_url_from("/zwgk/lzqd/matters/basic-001/", "matters/basic-001/"),
            "/zwgk/lzqd/_review/"
        );
        assert_eq!(
            worklist_url_from("/matters/basic-001/", "matters/basic-001/"),
            "/_review/"
        );
    }

    #[test]
    fn replace_main_keeps_the_frame() {
        let shell = "<html><head><title>页面不存在 - 站</title></head><body><header>h</header><main id=\"main\"><h1>页面不存在</h1></main><footer>f</footer></body></html>";
        let page = replace_main(shell, "<h1>W</h1>", "待核实清单");
        assert_eq!(
            page,
            "<html><head><title>待核实清单 - 预览</title></head><body><header>h</header><main id=\"main\"><h1>W</h1></main><footer>f</footer></body></html>"
        );
    }
}
