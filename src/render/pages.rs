//! The site's pages, one at a time: a light list of which pages there are
//! ([`kinds`]), and each page's template context made only when that page
//! is rendered ([`Pages::page`]), so that no site is ever held in memory
//! as pages.

use tera::Context;

use super::context::{
    row, Assets, CrossRef, GroupRows, Jump, Page, PageMeta, Row, SiteMeta, SitemapList,
};
use super::paging::{self, page_count, page_dir, Pager};
use crate::content::{
    ListKind, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES, SECTION_WORK_METHOD,
};
use crate::model::{DepartmentView, Link, Site};

/// One page of the site; the numbers index the model's vectors, and the
/// second number of a table's page is which of its pages (0: the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    List(usize, usize),
    Categories(usize),
    Category(usize, usize),
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
            PageKind::Home => String::new(),
            PageKind::List(i, p) => page_dir(&site.lists[i].path, p),
            PageKind::Categories(p) => page_dir("categories/", p),
            PageKind::Category(i, p) => page_dir(&site.categories[i].path, p),
            PageKind::Departments => "departments/".into(),
            PageKind::Department(i) => site.departments[i].path.clone(),
            PageKind::Matter(i) => site.matters[i].path.clone(),
            PageKind::Search => "search/".into(),
            PageKind::Sitemap => "sitemap/".into(),
            PageKind::Contact => "contact/".into(),
            PageKind::NotFound => return "404.html".into(),
        };
        format!("{dir}index.html")
    }
}

/// Every page of `site`, the matters last (they are the many).
pub fn kinds(site: &Site) -> Vec<PageKind> {
    let size = site.config.page_size;
    let mut v = vec![PageKind::Home];
    for (i, l) in site.lists.iter().enumerate() {
        v.extend((0..page_count(l.matters.len(), size)).map(|p| PageKind::List(i, p)));
    }
    v.extend((0..page_count(site.uncategorized.len(), size)).map(PageKind::Categories));
    for (i, c) in site.categories.iter().enumerate() {
        v.extend((0..page_count(c.count, size)).map(|p| PageKind::Category(i, p)));
    }
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
            PageKind::List(i, p) => self.list(path, i, p),
            PageKind::Categories(p) => {
                let size = site.config.page_size;
                let rows = paging::rows_of(p, size, site.uncategorized.len());
                let mut c = Context::new();
                c.insert("categories", &site.categories);
                c.insert("uncategorized", &self.rows(&site.uncategorized[rows]));
                c.insert("uncategorized_count", &site.uncategorized.len());
                c.insert(
                    "pager",
                    &self.pager("categories/", p, site.uncategorized.len()),
                );
                let mut breadcrumbs = vec![self.home.clone()];
                if p > 0 {
                    breadcrumbs.push(Link {
                        name: "事项类别".into(),
                        url: site.url("categories/"),
                    });
                }
                self.make(
                    path,
                    "categories.html",
                    PageMeta {
                        title: &numbered("事项类别", p),
                        date: &self.date,
                        column: "事项类别",
                        column_type: "列表页",
                        section: "categories",
                        breadcrumbs,
                        url: site.url(&page_dir("categories/", p)),
                    },
                    c,
                )
            }
            PageKind::Category(i, p) => self.category(path, i, p),
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
                let size = site.config.page_size;
                // A list longer than a page is linked by its pages here,
                // not matter by matter: the map stays one light page.
                let lists_as_groups: Vec<SitemapList<'_>> = site
                    .lists
                    .iter()
                    .map(|l| {
                        let pages = page_count(l.matters.len(), size);
                        SitemapList {
                            key: l.key,
                            name: l.name,
                            count: l.count,
                            rows: if pages == 1 {
                                self.rows(&l.matters)
                            } else {
                                Vec::new()
                            },
                            pages: if pages == 1 {
                                Vec::new()
                            } else {
                                (0..pages)
                                    .map(|p| {
                                        let rows = paging::rows_of(p, size, l.matters.len());
                                        let seq = |r: usize| site.matters[l.matters[r]].seq;
                                        Link {
                                            name: format!(
                                                "第 {} 页（第 {}–{} 项）",
                                                p + 1,
                                                seq(rows.start),
                                                seq(rows.end - 1)
                                            ),
                                            url: site.url(&page_dir(&l.path, p)),
                                        }
                                    })
                                    .collect()
                            },
                        }
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

    /// Page `p` of list `i`: its rows, the pager, and links to where each
    /// category first appears in the whole list (on this page or another).
    fn list(&self, path: String, i: usize, p: usize) -> Page {
        let site = self.site;
        let list = &site.lists[i];
        let size = site.config.page_size;
        let here = site.url(&page_dir(&list.path, p));
        let mut jumps: Vec<Jump> = Vec::new();
        for (k, &m) in list.matters.iter().enumerate() {
            let category = site.matters[m].category.as_ref();
            let name = category.map_or("类别待核实", |c| c.name.as_str());
            match jumps.iter_mut().find(|j| j.name == name) {
                Some(j) => j.count += 1,
                None => {
                    let page = site.url(&page_dir(&list.path, paging::page_of(k, size)));
                    let anchor = category_anchor(category);
                    jumps.push(Jump {
                        name: name.to_string(),
                        count: 1,
                        url: if page == here {
                            format!("#{anchor}")
                        } else {
                            format!("{page}#{anchor}")
                        },
                    });
                }
            }
        }
        let rows = paging::rows_of(p, size, list.matters.len());
        let mut c = Context::new();
        c.insert("list", list);
        c.insert("rows", &self.rows(&list.matters[rows]));
        c.insert("jumps", &jumps);
        c.insert("pager", &self.pager(&list.path, p, list.matters.len()));
        let mut breadcrumbs = vec![self.home.clone()];
        if p > 0 {
            breadcrumbs.push(Link {
                name: format!("{}清单", list.name),
                url: list.url.clone(),
            });
        }
        self.make(
            path,
            "list.html",
            PageMeta {
                title: &numbered(&format!("{}清单", list.name), p),
                date: &list.date,
                column: list.name,
                column_type: "列表页",
                section: list.key,
                breadcrumbs,
                url: here,
            },
            c,
        )
    }

    /// Page `p` of category `i`: the part of its groups (one per list) that
    /// falls on this page, and where each group begins.
    fn category(&self, path: String, i: usize, p: usize) -> Page {
        let site = self.site;
        let cat = &site.categories[i];
        let size = site.config.page_size;
        let here = site.url(&page_dir(&cat.path, p));
        let on_page = paging::rows_of(p, size, cat.count);
        let mut groups = Vec::new();
        let mut toc = Vec::new();
        let mut start = 0;
        for g in &cat.groups {
            let page = site.url(&page_dir(&cat.path, paging::page_of(start, size)));
            toc.push(Jump {
                name: g.name.to_string(),
                count: g.count,
                url: if page == here {
                    format!("#g-{}", g.key)
                } else {
                    format!("{page}#g-{}", g.key)
                },
            });
            let from = on_page.start.max(start) - start;
            let to = on_page
                .end
                .min(start + g.matters.len())
                .saturating_sub(start);
            if from < to {
                groups.push(GroupRows {
                    key: g.key,
                    name: g.name,
                    count: g.count,
                    rows: self.rows(&g.matters[from..to]),
                    continued: from > 0,
                });
            }
            start += g.matters.len();
        }
        let mut c = Context::new();
        c.insert("category", cat);
        c.insert("groups", &groups);
        c.insert("toc", &toc);
        c.insert("pager", &self.pager(&cat.path, p, cat.count));
        let mut breadcrumbs = vec![
            self.home.clone(),
            Link {
                name: "事项类别".into(),
                url: site.url("categories/"),
            },
        ];
        if p > 0 {
            breadcrumbs.push(Link {
                name: cat.name.clone(),
                url: cat.url.clone(),
            });
        }
        self.make(
            path,
            "category.html",
            PageMeta {
                title: &numbered(&cat.name, p),
                date: &cat.date,
                column: &cat.name,
                column_type: "列表页",
                section: "categories",
                breadcrumbs,
                url: here,
            },
            c,
        )
    }

    /// The pager of page `p` of a table of `rows` rows whose first page is `dir`.
    fn pager(&self, dir: &str, p: usize, rows: usize) -> Pager {
        let total = page_count(rows, self.site.config.page_size);
        Pager::new(p, total, |i| self.site.url(&page_dir(dir, i)))
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
}

/// A page's title with its page number after the first page.
fn numbered(title: &str, p: usize) -> String {
    if p == 0 {
        title.to_string()
    } else {
        format!("{title}（第 {} 页）", p + 1)
    }
}

/// The anchor of a category's first row in a list (`macros.html` gives the
/// row this id): `cat-` and the last part of the category's URL.
fn category_anchor(category: Option<&Link>) -> String {
    match category {
        Some(c) => format!(
            "cat-{}",
            c.url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
        ),
        None => "cat-none".into(),
    }
}
