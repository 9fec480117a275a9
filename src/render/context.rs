//! What each page's template is given.

use serde::Serialize;
use tera::Context;

use crate::content::{
    ListKind, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES, SECTION_WORK_METHOD,
};
use crate::model::{Group, Link, MatterView, Site};

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
}

#[derive(Serialize)]
struct PageMeta<'a> {
    title: &'a str,
    date: &'a str,
    /// 栏目名称 for the government `<meta>` tags.
    column: &'a str,
    /// 栏目类型: 首页, 列表页, 文章页 ...
    column_type: &'a str,
    /// The navigation entry this page belongs to.
    section: &'a str,
    breadcrumbs: Vec<Link>,
    url: String,
}

#[derive(Serialize)]
struct SiteMeta<'a> {
    title: &'a str,
    /// The host of `url`, for the SiteDomain meta tag.
    domain: &'a str,
    township: &'a str,
    description: &'a str,
    /// The sentence shown on the page of a matter under review.
    review_notice: &'a str,
    base: &'a str,
    url: Option<&'a str>,
    date: String,
    government: &'a crate::config::Government,
}

/// A matter as a row of a table: enough for a link and its columns.
#[derive(Serialize)]
struct Row<'a> {
    seq: u32,
    title: &'a str,
    url: &'a str,
    list_name: &'a str,
    category: Option<&'a Link>,
    departments: &'a [crate::model::DepartmentLink],
    under_review: bool,
}

fn row(m: &MatterView) -> Row<'_> {
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

#[derive(Serialize)]
struct GroupRows<'a> {
    key: &'a str,
    name: &'a str,
    count: usize,
    rows: Vec<Row<'a>>,
}

/// One matter on a department's page: what the department does beside
/// what the township does (cooperative), or how it works now (revoked).
#[derive(Serialize)]
struct CrossRef<'a> {
    row: Row<'a>,
    /// The other departments that share the matter.
    others: Vec<&'a crate::model::DepartmentLink>,
    /// The department's own duties, or the whole section when it is not
    /// split by department.
    department_html: Option<&'a str>,
    /// True when `department_html` is shared by several departments.
    shared: bool,
    /// True when the duties are split by department but this one has no
    /// subsection: `department_html` is then the text whose department is
    /// not known (lost in extraction), not this department's own.
    unattributed: bool,
    township_html: Option<&'a str>,
    work_html: Option<&'a str>,
}

pub fn pages(site: &Site, assets: &Assets) -> Vec<Page> {
    let home = Link {
        name: "首页".into(),
        url: site.url(""),
    };
    let base_ctx = {
        let mut c = Context::new();
        c.insert(
            "site",
            &SiteMeta {
                title: &site.config.title,
                domain: site
                    .config
                    .url
                    .as_deref()
                    .and_then(|u| u.split("://").nth(1))
                    .unwrap_or(""),
                township: &site.config.township,
                description: &site.config.description,
                review_notice: &site.config.review_notice,
                base: &site.config.base_path,
                url: site.config.url.as_deref(),
                date: site.date(),
                government: &site.config.government,
            },
        );
        c.insert("assets", assets);
        c.insert("lists", &site.lists);
        c.insert("categories_url", &site.url("categories/"));
        c.insert("departments_url", &site.url("departments/"));
        c
    };
    let page = |path: String, template: &'static str, meta: PageMeta<'_>, extra: Context| {
        let mut context = base_ctx.clone();
        context.insert("page", &meta);
        context.extend(extra);
        Page {
            path,
            template,
            context,
        }
    };
    let rows = |idx: &[usize]| {
        idx.iter()
            .map(|&i| row(&site.matters[i]))
            .collect::<Vec<_>>()
    };
    let groups = |gs: &[Group]| -> Vec<GroupRows<'_>> {
        gs.iter()
            .map(|g| GroupRows {
                key: g.key,
                name: g.name,
                count: g.count,
                rows: rows(&g.matters),
            })
            .collect()
    };
    let mut pages = Vec::new();
    let date = site.date();
    // A site-wide page at `dir/`, dated with the site, one level below home.
    let site_page = |dir: &str,
                     template: &'static str,
                     title: &str,
                     column_type: &str,
                     section: &str,
                     extra: Context| {
        page(
            format!("{dir}index.html"),
            template,
            PageMeta {
                title,
                date: &date,
                column: title,
                column_type,
                section,
                breadcrumbs: vec![home.clone()],
                url: site.url(dir),
            },
            extra,
        )
    };

    // Home
    let mut c = Context::new();
    c.insert("intro_title", &site.intro_title);
    c.insert("intro_html", &site.intro_html);
    c.insert("intro_note", &site.intro_note);
    c.insert("categories", &site.categories);
    c.insert("departments", &site.departments);
    c.insert("total", &site.matters.len());
    pages.push(page(
        "index.html".into(),
        "index.html",
        PageMeta {
            title: &site.config.title,
            date: &date,
            column: "首页",
            column_type: "首页",
            section: "home",
            breadcrumbs: vec![],
            url: site.url(""),
        },
        c,
    ));

    // Lists
    for list in &site.lists {
        let mut c = Context::new();
        c.insert("list", list);
        c.insert("rows", &rows(&list.matters));
        pages.push(page(
            format!("{}index.html", list.path),
            "list.html",
            PageMeta {
                title: &format!("{}清单", list.name),
                date: &list.date,
                column: list.name,
                column_type: "列表页",
                section: list.key,
                breadcrumbs: vec![home.clone()],
                url: list.url.clone(),
            },
            c,
        ));
    }

    // Categories
    let mut c = Context::new();
    c.insert("categories", &site.categories);
    c.insert("uncategorized", &rows(&site.uncategorized));
    pages.push(site_page(
        "categories/",
        "categories.html",
        "事项类别",
        "列表页",
        "categories",
        c,
    ));
    let categories_link = Link {
        name: "事项类别".into(),
        url: site.url("categories/"),
    };
    for cat in &site.categories {
        let mut c = Context::new();
        c.insert("category", cat);
        c.insert("groups", &groups(&cat.groups));
        pages.push(page(
            format!("{}index.html", cat.path),
            "category.html",
            PageMeta {
                title: &cat.name,
                date: &cat.date,
                column: &cat.name,
                column_type: "列表页",
                section: "categories",
                breadcrumbs: vec![home.clone(), categories_link.clone()],
                url: cat.url.clone(),
            },
            c,
        ));
    }

    // Departments
    let mut c = Context::new();
    c.insert("departments", &site.departments);
    pages.push(site_page(
        "departments/",
        "departments.html",
        "上级部门",
        "列表页",
        "departments",
        c,
    ));
    let departments_link = Link {
        name: "上级部门".into(),
        url: site.url("departments/"),
    };
    for dept in &site.departments {
        let mut c = Context::new();
        c.insert("department", dept);
        let mut cooperative = Vec::new();
        let mut revoked = Vec::new();
        for g in &dept.groups {
            for &i in &g.matters {
                let m = &site.matters[i];
                let duties = m.section(SECTION_DEPARTMENT_DUTIES);
                let own =
                    duties.and_then(|s| s.subsections.iter().find(|sub| sub.heading == dept.name));
                // A department without its own subsection is given only the
                // text before the subsections (whose department the source
                // lost), never another department's duties.
                let unassigned = duties.map(|s| {
                    if s.subsections.is_empty() {
                        s.html.as_str()
                    } else {
                        s.lead_html.as_str()
                    }
                });
                let entry = CrossRef {
                    row: row(m),
                    others: m
                        .departments
                        .iter()
                        .filter(|d| d.name != dept.name)
                        .collect(),
                    department_html: own
                        .map(|s| s.html.as_str())
                        .or(unassigned)
                        .filter(|h| !h.trim().is_empty()),
                    shared: own.is_none() && m.departments.len() > 1,
                    unattributed: own.is_none()
                        && duties.is_some_and(|s| !s.subsections.is_empty()),
                    township_html: m.section(SECTION_TOWNSHIP_DUTIES).map(|s| s.html.as_str()),
                    work_html: m.section(SECTION_WORK_METHOD).map(|s| s.html.as_str()),
                };
                match g.key {
                    k if k == ListKind::Revoked.key() => revoked.push(entry),
                    _ => cooperative.push(entry),
                }
            }
        }
        c.insert("cooperative", &cooperative);
        c.insert("revoked", &revoked);
        pages.push(page(
            format!("{}index.html", dept.path),
            "department.html",
            PageMeta {
                title: &dept.name,
                date: &dept.date,
                column: &dept.name,
                column_type: "列表页",
                section: "departments",
                breadcrumbs: vec![home.clone(), departments_link.clone()],
                url: dept.url.clone(),
            },
            c,
        ));
    }

    // Matters
    for m in &site.matters {
        let mut c = Context::new();
        c.insert("matter", m);
        let list_link = Link {
            name: format!("{}清单", m.list_name),
            url: m.list_url.clone(),
        };
        pages.push(page(
            format!("{}index.html", m.path),
            "matter.html",
            PageMeta {
                title: &m.title,
                date: &m.date,
                column: m.list_name,
                column_type: "文章页",
                section: m.list,
                breadcrumbs: vec![home.clone(), list_link],
                url: m.url.clone(),
            },
            c,
        ));
    }

    let mut c = Context::new();
    c.insert("categories", &site.categories);
    c.insert("departments", &site.departments);
    c.insert("total", &site.matters.len());
    pages.push(site_page(
        "search/",
        "search.html",
        "搜索事项",
        "其他",
        "search",
        c,
    ));

    let mut c = Context::new();
    c.insert("categories", &site.categories);
    c.insert("departments", &site.departments);
    let lists_as_groups: Vec<GroupRows<'_>> = site
        .lists
        .iter()
        .map(|l| GroupRows {
            key: l.key,
            name: l.name,
            count: l.count,
            rows: rows(&l.matters),
        })
        .collect();
    c.insert("groups", &lists_as_groups);
    pages.push(site_page(
        "sitemap/",
        "sitemap.html",
        "网站地图",
        "其他",
        "",
        c,
    ));
    pages.push(site_page(
        "contact/",
        "contact.html",
        "联系我们",
        "其他",
        "",
        Context::new(),
    ));

    pages.push(page(
        "404.html".into(),
        "404.html",
        PageMeta {
            title: "页面不存在",
            date: &date,
            column: "404",
            column_type: "其他",
            section: "",
            breadcrumbs: vec![home.clone()],
            url: site.url("404.html"),
        },
        Context::new(),
    ));
    pages
}
