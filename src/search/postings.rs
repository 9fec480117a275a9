//! The inverted index, in shards: every token goes to the shard its hash
//! names, so a query loads only the shards of its own tokens. Each shard is
//! built with elasticlunr-rs (one `InvertedIndex` per field) and written in
//! a compact layout:
//!
//! ```json
//! {"低保": {"t": [49, 8], "b": [49, 8, 12]}, "服务": "3-0"}
//! ```
//!
//! A token maps to its postings per field (`t` title, `c` category, `d`
//! departments, `b` body), each a list of document numbers, sorted, the
//! first absolute and the rest as differences. A token whose postings are
//! big gets a file of its own (`t/3-0.json` above), so that sharing a shard
//! with a common word does not make a rare word's search heavy.

use std::fmt::Write as _;

use elasticlunr::inverted_index::InvertedIndex;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::tokenize::{hash, index_tokens};
use super::Doc;
use crate::output::{put_compressed, Sink};

/// The fields' keys in the shard files, in the order of `Doc::fields`.
pub const FIELD_KEYS: [&str; 4] = ["t", "c", "d", "b"];

/// A token's postings above this many bytes go to their own file.
const OWN_FILE_BYTES: usize = 4 * 1024;

/// The shards are built in passes, each tokenizing every document again
/// and keeping the tokens of its own shards, so that no more than a few
/// passes' worth of postings are in memory at a time: one pass per this
/// many bytes of text (at least one per core, at most [`MAX_PASSES`]):
/// fewer passes tokenize less, more keep less in memory; 2 MB is where
/// both are about as before at 28,200 matters and far fewer below.
const TEXT_PER_PASS: usize = 2 << 20;
const MAX_PASSES: usize = 16;

fn passes(text_bytes: usize, shards: u32) -> u32 {
    let wanted = text_bytes
        .div_ceil(TEXT_PER_PASS)
        .max(rayon::current_num_threads())
        .min(MAX_PASSES);
    u32::try_from(wanted).unwrap_or(1).clamp(1, shards)
}

/// How many shards for this many bytes of indexed text: about 12 KB of
/// postings each, a power of two.
fn shard_count(text_bytes: usize) -> u32 {
    // Measured on the real list: the shards are 2.5 times the text.
    let postings = text_bytes / 2 * 5;
    let wanted = (postings / (12 * 1024)).max(1);
    let n = wanted.next_power_of_two().clamp(8, 1 << 16);
    u32::try_from(n).unwrap_or(1 << 16)
}

/// The token standing for "a term of synonym group `g` occurs here"; it
/// cannot be a word token (those have no `#`).
pub fn group_token(g: u32) -> String {
    format!("#g{g}")
}

pub fn shard_of(token: &str, shards: u32) -> u32 {
    hash(token) & (shards - 1)
}

/// One shard in the making: a field index per field, and its tokens.
#[derive(Default)]
struct Shard {
    fields: [InvertedIndex; 4],
    tokens: FxHashSet<String>,
}

/// Builds and writes `search/t/<n>.json` for every shard; returns how many
/// shards there are.
pub fn write_shards(docs: &[Doc], out: &dyn Sink) -> Result<u32, String> {
    let text_bytes = docs
        .iter()
        .flat_map(|d| d.fields.iter())
        .map(|f| f.len())
        .sum();
    let shards = shard_count(text_bytes);
    let passes = passes(text_bytes, shards);
    (0..passes)
        .into_par_iter()
        .try_for_each(|pass| write_pass(docs, shards, passes, pass, out))?;
    Ok(shards)
}

fn write_pass(
    docs: &[Doc],
    shards: u32,
    passes: u32,
    pass: u32,
    out: &dyn Sink,
) -> Result<(), String> {
    // This pass's shards are `pass`, `pass + passes`, …: the i-th of them
    // is `built[i]`.
    let mine: Vec<u32> = (pass..shards).step_by(passes as usize).collect();
    let mut built: Vec<Shard> = mine.iter().map(|_| Shard::default()).collect();
    // token → (shard, count), for one field of one document.
    let mut counts: FxHashMap<String, (u32, u32)> = FxHashMap::default();
    // Document references of one width, so that their order as strings is
    // their order as numbers: elasticlunr keeps each token's documents in
    // a map ordered by reference, and a list's documents come in order, so
    // most are added at the end of the map, cheaper than in its middle.
    let width = docs
        .iter()
        .map(|d| d.number)
        .max()
        .unwrap_or(0)
        .to_string()
        .len();
    let mut reference = String::new();
    for doc in docs {
        reference.clear();
        let _ = write!(reference, "{:0width$}", doc.number);
        for (field, text) in doc.fields.iter().enumerate() {
            index_tokens(text, |token| {
                // Most tokens belong to other passes: the hash of a few
                // bytes tells, before any lookup in `counts`.
                let shard = shard_of(token, shards);
                if shard % passes != pass {
                    return;
                }
                if let Some((_, n)) = counts.get_mut(token) {
                    *n += 1;
                } else {
                    counts.insert(token.to_string(), (shard, 1));
                }
            });
            for group in &doc.groups[field] {
                let token = group_token(*group);
                let shard = shard_of(&token, shards);
                if shard % passes == pass {
                    counts.insert(token, (shard, 1));
                }
            }
            for (token, (shard, n)) in counts.drain() {
                let entry = &mut built[(shard / passes) as usize];
                // elasticlunr's term frequency: the square root of the count.
                entry.fields[field].add_token(&reference, &token, f64::from(n).sqrt());
                entry.tokens.insert(token);
            }
        }
    }
    // Shards no document reached are written too (empty): the script
    // fetches the shard of whatever it is asked.
    for (shard, content) in mine.into_iter().zip(built) {
        write_shard(shard, &content, out)?;
    }
    Ok(())
}

fn write_shard(shard: u32, content: &Shard, out: &dyn Sink) -> Result<(), String> {
    let mut json = String::from("{");
    let mut own = 0;
    let mut tokens: Vec<&String> = content.tokens.iter().collect();
    tokens.sort_unstable();
    for (i, token) in tokens.into_iter().enumerate() {
        let postings = postings_json(content, token);
        if i > 0 {
            json.push(',');
        }
        json.push_str(&json_string(token));
        json.push(':');
        if postings.len() > OWN_FILE_BYTES {
            let name = format!("{shard}-{own}");
            own += 1;
            put_compressed(out, &format!("search/t/{name}.json"), postings.as_bytes())
                .map_err(|e| e.to_string())?;
            json.push_str(&json_string(&name));
        } else {
            json.push_str(&postings);
        }
    }
    json.push('}');
    put_compressed(out, &format!("search/t/{shard}.json"), json.as_bytes())
        .map_err(|e| e.to_string())
}

/// `{"t":[…],"b":[…]}` for one token, fields without it left out.
fn postings_json(content: &Shard, token: &str) -> String {
    let mut json = String::from("{");
    for (field, key) in FIELD_KEYS.iter().enumerate() {
        let Some(docs) = content.fields[field].get_docs(token) else {
            continue;
        };
        let mut numbers: Vec<u64> = docs.keys().filter_map(|r| r.parse().ok()).collect();
        if numbers.is_empty() {
            continue;
        }
        numbers.sort_unstable();
        if json.len() > 1 {
            json.push(',');
        }
        let _ = write!(json, "\"{key}\":");
        json.push_str(&deltas(&numbers));
    }
    json.push('}');
    json
}

/// `[first, second - first, …]` of sorted numbers.
pub fn deltas(sorted: &[u64]) -> String {
    let mut out = String::from("[");
    let mut last = 0;
    for (i, n) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}", n - last);
        last = *n;
    }
    out.push(']');
    out
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// For tests: the postings of one token as the script would decode them.
#[cfg(test)]
pub fn decode(postings: &serde_json::Value) -> std::collections::BTreeMap<String, Vec<u64>> {
    let mut out = std::collections::BTreeMap::new();
    if let Some(map) = postings.as_object() {
        for (key, list) in map {
            let mut n = 0;
            let numbers = list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_u64)
                .map(|d| {
                    n += d;
                    n
                })
                .collect();
            out.insert(key.clone(), numbers);
        }
    }
    out
}
