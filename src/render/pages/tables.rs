//! The pages of long tables: a list, a category and the unclassified
//! matters, each split into pages of `page_size` rows, and the site map's
//! links to a long list's pages.

use tera::Context;

use super::Pages;
use crate::model::{Link, ListView, Site};
use crate::render::context::{GroupRows, Jump, Page, PageMeta, SitemapList};
use crate::render::paging::{self, page_count, page_dir, Pager};

impl Pages<'_> {
    /// Page `p` of the categories page: the table of categories (first page)
    /// and the unclassified matters on this page.
    pub(super) fn categories(&self, path: String, p: usize) -> Page {
        let site = self.site;
        let size = site.config.page_size;
        let rows = paging::rows_of(p, size, site.uncategorized.len());
        let mut c = Context::new();
        c.insert("categories", &site.categories);
        c.insert("uncategorized", &self.rows(&site.uncategorized[rows]));
        c.insert("uncategorized_count", &site.uncategorized.len());
        let pager = self.pager("categories/", p, site.uncategorized.len(), size);
        let first = Link {
            name: "事项类别".into(),
            url: site.url("categories/"),
        };
        self.table_page(
            path,
            "categories.html",
            PageMeta {
                title: &numbered("事项类别", p),
                date: &self.date,
                column: "事项类别",
                column_type: "列表页",
                section: "categories",
                breadcrumbs: trail(vec![self.home.clone()], first, p),
                url: site.url(&page_dir("categories/", p)),
            },
            c,
            pager,
        )
    }

    /// Page `p` of list `i`: its rows, the pager, and links to each
    /// category: to its first row on this page (`macros.html` gives the
    /// first row of each category on a page its anchor), or to the page
    /// where it begins in the whole list.
    pub(super) fn list(&self, path: String, i: usize, p: usize) -> Page {
        let site = self.site;
        let list = &site.lists[i];
        let size = site.config.page_size;
        let here = site.url(&page_dir(&list.path, p));
        let rows = paging::rows_of(p, size, list.matters.len());
        let on_page: Vec<String> = list.matters[rows.clone()]
            .iter()
            .map(|&m| category_anchor(site.matters[m].category.as_ref()))
            .collect();
        let jumps: Vec<Jump> = self.starts[i]
            .iter()
            .map(|start| {
                let page = paging::page_of(start.row, size);
                let anchor = &start.anchor;
                Jump {
                    name: start.name.to_string(),
                    count: start.count,
                    url: self.anchor_link(&list.path, page, on_page.contains(anchor), anchor),
                }
            })
            .collect();
        let mut c = Context::new();
        c.insert("list", list);
        c.insert("rows", &self.rows(&list.matters[rows]));
        c.insert("jumps", &jumps);
        let pager = self.pager(&list.path, p, list.matters.len(), size);
        let first = Link {
            name: format!("{}清单", list.name),
            url: list.url.clone(),
        };
        self.table_page(
            path,
            "list.html",
            PageMeta {
                title: &numbered(&format!("{}清单", list.name), p),
                date: &list.date,
                column: list.name,
                column_type: "列表页",
                section: list.key,
                breadcrumbs: trail(vec![self.home.clone()], first, p),
                url: here,
            },
            c,
            pager,
        )
    }

    /// Page `p` of category `i`: the part of its groups (one per list) that
    /// falls on this page, and where each group begins.
    pub(super) fn category(&self, path: String, i: usize, p: usize) -> Page {
        let site = self.site;
        let cat = &site.categories[i];
        let size = site.config.page_size;
        let here = site.url(&page_dir(&cat.path, p));
        let on_page = paging::rows_of(p, size, cat.count);
        let mut groups = Vec::new();
        let mut toc = Vec::new();
        let mut start = 0;
        for g in &cat.groups {
            let page = paging::page_of(start, size);
            toc.push(Jump {
                name: g.name.to_string(),
                count: g.count,
                url: self.anchor_link(&cat.path, page, page == p, &format!("g-{}", g.key)),
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
        let pager = self.pager(&cat.path, p, cat.count, size);
        let categories = Link {
            name: "事项类别".into(),
            url: site.url("categories/"),
        };
        let first = Link {
            name: cat.name.clone(),
            url: cat.url.clone(),
        };
        self.table_page(
            path,
            "category.html",
            PageMeta {
                title: &numbered(&cat.name, p),
                date: &cat.date,
                column: &cat.name,
                column_type: "列表页",
                section: "categories",
                breadcrumbs: trail(vec![self.home.clone(), categories], first, p),
                url: here,
            },
            c,
            pager,
        )
    }

    /// A page of a split table: its pager in the context, and its next page
    /// among the links the rendered page must have.
    pub(super) fn table_page(
        &self,
        path: String,
        template: &'static str,
        meta: PageMeta<'_>,
        mut c: Context,
        pager: Pager,
    ) -> Page {
        c.insert("pager", &pager);
        let mut page = self.make(path, template, meta, c);
        page.must_link.extend(pager.next);
        page
    }

    /// The pager of page `p` of a table of `rows` rows, `size` a page, whose
    /// first page is `dir`.
    pub(super) fn pager(&self, dir: &str, p: usize, rows: usize, size: usize) -> Pager {
        Pager::new(p, page_count(rows, size), |i| {
            self.site.url(&page_dir(dir, i))
        })
    }

    /// A link to `anchor`: on this page when it shows the anchor (`here`),
    /// else on page `page` of the table whose first page is `dir`.
    pub(super) fn anchor_link(&self, dir: &str, page: usize, here: bool, anchor: &str) -> String {
        if here {
            format!("#{anchor}")
        } else {
            format!("{}#{anchor}", self.site.url(&page_dir(dir, page)))
        }
    }

    /// The lists for the site map: a list's matters, or its pages when it
    /// has several (the map stays one light page).
    pub(super) fn sitemap_lists(&self) -> Vec<SitemapList<'_>> {
        let site = self.site;
        let size = site.config.page_size;
        site.lists
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
            .collect()
    }
}

/// Where a category begins in a list: the row of its first matter, and
/// how many matters of the list it has.
pub(super) struct CategoryStart<'a> {
    name: &'a str,
    anchor: String,
    row: usize,
    count: usize,
}

/// The categories of `list` in the order the list first reaches them.
pub(super) fn category_starts<'a>(site: &'a Site, list: &ListView) -> Vec<CategoryStart<'a>> {
    let mut starts: Vec<CategoryStart<'a>> = Vec::new();
    for (row, &m) in list.matters.iter().enumerate() {
        let category = site.matters[m].category.as_ref();
        let name = category.map_or("类别待核实", |c| c.name.as_str());
        match starts.iter_mut().find(|s| s.name == name) {
            Some(s) => s.count += 1,
            None => starts.push(CategoryStart {
                name,
                anchor: category_anchor(category),
                row,
                count: 1,
            }),
        }
    }
    starts
}

/// Breadcrumbs of page `p` of a table: `above` it, and its first page
/// from the later pages.
pub(super) fn trail(mut above: Vec<Link>, first: Link, p: usize) -> Vec<Link> {
    if p > 0 {
        above.push(first);
    }
    above
}

/// A page's title with its page number after the first page.
pub(super) fn numbered(title: &str, p: usize) -> String {
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
