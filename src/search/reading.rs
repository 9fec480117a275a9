//! How terms sound, for people who type pinyin or pick the wrong character
//! of the right sound. Titles (and category and department names, and the
//! synonym dictionary) are cut into words with jieba; every word, and every
//! run of two or three words, is a term; so is every synonym. The terms are written by their
//! readings into `search/p/<n>.json`:
//!
//! ```json
//! {"dibao": [["低保", 3]], "^db": [...], "~dibao": [...]}
//! ```
//!
//! keyed by the syllables joined (`dibao`), by the initials (`^db`) and by
//! the folded syllables (`~dibao`, see [`fold`]): a pinyin query finds
//! terms whose words it spells, never a run across a word boundary
//! (`dibao` is not 水源地|保护); a query that finds nothing is read aloud
//! with `search/r/<n>.json` (each character's readings) and its folded
//! reading names what was meant (宅机地 → 宅基地). The number is how many
//! titles hold the term, to rank suggestions.

use std::collections::BTreeMap;

use jieba_rs::Jieba;
use pinyin::ToPinyin;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::tokenize::{hash, is_han, normalize};
use crate::model::Site;
use crate::output::{put_compressed, put_precompressed, Sink};

// The tables are made by build.rs; the crate checks them in tests.
#[cfg_attr(not(test), allow(dead_code))]
#[path = "reading_table.rs"]
mod table;

use table::plain;
pub use table::READING_SHARDS;

mod files {
    include!(concat!(env!("OUT_DIR"), "/readings.rs"));
}

/// At most this many terms are kept under one key (initials are shared by
/// many words); the most frequent first.
const TERMS_PER_KEY: usize = 24;

/// jieba's own dictionary (`dict.txt` of jieba-rs 0.8.1, MIT licence, as
/// jieba publishes it), kept compressed beside this file and unpacked by
/// `build.rs`, its lines grouped by their word's [`dictionary_key`].
/// jieba-rs is used without its built-in copy: loading all 349,045 words
/// takes 110 ms and 55 MB on every build, more than the rest of a build of
/// the real list.
const DICTIONARY: &str = include_str!(concat!(env!("OUT_DIR"), "/jieba-dict.txt"));

/// Where each group of [`DICTIONARY`] ends, by key, in order of key: 12
/// bytes a group, the key (8) and the end (4), little-endian (`build.rs`).
const DICTIONARY_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba-index.bin"));

/// The sum of the frequencies of all the dictionary's words (`build.rs`).
const DICTIONARY_TOTAL: u64 = include!(concat!(env!("OUT_DIR"), "/jieba-total.rs"));

#[path = "dictionary_key.rs"]
mod dictionary_key;

use dictionary_key::dictionary_key;

/// The lines of [`DICTIONARY`] whose words have the key `key`.
fn dictionary_group(key: u64) -> &'static str {
    let (entries, _) = DICTIONARY_INDEX.as_chunks::<12>();
    let entry = |e: &[u8; 12]| {
        let (k, end) = e.split_at(8);
        (
            u64::from_le_bytes(k.try_into().unwrap_or_default()),
            u32::from_le_bytes(end.try_into().unwrap_or_default()) as usize,
        )
    };
    let Ok(i) = entries.binary_search_by_key(&key, |e| entry(e).0) else {
        return "";
    };
    let start = i
        .checked_sub(1)
        .map_or(0, |before| entry(&entries[before]).1);
    DICTIONARY
        .get(start..entry(&entries[i]).1)
        .unwrap_or_default()
}

/// A segmenter with the words of jieba's dictionary that can occur in
/// `texts`: all their characters, and every two neighbouring characters,
/// occur there, as in every word that is part of a text (jieba only ever
/// looks up the parts of what it cuts). The dictionary's total frequency
/// is kept, through one entry for the words left out, which no text can
/// hold (private-use characters): every word's probability is jieba's
/// own, so the cut is exactly the full dictionary's.
fn segmenter<'a>(texts: impl Iterator<Item = &'a str>) -> Result<Jieba, String> {
    let (kept, _) = dictionary_for(texts);
    Jieba::with_dict(&mut kept.as_bytes()).map_err(|e| format!("jieba dictionary: {e}"))
}

/// [`segmenter`]'s dictionary, and how many words it keeps.
fn dictionary_for<'a>(texts: impl Iterator<Item = &'a str>) -> (String, usize) {
    // The dictionary's words are all in the Basic Multilingual Plane: a
    // table of its characters is much faster to ask than a set.
    let mut chars = vec![false; 0x10000];
    let mut pairs: FxHashSet<u64> = FxHashSet::default();
    let pair = |a: char, b: char| (u64::from(a) << 32) | u64::from(b);
    for text in texts {
        let mut last = None;
        for c in text.chars() {
            if let Some(seen) = chars.get_mut(c as usize) {
                *seen = true;
            }
            if let Some(l) = last {
                pairs.insert(pair(l, c));
            }
            last = Some(c);
        }
    }
    // Only the groups of words that start with a pair (or are a character)
    // of the texts can hold a word to keep. Their lines come in the order
    // of the groups' keys (a word's lines stay together, in order; jieba's
    // cut does not depend on the order of words).
    let singles = (0..0x10000_u32)
        .filter(|&c| chars[c as usize])
        .filter_map(char::from_u32)
        .map(|c| dictionary_key(c.encode_utf8(&mut [0; 4])));
    let mut groups: Vec<&str> = pairs
        .iter()
        .copied()
        .chain(singles)
        .map(dictionary_group)
        .filter(|g| !g.is_empty())
        .collect();
    groups.sort_unstable_by_key(|g| g.as_ptr());
    dictionary(groups.into_iter().flat_map(str::lines), |word| {
        word.chars()
            .all(|c| chars.get(c as usize).copied().unwrap_or(false))
            && word
                .chars()
                .zip(word.chars().skip(1))
                .all(|(a, b)| pairs.contains(&pair(a, b)))
    })
}

/// Those of the dictionary's `lines` whose word `keep` accepts, and the
/// line for the rest; with it, the number of lines kept.
fn dictionary<'a>(
    lines: impl Iterator<Item = &'a str>,
    keep: impl Fn(&str) -> bool,
) -> (String, usize) {
    let mut kept = String::new();
    let total = DICTIONARY_TOTAL;
    let (mut kept_total, mut lines_kept) = (0_u64, 0);
    for line in lines {
        let Some((word, rest)) = line.split_once(' ') else {
            continue;
        };
        if keep(word) {
            let freq = rest.split(' ').next().unwrap_or("0");
            kept_total += freq.parse::<u64>().unwrap_or(0);
            lines_kept += 1;
            kept.push_str(line);
            kept.push('\n');
        }
    }
    if total > kept_total {
        kept.push_str(&format!("\u{e000}\u{e001} {} x\n", total - kept_total));
    }
    (kept, lines_kept)
}

/// A term's usual reading, one syllable per character; `None` when a
/// character has none.
pub fn reading(term: &str) -> Option<Vec<String>> {
    term.chars().map(|c| c.to_pinyin().map(plain)).collect()
}

/// A syllable as people who mix up similar sounds would type it: zh/ch/sh
/// as z/c/s, l as n, a final ng as n, v as u. The script folds the same.
pub fn fold(syllable: &str) -> String {
    let mut s = syllable.to_string();
    for (from, to) in [("zh", "z"), ("ch", "c"), ("sh", "s")] {
        if let Some(rest) = s.strip_prefix(from) {
            s = format!("{to}{rest}");
            break;
        }
    }
    if let Some(rest) = s.strip_prefix('l') {
        s = format!("n{rest}");
    }
    if let Some(rest) = s.strip_suffix("ng") {
        s = format!("{rest}n");
    }
    s.replace('v', "u")
}

/// Terms of one name: its words of two or more Chinese characters, and
/// runs of two or three such words (低保审核 = 低保 + 审核; a run through a
/// one-character word such as 和 is no term).
fn terms_of(jieba: &Jieba, name: &str) -> Vec<String> {
    let name = normalize(name);
    let mut out = Vec::new();
    for run in name.split(|c: char| !is_han(c)).filter(|r| !r.is_empty()) {
        let words = jieba.cut(run, false);
        for start in 0..words.len() {
            let mut term = String::new();
            for word in words.iter().skip(start).take(3) {
                if word.chars().count() < 2 {
                    break;
                }
                term.push_str(word);
                out.push(term.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every term of the site and in how many titles it stands.
fn terms(site: &Site) -> Result<BTreeMap<String, u32>, String> {
    let names = || {
        site.categories
            .iter()
            .map(|c| c.name.as_str())
            .chain(site.departments.iter().map(|d| d.name.as_str()))
    };
    let jieba = segmenter(site.matters.iter().map(|m| m.title.as_str()).chain(names()))?;
    let per_title: Vec<Vec<String>> = site
        .matters
        .par_iter()
        .map(|m| terms_of(&jieba, &m.title))
        .collect();
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for terms in per_title {
        for t in terms {
            *counts.entry(t).or_insert(0) += 1;
        }
    }
    for name in names() {
        for t in terms_of(&jieba, name) {
            counts.entry(t).or_insert(0);
        }
    }
    Ok(counts)
}

/// The keys a term is found by.
fn keys(syllables: &[String]) -> [String; 3] {
    [
        syllables.concat(),
        format!(
            "^{}",
            syllables
                .iter()
                .filter_map(|s| s.chars().next())
                .collect::<String>()
        ),
        format!("~{}", syllables.iter().map(|s| fold(s)).collect::<String>()),
    ]
}

/// Writes the term files and the character readings; returns how many
/// term files there are.
pub fn write(site: &Site, out: &dyn Sink) -> Result<u32, String> {
    let mut counts = terms(site)?;
    // Synonym terms are normalized already (`Site::synonyms`).
    for t in site.synonyms.iter().flatten() {
        counts.entry(t.clone()).or_insert(0);
    }
    // key → (term, count)
    let mut by_key: BTreeMap<String, Vec<(&str, u32)>> = BTreeMap::new();
    let mut entries: usize = 0;
    for (term, count) in &counts {
        let Some(syllables) = reading(term) else {
            continue;
        };
        for key in keys(&syllables) {
            by_key.entry(key).or_default().push((term, *count));
            entries += 1;
        }
    }
    // About 600 terms, 12 KB, a file: a pinyin query fetches one.
    let shards = u32::try_from((entries / 600).max(1).next_power_of_two())
        .unwrap_or(1 << 16)
        .clamp(4, 1 << 16);
    let mut files: Vec<BTreeMap<String, Vec<(&str, u32)>>> = vec![BTreeMap::new(); shards as usize];
    for (key, mut entries) in by_key.into_iter() {
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        entries.truncate(TERMS_PER_KEY);
        files[(hash(&key) & (shards - 1)) as usize].insert(key, entries);
    }
    files.par_iter().enumerate().try_for_each(|(i, file)| {
        let json = serde_json::to_vec(file).map_err(|e| e.to_string())?;
        put_compressed(out, &format!("search/p/{i}.json"), &json).map_err(|e| e.to_string())
    })?;
    write_readings(out)?;
    Ok(shards)
}

/// `search/r/<n>.json`: every common Chinese character's readings, by code
/// point modulo [`READING_SHARDS`], made once by `build.rs`.
fn write_readings(out: &dyn Sink) -> Result<(), String> {
    for (shard, (json, gz)) in files::READING_FILES.iter().enumerate() {
        put_precompressed(out, &format!("search/r/{shard}.json"), json, gz)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Jieba {
        let (all, _) = dictionary(DICTIONARY.lines(), |_| true);
        Jieba::with_dict(&mut all.as_bytes()).unwrap()
    }

    #[test]
    fn every_word_is_in_the_group_of_its_key() {
        let mut lines = 0;
        for line in DICTIONARY.lines() {
            let word = line.split(' ').next().unwrap();
            let group = dictionary_group(dictionary_key(word));
            assert!(group.lines().any(|l| l == line), "{line}");
            lines += 1;
        }
        assert_eq!(lines, 349_045);
        assert_eq!(dictionary_group(dictionary_key("\u{e000}\u{e001}")), "");
    }

    #[test]
    fn the_small_dictionary_cuts_as_the_whole_one() {
        let titles: Vec<String> = ["content/basic", "content/cooperative", "content/revoked"]
            .iter()
            .flat_map(|dir| std::fs::read_dir(dir).unwrap())
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .filter_map(|text| {
                let line = text.lines().find(|l| l.starts_with("title = "))?;
                Some(
                    line.trim_start_matches("title = ")
                        .trim_matches('"')
                        .to_string(),
                )
            })
            .collect();
        assert!(titles.len() > 250, "{} titles", titles.len());
        let small = segmenter(titles.iter().map(String::as_str)).unwrap();
        let whole = full();
        for t in &titles {
            assert_eq!(small.cut(t, false), whole.cut(t, false), "{t}");
        }
        let (_, kept) = dictionary_for(titles.iter().map(String::as_str));
        assert!(kept < 20_000, "{kept} of 349,045 words kept");
    }

    #[test]
    fn titles_are_cut_into_words_and_runs_of_words() {
        let jieba = full();
        let terms_of = |t| terms_of(&jieba, t);
        let terms = terms_of("水源地保护");
        assert!(terms.contains(&"水源地".to_string()), "{terms:?}");
        assert!(!terms.iter().any(|t| t == "地保"), "{terms:?}");
        let terms = terms_of("低保审核");
        assert!(terms.contains(&"低保".to_string()), "{terms:?}");
        assert!(terms.contains(&"低保审核".to_string()), "{terms:?}");
    }

    #[test]
    fn terms_are_found_by_sound() {
        let s = reading("宅基地").unwrap();
        assert_eq!(s, ["zhai", "ji", "di"]);
        assert_eq!(keys(&s), ["zhaijidi", "^zjd", "~zaijidi"]);
        // 宅机地 sounds the same: the folded key names 宅基地.
        assert_eq!(keys(&reading("宅机地").unwrap())[2], "~zaijidi");
        assert_eq!(fold("zhuang"), "zuan");
        assert_eq!(fold("lv"), "nu");
        assert_eq!(reading("方略").unwrap(), ["fang", "lve"]);
    }

    #[test]
    fn hash_and_fold_agree_with_the_shared_vectors() {
        let text = include_str!("../../tests/search/sound-vectors.json");
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        for case in v["hash"].as_array().unwrap() {
            let t = case["text"].as_str().unwrap();
            assert_eq!(u64::from(hash(t)), case["hash"].as_u64().unwrap(), "{t:?}");
        }
        for case in v["fold"].as_array().unwrap() {
            let s = case["syllable"].as_str().unwrap();
            assert_eq!(fold(s), case["folded"].as_str().unwrap(), "{s}");
        }
    }

    #[test]
    fn the_reading_files_made_at_compile_time_are_todays() {
        use std::io::Read as _;
        for (shard, (json, gz)) in files::READING_FILES.iter().enumerate() {
            let shard = u32::try_from(shard).unwrap();
            assert_eq!(*json, table::reading_table(shard).unwrap().as_slice());
            let mut unpacked = Vec::new();
            flate2::read::GzDecoder::new(*gz)
                .read_to_end(&mut unpacked)
                .unwrap();
            assert_eq!(unpacked.as_slice(), *json);
            let parsed: BTreeMap<String, String> = serde_json::from_slice(json).unwrap();
            assert!(
                parsed.len() > 1000,
                "shard {shard}: {} characters",
                parsed.len()
            );
        }
    }

    #[test]
    fn characters_have_their_readings() {
        use table::readings;
        assert_eq!(readings('低'), ["di"]);
        let xing = readings('行');
        assert!(xing.contains(&"xing".to_string()) && xing.contains(&"hang".to_string()));
    }
}
