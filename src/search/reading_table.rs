// Every common Chinese character's readings, as `search/r/<n>.json` holds
// them. Shared by `build.rs`, which writes the files once at compile time
// (they depend on nothing a site holds), and `reading.rs`; so this file
// has no inner doc comment and names only `pinyin`, `serde_json` and std.

/// Character readings are split by code point into this many files (about
/// 17 KB each): few files to write, little to fetch for a query's
/// characters.
pub const READING_SHARDS: u32 = 16;

/// A reading without tones, `ü` written `v` as people type it.
pub fn plain(p: pinyin::Pinyin) -> String {
    p.plain().replace('ü', "v")
}

/// A character's plain readings, the usual one first.
pub fn readings(c: char) -> Vec<String> {
    use pinyin::{ToPinyin, ToPinyinMulti};
    let mut out: Vec<String> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let p = plain(p);
            if !out.contains(&p) {
                out.push(p);
            }
        }
    } else if let Some(p) = c.to_pinyin() {
        out.push(plain(p));
    }
    out
}

/// The JSON of `search/r/<shard>.json`: the readings of the characters
/// U+4E00–U+9FFF whose code point is `shard` modulo [`READING_SHARDS`].
pub fn reading_table(shard: u32) -> Result<Vec<u8>, serde_json::Error> {
    let table: std::collections::BTreeMap<String, String> = ('\u{4e00}'..='\u{9fff}')
        .filter(|c| *c as u32 % READING_SHARDS == shard)
        .filter_map(|c| {
            let r = readings(c);
            (!r.is_empty()).then(|| (c.to_string(), r.join(" ")))
        })
        .collect();
    serde_json::to_vec(&table)
}
