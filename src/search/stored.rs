//! What a result shows and is checked against: one small file per matter
//! (`search/d/b12.json`), fetched only for the results on screen; and, for
//! the filters, the matters of each category and department
//! (`search/f/c3.json`, `search/f/d7.json`), fetched only when one is set.

use rayon::prelude::*;

use super::postings::deltas;
use super::Doc;
use crate::model::{Group, Site};
use crate::output::{put_compressed, Sink};

#[derive(serde::Serialize)]
struct StoredDoc<'a> {
    title: &'a str,
    category: &'a str,
    departments: &'a str,
    body: &'a str,
}

pub fn write_docs(docs: &[Doc], out: &dyn Sink) -> Result<(), String> {
    docs.par_iter().try_for_each(|d| {
        let stored = StoredDoc {
            title: &d.fields[0],
            category: &d.fields[1],
            departments: &d.fields[2],
            body: &d.fields[3],
        };
        let json = serde_json::to_vec(&stored).map_err(|e| e.to_string())?;
        put_compressed(out, &format!("search/d/{}.json", d.reference), &json)
            .map_err(|e| e.to_string())
    })
}

/// `search/f/c<i>.json` for the i-th category and `search/f/d<i>.json` for
/// the i-th department, in the order the manifest names them.
pub fn write_facets(site: &Site, out: &dyn Sink) -> Result<(), String> {
    let numbers = |groups: &[Group]| {
        let mut n: Vec<u64> = groups
            .iter()
            .flat_map(|g| g.matters.iter())
            .map(|&i| super::doc_number(&site.matters[i]))
            .collect();
        n.sort_unstable();
        n.dedup();
        deltas(&n)
    };
    let categories = site.categories.iter().map(|c| numbers(&c.groups));
    let departments = site.departments.iter().map(|d| numbers(&d.groups));
    for (i, json) in categories.enumerate() {
        put_compressed(out, &format!("search/f/c{i}.json"), json.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    for (i, json) in departments.enumerate() {
        put_compressed(out, &format!("search/f/d{i}.json"), json.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
