//! The prebuilt search index: elasticlunr-rs with a tokenizer that a browser
//! can reproduce exactly (CJK character bigrams plus lower-cased ASCII
//! words, full-width forms folded), written to `search/index.json`.
//!
//! The browser script (`theme/static/search.js`) implements the same
//! tokenizer; `tests/search/vectors.json` holds the cases both must agree on.

use std::collections::{BTreeMap, HashMap};

use elasticlunr::inverted_index::InvertedIndex;
use pinyin::ToPinyin;
use rayon::prelude::*;

use crate::content::ListKind;
use crate::model::{MatterView, Site};
use crate::output::Sink;

/// Index fields, in the order documents give their values. The last, the
/// title's reading, is stored for the script's pinyin match, not indexed.
pub const FIELDS: [&str; 5] = ["title", "category", "departments", "body", "pinyin"];

/// Folds full-width ASCII and the ideographic space to ASCII, and
/// lower-cases ASCII: what a person types and what the page says compare
/// equal. One character in, one character out, so offsets carry over.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// ASCII words are indexed by their first this many letters. The index is
/// a trie, one level per letter, and the script checks every candidate
/// against the full text, so a cut word still finds exactly what it should.
pub const MAX_TOKEN_CHARS: usize = 32;

/// Tokens: ASCII letter/digit runs as words (cut at [`MAX_TOKEN_CHARS`]);
/// runs of Chinese characters as overlapping bigrams (one character alone
/// stays a token); the rest separates.
pub fn tokenize(text: &str) -> Vec<String> {
    let text = normalize(text);
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut han: Vec<char> = Vec::new();
    let flush_han = |han: &mut Vec<char>, tokens: &mut Vec<String>| {
        match han.len() {
            0 => {}
            1 => tokens.push(han[0].to_string()),
            _ => tokens.extend(han.windows(2).map(|w| w.iter().collect::<String>())),
        }
        han.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut tokens);
            if word.len() < MAX_TOKEN_CHARS {
                word.push(c);
            }
        } else {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            if is_han(c) {
                han.push(c);
            } else {
                flush_han(&mut han, &mut tokens);
            }
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    flush_han(&mut han, &mut tokens);
    tokens
}

/// A title's reading: one plain pinyin syllable per Chinese character,
/// space-separated (other characters are left out).
pub fn title_pinyin(title: &str) -> String {
    title
        .to_pinyin()
        .flatten()
        .map(|p| p.plain().replace('ü', "v"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A document reference: short, because it is repeated in every posting.
/// `b12` is basic-012; the script maps it back to the matter's URL.
pub fn doc_ref(m: &MatterView) -> String {
    let prefix = match m.list {
        l if l == ListKind::Basic.key() => 'b',
        l if l == ListKind::Cooperative.key() => 'c',
        _ => 'r',
    };
    format!("{prefix}{}", m.seq)
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

/// Fields whose tokens are indexed.
const INDEXED: &[&str] = FIELDS.split_at(FIELDS.len() - 1).0;

/// The body is indexed in this many parts, split by the first character of
/// each token, built in parallel and each written as soon as it is built,
/// so that no more than a few parts of the index are in memory at a time.
const BODY_PARTS: u32 = 16;

/// What is indexed and stored of one matter.
struct Doc<'a> {
    reference: String,
    fields: [std::borrow::Cow<'a, str>; 4],
    pinyin: String,
}

fn docs(site: &Site) -> Vec<Doc<'_>> {
    site.matters
        .par_iter()
        .map(|m| Doc {
            reference: doc_ref(m),
            fields: [
                m.title.as_str().into(),
                m.category.as_ref().map_or("", |c| c.name.as_str()).into(),
                m.departments
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                body_text(m).into(),
            ],
            pinyin: title_pinyin(&m.title),
        })
        .collect()
}

/// One field's inverted index over every document, restricted to tokens
/// whose first character falls in `part` of `parts`. Term frequencies are
/// elasticlunr's (the square root of the count), to two decimals.
fn field_index(docs: &[Doc], field: usize, part: u32, parts: u32) -> InvertedIndex {
    let mut index = InvertedIndex::new();
    let mut counts: HashMap<String, u32> = HashMap::new();
    for doc in docs {
        counts.clear();
        for token in tokenize(&doc.fields[field]) {
            let first = token.chars().next().map_or(0, |c| c as u32);
            if first % parts == part {
                *counts.entry(token).or_insert(0) += 1;
            }
        }
        for (token, n) in &counts {
            let tf = (f64::from(*n).sqrt() * 100.0).round() / 100.0;
            index.add_token(&doc.reference, token, tf);
        }
    }
    index
}

/// Serialises one field's index, built in `parts` parts in parallel: each
/// part holds the root's children for its first characters, so their JSON
/// objects are joined under one root, which is what the script reads.
fn field_json(docs: &[Doc], field: usize, parts: u32) -> Result<Vec<u8>, String> {
    const HEAD: &[u8] = br#"{"root":{"docs":{},"df":0"#;
    let pieces: Vec<Result<Vec<u8>, String>> = (0..parts)
        .into_par_iter()
        .map(|part| {
            let index = field_index(docs, field, part, parts);
            let json = serde_json::to_vec(&index).map_err(|e| e.to_string())?;
            // `{"root":{"docs":{},"df":0,"a":{…},…}}` → `,"a":{…},…`
            json.strip_prefix(HEAD)
                .and_then(|rest| rest.strip_suffix(b"}}"))
                .map(<[u8]>::to_vec)
                .ok_or_else(|| "search index: unexpected inverted index layout".to_string())
        })
        .collect();
    let mut out = HEAD.to_vec();
    for piece in pieces {
        out.extend(piece?);
    }
    out.extend(b"}}");
    Ok(out)
}

#[derive(serde::Serialize)]
struct StoredDoc<'a> {
    title: &'a str,
    category: &'a str,
    departments: &'a str,
    body: &'a str,
    pinyin: &'a str,
}

/// Writes `search/index.json` in the layout elasticlunr.js reads
/// (`index.<field>.root`, `documentStore.docs`), streamed from the parts
/// of each field's index, never through a whole-index JSON value.
pub fn write_index(site: &Site, out: &dyn Sink) -> Result<(), String> {
    let docs = docs(site);
    let mut json = format!(
        r#"{{"version":"0.9.5","fields":{},"ref":"id","index":{{"#,
        serde_json::json!(FIELDS)
    )
    .into_bytes();
    for (i, field) in INDEXED.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.extend(format!("\"{field}\":").as_bytes());
        let parts = if *field == "body" { BODY_PARTS } else { 1 };
        json.extend(field_json(&docs, i, parts)?);
    }
    json.extend(br#","pinyin":{"root":{"docs":{},"df":0}}},"documentStore":{"docs":"#);
    let stored: BTreeMap<&str, StoredDoc> = docs
        .iter()
        .map(|d| {
            (
                d.reference.as_str(),
                StoredDoc {
                    title: &d.fields[0],
                    category: &d.fields[1],
                    departments: &d.fields[2],
                    body: &d.fields[3],
                    pinyin: &d.pinyin,
                },
            )
        })
        .collect();
    serde_json::to_writer(&mut json, &stored).map_err(|e| e.to_string())?;
    json.extend(b"}}\n");
    crate::output::put_compressed(out, "search/index.json", &json).map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_becomes_bigrams_and_ascii_words() {
        assert_eq!(
            tokenize("疏附县水利局"),
            ["疏附", "附县", "县水", "水利", "利局"]
        );
        assert_eq!(tokenize("低"), ["低"]);
        assert_eq!(
            tokenize("12345政务服务 APP"),
            ["12345", "政务", "务服", "服务", "app"]
        );
        assert_eq!(tokenize("Ｃ、Ｄ级"), ["c", "d", "级"]);
        assert_eq!(tokenize("　（空）"), ["空"]);
        assert!(tokenize(" ,;").is_empty());
    }

    #[test]
    fn shared_vectors_hold() {
        let text = include_str!("../tests/search/vectors.json");
        let cases: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        assert!(cases.len() >= 10);
        for case in cases {
            let input = case["input"].as_str().unwrap();
            let expected: Vec<String> = serde_json::from_value(case["tokens"].clone()).unwrap();
            assert_eq!(tokenize(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn a_huge_word_is_one_short_token_and_the_index_serialises() {
        let word = "a".repeat(24_000);
        assert_eq!(
            tokenize(&format!("{word} 低保")),
            ["a".repeat(MAX_TOKEN_CHARS), "低保".into()]
        );
        // The index is a trie, one level per letter: serialising it must not
        // recurse 24,000 deep.
        let docs = [Doc {
            reference: "b1".into(),
            fields: ["".into(), "".into(), "".into(), word.as_str().into()],
            pinyin: String::new(),
        }];
        assert!(field_json(&docs, 3, BODY_PARTS).is_ok());
    }

    #[test]
    fn an_index_built_in_parts_is_the_index_built_whole() {
        let text = |i: usize| {
            format!(
                "第{i}项：低保审核、宅基地审批、12345热线、民政局{}",
                "乡镇".repeat(i % 3)
            )
        };
        let bodies: Vec<String> = (0..40).map(text).collect();
        let docs: Vec<Doc> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| Doc {
                reference: format!("b{i}"),
                fields: ["".into(), "".into(), "".into(), b.as_str().into()],
                pinyin: String::new(),
            })
            .collect();
        let whole = field_index(&docs, 3, 0, 1);
        for parts in [1, 2, 7, 16] {
            let json = field_json(&docs, 3, parts).unwrap();
            let merged: InvertedIndex = serde_json::from_slice(&json).unwrap();
            assert!(merged == whole, "{parts} parts");
        }
        assert_eq!(whole.get_doc_frequency("低保"), 40);
        assert_eq!(whole.get_term_frequency("b4", "乡镇"), 1.0);
        assert_eq!(whole.get_term_frequency("b5", "乡镇"), 1.41);
    }

    #[test]
    fn titles_read_in_pinyin() {
        assert_eq!(title_pinyin("低保审核"), "di bao shen he");
        assert_eq!(title_pinyin("12345热线"), "re xian");
        assert_eq!(title_pinyin("方略"), "fang lve");
    }
}
