//! `site.toml`: the site's settings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostics, Position};
use crate::text_file;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, e.g. 疏附县吾库萨克镇履职事项清单.
    pub title: String,
    /// The township (or street) whose list this is.
    pub township: String,
    /// Where the site is served, e.g. `/zwgk/lzqd/`.
    #[serde(default = "default_base_path")]
    pub base_path: String,
    /// The portal's origin, e.g. `https://www.example.gov.cn`, for absolute URLs in `sitemap.xml`.
    pub url: Option<String>,
    /// The date the list was published, with the document's precision
    /// (a month: `"2025-07"`); pages without their own `updated` show it.
    pub published: crate::date::Date,
    #[serde(default)]
    pub description: String,
    /// The one neutral sentence a public page of a matter under review
    /// shows instead of the editor's note.
    #[serde(default = "default_review_notice")]
    pub review_notice: String,
    /// Rows per page of a list, category or uncategorized table: longer
    /// tables are split into pages (`…/page/2/`), so that a county-sized
    /// list does not make one page of thousands of rows.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    #[serde(default)]
    pub government: Government,
}

/// Rows per page unless `site.toml` says otherwise: a township's longest
/// list (about 130 matters) stays one page.
pub const DEFAULT_PAGE_SIZE: usize = 200;
/// Fewer rows than this would make pages to click through for nothing;
/// more would make pages too heavy for a phone.
pub const PAGE_SIZE_RANGE: std::ops::RangeInclusive<usize> = 20..=2000;

fn default_page_size() -> usize {
    DEFAULT_PAGE_SIZE
}

/// The settings of the site itself, outside any `[table]`.
const TOP_LEVEL_KEYS: &[&str] = &[
    "title",
    "township",
    "base_path",
    "url",
    "published",
    "description",
    "review_notice",
    "page_size",
];

/// What a matter under review says to citizens unless `site.toml` says otherwise.
pub const DEFAULT_REVIEW_NOTICE: &str = "本事项部分内容正在与原件核对。";

fn default_review_notice() -> String {
    DEFAULT_REVIEW_NOTICE.to_string()
}

/// The footer facts that Chinese government websites must show.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Government {
    pub sponsor: Option<String>,
    pub organizer: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub site_id_code: Option<String>,
    pub icp: Option<String>,
    pub police_record: Option<String>,
    pub site_domain: Option<String>,
    pub column_name: Option<String>,
}

impl Government {
    /// Values trimmed; a value of only spaces is no value: a footer line or
    /// meta tag with nothing in it is left out, like an unset one.
    fn tidy(&mut self) {
        for v in [
            &mut self.sponsor,
            &mut self.organizer,
            &mut self.address,
            &mut self.phone,
            &mut self.email,
            &mut self.site_id_code,
            &mut self.icp,
            &mut self.police_record,
            &mut self.site_domain,
            &mut self.column_name,
        ] {
            *v = v
                .take()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
        }
    }

    /// The footer facts not set, as (key, 中文名称).
    pub fn missing(&self) -> Vec<(&'static str, &'static str)> {
        [
            (&self.sponsor, "sponsor", "主办单位"),
            (&self.organizer, "organizer", "承办单位"),
            (&self.address, "address", "地址"),
            (&self.phone, "phone", "联系电话"),
            (&self.email, "email", "电子邮箱"),
            (&self.site_id_code, "site_id_code", "网站标识码"),
            (&self.icp, "icp", "ICP备案号"),
            (&self.police_record, "police_record", "公安机关备案号"),
        ]
        .into_iter()
        .filter(|(v, _, _)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
        .map(|(_, k, n)| (k, n))
        .collect()
    }
}

fn default_base_path() -> String {
    "/".to_string()
}

/// Turns `zwgk/lzqd`, `/zwgk/lzqd` or `/zwgk/lzqd/` into `/zwgk/lzqd/`.
pub fn normalize_base_path(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Ok("/".to_string());
    }
    for segment in trimmed.split('/') {
        let ok = !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c));
        if !ok {
            return Err(format!(
                "基础路径 “{raw}” 无效：每一段只能用英文字母、数字和 - _ . ~ (base path segments must be URL-safe ASCII)"
            ));
        }
    }
    Ok(format!("/{trimmed}/"))
}

/// Reads and checks `site.toml`; problems go into `diags`.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<SiteConfig> {
    // Messages name the file as the clerk sees it from the site root.
    let path = PathBuf::from("site.toml");
    let text = match text_file::read(&root.join(&path)) {
        Ok(t) => t,
        Err(e) => {
            diags
                .error(&root.join(&path), e.position(), e.to_string())
                .help("在站点根目录放一个 site.toml（可用 --root 指定根目录）");
            return None;
        }
    };
    let mut config: SiteConfig = match toml::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            let pos = e.span().map(|s| Position::of_offset(&text, s.start));
            // A site setting written below `[government]` belongs to that table.
            let misplaced = e.message().split('`').nth(1).filter(|key| {
                e.message().starts_with("unknown field") && TOP_LEVEL_KEYS.contains(key)
            });
            let help = match misplaced {
                Some(key) => format!(
                    "{key} 是网站本身的设置，要写在 [government] 这一行之前（写在它后面会被当作 [government] 的一项）"
                ),
                None => "对照 README 中 site.toml 的说明修改该行".to_string(),
            };
            diags
                .error(&path, pos, format!("site.toml 格式错误：{}", e.message()))
                .help(help);
            return None;
        }
    };
    config.government.tidy();
    let at = |key: &str| key_position(&text, key);
    if config.review_notice.trim().is_empty() {
        diags
            .error(
                &path,
                at("review_notice"),
                "review_notice 不能为空：待核实的事项页面需要一句说明",
            )
            .help(format!(
                "删去 review_notice 使用默认的“{DEFAULT_REVIEW_NOTICE}”，或写一句话"
            ));
    }
    if !PAGE_SIZE_RANGE.contains(&config.page_size) {
        diags
            .error(
                &path,
                at("page_size"),
                format!(
                    "page_size = {} 无效：每页行数应在 {} 到 {} 之间",
                    config.page_size,
                    PAGE_SIZE_RANGE.start(),
                    PAGE_SIZE_RANGE.end()
                ),
            )
            .help(format!(
                "删去 page_size 使用默认的每页 {DEFAULT_PAGE_SIZE} 行，或写一个范围内的整数"
            ));
    }
    match normalize_base_path(&config.base_path) {
        Ok(b) => config.base_path = b,
        Err(msg) => {
            diags
                .error(&path, at("base_path"), msg)
                .help("例如 base_path = \"/zwgk/lzqd/\"");
        }
    }
    for (key, value) in config.text_values() {
        if let Some(problem) = single_line_problem(value) {
            diags
                .error(&path, at(key), format!("{key} {problem}"))
                .help("这个值会写进每个页面的头部或页脚，只能是一行普通文字");
        }
    }
    if let Some(raw) = config.url.take() {
        match parse_origin(&raw) {
            Ok(origin) => config.url = Some(origin),
            Err(msg) => {
                diags
                    .error(&path, at("url"), format!("url “{}” 无效：{msg}", raw.escape_debug()))
                    .help("url 只写门户网站的协议和域名，如 url = \"https://www.example.gov.cn\"；栏目路径写在 base_path");
            }
        }
    } else {
        diags
            .warning(
                &path,
                None,
                "未设置 url：sitemap.xml 将只写路径，不写完整网址",
            )
            .help("在 site.toml 中加入 url = \"https://门户网站域名\"");
    }
    for (key, name) in config.government.missing() {
        diags
            .warning(
                &path,
                None,
                format!("[government] 未设置 {key}（{name}），页脚中将不显示"),
            )
            .help(format!(
                "政府网站应在页脚显示{name}：在 site.toml 的 [government] 中加入 {key} = \"…\""
            ));
    }
    Some(config)
}

impl SiteConfig {
    /// Every text setting that ends up in pages, with its key.
    fn text_values(&self) -> Vec<(&'static str, &str)> {
        let g = &self.government;
        let mut v = vec![
            ("title", self.title.as_str()),
            ("township", self.township.as_str()),
            ("description", self.description.as_str()),
            ("review_notice", self.review_notice.as_str()),
        ];
        for (key, value) in [
            ("sponsor", &g.sponsor),
            ("organizer", &g.organizer),
            ("address", &g.address),
            ("phone", &g.phone),
            ("email", &g.email),
            ("site_id_code", &g.site_id_code),
            ("icp", &g.icp),
            ("police_record", &g.police_record),
            ("site_domain", &g.site_domain),
            ("column_name", &g.column_name),
        ] {
            if let Some(value) = value {
                v.push((key, value.as_str()));
            }
        }
        v
    }
}

/// Why `value` cannot stand in a page header, if it cannot: settings are
/// one line of visible text (a newline in a value would, for example,
/// add lines to robots.txt).
pub fn single_line_problem(value: &str) -> Option<&'static str> {
    if value.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        Some("含有换行，只能写一行")
    } else if value
        .chars()
        .any(|c| c.is_control() || crate::text_file::is_forbidden_control(c))
    {
        Some("含有不可见的控制字符")
    } else {
        None
    }
}

/// The portal's origin, normalised (`https://www.example.gov.cn`), or why
/// `raw` is not one.
pub fn parse_origin(raw: &str) -> Result<String, &'static str> {
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("含有空格、换行或控制字符");
    }
    let url = url::Url::parse(raw).map_err(|_| "不是完整的网址")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("须以 http:// 或 https:// 开头");
    }
    if url.host().is_none() {
        return Err("缺少域名");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("不能含用户名或密码");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err("只能是协议和域名（可带端口），不能含路径、? 或 #");
    }
    Ok(url.origin().ascii_serialization())
}

/// Where top-level `key = …` is written in a TOML text.
fn key_position(text: &str, key: &str) -> Option<Position> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return Some(Position::of_offset(text, offset + line.len() - t.len()));
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_normalized() {
        assert_eq!(normalize_base_path("").unwrap(), "/");
        assert_eq!(normalize_base_path("/").unwrap(), "/");
        assert_eq!(normalize_base_path("zwgk/lzqd").unwrap(), "/zwgk/lzqd/");
        assert_eq!(normalize_base_path("/zwgk/lzqd/").unwrap(), "/zwgk/lzqd/");
        assert!(normalize_base_path("/a/../b").is_err());
        assert!(normalize_base_path("/a b/").is_err());
        assert!(normalize_base_path("/中文/").is_err());
    }

    #[test]
    fn url_is_an_origin_and_nothing_else() {
        assert_eq!(
            parse_origin("https://www.example.gov.cn/").unwrap(),
            "https://www.example.gov.cn"
        );
        assert_eq!(
            parse_origin("HTTP://Example.gov.cn:8080").unwrap(),
            "http://example.gov.cn:8080"
        );
        for bad in [
            "https://a.cn\nDisallow: /",
            "https://a.cn/zwgk/",
            "https://a.cn/?q=1",
            "ftp://a.cn",
            "www.a.cn",
            "https://user:pw@a.cn",
            "javascript:alert(1)",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn settings_are_single_lines() {
        assert_eq!(single_line_problem("疏附县人民政府"), None);
        assert!(single_line_problem("a\nb").is_some());
        assert!(single_line_problem("a\u{0}b").is_some());
    }

    fn diags_of(toml_text: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), toml_text).unwrap();
        let mut d = Diagnostics::default();
        load(dir.path(), &mut d);
        d.iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .map(|d| format!("{}:{}", d.position.map_or(0, |p| p.line), d.message))
            .collect()
    }

    #[test]
    fn bad_settings_are_errors_on_their_line() {
        let base = "title = \"t\"\ntownship = \"镇\"\npublished = 2025-07-01\n";
        assert!(diags_of(base).is_empty());
        let e = diags_of(&format!("{base}url = \"https://a.cn\\nSitemap: x\"\n"));
        assert!(e.len() == 1 && e[0].starts_with("4:url"), "{e:?}");
        let e = diags_of(&base.replace("2025-07-01", "10:30:00"));
        assert!(
            e.len() == 1 && e[0].starts_with("3:") && e[0].contains("带有时刻"),
            "{e:?}"
        );
        let e = diags_of(&format!("{base}[government]\nsponsor = \"a\\u0000b\"\n"));
        assert!(e.len() == 1 && e[0].starts_with("5:sponsor"), "{e:?}");
    }
}
