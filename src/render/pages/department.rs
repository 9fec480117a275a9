//! A department's pages: each of its matters with what the department does
//! beside what the township does, its cooperative matters first and then
//! those it took back, split into pages of [`page_size`] matters (each
//! shows both duties in full, so far fewer than a table's rows make a page
//! of the same weight).

use tera::Context;

use super::tables::{numbered, trail};
use super::Pages;
use crate::content::{
    ListKind, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES, SECTION_WORK_METHOD,
};
use crate::model::{DepartmentView, Link, MatterView, Site};
use crate::render::context::{row, CrossRef, Jump, Page, PageMeta};
use crate::render::paging::{self, page_count, page_dir};

/// A department's matters, in the order its pages show them.
struct Entries {
    cooperative: Vec<usize>,
    revoked: Vec<usize>,
}

impl Entries {
    fn of(dept: &DepartmentView) -> Entries {
        let mut entries = Entries {
            cooperative: Vec::new(),
            revoked: Vec::new(),
        };
        for g in &dept.groups {
            match g.key {
                k if k == ListKind::Revoked.key() => entries.revoked.extend(&g.matters),
                _ => entries.cooperative.extend(&g.matters),
            }
        }
        entries
    }

    fn len(&self) -> usize {
        self.cooperative.len() + self.revoked.len()
    }
}

/// Matters on one page of a department: a quarter of a table's page
/// (`page_size`).
pub(super) fn page_size(site: &Site) -> usize {
    (site.config.page_size / 4).max(1)
}

/// Which page of department `dept` shows matter `i` (the first if none).
pub(super) fn page_showing(site: &Site, dept: &DepartmentView, i: usize) -> usize {
    // In the order of [`Entries::of`]: the other lists' groups, then the
    // revoked one; each group's matters are in index order.
    let mut row = 0;
    for revoked in [false, true] {
        let part = dept
            .groups
            .iter()
            .filter(|g| (g.key == ListKind::Revoked.key()) == revoked);
        for g in part {
            match g.matters.binary_search(&i) {
                Ok(at) => return paging::page_of(row + at, page_size(site)),
                Err(_) => row += g.matters.len(),
            }
        }
    }
    0
}

/// How many pages department `dept` has.
pub(super) fn pages(site: &Site, dept: &DepartmentView) -> usize {
    let matters = dept.groups.iter().map(|g| g.matters.len()).sum();
    page_count(matters, page_size(site))
}

impl Pages<'_> {
    /// Page `p` of a department: the part of its cooperative and revoked
    /// matters on this page, the totals, and where each part begins.
    pub(super) fn department(&self, path: String, dept: &DepartmentView, p: usize) -> Page {
        let site = self.site;
        let size = page_size(site);
        let entries = Entries::of(dept);
        let on_page = paging::rows_of(p, size, entries.len());
        let here = site.url(&page_dir(&dept.path, p));
        let coop_end = entries.cooperative.len();
        let cooperative: Vec<CrossRef> = entries.cooperative
            [on_page.start.min(coop_end)..on_page.end.min(coop_end)]
            .iter()
            .map(|&i| cross_ref(&site.matters[i], dept))
            .collect();
        let revoked: Vec<CrossRef> = entries.revoked
            [on_page.start.saturating_sub(coop_end)..on_page.end.saturating_sub(coop_end)]
            .iter()
            .map(|&i| cross_ref(&site.matters[i], dept))
            .collect();
        // The counts link to their part on this page, or to the page where
        // it begins; an empty part has nowhere to lead (no URL).
        let jump = |name: &str, count: usize, here_too: bool, first_row: usize, anchor: &str| {
            let page = paging::page_of(first_row, size);
            Jump {
                name: name.into(),
                count,
                url: if count == 0 {
                    String::new()
                } else {
                    self.anchor_link(&dept.path, page, here_too, anchor)
                },
            }
        };
        let jumps = [
            jump(
                "配合履职事项",
                coop_end,
                !cooperative.is_empty(),
                0,
                "coop-h",
            ),
            jump(
                "收回事项",
                entries.revoked.len(),
                !revoked.is_empty(),
                coop_end,
                "rev-h",
            ),
        ];
        let mut c = Context::new();
        c.insert("department", dept);
        c.insert("cooperative", &cooperative);
        c.insert("revoked", &revoked);
        c.insert("cooperative_count", &coop_end);
        c.insert("revoked_count", &entries.revoked.len());
        c.insert(
            "cooperative_continued",
            &(on_page.start > 0 && !cooperative.is_empty()),
        );
        c.insert(
            "revoked_continued",
            &(on_page.start > coop_end && !revoked.is_empty()),
        );
        c.insert("jumps", &jumps);
        let pager = self.pager(&dept.path, p, entries.len(), size);
        let first = Link {
            name: dept.name.clone(),
            url: dept.url.clone(),
        };
        let departments = Link {
            name: "上级部门".into(),
            url: site.url("departments/"),
        };
        self.table_page(
            path,
            "department.html",
            PageMeta {
                title: &numbered(&dept.name, p),
                date: &dept.date,
                column: &dept.name,
                column_type: "列表页",
                section: "departments",
                breadcrumbs: trail(vec![self.home.clone(), departments], first, p),
                url: here,
            },
            c,
            pager,
        )
    }
}

/// One matter as department `dept` sees it.
fn cross_ref<'a>(m: &'a MatterView, dept: &DepartmentView) -> CrossRef<'a> {
    let duties = m.section(SECTION_DEPARTMENT_DUTIES);
    let own = duties.and_then(|s| s.subsections.iter().find(|sub| sub.heading == dept.name));
    // A department without its own subsection is given only the text
    // before the subsections (whose department the source lost), never
    // another department's duties.
    let unassigned = duties.map(|s| {
        if s.subsections.is_empty() {
            s.html.as_str()
        } else {
            s.lead_html.as_str()
        }
    });
    CrossRef {
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
        unattributed: own.is_none() && duties.is_some_and(|s| !s.subsections.is_empty()),
        township_html: m.section(SECTION_TOWNSHIP_DUTIES).map(|s| s.html.as_str()),
        work_html: m.section(SECTION_WORK_METHOD).map(|s| s.html.as_str()),
    }
}
