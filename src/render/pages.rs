//! The site's pages, one at a time: a light list of which pages there are
//! ([`kinds`]), and each page's template context made only when that page
//! is rendered ([`Pages::page`]), so that no site is ever held in memory
//! as pages.

use tera::Context;

use super::context::{row, Assets, CrossRef, GroupRows, Page, PageMeta, Row, SiteMeta};
use crate::content::{
    ListKind, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES, SECTION_WORK_METHOD,
};
use crate::model::{DepartmentView, Group, Link, Site};

/// One page of the site; the numbers index the model's vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    List(usize),
    Categories,
    Category(usize),
    Departments,
    Department(usize),
    Matter(usize),
    Search,
    Sitemap,
    Contact,
    NotFound,
}

impl PageKind {
    /// The page's file inside the output.
    pub fn path(self, site: &Site) -> String {
        let dir = match self {
            PageKind::Home => "",
            PageKind::List(i) => &site.lists[i].path,
            PageKind::Categories => "categories/",
            PageKind::Category(i) => &site.categories[i].path,
            PageKind::Departments => "departments/",
            PageKind::Department(i) => &site.departments[i].path,
            PageKind::Matter(i) => &site.matters[i].path,
            PageKind::Search => "search/",
            PageKind::Sitemap => "sitemap/",
            PageKind::Contact => "contact/",
            PageKind::NotFound => return "404.html".into(),
        };
        format!("{dir}index.html")
    }
}

/// Every page of `site`, the matters last (they are the many).
pub fn kinds(site: &Site) -> Vec<PageKind> {
    let mut v = vec![PageKind::Home];
    v.extend((0..site.lists.len()).map(PageKind::List));
    v.push(PageKind::Categories);
    v.extend((0..site.categories.len()).map(PageKind::Category));
    v.push(PageKind::Departments);
    v.extend((0..site.departments.len()).map(PageKind::Department));
    v.extend([
        PageKind::Search,
        PageKind::Sitemap,
        PageKind::Contact,
        PageKind::NotFound,
    ]);
    v.extend((0..site.matters.len()).map(PageKind::Matter));
    v
}

/// Makes pages of one site; shared by the threads that render them.
pub struct Pages<'a> {
    site: &'a Site,
    /// What every page's template is given.
    base: Context,
    home: Link,
    date: String,
}

impl<'a> Pages<'a> {
    pub fn new(site: &'a Site, assets: &Assets) -> Pages<'a> {
        let mut base = Context::new();
        base.insert(
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
        base.insert("assets", assets);
        base.insert("lists", &site.lists);
        base.insert("categories_url", &site.url("categories/"));
        base.insert("departments_url", &site.url("departments/"));
        Pages {
            site,
            base,
            home: Link {
                name: "首页".into(),
                url: site.url(""),
            },
            date: site.date(),
        }
    }

    pub fn page(&self, kind: PageKind) -> Page {
        let site = self.site;
        let path = kind.path(site);
        match kind {
            PageKind::Home => {
                let mut c = Context::new();
                c.insert("intro_title", &site.intro_title);
                c.insert("intro_html", &site.intro_html);
                c.insert("intro_note", &site.intro_note);
                c.insert("categories", &site.categories);
                c.insert("departments", &site.departments);
                c.insert("total", &site.matters.len());
                self.make(
                    path,
                    "index.html",
                    PageMeta {
                        title: &site.config.title,
                        date: &self.date,
                        column: "首页",
                        column_type: "首页",
                        section: "home",
                        breadcrumbs: vec![],
                        url: site.url(""),
                    },
                    c,
                )
            }
            PageKind::List(i) => {
                let list = &site.lists[i];
                let mut c = Context::new();
                c.insert("list", list);
                c.insert("rows", &self.rows(&list.matters));
                self.make(
                    path,
                    "list.html",
                    PageMeta {
                        title: &format!("{}清单", list.name),
                        date: &list.date,
                        column: list.name,
                        column_type: "列表页",
                        section: list.key,
                        breadcrumbs: vec![self.home.clone()],
                        url: list.url.clone(),
                    },
                    c,
                )
            }
            PageKind::Categories => {
                let mut c = Context::new();
                c.insert("categories", &site.categories);
                c.insert("uncategorized", &self.rows(&site.uncategorized));
                self.site_page(
                    "categories/",
                    "categories.html",
                    "事项类别",
                    "列表页",
                    "categories",
                    c,
                )
            }
            PageKind::Category(i) => {
                let cat = &site.categories[i];
                let mut c = Context::new();
                c.insert("category", cat);
                c.insert("groups", &self.groups(&cat.groups));
                self.make(
                    path,
                    "category.html",
                    PageMeta {
                        title: &cat.name,
                        date: &cat.date,
                        column: &cat.name,
                        column_type: "列表页",
                        section: "categories",
                        breadcrumbs: vec![
                            self.home.clone(),
                            Link {
                                name: "事项类别".into(),
                                url: site.url("categories/"),
                            },
                        ],
                        url: cat.url.clone(),
                    },
                    c,
                )
            }
            PageKind::Departments => {
                let mut c = Context::new();
                c.insert("departments", &site.departments);
                self.site_page(
                    "departments/",
                    "departments.html",
                    "上级部门",
                    "列表页",
                    "departments",
                    c,
                )
            }
            PageKind::Department(i) => self.department(path, &site.departments[i]),
            PageKind::Matter(i) => {
                let m = &site.matters[i];
                let mut c = Context::new();
                c.insert("matter", m);
                let list_link = Link {
                    name: format!("{}清单", m.list_name),
                    url: m.list_url.clone(),
                };
                self.make(
                    path,
                    "matter.html",
                    PageMeta {
                        title: &m.title,
                        date: &m.date,
                        column: m.list_name,
                        column_type: "文章页",
                        section: m.list,
                        breadcrumbs: vec![self.home.clone(), list_link],
                        url: m.url.clone(),
                    },
                    c,
                )
            }
            PageKind::Search => {
                let mut c = Context::new();
                c.insert("categories", &site.categories);
                c.insert("departments", &site.departments);
                c.insert("total", &site.matters.len());
                self.site_page("search/", "search.html", "搜索事项", "其他", "search", c)
            }
            PageKind::Sitemap => {
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
                        rows: self.rows(&l.matters),
                    })
                    .collect();
                c.insert("groups", &lists_as_groups);
                self.site_page("sitemap/", "sitemap.html", "网站地图", "其他", "", c)
            }
            PageKind::Contact => self.site_page(
                "contact/",
                "contact.html",
                "联系我们",
                "其他",
                "",
                Context::new(),
            ),
            PageKind::NotFound => self.make(
                path,
                "404.html",
                PageMeta {
                    title: "页面不存在",
                    date: &self.date,
                    column: "404",
                    column_type: "其他",
                    section: "",
                    breadcrumbs: vec![self.home.clone()],
                    url: site.url("404.html"),
                },
                Context::new(),
            ),
        }
    }

    /// A department's page: each of its matters with what the department
    /// does beside what the township does.
    fn department(&self, path: String, dept: &DepartmentView) -> Page {
        let site = self.site;
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
        self.make(
            path,
            "department.html",
            PageMeta {
                title: &dept.name,
                date: &dept.date,
                column: &dept.name,
                column_type: "列表页",
                section: "departments",
                breadcrumbs: vec![
                    self.home.clone(),
                    Link {
                        name: "上级部门".into(),
                        url: site.url("departments/"),
                    },
                ],
                url: dept.url.clone(),
            },
            c,
        )
    }

    fn make(
        &self,
        path: String,
        template: &'static str,
        meta: PageMeta<'_>,
        extra: Context,
    ) -> Page {
        let mut context = self.base.clone();
        context.insert("page", &meta);
        context.extend(extra);
        Page {
            path,
            template,
            context,
        }
    }

    /// A site-wide page at `dir/`, dated with the site, one level below home.
    fn site_page(
        &self,
        dir: &str,
        template: &'static str,
        title: &str,
        column_type: &str,
        section: &str,
        extra: Context,
    ) -> Page {
        self.make(
            format!("{dir}index.html"),
            template,
            PageMeta {
                title,
                date: &self.date,
                column: title,
                column_type,
                section,
                breadcrumbs: vec![self.home.clone()],
                url: self.site.url(dir),
            },
            extra,
        )
    }

    fn rows(&self, idx: &[usize]) -> Vec<Row<'a>> {
        idx.iter().map(|&i| row(&self.site.matters[i])).collect()
    }

    fn groups(&self, gs: &'a [Group]) -> Vec<GroupRows<'a>> {
        gs.iter()
            .map(|g| GroupRows {
                key: g.key,
                name: g.name,
                count: g.count,
                rows: self.rows(&g.matters),
            })
            .collect()
    }
}
