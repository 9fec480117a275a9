//! The site's pages, one at a time: a light list of which pages there are
//! ([`kinds`]), and each page's template context made only when that page
//! is rendered ([`Pages::page`]), so that no site is ever held in memory
//! as pages.

mod department;
mod tables;

use rustc_hash::FxHashMap;
use tera::Context;

use super::context::{row, Assets, Page, PageMeta, Row, SiteMeta};
use super::paging::{self, page_count, page_dir};
use crate::model::{Link, Site};

/// One page of the site; the numbers index the model's vectors, and the
/// second number of a table's page is which of its pages (0: the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    List(usize, usize),
    Categories(usize),
    Category(usize, usize),
    Departments,
    Department(usize, usize),
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
            PageKind::Department(i, p) => page_dir(&site.departments[i].path, p),
            PageKind::Matter(i) => site.matters[i].path.clone(),
            PageKind::Search => "search/".into(),
            PageKind::Sitemap => "sitemap/".into(),
            PageKind::Contact => "contact/".into(),
            PageKind::NotFound => return "404.html".into(),
        };
        format!("{dir}index.html")
    }

    /// When the page last changed: its matters' newest date (every page of
    /// a table has its table's), or the site's publication date.
    pub fn date(self, site: &Site) -> String {
        match self {
            PageKind::List(i, _) => site.lists[i].date.clone(),
            PageKind::Category(i, _) => site.categories[i].date.clone(),
            PageKind::Department(i, _) => site.departments[i].date.clone(),
            PageKind::Matter(i) => site.matters[i].date.clone(),
            _ => site.date(),
        }
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
    for (i, d) in site.departments.iter().enumerate() {
        v.extend((0..department::pages(site, d)).map(|p| PageKind::Department(i, p)));
    }
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
    /// Each matter's place in its list, for the page of the list that shows it.
    places: Vec<usize>,
    /// Each department's index, by name (a matter names its departments).
    departments: FxHashMap<&'a str, usize>,
    /// Per list, where each category begins in it (the same for all its pages).
    starts: Vec<Vec<tables::CategoryStart<'a>>>,
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
        let mut places = vec![0; site.matters.len()];
        for list in &site.lists {
            for (place, &m) in list.matters.iter().enumerate() {
                places[m] = place;
            }
        }
        Pages {
            site,
            places,
            departments: site
                .departments
                .iter()
                .enumerate()
                .map(|(i, d)| (d.name.as_str(), i))
                .collect(),
            starts: site
                .lists
                .iter()
                .map(|l| tables::category_starts(site, l))
                .collect(),
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
            PageKind::Categories(p) => self.categories(path, p),
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
            PageKind::Department(i, p) => self.department(path, &site.departments[i], p),
            PageKind::Matter(i) => {
                let m = &site.matters[i];
                // Back to the list: to its page that shows this matter.
                let list_page = m.list_url.clone()
                    + &page_dir("", paging::page_of(self.places[i], site.config.page_size));
                // Its departments: each to its page that shows this matter.
                let department_links: Vec<Link> = m
                    .departments
                    .iter()
                    .map(|d| Link {
                        name: d.name.clone(),
                        url: match self.departments.get(d.name.as_str()) {
                            Some(&k) => {
                                let dept = &site.departments[k];
                                let p = department::page_showing(site, dept, i);
                                site.url(&page_dir(&dept.path, p))
                            }
                            None => d.url.clone(),
                        },
                    })
                    .collect();
                let mut c = Context::new();
                c.insert("matter", m);
                c.insert("list_page_url", &list_page);
                c.insert("department_links", &department_links);
                let list_link = Link {
                    name: format!("{}清单", m.list_name),
                    url: list_page,
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
                let lists = self.sitemap_lists();
                c.insert("groups", &lists);
                let mut page =
                    self.site_page("sitemap/", "sitemap.html", "网站地图", "其他", "", c);
                page.must_link = lists
                    .iter()
                    .flat_map(|l| l.pages.iter().map(|p| p.url.clone()))
                    .collect();
                page
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
            must_link: Vec::new(),
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
