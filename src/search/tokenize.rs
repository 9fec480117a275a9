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
    each_token(text, false, |_| true, |t, _| tokens.push(t.to_string()));
    tokens
}

/// What the index holds for a text: its [`tokenize`] tokens and, so that a
/// query of one character is answered from one shard, every Chinese
/// character on its own too. Only the tokens whose [`hash`] `wanted`
/// accepts are made: the index keeps a few shards at a time and hands
/// each text to every pass, so most tokens are skipped by their hash,
/// worked out from the characters without making the token. Calls `f`
/// with each token kept and its hash, once per occurrence.
pub fn index_tokens(text: &str, wanted: impl Fn(u32) -> bool, f: impl FnMut(&str, u32)) {
    each_token(text, true, wanted, f);
}

fn each_token(
    text: &str,
    unigrams: bool,
    wanted: impl Fn(u32) -> bool,
    mut f: impl FnMut(&str, u32),
) {
    let text = normalized(text);
    let mut word = String::new();
    // A run of Chinese characters, each with the hash of itself alone; a
    // bigram's hash goes on from its first character's.
    let mut han: Vec<(char, u32)> = Vec::new();
    let mut buf = String::new();
    let mut emit = |chars: &[char], h: u32, f: &mut dyn FnMut(&str, u32)| {
        if wanted(h) {
            buf.clear();
            buf.extend(chars);
            f(&buf, h);
        }
    };
    let mut flush_han = |han: &mut Vec<(char, u32)>, f: &mut dyn FnMut(&str, u32)| {
        if let [(c, h)] = han[..] {
            emit(&[c], h, f);
        } else {
            for w in han.windows(2) {
                let [(a, h), (b, _)] = [w[0], w[1]];
                emit(&[a, b], fnv(h, b.encode_utf8(&mut [0; 4]).as_bytes()), f);
            }
            if unigrams {
                for &(c, h) in han.iter() {
                    emit(&[c], h, f);
                }
            }
        }
        han.clear();
    };
    let flush_word = |word: &mut String, f: &mut dyn FnMut(&str, u32)| {
        if !word.is_empty() {
            let h = hash(word);
            if wanted(h) {
                f(word, h);
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut f);
            if word.len() < MAX_TOKEN_CHARS {
                word.push(c);
            }
        } else {
            flush_word(&mut word, &mut f);
            if is_han(c) {
                han.push((c, hash(c.encode_utf8(&mut [0; 4]))));
            } else {
                flush_han(&mut han, &mut f);
            }
        }
    }
    flush_word(&mut word, &mut f);
    flush_han(&mut han, &mut f);
}

const FNV_OFFSET: u32 = 0x811c_9dc5;

/// FNV-1a, from `h`, over more bytes.
fn fnv(h: u32, bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// FNV-1a over the UTF-8 bytes: which shard a token (or a reading) is in.
/// The script computes the same (`hash` in search.js).
pub fn hash(text: &str) -> u32 {
    fnv(FNV_OFFSET, text.as_bytes())
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
        index_tokens("低保 县", |_| true, |t, h| got.push((t.to_string(), h)));
        let expected = ["低保", "低", "保", "县"];
        assert_eq!(got, expected.map(|t| (t.to_string(), hash(t))));
    }

    #[test]
    fn the_index_gets_only_the_tokens_it_wants_with_their_hashes() {
        let text = "疏附县水利局 12345热线 APP 低";
        let mut all = Vec::new();
        index_tokens(text, |_| true, |t, h| all.push((t.to_string(), h)));
        assert_eq!(all.len(), 17);
        for (t, h) in &all {
            assert_eq!(*h, hash(t), "{t}");
        }
        for keep in 0..4 {
            let mut some = Vec::new();
            index_tokens(
                text,
                |h| h % 4 == keep,
                |t, h| some.push((t.to_string(), h)),
            );
            let expected: Vec<_> = all.iter().filter(|(_, h)| h % 4 == keep).cloned().collect();
            assert_eq!(some, expected);
        }
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
