//! What each page's template is given: the shapes of its context.

use serde::Serialize;
use tera::Context;

use crate::model::{Link, MatterView};

pub const TEMPLATES: &[&str] = &[
    "index.html",
    "list.html",
    "categories.html",
    "category.html",
    "departments.html",
    "department.html",
    "matter.html",
    "404.html",
    "search.html",
    "sitemap.html",
    "contact.html",
];

/// URLs of the theme's static files, by their name under `theme/static`.
pub type Assets = std::collections::BTreeMap<String, String>;

pub struct Page {
    /// File path inside the output, e.g. `matters/basic-001/index.html`.
    pub path: String,
    pub template: &'static str,
    pub context: Context,
    /// Addresses the rendered page must link to, because no other page
    /// does: the next page of a split table, a long list's pages on the
    /// site map. A theme from before pagination would leave them out.
    pub must_link: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct PageMeta<'a> {
    pub(super) title: &'a str,
    pub(super) date: &'a str,
    /// 栏目名称 for the government `<meta>` tags.
    pub(super) column: &'a str,
    /// 栏目类型: 首页, 列表页, 文章页 ...
    pub(super) column_type: &'a str,
    /// The navigation entry this page belongs to.
    pub(super) section: &'a str,
    pub(super) breadcrumbs: Vec<Link>,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct SiteMeta<'a> {
    pub(super) title: &'a str,
    /// The host of `url`, for the SiteDomain meta tag.
    pub(super) domain: &'a str,
    pub(super) township: &'a str,
    pub(super) description: &'a str,
    /// The sentence shown on the page of a matter under review.
    pub(super) review_notice: &'a str,
    pub(super) base: &'a str,
    pub(super) url: Option<&'a str>,
    pub(super) date: String,
    pub(super) government: &'a crate::config::Government,
}

/// A matter as a row of a table: enough for a link and its columns.
#[derive(Serialize)]
pub(super) struct Row<'a> {
    pub(super) seq: u32,
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) list_name: &'a str,
    pub(super) category: Option<&'a Link>,
    pub(super) departments: &'a [crate::model::DepartmentLink],
    pub(super) under_review: bool,
}

pub(super) fn row(m: &MatterView) -> Row<'_> {
    Row {
        seq: m.seq,
        title: &m.title,
        url: &m.url,
        list_name: m.list_name,
        category: m.category.as_ref(),
        departments: &m.departments,
        under_review: m.under_review,
    }
}

/// The rows of one list's group that a category page shows.
#[derive(Serialize)]
pub(super) struct GroupRows<'a> {
    pub(super) key: &'a str,
    pub(super) name: &'a str,
    /// The whole group's count, on every page it spans.
    pub(super) count: usize,
    pub(super) rows: Vec<Row<'a>>,
    /// The group began on an earlier page.
    pub(super) continued: bool,
}

/// A list on the site map: its matters, or its pages when it has several.
#[derive(Serialize)]
pub(super) struct SitemapList<'a> {
    pub(super) key: &'a str,
    pub(super) name: &'a str,
    pub(super) count: usize,
    pub(super) rows: Vec<Row<'a>>,
    pub(super) pages: Vec<Link>,
}

/// A link into a long table: where a category (on a list) or a list (on a
/// category) begins, on this page (`#anchor`) or another (`…/page/3/#anchor`).
#[derive(Serialize)]
pub(super) struct Jump {
    pub(super) name: String,
    pub(super) count: usize,
    pub(super) url: String,
}

/// One matter on a department's page: what the department does beside
/// what the township does (cooperative), or how it works now (revoked).
#[derive(Serialize)]
pub(super) struct CrossRef<'a> {
    pub(super) row: Row<'a>,
    /// The other departments that share the matter.
    pub(super) others: Vec<&'a crate::model::DepartmentLink>,
    /// The department's own duties, or the whole section when it is not
    /// split by department.
    pub(super) department_html: Option<&'a str>,
    /// True when `department_html` is shared by several departments.
    pub(super) shared: bool,
    /// True when the duties are split by department but this one has no
    /// subsection: `department_html` is then the text whose department is
    /// not known (lost in extraction), not this department's own.
    pub(super) unattributed: bool,
    pub(super) township_html: Option<&'a str>,
    pub(super) work_html: Option<&'a str>,
}
