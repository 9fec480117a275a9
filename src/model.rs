//! The site as pages see it: validated content resolved into matters with
//! their URLs, sections and neighbours, and the category and department
//! indexes that point back at them. Everything is ordered, so output is
//! deterministic.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::content::{Content, ListKind, Matter, MatterId};
use crate::{markdown, search};

/// A link to a named thing.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DepartmentLink {
    pub name: String,
    pub short: String,
    pub slug: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub heading: String,
    pub html: String,
    pub text: String,
    /// HTML before the first subsection.
    pub lead_html: String,
    /// Plain text before the first subsection.
    pub lead_text: String,
    pub subsections: Vec<SectionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatterView {
    pub id: String,
    pub list: &'static str,
    pub list_name: &'static str,
    pub list_url: String,
    pub seq: u32,
    pub title: String,
    pub category: Option<Link>,
    pub departments: Vec<DepartmentLink>,
    /// The matter has an editor's `review` note. The note itself is kept
    /// out of this public view on purpose: nothing given to templates or
    /// exports can carry it into the built site.
    pub under_review: bool,
    pub date: String,
    pub url: String,
    pub path: String,
    pub preamble_html: String,
    pub sections: Vec<SectionView>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
}

impl MatterView {
    pub fn section(&self, heading: &str) -> Option<&SectionView> {
        self.sections.iter().find(|s| s.heading == heading)
    }

    pub fn link(&self) -> Link {
        Link {
            name: self.title.clone(),
            url: self.url.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    pub key: &'static str,
    pub name: &'static str,
    pub url: String,
    pub path: String,
    pub department_column: Option<&'static str>,
    pub date: String,
    /// Indexes into `Site::matters`, in `seq` order.
    #[serde(skip)]
    pub matters: Vec<usize>,
    pub count: usize,
}

/// A category's or department's matters, grouped by list.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: &'static str,
    pub name: &'static str,
    #[serde(skip)]
    pub matters: Vec<usize>,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub path: String,
    pub date: String,
    pub count: usize,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DepartmentView {
    pub name: String,
    pub short: String,
    pub slug: String,
    pub url: String,
    pub path: String,
    pub date: String,
    pub count: usize,
    pub groups: Vec<Group>,
}

pub struct Site {
    pub config: SiteConfig,
    pub intro_title: Option<String>,
    pub intro_html: String,
    /// The editor's note under the 说明.
    pub intro_note: Option<String>,
    pub matters: Vec<MatterView>,
    pub lists: Vec<ListView>,
    pub categories: Vec<CategoryView>,
    /// Matters whose category is not known yet (未分类).
    pub uncategorized: Vec<usize>,
    pub departments: Vec<DepartmentView>,
    /// Search synonyms from `content/synonyms.toml`: groups in file order,
    /// each group's terms in file order, normalized as the search
    /// tokenizer normalizes text ([`crate::search::normalize`]).
    pub synonyms: Vec<Vec<String>>,
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_path, path)
    }

    pub fn date(&self) -> String {
        self.config.published.iso()
    }
}

/// Builds the model from content that passed validation.
pub fn build(config: SiteConfig, content: Content) -> Site {
    let at = Urls {
        base: config.base_path.clone(),
        published: config.published.iso(),
    };
    let mut views = matter_views(&content, &at);
    let lists = list_views(&views, &at);
    link_neighbours(&mut views, &lists);
    let (categories, uncategorized) = category_views(&content, &views, &at);
    let departments = department_views(&content, &views, &at);
    let synonyms = content
        .synonyms
        .iter()
        .map(|g| g.terms.iter().map(|t| search::normalize(t)).collect())
        .collect();
    Site {
        intro_title: content.intro.title.clone(),
        intro_html: markdown::to_html(&content.intro.markdown),
        intro_note: content.intro.note.clone(),
        config,
        matters: views,
        lists,
        categories,
        uncategorized,
        departments,
        synonyms,
    }
}

/// Where the site is served, and the date of what has none of its own.
struct Urls {
    base: String,
    published: String,
}

impl Urls {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Every matter as pages see it, in id order. Markdown to HTML for every
/// section is the model's one heavy step, done in parallel.
fn matter_views(content: &Content, at: &Urls) -> Vec<MatterView> {
    let category_slugs: BTreeMap<&str, &str> = content
        .categories
        .iter()
        .map(|c| (c.name.as_str(), c.slug.as_str()))
        .collect();
    let departments: BTreeMap<&str, DepartmentLink> = content
        .departments
        .iter()
        .map(|d| {
            let link = DepartmentLink {
                name: d.name.clone(),
                short: d.short.clone().unwrap_or_else(|| d.name.clone()),
                slug: d.slug.clone(),
                url: at.url(&format!("departments/{}/", d.slug)),
            };
            (d.name.as_str(), link)
        })
        .collect();
    let mut matters: Vec<&Matter> = content.matters.iter().collect();
    matters.sort_by_key(|m| m.id());
    matters
        .par_iter()
        .map(|m| {
            let id: MatterId = m.id();
            let f = &m.front;
            let path = format!("matters/{id}/");
            MatterView {
                id: id.to_string(),
                list: f.list.key(),
                list_name: f.list.name(),
                list_url: at.url(&format!("{}/", f.list.key())),
                seq: id.seq,
                title: f.title.clone(),
                category: f.category.as_ref().and_then(|c| {
                    category_slugs.get(c.as_str()).map(|slug| Link {
                        name: c.clone(),
                        url: at.url(&format!("categories/{slug}/")),
                    })
                }),
                departments: f
                    .departments
                    .iter()
                    .filter_map(|d| departments.get(d.as_str()).cloned())
                    .collect(),
                under_review: f.review.as_deref().is_some_and(|r| !r.trim().is_empty()),
                date: f
                    .updated
                    .as_ref()
                    .map_or_else(|| at.published.clone(), crate::date::Date::iso),
                url: at.url(&path),
                path,
                preamble_html: markdown::to_html(&m.body.preamble),
                sections: m.body.sections.iter().map(section_view).collect(),
                prev: None,
                next: None,
            }
        })
        .collect()
}

/// The three lists, each with its matters in `seq` order.
fn list_views(views: &[MatterView], at: &Urls) -> Vec<ListView> {
    ListKind::ALL
        .iter()
        .map(|&kind| {
            let idx: Vec<usize> = (0..views.len())
                .filter(|&i| views[i].list == kind.key())
                .collect();
            ListView {
                key: kind.key(),
                name: kind.name(),
                url: at.url(&format!("{}/", kind.key())),
                path: format!("{}/", kind.key()),
                department_column: kind.department_column(),
                date: latest(views, &idx, &at.published),
                count: idx.len(),
                matters: idx,
            }
        })
        .collect()
}

/// Each matter's previous and next matter in its list.
fn link_neighbours(views: &mut [MatterView], lists: &[ListView]) {
    for list in lists {
        for (n, &i) in list.matters.iter().enumerate() {
            let prev = n.checked_sub(1).map(|p| views[list.matters[p]].link());
            let next = list.matters.get(n + 1).map(|&x| views[x].link());
            views[i].prev = prev;
            views[i].next = next;
        }
    }
}

/// The categories with their matters (one pass over the matters, not one
/// per category: a county has thousands of departments, and the same
/// holds for them below), and the matters of no known category.
fn category_views(
    content: &Content,
    views: &[MatterView],
    at: &Urls,
) -> (Vec<CategoryView>, Vec<usize>) {
    let mut by_name: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    let mut uncategorized = Vec::new();
    for (i, v) in views.iter().enumerate() {
        match &v.category {
            Some(c) => by_name.entry(c.name.as_str()).or_default().push(i),
            None => uncategorized.push(i),
        }
    }
    let categories = content
        .categories
        .iter()
        .map(|c| {
            let idx = by_name.remove(c.name.as_str()).unwrap_or_default();
            let path = format!("categories/{}/", c.slug);
            CategoryView {
                name: c.name.clone(),
                slug: c.slug.clone(),
                url: at.url(&path),
                path,
                date: latest(views, &idx, &at.published),
                count: idx.len(),
                groups: groups(views, &idx),
            }
        })
        .collect();
    (categories, uncategorized)
}

/// The departments with the matters they share or took back.
fn department_views(content: &Content, views: &[MatterView], at: &Urls) -> Vec<DepartmentView> {
    let mut by_name: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, v) in views.iter().enumerate() {
        for d in &v.departments {
            let idx = by_name.entry(d.name.as_str()).or_default();
            // A matter that names a department twice is listed once.
            if idx.last() != Some(&i) {
                idx.push(i);
            }
        }
    }
    content
        .departments
        .iter()
        .map(|d| {
            let idx = by_name.remove(d.name.as_str()).unwrap_or_default();
            let path = format!("departments/{}/", d.slug);
            DepartmentView {
                name: d.name.clone(),
                short: d.short.clone().unwrap_or_else(|| d.name.clone()),
                slug: d.slug.clone(),
                url: at.url(&path),
                path,
                date: latest(views, &idx, &at.published),
                count: idx.len(),
                groups: groups(views, &idx),
            }
        })
        .collect()
}

/// Some matters (in id order) grouped by list, lists without any left out.
fn groups(views: &[MatterView], idx: &[usize]) -> Vec<Group> {
    ListKind::ALL
        .iter()
        .filter_map(|&k| {
            let ms: Vec<usize> = idx
                .iter()
                .copied()
                .filter(|&i| views[i].list == k.key())
                .collect();
            (!ms.is_empty()).then(|| Group {
                key: k.key(),
                name: k.name(),
                count: ms.len(),
                matters: ms,
            })
        })
        .collect()
}

fn section_view(s: &crate::content::Section) -> SectionView {
    SectionView {
        heading: s.heading.clone(),
        html: markdown::to_html(&s.markdown),
        text: markdown::to_plain(&s.markdown),
        lead_html: markdown::to_html(&s.lead),
        lead_text: markdown::to_plain(&s.lead),
        subsections: s.subsections.iter().map(section_view).collect(),
    }
}

/// The newest date among some matters, or the site's publication date.
fn latest(views: &[MatterView], idx: &[usize], published: &str) -> String {
    idx.iter()
        .map(|&i| views[i].date.as_str())
        .max()
        .unwrap_or(published)
        .to_string()
}
