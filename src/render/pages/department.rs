//! A department's page: each of its matters with what the department does
//! beside what the township does.

use tera::Context;

use super::Pages;
use crate::content::{
    ListKind, SECTION_DEPARTMENT_DUTIES, SECTION_TOWNSHIP_DUTIES, SECTION_WORK_METHOD,
};
use crate::model::{DepartmentView, Link};
use crate::render::context::{row, CrossRef, Page, PageMeta};

impl Pages<'_> {
    pub(super) fn department(&self, path: String, dept: &DepartmentView) -> Page {
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
}
