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
    #[serde(default)]
    pub government: Government,
}

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
    let path: PathBuf = root.join("site.toml");
    let text = match text_file::read(&path) {
        Ok(t) => t,
        Err(e) => {
            diags
                .error(&path, None, e.to_string())
                .help("在站点根目录放一个 site.toml（可用 --root 指定根目录）");
            return None;
        }
    };
    let mut config: SiteConfig = match toml::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            let pos = e.span().map(|s| Position::of_offset(&text, s.start));
            diags
                .error(&path, pos, format!("site.toml 格式错误：{}", e.message()))
                .help("对照 README 中 site.toml 的说明修改该行");
            return None;
        }
    };
    if config.review_notice.trim().is_empty() {
        let pos = text
            .find("review_notice")
            .map(|o| Position::of_offset(&text, o));
        diags
            .error(
                &path,
                pos,
                "review_notice 不能为空：待核实的事项页面需要一句说明",
            )
            .help(format!(
                "删去 review_notice 使用默认的“{DEFAULT_REVIEW_NOTICE}”，或写一句话"
            ));
    }
    match normalize_base_path(&config.base_path) {
        Ok(b) => config.base_path = b,
        Err(msg) => {
            let pos = text
                .find("base_path")
                .map(|o| Position::of_offset(&text, o));
            diags
                .error(&path, pos, msg)
                .help("例如 base_path = \"/zwgk/lzqd/\"");
        }
    }
    if let Some(url) = &config.url {
        let url = url.trim_end_matches('/');
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            let pos = text.find("url").map(|o| Position::of_offset(&text, o));
            diags
                .error(
                    &path,
                    pos,
                    format!("url “{url}” 不是以 http:// 或 https:// 开头的网址"),
                )
                .help("例如 url = \"https://www.example.gov.cn\"");
        }
        config.url = Some(url.to_string());
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
}
