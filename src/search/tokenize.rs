//! The tokenizer the index is built with, mirrored exactly by the browser
//! script (`theme/static/search.js`); `tests/search/vectors.json` holds the
//! cases both must agree on.

use std::borrow::Cow;

/// Folds full-width ASCII and the ideographic space to ASCII, and
/// lower-cases ASCII: what a person types and what the page says compare
/// equal. One character in, one character out, so offsets carry over.
pub fn normalize(text: &str) -> String {
    text.chars().map(normalize_char).collect()
}

fn normalize_char(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// [`normalize`], borrowing the text when it is already normal (most
/// are): the index tokenizes every text once per pass.
fn normalized(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| normalize_char(c) == c) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(normalize(text))
    }
}

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// ASCII words are indexed by their first this many letters. The script
/// finds a part of a longer word through the whole words (`search/a.json`)
/// and checks such results against the full text, so a cut word still
/// finds exactly what it should.
pub const MAX_TOKEN_CHARS: usize = 32;

/// Tokens: ASCII letter/digit runs as words (cut at [`MAX_TOKEN_CHARS`]);
/// runs of Chinese characters as overlapping bigrams (one character alone
/// stays a token); the rest separates.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    each_token(text, false, |t| tokens.push(t.to_string()));
    tokens
}

/// What the index holds for a text: its [`tokenize`] tokens and, so that a
/// query of one character is answered from one shard, every Chinese
/// character on its own too. Calls `f` once per occurrence.
pub fn index_tokens(text: &str, f: impl FnMut(&str)) {
    each_token(text, true, f);
}

fn each_token(text: &str, unigrams: bool, mut f: impl FnMut(&str)) {
    let text = normalized(text);
    let mut word = String::new();
    let mut han: Vec<char> = Vec::new();
    let mut buf = String::new();
    let mut flush_han = |han: &mut Vec<char>, f: &mut dyn FnMut(&str)| {
        if han.len() == 1 {
            buf.clear();
            buf.push(han[0]);
            f(&buf);
        } else {
            for w in han.windows(2) {
                buf.clear();
                buf.extend(w);
                f(&buf);
            }
            if unigrams {
                for c in han.iter() {
                    buf.clear();
                    buf.push(*c);
                    f(&buf);
                }
            }
        }
        han.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut f);
            if word.len() < MAX_TOKEN_CHARS {
                word.push(c);
            }
        } else {
            if !word.is_empty() {
                f(&word);
                word.clear();
            }
            if is_han(c) {
                han.push(c);
            } else {
                flush_han(&mut han, &mut f);
            }
        }
    }
    if !word.is_empty() {
        f(&word);
    }
    flush_han(&mut han, &mut f);
}

/// FNV-1a over the UTF-8 bytes: which shard a token (or a reading) is in.
/// The script computes the same (`hash` in search.js).
pub fn hash(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
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
    fn the_index_also_holds_single_characters() {
        let mut got = Vec::new();
        index_tokens("低保 县", |t| got.push(t.to_string()));
        assert_eq!(got, ["低保", "低", "保", "县"]);
    }

    #[test]
    fn shared_vectors_hold() {
        let text = include_str!("../../tests/search/vectors.json");
        let cases: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        assert!(cases.len() >= 10);
        for case in cases {
            let input = case["input"].as_str().unwrap();
            let expected: Vec<String> = serde_json::from_value(case["tokens"].clone()).unwrap();
            assert_eq!(tokenize(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn a_huge_word_is_one_short_token() {
        let word = "a".repeat(24_000);
        assert_eq!(
            tokenize(&format!("{word} 低保")),
            ["a".repeat(MAX_TOKEN_CHARS), "低保".into()]
        );
    }

    #[test]
    fn a_normal_text_is_borrowed_and_any_other_folded() {
        for text in ["低保 12345", "ＡＢＣ　办理", "APP申请", "Ｃ、Ｄ级", ""] {
            assert_eq!(normalized(text), normalize(text), "{text:?}");
        }
        assert_eq!(normalize("ＡＢＣ　Ok"), "abc ok");
        assert!(matches!(normalized("低保 app"), Cow::Borrowed(_)));
        assert!(matches!(normalized("低保 App"), Cow::Owned(_)));
    }

    #[test]
    fn hash_is_fnv1a() {
        assert_eq!(hash(""), 0x811c_9dc5);
        assert_eq!(hash("a"), 0xe40c_292c);
    }
}
