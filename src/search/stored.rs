//! What a result shows and is checked against: the matters' text in
//! bundles (`search/d/b3.json` holds basic 12 to 15 when [`BLOCK`] is 4),
//! fetched only for the results on screen and those checked ahead; and, for
//! the filters, the matters of each category and department, several to a
//! file (`search/f/0.json`), fetched only when one is set.
//!
//! A bundle is an object keyed by `seq`, in numeric order:
//!
//! ```json
//! {"12": {"title": "…", "category": "…", "departments": "…", "body": "…"}, "13": {…}}
//! ```
//!
//! Bundles, not a file per matter, because creating files is most of the
//! cost of writing the index: at 2,820 matters one file (and its `.gz`) per
//! matter was 5,640 of the build's 9,517 files.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::ser::{Serialize, Serializer};

use super::postings::deltas;
use super::Doc;
use crate::model::{Group, Site};
use crate::output::{put_compressed, Sink};

/// How many consecutive `seq` numbers of one list share a bundle; the
/// manifest tells the script (`block`). Chosen by measurement
/// (`docs/benchmarks.md`): bigger bundles mean fewer files but more text
/// fetched for every result checked. With 4 the worst of the typical
/// queries fetches 62 KB on the real list of 282 matters (target 100 KB)
/// and 106 KB at 28,200 (target 300 KB); with 8 it fetched 74 KB and
/// 190 KB, and a department's full name (疏附县民政局) 95–102 KB at 282,
/// for only 700 fewer files of about 9,500 at 2,820 matters.
pub const BLOCK: u32 = 4;

#[derive(serde::Serialize)]
struct StoredDoc<'a> {
    title: &'a str,
    category: &'a str,
    departments: &'a str,
    body: &'a str,
    /// `"r": 1` for a matter under review; left out otherwise (most are not).
    #[serde(skip_serializing_if = "std::ops::Not::not", serialize_with = "as_one")]
    r: bool,
}

fn as_one<S: Serializer>(_: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u8(1)
}

impl<'a> StoredDoc<'a> {
    fn of(d: &'a Doc) -> StoredDoc<'a> {
        StoredDoc {
            title: &d.fields[0],
            category: &d.fields[1],
            departments: &d.fields[2],
            body: &d.fields[3],
            r: d.under_review,
        }
    }
}

/// One bundle's matters, by `seq`, serialised as a JSON object in that
/// order (`"9"` before `"10"`, which a map keyed by strings would not keep).
struct Bundle<'d, 'a>(Vec<(u64, &'d Doc<'a>)>);

impl Serialize for Bundle<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(seq, d)| (seq, StoredDoc::of(d))))
    }
}

/// The file name, without `.json`, of the bundle of `block` holding
/// document `number` ([`super::doc_number`]: `seq * 4 + list`): `b3` for
/// basic 12 when `block` is 4.
fn bundle_name(number: u64, block: u32) -> String {
    let prefix = match number % 4 {
        0 => 'b',
        1 => 'c',
        _ => 'r',
    };
    format!("{prefix}{}", number / 4 / u64::from(block.max(1)))
}

/// The documents grouped into bundles of `block`: per bundle name, its
/// documents sorted by `seq`.
fn bundles<'d, 'a>(docs: &'d [Doc<'a>], block: u32) -> BTreeMap<String, Bundle<'d, 'a>> {
    let mut out: BTreeMap<String, Bundle> = BTreeMap::new();
    for d in docs {
        out.entry(bundle_name(d.number, block))
            .or_insert_with(|| Bundle(Vec::new()))
            .0
            .push((d.number / 4, d));
    }
    for b in out.values_mut() {
        b.0.sort_by_key(|(seq, _)| *seq);
    }
    out
}

/// Writes `search/d/<bundle>.json` (and its `.gz`), the bundles in parallel.
pub fn write_docs(docs: &[Doc], out: &dyn Sink) -> Result<(), String> {
    let bundles: Vec<(String, Bundle)> = bundles(docs, BLOCK).into_iter().collect();
    bundles.par_iter().try_for_each(|(name, bundle)| {
        let json = serde_json::to_vec(bundle).map_err(|e| e.to_string())?;
        put_compressed(out, &format!("search/d/{name}.json"), &json).map_err(|e| e.to_string())
    })
}

/// A facets file is closed once it holds this many bytes: at 282 matters
/// every list fits in one file, at 28,200 a category's list is about 5 KB.
const FACET_FILE_BYTES: usize = 8 * 1024;

/// Which facets file holds each category's and each department's matters,
/// in the order the manifest names them.
#[derive(Debug, serde::Serialize)]
pub struct FacetFiles {
    pub categories: Vec<u32>,
    pub departments: Vec<u32>,
}

/// Writes `search/f/<n>.json`: the matters of the categories and
/// departments, as delta lists keyed `c<i>` (the i-th category) and `d<i>`
/// (the i-th department), several to a file. One file per value was a
/// file of a few dozen bytes per department, and creating files is what
/// writing the index costs most.
pub fn write_facets(site: &Site, out: &dyn Sink) -> Result<FacetFiles, String> {
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
    let lists = site
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("c{i}"), numbers(&c.groups)))
        .chain(
            site.departments
                .iter()
                .enumerate()
                .map(|(i, d)| (format!("d{i}"), numbers(&d.groups))),
        );
    let (files, of) = pack(lists, FACET_FILE_BYTES);
    files.par_iter().enumerate().try_for_each(|(n, json)| {
        put_compressed(out, &format!("search/f/{n}.json"), json.as_bytes())
            .map_err(|e| e.to_string())
    })?;
    let (categories, departments) = of.split_at(site.categories.len().min(of.len()));
    Ok(FacetFiles {
        categories: categories.to_vec(),
        departments: departments.to_vec(),
    })
}

/// Packs `(key, JSON value)` pairs, in order, into JSON objects of about
/// `limit` bytes; returns the objects and, per pair, the object holding it.
fn pack(lists: impl Iterator<Item = (String, String)>, limit: usize) -> (Vec<String>, Vec<u32>) {
    let mut files: Vec<String> = Vec::new();
    let mut of = Vec::new();
    let mut current = String::new();
    for (key, json) in lists {
        if current.len() >= limit {
            current.push('}');
            files.push(std::mem::take(&mut current));
        }
        current.push(if current.is_empty() { '{' } else { ',' });
        current.push('"');
        current.push_str(&key);
        current.push_str("\":");
        current.push_str(&json);
        of.push(u32::try_from(files.len()).unwrap_or(u32::MAX));
    }
    if !current.is_empty() {
        current.push('}');
        files.push(current);
    }
    (files, of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;
    use std::fmt;
    use std::sync::Mutex;

    use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};

    fn doc(list: u64, seq: u64) -> Doc<'static> {
        let title = format!(
            "{}-{seq}",
            ["basic", "cooperative", "revoked"][list as usize]
        );
        Doc {
            number: seq * 4 + list,
            fields: [title.into(), "民生服务".into(), "".into(), "正文".into()],
            groups: Default::default(),
            under_review: seq == 7,
        }
    }

    /// The keys of a JSON object, in the order the file has them.
    fn keys_in_order(json: &[u8]) -> Vec<String> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(keys)
            }
        }
        serde_json::Deserializer::from_slice(json)
            .deserialize_map(Keys)
            .unwrap()
    }

    #[test]
    fn a_bundle_holds_block_consecutive_numbers_of_one_list() {
        assert_eq!(bundle_name(4, 4), "b0", "basic 1");
        assert_eq!(bundle_name(3 * 4, 4), "b0", "basic 3");
        assert_eq!(bundle_name(4 * 4, 4), "b1", "basic 4");
        assert_eq!(bundle_name(12 * 4, 4), "b3", "basic 12");
        assert_eq!(bundle_name(15 * 4, 4), "b3", "basic 15");
        assert_eq!(bundle_name(16 * 4, 4), "b4", "basic 16");
        assert_eq!(bundle_name(7 * 4 + 1, 4), "c1", "cooperative 7");
        assert_eq!(bundle_name(8 * 4 + 2, 4), "r2", "revoked 8");
        assert_eq!(bundle_name(13_200 * 4, 4), "b3300", "basic 13,200");
        assert_eq!(bundle_name(12 * 4 + 1, 1), "c12", "one a bundle");
        assert_eq!(bundle_name(12 * 4, 8), "b1", "basic 12 of 8");
    }

    #[test]
    fn every_document_is_in_its_bundle_once_in_numeric_order() {
        // Out of order, three lists, a gap, seqs on both sides of 10.
        let mut docs = Vec::new();
        for seq in [10, 1, 9, 2, 3, 11, 8, 4, 12, 100] {
            docs.push(doc(0, seq));
        }
        for seq in [5, 6, 1] {
            docs.push(doc(1, seq));
            docs.push(doc(2, seq));
        }
        for block in [1, 4, 8, 16] {
            let bundles = bundles(&docs, block);
            let mut seen: Vec<u64> = Vec::new();
            for (name, bundle) in &bundles {
                let seqs: Vec<u64> = bundle.0.iter().map(|(s, _)| *s).collect();
                assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{name}: {seqs:?}");
                for (seq, d) in &bundle.0 {
                    assert_eq!(*seq, d.number / 4);
                    assert_eq!(&bundle_name(d.number, block), name);
                    assert_eq!(seq / u64::from(block), name[1..].parse::<u64>().unwrap());
                    seen.push(d.number);
                }
            }
            seen.sort_unstable();
            let mut want: Vec<u64> = docs.iter().map(|d| d.number).collect();
            want.sort_unstable();
            assert_eq!(seen, want, "block {block}: every document, once");
        }
        let b4 = bundles(&docs, 4);
        let names: Vec<&str> = b4.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["b0", "b1", "b2", "b25", "b3", "c0", "c1", "r0", "r1"]
        );
        let seqs = |name: &str| -> Vec<u64> { b4[name].0.iter().map(|(s, _)| *s).collect() };
        assert_eq!(seqs("b0"), [1, 2, 3]);
        assert_eq!(seqs("b2"), [8, 9, 10, 11]);
        assert_eq!(seqs("b3"), [12]);
        assert_eq!(seqs("c1"), [5, 6]);
    }

    #[test]
    fn bundle_files_are_objects_keyed_by_seq_in_numeric_order() {
        let docs: Vec<Doc> = [12, 9, 10, 1, 2].into_iter().map(|s| doc(0, s)).collect();
        let write = |docs: &[Doc]| {
            let out = Mutex::new(Output::default());
            write_docs(docs, &out).unwrap();
            out.into_inner().unwrap()
        };
        let out = write(&docs);
        // 9 and 10 share a bundle of 4 only from 8 to 11.
        let b2 = out.get("search/d/b2.json").expect("b2");
        assert_eq!(keys_in_order(b2), ["9", "10"]);
        let value: serde_json::Value = serde_json::from_slice(b2).unwrap();
        assert_eq!(
            value["10"],
            serde_json::json!({"title": "basic-10", "category": "民生服务", "departments": "", "body": "正文"})
        );
        assert_eq!(
            keys_in_order(out.get("search/d/b0.json").unwrap()),
            ["1", "2"]
        );
        assert_eq!(keys_in_order(out.get("search/d/b3.json").unwrap()), ["12"]);
        for name in ["b0", "b2", "b3"] {
            assert!(
                out.get(&format!("search/d/{name}.json.gz")).is_some(),
                "{name}.gz"
            );
        }
        assert_eq!(out.len(), 6, "three bundles, each with its .gz");
        // The same matters in another order give the same files.
        let reversed: Vec<Doc> = [2, 1, 10, 9, 12].into_iter().map(|s| doc(0, s)).collect();
        let again = write(&reversed);
        for name in ["b0", "b2", "b3"] {
            let rel = format!("search/d/{name}.json");
            assert_eq!(out.get(&rel), again.get(&rel), "{rel}");
        }
    }

    #[test]
    fn a_matter_under_review_is_marked_and_no_other() {
        let docs: Vec<Doc> = [6, 7].into_iter().map(|s| doc(0, s)).collect();
        let out = Mutex::new(Output::default());
        write_docs(&docs, &out).unwrap();
        let out = out.into_inner().unwrap();
        let value: serde_json::Value =
            serde_json::from_slice(out.get("search/d/b1.json").unwrap()).unwrap();
        assert_eq!(value["7"]["r"], 1, "the helper puts 7 under review");
        assert!(value["6"].get("r").is_none(), "{value}");
    }

    #[test]
    fn facet_lists_are_packed_in_order_into_files_of_about_the_limit() {
        let lists = (0..10).map(|i| (format!("d{i}"), format!("[{}]", "1,".repeat(i) + "1")));
        let (files, of) = pack(lists, 20);
        // Each file is closed at the first list that takes it to 20 bytes.
        assert_eq!(of, [0, 0, 1, 1, 2, 2, 3, 4, 5, 6]);
        assert_eq!(files.len(), 7);
        let mut seen = 0;
        for (n, file) in files.iter().enumerate() {
            let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(file).unwrap();
            for (key, list) in &v {
                let i: usize = key[1..].parse().unwrap();
                assert_eq!(of[i] as usize, n, "{key}");
                assert_eq!(list.as_array().unwrap().len(), i + 1, "{key}");
                seen += 1;
            }
        }
        assert_eq!(seen, 10, "every list once");
        assert_eq!(pack(std::iter::empty(), 20), (vec![], vec![]));
    }
}
