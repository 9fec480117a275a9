//! Long tables split into pages: where each page of a table is, which of
//! its rows a page shows, and the pager that links the pages. The first
//! page stays at the table's own address (`basic/`), the others follow it
//! (`basic/page/2/`), as Hugo and Zola paginate.

use std::ops::Range;

use serde::Serialize;

/// The folder of page `index` (0-based) of a table whose first page is `dir`.
pub fn page_dir(dir: &str, index: usize) -> String {
    if index == 0 {
        dir.to_string()
    } else {
        format!("{dir}page/{}/", index + 1)
    }
}

/// How many pages `rows` rows make at `size` a page (an empty table is
/// still one page).
pub fn page_count(rows: usize, size: usize) -> usize {
    rows.div_ceil(size.max(1)).max(1)
}

/// The rows page `index` shows.
pub fn rows_of(index: usize, size: usize, rows: usize) -> Range<usize> {
    let start = (index * size).min(rows);
    start..(start + size).min(rows)
}

/// Which page (0-based) shows row `row`.
pub fn page_of(row: usize, size: usize) -> usize {
    row / size.max(1)
}

/// The links between the pages of one table, for the theme's pager.
#[derive(Debug, Serialize)]
pub struct Pager {
    /// 1-based, as readers count.
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The first and last pages and those near the current one; a link
    /// with `number` 0 stands for the pages left out between two others.
    pub links: Vec<PageLink>,
    /// "，第 2 页" after a table's caption when it has several pages, so
    /// that each page's caption is its own; empty otherwise.
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// Pages this far from the current one get a link of their own.
const NEAR: usize = 2;

impl Pager {
    /// The pager of page `index` of `total`; `url(i)` is page `i`'s address.
    pub fn new(index: usize, total: usize, url: impl Fn(usize) -> String) -> Pager {
        let mut links = Vec::new();
        for i in 0..total {
            let shown = i == 0 || i + 1 == total || i.abs_diff(index) <= NEAR;
            if shown {
                links.push(PageLink {
                    number: i + 1,
                    url: url(i),
                    current: i == index,
                });
            } else if links.last().is_some_and(|l| l.number != 0) {
                links.push(PageLink {
                    number: 0,
                    url: String::new(),
                    current: false,
                });
            }
        }
        Pager {
            current: index + 1,
            total,
            prev: index.checked_sub(1).map(&url),
            next: (index + 1 < total).then(|| url(index + 1)),
            links,
            note: if total > 1 {
                format!("，第 {} 页", index + 1)
            } else {
                String::new()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_first_one() {
        assert_eq!(page_dir("basic/", 0), "basic/");
        assert_eq!(page_dir("basic/", 1), "basic/page/2/");
        assert_eq!(
            page_dir("categories/minsheng/", 9),
            "categories/minsheng/page/10/"
        );
    }

    #[test]
    fn rows_are_split_without_loss() {
        assert_eq!(page_count(0, 200), 1);
        assert_eq!(page_count(200, 200), 1);
        assert_eq!(page_count(201, 200), 2);
        let rows = 13_201;
        let pages = page_count(rows, 200);
        let mut seen = 0;
        for p in 0..pages {
            let r = rows_of(p, 200, rows);
            assert_eq!(r.start, seen);
            assert!(r.clone().all(|row| page_of(row, 200) == p));
            seen = r.end;
        }
        assert_eq!(seen, rows);
        assert!(rows_of(pages, 200, rows).is_empty());
    }

    #[test]
    fn pager_links_the_ends_and_the_neighbours() {
        let numbers = |p: &Pager| p.links.iter().map(|l| l.number).collect::<Vec<_>>();
        let url = |i: usize| format!("/b/{i}");
        let p = Pager::new(0, 1, url);
        assert_eq!((p.prev.as_deref(), p.next.as_deref()), (None, None));
        let p = Pager::new(5, 20, url);
        assert_eq!(numbers(&p), [1, 0, 4, 5, 6, 7, 8, 0, 20]);
        assert_eq!(p.current, 6);
        assert_eq!(p.prev.as_deref(), Some("/b/4"));
        assert_eq!(p.next.as_deref(), Some("/b/6"));
        assert!(p.links.iter().filter(|l| l.current).all(|l| l.number == 6));
        assert_eq!(numbers(&Pager::new(0, 4, url)), [1, 2, 3, 4]);
        let last = Pager::new(19, 20, url);
        assert_eq!(numbers(&last), [1, 0, 18, 19, 20]);
        assert_eq!(last.next, None);
    }
}
