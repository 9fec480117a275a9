//! The prebuilt search index: elasticlunr-rs with a tokenizer that a browser
//! can reproduce exactly (CJK character bigrams plus lower-cased ASCII
//! words, full-width forms folded), written to `search/index.json`.
//!
//! The browser script (`theme/static/search.js`) implements the same
//! tokenizer; `tests/search/vectors.json` holds the cases both must agree on.

use elasticlunr::{Index, IndexBuilder, Language, Pipeline};
use pinyin::ToPinyin;

use crate::content::ListKind;
use crate::model::{MatterView, Site};
use crate::output::Sink;

/// Index fields, in the order documents give their values.
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

/// The elasticlunr language: our tokenizer, and an empty pipeline (no
/// trimmer or stemmer to delete or change Chinese tokens).
pub struct CjkBigram;

impl Language for CjkBigram {
    fn name(&self) -> String {
        "CjkBigram".into()
    }
    fn code(&self) -> String {
        "zh-bigram".into()
    }
    fn tokenize(&self, text: &str) -> Vec<String> {
        tokenize(text)
    }
    fn make_pipeline(&self) -> Pipeline {
        Pipeline { queue: Vec::new() }
    }
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

pub fn build_index(site: &Site) -> Index {
    // The reading is stored for the script's pinyin match, not indexed.
    let mut index = IndexBuilder::with_language(Box::new(CjkBigram))
        .add_fields(&FIELDS[..4])
        .add_field_with_tokenizer(FIELDS[4], Box::new(|_: &str| Vec::new()))
        .build();
    for m in &site.matters {
        let departments = m
            .departments
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join("、");
        let category = m.category.as_ref().map_or("", |c| c.name.as_str());
        index.add_doc(
            &doc_ref(m),
            [
                m.title.clone(),
                category.to_string(),
                departments,
                body_text(m),
                title_pinyin(&m.title),
            ],
        );
    }
    index
}

pub fn write_index(site: &Site, out: &dyn Sink) -> Result<(), String> {
    let index = build_index(site);
    let mut value = serde_json::to_value(&index).map_err(|e| e.to_string())?;
    slim(&mut value);
    let mut json = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    json.push('\n');
    out.put("search/index.json", json.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Drops what the script does not use, to stay within the size budget:
/// field lengths (`docInfo`), the reference repeated inside each stored
/// document, and term-frequency digits past the second decimal.
fn slim(index: &mut serde_json::Value) {
    if let Some(store) = index
        .get_mut("documentStore")
        .and_then(|s| s.as_object_mut())
    {
        store.remove("docInfo");
        if let Some(docs) = store.get_mut("docs").and_then(|d| d.as_object_mut()) {
            for doc in docs.values_mut() {
                if let Some(doc) = doc.as_object_mut() {
                    doc.remove("id");
                }
            }
        }
    }
    fn round(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    if k == "tf" {
                        if let Some(f) = x.as_f64() {
                            *x = serde_json::json!((f * 100.0).round() / 100.0);
                        }
                    } else {
                        round(x);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(round),
            _ => {}
        }
    }
    if let Some(idx) = index.get_mut("index") {
        round(idx);
    }
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
        let mut index = IndexBuilder::with_language(Box::new(CjkBigram))
            .add_fields(&["body"])
            .build();
        index.add_doc("b1", [word]);
        assert!(serde_json::to_string(&index).is_ok());
    }

    #[test]
    fn titles_read_in_pinyin() {
        assert_eq!(title_pinyin("低保审核"), "di bao shen he");
        assert_eq!(title_pinyin("12345热线"), "re xian");
        assert_eq!(title_pinyin("方略"), "fang lve");
    }
}
