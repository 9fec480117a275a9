//! The prebuilt search index, in small files so that a query downloads only
//! what it needs (see `theme/static/search.js`, which reads them):
//!
//! - `search/manifest.json`: how many shards of each kind, the filter values;
//! - `search/s.json`: the synonym groups (`content/synonyms.toml`); the
//!   shards also hold, as the token `#g<i>`, the matters in which a term of
//!   the i-th group occurs, so that a query for 医保 fetches one entry for
//!   all of 医疗保险, 医疗保障, … instead of the shards of each;
//! - `search/t/<n>.json`: the inverted index, sharded by token
//!   ([`postings`]), built with elasticlunr-rs;
//! - `search/d/<list><n>.json`: the matters' text in bundles of
//!   [`stored::BLOCK`] consecutive `seq` numbers of a list (`d/b3.json`
//!   holds basic 12 to 15), for the results on screen and to check them,
//!   and `"r": 1` for a matter under review ([`stored`]);
//! - `search/f/<n>.json`: the matters of each category and department,
//!   several to a file (the manifest says which);
//! - `search/a.json`: the ASCII words, whole, for numbers or words typed
//!   in part (`123` of `12345`);
//! - `search/p/<n>.json`, `search/r/<n>.json`: terms by sound, characters'
//!   readings ([`reading`]).
//!
//! Every file has a `.gz` beside it for servers that send those as they are.

mod postings;
mod reading;
mod stored;
pub mod tokenize;

use std::borrow::Cow;
use std::collections::BTreeSet;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

pub use tokenize::{normalize, tokenize, MAX_TOKEN_CHARS};

use crate::content::ListKind;
use crate::model::{MatterView, Site};
use crate::output::{put_compressed, Sink};

/// The layout of the files under `search/`; the script refuses others.
const FORMAT: u32 = 4;

/// A matter's number in the postings: its `seq` and list in one integer
/// (`seq * 4 + list`), so that lists of them are short and sort by list
/// within a `seq`. The script decodes it.
pub fn doc_number(m: &MatterView) -> u64 {
    u64::from(m.seq) * 4 + list_number(m.list)
}

fn list_number(list: &str) -> u64 {
    match list {
        l if l == ListKind::Basic.key() => 0,
        l if l == ListKind::Cooperative.key() => 1,
        _ => 2,
    }
}

/// The body as plain text: every section, headings included.
fn body_text(m: &MatterView) -> String {
    let mut out = String::new();
    for s in &m.sections {
        out.push_str(&s.heading);
        out.push('\n');
        out.push_str(&s.text);
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// What is indexed and stored of one matter: title, category,
/// departments, body.
pub struct Doc<'a> {
    number: u64,
    fields: [Cow<'a, str>; 4],
    /// Per field, the synonym groups with a term in it.
    groups: [Vec<u32>; 4],
    /// Whether the matter is still being checked against the original (its
    /// results carry the same 核对中 mark as its rows in the tables).
    under_review: bool,
}

/// Finds the terms of the synonym groups in a text, and so the groups.
struct SynonymFinder {
    matcher: Option<AhoCorasick>,
    group_of: Vec<u32>,
}

impl SynonymFinder {
    fn new(groups: &[Vec<String>]) -> SynonymFinder {
        let mut terms = Vec::new();
        let mut group_of = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            for term in group {
                terms.push(term.as_str());
                group_of.push(u32::try_from(g).unwrap_or(u32::MAX));
            }
        }
        SynonymFinder {
            matcher: AhoCorasick::new(&terms).ok(),
            group_of,
        }
    }

    fn groups(&self, text: &str) -> Vec<u32> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let text = normalize(text);
        let mut found: Vec<u32> = matcher
            .find_overlapping_iter(&text)
            .map(|m| self.group_of[m.pattern().as_usize()])
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

fn docs<'a>(site: &'a Site, synonyms: &SynonymFinder) -> Vec<Doc<'a>> {
    site.matters
        .par_iter()
        .map(|m| {
            let fields: [Cow<str>; 4] = [
                m.title.as_str().into(),
                m.category.as_ref().map_or("", |c| c.name.as_str()).into(),
                m.departments
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                body_text(m).into(),
            ];
            Doc {
                number: doc_number(m),
                groups: std::array::from_fn(|f| synonyms.groups(&fields[f])),
                fields,
                under_review: m.under_review,
            }
        })
        .collect()
}

/// Every ASCII word of the texts, whole (the index has the first
/// [`MAX_TOKEN_CHARS`] letters), for a query that types part of one.
fn ascii_words(docs: &[Doc]) -> BTreeSet<String> {
    docs.par_iter()
        .map(|d| {
            let mut words = BTreeSet::new();
            for f in &d.fields {
                let text = normalize(f);
                for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                    if !word.is_empty() {
                        words.insert(word.to_string());
                    }
                }
            }
            words
        })
        .reduce(BTreeSet::new, |mut a, b| {
            a.extend(b);
            a
        })
}

#[derive(serde::Serialize)]
struct Manifest<'a> {
    format: u32,
    docs: usize,
    /// `seq` numbers per stored-text bundle ([`stored::BLOCK`]).
    block: u32,
    shards: u32,
    terms: u32,
    readings: u32,
    categories: Vec<&'a str>,
    departments: Vec<&'a str>,
    /// Which `search/f/<n>.json` holds each category's and department's
    /// matters.
    facets: stored::FacetFiles,
}

/// Writes everything under `search/`.
pub fn write_index(site: &Site, out: &dyn Sink) -> Result<(), String> {
    // Three independent parts, side by side: on a small site each is a
    // good part of the build, which would otherwise wait for them in turn.
    // The terms by sound need no document and do much of their work on one
    // thread: they start first, so that they do not end the build alone.
    let (terms, (docs, shards, facets)) = rayon::join(
        || reading::write(site, out),
        || {
            let docs = docs(site, &SynonymFinder::new(&site.synonyms));
            let (shards, facets) = rayon::join(
                || postings::write_shards(&docs, out),
                || -> Result<stored::FacetFiles, String> {
                    stored::write_docs(&docs, out)?;
                    let words =
                        serde_json::to_vec(&ascii_words(&docs)).map_err(|e| e.to_string())?;
                    put_compressed(out, "search/a.json", &words).map_err(|e| e.to_string())?;
                    let synonyms = serde_json::to_vec(&site.synonyms).map_err(|e| e.to_string())?;
                    put_compressed(out, "search/s.json", &synonyms).map_err(|e| e.to_string())?;
                    stored::write_facets(site, out)
                },
            );
            (docs.len(), shards, facets)
        },
    );
    let (shards, facets, terms) = (shards?, facets?, terms?);
    let manifest = Manifest {
        format: FORMAT,
        docs,
        block: stored::BLOCK,
        shards,
        terms,
        readings: reading::READING_SHARDS,
        categories: site.categories.iter().map(|c| c.name.as_str()).collect(),
        departments: site.departments.iter().map(|d| d.name.as_str()).collect(),
        facets,
    };
    let json = serde_json::to_vec(&manifest).map_err(|e| e.to_string())?;
    put_compressed(out, "search/manifest.json", &json).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;
    use std::sync::Mutex;

    fn doc<'a>(number: u64, body: &'a str) -> Doc<'a> {
        Doc {
            number,
            fields: ["".into(), "".into(), "".into(), body.into()],
            groups: Default::default(),
            under_review: false,
        }
    }

    #[test]
    fn every_token_is_in_its_shard_with_every_document() {
        let bodies: Vec<String> = (0..60)
            .map(|i| {
                format!(
                    "第{i}项：低保审核、宅基地审批、12345热线{}",
                    "乡镇".repeat(i % 3)
                )
            })
            .collect();
        let docs: Vec<Doc> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| doc(i as u64 * 4, b))
            .collect();
        let out = Mutex::new(Output::default());
        let shards = postings::write_shards(&docs, &out).unwrap();
        assert_eq!(shards, 8, "the fewest shards for a small text");
        let out = out.into_inner().unwrap();
        let read = |rel: &str| -> serde_json::Value {
            serde_json::from_slice(out.get(rel).unwrap_or_else(|| panic!("{rel} missing"))).unwrap()
        };
        for token in ["低保", "低", "乡镇", "12345"] {
            let shard = read(&format!(
                "search/t/{}.json",
                postings::shard_of(token, shards)
            ));
            let mut entry = shard[token].clone();
            if let Some(own) = entry.as_str() {
                entry = read(&format!("search/t/{own}.json"));
            }
            let got = postings::decode(&entry);
            let want: Vec<u64> = (0..60u64)
                .filter(|i| bodies[*i as usize].contains(token))
                .map(|i| i * 4)
                .collect();
            assert_eq!(got.get("b"), Some(&want), "{token}");
        }
        for shard in 0..shards {
            assert!(
                out.get(&format!("search/t/{shard}.json")).is_some(),
                "shard {shard}"
            );
        }
    }

    #[test]
    fn a_synonym_group_lists_the_matters_holding_any_of_its_terms() {
        let finder = SynonymFinder::new(&[
            vec!["医保".into(), "医疗保险".into()],
            vec!["户口".into(), "户籍".into()],
        ]);
        assert_eq!(finder.groups("基本医疗保险参保"), [0]);
        assert_eq!(finder.groups("办医保、迁户口"), [0, 1]);
        assert_eq!(finder.groups("ＡＢＣ"), Vec::<u32>::new());
        let bodies = ["城乡居民基本医疗保险", "医保报销", "户籍管理", "低保"];
        let docs: Vec<Doc> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| Doc {
                groups: [vec![], vec![], vec![], finder.groups(b)],
                ..doc(i as u64 * 4, b)
            })
            .collect();
        let out = Mutex::new(Output::default());
        assert_eq!(postings::write_shards(&docs, &out).unwrap(), 8);
        let out = out.into_inner().unwrap();
        let token = postings::group_token(0);
        let shard: serde_json::Value = serde_json::from_slice(
            out.get(&format!("search/t/{}.json", postings::shard_of(&token, 8)))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(postings::decode(&shard[&token]).get("b"), Some(&vec![0, 4]));
    }

    #[test]
    fn a_huge_word_serialises() {
        let word = "a".repeat(24_000);
        let docs = [doc(4, &word)];
        let out = Mutex::new(Output::default());
        assert!(postings::write_shards(&docs, &out).is_ok());
    }
}
